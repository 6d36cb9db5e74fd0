"""The match engine as one object: opened on a store, it answers every question.

The CLI, the HTTP API and the MCP server all call an :class:`Engine`; none of them wires
snapshots, indexes, feedback or match records itself. The engine owns the derived state
(the match snapshot, the need index, the all-pairs lists of the match index) and keeps it
beside the store, keyed by the store's version token (:mod:`matchgraph.graph.derived`):
the first question after a write builds it once, every later process reads it. Feedback
does not invalidate it: match records and outcomes advance a separate token, and the need
index takes the current events on top of its persisted arrays.

A long-lived engine (a server) calls :meth:`Engine.refresh` — or simply asks again — and
switches to a newer store version when another process has written one; until the new
state is built, answers come from the old one, never from a half-built index.

>>> engine = Engine.open(None)  # an in-memory store
>>> engine.stats().documents
0
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from matchgraph.engine_state import DerivedState
from matchgraph.graph.derived import index_dir_for

if TYPE_CHECKING:
    from matchgraph.graph.base import GraphStore
    from matchgraph.queries.views.artifact import ArtifactView
    from matchgraph.queries.feedback.posteriors import FeedbackEvent
    from matchgraph.queries.need.constraints import NeedConstraints
    from matchgraph.queries.need.match import NeedAnswer
    from matchgraph.queries.match.pair_score import PairScore
    from matchgraph.queries.ranks.weights import RankWeights
    from matchgraph.queries.ranks.composite import RankAgreement, RankRow, StabilityReport
    from matchgraph.queries.views.slices import ArtifactSlice
    from matchgraph.queries.snapshot import ArtifactRecord, ClaimRecord, GraphSnapshot, ObservationRecord
    from matchgraph.queries.match.verdict import Verdict

__all__ = ["Engine", "MatchAnswer", "RankAnswer", "index_dir_for"]


@dataclasses.dataclass(frozen=True)
class MatchAnswer:
    """A need's answer with the id under which it was recorded (for ``feedback``)."""

    match_id: str | None
    answer: NeedAnswer


@dataclasses.dataclass(frozen=True)
class RankAnswer:
    """Recomputed ranks, their agreement with the observed ones, and their stability."""

    weights: RankWeights
    rows: tuple[RankRow, ...]
    """The ``limit`` best rows, best first."""
    agreement: RankAgreement
    """Over every artifact with both a composite and an observed rank."""
    stability: StabilityReport
    scored: int = 0
    """How many artifacts have a composite (``rows`` shows the first ``limit``)."""


