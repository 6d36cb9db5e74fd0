"""Embedding the need index's texts: a cache by text hash, and bulk encoding on every core.

Why a cache. Encoding is by far the slowest part of building a hybrid need index (the
int8 MiniLM encodes about 60 capability texts a second per core here: 80,000 texts at
10,000 artifacts take over ten minutes), and a load changes few texts: every rebuild
after it would otherwise re-encode them all. Vectors are kept in ``<store>.index/
embeddings/<model>/`` by a 64-bit hash of the text (and of nothing else: the same text
always gets the same vector), as float16 (half the disk; 1e-3 relative error, far below
what separates two different texts' cosines), in append-only shards written to a
temporary name and renamed, so a crash never leaves a shard a reader would trust. A
rebuild encodes only the texts no shard holds.

Why processes. One onnxruntime session with two threads encoded 111 texts/s here; two
single-threaded sessions in two processes, 130. Texts are sorted by length before they are
batched, so a batch pads to a similar length (a third faster than batches in page order).
Small jobs (and embedders that are not the shipped encoder) run in this process.
"""

from __future__ import annotations

import hashlib
import inspect
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

__all__ = ["EmbeddingCache", "Embedder", "embed_texts", "model_tag", "text_hashes"]

BULK_MIN = 2_000
"""Texts to encode below which worker processes cost more than they save."""
CHUNK = 256
"""Texts per task handed to a worker (sorted by length, so similar lengths travel together)."""
BATCH = 16
"""Texts per inference call inside a chunk (short batches of similar length pad little)."""
MAX_SHARDS = 16
"""Shards beyond which the cache is rewritten as one (each load appends one)."""


