"""Match commands: ``similar NAME --top K`` and ``pair A B`` (the score's waterfall).

The engine keeps the match index and its all-pairs lists beside the store, keyed by the
store's version, so a second query reads them instead of recomputing (the first query
after a load builds them). Rendering only: scores and explanations come from
:mod:`matchgraph.queries.match.pair_score` and :mod:`matchgraph.queries.match.similar`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from matchgraph.cli.app import AppContext, console, emit_json, pass_app

if TYPE_CHECKING:
    from matchgraph.queries.match.pair_score import PairScore

__all__ = ["pair", "similar_command", "waterfall"]


def _engine(app: AppContext, cache_dir: Path | None, no_cache: bool):  # type: ignore[no-untyped-def]
    """The engine, with the match index cached in ``cache_dir`` or nowhere (``--no-cache``)."""
    return app.engine(bundle_dir=cache_dir, persist=not no_cache)


def _as_json(score: PairScore) -> dict[str, object]:
    return dataclasses.asdict(score)


def _neighbour_json(score: PairScore) -> dict[str, object]:
    """One neighbour of ``similar``: its slug, the pair score, and the score's terms."""
    return {
        "slug": score.b,
        "score": score.score,
        "substitutability": score.substitutability,
        "reason": score.reason,
        "explanation": [dataclasses.asdict(t) for t in score.terms],
    }


def waterfall(score: PairScore) -> Table:
    table = Table(title=f"{score.a} vs {score.b}: {score.score:.3f} ({score.substitutability})")
    table.add_column("term")
    for col in ("weight", "value", "contribution"):
        table.add_column(col, justify="right")
    table.add_column("why", overflow="fold")
    for t in score.terms:
        table.add_row(t.name, f"{t.weight:.2f}", f"{t.value:.3f}", f"{t.contribution:.4f}",
                      t.sentence)
    table.add_row("total", "", "", f"{score.score:.4f}", score.reason, style="bold")
    return table


_CACHE = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                      envvar="MATCHGRAPH_MATCH_CACHE",
                      help="Match index cache (default: beside the store).")
_NO_CACHE = click.option("--no-cache", is_flag=True, help="Build the index in memory only.")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.command("similar")
@click.argument("name")
@click.option("--top", "k", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many neighbours to list.")
@click.option("--explain", is_flag=True, help="Show each neighbour's score waterfall.")
@_CACHE
@_NO_CACHE
@_JSON
@pass_app
def similar_command(app: AppContext, name: str, k: int, explain: bool,
                    cache_dir: Path | None, no_cache: bool, as_json: bool) -> None:
    """The artifacts nearest to NAME by pair score, with the substitutability verdict."""
    engine = _engine(app, cache_dir, no_cache)
    found = engine.similar(name, k)
    bundle = engine.bundle()
    if as_json:
        emit_json([_neighbour_json(s) for s in found])
        return
    names = dict(zip(bundle.index.slugs, bundle.index.names, strict=True))
    source = names[found[0].a if found else engine.resolve(name)]
    table = Table(title=f"nearest to {source}")
    for col in ("#", "artifact", "score", "verdict", "strongest terms"):
        table.add_column(col, justify="right" if col in ("#", "score") else "left")
    for rank, s in enumerate(found, 1):
        top = sorted(s.terms, key=lambda t: -t.contribution)[:3]
        terms = ", ".join(f"{t.name} {t.contribution:.3f}" for t in top if t.contribution > 0)
        table.add_row(str(rank), f"{names[s.b]} ({s.b})", f"{s.score:.3f}",
                      s.substitutability.replace("_", " "), terms or "—")
    console.print(table)
    if explain:
        for s in found:
            console.print(waterfall(s))


@click.command("pair")
@click.argument("first")
@click.argument("second")
@_CACHE
@_NO_CACHE
@_JSON
@pass_app
def pair(app: AppContext, first: str, second: str, cache_dir: Path | None, no_cache: bool,
         as_json: bool) -> None:
    """Score FIRST against SECOND and show every term with its evidence."""
    score = _engine(app, cache_dir, no_cache).pair(first, second)
    if as_json:
        emit_json(_as_json(score))
        return
    console.print(waterfall(score))
    for t in score.terms:
        for e in t.evidence:
            detail = f" ({e.detail})" if e.detail else ""
            console.print(f"  {t.name}: {e.kind} {e.label}{detail}", highlight=False)
