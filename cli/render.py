"""Rich rendering of the library's typed views (no logic beyond layout)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from matchgraph.cli.app import console

if TYPE_CHECKING:  # `stats` and the other commands of cmd_read.py must not import pydantic's models
    from matchgraph.queries.views.artifact import ArtifactView

__all__ = ["render_artifact"]

_SIGNALS = ("rank", "adoption", "quality", "ecosystem", "match_graph", "times_matched", "pricing", "starting_price", "capabilities_declared")


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short(source: str) -> str:
    """The last path segment of a document key (file name or page slug)."""
    return source.rstrip("/").rsplit("/", 1)[-1]


def render_artifact(view: ArtifactView) -> None:
    console.print(Panel(Text(f"{view.name}  ({view.slug})  type: {view.type or 'unknown'}", style="bold")))
    if view.observations:
        table = Table(title="observations (one column per source)")
        table.add_column("signal")
        for obs in view.observations:
            table.add_column(_short(obs.source), overflow="fold")
        for name in _SIGNALS:
            values = [getattr(obs, name) for obs in view.observations]
            if any(v is not None for v in values):
                table.add_row(name.replace("_", " "), *(_fmt(v) for v in values))
        console.print(table)
    if view.same_as:
        console.print(f"also known as: {', '.join(view.same_as)}", highlight=False)
    for cap in view.capabilities:
        body = Text()
        body.append(cap.description + "\n")
        if cap.unique:
            body.append("Unique: ", style="bold green").append(cap.unique + "\n")
        if cap.vs_alternatives:
            body.append("vs alternatives: ", style="bold yellow").append(cap.vs_alternatives + "\n")
        if cap.concepts:
            body.append("concepts: ", style="bold cyan").append(", ".join(cap.concepts) + "\n")
        if cap.intents:
            body.append("intents: ", style="bold cyan").append("; ".join(cap.intents) + "\n")
        for claim in cap.claims:
            others = ", ".join(claim.other) or "—"
            aspect = f" on {claim.aspect}" if claim.aspect else ""
            body.append(f"  claim: {claim.relation} [{claim.polarity}] {others}{aspect}\n", style="magenta")
        title = f"#{cap.ordinal} {cap.name or ''}".strip()
        console.print(Panel(body, title=title, subtitle=_short(cap.source), subtitle_align="right"))
