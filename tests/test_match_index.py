"""Match index: build errors, facets, the cache round trip, PageRank, and doc examples."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from match_graphs import seed_snapshot

from matchgraph.errors import ConfigError, QueryError
from matchgraph.queries.match.cache import cache_key, entry_path, load_index, load_or_build
from matchgraph.queries.match.config import MatchParams
from matchgraph.queries.match.index_build import build_match_index
from matchgraph.queries.match.pair_score import pair_score
from matchgraph.queries.match.ppr import (
    Transition,
    personalized_pagerank,
    personalized_pagerank_push,
)
from matchgraph.queries.snapshot import CapabilityRecord, ClaimRecord



@pytest.mark.parametrize("broken", [
    lambda s: replace(s, capabilities=s.capabilities + (
        CapabilityRecord("urn:x", "ghost", "", concepts=("x",)),)),
    lambda s: replace(s, claims=(ClaimRecord("urn:c", "ghost", "vs", "for"),)),
    lambda s: replace(s, compared=(("glm-ocr", "ghost"),)),
    lambda s: replace(s, artifacts=s.artifacts + s.artifacts[:1]),
])
def test_inconsistent_snapshots_are_query_errors(broken):
    with pytest.raises(QueryError):
        build_match_index(broken(seed_snapshot()))


def test_default_facets_and_domains():
    index = build_match_index(seed_snapshot())
    c = index.concepts
    facets = {c.labels[i] for i in np.flatnonzero(c.facet)}
    assert {"Self-hosted deployment", "Int8 quantization", "Batch inference",
            "Open-weights licensing", "Deployment and infrastructure"} == facets
    assert {c.labels[i] for i in np.flatnonzero(c.domain)} == {
        "Image", "Audio", "Deployment and infrastructure"}
    none = build_match_index(seed_snapshot(), facets=())
    assert not none.concepts.facet.any()


def test_cache_round_trip(tmp_path):
    snap = seed_snapshot()
    built = load_or_build(snap, tmp_path)
    entry = entry_path(tmp_path, snap.version, MatchParams(), None)
    assert (entry / "arrays" / "direct.data.npy").exists() and (entry / "meta.json").exists()
    loaded = load_or_build(snap, tmp_path)
    assert loaded.index is not built.index
    for name in ("neighbours", "hierarchy"):
        a, b = getattr(built, name), getattr(loaded, name)
        assert np.array_equal(a.indices, b.indices)
        assert b.scores.dtype == np.float32 and np.allclose(a.scores, b.scores, rtol=1e-6, atol=0)
    for x in built.index.slugs:
        for y in built.index.slugs:
            assert pair_score(built.index, x, y) == pair_score(loaded.index, x, y)


def test_cache_key_follows_version_params_and_facets():
    p = MatchParams()
    keys = {cache_key("v1", p, None), cache_key("v2", p, None),
            cache_key("v1", MatchParams(facet_weight=0.5), None), cache_key("v1", p, ())}
    assert len(keys) == 4


def test_old_cache_entries_are_pruned(tmp_path):
    for v in range(6):
        load_or_build(replace(seed_snapshot(), version=f"v{v}"), tmp_path)
    kept = {p.name for p in tmp_path.iterdir()}
    assert len(kept) == 4
    assert entry_path(tmp_path, "v5", MatchParams(), None).name in kept


def test_unversioned_snapshots_are_not_cached(tmp_path):
    load_or_build(replace(seed_snapshot(), version=""), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_corrupt_cache_is_rebuilt_not_an_error(tmp_path):
    snap = seed_snapshot()
    first = load_or_build(snap, tmp_path)
    entry = entry_path(tmp_path, snap.version, MatchParams(), None)
    (entry / "arrays" / "direct.data.npy").write_bytes(b"not an array")
    with pytest.raises(ConfigError):
        load_index(entry)
    again = load_or_build(snap, tmp_path)
    assert again.index.slugs == first.index.slugs
    assert load_index(entry)[0].slugs == first.index.slugs


def _random_graph(n: int, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    a = sp.random(n, n, density=0.05, random_state=rng, format="csr")
    a = a + a.T
    a.setdiag(0)
    a.eliminate_zeros()
    return sp.csr_matrix(a)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_push_pagerank_is_within_its_error_bound(seed):
    t = Transition.from_adjacency(_random_graph(200, seed))
    for s in (0, 17, 199):
        exact = personalized_pagerank(t, s, tol=1e-14, max_iter=2000)
        assert exact.sum() == pytest.approx(1.0)
        approx = personalized_pagerank_push(t, s, eps=1e-7)
        err = exact - approx
        assert (err >= -1e-12).all()
        assert (err <= 1e-7 * np.maximum(t.degree, 1.0) * 200).all()


def test_pagerank_from_an_isolated_node_stays_home():
    t = Transition.from_adjacency(sp.csr_matrix((3, 3)))
    for solve in (personalized_pagerank, personalized_pagerank_push):
        assert solve(t, 1).tolist() == [0.0, 1.0, 0.0]


@pytest.mark.parametrize("bad", [lambda t: personalized_pagerank(t, 5),
                                 lambda t: personalized_pagerank(t, 0, alpha=0.0),
                                 lambda t: personalized_pagerank_push(t, 0, eps=0.0)])
def test_pagerank_rejects_bad_arguments(bad):
    with pytest.raises(QueryError):
        bad(Transition.from_adjacency(_random_graph(4, 0)))


def test_transition_rejects_bad_matrices():
    with pytest.raises(QueryError):
        Transition.from_adjacency(sp.csr_matrix((2, 3)))
    with pytest.raises(QueryError):
        Transition.from_adjacency(sp.csr_matrix(np.array([[0.0, -1.0], [1.0, 0.0]])))


def test_claims_on_disk_read_back_one_by_one_and_in_order(tmp_path):
    from matchgraph.queries.match.claims_file import ClaimTable

    snap = seed_snapshot()
    assert snap.claims, "the seed snapshot has claims"
    built = load_or_build(snap, tmp_path)
    table = ClaimTable(entry_path(tmp_path, snap.version, MatchParams(), None))
    assert len(table) == len(built.index.claims)
    assert tuple(table) == tuple(built.index.claims)
    assert [table[k] for k in reversed(range(len(table)))] == list(reversed(tuple(table)))


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 60), density=st.floats(0.0, 0.4), graph_seed=st.integers(0, 2**16),
       picks=st.lists(st.integers(0, 59), max_size=8, unique=True))
def test_a_push_round_over_the_active_edges_is_the_full_product_bit_for_bit(
        n: int, density: float, graph_seed: int, picks: list[int]) -> None:
    """The push reads only the active nodes' edges; pair scores must not move by one ulp."""
    from matchgraph.queries.match.ppr import _gathered, _moved

    rng = np.random.default_rng(graph_seed)
    a = sp.random(n, n, density=density, random_state=rng, format="csr")
    t = Transition.from_adjacency(a + a.T)
    active = np.array(sorted(p for p in picks if p < n), dtype=np.intp)
    spread = np.zeros(n)
    spread[active] = rng.random(len(active)) * 0.85
    full = t.step @ spread
    assert np.array_equal(_gathered(t.forward, spread, active), full)
    assert np.array_equal(_moved(t, t.forward, spread, active), full)


