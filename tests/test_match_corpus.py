"""The seed-pair expectations on the real corpus, through a store's snapshot."""

from __future__ import annotations

import pytest

from matchgraph.queries.match.index_build import build_match_index
from matchgraph.queries.match.pair_score import pair_score
from matchgraph.queries.match.similar import similar

pytestmark = pytest.mark.corpus

SD = "stable-diffusion-3-5-large"
OCR = "zai-org--glm-ocr"


@pytest.fixture(scope="module")
def corpus_index():
    from conftest import corpus_snapshot

    return build_match_index(corpus_snapshot())


def test_seed_pair_is_not_alternatives(corpus_index):
    if {SD, OCR} - set(corpus_index.slugs):
        pytest.skip("the loaded corpus names the seed artifacts differently")
    assert pair_score(corpus_index, OCR, SD).substitutability == "not_alternatives"


@pytest.mark.parametrize("other", ["flux", "stable-diffusion-xl"])
def test_image_generators_score_above_the_ocr_model(corpus_index, other):
    if {SD, OCR, other} - set(corpus_index.slugs):
        pytest.skip(f"{other} is not in the loaded corpus")
    assert pair_score(corpus_index, SD, other).score > pair_score(corpus_index, SD, OCR).score


def test_similar_ranks_the_ocr_model_below_image_generators(corpus_index):
    if {SD, OCR, "flux"} - set(corpus_index.slugs):
        pytest.skip("seed artifacts missing")
    names = [s.b for s in similar(corpus_index, SD, corpus_index.n_artifacts - 1)]
    assert names.index("flux") < names.index(OCR)