class Engine(DerivedState):
    """Every question matchgraph answers, over one store and its derived state
    (:class:`~matchgraph.engine_state.DerivedState`: built once per version, under a lock).
    """

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None, *, backend: str = "oxigraph", validator: str = "compiled",
             index_dir: Path | None = None) -> Engine:
        """Open the store at ``path`` (a ``str`` or a path, ``~`` expanded; None: an
        in-memory embedded store) with its engine."""
        from matchgraph.graph.registry import open_store

        path = None if path is None else Path(path).expanduser()

        options: dict[str, object] = {"validator": validator} if backend == "oxigraph" else {}
        if backend == "oxigraph" and path is None:
            from matchgraph.graph.embedded import OxigraphStore

            # Not open_store's default path: "no path" must never touch the user's own store.
            store: GraphStore = OxigraphStore(None, validator=validator)
        else:
            store = open_store(backend, path=path, **options)
        if index_dir is None and backend == "oxigraph":
            index_dir = index_dir_for(getattr(store, "path", None))
        return cls(store, index_dir=index_dir)

    def close(self) -> None:
        """Close the store (once; later calls do nothing)."""
        if not self._closed:
            self._closed = True
            self.store.close()

    # -- questions ---------------------------------------------------------------------

    def resolve(self, name: str) -> str:
        """The slug a user means by ``name`` (exact slug or name, else one partial match).

        Raises:
            NotFoundError: nothing matches.
            AmbiguousNameError: several artifacts match and none exactly.
        """
        return self.resolve_table().resolve(name)

    def show(self, name: str) -> ArtifactView:
        """One artifact with its observations (by source), capabilities and claims."""
        from matchgraph.queries.views.artifact import artifact_view

        return artifact_view(self.store, self.resolve(name))

    def match(self, text: str, *, top: int = 10, constraints: NeedConstraints | None = None,
              embeddings: bool = True, record: bool = True) -> MatchAnswer:
        """Rank artifacts for a need; recorded (for ``feedback``) unless ``record`` is False."""
        from matchgraph.queries.feedback.facts import FEEDBACK_GRAPH, match_record_triples, new_match_id

        answer = self.need_index(embeddings=embeddings).search(text, top=top, constraints=constraints)
        if not record:
            return MatchAnswer(None, answer)
        when = datetime.now(UTC)
        match_id = new_match_id(text, when)
        self.store.add_facts(FEEDBACK_GRAPH, match_record_triples(match_id, text, list(answer.results), when))
        return MatchAnswer(match_id, answer)

    def feedback(self, match_id: str, outcome: str, *, artifact: str | None = None,
                 source: str = "api", comment: str | None = None) -> FeedbackEvent:
        """Record whether a match worked; later matches use the Beta posterior."""
        from matchgraph.queries.feedback.facts import record_feedback

        return record_feedback(self.store, match_id, outcome, slug=artifact, source=source, comment=comment)

    def similar(self, name: str, top: int = 10) -> list[PairScore]:
        """The artifacts nearest to ``name`` by pair score, best first."""
        from matchgraph.queries.match.similar import similar

        bundle = self.bundle()
        return similar(bundle.index, self._indexed(name), top, neighbours=bundle.neighbours, hierarchy=bundle.hierarchy)

    def pair(self, first: str, second: str) -> PairScore:
        """The pair score of two artifacts, term by term."""
        from matchgraph.queries.match.pair_score import pair_score_rows
        from matchgraph.queries.match.similar import index_row

        index = self.bundle().index
        return pair_score_rows(index, index_row(index, self._indexed(first)), index_row(index, self._indexed(second)))

    def _indexed(self, name: str) -> str:
        """``name`` as the match index knows it: a slug it holds as is (no name table to
        read), anything else through :meth:`resolve` (merges and curated aliases included)."""
        return name if name in self.bundle().index.row_of else self.resolve(name)

    def compare(self, first: str, second: str, *, need: str | None = None) -> Verdict:
        """A verdict for two artifacts written from the graph (and, with ``need``, which fits)."""
        from matchgraph.queries.match.verdict import compare

        a, b = self.resolve(first), self.resolve(second)
        verdict = compare(self._pair_snapshot(a, b), self.bundle().index, a, b)
        if need:
            from matchgraph.queries.need.fit import need_fit

            verdict = dataclasses.replace(verdict, need=need_fit(self.need_index(), need, a, b))
        return verdict

    def _slice(self, slug: str) -> ArtifactSlice:
        """One artifact's share of the snapshot, from the per-artifact table (one lookup)."""
        from matchgraph.queries.views.slices import ArtifactSlice
        from matchgraph.queries.snapshot import ArtifactRecord

        return self._slices().get(slug) or ArtifactSlice(ArtifactRecord(slug, slug))

    def _pair_snapshot(self, a: str, b: str) -> GraphSnapshot:
        """The part of the snapshot a question about ``a`` and ``b`` reads, from two slices
        rather than the whole snapshot."""
        from matchgraph.queries.views.slices import pair_snapshot

        concepts = self._derived("concepts", lambda: self.snapshot().concepts)
        return pair_snapshot([self._slice(a), self._slice(b)], concepts)

    def claims(self, *, artifact: str | None = None, relation: str | None = None,
               polarity: str | None = None, other: str | None = None) -> list[ClaimRecord]:
        """Typed claims, made by ``artifact`` or about ``other`` (names or slugs), with a
        relation or polarity; per-artifact lookups when an artifact is named, else every
        claim read from the per-artifact table, grouped by claimant."""
        subject = self.resolve(artifact) if artifact else None
        about = self.resolve(other) if other else None
        if subject is not None:
            found: Sequence[ClaimRecord] = self._slice(subject).claims
        elif about is not None:
            found = self._claims_about().get(about) or ()
        else:
            found = [c for s in self._slices().values() for c in s.claims]
        return [c for c in found
                if (subject is None or c.subject == subject) and (about is None or about in c.others)
                and (relation is None or c.relation == relation) and (polarity is None or c.polarity == polarity)]

    def _rank_records(self, slug: str) -> tuple[ArtifactRecord, Sequence[ObservationRecord]]:
        found = self._slice(slug)
        return found.artifact, found.observations

    def rank(self, weights: RankWeights | None = None, *, samples: int = 2000,
             concentration: float = 50.0, limit: int = 50, seed: int = 0) -> RankAnswer:
        """The ``limit`` best composite ranks from the signals, their fit to the observed
        ranks (over every artifact), and the stability of their ordering."""
        from matchgraph.queries.ranks.table import agreement_of, top_rows
        from matchgraph.queries.ranks.weights import DEFAULT_WEIGHTS
        from matchgraph.queries.ranks.composite import stability_of

        chosen = weights or DEFAULT_WEIGHTS

        def build() -> RankAnswer:
            table = self._rank_table()
            rows, top, scored = top_rows(table, chosen, limit, self._rank_records)
            report = stability_of(rows, table.matrix[top], chosen, samples, concentration, seed)
            return RankAnswer(chosen, tuple(rows), agreement_of(table, chosen), report, scored)

        # Ranks depend only on the store version and these parameters: kept like an index.
        # Another seed or weighting reads the small rank inputs, not the whole snapshot.
        key = hashlib.sha256(repr((dataclasses.astuple(chosen), samples, concentration, limit, seed)).encode())
        return self._derived(f"rank-{key.hexdigest()[:16]}", build)
