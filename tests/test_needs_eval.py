"""The need-matching figures the README reports must not fall (more than 0.05 below).

Runs ``bench/needs_eval.py``'s measurement on the held-out test half over data/ plus
../shared/corpus (skips when the corpus is absent), for the baseline and the default
engine (hybrid + graph re-ranking), and compares with ``bench/needs/reported.json``.
About 20-40 s: one store build, one embedding pass, 80 needs per method.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

pytestmark = [pytest.mark.corpus, pytest.mark.embeddings]
MARGIN = 0.05
GUARDED = ("baseline: raw-page BM25", "hybrid + graph re-rank")


@pytest.fixture(scope="module")
def table():
    from conftest import need_corpus

    need_corpus()
    from matchgraph.loaders.embeddings import default_embedder

    if default_embedder() is None:
        if os.environ.get("MATCHGRAPH_REQUIRE_EMBEDDINGS"):
            pytest.fail("the embeddings extra is required here but not installed")
        pytest.skip("the embeddings extra is not installed")
    import needs_eval

    return needs_eval.measure(True, halves=("test",), methods=GUARDED, timing=False)[0]


@pytest.mark.parametrize("method", GUARDED)
@pytest.mark.parametrize("subset", ["test", "test, paraphrased"])
def test_figures_stay_at_the_reported_level(table, method: str, subset: str) -> None:
    reported = json.loads((ROOT / "bench" / "needs" / "reported.json").read_text())["means"][method][subset]
    scores = table.rows[method][subset]
    for measure, value in reported.items():
        assert scores.mean(measure) >= value - MARGIN, f"{method} {subset} {measure}"


def test_hybrid_beats_the_baseline_on_held_out_needs(table) -> None:
    full, base = table.rows["hybrid + graph re-rank"]["test"], table.rows["baseline: raw-page BM25"]["test"]
    assert full.mean("hit_rate@3") > base.mean("hit_rate@3")
    assert full.mean("mrr@10") > base.mean("mrr@10")
