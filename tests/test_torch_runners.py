"""GLM-OCR and Stable Diffusion 3.5 runners through their real loading code, on tiny
random-weight models these tests build and save (CPU, no download).

They need the ``torch`` extra (torch, torchvision, transformers, diffusers, accelerate): without it
they skip with that reason, except under CI=true, where ``.ci/run`` installs it and a
missing package fails the run.
"""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from matchgraph.cli.main import cli
from matchgraph.runners.base import RunOptions
from matchgraph.runners.evidence import artifact_runs, store_run
from matchgraph.runners.execute import run_suite
from matchgraph.runners.prompt_suite import text_rendering_suite
from matchgraph.runners.registry import get_runner
from matchgraph.runners.suites import load_suite

from conftest import IN_CI

_MISSING = [p for p in ("torch", "torchvision", "transformers", "diffusers", "accelerate") if find_spec(p) is None]
if _MISSING and not IN_CI:
    pytest.skip(f"the torch extra is not installed ({', '.join(_MISSING)} missing): pip install -e '.[torch]'",
                allow_module_level=True)

from tiny_models import build_tiny_glm_ocr, build_tiny_sd3  # noqa: E402


@pytest.fixture(scope="module")
def glm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_glm_ocr(tmp_path_factory.mktemp("glm") / "model")


@pytest.fixture(scope="module")
def sd3_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_sd3(tmp_path_factory.mktemp("sd3") / "model")


@pytest.fixture(scope="module")
def ocr_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("folder")
    for name, text in (("a.png", "Hello"), ("b.png", "World")):
        image = Image.new("RGB", (160, 40), "white")
        ImageDraw.Draw(image).text((8, 12), text, fill="black")
        image.save(root / name)
    (root / "truth.json").write_text(json.dumps({"a.png": {"text": "Hello", "lang": "en"},
                                                 "b.png": {"text": "World", "lang": "en"}}), encoding="utf-8")
    return root


def test_glm_ocr_is_untested_without_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATCHGRAPH_GLM_OCR_WEIGHTS", raising=False)
    reason = get_runner("glm-ocr").availability(RunOptions()).reason
    assert reason.startswith("weights not present")


def test_glm_ocr_loads_saved_tiny_model_and_records_random_weights(glm_dir: Path, ocr_folder: Path, memory_store) -> None:
    options = RunOptions(weights=glm_dir, max_new_tokens=6)
    assert get_runner("glm-ocr").availability(options).ok
    record = run_suite("glm-ocr", load_suite(str(ocr_folder)), options)
    assert record.random_weights and record.weights == "random weights"
    assert "speed and memory only" in (record.note or "")
    assert any(s.startswith("transformers==") for s in record.software)
    assert record.figure("CharacterErrorRate") is not None and record.figure("PagesPerSecond") > 0  # type: ignore[operator]
    store_run(memory_store, record)
    [stored] = artifact_runs(memory_store, "glm-ocr")
    assert stored.random_weights and "random weights" in (stored.caveat or "")


def test_glm_ocr_from_the_command_line(glm_dir: Path, ocr_folder: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "run", "glm-ocr", "--suite", str(ocr_folder),
                                      "--weights", str(glm_dir), "--max-new-tokens", "4", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["random_weights"] is True and out["artifact"] == "glm-ocr"
    assert {f["metric"] for f in out["figures"]} >= {"CharacterErrorRate", "LatencyP50", "LatencyP95", "PeakMemory"}


def test_sd35_loads_saved_tiny_pipeline_and_reads_back_its_images(sd3_dir: Path, memory_store) -> None:
    options = RunOptions(weights=sd3_dir, steps=2, size=32, limit=2)
    runner = get_runner("sd35-large")
    record = run_suite("sd35-large", text_rendering_suite(), options, runner=runner)
    assert record.items == 2 and record.random_weights
    assert runner.last_image.size == (32, 32)  # type: ignore[attr-defined]
    assert record.figure("ExactMatchRate") == 0.0, "random weights render no text"
    assert any(s.startswith("diffusers==") for s in record.software)
    store_run(memory_store, record)
    assert artifact_runs(memory_store, "stable-diffusion-3-5-large")[0].items == 2
