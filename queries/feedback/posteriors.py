"""Feedback on matches: Beta posteriors of match success, per capability and per intent.

``matchgraph feedback MATCH_ID success|failure`` records one :class:`FeedbackEvent`. The
events are stored as facts with their time and source (elsewhere), so every posterior here
is a pure function of the event list: replaying the same events gives the same numbers.

Why Beta: a match either helped or did not, so success is Bernoulli and the conjugate
Beta(alpha, beta) turns counts into a mean and a credible interval without any fitting.
Why a *mild* multiplier: a handful of clicks must not overturn text relevance, so
:func:`match_multiplier` stays within ``1 +/- strength`` and shrinks toward 1 while little
evidence is in.

>>> p = BetaPosterior(1.0, 1.0).update(Outcome.SUCCESS).update(Outcome.SUCCESS)
>>> round(p.mean, 3), p.times_matched
(0.75, 2.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum

import numpy as np

from matchgraph.errors import ConfigError
from matchgraph.queries.snapshot import CapabilityRecord

__all__ = [
    "BetaPosterior",
    "FeedbackEvent",
    "Outcome",
    "intent_key",
    "latest_events",
    "match_multiplier",
    "match_multipliers",
    "posteriors_from_events",
    "seed_arrays",
    "seed_posterior",
]

DEFAULT_STRENGTH = 0.2
"""Largest relative change feedback may make to a match score (+/- 20 %)."""
DEFAULT_HALF_EVIDENCE = 10.0
"""Pseudo-observations at which the multiplier reaches half of its full effect."""


class Outcome(StrEnum):
    """What the person reported about a match."""

    SUCCESS = "success"
    FAILURE = "failure"


def intent_key(text: str) -> str:
    """Key of an intent's posterior: ``intent:`` plus its words, lower-cased and spaced once.

    >>> intent_key("  I need to  OCR invoices ")
    'intent:i need to ocr invoices'
    """
    return "intent:" + " ".join(text.lower().split())


@dataclass(frozen=True)
class FeedbackEvent:
    """The outcome of one match, as recorded (a fact with time and source).

    Raises:
        ConfigError: an empty match id or source, an unknown outcome, or an event that
            names neither a capability nor an intent.
    """

    match_id: str
    outcome: Outcome
    time: datetime
    source: str
    capabilities: tuple[str, ...] = ()
    """Capability IRIs the match went through."""
    intents: tuple[str, ...] = ()
    """Intent texts the match went through."""

    def __post_init__(self) -> None:
        if not self.match_id.strip():
            raise ConfigError("a feedback event needs a match id")
        if not self.source.strip():
            raise ConfigError(f"feedback for match {self.match_id!r} needs a source")
        try:
            object.__setattr__(self, "outcome", Outcome(self.outcome))
        except ValueError as e:
            raise ConfigError(
                f"unknown outcome {self.outcome!r}; expected one of: success, failure"
            ) from e
        if not self.capabilities and not self.intents:
            raise ConfigError(f"feedback for match {self.match_id!r} names no capability or intent")
        if self.time.tzinfo is None:  # naive times are read as UTC, so replay order is total
            object.__setattr__(self, "time", self.time.replace(tzinfo=timezone.utc))


@dataclass(frozen=True)
class BetaPosterior:
    """Beta(alpha, beta) belief about the success probability of a match.

    ``successes`` and ``failures`` count the (possibly fractional) outcomes added on top of
    the prior, so ``times_matched`` and ``success_rate`` can be reported as observed.

    Raises:
        ConfigError: alpha or beta not finite and positive, or negative counts.
    """

    alpha: float
    beta: float
    successes: float = 0.0
    failures: float = 0.0

    def __post_init__(self) -> None:
        for name in ("alpha", "beta"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise ConfigError(f"Beta {name} must be finite and > 0, got {v!r}")
        if self.successes < 0 or self.failures < 0:
            raise ConfigError("outcome counts cannot be negative")

    @property
    def mean(self) -> float:
        """Posterior mean success probability, in [0, 1]."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def times_matched(self) -> float:
        """Outcomes observed beyond the prior."""
        return self.successes + self.failures

    @property
    def success_rate(self) -> float | None:
        """Observed share of successes, or None before any outcome."""
        n = self.times_matched
        return self.successes / n if n > 0 else None

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """Equal-tailed credible interval holding ``level`` of the posterior mass.

        Raises:
            ConfigError: ``level`` outside (0, 1).
        """
        if not 0.0 < level < 1.0:
            raise ConfigError(f"credible level must be in (0, 1), got {level!r}")
        # The Beta quantiles directly: scipy.special is a fraction of scipy.stats's import time.
        from scipy.special import betaincinv

        lo, hi = (float(betaincinv(self.alpha, self.beta, q)) for q in ((1 - level) / 2, (1 + level) / 2))
        return float(lo), float(hi)

    def update(self, outcome: Outcome | str, weight: float = 1.0) -> BetaPosterior:
        """The posterior after one more outcome (``weight`` of an observation)."""
        if Outcome(outcome) is Outcome.SUCCESS:
            return BetaPosterior(self.alpha + weight, self.beta, self.successes + weight, self.failures)
        return BetaPosterior(self.alpha, self.beta + weight, self.successes, self.failures + weight)


