"""``match`` (which artifact fits a need), ``feedback`` (the outcome of a match) and
``rank`` (composite ranks with their stability)."""

from __future__ import annotations

import dataclasses

import click
from rich.table import Table

from matchgraph.cli.app import AppContext, console, emit_json, pass_app

__all__ = ["feedback", "match", "rank"]


@click.command()
@click.argument("text")
@click.option("--top", "k", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--type", "types", multiple=True, help="Only artifacts of this type (model, repository, mcp_server...).")
@click.option("--free", is_flag=True, help="Only artifacts known to be free.")
@click.option("--local", is_flag=True, help="Only artifacts that run locally.")
@click.option("--open-weights", is_flag=True, help="Only artifacts with open weights.")
@click.option("--embeddings/--no-embeddings", default=True, show_default=True,
              help="Hybrid retrieval with sentence embeddings when the embeddings extra is installed "
                   "(--no-embeddings: lexical and graph signals only).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def match(app: AppContext, text: str, k: int, types: tuple[str, ...], free: bool, local: bool,
          open_weights: bool, embeddings: bool, as_json: bool) -> None:
    """Rank artifacts for a need written in plain words, with the path that led to each."""
    from matchgraph.queries.need.constraints import NeedConstraints

    options = NeedConstraints(free=free, local=local, open_weights=open_weights, types=types)
    engine = app.engine()  # first: it finds out whether this answer can be recorded
    found = engine.match(text, top=k, constraints=options, embeddings=embeddings, record=app.records)
    answer, match_id = found.answer, found.match_id
    if as_json:
        emit_json([{"match_id": match_id, **dataclasses.asdict(r)} for r in answer.results])
        return
    table = Table(title=f"{text}  (match {match_id})" if match_id else text)
    for col in ("#", "artifact", "score", "path", "constraints"):
        table.add_column(col, overflow="fold")
    for i, r in enumerate(answer.results, 1):
        path = " → ".join(f"{s.label}" for s in r.path[1:])
        applied = ", ".join(f"{c.name}: {c.effect}" for c in r.constraints)
        table.add_row(str(i), r.name, f"{r.score:.3f}", path, applied)
    console.print(table)
    if answer.note:
        console.print(answer.note, highlight=False)
    if embeddings:
        from matchgraph.loaders.embeddings import default_embedder

        if default_embedder() is None:
            console.print("lexical matching only: the embeddings extra is not installed or switched off")
    if match_id:
        console.print(f"tell matchgraph how it went: matchgraph feedback {match_id} success|failure")
    else:
        console.print("not recorded (a load is writing the store): ask again after it to give feedback")


@click.command()
@click.argument("match_id")
@click.argument("outcome", type=click.Choice(["success", "failure"]))
@click.option("--artifact", help="The result the outcome is about (slug; default: the top result).")
@click.option("--comment", help="Why it worked or did not.")
@click.option("--source", default="cli", show_default=True, help="Who reports the outcome.")
@pass_app
def feedback(app: AppContext, match_id: str, outcome: str, artifact: str | None, comment: str | None, source: str) -> None:
    """Record whether a match worked; later matches use the Beta posterior of its capabilities."""
    event = app.engine().feedback(match_id, outcome, artifact=artifact, source=source, comment=comment)
    console.print(f"recorded {event.outcome.value} for {event.match_id} "
                  f"({len(event.capabilities)} capabilities, {len(event.intents)} intents)")


@click.command()
@click.option("--weights", help='Weights, e.g. "adoption=0.3,quality=0.3" (the rest split over the others).')
@click.option("--samples", type=click.IntRange(min=100), default=2000, show_default=True)
@click.option("--concentration", type=float, default=50.0, show_default=True, help="Dirichlet concentration around the weights.")
@click.option("--top", "limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def rank(app: AppContext, weights: str | None, samples: int, concentration: float, limit: int, seed: int, as_json: bool) -> None:
    """Recompute composite ranks from the signals, compare with the observed ranks, and
    say how stable each ordering is when the weights move."""
    from matchgraph.queries.ranks.weights import RankWeights

    answer = app.engine().rank(RankWeights.parse(weights) if weights else None, samples=samples,
                               concentration=concentration, limit=limit, seed=seed)
    chosen, rows, fit, report = answer.weights, answer.rows, answer.agreement, answer.stability
    ranges = {r.slug: r for r in report.ranks}
    if as_json:
        emit_json({
            "weights": dataclasses.asdict(chosen),
            "agreement": dataclasses.asdict(fit),
            "scored": answer.scored,
            "rows": [dataclasses.asdict(r) | {"range": dataclasses.asdict(ranges[r.slug]) if r.slug in ranges else None} for r in rows],
            "orderings": [dataclasses.asdict(o) for o in report.orderings],
            "tie_groups": [list(g) for g in report.tie_groups],
        })
        return
    table = Table(title=f"recomputed ranks ({samples} weight samples, concentration {concentration:g})")
    for col in ("#", "artifact", "composite", "rank range", "observed", "delta", "coverage"):
        table.add_column(col, overflow="fold")
    for r in rows[:limit]:
        span = ranges.get(r.slug)
        shown = f"{span.low}–{span.high}" if span and span.low != span.high else (str(span.low) if span else "")
        observed = ", ".join(f"{o.rank}" for o in r.observed)
        delta = "" if r.delta is None else f"{r.delta:+.1f}"
        table.add_row(str(r.position), r.name, f"{r.composite:.1f}", shown, observed, delta, f"{r.coverage:.0%}")
    console.print(table)
    for o in report.orderings[:limit]:
        console.print(f"{o.ahead} stays ahead of {o.behind} in {o.p_ahead:.0%} of weightings (tied {o.p_tie:.0%})", highlight=False)
