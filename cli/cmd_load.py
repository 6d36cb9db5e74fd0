"""``matchgraph load`` and ``matchgraph remove``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from matchgraph.cli.app import AppContext, console, emit_json, err_console, pass_app
from matchgraph.cli.memory import return_freed_memory
from matchgraph.cli.output import error
from matchgraph.errors import MatchgraphError, ValidationError
from matchgraph.cli.run_keys import RunKeys
from matchgraph.graph.base import GraphStore, LoadSession
from matchgraph.graph.prepared import Failure, PreparedDocument, prepare_paths
from matchgraph.loaders.dispatch import iter_document_paths
from matchgraph.stage_clock import StageClock

if TYPE_CHECKING:
    from matchgraph.graph.document_answers import DocumentAnswers

__all__ = ["load", "remove"]

BATCH = 500


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the outcome per file as JSON.")
@click.option("--neo4j", "to_neo4j", is_flag=True, help="Then write the store into Neo4j too (as `neo4j push`).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for parsing and enrichment (default: one per core).")
@click.option("--verbose", "-v", is_flag=True, help="A table row for every document, not only the summary.")
@click.option("--no-index", is_flag=True, help="Do not build the engine's indexes after loading (the first query then builds them).")
@click.option("--replace", "later_wins", is_flag=True, help="When two files of this run have the same key (address), store the later one instead of failing both.")
@pass_app
def load(app: AppContext, paths: tuple[Path, ...], as_json: bool, to_neo4j: bool, jobs: int | None,
         verbose: bool, no_index: bool, later_wins: bool) -> None:
    """Load comparison pages, passports, manifests and artifact pages (files or folders).

    Each file is all-or-nothing: a file that fails leaves no trace, the good files of the
    same run are stored, and the command exits 1 naming every failed file. Two files with
    the same key and different content both fail (naming each other) unless --replace.
    Afterwards the engine's indexes are built once, so the first question after a load is
    answered warm.
    """
    files = list(iter_document_paths(paths))
    store = app.store()
    clock = StageClock()
    # Readers meanwhile read the store as it was before this load, with its indexes built.
    with getattr(store, "reader_view", nullcontext)():
        prepared, status, failures = _load_files(app, store, files, jobs=jobs, later_wins=later_wins, quiet=as_json)
        changed = any(s in ("loaded", "replaced") for s in status.values())
        if changed:
            with _showing(clock, quiet=as_json), clock.stage("entity resolution"):
                store.refresh_resolution()  # once for the whole run, not once per batch
        _report(prepared, status, failures, as_json, verbose)
        if changed and not no_index and app.backend == "oxigraph":
            return_freed_memory()  # what the load freed, before the build adds its own peak
            with _showing(clock, quiet=as_json):
                app.engine().warm(clock)
        total = sum(clock.seconds.values())
        if clock.seconds and not as_json and (verbose or total >= 2.0):
            # --verbose lists every stage, however short (a warm process builds some in milliseconds).
            stages = clock.summary(at_least=0.0 if verbose else 0.05)
            err_console.print(f"entity resolution and indexes: {total:.1f} s" + (f" ({stages})" if stages else ""),
                              highlight=False)
    if to_neo4j:
        from matchgraph.cli.cmd_neo4j import push_to_neo4j

        pushed = push_to_neo4j(app)
        err_console.print(f"neo4j: {len(pushed.written)} graphs written, {len(pushed.removed)} removed, "
                          f"{pushed.counts.changes} changes", highlight=False)
    if failures:
        raise SystemExit(1)


def _load_files(app: AppContext, store: GraphStore, files: list[Path], *, jobs: int | None, later_wins: bool,
                quiet: bool) -> tuple[list[Summary], dict[str, str], dict[str, MatchgraphError]]:
    """Prepare ``files`` in worker processes and store them in batches of :data:`BATCH`,
    in one load session, with a progress bar. Returns each prepared document's summary,
    each stored file's status and each failed file's error."""
    prepared: list[Summary] = []
    failures: dict[str, MatchgraphError] = {}
    status: dict[str, str] = {}
    answers_file = app.engine().answers_file if app.backend == "oxigraph" else None
    with _progress(quiet) as bar, _kept_answers(answers_file) as answers:
        parsing = bar.add_task("parsing and enriching", total=len(files))
        storing = bar.add_task("validating and storing", total=len(files))
        with store.loading(stage=lambda text: bar.update(storing, description=text)) as session:
            batch: list[PreparedDocument] = []
            keys = RunKeys(later_wins)
            validator = app.validator if app.backend == "oxigraph" else None
            for item in prepare_paths(files, jobs=jobs, validator=validator, answer=answers is not None):
                bar.advance(parsing)
                if isinstance(item, Failure):
                    failures[item.document] = item.error()
                    bar.advance(storing)
                    continue
                prepared.append(Summary.of(item))
                if not keys.admit(item, batch, failures):
                    bar.advance(storing)
                    continue
                batch.append(item)
                if len(batch) == BATCH:
                    _store(session, batch, status, failures, answers)
                    bar.advance(storing, len(batch))
                    batch = []
            if batch:
                _store(session, batch, status, failures, answers)
                bar.advance(storing, len(batch))
    return prepared, status, failures


@contextmanager
def _kept_answers(path: Path | None) -> Iterator[DocumentAnswers | None]:
    """The store's kept per-document answers, to which the workers' answers are added
    (None: this store keeps none, and the workers answer nothing)."""
    if path is None:
        yield None
        return
    from matchgraph.graph.document_answers import DocumentAnswers

    with DocumentAnswers.open(path) as answers:
        yield answers if answers.usable else None


def _store(session: LoadSession, batch: list[PreparedDocument], status: dict[str, str],
           failures: dict[str, MatchgraphError], answers: DocumentAnswers | None) -> None:
    result = session.load_prepared(batch)
    if answers is not None:
        from matchgraph.graph.document_answers_ahead import keep_answered
        from matchgraph.queries.library.sparql_snapshot import PER_DOCUMENT
        from matchgraph.ontology.vocab import document_iri

        stored = {*result.loaded, *result.replaced}
        keep_answered(answers, PER_DOCUMENT, [(document_iri(d.key), d.content_hash, d.answers) for d in batch
                                              if d.key in stored and d.answers is not None])
    by_key = {doc.key: doc.path or doc.key for doc in batch}
    for kind in ("loaded", "replaced", "unchanged"):
        for key in getattr(result, kind):
            status[by_key[key]] = kind
    for key, failure in result.failed.items():
        name = by_key[key]
        if isinstance(failure, ValidationError) and name != key:  # name the file, not only its address
            failure = ValidationError(f"{name} ({key})", failure.violations)
        failures[name] = failure


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet,
    )


@dataclass(frozen=True)
class Summary:
    """What the report says about one prepared document (its serialised facts are not kept,
    so memory does not grow with the number of documents loaded)."""

    file: str
    artifacts: tuple[str, ...]
    capabilities: int
    complete: bool
    missing: tuple[str, ...]
    notes: tuple[str, ...]

    @classmethod
    def of(cls, doc: PreparedDocument) -> Summary:
        return cls(doc.path or doc.key, tuple(doc.artifacts), doc.capabilities, doc.complete,
                   tuple(doc.missing), tuple(doc.notes))


@contextmanager
def _showing(clock: StageClock, *, quiet: bool) -> Iterator[None]:
    """A spinner on stderr naming the stage ``clock`` is in, with the time elapsed: after
    a small load into a large store the build takes minutes, in several stages."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err_console, transient=True, disable=quiet) as progress:
        task = progress.add_task("", total=None)
        clock.announce = lambda name: progress.update(task, description=name)
        try:
            yield
        finally:
            clock.announce = None


