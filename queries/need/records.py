"""The records behind need results: artifacts, capabilities and their claims, by index.

A query ranks artifacts with arrays only; records (names, descriptions, intents, claims,
sources) are needed to explain the ``top`` results it returns and nothing else. At
100,000 artifacts they are most of a snapshot, and unpickling them all is what made every
fresh ``matchgraph match`` wait. :class:`NeedRecords` gives them as sequences indexed like
the index's arrays: in memory for an index just built, or from ``records.sqlite`` in a
stored index, read row by row (by rowid, parameterised queries) when a result asks.

Each stored row is a compressed pickle of the record (and, for a capability, the claims
about it): written by this package beside the user's own store, like every derived file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import operator
import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from dataclasses import dataclass
from typing import TypeVar, overload

import numpy as np

from matchgraph.graph.digests import content_digest, content_digests, find_digests, int64_key
from matchgraph.graph.keyed_table import DictCodec, copy_from_earlier
from matchgraph.queries.snapshot import ArtifactRecord, CapabilityRecord, ClaimRecord

__all__ = ["EarlierRecords", "NeedRecords", "artifact_digests", "capability_digests", "record_digest", "write_records"]

T = TypeVar("T")
_KEEP = 50_000
"""Records kept once read, per table."""


class _Codec:
    """Records as tuples of field values (field names once per file, not once per row),
    pickled and compressed with a dictionary of sample rows (:class:`DictCodec`): a
    capability row with its claims takes about 280 bytes instead of 850."""

    def __init__(self, compressor: DictCodec) -> None:
        self.compressor = compressor
        self.art_fields = tuple(f.name for f in dataclasses.fields(ArtifactRecord))
        self.cap_fields = tuple(f.name for f in dataclasses.fields(CapabilityRecord))
        self.claim_fields = tuple(f.name for f in dataclasses.fields(ClaimRecord))

    @staticmethod
    def raw(value: object) -> bytes:
        if isinstance(value, ArtifactRecord):
            return pickle.dumps(_values(value), protocol=pickle.HIGHEST_PROTOCOL)
        cap, claims = value  # type: ignore[misc]
        return pickle.dumps((_values(cap), tuple(_values(c) for c in claims)), protocol=pickle.HIGHEST_PROTOCOL)

    def pack(self, value: object) -> bytes:
        return self.compressor.pack(self.raw(value))

    def unpack(self, table: str, blob: bytes) -> object:
        data = pickle.loads(self.compressor.unpack(blob))  # noqa: S301 - our own file beside our own store
        if table == "artifacts":
            return ArtifactRecord(**dict(zip(self.art_fields, data, strict=True)))
        cap, claims = data
        return (CapabilityRecord(**dict(zip(self.cap_fields, cap, strict=True))),
                tuple(ClaimRecord(**dict(zip(self.claim_fields, c, strict=True))) for c in claims))


def _values(record: object) -> tuple[object, ...]:
    """A dataclass's field values, shallow (``astuple`` would copy nested tuples)."""
    return _field_reader(type(record))(record)  # type: ignore[no-any-return]


@functools.cache
def _field_reader(kind: type) -> Callable[[object], tuple[object, ...]]:
    """One getter of all a record class's fields: ``dataclasses.fields`` per record took a
    third of the time of writing the records."""
    names = [f.name for f in dataclasses.fields(kind)]
    if len(names) == 1:
        return lambda record: (getattr(record, names[0]),)
    return operator.attrgetter(*names)


class _Rows(Sequence[T]):
    """One table's records by index (0-based), read on demand and kept once read."""

    def __init__(self, owner: NeedRecords, table: str, count: int) -> None:
        self._owner, self._table, self._count = owner, table, count
        self._seen: dict[int, T] = {}

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return self.many(range(*i.indices(self._count)))
        k = int(i) + self._count if int(i) < 0 else int(i)
        if not 0 <= k < self._count:
            raise IndexError(i)
        if k not in self._seen:
            self.many([k])
        return self._seen[k]

    def many(self, ids: Iterable[int]) -> list[T]:
        """Records ``ids`` (in that order), those not yet read in one query."""
        wanted = [int(k) for k in ids]
        if len(self._seen) + len(wanted) > _KEEP:
            self._seen.clear()  # a long-lived server keeps a bounded working set
        missing = sorted({k for k in wanted if k not in self._seen})
        for start in range(0, len(missing), 500):
            part = missing[start:start + 500]
            rows = self._owner._select(self._table, part)
            for k, value in rows:
                self._seen[k] = value  # type: ignore[assignment]
        return [self._seen[k] for k in wanted]

    def __iter__(self) -> Iterator[T]:
        for start in range(0, self._count, 2000):
            yield from self.many(range(start, min(start + 2000, self._count)))


