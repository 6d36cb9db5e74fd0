"""Feedback: events, Beta posteriors and the match multiplier."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.errors import ConfigError
from matchgraph.queries.feedback.posteriors import (
    BetaPosterior,
    FeedbackEvent,
    Outcome,
    intent_key,
    latest_events,
    match_multiplier,
    match_multipliers,
    posteriors_from_events,
    seed_arrays,
    seed_posterior,
)
from matchgraph.queries.snapshot import CapabilityRecord

T0 = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)


def event(mid: str, outcome: str, minutes: int = 0, caps: tuple[str, ...] = ("urn:cap:a",),
          intents: tuple[str, ...] = (), source: str = "cli") -> FeedbackEvent:
    return FeedbackEvent(mid, Outcome(outcome), T0 + timedelta(minutes=minutes), source, caps, intents)




@pytest.mark.parametrize(("kwargs", "message"), [
    ({"match_id": " "}, "needs a match id"),
    ({"source": ""}, "needs a source"),
    ({"outcome": "maybe"}, "unknown outcome"),
    ({"capabilities": (), "intents": ()}, "names no capability or intent"),
])
def test_event_validation(kwargs: dict, message: str) -> None:
    base = {"match_id": "m1", "outcome": "success", "time": T0, "source": "cli",
            "capabilities": ("urn:cap:a",)}
    with pytest.raises(ConfigError, match=message):
        FeedbackEvent(**{**base, **kwargs})


def test_outcome_strings_and_naive_times_are_normalised() -> None:
    e = FeedbackEvent("m1", "failure", datetime(2026, 1, 1), "cli", intents=("ocr",))  # type: ignore[arg-type]
    assert e.outcome is Outcome.FAILURE and e.time.tzinfo is timezone.utc


@pytest.mark.parametrize(("alpha", "beta"), [(0, 1), (1, -1), (math.nan, 1), (math.inf, 1)])
def test_posterior_validation(alpha: float, beta: float) -> None:
    with pytest.raises(ConfigError):
        BetaPosterior(alpha, beta)


def test_interval() -> None:
    p = BetaPosterior(3, 7)
    lo, hi = p.interval(0.9)
    assert 0 <= lo < p.mean < hi <= 1
    wide = p.interval(0.99)
    assert wide[0] < lo and wide[1] > hi
    with pytest.raises(ConfigError):
        p.interval(1.0)


outcomes = st.lists(st.sampled_from(list(Outcome)), max_size=40)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.1, 20), st.floats(0.1, 20), outcomes)
def test_posterior_mean_moves_toward_outcomes(a: float, b: float, seq: list[Outcome]) -> None:
    p = BetaPosterior(a, b)
    for o in seq:
        q = p.update(o)
        assert 0.0 <= q.mean <= 1.0
        assert (q.mean > p.mean) if o is Outcome.SUCCESS else (q.mean < p.mean)
        p = q
    assert p.times_matched == len(seq)
    wins = sum(o is Outcome.SUCCESS for o in seq)
    assert p.success_rate == (wins / len(seq) if seq else None)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.1, 50), st.floats(0.1, 50), st.floats(0.0, 0.5))
def test_multiplier_bounds_and_monotonicity(a: float, b: float, strength: float) -> None:
    p = BetaPosterior(a, b)
    m = match_multiplier(p, strength)
    assert 1 - strength - 1e-12 <= m <= 1 + strength + 1e-12
    assert match_multiplier(p.update(Outcome.SUCCESS), strength) >= m - 1e-12
    assert match_multiplier(p.update(Outcome.FAILURE), strength) <= m + 1e-12


def test_uniform_prior_is_neutral() -> None:
    assert match_multiplier(BetaPosterior(1, 1)) == 1.0
    assert match_multiplier(BetaPosterior(50, 1)) > 1.1


def test_seed_from_capability_report() -> None:
    c = CapabilityRecord("urn:cap:a", "a", "d", confidence=0.8, matches=10, success_rate=0.7)
    p = seed_posterior(c)
    assert math.isclose(p.alpha, 1.6 + 7) and math.isclose(p.beta, 0.4 + 3)
    assert math.isclose(p.times_matched, 10) and math.isclose(p.success_rate or 0, 0.7)
    bare = seed_posterior(CapabilityRecord("urn:cap:b", "b", "d", matches=5))
    assert (bare.alpha, bare.beta, bare.times_matched) == (1.0, 1.0, 0.0)


caps = st.builds(
    CapabilityRecord, iri=st.just("urn:cap:x"), artifact=st.just("x"), description=st.just("d"),
    confidence=st.none() | st.floats(0, 1), matches=st.none() | st.integers(0, 100),
    success_rate=st.none() | st.floats(0, 1),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(caps, min_size=1, max_size=10))
def test_seed_arrays_match_seed_posterior(records: list[CapabilityRecord]) -> None:
    alpha, beta = seed_arrays(records)
    for k, c in enumerate(records):
        p = seed_posterior(c)
        assert math.isclose(alpha[k], p.alpha) and math.isclose(beta[k], p.beta)
    m = match_multipliers(alpha, beta)
    assert np.all((m >= 0.8 - 1e-12) & (m <= 1.2 + 1e-12))


def test_latest_event_per_match_wins() -> None:
    events = [event("m1", "success", 0), event("m1", "failure", 5), event("m2", "success", 1)]
    kept = latest_events(events)
    assert [(e.match_id, e.outcome) for e in kept] == [("m2", Outcome.SUCCESS), ("m1", Outcome.FAILURE)]


def test_posteriors_from_events_per_capability_and_intent() -> None:
    events = [
        event("m1", "success", 0, ("urn:cap:a", "urn:cap:b"), ("Read scanned invoices",)),
        event("m2", "failure", 1, ("urn:cap:a",), ("read  scanned INVOICES",)),
        event("m3", "success", 2, ("urn:cap:a",)),
    ]
    seeded = [CapabilityRecord("urn:cap:a", "a", "d", confidence=0.5, matches=2, success_rate=0.5)]
    post = posteriors_from_events(events, seeded=seeded)
    assert (post["urn:cap:a"].alpha, post["urn:cap:a"].beta) == (1 + 1 + 2, 1 + 1 + 1)
    assert (post["urn:cap:b"].alpha, post["urn:cap:b"].beta) == (2, 1)
    intent = post[intent_key("Read scanned invoices")]
    assert (intent.successes, intent.failures) == (1, 1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["m1", "m2", "m3", "m4"]), st.sampled_from(["success", "failure"]),
                          st.integers(0, 100), st.sampled_from(["urn:cap:a", "urn:cap:b"])), max_size=20),
       st.randoms())
def test_replay_is_order_independent(raw: list, rnd: random.Random) -> None:
    events = [event(m, o, t, (c,), source=f"s{t}") for m, o, t, c in raw]
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert posteriors_from_events(events) == posteriors_from_events(shuffled)
