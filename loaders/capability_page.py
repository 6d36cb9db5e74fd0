"""Parse a single-capability page (``https://unfragile.ai/capability/<slug>``) into facts.

The page is about a kind of capability (its address names it, e.g.
``note-storage-and-persistence``) and opens with the artifact that provides it, its fields
run together::

    <artifact name><Type><NN>/100 via “<capability-name>”
    <the artifact's tagline>
    Unique: <what is unique about the artifact's capability>
    vs others: <how it compares>

Decisions, in one place:

- The artifact's slug is ``slugify(name)`` with ``addressed=False``: the page address is
  the capability's, not the artifact's, so it says nothing about the artifact's slug.
- The type label between name and rank is matched against the known display labels
  (longest first, the name being the shortest prefix that leaves a label directly before
  the rank); an unknown capitalised word there gives ``ArtifactType.OTHER`` plus a
  ``type:<word>`` tag and a note.
- The rank becomes the artifact's :class:`Observation` (``rank``); a rank over 100 is an
  error, as in comparison tables.
- The tagline belongs to the artifact (artifact pages show the same line under the name),
  so it is ``DocumentFacts.summary``, never the capability's description.
- The page shows no capability description. The "Unique:" text stands in for it (it says
  what the capability does and how), else the "vs others:" text, else the capability
  name; a note records which. The statements are still emitted as statements.
- The address's slug (the capability kind) becomes the capability's ``categories``.
- Only the first line is needed to load; the page's last line may stop mid-word, so a
  tagline or statement on the last line is loaded only when it ends with the shortening
  marker ``[…]`` (shortened but whole), and is otherwise named in ``missing``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from matchgraph.errors import LoadError
from matchgraph.loaders.site_text import TYPE_LABELS, Line, page_lines, page_slug
from matchgraph.loaders.models import (
    ArtifactRef,
    ArtifactType,
    Capability,
    ClaimKind,
    DocumentFacts,
    DocumentFormat,
    Observation,
    Statement,
)
from matchgraph.loaders.normalise import artifact_type, strip_shortening, type_tag
from matchgraph.loaders.slugs import slugify
from matchgraph.loaders.source import read_body, source_info

__all__ = ["CapabilityHead", "looks_like_capability_page", "parse_capability_page", "split_capability_head"]

_LABELS = "|".join(re.escape(label) for label in TYPE_LABELS)
_VIA = r"(?P<rank>\d{1,4})/100\s+via\s+[“\"](?P<capability>.+?)[”\"]\s*$"
_KNOWN_HEAD = re.compile(rf"^(?P<name>.+?)(?P<type>{_LABELS}){_VIA}")
_UNKNOWN_HEAD = re.compile(rf"^(?P<name>.+)(?P<type>[A-Z][a-z]+){_VIA}")
_PREFIXES: tuple[tuple[str, ClaimKind], ...] = (
    ("unique:", ClaimKind.UNIQUE),
    ("vs others:", ClaimKind.VS_ALTERNATIVES),
    ("vs alternatives:", ClaimKind.VS_ALTERNATIVES),
)
_KIND_LABELS = {ClaimKind.UNIQUE: "unique statement", ClaimKind.VS_ALTERNATIVES: "vs others statement"}


@dataclass(frozen=True)
class CapabilityHead:
    """What the first line glues together."""

    name: str
    type: ArtifactType
    type_word: str
    rank: int
    capability: str
    known_type: bool


@dataclass
class _Page:
    """What was read from the lines after the first."""

    tagline: Line | None = None
    statements: dict[ClaimKind, Line] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_capability_head(line: str) -> CapabilityHead | None:
    """Split ``<name><Type><N>/100 via “<capability>”``; None when the line is not one.

    >>> head = split_capability_head("tiny-ocrCLI Tool7/100 via “reads receipts”")
    >>> head.name, head.type.value, head.rank, head.capability
    ('tiny-ocr', 'cli_tool', 7, 'reads receipts')
    """
    stripped = line.strip()
    match = _KNOWN_HEAD.match(stripped)
    known = match is not None
    match = match or _UNKNOWN_HEAD.match(stripped)
    if match is None or not match.group("name").strip() or not match.group("capability").strip():
        return None
    word = match.group("type")
    return CapabilityHead(
        name=match.group("name").strip(),
        type=artifact_type(word) or ArtifactType.OTHER,
        type_word=word,
        rank=int(match.group("rank")),
        capability=match.group("capability").strip(),
        known_type=known,
    )


def looks_like_capability_page(body: str) -> bool:
    """Content sniff for a capability page without an address header: its first line is
    ``<name><Type><N>/100 via “<capability>”``."""
    first = next((line for line in body[:2000].split("\n") if line.strip()), "")
    return split_capability_head(first) is not None


def parse_capability_page(text: str, *, document: str, path: str | None = None) -> DocumentFacts:
    """The artifact, its rank and its one capability from a capability page.

    ``text`` is the file as given (an optional ``URL:`` header included); ``document``
    names it in errors; ``path`` becomes the source key when there is no address.

    Raises:
        LoadError: the page is empty, its first line is not the
            ``<name><Type><N>/100 via “<capability>”`` line, the rank is over 100, or the
            artifact's name gives no slug.

    >>> page = "tiny-ocrModel7/100 via “reads receipts”\\nReads text.\\nUnique: Small […]\\n"
    >>> facts = parse_capability_page(page, document="cap.txt")
    >>> facts.observations[0].rank, facts.capabilities[0].description, facts.complete
    (7, 'Small', False)
    """
    body = read_body(text)
    lines = page_lines(body)
    if not lines:
        raise LoadError("document is empty", document=document, line=body.header_lines + 1)
    head = _head(lines[0], document)
    slug = slugify(head.name)
    if not slug:
        raise LoadError(
            f"artifact name {head.name!r} has no letter or digit to make a slug from",
            document=document,
            line=lines[0][0],
        )
    page = _read_rest(lines)
    if not head.known_type:
        page.notes.append(f"type {head.type_word!r} is not a known type label")
    capability = _capability(head, page, slug, lines[0][0], page_slug(body.url, "capability"))
    return DocumentFacts(
        source=source_info(
            body.text,
            document=document,
            format=DocumentFormat.CAPABILITY_PAGE,
            url=body.url,
            path=path,
        ),
        summary=_tagline(page),
        artifacts=(
            ArtifactRef(
                slug=slug,
                name=head.name,
                type=head.type,
                tags=type_tag(head.type_word),
                line=lines[0][0],
                addressed=False,
            ),
        ),
        observations=(Observation(artifact=slug, rank=head.rank, line=lines[0][0]),),
        capabilities=(capability,),
        complete=not page.missing,
        missing=tuple(page.missing),
        notes=tuple(page.notes),
    )


def _tagline(page: _Page) -> str | None:
    """The artifact's tagline, shortening marker removed."""
    return (strip_shortening(page.tagline[1])[0] or None) if page.tagline else None


