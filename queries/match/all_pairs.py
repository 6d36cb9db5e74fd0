"""All-pairs nearest neighbours by concept overlap: the candidate generator of ``similar``.

What the kernel computes, exactly: for every artifact, the K other artifacts with the
highest value of the pair score's ``concepts`` term, the rarity-weighted Jaccard of their
direct concept sets,

    J(a, b) = sum(w[c] for c in A & B) / (sum(w[c] for c in A | B)),

with ``w`` the concept rarity weight times the facet factor (``MatchIndex.concept_weight``).
Ties break on the lower row; artifacts sharing no concept are never listed. The other
terms (hierarchy, intents, co-comparison, claims, PageRank) are *not* in the kernel:
:func:`matchgraph.queries.match.similar.similar` re-scores these candidates, plus the
artifact's relational neighbours, with the full :func:`pair_score`.

>>> from matchgraph.queries.snapshot import (ArtifactRecord, CapabilityRecord,
...     GraphSnapshot)
>>> from matchgraph.queries.match.index_build import build_match_index
>>> caps = [CapabilityRecord(f"{a}{c}", a, "", concepts=(c,)) for a, cs in
...         {"a": "xy", "b": "xy", "c": "y"}.items() for c in cs]
>>> ix = build_match_index(GraphSnapshot(artifacts=tuple(ArtifactRecord(s, s)
...     for s in "abc"), capabilities=tuple(caps)), facets=())
>>> all_pairs_topk(ix, 2).row(0)
[(0, 1.0), (1, 1.0)]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from matchgraph.errors import QueryError
from matchgraph.queries.match.index import MatchIndex

__all__ = [
    "Neighbours",
    "all_pairs_topk",
    "concept_similarity",
    "topk_reference",
]


@dataclass(frozen=True, eq=False)
class Neighbours:
    """Top-K lists: ``indices[r]`` (padded with -1) and ``scores[r]`` for ``rows[r]``.

    With ``include_self`` every list starts with the artifact itself at 1.0 and holds
    ``k - 1`` others. ``scored[r]`` counts the exact pair scorings row r needed.
    """

    rows: NDArray[np.int64]
    indices: NDArray[np.int32]
    scores: NDArray[np.float64] | NDArray[np.float32]
    """float32 when read from the cache (the lists choose candidates; scores shown are exact)."""
    include_self: bool
    scored: NDArray[np.int64]

    @property
    def k(self) -> int:
        return int(self.indices.shape[1])

    @cached_property
    def _position(self) -> NDArray[np.int64]:
        """List position by artifact row (-1: no list); an array, as a dict of 100,000
        rows took 25 ms of every fresh ``similar``."""
        out = np.full(int(self.rows.max(initial=-1)) + 1, -1, dtype=np.int64)
        out[self.rows] = np.arange(len(self.rows))
        return out

    def row(self, artifact_row: int) -> list[tuple[int, float]]:
        """(row, score) pairs of one artifact's list, best first, padding removed.

        Raises:
            QueryError: the artifact's list was not computed.
        """
        pos = int(self._position[artifact_row]) if 0 <= artifact_row < len(self._position) else -1
        if pos < 0:
            raise QueryError(f"no neighbour list for row {artifact_row}")
        return [(int(j), float(s)) for j, s in
                zip(self.indices[pos], self.scores[pos], strict=True) if j >= 0]


def _sets(index: MatchIndex, expanded: bool) -> tuple[NDArray[np.int64],
                                                       NDArray[np.int32],
                                                       NDArray[np.float64],
                                                       NDArray[np.float64]]:
    """(indptr, indices, weight, mass) of the direct or ancestor-expanded sets."""
    d = index.expanded if expanded else index.direct
    indptr = d.indptr.astype(np.int64)
    indices = d.indices.astype(np.int32)
    weight = np.ascontiguousarray(
        index.expanded_weight if expanded else index.concept_weight, dtype=np.float64)
    if expanded:
        from matchgraph.queries.match.all_pairs_kernel import row_sums  # compiled: imported when used

        mass = row_sums(indptr, indices, weight)
    else:
        mass = index.row_mass
    return indptr, indices, weight, mass


def _select_rows(index: MatchIndex, rows: NDArray[np.int64] | None) -> NDArray[np.int64]:
    if rows is None:
        return np.arange(index.n_artifacts, dtype=np.int64)
    out = np.asarray(rows, dtype=np.int64)
    if out.size and (out.min() < 0 or out.max() >= index.n_artifacts):
        raise QueryError("row out of range")
    return out


def _with_self(rows: NDArray[np.int64], idx: NDArray[np.int32], sc: NDArray[np.float64],
               scored: NDArray[np.int64], include_self: bool) -> Neighbours:
    if include_self:
        idx = np.concatenate([rows.astype(np.int32)[:, None], idx], axis=1)
        sc = np.concatenate([np.ones((len(rows), 1)), sc], axis=1)
    return Neighbours(rows, idx, sc, include_self, scored)


def all_pairs_topk(
    index: MatchIndex,
    k: int = 10,
    *,
    include_self: bool = True,
    rows: NDArray[np.int64] | None = None,
    expanded: bool = False,
    chunks: int = 256,
    hubs: int | None = None,
) -> Neighbours:
    """Exact top-``k`` concept neighbours of every artifact (or of ``rows``), compiled.

    With ``expanded`` the sets are the ancestor-expanded ones
    (``MatchIndex.expanded``, weighted by information content times the facet factor):
    a second candidate source for ``similar``, finding artifacts whose concepts are
    siblings under a specific broader concept. That similarity is not a score term.

    ``hubs`` (0 to 64, default the kernel's ``HUBS``) is how many widely shared concepts the kernel counts by bit
    mask; it changes speed, never results.

    Raises:
        QueryError: ``k`` < 1 (or < 2 with ``include_self``), a row is out of range or
            ``hubs`` is outside [0, 64].
    """
    others = k - 1 if include_self else k
    if others < 1:
        raise QueryError(f"k must leave room for at least one neighbour, got {k}")
    if hubs is not None and not 0 <= hubs <= 64:
        raise QueryError(f"hubs must be in [0, 64], got {hubs}")
    selected = _select_rows(index, rows)
    from matchgraph.queries.match.all_pairs_classes import topk_of_rows  # numba: on use
    from matchgraph.queries.match.all_pairs_kernel import HUBS

    idx, sc, scored = topk_of_rows(_sets(index, expanded), selected, others, HUBS if hubs is None else hubs, chunks)
    return _with_self(selected, idx, sc, scored, include_self)


def concept_similarity(index: MatchIndex, a: int, b: int) -> tuple[float, list[int]]:
    """The kernel's similarity of rows a and b in plain Python, with the shared concepts.

    Bit-identical to the kernel (same sequential float order); 0.0 when nothing is
    shared, 1.0 for a row with itself when it has any concept.
    """
    w = index.concept_weight
    ca = index.concepts_of(a).tolist()
    cb = set(index.concepts_of(b).tolist())
    shared = [c for c in ca if c in cb]
    s = 0.0
    for c in shared:
        s += float(w[c])
    if s <= 0.0:
        return 0.0, shared
    mass = index.row_mass
    return s / (float(mass[a]) + float(mass[b]) - s), shared


def _similarity(sets: tuple, a: int, b: int) -> float:
    """Weighted Jaccard of rows a and b, in the kernel's float order."""
    indptr, indices, weight, mass = sets
    ca = indices[indptr[a]: indptr[a + 1]].tolist()
    cb = set(indices[indptr[b]: indptr[b + 1]].tolist())
    s = 0.0
    for c in ca:
        if c in cb:
            s += float(weight[c])
    if s <= 0.0:
        return 0.0
    return s / (float(mass[a]) + float(mass[b]) - s)


def topk_reference(
    index: MatchIndex,
    k: int = 10,
    *,
    include_self: bool = True,
    rows: NDArray[np.int64] | None = None,
    expanded: bool = False,
) -> Neighbours:
    """The same lists by plain Python over every co-occurring pair (tests, baselines)."""
    others = k - 1 if include_self else k
    selected = _select_rows(index, rows)
    sets = _sets(index, expanded)
    indptr, indices = sets[0], sets[1]
    post: dict[int, list[int]] = {}
    for r in range(index.n_artifacts):
        for c in indices[indptr[r]: indptr[r + 1]].tolist():
            post.setdefault(c, []).append(r)
    idx = np.full((len(selected), others), -1, dtype=np.int32)
    sc = np.zeros((len(selected), others))
    scored = np.zeros(len(selected), dtype=np.int64)
    for pos, i in enumerate(selected.tolist()):
        cand = {j for c in indices[indptr[i]: indptr[i + 1]].tolist() for j in post[c]} - {i}
        ranked = sorted(((_similarity(sets, i, j), j) for j in cand),
                        key=lambda t: (-t[0], t[1]))[:others]
        for a, (s, j) in enumerate(ranked):
            idx[pos, a], sc[pos, a] = j, s
        scored[pos] = len(cand)
    return _with_self(selected, idx, sc, scored, include_self)
