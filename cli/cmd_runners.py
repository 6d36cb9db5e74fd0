"""Runner commands: ``runners``, ``run``, ``evidence``, ``verify`` and ``remove-run``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from matchgraph.cli.app import AppContext, console, emit_json, pass_app
from matchgraph.cli.output import styled
from matchgraph.errors import ConfigError

__all__ = ["evidence", "remove_run", "run", "runners", "verify"]


def _oxigraph(app: AppContext):  # type: ignore[no-untyped-def]
    if app.backend != "oxigraph":
        raise ConfigError("runs are written to the embedded store; push them to Neo4j with `matchgraph neo4j push`")
    return app.store()


@click.command()
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def runners(device: str, as_json: bool) -> None:
    """List runners: what each runs, the artifacts it stands for, whether it can run here and why not."""
    from matchgraph.runners.base import RunOptions
    from matchgraph.runners.registry import runner_statuses

    found = runner_statuses(RunOptions(device=device))  # type: ignore[arg-type]
    if as_json:
        emit_json([{
            "name": s.info.name, "title": s.info.title, "task": s.info.task, "artifacts": list(s.info.artifacts),
            "suites": list(s.info.suites), "devices": list(s.info.needs.devices), "needs_weights": s.info.needs.weights,
            "extra": s.info.needs.extra, "stand_in": dict(s.info.stand_in),
            "available": s.availability.ok, "reason": s.availability.reason,
        } for s in found])
        return
    table = Table(title=f"{len(found)} runners")
    for col in ("runner", "task", "stands for", "suites", "runs here", "why / what"):
        table.add_column(col, overflow="fold")
    for s in found:
        table.add_row(s.info.name, s.info.task, ", ".join(s.info.artifacts), ", ".join(s.info.suites),
                      styled(("yes", "green")) if s.availability.ok else styled(("no", "red")), s.availability.reason)
    console.print(table)


@click.command()
@click.argument("runner")
@click.option("--suite", "suite_name", required=True, help="ocr-multilingual, text-rendering, or a folder with truth.json.")
@click.option("--artifact", help="Attach the figures to this artifact (default: the runner's own).")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True)
@click.option("--weights", type=click.Path(file_okay=False, exists=True, path_type=Path), help="Local weights directory.")
@click.option("--dtype", help="Torch dtype (bfloat16, float16, float32).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N items of each language.")
@click.option("--steps", type=click.IntRange(min=1), help="Denoising steps (image generators).")
@click.option("--size", type=click.IntRange(min=16), help="Image side in pixels (image generators).")
@click.option("--max-new-tokens", type=click.IntRange(min=1), help="Generation budget (OCR language models).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def run(app: AppContext, runner: str, suite_name: str, artifact: str | None, device: str, weights: Path | None,
        dtype: str | None, limit: int | None, steps: int | None, size: int | None, max_new_tokens: int | None,
        as_json: bool) -> None:
    """Run RUNNER on a suite, store the run as evidence, print its id and figures."""
    from matchgraph.errors import NotFoundError
    from matchgraph.queries.views.artifact import resolve_artifact
    from matchgraph.runners.base import RunOptions
    from matchgraph.runners.evidence import store_run
    from matchgraph.runners.execute import run_suite
    from matchgraph.runners.suites import load_suite

    store = _oxigraph(app)
    slug = artifact
    if artifact is not None:
        try:
            slug = resolve_artifact(store, artifact)
        except NotFoundError:  # an artifact no document describes yet keeps the slug given
            slug = artifact
    options = RunOptions(device=device, weights=weights, dtype=dtype, limit=limit, steps=steps, size=size,  # type: ignore[arg-type]
                         max_new_tokens=max_new_tokens)
    record = run_suite(runner, load_suite(suite_name), options, artifact=slug)
    store_run(store, record)
    figures = [m for m in record.measurements if m.item is None]
    if as_json:
        emit_json({"run_id": record.run_id, "artifact": record.artifact, "suite": record.suite,
                   "suite_hash": record.suite_hash, "items": record.items, "weights": record.weights,
                   "random_weights": record.random_weights, "caveat": record.note,
                   "figures": [{"metric": m.metric, "value": m.value, "unit": m.unit, "language": m.language} for m in figures]})
        return
    console.print(styled("run ", (record.run_id, "bold"), f" of {record.runner} for {record.artifact} on {record.suite} "
                         f"({record.items} items), stored"))
    if record.note:
        console.print(styled(("caveat:", "yellow"), " ", record.note))
    _figure_table(figures)


def _figure_table(figures) -> None:  # type: ignore[no-untyped-def]
    table = Table()
    for col in ("metric", "language", "value", "unit"):
        table.add_column(col)
    for m in figures:
        metric, lang, value, unit = (m["metric"], m.get("language"), m["value"], m["unit"]) if isinstance(m, dict) \
            else (m.metric, m.language, m.value, m.unit)
        table.add_row(str(metric), lang or "all", f"{float(value):.4g}", str(unit))
    console.print(table)


@click.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def evidence(app: AppContext, name: str, as_json: bool) -> None:
    """Measured runs of an artifact, with figures, conditions and caveats."""
    from matchgraph.errors import NotFoundError
    from matchgraph.queries.views.artifact import resolve_artifact
    from matchgraph.runners.evidence import artifact_runs
    from matchgraph.runners.evidence_view import empty_evidence_note

    store = _oxigraph(app)
    try:
        slug = resolve_artifact(store, name)
    except NotFoundError:
        slug = name
    runs = artifact_runs(store, slug)
    if as_json:
        emit_json({"artifact": slug, "evidence": [r.as_json() for r in runs],
                   "evidence_note": None if runs else empty_evidence_note(slug)})
        return
    if not runs:
        console.print(empty_evidence_note(slug), highlight=False)
        return
    for r in runs:
        console.print(styled((r.run_id, "bold"), f" {r.runner} on {r.suite} ({r.items} items, suite {r.suite_hash[:12]}), "
                             f"{r.device}: {r.hardware}; weights {r.weights}; {r.started}"))
        if r.caveat:
            console.print(styled("  ", ("caveat:", "yellow"), " ", r.caveat))
        _figure_table(r.figures)


@click.command("remove-run")
@click.argument("run_id")
@pass_app
def remove_run(app: AppContext, run_id: str) -> None:
    """Remove one run's facts (and the claim checks that relied on it)."""
    from matchgraph.runners.evidence import remove_run as drop

    dropped = drop(_oxigraph(app), run_id)
    console.print(f"removed run {run_id} ({len(dropped) - 1} claim check(s) that used it)", highlight=False)


@click.command()
@click.argument("claim", required=False)
@click.option("--suite", "suite_name", default="ocr-multilingual", show_default=True, help="Suite for missing runs.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N items of each language in new runs.")
@click.option("--no-run", is_flag=True, help="Decide from stored runs only; run nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def verify(app: AppContext, claim: str | None, suite_name: str, limit: int | None, no_run: bool, as_json: bool) -> None:
    """Check claims (one CLAIM id or IRI, else all) against measured runs, running what is
    missing; record each result as an EARL assertion."""
    from matchgraph.runners.verify import verify_claims

    results = verify_claims(_oxigraph(app), claim, suite=suite_name, limit=limit, execute=not no_run)
    if as_json:
        emit_json([r.as_json() for r in results])
        return
    table = Table(title=f"{len(results)} claims checked")
    for col in ("claim", "status", "reason"):
        table.add_column(col, overflow="fold")
    colours = {"supported": "green", "contradicted": "red", "inconclusive": "yellow"}
    for r in results:
        colour = colours.get(r.status, "dim")
        table.add_row(r.claim_id, styled((r.status, colour)), r.reason)
    console.print(table)
