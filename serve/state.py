"""One warm engine per serving process, switched to a newer store version without a restart.

Why a private copy: the embedded store is RocksDB, which lets one process open it for
writing. A server that held it open would lock ``matchgraph load`` out, and pyoxigraph 0.5
offers only ``Store.read_only`` (no secondary instance that follows a writer), whose
documentation calls reading while another process writes undefined. So the server never
keeps the primary open: it opens it read-only for a moment, takes a RocksDB checkpoint
(``Store.backup``: hard links, about a millisecond) into a directory of its own, closes
the primary, and answers from that copy, which nobody else writes.

Noticing a change costs one ``os.scandir`` of the store directory (a fingerprint of names,
sizes and modification times), checked on a short timer. When it changes, and the writer
has let go of the store (its RocksDB ``LOCK`` is free) or the files have been still for
``settle`` seconds, a new copy is taken; if its version tokens differ from the served ones,
a new :class:`~matchgraph.engine.Engine` is opened on it and warmed (snapshot, match
index, need index) *before* one reference assignment makes it current. Requests pick the
current state once and keep it to the end, so none sees a half-built index, and none fails
while a load runs elsewhere: until the new state is warm the old one answers.

Writes (feedback) open the primary for writing briefly (:meth:`ServedStore.write`); when a
load holds it, that raises a retryable :class:`~matchgraph.errors.StoreError`.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from matchgraph.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from matchgraph.engine import Engine
    from matchgraph.graph.embedded import OxigraphStore

__all__ = ["ServedState", "ServedStore", "fingerprint"]

log = logging.getLogger("matchgraph.serve")
GRACE = 120.0
"""Seconds a replaced state stays open for the requests that picked it before the switch."""
T = TypeVar("T")


@dataclass(frozen=True)
class ServedState:
    """What answers a request: an engine over one private copy, and its version tokens."""

    engine: Engine
    version: str
    feedback_version: str
    copy: Path
    opened_at: float = field(default_factory=time.time)

    @property
    def tag(self) -> str:
        """Both tokens: answers depend on the documents and on the feedback events."""
        return f"{self.version}.{self.feedback_version}"


def fingerprint(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the store's files: any write changes it."""
    out = []
    with os.scandir(path) as entries:
        for entry in entries:
            try:
                st = entry.stat()
            except FileNotFoundError:
                continue
            out.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


def writer_holds(path: Path) -> bool:
    """Whether another process holds the store's RocksDB lock (asks; never takes it)."""
    lock = path / "LOCK"
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False
    try:
        # struct flock: l_type, l_whence, l_start, l_len, l_pid (Linux x86-64/aarch64 layout).
        request = struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, request)
        return struct.unpack("hhqqi", answer)[0] != fcntl.F_UNLCK
    except OSError:
        return False
    finally:
        os.close(fd)


