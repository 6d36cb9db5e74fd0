"""Parse an "A vs B" comparison page (plain text or markdown) into typed facts.

The page is read as a sequence of recognisable elements (title, summary, feature table,
capability headings, capability blocks, "+N more capabilities", verdict). Pages cut off by
their source load what is whole and say what is missing; anything that cannot be read at
all raises :class:`LoadError` naming the document and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from matchgraph.errors import LoadError
from matchgraph.loaders.comparison_table import FeatureTable, parse_table
from matchgraph.loaders.comparison_verdict import parse_summary, parse_verdict
from matchgraph.loaders.models import (
    ArtifactRef,
    Capability,
    ClaimKind,
    DocumentFacts,
    Observation,
    SourceInfo,
    Statement,
)
from matchgraph.loaders.normalise import strip_shortening
from matchgraph.loaders.slugs import pair_slugs_from_url, slugify

__all__ = ["parse_comparison"]

_TITLE = re.compile(r"^(?P<a>.+?) vs (?P<b>.+)$")
_MORE = re.compile(r"^\+(?P<n>\d+) more capabilit(?:y|ies)$", re.IGNORECASE)
_PREFIXES: tuple[tuple[str, ClaimKind], ...] = (
    ("unique:", ClaimKind.UNIQUE),
    ("vs alternatives:", ClaimKind.VS_ALTERNATIVES),
    ("vs others:", ClaimKind.VS_ALTERNATIVES),
)
_FOOTERS = ("need something different?", "search the match graph")


@dataclass
class _Block:
    """A capability being assembled from consecutive lines."""

    artifact: int
    plain: list[tuple[int, str]] = field(default_factory=list)
    statements: dict[ClaimKind, tuple[int, str]] = field(default_factory=dict)

    @property
    def whole(self) -> bool:
        return bool(self.plain) and ClaimKind.VS_ALTERNATIVES in self.statements

    @property
    def empty(self) -> bool:
        return not self.plain and not self.statements


@dataclass
class _State:
    document: str
    lines: list[tuple[int, str]]
    names: list[str] = field(default_factory=list)
    title: str | None = None
    summary: str | None = None
    summary_line: int | None = None
    table: FeatureTable | None = None
    headings_seen: bool = False
    current: int | None = None
    blocks: list[_Block] = field(default_factory=list)
    more: dict[int, int] = field(default_factory=dict)
    verdict: tuple[int, str] | None = None
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _statement_kind(text: str) -> tuple[ClaimKind, str] | None:
    lowered = text.lower()
    for prefix, kind in _PREFIXES:
        if lowered.startswith(prefix):
            return kind, text[len(prefix) :].strip()
    return None


def parse_comparison(
    text: str, *, document: str, source: SourceInfo, body_offset: int = 0
) -> DocumentFacts:
    """Parse one comparison page. ``body_offset`` is the number of header lines stripped
    before ``text`` (an address line), so reported line numbers match the original file.

    Raises:
        LoadError: the page has no recognisable structure, or a table value is malformed.
    """
    lines = [
        (body_offset + i + 1, raw.rstrip())
        for i, raw in enumerate(text.splitlines())
        if raw.strip()
    ]
    if not lines:
        raise LoadError("document is empty", document=document, line=body_offset + 1)
    state = _State(document=document, lines=lines)
    position = _read_head(state)
    _read_body(state, position)
    return _assemble(state, source)


def _read_head(state: _State) -> int:
    """Title, summary and table, each optional (pages may start mid-page)."""
    lines, i = state.lines, 0
    first = lines[0][1]
    title = _TITLE.match(first)
    if title and not first.startswith("|") and _statement_kind(first) is None:
        state.title = first.strip()
        state.names = [title.group("a").strip(), title.group("b").strip()]
        i = 1
    if i < len(lines) and not lines[i][1].startswith("|") and _is_summary(lines[i][1]):
        state.summary, state.summary_line = lines[i][1].strip(), lines[i][0]
        i += 1
    start = i
    while i < len(lines) and lines[i][1].lstrip().startswith("|"):
        i += 1
    if i > start:
        state.table = parse_table(lines[start:i], document=state.document)
        state.names = list(state.table.names)
        if not state.table.complete:
            state.missing.append("feature table (cut off)")
    return i


def _is_summary(line: str) -> bool:
    lowered = line.lower()
    return " ranks higher at " in lowered or lowered.startswith("side-by-side comparison")


def _heading_index(state: _State, line: str) -> int | None:
    if not line.endswith(" Capabilities"):
        return None
    name = line[: -len(" Capabilities")].strip()
    for index, known in enumerate(state.names):
        if known == name:
            return index
    if len(state.names) < 2 and name:
        state.names.append(name)
        return len(state.names) - 1
    return None


def _read_body(state: _State, i: int) -> None:
    lines = state.lines
    block: _Block | None = None
    while i < len(lines):
        no, line = lines[i]
        stripped = line.strip()
        heading = _heading_index(state, stripped)
        more = _MORE.match(stripped)
        kind = _statement_kind(stripped)
        if heading is not None:
            block = _close(state, block)
            state.headings_seen, state.current = True, heading
        elif more:
            block = _close(state, block)
            state.more[_owner(state)] = int(more.group("n"))
        elif stripped.lower() == "verdict":
            block = _close(state, block)
            state.verdict = _read_verdict(lines, i + 1)
            return
        elif kind is not None:
            block = block or _Block(artifact=_owner(state))
            if kind[0] in block.statements or (
                kind[0] is ClaimKind.UNIQUE and ClaimKind.VS_ALTERNATIVES in block.statements
            ):
                block = _close(state, block)
                block = _Block(artifact=_owner(state))
            block.statements[kind[0]] = (no, kind[1])
        else:
            if block is not None and block.statements:
                block = _close(state, block)
            block = block or _Block(artifact=_owner(state))
            block.plain.append((no, stripped))
        i += 1
    _close(state, block)


def _owner(state: _State) -> int:
    if state.current is None:
        state.current = 0
        if not state.headings_seen:
            state.notes.append(
                "no per-artifact capability heading: capabilities attributed to the first artifact"
            )
    return state.current


def _close(state: _State, block: _Block | None) -> None:
    if block is not None and not block.empty:
        state.blocks.append(block)
    return None


def _read_verdict(lines: list[tuple[int, str]], i: int) -> tuple[int, str] | None:
    parts: list[str] = []
    first = None
    while i < len(lines):
        no, line = lines[i]
        if any(line.strip().lower().startswith(f) for f in _FOOTERS):
            break
        first = first or no
        parts.append(line.strip())
        i += 1
    return (first, " ".join(parts)) if parts and first is not None else None


def _assemble(state: _State, source: SourceInfo) -> DocumentFacts:
    if not state.names:
        state.names = _names_from_address(source.url)
    if not state.names:
        raise LoadError(
            "not a comparison page: no title, feature table or address names the artifacts",
            document=state.document,
            line=state.lines[0][0],
        )
    slugs = _slugs(state.names, source.url)
    if not state.blocks and state.table is None and state.title is None:
        raise LoadError(
            "not a comparison page: no title, feature table or capability found",
            document=state.document,
            line=state.lines[0][0],
        )
    artifacts = _artifacts(state, slugs, addressed=_addressed_pair(state.names, source.url) is not None)
    capabilities = _capabilities(state, slugs)
    observations = _observations(state, slugs)
    verdict = None
    if state.verdict is not None:
        verdict = parse_verdict(state.verdict[1], line=state.verdict[0], names=state.names, slugs=slugs)
    if state.summary and state.table is not None:
        state.notes.extend(parse_summary(state.summary, state.names, state.table))
    _check_missing(state, slugs, len(capabilities))
    return DocumentFacts(
        source=source.model_copy(update={"title": state.title or source.title}),
        title=state.title,
        summary=state.summary,
        artifacts=tuple(artifacts),
        observations=tuple(observations),
        capabilities=tuple(capabilities),
        announced_more=tuple((slugs[i], n) for i, n in sorted(state.more.items()) if i < len(slugs)),
        verdict=verdict,
        complete=not state.missing,
        missing=tuple(state.missing),
        notes=tuple(state.notes),
    )


def _names_from_address(url: str | None) -> list[str]:
    pair = pair_slugs_from_url(url) if url else None
    if pair is None:
        return []
    return [slug.split("--")[-1] for slug in pair]


def _addressed_pair(names: list[str], url: str | None) -> tuple[str, str] | None:
    return pair_slugs_from_url(url, (names[0], names[1])) if url and len(names) == 2 else None


def _slugs(names: list[str], url: str | None) -> list[str]:
    pair = _addressed_pair(names, url)
    if pair is not None:
        return list(pair)
    slugs = [slugify(n) or f"artifact-{i}" for i, n in enumerate(names)]
    if len(slugs) == 2 and slugs[0] == slugs[1]:
        slugs[1] += "-2"
    return slugs


def _artifacts(state: _State, slugs: list[str], *, addressed: bool) -> list[ArtifactRef]:
    refs = []
    for index, (name, slug) in enumerate(zip(state.names, slugs, strict=False)):
        kind = state.table.values[index].get("type") if state.table else None
        line = state.table.header_line if state.table else state.lines[0][0]
        ref = ArtifactRef(slug=slug, name=name, type=kind, line=line, addressed=addressed)  # type: ignore[arg-type]
        refs.append(ref)
    return refs


def _observations(state: _State, slugs: list[str]) -> list[Observation]:
    if state.table is None:
        return []
    out = []
    for index, slug in enumerate(slugs):
        values = {k: v for k, v in state.table.values[index].items() if k != "type"}
        if values:
            out.append(Observation(artifact=slug, line=state.table.header_line, **values))  # type: ignore[arg-type]
    for row in state.table.unknown_rows:
        state.notes.append(f"feature table row not recognised, kept as a note: {row}")
    return out


def _capabilities(state: _State, slugs: list[str]) -> list[Capability]:
    out: list[Capability] = []
    counters = [0] * len(slugs)
    last_line = state.lines[-1][0]
    cut_at_end = state.verdict is None and not strip_shortening(state.lines[-1][1])[1]
    for block in state.blocks:
        lines = [n for n, _ in block.plain] + [n for n, _ in block.statements.values()]
        if not block.whole or (cut_at_end and last_line in lines):
            state.missing.append(f"capability at line {min(lines)} (cut off)")
            continue
        if len(block.plain) > 2:
            orphan = block.plain[:-2]
            state.notes.append(f"ignored {len(orphan)} unattached line(s) from line {orphan[0][0]}")
        name = block.plain[-2][1] if len(block.plain) >= 2 else None
        line, description = block.plain[-1]
        statements = tuple(
            Statement(kind=kind, text=_unshorten(text), line=no)
            for kind, (no, text) in sorted(block.statements.items(), key=lambda kv: kv[1][0])
        )
        truncated = strip_shortening(description)[1] or any(
            strip_shortening(t)[1] for _, t in block.statements.values()
        )
        out.append(
            Capability(
                artifact=slugs[block.artifact],
                ordinal=counters[block.artifact],
                name=name,
                description=_unshorten(description),
                statements=statements,
                truncated=truncated,
                line=block.plain[0][0],
            )
        )
        counters[block.artifact] += 1
    return out


def _unshorten(text: str) -> str:
    return strip_shortening(text)[0]


def _check_missing(state: _State, slugs: list[str], parsed: int) -> None:
    if state.title is None:
        state.missing.insert(0, "title")
    if state.summary is None:
        state.missing.append("summary")
    if state.table is None:
        state.missing.append("feature table")
    if state.verdict is None:
        state.missing.append("verdict")
    if state.verdict is not None and state.table is not None and not state.missing:
        for index, slug in enumerate(slugs):
            declared = state.table.values[index].get("capabilities_declared")
            shown = sum(1 for b in state.blocks if b.artifact == index and b.whole)
            announced = state.more.get(index, 0)
            if isinstance(declared, int) and shown + announced != declared:
                state.notes.append(
                    f"{state.names[index]}: table declares {declared} capabilities, "
                    f"page shows {shown} and announces {announced} more"
                )
