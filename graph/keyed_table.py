"""Tables of many small records read a few at a time: values by key in an SQLite file,
each compressed alone with a dictionary trained on sample rows (:class:`DictCodec`).

A table written after a store write lends the rows an earlier version left unchanged as
their compressed bytes (copied inside SQLite), so only new and changed rows are encoded.
"""

from __future__ import annotations

import contextlib
import pickle
import random
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from matchgraph.graph.digests import row_digest

if TYPE_CHECKING:
    import zstandard

__all__ = ["DictCodec", "KeyedTable", "copy_from_earlier"]

T = TypeVar("T")
R = TypeVar("R")


class DictCodec:
    """Zstandard with a dictionary trained on sample rows, for files of many small records
    read one at a time: the field names and IRI prefixes every record repeats are stored
    once in the dictionary instead of once per record (slices, claims and need records take
    a fifth to a tenth of their raw size).

    zstd rather than zlib with a preset dictionary: zlib has no prepared dictionary a
    compressor can share, so every record paid for a copy of a primed compressor (about
    60 microseconds, whatever the record's size: 1.4 million claims and 800,000 need
    records at 100,000 artifacts); a zstd dictionary is digested once and shared, and a
    record packs in a few microseconds and unpacks in one or two, a little smaller too.
    Compressors are kept per thread (a zstd context serves one call at a time).
    """

    LEVEL = 3
    SAMPLE = 300
    """Rows a dictionary is made from (spread over the whole table)."""
    SIZE = 32 * 1024
    """Largest dictionary, in bytes (stored once per file)."""
    SAMPLE_BYTES = 8 * 1024
    """Of each sample row, the start trained on: what rows repeat is at their start (field
    names, IRI prefixes), and a hub's slice of megabytes would make training slow."""

    def __init__(self, zdict: bytes = b"") -> None:
        self.zdict = bytes(zdict)
        self._local = threading.local()
        self._prepared: zstandard.ZstdCompressionDict | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        return {"zdict": self.zdict}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["zdict"])  # type: ignore[misc, arg-type]

    @classmethod
    def trained(cls, rows: Sequence[R], encode: Callable[[R], bytes]) -> DictCodec:
        """A codec whose dictionary is trained (:func:`zstandard.train_dictionary`) on
        :data:`SAMPLE` rows drawn over ``rows`` (seeded, and training is deterministic, so
        a table always gets the same dictionary), each as ``encode`` writes it. Too few or
        too small rows to train on give their own bytes as the dictionary (raw content).

        Drawn, not every n-th row: tables are periodic (each capability's two claims, each
        page's two artifacts), and a step that was a multiple of the period put only one
        kind of row in the dictionary (the match index's claims took 100 bytes each instead
        of 66 at 100,000 artifacts)."""
        import zstandard

        picks = sorted(random.Random(len(rows)).sample(range(len(rows)), min(len(rows), cls.SAMPLE)))
        samples = [encode(rows[i])[:cls.SAMPLE_BYTES] for i in picks]
        try:
            return cls(zstandard.train_dictionary(cls.SIZE, samples, level=cls.LEVEL).as_bytes())
        except zstandard.ZstdError:
            return cls(b"".join(samples)[-cls.SIZE:])

    def pack(self, data: bytes) -> bytes:
        """``data`` compressed on its own (each record decompresses alone); the same bytes
        for the same data and dictionary."""
        compressor = getattr(self._local, "compressor", None)
        if compressor is None:
            import zstandard

            prepared = self._dictionary()
            compressor = self._local.compressor = zstandard.ZstdCompressor(
                level=self.LEVEL, dict_data=prepared, write_checksum=False, write_content_size=True,
                write_dict_id=False)
        return compressor.compress(data)  # type: ignore[no-any-return]

    def unpack(self, blob: bytes) -> bytes:
        """``blob`` as :meth:`pack` took it.

        Raises:
            ValueError: ``blob`` is not a record of this dictionary (a damaged file)."""
        import zstandard  # already loaded after the first record: a dictionary lookup

        decompressor = getattr(self._local, "decompressor", None)
        if decompressor is None:
            decompressor = self._local.decompressor = zstandard.ZstdDecompressor(dict_data=self._dictionary())
        try:
            return decompressor.decompress(blob)  # type: ignore[no-any-return]
        except zstandard.ZstdError as e:  # a damaged file, as readers expect it
            raise ValueError(f"unreadable compressed record: {e}") from e

    def _dictionary(self) -> zstandard.ZstdCompressionDict | None:
        """The dictionary, digested once for every thread's compressor (None: none). Bytes
        that do not start as a trained dictionary does are raw content: sample rows."""
        import zstandard

        with self._lock:
            if self._prepared is None and len(self.zdict) >= _SMALLEST_DICTIONARY:
                trained = self.zdict[:4] == _DICTIONARY_MAGIC
                prepared = zstandard.ZstdCompressionDict(
                    self.zdict, dict_type=zstandard.DICT_TYPE_FULLDICT if trained else zstandard.DICT_TYPE_RAWCONTENT)
                try:
                    prepared.precompute_compress(level=self.LEVEL)
                except zstandard.ZstdError as e:
                    raise ValueError(f"unreadable compression dictionary: {e}") from e
                self._prepared = prepared
            return self._prepared