def test_push_pagerank_on_a_hub_graph_matches_power_iteration_closely():
    """A star (every push round reaches the hub, then all of its edges) takes the full-product
    branch; a path takes the gathered one; both stay within the push's bound."""
    star = sp.lil_matrix((300, 300))
    star[0, 1:] = 1.0
    path = sp.diags([np.ones(299)], [1], shape=(300, 300))
    for graph in (star, path):
        t = Transition.from_adjacency(sp.csr_matrix(graph + graph.T))
        for s in (0, 5, 299):
            exact = personalized_pagerank(t, s, tol=1e-14, max_iter=5000)
            approx = personalized_pagerank_push(t, s, eps=1e-8)
            assert (exact - approx >= -1e-12).all()
            assert (exact - approx <= 1e-8 * np.maximum(t.degree, 1.0) * 300).all()


def test_claims_between_finds_exactly_the_links_of_the_pair_in_either_direction():
    index = build_match_index(seed_snapshot())
    pairs, of_link = index.claim_pairs, index.claim_of_link
    assert len(pairs)
    n = len(index.slugs)
    for a in range(n):
        for b in range(n):
            expected = list(dict.fromkeys(int(of_link[k]) for k, (x, y) in enumerate(pairs.tolist())
                                          if (x, y) in ((a, b), (b, a))))
            assert list(index.claims_between(a, b)) == expected, (a, b)


