"""Tesseract and RapidOCR on the generated suite, end to end through the command line.

Needs Debian's tesseract-ocr with its language packs and the fonts (``.ci/run`` installs
them) and the ``ocr`` extra (``make install``); skips outside CI when they are absent.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from matchgraph.cli.main import cli
from matchgraph.runners.base import RunOptions
from matchgraph.runners.registry import get_runner

from conftest import DATA, IN_CI, SEED

pytestmark = pytest.mark.engines
LANGS = ["de", "en", "es", "fr", "ja", "ko", "ru", "zh"]


def _need(name: str) -> None:
    available = get_runner(name).availability(RunOptions())
    if not available.ok or "without language packs" in available.reason:
        if IN_CI:
            pytest.fail(f"{name} must run in CI: {available.reason}")
        pytest.skip(f"{name} cannot run here: {available.reason}")


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("engines")
    runner = CliRunner(env={"MATCHGRAPH_SUITES": str(root / "suites")})

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        result = runner.invoke(cli, ["--store", str(root / "store"), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    paths = [str(DATA)] + ([str(SEED)] if SEED.exists() else [])
    invoke("load", *paths)
    return invoke


def _per_language(out: dict) -> dict[str, float]:
    return {f["language"]: f["value"] for f in out["figures"] if f["metric"] == "CharacterErrorRate" and f["language"]}


def test_runners_lists_each_with_why_not(cli_store) -> None:  # type: ignore[no-untyped-def]
    listed = {r["name"]: r for r in json.loads(cli_store("runners", "--json").stdout)}
    assert set(listed) >= {"tesseract", "rapidocr", "glm-ocr", "sd35-large"}
    assert listed["rapidocr"]["artifacts"] == ["rapidocr", "paddleocr"] and listed["rapidocr"]["stand_in"]["paddleocr"]
    assert listed["glm-ocr"]["needs_weights"] is True
    if not listed["glm-ocr"]["available"]:
        assert listed["glm-ocr"]["reason"].startswith("weights not present")


def test_tesseract_on_the_whole_suite_attaches_cer_per_language(cli_store) -> None:  # type: ignore[no-untyped-def]
    _need("tesseract")
    out = json.loads(cli_store("run", "tesseract", "--suite", "ocr-multilingual", "--json").stdout)
    assert out["items"] == 48 and out["random_weights"] is False and out["weights"].startswith("tessdata sha256:")
    cer = _per_language(out)
    assert sorted(cer) == LANGS
    assert max(cer[lang] for lang in ("en", "de", "fr", "ru", "zh")) < 0.35, cer
    evidence = json.loads(cli_store("evidence", "Tesseract", "--json").stdout)
    assert [e["run_id"] for e in evidence["evidence"]] == [out["run_id"]]


def test_rapidocr_stands_in_for_paddleocr_and_the_claims_get_statuses(cli_store) -> None:  # type: ignore[no-untyped-def]
    _need("tesseract")
    _need("rapidocr")
    out = json.loads(cli_store("run", "rapidocr", "--suite", "ocr-multilingual", "--artifact", "PaddleOCR",
                               "--limit", "1", "--json").stdout)
    assert out["artifact"] == "paddleocr" and "stand-in for paddleocr" in out["caveat"]
    cer = _per_language(out)
    assert sorted(cer) == LANGS
    assert cer["zh"] < 0.2, cer
    checked = json.loads(cli_store("verify", "--limit", "1", "--json").stdout)
    decided = [r for r in checked if r["status"] in ("supported", "contradicted", "inconclusive")]
    assert decided, "the PaddleOCR vs Tesseract claims are decided by the two runs"
    assert all(r["test"].startswith("paired sign test") and len(r["runs"]) == 2 for r in decided)
    if SEED.exists():
        glm = [r for r in checked if "glm-ocr" in r["reason"] and r["status"] == "untested"]
        assert glm and all("weights not present" in r["reason"] for r in glm)
    shown = json.loads(cli_store("show", "PaddleOCR", "--json").stdout)
    assert shown["evidence"] and shown["evidence"][0]["caveat"].startswith("stand-in")
    statuses = [c["status"] for cap in shown["capabilities"] for c in cap["claims"]]
    assert set(statuses) <= {"supported", "contradicted", "inconclusive", "untested", "not testable"}
