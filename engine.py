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

import contextlib
import dataclasses
import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from matchgraph.errors import IndexFormatError

if TYPE_CHECKING:
    from matchgraph.stage_clock import StageClock
    from matchgraph.graph.base import GraphStore, StoreStats
    from matchgraph.graph.derived import KeyedTable
    from matchgraph.queries.views.artifact import ArtifactView
    from matchgraph.queries.views.concepts import ConceptCount
    from matchgraph.queries.feedback.posteriors import FeedbackEvent
    from matchgraph.queries.match.cache import MatchBundle
    from matchgraph.queries.views.names import NameIndex
    from matchgraph.queries.need.constraints import NeedConstraints
    from matchgraph.queries.need.match import NeedAnswer, NeedIndex
    from matchgraph.queries.need.vectors import Embedder
    from matchgraph.queries.match.pair_score import PairScore
    from matchgraph.queries.ranks.table import RankTable
    from matchgraph.queries.ranks.weights import RankWeights
    from matchgraph.queries.ranks.composite import RankAgreement, RankRow, StabilityReport
    from matchgraph.queries.views.slices import ArtifactSlice
    from matchgraph.queries.snapshot import ArtifactRecord, ClaimRecord, GraphSnapshot, ObservationRecord
    from matchgraph.queries.match.verdict import Verdict

__all__ = ["Engine", "MatchAnswer", "RankAnswer", "index_dir_for"]

T = TypeVar("T")


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


def index_dir_for(store_path: Path | None) -> Path | None:
    """Where an on-disk store's derived state lives: ``<store>.index`` beside it."""
    if store_path is None:
        return None
    return store_path.with_name(store_path.name + ".index")


