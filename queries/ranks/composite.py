"""Ranks: recompute a composite rank from signals, compare it with observed ranks, and say
how stable every ordering is when the weights move.

``matchgraph rank`` calls :func:`recompute` and :func:`stability`.

The published weighting (the site's methodology: a weighted sum of components, each
normalised to 0-1, scaled to 0-100) is :data:`DEFAULT_WEIGHTS`: adoption 25 %, quality
25 %, ecosystem 10 %, and the remaining 40 % split evenly between match graph and
freshness. Any other weighting is a :class:`RankWeights` (validated: non-negative, sums to
1; defined in ``weights``).

Missing signals. Sources often report no freshness (the snapshot has no field for it) and
sometimes omit others. A missing signal is *not* read as 0: the composite is renormalised
over the signals present, ``100 * sum(w_i * s_i) / sum(w_i)`` for present ``i``, and every
row lists what was missing and the share of weight that was present (``coverage``).

Stability. Like LMArena's confidence intervals and tied ranks, but over weightings rather
than votes: weights are drawn from a Dirichlet centred on the chosen ones
(``alpha = concentration * w``), each draw ranks the artifacts again, and the report gives
P(A ahead of B), a rank range (percentiles of the rank over draws), a displayed rank of
1 + the number of artifacts clearly ahead (P >= ``level``), and groups of tied artifacts.

>>> DEFAULT_WEIGHTS.as_dict()["adoption"]
0.25
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from matchgraph.errors import ConfigError, NotFoundError
from matchgraph.queries.ranks.weights import (
    DEFAULT_WEIGHTS,
    SIGNALS,
    RankWeights,
    composites,
    observations_by_artifact,
    signal_matrix,
    spearman,
)
from matchgraph.queries.snapshot import GraphSnapshot

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


@dataclass(frozen=True)
class SignalValue:
    """One signal of one artifact: the mean over the sources that report it."""

    name: str
    value: float
    weight: float
    effective_weight: float
    """Share of the composite after renormalising over present signals."""
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ObservedRank:
    """A rank a source reported, and how far the recomputation is from it."""

    source: str
    rank: int
    delta: float | None
    """Recomputed composite minus this rank; None when nothing could be recomputed."""


@dataclass(frozen=True)
class RankRow:
    """An artifact's recomputed composite (0-100), its position, and the observed ranks."""

    slug: str
    name: str
    composite: float | None
    position: int | None
    """1 + artifacts with a strictly higher composite; None without a composite."""
    coverage: float
    """Share of the total weight carried by the signals present."""
    signals: tuple[SignalValue, ...]
    missing: tuple[str, ...]
    observed: tuple[ObservedRank, ...]
    delta: float | None
    """Composite minus the mean observed rank."""
    notes: tuple[str, ...] = ()


def recompute(snapshot: GraphSnapshot, weights: RankWeights = DEFAULT_WEIGHTS) -> list[RankRow]:
    """One row per artifact, highest composite first (no composite last, then by slug)."""
    slugs, m, notes = signal_matrix(snapshot)
    names = {a.slug: a.name for a in snapshot.artifacts}
    by = observations_by_artifact(snapshot)
    w = np.array(weights.as_tuple())
    comp = composites(m, w)[0] if len(slugs) else np.zeros(0)
    rows: list[RankRow] = []
    for i, slug in enumerate(slugs):
        present = ~np.isnan(m[i])
        covered = float(w[present].sum())
        c = None if math.isnan(comp[i]) else float(comp[i])
        sigs = tuple(
            SignalValue(sig, float(m[i, j]), float(w[j]), float(w[j] / covered) if covered else 0.0,
                        tuple(o.source for o in by[slug] if getattr(o, sig, None) is not None))
            for j, sig in enumerate(SIGNALS) if present[j]
        )
        observed = tuple(
            ObservedRank(o.source, o.rank, None if c is None else c - o.rank)
            for o in by[slug] if o.rank is not None
        )
        mean_obs = sum(o.rank for o in observed) / len(observed) if observed else None
        row_notes = list(notes[slug])
        if c is None:
            row_notes.append("no signal reported" if not present.any()
                             else "only signals with zero weight are reported")
        elif covered < 1.0 - 1e-9:
            row_notes.append(f"renormalised over present signals ({covered:.0%} of the weight)")
        rows.append(RankRow(
            slug, names.get(slug, slug), c, None, covered, sigs,
            tuple(s for j, s in enumerate(SIGNALS) if not present[j]), observed,
            None if c is None or mean_obs is None else c - mean_obs, tuple(row_notes),
        ))
    rows.sort(key=lambda r: (r.composite is None, -(r.composite or 0.0), r.slug))
    scored = [r.composite for r in rows if r.composite is not None]
    ordered = np.sort(np.array(scored))
    return [
        r if r.composite is None else replace(
            r, position=1 + len(scored) - int(np.searchsorted(ordered, r.composite + 1e-9, "right")))
        for r in rows
    ]


