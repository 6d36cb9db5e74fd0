"""Rank weights and signals: the published weighting and the composite it defines.

The published weighting (the site's methodology: a weighted sum of components, each
normalised to 0-1, scaled to 0-100) is :data:`DEFAULT_WEIGHTS`: adoption 25 %, quality
25 %, ecosystem 10 %, and the remaining 40 % split evenly between match graph and
freshness. Any other weighting is a :class:`RankWeights` (validated: non-negative, sums to 1).

Missing signals are not read as 0: :func:`composites` renormalises over the signals
present, ``100 * sum(w_i * s_i) / sum(w_i)`` for present ``i``.

>>> DEFAULT_WEIGHTS.as_dict()["adoption"]
0.25
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

from matchgraph.errors import ConfigError
from matchgraph.queries.snapshot import GraphSnapshot, ObservationRecord

__all__ = [
    "DEFAULT_WEIGHTS",
    "SIGNALS",
    "RankWeights",
    "composites",
    "observations_by_artifact",
    "signal_matrix",
]

SIGNALS: tuple[str, ...] = ("adoption", "quality", "ecosystem", "match_graph", "freshness")
"""Signal names, in weight order; each is read from observations by attribute name, so a
``freshness`` field added to the snapshot later is picked up without a change here."""


@dataclass(frozen=True)
class RankWeights:
    """Weights of the five signals; non-negative, finite, summing to 1 (within 1e-6).

    A weight within 1e-9 below zero is float rounding (``1 - sum(others)``) and is read
    as 0.

    Raises:
        ConfigError: a negative or non-finite weight, or weights not summing to 1.

    >>> RankWeights.from_mapping({"adoption": 0.4, "quality": 0.4, "ecosystem": 0.2}).freshness
    0.0
    """

    adoption: float = 0.25
    quality: float = 0.25
    ecosystem: float = 0.10
    match_graph: float = 0.20
    freshness: float = 0.20

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, (int, float)) and -1e-9 <= v < 0:  # rounding, e.g. 1 - sum(others)
                object.__setattr__(self, f.name, 0.0)
                v = 0.0
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ConfigError(f"weight {f.name} must be a finite number >= 0, got {v!r}")
        total = sum(self.as_tuple())
        if abs(total - 1.0) > 1e-6:
            raise ConfigError(f"weights must sum to 1, got {total:.6g}")

    def as_tuple(self) -> tuple[float, ...]:
        return tuple(float(getattr(self, s)) for s in SIGNALS)

    def as_dict(self) -> dict[str, float]:
        return dict(zip(SIGNALS, self.as_tuple()))

    @classmethod
    def from_mapping(cls, values: Mapping[str, float]) -> RankWeights:
        """Weights from a partial mapping: the remainder up to 1 is split evenly among the
        signals not named (so naming three of the defaults splits the rest between match
        graph and freshness, as the site does).

        Raises:
            ConfigError: an unknown signal name, or named weights above 1 in total.
        """
        unknown = [k for k in values if k not in SIGNALS]
        if unknown:
            raise ConfigError(f"unknown signal(s) {', '.join(unknown)}; expected: {', '.join(SIGNALS)}")
        named = {k: float(v) for k, v in values.items()}
        rest = [s for s in SIGNALS if s not in named]
        remainder = 1.0 - sum(named.values())
        if remainder < -1e-6 or (not rest and abs(remainder) > 1e-6):
            raise ConfigError(f"weights must sum to 1, named ones sum to {1.0 - remainder:.6g}")
        share = max(remainder, 0.0) / len(rest) if rest else 0.0
        return cls(**named, **{s: share for s in rest})

    @classmethod
    def parse(cls, text: str) -> RankWeights:
        """Weights from ``"adoption=0.3,quality=0.3"`` (the CLI's ``--weights``).

        Raises:
            ConfigError: a malformed item or any error of :meth:`from_mapping`.
        """
        values: dict[str, float] = {}
        for item in filter(None, (x.strip() for x in text.split(","))):
            name, sep, value = item.partition("=")
            try:
                if not sep:
                    raise ValueError
                values[name.strip()] = float(value)
            except ValueError as e:
                raise ConfigError(f"expected NAME=NUMBER in weights, got {item!r}") from e
        return cls.from_mapping(values)


DEFAULT_WEIGHTS = RankWeights()
"""The published weighting: adoption .25, quality .25, ecosystem .10, match graph .20,
freshness .20."""


def observations_by_artifact(snapshot: GraphSnapshot) -> dict[str, list[ObservationRecord]]:
    """Observations per artifact slug, every artifact present (possibly with none)."""
    by: dict[str, list[ObservationRecord]] = {a.slug: [] for a in snapshot.artifacts}
    for o in snapshot.observations:
        by.setdefault(o.artifact, []).append(o)
    return by


def signal_matrix(snapshot: GraphSnapshot) -> tuple[list[str], np.ndarray, dict[str, list[str]]]:
    """Slugs, an (artifacts x signals) matrix with NaN where missing, and notes per slug.

    A value is the mean over sources; values outside [0, 1] are clipped and noted.
    """
    by = observations_by_artifact(snapshot)
    slugs = list(by)
    m = np.full((len(slugs), len(SIGNALS)), np.nan)
    notes: dict[str, list[str]] = {s: [] for s in slugs}
    for i, slug in enumerate(slugs):
        for j, sig in enumerate(SIGNALS):
            vals = [float(v) for o in by[slug] if (v := getattr(o, sig, None)) is not None]
            vals = [v for v in vals if math.isfinite(v)]
            if vals:
                mean = sum(vals) / len(vals)
                if not 0.0 <= mean <= 1.0:
                    notes[slug].append(f"{sig} {mean:g} outside [0, 1], clipped")
                m[i, j] = min(max(mean, 0.0), 1.0)
    return slugs, m, notes


def composites(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Composite 0-100 for every row of ``matrix`` under every row of ``weights``.

    ``weights`` is (draws x signals) or (signals,); missing values (NaN) are renormalised
    away per artifact. Returns (draws x artifacts), NaN where no weighted signal is present.
    """
    w = np.atleast_2d(weights)
    present = ~np.isnan(matrix)
    values = np.where(present, matrix, 0.0)
    # Summed signal by signal rather than by a matrix product: BLAS blocks differently
    # for different shapes, and a composite must not depend on which artifacts are
    # computed beside it (the rank table computes all, then describes a few).
    num = np.zeros((w.shape[0], matrix.shape[0]))
    den = np.zeros_like(num)
    for j in range(matrix.shape[1]):
        num += w[:, j, None] * values[None, :, j]
        den += w[:, j, None] * present[None, :, j]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (what Spearman's rho correlates)."""
    order = np.argsort(values, kind="mergesort")
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.arange(len(values))
    ordered = values[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    dense = starts.cumsum()[inverse]
    bounds = np.r_[np.flatnonzero(starts), len(values)]
    return 0.5 * (bounds[dense] + bounds[dense - 1] + 1)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation with average ranks for ties, in numpy (scipy.stats
    takes a second to import, longer than a whole ``rank`` command should)."""
    ra, rb = average_ranks(np.asarray(a, dtype=float)), average_ranks(np.asarray(b, dtype=float))
    return float(np.corrcoef(ra, rb)[0, 1])