class Engine:
    """Every question matchgraph answers, over one store and its derived state.

    Thread-safe for readers: derived state is built under a lock, once per version.
    """

    def __init__(self, store: GraphStore, *, index_dir: Path | None = None,
                 bundle_dir: Path | None = None) -> None:
        self.store = store
        self.index_dir = index_dir
        self._bundle_dir = bundle_dir
        self._memo: dict[tuple[str, str], Any] = {}
        self._lock = threading.RLock()
        self._closed = False
        self._deriving = False
        self._clock: StageClock | None = None

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

    # -- versions and derived state --------------------------------------------------

    def version(self) -> str:
        """The store's version token ("" for a store that keeps none: nothing persisted)."""
        read = getattr(self.store, "version", None)
        return read() if callable(read) else ""

    def refresh(self) -> str:
        """Forget derived state of versions other than the store's current one."""
        current = self.version()
        with self._lock:
            for key in [k for k in self._memo if k[0] != current]:
                del self._memo[key]
        return current

    def _memoised(self, name: str, make: Callable[[str], T]) -> T:
        """``make(version)``'s value, kept in this process for the current version (values
        of older versions are dropped when a newer one is kept)."""
        version = self.version()
        key = (version, name)
        with self._lock:
            if key in self._memo:
                return self._memo[key]  # type: ignore[no-any-return]
            value = make(version)
            if version:
                self._memo = {k: v for k, v in self._memo.items() if k[0] == version}
                self._memo[key] = value
            return value

    def _derived(self, name: str, build: Callable[[], T]) -> T:
        from matchgraph.graph.derived import DerivedFiles

        return self._memoised(name, lambda version: DerivedFiles(self.index_dir, version).pickled(name, build))

    def warm(self, clock: StageClock | None = None) -> str:
        """Build (or read) every piece of derived state for the current version, so the
        next question is answered warm; what ``load`` runs at its end. ``clock`` is told
        each stage as it starts and charged its time. Returns the version."""
        self._clock = clock
        try:
            # Time left over at the end of the block is the wait for the worker beside it.
            with self._stage("stats and names, beside"), self._beside():
                with self._stage("need index"):
                    self.need_index()
                with self._stage("match index"):
                    self.bundle()
                with self._stage("slices and ranks"):
                    self._cheap_parts()
            with self._stage("stats and names"):
                self.stats()
                self.resolve_table()
        finally:
            self._clock = None
        return self.version()

    def _stage(self, name: str) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext() if self._clock is None else self._clock.stage(name)

    def _beside(self) -> contextlib.AbstractContextManager[bool]:
        """Build the parts that only read the store (stats, names) in a worker process
        meanwhile, when the store is large (:mod:`matchgraph.engine_beside`)."""
        from matchgraph.graph.embedded import OxigraphStore

        if self.index_dir is None or not isinstance(self.store, OxigraphStore) or not self.version():
            return contextlib.nullcontext(False)
        from matchgraph.engine_beside import derived_beside

        return derived_beside(self.store, self.index_dir, self.version())

    @property
    def answers_file(self) -> Path | None:
        """Where each document's per-document snapshot answers are kept, across versions
        (:class:`~matchgraph.graph.document_answers.DocumentAnswers`); None: nowhere."""
        return None if self.index_dir is None else self.index_dir / "document-answers.sqlite"

    def snapshot(self) -> GraphSnapshot:
        """Everything the match engine needs, as typed records.

        Kept in this process only: on disk each document's rows are kept instead
        (``document-answers.sqlite``, across versions), and every question a later process
        asks reads a derived file made from it, never the whole snapshot. A second copy of
        it would have been a tenth of the index at 100,000 artifacts, read by nothing on
        the paths users wait for.

        A process that builds it also writes the parts that are cheap to derive from it
        (slices, rank table, artifacts, concepts), so that after a write the first question
        builds the snapshot once and the next commands do not build it again for those
        (about 90 s each from the kept answers at 100,000 artifacts)."""
        cache = self.answers_file
        built: list[str] = []

        def make(version: str) -> GraphSnapshot:
            built.append(version)
            with self._stage("snapshot"):
                return self.store.snapshot(cache=cache)

        snapshot = self._memoised("snapshot", make)
        if built and built[0] and self.index_dir is not None and not self._deriving:
            self._deriving = True
            try:
                with self._stage("slices and ranks"):
                    self._cheap_parts()
            finally:
                self._deriving = False
        return snapshot

    def _cheap_parts(self) -> None:
        """The derived parts built from the snapshot in seconds (not the need and match
        indexes, which take minutes at 100,000 artifacts and are built when asked)."""
        self._slices()
        self._derived("concepts", lambda: self.snapshot().concepts)
        self.artifacts()
        self.concept_counts()
        self._rank_table()

    def artifacts(self) -> tuple[ArtifactRecord, ...]:
        """Every artifact's record (slug, name, type, flags), in the snapshot's order."""
        return self._derived("artifacts", lambda: self.snapshot().artifacts)

    def concept_counts(self) -> list[ConceptCount]:
        """The capability taxonomy in tree order, with how many artifacts offer each concept."""
        from matchgraph.queries.views.concepts import concept_counts

        return self._derived("concept-counts", lambda: concept_counts(self.snapshot()))

    def bundle(self) -> MatchBundle:
        """The match index with its all-pairs lists (persisted per version)."""
        return self._derived_bundle()

    def _derived_bundle(self) -> MatchBundle:
        from matchgraph.graph.derived import DerivedFiles
        from matchgraph.queries.match.cache import load_or_build, load_stored

        def make(version: str) -> MatchBundle:
            files = DerivedFiles(self.index_dir, version)
            cache = self._bundle_dir or files.directory_for("match")
            bundle = load_stored(cache, version) if cache is not None and version else None
            earlier = None if self._bundle_dir else files.previous("match")  # lends unchanged claims
            return bundle or load_or_build(self.snapshot(), cache, version=version or None, earlier=earlier)

        return self._memoised("bundle", make)

    def need_index(self, *, embeddings: bool = True) -> NeedIndex:
        """The need index (hybrid when the embeddings extra is installed and ``embeddings``),
        with the current feedback events applied."""
        from matchgraph.queries.feedback.facts import feedback_events
        from matchgraph.loaders.embeddings import default_embedder

        base = self._need_base(default_embedder() if embeddings else None)
        events = feedback_events(self.store)
        return base.with_events(events) if events else base

    def _need_base(self, embedder: Embedder | None) -> NeedIndex:
        """The need index of this version without feedback: opened from its folder
        (:mod:`matchgraph.queries.need.store`; a lexical question may use the hybrid
        folder without its vectors), else built once and written there. Embeddings come
        from the cache in ``<store>.index/embeddings/``, so a rebuild encodes only new texts."""
        from matchgraph.graph.derived import DerivedFiles
        from matchgraph.queries.need.store import open_need_index
        from matchgraph.queries.need.vectors import model_tag

        name = "need-lexical" if embedder is None else "need-hybrid"

        def make(version: str) -> NeedIndex:
            files = DerivedFiles(self.index_dir, version)
            index = None
            model = None if embedder is None else model_tag(embedder)
            for folder in [files.path(name)] + ([files.path("need-hybrid")] if embedder is None else []):
                if folder is not None and folder.is_dir():
                    with contextlib.suppress(IndexFormatError):
                        index = open_need_index(folder, dense=embedder is not None)
                    if index is not None and index.embedder_model == model:
                        break
                    index = None  # stale, unreadable, or vectors of another model: rebuilt
            if index is None:
                index = self._build_need_index(embedder, files.directory_for(name), files.previous(name))
            if embedder is not None and index.embedder_model == model:
                index.embedder = embedder
            return index

        return self._memoised(name, make)

    def _build_need_index(self, embedder: Embedder | None, folder: Path | None,
                          previous: Path | None = None) -> NeedIndex:
        """Build the need index and write it to ``folder``; ``previous`` (the folder an
        earlier store version left) lends what it holds unchanged: capability directions
        and encoded records, so after a small load only the new rows are derived."""
        from matchgraph.queries.need.match import NeedIndex
        from matchgraph.queries.need.store import open_need_index, write_need_index
        from matchgraph.queries.need.vectors import EmbeddingCache, model_tag

        cache = None
        if embedder is not None and self.index_dir is not None:
            cache = EmbeddingCache(self.index_dir / "embeddings" / model_tag(embedder))
        earlier = None
        if previous is not None:
            with contextlib.suppress(IndexFormatError):
                earlier = open_need_index(previous, dense=False)
        built = NeedIndex.build(self.snapshot(), embedder, cache=cache, previous=earlier)
        if earlier is not None:
            earlier.records.close()
        if folder is None:
            return built
        try:
            # Read back what was written, so this process answers as every later one will.
            written = write_need_index(built, folder, previous=None if earlier is None else previous)
            return open_need_index(written, dense=embedder is not None)
        except (OSError, IndexFormatError):
            return built  # a read-only store: the index lives in memory only

    # -- questions ---------------------------------------------------------------------

    def resolve(self, name: str) -> str:
        """The slug a user means by ``name`` (exact slug or name, else one partial match).

        Raises:
            NotFoundError: nothing matches.
            AmbiguousNameError: several artifacts match and none exactly.
        """
        return self.resolve_table().resolve(name)

    def resolve_table(self) -> NameIndex:
        """Every artifact's slug and names, with the merges (built once per version)."""
        from matchgraph.queries.views.names import NameIndex

        return self._derived("names", lambda: NameIndex.build(self.store))

    def stats(self) -> StoreStats:
        """Counts of documents, artifacts, capabilities... (computed once per version)."""
        return self._derived("stats", self.store.stats)

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
        return similar(bundle.index, name, top, neighbours=bundle.neighbours, hierarchy=bundle.hierarchy)

    def pair(self, first: str, second: str) -> PairScore:
        """The pair score of two artifacts, term by term."""
        from matchgraph.queries.match.pair_score import pair_score_rows
        from matchgraph.queries.match.similar import index_row

        index = self.bundle().index
        return pair_score_rows(index, index_row(index, first), index_row(index, second))

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

    def _slices(self) -> KeyedTable[ArtifactSlice]:
        """The per-artifact table of this version (built once, then read by key)."""
        from matchgraph.graph.derived import DerivedFiles
        from matchgraph.queries.views.slices import artifact_slices

        return self._memoised("slices", lambda version: DerivedFiles(self.index_dir, version).table(
            "slices", lambda: artifact_slices(self.snapshot())))

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
            found = self._slice(about).received
        else:
            found = [c for s in self._slices().values() for c in s.claims]
        return [c for c in found
                if (subject is None or c.subject == subject) and (about is None or about in c.others)
                and (relation is None or c.relation == relation) and (polarity is None or c.polarity == polarity)]

    def _rank_table(self) -> RankTable:
        """The part of the snapshot ranks read, as arrays over every artifact (a few
        percent of the snapshot, so a rank with new weights or a new seed starts in
        milliseconds and builds objects only for the rows shown)."""
        from matchgraph.queries.ranks.table import RankTable

        return self._derived("rank-table", lambda: RankTable.from_snapshot(self.snapshot()))

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
