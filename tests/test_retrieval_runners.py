"""Retrieval runners (MiniLM, BM25) on ``retrieval-mini``, end to end through the command line,
and the claims of data/comparisons/minilm-vs-bm25s.md decided by their runs.

Needs the ``embeddings`` and ``retrieval`` extras (``make install``); skips outside CI when
they are absent.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.cli.main import cli
from matchgraph.runners.base import RunOptions
from matchgraph.runners.claim_check import retrieval_subset
from matchgraph.runners.registry import get_runner
from matchgraph.runners.retrieval_suite import DOCUMENTS, QUERIES, retrieval_mini_suite
from matchgraph.runners.suites import load_suite

from conftest import DATA, IN_CI

PAGE = DATA / "comparisons" / "minilm-vs-bm25s.md"


def _need(name: str) -> None:
    available = get_runner(name).availability(RunOptions())
    if not available.ok:
        if IN_CI:
            pytest.fail(f"{name} must run in CI: {available.reason}")
        pytest.skip(f"{name} cannot run here: {available.reason}")


def test_suite_is_consistent_and_hashed() -> None:
    suite = load_suite("retrieval-mini")
    ids = {d for d, _ in DOCUMENTS}
    assert suite.kind == "retrieval" and len(suite.items) == len(QUERIES) == 32
    assert all(set(item.text.split()) <= ids and item.text for item in suite.items), "judgements name stored passages"
    assert {item.layout for item in suite.items} == {"paraphrase", "exact-code"}
    assert retrieval_mini_suite().content_hash == suite.content_hash, "deterministic"
    assert suite.take(5).content_hash != suite.content_hash, "a subset never passes for the whole suite"


def test_retrieval_scores_match_hand_computed_values() -> None:
    pytest.importorskip("ranx")
    from matchgraph.runners.retrieval_metrics import retrieval_scores

    scores = retrieval_scores({"a": ["d1"], "b": ["d2", "d3"], "c": ["d9"]},
                              {"a": ["d1", "d2"], "b": ["d1", "d3"], "c": []})
    assert scores["mrr@10"] == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert scores["recall@10"] == {"a": 1.0, "b": 0.5, "c": 0.0}
    # b: DCG = 1/log2(3); ideal DCG = 1 + 1/log2(3)
    assert scores["ndcg@10"]["b"] == pytest.approx(0.63093 / 1.63093, abs=1e-4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([f"d{i}" for i in range(12)]), unique=True, max_size=12),
       st.sets(st.sampled_from([f"d{i}" for i in range(12)]), min_size=1, max_size=4))
def test_measures_are_bounded_and_perfect_only_when_relevant_first(ranked: list[str], relevant: set[str]) -> None:
    pytest.importorskip("ranx")
    from matchgraph.runners.retrieval_metrics import retrieval_scores

    scores = retrieval_scores({"q": sorted(relevant)}, {"q": ranked})
    for values in scores.values():
        assert 0.0 <= values["q"] <= 1.0 + 1e-9
    assert (scores["mrr@10"]["q"] == 1.0) == (bool(ranked) and ranked[0] in relevant)


def test_aspects_pick_the_queries_they_are_about() -> None:
    kind, ids = retrieval_subset("finding exact product codes and error numbers")  # type: ignore[misc]
    assert kind == "exact-code" and ids == {q for q, _, _, k in QUERIES if k == "exact-code"}
    assert retrieval_subset("semantic search by meaning")[0] == "paraphrase"  # type: ignore[index]
    assert retrieval_subset("CPU") is None and retrieval_subset(None) is None


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory):
    for name in ("minilm", "bm25"):
        _need(name)
    root = tmp_path_factory.mktemp("retrieval")
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        result = runner.invoke(cli, ["--store", str(root / "store"), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    invoke("load", str(PAGE))
    return invoke


def test_runners_are_listed_with_their_artifacts(cli_store) -> None:  # type: ignore[no-untyped-def]
    listed = {r["name"]: r for r in json.loads(cli_store("runners", "--json").stdout)}
    assert listed["minilm"]["artifacts"] == ["all-minilm-l6-v2"] and listed["minilm"]["available"]
    assert listed["bm25"]["artifacts"][0] == "bm25s" and listed["bm25"]["available"]


def test_runs_attach_ranking_figures_and_verify_decides_the_page(cli_store) -> None:  # type: ignore[no-untyped-def]
    figures = {}
    for runner in ("minilm", "bm25"):
        out = json.loads(cli_store("run", runner, "--suite", "retrieval-mini", "--json").stdout)
        figures[runner] = {f["metric"]: f["value"] for f in out["figures"]}
        assert {"NDCGAt10", "ReciprocalRankAt10", "RecallAt10", "QueriesPerSecond", "LatencyP50"} <= set(figures[runner])
        assert 0.0 <= figures[runner]["NDCGAt10"] <= 1.0
    # the dense model finds paraphrases that share no words; BM25 cannot
    assert figures["minilm"]["NDCGAt10"] > figures["bm25"]["NDCGAt10"] + 0.2

    evidence = json.loads(cli_store("evidence", "all-MiniLM-L6-v2", "--json").stdout)
    assert {r["runner"] for r in evidence["evidence"]} == {"minilm"}
    assert any(f["metric"] == "NDCGAt10" for r in evidence["evidence"] for f in r["figures"])

    results = json.loads(cli_store("verify", "--json").stdout)
    by_aspect = {r["reason"].split("aspect ")[-1]: r for r in results if r["status"] != "not testable"}
    semantic = next(r for a, r in by_aspect.items() if "semantic" in a)
    speed = next(r for a, r in by_aspect.items() if "CPU" in a)
    assert semantic["status"] == "supported" and semantic["metric"] == "NDCGAt10" and semantic["items"] == 24
    assert speed["status"] == "supported" and speed["metric"] == "Latency"
    codes = next(r for a, r in by_aspect.items() if "codes" in a)
    assert codes["items"] == 8 and codes["status"] in ("inconclusive", "contradicted")
