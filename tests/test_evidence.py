"""Runs as evidence in the embedded store, and claims checked against them.

Synthetic runs (built here, no engine needed) make the outcomes known in advance; the real
engines are exercised in test_runners_engines.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from matchgraph.cli.main import cli
from matchgraph.errors import NotFoundError, StoreError
from matchgraph.graph.shacl.validation import get_validator
from matchgraph.graph.prepared import prepare_paths
from matchgraph.runners.base import Measurement, RunRecord
from matchgraph.runners.checks_graph import stored_checks
from matchgraph.runners.claim_check import check_claim
from matchgraph.runners.evidence import artifact_runs, remove_run, run_triples, store_run
from matchgraph.runners.verify import verify_claims
from matchgraph.queries.views.claims import claims as list_claims

from conftest import DATA

SUITE_HASH = "ab" * 32


def record(artifact: str, cers: dict[str, float], *, run_id: str, seconds: float = 0.1, random: bool = False) -> RunRecord:
    items = tuple(Measurement("CharacterErrorRate", v, "UNITLESS", "en", k) for k, v in cers.items())
    items += tuple(Measurement("Latency", seconds, "SEC", "en", k) for k in cers)
    figures = (Measurement("CharacterErrorRate", sum(cers.values()) / len(cers), "UNITLESS", "en"),
               Measurement("CharacterErrorRate", sum(cers.values()) / len(cers), "UNITLESS"),
               Measurement("PagesPerSecond", 1 / seconds, "PER-SEC"), Measurement("PeakMemory", 1e8, "BYTE"))
    return RunRecord(
        run_id=run_id, runner="tesseract" if artifact == "tesseract" else "rapidocr", artifact=artifact,
        suite="synthetic", suite_hash=SUITE_HASH, items=len(cers), device="cpu", hardware="CPU test", memory_bytes=1,
        software=("python==3.11",), weights="random weights" if random else "sha256:" + "0" * 64, random_weights=random,
        started=_iso(run_id), ended=_iso(run_id), measurements=items + figures,
        note="random weights: evidence of speed and memory only" if random else None,
    )


def _iso(run_id: str) -> str:
    stamp = run_id.split("-")[1]  # 20260101T000000Z
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}+00:00"


ITEMS = [f"p{n:02d}.png" for n in range(16)]
GOOD = {k: 0.05 for k in ITEMS}
BAD = {k: 0.30 for k in ITEMS}


@pytest.fixture
def store(memory_store):
    memory_store.load_prepared(list(prepare_paths([DATA / "comparisons" / "tesseract-vs-paddleocr.md"], jobs=1)))
    return memory_store


def _quads(store) -> set:  # type: ignore[no-untyped-def]
    """Every fact; the store's bookkeeping graph (version tokens) changes with any write."""
    return {q for q in store._store if not str(q.graph_name).endswith("/graph/meta>")}


def test_a_run_validates_with_both_validators() -> None:
    body = serialize(run_triples(record("tesseract", GOOD, run_id="tesseract-20260101T000000Z-aaaaaa")), format=RdfFormat.N_TRIPLES)
    for name in ("compiled", "pyshacl"):
        assert get_validator(name).validate_serialized({"g": body}) == {}, name


