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
        """Queue statements for the loader (waits while the queue is full)."""
        if not nquads:
            return
        while True:
            if not self._thread.is_alive():
                self._raise("the bulk loader stopped early")
            try:
                self._queue.put(nquads, timeout=0.5)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """End the stream and wait until everything written is in the store."""
        if self._thread.is_alive():
            self._queue.put(_END)
        self._thread.join()
        if self._error is not None:
            self._raise("the bulk load failed")

    def abandon(self) -> None:
        """Stop the loader without storing anything it was given."""
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.5)
            except queue.Full:
                continue
            self._thread.join(timeout=0.5)

    def _raise(self, message: str) -> None:
        error = self._error
        if isinstance(error, OSError):
            raise error
        raise OSError(f"{message}: {error}") from error
