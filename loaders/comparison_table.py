"""The feature table of a comparison page: cells in, one Observation per column out.

Rows may be broken over several lines (``| Ecosystem |`` then ``| 1 |`` then ``| 0 |``), so
cells are read as one stream and regrouped by the header's width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from matchgraph.errors import LoadError
from matchgraph.loaders.models import ArtifactType
from matchgraph.loaders.normalise import artifact_type

__all__ = ["FeatureTable", "parse_table", "split_cells"]

_RANK = re.compile(r"^(\d{1,3})\s*/\s*100$")
_DECLARED = re.compile(r"^(\d+)\s+decomposed$", re.IGNORECASE)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_NONE = {"—", "-", "–", "", "n/a", "none"}

# Row label (lower case) -> Observation field it fills.
ROW_FIELDS: dict[str, str] = {
    "type": "type",
    "unfragilerank": "rank",
    "adoption": "adoption",
    "quality": "quality",
    "ecosystem": "ecosystem",
    "match graph": "match_graph",
    "pricing": "pricing",
    "starting price": "starting_price",
    "capabilities": "capabilities_declared",
    "times matched": "times_matched",
}


@dataclass
class FeatureTable:
    """Parsed table: column names, per-column values by field, unknown rows, completeness."""

    names: tuple[str, ...]
    header_line: int
    values: list[dict[str, object]] = field(default_factory=list)
    unknown_rows: list[str] = field(default_factory=list)
    complete: bool = True
    last_line: int = 0


def split_cells(line: str) -> list[str]:
    """``| a | b |`` -> ``["a", "b"]``; tolerant of missing outer pipes."""
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [cell.strip() for cell in inner.split("|")]


def _is_separator(cells: list[str]) -> bool:
    return all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c) and any(cells)


def _convert(field_name: str, raw: str, *, document: str, line: int) -> object:
    value = raw.strip()
    if field_name == "type":
        return artifact_type(value) or ArtifactType.OTHER
    if field_name in ("pricing", "starting_price"):
        return None if value.lower() in _NONE else value
    if value.lower() in _NONE:
        return None
    if field_name == "rank":
        m = _RANK.match(value)
        if not m or int(m.group(1)) > 100:
            raise LoadError(f"UnfragileRank {value!r} is not 'N/100'", document=document, line=line)
        return int(m.group(1))
    if field_name == "capabilities_declared":
        m = _DECLARED.match(value) or re.match(r"^(\d+)$", value)
        if not m:
            raise LoadError(f"Capabilities {value!r} is not 'N decomposed'", document=document, line=line)
        return int(m.group(1))
    if not _NUMBER.match(value):
        raise LoadError(f"{field_name} value {value!r} is not a number", document=document, line=line)
    if field_name == "times_matched":
        if "." in value:
            raise LoadError(f"Times Matched {value!r} is not a whole number", document=document, line=line)
        return int(value)
    return float(value)


def parse_table(lines: list[tuple[int, str]], *, document: str) -> FeatureTable:
    """Parse consecutive ``|`` lines (with their 1-based line numbers) into a table."""
    header_no, header = lines[0]
    head = split_cells(header)
    if len(head) < 3:
        raise LoadError(
            "feature table header needs a label column and two artifact columns",
            document=document,
            line=header_no,
        )
    names = tuple(head[1:])
    if any(not n for n in names):
        raise LoadError("feature table header has an empty artifact name", document=document, line=header_no)
    table = FeatureTable(names=names, header_line=header_no, last_line=header_no)
    table.values = [{} for _ in names]
    width = len(head)
    pending: list[str] = []
    pending_line = header_no
    for no, text in lines[1:]:
        cells = split_cells(text)
        table.last_line = no
        if not pending and _is_separator(cells):
            continue
        if not pending:
            pending_line = no
        pending.extend(cells)
        if len(pending) > width:
            raise LoadError(
                f"table row has {len(pending)} cells, expected {width}",
                document=document,
                line=pending_line,
            )
        if len(pending) == width:
            _store_row(table, pending, document=document, line=pending_line)
            pending = []
    if pending:
        table.complete = False
    return table


def _store_row(table: FeatureTable, cells: list[str], *, document: str, line: int) -> None:
    label, values = cells[0], cells[1:]
    field_name = ROW_FIELDS.get(label.lower())
    if field_name is None:
        table.unknown_rows.append(f"line {line}: {label} = {' | '.join(values)}")
        return
    for column, raw in enumerate(values):
        table.values[column][field_name] = _convert(field_name, raw, document=document, line=line)
