"""The dense half of need retrieval: each artifact's best cosine with the need.

Every artifact has several texts (its capabilities and a card); its dense score is the
best cosine between the need and any of them. The texts' unit vectors are stored grouped
by artifact (``owner_ptr`` delimits each artifact's rows), so the best per artifact is
one ``np.maximum.reduceat`` instead of a sort.

Why two modes. Up to :data:`EXACT_LIMIT` artifacts (80,000 texts at 10,000 seed-sized
artifacts) the float32 matrix is scored whole: one matrix-vector product over a memory
map took 5 ms here. Above it the texts are kept as float16 (half the disk: 100,000
artifacts have about 800,000 texts) and scoring every one would cost a conversion of the
whole matrix per query (float16 has no BLAS; 450 ms at 800,000 texts). Instead a coarse
pass scores one float32 centroid per artifact (the normalised mean of its texts' vectors,
5 ms at 100,000 artifacts), and only the best :data:`COARSE_CANDIDATES` artifacts by
centroid, plus the best :data:`LEXICAL_CANDIDATES` by BM25, get their texts scored
exactly; every other artifact's dense score is 0, so it can still be found lexically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchgraph.queries.arrays import sorted_unique

__all__ = ["COARSE_CANDIDATES", "EXACT_LIMIT", "LEXICAL_CANDIDATES", "DenseTexts", "unit_rows"]

EXACT_LIMIT = 20_000
"""Artifacts up to which every text is scored on every query."""
COARSE_CANDIDATES = 1_000
"""Artifacts whose texts are scored exactly, by centroid cosine (approximate mode)."""
LEXICAL_CANDIDATES = 300
"""Artifacts whose texts are scored exactly, by lexical score (approximate mode)."""


def unit_rows(m: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32; zero rows stay zero)."""
    return (m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)).astype(np.float32)


@dataclass(eq=False)
class DenseTexts:
    """Unit text vectors grouped by artifact row, and (approximate mode) their centroids."""

    vectors: np.ndarray
    """One unit row per text, grouped by owner: float32 (exact) or float16 (approximate)."""
    owner_ptr: np.ndarray
    """Texts of row ``r`` are ``vectors[owner_ptr[r]:owner_ptr[r + 1]]`` (int64)."""
    coarse: np.ndarray | None = None
    """Unit centroid per row (float32), approximate mode only."""

    @classmethod
    def build(cls, vectors: np.ndarray, owner_ptr: np.ndarray, exact_limit: int = EXACT_LIMIT) -> DenseTexts:
        """From unit float32 ``vectors`` grouped by row; approximate above ``exact_limit`` rows."""
        n = len(owner_ptr) - 1
        if n <= exact_limit:
            return cls(np.ascontiguousarray(vectors, dtype=np.float32), owner_ptr)
        counts = np.diff(owner_ptr)
        sums = np.zeros((n, vectors.shape[1]), dtype=np.float64)
        has = counts > 0
        sums[has] = np.add.reduceat(vectors.astype(np.float64), owner_ptr[:-1][has], axis=0)
        return cls(vectors.astype(np.float16), owner_ptr, unit_rows(sums))

    @property
    def exact(self) -> bool:
        return self.coarse is None

    def best(self, query: np.ndarray, lexical: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per row: the best cosine with the unit ``query`` (clipped at 0; float64) and the
        index of the text that has it (-1 for rows not scored). Ties go to the first text."""
        n = len(self.owner_ptr) - 1
        dense = np.zeros(n)
        best = np.full(n, -1, dtype=np.int64)
        if n == 0 or len(self.vectors) == 0:
            return dense, best
        if self.coarse is None:
            rows = np.arange(n)
            texts = np.arange(len(self.vectors))
            sims = self.vectors @ query
        else:
            rows = self._candidates(query, lexical)
            texts = _ranges(self.owner_ptr[rows], self.owner_ptr[rows + 1])
            sims = np.asarray(self.vectors[texts], dtype=np.float32) @ query
        counts = self.owner_ptr[rows + 1] - self.owner_ptr[rows]
        rows, counts = rows[counts > 0], counts[counts > 0]
        if len(rows) == 0:
            return dense, best
        starts = np.zeros(len(rows), dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        maxes = np.maximum.reduceat(sims, starts)
        hit = np.flatnonzero(sims == np.repeat(maxes, counts))
        owner = np.repeat(np.arange(len(rows)), counts)[hit]
        _, first = np.unique(owner, return_index=True)  # the first text at the maximum
        dense[rows] = np.clip(maxes, 0.0, None)
        best[rows] = texts[hit[first]]
        return dense, best

    def _candidates(self, query: np.ndarray, lexical: np.ndarray | None) -> np.ndarray:
        """Rows scored exactly: the best by centroid cosine and by lexical score."""
        assert self.coarse is not None
        parts = [_top(self.coarse @ query, COARSE_CANDIDATES)]
        if lexical is not None and lexical.any():
            parts.append(_top(lexical, LEXICAL_CANDIDATES, positive=True))
        return sorted_unique(np.concatenate(parts))


def _top(values: np.ndarray, k: int, positive: bool = False) -> np.ndarray:
    """Indices of the ``k`` largest values (unordered), only positive ones if asked."""
    pick = np.arange(len(values)) if len(values) <= k else np.argpartition(values, len(values) - k)[len(values) - k:]
    return pick[values[pick] > 0] if positive else pick


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """``concatenate([arange(a, b) for a, b in zip(starts, stops)])`` without a loop."""
    counts = stops - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return np.arange(total, dtype=np.int64) + offsets
