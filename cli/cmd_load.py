"""``matchgraph load`` and ``matchgraph remove``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from matchgraph.cli.app import AppContext, console, emit_json, err_console, pass_app
from matchgraph.errors import LoadError, MatchgraphError
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.loaders.models import DocumentFacts
from matchgraph.loaders.pipeline import prepare

__all__ = ["load", "remove"]

BATCH = 500


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the outcome per file as JSON.")
@click.option("--neo4j", "to_neo4j", is_flag=True, help="Then write the store into Neo4j too (as `neo4j push`).")
@pass_app
def load(app: AppContext, paths: tuple[Path, ...], as_json: bool, to_neo4j: bool) -> None:
    """Load comparison pages, passports and manifests (files or folders).

    Each file is all-or-nothing: a file that fails leaves no trace, the good files of the
    same run are stored, and the command exits 1 naming every failed file.
    """
    files = list(iter_document_paths(paths))
    store = app.store()
    parsed: list[tuple[Path, DocumentFacts]] = []
    failures: dict[str, MatchgraphError] = {}
    status: dict[str, str] = {}
    with _progress(as_json) as bar:
        task = bar.add_task("parsing", total=len(files))
        for path in files:
            try:
                parsed.append((path, prepare(read_document(path))))
            except LoadError as e:
                failures[str(path)] = e
            bar.advance(task)
        task = bar.add_task("storing", total=len(parsed))
        for start in range(0, len(parsed), BATCH):
            chunk = parsed[start : start + BATCH]
            result = store.load([facts for _, facts in chunk])
            by_key = {facts.source.key: str(path) for path, facts in chunk}
            for kind in ("loaded", "replaced", "unchanged"):
                for key in getattr(result, kind):
                    status[by_key[key]] = kind
            for key, error in result.failed.items():
                failures[by_key[key]] = error
            bar.advance(task, len(chunk))
    _report(parsed, status, failures, as_json)
    if to_neo4j:
        from matchgraph.cli.cmd_neo4j import push_to_neo4j

        pushed = push_to_neo4j(app)
        err_console.print(f"neo4j: {len(pushed.written)} graphs written, {len(pushed.removed)} removed, "
                          f"{pushed.counts.changes} changes", highlight=False)
    if failures:
        raise SystemExit(1)


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


def _report(
    parsed: list[tuple[Path, DocumentFacts]],
    status: dict[str, str],
    failures: dict[str, MatchgraphError],
    as_json: bool,
) -> None:
    rows = []
    for path, facts in parsed:
        if str(path) in failures:
            continue
        rows.append(
            {
                "file": str(path),
                "status": status.get(str(path), "?"),
                "artifacts": [a.slug for a in facts.artifacts],
                "capabilities": len(facts.capabilities),
                "complete": facts.complete,
                "missing": list(facts.missing),
                "notes": list(facts.notes),
            }
        )
    errors = [{"file": f, "error": str(e)} for f, e in sorted(failures.items())]
    if as_json:
        emit_json({"documents": rows, "errors": errors})
        return
    table = Table(title="load summary")
    for col in ("file", "status", "artifacts", "caps", "complete"):
        table.add_column(col)
    for row in rows:
        complete = "yes" if row["complete"] else f"[yellow]no[/]: {', '.join(row['missing'])}"
        table.add_row(
            row["file"], row["status"], ", ".join(row["artifacts"]), str(row["capabilities"]), complete
        )
    console.print(table)
    for error in errors:
        err_console.print(f"[bold red]error:[/] {error['error']}", highlight=False)
    counts = {k: sum(1 for r in rows if r["status"] == k) for k in ("loaded", "replaced", "unchanged")}
    console.print(
        f"{counts['loaded']} loaded, {counts['replaced']} replaced, "
        f"{counts['unchanged']} unchanged, {len(errors)} failed"
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
        err_console.print(f"[bold red]error:[/] not stored: {', '.join(missing)}")
        raise SystemExit(1)
