"""Compiled all-pairs top-K kernel for rarity-weighted concept Jaccard (numba).

Why not ``X @ X.T``: a handful of concepts ("self-hosted deployment") are shared by most
artifacts, so the product touches sum(df^2) pairs, about 10^10 at 100k artifacts, most of
them hopeless. This kernel computes *exact* top-K lists while skipping that work. For
each source row:

* The 64 most widely shared concepts are *hubs*; every artifact carries a 64-bit mask
  of its hubs, so the hub part of any pair's overlap is a few bit tests, not a scan.
* The row's other concepts are visited first, heaviest (rarest) first, and their
  posting lists read whole, accumulating shared weight per candidate. Together with
  the hub masks this gives every candidate its exact shared weight (up to float order).
* Hub posting lists are only read to admit artifacts that share nothing but hubs, and
  pruned by bounds against the K-th best lower bound: an unseen artifact shares at
  most the unvisited weight ``W``, so its Jaccard is at most ``W / A_i`` (stop the row)
  and at most ``A_j / A_i`` or ``W / (A_i + A_j - W)`` (postings are sorted by artifact
  mass ``A_j``, so the scan stops at the first that cannot make the list).
* The few candidates that can make the list are scored again by a sorted merge, in
  ascending concept order with plain float64 adds (no fastmath), so scores are
  bit-identical to a sequential Python reference; ties break on the lower row.

Rows are spread over threads with ``prange`` (round-robin chunks, per-chunk scratch).
"""

from __future__ import annotations

import numpy as np
from matchgraph.queries.match.jit import njit, prange
from numpy.typing import NDArray

__all__ = ["EPS", "HUBS", "jaccard", "postings", "row_sums", "topk_rows"]

EPS = 1e-12
"""Slack on pruning bounds so float rounding can never drop a true top-K member."""


@njit(cache=True)
def row_sums(indptr: NDArray[np.int64], indices: NDArray[np.int32],
             weight: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum of ``weight`` over each row's indices, sequentially in stored order."""
    n = len(indptr) - 1
    out = np.zeros(n)
    for i in range(n):
        s = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            s += weight[indices[p]]
        out[i] = s
    return out


@njit(cache=True, inline="always")
def jaccard(indptr: NDArray[np.int64], indices: NDArray[np.int32],
            weight: NDArray[np.float64], mass: NDArray[np.float64],
            i: int, j: int) -> float:
    """Weighted Jaccard of rows i and j: shared weight over union weight (0 if none)."""
    p = indptr[i]
    pe = indptr[i + 1]
    q = indptr[j]
    qe = indptr[j + 1]
    s = 0.0
    while p < pe and q < qe:
        a = indices[p]
        b = indices[q]
        if a == b:
            s += weight[a]
            p += 1
            q += 1
        elif a < b:
            p += 1
        else:
            q += 1
    if s <= 0.0:
        return 0.0
    return s / (mass[i] + mass[j] - s)


HUBS = 64
"""Most widely shared concepts whose overlap is counted from per-artifact bit masks."""


@njit(cache=True)
def _masks(indptr: NDArray[np.int64], indices: NDArray[np.int32],
           hub_bit: NDArray[np.int64]) -> NDArray[np.uint64]:
    n = len(indptr) - 1
    out = np.zeros(n, dtype=np.uint64)
    for r in range(n):
        m = np.uint64(0)
        for p in range(indptr[r], indptr[r + 1]):
            b = hub_bit[indices[p]]
            if b >= 0:
                m |= np.uint64(1) << np.uint64(b)
        out[r] = m
    return out


def postings(indptr: NDArray[np.int64], indices: NDArray[np.int32],
             mass: NDArray[np.float64], n_cols: int, hubs: int = HUBS) -> tuple:
    """Inverted index for :func:`topk_rows`.

    (pptr, pidx, pmass, pmask, hub_bit): per concept its artifacts sorted by (mass,
    row) with their masses and hub bit masks, and each concept's hub bit (-1: not a
    hub). Hubs are the ``hubs`` (at most 64) concepts with the largest document
    frequency, among those held by at least two artifacts.
    """
    if not 0 <= hubs <= 64:
        raise ValueError(f"hubs must be in [0, 64], got {hubs}")
    rows = np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))
    order = np.lexsort((rows, mass[rows], indices))
    df = np.bincount(indices, minlength=n_cols)
    pptr = np.zeros(n_cols + 1, dtype=np.int64)
    np.cumsum(df, out=pptr[1:])
    pidx = rows[order].astype(np.int32)
    hub_bit = np.full(n_cols, -1, dtype=np.int64)
    top = np.lexsort((np.arange(n_cols), -df))[:hubs]
    top = top[df[top] >= 2]
    hub_bit[top] = np.arange(len(top))
    mask = _masks(indptr, indices, hub_bit)
    return pptr, pidx, mass[pidx], mask[pidx], hub_bit