@dataclass(frozen=True)
class RankAgreement:
    """How far recomputed composites are from observed ranks, over artifacts with both."""

    n: int
    mean_abs_delta: float | None
    max_abs_delta: float | None
    spearman: float | None
    """Rank correlation of composite and mean observed rank (None below 3 artifacts)."""


def agreement(rows: Sequence[RankRow]) -> RankAgreement:
    """Summarise :func:`recompute` against the observed ranks."""
    pairs = [(r.composite, r.composite - r.delta) for r in rows
             if r.composite is not None and r.delta is not None]
    if not pairs:
        return RankAgreement(0, None, None, None)
    deltas = [abs(c - o) for c, o in pairs]
    rho = None
    if len(pairs) >= 3 and len({c for c, _ in pairs}) > 1 and len({o for _, o in pairs}) > 1:
        rho = spearman(np.array([c for c, _ in pairs]), np.array([o for _, o in pairs]))
    return RankAgreement(len(pairs), sum(deltas) / len(deltas), max(deltas), rho)


@dataclass(frozen=True)
class RankRange:
    """Where an artifact ranks when the weights move (ranks among the artifacts compared)."""

    slug: str
    composite: float
    rank: int
    """Rank under the chosen weights (1 + artifacts strictly ahead)."""
    low: int
    high: int
    """Percentile interval of the rank over the weight draws (e.g. 5th-95th)."""
    shown: int
    """1 + artifacts ahead of it in at least ``level`` of the draws (LMArena style)."""


@dataclass(frozen=True)
class PairStability:
    """How often ``ahead`` stays ahead of ``behind`` (adjacent under the chosen weights)."""

    ahead: str
    behind: str
    p_ahead: float
    p_tie: float
    p_behind: float


@dataclass(frozen=True, eq=False)
class StabilityReport:
    """Stability of the ordering of ``slugs`` (best first) under Dirichlet weight draws.

    ``prob_ahead[i, j]`` is the share of draws with ``slugs[i]`` strictly ahead of
    ``slugs[j]``; ``prob_tie[i, j]`` the share with equal composites, so
    ``prob_ahead[i, j] + prob_ahead[j, i] + prob_tie[i, j] == 1``.
    """

    slugs: tuple[str, ...]
    prob_ahead: np.ndarray
    prob_tie: np.ndarray
    ranks: tuple[RankRange, ...]
    tie_groups: tuple[tuple[str, ...], ...]
    orderings: tuple[PairStability, ...]
    weights: RankWeights
    samples: int
    concentration: float
    seed: int
    level: float
    interval: float

    def p_ahead(self, a: str, b: str) -> float:
        """P(``a`` strictly ahead of ``b``).

        Raises:
            NotFoundError: either slug is not in the report.
        """
        pos = {s: i for i, s in enumerate(self.slugs)}
        for s in (a, b):
            if s not in pos:
                raise NotFoundError(f"{s!r} is not among the compared artifacts")
        return float(self.prob_ahead[pos[a], pos[b]])


def _check(samples: int, concentration: float, level: float, interval: float, limit: int) -> None:
    if not isinstance(samples, int) or samples < 1:
        raise ConfigError(f"samples must be a positive integer, got {samples!r}")
    if not (math.isfinite(concentration) and concentration > 0):
        raise ConfigError(f"concentration must be finite and > 0, got {concentration!r}")
    if not 0.5 < level <= 1.0:
        raise ConfigError(f"level must be in (0.5, 1], got {level!r}")
    if not 0.0 < interval < 1.0:
        raise ConfigError(f"interval must be in (0, 1), got {interval!r}")
    if limit < 1:
        raise ConfigError(f"limit must be at least 1, got {limit!r}")


def _draws(weights: RankWeights, samples: int, concentration: float, seed: int) -> np.ndarray:
    """Dirichlet draws centred on ``weights``; zero weights stay zero."""
    w = np.array(weights.as_tuple())
    out = np.zeros((samples, len(w)))
    pos = w > 0
    out[:, pos] = np.random.default_rng(seed).dirichlet(concentration * w[pos], size=samples)
    return out


