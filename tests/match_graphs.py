"""Graphs for the match-engine tests: a seed-shaped snapshot and a hypothesis strategy.

The seed-shaped snapshot mirrors the founding comparison (GLM-OCR vs Stable Diffusion 3.5
Large) plus the artifacts it is naturally compared with, with ``capability://``-style
dot-path concepts under broad domains and generic deployment facets, written for these
tests (no corpus text).
"""

from __future__ import annotations

from hypothesis import strategies as st

from matchgraph.queries.snapshot import (
    ArtifactRecord,
    CapabilityRecord,
    ClaimRecord,
    ConceptRecord,
    GraphSnapshot,
)

__all__ = ["seed_snapshot", "snapshots"]

C = "capability://"

_CONCEPTS = {
    "image": ("Image", ()),
    "image.generation": ("Image generation", ("image",)),
    "image.visual": ("Visual understanding", ("image",)),
    "image.visual.ocr": ("Optical character recognition", ("image.visual",)),
    "audio": ("Audio", ()),
    "audio.speech": ("Speech", ("audio",)),
    "infrastructure": ("Deployment and infrastructure", ()),
}

_ARTIFACTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "glm-ocr": ("GLM-OCR", [
        ("image.visual.ocr.multilingual.text.extraction", "Multilingual text extraction"),
        ("image.visual.ocr.layout.aware.decoding", "Layout-aware text decoding"),
        ("image.visual.document.image.normalization", "Document image normalisation"),
        ("infrastructure.int8.quantization", "Int8 quantization"),
        ("infrastructure.batch.inference", "Batch inference"),
        ("infrastructure.self.hosted.deployment", "Self-hosted deployment"),
    ]),
    "stable-diffusion-3-5-large": ("Stable Diffusion 3.5 Large", [
        ("image.generation.text.to.image.mmdit", "Text-to-image with MMDiT"),
        ("image.generation.few.step.distilled.sampling", "Few-step distilled sampling"),
        ("image.generation.text.rendering", "Text rendering in images"),
        ("image.generation.prompt.adherence", "Prompt adherence"),
        ("image.generation.lora.fine.tuning", "LoRA fine-tuning"),
        ("infrastructure.self.hosted.deployment", "Self-hosted deployment"),
        ("infrastructure.open.weights.licensing", "Open-weights licensing"),
    ]),
    "flux": ("FLUX.1", [
        ("image.generation.text.to.image.flow.matching", "Text-to-image with flow matching"),
        ("image.generation.text.rendering", "Text rendering in images"),
        ("image.generation.lora.fine.tuning", "LoRA fine-tuning"),
        ("infrastructure.self.hosted.deployment", "Self-hosted deployment"),
    ]),
    "stable-diffusion-xl": ("Stable Diffusion XL", [
        ("image.generation.text.to.image.sdxl", "Text-to-image with SDXL"),
        ("image.generation.inpainting", "Inpainting"),
        ("image.generation.lora.fine.tuning", "LoRA fine-tuning"),
        ("infrastructure.self.hosted.deployment", "Self-hosted deployment"),
    ]),
    "tesseract": ("Tesseract", [
        ("image.visual.ocr.printed.text.recognition", "Printed text recognition"),
        ("image.visual.ocr.multilingual.text.extraction", "Multilingual text extraction"),
        ("infrastructure.self.hosted.deployment", "Self-hosted deployment"),
    ]),
    "whisper-large-v3": ("Whisper large-v3", [
        ("audio.speech.transcription", "Speech transcription"),
        ("infrastructure.int8.quantization", "Int8 quantization"),
        ("infrastructure.self.hosted.deployment", "Self-hosted deployment"),
    ]),
}


def _parent(path: str) -> str:
    for prefix in sorted(_CONCEPTS, key=len, reverse=True):
        if path.startswith(prefix + "."):
            return prefix
    raise AssertionError(path)


def seed_snapshot() -> GraphSnapshot:
    """The seed pair and its natural neighbours, as one small snapshot."""
    concepts = {C + k: ConceptRecord(C + k, label, broader=tuple(C + b for b in broader))
                for k, (label, broader) in _CONCEPTS.items()}
    caps = []
    for slug, (_, items) in _ARTIFACTS.items():
        for k, (path, label) in enumerate(items):
            concepts.setdefault(C + path, ConceptRecord(C + path, label,
                                                        broader=(C + _parent(path),)))
            caps.append(CapabilityRecord(f"urn:cap:{slug}:{k}", slug, label, name=label,
                                         concepts=(C + path,)))
    claims = (
        ClaimRecord("urn:claim:1", "glm-ocr", "vs_alternatives", "for", ("tesseract",),
                    text="Handles complex layouts better than Tesseract"),
        ClaimRecord("urn:claim:2", "stable-diffusion-3-5-large", "vs_alternatives", "for",
                    ("stable-diffusion-xl",), text="Renders text better than SDXL"),
    )
    return GraphSnapshot(
        artifacts=tuple(ArtifactRecord(s, name, "model") for s, (name, _) in
                        _ARTIFACTS.items()),
        capabilities=tuple(caps),
        concepts=tuple(concepts.values()),
        claims=claims,
        compared=(("glm-ocr", "stable-diffusion-3-5-large"),
                  ("flux", "stable-diffusion-3-5-large"),
                  ("stable-diffusion-3-5-large", "stable-diffusion-xl"),
                  ("glm-ocr", "tesseract")),
        version="seed-test-1",
    )


@st.composite
def snapshots(draw: st.DrawFn, *, max_artifacts: int = 7, max_concepts: int = 12,
              max_intents: int = 4) -> tuple[GraphSnapshot, frozenset[str]]:
    """A random small snapshot and a random facet set over its concepts."""
    n = draw(st.integers(2, max_artifacts))
    c = draw(st.integers(1, max_concepts))
    broader = [None] + [draw(st.one_of(st.none(), st.integers(0, i - 1)))
                        for i in range(1, c)]
    concepts = tuple(ConceptRecord(f"c:{i}", f"concept {i}",
                                   broader=(f"c:{b}",) if b is not None else ())
                     for i, b in enumerate(broader))
    slugs = [f"a{i}" for i in range(n)]
    caps = []
    for slug in slugs:
        for k in range(draw(st.integers(0, 3))):
            ids = draw(st.sets(st.integers(0, c - 1), max_size=3))
            intents = draw(st.sets(st.integers(0, max_intents - 1), max_size=2)) \
                if max_intents else set()
            caps.append(CapabilityRecord(
                f"urn:{slug}:{k}", slug, "", concepts=tuple(f"c:{i}" for i in sorted(ids)),
                intents=tuple(f"need {i}" for i in sorted(intents))))
    pair = st.tuples(st.sampled_from(slugs), st.sampled_from(slugs))
    compared = tuple(draw(st.lists(pair, max_size=6)))
    claims = tuple(ClaimRecord(f"urn:claim:{k}", s, "vs_alternatives", "for", (o,),
                               text=f"{s} beats {o}")
                   for k, (s, o) in enumerate(draw(st.lists(pair, max_size=4))))
    facets = frozenset(draw(st.sets(st.sampled_from([x.iri for x in concepts]),
                                    max_size=2)))
    snap = GraphSnapshot(artifacts=tuple(ArtifactRecord(s, s.upper()) for s in slugs),
                         capabilities=tuple(caps), concepts=concepts, claims=claims,
                         compared=compared, version="hyp")
    return snap, facets
