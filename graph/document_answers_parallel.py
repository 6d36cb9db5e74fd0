"""Answering many documents' per-document queries in worker processes.

A cold snapshot of a large store asks every per-document query of every document graph
(six queries of 50,000 graphs at 100,000 artifacts). pyoxigraph holds the GIL while it
evaluates, so threads do not help; worker processes do, each opening the store read-only
(as any reader may beside the one writer) and answering a chunk of graphs. The rows go
into the kept answers (:class:`~matchgraph.graph.document_answers.DocumentAnswers`), from
which the snapshot then reads every document, as after any other build.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from pyoxigraph import NamedNode, Store

from matchgraph.graph.document_answers import DocumentAnswers, Graph, answerer, pickled_rows
from matchgraph.queries.library.sparql import SparqlQuery

__all__ = ["PARALLEL_FROM", "prefill"]

PARALLEL_FROM = 2_000
"""Documents lacking kept answers from which workers compute them: starting the workers
and their imports costs about two seconds, the answers about 10 ms per document."""
_CHUNK = 250
_OPENED: dict[str, Store] = {}
"""The store as each worker opened it."""


def prefill(store_path: Path, answers: DocumentAnswers, queries: Sequence[SparqlQuery], graphs: Sequence[Graph],
            workers: int | None = None) -> int:
    """Compute in worker processes (one per core) the answers ``answers`` lacks, when
    there are at least :data:`PARALLEL_FROM` such documents. Returns how many were."""
    workers = workers or os.cpu_count() or 1
    if not answers.usable or workers < 2 or len(graphs) < PARALLEL_FROM:
        return 0
    missing = answers.missing(queries, graphs)
    if len(missing) < PARALLEL_FROM:
        return 0
    chunks = [missing[i : i + _CHUNK] for i in range(0, len(missing), _CHUNK)]
    # forkserver: never fork a process that holds the store's native threads and locks.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        for answered in pool.map(_answer_chunk, repeat(str(store_path)), repeat(tuple(queries)), chunks):
            for query, entries in zip(queries, answered, strict=True):
                answers.keep(query, entries)
    return len(missing)


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