def _report(
    prepared: list[Summary],
    status: dict[str, str],
    failures: dict[str, MatchgraphError],
    as_json: bool,
    verbose: bool = False,
) -> None:
    rows = [
        {"file": doc.file, "status": status.get(doc.file, "superseded"), "artifacts": list(doc.artifacts),
         "capabilities": doc.capabilities, "complete": doc.complete, "missing": list(doc.missing),
         "notes": list(doc.notes)}
        for doc in prepared if doc.file not in failures
    ]
    errors = [{"file": f, "error": str(e)} for f, e in sorted(failures.items())]
    if as_json:
        emit_json({"documents": rows, "errors": errors})
        return
    if verbose:
        table = Table(title="load summary")
        for col in ("file", "status", "artifacts", "caps", "complete"):
            table.add_column(col)
        for row in rows:
            complete = "yes" if row["complete"] else f"no: {', '.join(row['missing'])}"
            table.add_row(row["file"], row["status"], ", ".join(row["artifacts"]), str(row["capabilities"]), complete)
        console.print(table)
    for error_item in errors:
        error(error_item["error"])
    counts = {k: sum(1 for r in rows if r["status"] == k) for k in ("loaded", "replaced", "unchanged")}
    incomplete = sum(1 for r in rows if not r["complete"])
    console.print(
        f"{counts['loaded']} loaded, {counts['replaced']} replaced, "
        f"{counts['unchanged']} unchanged, {len(errors)} failed"
        + (f"; {incomplete} incomplete (cut off; --verbose lists what is missing)" if incomplete and not verbose else "")
    )


@click.command()
@click.argument("keys", nargs=-1, required=True)
@pass_app
def remove(app: AppContext, keys: tuple[str, ...]) -> None:
    """Remove documents (by key: address or resolved path) and all their facts."""
    store = app.store()
    missing = []
    for key in keys:
        resolved = key if "://" in key else str(Path(key).resolve())
        if not (store.remove(key) or store.remove(resolved)):
            missing.append(key)
        else:
            console.print(f"removed {key}")
    if missing:
        error(f"not stored: {', '.join(missing)}")
        raise SystemExit(1)
