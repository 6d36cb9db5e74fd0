"""Building the match index from a snapshot: sparse algebra with ``scipy.sparse``.

The index (:class:`~matchgraph.queries.match.index.MatchIndex`) is read by every match
question without scipy; only a build, once per store version, imports it.

>>> from matchgraph.queries.snapshot import (ArtifactRecord, CapabilityRecord,
...     GraphSnapshot)
>>> snap = GraphSnapshot(artifacts=(ArtifactRecord("a", "A"), ArtifactRecord("b", "B")),
...     capabilities=(CapabilityRecord("c1", "a", "ocr", concepts=("x:ocr",)),))
>>> index = build_match_index(snap)
>>> index.direct.shape, index.concepts.iris
((2, 1), ('x:ocr',))
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from matchgraph.errors import QueryError
from matchgraph.queries.arrays import sorted_unique
from matchgraph.queries.concept_graph import ConceptGraph, build_concept_graph
from matchgraph.queries.match.config import MatchParams
from matchgraph.queries.match.csr import Csr
from matchgraph.queries.match.index import ConceptWeights, MatchIndex
from matchgraph.queries.snapshot import GraphSnapshot

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["WALK_INTENT_FLOOR", "build_match_index", "normalise_intent"]

WALK_INTENT_FLOOR = 10
"""An intent served by at most this many artifacts always stays in the walk graph."""


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
        key = sorted_unique(r * shape[1] + c)
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
