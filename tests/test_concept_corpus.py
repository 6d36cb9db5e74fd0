"""Mapping the corpus's own capability descriptions to concepts: the done criteria.

Reads ../shared/corpus at run time and skips when it is absent: GLM-OCR's multilingual
capabilities share a concept, GLM-OCR and PP-OCR share OCR, Stable Diffusion and Flux share
text-to-image, no OCR capability lands under image generation, and nearly every description on
the seed and comparison pages maps to something. The page readers here serve the embeddings
tests too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from matchgraph.loaders.concepts import ConceptMapper, ConceptScheme
from test_concepts import (  # noqa: F401  (fixtures: mapper, scheme)
    MULTILINGUAL_OCR,
    OCR,
    TEXT_TO_IMAGE,
    concepts_of,
    generation_subtree,
    mapper,
    scheme,
)

F = TypeVar("F", bound=Callable[..., Any])

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SEED = CORPUS / "seed" / "000_3709e9e89624b56b.txt"
PAGES = CORPUS / "unfragile"


def corpus(test: F) -> F:
    """Mark a test that reads ../shared/corpus, and skip it when the corpus is absent."""
    skip = pytest.mark.skipif(not SEED.is_file(), reason="../shared/corpus is absent")
    return pytest.mark.corpus(skip(test))


# --- reading capability descriptions from the corpus at run time ---------------------------


def page_capabilities(path: Path) -> dict[str, list[str]]:
    """Descriptions per artifact heading ("<Name> Capabilities"): the line before each "Unique:"."""
    owner = "?"
    found: dict[str, list[str]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if heading := re.fullmatch(r"(.+) Capabilities", line):
            owner = heading.group(1)
        elif (
            i + 1 < len(lines)
            and lines[i + 1].startswith("Unique:")
            and not line.startswith(("Unique:", "vs alternatives:"))
        ):
            found.setdefault(owner, []).append(line)
    return found


def corpus_capabilities(artifact: str) -> Iterator[str]:
    """Every description of one artifact, from the seed and every comparison page."""
    for path in [SEED, *sorted(PAGES.glob("compare-*.txt"))]:
        yield from page_capabilities(path).get(artifact, [])


# --- done criteria, on the corpus ------------------------------------------------------------


@corpus
def test_glm_ocr_multilingual_capabilities_share_a_concept(mapper: ConceptMapper) -> None:
    glm = page_capabilities(SEED)["GLM-OCR"]
    first, fourth = concepts_of(mapper, glm[0]), concepts_of(mapper, glm[3])
    assert MULTILINGUAL_OCR in first & fourth


@corpus
def test_glm_ocr_and_pp_ocr_share_ocr(mapper: ConceptMapper) -> None:
    glm = page_capabilities(SEED)["GLM-OCR"][0]
    pp_page = next(PAGES.glob("compare-paddlepaddle--en_pp-ocrv5_mobile_rec-*.txt"))
    pp = page_capabilities(pp_page)["en_PP-OCRv5_mobile_rec"][0]
    assert OCR in concepts_of(mapper, glm) & concepts_of(mapper, pp)


@corpus
def test_stable_diffusion_and_flux_share_text_to_image(mapper: ConceptMapper) -> None:
    sd = page_capabilities(SEED)["Stable Diffusion 3.5 Large"][0]
    flux = page_capabilities(PAGES / "compare-flux-vs-stable-diffusion.txt")["Flux"][0]
    assert TEXT_TO_IMAGE in concepts_of(mapper, sd) & concepts_of(mapper, flux)


@corpus
@pytest.mark.parametrize("artifact", ["GLM-OCR", "en_PP-OCRv5_mobile_rec"])
def test_no_ocr_capability_maps_to_image_generation(
    mapper: ConceptMapper, scheme: ConceptScheme, artifact: str
) -> None:
    descriptions = list(corpus_capabilities(artifact))
    assert descriptions
    forbidden = generation_subtree(scheme)
    for description in descriptions:
        assert not concepts_of(mapper, description) & forbidden, description[:80]


@corpus
def test_every_corpus_capability_maps_within_bounds(mapper: ConceptMapper) -> None:
    pages = [SEED, *sorted(PAGES.glob("compare-*.txt"))]
    descriptions = [d for p in pages for ds in page_capabilities(p).values() for d in ds]
    assert len(descriptions) > 40
    mapped = [mapper.map(d) for d in descriptions]
    assert sum(1 for m in mapped if m) >= 0.9 * len(descriptions)
    assert all(0.0 <= x.score <= 1.0 for m in mapped for x in m)
