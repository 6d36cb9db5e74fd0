"""A load's workers answer the snapshot's per-document queries over each document they
prepared (graph/document_answers_ahead.py), so the first snapshot after ``matchgraph load``
asks the store nothing document by document, and is the snapshot built afresh."""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode

from matchgraph.cli.main import cli
from matchgraph.engine import Engine
from matchgraph.graph.document_answers import answerer
from matchgraph.graph.document_answers_ahead import answer_serialized
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.prepared import PreparedDocument, prepare_paths, prepare_texts
from matchgraph.loaders.dispatch import iter_document_paths
from matchgraph.ontology.vocab import document_iri
from matchgraph.queries.library.sparql_snapshot import PER_DOCUMENT
from matchgraph.queries.snapshot_sparql import build_snapshot
from test_document_answers import _counting


def _rows(raw: bytes) -> Counter[str]:
    columns, values = pickle.loads(raw)
    return Counter(repr(dict(zip(columns, v, strict=True))) for v in values)


def _store_rows(store: OxigraphStore, key: str) -> list[Counter[str]]:
    graph = NamedNode(document_iri(key))
    return [Counter(repr(row) for row in answerer(store._store, query)(graph)) for query in PER_DOCUMENT]


@pytest.mark.parametrize("validator", [None, "compiled"])
def test_the_workers_answers_are_the_stores(tmp_path: Path, validator: str | None) -> None:
    """Also when the compiled validator's in-memory store of the chunk answers the queries."""
    prepared = [d for d in prepare_paths(iter_document_paths([DATA]), jobs=1, answer=True, validator=validator)
                if isinstance(d, PreparedDocument)]
    assert len(prepared) >= 10 and all(d.answers is not None for d in prepared)
    assert all(d.validator == validator and not d.violations for d in prepared)
    store = OxigraphStore(tmp_path / "store")
    with store.loading() as session:
        result = session.load_prepared(prepared)
    assert not result.failed
    for doc in prepared:
        assert [_rows(raw) for raw in doc.answers or ()] == _store_rows(store, doc.key), doc.key
    assert any(sum(_rows(raw).values()) for doc in prepared for raw in doc.answers or ()), "nothing was answered"


def test_validating_and_answering_on_one_store_equals_each_on_its_own() -> None:
    """A worker validates and answers a chunk over one in-memory store: each document gets
    the violations the validator finds on its own and the rows a store of that document
    alone gives; an invalid document (here, its artifacts' names cut) gets no answers."""
    from dataclasses import replace

    from matchgraph.graph.prepared import _checked, _Job
    from matchgraph.graph.shacl.compiled import CompiledValidator

    texts = [(_page(name, rank, text), f"mem://page/{name}", None) for name, rank, text in [
        ("Alpha Reader", 70, "Reads scanned receipts into plain text."),
        ("Gamma Scanner", 40, "Turns a PDF into markdown."), ("Delta Parser", 55, "Draws pictures from a prompt.")]]
    docs = [d for d in prepare_texts(texts, jobs=1) if isinstance(d, PreparedDocument)]
    cut = b"\n".join(line for line in docs[1].ntriples.split(b"\n") if b"schema.org/name" not in line)
    docs[1] = replace(docs[1], ntriples=cut)
    checked = _checked(_Job(enrich=True, validator="compiled", answer=True), list(docs))
    alone = CompiledValidator().validate_serialized({d.key: d.ntriples for d in docs})
    assert list(alone) == [docs[1].key]
    for doc, plain in zip(checked, docs, strict=True):
        assert isinstance(doc, PreparedDocument) and doc.validator == "compiled"
        assert list(doc.violations) == alone.get(plain.key, [])
        if doc.violations:
            assert doc.answers is None
            continue
        [own] = answer_serialized([(document_iri(plain.key), plain.ntriples)], PER_DOCUMENT)
        assert doc.answers is not None and own is not None
        assert [_rows(raw) for raw in doc.answers] == [_rows(raw) for raw in own]


def test_without_asking_the_workers_answer_nothing() -> None:
    prepared = list(prepare_paths(list(iter_document_paths([DATA]))[:2], jobs=1))
    assert prepared and all(isinstance(d, PreparedDocument) and d.answers is None for d in prepared)


def _page(name: str, rank: int, description: str) -> str:
    return (f"{name} vs Beta Writer\n{name} ranks higher at {rank}/100 vs Beta Writer at 30/100.\n"
            "| Feature | " + name + " | Beta Writer |\n|---|---|---|\n| Type | Model | Model |\n"
            f"| UnfragileRank | {rank}/100 | 30/100 |\n"
            f"{name} Capabilities\n{description}\n"
            "Unique: Works offline without any cloud service\n"
            "vs alternatives: Faster than Beta Writer on scanned receipts\n")


_NAMES = st.sampled_from(["Alpha Reader", "Gamma Scanner", "Delta Parser"])
_DESCRIPTIONS = st.sampled_from(["Reads scanned receipts into plain text.", "Turns a PDF into markdown.",
                                 "Draws pictures from a prompt."])


@settings(max_examples=15, deadline=None)
@given(pages=st.lists(st.tuples(st.integers(0, 3), _NAMES, st.integers(31, 99), _DESCRIPTIONS), min_size=1, max_size=6))
def test_a_chunk_answers_each_document_as_its_own_graph(pages: list[tuple[int, str, int, str]]) -> None:
    """Documents answered together (one in-memory store per chunk) get the rows of their own
    graph only, and two versions of one document in a chunk are left to the snapshot."""
    texts = [(_page(name, rank, text), f"mem://page/{key}", None) for key, name, rank, text in pages]
    prepared = [d for d in prepare_texts(texts, jobs=1) if isinstance(d, PreparedDocument)]
    found = answer_serialized([(document_iri(d.key), d.ntriples) for d in prepared], PER_DOCUMENT)
    keys = Counter(d.key for d in prepared)
    for doc, answers in zip(prepared, found, strict=True):
        if keys[doc.key] > 1:
            assert answers is None
            continue
        alone = answer_serialized([(document_iri(doc.key), doc.ntriples)], PER_DOCUMENT)[0]
        assert answers is not None and alone is not None
        assert [_rows(raw) for raw in answers] == [_rows(raw) for raw in alone]


def test_after_matchgraph_load_the_snapshot_asks_the_store_nothing_per_document(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    result = CliRunner().invoke(cli, ["--store", str(store_path), "load", "--no-index", "--jobs", "2", str(DATA)])
    assert result.exit_code == 0, result.output
    engine = Engine.open(store_path)
    try:
        counting = _counting(engine.store)  # type: ignore[arg-type]
        snapshot = engine.snapshot()
        assert counting.per_document == 0, "a document's answers were not kept by the load"
        assert snapshot == build_snapshot(engine.store)  # type: ignore[arg-type]
    finally:
        engine.close()