@njit(cache=True, inline="always")
def _insert(hs: NDArray[np.float64], hi: NDArray[np.int32], count: int, k: int,
            s: float, j: int) -> int:
    """Insert (s, j) into the sorted best list; returns the new count."""
    if count == k:
        if s < hs[k - 1] or (s == hs[k - 1] and j > hi[k - 1]):
            return count
        pos = k - 1
    else:
        pos = count
        count += 1
    while pos > 0 and (hs[pos - 1] < s or (hs[pos - 1] == s and hi[pos - 1] > j)):
        hs[pos] = hs[pos - 1]
        hi[pos] = hi[pos - 1]
        pos -= 1
    hs[pos] = s
    hi[pos] = j
    return count


@njit(cache=True, inline="always")
def _before(c: int, d: int, weight: NDArray[np.float64], hub_bit: NDArray[np.int64]) -> bool:
    """Visit order: non-hub concepts before hubs, then heavier first, then lower id."""
    hc = hub_bit[c] >= 0
    hd = hub_bit[d] >= 0
    if hc != hd:
        return hd
    if weight[c] != weight[d]:
        return weight[c] > weight[d]
    return c < d


@njit(cache=True, inline="always")
def _order_row(indptr: NDArray[np.int64], indices: NDArray[np.int32],
               weight: NDArray[np.float64], hub_bit: NDArray[np.int64], i: int,
               order: NDArray[np.int32]) -> int:
    """Row i's concepts into ``order`` in visit order (insertion sort); returns degree."""
    deg = indptr[i + 1] - indptr[i]
    for a in range(deg):
        c = indices[indptr[i] + a]
        b = a
        while b > 0 and _before(c, order[b - 1], weight, hub_bit):
            order[b] = order[b - 1]
            b -= 1
        order[b] = c
    return deg


@njit(cache=True, inline="always")
def _push_bound(buf: NDArray[np.float64], cnt: int, k: int, lb: float) -> int:
    """Insert ``lb`` into the descending buffer of the k largest; returns its count."""
    if cnt == k and lb <= buf[k - 1]:
        return cnt
    pos = cnt if cnt < k else k - 1
    if cnt < k:
        cnt += 1
    while pos > 0 and buf[pos - 1] < lb:
        buf[pos] = buf[pos - 1]
        pos -= 1
    buf[pos] = lb
    return cnt


@njit(cache=True)
def _kth_lower_bound(cand_acc: NDArray[np.float64], cand_hub: NDArray[np.float64],
                     cand_mass: NDArray[np.float64], n_cand: int, a_i: float, k: int,
                     buf: NDArray[np.float64]) -> int:
    """Fill ``buf`` with the k largest score lower bounds ``s / (A_i + A_j - s)``.

    ``s`` (counted weight plus exact hub weight) never exceeds the true shared weight,
    so ``buf[k - 1]`` never exceeds the true K-th best score: pruning against it is
    safe. Returns how many entries ``buf`` holds.
    """
    cnt = 0
    for q in range(n_cand):
        s = cand_acc[q] + cand_hub[q]
        cnt = _push_bound(buf, cnt, k, s / (a_i + cand_mass[q] - s))
    return cnt


