"""Runner benchmark: time every runner that can run here on its suite, and print its figures.

    python bench/runners.py [--device cpu|cuda] [--limit N] [--glm-weights DIR] [--sd35-weights DIR]
                            [--steps N] [--size PX] [--dtype bfloat16]

Runners that cannot run (no weights, no GPU, a missing package) are listed with the reason.
Each runner runs in a fresh process, so its peak memory is its own. Nothing is stored. With random weights (a directory holding RANDOM_WEIGHTS) the figures are
of speed and memory only. Last line: ``<runner>_pages_per_s=<x> ...`` for each runner that ran.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from matchgraph.runners.base import RunOptions, RunRecord
from matchgraph.runners.execute import run_suite
from matchgraph.runners.registry import runner_class, runner_names
from matchgraph.runners.suites import load_suite

SUITES = {"ocr": "ocr-multilingual", "image-prompts": "text-rendering", "retrieval": "retrieval-mini"}


def _run(name: str, suite: str, options: RunOptions) -> RunRecord:
    return run_suite(name, load_suite(suite), options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--limit", type=int, default=None, help="items per language")
    parser.add_argument("--glm-weights", type=Path)
    parser.add_argument("--sd35-weights", type=Path)
    parser.add_argument("--steps", type=int)
    parser.add_argument("--size", type=int)
    parser.add_argument("--dtype")
    parser.add_argument("--max-new-tokens", type=int)
    parser.add_argument("--only", action="append", help="run only this runner (repeatable)")
    args = parser.parse_args()
    weights = {"glm-ocr": args.glm_weights, "sd35-large": args.sd35_weights}
    summary = []
    print(f"{'runner':12} {'suite':22} {'items':>5} {'items/s':>8} {'p50 s':>7} {'p95 s':>7} {'quality':>14} "
          f"{'peak MiB':>9} wall s")
    for name in args.only or runner_names():
        info = runner_class(name).info
        device = args.device if args.device in info.needs.devices else "cpu"
        options = RunOptions(device=device, weights=weights.get(name), dtype=args.dtype, limit=args.limit,  # type: ignore[arg-type]
                             steps=args.steps, size=args.size, max_new_tokens=args.max_new_tokens)
        available = runner_class(name)().availability(options)
        if not available.ok:
            print(f"{name:12} skipped: {available.reason}")
            continue
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            record = pool.submit(_run, name, SUITES[info.suites[0]], options).result()
        wall = time.perf_counter() - t0
        pps = record.figure("PagesPerSecond") or record.figure("QueriesPerSecond") or 0.0
        quality = (f"nDCG@10 {record.figure('NDCGAt10'):.3f}" if info.task == "retrieval"
                   else f"CER {record.figure('CharacterErrorRate') or 0:.3f}")
        print(f"{name:12} {record.suite:22} {record.items:5d} {pps:8.1f} {record.figure('LatencyP50') or 0:7.3f} "
              f"{record.figure('LatencyP95') or 0:7.3f} {quality:>14} "
              f"{(record.figure('PeakMemory') or 0) / 2**20:9.0f} {wall:.1f}"
              + ("  (random weights)" if record.random_weights else ""))
        summary.append(f"{name}_{'queries' if info.task == 'retrieval' else 'pages'}_per_s={pps:.3f}")
    print(" ".join(summary))


if __name__ == "__main__":
    main()
