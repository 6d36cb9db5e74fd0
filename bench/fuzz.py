"""Fuzz benchmark: N structure-aware mutations of pages, passports and manifests, each
loaded into an in-memory store holding the good documents of ``data/``.

The same mutation operators and invariant checks as ``tests/test_fuzz.py``
(``tests/fuzz_mutations.py``, ``tests/fuzz_harness.py``), driven by a seeded
``random.Random`` instead of hypothesis, in worker processes. Reports, per format, how
many mutations loaded, how many failed with a clean error, how many broke an invariant (an
exception outside the error tree, or a failed document that changed the store), the
commonest error kinds, throughput, and the slowest single document.

    python bench/fuzz.py --mutations 100000 --jobs 2

Last line: ``mutations=<n> crashes=<n> invariant_breaks=<n> per_s=<x>``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FORMATS = ("page", "passport", "manifest")


def _run(args: tuple[str, int, int]) -> dict[str, object]:
    fmt, seed, count = args
    from tests.fuzz_harness import Harness, Outcome
    from tests.fuzz_mutations import mutate

    with Harness() as harness:
        return _fuzz(harness, Outcome(), fmt, seed, count, mutate)


def _fuzz(harness: Any, outcome: Any, fmt: str, seed: int, count: int, mutate: Any) -> dict[str, object]:
    rng = random.Random(seed)
    crashes: list[str] = []
    breaks: list[str] = []
    slowest = (0.0, "")
    for i in range(count):
        name, data = mutate(rng, fmt)
        started = time.perf_counter()
        try:
            harness.check(name, data, outcome)
        except AssertionError as e:
            breaks.append(f"{fmt} seed={seed} #{i}: {e}")
            harness.reset()
        except Exception:  # noqa: BLE001 - counted and shown, that is the point
            crashes.append(f"{fmt} seed={seed} #{i}: {traceback.format_exc(limit=-3)}")
            harness.reset()
        took = time.perf_counter() - started
        if took > slowest[0]:
            slowest = (took, f"{name} ({len(data):,} bytes)")
    return {"fmt": fmt, "loaded": outcome.loaded, "failed": outcome.failed, "messages": outcome.messages,
            "crashes": crashes, "breaks": breaks, "slowest": slowest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutations", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    per_task = 500
    tasks = []
    for k in range(max(1, args.mutations // per_task)):
        tasks.append((FORMATS[k % 3], args.seed * 1_000_003 + k, min(per_task, args.mutations)))
    started = time.perf_counter()
    totals: dict[str, Counter] = {f: Counter() for f in FORMATS}
    messages: dict[str, Counter] = {f: Counter() for f in FORMATS}
    crashes: list[str] = []
    breaks: list[str] = []
    slowest = (0.0, "")
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for result in pool.map(_run, tasks):
            fmt = str(result["fmt"])
            totals[fmt]["loaded"] += int(result["loaded"])  # type: ignore[call-overload]
            totals[fmt]["failed"] += int(result["failed"])  # type: ignore[call-overload]
            totals[fmt]["crashes"] += len(result["crashes"])  # type: ignore[arg-type]
            totals[fmt]["breaks"] += len(result["breaks"])  # type: ignore[arg-type]
            messages[fmt].update(result["messages"])  # type: ignore[arg-type]
            crashes += result["crashes"]  # type: ignore[arg-type]
            breaks += result["breaks"]  # type: ignore[arg-type]
            slowest = max(slowest, result["slowest"])  # type: ignore[arg-type,type-var]
    elapsed = time.perf_counter() - started
    n = sum(sum(t[k] for k in ("loaded", "failed", "crashes", "breaks")) for t in totals.values())
    print(f"{'format':10} {'mutations':>10} {'loaded':>8} {'clean error':>12} {'crash':>6} {'invariant':>10}")
    for fmt in FORMATS:
        t = totals[fmt]
        total = sum(t[k] for k in ("loaded", "failed", "crashes", "breaks"))
        share = (lambda k: f"{t[k] / total:.1%}" if total else "-")
        print(f"{fmt:10} {total:>10,} {share('loaded'):>8} {share('failed'):>12} {t['crashes']:>6} {t['breaks']:>10}")
    for fmt in FORMATS:
        common = ", ".join(f"{m!r} {c}" for m, c in messages[fmt].most_common(4))
        print(f"commonest {fmt} errors: {common}")
    for line in (crashes + breaks)[:10]:
        print(line)
    print(f"slowest document: {slowest[1]} in {slowest[0]:.2f} s; {n / elapsed:.0f} mutations/s on {args.jobs} workers, {elapsed:.0f} s")
    print(f"mutations={n} crashes={len(crashes)} invariant_breaks={len(breaks)} per_s={n / elapsed:.0f}")


if __name__ == "__main__":
    main()
