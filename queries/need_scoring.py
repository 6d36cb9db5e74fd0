"""Vectorised tables behind need matching: artifact flags, directions, concepts, aggregation.

Each table holds one array (or a few) per capability or artifact, built once, so a query
applies a constraint or an adjustment with a numpy gather instead of a Python loop over
1.25 million capabilities. The factors are documented constants: they are the published
behaviour of ``matchgraph match``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matchgraph.errors import ConfigError
from matchgraph.queries.need_constraints import NeedConstraints, normalise_type
from matchgraph.queries.need_concepts import ConceptGraph, ConceptSpread
from matchgraph.queries.need_index import ConceptHit, SparseBM25
from matchgraph.queries.need_text import MODALITIES, Direction, infer_direction
from matchgraph.queries.need_text import normalise_modality, stem
from matchgraph.queries.snapshot import ArtifactRecord, CapabilityRecord

__all__ = [
    "ArtifactFlags",
    "BaseParts",
    "DirectionTable",
    "Ranked",
    "aggregate",
    "capability_text",
    "dense_scores",
    "direction_factor",
    "direction_factors",
    "embed",
    "language_factors",
    "languages_mentioned",
    "top_candidates",
]

W_LEX, W_CONCEPT, W_DENSE = 1.0, 0.5, 0.8
"""Base relevance = W_LEX * BM25 / best BM25 of the query + W_CONCEPT * concept coverage
+ W_DENSE * cosine similarity (only with an embedder)."""
SUPPORT_DECAY = 0.25
"""Soft maximum over an artifact's capabilities: best + 0.25 * second + 0.0625 * third."""
UNKNOWN_FACTOR = 0.85
"""An artifact whose free/open-weights/local/type value is unknown keeps 85 % of its score."""
SOFT_MISS_FACTOR = 0.5
"""A constraint read from the need's words (not given as an option) only down-weights an
artifact known not to meet it: "an open source library" or "a messages API" say what
the person has in mind, not the artifact type they would refuse."""
DIRECTION_FACTORS = {
    "both": 1.3, "output": 1.2, "input": 1.1, "neutral": 1.0,
    "output, other input": 0.8, "other": 0.6, "input, other output": 0.5, "reverse": 0.1,
}
"""Need direction against capability direction: input and output agree; the output agrees
(input unknown); the input agrees (output unknown); the capability consumes what the need
wants out but also what it puts in; the output agrees but the capability takes other
inputs; the capability handles other modalities; the input agrees but it produces other
things; the capability goes the opposite way (takes what the need wants out)."""
LANGUAGE_FACTORS = {"all": 1.15, "some": 1.0, "generic": 0.9, "none": 0.75}
_BIT = {m: 1 << i for i, m in enumerate(MODALITIES)}


def capability_text(cap: CapabilityRecord, artifact_name: str) -> str:
    """The text BM25 indexes for a capability: name, description, intents, artifact name.

    Claims ("Unique:", "vs alternatives:") are left out: they name competitors, and a
    need for OCR should not land on a generator because it says it beats an OCR tool.
    """
    return " ".join((cap.name or "", cap.description, " ".join(cap.intents), artifact_name))


def _mask(modalities: frozenset[str] | Sequence[str]) -> int:
    """Bit mask of modalities; structured data also counts as text (JSON is text too)."""
    mods = set(modalities)
    if "data" in mods:
        mods.add("text")
    return sum(_BIT[m] for m in mods if m in _BIT)


def _unmask(mask: int) -> frozenset[str]:
    return frozenset(m for m, b in _BIT.items() if mask & b)


