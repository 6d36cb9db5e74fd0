"""User-path benchmark: what a person waits for, in fresh ``matchgraph`` processes.

Builds a store through ``matchgraph load`` from generated seed-sized pages (two artifacts
each, ``bench/load.py``'s generator), then times fresh processes of every read command over
several different inputs (p50/p95), the first call after the load in its own figure, and
the warm in-process engine call for the same question beside it (the kernel), so a slow
command behind a fast kernel shows. Then it loads a few new pages into the built store and
times that ``matchgraph load`` (the user's next small update, index rebuild included).

    python bench/cli.py --pages 5000          # 10,000 artifacts
    python bench/cli.py --pages 50000         # 100,000 artifacts (long)

Last line: ``cli_match_p50_s=<x> cli_show_p50_s=<x> load_docs_per_s=<x>``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import RIVALS, make_document  # noqa: E402
from process_tree import TreePeak, run_sampled  # noqa: E402

NEEDS = ("extract text from images", "transcribe speech audio", "generate images from prompts",
         "code completion in the editor", "scrape web pages with retries", "multilingual layout tokens",
         "deploy weights locally", "streaming agent tools protocol")


def _write_pages(directory: Path, pages: int, seed: int, first: int = 0) -> None:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(first, first + pages):
        (directory / f"page-{i:06d}.md").write_text(make_document(i, rng), encoding="utf-8")


def _index_size(store: Path) -> int:
    """Bytes of the newest version's index folder (older ones are kept a while for running
    readers) plus the per-document answers and the document markers every version shares."""
    root = store.with_name(store.name + ".index")
    versions = [p for p in root.glob("v*") if p.is_dir()]
    current = max(versions, key=lambda p: p.stat().st_mtime) if versions else None
    files = [*(current.rglob("*") if current else ()), *root.glob("document-answers.sqlite*"),
             *root.glob("document-markers.pkl")]
    return sum(p.stat().st_size for p in files if p.is_file())


def _matchgraph(store: Path, *args: str) -> float:
    """Seconds one fresh ``matchgraph`` process takes (it must succeed)."""
    return _matchgraph_told(store, *args)[0]


def _matchgraph_told(store: Path, *args: str) -> tuple[float, str]:
    """Seconds one fresh ``matchgraph`` process takes (it must succeed), and its stderr."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", str(store), *args],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"matchgraph {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    return elapsed, done.stderr


def _documents(store: Path) -> int:
    done = subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", str(store), "stats", "--json"],
                          capture_output=True, text=True, check=True)
    return int(json.loads(done.stdout)["documents"])


def _together(tree: TreePeak | None) -> str:
    """The peak of the load's processes together (main, preparing workers, the worker
    beside the index build), beside the largest single one ``ru_maxrss`` gives."""
    if tree is None:
        return ""
    return (f"; all its processes together {tree.together / 2**20:.0f} MiB "
            f"(largest one {tree.largest / 2**20:.0f} MiB, sampled every 0.25 s)")