class NeedRecords:
    """Artifact and capability records of a need index, and claims per capability.

    ``fetched`` counts the rows read from disk (0 for records held in memory), so a test
    can tell that a query read its ``top`` results and nothing else.
    """

    def __init__(self, artifacts: Sequence[ArtifactRecord], capabilities: Sequence[CapabilityRecord],
                 claims: Mapping[str, tuple[ClaimRecord, ...]] | None = None,
                 db: sqlite3.Connection | None = None) -> None:
        self.artifacts = artifacts
        self.capabilities = capabilities
        self._claims = claims
        self._db = db
        self._codec: _Codec | None = None
        self._lock = threading.Lock()
        self.fetched = 0

    @classmethod
    def in_memory(cls, artifacts: Sequence[ArtifactRecord], capabilities: Sequence[CapabilityRecord],
                  claims: Mapping[str, tuple[ClaimRecord, ...]]) -> NeedRecords:
        return cls(artifacts, capabilities, claims)

    @classmethod
    def open(cls, path: Path) -> NeedRecords:
        """Records from a ``records.sqlite`` written by :func:`write_records` (read-only).

        Raises:
            sqlite3.Error: the file is missing or not such a table.
        """
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        counts = dict(db.execute("SELECT name, value FROM counts").fetchall())
        (zdict,) = db.execute("SELECT value FROM blobs WHERE name = 'zdict'").fetchone()
        records = cls((), (), None, db)
        records._codec = _Codec(DictCodec(zdict))
        records.artifacts = _Rows(records, "artifacts", int(counts["artifacts"]))
        records.capabilities = _Rows(records, "capabilities", int(counts["capabilities"]))
        return records

    @property
    def stored(self) -> bool:
        return self._db is not None

    def _select(self, table: str, ids: list[int]) -> list[tuple[int, object]]:
        assert self._db is not None and table in ("artifacts", "capabilities")
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(f"SELECT id, record FROM {table} WHERE id IN ({marks})",  # noqa: S608 - fixed names
                                    [k + 1 for k in ids]).fetchall()
            self.fetched += len(rows)
        out = []
        for rowid, blob in rows:
            assert self._codec is not None
            value = self._codec.unpack(table, blob)
            if table == "capabilities":
                cap, claims = value  # type: ignore[misc]
                self._claim_cache[cap.iri] = claims
                value = cap
            out.append((int(rowid) - 1, value))
        return out

    @property
    def _claim_cache(self) -> dict[str, tuple[ClaimRecord, ...]]:
        if self._claims is None:
            self._claims = {}
        return self._claims  # type: ignore[return-value]

    def claims(self, capability: int) -> tuple[ClaimRecord, ...]:
        """Claims made about capability ``capability`` (by index)."""
        iri = self.capabilities[capability].iri
        return tuple(self._claim_cache.get(iri, ()))

    def claims_by_iri(self) -> dict[str, tuple[ClaimRecord, ...]]:
        """Every capability's claims by capability IRI (reads every record when stored)."""
        if self._db is not None:
            for _ in self.capabilities:
                pass
        return {k: tuple(v) for k, v in self._claim_cache.items() if v}

    def capability_ids(self, iris: Iterable[str]) -> dict[str, list[int]]:
        """Indexes of the capabilities with each IRI the index holds (others left out)."""
        wanted = list(dict.fromkeys(iris))
        out: dict[str, list[int]] = {}
        if self._db is None:
            want = set(wanted)
            for i, c in enumerate(self.capabilities):
                if c.iri in want:
                    out.setdefault(c.iri, []).append(i)
            return out
        keys = {int64_key(iri): iri for iri in wanted}
        found: list[int] = []
        items = list(keys)
        for start in range(0, len(items), 500):
            part = items[start:start + 500]
            with self._lock:
                found += [int(k) for (k,) in self._db.execute(
                    f"SELECT id FROM capability_keys WHERE key IN ({','.join('?' * len(part))})", part)]  # noqa: S608
        for i in sorted(k - 1 for k in found):
            iri = self.capabilities[i].iri  # a key may collide: the record says
            if iri in keys.values():
                out.setdefault(iri, []).append(i)
        return out

    def artifacts_at(self, ids: Iterable[int]) -> list[ArtifactRecord]:
        """Artifact records ``ids`` (one query for those not yet read)."""
        return _many(self.artifacts, ids)

    def capabilities_at(self, ids: Iterable[int]) -> list[CapabilityRecord]:
        """Capability records ``ids`` (one query for those not yet read)."""
        return _many(self.capabilities, ids)

    def __getstate__(self) -> dict[str, object]:
        if self._db is not None:
            raise TypeError("stored need records are not pickled; open the records file instead")
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _many(rows: Sequence[T], ids: Iterable[int]) -> list[T]:
    if isinstance(rows, _Rows):
        return rows.many(ids)
    return [rows[int(k)] for k in ids]


