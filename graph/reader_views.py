"""What readers open while a long write runs: a checkpoint of the store taken before it.

pyoxigraph calls a read-only open beside a writer undefined: the writer's compaction
deletes files the reader has listed, and a long read then fails or spins (a snapshot worker
grew to 22 GB that way). So ``matchgraph load`` first publishes a *reader view*: a RocksDB
checkpoint of the store as it is (hard links beside the store, milliseconds), named in
``<store>.views/ACTIVE`` together with the writer that published it (its line in the
writer lock file: process id and start time). A reader that finds that writer still at
work opens the view instead of the live files, and so

* reads files nobody deletes under it, however long it reads;
* sees the last committed state as one consistent version (never a half-loaded batch), and
  with it the engine's indexes already built for that version, so it answers at once
  instead of rebuilding them beside the load.

A reader takes a shared ``flock`` on the view's ``reader.lock`` for as long as it has the
view open; a view is deleted only by a writer that can take that lock exclusively, so a
view a reader still uses outlives the load and goes at the next publication. ``ACTIVE`` is
trusted only while the writer it names is alive and still the store's writer, so a load
that was killed does not send later readers to an old view (unless its process id is
reused before any other writer opens the store; every writer's open clears such a view).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from matchgraph.graph.store_lock import LOCK_NAME

__all__ = ["Checkpoint", "ReaderView", "current_view", "prune", "publish", "published_view", "retire", "views_dir"]

_ACTIVE = "ACTIVE"
_READER_LOCK = "reader.lock"

Checkpoint = Callable[[Path], None]
"""Writes a checkpoint of the open store into a folder that does not exist yet."""


def views_dir(store: Path) -> Path:
    """``<store>.views`` beside the store (on its file system, so checkpoints are links)."""
    return store.with_name(store.name + ".views")


@dataclass
class ReaderView:
    """A view opened by a reader: its folder, held by a shared lock until :meth:`release`."""

    path: Path
    _fd: int | None = None

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
            self._fd = None


def _writer_at_work(store: Path, line: object) -> bool:
    """Whether the writer that published a view (its lock-file line: process id and start
    time) is still the store's writer and alive.

    Read from the lock file's text, never by probing the lock: a reader holding it even
    for a moment would make a writer starting then fail with "being written"."""
    try:
        current = (store / LOCK_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    if not isinstance(line, str) or current != line:
        return False  # another writer has taken the store since
    try:
        os.kill(int(line.split()[0]), 0)
    except (ValueError, IndexError, ProcessLookupError):
        return False  # ended without retiring its view (killed)
    except PermissionError:
        pass  # alive, another user's
    return True


def current_view(store: Path) -> ReaderView | None:
    """The view a reader of ``store`` should open now, locked for it, or None (no writer at
    work, or it published none: read the store itself)."""
    folder = views_dir(store)
    try:
        active = json.loads((folder / _ACTIVE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(active, dict) or not _writer_at_work(store, active.get("writer")):
        return None
    view = folder / str(active.get("view", ""))
    try:
        fd = os.open(view / _READER_LOCK, os.O_RDONLY)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)  # a pruning writer holds it exclusively for a moment only
    if not (view / "db" / "CURRENT").is_file():  # pruned between the lookup and the lock
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        return None
    return ReaderView(view / "db", fd)


def publish(store: Path, checkpoint: Checkpoint) -> Path | None:
    """Checkpoint the store (its writer calls this, holding the writer lock) and point new
    readers at it; None when no view can be made beside the store (readers then read the
    store itself, as before)."""
    folder = views_dir(store)
    try:
        writer = (store / LOCK_NAME).read_text(encoding="utf-8").strip()
        folder.mkdir(exist_ok=True)
        prune(store)
        if folder.stat().st_dev != store.stat().st_dev:
            return None  # a copy, not links: too slow and too big to make per load
        view = folder / f"view-{os.getpid()}-{os.urandom(4).hex()}"
        view.mkdir()
        (view / _READER_LOCK).touch()
        checkpoint(view / "db")
        temporary = folder / f".{_ACTIVE}-{os.getpid()}"
        temporary.write_text(json.dumps({"view": view.name, "writer": writer}), encoding="utf-8")
        os.replace(temporary, folder / _ACTIVE)
        return view
    except (OSError, RuntimeError):
        return None


def retire(store: Path) -> None:
    """Send new readers back to the store itself and delete the views no reader holds."""
    with contextlib.suppress(OSError):
        (views_dir(store) / _ACTIVE).unlink()
    prune(store)
    with contextlib.suppress(OSError):
        views_dir(store).rmdir()  # nothing left beside the store once no reader holds a view


def prune(store: Path) -> None:
    """Delete every view no reader holds (never the one ``ACTIVE`` names)."""
    folder = views_dir(store)
    try:
        active = json.loads((folder / _ACTIVE).read_text(encoding="utf-8")).get("view")
    except (OSError, ValueError, AttributeError):
        active = None
    try:
        views = [p for p in folder.iterdir() if p.is_dir() and p.name != active]
    except OSError:
        return
    for view in views:
        try:
            fd = os.open(view / _READER_LOCK, os.O_RDONLY)
        except OSError:
            shutil.rmtree(view, ignore_errors=True)  # never finished: nobody can hold it
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a reader has it open
        try:
            (view / "db" / "CURRENT").unlink(missing_ok=True)  # a reader that locks it next sees it gone
            shutil.rmtree(view, ignore_errors=True)
        finally:
            os.close(fd)


@contextlib.contextmanager
def published_view(store: Path, checkpoint: Checkpoint) -> Iterator[Path | None]:
    """Publish a view for the duration of a long write, and retire it afterwards."""
    view = publish(store, checkpoint)
    try:
        yield view
    finally:
        if view is not None:
            retire(store)
