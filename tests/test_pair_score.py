"""Pair score: the scoring invariants (hypothesis) and the seed-pair expectations."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from match_graphs import seed_snapshot, snapshots

from matchgraph.errors import ConfigError, NotFoundError
from matchgraph.queries.match.config import TERM_NAMES, MatchParams, PairWeights
from matchgraph.queries.match.index_build import build_match_index
from matchgraph.queries.match.pair_score import pair_score, pair_score_bounds, pair_score_rows
from matchgraph.queries.snapshot import CapabilityRecord

SETTINGS = settings(max_examples=60, deadline=None)


def _index(drawn):
    snap, facets = drawn
    return build_match_index(snap, facets=facets)


@SETTINGS
@given(snapshots())
def test_score_is_symmetric_bounded_and_sums_its_terms(drawn):
    index = _index(drawn)
    for a in index.slugs:
        for b in index.slugs:
            ab, ba = pair_score(index, a, b), pair_score(index, b, a)
            assert ab.score == ba.score
            assert ab.substitutability == ba.substitutability
            assert [t.value for t in ab.terms] == [t.value for t in ba.terms]
            assert 0.0 <= ab.score <= 1.0
            assert ab.score == sum(t.contribution for t in ab.terms)
            assert tuple(t.name for t in ab.terms) == TERM_NAMES
            for t in ab.terms:
                assert 0.0 <= t.value <= 1.0
                assert t.contribution == t.weight * t.value
                assert t.sentence


@SETTINGS
@given(snapshots())
def test_an_artifact_is_its_own_nearest_neighbour(drawn):
    index = _index(drawn)
    for a in index.slugs:
        own = pair_score(index, a, a)
        assert own.substitutability == "alternatives"
        assert math.isclose(own.score, 1.0, rel_tol=0, abs_tol=1e-12)
        for b in index.slugs:
            assert pair_score(index, a, b).score <= own.score


@SETTINGS
@given(snapshots(), st.data())
def test_adding_a_concept_to_both_never_lowers_the_score(drawn, data):
    snap, facets = drawn
    before = build_match_index(snap, facets=facets)
    a, b = data.draw(st.sampled_from(snap.artifacts)), data.draw(
        st.sampled_from(snap.artifacts))
    existing = [c.iri for c in snap.concepts]
    concept = data.draw(st.sampled_from([*existing, "c:new"]))
    added = tuple(CapabilityRecord(f"urn:added:{x.slug}", x.slug, "", concepts=(concept,))
                  for x in {a.slug: a, b.slug: b}.values())
    grown = replace(snap, capabilities=snap.capabilities + added)
    after = build_match_index(grown, facets=facets, fixed_weights=before.concept_weights())
    old, new = pair_score(before, a.slug, b.slug), pair_score(after, a.slug, b.slug)
    assert new.score >= old.score - 1e-12
    for name in ("concepts", "hierarchy"):
        assert new.term(name).value >= old.term(name).value - 1e-12


@SETTINGS
@given(snapshots())
def test_bounds_bracket_the_exact_score(drawn):
    index = _index(drawn)
    for a in range(index.n_artifacts):
        for b in range(index.n_artifacts):
            low, high = pair_score_bounds(index, a, b)
            score = pair_score_rows(index, a, b).score
            assert low - 1e-12 <= score <= high + 1e-12


@pytest.fixture(scope="module")
def seed_index():
    return build_match_index(seed_snapshot())


SD = "stable-diffusion-3-5-large"


def test_seed_pair_is_not_alternatives(seed_index):
    s = pair_score(seed_index, "glm-ocr", SD)
    assert s.substitutability == "not_alternatives"
    assert "facet" in s.reason and "Self-hosted deployment" in s.reason
    shared = [e.label for e in s.term("concepts").evidence]
    assert shared == ["Self-hosted deployment"]


@pytest.mark.parametrize("other", ["flux", "stable-diffusion-xl"])
def test_image_generators_outscore_the_ocr_model(seed_index, other):
    near = pair_score(seed_index, SD, other)
    far = pair_score(seed_index, SD, "glm-ocr")
    assert near.score > far.score
    assert near.substitutability in ("alternatives", "partial")
    assert "Image generation" in near.reason or "LoRA fine-tuning" in near.reason


def test_ocr_models_are_alternatives(seed_index):
    s = pair_score(seed_index, "glm-ocr", "tesseract")
    assert s.substitutability in ("alternatives", "partial")
    claims = s.term("claims")
    assert claims.value == 0.5
    assert [e.label for e in claims.evidence] == ["Handles complex layouts better than Tesseract"]


def test_explanation_names_hierarchy_and_walk_evidence(seed_index):
    s = pair_score(seed_index, SD, "flux")
    assert any("via Image generation" == e.detail for e in s.term("hierarchy").evidence)
    path = s.term("ppr").evidence
    assert path and path[0].kind == "path"
    assert path[0].label.startswith("Stable Diffusion 3.5 Large") and \
        path[0].label.endswith("FLUX.1")


def test_unknown_slug_is_not_found(seed_index):
    with pytest.raises(NotFoundError):
        pair_score(seed_index, "glm-ocr", "no-such-artifact")


@pytest.mark.parametrize("bad", [{"concepts": -1.0}, {"concepts": math.nan},
                                 dict.fromkeys(TERM_NAMES, 0.0)])
def test_bad_weights_are_rejected(bad):
    with pytest.raises(ConfigError):
        PairWeights(**bad)


def test_weights_are_normalised_and_used():
    only_concepts = PairWeights(**{**dict.fromkeys(TERM_NAMES, 0.0), "concepts": 3.0})
    index = build_match_index(seed_snapshot(), params=MatchParams(weights=only_concepts))
    s = pair_score(index, SD, "flux")
    assert s.score == s.term("concepts").value
    assert sum(PairWeights().normalised().as_tuple()) <= 1.0


@pytest.mark.parametrize("field,value", [("facet_weight", 0.0), ("alpha", 1.0),
                                         ("alternatives_coverage", 1.5), ("candidates", 0)])
def test_bad_params_are_rejected(field, value):
    with pytest.raises(ConfigError):
        MatchParams(**{field: value})


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 30), edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=90),
       source=st.integers(0, 29), symmetric=st.booleans())
def test_shortest_path_tree_is_scipys(n: int, edges: list[tuple[int, int]], source: int, symmetric: bool) -> None:
    """The walk path's breadth-first tree (numpy, to spare a fresh process scipy.linalg's
    import) is exactly scipy's, ties included, so explanations name the same path."""
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    from matchgraph.queries.match.ppr import bfs_predecessors

    kept = [(a, b) for a, b in edges if a < n and b < n]
    rows = np.array([a for a, _ in kept], dtype=np.int64)
    cols = np.array([b for _, b in kept], dtype=np.int64)
    graph = sp.csr_matrix((np.ones(len(kept)), (rows, cols)), shape=(n, n))
    if symmetric:
        graph = ((graph + graph.T) > 0).astype(np.float64).tocsr()
    graph.sum_duplicates()
    start = source % n
    expected = breadth_first_order(graph, start, directed=True, return_predecessors=True)[1]
    assert bfs_predecessors(graph.indptr, graph.indices, start).tolist() == expected.tolist()
