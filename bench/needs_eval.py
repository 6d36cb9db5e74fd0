"""Print hit@1, hit@3, MRR@10 and nDCG@10 (95 % bootstrap intervals) of need matching.

Usage: ``python bench/needs_eval.py [--no-corpus] [--json FILE]`` from the repository root.

Rows: the raw-page BM25 baseline, then the engine's stages (lexical only, dense only,
hybrid = both fused, and hybrid + graph re-ranking, the default). Tables: the held-out
test half (written before the engine ever ran on it; see README for its commit), the
development half (tuned on), and the paraphrased needs of each. Needs whose relevant
artifacts are only in ../shared/corpus are skipped when it is absent. Also times the
dense part (encoding the need) per query. The last line carries the tracked figures:
``hybrid_hit3=<x> baseline_hit3=<x> hybrid_mrr10=<x>`` (test half, hybrid + graph).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from matchgraph.queries.need.evaluation import EvalTable, RawPageBM25, Scores, build_corpus, evaluate, load_needs
from matchgraph.queries.need.match import NeedIndex

ROOT = Path(__file__).resolve().parents[1]
NEEDS = ROOT / "bench" / "needs"
CORPUS = ROOT.parent / "shared" / "corpus"
REPORTED = NEEDS / "reported.json"
METHODS = {
    "baseline: raw-page BM25": None,
    "lexical only": "lexical",
    "dense only": "dense",
    "hybrid (fused)": "hybrid",
    "hybrid + graph re-rank": "full",
}


def measure(use_corpus: bool = True, halves: tuple[str, ...] = ("test", "dev"),
            methods: tuple[str, ...] = tuple(METHODS), timing: bool = True) -> tuple[EvalTable, dict[str, float]]:
    """Build the store, run the methods on the halves; return the table and timings."""
    from matchgraph.loaders.embeddings import default_embedder

    paths = [ROOT / "data"] + ([CORPUS] if use_corpus and CORPUS.is_dir() else [])
    corpus = build_corpus(paths)
    embedder = default_embedder()
    if embedder is None:
        print("warning: the embeddings extra is not installed; dense rows are empty", file=sys.stderr)
    index = NeedIndex.build(corpus.snapshot, embedder)
    baseline = RawPageBM25(corpus.pages)
    table = EvalTable()
    for half in halves:
        needs = load_needs(NEEDS / f"{half}.jsonl", NEEDS / "errata.jsonl" if half == "test" else None)
        para = [n for n in needs if n.paraphrase]
        for name in methods:
            stages = METHODS[name]
            ranker = baseline if stages is None else _engine(index, stages)
            table.add(name, half, evaluate(ranker, needs, corpus.described))
            table.add(name, f"{half}, paraphrased", evaluate(ranker, para, corpus.described))
    return table, (_latency(index, embedder) if timing else {})


def _engine(index: NeedIndex, stages: str):  # type: ignore[no-untyped-def]
    def rank(text: str) -> list[str]:
        return [r.slug for r in index.search(text, top=10, stages=stages).results]
    return rank


def _latency(index: NeedIndex, embedder: object | None) -> dict[str, float]:
    """p50 milliseconds: encoding one need (the dense part's added cost) and a whole query."""
    needs = [n.text for n in load_needs(NEEDS / "dev.jsonl")]
    out: dict[str, float] = {}
    if embedder is not None:
        embedder.encode(["warm up"])  # type: ignore[attr-defined]
        times = []
        for text in needs:
            t = time.perf_counter()
            embedder.encode([text])  # type: ignore[attr-defined]
            times.append((time.perf_counter() - t) * 1000)
        out["dense_p50_ms"] = statistics.median(times)
    times = []
    for text in needs:
        t = time.perf_counter()
        index.search(text, top=10)
        times.append((time.perf_counter() - t) * 1000)
    out["query_p50_ms"] = statistics.median(times)
    return out


def summary(table: EvalTable) -> dict[str, float]:
    """The tracked figures (test half)."""
    full: Scores = table.rows["hybrid + graph re-rank"]["test"]
    base: Scores = table.rows["baseline: raw-page BM25"]["test"]
    para: Scores = table.rows["hybrid + graph re-rank"]["test, paraphrased"]
    return {
        "hybrid_hit3": full.mean("hit_rate@3"),
        "baseline_hit3": base.mean("hit_rate@3"),
        "hybrid_mrr10": full.mean("mrr@10"),
        "baseline_mrr10": base.mean("mrr@10"),
        "paraphrase_hit3": para.mean("hit_rate@3"),
    }


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--no-corpus", action="store_true", help="load data/ only")
    p.add_argument("--json", type=Path, help="also write every mean and interval here")
    p.add_argument("--record", action="store_true",
                   help=f"write the means to {REPORTED.relative_to(ROOT)} (the figures the tests guard)")
    args = p.parse_args(argv)
    table, timing = measure(not args.no_corpus)
    subsets = ("test", "test, paraphrased", "dev", "dev, paraphrased")
    for subset in subsets:
        print(f"\n## {subset}\n")
        print(table.format(subset))
    print()
    for k, v in timing.items():
        print(f"{k} = {v:.1f}")
    if args.json:
        dump = {m: {s: {x: [sc.mean(x), *sc.interval(x)] for x in sc.per_need} | {"n": sc.n}
                    for s, sc in by.items()} for m, by in table.rows.items()}
        args.json.write_text(json.dumps({"table": dump, "timing": timing}, indent=1))
    if args.record:
        REPORTED.write_text(json.dumps(
            {"corpus": not args.no_corpus and CORPUS.is_dir(),
             "means": {m: {s: {x: round(sc.mean(x), 4) for x in sc.per_need} for s, sc in by.items()}
                       for m, by in table.rows.items()}}, indent=1) + "\n")
    s = summary(table)
    print(f"hybrid_hit3={s['hybrid_hit3']:.3f} baseline_hit3={s['baseline_hit3']:.3f} "
          f"hybrid_mrr10={s['hybrid_mrr10']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
