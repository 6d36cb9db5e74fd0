"""Match-engine benchmark on a synthetic graph shaped like the real one.

    python bench/match.py --artifacts 10000 [--sample 50] [--k 10] [--seed 0]

Measures, in one run: all-pairs top-k by the compiled kernel against the networkx +
plain-Python baseline (timed on a sample of source rows and scaled to all rows, and
checked to return exactly the same top-k on those rows), personalised PageRank from
one artifact on the prebuilt walk matrix, need-query latency on a warm index (when
``matchgraph.queries.need.match`` exists), and the match index's peak memory. Prints a
table, then as its last line ``all_pairs_speedup=<ratio> need_p50_ms=<ms>``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nx_baseline import baseline_topk, bipartite_graph, nx_jaccard_seconds  # noqa: E402
from synthetic import synthetic_snapshot  # noqa: E402

from matchgraph.queries.match.all_pairs import all_pairs_topk  # noqa: E402
from matchgraph.queries.match.index import MatchIndex  # noqa: E402
from matchgraph.queries.match.index_build import build_match_index  # noqa: E402
from matchgraph.queries.match.ppr import (  # noqa: E402
    personalized_pagerank,
    personalized_pagerank_push,
)
from matchgraph.queries.snapshot import GraphSnapshot  # noqa: E402

Row = tuple[str, str, str, str]


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class PeakRss:
    """Samples resident memory every few ms while a block runs; reports the peak."""

    def __enter__(self) -> PeakRss:
        self.start = _rss_mb()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _index_mb(index: MatchIndex, *extra: Any) -> float:
    total = 0
    for m in (index.direct, index.intents, index.compared, index.walk,
              index.concepts.ancestors):
        total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
    for a in (index.concepts.weight, index.concepts.ic, index.intent_weight,
              index.compare_weight, index.claim_pairs, index.claim_of_link, *extra):
        total += a.nbytes
    return total / 2**20


def _warm_up() -> None:
    """Compile (or load from numba's cache) the kernels outside every timing."""
    small = build_match_index(synthetic_snapshot(60, seed=99))
    all_pairs_topk(small, 3, include_self=False)
    personalized_pagerank_push(small.transition, 0)


def bench_all_pairs(index: MatchIndex, k: int, sample: int, seed: int) -> tuple[list[Row],
                                                                               float]:
    n = index.n_artifacts
    with PeakRss() as rss:
        kernel, t_kernel = _timed(lambda: all_pairs_topk(index, k, include_self=False))
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(n, size=min(sample, n), replace=False)).astype(np.int64)
    g, t_graph = _timed(lambda: bipartite_graph(index))
    base = baseline_topk(index, g, rows, k)
    per_row = base.rows_s / len(rows)
    t_base = base.setup_s + per_row * n
    exact = bool(np.array_equal(kernel.indices[rows], base.indices)
                 and np.array_equal(kernel.scores[rows], base.scores))
    t_jac = nx_jaccard_seconds(g, base.pairs) / len(rows)
    speedup = t_base / t_kernel
    out: list[Row] = [
        (f"all-pairs top-{k}, all {n} rows", f"{t_kernel:.2f} s",
         f"{t_base:.1f} s (scaled)", f"{speedup:,.0f}x"),
        ("  baseline per source row", f"{t_kernel / n * 1e3:.3f} ms",
         f"{per_row * 1e3:.1f} ms", f"{per_row / (t_kernel / n):,.0f}x"),
        ("  baseline sample", f"{len(rows)} rows", f"exact top-{k} match: "
         f"{'yes' if exact else 'NO'}", ""),
        ("  pairs scored exactly per row", f"{kernel.scored.mean():.1f}",
         f"{len(base.pairs) / len(rows):.0f}", ""),
        ("  nx.jaccard_coefficient (unweighted), same pairs", "",
         f"{t_jac * 1e3:.1f} ms/row", "info"),
        ("  networkx graph build (not in baseline time)", "", f"{t_graph:.1f} s", ""),
        ("  RSS growth during all-pairs", f"{rss.peak - rss.start:.0f} MB", "", ""),
    ]
    return out, speedup


