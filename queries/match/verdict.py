"""A comparison verdict generated from the graph, for any two artifacts.

Not only for pairs a page compared: the verdict reads every source's observations (and
says where sources disagree), which side leads on each signal, the capability concepts the
two share and do not, the claims each makes about the other or about the same third
parties, whether they are alternatives at all (:mod:`substitutability`), and where a page's
own verdict is not supported by its own table. Pure: snapshot and match index in, typed
verdict out; the CLI only renders it.
"""

from __future__ import annotations

import dataclasses

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from matchgraph.queries.match.index import MatchIndex
from matchgraph.queries.match.pair_score import PairScore, pair_score
from matchgraph.queries.snapshot import ClaimRecord, GraphSnapshot, ObservationRecord

__all__ = ["Inconsistency", "SignalComparison", "Verdict", "compare", "verdict_json"]

SIGNALS = ("rank", "adoption", "quality", "ecosystem", "match_graph", "times_matched")
_SIGNAL_WORDS = {"rank": "rank", "adoption": "adoption", "quality": "quality", "ecosystem": "ecosystem",
                 "match_graph": "match graph", "times_matched": "times matched"}


@dataclass(frozen=True)
class SignalComparison:
    """One signal for both sides: every source's value, and who leads where it is clear."""

    signal: str
    a_values: tuple[tuple[str, float], ...]
    """(source, value) pairs for the first artifact."""
    b_values: tuple[tuple[str, float], ...]
    leader: str | None
    basis: str
    """Why ``leader`` (a shared source, or the mean over sources), or why there is none."""
    compared: tuple[float, float] | None = None
    """The two values the leader was decided on (first artifact, second)."""


@dataclass(frozen=True)
class Inconsistency:
    signal: str
    text: str
    source: str | None = None


