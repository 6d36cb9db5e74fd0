"""``similar NAME --top K``: the nearest artifacts by full pair score.

Scoring one artifact against all others with the full pair score would cost a walk per
artifact. Instead candidates come from cheap, complete-enough sources, then each is
re-scored with :func:`pair_score_rows`:

* its concept neighbours from the all-pairs kernel (cached with the index), over
  direct concepts and over ancestor-expanded ones (siblings under a broader concept),
* the artifacts it is compared with or makes claims about, and their comparisons (for a
  hub related to more than :data:`RELATED_PER_WANTED` times the candidates wanted, those
  its walk reaches most),
* the artifacts its personalised PageRank walk reaches most.

An artifact outside these is neither among its ``MatchParams.candidates`` best concept
or hierarchy neighbours, nor related by comparisons or claims, nor among the artifacts
its walk reaches most: a heuristic cut at scale, but on graphs no larger than
``candidates`` it misses only artifacts sharing nothing but a hub intent (the tests
check ``similar`` against brute force there).

The PageRank term needs a walk from each candidate; :func:`pair_score_bounds` bounds
it from the one walk from the artifact, and candidates are scored in order of their
upper bound until no remaining bound can beat the K-th exact score.
"""

from __future__ import annotations

import numpy as np

from matchgraph.errors import QueryError
from matchgraph.queries.arrays import sorted_unique
from matchgraph.queries.match.all_pairs import Neighbours, all_pairs_topk
from matchgraph.queries.match.index import MatchIndex
from matchgraph.queries.views.names import NameIndex
from matchgraph.queries.match.pair_score import PairScore, pair_score_bounds, pair_score_rows
from matchgraph.queries.match.pair_terms import ppr_vector

__all__ = ["candidate_rows", "index_row", "similar"]

RELATED_PER_WANTED = 4
"""Related artifacts (compared or claimed about) re-scored, at most, per candidate wanted."""
_SLACK = 1e-12
"""Float slack when comparing an exact score with a bound computed in another order."""


def index_row(index: MatchIndex, name: str) -> int:
    """The row of the artifact called ``name``, by the one naming rule
    (:class:`~matchgraph.queries.views.names.NameIndex`) over the index's slugs and names.

    Raises:
        NotFoundError: nothing matches.
        AmbiguousNameError: several artifacts match, listed as candidates.
    """
    if name in index.row_of:
        return index.row_of[name]
    table = NameIndex(tuple(zip(index.slugs, index.names, strict=True)), {})
    return index.row_of[table.resolve(name)]


def _related(index: MatchIndex, row: int, reach: np.ndarray, limit: int) -> set[int]:
    """Compared-with, claimed-about, and their compared-with artifacts; past ``limit``, the
    ``limit`` of them the walk from ``row`` reaches most (``reach``, by row). A hub that
    most pages name ("faster than Tesseract") is related to nearly every artifact, and
    re-scoring them all took minutes at 100,000 artifacts."""
    w = index.walk
    near = w.indices[w.indptr[row]: w.indptr[row + 1]]
    near = _most_reached(sorted_unique(near[near < index.n_artifacts]), reach, limit)
    out = set(near.tolist())
    for x in near.tolist():
        out.update(index.compared_with(x).tolist())
    out.discard(row)
    if len(out) > limit:
        out = set(_most_reached(np.array(sorted(out), dtype=np.int64), reach, limit).tolist())
    return out


def _most_reached(rows: np.ndarray, reach: np.ndarray, limit: int) -> np.ndarray:
    """The ``limit`` of ``rows`` (ascending) with the highest ``reach``, ties to the lower row."""
    if len(rows) <= limit:
        return rows
    return rows[np.argsort(-reach[rows], kind="stable")[:limit]]


def _concept_candidates(index: MatchIndex, row: int, wanted: int,
                        cached: Neighbours | None, expanded: bool) -> list[int]:
    if cached is not None and cached.k >= wanted:
        try:
            return [j for j, _ in cached.row(row) if j != row]
        except QueryError:
            pass
    fresh = all_pairs_topk(index, wanted, include_self=False, expanded=expanded,
                           rows=np.array([row], dtype=np.int64))
    return [j for j, _ in fresh.row(row)]


def candidate_rows(index: MatchIndex, row: int, k: int,
                   neighbours: Neighbours | None = None,
                   hierarchy: Neighbours | None = None) -> list[int]:
    """Rows worth re-scoring for ``row``'s top ``k`` (never ``row`` itself).

    ``neighbours`` and ``hierarchy`` are cached all-pairs lists over direct and
    ancestor-expanded concepts; missing or too short, the kernel runs for this row.
    """
    wanted = max(index.params.candidates, 2 * k)
    found = set(_concept_candidates(index, row, wanted, neighbours, False))
    found |= set(_concept_candidates(index, row, wanted, hierarchy, True))
    pi, _ = ppr_vector(index, row)
    walk = pi[: index.n_artifacts].copy()
    walk[row] = 0.0
    top = np.argsort(-walk, kind="stable")[:wanted]
    found |= {int(j) for j in top if walk[j] > 0}
    found |= _related(index, row, walk, RELATED_PER_WANTED * wanted)
    found.discard(row)
    return sorted(found)


def similar(index: MatchIndex, name: str, k: int = 10, *,
            neighbours: Neighbours | None = None,
            hierarchy: Neighbours | None = None) -> list[PairScore]:
    """The ``k`` artifacts nearest to ``name`` by full pair score, best first.

    Ties are broken by slug. ``neighbours`` and ``hierarchy`` are cached all-pairs
    lists (see :func:`candidate_rows`); without them the kernel runs for this one row.

    Raises:
        QueryError: ``k`` < 1.
        NotFoundError, AmbiguousNameError: ``name`` does not pick one artifact.
    """
    if k < 1:
        raise QueryError(f"--top must be at least 1, got {k}")
    row = index_row(index, name)
    bounded = sorted(((*pair_score_bounds(index, row, j), j)
                      for j in candidate_rows(index, row, k, neighbours, hierarchy)),
                     key=lambda t: (-t[1], index.slugs[t[2]]))
    scored: list[PairScore] = []
    for _low, high, j in bounded:
        if len(scored) >= k:
            scored.sort(key=lambda s: (-s.score, s.b))
            if scored[k - 1].score > high + _SLACK:
                break
        scored.append(pair_score_rows(index, row, j))
    scored.sort(key=lambda s: (-s.score, s.b))
    return scored[:k]
