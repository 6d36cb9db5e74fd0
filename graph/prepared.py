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
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from pathlib import Path

from matchgraph.errors import LoadError, Violation
from matchgraph.graph.rdf_mapping import document_ntriples
from matchgraph.ontology.vocab import document_iri
from matchgraph.loaders.models import DocumentFacts
from matchgraph.safe_text import printable

__all__ = ["Failure", "PreparedDocument", "prepare_batch", "prepare_facts", "prepare_paths", "prepare_texts"]


IN_FLIGHT = 3
"""Chunks submitted ahead per worker process (bounds the prepared documents held at once)."""


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
    violations: tuple[Violation, ...] | None = None
    """SHACL violations found by the worker that prepared it (None: not validated yet)."""
    validator: str | None = None
    """Name of the validator that produced ``violations``."""
    answers: tuple[bytes, ...] | None = None
    """The snapshot's per-document answers over this document's graph, one pickled answer
    per query of :data:`~matchgraph.queries.library.sparql_snapshot.PER_DOCUMENT` (None:
    not answered ahead; see :mod:`~matchgraph.graph.document_answers_ahead`)."""


@dataclass(frozen=True)
class Failure:
    """A document that could not be read or parsed (a picklable :class:`LoadError`)."""

    document: str
    reason: str
    line: int | None = None
    column: int | None = None
    position: int | None = None
    byte: int | None = None

    @classmethod
    def of(cls, error: LoadError) -> Failure:
        return cls(error.document, error.reason, error.line, error.column, error.position, error.byte)

    def error(self) -> LoadError:
        return LoadError(
            self.reason, document=self.document, line=self.line, column=self.column, position=self.position, byte=self.byte
        )


def _unexpected(document: str, error: Exception) -> Failure:
    """A document a loader could not handle for a reason it did not foresee: it fails alone,
    named, instead of ending the whole run (the fuzz tests keep this list empty)."""
    return Failure(printable(document), f"the loader cannot read this document ({type(error).__name__}); please report it")


@dataclass(frozen=True)
class _Job:
    enrich: bool
    validator: str | None = None
    answer: bool = False
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))


MAX_STATEMENT_BYTES = 8 * 2**20
"""Longest statement a document may make. pyoxigraph's parser for in-memory stores, which
validation and the per-document answers load each document into, stops at 16 MiB of one
statement, so a page with a paragraph of that size failed its load with a ``MemoryError``."""


def _check_statement_sizes(ntriples: bytes, document: str, text: str | None) -> None:
    """Raise :class:`LoadError` for a statement over :data:`MAX_STATEMENT_BYTES`, naming the
    source line its text starts on when it can be found."""
    if len(ntriples) <= MAX_STATEMENT_BYTES:  # the common case costs one comparison
        return
    for statement in ntriples.split(b"\n"):
        if len(statement) > MAX_STATEMENT_BYTES:
            raise LoadError(
                f"this text makes one value of {len(statement) / 2**20:.1f} MiB; "
                f"a value may hold at most {MAX_STATEMENT_BYTES // 2**20} MiB",
                document=document, line=_source_line(statement, text))


def _source_line(statement: bytes, text: str | None) -> int | None:
    """The 1-based line of ``text`` where the statement's literal starts, found by its
    opening words (up to the first escape N-Triples put in); None when not found."""
    quote = statement.find(b'"')
    if text is None or quote < 0:
        return None
    head = statement[quote + 1: quote + 161].decode("utf-8", "ignore").split("\\")[0]
    at = text.find(head) if len(head) >= 8 else -1
    return None if at < 0 else text.count("\n", 0, at) + 1


def prepare_facts(facts: DocumentFacts, *, loaded_at: datetime | None = None, path: str | None = None,
                  document: str | None = None, text: str | None = None) -> PreparedDocument:
    """Serialise already-parsed (and enriched) facts. An error names ``document`` (default:
    the path, else the source's key) and, given the source ``text``, the line.

    Raises:
        LoadError: a statement is over :data:`MAX_STATEMENT_BYTES`.
    """
    ntriples = document_ntriples(facts, loaded_at=loaded_at)
    _check_statement_sizes(ntriples, document or path or facts.source.key, text)
    return PreparedDocument(
        key=facts.source.key,
        content_hash=facts.source.content_hash,
        ntriples=ntriples,
        path=path,
        artifacts=tuple(a.slug for a in facts.artifacts),
        capabilities=len(facts.capabilities),
        complete=facts.complete,
        missing=facts.missing,
        notes=facts.notes,
    )


def prepare_batch(documents: Sequence[DocumentFacts]) -> list[PreparedDocument]:
    """Serialise one batch of facts, all stamped with the same load time (what a store's
    ``load`` does before ``load_prepared``)."""
    now = datetime.now(UTC)
    return [prepare_facts(f, loaded_at=now) for f in documents]


def _prepare_text(job: _Job, item: tuple[str, str, str | None]) -> PreparedDocument | Failure:
    from matchgraph.loaders.dispatch import parse_document
    from matchgraph.loaders.pipeline import prepare

    text, document, path = item
    document, path = printable(document), None if path is None else printable(path)
    try:
        facts = parse_document(text, document=document, path=path)
        if job.enrich:
            facts = prepare(facts)
        return prepare_facts(facts, loaded_at=job.loaded_at, path=path, document=document, text=text)
    except LoadError as e:
        return Failure.of(e)
    except RecursionError:
        return Failure(document, "the document is nested too deeply to read")
    except Exception as e:  # noqa: BLE001 - one document must never end the run
        return _unexpected(document, e)


