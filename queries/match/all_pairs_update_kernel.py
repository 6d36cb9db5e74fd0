"""Compiled helpers of :mod:`~matchgraph.queries.match.all_pairs_update` (numba when
installed, see :mod:`~matchgraph.queries.match.jit`): which rows changed, which unchanged
rows share a concept with a changed one, and the merge of an unchanged row's old list with
those rows, scored by the all-pairs kernel's own :func:`jaccard` (bit-identical scores,
ties on the lower row)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matchgraph.queries.match.all_pairs_kernel import _insert, jaccard
from matchgraph.queries.match.jit import njit, prange

__all__ = ["changed_rows", "merge_rows", "sharing_pairs"]


@njit(cache=True)
def changed_rows(indptr: NDArray[np.int64], indices: NDArray[np.int32],
                 old_indptr: NDArray[np.int64], old_indices: NDArray[np.int64],
                 old_to_new: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Per new row: True when it is new or its set differs from its old row's.

    ``old_indices`` are the old sets in the new concept numbering (-1: a concept the new
    index lacks), so an unchanged set is the same sorted run of numbers."""
    n = len(indptr) - 1
    out = np.ones(n, dtype=np.bool_)
    for o in range(len(old_to_new)):
        r = old_to_new[o]
        if r < 0:
            continue
        lo, hi = old_indptr[o], old_indptr[o + 1]
        if hi - lo != indptr[r + 1] - indptr[r]:
            continue
        mine = np.sort(old_indices[lo:hi])
        same = True
        for a in range(hi - lo):
            if mine[a] != indices[indptr[r] + a]:
                same = False
                break
        out[r] = not same
    return out


@njit(cache=True)
def _walk_pairs(indptr: NDArray[np.int64], indices: NDArray[np.int32],
                pptr: NDArray[np.int64], pidx: NDArray[np.int32],
                changed: NDArray[np.int64], target: NDArray[np.bool_],
                rows: NDArray[np.int64], others: NDArray[np.int64], write: bool) -> int:
    """Count (and with ``write`` store) the pairs :func:`sharing_pairs` returns."""
    seen = np.full(len(indptr) - 1, -1, dtype=np.int64)
    at = 0
    for d in changed:
        for p in range(indptr[d], indptr[d + 1]):
            c = indices[p]
            for q in range(pptr[c], pptr[c + 1]):
                i = pidx[q]
                if target[i] and i != d and seen[i] != d:
                    seen[i] = d
                    if write:
                        rows[at] = i
                        others[at] = d
                    at += 1
    return at


@njit(cache=True)
def sharing_pairs(indptr: NDArray[np.int64], indices: NDArray[np.int32],
                  pptr: NDArray[np.int64], pidx: NDArray[np.int32],
                  changed: NDArray[np.int64], target: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(row, changed row) for every ``target`` row sharing a concept with a changed row,
    each pair once (``pptr``/``pidx``: rows per concept). Two passes: count, then fill."""
    none = np.empty(0, dtype=np.int64)
    count = _walk_pairs(indptr, indices, pptr, pidx, changed, target, none, none, False)
    rows = np.empty(count, dtype=np.int64)
    others = np.empty(count, dtype=np.int64)
    _walk_pairs(indptr, indices, pptr, pidx, changed, target, rows, others, True)
    return rows, others


@njit(cache=True, parallel=True)
def merge_rows(indptr: NDArray[np.int64], indices: NDArray[np.int32],
               weight: NDArray[np.float64], mass: NDArray[np.float64],
               rows: NDArray[np.int64], lists: NDArray[np.int32],
               extra_ptr: NDArray[np.int64], extra: NDArray[np.int64],
               k: int) -> tuple[NDArray[np.int32], NDArray[np.float64], NDArray[np.int64]]:
    """Top-``k`` of each of ``rows`` among its old list (``lists[r]``, new row numbers,
    -1 padded) and its ``extra[extra_ptr[r]:extra_ptr[r + 1]]`` candidates, all scored
    now. Returns (neighbours, scores, pairs scored) as :func:`topk_rows` does."""
    m = len(rows)
    out_i = np.full((m, k), -1, dtype=np.int32)
    out_s = np.zeros((m, k))
    scored = np.zeros(m, dtype=np.int64)
    for r in prange(m):
        i = rows[r]
        hs = np.zeros(k)
        hi = np.full(k, -1, dtype=np.int32)
        count = 0
        work = 0
        for a in range(lists.shape[1]):
            j = lists[r, a]
            if j < 0:
                continue
            s = jaccard(indptr, indices, weight, mass, i, j)
            work += 1
            if s > 0.0:
                count = _insert(hs, hi, count, k, s, j)
        for q in range(extra_ptr[r], extra_ptr[r + 1]):
            j = extra[q]
            s = jaccard(indptr, indices, weight, mass, i, j)
            work += 1
            if s > 0.0:
                count = _insert(hs, hi, count, k, s, j)
        for a in range(count):
            out_i[r, a] = hi[a]
            out_s[r, a] = hs[a]
        scored[r] = work
    return out_i, out_s, scored
