"""All-pairs lists updated after a change must be the lists computed from scratch whenever
the weights did not move (the update's only approximation is weight drift), for any mix of
added, removed, changed and reordered artifacts; and the engine must fall back to a full
computation when too much changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.queries.match import all_pairs_update
from matchgraph.queries.match.all_pairs_kernel import HUBS, postings, row_sums, topk_rows
from matchgraph.queries.match.all_pairs_update import Earlier, lend_lists, update_topk
from matchgraph.queries.match.all_pairs_update_kernel import changed_rows
from matchgraph.queries.match.index_build import build_match_index
from matchgraph.queries.snapshot import ArtifactRecord, CapabilityRecord, GraphSnapshot


def _sets(rows: list[frozenset[int]], weight: np.ndarray) -> tuple:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    indices = np.array([c for r in rows for c in sorted(r)], dtype=np.int32)
    return indptr, indices, weight, row_sums(indptr, indices, weight)


def _full(sets: tuple, k: int) -> tuple[np.ndarray, np.ndarray]:
    indptr, indices, weight, mass = sets
    n = len(indptr) - 1
    ix = postings(indptr, indices, mass, len(weight), HUBS)
    idx, sc, _met, _scored = topk_rows(sets, ix, np.arange(n, dtype=np.int64), k, 4)
    return idx, sc


_set = st.frozensets(st.integers(0, 9), max_size=5)


@settings(max_examples=200, deadline=None)
@given(
    old=st.lists(_set, min_size=1, max_size=25),
    fate=st.lists(st.sampled_from(["keep", "keep", "keep", "remove", "change"]), min_size=25, max_size=25),
    changes=st.lists(_set, min_size=25, max_size=25),
    added=st.lists(_set, max_size=6),
    weights=st.lists(st.floats(0.05, 4.0), min_size=10, max_size=10),
    k=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_with_unmoved_weights_the_update_is_the_full_computation(
        old: list, fate: list, changes: list, added: list, weights: list, k: int, seed: int) -> None:
    weight = np.array(weights)
    old_sets = _sets(old, weight)
    old_idx, _ = _full(old_sets, k)
    # The new store: kept and changed artifacts plus new ones, in a shuffled row order.
    # The new store: kept and changed artifacts in their old order (rows follow sorted
    # slugs), with new ones inserted anywhere.
    items = [(o, changes[o] if fate[o] == "change" else s) for o, s in enumerate(old) if fate[o] != "remove"]
    rng = np.random.default_rng(seed)
    for s in added:
        items.insert(int(rng.integers(0, len(items) + 1)), (-1, s))
    new_rows = [s for _, s in items]
    old_to_new = np.full(len(old), -1, dtype=np.int64)
    for r, (o, _) in enumerate(items):
        if o >= 0:
            old_to_new[o] = r
    if not new_rows:
        return
    new_sets = _sets(new_rows, weight)
    changed = changed_rows(new_sets[0], new_sets[1], old_sets[0], old_sets[1].astype(np.int64), old_to_new)
    truly = np.ones(len(new_rows), dtype=bool)
    for o, r in enumerate(old_to_new):
        if r >= 0:
            truly[r] = old[o] != new_rows[r]
    assert changed.tolist() == truly.tolist()

    updated = update_topk(new_sets, changed, old_to_new, old_idx, k)
    idx, sc = _full(new_sets, k)
    assert updated.indices.tolist() == idx.tolist()
    assert updated.scores.tolist() == sc.tolist()  # bit-identical: the kernel's own Jaccard


def _snapshot(artifacts: dict[str, str]) -> GraphSnapshot:
    """Artifacts named by slug, each with one capability per concept letter it lists."""
    caps = [CapabilityRecord(f"{a}-{c}", a, "", concepts=(f"https://example.org/c/{c}",))
            for a, cs in artifacts.items() for c in cs]
    return GraphSnapshot(artifacts=tuple(ArtifactRecord(s, s) for s in sorted(artifacts)),
                         capabilities=tuple(caps))


def _bundle_lists(snapshot: GraphSnapshot, k: int) -> tuple:
    from matchgraph.queries.match.all_pairs import all_pairs_topk

    index = build_match_index(snapshot, facets=())
    return index, {"neighbours": all_pairs_topk(index, k, include_self=False),
                   "hierarchy": all_pairs_topk(index, k, include_self=False, expanded=True)}


def test_a_small_change_is_lent_and_a_large_one_rebuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    base = {f"a{i:03d}": "".join(sorted(set(rng.choice(list("abcdefghij"), 3)))) for i in range(200)}
    index, lists = _bundle_lists(_snapshot(base), 5)
    k = 5

    small = dict(base, znew="abc")  # one artifact in 201: 0.5 %
    new_index = build_match_index(_snapshot(small), facets=())
    lent = lend_lists(new_index, Earlier(index, lists, drift=0), k)
    assert lent is not None
    neighbours, hierarchy, drift = lent
    assert drift == 1
    _, full = _bundle_lists(_snapshot(small), k)
    row = new_index.row_of["znew"]
    assert neighbours.row(row) == full["neighbours"].row(row)  # a new artifact's list is exact
    assert hierarchy.row(row) == full["hierarchy"].row(row)
    members = [({j for j, _ in neighbours.row(r)}, {j for j, _ in full["neighbours"].row(r)})
               for r in range(new_index.n_artifacts)]
    recall = sum(len(a & b) for a, b in members) / sum(len(b) for _, b in members)
    assert recall > 0.9, "the other lists differ from the full computation only by weight drift"

    assert lend_lists(new_index, Earlier(index, lists, drift=4), k) is None  # 5 > 2 % of 201
    monkeypatch.setattr(all_pairs_update, "REBUILD_SHARE", 0.0)
    assert lend_lists(new_index, Earlier(index, lists, drift=0), k) is None


def test_the_cache_lends_lists_from_the_earlier_version_and_counts_the_drift(tmp_path: Path) -> None:
    """What a load runs: the new version's entry takes the earlier entry's lists, records how
    many artifacts changed since they were computed in full, and computes in full when too many did."""
    import json

    from matchgraph.queries.match.cache import load_or_build

    rng = np.random.default_rng(11)
    base = {f"a{i:03d}": "".join(sorted(set(rng.choice(list("abcdefghij"), 3)))) for i in range(300)}

    def drift(directory: Path) -> int:
        [entry] = [p for p in directory.glob("match-*") if (p / "meta.json").exists()]
        return int(json.loads((entry / "meta.json").read_text())["lists_drift"])

    load_or_build(_snapshot(base), tmp_path / "v1", version="v1", facets=())
    assert drift(tmp_path / "v1") == 0
    grown = dict(base, znew="abc")
    bundle = load_or_build(_snapshot(grown), tmp_path / "v2", version="v2", facets=(), earlier=tmp_path / "v1")
    assert drift(tmp_path / "v2") == 1
    _, full = _bundle_lists(_snapshot(grown), bundle.index.params.candidates)
    row = bundle.index.row_of["znew"]
    assert bundle.neighbours.row(row) == full["neighbours"].row(row)
    changed = {slug: "hij" if i < 20 else sets for i, (slug, sets) in enumerate(sorted(grown.items()))}
    load_or_build(_snapshot(changed), tmp_path / "v3", version="v3", facets=(), earlier=tmp_path / "v2")
    assert drift(tmp_path / "v3") == 0, "21 of 301 changed since the full computation: computed in full again"
