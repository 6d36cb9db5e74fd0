"""``claims NAME --status``: each typed claim with its status against measured runs."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from matchgraph.cli.app import console, emit_json
from matchgraph.queries.snapshot import ClaimRecord

__all__ = ["print_claim_statuses"]


def print_claim_statuses(store: Any, found: list[ClaimRecord], as_json: bool) -> None:
    from matchgraph.runners.evidence_view import claim_statuses

    statuses = claim_statuses(store, found)
    if as_json:
        emit_json([{"subject": c.subject, "relation": c.relation, "polarity": c.polarity,
                    "other": [*c.others, *c.classes], "aspect": c.aspect, "text": c.text, "source": c.source, **s}
                   for c, s in zip(found, statuses, strict=True)])
        return
    table = Table(title=f"{len(found)} claims with status")
    for col in ("id", "claimant", "relation", "other side", "status", "reason"):
        table.add_column(col, overflow="fold")
    for c, s in zip(found, statuses, strict=True):
        table.add_row(str(s["claim_id"]), c.subject, c.relation, ", ".join([*c.others, *c.classes]),
                      str(s["status"]), str(s["reason"]))
    console.print(table)