def direction_factors(n_in: int, n_out: int, c_in: np.ndarray, c_out: np.ndarray) -> np.ndarray:
    """Factor per capability from bit masks (see :data:`DIRECTION_FACTORS`)."""
    c_in = c_in.astype(np.int64)
    c_out = c_out.astype(np.int64)
    f = np.ones(len(c_in))
    if not (n_in or n_out):
        return f
    out_match = (c_out & n_out) != 0
    in_match = (c_in & n_in) != 0
    out_rev = ((c_in & n_out) != 0) & ~out_match
    in_rev = ((c_out & n_in) != 0) & ~in_match
    in_other = (n_in != 0) & (c_in != 0) & ~in_match
    out_other = (n_out != 0) & (c_out != 0) & ~out_match
    F = DIRECTION_FACTORS
    f[(c_in | c_out) != 0] = F["other"]
    f[in_match] = F["input"]
    f[in_match & out_rev] = F["neutral"]
    f[in_match & out_other] = F["input, other output"]
    f[out_match] = F["output"]
    f[out_match & in_other] = F["output, other input"]
    f[out_match & in_match] = F["both"]
    f[(out_rev | in_rev) & ~out_match & ~in_match] = F["reverse"]
    return f


def direction_factor(need: Direction, cap: Direction) -> float:
    """Scalar form of :func:`direction_factors` for two directions."""
    arr = direction_factors(
        _mask(need.inputs), _mask(need.outputs),
        np.array([_mask(cap.inputs)]), np.array([_mask(cap.outputs)]),
    )
    return float(arr[0])


