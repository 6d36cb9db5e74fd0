"""Pair score by graph proximity, with an explanation whose terms add up to it exactly.

In the manner of splink's match-weight waterfall, but additive on a [0, 1] scale and
typed: the score is the sum of one term per signal, ``contribution = weight * value``,
with weights summing to at most 1 and values in [0, 1]. The score is *defined* as the
sum of the contributions (in :data:`TERM_NAMES` order), so the explanation cannot drift
from it. There is no prior term: two artifacts with no evidence score 0.

>>> from matchgraph.queries.snapshot import (ArtifactRecord, CapabilityRecord,
...     GraphSnapshot)
>>> from matchgraph.queries.match.index_build import build_match_index
>>> caps = (CapabilityRecord("1", "a", "", concepts=("x:ocr",)),
...         CapabilityRecord("2", "b", "", concepts=("x:ocr",)))
>>> ix = build_match_index(GraphSnapshot(artifacts=(ArtifactRecord("a", "A"),
...     ArtifactRecord("b", "B")), capabilities=caps), facets=())
>>> s = pair_score(ix, "a", "b")
>>> s.score == sum(t.contribution for t in s.terms), s.substitutability
(True, 'alternatives')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matchgraph.errors import NotFoundError
from matchgraph.queries.match.config import TERM_NAMES, Substitutability
from matchgraph.queries.match.index import MatchIndex
from matchgraph.queries.match.pair_terms import (
    Evidence,
    Signal,
    claim_signal,
    co_comparison_signal,
    concept_signal,
    hierarchy_signal,
    intent_signal,
    ppr_rho,
    ppr_signal,
)
from matchgraph.queries.match.substitutability import SubstitutabilityVerdict, substitutability

__all__ = ["PairScore", "ScoreTerm", "pair_score", "pair_score_bounds", "pair_score_rows"]

_SIGNALS: dict[str, Callable[[MatchIndex, int, int], Signal]] = {
    "concepts": concept_signal,
    "hierarchy": hierarchy_signal,
    "intents": intent_signal,
    "co_comparison": co_comparison_signal,
    "claims": claim_signal,
    "ppr": ppr_signal,
}
assert tuple(_SIGNALS) == TERM_NAMES


@dataclass(frozen=True)
class ScoreTerm:
    """One bar of the waterfall: ``contribution == weight * value``."""

    name: str
    weight: float
    value: float
    contribution: float
    evidence: tuple[Evidence, ...]
    sentence: str


@dataclass(frozen=True)
class PairScore:
    """A pair's score in [0, 1], its terms (summing to it) and the substitutability verdict."""

    a: str
    b: str
    score: float
    terms: tuple[ScoreTerm, ...]
    substitutability: Substitutability
    reason: str
    verdict: SubstitutabilityVerdict

    def term(self, name: str) -> ScoreTerm:
        """The term called ``name``.

        Raises:
            KeyError: no such term.
        """
        for t in self.terms:
            if t.name == name:
                return t
        raise KeyError(name)


def _row(index: MatchIndex, slug: str) -> int:
    row = index.row_of.get(slug)
    if row is None:
        raise NotFoundError(f"no artifact with slug {slug!r} in the match index")
    return row


def _self_signal(index: MatchIndex, a: int) -> Signal:
    return Signal(1.0, (Evidence("self", index.names[a]),), "It is the same artifact.")


def pair_score_rows(index: MatchIndex, a: int, b: int) -> PairScore:
    """:func:`pair_score` for artifact rows (what ``similar`` calls in its loop)."""
    weights = index.params.weights.normalised().as_tuple()
    terms = []
    for name, weight in zip(TERM_NAMES, weights, strict=True):
        signal = _self_signal(index, a) if a == b else _SIGNALS[name](index, a, b)
        value = min(1.0, max(0.0, float(signal.value)))
        terms.append(ScoreTerm(name, weight, value, weight * value, signal.evidence,
                               signal.sentence))
    score = 0.0
    for t in terms:
        score += t.contribution
    verdict = substitutability(index, a, b)
    return PairScore(index.slugs[a], index.slugs[b], score, tuple(terms),
                     verdict.substitutability, verdict.reason, verdict)


def pair_score_bounds(index: MatchIndex, a: int, b: int) -> tuple[float, float]:
    """Bounds on ``pair_score_rows(index, a, b).score`` without walking from b.

    Every term but PageRank is computed; PageRank's value ``(rho(a, b) + rho(b, a)) / 2``
    is bounded with ``0 <= rho(b, a) <= 1``, so one walk from a serves all b. Used by
    ``similar`` to walk only from candidates that can still make the list.
    """
    weights = dict(zip(TERM_NAMES, index.params.weights.normalised().as_tuple(),
                       strict=True))
    if a == b:
        total = sum(weights.values())
        return total, total
    low = 0.0
    for name in TERM_NAMES:
        if name != "ppr":
            low += weights[name] * min(1.0, max(0.0, _SIGNALS[name](index, a, b).value))
    low += weights["ppr"] * 0.5 * ppr_rho(index, a, b)
    return low, low + weights["ppr"] * 0.5


def pair_score(index: MatchIndex, a: str, b: str) -> PairScore:
    """Score artifacts ``a`` and ``b`` (slugs) and explain it term by term.

    Symmetric up to the order of names in sentences. An artifact with itself gets every
    value 1, so its score (the float sum of the weights, 1 up to rounding) is the
    highest any pair can reach.

    Raises:
        NotFoundError: a slug is not in the index.
    """
    return pair_score_rows(index, _row(index, a), _row(index, b))
