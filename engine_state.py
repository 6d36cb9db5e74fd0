"""The engine's derived state: built once per store version, kept beside the store.

:class:`DerivedState` owns what every question reads and what ``matchgraph load`` builds at
its end (:meth:`DerivedState.warm`): the snapshot (in this process only), the cheap parts
cut from it (slices, claims about each artifact, rank table, artifacts, concept counts),
the need index, the match index with its all-pairs lists, the counts and the name table.
Each part is keyed by the store's version token (:mod:`matchgraph.graph.derived`), built
under a lock, and lent what an earlier version derived unchanged.
:class:`~matchgraph.engine.Engine` asks the questions.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from matchgraph.errors import IndexFormatError
from matchgraph.gc_pause import paused_gc

if TYPE_CHECKING:
    from matchgraph.graph.base import GraphStore, StoreStats
    from matchgraph.graph.keyed_table import KeyedTable
    from matchgraph.queries.match.cache import MatchBundle
    from matchgraph.queries.need.match import NeedIndex
    from matchgraph.queries.need.vectors import Embedder
    from matchgraph.queries.ranks.table import RankTable
    from matchgraph.queries.snapshot import ArtifactRecord, ClaimRecord, GraphSnapshot
    from matchgraph.queries.views.concepts import ConceptCount
    from matchgraph.queries.views.names import NameIndex
    from matchgraph.queries.views.slices import ArtifactSlice
    from matchgraph.stage_clock import StageClock

__all__ = ["DerivedState"]

T = TypeVar("T")


class DerivedState:
    """The derived state of one store, per version. Thread-safe for readers: each part is
    built under a lock, once per version."""

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
            with paused_gc():  # millions of records, no cycles: see gc_pause
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
            with self._stage("waiting for stats and names"), self._beside():
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
        from matchgraph.graph.derived import ANSWERS_FILE

        return None if self.index_dir is None else self.index_dir / ANSWERS_FILE

    def snapshot(self) -> GraphSnapshot:
        """Everything the match engine needs, as typed records.

        Kept in this process only: on disk each document's rows are kept instead
        (``document-answers.sqlite``, across versions), and every question a later process
        asks reads a derived file made from it, never the whole snapshot. A second copy of
        it would have been a tenth of the index at 100,000 artifacts, read by nothing on
        the paths users wait for.

        A process that builds it also writes the parts that are cheap to derive from it
        (slices, claims about each artifact, rank table, artifacts, concepts), so that
        after a write the first question builds the snapshot once and the next commands do
        not build it again for those (about 90 s each from the kept answers at 100,000
        artifacts)."""
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
        self._claims_about()
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

    def resolve_table(self) -> NameIndex:
        """Every artifact's slug and names, with the merges (built once per version)."""
        from matchgraph.queries.views.names import NameIndex

        return self._derived("names", lambda: NameIndex.build(self.store))

    def stats(self) -> StoreStats:
        """Counts of documents, artifacts, capabilities... (computed once per version)."""
        return self._derived("stats", self.store.stats)

    def _slices(self) -> KeyedTable[ArtifactSlice]:
        """The per-artifact table of this version (built once, then read by key)."""
        from matchgraph.graph.derived import DerivedFiles
        from matchgraph.queries.views.slices import artifact_slices

        return self._memoised("slices", lambda version: DerivedFiles(self.index_dir, version).table(
            "slices", lambda: artifact_slices(self.snapshot())))

    def _claims_about(self) -> KeyedTable[tuple[ClaimRecord, ...]]:
        """Claims made about each artifact, by slug: a table of their own, since a slice
        read for ``compare`` must not carry a hub's tens of thousands."""
        from matchgraph.graph.derived import DerivedFiles
        from matchgraph.queries.views.slices import claims_about

        return self._memoised("claims-about", lambda version: DerivedFiles(self.index_dir, version).table(
            "claims-about", lambda: claims_about(self.snapshot())))

    def _rank_table(self) -> RankTable:
        """The part of the snapshot ranks read, as arrays over every artifact (a few
        percent of the snapshot, so a rank with new weights or a new seed starts in
        milliseconds and builds objects only for the rows shown)."""
        from matchgraph.queries.ranks.table import RankTable

        return self._derived("rank-table", lambda: RankTable.from_snapshot(self.snapshot()))