@dataclass(frozen=True)
class ArtifactFlags:
    """free / open weights / local as 1, 0 or -1 (unknown), and a type code, per artifact."""

    free: np.ndarray
    open_weights: np.ndarray
    local: np.ndarray
    type_codes: np.ndarray
    """Index into ``type_names``, -1 when the type is unknown."""
    type_names: tuple[str, ...]

    @classmethod
    def build(cls, artifacts: Sequence[ArtifactRecord]) -> ArtifactFlags:
        def tri(values: list[bool | None]) -> np.ndarray:
            return np.array([-1 if v is None else int(v) for v in values], dtype=np.int8)

        names: dict[str, int] = {}
        seen: dict[str | None, int] = {None: -1}
        codes = np.empty(len(artifacts), dtype=np.int16)
        for i, a in enumerate(artifacts):
            if a.type not in seen:
                try:
                    t = normalise_type(a.type or "")
                    seen[a.type] = names.setdefault(t, len(names))
                except ConfigError:
                    seen[a.type] = -1
            codes[i] = seen[a.type]
        return cls(
            tri([a.free for a in artifacts]),
            tri([a.open_weights for a in artifacts]),
            tri([a.local for a in artifacts]),
            codes,
            tuple(names),
        )

    def checks(self, cons: NeedConstraints) -> list[tuple[str, np.ndarray]]:
        """(constraint name, 1/0/-1 array over artifacts) for each required flag and type."""
        out = [(name, arr) for name, arr, on in (
            ("free", self.free, cons.free),
            ("open weights", self.open_weights, cons.open_weights),
            ("runs locally", self.local, cons.local),
        ) if on]
        if cons.types:
            allowed = [k for k, t in enumerate(self.type_names) if t in cons.types]
            arr = np.isin(self.type_codes, allowed).astype(np.int8)
            arr[self.type_codes < 0] = -1
            out.append((f"type {'/'.join(cons.types)}", arr))
        return out

    def soften(self, checks: list[tuple[str, np.ndarray]]) -> np.ndarray:
        """Per artifact: the down-weight of constraints read from the text (never removes)."""
        factor = np.ones(len(self.free))
        for _, arr in checks:
            factor[arr == -1] *= UNKNOWN_FACTOR
            factor[arr == 0] *= SOFT_MISS_FACTOR
        return factor

    def evaluate(self, checks: list[tuple[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """Per artifact: allowed (bool) and the down-weight for unknown values."""
        n = len(self.free)
        ok = np.ones(n, dtype=bool)
        factor = np.ones(n)
        for _, arr in checks:
            ok &= arr != 0
            factor[arr == -1] *= UNKNOWN_FACTOR
        return ok, factor


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _capability_direction(cap: CapabilityRecord, concepts: ConceptGraph) -> Direction:
    """The first source that says anything: the name, the description's first sentence
    (its main claim), the whole description, the concepts, the intents.

    Later sentences of long descriptions compare and digress ("prior models struggled
    with text generation"), so they are read only when the start says nothing.
    """
    description = cap.description.strip()
    sources = (
        lambda: infer_direction(cap.name or ""),
        lambda: infer_direction(_SENTENCE_END.split(description, maxsplit=1)[0]),
        lambda: infer_direction(description),
        lambda: concepts.direction_of(cap.concepts),
        lambda: infer_direction(". ".join(cap.intents)),
    )
    for source in sources:
        d = source()
        if d.known:
            return d
    return Direction()


class DirectionTable:
    """Input/output modality masks per capability: declared ones at build, the others
    inferred from text the first time a capability is a candidate (then cached)."""

    def __init__(self, n: int) -> None:
        self.inputs = np.zeros(n, dtype=np.uint8)
        self.outputs = np.zeros(n, dtype=np.uint8)
        self.state = np.zeros(n, dtype=np.int8)  # 0 unknown yet, 1 declared, 2 inferred

    @classmethod
    def build(cls, caps: Sequence[CapabilityRecord]) -> DirectionTable:
        table = cls(len(caps))
        cache: dict[tuple[str, ...], int] = {}

        def mask(values: tuple[str, ...]) -> int:
            if values not in cache:
                cache[values] = _mask([m for v in values if (m := normalise_modality(v))])
            return cache[values]

        for i, c in enumerate(caps):
            if c.input_types or c.output_types:
                table.inputs[i], table.outputs[i] = mask(c.input_types), mask(c.output_types)
                table.state[i] = 1 if (table.inputs[i] or table.outputs[i]) else 0
        return table

    def ensure(self, cand: np.ndarray, caps: Sequence[CapabilityRecord], concepts: ConceptGraph) -> None:
        """Infer the direction of candidates not seen before."""
        for i in cand[self.state[cand] == 0]:
            d = _capability_direction(caps[int(i)], concepts)
            self.inputs[i], self.outputs[i], self.state[i] = _mask(d.inputs), _mask(d.outputs), 2

    def factors(
        self, cand: np.ndarray, need: Direction, caps: Sequence[CapabilityRecord],
        concepts: ConceptGraph, cap_art: np.ndarray,
    ) -> np.ndarray:
        """Direction factor of each candidate against the need.

        A capability whose direction is unknown takes the square root of the best factor
        among its artifact's known candidates (capped at 1): an OCR model's "handles
        batches of pages" is still an OCR capability when the need is image generation.
        """
        if not need.known:
            return np.ones(len(cand))
        self.ensure(cand, caps, concepts)
        c_in, c_out = self.inputs[cand], self.outputs[cand]
        f = direction_factors(_mask(need.inputs), _mask(need.outputs), c_in, c_out)
        unknown = (c_in | c_out) == 0
        if unknown.any() and not unknown.all():
            arts, inv = np.unique(cap_art[cand], return_inverse=True)
            best = np.full(len(arts), np.nan)
            known = ~unknown
            np.fmax.at(best, inv[known], f[known])
            inherit = np.sqrt(np.minimum(best[inv], 1.0))
            use = unknown & ~np.isnan(inherit)
            f[use] = inherit[use]
        return f

    def direction(self, i: int) -> Direction:
        """The (declared or inferred) direction of capability ``i``."""
        return Direction(_unmask(int(self.inputs[i])), _unmask(int(self.outputs[i])))


def _contains(postings: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which ``docs`` are in the (sorted) ``postings``: a binary search each."""
    if len(postings) == 0:
        return np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(postings, docs), len(postings) - 1)
    return postings[at] == docs


def languages_mentioned(i: int, languages: Sequence[str], bm25: SparseBM25) -> tuple[str, ...]:
    """Languages of the need that capability ``i``'s text names."""
    doc = np.array([i])
    return tuple(lang for lang in languages if _contains(bm25.postings(stem(lang)), doc)[0])


def language_factors(cand: np.ndarray, languages: Sequence[str], bm25: SparseBM25) -> np.ndarray:
    """Factor per candidate for the need's languages (see :data:`LANGUAGE_FACTORS`)."""
    if not languages:
        return np.ones(len(cand))
    hits = sum(_contains(bm25.postings(stem(lang)), cand).astype(int) for lang in languages)
    generic = _contains(bm25.postings(stem("multilingual")), cand) | _contains(
        bm25.postings(stem("languages")), cand)
    f = np.full(len(cand), LANGUAGE_FACTORS["none"])
    f[generic] = LANGUAGE_FACTORS["generic"]
    f[hits > 0] = LANGUAGE_FACTORS["some"]
    f[hits == len(languages)] = LANGUAGE_FACTORS["all"]
    return f


def top_candidates(base: np.ndarray, k: int) -> np.ndarray:
    """Indices of the (at most) ``k`` highest positive scores, in no particular order.

    A full ``argpartition`` over 1.25M scores costs more than everything else in a query,
    so a threshold is first estimated from a strided sample (every 16th score) and only
    the scores above it are partitioned; when the estimate keeps too few, it falls back.
    """
    n = len(base)
    if n > 64 * k:
        sample = base[::16]
        m = min(len(sample), 2 * (k // 16) + 8)
        thr = float(np.partition(sample, len(sample) - m)[len(sample) - m])
        if thr > 0:
            pool = np.flatnonzero(base >= thr)
            if len(pool) >= k:
                return pool[np.argpartition(-base[pool], k - 1)[:k]]
    nz = np.flatnonzero(base > 0)
    if len(nz) <= k:
        return nz
    return nz[np.argpartition(-base[nz], k - 1)[:k]]


@dataclass(frozen=True)
class Ranked:
    """An artifact's aggregate: ``members`` are candidate positions, best first."""

    artifact: int
    score: float
    pre: float
    members: tuple[int, ...]


def aggregate(
    cand: np.ndarray, adjusted: np.ndarray, cap_art: np.ndarray, art_factor: np.ndarray,
    decay: float, limit: int,
) -> list[Ranked]:
    """Soft maximum per artifact (best + decay * second + decay^2 * third), the ``limit``
    best first; ties are broken by artifact index (snapshot order), for determinism."""
    pos = np.flatnonzero(adjusted > 0)
    if len(pos) == 0:
        return []
    a = cap_art[cand[pos]]
    order = np.lexsort((-adjusted[pos], a))
    a_s, p_s = a[order], pos[order]
    new = np.r_[True, a_s[1:] != a_s[:-1]]
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    rank = np.arange(len(a_s)) - starts[group]
    w = np.where(rank < 3, decay ** np.minimum(rank, 3).astype(np.float64), 0.0)
    pre = np.bincount(group, weights=adjusted[p_s] * w)
    arts = a_s[starts]
    final = pre * art_factor[arts]
    ends = np.r_[starts[1:], len(a_s)]
    best = np.lexsort((arts, -final))[:limit]
    return [Ranked(int(arts[g]), float(final[g]), float(pre[g]),
                   tuple(int(x) for x in p_s[starts[g]:ends[g]])) for g in best]


@dataclass(frozen=True)
class BaseParts:
    """How a query's base relevance was made: multiply base scores by ``scale`` for
    normalised units (best BM25 = ``W_LEX``); ``dense`` (normalised, empty without an
    embedder) and the concept spread are its other parts."""

    scale: float
    concept: ConceptSpread
    dense: np.ndarray
    hits: tuple[ConceptHit, ...]


def embed(caps: Sequence[CapabilityRecord], artifacts: Sequence[ArtifactRecord],
          cap_art: np.ndarray, embedder: object | None, batch: int = 256) -> np.ndarray | None:
    """Unit-length embedding of every capability text, or None without an embedder."""
    if embedder is None or not len(caps):
        return None
    rows = []
    for s in range(0, len(caps), batch):
        texts = [capability_text(c, artifacts[a].name) for c, a in
                 zip(caps[s:s + batch], cap_art[s:s + batch])]
        rows.append(np.asarray(embedder.encode(texts), dtype=np.float32))  # type: ignore[attr-defined]
    m = np.vstack(rows)
    m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
    return m


def dense_scores(embedder: object, text: str, matrix: np.ndarray) -> np.ndarray:
    """Cosine similarity of the need to every capability, negatives clipped to 0."""
    q = np.asarray(embedder.encode([text]), dtype=np.float32)[0]  # type: ignore[attr-defined]
    q /= max(float(np.linalg.norm(q)), 1e-12)
    return np.clip(matrix @ q, 0.0, None).astype(np.float64)
