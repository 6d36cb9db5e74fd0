"""Files derived from one version of a store, kept beside it and read instead of rebuilt.

A store's version token changes with every write (see
:meth:`matchgraph.graph.embedded.OxigraphStore.version`), so derived state written under
``<root>/<version>/`` is valid exactly as long as the store stays at that version: a reader
that finds the directory of the current version trusts it, and one that does not builds it
once and writes it for the next process. Files are written to a temporary name and renamed
into place, so a crash never leaves a half-written file a later reader would trust; a file
that cannot be read (corrupt, from another format) is rebuilt, never an error. When the
directory cannot be written (a read-only store), derived state lives in memory only.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from matchgraph.graph.keyed_table import KeyedTable

__all__ = ["ANSWERS_FILE", "FORMAT", "DerivedFiles", "index_dir_for", "replace_file"]

T = TypeVar("T")

FORMAT = 7
"""Bump when a derived structure changes shape: files of other formats are then ignored
(6: records compressed with zstd; 7: large pickled parts too)."""
ANSWERS_FILE = "document-answers.sqlite"
"""The kept per-document answers (:mod:`~matchgraph.graph.document_answers`), in the index
folder, across versions."""
KEEP = 2
"""Version directories kept; older ones (earlier store versions) are removed."""


def index_dir_for(store_path: Path | None) -> Path | None:
    """Where an on-disk store's derived state lives: ``<store>.index`` beside it."""
    if store_path is None:
        return None
    return store_path.with_name(store_path.name + ".index")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code whose objects are persisted (sizes and modification times of
    the query modules, the engine and its derived state), so files written by other code are
    never read."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(str(FORMAT).encode())
    here = Path(__file__).resolve().parent
    for path in sorted([*package.glob("queries/**/*.py"), package / "engine.py", package / "engine_state.py",
                        Path(__file__), here / "keyed_table.py", here / "digests.py"]):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:10]


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` at ``path`` aside, then rename it into place, so a reader never sees a
    half-written file; nothing when the folder cannot be written (the next reader rebuilds)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


class DerivedFiles:
    """The derived-state directory of one store version (and one version of the code)."""

    def __init__(self, root: Path | None, version: str) -> None:
        self.version = version
        self.directory = (None if root is None or not version
                          else Path(root) / f"v{FORMAT}-{code_fingerprint()}-{version}")

    def path(self, name: str) -> Path | None:
        """Where ``name`` lives for this version (None when nothing is persisted)."""
        return None if self.directory is None else self.directory / name

    def pickled(self, name: str, build: Callable[[], T]) -> T:
        """The object stored as ``name``, or ``build()`` written there for the next reader."""
        path = self.path(name + ".pkl")
        if path is not None and path.exists():
            try:
                return _unpickled(path.read_bytes())  # type: ignore[no-any-return]
            except Exception:  # noqa: BLE001 - any unreadable file is rebuilt
                pass
        value = build()
        if path is not None:
            self._write(path, _pickled(value))
        return value

    def table(self, name: str, build: Callable[[], Mapping[str, T]]) -> KeyedTable[T]:
        """A keyed table (one pickled value per key) in an SQLite file, so a reader loads
        the few rows it asks for instead of the whole structure; built on a miss."""
        path = self.path(name + ".sqlite")
        if path is not None and path.exists():
            try:
                return KeyedTable.open(path)
            except (sqlite3.Error, OSError):
                pass
        rows = build()
        if path is not None and self._ensure():
            tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
            try:
                tmp.unlink(missing_ok=True)
                KeyedTable.write(tmp, rows, earlier=self.previous(name + ".sqlite"))
                os.replace(tmp, path)
                return KeyedTable.open(path)
            except (sqlite3.Error, OSError):
                tmp.unlink(missing_ok=True)
        return KeyedTable(dict(rows))

    def previous(self, name: str) -> Path | None:
        """``name`` as the newest other version of the store left it (same format and
        code), for a build that re-derives only what changed since; None when there is none."""
        if self.directory is None:
            return None
        prefix = f"v{FORMAT}-{code_fingerprint()}-"
        try:
            others = [p for p in self.directory.parent.iterdir()
                      if p.name.startswith(prefix) and p != self.directory and (p / name).exists()]
        except OSError:
            return None
        if not others:
            return None
        return max(others, key=lambda p: p.stat().st_mtime) / name

    def directory_for(self, name: str) -> Path | None:
        """A sub-directory for state with its own file layout (the match index)."""
        path = self.path(name)
        if path is not None and self._ensure():
            return path
        return None

    def _ensure(self) -> bool:
        assert self.directory is not None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        self._prune()
        return True

    def _write(self, path: Path, data: bytes) -> None:
        if self._ensure():
            replace_file(path, data)

    def _prune(self) -> None:
        """Drop the directories of older store versions, keeping the newest :data:`KEEP`."""
        assert self.directory is not None
        root = self.directory.parent
        others = sorted((p for p in root.glob("v*-*") if p.is_dir() and p != self.directory),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for old in others[KEEP - 1:]:
            shutil.rmtree(old, ignore_errors=True)


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
"""How a zstd frame starts (a pickle starts with its protocol byte, 0x80)."""
_COMPRESS_FROM = 1 << 16
"""Pickles this large or larger are kept compressed; small ones (counts) stay plain, so a
command that reads only those does not import zstandard."""


def _pickled(value: object) -> bytes:
    """``value`` as kept in a ``.pkl`` file: pickled, and compressed when large. zstd: the
    rank table, the artifacts and the names shrink 14.4 -> 0.4 MB at 100,000 artifacts
    and decompress in 2 ms each (zlib's fastest level took 1.8 MB and 15 ms for the rank
    table), which keeps the index files under 1 GB."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) < _COMPRESS_FROM:
        return data
    import zstandard

    return zstandard.ZstdCompressor(level=3).compress(data)  # type: ignore[no-any-return]


def _unpickled(body: bytes) -> object:
    """What :func:`_pickled` kept."""
    if body[:4] == _ZSTD_MAGIC:
        import zstandard

        body = zstandard.ZstdDecompressor().decompress(body)
    return pickle.loads(body)  # noqa: S301 - our own file beside our own store
