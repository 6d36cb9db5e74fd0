"""All-pairs top-K computed once per distinct concept set, then handed to its artifacts.

A weighted Jaccard score depends on the two rows' concept sets alone, so artifacts with
the same set (the same concept indices in the same order) score the same against every
other artifact. With a taxonomy of about a hundred concepts that is common: the
benchmark's 100,068 generated artifacts hold 9,119 distinct direct sets and 6,961
distinct ancestor-expanded ones. The kernel then runs over one row per distinct set (a
*class*, numbered in the order of its first artifact) and each artifact's list is made
from its class's list.

Exact, ties included. An artifact's list ranks others by (score descending, row
ascending). Rank classes by (score descending, first artifact ascending), which is how
the kernel breaks ties on class numbers: every class ranked before the class of a row
``r`` on the artifact's list has its first artifact ranked before ``r``, so at most K - 1
classes rank before it, and the artifact's K best rows all lie in its class's K best
classes, plus its own class (the other artifacts with its set, scored against the set
itself). From each such class only its K + 1 lowest rows can make the list.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matchgraph.queries.match.all_pairs_kernel import _insert, jaccard
from matchgraph.queries.match.jit import njit

__all__ = ["Classes", "row_classes", "spread_lists", "topk_of_rows"]


class Classes:
    """Rows grouped by identical sets: each row's class, each class's first row, and
    each class's rows in ascending order (``members[member_ptr[c]:member_ptr[c + 1]]``)."""

    def __init__(self, class_of: NDArray[np.int64], firsts: NDArray[np.int64]) -> None:
        self.class_of = class_of
        self.firsts = firsts
        self.members = np.argsort(class_of, kind="stable").astype(np.int64)
        self.member_ptr = np.zeros(len(firsts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(class_of, minlength=len(firsts)), out=self.member_ptr[1:])

    def __len__(self) -> int:
        return len(self.firsts)

    def sets(self, indptr: NDArray[np.int64], indices: NDArray[np.int32],
             mass: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float64]]:
        """(indptr, indices, mass) with one row per class: its first row's set."""
        lengths = np.diff(indptr)[self.firsts]
        out_ptr = np.zeros(len(self.firsts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=out_ptr[1:])
        starts = np.repeat(indptr[self.firsts] - out_ptr[:-1], lengths)
        picked = np.arange(int(out_ptr[-1]), dtype=np.int64) + starts
        return out_ptr, np.ascontiguousarray(indices[picked]), np.ascontiguousarray(mass[self.firsts])


def row_classes(indptr: NDArray[np.int64], indices: NDArray[np.int32]) -> Classes:
    """Group rows whose stored indices are identical (same concepts, same order, so the
    same float sums), classes numbered by their first row."""
    raw = np.ascontiguousarray(indices, dtype=np.int32).tobytes()
    bounds = (np.asarray(indptr, dtype=np.int64) * 4).tolist()
    number: dict[bytes, int] = {}
    class_of = np.empty(len(bounds) - 1, dtype=np.int64)
    firsts: list[int] = []
    for row in range(len(bounds) - 1):
        key = raw[bounds[row]:bounds[row + 1]]
        found = number.get(key)
        if found is None:
            found = number[key] = len(firsts)
            firsts.append(row)
        class_of[row] = found
    return Classes(class_of, np.asarray(firsts, dtype=np.int64))


@njit(cache=True)
def spread_lists(rows: NDArray[np.int64], class_of: NDArray[np.int64], position: NDArray[np.int64],
                 class_idx: NDArray[np.int32], class_sc: NDArray[np.float64],
                 members: NDArray[np.int64], member_ptr: NDArray[np.int64],
                 c_indptr: NDArray[np.int64], c_indices: NDArray[np.int32],
                 weight: NDArray[np.float64], c_mass: NDArray[np.float64],
                 k: int) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
    """Each of ``rows``' top-``k`` other rows from its class's list (``class_idx`` /
    ``class_sc`` at ``position[class]``) and its own class, in the kernel's order."""
    m = len(rows)
    out_i = np.full((m, k), -1, dtype=np.int32)
    out_s = np.zeros((m, k))
    for r in range(m):  # about (K + 1)^2 inserts a row: serial is fast enough
        i = rows[r]
        c = class_of[i]
        if c_indptr[c + 1] == c_indptr[c] or c_mass[c] <= 0.0:
            continue  # no concepts, or no weight: the kernel gives such a row no list
        hs = np.zeros(k)
        hi = np.full(k, -1, dtype=np.int32)
        count = 0
        p = position[c]
        for t in range(-1, k):
            d = c if t < 0 else class_idx[p, t]
            if d < 0:
                break
            s = jaccard(c_indptr, c_indices, weight, c_mass, c, c) if t < 0 else class_sc[p, t]
            if s <= 0.0:
                continue
            stop = min(member_ptr[d + 1], member_ptr[d] + k + 1)
            for q in range(member_ptr[d], stop):
                j = members[q]
                if j != i:
                    count = _insert(hs, hi, count, k, s, j)
        for a in range(count):
            out_i[r, a] = hi[a]
            out_s[r, a] = hs[a]
    return out_i, out_s


def topk_of_rows(sets: tuple, rows: NDArray[np.int64], k: int, hubs: int, chunks: int = 256, *,
                 ix: tuple | None = None) -> tuple[NDArray[np.int32], NDArray[np.float64], NDArray[np.int64]]:
    """Top-``k`` other rows of each of ``rows`` over ``sets`` (indptr, indices, weight,
    mass): (rows padded with -1, scores padded with 0, exact merges the kernel made for
    the row's class). The kernel runs over the distinct sets only (module docstring).
    ``ix`` is :func:`postings` of ``sets`` with ``hubs`` when the caller already built it
    (used when every set is distinct)."""
    from matchgraph.queries.match.all_pairs_kernel import postings, topk_rows

    indptr, indices, weight, mass = sets
    classes = row_classes(indptr, indices)
    if len(classes) == len(indptr) - 1:  # every set distinct: nothing to share
        ix = ix if ix is not None else postings(indptr, indices, mass, len(weight), hubs)
        idx, sc, _met, scored = topk_rows(sets, ix, rows, k, max(1, min(chunks, len(rows))))
        return idx, sc, scored
    c_indptr, c_indices, c_mass = classes.sets(indptr, indices, mass)
    wanted = np.unique(classes.class_of[rows])
    ix = postings(c_indptr, c_indices, c_mass, len(weight), hubs)
    class_idx, class_sc, _met, class_scored = topk_rows(
        (c_indptr, c_indices, weight, c_mass), ix, wanted, k, max(1, min(chunks, len(wanted))))
    position = np.full(len(classes), -1, dtype=np.int64)
    position[wanted] = np.arange(len(wanted))
    idx, sc = spread_lists(rows, classes.class_of, position, class_idx, class_sc, classes.members,
                           classes.member_ptr, c_indptr, c_indices, weight, c_mass, k)
    return idx, sc, class_scored[position[classes.class_of[rows]]]
