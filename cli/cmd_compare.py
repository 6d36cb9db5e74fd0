"""``matchgraph compare A B [--for NEED]``: a verdict written from the graph."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.panel import Panel
from rich.table import Table

from matchgraph.cli.app import AppContext, console, emit_json, pass_app
from matchgraph.cli.output import styled

if TYPE_CHECKING:
    from matchgraph.queries.match.verdict import Verdict

__all__ = ["compare"]


@click.command()
@click.argument("first")
@click.argument("second")
@click.option("--for", "need", help="A need in plain words: which of the two fits it, and why.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def compare(app: AppContext, first: str, second: str, need: str | None, as_json: bool) -> None:
    """Compare two artifacts from the graph: ranks and signals with sources, who leads where,
    shared and distinct capabilities, claims, whether they are alternatives at all, and
    where a page contradicts itself."""
    engine = app.engine()
    verdict = engine.compare(first, second, need=need)
    from matchgraph.runners.evidence_view import compare_sentences

    mine = engine.claims(artifact=verdict.a) + engine.claims(artifact=verdict.b)
    measured = compare_sentences(engine.store, verdict.a, verdict.b, claims=mine)
    if as_json:
        from matchgraph.queries.match.verdict import verdict_json

        emit_json({**verdict_json(verdict), "measured": measured})
        return
    _render(verdict)
    for line in measured:
        console.print(styled(("measured", "cyan"), " ", line))


def _render(v: Verdict) -> None:
    console.print(Panel(v.text, title=f"{v.names[0]} vs {v.names[1]}"))
    table = Table(title="signals (every source)")
    for col in ("signal", v.names[0], v.names[1], "leader", "basis"):
        table.add_column(col, overflow="fold")
    for s in v.signals:
        fmt = lambda vals: "; ".join(f"{x:g} ({src.rsplit('/', 1)[-1]})" for src, x in vals) or "—"  # noqa: E731
        table.add_row(s.signal, fmt(s.a_values), fmt(s.b_values), s.leader or "—", s.basis)
    console.print(table)
    from matchgraph.cli.cmd_match import waterfall

    console.print(waterfall(v.pair))
    if v.only_a or v.only_b:
        console.print(styled((f"only {v.names[0]}:", "bold"), f" {', '.join(v.only_a) or '—'}"))
        console.print(styled((f"only {v.names[1]}:", "bold"), f" {', '.join(v.only_b) or '—'}"))
    for c in v.claims_between:
        console.print(styled(("claim", "magenta"), f" {c.subject} {c.relation} [{c.polarity}] {', '.join(c.others)}: {c.text}"))
    for other, claims in v.shared_third_parties.items():
        console.print(styled((f"both compare themselves with {other}", "magenta"), ": " + "; ".join(f"{c.subject} {c.relation}" for c in claims)))
    for item in (*v.inconsistencies, *v.disagreements):
        console.print(styled(("inconsistency", "yellow"), f" ({item.signal}): {item.text}"))
    if v.need:
        console.print(Panel(str(v.need.get("text", "")), title=f"for: {v.need.get('need')}"))