@dataclass(frozen=True)
class Verdict:
    a: str
    b: str
    names: tuple[str, str]
    pair: PairScore
    winner_by_rank: str | None
    signals: tuple[SignalComparison, ...]
    leads: dict[str, str]
    shared_concepts: tuple[str, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    claims_between: tuple[ClaimRecord, ...]
    shared_third_parties: dict[str, tuple[ClaimRecord, ...]]
    inconsistencies: tuple[Inconsistency, ...]
    disagreements: tuple[Inconsistency, ...]
    text: str
    need: dict[str, object] | None = field(default=None)


def compare(snapshot: GraphSnapshot, index: MatchIndex, a: str, b: str) -> Verdict:
    """The verdict for artifacts ``a`` and ``b`` (canonical slugs)."""
    names = {x.slug: x.name for x in snapshot.artifacts}
    pair = pair_score(index, a, b)
    obs = [o for o in snapshot.observations if o.artifact in (a, b)]
    signals = tuple(_signal(s, a, b, obs) for s in SIGNALS)
    leads = {s.signal: s.leader for s in signals if s.leader is not None and s.signal != "rank"}
    rank = next(s for s in signals if s.signal == "rank")
    shared, only_a, only_b = _concepts(index, a, b)
    between = tuple(c for c in snapshot.claims if (c.subject == a and b in c.others) or (c.subject == b and a in c.others))
    third = _third_parties(snapshot.claims, a, b)
    inconsistencies = tuple(_page_inconsistencies(snapshot, obs, a, b, names))
    disagreements = tuple(_disagreements(obs, names))
    verdict = Verdict(
        a=a, b=b, names=(names.get(a, a), names.get(b, b)), pair=pair,
        winner_by_rank=rank.leader, signals=signals, leads=leads,
        shared_concepts=shared, only_a=only_a, only_b=only_b,
        claims_between=between, shared_third_parties=third,
        inconsistencies=inconsistencies, disagreements=disagreements, text="",
    )
    return _with_text(verdict, rank)


def _values(obs: Sequence[ObservationRecord], slug: str, signal: str) -> tuple[tuple[str, float], ...]:
    return tuple(
        (o.source, float(v)) for o in obs if o.artifact == slug and (v := getattr(o, signal)) is not None
    )


def _signal(signal: str, a: str, b: str, obs: Sequence[ObservationRecord]) -> SignalComparison:
    av, bv = _values(obs, a, signal), _values(obs, b, signal)
    shared = sorted(set(dict(av)) & set(dict(bv)))
    if shared:
        # Values from one page were measured together; prefer them over a cross-page mean.
        x, y = dict(av)[shared[0]], dict(bv)[shared[0]]
        basis = f"reported side by side by {_short(shared[0])}"
    elif av and bv:
        x, y = sum(v for _, v in av) / len(av), sum(v for _, v in bv) / len(bv)
        basis = "mean over the sources that report each; no page reports both"
    else:
        return SignalComparison(signal, av, bv, None, "not reported for both")
    leader = None if x == y else (a if x > y else b)
    return SignalComparison(signal, av, bv, leader, basis, (x, y))


def _short(source: str) -> str:
    return source.rstrip("/").rsplit("/", 1)[-1]


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _concepts(index: MatchIndex, a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    labels = index.concepts.labels
    ca = {labels[i] for i in index.concepts_of(index.row_of[a]).tolist()}
    cb = {labels[i] for i in index.concepts_of(index.row_of[b]).tolist()}
    return tuple(sorted(ca & cb)), tuple(sorted(ca - cb)), tuple(sorted(cb - ca))


def _third_parties(claims: Sequence[ClaimRecord], a: str, b: str) -> dict[str, tuple[ClaimRecord, ...]]:
    about: dict[str, dict[str, list[ClaimRecord]]] = defaultdict(lambda: defaultdict(list))
    for claim in claims:
        if claim.subject in (a, b):
            for other in claim.others:
                if other not in (a, b):
                    about[other][claim.subject].append(claim)
    return {
        other: tuple(by[a] + by[b]) for other, by in sorted(about.items()) if by.get(a) and by.get(b)
    }


def _page_inconsistencies(snapshot: GraphSnapshot, obs, a: str, b: str, names: dict[str, str]):  # type: ignore[no-untyped-def]
    """Where a page's verdict says one side leads but the same page's table does not."""
    for verdict in snapshot.verdicts:
        if {a, b} - set(verdict.compared):
            continue
        table = {(o.artifact, o.source): o for o in obs if o.source == verdict.source}
        for signal, leader in verdict.leads:
            other = b if leader == a else a
            mine, theirs = table.get((leader, verdict.source)), table.get((other, verdict.source))
            if signal not in SIGNALS or mine is None or theirs is None:
                continue
            x, y = getattr(mine, signal), getattr(theirs, signal)
            if x is None or y is None or x > y:
                continue
            relation = "the same" if x == y else "lower"
            yield Inconsistency(
                signal,
                f"the page's verdict says {names.get(leader, leader)} leads on {_SIGNAL_WORDS[signal]}, "
                f"but its own table gives {_fmt(x)} vs {_fmt(y)} ({relation})",
                verdict.source,
            )


def _disagreements(obs: Sequence[ObservationRecord], names: dict[str, str]):  # type: ignore[no-untyped-def]
    """Signals on which two sources report different values for the same artifact."""
    by: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for o in obs:
        for s in SIGNALS:
            v = getattr(o, s)
            if v is not None:
                by[(o.artifact, s)].append((o.source, float(v)))
    for (slug, signal), values in sorted(by.items()):
        if len({v for _, v in values}) > 1:
            listed = "; ".join(f"{_fmt(v)} in {src}" for src, v in values)
            yield Inconsistency(signal, f"sources disagree on {names.get(slug, slug)}'s {_SIGNAL_WORDS[signal]}: {listed}")


def _ordered(v: Verdict, s: SignalComparison) -> str:
    """The leader's value first: "58 vs 53"."""
    assert s.compared is not None
    x, y = s.compared
    return f"{_fmt(x)} vs {_fmt(y)}" if s.leader == v.a else f"{_fmt(y)} vs {_fmt(x)}"


def _with_text(v: Verdict, rank: SignalComparison) -> Verdict:
    na, nb = v.names
    name = {v.a: na, v.b: nb}
    parts = []
    if rank.leader and rank.compared:
        parts.append(f"{name[rank.leader]} ranks higher: {_ordered(v, rank)}/100 ({rank.basis}).")
    elif rank.compared:
        parts.append(f"{na} and {nb} rank the same: {_fmt(rank.compared[0])}/100 ({rank.basis}).")
    for s in v.signals:
        if s.signal != "rank" and s.leader and s.compared:
            parts.append(f"{name[s.leader]} is ahead on {_SIGNAL_WORDS[s.signal]}: {_ordered(v, s)}.")
    tied = [_SIGNAL_WORDS[s.signal] for s in v.signals if s.signal != "rank" and s.compared and not s.leader]
    if tied:
        parts.append(f"Level on {', '.join(tied)}.")
    verdict_word = {
        "alternatives": "They are real alternatives",
        "partial": "They are alternatives only for some needs",
        "not_alternatives": "They are not alternatives",
    }[v.pair.substitutability]
    parts.append(f"{verdict_word}: {v.pair.reason}.")
    if v.shared_concepts:
        parts.append(f"Shared capabilities: {', '.join(v.shared_concepts[:6])}.")
    for item in v.inconsistencies:
        parts.append(f"Inconsistency: {item.text}.")
    return Verdict(**{**v.__dict__, "text": " ".join(parts)})


def verdict_json(v: Verdict) -> dict[str, object]:
    """The verdict as JSON, the same for ``compare --json``, the HTTP API and MCP."""
    return {
        "a": v.a,
        "b": v.b,
        "names": list(v.names),
        "score": v.pair.score,
        "explanation": [dataclasses.asdict(t) for t in v.pair.terms],
        "substitutability": v.pair.substitutability,
        "substitutability_reason": v.pair.reason,
        "winner_by_rank": v.winner_by_rank,
        "leads": v.leads,
        "signals": [dataclasses.asdict(s) for s in v.signals],
        "shared_concepts": list(v.shared_concepts),
        "distinct_concepts": {v.a: list(v.only_a), v.b: list(v.only_b)},
        "claims": [dataclasses.asdict(c) for c in v.claims_between],
        "shared_third_parties": {k: [dataclasses.asdict(c) for c in cs] for k, cs in v.shared_third_parties.items()},
        "inconsistencies": [dataclasses.asdict(i) for i in (*v.inconsistencies, *v.disagreements)],
        "for_need": v.need,
        "text": v.text,
    }
