"""The match index's claims on disk: one compressed JSON record per claim, read by offset.

Explaining a pair reads the few claims it names, never every claim in the store, so the
claims are a file of their own beside the index's arrays: ``claims.zbin`` (each claim's
JSON compressed alone with a dictionary of sample claims, :class:`DictCodec`),
``claims.offsets.npy`` and ``claims.zdict``; ``claims.digests.npy`` holds each claim's
content digest, so the entry of the next store version copies the claims that did not
change instead of encoding them again.
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from matchgraph.errors import ConfigError
from matchgraph.graph.digests import content_digests, find_digests
from matchgraph.graph.keyed_table import DictCodec
from matchgraph.queries.snapshot import ClaimRecord

__all__ = ["CLAIM_FILES", "ClaimTable", "write_claims"]

_CLAIMS = "claims.zbin"
_CLAIM_DICT = "claims.zdict"
CLAIM_FILES = (_CLAIMS, _CLAIM_DICT, "claims.offsets.npy")
"""What an entry must hold to be read (the digests only lend to a later entry)."""


def write_claims(directory: Path, claims: Sequence[ClaimRecord], earlier: Path | None = None) -> int:
    """Each claim as JSON compressed with a dictionary of sample claims (:class:`DictCodec`):
    670 MB of JSON lines at 100,000 artifacts took a tenth of that.

    With ``earlier`` (an entry an earlier store version left), a claim whose content digest
    it holds is copied as its compressed bytes, under that entry's dictionary, and only new
    and changed claims are encoded. Returns how many were encoded."""
    digests = content_digests(map(_CLAIM_VALUES, claims))
    lent = _EarlierClaims.open(earlier) if earlier is not None else None
    codec = DictCodec(lent.zdict) if lent is not None else DictCodec.trained(claims, _claim_json)
    found = lent.find(digests) if lent is not None else np.full(len(claims), -1, dtype=np.int64)
    (directory / _CLAIM_DICT).write_bytes(codec.zdict)
    sizes = np.zeros(len(claims), dtype=np.int64)
    at = found.tolist()
    try:
        with open(directory / _CLAIMS, "wb") as out:
            i = 0
            while i < len(at):
                if at[i] < 0 or lent is None:
                    blob = codec.pack(_claim_json(claims[i]))
                    out.write(blob)
                    sizes[i] = len(blob)
                    i += 1
                    continue
                # A run of claims the earlier entry holds in the same order: one read.
                j = i + 1
                while j < len(at) and at[j] == at[j - 1] + 1 and j - i < _RUN:
                    j += 1
                out.write(lent.blobs(at[i], at[j - 1] + 1))
                sizes[i:j] = np.diff(lent.offsets[at[i]:at[j - 1] + 2])
                i = j
    finally:
        if lent is not None:
            lent.close()
    offsets = np.zeros(len(claims) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    np.save(directory / "claims.offsets.npy", offsets)
    np.save(directory / _CLAIM_DIGESTS, digests)
    return int((found < 0).sum())


_CLAIM_DIGESTS = "claims.digests.npy"
_RUN = 4096
"""Most claims copied by one read: unchanged claims lie in runs (both versions in IRI
order), and one ``pread`` per claim was 1.4 million calls at 100,000 artifacts."""


@dataclass
class _EarlierClaims:
    """The claims file of an earlier entry, read to lend compressed claims by digest.

    Lent claims are read with ``pread`` from the page cache, a run of them at a time,
    rather than through a memory map or a read of the whole file, so lending adds
    little to the process's resident memory
    (the file is a tenth of a gigabyte at 100,000 artifacts, read near the build's peak)."""

    zdict: bytes
    digests: np.ndarray
    offsets: np.ndarray
    fd: int

    @classmethod
    def open(cls, entry: Path) -> _EarlierClaims | None:
        """The claims of ``entry``; None when it has none or they cannot be read."""
        try:
            zdict, digests = (entry / _CLAIM_DICT).read_bytes(), np.load(entry / _CLAIM_DIGESTS)
            offsets = np.load(entry / "claims.offsets.npy")
            return cls(zdict, digests, offsets, os.open(entry / _CLAIMS, os.O_RDONLY))
        except (OSError, ValueError):
            return None  # every claim is encoded

    def close(self) -> None:
        os.close(self.fd)

    def find(self, digests: np.ndarray) -> np.ndarray:
        """Per digest, the earlier claim with it, or -1."""
        return find_digests(digests, self.digests)

    def blobs(self, first: int, end: int) -> bytes:
        """Claims ``first`` to ``end`` (exclusive), compressed, as they lie in the file."""
        start = int(self.offsets[first])
        return os.pread(self.fd, int(self.offsets[end]) - start, start)


_CLAIM_FIELDS = tuple(f.name for f in fields(ClaimRecord))
_CLAIM_VALUES = operator.attrgetter(*_CLAIM_FIELDS)


_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False).encode
"""One encoder for every claim: ``json.dumps`` with an option builds a new one per call."""


def _claim_json(claim: ClaimRecord) -> bytes:
    """One claim as JSON: its fields read shallowly (they are strings and tuples of
    strings), since ``asdict``'s deep copy was half the time of writing the claims."""
    return _ENCODE_JSON(dict(zip(_CLAIM_FIELDS, _CLAIM_VALUES(claim)))).encode("utf-8")


class ClaimTable(Sequence[ClaimRecord]):
    """The index's claims on disk, read one record at a time by offset.

    Most questions never touch a claim, and a pair with claims needs only its own few:
    ``table[k]`` seeks to record ``k`` and decompresses it; iterating reads the file once.
    """

    def __init__(self, directory: Path) -> None:
        self._path = directory / _CLAIMS
        try:
            self._offsets = np.load(directory / "claims.offsets.npy")
            self._codec = DictCodec((directory / _CLAIM_DICT).read_bytes())
        except (OSError, ValueError) as e:
            raise ConfigError(f"{directory}: unreadable match index claims: {e}") from e
        self._cache: dict[int, ClaimRecord] = {}

    def __len__(self) -> int:
        return max(0, len(self._offsets) - 1)

    def _decode(self, blob: bytes) -> ClaimRecord:
        return _claim(json.loads(self._codec.unpack(blob)))

    def _read(self, k: int) -> ClaimRecord:
        found = self._cache.get(k)
        if found is None:
            start, end = int(self._offsets[k]), int(self._offsets[k + 1])
            try:
                with open(self._path, "rb") as f:
                    f.seek(start)
                    found = self._decode(f.read(end - start))
            except (OSError, ValueError, TypeError) as e:
                raise ConfigError(f"{self._path}: unreadable match index claim {k}: {e}") from e
            self._cache[k] = found
        return found

    def __getitem__(self, k):  # type: ignore[no-untyped-def, override]
        if isinstance(k, slice):
            return tuple(self._read(i) for i in range(*k.indices(len(self))))
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        return self._read(k)

    def __iter__(self):  # type: ignore[no-untyped-def]
        try:
            with open(self._path, "rb") as f:
                for k in range(len(self)):
                    yield self._decode(f.read(int(self._offsets[k + 1] - self._offsets[k])))
        except (OSError, ValueError, TypeError) as e:
            raise ConfigError(f"{self._path}: unreadable match index claims: {e}") from e

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _claim(d: dict[str, Any]) -> ClaimRecord:
    d = dict(d)
    d["others"] = tuple(d.get("others", ()))
    d["classes"] = tuple(d.get("classes", ()))
    return ClaimRecord(**d)
