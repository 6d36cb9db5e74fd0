"""The capability taxonomy's hierarchy: concepts by id, broader and narrower links, and their
closures, as one object.

The same walks are needed at load time (the concept mapper reads the scheme file) and at query
time (pair scores need every ancestor of a concept, need matching every narrower concept with
its depth). :class:`Taxonomy` is the one implementation; each user keeps only what it adds
(labels and keywords for mapping, facet flags and rarity for scores, which capabilities a
concept reaches for need matching).

>>> t = Taxonomy.build([("x:t2i", ("x:img",)), ("x:img", ())])
>>> [t.iris[a] for a in t.ancestors(t.id_of["x:t2i"])]
['x:t2i', 'x:img']
>>> [(t.iris[k], int(d)) for k, d in zip(*t.descendants(t.id_of["x:img"]))]
[('x:img', 0), ('x:t2i', 1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

__all__ = ["Taxonomy"]


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """Concepts ``0..size-1`` (``iris``) and the ids of each one's broader concepts.

    Cycles in ``broader`` are tolerated here (a stored graph may hold anything); the scheme
    loader refuses them in the file it ships, with :meth:`in_cycle`.
    """

    iris: tuple[str, ...]
    parents: tuple[tuple[int, ...], ...]
    _descendants: dict[int, tuple[NDArray[np.int64], NDArray[np.int64]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Memo of :meth:`descendants` (not a constructor argument)."""

    @classmethod
    def build(
        cls, concepts: Iterable[tuple[str, Sequence[str]]], *, add_unlisted: bool = True
    ) -> Taxonomy:
        """From ``(iri, broader iris)`` in order. A broader IRI that is not listed is added
        after them with no parents of its own (``add_unlisted``), or its link is dropped. The
        first listing of an IRI wins; a link from a concept to itself is dropped."""
        listed = list(concepts)
        iris: list[str] = []
        broader: dict[str, Sequence[str]] = {}
        for iri, parents in listed:
            if iri not in broader:
                broader[iri] = parents
                iris.append(iri)
        for iri, parents in listed if add_unlisted else ():
            for p in parents:
                if p not in broader:
                    broader[p] = ()
                    iris.append(p)
        id_of = {iri: i for i, iri in enumerate(iris)}
        return cls(
            tuple(iris),
            tuple(
                tuple(dict.fromkeys(id_of[p] for p in broader[iri] if p != iri and p in id_of))
                for iri in iris
            ),
        )

    ARRAYS = ("parent_indptr", "parent_indices", "closure_indptr", "closure_indices")
    """Names of the arrays :meth:`arrays` writes and :meth:`from_arrays` reads."""

    def arrays(self) -> dict[str, NDArray[np.int64] | NDArray[np.int32]]:
        """Links and ancestor closure as CSR arrays, to store beside derived state."""
        parent_indptr = np.zeros(self.size + 1, dtype=np.int64)
        np.cumsum([len(p) for p in self.parents], out=parent_indptr[1:])
        parent_indices = np.fromiter((p for ps in self.parents for p in ps), dtype=np.int32,
                                     count=int(parent_indptr[-1]))
        closure_indptr, closure_indices = self.ancestor_closure
        return {"parent_indptr": parent_indptr, "parent_indices": parent_indices,
                "closure_indptr": closure_indptr, "closure_indices": closure_indices}

    @classmethod
    def from_arrays(cls, iris: Sequence[str], arrays: Mapping[str, NDArray[np.generic]]) -> Taxonomy:
        """The taxonomy :meth:`arrays` stored, its closure read rather than recomputed."""
        ptr = arrays["parent_indptr"].tolist()
        ind = arrays["parent_indices"].tolist()
        taxonomy = cls(tuple(iris), tuple(tuple(ind[ptr[k]: ptr[k + 1]]) for k in range(len(iris))))
        taxonomy.__dict__["ancestor_closure"] = (arrays["closure_indptr"], arrays["closure_indices"])
        return taxonomy

    @property
    def size(self) -> int:
        return len(self.iris)

    @cached_property
    def id_of(self) -> dict[str, int]:
        return {iri: i for i, iri in enumerate(self.iris)}

    @cached_property
    def children(self) -> tuple[tuple[int, ...], ...]:
        """The narrower concepts of each concept, in id order."""
        kids: list[list[int]] = [[] for _ in self.iris]
        for k, parents in enumerate(self.parents):
            for p in parents:
                kids[p].append(k)
        return tuple(tuple(k) for k in kids)

    @cached_property
    def ancestor_closure(self) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
        """CSR arrays (``indptr``, ``indices``): row ``c`` holds ``c`` and every concept above
        it, transitively, in ascending id order."""
        # A search per concept: ancestor sets are short (a taxonomy is shallow), and unlike a
        # memoised depth-first pass this stays right inside a cycle.
        rows: list[list[int]] = []
        for start in range(self.size):
            seen = {start}
            todo = list(self.parents[start])
            while todo:
                k = todo.pop()
                if k not in seen:
                    seen.add(k)
                    todo.extend(self.parents[k])
            rows.append(sorted(seen))
        indptr = np.zeros(self.size + 1, dtype=np.int64)
        np.cumsum([len(r) for r in rows], out=indptr[1:])
        indices = np.fromiter((a for r in rows for a in r), dtype=np.int32, count=int(indptr[-1]))
        return indptr, indices

    def ancestors(self, concept: int) -> NDArray[np.int32]:
        """The concept and every concept above it, ascending ids."""
        indptr, indices = self.ancestor_closure
        return indices[indptr[concept]: indptr[concept + 1]]

    def descendants(self, concept: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """The concept and every concept below it, and each one's depth below ``concept``
        (breadth first, so the shallowest path counts; cached per concept)."""
        if concept in self._descendants:
            return self._descendants[concept]
        depth = {concept: 0}
        frontier = [concept]
        while frontier:
            nxt = []
            for c in frontier:
                for ch in self.children[c]:
                    if ch not in depth:
                        depth[ch] = depth[c] + 1
                        nxt.append(ch)
            frontier = nxt
        out = (np.fromiter(depth, np.int64, len(depth)),
               np.fromiter(depth.values(), np.int64, len(depth)))
        self._descendants[concept] = out
        return out

    def in_cycle(self, concept: int) -> bool:
        """True when ``concept`` is its own ancestor through ``broader``."""
        seen: set[int] = set()
        todo = list(self.parents[concept])
        while todo:
            k = todo.pop()
            if k == concept:
                return True
            if k not in seen:
                seen.add(k)
                todo.extend(self.parents[k])
        return False
