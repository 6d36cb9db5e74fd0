"""One reading of the source site's loose vocabulary, shared by every loader.

The same artifact reaches us as ``"mcp"`` in a passport, ``"MCP Server"`` on a comparison
page and maybe ``"mcp-server"`` in a manifest; the same price as ``"open_source"`` in a
passport and ``"Free"`` on a page. Loaders map them here so that two documents about one
artifact report comparable values, and so that the mapping is decided once.
"""

from __future__ import annotations

import re

from matchgraph.loaders.models import ArtifactType

__all__ = [
    "SHORTENING_MARKER",
    "artifact_type",
    "pricing_label",
    "strip_shortening",
    "type_tag",
]

SHORTENING_MARKER = "[…]"
"""What the stored corpus puts after the first words of a shortened prose line."""

_TYPE_ALIASES: dict[str, ArtifactType] = {
    "llm": ArtifactType.MODEL,
    "repo": ArtifactType.REPOSITORY,
    "github": ArtifactType.REPOSITORY,
    "mcp": ArtifactType.MCP_SERVER,
    "mcpserver": ArtifactType.MCP_SERVER,
    "plugin": ArtifactType.EXTENSION,
    "tool": ArtifactType.PRODUCT,
    "saas": ArtifactType.PRODUCT,
    "cli": ArtifactType.CLI_TOOL,
    "webapp": ArtifactType.WEB_APP,
    "app": ArtifactType.WEB_APP,
    "template": ArtifactType.WORKFLOW,
    "eval": ArtifactType.BENCHMARK,
    "leaderboard": ArtifactType.BENCHMARK,
    "agent_skill": ArtifactType.SKILL,
    "lib": ArtifactType.LIBRARY,
    "sdk": ArtifactType.LIBRARY,
    "package": ArtifactType.LIBRARY,
}

_FREE = frozenset({"free", "open_source", "opensource", "oss", "freemium", "free_tier"})
_PAID = frozenset(
    {"paid", "commercial", "subscription", "usage_based", "pay_as_you_go", "enterprise"}
)


def _key(raw: str) -> str:
    """Fold case, spaces and hyphens: ``"MCP Server"``, ``"mcp-server"`` -> ``mcp_server``."""
    return re.sub(r"[\s\-]+", "_", raw.strip().lower())


def _known_types() -> dict[str, ArtifactType]:
    """Enum values, display labels and aliases, all folded by :func:`_key`."""
    known = {_key(t.value): t for t in ArtifactType}
    known.update({_key(t.label): t for t in ArtifactType})
    known.update(_TYPE_ALIASES)
    return known


_KNOWN_TYPES = _known_types()


def artifact_type(raw: str | None) -> ArtifactType | None:
    """The :class:`ArtifactType` a source's type word means; ``OTHER`` when unknown.

    An unknown word is not an error: the site has more types than we name (its manifest
    speaks of 19) and one new type must not make a whole document unloadable. Loaders keep
    the word itself as a tag (:func:`type_tag`) so nothing is lost.

    >>> [artifact_type(w).value for w in ("MCP Server", "webapp", "notebook")]
    ['mcp_server', 'web_app', 'other']
    """
    if raw is None or not raw.strip():
        return None
    return _KNOWN_TYPES.get(_key(raw), ArtifactType.OTHER)


def type_tag(raw: str | None) -> tuple[str, ...]:
    """``("type:<word>",)`` for a type word :func:`artifact_type` does not know, else ``()``."""
    if artifact_type(raw) is ArtifactType.OTHER and _key(raw or "") != "other":
        return (f"type:{(raw or '').strip()}",)
    return ()


def pricing_label(model: str | None, free: bool | None = None) -> str | None:
    """``"Free"``, ``"Paid"`` or None (unknown), as comparison pages write pricing.

    Comparison pages only ever say Free or Paid, so finer models (open source, freemium)
    fold into those two and observations from every source stay comparable. A ``free``
    flag that is true wins over the model word; ``"unknown"``, an unrecognised word, or a
    free-sounding word contradicted by ``free: false`` gives None rather than a guess.

    >>> pricing_label("open_source", True), pricing_label("paid"), pricing_label("unknown", False)
    ('Free', 'Paid', None)
    """
    word = _key(model) if model else ""
    if free is True or (free is None and word in _FREE):
        return "Free"
    if word in _PAID:
        return "Paid"
    return None


def strip_shortening(text: str) -> tuple[str, bool]:
    """Remove a trailing shortening marker; say whether one was there.

    >>> strip_shortening("Parses FEN strings to rebuild boards […]")
    ('Parses FEN strings to rebuild boards', True)
    """
    stripped = text.rstrip()
    if stripped.endswith(SHORTENING_MARKER):
        return stripped[: -len(SHORTENING_MARKER)].rstrip(), True
    return stripped, False
