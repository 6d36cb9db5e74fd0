"""Store semantics users rely on: idempotent reloads, replacement of changed documents,
all-or-nothing loads, and SHACL validation of every load."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from matchgraph.errors import ValidationError
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.shacl.validation import get_validator
from matchgraph.loaders.dispatch import parse_document, read_document
from matchgraph.ontology.vocab import MG


def _doc(name: str, rank: int = 53) -> str:
    return (
        f"{name} vs Other Model\n"
        f"Side-by-side comparison to help you choose.\n"
        f"| Feature | {name} | Other Model |\n|---|---|---|\n"
        f"| Type | Model | Model |\n| UnfragileRank | {rank}/100 | 40/100 |\n"
        f"{name} Capabilities\nReads receipts.\nUnique: Fast.\nvs alternatives: Faster than Tesseract.\n"
        f"Verdict\n{name} is fine.\n"
    )


def test_reloading_the_same_document_changes_nothing(seed_path: Path, disk_store) -> None:
    facts = read_document(seed_path)
    disk_store.load([facts])
    before = disk_store.stats()
    loaded_at = disk_store.documents()[0].loaded_at
    result = disk_store.load([read_document(seed_path)])
    assert result.unchanged == [facts.source.key] and not result.loaded
    assert disk_store.stats() == before
    assert disk_store.documents()[0].loaded_at == loaded_at


def test_changed_version_replaces_the_document(tmp_path: Path, memory_store) -> None:
    path = tmp_path / "page.txt"
    path.write_text(_doc("Alpha OCR", rank=53), encoding="utf-8")
    memory_store.load([read_document(path)])
    path.write_text(_doc("Alpha OCR", rank=61), encoding="utf-8")
    result = memory_store.load([read_document(path)])
    assert result.replaced == [str(path.resolve())]
    from matchgraph.queries.views.artifact import artifact_view

    assert [o.rank for o in artifact_view(memory_store, "alpha-ocr").observations] == [61]
    assert memory_store.stats().documents == 1


def test_two_sources_disagreeing_both_stay_visible(tmp_path: Path, memory_store) -> None:
    for i, rank in enumerate((53, 47)):
        (tmp_path / f"p{i}.txt").write_text(_doc("Alpha OCR", rank=rank), encoding="utf-8")
    memory_store.load([read_document(tmp_path / f"p{i}.txt") for i in range(2)])
    from matchgraph.queries.views.artifact import artifact_view

    view = artifact_view(memory_store, "alpha-ocr")
    assert sorted(o.rank for o in view.observations) == [47, 53]
    assert len({o.source for o in view.observations}) == 2


def test_store_persists_on_disk(tmp_path: Path, seed_path: Path) -> None:
    store = OxigraphStore(tmp_path / "s")
    store.load([read_document(seed_path)])
    quads = store.stats().quads
    store.close()
    again = OxigraphStore(tmp_path / "s")
    assert again.stats().quads == quads and again.stats().documents == 1
    again.close()


@pytest.mark.parametrize("validator", ["compiled", "pyshacl"])
def test_malformed_fact_is_rejected_and_leaves_no_trace(
    validator: str, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matchgraph.graph.prepared as prepared
    from pyoxigraph import RdfFormat, serialize

    from matchgraph.graph.rdf_mapping import document_triples

    store = OxigraphStore(None, validator=validator)
    good = parse_document(_doc("Alpha OCR"), document="good.txt")
    bad = read_document(seed_path)

    def corrupt(facts, loaded_at=None):
        triples = document_triples(facts, loaded_at=loaded_at)
        if facts.source.key == bad.source.key:
            cap = next(t.subject for t in triples if t.predicate == NamedNode(MG + "ordinal"))
            negative = Literal("-3", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
            triples.append(Triple(cap, NamedNode(MG + "ordinal"), negative))
        return serialize(triples, format=RdfFormat.N_TRIPLES)

    monkeypatch.setattr(prepared, "document_ntriples", corrupt)
    result = store.load([good, bad])
    assert result.loaded == ["good.txt"]
    assert isinstance(result.failed[bad.source.key], ValidationError)
    assert "ordinal" in str(result.failed[bad.source.key])
    assert [d.key for d in store.documents()] == ["good.txt"]
    assert not store.sparql('ASK { ?a <https://w3id.org/matchgraph/ontology#slug> "glm-ocr" }')


def test_seed_conforms_under_both_validators(seed_path: Path) -> None:
    from matchgraph.graph.rdf_mapping import document_triples

    triples = document_triples(read_document(seed_path))
    for name in ("compiled", "pyshacl"):
        assert get_validator(name).validate({"seed": triples}) == {}


def test_remove_drops_exactly_one_document(tmp_path: Path, seed_path: Path, memory_store) -> None:
    other = parse_document(_doc("Alpha OCR"), document="other.txt")
    memory_store.load([read_document(seed_path), other])
    assert memory_store.remove("other.txt")
    assert [d.key for d in memory_store.documents()] == [str(seed_path.resolve())]
    assert not memory_store.remove("other.txt")


def test_bulk_path_gives_the_same_graph_as_the_transactional_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matchgraph.graph.embedded_load as embedded_load

    docs = [parse_document(_doc(f"Model {i}"), document=f"d{i}.txt") for i in range(5)]
    small = OxigraphStore(tmp_path / "small")
    small.load(docs)
    monkeypatch.setattr(embedded_load, "BULK_THRESHOLD", 1)
    bulk = OxigraphStore(tmp_path / "bulk")
    bulk.load(docs)
    strip = lambda store: {(q.subject, q.predicate, q.object, q.graph_name) for q in store._store if "loadedAt" not in q.predicate.value and "resolution" not in str(q.graph_name) and "graph/meta" not in str(q.graph_name)}  # noqa: E731
    assert strip(small) == strip(bulk)
    assert [d.key for d in bulk.documents()] == [f"d{i}.txt" for i in range(5)]


def test_a_load_interrupted_before_its_commit_marker_leaves_no_trace(tmp_path: Path) -> None:
    from pyoxigraph import RdfFormat, serialize

    from matchgraph.graph.rdf_mapping import document_triples
    from matchgraph.graph.store_housekeeping import unfinished_write
    from matchgraph.ontology.vocab import document_iri

    store = OxigraphStore(tmp_path / "s")
    store.load([parse_document(_doc("Kept"), document="kept.txt")])
    before = store.stats()
    facts = parse_document(_doc("Lost"), document="lost.txt")
    graph = document_iri("lost.txt")
    partial = [t for t in document_triples(facts) if "contentHash" not in t.predicate.value]
    text = serialize(partial, format=RdfFormat.N_TRIPLES).replace(b" .\n", f" <{graph}> .\n".encode())
    unfinished_write(store._store).__enter__()  # the store marks its bulk writes as unfinished...
    store._store.bulk_load(text, format=RdfFormat.N_QUADS)  # ...and the process died here
    store.close()
    reopened = OxigraphStore(tmp_path / "s")
    assert reopened.stats() == before
    assert [d.key for d in reopened.documents()] == ["kept.txt"]


def test_violations_found_by_a_pipeline_worker_reject_the_document(tmp_path: Path) -> None:
    from dataclasses import replace

    from matchgraph.errors import Violation
    from matchgraph.graph.prepared import prepare_texts

    items = [(_doc(f"Model {i}"), f"w{i}.txt", None) for i in range(3)]
    prepared = list(prepare_texts(items, enrich=False, jobs=1, validator="compiled"))
    assert all(p.validator == "compiled" and p.violations == () for p in prepared)
    flagged = replace(prepared[1], violations=(Violation("urn:x", None, "found by the worker"),))
    store = OxigraphStore(tmp_path / "s", validator="compiled")
    result = store.load_prepared([prepared[0], flagged, prepared[2]])
    assert sorted(result.loaded) == ["w0.txt", "w2.txt"]
    assert "found by the worker" in str(result.failed["w1.txt"])
