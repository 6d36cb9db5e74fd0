"""Documents made ready for a store, and the parallel pipeline that makes them.

Everything up to serialisation — read, parse, enrich (claims, concepts), map to RDF,
serialise as N-Triples — is pure and CPU-bound, so it runs in worker processes; the store
then only validates and writes (Rust). On this 2-core machine that pipelining is what
makes bulk loads fast. Workers return plain picklable values, never exceptions with custom
constructors.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

from matchgraph.errors import LoadError
from matchgraph.graph.rdf_mapping import document_triples
from matchgraph.loaders.models import DocumentFacts

__all__ = ["Failure", "PreparedDocument", "prepare_facts", "prepare_paths", "prepare_texts"]


@dataclass(frozen=True)
class PreparedDocument:
    """One document's facts serialised for a store, with what the CLI reports about it."""

    key: str
    content_hash: str
    ntriples: bytes
    path: str | None = None
    artifacts: tuple[str, ...] = ()
    capabilities: int = 0
    complete: bool = True
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    """A document that could not be read or parsed (a picklable :class:`LoadError`)."""

    document: str
    reason: str
    line: int | None = None
    column: int | None = None
    position: int | None = None

    def error(self) -> LoadError:
        return LoadError(self.reason, document=self.document, line=self.line, column=self.column, position=self.position)


@dataclass(frozen=True)
class _Job:
    enrich: bool
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def prepare_facts(facts: DocumentFacts, *, loaded_at: datetime | None = None, path: str | None = None) -> PreparedDocument:
    """Serialise already-parsed (and enriched) facts."""
    triples = document_triples(facts, loaded_at=loaded_at)
    return PreparedDocument(
        key=facts.source.key,
        content_hash=facts.source.content_hash,
        ntriples=serialize(triples, format=RdfFormat.N_TRIPLES),
        path=path,
        artifacts=tuple(a.slug for a in facts.artifacts),
        capabilities=len(facts.capabilities),
        complete=facts.complete,
        missing=facts.missing,
        notes=facts.notes,
    )


def _prepare_text(job: _Job, item: tuple[str, str, str | None]) -> PreparedDocument | Failure:
    from matchgraph.loaders.dispatch import parse_document
    from matchgraph.loaders.pipeline import prepare

    text, document, path = item
    try:
        facts = parse_document(text, document=document, path=path)
        if job.enrich:
            facts = prepare(facts)
    except LoadError as e:
        return Failure(e.document, e.reason, e.line, e.column, e.position)
    return prepare_facts(facts, loaded_at=job.loaded_at, path=path)


def _prepare_path(job: _Job, path: str) -> PreparedDocument | Failure:
    from matchgraph.loaders.dispatch import read_text

    try:
        text = read_text(Path(path))
    except LoadError as e:
        return Failure(e.document, e.reason, e.line, e.column, e.position)
    return _prepare_text(job, (text, path, path))


def _run(function, items: list, jobs: int | None) -> Iterator:  # type: ignore[no-untyped-def]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(items) < 8:
        yield from map(function, items)
        return
    chunk = max(1, min(64, len(items) // (workers * 4)))
    # forkserver: never fork a process that may hold a store's native threads and locks.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        yield from pool.map(function, items, chunksize=chunk)


def prepare_paths(paths: Iterable[Path], *, enrich: bool = True, jobs: int | None = None) -> Iterator[PreparedDocument | Failure]:
    """Read, parse, enrich and serialise files in worker processes, in order."""
    from functools import partial

    yield from _run(partial(_prepare_path, _Job(enrich)), [str(p) for p in paths], jobs)


def prepare_texts(
    items: Iterable[tuple[str, str, str | None]], *, enrich: bool = True, jobs: int | None = None
) -> Iterator[PreparedDocument | Failure]:
    """The same for texts: (text, document name, path or None) triples."""
    from functools import partial

    yield from _run(partial(_prepare_text, _Job(enrich)), list(items), jobs)