class Embedder(Protocol):
    """Anything that turns texts into vectors, one row per text."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


def text_hashes(texts: Sequence[str]) -> np.ndarray:
    """A 64-bit BLAKE2b digest of each text (uint64): the cache key."""
    out = np.empty(len(texts), dtype=np.uint64)
    for i, t in enumerate(texts):
        out[i] = int.from_bytes(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return out


def model_tag(embedder: object) -> str:
    """A folder name per model: the embedder's class and, for the shipped encoder, the
    model file's name and size (another model never reads this one's vectors)."""
    kind = f"{type(embedder).__module__}.{type(embedder).__qualname__}"
    path = getattr(embedder, "model_path", None)
    ident = kind
    if path is not None:
        try:
            ident += f"|{Path(path).name}|{Path(path).stat().st_size}"
        except OSError:
            ident += f"|{path}"
    return hashlib.sha256(ident.encode()).hexdigest()[:16]


class EmbeddingCache:
    """float16 vectors by text hash for one model, in ``folder`` (created on first write)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._keys: np.ndarray | None = None
        self._where: list[tuple[int, int]] = []

    def _shards(self) -> list[Path]:
        return sorted(self.folder.glob("shard-*.npz")) if self.folder.is_dir() else []

    def _index(self) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """All keys (sorted), their position in the concatenated shards, and the shards."""
        keys, vecs = [], []
        for path in self._shards():
            try:
                with np.load(path) as data:
                    k, v = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError):
                continue  # an unreadable shard is as good as absent: its texts are re-encoded
            if len(k) == len(v):
                keys.append(k)
                vecs.append(v)
        flat = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        order = np.argsort(flat, kind="stable")
        return flat[order], order, vecs

    def lookup(self, hashes: np.ndarray, dimension: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(found mask, float16 vectors of the found ones in ``hashes`` order)."""
        keys, order, vecs = self._index()
        if not len(keys) or (dimension is not None and vecs and vecs[0].shape[1] != dimension):
            return np.zeros(len(hashes), dtype=bool), np.zeros((0, dimension or 0), np.float16)
        at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
        found = keys[at] == hashes
        allv = np.concatenate(vecs)
        return found, allv[order[at[found]]]

    def add(self, hashes: np.ndarray, vectors: np.ndarray) -> None:
        """Append a shard (float16); compact when there are many. Failing to write (a
        read-only store) only loses the cache, never the index."""
        if not len(hashes):
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            shards = self._shards()
            if len(shards) >= MAX_SHARDS:
                keys, order, vecs = self._index()
                hashes = np.concatenate([keys, hashes])
                vectors = np.concatenate([np.concatenate(vecs)[order], vectors.astype(np.float16)])
            number = 1 + max((int(p.stem.split("-")[1]) for p in shards), default=0)
            self._write(self.folder / f"shard-{number:06d}.npz", hashes, vectors)
            if len(shards) >= MAX_SHARDS:
                for old in shards:
                    old.unlink(missing_ok=True)
        except OSError:
            return

    def _write(self, path: Path, hashes: np.ndarray, vectors: np.ndarray) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, keys=hashes.astype(np.uint64), vectors=vectors.astype(np.float16))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def embed_texts(texts: Sequence[str], embedder: Embedder, cache: EmbeddingCache | None = None) -> np.ndarray:
    """Unit float32 vectors of ``texts`` (rounded through float16 as the cache keeps them),
    encoding only the distinct texts the cache lacks. New vectors reach the cache every
    :data:`BLOCK` texts, so an interrupted build keeps what it encoded."""
    hashes = text_hashes(texts)
    distinct, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    dimension = getattr(embedder, "dimension", None)
    found, cached = cache.lookup(distinct, dimension) if cache is not None else (
        np.zeros(len(distinct), dtype=bool), None)
    missing = np.flatnonzero(~found)
    width = cached.shape[1] if cached is not None and len(cached) else int(dimension or 0)
    vectors = np.zeros((len(distinct), width), dtype=np.float16)
    if cached is not None and found.any():
        vectors[found] = cached

    def done(positions: np.ndarray, block: np.ndarray) -> None:
        nonlocal vectors
        if block.shape[1] != vectors.shape[1]:  # the first vectors of an unknown width
            vectors = np.zeros((len(distinct), block.shape[1]), dtype=np.float16)
        rows = missing[positions]
        vectors[rows] = block.astype(np.float16)
        if cache is not None:
            cache.add(distinct[rows], vectors[rows])

    encode_bulk([texts[int(first[k])] for k in missing], embedder, done)
    return vectors.astype(np.float32)[inverse.reshape(-1)]


BLOCK = 50_000
"""Texts encoded between two writes to the cache."""


def encode_bulk(texts: list[str], embedder: Embedder,
                done: Callable[[np.ndarray, np.ndarray], None] | None = None) -> np.ndarray:
    """Encode ``texts`` (float32 rows, input order), shortest first in batches; in worker
    processes, one per core, when there are many and the embedder is the shipped encoder.
    ``done(positions, vectors)`` is called for every block of about :data:`BLOCK` texts."""
    if not texts:
        return np.zeros((0, int(getattr(embedder, "dimension", 0) or 0)), dtype=np.float32)
    order = np.array(sorted(range(len(texts)), key=lambda i: len(texts[i])), dtype=np.int64)
    chunks = [[texts[i] for i in order[s:s + CHUNK]] for s in range(0, len(order), CHUNK)]
    out: np.ndarray | None = None
    pending: list[np.ndarray] = []
    start = end = 0
    for k, part in enumerate(_encoded(chunks, embedder)):
        if out is None:
            out = np.empty((len(texts), part.shape[1]), dtype=np.float32)
        pending.append(part)
        end += len(part)
        if end - start >= BLOCK or k == len(chunks) - 1:
            block = np.vstack(pending)
            out[order[start:end]] = block
            if done is not None:
                done(order[start:end], block)
            pending, start = [], end
    assert out is not None
    return out


def _encoded(chunks: list[list[str]], embedder: Embedder) -> Iterator[np.ndarray]:
    """Each chunk's vectors, in order: in worker processes (forkserver: never fork a
    process holding a store's native threads) when they can help and can be started,
    else, or from where they failed (a script without a main guard), in this process."""
    workers = os.cpu_count() or 1
    spec = _worker_spec(embedder)
    finished = 0
    if spec is not None and workers > 1 and sum(map(len, chunks)) >= BULK_MIN:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                                     initializer=_start_worker, initargs=spec) as pool:
                for part in pool.map(_encode_chunk, chunks):
                    yield part
                    finished += 1
        except (BrokenProcessPool, OSError, RuntimeError):
            pass
    for chunk in chunks[finished:]:
        yield _encode(embedder, chunk)


def _encode(embedder: Any, chunk: list[str]) -> np.ndarray:
    if "batch_size" in inspect.signature(embedder.encode).parameters:
        return np.asarray(embedder.encode(chunk, batch_size=BATCH), dtype=np.float32)
    return np.asarray(embedder.encode(chunk), dtype=np.float32)


def _worker_spec(embedder: object) -> tuple[str] | None:
    """How a worker process loads the same model (None: not the shipped encoder). The
    tokenizer is found the way the default encoder finds it (same environment)."""
    from matchgraph.loaders.embeddings import SentenceEncoder

    if type(embedder) is not SentenceEncoder:
        return None
    return (str(embedder.model_path),)


_WORKER: Any = None


def _start_worker(model_path: str) -> None:
    global _WORKER
    from matchgraph.loaders.embeddings import SentenceEncoder

    _WORKER = SentenceEncoder(model_path, threads=1)


def _encode_chunk(chunk: list[str]) -> np.ndarray:
    return _encode(_WORKER, chunk)