def test_a_neighbour_list_answers_by_row_and_refuses_a_row_it_lacks():
    from matchgraph.queries.match.all_pairs import all_pairs_topk

    index = build_match_index(seed_snapshot())
    some = all_pairs_topk(index, 3, include_self=False, rows=np.array([2, 0], dtype=np.int64))
    full = all_pairs_topk(index, 3, include_self=False)
    assert some.row(2) == full.row(2) and some.row(0) == full.row(0)
    for missing in (1, -1, len(index.slugs) + 5):
        with pytest.raises(QueryError):
            some.row(missing)


@settings(max_examples=40, deadline=None)
@given(kept=st.lists(st.booleans(), min_size=1, max_size=30), edited=st.sets(st.integers(0, 29), max_size=5),
       added=st.integers(0, 5))
def test_claims_lent_by_an_earlier_entry_read_back_as_the_claims_and_only_changes_are_encoded(
        kept: list[bool], edited: set[int], added: int) -> None:
    """The next store version's entry copies the compressed claims it shares with the
    earlier one and encodes the others; what it reads back is exactly its own claims."""
    import dataclasses
    import tempfile
    from pathlib import Path

    from matchgraph.queries.match.claims_file import ClaimTable, write_claims
    from matchgraph.queries.snapshot import ClaimRecord

    def claim(i: int, text: str = "") -> ClaimRecord:
        return ClaimRecord(f"urn:claim:{i}", f"tool-{i % 7}", "faster_than", "for", others=(f"tool-{i % 5}",),
                           text=text or f"Tool {i % 7} is faster than tool {i % 5} on receipts")

    before = [claim(i) for i in range(len(kept))]
    after = [dataclasses.replace(c, text="now slower on receipts") if i in edited else c
             for i, c in enumerate(before) if kept[i]] + [claim(100 + i) for i in range(added)]
    with tempfile.TemporaryDirectory() as tmp:
        earlier, later = Path(tmp) / "earlier", Path(tmp) / "later"
        earlier.mkdir(), later.mkdir()
        assert write_claims(earlier, before) == len(before)
        encoded = write_claims(later, after, earlier)
        assert tuple(ClaimTable(later)) == tuple(after)
        assert encoded == sum(1 for i, c in enumerate(before) if kept[i] and i in edited) + added
        assert (later / "claims.zdict").read_bytes() == (earlier / "claims.zdict").read_bytes()
        from matchgraph.queries.match import claims_file

        short = Path(tmp) / "short-runs"  # runs of lent claims cut at the read limit
        short.mkdir()
        limit, claims_file._RUN = claims_file._RUN, 2
        try:
            assert write_claims(short, after, earlier) == encoded
        finally:
            claims_file._RUN = limit
        assert (short / "claims.zbin").read_bytes() == (later / "claims.zbin").read_bytes()
        assert tuple(ClaimTable(short)) == tuple(after)
        assert write_claims(Path(tmp) / "later", after, Path(tmp) / "nowhere") == len(after), \
            "without an earlier entry every claim is encoded"
