"""The stored need index on a real store: fresh ``matchgraph match`` processes, the dense
part per query, the folder's size and the rebuild from the embedding cache.

    python bench/cli.py --pages 5000 --keep /tmp/store10k     # a 10,000-artifact store
    python bench/need_index.py --store /tmp/store10k           # this benchmark
    python bench/need_index.py --synthetic 100000              # the dense pass alone, at scale

With ``--store``: fresh processes of ``matchgraph --store DIR match TEXT --top 5 --json``
(p50/p95 over ``--repeats`` different needs), lexical (``MATCHGRAPH_EMBEDDINGS=0``) and
hybrid, after one call that builds what is missing; the dense part of a query (encoding the
need plus the best-cosine pass) in-process, exact and forced approximate, with how often
the approximate top 10 equals the exact one; folder sizes; the hybrid index rebuilt from
the embedding cache. ``--synthetic N``: N artifacts of eight random unit text vectors each
in approximate mode (the mode above 20,000 artifacts), timed on a memory-mapped folder.
Last line: ``need_match_lexical_p50_s=<x> need_match_hybrid_p50_s=<x> dense_p50_ms=<x>``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli import NEEDS, _pct  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _fresh(store: Path, text: str, lexical: bool) -> float:
    env = dict(os.environ, MATCHGRAPH_EMBEDDINGS="0" if lexical else "1")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", str(store), "match", text,
                           "--top", "5", "--json"], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"match failed: {done.stderr[-400:]}")
    return elapsed


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def store_figures(store: Path, repeats: int) -> dict[str, float]:
    from matchgraph.engine import Engine
    from matchgraph.graph.derived import DerivedFiles
    from matchgraph.loaders.embeddings import default_embedder

    out: dict[str, float] = {}
    needs = [NEEDS[i % len(NEEDS)] for i in range(repeats)]
    for kind, lexical in (("lexical", True), ("hybrid", False)):
        first = _fresh(store, needs[0], lexical)
        times = [_fresh(store, text, lexical) for text in needs]
        out[f"{kind}_p50"], out[f"{kind}_p95"] = statistics.median(times), _pct(times, 0.95)
        print(f"fresh match, {kind}: p50 {out[f'{kind}_p50']:.3f} s, p95 {out[f'{kind}_p95']:.3f} s "
              f"(first call {first:.1f} s)")
    engine = Engine.open(store)
    embedder = default_embedder()
    files = DerivedFiles(engine.index_dir, engine.version())
    for name in ("need-lexical", "need-hybrid"):
        folder = files.path(name)
        if folder is not None and folder.exists():
            out[f"{name}_mb"] = _size(folder) / 2**20
            print(f"{name} folder: {out[f'{name}_mb']:.0f} MiB")
    assert engine.index_dir is not None
    out["cache_mb"] = _size(engine.index_dir / "embeddings") / 2**20
    print(f"embedding cache: {out['cache_mb']:.0f} MiB")
    index = engine._need_base(embedder)
    out.update(_dense(index, embedder))
    folder = files.path("need-hybrid")
    if embedder is not None and folder is not None:
        engine.snapshot()
        shutil.rmtree(folder)
        start = time.perf_counter()
        Engine(engine.store, index_dir=engine.index_dir)._need_base(embedder)
        out["rebuild_s"] = time.perf_counter() - start
        print(f"hybrid need index rebuilt from the embedding cache (snapshot in memory): {out['rebuild_s']:.1f} s")
    engine.close()
    return out


def _dense(index, embedder) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The dense part per query (encode + best-cosine pass), exact and forced approximate."""
    from matchgraph.queries.need.dense import DenseTexts, unit_rows
    from matchgraph.loaders.text import terms

    if embedder is None or index.stage.dense is None:
        return {}
    needs = [json.loads(line)["text"] for line in (ROOT / "bench" / "needs" / "dev.jsonl").read_text().splitlines()
             if line.strip()]
    exact = index.stage.dense
    approx = DenseTexts.build(np.asarray(exact.vectors, dtype=np.float32), exact.owner_ptr, exact_limit=0) \
        if exact.exact else exact
    embedder.encode(["warm up"])
    out, tops = {}, {}
    for label, dense in (("exact", exact), ("approximate", approx)):
        times = []
        index.stage.dense = dense
        for text in needs:
            lex = index.stage.lexical.scores(index.stage.lexical.term_ids(terms(text)))  # the lexical part's
            start = time.perf_counter()
            q = unit_rows(np.asarray(embedder.encode([text]), dtype=np.float32))[0]
            dense.best(q, lex)
            times.append((time.perf_counter() - start) * 1000)
        tops[label] = [[r.slug for r in index.search(t, top=10).results] for t in needs]
        out[f"dense_{label}_p50_ms"] = statistics.median(times)
        print(f"dense part ({label}, {len(needs)} needs): p50 {out[f'dense_{label}_p50_ms']:.1f} ms")
    index.stage.dense = exact
    same = sum(a == b for a, b in zip(tops["exact"], tops["approximate"]))
    print(f"approximate top 10 equals the exact one for {same} of {len(needs)} needs")
    out["dense_p50_ms"] = out["dense_exact_p50_ms" if exact.exact else "dense_approximate_p50_ms"]
    return out