def record_digest(value: object) -> bytes:
    """A 16-byte digest of a record's content (an artifact record, or a capability record
    with its claims): equal content, equal digest, whatever the objects' identity (``repr``
    of the field values, not a pickle, whose bytes depend on which strings are shared)."""
    return content_digest(_digested(value))


def _digested(value: object) -> tuple[object, ...]:
    """What :func:`record_digest` digests: the field values (with the claims' values)."""
    if isinstance(value, ArtifactRecord):
        return _values(value)
    cap, claims = value  # type: ignore[misc]
    return (_values(cap), tuple(_values(c) for c in claims))


def capability_digests(capabilities: Sequence[CapabilityRecord],
                       claims: Mapping[str, tuple[ClaimRecord, ...]]) -> np.ndarray:
    """:func:`record_digest` of every capability row, as a fixed-width bytes array."""
    return content_digests(_digested((c, claims.get(c.iri, ()))) for c in capabilities)


@dataclass(frozen=True)
class EarlierRecords:
    """A records file an earlier store version left, with the content digests of its rows
    (kept beside it as arrays), from which a new file copies what did not change."""

    path: Path
    artifacts: np.ndarray
    capabilities: np.ndarray


def artifact_digests(artifacts: Sequence[ArtifactRecord]) -> np.ndarray:
    """:func:`record_digest` of every artifact row, as a fixed-width bytes array."""
    return content_digests(map(_digested, artifacts))


