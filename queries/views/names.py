"""Which artifact a user means by a name: one table per store version, no store scan.

:func:`matchgraph.queries.views.artifact.resolve_artifact` answers the same question with a
SPARQL filter over every artifact on each call; the engine builds this table once per store
version (persisted with its other derived state) and resolves in memory.

>>> index = NameIndex((("glm-ocr", "GLM-OCR"), ("sd-3", "Stable Diffusion 3"),
...                    ("sd-xl", "Stable Diffusion XL")), {})
>>> index.resolve("glm-ocr"), index.resolve("stable diffusion xl")
('glm-ocr', 'sd-xl')
"""

from __future__ import annotations

from dataclasses import dataclass
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

    @classmethod
    def build(cls, store: _NodeSource) -> NameIndex:
        entries = []
        for node in store.artifact_nodes():
            entries.extend((node.slug, name) for name in node.names or (node.slug,))
        return cls(tuple(sorted(entries)), store.canonical_map())

    def resolve(self, name: str) -> str:
        """The slug a user means: an exact slug or display name wins; otherwise a single
        partial match; several partial matches are ambiguous.

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
        candidates = sorted(exact) or sorted(by_slug)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise NotFoundError(f"no artifact matches {name!r}")
        raise AmbiguousNameError(name, [(s, by_slug[s]) for s in candidates])