_MUTATIONS = st.sampled_from(["drop", "device", "metric", "negative", "hash", "language", "datatype"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_MUTATIONS, st.integers(0, 200))
def test_validators_agree_on_broken_runs(mutation: str, index: int) -> None:
    """Differential test, as for documents: both validators flag the same (focus, path) pairs."""
    triples = run_triples(record("tesseract", {"a": 0.1, "b": 0.2}, run_id="tesseract-20260101T000000Z-aaaaaa"))
    t = triples[index % len(triples)]
    if mutation == "drop":
        triples.remove(t)
    else:
        replacement = {
            "device": ("device", Literal("tpu")),
            "metric": ("isMeasurementOf", NamedNode("https://w3id.org/matchgraph/ontology#Vibes")),
            "negative": ("value", Literal("-1.0", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#double"))),
            "hash": ("suiteHash", Literal("xyz")),
            "language": ("language", Literal("english")),
            "datatype": ("itemCount", Literal("two")),
        }[mutation]
        triples = [Triple(x.subject, x.predicate, replacement[1]) if x.predicate.value.endswith(replacement[0]) else x
                   for x in triples]
    body = serialize(triples, format=RdfFormat.N_TRIPLES)
    found = {}
    for name in ("compiled", "pyshacl"):
        violations = get_validator(name).validate_serialized({"g": body}).get("g", [])
        found[name] = {(v.focus, v.path) for v in violations}
    assert found["compiled"] == found["pyshacl"]
    if mutation != "drop":
        assert found["compiled"], f"{mutation} must be flagged"


def test_runs_never_overwrite_and_removal_removes_exactly_their_facts(store) -> None:  # type: ignore[no-untyped-def]
    before = _quads(store)
    store_run(store, record("tesseract", BAD, run_id="tesseract-20260101T000000Z-aaaaaa"))
    after_first = _quads(store)
    store_run(store, record("tesseract", GOOD, run_id="tesseract-20260101T000000Z-bbbbbb"))
    with pytest.raises(StoreError, match="never overwritten"):
        store_run(store, record("tesseract", GOOD, run_id="tesseract-20260101T000000Z-bbbbbb"))
    runs = artifact_runs(store, "tesseract")
    assert [r.run_id for r in runs] == ["tesseract-20260101T000000Z-aaaaaa", "tesseract-20260101T000000Z-bbbbbb"]
    assert runs[0].value("CharacterErrorRate", "en") == pytest.approx(0.30)
    assert runs[1].value("CharacterErrorRate") == pytest.approx(0.05)
    assert {f["unit"] for f in runs[0].figures} == {"1", "{page}/s", "By"}
    remove_run(store, "tesseract-20260101T000000Z-bbbbbb")
    assert _quads(store) == after_first
    remove_run(store, "tesseract-20260101T000000Z-aaaaaa")
    assert _quads(store) == before
    with pytest.raises(NotFoundError):
        remove_run(store, "tesseract-20260101T000000Z-aaaaaa")


def _claim(store, subject: str, relation: str):  # type: ignore[no-untyped-def]
    return next(c for c in list_claims(store, artifact=subject) if c.relation == relation)


def test_claim_statuses_follow_the_measurements(store) -> None:  # type: ignore[no-untyped-def]
    accurate = _claim(store, "paddleocr", "more_accurate_than")
    assert check_claim(store, accurate).status == "untested"
    assert "no runs" in check_claim(store, accurate).reason
    store_run(store, record("paddleocr", GOOD, run_id="rapidocr-20260101T000000Z-aaaaaa"))
    store_run(store, record("tesseract", BAD, run_id="tesseract-20260101T000000Z-aaaaaa"))
    supported = check_claim(store, accurate)
    assert supported.status == "supported", supported.reason
    assert supported.result is not None and supported.result.n == 16 and supported.result.effect == pytest.approx(0.25)
    assert supported.outcome == "passed"
    worse = _claim(store, "tesseract", "less_accurate_than")  # "against": the claimant says it is worse
    assert check_claim(store, worse).status == "supported"
    assert check_claim(store, _claim(store, "tesseract", "smaller_than")).status == "not testable"
    # a later run that turns the result around decides the claim
    store_run(store, record("tesseract", {k: 0.01 for k in ITEMS}, run_id="tesseract-20260102T000000Z-cccccc"))
    contradicted = check_claim(store, accurate)
    assert contradicted.status == "contradicted"
    assert contradicted.runs == ("https://w3id.org/matchgraph/id/run/rapidocr-20260101T000000Z-aaaaaa",
                                 "https://w3id.org/matchgraph/id/run/tesseract-20260102T000000Z-cccccc")


def test_random_weight_runs_never_decide_a_claim(store) -> None:  # type: ignore[no-untyped-def]
    store_run(store, record("paddleocr", GOOD, run_id="rapidocr-20260101T000000Z-aaaaaa", random=True))
    store_run(store, record("tesseract", BAD, run_id="tesseract-20260101T000000Z-aaaaaa"))
    assert check_claim(store, _claim(store, "paddleocr", "more_accurate_than")).status == "untested"
    assert "random weights" in (artifact_runs(store, "paddleocr")[0].caveat or "")


def test_verify_records_earl_and_removing_a_run_drops_its_checks(store) -> None:  # type: ignore[no-untyped-def]
    store_run(store, record("paddleocr", GOOD, run_id="rapidocr-20260101T000000Z-aaaaaa"))
    store_run(store, record("tesseract", BAD, run_id="tesseract-20260101T000000Z-aaaaaa"))
    results = verify_claims(store, execute=False)
    by_status = {r.status for r in results}
    assert {"supported", "not testable"} <= by_status
    checks = stored_checks(store)
    accurate = _claim(store, "paddleocr", "more_accurate_than")
    assert checks[accurate.iri]["status"] == "supported"
    assert checks[accurate.iri]["outcome"] == "earl:passed"
    assert checks[accurate.iri]["items"] == 16
    assert len(checks) == len(results)
    again = verify_claims(store, results[0].claim_id, execute=False)
    assert len(again) == 1 and len(stored_checks(store)) == len(results), "a new check replaces the old one"
    remove_run(store, "tesseract-20260101T000000Z-aaaaaa")
    assert accurate.iri not in stored_checks(store)
    with pytest.raises(NotFoundError):
        verify_claims(store, "c-0000000000", execute=False)


def test_cli_evidence_show_claims_and_compare(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "store"

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        result = runner.invoke(cli, ["--store", str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    invoke("load", str(DATA / "comparisons" / "tesseract-vs-paddleocr.md"))
    shown = json.loads(invoke("show", "PaddleOCR", "--json").stdout)
    assert shown["evidence"] == []
    assert "matchgraph run rapidocr --artifact paddleocr" in shown["evidence_note"]
    statuses = {c["relation"]: c["status"] for cap in shown["capabilities"] for c in cap["claims"]}
    assert statuses["more_accurate_than"] == "untested" and statuses["cheaper_than"] == "not testable"

    from matchgraph.graph.embedded import OxigraphStore

    store = OxigraphStore(path)
    store_run(store, record("paddleocr", GOOD, run_id="rapidocr-20260101T000000Z-aaaaaa"))
    store_run(store, record("tesseract", BAD, run_id="tesseract-20260101T000000Z-aaaaaa"))
    store.close()
    invoke("verify", "--no-run")
    shown = json.loads(invoke("show", "PaddleOCR", "--json").stdout)
    assert [e["run_id"] for e in shown["evidence"]] == ["rapidocr-20260101T000000Z-aaaaaa"]
    assert shown["evidence_note"] is None
    accurate = next(c for cap in shown["capabilities"] for c in cap["claims"] if c["relation"] == "more_accurate_than")
    assert accurate["status"] == "supported" and accurate["claim_id"].startswith("c-")
    listed = json.loads(invoke("claims", "Tesseract", "--status", "--json").stdout)
    assert {c["relation"]: c["status"] for c in listed}["less_accurate_than"] == "supported"
    evidence = json.loads(invoke("evidence", "tesseract", "--json").stdout)
    assert evidence["evidence"][0]["figures"][0]["unit"] == "1"
    compared = json.loads(invoke("compare", "PaddleOCR", "Tesseract", "--json").stdout)
    assert any(line.startswith("The page claims paddleocr more accurate than tesseract") and "supported" in line
               for line in compared["measured"])
    assert "removed run" in invoke("remove-run", "tesseract-20260101T000000Z-aaaaaa").stdout
    assert json.loads(invoke("evidence", "tesseract", "--json").stdout)["evidence"] == []