def write_records(path: Path, artifacts: Sequence[ArtifactRecord], capabilities: Sequence[CapabilityRecord],
                  claims: Mapping[str, tuple[ClaimRecord, ...]], *,
                  digests: tuple[np.ndarray, np.ndarray] | None = None, earlier: EarlierRecords | None = None) -> int:
    """Write ``records.sqlite`` at ``path`` (a new file): rowid = index + 1.

    With ``earlier``, every row whose content digest it holds is copied as its compressed
    bytes (inside SQLite, under that file's dictionary) and only new or changed rows are
    encoded: after a small load a few rows instead of every capability (encoding was most
    of the time of writing the file). Rows are written in id order either way, so the
    file's pages stay full. ``digests`` are the rows' (:func:`artifact_digests`,
    :func:`capability_digests`) when the caller has them. Returns how many rows were
    encoded (the others were copied)."""
    art_digests, cap_digests = digests or (artifact_digests(artifacts), capability_digests(capabilities, claims))
    tables = {"artifacts": (artifacts, art_digests), "capabilities": (capabilities, cap_digests)}
    db = sqlite3.connect(path)
    try:
        with db:
            db.execute("PRAGMA page_size = 8192")
            db.execute("CREATE TABLE counts (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            db.execute("CREATE TABLE blobs (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
            for table in tables:
                db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, record BLOB NOT NULL)")
            db.execute("CREATE TABLE capability_keys (key INTEGER NOT NULL, id INTEGER NOT NULL, "
                       "PRIMARY KEY (key, id)) WITHOUT ROWID")
            db.executemany("INSERT INTO counts VALUES (?, ?)",
                           [("artifacts", len(artifacts)), ("capabilities", len(capabilities))])
            db.executemany("INSERT INTO capability_keys VALUES (?, ?)",
                           sorted((int64_key(c.iri), i + 1) for i, c in enumerate(capabilities)))
        encoded = _write_lent(db, tables, claims, earlier) if earlier is not None else None
        if encoded is None:
            zdict = DictCodec.trained(capabilities, lambda c: _Codec.raw((c, claims.get(c.iri, ())))).zdict
            codec = _Codec(DictCodec(zdict))
            with db:
                db.execute("INSERT INTO blobs VALUES ('zdict', ?)", (zdict,))
                for table, (rows, _) in tables.items():
                    db.executemany(f"INSERT INTO {table} VALUES (?, ?)",  # noqa: S608 - fixed names
                                   ((i + 1, codec.pack(_row(table, r, claims))) for i, r in enumerate(rows)))
            encoded = len(artifacts) + len(capabilities)
        return encoded
    finally:
        db.close()


def _write_lent(db: sqlite3.Connection, tables: Mapping[str, tuple[Sequence[object], np.ndarray]],
                claims: Mapping[str, tuple[ClaimRecord, ...]], earlier: EarlierRecords) -> int | None:
    """Fill ``tables`` from ``earlier`` where the digests match, encoding the rest with its
    dictionary; None (nothing written) when ``earlier`` cannot be read."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{earlier.path}?mode=ro", uri=True)) as old:
            found = old.execute("SELECT value FROM blobs WHERE name = 'zdict'").fetchone()
    except sqlite3.Error:
        return None
    if found is None:
        return None
    codec = _Codec(DictCodec(bytes(found[0])))
    encoded = 0
    with db:
        for table, (rows, digests) in tables.items():
            source = find_digests(digests, getattr(earlier, table))
            fresh = np.flatnonzero(source < 0).tolist()
            encoded += len(fresh)
            db.execute(f"CREATE TEMP TABLE map_{table} (id INTEGER PRIMARY KEY, old INTEGER)")
            db.execute(f"CREATE TEMP TABLE fresh_{table} (id INTEGER PRIMARY KEY, record BLOB NOT NULL)")
            db.executemany(f"INSERT INTO map_{table} VALUES (?, ?)",  # noqa: S608 - fixed names
                           ((i + 1, o + 1 if o >= 0 else None) for i, o in enumerate(source.tolist())))
            db.executemany(f"INSERT INTO fresh_{table} VALUES (?, ?)",  # noqa: S608 - fixed names
                           ((i + 1, codec.pack(_row(table, rows[i], claims))) for i in fresh))
    copied = copy_from_earlier(
        db, earlier.path,
        [f"INSERT INTO {table} (id, record) SELECT m.id, COALESCE(f.record, o.record) "  # noqa: S608 - fixed names
         f"FROM map_{table} m LEFT JOIN fresh_{table} f ON f.id = m.id "
         f"LEFT JOIN old.{table} o ON o.id = m.old ORDER BY m.id" for table in tables])
    with db:
        for table in tables:
            db.execute(f"DROP TABLE map_{table}")  # noqa: S608 - fixed names
            db.execute(f"DROP TABLE fresh_{table}")  # noqa: S608 - fixed names
        if copied:
            db.execute("INSERT INTO blobs VALUES ('zdict', ?)", (codec.compressor.zdict,))
    return encoded if copied else None


def _row(table: str, record: object, claims: Mapping[str, tuple[ClaimRecord, ...]]) -> object:
    """What a table stores for ``record``: an artifact alone, a capability with its claims."""
    if table == "artifacts":
        return record
    return (record, claims.get(record.iri, ()))  # type: ignore[attr-defined]
