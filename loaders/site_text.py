"""Line-level readers of the site's text rendering, shared by artifact and capability pages:
numbered lines, page addresses, the glued ``<Type><Pricing>`` line, statement prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from matchgraph.loaders.models import ArtifactType, ClaimKind
from matchgraph.loaders.normalise import artifact_type, strip_shortening
from matchgraph.loaders.source import Body

__all__ = [
    "PRICING_WORDS",
    "SLUG",
    "TYPE_LABELS",
    "Line",
    "TypePricing",
    "page_lines",
    "page_slug",
    "split_type_pricing",
    "statement_text",
]

TYPE_LABELS: tuple[str, ...] = tuple(sorted((t.label for t in ArtifactType), key=len, reverse=True))
"""Display labels as the site writes them, longest first (so "MCP Server" beats a prefix)."""

PRICING_WORDS: tuple[str, ...] = ("Freemium", "Free", "Paid")
"""Pricing words glued after the type label, longest first ("Freemium" before "Free")."""

_PRICING = "|".join(PRICING_WORDS)
_UNKNOWN_TYPE = re.compile(rf"^(?P<type>[A-Z][A-Za-z]*?(?: [A-Z][A-Za-z]*?)?)(?P<pricing>{_PRICING})(?P<rest>.*)$")
SLUG = re.compile(r"^[A-Za-z0-9@][A-Za-z0-9._@/+-]*$")
"""A slug as the graph accepts it."""
_STATEMENT_PREFIXES: dict[ClaimKind, tuple[str, ...]] = {
    ClaimKind.UNIQUE: ("unique:",),
    ClaimKind.VS_ALTERNATIVES: ("vs alternatives:", "vs others:"),
}

Line = tuple[int, str]
"""A non-blank line: its 1-based number in the file (header included) and its text."""


@dataclass(frozen=True)
class TypePricing:
    """What a ``<Type><Pricing><rest>`` line says."""

    type: ArtifactType
    type_word: str
    pricing_word: str
    rest: str


def page_lines(body: Body) -> list[Line]:
    """Non-blank, stripped lines numbered as in the file (only ``\\n`` ends a line, as in
    :func:`~matchgraph.loaders.source.line_column`, so numbers match error positions)."""
    return [
        (body.header_lines + i + 1, raw.strip())
        for i, raw in enumerate(body.body.split("\n"))
        if raw.strip()
    ]


def page_slug(url: str | None, section: str) -> str | None:
    """The slug of a ``.../<section>/<slug>`` address, kept as the site spells it.

    None when the address is not such a page or the slug is not one the graph accepts.

    >>> page_slug("https://unfragile.ai/artifact/whisper-large-v3", "artifact")
    'whisper-large-v3'
    >>> page_slug("https://unfragile.ai/compare/a-vs-b", "artifact") is None
    True
    """
    if not url:
        return None
    try:
        parts = [p for p in urlparse(url).path.split("/") if p]
    except ValueError:  # e.g. an unbalanced "[" read as an IPv6 host
        return None
    if len(parts) < 2 or parts[-2] != section:
        return None
    slug = unquote(parts[-1])
    return slug if SLUG.match(slug) else None


def split_type_pricing(line: str) -> TypePricing | None:
    """Split ``<Type><Pricing><rest>``; None when no pricing word follows a type word.

    Known labels are tried first, longest first; otherwise one or two capitalised words
    directly followed by a pricing word count as an unknown type.

    >>> tp = split_type_pricing("MCP ServerFreeReads files.")
    >>> tp.type.value, tp.pricing_word, tp.rest
    ('mcp_server', 'Free', 'Reads files.')
    """
    for label in TYPE_LABELS:
        if not line.startswith(label):
            continue
        rest = line[len(label) :]
        word = next((w for w in PRICING_WORDS if rest.startswith(w)), None)
        if word is not None:
            kind = artifact_type(label) or ArtifactType.OTHER
            return TypePricing(kind, label, word, rest[len(word) :].strip())
    match = _UNKNOWN_TYPE.match(line)
    if match is None:
        return None
    word = match.group("type")
    kind = artifact_type(word) or ArtifactType.OTHER
    return TypePricing(kind, word, match.group("pricing"), match.group("rest").strip())


def statement_text(line: str, kind: ClaimKind) -> str:
    """A statement line's text: the shortening marker and an optional prefix removed.

    Artifact pages write statements without a prefix; a "Unique:"/"vs alternatives:"
    prefix is accepted too, so both spellings of one statement load the same.
    """
    text = strip_shortening(line)[0]
    lowered = text.lower()
    for prefix in _STATEMENT_PREFIXES[kind]:
        if lowered.startswith(prefix):
            return text[len(prefix) :].strip()
    return text
