"""``show``'s measured-evidence section, beside the page's signals."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from matchgraph.cli.app import console

__all__ = ["render_evidence"]

_HEADLINE = ("CharacterErrorRate", "WordErrorRate", "PagesPerSecond", "LatencyP50", "LatencyP95", "PeakMemory", "ExactMatchRate",
             "NDCGAt10", "ReciprocalRankAt10", "RecallAt10", "QueriesPerSecond")


def render_evidence(store: Any, slug: str) -> None:
    """One row per run with its run-level figures and source; or what would fill the section."""
    from matchgraph.runners.evidence import artifact_runs
    from matchgraph.runners.evidence_view import empty_evidence_note

    runs = artifact_runs(store, slug)
    if not runs:
        console.print(f"[bold]measured evidence:[/] none. {empty_evidence_note(slug)}", highlight=False)
        return
    table = Table(title="measured evidence (matchgraph's own runs)")
    for col in ("run", "suite", "figures", "weights", "caveat"):
        table.add_column(col, overflow="fold")
    for r in runs:
        figures = ", ".join(f"{f['metric']}={float(f['value']):.4g} {f['unit']}" for f in r.figures
                            if f["metric"] in _HEADLINE and not f.get("language"))
        table.add_row(r.run_id, f"{r.suite} ({r.items} items)", figures, r.weights[:40], r.caveat or "")
    console.print(table)