def _pairwise(comp: np.ndarray, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of i ahead of j, of ties, and the rank of each artifact in each draw."""
    m, n = comp.shape
    ahead = np.zeros((n, n))
    tie = np.zeros((n, n))
    ranks = np.empty((m, n), dtype=np.int64)
    step = max(1, int(4_000_000 // max(n * n, 1)))
    for s in range(0, m, step):
        diff = comp[s:s + step, :, None] - comp[s:s + step, None, :]
        ahead += (diff > tol).sum(axis=0)
        tie += (np.abs(diff) <= tol).sum(axis=0)
        ranks[s:s + step] = 1 + (diff < -tol).sum(axis=2)
    return ahead, tie, ranks


def stability(
    snapshot: GraphSnapshot,
    weights: RankWeights = DEFAULT_WEIGHTS,
    samples: int = 2000,
    concentration: float = 50.0,
    seed: int = 0,
    *,
    level: float = 0.95,
    interval: float = 0.90,
    slugs: Sequence[str] | None = None,
    limit: int = 200,
) -> StabilityReport:
    """How stable the recomputed ordering is when the weights move.

    Compares ``slugs`` (default: the ``limit`` best recomputed artifacts; pairwise work is
    quadratic in their number). ``concentration`` sets how far draws stray: each weight
    has standard deviation ``sqrt(w (1 - w) / (concentration + 1))``, about 0.06 for
    w = 0.25 at the default 50. Deterministic for a given ``seed``.

    Raises:
        ConfigError: a non-positive ``samples``, ``concentration`` or ``limit``, or a
            ``level``/``interval`` out of range.
        NotFoundError: a requested slug is not an artifact of the snapshot.
    """
    _check(samples, concentration, level, interval, limit)
    rows = [r for r in recompute(snapshot, weights) if r.composite is not None]
    if slugs is not None:
        known = {a.slug for a in snapshot.artifacts} | {r.slug for r in rows}
        missing = [s for s in slugs if s not in known]
        if missing:
            raise NotFoundError(f"unknown artifact(s): {', '.join(missing)}")
        wanted = set(slugs)
        rows = [r for r in rows if r.slug in wanted]
    else:
        rows = rows[:limit]
    all_slugs, matrix, _ = signal_matrix(snapshot)
    where = {s: i for i, s in enumerate(all_slugs)}
    return stability_of(rows, matrix[[where[r.slug] for r in rows]], weights, samples, concentration, seed,
                        level=level, interval=interval)


def stability_of(
    rows: Sequence[RankRow],
    signals: np.ndarray,
    weights: RankWeights,
    samples: int,
    concentration: float,
    seed: int,
    *,
    level: float = 0.95,
    interval: float = 0.90,
) -> StabilityReport:
    """:func:`stability` of ``rows`` (best first, each with a composite) whose signal
    values are the rows of ``signals`` (artifacts x signals, NaN where missing)."""
    _check(samples, concentration, level, interval, max(1, len(rows)))
    sel = tuple(r.slug for r in rows)
    n = len(sel)
    comp = composites(signals, _draws(weights, samples, concentration, seed))
    ahead, tie, ranks = _pairwise(comp) if n else (np.zeros((0, 0)),) * 2 + (np.zeros((samples, 0)),)
    p_ahead, p_tie = ahead / samples, tie / samples
    lo = np.quantile(ranks, (1 - interval) / 2, axis=0, method="lower") if n else []
    hi = np.quantile(ranks, (1 + interval) / 2, axis=0, method="higher") if n else []
    clearly = (p_ahead >= level - 1e-12).sum(axis=0)
    ranges = tuple(
        RankRange(s, float(rows[i].composite or 0.0), int(rows[i].position or 0), int(lo[i]),
                  int(hi[i]), 1 + int(clearly[i]))
        for i, s in enumerate(sel)
    )
    groups: list[list[int]] = []
    for i in range(n):
        if groups and not all(p_ahead[g, i] >= level - 1e-12 for g in groups[-1]):
            groups[-1].append(i)
        else:
            groups.append([i])
    orderings = tuple(
        PairStability(sel[i], sel[i + 1], float(p_ahead[i, i + 1]), float(p_tie[i, i + 1]),
                      float(p_ahead[i + 1, i]))
        for i in range(n - 1)
    )
    return StabilityReport(
        sel, p_ahead, p_tie, ranges, tuple(tuple(sel[i] for i in g) for g in groups),
        orderings, weights, samples, concentration, seed, level, interval,
    )
