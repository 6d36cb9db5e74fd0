"""Suites, metrics and the paired test: the parts of the evidence path that need no engine."""

from __future__ import annotations

import json
import sys
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from matchgraph.errors import ConfigError
from matchgraph.runners.metrics import cer, normalize, ocr_measurements, wer
from matchgraph.runners.paired import paired_test
from matchgraph.runners.suites import folder_suite, load_suite


@pytest.fixture(scope="module")
def suite_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("suites")


def test_generated_suite_has_every_language_layout_and_variant(suite_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHGRAPH_SUITES", str(suite_dir))
    suite = load_suite("ocr-multilingual")
    assert suite.kind == "ocr"
    assert suite.languages() == ["de", "en", "es", "fr", "ja", "ko", "ru", "zh"]
    assert len(suite.items) == 48
    assert {i.layout for i in suite.items} == {"line", "paragraph", "columns", "table"}
    assert {i.variant for i in suite.items} == {"clean", "blur-noise", "skew-lowres-jpeg"}
    assert all(i.image is not None and i.image.is_file() and i.text for i in suite.items)
    # generated once, then read back: same content, same hash
    assert load_suite("ocr-multilingual").content_hash == suite.content_hash
    quick = suite.take(1)
    assert len(quick.items) == 8 and quick.content_hash != suite.content_hash


def test_generation_is_byte_identical(tmp_path: Path) -> None:
    from matchgraph.runners.ocr_suite import generate

    generate(tmp_path / "a")
    generate(tmp_path / "b")
    assert folder_suite(tmp_path / "a").content_hash == folder_suite(tmp_path / "b").content_hash


def _folder(root: Path, truth: object, images: tuple[str, ...] = ("a.png",)) -> Path:
    root.mkdir()
    for name in images:
        Image.new("L", (20, 10), 255).save(root / name)
    (root / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return root


def test_user_folder_is_a_suite(tmp_path: Path) -> None:
    root = _folder(tmp_path / "s", {"a.png": {"text": "hello", "lang": "EN"}, "b.png": {"text": "plain"}}, ("a.png", "b.png"))
    suite = load_suite(str(root))
    assert [(i.item_id, i.text, i.lang) for i in suite.items] == [("a.png", "hello", "en"), ("b.png", "plain", None)]
    (root / "a.png").write_bytes((root / "b.png").read_bytes() + b"x")
    assert load_suite(str(root)).content_hash != suite.content_hash, "the hash covers image bytes"


@pytest.mark.parametrize(
    ("truth", "images", "message"),
    [
        (None, (), "has no truth.json"),
        ({"a.png": {"text": "x", "lang": "english"}}, ("a.png",), "ISO 639-1"),
        ({"missing.png": {"text": "x"}}, ("a.png",), "names no image file"),
        ({"a.png": {"lang": "en"}}, ("a.png",), 'needs a "text" string'),
        ({"../a.png": {"text": "x"}}, ("a.png",), "names no image file"),
        ({}, ("a.png",), "non-empty object"),
    ],
)
def test_bad_folders_are_refused_with_the_reason(tmp_path: Path, truth: object, images: tuple[str, ...], message: str) -> None:
    root = tmp_path / "s"
    if truth is None:
        root.mkdir()
    else:
        _folder(root, truth, images)
    with pytest.raises(ConfigError, match=message):
        load_suite(str(root))


def test_unknown_suite_name() -> None:
    with pytest.raises(ConfigError, match="unknown suite"):
        load_suite("no-such-suite")


def test_cer_and_wer_known_values() -> None:
    assert cer("abcd", "abed") == 0.25
    assert cer("abc", "") == 1.0
    assert wer("the cat sat", "the cat sat") == 0.0
    assert wer("a b c", "a x c") == pytest.approx(1 / 3)
    assert cer("你好 世界", "你 好世界", "zh") == 0.0, "spaces are ignored for Chinese"
    assert cer("hello  world\n", "hello world") == 0.0, "whitespace is folded"


@given(st.text(max_size=40), st.sampled_from([None, "en", "zh", "ja"]))
def test_normalize_is_idempotent_and_cer_of_self_is_zero(text: str, lang: str | None) -> None:
    assert normalize(normalize(text, lang), lang) == normalize(text, lang)
    assert cer(text, text, lang) == 0.0


@given(st.text(min_size=1, max_size=30), st.text(max_size=30))
def test_cer_is_bounded_by_edit_count(reference: str, hypothesis: str) -> None:
    ref = normalize(reference, None)
    value = cer(reference, hypothesis)
    assert value >= 0
    if ref:
        assert value <= max(len(ref), len(normalize(hypothesis, None))) / len(ref)


def test_measurements_per_language_and_run() -> None:
    rows = [("a", "en", "hello world", "hello world", 0.1), ("b", "zh", "你好", "你", 0.3)]
    figures = {(m.metric, m.language, m.item): m.value for m in ocr_measurements(rows)}
    assert figures[("CharacterErrorRate", "en", None)] == 0.0
    assert figures[("CharacterErrorRate", "zh", None)] == 0.5
    assert ("WordErrorRate", "zh", None) not in figures, "no WER for a language written without spaces"
    assert figures[("CharacterErrorRate", None, None)] == pytest.approx(1 / 13)
    assert figures[("PagesPerSecond", None, None)] == pytest.approx(2 / 0.4)
    assert figures[("Latency", "zh", "b")] == 0.3


scores = st.dictionaries(st.sampled_from([f"i{n}" for n in range(12)]), st.floats(0, 2), min_size=1)


@settings(max_examples=60)
@given(scores, st.floats(-0.5, 0.5))
def test_paired_test_is_antisymmetric(mine: dict[str, float], shift: float) -> None:
    theirs = {k: max(0.0, v + shift) for k, v in mine.items()}
    forward, backward = paired_test(mine, theirs), paired_test(theirs, mine)
    assert forward.n == backward.n == len(mine)
    assert (forward.wins, forward.losses) == (backward.losses, backward.wins)
    assert forward.effect == pytest.approx(-backward.effect)
    flipped = {"supported": "contradicted", "contradicted": "supported", "inconclusive": "inconclusive"}
    assert flipped[forward.verdict] == backward.verdict
    assert forward.low <= forward.effect <= forward.high or forward.low == pytest.approx(forward.high)


def test_paired_test_decides_clear_cases() -> None:
    better = {f"i{n}": 0.1 for n in range(20)}
    worse = {f"i{n}": 0.3 for n in range(20)}
    assert paired_test(better, worse).verdict == "supported"
    assert paired_test(worse, better).verdict == "contradicted"
    assert paired_test(better, dict(better)).verdict == "inconclusive"
    with pytest.raises(ValueError):
        paired_test({"a": 1.0}, {"b": 1.0})


def test_registry_is_lazy() -> None:
    """Listing runners imports none of the engines (torch, onnxruntime, pytesseract, rapidocr)."""
    code = (
        "import sys; from matchgraph.runners.registry import runner_statuses; runner_statuses(); "
        "print(sorted(m for m in ('torch', 'transformers', 'diffusers', 'onnxruntime', 'pytesseract', 'rapidocr') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_making_every_runner_leaves_nothing_in_the_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``matchgraph runners`` makes each runner to ask what it needs; that must not write."""
    import tempfile

    from matchgraph.runners.registry import get_runner, runner_names

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for name in runner_names():
        get_runner(name)
    assert list(tmp_path.iterdir()) == []
