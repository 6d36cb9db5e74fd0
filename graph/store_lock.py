"""One writer per store, named: who holds the store and since when.

RocksDB already refuses a second writer, but with its own words ("While lock file ...:
Resource temporarily unavailable"). Before opening a store for writing matchgraph takes an
advisory ``flock`` on ``<store>/matchgraph-writer.lock`` and writes its process id and the
time into it, so a second writer is told "the store is being written by process N since T".
The kernel drops the lock when the process ends, however it ends (``SIGKILL`` included),
so a crashed load never leaves the store locked.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from matchgraph.errors import StoreError

__all__ = ["LOCK_NAME", "WriterLock", "holder"]

LOCK_NAME = "matchgraph-writer.lock"


def holder(store: Path) -> str:
    """Who holds the writer lock, in words (for messages)."""
    try:
        text = (store / LOCK_NAME).read_text(encoding="utf-8").split()
    except OSError:
        return "another process"
    if len(text) >= 2:
        return f"process {text[0]} since {text[1]}"
    return "another process"


@dataclass
class WriterLock:
    """The exclusive writer lock of one store directory; :meth:`release` or process exit
    frees it."""

    store: Path
    _fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`StoreError` naming the holder (retryable)."""
        fd = os.open(self.store / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreError(
                f"the store {self.store} is being written by {holder(self.store)}; "
                "read commands work meanwhile, try this one again when it is done",
                retryable=True,
            ) from None
        os.ftruncate(fd, 0)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        os.write(fd, f"{os.getpid()} {stamp}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