_DICTIONARY_MAGIC = b"\x37\xa4\x30\xec"
"""How a trained zstd dictionary starts (its magic number, little-endian)."""
_SMALLEST_DICTIONARY = 8
"""Shorter raw content is no dictionary (zstd refuses it): records are compressed alone."""


def _earlier_rows(path: Path) -> tuple[bytes, dict[str, bytes]] | None:
    """An earlier keyed table's dictionary and each key's digest (None: unreadable, or of
    a layout without digests)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as old:
            found = old.execute("SELECT value FROM meta WHERE name = 'zdict'").fetchone()
            held = dict(old.execute("SELECT key, digest FROM rows"))
    except sqlite3.Error:
        return None
    return None if found is None else (bytes(found[0]), held)


def copy_from_earlier(db: sqlite3.Connection, earlier: Path, copies: Sequence[str]) -> bool:
    """Attach ``earlier`` (a file an earlier store version left) to ``db`` as ``old`` and
    run the ``copies`` (``INSERT ... SELECT`` from ``old``) in one transaction.

    False, with nothing copied, when ``earlier`` is missing, unreadable or of another
    layout: the caller then encodes every row."""
    if not earlier.is_file():
        return False
    try:
        db.execute("ATTACH DATABASE ? AS old", (str(earlier),))
    except sqlite3.Error:
        return False
    try:
        with db:  # all copied, or nothing
            for statement in copies:
                db.execute(statement)
        return True
    except sqlite3.Error:
        return False
    finally:
        db.execute("DETACH DATABASE old")


class KeyedTable(Generic[T]):
    """Values by key, from an SQLite file (read-only) or from memory.

    On disk each value is pickled and compressed with a dictionary made of sample
    rows, so the field names and IRI prefixes every row repeats are stored once: per-artifact
    slices take about a fifth of their pickled size (1.1 GB at 100,000 artifacts before).
    """

    def __init__(self, rows: dict[str, T] | None = None, connection: sqlite3.Connection | None = None,
                 codec: DictCodec | None = None) -> None:
        self._rows = rows
        self._db = connection
        self._codec = codec or DictCodec()

    @classmethod
    def open(cls, path: Path) -> KeyedTable[T]:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        db.execute("SELECT count(*) FROM rows LIMIT 1").fetchone()
        (zdict,) = db.execute("SELECT value FROM meta WHERE name = 'zdict'").fetchone()
        return cls(connection=db, codec=DictCodec(zdict))

    @staticmethod
    def write(path: Path, rows: Mapping[str, object], *, earlier: Path | None = None) -> int:
        """Write ``rows`` as a new table at ``path``, in their order.

        With ``earlier`` (the table an earlier store version left), a row whose key and
        pickled bytes it holds unchanged is copied as its compressed bytes, inside SQLite,
        under that table's dictionary, and only new and changed rows are compressed; rows
        are written in order either way, so pages stay full. A pickle's bytes can differ
        for equal values (they record which objects are shared), which costs only a row
        encoded again, never a wrong one. Returns how many were encoded."""
        pickled = lambda value: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)  # noqa: E731
        # Each row is pickled once, for its digest and (when it is encoded) its bytes: a
        # table of every artifact's slice pickled twice was 8 s of a build at 100,000.
        lent = _earlier_rows(earlier) if earlier is not None else None
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
            db.execute("CREATE TABLE rows (key TEXT PRIMARY KEY, value BLOB NOT NULL, digest BLOB NOT NULL)")
        if lent is not None:
            zdict, held = lent
            codec = DictCodec(zdict)
            digests: list[tuple[str, bytes]] = []
            fresh: list[tuple[bytes, int]] = []
            for pos, (key, value) in enumerate(rows.items(), start=1):
                data = pickled(value)
                digest = row_digest(data)
                digests.append((key, digest))
                if held.get(key) != digest:
                    fresh.append((codec.pack(data), pos))
            with db:
                db.execute("CREATE TEMP TABLE wanted (pos INTEGER PRIMARY KEY, key TEXT NOT NULL, digest BLOB NOT NULL, "
                           "value BLOB)")
                db.executemany("INSERT INTO wanted VALUES (?, ?, ?, NULL)",
                               ((pos, k, d) for pos, (k, d) in enumerate(digests, start=1)))
                db.executemany("UPDATE wanted SET value = ? WHERE pos = ?", fresh)
            copied = copy_from_earlier(db, earlier, [  # type: ignore[arg-type]
                "INSERT INTO rows (rowid, key, value, digest) SELECT w.pos, w.key, COALESCE(w.value, o.value), w.digest "
                "FROM wanted w LEFT JOIN old.rows o ON w.value IS NULL AND o.key = w.key AND o.digest = w.digest "
                "ORDER BY w.pos"])
            with db:
                db.execute("DROP TABLE wanted")
                if copied:
                    db.execute("INSERT INTO meta VALUES ('zdict', ?)", (zdict,))
            if copied:
                db.close()
                return len(fresh)
        codec = DictCodec.trained(list(rows.values()), pickled)

        def encoded() -> Iterator[tuple[int, str, bytes, bytes]]:
            for pos, (key, value) in enumerate(rows.items(), start=1):
                data = pickled(value)
                yield pos, key, codec.pack(data), row_digest(data)

        with db:
            db.execute("INSERT INTO meta VALUES ('zdict', ?)", (codec.zdict,))
            db.executemany("INSERT INTO rows (rowid, key, value, digest) VALUES (?, ?, ?, ?)", encoded())
        db.close()
        return len(rows)

    def values(self) -> Iterator[T]:
        """Every value, in the order the table was written (streamed from disk)."""
        if self._rows is not None:
            yield from self._rows.values()
            return
        assert self._db is not None
        for (blob,) in self._db.execute("SELECT value FROM rows ORDER BY rowid"):
            yield pickle.loads(self._codec.unpack(blob))  # noqa: S301 - our own file

    def get(self, key: str) -> T | None:
        if self._rows is not None:
            return self._rows.get(key)
        assert self._db is not None
        found = self._db.execute("SELECT value FROM rows WHERE key = ?", (key,)).fetchone()
        if found is None:
            return None
        return pickle.loads(self._codec.unpack(found[0]))  # type: ignore[no-any-return]  # noqa: S301 - our own file
