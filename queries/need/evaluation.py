"""Evaluation of need matching on the labelled need set (``bench/needs/*.jsonl``).

Why here and not in ``bench/``: the benchmark script and the test that guards its figures
share it. The measures come from ``ranx`` (hit@k, MRR@10, nDCG@10 per need), never from
hand-written formulas; the confidence intervals are percentile bootstraps over needs from
``scipy.stats.bootstrap``. ``ranx`` is a dev dependency and is imported only here.

The store is built in memory from ``data/`` plus ``../shared/corpus`` when it is present.
A need whose relevant artifacts are all absent from the loaded documents is skipped (the
need file marks them ``needs_corpus``), and the other needs are judged only against the
relevant artifacts that were loaded, so the figures are honest with or without the corpus.

The baseline is the simplest thing that could work: BM25 (``bm25s``, English stopwords)
over each loaded file's raw text, each hit credited to the file's first artifact.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from matchgraph.errors import LoadError, MatchgraphError
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.loaders.pipeline import prepare
from matchgraph.queries.snapshot import GraphSnapshot

__all__ = [
    "MEASURES",
    "EvalTable",
    "Need",
    "NeedCorpus",
    "RawPageBM25",
    "Scores",
    "build_corpus",
    "evaluate",
    "load_needs",
]

MEASURES = ("hit_rate@1", "hit_rate@3", "mrr@10", "ndcg@10")
"""ranx names: hit@1, hit@3, MRR@10, nDCG@10."""

Ranker = Callable[[str], Sequence[str]]
"""A method under test: need text -> artifact slugs, best first."""


@dataclass(frozen=True)
class Need:
    """One labelled need (a line of a need file)."""

    id: str
    text: str
    relevant: tuple[str, ...]
    paraphrase: bool
    needs_corpus: bool
    kind: str = ""
    constraints: tuple[str, ...] = ()


def load_needs(path: Path, errata: Path | None = None) -> list[Need]:
    """Read a need file; ``errata`` (JSON lines ``{"id", "relevant"}``) replaces the
    relevant slugs of the needs it names, so the held-out file itself is never edited."""
    fixes: dict[str, tuple[str, ...]] = {}
    if errata is not None and errata.exists():
        for line in errata.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                fixes[row["id"]] = tuple(row["relevant"])
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        out.append(Need(r["id"], r["text"], fixes.get(r["id"], tuple(r["relevant"])),
                        bool(r["paraphrase"]), bool(r["needs_corpus"]), r.get("kind", ""),
                        tuple(r.get("constraints", ()))))
    return out


@dataclass
class NeedCorpus:
    """What the evaluation runs on: the snapshot, and each loaded file's text and first
    artifact (for the raw-page baseline)."""

    snapshot: GraphSnapshot
    pages: list[tuple[str, str]] = field(default_factory=list)
    """(raw text, slug of the page's first artifact) for every loaded file."""
    with_corpus: bool = False

    @property
    def described(self) -> set[str]:
        """Slugs some loaded document describes (a capability or an observation)."""
        snap = self.snapshot
        return {c.artifact for c in snap.capabilities} | {o.artifact for o in snap.observations}


def build_corpus(paths: Iterable[Path]) -> NeedCorpus:
    """Load ``paths`` (files or folders) into an in-memory store, as ``matchgraph load``
    would; files that fail to load (cut-off passports) are left out of everything."""
    from matchgraph.graph.embedded import OxigraphStore

    store = OxigraphStore(None)
    paths = list(paths)
    facts, raw = [], []
    for path in iter_document_paths(paths):
        try:
            f = prepare(read_document(path))
        except (LoadError, MatchgraphError):
            continue
        facts.append(f)
        raw.append((path, f))
    store.load(facts)
    try:
        snapshot = store.snapshot()
        canon = store.canonical_map()
    finally:
        store.close()
    pages = []
    for path, f in raw:
        if f.artifacts:
            first = f.artifacts[0].slug
            pages.append((path.read_text(encoding="utf-8", errors="replace"), canon.get(first, first)))
    with_corpus = any("shared" in p.parts for p in paths if p.exists())
    return NeedCorpus(snapshot, pages, with_corpus)


class RawPageBM25:
    """The baseline: BM25 over each page's raw text, a hit credited to its first artifact."""

    def __init__(self, pages: Sequence[tuple[str, str]]) -> None:
        import bm25s

        self._bm25s = bm25s
        self.slugs = [s for _, s in pages]
        self.model = bm25s.BM25()
        self.model.index(bm25s.tokenize([t for t, _ in pages], stopwords="en", show_progress=False),
                         show_progress=False)

    def __call__(self, text: str) -> list[str]:
        tokens = self._bm25s.tokenize([text], stopwords="en", show_progress=False)
        words = [t for t in tokens.vocab if t in self.model.vocab_dict]
        if not words:
            return []
        scores = self.model.get_scores(words)
        out: list[str] = []
        for k in np.argsort(-scores, kind="stable"):
            if scores[k] <= 0:
                break
            if self.slugs[k] not in out:
                out.append(self.slugs[k])
        return out


@dataclass(frozen=True)
class Scores:
    """Per-need values of every measure, and their means with 95 % bootstrap intervals."""

    n: int
    per_need: dict[str, np.ndarray]

    def mean(self, measure: str) -> float:
        return float(self.per_need[measure].mean()) if self.n else float("nan")

    def interval(self, measure: str, resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
        from scipy.stats import bootstrap

        values = self.per_need[measure]
        if self.n < 2 or np.all(values == values[0]):
            return (self.mean(measure), self.mean(measure))
        res = bootstrap((values,), np.mean, n_resamples=resamples, method="percentile",
                        random_state=np.random.default_rng(seed))
        return (float(res.confidence_interval.low), float(res.confidence_interval.high))


def evaluate(ranker: Ranker, needs: Sequence[Need], described: set[str], k: int = 10) -> Scores:
    """Run ``ranker`` on every need that has a loaded relevant artifact; ranx measures."""
    from ranx import Qrels, Run, evaluate as ranx_evaluate

    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    for need in needs:
        relevant = [s for s in need.relevant if s in described]
        if not relevant:
            continue
        qrels[need.id] = {s: 1 for s in relevant}
        ranked = list(dict.fromkeys(ranker(need.text)))[:k]
        # Scores by rank, so ranx sees exactly this order; an empty answer is a miss.
        run[need.id] = {s: float(k - i) for i, s in enumerate(ranked)} or {"(nothing)": 0.0}
    if not qrels:
        return Scores(0, {m: np.zeros(0) for m in MEASURES})
    ids = sorted(qrels)
    values = ranx_evaluate(Qrels(qrels), Run(run), list(MEASURES), return_mean=False)
    return Scores(len(ids), {m: np.asarray(values[m], dtype=np.float64) for m in MEASURES})


@dataclass
class EvalTable:
    """Rows (method) x columns (subset) of :class:`Scores`, printable."""

    rows: dict[str, dict[str, Scores]] = field(default_factory=dict)

    def add(self, method: str, subset: str, scores: Scores) -> None:
        self.rows.setdefault(method, {})[subset] = scores

    def format(self, subset: str) -> str:
        head = f"{'method':<28} {'n':>3}  " + "  ".join(f"{m:<20}" for m in MEASURES)
        lines = [head, "-" * len(head)]
        for method, by_subset in self.rows.items():
            s = by_subset.get(subset)
            if s is None:
                continue
            cells = []
            for m in MEASURES:
                lo, hi = s.interval(m)
                cells.append(f"{s.mean(m):.3f} [{lo:.2f}, {hi:.2f}]".ljust(20))
            lines.append(f"{method:<28} {s.n:>3}  " + "  ".join(cells))
        return "\n".join(lines)
