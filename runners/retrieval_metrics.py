"""Scores for retrieval runs: nDCG@10, MRR@10 and recall@10 per query and for the run.

The measures come from ``ranx`` (the IR library bench/needs_eval.py also uses) rather than
being written here again. Per-query values are kept as item measurements, because a claim
between two retrieval systems is decided by a paired test over the same queries.
"""

from __future__ import annotations

from collections.abc import Sequence

from matchgraph.errors import RunnerError
from matchgraph.runners.base import Measurement
from matchgraph.runners.metrics import timing_measurements

__all__ = ["METRICS", "retrieval_measurements", "retrieval_scores"]

METRICS: dict[str, str] = {"ndcg@10": "NDCGAt10", "mrr@10": "ReciprocalRankAt10", "recall@10": "RecallAt10"}
"""ranx measure name -> the ``mg:`` metric it is stored as."""


def retrieval_scores(relevant: dict[str, Sequence[str]], ranked: dict[str, Sequence[str]]) -> dict[str, dict[str, float]]:
    """{ranx measure: {query id: value}} for ranked passage ids against the relevant ones.

    A query with no results scores 0 on every measure.

    Raises:
        RunnerError: ranx is not installed (``pip install 'matchgraph[retrieval]'``).
    """
    try:
        from ranx import Qrels, Run, evaluate
    except ImportError as e:
        raise RunnerError("retrieval measures need ranx: pip install 'matchgraph[retrieval]'") from e
    if not any(ranked.get(q) for q in relevant):  # ranx cannot build an empty run
        return {m: dict.fromkeys(relevant, 0.0) for m in METRICS}
    qrels = Qrels({q: {d: 1 for d in docs} for q, docs in relevant.items()})
    # ranx ranks by score: give the k-th result a descending score so ties never reorder it
    run = Run({q: {d: float(len(docs) - k) for k, d in enumerate(docs)} for q, docs in ranked.items() if docs})
    evaluate(qrels, run, list(METRICS), return_mean=False, make_comparable=True)
    return {m: {q: float(run.scores[m].get(q, 0.0)) for q in relevant} for m in METRICS}


def retrieval_measurements(rows: Sequence[tuple[str, str, str, float]]) -> list[Measurement]:
    """Figures from (query id, relevant ids, ranked ids, seconds) rows, ids space separated:
    per query each measure and latency, for the run their means, queries/s and latency p50/p95."""
    relevant = {q: rel.split() for q, rel, _, _ in rows}
    ranked = {q: out.split() for q, _, out, _ in rows}
    scores = retrieval_scores(relevant, ranked)
    out: list[Measurement] = []
    for q, _, _, seconds in rows:
        out += [Measurement(METRICS[m], scores[m][q], "UNITLESS", item=q) for m in METRICS]
        out.append(Measurement("Latency", seconds, "SEC", item=q))
    for m, per_query in scores.items():
        out.append(Measurement(METRICS[m], sum(per_query.values()) / len(per_query), "UNITLESS"))
    timing = timing_measurements([r[3] for r in rows])
    return out + [Measurement("QueriesPerSecond", t.value, t.unit) if t.metric == "PagesPerSecond" else t for t in timing]