def seed_posterior(cap: CapabilityRecord, prior: tuple[float, float] = (1.0, 1.0)) -> BetaPosterior:
    """The posterior a capability starts from, given what its source reported.

    The prior keeps its strength (alpha + beta) but is centred on the reported
    ``confidence`` when there is one; ``matches`` outcomes at ``success_rate`` are then
    added. Matches without a success rate carry no outcome and are left out.
    """
    a0, b0 = _check_prior(prior)
    strength = a0 + b0
    if cap.confidence is not None and 0.0 < cap.confidence < 1.0:
        a0, b0 = cap.confidence * strength, (1.0 - cap.confidence) * strength
    post = BetaPosterior(a0, b0)
    if cap.matches and cap.matches > 0 and cap.success_rate is not None:
        rate = min(max(float(cap.success_rate), 0.0), 1.0)
        wins, losses = rate * cap.matches, (1.0 - rate) * cap.matches
        post = BetaPosterior(a0 + wins, b0 + losses, wins, losses)
    return post


def _check_prior(prior: tuple[float, float]) -> tuple[float, float]:
    a, b = float(prior[0]), float(prior[1])
    BetaPosterior(a, b)  # validates
    return a, b


def latest_events(events: Iterable[FeedbackEvent]) -> list[FeedbackEvent]:
    """One event per match id: the latest (by time, then source, then content) wins.

    Recording the same match twice is a correction, not a second outcome; this is what
    makes replaying the stored events idempotent.
    """
    latest: dict[str, FeedbackEvent] = {}
    for e in events:
        old = latest.get(e.match_id)
        if old is None or _order(e) > _order(old):
            latest[e.match_id] = e
    return sorted(latest.values(), key=lambda e: (_order(e), e.match_id))


def _order(e: FeedbackEvent) -> tuple[datetime, str, str, tuple[str, ...], tuple[str, ...]]:
    """A total order on events, so which one wins never depends on input order."""
    return (e.time, e.source, e.outcome.value, e.capabilities, e.intents)


def posteriors_from_events(
    events: Iterable[FeedbackEvent],
    prior: tuple[float, float] = (1.0, 1.0),
    seeded: Iterable[CapabilityRecord] = (),
) -> dict[str, BetaPosterior]:
    """Posteriors keyed by capability IRI and by :func:`intent_key`.

    ``seeded`` capabilities start from :func:`seed_posterior`; everything else an event
    mentions starts from ``prior``. Events are deduplicated by :func:`latest_events`.

    Raises:
        ConfigError: a prior that is not two positive finite numbers.
    """
    base = _check_prior(prior)
    out: dict[str, BetaPosterior] = {c.iri: seed_posterior(c, base) for c in seeded}
    for e in latest_events(events):
        keys = list(dict.fromkeys(e.capabilities)) + list(dict.fromkeys(intent_key(i) for i in e.intents))
        for key in keys:
            out[key] = out.get(key, BetaPosterior(*base)).update(e.outcome)
    return out


def match_multipliers(
    alpha: np.ndarray | float,
    beta: np.ndarray | float,
    strength: float = DEFAULT_STRENGTH,
    half_evidence: float = DEFAULT_HALF_EVIDENCE,
) -> np.ndarray:
    """Vectorised :func:`match_multiplier` over arrays of alpha and beta."""
    a = np.asarray(alpha, dtype=np.float64)
    b = np.asarray(beta, dtype=np.float64)
    n = a + b
    certainty = n / (n + half_evidence)
    return 1.0 + strength * (2.0 * a / n - 1.0) * certainty


def match_multiplier(
    posterior: BetaPosterior,
    strength: float = DEFAULT_STRENGTH,
    half_evidence: float = DEFAULT_HALF_EVIDENCE,
) -> float:
    """Factor applied to a match score: ``1 + strength * (2*mean - 1) * n / (n + k)``.

    ``n = alpha + beta`` is the evidence (prior included) and ``k = half_evidence``; the
    factor is 1 at mean 0.5, within ``[1 - strength, 1 + strength]`` always, and grows
    with the mean and with the evidence behind it.

    >>> match_multiplier(BetaPosterior(1.0, 1.0))
    1.0
    """
    return float(match_multipliers(posterior.alpha, posterior.beta, strength, half_evidence))


def seed_arrays(
    capabilities: Sequence[CapabilityRecord], prior: tuple[float, float] = (1.0, 1.0)
) -> tuple[np.ndarray, np.ndarray]:
    """Alpha and beta of :func:`seed_posterior` for every capability, as arrays (fast)."""
    a0, b0 = _check_prior(prior)
    n = len(capabilities)
    conf = np.fromiter(
        (c.confidence if c.confidence is not None else np.nan for c in capabilities), np.float64, n
    )
    matches = np.fromiter((c.matches or 0 for c in capabilities), np.float64, n)
    rate = np.fromiter(
        (c.success_rate if c.success_rate is not None else np.nan for c in capabilities), np.float64, n
    )
    strength = a0 + b0
    use = np.isfinite(conf) & (conf > 0) & (conf < 1)
    alpha = np.where(use, conf * strength, a0)
    beta = np.where(use, (1 - np.where(use, conf, 0)) * strength, b0)
    has = (matches > 0) & np.isfinite(rate)
    r = np.clip(np.where(has, rate, 0.0), 0.0, 1.0)
    alpha = alpha + np.where(has, r * matches, 0.0)
    beta = beta + np.where(has, (1 - r) * matches, 0.0)
    return alpha, beta
