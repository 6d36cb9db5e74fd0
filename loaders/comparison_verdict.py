"""Read what a page's summary line and verdict paragraph assert.

The assertions are kept beside the table values (never instead of them) so the match engine
can notice when a page contradicts itself, e.g. a verdict saying one side "leads on
adoption" when the table gives both the same adoption.
"""

from __future__ import annotations

import re

from matchgraph.loaders.comparison_table import FeatureTable
from matchgraph.loaders.models import Verdict

__all__ = ["SIGNAL_WORDS", "parse_summary", "parse_verdict"]

SIGNAL_WORDS: dict[str, str] = {
    "adoption": "adoption",
    "quality": "quality",
    "ecosystem": "ecosystem",
    "match graph": "match_graph",
    "matchgraph": "match_graph",
    "freshness": "freshness",
    "rank": "rank",
    "unfragilerank": "rank",
    "pricing": "pricing",
}

_HIGHER = re.compile(
    r"^(?P<win>.+?) (?:ranks|scores) higher at (?P<wr>\d{1,3})/100 vs (?P<lose>.+?) at (?P<lr>\d{1,3})/100"
)
_LEADS = re.compile(
    r"^(?P<who>.+?) (?:leads|is ahead|is stronger|is better|wins|excels) (?:on|in) (?P<signals>.+)$"
)
_CLAUSES = re.compile(r"(?:\.\s+|;\s*|,\s*while\s+|,\s*whereas\s+|,\s*but\s+|,\s*and\s+(?=\S+ (?:leads|is)))")


def _index_of(name: str, names: list[str]) -> int | None:
    wanted = name.strip().lower()
    for index, known in enumerate(names):
        if known.lower() == wanted:
            return index
    return None


def _signals(text: str) -> list[str]:
    parts = re.split(r",\s*|\s+and\s+", text.strip().rstrip("."))
    out = []
    for part in parts:
        word = part.strip().lower()
        if word:
            out.append(SIGNAL_WORDS.get(word, re.sub(r"\W+", "_", word).strip("_")))
    return out


def parse_verdict(text: str, *, line: int, names: list[str], slugs: list[str]) -> Verdict:
    """Winner and "X leads on ..." assertions of a verdict paragraph."""
    winner = None
    higher = _HIGHER.match(text)
    if higher:
        index = _index_of(higher.group("win"), names)
        winner = slugs[index] if index is not None and index < len(slugs) else None
    leads: list[tuple[str, str]] = []
    for clause in _CLAUSES.split(text):
        match = _LEADS.match(clause.strip())
        if not match:
            continue
        index = _index_of(match.group("who"), names)
        if index is None or index >= len(slugs):
            continue
        leads.extend((signal, slugs[index]) for signal in _signals(match.group("signals")))
    return Verdict(text=text, line=line, winner=winner, leads=tuple(leads))


def parse_summary(summary: str, names: list[str], table: FeatureTable) -> list[str]:
    """Notes where the summary line disagrees with the table (winner or ranks)."""
    match = _HIGHER.match(summary)
    if not match:
        return []
    notes = []
    for role, name_group, rank_group in (("winner", "win", "wr"), ("runner-up", "lose", "lr")):
        index = _index_of(match.group(name_group), names)
        if index is None:
            notes.append(f"summary names {match.group(name_group)!r}, not a table column")
            continue
        table_rank = table.values[index].get("rank")
        stated = int(match.group(rank_group))
        if table_rank is not None and table_rank != stated:
            notes.append(
                f"summary gives {names[index]} {stated}/100 but the table gives {table_rank}/100"
            )
    win_rank, lose_rank = int(match.group("wr")), int(match.group("lr"))
    if win_rank < lose_rank:
        notes.append(f"summary names {match.group('win')} as ranking higher with the lower rank")
    return notes
