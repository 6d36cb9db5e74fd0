"""Match runs and their outcomes as facts, so the graph can be replayed.

Every ``matchgraph match`` is recorded (id, need text, time, the capabilities and intents
on each result's path) and every ``matchgraph feedback`` is an event with outcome, time and
source, in the named graph ``mgid:graph/feedback``. Events are only ever added; the Beta
posteriors are recomputed from them (latest event per match wins).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Protocol

from pyoxigraph import Literal, NamedNode, Triple

from matchgraph.errors import NotFoundError, UsageError
from matchgraph.ontology.vocab import FEEDBACK_GRAPH, ID, MG, PROV, RDF, SCHEMA, XSD, artifact_iri
from matchgraph.queries.library import sparql as q
from matchgraph.queries.feedback.posteriors import FeedbackEvent, Outcome
from matchgraph.queries.need.explain import NeedResult

__all__ = ["FEEDBACK_GRAPH", "feedback_events", "match_record_triples", "new_match_id", "record_feedback"]

_A = NamedNode(RDF + "type")


class FactStore(Protocol):
    def select(self, query: q.SparqlQuery, **params: object) -> list[dict[str, object]]: ...
    def add_facts(self, graph: str, triples: list[Triple]) -> None: ...


def _p(local: str) -> NamedNode:
    return NamedNode(MG + local)


def _time(when: datetime) -> Literal:
    return Literal(when.isoformat(), datatype=NamedNode(XSD + "dateTime"))


def new_match_id(text: str, when: datetime) -> str:
    return "m-" + hashlib.sha256(f"{when.isoformat()}\x1f{text}".encode()).hexdigest()[:12]


def match_record_triples(match_id: str, text: str, results: list[NeedResult], when: datetime) -> list[Triple]:
    node = NamedNode(f"{ID}match/{match_id}")
    out = [
        Triple(node, _A, _p("MatchRecord")),
        Triple(node, _p("matchId"), Literal(match_id)),
        Triple(node, _p("needText"), Literal(text)),
        Triple(node, NamedNode(PROV + "generatedAtTime"), _time(when)),
    ]
    for position, result in enumerate(results, 1):
        item = NamedNode(f"{node.value}/{position}")
        out += [
            Triple(node, _p("result"), item),
            Triple(item, _p("position"), Literal(str(position), datatype=NamedNode(XSD + "integer"))),
            Triple(item, _p("matchedArtifact"), NamedNode(artifact_iri(result.slug))),
            Triple(item, _p("slug"), Literal(result.slug)),
            Triple(item, _p("score"), Literal(repr(float(result.score)), datatype=NamedNode(XSD + "double"))),
        ]
        for step in result.path:
            if step.kind == "capability" and step.ref:
                out.append(Triple(item, _p("viaCapability"), NamedNode(step.ref)))
            elif step.kind == "intent":
                out.append(Triple(item, _p("viaIntent"), Literal(step.label)))
    return out


def record_feedback(store: FactStore, match_id: str, outcome: str, *, slug: str | None, source: str,
                    comment: str | None = None, when: datetime | None = None) -> FeedbackEvent:
    """Add one outcome event for a recorded match (its top result unless ``slug`` is given).

    Raises:
        NotFoundError: no match with this id, or the slug is not among its results.
    """
    rows = store.select(q.MATCH_RESULTS, match=Literal(match_id))
    if not rows:
        raise NotFoundError(f"no recorded match {match_id!r} (ids are printed by `matchgraph match`)")
    chosen = [r for r in rows if slug is None or r["slug"] == slug]
    if not chosen:
        from matchgraph.graph.slug_check import close_matches

        close = close_matches(str(slug), sorted({str(r["slug"]) for r in rows}))
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"{slug!r} is not a result of match {match_id!r}{hint}")
    first = min(int(r["position"]) for r in chosen)  # type: ignore[call-overload]
    hits = [r for r in chosen if r["position"] == first]
    when = when or datetime.now(UTC)
    event = FeedbackEvent(
        match_id=f"{match_id}#{hits[0]['slug']}",
        outcome=Outcome(outcome),
        time=when,
        source=source,
        capabilities=tuple(sorted({str(r["capability"]) for r in hits if r.get("capability")})),
        intents=tuple(sorted({str(r["intent"]) for r in hits if r.get("intent")})),
    )
    node = NamedNode(f"{ID}feedback/{hashlib.sha256(f'{event.match_id}{when.isoformat()}'.encode()).hexdigest()[:16]}")
    triples = [
        Triple(node, _A, _p("FeedbackEvent")),
        Triple(node, _p("matchId"), Literal(event.match_id)),
        Triple(node, _p("outcome"), Literal(event.outcome.value)),
        Triple(node, NamedNode(PROV + "generatedAtTime"), _time(when)),
        Triple(node, _p("source"), Literal(source)),
    ]
    triples += [Triple(node, _p("viaCapability"), NamedNode(c)) for c in event.capabilities]
    triples += [Triple(node, _p("viaIntent"), Literal(i)) for i in event.intents]
    if comment:
        triples.append(Triple(node, NamedNode(SCHEMA + "comment"), Literal(comment)))
    store.add_facts(FEEDBACK_GRAPH, triples)
    return event


def feedback_events(store: FactStore) -> list[FeedbackEvent]:
    """Every recorded feedback event, for replay into the Beta posteriors."""
    grouped: dict[str, dict] = {}
    for r in store.select(q.FEEDBACK_EVENTS):
        e = grouped.setdefault(str(r["event"]), {"match_id": str(r["matchId"]), "outcome": str(r["outcome"]),
                                                 "time": str(r["time"]), "source": str(r["source"]),
                                                 "capabilities": set(), "intents": set()})
        if r.get("capability"):
            e["capabilities"].add(str(r["capability"]))
        if r.get("intent"):
            e["intents"].add(str(r["intent"]))
    return [
        FeedbackEvent(match_id=e["match_id"], outcome=Outcome(e["outcome"]), time=datetime.fromisoformat(e["time"]),
                      source=e["source"], capabilities=tuple(sorted(e["capabilities"])), intents=tuple(sorted(e["intents"])))
        for _, e in sorted(grouped.items())
    ]