def _prepare_path(job: _Job, path: str) -> PreparedDocument | Failure:
    from matchgraph.loaders.dispatch import read_text

    try:
        text = read_text(Path(path))
    except LoadError as e:
        return Failure.of(e)
    except Exception as e:  # noqa: BLE001
        return _unexpected(path, e)
    return _prepare_text(job, (text, path, path))


def _validated(job: _Job, results: list[PreparedDocument | Failure]) -> list[PreparedDocument | Failure]:
    """Validate a chunk's documents in the worker, so the store process only writes."""
    if job.validator is None:
        return results
    from matchgraph.graph.shacl.validation import get_validator

    docs = [r for r in results if isinstance(r, PreparedDocument)]
    try:
        found = get_validator(job.validator).validate_serialized({d.key: d.ntriples for d in docs})
    except Exception:  # noqa: BLE001 - leave validation to the store process, per document
        return results
    return [
        replace(r, violations=tuple(found.get(r.key, ())), validator=job.validator) if isinstance(r, PreparedDocument) else r
        for r in results
    ]


def _answered(job: _Job, results: list[PreparedDocument | Failure]) -> list[PreparedDocument | Failure]:
    """Answer the snapshot's per-document queries over a chunk's valid documents in the
    worker, so the first snapshot after the load need not ask the store for them."""
    if not job.answer:
        return results
    from matchgraph.graph.document_answers_ahead import answer_serialized
    from matchgraph.queries.library.sparql_snapshot import PER_DOCUMENT

    docs = [r for r in results if isinstance(r, PreparedDocument) and not r.violations]
    try:
        found = answer_serialized([(document_iri(d.key), d.ntriples) for d in docs], PER_DOCUMENT)
    except Exception:  # noqa: BLE001 - the snapshot asks the store instead
        return results
    answered = {id(doc): answers for doc, answers in zip(docs, found, strict=True)}
    return [replace(r, answers=answered[id(r)]) if id(r) in answered else r for r in results]


def _checked(job: _Job, results: list[PreparedDocument | Failure]) -> list[PreparedDocument | Failure]:
    """Validate and answer a chunk in the worker. With the compiled validator both read one
    in-memory store of the chunk, loaded once (loading it was about 1.7 ms of a page's
    CPU), unless the chunk holds two versions of one document, which cannot share it."""
    docs = [r for r in results if isinstance(r, PreparedDocument)]
    graphs = [document_iri(d.key) for d in docs]
    if job.validator != "compiled" or not job.answer or not docs or len(set(graphs)) < len(graphs):
        return _answered(job, _validated(job, results))
    from matchgraph.graph.document_answers_ahead import answer_loaded, chunk_store
    from matchgraph.graph.shacl.compiled import CompiledValidator
    from matchgraph.queries.library.sparql_snapshot import PER_DOCUMENT

    try:
        store = chunk_store([(graph, d.ntriples) for graph, d in zip(graphs, docs, strict=True)])
        found = CompiledValidator().validate_loaded(store, graphs)
        valid = [graph for graph, violations in zip(graphs, found, strict=True) if not violations]
        answers = answer_loaded(store, valid, PER_DOCUMENT)
    except Exception:  # noqa: BLE001 - the separate steps, each with its own fallback
        return _answered(job, _validated(job, results))
    checked = {id(d): (tuple(v), answers.get(g)) for d, g, v in zip(docs, graphs, found, strict=True)}
    return [replace(r, violations=checked[id(r)][0], validator=job.validator, answers=checked[id(r)][1])
            if id(r) in checked else r for r in results]


def _chunk_of_texts(job: _Job, items: list[tuple[str, str, str | None]]) -> list[PreparedDocument | Failure]:
    return _checked(job, [_prepare_text(job, item) for item in items])


def _chunk_of_paths(job: _Job, paths: list[str]) -> list[PreparedDocument | Failure]:
    return _checked(job, [_prepare_path(job, path) for path in paths])


def _run(function, job: _Job, items: list, jobs: int | None) -> Iterator:  # type: ignore[no-untyped-def]
    """Apply ``function(job, chunk)`` to chunks of ``items`` in worker processes, in order."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    size = max(1, min(100, len(items) // (workers * 4) or 1))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    if workers <= 1 or len(items) < 8:
        for chunk in chunks:
            yield from function(job, chunk)
        return
    # forkserver: never fork a process that may hold a store's native threads and locks.
    # At most IN_FLIGHT chunks per worker are submitted ahead of the consumer: workers keep
    # preparing while the store writes, but prepared documents never pile up in memory
    # when the store is the slower side (peak memory does not grow with the run's size).
    window = IN_FLIGHT * workers
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pending: deque[Future[list]] = deque()
        submit = partial(pool.submit, function, job)
        ahead = iter(chunks)
        for chunk in islice(ahead, window):
            pending.append(submit(chunk))
        while pending:
            results = pending.popleft().result()
            for chunk in islice(ahead, 1):
                pending.append(submit(chunk))
            yield from results


def prepare_paths(
    paths: Iterable[Path], *, enrich: bool = True, jobs: int | None = None, validator: str | None = None,
    answer: bool = False,
) -> Iterator[PreparedDocument | Failure]:
    """Read, parse, enrich, serialise (and, given a validator name, validate) files in
    worker processes, in order; with ``answer``, also answer the snapshot's per-document
    queries (:attr:`PreparedDocument.answers`)."""
    yield from _run(_chunk_of_paths, _Job(enrich, validator, answer), [str(p) for p in paths], jobs)


def prepare_texts(
    items: Iterable[tuple[str, str, str | None]], *, enrich: bool = True, jobs: int | None = None,
    validator: str | None = None, answer: bool = False,
) -> Iterator[PreparedDocument | Failure]:
    """The same for texts: (text, document name, path or None) triples."""
    yield from _run(_chunk_of_texts, _Job(enrich, validator, answer), list(items), jobs)
