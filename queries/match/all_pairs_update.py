"""All-pairs candidate lists updated after a small change, instead of recomputed.

After a load of ten pages into a store of 100,000 artifacts, recomputing every artifact's
top-K concept neighbours took 66 s of the load. Almost every list is unchanged but for the
new artifacts, so an update computes:

* **exactly**, with the all-pairs kernel: the rows of new or changed artifacts, and every
  row whose old list held a removed or changed artifact (its next best is unknown);
* for every other row: its old list, re-scored under the current weights, merged with the
  new and changed artifacts it shares a concept with (scored exactly).

What is not exact: concept weights are rarity weights, ``ln((n + 1) / df)``, and every
load moves them a little, so two unchanged artifacts just outside a list at the last full
build could now rank inside it. With weights that did not move the update equals the full
computation (tested); :func:`lend_lists` rebuilds from scratch once the artifacts changed
since the last full build exceed :data:`REBUILD_SHARE` of the store. The lists only choose
candidates: ``similar`` scores every pair it shows exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matchgraph.queries.match.all_pairs import Neighbours, _sets
from matchgraph.queries.match.csr import Csr
from matchgraph.queries.match.index import MatchIndex

__all__ = ["REBUILD_SHARE", "Earlier", "lend_lists", "update_topk"]

REBUILD_SHARE = 0.02
"""Share of the store's artifacts that may have changed since the lists were last computed
in full before they are computed in full again (weights drift with every change)."""


@dataclass(frozen=True)
class Earlier:
    """An earlier index's sets and lists, and how many artifacts changed since its lists
    were last computed in full."""

    index: MatchIndex
    lists: dict[str, Neighbours]
    drift: int


def lend_lists(index: MatchIndex, earlier: Earlier | None, k: int) -> tuple[Neighbours, Neighbours, int] | None:
    """The (neighbours, hierarchy) lists of ``index`` updated from ``earlier``, with the
    new drift; None when a full computation is due (no usable earlier lists, other
    parameters, or too much changed)."""
    if earlier is None or earlier.index.params != index.params or set(earlier.lists) != {"neighbours", "hierarchy"}:
        return None
    old_to_new = _row_map(earlier.index.slugs, index.row_of)
    if np.any(np.diff(old_to_new[old_to_new >= 0]) <= 0):
        return None  # rows reordered: ties (broken on the lower row) could fall otherwise
    concept_map = _concept_map(earlier.index.concepts.iris, index.concepts.iris)
    known = concept_map >= 0
    if not np.array_equal(np.asarray(earlier.index.concepts.facet)[known],
                          np.asarray(index.concepts.facet)[concept_map[known]]):
        return None  # other facets: other weights for every pair
    direct_changed = _changed(index.direct, earlier.index.direct, concept_map, old_to_new)
    drift = earlier.drift + int(direct_changed.sum()) + int((old_to_new < 0).sum())
    if drift > REBUILD_SHARE * max(index.n_artifacts, 1):
        return None
    out = []
    for key, expanded in (("neighbours", False), ("hierarchy", True)):
        lists = earlier.lists[key]
        if lists.include_self or lists.k != k or len(lists.rows) != earlier.index.n_artifacts:
            return None
        changed = direct_changed if not expanded else _changed(
            index.expanded, earlier.index.expanded, concept_map, old_to_new)
        out.append(update_topk(_sets(index, expanded), changed, old_to_new, np.asarray(lists.indices), k))
    return out[0], out[1], drift


def update_topk(sets: tuple, changed: NDArray[np.bool_], old_to_new: NDArray[np.int64],
                old_lists: NDArray[np.int32], k: int) -> Neighbours:
    """Every row's top-``k`` list (no self) from the old lists (``old_lists[o]``: old row
    numbers, -1 padded), given which new rows ``changed`` (new, or another set) and where
    each old row went (``old_to_new``, -1: removed; kept rows in their old order, as
    rows follow sorted slugs, so ties fall as before). See the module docstring."""
    from matchgraph.queries.match.all_pairs_classes import topk_of_rows
    from matchgraph.queries.match.all_pairs_kernel import HUBS, postings
    from matchgraph.queries.match.all_pairs_update_kernel import merge_rows, sharing_pairs

    indptr, indices, weight, mass = sets
    n = len(indptr) - 1
    # The old lists in new row numbers, each moved to its artifact's new row.
    moved = np.full((n, old_lists.shape[1]), -1, dtype=np.int32)
    lost = np.zeros(n, dtype=np.bool_)
    kept = old_to_new >= 0
    remapped = np.where(old_lists >= 0, old_to_new[np.maximum(old_lists, 0)], -1)
    gone = (old_lists >= 0) & (remapped < 0)
    moved[old_to_new[kept]] = remapped[kept]
    lost[old_to_new[kept]] = gone[kept].any(axis=1)
    in_list_changed = (changed[np.maximum(moved, 0)] & (moved >= 0)).any(axis=1)
    exact = changed | lost | in_list_changed
    merged = ~exact

    ix = postings(indptr, indices, mass, len(weight), HUBS)
    changed_rows = np.flatnonzero(changed).astype(np.int64)
    pair_rows, pair_others = sharing_pairs(indptr, indices, ix[0], ix[1], changed_rows, merged)
    order = np.argsort(pair_rows, kind="stable")
    merged_rows = np.flatnonzero(merged).astype(np.int64)
    counts = np.bincount(pair_rows, minlength=n)[merged_rows]
    extra_ptr = np.zeros(len(merged_rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=extra_ptr[1:])

    idx = np.full((n, k), -1, dtype=np.int32)
    sc = np.zeros((n, k))
    scored = np.zeros(n, dtype=np.int64)
    if len(merged_rows):
        mi, ms, mw = merge_rows(indptr, indices, weight, mass, merged_rows,
                                np.ascontiguousarray(moved[merged_rows]), extra_ptr,
                                pair_others[order].astype(np.int64), k)
        idx[merged_rows], sc[merged_rows], scored[merged_rows] = mi, ms, mw
    exact_rows = np.flatnonzero(exact).astype(np.int64)
    if len(exact_rows):
        ei, es, ew = topk_of_rows(sets, exact_rows, k, HUBS, ix=ix)
        idx[exact_rows], sc[exact_rows], scored[exact_rows] = ei, es, ew
    return Neighbours(np.arange(n, dtype=np.int64), idx, sc, False, scored)


def _row_map(old_slugs: tuple[str, ...], row_of: dict[str, int]) -> NDArray[np.int64]:
    return np.fromiter((row_of.get(s, -1) for s in old_slugs), dtype=np.int64, count=len(old_slugs))


def _concept_map(old: tuple[str, ...], new: tuple[str, ...]) -> NDArray[np.int64]:
    at = {iri: i for i, iri in enumerate(new)}
    return np.fromiter((at.get(iri, -1) for iri in old), dtype=np.int64, count=len(old))


def _changed(new: Csr, old: Csr, concept_map: NDArray[np.int64], old_to_new: NDArray[np.int64]) -> NDArray[np.bool_]:
    from matchgraph.queries.match.all_pairs_update_kernel import changed_rows

    return changed_rows(np.asarray(new.indptr, dtype=np.int64), np.asarray(new.indices, dtype=np.int32),
                        np.asarray(old.indptr, dtype=np.int64),
                        concept_map[np.asarray(old.indices, dtype=np.int64)], old_to_new)
