"""The embedded default store: an on-disk pyoxigraph dataset, one named graph per document.

Nothing to start. Every method says its transaction semantics, and they hold:

* :meth:`OxigraphStore.load` validates a batch first; documents that fail are reported and
  leave no trace. New documents are written in one transaction, or in a large load
  bulk-loaded and then committed by markers added in one transaction
  (:mod:`~matchgraph.graph.embedded_load`); a changed document is staged under a private graph name and swapped in with one SPARQL
  ``MOVE`` (one transaction), so readers see the old version or the new, never a mix.
* Loading a document whose content hash is already stored changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING
from pathlib import Path

import platformdirs
from pyoxigraph import Literal, NamedNode, Quad, QueryBoolean, QuerySolutions, RdfFormat, Store, Triple, serialize

from matchgraph.errors import QueryError, StoreError
from matchgraph.graph.derived import ANSWERS_FILE, index_dir_for
from matchgraph.graph.document_answers import DocumentAnswers, per_document_rows, per_document_values
from matchgraph.graph.document_markers import (
    MARKERS_FILE,
    KnownMarkers,
    Markers,
    document_graphs,
    document_hashes,
    leaves_markers,
    with_written,
)
from matchgraph.graph.embedded_load import EmbeddedLoad, named
from matchgraph.graph.base import DocumentInfo, LoadResult, Progress, Stage, StoreStats, count_artifacts
from matchgraph.graph.resolution_graph import canonical_map, curate
from matchgraph.graph.store_housekeeping import (
    CONTENT_HASH,
    META_GRAPH,
    STAGING,
    STORE_NODE,
    drop_unfinished_writes,
    ensure_vocabulary,
    unfinished_write,
)
from matchgraph.graph.reader_views import ReaderView, current_view, published_view
from matchgraph.graph.store_lock import holder
from matchgraph.graph.store_open import WriterLock, mark_fresh, open_read_only, open_writer, refresh_if_stale
from matchgraph.graph.shacl.validation import Validator, get_validator
from matchgraph.graph.sparql_values import iter_rows
from matchgraph.ontology.vocab import MG, document_iri
from matchgraph.queries.library import sparql as q
from matchgraph.queries.snapshot import GraphSnapshot
from matchgraph.queries.library.sandbox import DEFAULT_TIMEOUT, Solutions, check_read_only, run_bounded

if TYPE_CHECKING:  # the parsers' pydantic models are not needed to read a store
    from matchgraph.graph.prepared import PreparedDocument
    from matchgraph.loaders.models import DocumentFacts
    from matchgraph.loaders.resolution import ArtifactNode, Resolution

__all__ = ["OxigraphStore", "default_store_path"]

_STORE_VERSION = NamedNode(MG + "storeVersion")
_FEEDBACK_VERSION = NamedNode(MG + "feedbackVersion")


def default_store_path() -> Path:
    """``$MATCHGRAPH_STORE``, else the user's data directory."""
    env = os.environ.get("MATCHGRAPH_STORE")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("matchgraph")) / "store"


