"""All-pairs top-K kernel: exact against plain Python and dense numpy; ``similar``."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from match_graphs import seed_snapshot, snapshots

from matchgraph.errors import AmbiguousNameError, NotFoundError, QueryError
from matchgraph.queries.match.all_pairs import all_pairs_topk, concept_similarity, topk_reference
from matchgraph.queries.match.index_build import build_match_index
from matchgraph.queries.match.pair_score import pair_score_rows
from matchgraph.queries.match.similar import index_row, similar
from matchgraph.queries.snapshot import ArtifactRecord, CapabilityRecord, GraphSnapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from synthetic import synthetic_snapshot  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def incidence(draw: st.DrawFn) -> GraphSnapshot:
    """Artifacts with Zipf-ish concept sets, so hub concepts and ties both occur."""
    n = draw(st.integers(1, 40))
    vocab = draw(st.integers(1, 90))
    caps = []
    for i in range(n):
        ids = draw(st.lists(st.integers(0, vocab - 1).map(lambda x: x * x // max(vocab, 1)),
                            max_size=8))
        caps.append(CapabilityRecord(f"c{i}", f"a{i}", "",
                                     concepts=tuple(f"x:{c}" for c in ids)))
    return GraphSnapshot(artifacts=tuple(ArtifactRecord(f"a{i}", f"A{i}") for i in range(n)),
                         capabilities=tuple(caps))


def _dense_topk(index, k, expanded=False):
    """Brute force with numpy: all pairs at once, ranked by (-score, row)."""
    x = (index.expanded if expanded else index.direct).toarray() > 0
    w = index.expanded_weight if expanded else index.concept_weight
    shared = (x * w) @ x.T.astype(float)
    mass = (x * w).sum(axis=1)
    union = mass[:, None] + mass[None, :] - shared
    sim = np.divide(shared, union, out=np.zeros_like(shared), where=shared > 0)
    np.fill_diagonal(sim, -1.0)
    return sim


@SETTINGS
@given(incidence(), st.integers(1, 12), st.sampled_from([0, 3, 64]), st.booleans())
def test_kernel_equals_plain_python_exactly(snap, k, hubs, expanded):
    index = build_match_index(snap, facets=())
    got = all_pairs_topk(index, k, include_self=False, hubs=hubs, expanded=expanded)
    want = topk_reference(index, k, include_self=False, expanded=expanded)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.scores, want.scores)


@SETTINGS
@given(incidence(), st.integers(1, 8), st.booleans())
def test_kernel_equals_dense_numpy(snap, k, expanded):
    index = build_match_index(snap, facets=())
    got = all_pairs_topk(index, k, include_self=False, expanded=expanded)
    sim = _dense_topk(index, k, expanded)
    for r in range(index.n_artifacts):
        ranked = sorted(((s, j) for j, s in enumerate(sim[r]) if s > 0),
                        key=lambda t: (-t[0], t[1]))[:k]
        listed = [(j, s) for j, s in zip(got.indices[r], got.scores[r], strict=True)
                  if j >= 0]
        assert len(listed) == len(ranked)
        for (j, s), (s_ref, j_ref) in zip(listed, ranked, strict=True):
            assert s == pytest.approx(s_ref, rel=1e-9, abs=1e-12)
            assert j == j_ref or s == pytest.approx(sim[r][j_ref], rel=1e-9)


@SETTINGS
@given(incidence(), st.integers(2, 6))
def test_every_artifact_is_its_own_nearest_neighbour(snap, k):
    index = build_match_index(snap, facets=())
    got = all_pairs_topk(index, k, include_self=True)
    assert got.indices[:, 0].tolist() == list(range(index.n_artifacts))
    assert (got.scores[:, 0] == 1.0).all()
    assert (got.scores[:, 1:] <= 1.0).all()


@SETTINGS
@given(snapshots())
def test_kernel_scores_are_the_concept_term(drawn):
    snap, facets = drawn
    index = build_match_index(snap, facets=facets)
    got = all_pairs_topk(index, 4, include_self=False)
    for r in range(index.n_artifacts):
        for j, s in got.row(r):
            assert s == concept_similarity(index, r, j)[0]
            assert s == pair_score_rows(index, r, j).term("concepts").value


@st.composite
def repeated_sets(draw: st.DrawFn) -> GraphSnapshot:
    """Artifacts drawing their concept sets from a few, so most share a set with others
    (as with a taxonomy of a hundred concepts and many artifacts)."""
    pool = draw(st.lists(st.lists(st.integers(0, 12), max_size=6), min_size=1, max_size=5))
    n = draw(st.integers(2, 60))
    picks = [draw(st.integers(0, len(pool) - 1)) for _ in range(n)]
    caps = tuple(CapabilityRecord(f"c{i}", f"a{i}", "", concepts=tuple(f"x:{c}" for c in pool[p]))
                 for i, p in enumerate(picks))
    return GraphSnapshot(artifacts=tuple(ArtifactRecord(f"a{i}", f"A{i}") for i in range(n)), capabilities=caps)


@SETTINGS
@given(repeated_sets(), st.integers(1, 12), st.booleans(), st.booleans(), st.data())
def test_lists_from_shared_sets_equal_plain_python_exactly(snap, k, expanded, include_self, data):
    from matchgraph.queries.match.all_pairs import _sets
    from matchgraph.queries.match.all_pairs_classes import row_classes

    index = build_match_index(snap, facets=())
    indptr, indices, _, _ = _sets(index, expanded)
    assert len(row_classes(indptr, indices)) < index.n_artifacts or index.n_artifacts <= 5
    k = max(k, 2) if include_self else k
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, index.n_artifacts - 1), min_size=1))), dtype=np.int64)
    got = all_pairs_topk(index, k, include_self=include_self, expanded=expanded, rows=rows)
    want = topk_reference(index, k, include_self=include_self, expanded=expanded, rows=rows)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.scores, want.scores)


def test_row_classes_number_sets_by_their_first_row():
    from matchgraph.queries.match.all_pairs_classes import row_classes

    indptr = np.array([0, 2, 3, 5, 5, 6, 8], dtype=np.int64)
    indices = np.array([1, 4, 2, 1, 4, 2, 1, 4], dtype=np.int32)  # {1,4} {2} {1,4} {} {2} {1,4}
    classes = row_classes(indptr, indices)
    assert classes.class_of.tolist() == [0, 1, 0, 2, 1, 0]
    assert classes.firsts.tolist() == [0, 1, 3]
    assert [classes.members[classes.member_ptr[c]:classes.member_ptr[c + 1]].tolist() for c in range(3)] == [[0, 2, 5], [1, 4], [3]]
    c_ptr, c_idx, c_mass = classes.sets(indptr, indices, np.arange(6, dtype=np.float64))
    assert c_ptr.tolist() == [0, 2, 3, 3] and c_idx.tolist() == [1, 4, 2] and c_mass.tolist() == [0.0, 1.0, 3.0]


@pytest.mark.parametrize("n,seed", [(300, 1), (800, 2)])
def test_kernel_on_synthetic_graphs_with_hubs(n, seed):
    index = build_match_index(synthetic_snapshot(n, seed=seed))
    rows = np.arange(0, n, 7, dtype=np.int64)
    for expanded in (False, True):
        got = all_pairs_topk(index, 10, include_self=False, rows=rows, expanded=expanded)
        want = topk_reference(index, 10, include_self=False, rows=rows, expanded=expanded)
        assert np.array_equal(got.indices, want.indices)
        assert np.array_equal(got.scores, want.scores)
        assert got.scored.mean() < want.scored.mean()


def test_bad_k_and_rows_are_query_errors():
    index = build_match_index(seed_snapshot())
    with pytest.raises(QueryError):
        all_pairs_topk(index, 1, include_self=True)
    with pytest.raises(QueryError):
        all_pairs_topk(index, 3, rows=np.array([99]))
    with pytest.raises(QueryError):
        all_pairs_topk(index, 3, hubs=65)


@settings(max_examples=40, deadline=None)
@given(snapshots(max_artifacts=8, max_intents=3), st.integers(1, 8))
def test_similar_equals_brute_force_on_small_graphs(drawn, k):
    snap, facets = drawn
    index = build_match_index(snap, facets=facets)
    for a in range(index.n_artifacts):
        got = [(s.b, s.score) for s in similar(index, index.slugs[a], k)]
        every = [pair_score_rows(index, a, b) for b in range(index.n_artifacts) if b != a]
        want = sorted(((s.b, s.score) for s in every if s.score > 0),
                      key=lambda t: (-t[1], t[0]))[:k]
        assert got[: len(want)] == want
        assert all(score == 0 for _, score in got[len(want):])


def test_similar_puts_image_generators_first():
    index = build_match_index(seed_snapshot())
    names = [s.b for s in similar(index, "Stable Diffusion 3.5 Large", 5)]
    assert "stable-diffusion-3-5-large" not in names
    assert names.index("flux") < names.index("glm-ocr")
    assert names.index("stable-diffusion-xl") < names.index("glm-ocr")


def test_names_resolve_or_fail_clearly():
    index = build_match_index(seed_snapshot())
    assert index.slugs[index_row(index, "glm-ocr")] == "glm-ocr"
    assert index.slugs[index_row(index, "flux.1")] == "flux"
    with pytest.raises(AmbiguousNameError) as e:
        index_row(index, "stable diffusion")
    assert {s for s, _ in e.value.candidates} == {"stable-diffusion-3-5-large",
                                                   "stable-diffusion-xl"}
    with pytest.raises(NotFoundError):
        index_row(index, "midjourney")
    with pytest.raises(QueryError):
        similar(index, "glm-ocr", 0)


def test_a_hub_that_every_page_names_rescores_a_bounded_set_of_candidates(monkeypatch):
    """Each of 400 artifacts claims to be faster than the hub: re-scoring every one of
    them took minutes at 100,000 artifacts. The related artifacts kept are those the
    hub's walk reaches most, so a strongly linked one stays."""
    from matchgraph.queries.match.similar import RELATED_PER_WANTED, candidate_rows
    from matchgraph.queries.snapshot import ClaimRecord

    n = 400
    caps = [CapabilityRecord(f"c{i}", f"a{i}", "", concepts=(f"x:{i % 7}",)) for i in range(n)]
    caps.append(CapabilityRecord("ch", "hub", "", concepts=("x:0",)))
    claims = [ClaimRecord(f"k{i}", f"a{i}", "faster_than", "for", others=("hub",), capability=f"c{i}",
                          text=f"Faster than Hub on {i}") for i in range(n)]
    # a7 also compares itself with the hub on nine more pages: the walk reaches it most.
    claims += [ClaimRecord(f"k7-{j}", "a7", "faster_than", "for", others=("hub",), capability="c7",
                           text=f"Faster than Hub, again {j}") for j in range(9)]
    snap = GraphSnapshot(artifacts=(*(ArtifactRecord(f"a{i}", f"A{i}") for i in range(n)), ArtifactRecord("hub", "Hub")),
                         capabilities=tuple(caps), claims=tuple(claims))
    index = build_match_index(snap, facets=())
    hub, k = index.row_of["hub"], 5
    wanted = max(index.params.candidates, 2 * k)
    found = candidate_rows(index, hub, k)
    # concept neighbours (two lists) and walk top, plus the capped related artifacts
    assert len(found) <= 3 * wanted + RELATED_PER_WANTED * wanted < n
    assert index.row_of["a7"] in found
    capped = [(s.b, s.score) for s in similar(index, "hub", k)]
    from matchgraph.queries.match import similar as module

    monkeypatch.setattr(module, "RELATED_PER_WANTED", 10**6)
    assert len(candidate_rows(index, hub, k)) == n  # uncapped: every artifact
    assert capped == [(s.b, s.score) for s in similar(index, "hub", k)]
    assert capped[0][0] == "a7"