def _stages(stderr: str) -> str:
    """The load's own account of its index build (``entity resolution and indexes: ...``)."""
    return next((line.strip() for line in stderr.splitlines() if "entity resolution and indexes:" in line), "")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _inputs(pages: int, count: int, seed: int) -> list[int]:
    rng = random.Random(seed + 1)
    return [rng.randrange(pages) for _ in range(count)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="generated pages (two artifacts each)")
    parser.add_argument("--repeats", type=int, default=5, help="different inputs per command")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the store here (reused when it exists)")
    parser.add_argument("--more", type=int, default=10,
                        help="then load this many new pages into the store and time it (0: skip; changes a kept store)")
    parser.add_argument("--more-from", type=int,
                        help="number of the first of those pages (default: pages + 1,000,000); a kept store "
                             "that already holds them would load nothing, so give it another")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="mg-bench-cli-"))
    store = args.keep or work / "store"
    load_rate = float("nan")
    try:
        if not (store / "CURRENT").exists():
            pages = work / "pages"
            _write_pages(pages, args.pages, args.seed)
            start = time.perf_counter()
            loaded, tree = run_sampled([sys.executable, "-m", "matchgraph.cli.main", "--store", str(store), "load",
                                        str(pages)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            elapsed = time.perf_counter() - start
            if loaded.returncode != 0:
                raise SystemExit(f"load failed: {loaded.stderr[-400:]}")
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            load_rate = args.pages / elapsed
            print(f"load (matchgraph load, enrichment and index build included): {args.pages} pages, "
                  f"{2 * args.pages} artifacts in {elapsed:.1f} s = {load_rate:.1f} pages/s, peak RSS {peak:.0f} MiB"
                  f"{_together(tree)}")
            if _stages(loaded.stderr):
                print(f"  index build at the end of that load: {_stages(loaded.stderr)}")
        first = _matchgraph(store, "match", NEEDS[-1], "--top", "5", "--json")
        print(f"first match after the load (or after a code change: indexes rebuilt): {first:.2f} s")

        picks = _inputs(args.pages, args.repeats, args.seed)
        slugs = [f"model-{i}a" for i in picks]
        others = [f"model-{i}b" for i in picks]
        commands = {
            "help": [["--help"]] * args.repeats,
            "stats": [["stats", "--json"]] * args.repeats,
            "show": [["show", s, "--json"] for s in slugs],
            "match": [["match", NEEDS[i % len(NEEDS)], "--top", "5", "--json"] for i in range(args.repeats)],
            "similar": [["similar", s, "--top", "5", "--json"] for s in slugs],
            "compare": [["compare", a, b, "--json"] for a, b in zip(slugs, others)],
            # Seeds the kernel timing below does not use: each command computes its ranks
            # (a repeated question is read back from the version's files).
            "rank": [["rank", "--top", "5", "--json", "--seed", str(100 + i)] for i in range(args.repeats)],
            # The rivals most pages claim to beat ("faster than Tesseract"): each is named in
            # tens of thousands of graphs, the worst case for a per-artifact read.
            "show hub": [["show", RIVALS[i % len(RIVALS)], "--json"] for i in range(args.repeats)],
            "similar hub": [["similar", RIVALS[i % len(RIVALS)], "--top", "5", "--json"] for i in range(args.repeats)],
            "compare hub": [["compare", RIVALS[i % len(RIVALS)], RIVALS[(i + 1) % len(RIVALS)], "--json"]
                            for i in range(args.repeats)],
        }
        figures: dict[str, float] = {}
        print(f"{'command':12s} {'p50 s':>8s} {'p95 s':>8s} {'kernel p50 ms':>14s}")
        kernel = _kernel_times(store, slugs, others, args.repeats)
        for name, runs in commands.items():
            times = [_matchgraph(store, *run) for run in runs]
            figures[name] = statistics.median(times)
            k = kernel.get(name)
            print(f"{name:12s} {figures[name]:8.3f} {_pct(times, 0.95):8.3f} {'' if k is None else f'{k * 1000:14.1f}'}")
        if args.more:
            more = work / "more"
            first_more = args.pages + 1_000_000 if args.more_from is None else args.more_from
            _write_pages(more, args.more, args.seed + 1, first=first_more)
            before = _documents(store)
            start = time.perf_counter()
            done, tree = run_sampled([sys.executable, "-m", "matchgraph.cli.main", "--store", str(store), "load",
                                      str(more)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            elapsed, told = time.perf_counter() - start, done.stderr
            if done.returncode != 0:
                raise SystemExit(f"load of more pages failed: {told[-400:]}")
            if _documents(store) != before + args.more:
                raise SystemExit(f"the {args.more} more pages were not all new to the store: give --more-from")
            print(f"load of {args.more} more pages into that store, its index rebuilt (matchgraph load): {elapsed:.1f} s"
                  f"{_together(tree)}")
            if _stages(told):
                print(f"  where it went: {_stages(told)}")
            print(f"  its all-pairs candidate lists against a full computation: {_list_recall(store)}")
        # Measured last, when every part exists: after a code change the first match builds
        # only the need index, and the reads above build the rest one by one. The newest
        # version's directory counts (older ones are kept a while for running readers).
        print(f"index files (this version, every part built, with the per-document answers kept "
              f"across versions): {_index_size(store) / 2**20:.0f} MiB")
        print(f"cli_match_p50_s={figures['match']:.3f} cli_show_p50_s={figures['show']:.3f} "
              f"load_docs_per_s={load_rate:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _list_recall(store: Path) -> str:
    """How much of the full computation's all-pairs lists the stored ones hold (a load of
    a few pages updates them instead: :mod:`matchgraph.queries.match.all_pairs_update`)."""
    import numpy as np

    from matchgraph.engine import Engine
    from matchgraph.queries.match.all_pairs import all_pairs_topk

    engine = Engine.open(store)
    try:
        bundle = engine.bundle()
        index = bundle.index
        out = []
        for key, expanded in (("neighbours", False), ("hierarchy", True)):
            stored = np.asarray(getattr(bundle, key).indices)
            full = all_pairs_topk(index, index.params.candidates, include_self=False, expanded=expanded).indices
            held = total = same = 0
            for mine, true in zip(stored, full, strict=True):
                a, b = set(mine[mine >= 0].tolist()), set(true[true >= 0].tolist())
                held, total, same = held + len(a & b), total + len(b), same + (a == b)
            out.append(f"{key} recall {held / max(total, 1):.5f}, lists identical {same / max(len(full), 1):.4f}")
        return "; ".join(out)
    finally:
        engine.close()


def _kernel_times(store: Path, slugs: list[str], others: list[str], repeats: int) -> dict[str, float]:
    """The same questions to one warm in-process engine (what a server pays per request)."""
    from matchgraph.engine import Engine

    engine = Engine.open(store)
    try:
        engine.bundle(), engine.need_index(), engine.stats()
        calls = {
            "stats": lambda i: engine.stats(),
            "show": lambda i: engine.show(slugs[i]),
            "match": lambda i: engine.match(NEEDS[i % len(NEEDS)], top=5, record=False),
            "similar": lambda i: engine.similar(slugs[i], 5),
            "compare": lambda i: engine.compare(slugs[i], others[i]),
            "rank": lambda i: engine.rank(limit=5, seed=i),
            "show hub": lambda i: engine.show(RIVALS[i % len(RIVALS)]),
            "similar hub": lambda i: engine.similar(RIVALS[i % len(RIVALS)], 5),
            "compare hub": lambda i: engine.compare(RIVALS[i % len(RIVALS)], RIVALS[(i + 1) % len(RIVALS)]),
        }
        out = {}
        for name, call in calls.items():
            times = []
            for i in range(repeats):
                start = time.perf_counter()
                call(i)
                times.append(time.perf_counter() - start)
            out[name] = statistics.median(times)
        return out
    finally:
        engine.close()


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
