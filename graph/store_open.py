"""How the embedded store is opened, and how derived state is kept in line with it.

Readers open the RocksDB files read-only (``Store.read_only``): nothing is created, locked
or changed, and a store on a read-only file system or with read-only permissions can be
read. They may run beside one writer for short reads; pyoxigraph calls that undefined,
because the writer's compaction deletes files a reader has listed. So the long readers a
writer starts read a checkpoint (:mod:`document_answers_parallel`), and while a load runs
every reader reads the checkpoint it published first (:mod:`reader_views`). A writer takes
the named writer lock first (:mod:`~matchgraph.graph.store_lock`).

Derived state (the entity-resolution graph) is checked against the documents it was
computed from whenever a writer opens the store or a load finishes, never trusting "nothing
was loaded in this run": a load killed between its commit and the resolution refresh is
repaired by the next writer, even one that finds every document unchanged. The check is
the store's version token (advanced by every write to documents, curation or resolution;
one lookup) plus a digest of the alias file, kept in ``<store>/matchgraph-derived.json``
and written only after the refresh committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from matchgraph.errors import StoreError
from matchgraph.graph.reader_views import retire, views_dir
from matchgraph.graph.resolution_graph import refresh_resolution
from matchgraph.graph.store_lock import WriterLock, holder

__all__ = ["DERIVED_FILE", "WriterLock", "mark_fresh", "open_read_only", "open_writer", "refresh_if_stale", "state_fingerprint"]

DERIVED_FILE = "matchgraph-derived.json"
_ALIASES = Path(__file__).resolve().parents[1] / "data" / "aliases.yml"


def open_read_only(path: Path) -> Store:
    """Open an existing store for reading only; creates nothing.

    A writer may compact files while a reader opens, so a failed open is retried briefly.

    Raises:
        StoreError: there is no store at ``path`` or it cannot be read.
    """
    if not (path / "CURRENT").is_file():
        if not path.exists():
            raise StoreError(f"no store at {path}: `matchgraph load` creates one")
        raise StoreError(f"{path} is not a matchgraph store (no database files in it)")
    last: Exception | None = None
    for _ in range(5):
        try:
            return Store.read_only(str(path))
        except (OSError, RuntimeError) as e:  # RocksDB reports a file a writer just replaced as corruption
            last = e
            time.sleep(0.2)
    raise StoreError(f"cannot read the store at {path}: {_reason(last)}", retryable=True)


def open_writer(path: Path) -> tuple[Store, WriterLock]:
    """Create the store directory if needed, take the writer lock, open read-write.

    Raises:
        StoreError: the directory cannot be written, or another process writes the store.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        lock = WriterLock(path)
        lock.acquire()
    except OSError as e:
        raise StoreError(f"cannot write the store at {path}: {_reason(e)}") from e
    if views_dir(path).exists():
        retire(path)  # a view left by a load that was killed: no reader is sent to it again
    try:
        return Store(str(path)), lock
    except OSError as e:
        lock.release()
        if "lock" in str(e).lower():
            raise StoreError(f"the store {path} is being written by {holder(path)}", retryable=True) from e
        raise StoreError(f"cannot open the store at {path}: {_reason(e)}", retryable=True) from e


def _reason(error: Exception | None) -> str:
    if error is None:
        return "unknown error"
    return getattr(error, "strerror", None) or str(error).split(": ")[-1]


def state_fingerprint(store: Any) -> str:
    """What entity resolution is computed from, cheaply: the store's version token (which
    every document, curation or resolution write advances) and the alias file."""
    digest = hashlib.sha256(store.version().encode())
    if _ALIASES.exists():
        digest.update(_ALIASES.read_bytes())
    return digest.hexdigest()


def _marker(store: Any) -> str | None:
    if store.path is None:
        return getattr(store, "_derived_for", None)
    try:
        return json.loads((store.path / DERIVED_FILE).read_text(encoding="utf-8")).get("resolution")
    except (OSError, ValueError, AttributeError):
        return None


def _write_marker(store: Any, fingerprint: str) -> None:
    store._derived_for = fingerprint
    if store.path is None:
        return
    target = store.path / DERIVED_FILE
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({"resolution": fingerprint}), encoding="utf-8")
    os.replace(temporary, target)


def mark_fresh(store: Any) -> None:
    """Record that the resolution just committed matches the store as it is now."""
    _write_marker(store, state_fingerprint(store))


def refresh_if_stale(store: Any, *, force: bool = False) -> bool:
    """Recompute entity resolution when the documents changed since it was computed.

    Returns whether it ran. The marker is written after the new resolution is committed, so
    a crash in between only causes one more refresh.
    """
    if not force and _marker(store) == state_fingerprint(store):
        return False
    refresh_resolution(store)
    _write_marker(store, state_fingerprint(store))  # the version after the refresh's own write
    return True
