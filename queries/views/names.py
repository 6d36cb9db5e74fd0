"""Which artifact a user means by a name: one table per store version, no store scan.

:func:`matchgraph.queries.views.artifact.resolve_artifact` answers the same question with a
SPARQL filter over every artifact on each call; the engine builds this table once per store
version (persisted with its other derived state) and resolves in memory.

>>> index = NameIndex((("glm-ocr", "GLM-OCR"), ("sd-3", "Stable Diffusion 3"),
...                    ("sd-xl", "Stable Diffusion XL")), {})
>>> index.resolve("glm-ocr"), index.resolve("stable diffusion xl")
('glm-ocr', 'sd-xl')

The curated aliases (``data/aliases.yml``) that entity resolution reads at load time name
artifacts too: a user who types "SDXL" means the artifact the pages' "SDXL" was resolved to.

>>> NameIndex((("stable-diffusion-xl", "Stable Diffusion XL"),), {}, {"sdxl": "stable-diffusion-xl"}).resolve("SDXL")
'stable-diffusion-xl'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from matchgraph.errors import AmbiguousNameError, NotFoundError, QueryError

if TYPE_CHECKING:
    from matchgraph.loaders.resolution import ArtifactNode

__all__ = ["NameIndex"]


class _NodeSource(Protocol):
    def artifact_nodes(self) -> list[ArtifactNode]: ...
    def canonical_map(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class NameIndex:
    """(slug, name) for every name of every artifact node, and the merges."""

    entries: tuple[tuple[str, str], ...]
    canonical: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)
    """Alias key (:func:`~matchgraph.loaders.resolution.name_key`) -> slug, for the curated
    aliases whose artifact is in the store under one slug."""

    @classmethod
    def build(cls, store: _NodeSource) -> NameIndex:
        from matchgraph.loaders.resolution import AliasTable, name_key, slug_key

        entries = []
        for node in store.artifact_nodes():
            entries.extend((node.slug, name) for name in node.names or (node.slug,))
        canonical = store.canonical_map()
        slugs_by_key: dict[str, set[str]] = {}
        for slug, name in entries:
            for key in (name_key(name), slug_key(slug)):  # the keys entity resolution matches on
                slugs_by_key.setdefault(key, set()).add(canonical.get(slug, slug))
        aliases = {alias: next(iter(found)) for alias, target in AliasTable.load().canonical.items()
                   if len(found := slugs_by_key.get(target, set())) == 1}
        return cls(tuple(sorted(entries)), canonical, aliases)

    def resolve(self, name: str) -> str:
        """The slug a user means: an exact slug or display name wins, then a curated alias;
        otherwise a single partial match; several partial matches are ambiguous.

        Raises:
            QueryError: the name is empty.
            NotFoundError: nothing matches.
            AmbiguousNameError: several artifacts match and none exactly (lists them).
        """
        if not name.strip():
            raise QueryError("give an artifact's name or slug (an empty name would match every artifact)")
        needle = name.lower()
        by_slug: dict[str, str] = {}
        exact: set[str] = set()
        for slug, label in self.entries:
            lowered = label.lower()
            if not (slug == name or lowered == needle or needle in lowered or needle in slug):
                continue
            canonical = self.canonical.get(slug, slug)
            if slug == name:
                return canonical
            by_slug.setdefault(canonical, label)
            if lowered == needle:
                exact.add(canonical)
        if not exact and self.aliases:
            from matchgraph.loaders.resolution import name_key

            aliased = self.aliases.get(name_key(name))
            if aliased is not None:
                return self.canonical.get(aliased, aliased)
        candidates = sorted(exact) or sorted(by_slug)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise NotFoundError(f"no artifact matches {name!r}")
        raise AmbiguousNameError(name, [(s, by_slug[s]) for s in candidates])
