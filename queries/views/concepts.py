"""The capability taxonomy with how many artifacts offer each concept.

An artifact offers a concept when one of its capabilities maps to it or to a narrower
concept, so broad concepts count everything beneath them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from matchgraph.queries.snapshot import GraphSnapshot

__all__ = ["ConceptCount", "concept_counts"]


@dataclass(frozen=True)
class ConceptCount:
    iri: str
    label: str
    depth: int
    direct: int
    """Artifacts with a capability mapped to exactly this concept."""
    total: int
    """Artifacts offering this concept or a narrower one."""
    broader: tuple[str, ...]


def concept_counts(snapshot: GraphSnapshot) -> list[ConceptCount]:
    """Concepts in tree order (depth-first from the top concepts), with artifact counts."""
    parents = {c.iri: c.broader for c in snapshot.concepts}
    children: dict[str, list[str]] = defaultdict(list)
    for c in snapshot.concepts:
        for parent in c.broader:
            children[parent].append(c.iri)
    direct: dict[str, set[str]] = defaultdict(set)
    for cap in snapshot.capabilities:
        for concept in cap.concepts:
            direct[concept].add(cap.artifact)
    total: dict[str, set[str]] = defaultdict(set)
    for concept, artifacts in direct.items():
        stack, seen = [concept], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            total[current] |= artifacts
            stack.extend(parents.get(current, ()))
    labels = {c.iri: c.label for c in snapshot.concepts}
    out: list[ConceptCount] = []
    roots = sorted((c.iri for c in snapshot.concepts if not c.broader), key=lambda i: labels[i])

    def walk(iri: str, depth: int, path: frozenset[str]) -> None:
        out.append(ConceptCount(iri, labels[iri], depth, len(direct[iri]), len(total[iri]), parents.get(iri, ())))
        for child in sorted(children.get(iri, ()), key=lambda i: labels[i]):
            if child not in path:
                walk(child, depth + 1, path | {child})

    for root in roots:
        walk(root, 0, frozenset({root}))
    return out
