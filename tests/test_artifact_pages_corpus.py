"""Single-artifact and single-capability pages from the real corpus: the copies in
../shared/corpus/unfragile load with the values they show (skipping when the corpus is
absent), route to their loader without their address, and every page's facts, the pages
written in test_artifact_pages included, satisfy the SHACL shapes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_artifact_pages import CAPABILITY_PAGE, CUT_PAGE, SAMPLE, SPEECH_PAGE

from matchgraph.loaders.artifact_page import parse_artifact_page
from matchgraph.loaders.capability_page import parse_capability_page
from matchgraph.loaders.dispatch import detect_format, read_document
from matchgraph.loaders.models import ArtifactType, ClaimKind, DocumentFormat
from matchgraph.loaders.source import read_body

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UNFRAGILE = SHARED / "corpus" / "unfragile"


def _corpus(name: str) -> Path:
    path = UNFRAGILE / name
    if not path.exists():
        pytest.skip("../shared/corpus is absent")
    return path


# -- the real pages --------------------------------------------------------------------


def test_corpus_whisper_page() -> None:
    facts = read_document(_corpus("artifact-whisper-large-v3.txt"))
    assert facts.source.format is DocumentFormat.ARTIFACT_PAGE
    (artifact,) = facts.artifacts
    assert (artifact.name, artifact.slug, artifact.type, artifact.addressed) == (
        "Whisper Large v3",
        "whisper-large-v3",
        ArtifactType.MODEL,
        True,
    )
    (obs,) = facts.observations
    assert (obs.pricing, obs.capabilities_declared) == ("Free", 11)
    (cap,) = facts.capabilities
    assert cap.name.startswith("multilingual speech-to-text transcription")
    assert cap.description.startswith("Transcribes audio in 98 languages")
    assert cap.statement(ClaimKind.UNIQUE).text.startswith("Unified multitasking architecture")
    assert cap.statement(ClaimKind.VS_ALTERNATIVES).text.startswith("Outperforms Google")
    assert cap.truncated and cap.confidence is None
    assert not facts.complete
    assert facts.missing == ("capability at line 10 (cut off)", "9 more declared capabilities (not on the page)")


def test_corpus_planning_with_files_page() -> None:
    facts = read_document(_corpus("artifact-othmanadi--planning-with-files.txt"))
    (artifact,) = facts.artifacts
    assert (artifact.name, artifact.slug, artifact.type) == (
        "planning-with-files",
        "othmanadi--planning-with-files",
        ArtifactType.WORKFLOW,
    )
    (obs,) = facts.observations
    assert (obs.pricing, obs.capabilities_declared) == ("Free", 13)
    assert [c.name for c in facts.capabilities] == ["persistent-markdown-working-memory-system"]
    assert len(facts.capabilities[0].statements) == 2
    assert facts.missing == ("capability at line 10 (cut off)", "11 more declared capabilities (not on the page)")


def test_corpus_capability_page() -> None:
    facts = read_document(_corpus("capability-note-storage-and-persistence.txt"))
    assert facts.source.format is DocumentFormat.CAPABILITY_PAGE
    (artifact,) = facts.artifacts
    assert (artifact.name, artifact.slug, artifact.type, artifact.addressed) == (
        "planning-with-files",
        "planning-with-files",
        ArtifactType.WORKFLOW,
        False,
    )
    assert facts.observations[0].rank == 42
    (cap,) = facts.capabilities
    assert cap.name == "persistent-markdown-working-memory-system"
    assert cap.categories == ("note-storage-and-persistence",)
    assert [s.kind for s in cap.statements] == [ClaimKind.UNIQUE, ClaimKind.VS_ALTERNATIVES]
    assert cap.description == cap.statements[0].text
    assert cap.statements[1].text.startswith("Unlike vector databases")
    assert facts.complete


def test_corpus_pages_route_without_their_address() -> None:
    for name, fmt in (
        ("artifact-whisper-large-v3.txt", DocumentFormat.ARTIFACT_PAGE),
        ("artifact-othmanadi--planning-with-files.txt", DocumentFormat.ARTIFACT_PAGE),
        ("capability-note-storage-and-persistence.txt", DocumentFormat.CAPABILITY_PAGE),
    ):
        body = read_body(_corpus(name).read_text(encoding="utf-8"))
        assert detect_format(name, body.body) is fmt


def test_pages_pass_the_shapes() -> None:
    """Every page's facts satisfy the SHACL shapes (validator from MATCHGRAPH_VALIDATOR)."""
    from matchgraph.graph.embedded import OxigraphStore

    docs = [
        parse_artifact_page(SPEECH_PAGE, document="a.txt"),
        parse_artifact_page(CUT_PAGE, document="b.txt"),
        parse_capability_page(CAPABILITY_PAGE, document="c.txt"),
        read_document(SAMPLE),
    ]
    if UNFRAGILE.exists():
        docs += [read_document(p) for p in sorted(UNFRAGILE.glob("artifact-*.txt"))]
        docs += [read_document(p) for p in sorted(UNFRAGILE.glob("capability-*.txt"))]
    store = OxigraphStore(None, validator=os.environ.get("MATCHGRAPH_VALIDATOR", "compiled"))
    try:
        result = store.load(docs)
    finally:
        store.close()
    assert result.ok, {k: str(v) for k, v in result.failed.items()}
    assert len(result.loaded) == len(docs)
