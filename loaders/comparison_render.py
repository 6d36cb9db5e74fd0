"""Render comparison facts back to page text, in the site's layout.

The inverse of :func:`matchgraph.loaders.comparison.parse_comparison` for complete pages:
round-trip tests and the load benchmark generate documents with it.
"""

from __future__ import annotations

from collections.abc import Collection

from matchgraph.loaders.models import ArtifactType, ClaimKind, DocumentFacts, Observation

__all__ = ["render_comparison"]

_ROWS: tuple[tuple[str, str], ...] = (
    ("UnfragileRank", "rank"),
    ("Adoption", "adoption"),
    ("Quality", "quality"),
    ("Ecosystem", "ecosystem"),
    ("Match Graph", "match_graph"),
    ("Pricing", "pricing"),
    ("Starting Price", "starting_price"),
    ("Capabilities", "capabilities_declared"),
    ("Times Matched", "times_matched"),
)


def _cell(field: str, value: object) -> str:
    if value is None:
        return "—"
    if field == "rank":
        return f"{value}/100"
    if field == "capabilities_declared":
        return f"{value} decomposed"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_comparison(
    facts: DocumentFacts, *, url: str | None = None, broken_rows: Collection[str] = ()
) -> str:
    """Page text for ``facts``; rows named in ``broken_rows`` are split one cell per line."""
    a, b = facts.artifacts
    obs = {o.artifact: o for o in facts.observations}
    lines: list[str] = []
    if url:
        lines += [f"URL: {url}", ""]
    lines.append(facts.title or f"{a.name} vs {b.name}")
    lines.append(facts.summary or "Side-by-side comparison to help you choose.")
    lines += [f"| Feature | {a.name} | {b.name} |", "|---|---|---|"]
    lines += _row("Type", [(x.type or ArtifactType.OTHER).label for x in (a, b)], "Type" in broken_rows)
    for label, field in _ROWS:
        values = [getattr(obs.get(x.slug) or Observation(artifact=x.slug), field) for x in (a, b)]
        if field == "starting_price" and all(v is None for v in values):
            continue
        lines += _row(label, [_cell(field, v) for v in values], label in broken_rows)
    for ref in (a, b):
        caps = [c for c in facts.capabilities if c.artifact == ref.slug]
        more = dict(facts.announced_more).get(ref.slug)
        if not caps and not more:
            continue
        lines.append(f"{ref.name} Capabilities")
        for cap in caps:
            if cap.name:
                lines.append(cap.name)
            lines.append(cap.description)
            for kind, prefix in ((ClaimKind.UNIQUE, "Unique: "), (ClaimKind.VS_ALTERNATIVES, "vs alternatives: ")):
                statement = cap.statement(kind)
                if statement is not None:
                    lines.append(prefix + statement.text)
        if more:
            lines.append(f"+{more} more capabilities")
    if facts.verdict is not None:
        lines += ["Verdict", facts.verdict.text]
    return "\n".join(lines) + "\n"


def _row(label: str, values: list[str], broken: bool) -> list[str]:
    if broken:
        return [f"| {label} |"] + [f"| {v} |" for v in values]
    return [f"| {label} | " + " | ".join(values) + " |"]
