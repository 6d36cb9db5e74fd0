"""match, compare, rank and feedback as a user drives them from a fresh checkout: on the
sample documents in data/ only, so these run without ../shared."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import DATA

from matchgraph.cli.main import cli

OCR = {"tesseract", "paddleocr", "microsoft--trocr-base-printed"}
SPEECH = {"whisper-large-v3", "vosk", "ggml-org--whisper-cpp"}
IMAGES = {"stable-diffusion-xl", "flux-1-dev", "black-forest-labs--flux-1-schnell"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("data") / "store"
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["--store", str(store), *args], catch_exceptions=False)

    loaded = invoke("load", str(DATA))
    assert loaded.exit_code == 0, loaded.output
    return invoke


def _json(result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("need,kind", [
    ("extract the text from a scanned invoice", OCR),
    ("transcribe my podcast audio to text", SPEECH),
    ("generate an illustration from a text prompt", IMAGES),
])
def test_match_puts_an_artifact_of_the_right_kind_first(run, need, kind) -> None:
    results = _json(run("match", need, "--top", "3", "--json"))
    assert results and results[0]["slug"] in kind
    assert all(abs(sum(t["value"] for t in r["terms"]) - r["score"]) < 1e-9 for r in results)


def test_feedback_round_trip_changes_later_scores(run) -> None:
    first = _json(run("match", "read text from photos of receipts", "--top", "2", "--json"))
    match_id, top = first[0]["match_id"], first[0]["slug"]
    told = run("feedback", match_id, "failure", "--artifact", top)
    assert told.exit_code == 0 and "recorded failure" in told.stdout
    again = _json(run("match", "read text from photos of receipts", "--top", "2", "--json"))
    score = {r["slug"]: r["score"] for r in again}
    assert score.get(top, 0.0) < first[0]["score"]
    unknown = run("feedback", "m-000000000000", "success")
    assert unknown.exit_code == 1 and "no recorded match" in unknown.output


def test_compare_says_whether_two_artifacts_are_alternatives(run) -> None:
    same_job = _json(run("compare", "Tesseract", "PaddleOCR", "--json"))
    other_job = _json(run("compare", "PaddleOCR", "Stable Diffusion XL", "--json"))
    assert same_job["substitutability"] != "not_alternatives"
    assert other_job["substitutability"] == "not_alternatives"
    assert abs(sum(t["contribution"] for t in same_job["explanation"]) - same_job["score"]) < 1e-9
    fit = _json(run("compare", "Tesseract", "Stable Diffusion XL", "--for", "read scanned pages", "--json"))
    assert fit["for_need"]["fits"] == "tesseract"


def test_rank_recomputes_with_ranges(run) -> None:
    ranked = _json(run("rank", "--top", "5", "--samples", "200", "--json"))
    rows = ranked["rows"]
    assert rows and [r["position"] for r in rows] == sorted(r["position"] for r in rows)
    composites = [r["composite"] for r in rows]
    assert composites == sorted(composites, reverse=True)
    bad = run("rank", "--weights", "adoption=2")
    assert bad.exit_code == 2
