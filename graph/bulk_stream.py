"""One pyoxigraph bulk load fed document by document while the caller goes on preparing.

``Store.bulk_load`` is fastest when it is called once for many documents: it parses in one
thread and builds the sorted index files of each million quads in others, and ingesting its
files once instead of once per batch spares the store most of its compaction work. A load
run, though, produces documents a batch at a time. So the bulk load runs in a thread and
reads a file-like object whose bytes the run puts in as it goes; pyoxigraph releases the GIL
while it parses and indexes, so the caller's own work overlaps it.

The queue between them is bounded: when the store is the slower side the caller waits,
so memory stays independent of the run's size.
"""

from __future__ import annotations

import io
import queue
import threading

from pyoxigraph import RdfFormat, Store

from matchgraph.errors import StoreError

__all__ = ["BulkStream"]

_END = b""
QUEUED = 32
"""Documents' bytes waiting for the loader at most (a few MB)."""


class _Abort(Exception):
    """Raised inside the loader's read to stop a stream whose producer failed."""


class _QueueReader(io.RawIOBase):
    """A binary file whose content arrives through a queue; ``_END`` ends it."""

    def __init__(self, source: queue.Queue[bytes | None]) -> None:
        self._source = source
        self._chunk = memoryview(b"")
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        while not self._chunk and not self._ended:
            item = self._source.get()
            if item is None:
                raise _Abort("the load was abandoned")
            if item == _END:
                self._ended = True
            self._chunk = memoryview(item)
        size = min(len(buffer), len(self._chunk))
        buffer[:size] = self._chunk[:size]
        self._chunk = self._chunk[size:]
        return size


class BulkStream:
    """``Store.bulk_load`` of N-Quads that are written to it piece by piece.

    Nothing written is visible before :meth:`finish` returns (the loader ingests its files
    at the end), and nothing at all when the stream is abandoned.
    """

    def __init__(self, store: Store) -> None:
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, args=(store,), name="matchgraph-bulk-load", daemon=True)
        self._thread.start()

    def _load(self, store: Store) -> None:
        try:
            # Lenient: the bytes are pyoxigraph's own serialisation of checked terms.
            store.bulk_load(io.BufferedReader(_QueueReader(self._queue), 1 << 20), format=RdfFormat.N_QUADS, lenient=True)
        except BaseException as e:  # noqa: BLE001 - handed to the writer's thread by finish()
            # Without its traceback: the frames would keep the store (and its lock) alive.
            self._error = e.with_traceback(None)

    def write(self, nquads: bytes) -> None:
        """Queue statements for the loader (waits while the queue is full).

        Raises:
            StoreError: the loader stopped (its error says why).
        """
        if nquads and not self._put(nquads):
            self._thread.join()
            self._raise("the bulk load failed")

    def finish(self) -> None:
        """End the stream and wait until everything written is in the store.

        Raises:
            StoreError: the bulk load failed.
        """
        self._put(_END)
        self._thread.join()
        if self._error is not None:
            self._raise("the bulk load failed")

    def abandon(self) -> None:
        """Stop the loader and wait for it. What it was given is not stored, unless it had
        already read the end of the stream (then it finishes)."""
        self._put(None)
        self._thread.join()

    def _put(self, item: bytes | None) -> bool:
        """Queue ``item`` unless the loader has stopped (it would never read it)."""
        while self._thread.is_alive():
            try:
                self._queue.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def _raise(self, message: str) -> None:
        raise StoreError(f"{message}: {self._error}") from self._error