def _head(first: Line, document: str) -> CapabilityHead:
    """The first line, parsed, or a LoadError saying what was expected."""
    head = split_capability_head(first[1])
    if head is None:
        raise LoadError(
            "not a capability page: the first line is not '<name><Type><N>/100 via “<capability>”'",
            document=document,
            line=first[0],
        )
    if head.rank > 100:
        raise LoadError(f"UnfragileRank {head.rank}/100 is over 100", document=document, line=first[0])
    return head


def _statement_kind(text: str) -> tuple[ClaimKind, str] | None:
    lowered = text.lower()
    for prefix, kind in _PREFIXES:
        if lowered.startswith(prefix):
            return kind, text[len(prefix) :].strip()
    return None


def _read_rest(lines: list[Line]) -> _Page:
    """Tagline and statements; a last line that may be cut off is flagged, not loaded."""
    page = _Page()
    last = lines[-1][0]
    ignored: list[Line] = []
    for index, (no, text) in enumerate(lines[1:], start=1):
        cut = no == last and not strip_shortening(text)[1]
        kind = _statement_kind(text)
        if kind is not None and kind[0] not in page.statements:
            if cut or not strip_shortening(kind[1])[0]:
                page.missing.append(f"{_KIND_LABELS[kind[0]]} at line {no} ({'cut off' if cut else 'empty'})")
            else:
                page.statements[kind[0]] = (no, kind[1])
        elif kind is None and index == 1:
            if cut:
                page.missing.append(f"tagline at line {no} (cut off)")
            else:
                page.tagline = (no, text)
        else:
            ignored.append((no, text))
    if ignored:
        page.notes.append(f"ignored {len(ignored)} line(s) from line {ignored[0][0]}")
    if page.tagline is None and not any(m.startswith("tagline") for m in page.missing):
        page.missing.insert(0, "tagline")
    for kind, label in _KIND_LABELS.items():
        if kind not in page.statements and not any(m.startswith(label) for m in page.missing):
            page.missing.append(label)
    return page


def _capability(
    head: CapabilityHead, page: _Page, slug: str, line: int, kind_slug: str | None
) -> Capability:
    """The one capability; see the module docstring for where its description comes from."""
    statements = tuple(
        Statement(kind=kind, text=strip_shortening(text)[0], line=no)
        for kind, (no, text) in sorted(page.statements.items(), key=lambda kv: kv[1][0])
    )
    source = next(
        (s for k in (ClaimKind.UNIQUE, ClaimKind.VS_ALTERNATIVES) if (s := _of(statements, k))),
        None,
    )
    if source is not None:
        description = source.text
        page.notes.append(
            f"capability description not on the page: the {_KIND_LABELS[source.kind]} "
            f"(line {source.line}) stands in for it"
        )
    else:
        description = head.capability
        page.notes.append("capability description not on the page: its name stands in for it")
    return Capability(
        artifact=slug,
        ordinal=0,
        name=head.capability,
        description=description,
        statements=statements,
        categories=(kind_slug,) if kind_slug else (),
        truncated=any(strip_shortening(text)[1] for _, text in page.statements.values()),
        line=line,
    )


def _of(statements: tuple[Statement, ...], kind: ClaimKind) -> Statement | None:
    return next((s for s in statements if s.kind is kind), None)