class ServedStore:
    """The serving side of one on-disk store: the current state and how it is replaced.

    Args:
        path: the primary store directory (``matchgraph load`` writes there).
        interval: seconds between change checks by the watcher thread.
        settle: seconds the files must be still before a copy is taken while a process
            still holds the store (a CLI command or a long-lived reader that keeps it open;
            a load between two batches is caught only if it pauses this long).
        warm: build the derived state before a new version is served (tests may skip it).
    """

    def __init__(self, path: Path, *, interval: float = 0.5, settle: float = 10.0, warm: bool = True) -> None:
        self.path = Path(path)
        if not (self.path / "CURRENT").exists():
            raise ConfigError(f"no store at {self.path} (load documents first: matchgraph --store {self.path} load data/)")
        self.interval = interval
        self.settle = settle
        self.warm = warm
        self.copies = self.path.with_name(self.path.name + ".serve")
        self._generation = 0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._old: list[tuple[float, ServedState]] = []
        self._clean_stale_copies()
        self._seen = fingerprint(self.path)
        self._changed_at = time.monotonic()
        self.current: ServedState = self._open_copy()
        self.current_fingerprint = self._seen
        if warm:
            _warm(self.current.engine)

    # -- the watcher -----------------------------------------------------------------

    def start(self) -> None:
        """Check for a newer store version every ``interval`` seconds in a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="matchgraph-store-watch", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - the old state keeps answering; try again later
                log.exception("store refresh failed; still serving version %s", self.current.version)

    def check(self) -> bool:
        """Switch to a newer store version if there is one; True when the state changed."""
        now = fingerprint(self.path)
        if now != self._seen:
            self._seen, self._changed_at = now, time.monotonic()
            return False  # let the files settle for one interval
        if now == self.current_fingerprint:
            return False
        if writer_holds(self.path) and time.monotonic() - self._changed_at < self.settle:
            return False
        return self.refresh(now)

    def refresh(self, seen: tuple[tuple[str, int, int], ...] | None = None) -> bool:
        """Take a new copy; serve it when its versions differ (after warming it)."""
        with self._lock:
            state = self._open_copy()
            if state.tag == self.current.tag:
                _discard(state)
                self.current_fingerprint = seen or fingerprint(self.path)
                return False
            if self.warm:
                _warm(state.engine)
            old, self.current = self.current, state
            self.current_fingerprint = seen or fingerprint(self.path)
            log.info("serving store version %s (was %s)", state.version, old.version)
            self._retire(old)
            return True

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for state in [*(s for _, s in self._old), self.current]:
            _discard(state)
        self._old.clear()
        with contextlib.suppress(OSError):
            self.copies.rmdir()

    # -- copies ------------------------------------------------------------------------

    def _open_copy(self) -> ServedState:
        """Checkpoint the primary into a fresh directory and open an engine on it."""
        from matchgraph.engine import Engine, index_dir_for
        from matchgraph.graph.embedded import OxigraphStore

        self._generation += 1
        target = self.copies / f"{os.getpid()}-{self._generation}"
        self.copies.mkdir(parents=True, exist_ok=True)
        _retry(lambda: _checkpoint(self.path, target))
        # Read-only: a writer's open would refresh resolution in the copy, advance its version
        # token past the primary's, and so rebuild every index the primary already has.
        store = OxigraphStore(target, read_only=True)
        engine = Engine(store, index_dir=index_dir_for(self.path))
        return ServedState(engine, store.version(), store.feedback_version(), target)

    def _retire(self, old: ServedState) -> None:
        """Close replaced states once no request can still use them (after ``GRACE`` s; at most 3 kept)."""
        now = time.monotonic()
        self._old.append((now, old))
        while self._old and (now - self._old[0][0] > GRACE or len(self._old) > 3):
            _discard(self._old.pop(0)[1])

    def _clean_stale_copies(self) -> None:
        """Remove copies left by server processes that are gone."""
        if not self.copies.exists():
            return
        for child in self.copies.iterdir():
            pid = child.name.split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(child, ignore_errors=True)

    # -- writes --------------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator[OxigraphStore]:
        """The primary store opened for writing, for one short write (feedback).

        Raises:
            StoreError: (retryable) another process, such as a load, holds the store.
        """
        from matchgraph.graph.embedded import OxigraphStore

        with self._write_lock:
            try:
                store = OxigraphStore(self.path)
            except (OSError, StoreError) as e:
                raise StoreError("the store is busy (a load is writing it); try again shortly", retryable=True) from e
            try:
                yield store
            finally:
                store.close()


def _checkpoint(primary: Path, target: Path) -> None:
    from pyoxigraph import Store

    shutil.rmtree(target, ignore_errors=True)
    source = Store.read_only(str(primary))
    try:
        source.backup(str(target))
    finally:
        del source


def _retry(action: Callable[[], T], attempts: int = 20, pause: float = 0.1) -> T:
    """Run ``action``; a writer compacting under a read-only open makes it fail now and then."""
    for attempt in range(attempts):
        try:
            return action()
        except (OSError, RuntimeError) as e:
            if attempt == attempts - 1:
                raise StoreError(f"cannot copy the store: {e}", retryable=True) from e
            time.sleep(pause * (attempt + 1))
    raise AssertionError("unreachable")


def _warm(engine: Engine) -> None:
    """Build (or read) every derived structure a request may need."""
    engine.warm()


def _discard(state: ServedState) -> None:
    with contextlib.suppress(Exception):
        state.engine.close()
    shutil.rmtree(state.copy, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
