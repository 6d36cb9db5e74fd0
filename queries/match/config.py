"""Typed knobs of the pair score: term weights, the verdict thresholds, walk parameters.

They live apart from the scoring code so the CLI, the cache key and the tests all read the
same frozen values, and so a weight change is one visible object rather than keyword
arguments scattered over calls.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Literal

from matchgraph.errors import ConfigError

__all__ = [
    "TERM_NAMES",
    "MatchParams",
    "PairWeights",
    "Substitutability",
]

Substitutability = Literal["alternatives", "partial", "not_alternatives"]
"""Whether two artifacts can stand in for each other: for all needs, for some, for none."""

TERM_NAMES: tuple[str, ...] = (
    "concepts",
    "hierarchy",
    "intents",
    "co_comparison",
    "claims",
    "ppr",
)
"""The signals of a pair score, in the order their terms are reported and summed."""


@dataclass(frozen=True)
class PairWeights:
    """Weight of each signal in the pair score; normalised so that they sum to at most 1.

    Each signal value lies in [0, 1] and the score is ``sum(weight * value)``, so bounded
    weights summing to 1 keep the score in [0, 1] by construction, and the explanation's
    contributions add up to the score exactly because the score *is* their sum.

    >>> PairWeights(concepts=1, hierarchy=1, intents=0, co_comparison=0, claims=0,
    ...             ppr=0).normalised().concepts
    0.5
    """

    concepts: float = 0.35
    hierarchy: float = 0.20
    intents: float = 0.10
    co_comparison: float = 0.10
    claims: float = 0.10
    ppr: float = 0.15

    def __post_init__(self) -> None:
        values = self.as_tuple()
        if any(not math.isfinite(v) or v < 0 for v in values):
            raise ConfigError(f"pair weights must be finite and >= 0, got {values}")
        if sum(values) <= 0:
            raise ConfigError("at least one pair weight must be positive")

    def as_tuple(self) -> tuple[float, ...]:
        """The weights in :data:`TERM_NAMES` order."""
        return tuple(float(getattr(self, name)) for name in TERM_NAMES)

    def normalised(self) -> PairWeights:
        """Weights divided by their sum, nudged down until their float sum is <= 1.

        Rounding is monotone, so with every value <= 1 the float sum of
        ``weight * value`` can then never exceed 1.
        """
        values = list(self.as_tuple())
        total = sum(values)
        values = [v / total for v in values]
        while sum(values) > 1.0:
            top = max(range(len(values)), key=values.__getitem__)
            values[top] = math.nextafter(values[top], 0.0)
        return PairWeights(**dict(zip(TERM_NAMES, values, strict=True)))


@dataclass(frozen=True)
class MatchParams:
    """Everything besides the snapshot that changes an index, a score or a verdict.

    ``facet_weight`` scales facet concepts (deployment, efficiency, licensing...) in
    every concept-based term: they say *how* something runs, not *what* it does, so two
    artifacts sharing only "quantization" are barely similar. ``alternatives_coverage``
    is the share of each side's task concepts the other must cover for "alternatives";
    any covered task concept at all gives "partial". ``alpha`` is the restart
    probability of the personalised PageRank walk.
    """

    weights: PairWeights = field(default_factory=PairWeights)
    facet_weight: float = 0.1
    alternatives_coverage: float = 0.5
    alpha: float = 0.15
    ppr_eps: float = 1e-5
    """Residual per unit degree left by the local-push PageRank (its error bound)."""
    walk_intent_share: float = 0.01
    """Intents served by more than this share of artifacts are left out of the walk."""
    candidates: int = 32
    """Neighbours kept per artifact by the all-pairs kernel (candidates for ``similar``)."""

    def __post_init__(self) -> None:
        if not 0 < self.facet_weight <= 1:
            raise ConfigError(f"facet_weight must be in (0, 1], got {self.facet_weight}")
        if not 0 < self.alternatives_coverage <= 1:
            raise ConfigError(
                f"alternatives_coverage must be in (0, 1], got {self.alternatives_coverage}"
            )
        if not 0 < self.alpha < 1:
            raise ConfigError(f"alpha must be in (0, 1), got {self.alpha}")
        if not 0 < self.ppr_eps < 1 or self.candidates < 1:
            raise ConfigError("need 0 < ppr_eps < 1 and candidates >= 1")
        if not 0 < self.walk_intent_share <= 1:
            raise ConfigError(
                f"walk_intent_share must be in (0, 1], got {self.walk_intent_share}")

    def fingerprint(self) -> str:
        """A stable text form, part of the cache key."""
        return json.dumps(asdict(self), sort_keys=True)
