"""Runs, measurements and claim checks in Neo4j: the same facts as the embedded store.

The pure test needs nothing; the rest use the session's Neo4j server (neo4j_fixtures.py:
skip without one on a developer's machine, fail under CI=true) and empty its database.
"""

from __future__ import annotations


import pytest
from pyoxigraph import Quad, Store, Triple

from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.neo4j.lpg_mapping import graph_part, part_triples
from matchgraph.graph.neo4j.push import push, source_graphs
from matchgraph.graph.neo4j.store import Neo4jStore
from matchgraph.graph.prepared import prepare_paths
from matchgraph.queries.library import evidence_cypher as ec
from matchgraph.queries.library import evidence_sparql as es
from matchgraph.runners.evidence import remove_run, store_run
from matchgraph.runners.verify import verify_claims

from conftest import DATA
from neo4j_fixtures import neo, neo4j_settings  # noqa: F401  (fixtures)
from test_evidence import BAD, GOOD, record

RUNS = ("rapidocr-20260101T000000Z-aaaaaa", "tesseract-20260101T000000Z-aaaaaa")


@pytest.fixture
def evidence_store(tmp_path) -> OxigraphStore:  # type: ignore[no-untyped-def]
    store = OxigraphStore(tmp_path / "store")
    from matchgraph.graph.prepared import PreparedDocument
    from matchgraph.loaders.dispatch import iter_document_paths

    prepared = prepare_paths([p for p in iter_document_paths([DATA]) if p.suffix in (".txt", ".md", ".json")], jobs=1)
    assert store.load_prepared([d for d in prepared if isinstance(d, PreparedDocument)]).ok
    store_run(store, record("paddleocr", GOOD, run_id=RUNS[0]))
    store_run(store, record("tesseract", BAD, run_id=RUNS[1]))
    verify_claims(store, execute=False)
    yield store
    store.close()


def _canonical(triples: list[Triple]) -> set[Triple]:
    store = Store()
    store.extend([Quad(t.subject, t.predicate, t.object) for t in triples])
    return {Triple(x.subject, x.predicate, x.object) for x in store}


def test_run_and_check_graphs_round_trip_through_the_mapping(evidence_store: OxigraphStore) -> None:
    graphs = {k: v for k, v in source_graphs(evidence_store).items() if "/run/" in k or "/check/" in k}
    assert sum("/run/" in k for k in graphs) == 2 and sum("/check/" in k for k in graphs) > 2
    for name, triples in graphs.items():
        assert _canonical(part_triples(graph_part(triples))) == set(triples), name


def _count_sparql(store: OxigraphStore, cls: str) -> int:
    rows = list(store.sparql(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{cls}> }}"))  # constant IRIs only
    return int(rows[0]["n"].value)


def test_neo4j_holds_the_same_runs_measurements_and_checks(evidence_store: OxigraphStore, neo: Neo4jStore) -> None:
    from matchgraph.queries.library.cypher import CypherQuery

    push(evidence_store, neo)
    count = CypherQuery("count", "MATCH (n) WHERE $label IN labels(n) RETURN count(n) AS n", ("label",))
    mg = "https://w3id.org/matchgraph/ontology#"
    for label, cls in (("Run", mg + "Run"), ("RunMeasurement", mg + "RunMeasurement"), ("ClaimCheck", mg + "ClaimCheck")):
        assert int(neo.read(count, label=label)[0]["n"]) == _count_sparql(evidence_store, cls), label
    runs = neo.read(ec.RUNS_AND_MEASUREMENTS)
    assert [r["run_id"] for r in runs] == sorted(RUNS)
    # the twins: every measured CER of artifacts that claim multilingual OCR
    sparql = {(r["slug"], r["run"], r["lang"], float(r["value"])) for r in evidence_store.select(es.MULTILINGUAL_OCR_CER)}
    cypher = {(r["slug"], r["run"], r["lang"], float(r["value"]))
              for r in neo.read(ec.MULTILINGUAL_OCR_CER, **ec.MULTILINGUAL_OCR_CER.fixed)}
    assert sparql and sparql == cypher
    # removing a run removes exactly its facts there too
    remove_run(evidence_store, RUNS[1])
    push(evidence_store, neo)
    assert [r["run_id"] for r in neo.read(ec.RUNS_AND_MEASUREMENTS)] == [RUNS[0]]
    assert int(neo.read(count, label="RunMeasurement")[0]["n"]) == _count_sparql(evidence_store, mg + "RunMeasurement")
    assert int(neo.read(count, label="ClaimCheck")[0]["n"]) == _count_sparql(evidence_store, mg + "ClaimCheck")
