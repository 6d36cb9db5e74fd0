"""The match engine as a user drives it, on the seed plus the real corpus: needs, verdicts,
ranks and feedback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from matchgraph.cli.main import cli

from conftest import CORPUS, need_corpus

OCR_MODELS = {"glm-ocr", "zai-org--glm-ocr", "paddlepaddle--en_pp-ocrv5_mobile_rec"}
IMAGE_GENERATORS = {
    "stable-diffusion-3-5-large", "stabilityai--stable-diffusion-3.5-large", "stable-diffusion", "flux",
    "midjourney", "furkangozukara--stable-diffusion", "thelastben--fast-stable-diffusion",
    "xavierxiao--dreambooth-stable-diffusion",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    need_corpus()
    store = tmp_path_factory.mktemp("match") / "store"
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--store", str(store), *args], catch_exceptions=False)

    result = invoke("load", str(CORPUS))
    assert "failed" in result.stdout  # the cut-off passports fail, everything else loads
    return invoke


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ocr_need_ranks_an_ocr_model_first(run) -> None:
    results = _json(run("match", "extract text from scanned documents in Japanese and Korean", "--json"))
    slugs = [r["slug"] for r in results]
    assert slugs[0] in {"glm-ocr", "zai-org--glm-ocr"}
    assert not set(slugs[:3]) & IMAGE_GENERATORS
    top = results[0]
    assert [step["kind"] for step in top["path"]][0] == "need"
    assert top["path"][-1]["kind"] == "artifact" and top["path"][-1]["ref"] == top["slug"]
    assert any(step["kind"] == "capability" for step in top["path"])
    assert abs(sum(t["value"] for t in top["terms"]) - top["score"]) < 1e-9


def test_image_need_ranks_the_image_generator_and_no_ocr_model(run) -> None:
    results = _json(run("match", "generate images from text prompts with readable text in them", "--json"))
    slugs = [r["slug"] for r in results]
    assert "stable-diffusion-3-5-large" in slugs[:3]
    assert not set(slugs[:5]) & OCR_MODELS


def test_constraint_options_filter(run) -> None:
    results = _json(run("match", "generate images from text prompts", "--free", "--json"))
    assert results and all(r["slug"] != "midjourney" for r in results)  # Midjourney is paid


def test_compare_seed_pair_sees_what_the_page_hides(run) -> None:
    verdict = _json(run("compare", "GLM-OCR", "Stable Diffusion 3.5 Large", "--json"))
    assert verdict["substitutability"] == "not_alternatives"
    assert verdict["winner_by_rank"] == "stable-diffusion-3-5-large"
    assert verdict["leads"]["quality"] == "stable-diffusion-3-5-large"
    assert verdict["leads"]["ecosystem"] == "zai-org--glm-ocr"
    assert "adoption" not in verdict["leads"]
    adoption = [i for i in verdict["inconsistencies"] if i["signal"] == "adoption"]
    assert adoption and "1 vs 1" in adoption[0]["text"]
    assert abs(sum(t["contribution"] for t in verdict["explanation"]) - verdict["score"]) < 1e-12
    assert "58 vs 53" in verdict["text"]


def test_pair_scores_rank_image_generators_above_ocr(run) -> None:
    def score(a: str, b: str) -> float:
        return _json(run("compare", a, b, "--json"))["score"]

    with_glm = score("Stable Diffusion 3.5 Large", "GLM-OCR")
    assert score("Stable Diffusion 3.5 Large", "Flux") > with_glm


def test_rank_reports_stability(run) -> None:
    report = _json(run("rank", "--samples", "500", "--json"))
    rows = report["rows"]
    assert rows and all(0 <= r["composite"] <= 100 for r in rows)
    for o in report["orderings"]:
        assert abs(o["p_ahead"] + o["p_tie"] + o["p_behind"] - 1) < 1e-9
    assert report["weights"]["adoption"] == 0.25 and report["weights"]["quality"] == 0.25
    bad = run("rank", "--weights", "adoption=2")
    assert bad.exit_code == 2 and "must sum to 1" in bad.stderr
    best = _json(run("rank", "--samples", "500", "--top", "1", "--json"))
    assert [r["slug"] for r in best["rows"]] == [rows[0]["slug"]] and best["orderings"] == []


def test_feedback_is_recorded_and_replayed(run) -> None:
    first = _json(run("match", "extract text from scanned documents", "--json"))
    match_id = first[0]["match_id"]
    ok = run("feedback", match_id, "success")
    assert ok.exit_code == 0 and "recorded success" in ok.stdout
    missing = run("feedback", "m-nope", "success")
    assert missing.exit_code == 1 and "no recorded match" in missing.stderr
    rows = _json(run("sparql", "SELECT (COUNT(?e) AS ?n) WHERE { ?e a <https://w3id.org/matchgraph/ontology#FeedbackEvent> }", "--json"))
    assert rows[0]["n"] >= 1


def test_failures_lower_later_matches(run) -> None:
    need = "recognise printed text in document images"
    before = _json(run("match", need, "--json"))
    top = before[0]
    for _ in range(5):
        again = _json(run("match", need, "--json"))
        assert run("feedback", again[0]["match_id"], "failure", "--artifact", top["slug"]).exit_code == 0
    after = {r["slug"]: r["score"] for r in _json(run("match", need, "--json"))}
    assert after.get(top["slug"], 0.0) < top["score"]
