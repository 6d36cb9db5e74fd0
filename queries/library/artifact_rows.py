"""Artifact nodes grouped from each document's own rows, in place of a whole-store GROUP BY.

Entity resolution and the snapshot both need every artifact slug with its names, classes
and whether some page addresses it. Over ``GRAPH ?g`` that is one GROUP BY across the whole
store (about 25 s at 100,000 artifacts, after every load however small). Grouped here from
:data:`DOCUMENT_ARTIFACTS`, whose answers are kept per document, a small load queries only
its new documents. Pure functions: the rows come from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from matchgraph.loaders.resolution import ArtifactNode
from matchgraph.queries.library.sparql import SparqlQuery

__all__ = ["DOCUMENT_ARTIFACTS", "nodes_from_document_rows", "snapshot_artifact_rows"]

Row = Mapping[str, object]

DOCUMENT_ARTIFACTS = SparqlQuery(
    "document_artifacts",
    """
SELECT ?slug ?name ?class ?addressed WHERE {
  GRAPH ?doc {
    ?doc mg:documentKey ?key .
    ?artifact a mg:Artifact ; mg:slug ?slug .
    OPTIONAL { ?artifact schema:name ?name }
    OPTIONAL { ?artifact a ?class FILTER (?class != mg:Artifact) }
    OPTIONAL { ?artifact mg:addressed ?addressed }
  }
}
""",
    per_document=True,
)
"""Every artifact node of each document, one row per (name, class, addressed) it states
there: what :data:`~matchgraph.queries.library.sparql_snapshot.SNAPSHOT_ARTIFACTS` and
entity resolution's :data:`~matchgraph.queries.library.sparql.ARTIFACT_NODES` group over the
whole store, kept per document so that after a small load only the new documents are
queried. Only document graphs declare artifacts: runs, checks, merges and feedback refer to
them by IRI.

Not one of the named queries every backend answers (those live in ``sparql`` and
``sparql_snapshot``, each with a Cypher twin): Neo4j keeps one node per artifact, not one
per document, and answers those two queries directly."""


def nodes_from_document_rows(rows: Iterable[Row]) -> list[ArtifactNode]:
    """What :data:`~matchgraph.queries.library.sparql.ARTIFACT_NODES` answers: each slug
    once, with every name any document gives it and whether any document addresses it.

    >>> nodes_from_document_rows([{"slug": "a", "name": "A", "addressed": None},
    ...                           {"slug": "a", "name": "Ay", "addressed": True}])
    [ArtifactNode(slug='a', names=('A', 'Ay'), addressed=True)]
    """
    names: dict[str, set[str]] = {}
    addressed: set[str] = set()
    for row in rows:
        slug = str(row["slug"])
        found = names.setdefault(slug, set())
        if row.get("name") is not None:
            found.add(str(row["name"]))
        if row.get("addressed") is True:
            addressed.add(slug)
    return [ArtifactNode(slug=slug, names=tuple(sorted(names[slug])), addressed=slug in addressed)
            for slug in sorted(names)]


def snapshot_artifact_rows(rows: Iterable[Row]) -> Iterator[dict[str, object]]:
    """What :data:`~matchgraph.queries.library.sparql_snapshot.SNAPSHOT_ARTIFACTS` answers,
    by slug: the least name, and the classes stated beside a name (a document that names
    no artifact, only mentions its IRI, adds no class: the query joins name and class in
    one graph).

    >>> list(snapshot_artifact_rows([{"slug": "a", "name": "B", "class": "x"},
    ...                              {"slug": "a", "name": "A", "class": None},
    ...                              {"slug": "a", "name": None, "class": "y"}]))
    [{'slug': 'a', 'name': 'A', 'classes': 'x'}]
    """
    least: dict[str, str] = {}
    classes: dict[str, set[str]] = {}
    for row in rows:
        name = row.get("name")
        if name is None:
            continue
        slug, text = str(row["slug"]), str(name)
        if slug not in least or text < least[slug]:
            least[slug] = text
        if row.get("class") is not None:
            classes.setdefault(slug, set()).add(str(row["class"]))
    for slug in sorted(least):
        yield {"slug": slug, "name": least[slug], "classes": " ".join(sorted(classes.get(slug, ())))}
