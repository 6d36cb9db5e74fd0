"""Writing documents into the embedded store: one load session, many batches.

Per document the semantics are those of :class:`~matchgraph.graph.embedded.OxigraphStore`:
all-or-nothing, unchanged content changes nothing, a changed document is swapped in whole.

How fresh documents are written depends on the session's size:

* A small session writes each batch in one transaction (``Store.load``).
* Once a batch has ``BULK_THRESHOLD`` quads or more to write, its fresh documents and those
  of every later batch go to a streamed bulk load (:class:`BulkStream`) without their
  commit marker (the ``mg:contentHash`` triple); the markers are added in one transaction
  when the segment ends. A graph without its marker is a write that did not finish: it is
  invisible to ``documents()`` and dropped the next time the store opens (the segment
  leaves an unfinished-write mark until its markers are in). A segment ends after
  ``SEGMENT_QUADS`` quads, when a batch names a document the segment already holds, and
  when the session closes. One bulk load per segment instead of one per batch lets
  pyoxigraph index on a second thread and spares the store most of its compaction.

The segments' files land in RocksDB's level 0 and are merged by its background compaction,
which goes on beside whatever the process does next (and in the next writer, if this one
exits first). Compacting at the close instead (``Store.optimize``, one thread) was tried:
at 50,000 pages it took about 300 s and made neither the index build nor the reads faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from matchgraph.errors import ValidationError
from matchgraph.graph.base import LoadResult, Progress, Stage
from matchgraph.graph.bulk_stream import BulkStream
from matchgraph.graph.store_housekeeping import CONTENT_HASH, mark_unfinished, unmark_unfinished
from matchgraph.ontology.vocab import document_iri

if TYPE_CHECKING:
    from matchgraph.graph.embedded import OxigraphStore
    from matchgraph.graph.prepared import PreparedDocument

__all__ = ["BULK_THRESHOLD", "SEGMENT_QUADS", "EmbeddedLoad", "named"]

BULK_THRESHOLD = 50_000
"""Quads in one session above which fresh documents are bulk-loaded."""
SEGMENT_QUADS = 20_000_000
"""Quads per bulk load at most (about 20,000 seed-sized pages): what one failure can undo,
and the loader's temporary files, stay bounded."""


class EmbeddedLoad:
    """A load session on an :class:`OxigraphStore`; use it as a context manager.

    Every document a batch reports as loaded is stored once the session closes without an
    error. If it closes with one, the documents of the open segment are not stored.
    """

    def __init__(self, store: OxigraphStore, stage: Stage | None = None) -> None:
        self._store = store
        self._stage = stage
        self._stream: BulkStream | None = None
        self._markers: list[Quad] = []
        self._segment: dict[str, str] = {}
        """Key -> content hash of the fresh documents in the open segment."""
        self._segment_quads = 0
        self._unfinished: Quad | None = None
        self._bulk = False
        self._base = store.known_markers()
        """The document markers when the session started, if known without a scan."""
        self._written: list[tuple[str, str]] = []
        """(key, content hash) of every document written, in order."""

    def __enter__(self) -> EmbeddedLoad:
        return self

    def __exit__(self, kind, error, trace) -> None:  # type: ignore[no-untyped-def]
        if error is None:
            if self._stream is not None:
                self._say("finishing the bulk load")
            self._commit()
            if self._base is not None and self._written:
                # Nothing but this session wrote documents since it started (the writer
                # lock), so the markers follow from what it wrote: no scan after a load.
                self._store._carry_markers(self._base, self._written)
        else:
            self._abandon()

    def _say(self, text: str) -> None:
        if self._stage is not None:
            self._stage(text)

    def _abandon(self) -> None:
        """Stop the open segment's loader. Its unfinished mark stays, so whatever it may
        have written is dropped when a writer next opens the store; the version moves on."""
        if self._stream is not None:
            stream, self._stream = self._stream, None
            stream.abandon()
            self._store._bump_version()

    def load_prepared(self, documents: Sequence[PreparedDocument], *, progress: Progress | None = None) -> LoadResult:
        """Validate and write one batch (see the module docstring for when it is durable)."""
        store = self._store
        result = LoadResult()
        pending: dict[str, PreparedDocument] = {}
        for doc in documents:
            if self._segment.get(doc.key) == doc.content_hash or store._stored_hash(doc.key) == doc.content_hash:
                result.unchanged.append(doc.key)
            else:
                pending[doc.key] = doc
        if any(key in self._segment for key in pending):
            self._commit()  # a later version of a document this segment holds replaces it
        for key, violations in store._violations(pending).items():
            result.failed[key] = ValidationError(key, violations)
            del pending[key]
        fresh = {k: d for k, d in pending.items() if not store._has_graph(k)}
        if fresh:
            result.quads_added += self._insert_fresh(fresh)
            result.loaded.extend(fresh)
            self._written += [(key, doc.content_hash) for key, doc in fresh.items()]
        for key, doc in pending.items():
            if key not in fresh:  # never a graph of the open segment (committed above)
                store._swap(document_iri(key), doc.ntriples)
                result.replaced.append(key)
                result.quads_added += doc.ntriples.count(b"\n")
                self._written.append((key, doc.content_hash))
        if progress is not None:
            progress(len(documents))
        return result

    def _insert_fresh(self, documents: dict[str, PreparedDocument]) -> int:
        count = sum(d.ntriples.count(b"\n") for d in documents.values())
        self._bulk = self._bulk or count >= BULK_THRESHOLD
        if not self._bulk:
            body = b"".join(named(d.ntriples, document_iri(k)) for k, d in documents.items())
            self._store._write(lambda: self._store._store.load(body, format=RdfFormat.N_QUADS, lenient=True))
            return count
        if self._stream is None:
            self._store._bump_version()  # derived state keyed by the old version is stale from now on
            # Marked before the first byte: pyoxigraph 0.5 ingests everything when the load
            # finishes, but its bulk loader is documented as not atomic.
            self._unfinished = mark_unfinished(self._store._store)
            self._stream = BulkStream(self._store._store)
        for key, doc in documents.items():
            graph = NamedNode(document_iri(key))
            marker = Triple(graph, CONTENT_HASH, Literal(doc.content_hash))
            line = serialize([marker], format=RdfFormat.N_TRIPLES)
            self._stream.write(named(doc.ntriples.replace(line, b"", 1), graph.value))
            self._markers.append(Quad(marker.subject, marker.predicate, marker.object, graph))
            self._segment[key] = doc.content_hash
        self._segment_quads += count
        if self._segment_quads >= SEGMENT_QUADS:
            self._commit()
        return count

    def _commit(self) -> None:
        """End the open segment: wait for the bulk load, then add every marker at once."""
        if self._stream is None:
            return
        raw = self._store._store
        try:
            self._store._write(self._stream.finish)
        except BaseException:
            self._abandon()  # an interrupt while waiting: the loader must not go on alone
            raise
        markers, self._stream, self._markers = self._markers, None, []
        self._segment, self._segment_quads = {}, 0
        self._store._write(lambda: raw.extend(markers))
        if self._unfinished is not None:
            unmark_unfinished(raw, self._unfinished)
            self._unfinished = None


def named(ntriples: bytes, graph: str) -> bytes:
    """N-Triples -> N-Quads in ``graph``. N-Triples escapes line breaks inside literals, so
    every ``" .\\n"`` ends a statement."""
    return ntriples.replace(b" .\n", b" <" + graph.encode() + b"> .\n")