def synthetic(artifacts: int, texts_per: int = 8, dim: int = 384, queries: int = 30) -> dict[str, float]:
    """Approximate mode on random unit vectors: folder size and the dense pass per query."""
    from matchgraph.queries.need.dense import DenseTexts, unit_rows

    rng = np.random.default_rng(0)
    ptr = np.arange(0, artifacts * texts_per + 1, texts_per, dtype=np.int64)
    work = Path(tempfile.mkdtemp(prefix="mg-bench-dense-"))
    try:
        vectors = np.lib.format.open_memmap(work / "vectors.npy", mode="w+", dtype=np.float16,
                                            shape=(artifacts * texts_per, dim))
        sums = np.zeros((artifacts, dim), dtype=np.float64)
        step = 50_000
        for s in range(0, artifacts, step):
            block = unit_rows(rng.standard_normal((min(step, artifacts - s) * texts_per, dim)).astype(np.float32))
            vectors[s * texts_per:s * texts_per + len(block)] = block
            sums[s:s + min(step, artifacts - s)] = block.reshape(-1, texts_per, dim).sum(axis=1)
        vectors.flush()
        np.save(work / "coarse.npy", unit_rows(sums))
        del vectors, sums
        dense = DenseTexts(np.load(work / "vectors.npy", mmap_mode="r"), ptr, np.load(work / "coarse.npy", mmap_mode="r"))
        lexical = np.zeros(artifacts)
        lexical[rng.integers(0, artifacts, 500)] = rng.random(500)
        times = []
        for _ in range(queries):
            q = unit_rows(rng.standard_normal((1, dim)).astype(np.float32))[0]
            start = time.perf_counter()
            dense.best(q, lexical)
            times.append((time.perf_counter() - start) * 1000)
        out = {"synthetic_dense_p50_ms": statistics.median(times),
               "synthetic_vectors_mb": (work / "vectors.npy").stat().st_size / 2**20,
               "synthetic_coarse_mb": (work / "coarse.npy").stat().st_size / 2**20}
        print(f"approximate dense pass at {artifacts} artifacts x {texts_per} texts: p50 "
              f"{out['synthetic_dense_p50_ms']:.1f} ms (first {times[0]:.1f} ms); vectors {out['synthetic_vectors_mb']:.0f} "
              f"MiB float16, centroids {out['synthetic_coarse_mb']:.0f} MiB float32")
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an existing store (bench/cli.py --keep DIR makes one)")
    parser.add_argument("--repeats", type=int, default=8, help="fresh processes per mode (different needs)")
    parser.add_argument("--synthetic", type=int, help="time the approximate dense pass at this many artifacts")
    args = parser.parse_args(argv)
    figures: dict[str, float] = {}
    if args.store:
        figures |= store_figures(args.store, args.repeats)
    if args.synthetic:
        figures |= synthetic(args.synthetic)
    print(f"need_match_lexical_p50_s={figures.get('lexical_p50', float('nan')):.3f} "
          f"need_match_hybrid_p50_s={figures.get('hybrid_p50', float('nan')):.3f} "
          f"dense_p50_ms={figures.get('dense_p50_ms', figures.get('synthetic_dense_p50_ms', float('nan'))):.1f}")


if __name__ == "__main__":
    main()
