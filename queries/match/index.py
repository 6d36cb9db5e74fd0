"""The match index: a snapshot turned into sparse matrices that every match query reads.

Scoring a pair or ranking neighbours must not walk Python records: the index holds, as
CSR matrices (:class:`~matchgraph.queries.match.csr.Csr`: built with ``scipy.sparse``,
read without it) and numpy arrays, the artifact x concept incidence, concept
rarity weights, the concept hierarchy's ancestor closure, artifact x intent incidence, the
co-comparison adjacency, the claim links and the relational graph the personalised
PageRank walks on. It is built once per snapshot version and cached (``cache``).

>>> from matchgraph.queries.snapshot import (ArtifactRecord, CapabilityRecord,
...     GraphSnapshot)
>>> snap = GraphSnapshot(artifacts=(ArtifactRecord("a", "A"), ArtifactRecord("b", "B")),
...     capabilities=(CapabilityRecord("c1", "a", "ocr", concepts=("x:ocr",)),))
>>> index = build_match_index(snap)
>>> index.direct.shape, index.concepts.iris
((2, 1), ('x:ocr',))
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from numpy.typing import NDArray

from matchgraph.errors import QueryError
from matchgraph.queries.concept_graph import ConceptGraph, build_concept_graph
from matchgraph.queries.match.config import MatchParams
from matchgraph.queries.match.csr import Csr
from matchgraph.queries.match.ppr import Transition
from matchgraph.queries.snapshot import ClaimRecord, GraphSnapshot

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = [
    "WALK_INTENT_FLOOR",
    "ConceptWeights",
    "MatchIndex",
    "build_match_index",
    "normalise_intent",
    "remember",
]

K = TypeVar("K")
V = TypeVar("V")


WALK_INTENT_FLOOR = 10
"""An intent served by at most this many artifacts always stays in the walk graph."""


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
        links = self._links_of(a)
        if not len(links):
            return ()
        pairs = self.claim_pairs[links]
        hit = links[((pairs[:, 0] == a) & (pairs[:, 1] == b)) | ((pairs[:, 0] == b) & (pairs[:, 1] == a))]
        found: list[int] = []
        for k in self.claim_of_link[hit].tolist():
            if k not in found:
                found.append(k)
        return tuple(found)

    def _links_of(self, row: int) -> NDArray[np.intp]:
        """Positions in ``claim_pairs`` of the links touching ``row``, ascending."""
        found = self.links_memo.get(row)
        if found is None:
            pairs = self.claim_pairs
            found = (np.flatnonzero((pairs[:, 0] == row) | (pairs[:, 1] == row)) if len(pairs)
                     else np.zeros(0, dtype=np.intp))
            remember(self.links_memo, row, found)
        return found

    @cached_property
    def links_memo(self) -> dict[int, NDArray[np.intp]]:
        """Claim links by row, already looked up (``claims_between``)."""
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


def normalise_intent(text: str) -> str:
    """Intent identity: lower case, single spaces, no trailing punctuation.

    >>> normalise_intent("  I need to OCR   invoices. ")
    'i need to ocr invoices'
    """
    return " ".join(text.lower().split()).rstrip(".!?;: ")


def _incidence(rows: list[int], cols: list[int], shape: tuple[int, int]) -> sp.csr_matrix:
    """Binary CSR with duplicates merged and indices sorted."""
    import scipy.sparse as sp

    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    if len(r):
        key = np.unique(r * shape[1] + c)
        r, c = key // shape[1], key % shape[1]
    m = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=shape)
    m.sort_indices()
    m.indices = m.indices.astype(np.int32)
    return m


def _rarity(df: NDArray[np.int64], n: int) -> NDArray[np.float64]:
    """Information content ``ln((n + 1) / df)``: positive, near 0 for a concept everyone has.

    A concept nobody uses gets the maximum ``ln(n + 1)``.
    """
    return np.log((n + 1.0) / np.maximum(df, 1).astype(np.float64))


def build_match_index(
    snapshot: GraphSnapshot,
    *,
    facets: Collection[str] | None = None,
    params: MatchParams | None = None,
    fixed_weights: ConceptWeights | None = None,
) -> MatchIndex:
    """Build the index of ``snapshot``.

    ``facets`` are concept IRIs that describe *how* rather than *what* (deployment,
    efficiency, licensing); their narrower concepts are facets too. ``None`` picks them
    by label with :func:`~matchgraph.queries.concept_graph.default_facets`; pass an empty
    set to treat every concept as a task. ``fixed_weights`` overrides rarity weights by
    IRI (concepts it does not name get computed weights).

    Raises:
        QueryError: a capability, claim subject or compared pair names an artifact that
            the snapshot does not hold, or two artifacts share a slug.
    """
    import scipy.sparse as sp

    params = params or MatchParams()
    slugs = tuple(a.slug for a in snapshot.artifacts)
    row_of = {s: i for i, s in enumerate(slugs)}
    if len(row_of) != len(slugs):
        raise QueryError("snapshot holds duplicate artifact slugs")
    n = len(slugs)
    graph = build_concept_graph(snapshot, facets=facets)
    a_rows, c_cols, i_rows, i_cols, intent_id = _capability_incidence(snapshot, row_of, graph)
    direct = _incidence(a_rows, c_cols, (n, graph.size))
    intents = _incidence(i_rows, i_cols, (n, len(intent_id)))
    expanded = (direct @ graph.ancestors.to_scipy()) > 0
    graph = graph.with_weights(
        weight=_rarity(np.diff(direct.tocsc().indptr), n),
        ic=_rarity(np.diff(sp.csc_matrix(expanded).indptr), n),
        fixed=fixed_weights,
    )
    compared = _compared(snapshot, row_of)
    claim_pairs, claim_of_link = _claim_links(snapshot, row_of)
    intent_texts = tuple(intent_id)
    walk, walk_labels = _walk_graph(compared, claim_pairs, intents, snapshot, intent_texts,
                                    params.walk_intent_share)
    return MatchIndex(
        version=snapshot.version,
        params=params,
        slugs=slugs,
        names=tuple(a.name for a in snapshot.artifacts),
        concepts=graph,
        direct=Csr.of(direct),
        intent_texts=intent_texts,
        intents=Csr.of(intents),
        intent_weight=_rarity(np.diff(intents.tocsc().indptr), n),
        compared=Csr.of(compared),
        compare_weight=_rarity(np.diff(compared.indptr), n),
        claims=snapshot.claims,
        claim_pairs=claim_pairs,
        claim_of_link=claim_of_link,
        walk=Csr.of(walk),
        walk_labels=walk_labels,
    )


def _capability_incidence(
    snapshot: GraphSnapshot, row_of: Mapping[str, int], graph: ConceptGraph
) -> tuple[list[int], list[int], list[int], list[int], dict[str, int]]:
    a_rows: list[int] = []
    c_cols: list[int] = []
    i_rows: list[int] = []
    i_cols: list[int] = []
    intent_id: dict[str, int] = {}
    for cap in snapshot.capabilities:
        row = row_of.get(cap.artifact)
        if row is None:
            raise QueryError(f"capability {cap.iri} names unknown artifact {cap.artifact!r}")
        for iri in cap.concepts:
            a_rows.append(row)
            c_cols.append(graph.id_of[iri])
        for text in cap.intents:
            key = normalise_intent(text)
            if key:
                i_rows.append(row)
                i_cols.append(intent_id.setdefault(key, len(intent_id)))
    return a_rows, c_cols, i_rows, i_cols, intent_id


def _compared(snapshot: GraphSnapshot, row_of: Mapping[str, int]) -> sp.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    for a, b in snapshot.compared:
        if a not in row_of or b not in row_of:
            raise QueryError(f"compared pair ({a!r}, {b!r}) names an unknown artifact")
        if a != b:
            rows += [row_of[a], row_of[b]]
            cols += [row_of[b], row_of[a]]
    n = len(row_of)
    return _incidence(rows, cols, (n, n))


def _claim_links(
    snapshot: GraphSnapshot, row_of: Mapping[str, int]
) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """(subject, other) rows per claim link; others not in the graph are left out."""
    pairs: list[tuple[int, int]] = []
    owner: list[int] = []
    for k, claim in enumerate(snapshot.claims):
        s = row_of.get(claim.subject)
        if s is None:
            raise QueryError(f"claim {claim.iri} has unknown subject {claim.subject!r}")
        for other in claim.others:
            o = row_of.get(other)
            if o is not None and o != s:
                pairs.append((s, o))
                owner.append(k)
    arr = np.asarray(pairs, dtype=np.int32).reshape(-1, 2)
    return arr, np.asarray(owner, dtype=np.int32)


def _walk_graph(
    compared: sp.csr_matrix,
    claim_pairs: NDArray[np.int32],
    intents: sp.csr_matrix,
    snapshot: GraphSnapshot,
    intent_texts: tuple[str, ...],
    share: float,
) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """Artifacts plus intents served by at least two artifacts, as one symmetric graph.

    Concepts are deliberately not nodes: concept overlap has its own terms, and keeping
    the walk concept-free keeps "adding a shared concept never lowers a score" true.
    Intents served by one artifact are dead ends that only return to it, and intents
    served by more than ``share`` of all artifacts (and more than
    :data:`WALK_INTENT_FLOOR`) join everything to everything (like
    hub concepts), so both are dropped. Artifact-intent edges weigh the intent's rarity
    scaled to (0, 1]; comparisons and claims weigh 1 each.
    """
    import scipy.sparse as sp

    n = compared.shape[0]
    df = np.diff(intents.tocsc().indptr)
    cap = max(WALK_INTENT_FLOOR, int(share * n))
    shared = np.flatnonzero((df >= 2) & (df <= cap))
    rarity = np.log((n + 1.0) / df[shared]) / np.log(n + 1.0)
    art_intent = sp.csr_matrix(intents[:, shared] @ sp.diags(rarity))
    claims = sp.csr_matrix(
        (np.ones(len(claim_pairs)), (claim_pairs[:, 0], claim_pairs[:, 1])), shape=(n, n)
    )
    art_art = compared + claims + claims.T
    walk = sp.bmat([[art_art, art_intent], [art_intent.T, None]], format="csr")
    walk.sum_duplicates()
    labels = tuple(a.name for a in snapshot.artifacts) + tuple(
        intent_texts[i] for i in shared.tolist()
    )
    return walk, labels

