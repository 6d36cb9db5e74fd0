"""The match index: a snapshot turned into sparse matrices that every match query reads.

Scoring a pair or ranking neighbours must not walk Python records: the index holds, as
CSR matrices (:class:`~matchgraph.queries.match.csr.Csr`: built with ``scipy.sparse``,
read without it) and numpy arrays, the artifact x concept incidence, concept
rarity weights, the concept hierarchy's ancestor closure, artifact x intent incidence, the
co-comparison adjacency, the claim links and the relational graph the personalised
PageRank walks on. It is built once per snapshot version
(:func:`~matchgraph.queries.match.index_build.build_match_index`) and cached (``cache``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from matchgraph.queries.concept_graph import ConceptGraph
from matchgraph.queries.match.config import MatchParams
from matchgraph.queries.match.csr import Csr
from matchgraph.queries.match.ppr import Transition
from matchgraph.queries.snapshot import ClaimRecord

__all__ = ["ConceptWeights", "MatchIndex", "remember"]

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, limit: int = 64) -> V:
    """Put ``value`` in a per-index memo, dropping the oldest entry once it holds ``limit``."""
    if len(memo) >= limit:
        memo.pop(next(iter(memo)))
    memo[key] = value
    return value


@dataclass(frozen=True)
class ConceptWeights:
    """Per-concept rarity weights by IRI, to hold weights fixed across two builds.

    ``weight`` is the information content over direct use (before the facet factor);
    ``ic`` the information content over use including narrower concepts (for Lin).
    """

    weight: Mapping[str, float] = field(default_factory=dict)
    ic: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class MatchIndex:
    """Sparse, typed view of one snapshot for matching; rows are artifacts in slug order.

    Matrices: ``direct`` (artifacts x concepts, binary, sorted indices), ``intents``
    (artifacts x intents, binary), ``compared`` (artifacts x artifacts, symmetric,
    binary), ``walk`` (symmetric weighted adjacency of artifacts then shared intents,
    the graph personalised PageRank walks on). ``claim_pairs[k]`` is (subject row, other
    row) of a claim link and ``claim_of_link[k]`` the claim it comes from.
    """

    version: str
    params: MatchParams
    slugs: tuple[str, ...]
    names: tuple[str, ...]
    concepts: ConceptGraph
    direct: Csr
    intent_texts: tuple[str, ...]
    intents: Csr
    intent_weight: NDArray[np.float64]
    compared: Csr
    compare_weight: NDArray[np.float64]
    claims: Sequence[ClaimRecord]
    """Every typed claim (a lazily read table when the index comes from the cache)."""
    claim_pairs: NDArray[np.int32]
    claim_of_link: NDArray[np.int32]
    walk: Csr
    walk_labels: tuple[str, ...]
    """Display label of every walk node: artifact names, then intent texts."""
    stored_row_mass: NDArray[np.float64] | None = None
    """:attr:`row_mass` as read from the cache, so a fresh process need not compile the kernel."""

    @property
    def n_artifacts(self) -> int:
        return len(self.slugs)

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Row of each artifact slug."""
        return {slug: i for i, slug in enumerate(self.slugs)}

    @cached_property
    def concept_weight(self) -> NDArray[np.float64]:
        """Rarity weight of each concept times the facet factor (used by every term)."""
        c = self.concepts
        return np.where(c.facet, c.weight * self.params.facet_weight, c.weight)

    @cached_property
    def expanded(self) -> Csr:
        """Artifacts x concepts, binary: each direct concept and all its ancestors."""
        import scipy.sparse as sp

        m = sp.csr_matrix((self.direct.to_scipy() @ self.concepts.ancestors.to_scipy()) > 0,
                          dtype=np.float64)
        m.sort_indices()
        m.indices = m.indices.astype(np.int32)
        return Csr.of(m)

    @cached_property
    def expanded_weight(self) -> NDArray[np.float64]:
        """Information content times the facet factor, for :attr:`expanded` sets."""
        c = self.concepts
        return np.where(c.facet, c.ic * self.params.facet_weight, c.ic)

    @cached_property
    def row_mass(self) -> NDArray[np.float64]:
        """Sum of concept weights per artifact, added in ascending concept order.

        Summed sequentially (not numpy's pairwise sum) so the compiled kernel and any
        plain-Python reference get bit-identical similarities.
        """
        if self.stored_row_mass is not None:
            return self.stored_row_mass
        return _sequential_row_sums(self.direct.indptr, self.direct.indices,
                                    self.concept_weight)

    def concepts_of(self, row: int) -> NDArray[np.int32]:
        """Concept ids of one artifact, ascending."""
        d = self.direct
        return d.indices[d.indptr[row]: d.indptr[row + 1]]

    def intents_of(self, row: int) -> NDArray[np.int32]:
        m = self.intents
        return m.indices[m.indptr[row]: m.indptr[row + 1]]

    def compared_with(self, row: int) -> NDArray[np.int32]:
        m = self.compared
        return m.indices[m.indptr[row]: m.indptr[row + 1]]

    def claims_between(self, a: int, b: int) -> tuple[int, ...]:
        """Indices of the claims linking rows ``a`` and ``b`` (either direction), in link order.

        From the links touching ``a`` (one vectorised scan of the link arrays, memoised per
        row) rather than a pair dictionary: a fresh process asking about one pair must not
        build a map of every pair in the store, and ``similar`` asks about one artifact
        against dozens (a scan each was 2 ms at 100,000 artifacts).
        """
        links, others = self._links_of(a)
        if not len(links):
            return ()
        found: list[int] = []
        for k in self.claim_of_link[links[others == b]].tolist():
            if k not in found:
                found.append(k)
        return tuple(found)

    def _links_of(self, row: int) -> tuple[NDArray[np.intp], NDArray[np.int32]]:
        """Positions in ``claim_pairs`` of the links touching ``row``, ascending, and each
        link's other end; kept per row, since an artifact most pages name has tens of
        thousands, read again for every candidate ``similar`` scores."""
        found = self.links_memo.get(row)
        if found is None:
            pairs = self.claim_pairs
            links = (np.flatnonzero((pairs[:, 0] == row) | (pairs[:, 1] == row)) if len(pairs)
                     else np.zeros(0, dtype=np.intp))
            ends = np.asarray(pairs[links]) if len(links) else np.zeros((0, 2), dtype=np.int32)
            found = (links, np.where(ends[:, 0] == row, ends[:, 1], ends[:, 0]))
            remember(self.links_memo, row, found)
        return found

    @cached_property
    def links_memo(self) -> dict[int, tuple[NDArray[np.intp], NDArray[np.int32]]]:
        """Claim links by row, already looked up (``claims_between``), with their other ends."""
        return {}

    @cached_property
    def transition(self) -> Transition:
        """The walk graph's transition matrix, built on first use."""
        return Transition.from_adjacency(self.walk)

    @cached_property
    def ppr_memo(self) -> dict[int, tuple[NDArray[np.float64], float]]:
        """PageRank vectors already computed from a row (filled by ``pair_terms``)."""
        return {}

    @cached_property
    def bfs_memo(self) -> dict[int, NDArray[np.int32]]:
        """Breadth-first predecessor arrays of the walk graph by source (``pair_terms``)."""
        return {}

    def concept_weights(self) -> ConceptWeights:
        """This index's rarity weights by IRI, to hold them fixed in another build."""
        c = self.concepts
        return ConceptWeights(
            weight=dict(zip(c.iris, c.weight.tolist(), strict=True)),
            ic=dict(zip(c.iris, c.ic.tolist(), strict=True)),
        )


def _sequential_row_sums(indptr: NDArray[np.int32], indices: NDArray[np.int32],
                         weight: NDArray[np.float64]) -> NDArray[np.float64]:
    # Imported here: the kernel module compiles with numba on first use, which plain
    # index users (and ``import matchgraph``) should not pay for.
    from matchgraph.queries.match.all_pairs_kernel import row_sums

    return row_sums(indptr.astype(np.int64), indices.astype(np.int32), weight)
