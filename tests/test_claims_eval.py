"""Precision and recall of claim extraction on the hand-labelled corpus sentences.

The labels live in tests/data/claims_labelled.json as references (file, line, prefix); the
sentences are read from ../shared/corpus, so these tests skip when ../shared is absent.
Each metric must stay within 0.05 of the figure reported there (and in the README).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchgraph.loaders.claim_eval import METRICS, EvalReport, evaluate, load_labelled

pytestmark = pytest.mark.corpus

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
LABELS = Path(__file__).parent / "data" / "claims_labelled.json"
MARGIN = 0.05


@pytest.fixture(scope="module")
def report() -> EvalReport:
    if not CORPUS.is_dir():
        pytest.skip("../shared is absent")
    return evaluate(load_labelled(LABELS, CORPUS))


def test_labelled_set_is_large_enough(report: EvalReport) -> None:
    assert report.sentences >= 60
    assert report.scores["relation"].gold >= 60


@pytest.mark.parametrize("metric", METRICS)
def test_metric_stays_at_the_reported_level(report: EvalReport, metric: str) -> None:
    reported = json.loads(LABELS.read_text(encoding="utf-8"))["reported"][metric]
    score = report.scores[metric]
    assert score.precision >= reported["precision"] - MARGIN, report.misses
    assert score.recall >= reported["recall"] - MARGIN, report.misses


def test_labels_copy_no_corpus_sentence() -> None:
    """The labelled set must reference sentences, never hold their text."""
    if not CORPUS.is_dir():
        pytest.skip("../shared is absent")
    raw = LABELS.read_text(encoding="utf-8")
    for sentence in load_labelled(LABELS, CORPUS):
        body = sentence.text.split(":", 1)[-1].strip()[:60]
        assert body not in raw, sentence.ref
