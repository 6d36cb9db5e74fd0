"""Entity resolution: which artifact nodes are the same artifact.

A general matching rule plus a curated alias file (``data/aliases.yml``), no special cases
in code. Names are folded to a *key*: case and punctuation ignored, a vendor prefix
("OpenAI: "), parenthesised qualifiers ("(2024-05-13)"), a possessive, an ``@scope/`` or an
``owner--`` prefix dropped, and curated aliases mapped to their canonical name.

Rules, in order:

1. Same slug, same node (nothing to decide).
2. An artifact known only by its name (a document without an address, or a name mentioned
   in a claim) merges with the single *addressed* artifact that has its key. When several
   addressed artifacts share the key, nothing merges and the name is reported ambiguous.
3. Name-only artifacts with the same key and no addressed match merge with each other.

Addressed artifacts (slugs from a page address) never merge with each other automatically:
their addresses say they differ. Curated decisions (``merge``/``separate``) override the
rules and are kept across reloads. Pure functions; the store records the outcome.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from matchgraph.errors import ConfigError
from matchgraph.loaders.slugs import slugify

__all__ = [
    "AliasTable",
    "ArtifactNode",
    "Merge",
    "Resolution",
    "mention_slug",
    "name_key",
    "resolve",
]

_VENDOR = re.compile(r"^[A-Za-z][\w.&\- ]{0,30}:\s+(?=\S)")
_PARENS = re.compile(r"\s*\([^()]*\)")
_POSSESSIVE = re.compile(r"['’]s\b")
_DEFAULT_ALIASES = Path(__file__).resolve().parents[1] / "data" / "aliases.yml"


def name_key(name: str) -> str:
    """Fold a display name to its matching key.

    >>> name_key("OpenAI: GPT-4o (2024-05-13)")
    'gpt-4o'
    >>> name_key("@modelcontextprotocol/server-filesystem")
    'server-filesystem'
    >>> name_key("Midjourney's")
    'midjourney'
    """
    text = _VENDOR.sub("", name.strip())
    text = _PARENS.sub("", text)
    text = _POSSESSIVE.sub("", text)
    if text.startswith("@") and "/" in text:
        text = text.split("/", 1)[1]
    return slugify(text)


def slug_key(slug: str) -> str:
    """The key of a slug, without an ``owner--`` prefix."""
    return slugify(slug.split("--")[-1])


@dataclass(frozen=True)
class AliasTable:
    """Curated alias keys -> canonical key and display name."""

    canonical: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> AliasTable:
        """Read the alias file (``data/aliases.yml`` by default).

        Raises:
            ConfigError: the file is not a mapping of names to lists of names, or one alias
                is given two canonical names.
        """
        return _load_aliases(path or _DEFAULT_ALIASES)

    def key(self, name: str) -> str:
        folded = name_key(name)
        return self.canonical.get(folded, folded)

    def display(self, name: str) -> str:
        """The canonical display name of ``name`` (itself when it has no alias)."""
        return self.names.get(name_key(name), name)


@lru_cache(maxsize=4)
def _load_aliases(path: Path) -> AliasTable:
    if not path.exists():
        # Never resolve silently without the curated aliases (an install that lost them).
        raise ConfigError(f"{path}: alias file not found")
    import yaml  # here: read commands use this module's types and never read aliases

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of canonical names to lists of aliases")
    canonical: dict[str, str] = {}
    names: dict[str, str] = {}
    for target, aliases in data.items():
        if not isinstance(aliases, list):
            raise ConfigError(f"{path}: aliases of {target!r} must be a list")
        target_key = name_key(str(target))
        names[target_key] = str(target)
        for alias in aliases:
            key = name_key(str(alias))
            if canonical.get(key, target_key) != target_key:
                raise ConfigError(f"{path}: alias {alias!r} is listed under two names")
            canonical[key] = target_key
            names[key] = str(target)
    return AliasTable(canonical=canonical, names=names)


def mention_slug(label: str, aliases: AliasTable) -> str:
    """The slug a name mentioned in a claim gets (its canonical key)."""
    return aliases.key(label) or slugify(label)


@dataclass(frozen=True)
class ArtifactNode:
    """What resolution needs to know of one artifact node."""

    slug: str
    names: tuple[str, ...]
    addressed: bool


@dataclass(frozen=True)
class Merge:
    """``source`` is the same artifact as ``target``, by ``rule``, because ``reason``."""

    source: str
    target: str
    rule: str
    reason: str


@dataclass(frozen=True)
class Resolution:
    merges: tuple[Merge, ...] = ()
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(slug, candidate slugs) for name-only artifacts that match several addressed ones."""

    def canonical(self) -> dict[str, str]:
        """slug -> canonical slug, for every merged slug (chains followed)."""
        target = {m.source: m.target for m in self.merges}
        out = {}
        for slug in target:
            seen, current = {slug}, target[slug]
            while current in target and current not in seen:
                seen.add(current)
                current = target[current]
            out[slug] = current
        return out


def node_keys(node: ArtifactNode, aliases: AliasTable) -> set[str]:
    keys = {aliases.key(n) for n in node.names} | {aliases.key(slug_key(node.slug))}
    return {k for k in keys if k}


def resolve(
    nodes: Iterable[ArtifactNode],
    aliases: AliasTable,
    *,
    merges: Iterable[tuple[str, str]] = (),
    separations: Iterable[tuple[str, str]] = (),
) -> Resolution:
    """Apply the rules (module docstring) to all artifact nodes; curated merges first."""
    nodes = sorted(nodes, key=lambda n: n.slug)
    apart = {frozenset(p) for p in separations}
    out: list[Merge] = [Merge(a, b, "curated", f"merged by hand: {a} is {b}") for a, b in merges]
    done = {m.source for m in out}
    addressed: dict[str, set[str]] = defaultdict(set)
    for node in nodes:
        if node.addressed:
            for key in node_keys(node, aliases):
                addressed[key].add(node.slug)
    ambiguous: list[tuple[str, tuple[str, ...]]] = []
    orphans: dict[str, list[ArtifactNode]] = defaultdict(list)
    for node in nodes:
        if node.addressed or node.slug in done:
            continue
        keys = node_keys(node, aliases)
        candidates = {s for k in keys for s in addressed.get(k, ())} - {node.slug}
        candidates = {c for c in candidates if frozenset((node.slug, c)) not in apart}
        if node.slug in {s for k in keys for s in addressed.get(k, ())}:
            continue  # an addressed node with this very slug exists: rule 1
        if len(candidates) == 1:
            target = candidates.pop()
            shown = node.names[0] if node.names else node.slug
            out.append(Merge(node.slug, target, "name-only-to-addressed",
                             f"{shown!r} is known only by its name, which matches the single addressed artifact {target}"))
        elif candidates:
            ambiguous.append((node.slug, tuple(sorted(candidates))))
        else:
            orphans[min(keys) if keys else node.slug].append(node)
    for key, group in sorted(orphans.items()):
        target = min(group, key=lambda n: (len(n.slug), n.slug)).slug
        for node in group:
            if node.slug != target and frozenset((node.slug, target)) not in apart:
                out.append(Merge(node.slug, target, "same-name", f"both are known only by the name key {key!r}"))
    return Resolution(merges=tuple(out), ambiguous=tuple(ambiguous))
