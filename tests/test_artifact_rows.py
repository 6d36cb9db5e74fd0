"""Artifact nodes grouped in Python from each document's rows must be exactly what the
whole-store GROUP BY queries answer (entity resolution and the snapshot read them), for any
spread of artifacts, names, classes and flags over documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad, Store

from matchgraph.graph.document_answers import per_document_rows
from matchgraph.graph.document_markers import document_hashes
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.resolution_graph import nodes_from_rows
from matchgraph.graph.sparql_values import iter_rows
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.loaders.pipeline import prepare
from matchgraph.loaders.resolution import ArtifactNode
from matchgraph.ontology.vocab import ARTIFACT_CLASS, MG, RDF, SCHEMA, XSD, artifact_iri
from matchgraph.queries.library.artifact_rows import DOCUMENT_ARTIFACTS, nodes_from_document_rows, snapshot_artifact_rows
from matchgraph.queries.library import sparql as q
from matchgraph.queries.library import sparql_snapshot as qs

_CLASSES = [*ARTIFACT_CLASS.values(), "https://example.org/OtherClass"]
_artifact = st.tuples(
    st.sampled_from(["alpha", "beta", "gamma", "d-e", "é"]),            # slugs shared across documents
    st.lists(st.text(min_size=1, max_size=5), max_size=3),               # names (none: only mentioned)
    st.lists(st.sampled_from(_CLASSES), max_size=2),                      # classes
    st.sampled_from([None, True, False]),                                 # mg:addressed
)


def _whole(store: Store, query: q.SparqlQuery) -> list[dict[str, object]]:
    return list(iter_rows(store.query(query.full_text, use_default_graph_as_union=True)))  # type: ignore[arg-type]


def _store(documents: list[list[tuple[str, list[str], list[str], bool | None]]]) -> Store:
    store = Store()
    for i, artifacts in enumerate(documents):
        g = NamedNode(f"https://example.org/doc/{i}")
        store.add(Quad(g, NamedNode(MG + "documentKey"), Literal(f"doc-{i}"), g))
        for slug, names, classes, addressed in artifacts:
            node = NamedNode(artifact_iri(slug))
            store.add(Quad(node, NamedNode(RDF + "type"), NamedNode(MG + "Artifact"), g))
            store.add(Quad(node, NamedNode(MG + "slug"), Literal(slug), g))
            for name in names:
                store.add(Quad(node, NamedNode(SCHEMA + "name"), Literal(name), g))
            for cls in classes:
                store.add(Quad(node, NamedNode(RDF + "type"), NamedNode(cls), g))
            if addressed is not None:
                store.add(Quad(node, NamedNode(MG + "addressed"),
                               Literal(str(addressed).lower(), datatype=NamedNode(XSD + "boolean")), g))
    return store


def _model(documents: list) -> tuple[list[ArtifactNode], list[dict[str, object]]]:
    """What the grouping should give, worked out from the generated documents directly."""
    names: dict[str, set[str]] = {}
    addressed: set[str] = set()
    named_classes: dict[str, set[str]] = {}
    for artifacts in documents:
        in_document: dict[str, tuple[set[str], set[str]]] = {}  # one node per slug and graph
        for slug, its_names, classes, flag in artifacts:
            names.setdefault(slug, set()).update(its_names)
            in_document.setdefault(slug, (set(), set()))[0].update(its_names)
            in_document[slug][1].update(classes)
            if flag:
                addressed.add(slug)
        for slug, (its_names, classes) in in_document.items():
            if its_names:  # the snapshot joins name and class within one document
                named_classes.setdefault(slug, set()).update(classes)
    nodes = [ArtifactNode(s, tuple(sorted(names[s])), s in addressed) for s in sorted(names)]
    rows = [{"slug": s, "name": min(names[s]), "classes": " ".join(sorted(named_classes[s]))}
            for s in sorted(named_classes)]
    return nodes, rows


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_artifact, max_size=4), min_size=1, max_size=4))
def test_grouped_document_rows_give_every_name_flag_and_named_class(documents: list) -> None:
    rows = list(per_document_rows(_store(documents), DOCUMENT_ARTIFACTS))
    nodes, snapshot_rows = _model(documents)
    assert nodes_from_document_rows(rows) == nodes
    assert list(snapshot_artifact_rows(rows)) == snapshot_rows


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_artifact.filter(lambda a: bool(a[1]) and not any("\x1f" in n for n in a[1])), max_size=4),
                min_size=1, max_size=4))
def test_where_every_document_names_its_artifacts_the_whole_store_queries_agree(documents: list) -> None:
    """Loaders always name the artifacts they declare. (Where a document does not, the
    whole-store GROUP_CONCAT is unbound for the whole group, an error under SPARQL's
    aggregate rules, and would drop every name; a name holding its separator would be cut
    in two. The grouping keeps each name whole.)"""
    store = _store(documents)
    rows = list(per_document_rows(store, DOCUMENT_ARTIFACTS))
    assert nodes_from_document_rows(rows) == nodes_from_rows(_whole(store, q.ARTIFACT_NODES))
    whole = sorted(_whole(store, qs.SNAPSHOT_ARTIFACTS), key=lambda r: str(r["slug"]))
    grouped = list(snapshot_artifact_rows(rows))
    assert [(r["slug"], r["name"]) for r in grouped] == [(r["slug"], r["name"]) for r in whole]
    assert [set(str(r["classes"]).split()) for r in grouped] == [set(str(r["classes"]).split()) - {""} for r in whole]


@pytest.fixture(scope="module")
def data_store() -> Iterator[OxigraphStore]:
    opened = OxigraphStore(None)
    assert opened.load([prepare(read_document(p)) for p in iter_document_paths([DATA])]).ok
    yield opened
    opened.close()


def test_the_embedded_store_resolves_from_document_rows_what_the_whole_store_says(data_store: OxigraphStore) -> None:
    nodes = data_store.artifact_nodes()
    assert len(nodes) >= 10 and any(node.addressed for node in nodes) and any(not node.addressed for node in nodes)
    assert nodes == nodes_from_rows(data_store.select(q.ARTIFACT_NODES))


def test_document_hashes_are_what_documents_lists(data_store: OxigraphStore) -> None:
    listed = sorted((d.key, d.content_hash) for d in data_store.documents())
    assert len(listed) >= 10
    assert data_store.document_hashes() == document_hashes(data_store._store) == listed
