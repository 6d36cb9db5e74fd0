"""Ranks: weights, recomputed composites, and the stability of orderings."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.errors import ConfigError, NotFoundError
from matchgraph.queries.ranks.composite import (
    DEFAULT_WEIGHTS,
    RankWeights,
    agreement,
    recompute,
    stability,
)
from matchgraph.queries.snapshot import ArtifactRecord, GraphSnapshot, ObservationRecord


def snap(*rows: tuple[str, dict]) -> GraphSnapshot:
    arts = tuple(ArtifactRecord(slug, slug.title()) for slug, _ in rows)
    obs = tuple(ObservationRecord(slug, values.pop("source", "doc:1"), **values) for slug, values in rows)
    return GraphSnapshot(artifacts=arts, observations=obs)




def test_published_defaults() -> None:
    assert DEFAULT_WEIGHTS.as_dict() == {
        "adoption": 0.25, "quality": 0.25, "ecosystem": 0.10, "match_graph": 0.20, "freshness": 0.20,
    }


@pytest.mark.parametrize("kwargs", [
    {"adoption": -0.1, "quality": 0.6}, {"adoption": math.nan}, {"adoption": 0.5},
    {"freshness": math.inf},
])
def test_invalid_weights(kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        RankWeights(**kwargs)


def test_from_mapping_splits_the_rest() -> None:
    w = RankWeights.from_mapping({"adoption": 0.3, "quality": 0.3, "ecosystem": 0.2})
    assert math.isclose(w.match_graph, 0.1) and math.isclose(w.freshness, 0.1)
    assert RankWeights.parse("adoption=1") == RankWeights(1, 0, 0, 0, 0)
    with pytest.raises(ConfigError, match="unknown signal"):
        RankWeights.from_mapping({"popularity": 1.0})
    with pytest.raises(ConfigError, match="sum to 1"):
        RankWeights.from_mapping({"adoption": 0.8, "quality": 0.8})
    with pytest.raises(ConfigError, match="NAME=NUMBER"):
        RankWeights.parse("adoption:0.5")


def test_recompute_renormalises_over_present_signals() -> None:
    s = snap(("ocr", {"rank": 53, "adoption": 1, "quality": 0, "ecosystem": 1, "match_graph": 0}),
             ("gen", {"rank": 58, "adoption": 1, "quality": 1, "ecosystem": 0, "match_graph": 0}),
             ("bare", {"rank": 10}))
    rows = {r.slug: r for r in recompute(s)}
    assert math.isclose(rows["ocr"].composite or 0, 100 * 0.35 / 0.8)
    assert math.isclose(rows["gen"].composite or 0, 100 * 0.5 / 0.8)
    assert rows["ocr"].missing == ("freshness",) and math.isclose(rows["ocr"].coverage, 0.8)
    assert "renormalised" in rows["ocr"].notes[0]
    assert math.isclose(rows["gen"].delta or 0, 62.5 - 58)
    assert rows["gen"].observed[0].source == "doc:1"
    assert rows["bare"].composite is None and rows["bare"].position is None
    assert [r.slug for r in recompute(s)] == ["gen", "ocr", "bare"]


def test_sources_are_averaged_and_out_of_range_values_clipped() -> None:
    s = GraphSnapshot(
        artifacts=(ArtifactRecord("a", "A"),),
        observations=(ObservationRecord("a", "d1", rank=40, adoption=1.0),
                      ObservationRecord("a", "d2", rank=60, adoption=0.0, quality=3.0)),
    )
    row = recompute(s)[0]
    sig = {v.name: v for v in row.signals}
    assert sig["adoption"].value == 0.5 and sig["adoption"].sources == ("d1", "d2")
    assert sig["quality"].value == 1.0 and any("clipped" in n for n in row.notes)
    assert [o.rank for o in row.observed] == [40, 60]


signal = st.none() | st.floats(0, 1)
observations = st.lists(
    st.fixed_dictionaries({"adoption": signal, "quality": signal, "ecosystem": signal,
                           "match_graph": signal, "rank": st.none() | st.integers(0, 100)}),
    min_size=1, max_size=12)
weights = st.lists(st.floats(0, 1), min_size=5, max_size=5).filter(lambda v: sum(v) > 1e-3).map(
    lambda v: RankWeights(*[x / sum(v) for x in v[:4]], 1.0 - sum(x / sum(v) for x in v[:4])))


def as_snapshot(values: list[dict]) -> GraphSnapshot:
    return snap(*((f"a{i}", dict(v)) for i, v in enumerate(values)))


@settings(max_examples=100, deadline=None)
@given(observations, st.one_of(st.just(DEFAULT_WEIGHTS), weights))
def test_composites_in_range_and_sorted(values: list[dict], w: RankWeights) -> None:
    rows = recompute(as_snapshot(values), w)
    scored = [r.composite for r in rows if r.composite is not None]
    assert all(-1e-9 <= c <= 100 + 1e-9 for c in scored)
    assert scored == sorted(scored, reverse=True)
    for r in rows:
        if r.composite is not None:
            assert r.position == 1 + sum(1 for c in scored if c > r.composite + 1e-9)


@settings(max_examples=40, deadline=None)
@given(observations, st.integers(0, 10_000))
def test_stability_probabilities(values: list[dict], seed: int) -> None:
    rep = stability(as_snapshot(values), samples=200, seed=seed)
    n = len(rep.slugs)
    total = rep.prob_ahead + rep.prob_ahead.T + rep.prob_tie
    np.testing.assert_allclose(total, np.ones((n, n)), atol=1e-12)
    assert np.all(rep.prob_ahead + rep.prob_ahead.T <= 1 + 1e-12)
    for r in rep.ranks:
        assert 1 <= r.low <= r.high <= n and 1 <= r.shown <= n
    assert sorted(s for g in rep.tie_groups for s in g) == sorted(rep.slugs)
    again = stability(as_snapshot(values), samples=200, seed=seed)
    np.testing.assert_array_equal(rep.prob_ahead, again.prob_ahead)


def test_identical_signals_are_tied_and_dominance_is_certain() -> None:
    s = snap(("a", {"adoption": 1, "quality": 1}), ("b", {"adoption": 1, "quality": 1}),
             ("c", {"adoption": 0, "quality": 0.5}))
    rep = stability(s, samples=500)
    assert rep.p_ahead("a", "b") == 0.0 == rep.p_ahead("b", "a")
    assert rep.p_ahead("a", "c") == 1.0
    assert rep.tie_groups[0] == ("a", "b")
    assert [r.shown for r in rep.ranks] == [1, 1, 3]


def test_close_artifacts_get_rank_ranges() -> None:
    s = snap(("a", {"adoption": 1, "quality": 0}), ("b", {"adoption": 0, "quality": 1}),
             ("c", {"adoption": 0, "quality": 0}))
    rep = stability(s, samples=2000, concentration=20)
    first = {r.slug: r for r in rep.ranks}
    assert 0.2 < rep.p_ahead("a", "b") < 0.8
    assert first["a"].low == 1 and first["a"].high == 2
    assert rep.orderings[0].p_ahead + rep.orderings[0].p_behind + rep.orderings[0].p_tie == pytest.approx(1)


def test_stability_arguments() -> None:
    s = snap(("a", {"adoption": 1}))
    with pytest.raises(ConfigError):
        stability(s, samples=0)
    with pytest.raises(ConfigError):
        stability(s, concentration=-1)
    with pytest.raises(NotFoundError):
        stability(s, slugs=["zzz"])
    with pytest.raises(NotFoundError):
        stability(s).p_ahead("a", "zzz")
    assert stability(GraphSnapshot()).slugs == ()


def test_agreement() -> None:
    s = snap(("a", {"rank": 90, "adoption": 1, "quality": 1}), ("b", {"rank": 50, "adoption": 1, "quality": 0}),
             ("c", {"rank": 10, "adoption": 0, "quality": 0}))
    agr = agreement(recompute(s))
    assert agr.n == 3 and agr.spearman == pytest.approx(1.0)
    assert agr.max_abs_delta == pytest.approx(10.0)


@settings(max_examples=100, deadline=None)
@given(observations, st.one_of(st.just(DEFAULT_WEIGHTS), weights), st.integers(1, 14), st.integers(0, 99))
def test_rank_table_gives_the_rows_and_agreement_of_recompute(values: list[dict], w: RankWeights,
                                                              limit: int, seed: int) -> None:
    """The array path the engine uses at scale shows exactly what the object path computes."""
    from matchgraph.queries.ranks.table import RankTable, agreement_of, snapshot_records, top_rows
    from matchgraph.queries.ranks.composite import stability_of

    snapshot = as_snapshot(values)
    table = RankTable.from_snapshot(snapshot)
    expected = [r for r in recompute(snapshot, w) if r.composite is not None]
    rows, top, scored = top_rows(table, w, limit, snapshot_records(snapshot))
    assert scored == len(expected)
    assert rows == expected[:limit]
    fit, want = agreement_of(table, w), agreement(expected)
    assert fit.n == want.n
    for got, ref in ((fit.mean_abs_delta, want.mean_abs_delta), (fit.max_abs_delta, want.max_abs_delta),
                     (fit.spearman, want.spearman)):
        assert (got is None) == (ref is None) and (got is None or got == pytest.approx(ref, abs=1e-9))
    if rows:
        via_table = stability_of(rows, table.matrix[top], w, 100, 50.0, seed)
        reference = stability(snapshot, w, samples=100, seed=seed, limit=limit)
        assert via_table.slugs == reference.slugs
        assert [(r.rank, r.low, r.high, r.shown) for r in via_table.ranks] == [(r.rank, r.low, r.high, r.shown) for r in reference.ranks]
        np.testing.assert_allclose(via_table.prob_ahead, reference.prob_ahead)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.floats(-5, 5, allow_nan=False)), min_size=3, max_size=40))
def test_spearman_matches_scipy(pairs: list[tuple[int, float]]) -> None:
    from scipy import stats

    from matchgraph.queries.ranks.weights import spearman

    a, b = np.array([float(p[0]) for p in pairs]), np.array([p[1] for p in pairs])
    if len(np.unique(a)) < 2 or len(np.unique(b)) < 2:
        return
    assert spearman(a, b) == pytest.approx(float(stats.spearmanr(a, b).statistic), abs=1e-9)


def test_rank_table_keeps_observations_of_artifacts_no_record_describes() -> None:
    """The engine reads described artifacts' records from its slices; an observation whose
    artifact has no record (so no slice) must still be ranked from the table's own copy."""
    from matchgraph.queries.ranks.table import RankTable, snapshot_records, top_rows

    snapshot = GraphSnapshot(
        artifacts=(ArtifactRecord("a", "A"),),
        observations=(ObservationRecord("a", "doc", rank=3, adoption=0.9, quality=0.9),
                      ObservationRecord("ghost", "doc", rank=9, adoption=0.1, quality=0.1)),
    )
    table = RankTable.from_snapshot(snapshot)
    described = snapshot_records(GraphSnapshot(artifacts=snapshot.artifacts,
                                               observations=snapshot.observations[:1]))
    rows, _, scored = top_rows(table, DEFAULT_WEIGHTS, 5, described)
    assert scored == 2 and [r.slug for r in rows] == ["a", "ghost"]
    assert [o.rank for o in rows[1].observed] == [9]
