"""The questions the HTTP API, the MCP server and the web page answer, over the served state.

Each method answers from the :class:`~matchgraph.serve.state.ServedState` the current HTTP
request picked (``state_var``, so a whole answer, its version header and its ETag come from
one store version), else from the newest one, and returns a model from
:mod:`matchgraph.serve.models`. Errors are the engine's :mod:`matchgraph.errors`; the
transports turn them into problem details or tool errors.

Matches asked here are not written to the store one by one (that would need the store's
write lock for every question, locking ``matchgraph load`` out): their records wait in a
bounded in-memory table and are written together with the feedback that names them.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from matchgraph.errors import QueryError
from matchgraph.serve.models import (
    MAX_NEED_CHARS,
    ArtifactAnswer,
    ArtifactList,
    ArtifactSummary,
    ClaimList,
    ClaimOut,
    CompareAnswer,
    Constraints,
    FeedbackAnswer,
    MatchAnswerOut,
    NeedResultOut,
    RankAnswerOut,
    RankRowOut,
    ResolveAnswer,
    SimilarAnswer,
    SimilarItem,
    StatsAnswer,
)

if TYPE_CHECKING:
    from matchgraph.queries.need.explain import NeedResult
    from matchgraph.serve.state import ServedState, ServedStore

__all__ = ["InputTooLarge", "Service"]

PENDING_MATCHES = 10_000
"""Match records kept in memory until feedback names them (oldest dropped first)."""
_NOTATION = re.compile(r"^capability://([a-z0-9][a-z0-9._-]*)$", re.IGNORECASE)


class InputTooLarge(QueryError):
    """A text argument is longer than the server accepts (HTTP 413)."""


@dataclasses.dataclass(frozen=True)
class _Pending:
    text: str
    results: tuple[NeedResult, ...]
    when: datetime


class Service:
    """Answers over a :class:`ServedStore`; one per serving process."""

    def __init__(self, served: ServedStore) -> None:
        self.served = served
        self._pending: OrderedDict[str, _Pending] = OrderedDict()
        self._pending_lock = threading.Lock()

    @property
    def state(self) -> ServedState:
        """The state the current request picked (HTTP), else the newest one."""
        from matchgraph.serve.api_state import state_var

        return state_var.get() or self.served.current

    # -- match -----------------------------------------------------------------------

    def match(self, need: str, top: int = 10, constraints: Constraints | None = None,
              state: ServedState | None = None) -> MatchAnswerOut:
        from matchgraph.queries.feedback.facts import new_match_id
        from matchgraph.queries.need.constraints import NeedConstraints

        _limit(need, "need")
        state = state or self.state
        c = constraints or Constraints()
        options = NeedConstraints(free=c.free, open_weights=c.open_weights, local=c.local, types=tuple(c.types),
                                  languages=tuple(c.languages), input_types=tuple(c.input_types),
                                  output_types=tuple(c.output_types))
        answer = state.engine.match(need, top=top, constraints=options, record=False).answer
        when = datetime.now(UTC)
        match_id = new_match_id(need, when)
        with self._pending_lock:
            self._pending[match_id] = _Pending(need, tuple(answer.results), when)
            while len(self._pending) > PENDING_MATCHES:
                self._pending.popitem(last=False)
        return MatchAnswerOut(store_version=state.version, match_id=match_id, need=need,
                              results=[_result(r) for r in answer.results], filtered=answer.filtered)

    def resolve_capability(self, query: str, top: int = 10) -> ResolveAnswer:
        """A phrase, or a ``capability://`` path read as its words, ranked like a need;
        with the taxonomy concepts whose notation the path starts with."""
        _limit(query, "query")
        state = self.state
        found = _NOTATION.match(query.strip())
        notation = found.group(1).lower() if found else None
        text = re.sub(r"[._-]+", " ", notation) if notation else query
        answer = self.match(text, top=top, state=state)
        concepts = _concepts_for(state, notation) if notation else []
        return ResolveAnswer(store_version=state.version, query=query, notation=notation,
                             concepts=concepts, results=answer.results)

    def feedback(self, match_id: str, outcome: str, artifact: str | None = None,
                 comment: str | None = None, source: str = "api") -> FeedbackAnswer:
        """Write the match's record (when it was asked here) and the outcome, in the primary store."""
        from matchgraph.queries.feedback.facts import FEEDBACK_GRAPH, match_record_triples, record_feedback
        from matchgraph.queries.library import sparql as q

        _limit(comment or "", "comment")
        with self._pending_lock:
            pending = self._pending.get(match_id)
        with self.served.write() as store:
            if pending is not None and not store.select(q.MATCH_RESULTS, match=match_id):
                store.add_facts(FEEDBACK_GRAPH, match_record_triples(match_id, pending.text, list(pending.results), pending.when))
            event = record_feedback(store, match_id, outcome, slug=artifact, source=source, comment=comment)
            version = store.version()
        return FeedbackAnswer(store_version=version, match_id=event.match_id, outcome=event.outcome.value,
                              capabilities=list(event.capabilities), intents=list(event.intents))

    # -- artifacts ---------------------------------------------------------------------

    def show(self, name: str) -> ArtifactAnswer:
        _limit(name, "name")
        state = self.state
        return ArtifactAnswer(store_version=state.version, artifact=state.engine.show(name))

    def artifacts(self, query: str | None = None, type: str | None = None, limit: int = 50) -> ArtifactList:
        _limit(query or "", "query")
        state = self.state
        words = (query or "").lower().split()
        hits = [a for a in state.engine.artifacts()
                if (not type or a.type == type)
                and all(w in a.name.lower() or w in a.slug for w in words)]
        hits.sort(key=lambda a: (a.name.lower() != (query or "").lower(), a.name.lower()))
        return ArtifactList(store_version=state.version, total=len(hits),
                            artifacts=[ArtifactSummary(slug=a.slug, name=a.name, type=a.type) for a in hits[:limit]])

    def compare(self, a: str, b: str, need: str | None = None) -> CompareAnswer:
        from matchgraph.queries.match.verdict import verdict_json

        for value, what in ((a, "a"), (b, "b"), (need or "", "for")):
            _limit(value, what)
        state = self.state
        verdict = state.engine.compare(a, b, need=need)
        return CompareAnswer(store_version=state.version, **verdict_json(verdict))

    def similar(self, name: str, top: int = 10) -> SimilarAnswer:
        _limit(name, "name")
        state = self.state
        slug = state.engine.resolve(name)
        scores = state.engine.similar(slug, top)
        return SimilarAnswer(store_version=state.version, slug=slug, similar=[
            SimilarItem(slug=s.b, score=s.score, substitutability=str(s.substitutability), reason=s.reason) for s in scores])

    def claims(self, artifact: str | None = None, relation: str | None = None, polarity: str | None = None,
               other: str | None = None, limit: int = 200) -> ClaimList:
        for value in (artifact, relation, polarity, other):
            _limit(value or "", "filter")
        state = self.state
        rows = state.engine.claims(artifact=artifact, relation=relation, polarity=polarity, other=other)
        return ClaimList(store_version=state.version,
                         claims=[ClaimOut.model_validate(dataclasses.asdict(c)) for c in rows[:limit]])

    def stats(self) -> StatsAnswer:
        state = self.state
        return StatsAnswer(store_version=state.version, feedback_version=state.feedback_version,
                           **dataclasses.asdict(state.engine.stats()))

    def rank(self, weights: str | None = None, samples: int = 500, limit: int = 50) -> RankAnswerOut:
        from matchgraph.queries.ranks.weights import RankWeights

        _limit(weights or "", "weights")
        state = self.state
        answer = state.engine.rank(RankWeights.parse(weights) if weights else None, samples=samples, limit=limit)
        return RankAnswerOut(
            store_version=state.version,
            weights={k: float(v) for k, v in dataclasses.asdict(answer.weights).items()},
            rows=[RankRowOut.model_validate(dataclasses.asdict(r)) for r in answer.rows[:limit]],
            agreement=dataclasses.asdict(answer.agreement),
            tie_groups=[list(g) for g in answer.stability.tie_groups],
        )


def _result(r: NeedResult) -> NeedResultOut:
    return NeedResultOut.model_validate(dataclasses.asdict(r))


def _limit(value: str, what: str, most: int = MAX_NEED_CHARS) -> None:
    if len(value) > most:
        raise InputTooLarge(f"{what} is {len(value)} characters; at most {most} are accepted")


def _concepts_for(state: ServedState, notation: str) -> list[str]:
    """Labels of taxonomy concepts whose ``skos:notation`` is a prefix of ``notation``
    (segment-wise), longest first."""
    from matchgraph.serve.queries import concept_notations

    rows = concept_notations(state)
    hits = [(n, label) for n, label in rows if notation == n or notation.startswith(n + ".")]
    return [label for _, label in sorted(hits, key=lambda h: -len(h[0]))]