class OxigraphStore:
    """pyoxigraph-backed :class:`~matchgraph.graph.base.GraphStore`."""

    name = "oxigraph"

    def __init__(
        self, path: Path | None = None, *, validator: Validator | str = "compiled", read_only: bool = False,
        answers: Path | None = None,
    ) -> None:
        """Open the store at ``path`` (in memory when None).

        ``answers`` is where per-document answers are kept (default: the engine's file in
        ``<path>.index``); a process reading a checkpoint of the store names the store's own.

        ``read_only`` opens without creating, locking or changing anything, so readers work
        beside one writer and on a read-only copy; they see the store as it was when they
        opened it, or, while a ``load`` runs, as it was before it (the view it published:
        :mod:`reader_views`; beside other writers, short reads only: see :mod:`store_open`).
        A writer takes the writer lock (:mod:`store_lock`) first.

        Raises:
            StoreError: no store at ``path`` (read-only), or another process writes it.
        """
        self.path = path
        self.read_only = read_only and path is not None
        index_dir = index_dir_for(path)
        self.answers_file = answers if answers is not None or index_dir is None else index_dir / ANSWERS_FILE
        self._lock: WriterLock | None = None
        self._view: ReaderView | None = None
        self._markers = KnownMarkers(None if self.answers_file is None else self.answers_file.with_name(MARKERS_FILE))
        self.loading_writer: str | None = None
        """Who is loading into the store, when this reader reads the view that load published."""
        if path is None:
            self._store = Store()
        elif self.read_only:
            self._view = current_view(path)  # a load at work: the checkpoint it published
            self._store = open_read_only(path if self._view is None else self._view.path)
            if self._view is not None:
                self.loading_writer = holder(path)
        else:
            self._store, self._lock = open_writer(path)
        self._validator = validator
        if not self.read_only:
            dropped = drop_unfinished_writes(self._store)
            reloaded = ensure_vocabulary(self._store)
            if dropped or reloaded or not self.version():
                self._bump_version()
            refresh_if_stale(self)

    # -- writing -------------------------------------------------------------------

    def validator(self) -> Validator:
        """The SHACL validator, created on the first load (read commands never need it)."""
        if isinstance(self._validator, str):
            self._validator = get_validator(self._validator)
        return self._validator

    def load(self, documents: Sequence[DocumentFacts], *, progress: Progress | None = None) -> LoadResult:
        """Validate then store; see the module docstring for the transaction semantics."""
        from matchgraph.graph.prepared import prepare_batch  # the parsers' models: not on read paths

        return self.load_prepared(prepare_batch(documents), progress=progress)

    def load_prepared(self, documents: Sequence[PreparedDocument], *, progress: Progress | None = None,
                      resolve: bool = True) -> LoadResult:
        """:meth:`load` for documents already serialised (by the parallel pipeline).

        ``resolve=False`` leaves entity resolution to one :meth:`refresh_resolution` call at
        the end of a multi-batch load, instead of re-resolving the whole store per batch.
        """
        with self.loading() as session:
            result = session.load_prepared(documents, progress=progress)
        if resolve:
            refresh_if_stale(self, force=bool(result.loaded or result.replaced))
        return result

    def reader_view(self) -> AbstractContextManager[Path | None]:
        """Around a long write (``matchgraph load``): readers meanwhile read a checkpoint
        of the store as it was before it (:mod:`~matchgraph.graph.reader_views`)."""
        if self.path is None or self.read_only:
            return nullcontext(None)
        return published_view(self.path, lambda target: self._store.backup(str(target)))

    def loading(self, stage: Stage | None = None) -> EmbeddedLoad:
        """A load session for many batches (see :mod:`~matchgraph.graph.embedded_load`):
        a large one bulk-loads its fresh documents in one pass."""
        return EmbeddedLoad(self, stage)

    def _violations(self, pending: dict[str, PreparedDocument]) -> dict[str, list]:
        """SHACL violations per document: those a pipeline worker already found with this
        store's validator, and this store's validator for the rest."""
        validator = self.validator()
        found = {k: list(d.violations) for k, d in pending.items() if d.validator == validator.name and d.violations}
        unchecked = {k: d.ntriples for k, d in pending.items() if d.validator != validator.name}
        if unchecked:
            found.update(validator.validate_serialized(unchecked))
        return found

    def refresh_resolution(self) -> None:
        """Recompute entity resolution over the whole store (after a deferred load)."""
        refresh_if_stale(self, force=True)

    def replace_graph(self, graph: str, triples: list) -> None:
        """Swap a named graph's content atomically (see :meth:`_swap`). The document markers
        read before stay known when the graph is none of the documents' (entity resolution
        after a load swaps its graph between two readings of them)."""
        known = self._markers.held(self.version())
        self._swap(graph, serialize(triples, format=RdfFormat.N_TRIPLES) if triples else b"")
        if known is not None and leaves_markers(NamedNode(graph), triples, known):
            self._markers.keep(self.version(), known)

    def _swap(self, graph: str, ntriples: bytes) -> None:
        """Replace a named graph's content atomically: stage it, then one SPARQL ``MOVE``."""
        staging = NamedNode(STAGING + hashlib.sha256(graph.encode()).hexdigest()[:20])
        if not ntriples:
            self._write(lambda: self._store.update(f"DROP SILENT GRAPH <{graph}>"))
            return
        with unfinished_write(self._store):
            self._write(lambda: self._store.remove_graph(staging) if self._store.contains_named_graph(staging) else None)
            self._write(lambda: self._store.load(named(ntriples, staging.value), format=RdfFormat.N_QUADS, lenient=True))
            # Both IRIs are generated by matchgraph (hashes and constants), never user text.
            self._write(lambda: self._store.update(f"MOVE SILENT <{staging.value}> TO <{graph}>"))

    def remove(self, key: str) -> bool:
        """Drop one document's graph (one transaction); False if it was not stored."""
        graph = NamedNode(document_iri(key))
        if not self._store.contains_named_graph(graph):
            return False
        self._write(lambda: self._store.remove_graph(graph))
        refresh_if_stale(self, force=True)
        return True

    def curate(self, kind: str, first: str, second: str) -> Resolution:
        """Record a person's decision (``merge`` or ``separate`` two slugs) and re-resolve.

        A decision replaces any earlier one about the same pair.
        """
        resolution = curate(self, kind, first, second)
        mark_fresh(self)
        return resolution

    def add_facts(self, graph: str, triples: list) -> None:
        """Append facts to a matchgraph-owned graph (feedback events) in one transaction."""
        node = NamedNode(graph)
        self._write(lambda: self._store.extend([Quad(t.subject, t.predicate, t.object, node) for t in triples]),
                    _FEEDBACK_VERSION)

    def canonical_map(self) -> dict[str, str]:
        return canonical_map(self)

    def _write(self, action, token: NamedNode = _STORE_VERSION) -> None:  # type: ignore[no-untyped-def]
        """Run one write, advancing the store version before and after it.

        The version changes before the write so that a crash half-way can never leave
        derived state keyed by the old version trusted; and after, so that anything
        derived while the write was running is keyed by a version that is now stale.
        """
        if self.read_only:
            raise StoreError(f"the store {self.path} is open read-only")
        try:
            self._bump_version(token)
            action()
            self._bump_version(token)
        except OSError as e:
            raise StoreError(f"store write failed: {e}", retryable=True) from e

    def _bump_version(self, token: NamedNode = _STORE_VERSION) -> None:
        """Replace a version token with a fresh one (a few bytes)."""
        for quad in list(self._store.quads_for_pattern(STORE_NODE, token, None, META_GRAPH)):
            self._store.remove(quad)
        self._store.add(Quad(STORE_NODE, token, Literal(uuid.uuid4().hex), META_GRAPH))

    def version(self) -> str:
        """A token that changes with every write to the documents, the resolution or the
        curation; reading it is one lookup. Derived state (the engine's indexes) is keyed by it.
        """
        return self._token(_STORE_VERSION)

    def feedback_version(self) -> str:
        """A token that changes with every match record or feedback event."""
        return self._token(_FEEDBACK_VERSION)

    def _token(self, token: NamedNode) -> str:
        for quad in self._store.quads_for_pattern(STORE_NODE, token, None, META_GRAPH):
            return quad.object.value
        return ""

    # -- reading -------------------------------------------------------------------

    def _stored_hash(self, key: str) -> str | None:
        graph = NamedNode(document_iri(key))
        for quad in self._store.quads_for_pattern(graph, CONTENT_HASH, None, graph):
            return quad.object.value
        return None

    def _has_graph(self, key: str) -> bool:
        return self._store.contains_named_graph(NamedNode(document_iri(key)))

    def select(self, query: q.SparqlQuery, **params: str | NamedNode | Literal) -> list[dict[str, object]]:
        """Run a named SELECT with bound parameters; rows map variable names to Python values."""
        return list(self.iter_select(query, **params))

    def iter_select(self, query: q.SparqlQuery, **params: str | NamedNode | Literal) -> Iterator[dict[str, object]]:
        """:meth:`select`'s rows one at a time, as the store produces them. A
        :attr:`~SparqlQuery.per_document` query is answered one document graph at a time, so
        its memory is that of one document, not of the whole store's joins."""
        if query.per_document and not params:
            return per_document_rows(self._store, query, graphs=document_graphs(self._store, self._document_markers()))
        return iter_rows(self._solutions(query, params))

    def _solutions(self, query: q.SparqlQuery, params: dict[str, str | NamedNode | Literal]) -> QuerySolutions:
        bindings = q.bind(query, **params)
        from pyoxigraph import Variable

        try:
            solutions = self._store.query(
                query.full_text,
                use_default_graph_as_union=True,
                substitutions={Variable(k): v for k, v in bindings.items()},
            )
        except (SyntaxError, OSError) as e:
            raise QueryError(f"{query.name}: {e}") from e
        return solutions  # type: ignore[return-value]  # a SELECT always answers solutions

    def sparql(self, text: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> Solutions | bool | list[Triple]:
        """Run a user's read-only SPARQL query over the union of all graphs.

        Refused before it runs if it could write or reach the network
        (:mod:`~matchgraph.queries.library.sandbox`); evaluated and read in full within
        ``timeout`` seconds (None: no limit), and Ctrl-C stops the wait at once.

        Raises:
            QueryError: syntax error, refused operation, failure; QueryTimeout past the limit.
        """
        check_read_only(text)

        def evaluate() -> Solutions | bool | list[Triple]:
            result = self._store.query(text, use_default_graph_as_union=True)
            variables = getattr(result, "variables", None)
            if variables is not None:
                return Solutions(list(variables), list(result))
            if isinstance(result, (bool, QueryBoolean)):
                return bool(result)
            return list(result)

        try:
            return run_bounded(evaluate, timeout, what="SPARQL query")
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from e
        except (OSError, RuntimeError, ValueError) as e:
            raise QueryError(f"SPARQL query failed: {e}") from e

    def document_hashes(self) -> list[tuple[str, str]]:
        """(key, content hash) of every stored document, by key; read from two predicates'
        quads, not :meth:`documents`' query over every document graph."""
        return document_hashes(self._store, self._document_markers())

    def artifact_nodes(self) -> list[ArtifactNode]:
        """Every artifact node, for entity resolution: grouped from each document's rows
        (:mod:`~matchgraph.queries.library.artifact_rows`), which an on-disk store keeps beside it
        so that after a small load only the new documents are queried."""
        from matchgraph.queries.library.artifact_rows import DOCUMENT_ARTIFACTS, nodes_from_document_rows

        graphs = document_graphs(self._store, self._document_markers())
        if self.answers_file is None:
            return nodes_from_document_rows(per_document_rows(self._store, DOCUMENT_ARTIFACTS, None, graphs))
        with DocumentAnswers.open(self.answers_file) as answers:
            return nodes_from_document_rows(per_document_rows(self._store, DOCUMENT_ARTIFACTS, answers, graphs))

    def _document_markers(self) -> Markers:
        """Every document graph's key and hash, read once per store version (a load's
        entity resolution and snapshot each ask; a read is two scans of 50,000+ quads) and
        kept for the next process (:mod:`~matchgraph.graph.document_markers`)."""
        return self._markers.read(self._store, self.version())

    def known_markers(self) -> Markers | None:
        """The current version's document markers if known without reading the documents."""
        return self._markers.known(self._store, self.version())

    def _carry_markers(self, base: Markers, written: list[tuple[str, str]]) -> None:
        """A load session that started at markers ``base`` wrote the documents ``written``
        (key, content hash) and nothing else: the current version's markers follow."""
        self._markers.keep(self.version(), with_written(base, written))

    def documents(self) -> list[DocumentInfo]:
        out = []
        for row in self.select(q.DOCUMENTS):
            missing = str(row.get("missings") or "")
            out.append(
                DocumentInfo(
                    key=str(row["key"]),
                    iri=str(row["doc"]),
                    content_hash=str(row["hash"]),
                    format=str(row["format"]),
                    complete=bool(row["complete"]),
                    loaded_at=str(row["loaded"]),
                    title=None if row.get("title") is None else str(row["title"]),
                    missing=tuple(m for m in missing.split("\x1f") if m),
                )
            )
        return out

    def stats(self) -> StoreStats:
        row = self.select(q.STATS)[0]
        slugs = [(str(r["slug"]), bool(r["documented"])) for r in self.select(q.ARTIFACT_SLUGS)]
        documented, mentioned = count_artifacts(slugs, self.canonical_map())
        counts = {k: int(v) for k, v in row.items()}  # type: ignore[call-overload]
        bookkeeping = sum(1 for _ in self._store.quads_for_pattern(None, None, None, META_GRAPH))
        return StoreStats(artifacts=documented, mentioned_artifacts=mentioned,
                          quads=len(self._store) - bookkeeping, **counts)

    def snapshot(self, *, cache: Path | None = None) -> GraphSnapshot:
        """Everything the match engine needs. With ``cache`` (an SQLite file), each document
        graph's rows are kept there and read back while the graph is unchanged, so the
        snapshot after a small load queries only the new documents
        (:class:`~matchgraph.graph.document_answers.DocumentAnswers`)."""
        from matchgraph.queries.snapshot_sparql import build_snapshot

        if cache is None:
            return build_snapshot(self)
        graphs = document_graphs(self._store, self._document_markers())
        with DocumentAnswers.open(cache) as answers:
            if self.path is not None:
                from matchgraph.graph.document_answers_parallel import prefill
                from matchgraph.queries.library.sparql_snapshot import PER_DOCUMENT

                prefill(self._files(), answers, PER_DOCUMENT, graphs, checkpoint=self._checkpoint())
            return build_snapshot(self, per_document=lambda query, names: per_document_values(
                self._store, query, names, answers, graphs))

    def graph_count(self, *, at_most: int) -> int:
        """How many named graphs the store holds, counting no further than ``at_most``."""
        return sum(1 for _ in islice(self._store.named_graphs(), at_most))

    def files_for_readers(self) -> AbstractContextManager[Path | None]:
        """A folder that other processes may open read-only, holding the store as this
        process sees it and unchanged until the block ends (a checkpoint when this process
        is the writer); None where none can be made. On-disk stores only."""
        from matchgraph.graph.document_answers_parallel import stable_files

        return stable_files(self._files(), self._checkpoint())

    def _files(self) -> Path:
        """The folder this process reads (the published view, while a load writes)."""
        assert self.path is not None
        return self.path if self._view is None else self._view.path

    def _checkpoint(self) -> Callable[[Path], None] | None:
        """How a writer makes a checkpoint of its store for readers (None for a reader)."""
        return None if self.read_only else lambda target: self._store.backup(str(target))

    def export(self, output: Path | None, fmt: RdfFormat) -> bytes | None:
        """Serialise the whole dataset (quads formats) or the union of graphs (triples)."""
        try:
            facts = [q_ for q_ in self._store if q_.graph_name != META_GRAPH]
            if fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
                return serialize(facts, output, format=fmt) if output else serialize(facts, format=fmt)

            triples = {q_.triple for q_ in facts}
            return serialize(sorted(triples, key=str), output, format=fmt) if output else serialize(sorted(triples, key=str), format=fmt)
        except OSError as e:
            raise StoreError(f"export failed: {e}") from e

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()
        del self._store
        if self._view is not None:
            self._view.release()
            self._view = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