@njit(cache=True, inline="always")
def _hub_shared(mask_j: np.uint64, hub_bits: NDArray[np.int64], n_hub: int,
                hub_w: NDArray[np.float64]) -> float:
    """Exact weight of row i's hub concepts (``hub_bits``) that row j also has."""
    s = 0.0
    for h in range(n_hub):
        if (mask_j >> np.uint64(hub_bits[h])) & np.uint64(1):
            s += hub_w[h]
    return s


@njit(cache=True)
def _scan(i: int, deg: int, order: NDArray[np.int32], suffix: NDArray[np.float64],
          weight: NDArray[np.float64], a_i: float, ix: tuple, k: int,
          scratch: tuple, hub_bits: NDArray[np.int64], hub_w: NDArray[np.float64],
          n_hub: int) -> tuple[int, int, float]:
    """Collect candidates with exact shared weight, pruning hopeless ones by bounds.

    Non-hub concepts come first and their posting lists are read whole, adding weight
    to ``acc``. A candidate's hub overlap is counted exactly from bit masks when it is
    admitted, so hub posting lists only admit new candidates: they are cut where the
    size bound fails and skipped once the unvisited weight bound fails. Returns
    (candidates, pruned, K-th score lower bound).
    """
    pptr, pidx, pmass, pmask, hub_bit = ix
    where, cand_j, cand_acc, cand_hub, cand_mass, pruned, buf = scratch
    n_cand = 0
    n_pruned = 0
    filled = 0
    refresh = k
    for a in range(deg):
        c = order[a]
        is_hub = hub_bit[c] >= 0
        if is_hub and (a == 0 or hub_bit[order[a - 1]] < 0):
            filled = _kth_lower_bound(cand_acc, cand_hub, cand_mass, n_cand, a_i, k, buf)
        theta = buf[k - 1] if filled == k else -1.0
        w_left = suffix[a]
        if is_hub and theta >= 0.0 and w_left / a_i < theta - EPS:
            break
        wc = 0.0 if is_hub else weight[c]
        for p in range(pptr[c], pptr[c + 1]):
            j = pidx[p]
            q = where[j]
            if q >= 0:
                cand_acc[q] += wc
                continue
            if q == -2 or j == i:
                continue
            if theta >= 0.0:
                a_j = pmass[p]
                if a_j <= w_left:
                    if a_j / a_i < theta - EPS:
                        where[j] = -2
                        pruned[n_pruned] = j
                        n_pruned += 1
                        continue
                elif w_left / (a_i + a_j - w_left) < theta - EPS:
                    if is_hub:
                        break
                    where[j] = -2
                    pruned[n_pruned] = j
                    n_pruned += 1
                    continue
            where[j] = n_cand
            cand_j[n_cand] = j
            cand_acc[n_cand] = wc
            h = _hub_shared(pmask[p], hub_bits, n_hub, hub_w)
            cand_hub[n_cand] = h
            cand_mass[n_cand] = pmass[p]
            n_cand += 1
            if is_hub:
                filled = _push_bound(buf, filled, k, h / (a_i + pmass[p] - h))
        if not is_hub and n_cand >= refresh:
            filled = _kth_lower_bound(cand_acc, cand_hub, cand_mass, n_cand, a_i, k, buf)
            refresh = 2 * n_cand
    if filled < k:
        return n_cand, n_pruned, -1.0
    return n_cand, n_pruned, buf[k - 1]


