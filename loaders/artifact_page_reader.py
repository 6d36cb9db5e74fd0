"""Reading an artifact page's lines into its parts (head fields, capability blocks, the
"+N more" line) before they become facts; see :mod:`matchgraph.loaders.artifact_page`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from matchgraph.loaders.models import ClaimKind
from matchgraph.loaders.normalise import strip_shortening
from matchgraph.loaders.site_text import Line, TypePricing, split_type_pricing, statement_text

__all__ = ["CONFIDENCE", "DECLARED", "Block", "Page", "read_page"]

DECLARED = re.compile(r"^Capabilities\s*(?P<n>\d{1,9})\s*decomposed$", re.IGNORECASE)
CONFIDENCE = re.compile(r"^(?P<level>High|Medium|Low) confidence\s*(?P<text>.*)$")
_MORE = re.compile(r"^\+(?P<n>\d{1,9}) more capabilit(?:y|ies)$", re.IGNORECASE)


@dataclass
class Block:
    """One capability block: name line, confidence line, the lines after it."""

    name: Line | None
    confidence: Line
    level: str
    description: str
    rest: list[Line] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return (self.name or self.confidence)[0]

    @property
    def last_line(self) -> int:
        """The block's own last line: its "vs alternatives" line, or the last it has
        (lines after the two statements are not the block's, see ``_capabilities``)."""
        return (self.rest[:2][-1] if self.rest else self.confidence)[0]

    def gap(self) -> str | None:
        """Why the block cannot load as a whole capability, or None when it can."""
        if self.name is None:
            return "no name line"
        if not strip_shortening(self.description)[0]:
            return "no description"
        if len(self.rest) < 2:
            return "no vs alternatives line" if self.rest else "no unique and vs alternatives lines"
        if not statement_text(self.rest[0][1], ClaimKind.UNIQUE):
            return "empty unique statement"
        if not statement_text(self.rest[1][1], ClaimKind.VS_ALTERNATIVES):
            return "empty vs alternatives statement"
        return None


@dataclass
class Page:
    """Everything read from one page, before it becomes facts."""

    document: str
    lines: list[Line]
    url: str | None
    name: str | None = None
    name_line: int | None = None
    header: TypePricing | None = None
    header_line: int | None = None
    declared: int | None = None
    blocks: list[Block] = field(default_factory=list)
    more: int | None = None
    head_cut: set[str] = field(default_factory=set)
    """Head fields whose line is the page's last and may stop mid-word (not loaded)."""
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)



def read_page(page: Page) -> None:
    """Fill ``page`` from its lines: the head, the capability blocks, the "+N more" line."""
    position = _read_head(page)
    end = _read_more(page, position)
    _read_blocks(page, position, end)


def _read_head(page: Page) -> int:
    """Name, type/pricing/tagline line and declared count; each may be absent or cut off."""
    lines, i = page.lines, 0
    first = lines[0][1]
    next_is_declared = len(lines) > 1 and DECLARED.match(lines[1][1]) is not None
    starts_mid_page = (
        DECLARED.match(first)
        or CONFIDENCE.match(first)
        or (next_is_declared and split_type_pricing(first) is not None)
    )
    if not starts_mid_page:
        if _cut_at(page, 0):
            page.head_cut.add("artifact name")
        else:
            page.name, page.name_line = first, lines[0][0]
        i = 1
    if i < len(lines) and not DECLARED.match(lines[i][1]) and not CONFIDENCE.match(lines[i][1]):
        header = split_type_pricing(lines[i][1])
        if _cut_at(page, i):
            page.head_cut.add("type, pricing and tagline line")  # "ModelFree" may be "Freemium"
            i += 1
        elif header is not None:
            page.header, page.header_line = header, lines[i][0]
            i += 1
    if i < len(lines) and (declared := DECLARED.match(lines[i][1])):
        page.declared = int(declared.group("n"))
        i += 1
    elif i < len(lines) and _cut_at(page, i) and "capabilities".startswith(lines[i][1].lower()[:12]):
        page.head_cut.add("declared capability count")
        i += 1
    return i


def _cut_at(page: Page, index: int) -> bool:
    """True when line ``index`` is the page's last and may stop mid-word."""
    return index == len(page.lines) - 1 and not strip_shortening(page.lines[index][1])[1]


def _read_more(page: Page, start: int) -> int:
    """Find a ``+N more capabilities`` line; the blocks end there. Returns that index."""
    for index in range(start, len(page.lines)):
        more = _MORE.match(page.lines[index][1])
        if more:
            page.more = int(more.group("n"))
            trailing = page.lines[index + 1 :]
            if trailing:
                page.notes.append(f"ignored {len(trailing)} line(s) after line {page.lines[index][0]}")
            return index
    return len(page.lines)


def _read_blocks(page: Page, start: int, end: int) -> None:
    """Cut lines ``start..end`` into blocks anchored on their confidence lines.

    The line before each confidence line is the block's name; the lines after it, up to
    the next name, are its statements. Lines before the first block are kept as notes,
    unless the page ends there (then they are a cut-off capability's first lines).
    """
    lines = page.lines
    anchors = [i for i in range(start, end) if CONFIDENCE.match(lines[i][1])]
    anchor_set = set(anchors)
    cursor = start
    for j, k in enumerate(anchors):
        name_index = k - 1 if k - 1 >= cursor and k - 1 not in anchor_set else None
        _unattached(page, cursor, k if name_index is None else name_index, end)
        nxt = anchors[j + 1] if j + 1 < len(anchors) else None
        stop = end if nxt is None else (nxt - 1 if nxt - 1 > k else nxt)
        confidence = CONFIDENCE.match(lines[k][1])
        assert confidence is not None
        page.blocks.append(
            Block(
                name=lines[name_index] if name_index is not None else None,
                confidence=lines[k],
                level=confidence.group("level"),
                description=confidence.group("text").strip(),
                rest=list(lines[k + 1 : stop]),
            )
        )
        cursor = stop
    if not anchors:
        _unattached(page, cursor, end, end)


def _unattached(page: Page, first: int, stop: int, end: int) -> None:
    """Lines that belong to no block: a cut-off capability at the page's end, else noise."""
    if first >= stop:
        return
    if stop == end == len(page.lines):
        page.missing.append(f"capability at line {page.lines[first][0]} (cut off)")
    else:
        page.notes.append(f"ignored {stop - first} unattached line(s) from line {page.lines[first][0]}")
