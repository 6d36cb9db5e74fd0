"""Answering many documents' per-document queries in worker processes.

A cold snapshot of a large store asks every per-document query of every document graph
(six queries of 50,000 graphs at 100,000 artifacts). pyoxigraph holds the GIL while it
evaluates, so threads do not help; worker processes do, each opening the store read-only
and answering a chunk of graphs. The rows go into the kept answers
(:class:`~matchgraph.graph.document_answers.DocumentAnswers`), from which the snapshot then
reads every document, as after any other build.

When the calling process holds the store's writer, the workers read a checkpoint of it
instead (RocksDB hard-links the files into a folder beside the store: milliseconds, no
copy). The writer's background compaction deletes the files it has merged; a read-only
open that still lists them fails its reads (pyoxigraph documents a read-only open beside a
writer as undefined behaviour), and pyoxigraph 0.5.13 then retries without end, each
try allocating: right after a 50,000-page load that left compaction to do, one worker
grew to 22 GB. A checkpoint's files are its own links, so compaction cannot take them.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path

from pyoxigraph import NamedNode, Store

from matchgraph.graph.document_answers import DocumentAnswers, Graph, answerer, pickled_rows
from matchgraph.graph.reader_views import Checkpoint
from matchgraph.queries.library.sparql import SparqlQuery

__all__ = ["PARALLEL_FROM", "prefill", "stable_files"]

PARALLEL_FROM = 2_000
"""Documents lacking kept answers from which workers compute them: starting the workers
and their imports costs about two seconds, the answers about 10 ms per document."""
_CHUNK = 250
_OPENED: dict[str, Store] = {}
"""The store as each worker opened it."""


def prefill(store_path: Path, answers: DocumentAnswers, queries: Sequence[SparqlQuery], graphs: Sequence[Graph],
            workers: int | None = None, *, checkpoint: Checkpoint | None = None) -> int:
    """Compute in worker processes (one per core) the answers ``answers`` lacks, when
    there are at least :data:`PARALLEL_FROM` such documents. Returns how many were.

    ``checkpoint`` is given when this process holds the writer: the workers then read a
    checkpoint made with it (see the module docstring), or, where none can be made beside
    the store, nothing is answered here and the caller answers in its own process."""
    workers = workers or os.cpu_count() or 1
    if not answers.usable or workers < 2 or len(graphs) < PARALLEL_FROM:
        return 0
    missing = answers.missing(queries, graphs)
    if len(missing) < PARALLEL_FROM:
        return 0
    chunks = [missing[i : i + _CHUNK] for i in range(0, len(missing), _CHUNK)]
    with stable_files(Path(store_path), checkpoint) as readable:
        if readable is None:
            return 0
        # forkserver: never fork a process that holds the store's native threads and locks.
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
            for answered in pool.map(_answer_chunk, repeat(str(readable)), repeat(tuple(queries)), chunks):
                for query, entries in zip(queries, answered, strict=True):
                    answers.keep(query, entries)
    return len(missing)


@contextmanager
def stable_files(store_path: Path, checkpoint: Checkpoint | None) -> Iterator[Path | None]:
    """The store's own folder when no writer is ours, else a checkpoint of it in a
    temporary folder beside the store (removed afterwards). None when the checkpoint would
    be a copy rather than links (another file system) or cannot be written."""
    if checkpoint is None:
        yield store_path
        return
    folder: Path | None = None
    target: Path | None = None
    try:
        folder = Path(tempfile.mkdtemp(prefix=f".{store_path.name}-readers-", dir=store_path.parent))
        if folder.stat().st_dev == store_path.stat().st_dev:
            checkpoint(folder / "store")
            target = folder / "store"
    except OSError:
        target = None
    try:
        yield target
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _answer_chunk(store_path: str, queries: Sequence[SparqlQuery],
                  graphs: Sequence[tuple[str, str]]) -> list[list[tuple[str, str, bytes]]]:
    """Per query, (graph, content hash, pickled rows) of each graph (in a worker)."""
    from matchgraph.graph.store_open import open_read_only

    if store_path not in _OPENED:  # once per worker: a pool lives for one prefill
        _OPENED[store_path] = open_read_only(Path(store_path))
    store = _OPENED[store_path]
    out = []
    for query in queries:
        answer = answerer(store, query)
        out.append([(graph, content_hash, pickled_rows(answer(NamedNode(graph)))) for graph, content_hash in graphs])
    return out
