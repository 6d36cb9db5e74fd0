"""Composite ranks recomputed from signals, their fit to observed ranks, and how stable
each ordering is when the weights move (``matchgraph rank``)."""

from matchgraph.queries.ranks.recompute import (
    ObservedRank,
    PairStability,
    RankAgreement,
    RankRange,
    RankRow,
    SignalValue,
    StabilityReport,
    agreement,
    recompute,
    stability,
    stability_of,
)
from matchgraph.queries.ranks.weights import DEFAULT_WEIGHTS, SIGNALS, RankWeights

__all__ = [
    "DEFAULT_WEIGHTS",
    "SIGNALS",
    "ObservedRank",
    "PairStability",
    "RankAgreement",
    "RankRange",
    "RankRow",
    "RankWeights",
    "SignalValue",
    "StabilityReport",
    "agreement",
    "recompute",
    "stability",
    "stability_of",
]