@njit(cache=True)
def _verify(i: int, a_i: float, n_cand: int, theta: float, k: int,
            csr: tuple, scratch: tuple, hs: NDArray[np.float64],
            hi: NDArray[np.int32]) -> tuple[int, int]:
    """Exact scores (sorted merge) for candidates whose bound can make the list.

    The candidates' counted weight is their exact shared weight summed in another
    order, so only the K best and near-ties (within :data:`EPS`) are merged.
    """
    indptr, indices, weight, mass = csr
    where, cand_j, cand_acc, cand_hub, cand_mass, pruned, buf = scratch
    count = 0
    work = 0
    for q in range(n_cand):
        j = cand_j[q]
        a_j = cand_mass[q]
        s_ub = min(cand_acc[q] + cand_hub[q], min(a_i, a_j))
        bar = hs[k - 1] if count == k else theta
        if s_ub / (a_i + a_j - s_ub) < bar - EPS:
            continue
        work += 1
        s = jaccard(indptr, indices, weight, mass, i, j)
        if s > 0.0:
            count = _insert(hs, hi, count, k, s, j)
    return count, work


@njit(cache=True, parallel=True)
def topk_rows(csr: tuple, ix: tuple, rows: NDArray[np.int64], k: int,
              n_chunks: int) -> tuple[NDArray[np.int32], NDArray[np.float64],
                                      NDArray[np.int64], NDArray[np.int64]]:
    """Exact top-k other rows by weighted Jaccard for each of ``rows``.

    ``csr`` is (indptr, indices, weight, mass); ``ix`` the inverted index from
    :func:`postings`. Returns (neighbour rows padded with -1, scores padded with 0,
    candidates met per row, exact merges per row). Rows are dealt to chunks
    round-robin so costly rows spread over threads; each chunk owns its scratch.
    """
    indptr, indices, weight, mass = csr
    hub_bit = ix[4]
    n = len(indptr) - 1
    m = len(rows)
    out_i = np.full((m, k), -1, dtype=np.int32)
    out_s = np.zeros((m, k))
    met = np.zeros(m, dtype=np.int64)
    merged = np.zeros(m, dtype=np.int64)
    max_deg = 0
    for r in range(n):
        max_deg = max(max_deg, indptr[r + 1] - indptr[r])
    for t in prange(n_chunks):
        scratch = (np.full(n, -1, dtype=np.int32), np.empty(n, dtype=np.int32),
                   np.empty(n), np.empty(n), np.empty(n), np.empty(n, dtype=np.int32),
                   np.zeros(k))
        where = scratch[0]
        cand_j = scratch[1]
        pruned = scratch[5]
        order = np.empty(max_deg, dtype=np.int32)
        suffix = np.zeros(max_deg + 1)
        hub_bits = np.empty(max_deg, dtype=np.int64)
        hub_w = np.empty(max_deg)
        hs = np.zeros(k)
        hi = np.full(k, -1, dtype=np.int32)
        for r in range(t, m, n_chunks):
            i = rows[r]
            a_i = mass[i]
            deg = _order_row(indptr, indices, weight, hub_bit, i, order)
            if deg == 0 or a_i <= 0.0:
                continue
            suffix[deg] = 0.0
            n_hub = 0
            for a in range(deg - 1, -1, -1):
                suffix[a] = suffix[a + 1] + weight[order[a]]
                if hub_bit[order[a]] >= 0:
                    hub_bits[n_hub] = hub_bit[order[a]]
                    hub_w[n_hub] = weight[order[a]]
                    n_hub += 1
            n_cand, n_pruned, theta = _scan(
                i, deg, order, suffix, weight, a_i, ix, k, scratch, hub_bits, hub_w,
                n_hub)
            count, work = _verify(i, a_i, n_cand, theta, k, csr, scratch, hs, hi)
            for q in range(n_cand):
                where[cand_j[q]] = -1
            for q in range(n_pruned):
                where[pruned[q]] = -1
            for a in range(count):
                out_i[r, a] = hi[a]
                out_s[r, a] = hs[a]
            met[r] = n_cand
            merged[r] = work
    return out_i, out_s, met, merged
