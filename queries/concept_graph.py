"""The capability concept scheme as arrays: ids, ancestor closure, facets, rarity.

The pair score needs three facts about concepts that a list of SKOS records does not give
cheaply: every ancestor of a concept (for hierarchy proximity and the "shares a specific
task" test), whether it is a *facet* (how something runs: deployment, quantization,
licensing) rather than a *task* (what it does: OCR, text-to-image), and how rare it is.

>>> from matchgraph.queries.snapshot import ConceptRecord, GraphSnapshot
>>> g = build_concept_graph(GraphSnapshot(concepts=(
...     ConceptRecord("x:img", "image"), ConceptRecord("x:t2i", "text to image",
...     broader=("x:img",)))), facets=())
>>> [g.iris[c] for c in g.ancestors_of(g.id_of["x:t2i"])]
['x:img', 'x:t2i']
>>> g.domain.tolist()
[True, False]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from matchgraph.ontology.taxonomy import Taxonomy
from matchgraph.queries.match.csr import Csr
from matchgraph.queries.snapshot import GraphSnapshot

if TYPE_CHECKING:
    from matchgraph.queries.match.index import ConceptWeights

__all__ = [
    "FACET_PATTERN",
    "ConceptGraph",
    "build_concept_graph",
    "default_facets",
]

FACET_PATTERN = re.compile(
    r"\b(deploy\w*|self[ -]?host\w*|hosting|serving|quanti[sz]\w*|inference optimi[sz]\w*"
    r"|acceleration|efficien\w*|latency|throughput|batch\w*|licens\w*|open[ -]weights?"
    r"|open[ -]source|pricing|hardware|infrastructure|onnx|compression|memory footprint)\b"
)
"""Labels of generic *how* concepts that say little about what an artifact is for."""


@dataclass(frozen=True, eq=False)
class ConceptGraph:
    """Concepts by id with their closure, facet and domain flags and rarity weights: the
    match engine's view of the :class:`~matchgraph.ontology.taxonomy.Taxonomy`, which it
    holds (ids, links and closures are the taxonomy's; the flags and weights are its own).

    ``ancestors`` is a binary C x C CSR whose row c lists c and every broader concept,
    transitively. A *domain* is a top concept that has narrower concepts ("image"): it
    groups tasks but is too broad to make two artifacts alternatives.
    """

    taxonomy: Taxonomy
    labels: tuple[str, ...]
    facet: NDArray[np.bool_]
    domain: NDArray[np.bool_]
    weight: NDArray[np.float64]
    ic: NDArray[np.float64]

    @property
    def iris(self) -> tuple[str, ...]:
        return self.taxonomy.iris

    @property
    def size(self) -> int:
        return self.taxonomy.size

    @property
    def id_of(self) -> dict[str, int]:
        return self.taxonomy.id_of

    def ancestors_of(self, concept: int) -> NDArray[np.int32]:
        """The concept and all its broader concepts, ascending ids."""
        return self.taxonomy.ancestors(concept)

    @cached_property
    def ancestors(self) -> Csr:
        """The ancestor closure as a sparse matrix, for products with artifact x concept."""
        indptr, indices = self.taxonomy.ancestor_closure
        return Csr(np.asarray(indptr), np.asarray(indices), np.ones(len(indices)),
                   (self.size, self.size))

    @cached_property
    def ancestor_sets(self) -> tuple[frozenset[int], ...]:
        """Ancestor ids per concept as sets, for the per-pair hierarchy terms."""
        a = self.ancestors
        ind = a.indices.tolist()
        ptr = a.indptr.tolist()
        return tuple(frozenset(ind[ptr[c]: ptr[c + 1]]) for c in range(self.size))

    @cached_property
    def specific_ancestor_sets(self) -> tuple[frozenset[int], ...]:
        """Ancestor ids per concept without domains: the ones that make concepts near."""
        return tuple(frozenset(z for z in anc if not self.domain[z])
                     for anc in self.ancestor_sets)

    @cached_property
    def depth(self) -> NDArray[np.int64]:
        """Number of ancestors of each concept, itself included (1 for a top concept)."""
        return np.diff(self.ancestors.indptr).astype(np.int64)

    def with_weights(
        self,
        *,
        weight: NDArray[np.float64],
        ic: NDArray[np.float64],
        fixed: ConceptWeights | None = None,
    ) -> ConceptGraph:
        """A copy with rarity weights, those named in ``fixed`` taking precedence."""
        weight = np.array(weight, dtype=np.float64)
        ic = np.array(ic, dtype=np.float64)
        if fixed is not None:
            _override(weight, fixed.weight, self.iris)
            _override(ic, fixed.ic, self.iris)
        return replace(self, weight=weight, ic=ic)


def _override(values: NDArray[np.float64], by_iri: Mapping[str, float],
              iris: tuple[str, ...]) -> None:
    for i, iri in enumerate(iris):
        if iri in by_iri:
            values[i] = float(by_iri[iri])


def _tail(iri: str) -> str:
    """A readable label from an IRI or ``capability://`` path when none is declared."""
    tail = re.split(r"[/#]", iri.rstrip("/"))[-1]
    return re.sub(r"[._-]+", " ", tail).strip() or iri


def default_facets(snapshot: GraphSnapshot) -> frozenset[str]:
    """Concept IRIs whose label (or IRI tail) reads as a deployment/efficiency facet.

    >>> from matchgraph.queries.snapshot import ConceptRecord
    >>> sorted(default_facets(GraphSnapshot(concepts=(ConceptRecord("x:q",
    ...     "Int8 quantization"), ConceptRecord("x:ocr", "Document OCR")))))
    ['x:q']
    """
    out = set()
    for c in snapshot.concepts:
        text = f"{c.label} {' '.join(c.alt_labels)} {_tail(c.iri)}".lower()
        if FACET_PATTERN.search(text):
            out.add(c.iri)
    return frozenset(out)


def _collect_concepts(snapshot: GraphSnapshot) -> tuple[list[str], list[str],
                                                        list[tuple[str, ...]]]:
    """Declared concepts first, then IRIs only referenced (by capabilities or broader)."""
    iris: list[str] = []
    labels: list[str] = []
    broader: list[tuple[str, ...]] = []
    seen: set[str] = set()

    def add(iri: str, label: str, parents: tuple[str, ...]) -> None:
        seen.add(iri)
        iris.append(iri)
        labels.append(label)
        broader.append(parents)

    for c in snapshot.concepts:
        if c.iri not in seen:
            add(c.iri, c.label, c.broader)
    for c in snapshot.concepts:
        for parent in c.broader:
            if parent not in seen:
                add(parent, _tail(parent), ())
    for cap in snapshot.capabilities:
        for iri in cap.concepts:
            if iri not in seen:
                add(iri, _tail(iri), ())
    return iris, labels, broader


def build_concept_graph(
    snapshot: GraphSnapshot, *, facets: Collection[str] | None = None
) -> ConceptGraph:
    """Concept ids, ancestor closure, facet and domain flags (weights left at zero).

    ``facets`` are facet IRIs (``None``: :func:`default_facets`); a concept is a facet
    when it or any ancestor is one.
    """
    iris, labels, broader = _collect_concepts(snapshot)
    taxonomy = Taxonomy.build(zip(iris, broader, strict=True))
    size = taxonomy.size
    facet_iris = default_facets(snapshot) if facets is None else frozenset(facets)
    seed = np.array([iri in facet_iris for iri in iris], dtype=bool)
    facet = np.array([bool(seed[taxonomy.ancestors(c)].any()) for c in range(size)], dtype=bool)
    has_child = np.array([bool(kids) for kids in taxonomy.children], dtype=bool)
    domain = has_child & np.array([not ps for ps in taxonomy.parents], dtype=bool)
    zeros = np.zeros(size, dtype=np.float64)
    return ConceptGraph(taxonomy, tuple(labels), facet, domain, zeros, zeros.copy())
