"""Retrieval runners: the MiniLM embedding model matchgraph ships, and BM25 as the baseline.

Both index a suite's passages once (:meth:`index`, called by the executor before any query is
timed) and answer each query with passage ids best first, so a run measures query latency and
ranking quality the same way for both. MiniLM is the int8 ONNX all-MiniLM-L6-v2 that need
matching uses (``matchgraph[embeddings]``); BM25 is ``bm25s`` with English stop words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from typing import Any, ClassVar

from matchgraph.errors import ConfigError, RunnerError
from matchgraph.runners.base import Availability, Needs, RunnerInfo, RunOptions
from matchgraph.runners.suites import SuiteItem

__all__ = ["Bm25Runner", "MiniLmRunner", "TOP_K"]

TOP_K = 100
"""Passages returned per query (the measures look at the first 10)."""


def _versions(*packages: str) -> tuple[str, ...]:
    out = []
    for package in packages:
        try:
            out.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            pass
    return tuple(out)


def _missing(packages: Sequence[str], extra: str) -> Availability | None:
    for package in packages:
        if find_spec(package) is None:
            return Availability(False, f"the Python package {package} is missing: pip install 'matchgraph[{extra}]'")
    return None


class MiniLmRunner:
    info: ClassVar[RunnerInfo] = RunnerInfo(
        name="minilm",
        title="all-MiniLM-L6-v2 (int8 ONNX, the embedding model need matching uses), dense retrieval on CPU",
        task="retrieval",
        artifacts=("all-minilm-l6-v2",),
        suites=("retrieval",),
        needs=Needs(devices=("cpu",), packages=("onnxruntime", "tokenizers", "ranx"), extra="embeddings,retrieval"),
    )

    def __init__(self) -> None:
        self._encoder: Any = None
        self._ids: list[str] = []
        self._matrix: Any = None

    def availability(self, options: RunOptions) -> Availability:
        if options.device != "cpu":
            return Availability(False, "this runner uses ONNX Runtime's CPU provider only (use --device cpu)")
        missing = _missing(("onnxruntime", "tokenizers"), "embeddings") or _missing(("ranx",), "retrieval")
        if missing:
            return missing
        try:
            from matchgraph.loaders.embeddings import _model_path, _tokenizer_path

            model, _ = _model_path(), _tokenizer_path()
        except ConfigError as e:
            return Availability(False, str(e))
        return Availability(True, f"packaged model {model.name}")

    def load(self, options: RunOptions) -> None:
        from matchgraph.loaders.embeddings import default_encoder

        try:
            self._encoder = default_encoder()
        except ConfigError as e:
            raise RunnerError(f"the MiniLM model cannot load: {e}") from e

    def index(self, documents: Sequence[tuple[str, str]]) -> None:
        if self._encoder is None:
            raise RunnerError("MiniLM runner used before load()")
        self._ids = [d for d, _ in documents]
        self._matrix = self._encoder.encode([t for _, t in documents])

    def predict(self, item: SuiteItem) -> str:
        import numpy as np

        if self._matrix is None:
            raise RunnerError("MiniLM runner asked a query before index()")
        scores = self._matrix @ self._encoder.encode([item.prompt or ""])[0]
        order = np.argsort(-scores, kind="stable")[:TOP_K]
        return " ".join(self._ids[k] for k in order)

    def software(self) -> tuple[str, ...]:
        return _versions("onnxruntime", "tokenizers")

    def weights_identity(self, options: RunOptions) -> tuple[str, bool]:
        from matchgraph.loaders.embeddings import _model_path

        path = _model_path()
        return f"packaged {path.name} sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}", False


class Bm25Runner:
    info: ClassVar[RunnerInfo] = RunnerInfo(
        name="bm25",
        title="BM25 (bm25s, English stop words), lexical retrieval on CPU",
        task="retrieval",
        artifacts=("bm25s", "bm25"),
        suites=("retrieval",),
        needs=Needs(devices=("cpu",), packages=("bm25s", "ranx"), extra="retrieval"),
    )

    def __init__(self) -> None:
        self._model: Any = None
        self._ids: list[str] = []

    def availability(self, options: RunOptions) -> Availability:
        if options.device != "cpu":
            return Availability(False, "bm25s scores on the CPU (use --device cpu)")
        return _missing(("bm25s", "ranx"), "retrieval") or Availability(True, "bm25s " + version("bm25s"))

    def load(self, options: RunOptions) -> None:
        import bm25s

        self._model = bm25s.BM25()

    def index(self, documents: Sequence[tuple[str, str]]) -> None:
        import bm25s

        if self._model is None:
            raise RunnerError("BM25 runner used before load()")
        self._ids = [d for d, _ in documents]
        self._model.index(bm25s.tokenize([t for _, t in documents], stopwords="en", show_progress=False),
                          show_progress=False)

    def predict(self, item: SuiteItem) -> str:
        import bm25s
        import numpy as np

        if not self._ids:
            raise RunnerError("BM25 runner asked a query before index()")
        tokens = bm25s.tokenize([item.prompt or ""], stopwords="en", show_progress=False)
        words = [t for t in tokens.vocab if t in self._model.vocab_dict]
        if not words:
            return ""
        scores = self._model.get_scores(words)
        order = [k for k in np.argsort(-scores, kind="stable")[:TOP_K] if scores[k] > 0]
        return " ".join(self._ids[k] for k in order)

    def software(self) -> tuple[str, ...]:
        return _versions("bm25s")

    def weights_identity(self, options: RunOptions) -> tuple[str, bool]:
        return "no weights (BM25 k1=1.5, b=0.75, statistics of the suite's passages)", False
