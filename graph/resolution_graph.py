"""Entity resolution as facts: merges, ambiguities and curated decisions in their own graphs.

Automatic merges are recomputed after every load or removal into the graph
``mgid:graph/resolution`` (so they follow the documents); curated decisions a person makes
(``matchgraph merge`` / ``matchgraph separate``) live in ``mgid:graph/curation`` and survive
reloads. Undoing a merge is a curated separation.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Protocol

from pyoxigraph import Literal, NamedNode, Triple

from matchgraph.loaders.resolution import AliasTable, ArtifactNode, Merge, Resolution, resolve
from matchgraph.ontology.vocab import RESOLUTION_GRAPH, CURATION_GRAPH, ID, MG, PROV, RDF, XSD, artifact_iri
from matchgraph.queries.library import sparql as q

__all__ = ["CURATION_GRAPH", "RESOLUTION_GRAPH", "canonical_map", "curate", "curation_triples", "nodes_from_rows",
           "refresh_resolution"]

_A = NamedNode(RDF + "type")


class ResolvableStore(Protocol):
    def select(self, query: q.SparqlQuery, **params: object) -> list[dict[str, object]]: ...
    def artifact_nodes(self) -> list[ArtifactNode]: ...
    def replace_graph(self, graph: str, triples: list[Triple]) -> None: ...


def _node(kind: str, *parts: str) -> NamedNode:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
    return NamedNode(f"{ID}{kind}/{digest}")


def nodes_from_rows(rows: list[dict[str, object]]) -> list[ArtifactNode]:
    """:data:`~matchgraph.queries.library.sparql.ARTIFACT_NODES`' rows as nodes, by slug."""
    return sorted((
        ArtifactNode(
            slug=str(row["slug"]),
            names=tuple(sorted({n for n in str(row.get("names") or "").split("\x1f") if n})),
            addressed=bool(row.get("addressed")),
        )
        for row in rows
    ), key=lambda node: node.slug)


def curated(store: ResolvableStore) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    merges, separations = [], []
    for row in store.select(q.CURATED):
        pair = (str(row["a"]), str(row["b"]))
        (merges if row["kind"] == "merge" else separations).append(pair)
    return merges, separations


def resolution_triples(resolution: Resolution, when: datetime) -> list[Triple]:
    stamp = Literal(when.isoformat(), datatype=NamedNode(XSD + "dateTime"))
    out: list[Triple] = []
    for merge in resolution.merges:
        node = _node("merge", merge.source, merge.target)
        out += [
            Triple(node, _A, NamedNode(MG + "Merge")),
            Triple(node, NamedNode(MG + "mergedArtifact"), NamedNode(artifact_iri(merge.source))),
            Triple(node, NamedNode(MG + "canonicalArtifact"), NamedNode(artifact_iri(merge.target))),
            Triple(node, NamedNode(MG + "mergedSlug"), Literal(merge.source)),
            Triple(node, NamedNode(MG + "canonicalSlug"), Literal(merge.target)),
            Triple(node, NamedNode(MG + "rule"), Literal(merge.rule)),
            Triple(node, NamedNode(MG + "reason"), Literal(merge.reason)),
            Triple(node, NamedNode(PROV + "generatedAtTime"), stamp),
        ]
    for slug, candidates in resolution.ambiguous:
        node = _node("ambiguous", slug)
        out += [Triple(node, _A, NamedNode(MG + "AmbiguousName")), Triple(node, NamedNode(MG + "slug"), Literal(slug))]
        out += [Triple(node, NamedNode(MG + "candidate"), Literal(c)) for c in candidates]
    return out


def refresh_resolution(store: ResolvableStore, aliases: AliasTable | None = None) -> Resolution:
    """Recompute automatic merges from all artifact nodes and store them (one graph swap)."""
    merges, separations = curated(store)
    resolution = resolve(store.artifact_nodes(), aliases or AliasTable.load(), merges=merges, separations=separations)
    store.replace_graph(RESOLUTION_GRAPH, resolution_triples(resolution, datetime.now(UTC)))
    return resolution


def curate(store: ResolvableStore, kind: str, first: str, second: str) -> Resolution:
    """Record a person's decision (``merge`` or ``separate`` two slugs) and re-resolve.

    A decision replaces any earlier one about the same pair.

    Raises:
        UnknownSlugError: a slug no stored artifact has (nothing is recorded).
        UsageError: both slugs are the same.
    """
    from matchgraph.graph.slug_check import check_pair

    check_pair(store, first, second)
    decisions = [
        (str(r["kind"]), str(r["a"]), str(r["b"]))
        for r in store.select(q.CURATED)
        if {str(r["a"]), str(r["b"])} != {first, second}
    ]
    decisions.append((kind, first, second))
    store.replace_graph(CURATION_GRAPH, curation_triples(decisions))
    return refresh_resolution(store)


def canonical_map(store: ResolvableStore) -> dict[str, str]:
    """slug -> canonical slug for every merged artifact (others map to themselves implicitly)."""
    merges = [(str(r["source"]), str(r["target"])) for r in store.select(q.MERGES)]
    return Resolution(merges=tuple(Merge(a, b, "", "") for a, b in merges)).canonical()


def curation_triples(existing: list[tuple[str, str, str]]) -> list[Triple]:
    """Triples of the curated decisions (kind, first slug, second slug)."""
    out: list[Triple] = []
    for kind, a, b in existing:
        node = _node("decision", kind, a, b)
        out += [
            Triple(node, _A, NamedNode(MG + "CuratedDecision")),
            Triple(node, NamedNode(MG + "decision"), Literal(kind)),
            Triple(node, NamedNode(MG + "first"), Literal(a)),
            Triple(node, NamedNode(MG + "second"), Literal(b)),
        ]
    return out