def bench_ppr(index: MatchIndex, seed: int, runs: int = 20) -> list[Row]:
    rng = np.random.default_rng(seed + 1)
    seeds = rng.choice(index.n_artifacts, size=min(runs, index.n_artifacts), replace=False)
    t = index.transition
    eps = index.params.ppr_eps
    push = [_timed(partial(personalized_pagerank_push, t, int(s), eps=eps))[1]
            for s in seeds]
    power = [_timed(partial(personalized_pagerank, t, int(s), tol=1e-6))[1]
             for s in seeds[:5]]
    return [
        (f"PPR from one artifact, push eps={eps:g} (walk graph {t.size} nodes, "
         f"{t.forward.nnz} edges)", f"p50 {statistics.median(push) * 1e3:.1f} ms",
         f"p95 {np.percentile(push, 95) * 1e3:.1f} ms", ""),
        ("PPR from one artifact, power iteration tol=1e-6", "",
         f"p50 {statistics.median(power) * 1e3:.1f} ms", "reference"),
    ]


def bench_need(snapshot: GraphSnapshot, index: MatchIndex, seed: int,
               queries: int = 200) -> tuple[list[Row], str]:
    from matchgraph.queries.need.match import NeedIndex

    rng = np.random.default_rng(seed + 2)
    caps = snapshot.capabilities
    texts = [caps[int(i)].intents[0] if caps[int(i)].intents else caps[int(i)].name or ""
             for i in rng.choice(len(caps), size=min(queries, len(caps)), replace=False)]
    need, t_build = _timed(lambda: NeedIndex.build(snapshot))
    need.query(texts[0], top=10)
    times = [_timed(partial(need.query, q, top=10))[1] * 1e3 for q in texts]
    p50 = statistics.median(times)
    return [(f"need query, warm in-process kernel, not a user's wait (see bench/cli.py) ({len(texts)} queries; build {t_build:.1f} s)",
             f"p50 {p50:.2f} ms", f"p95 {np.percentile(times, 95):.2f} ms", "")], \
        f"{p50:.2f}"


def _table(rows: list[Row]) -> str:
    head: Row = ("measure", "matchgraph", "baseline / detail", "ratio")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    line = lambda r: " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(head), "-+-".join("-" * w for w in widths),
                      *(line(r) for r in rows)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--artifacts", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=None,
                        help="baseline source rows (default: 200, 50 from 10k, 20 from 100k)")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n = args.artifacts
    sample = args.sample or (200 if n < 10_000 else 50 if n < 100_000 else 20)
    _warm_up()
    snapshot, t_snap = _timed(lambda: synthetic_snapshot(n, seed=args.seed))
    edges = sum(len(c.concepts) for c in snapshot.capabilities)
    with PeakRss() as rss:
        index, t_index = _timed(lambda: build_match_index(snapshot))
        _ = index.row_mass, index.transition
    rows: list[Row] = [
        ("graph", f"{n} artifacts", f"{edges:,} artifact-concept edges, "
         f"{len(snapshot.claims):,} claims, {len(snapshot.compared):,} compared", ""),
        ("threads (numba) / cores", f"{numba.get_num_threads()} / {os.cpu_count()}", "", ""),
        ("synthetic snapshot build", f"{t_snap:.1f} s", "", ""),
        ("match index build (from snapshot)", f"{t_index:.1f} s", "", ""),
    ]
    ap_rows, speedup = bench_all_pairs(index, args.k, sample, args.seed)
    rows += ap_rows
    rows += bench_ppr(index, args.seed)
    need_rows, need_p50 = bench_need(snapshot, index, args.seed)
    rows += need_rows
    rows += [
        ("match index arrays", f"{_index_mb(index):.0f} MB", "", ""),
        ("match index peak (RSS growth during build)", f"{rss.peak - rss.start:.0f} MB",
         "", ""),
        ("process peak RSS (snapshot included)",
         f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", "", ""),
    ]
    print(_table(rows))
    print(f"all_pairs_speedup={speedup:.0f} need_p50_ms={need_p50}")


if __name__ == "__main__":
    main()
