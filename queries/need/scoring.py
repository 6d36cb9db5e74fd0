"""Vectorised tables behind need matching: artifact flags, directions, concepts, aggregation.

Each table holds one array (or a few) per capability or artifact, built once, so a query
applies a constraint or an adjustment with a numpy gather instead of a Python loop over
1.25 million capabilities. The factors are documented constants: they are the published
behaviour of ``matchgraph match``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matchgraph.errors import ConfigError
from matchgraph.graph.digests import find_digests
from matchgraph.queries.need.constraints import NeedConstraints, normalise_type
from matchgraph.queries.need.concepts import ConceptReach
from matchgraph.loaders.text import MODALITIES, Direction, capability_direction, infer_direction
from matchgraph.loaders.text import normalise_modality
from matchgraph.queries.snapshot import ArtifactRecord, CapabilityRecord

__all__ = [
    "ArtifactFlags",
    "DirectionTable",
    "capability_text",
    "direction_factor",
    "direction_factors",
]

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


def _capability_direction(cap: CapabilityRecord, concepts: ConceptReach) -> Direction:
    """The capability's own texts first (:func:`capability_direction`), then its concepts,
    then its intents."""
    sources = (
        lambda: capability_direction(cap.name, cap.description),
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

    def carry_over(self, digests: np.ndarray, earlier_digests: np.ndarray, earlier: DirectionTable) -> int:
        """Take the directions an earlier index found for capabilities whose content digest
        (``digests``, per capability) it holds too, so :meth:`ensure` infers only the new
        and changed ones. The caller checks that the taxonomy is the same. Returns how many
        were taken."""
        found = find_digests(digests, earlier_digests)
        hit = np.flatnonzero(found >= 0)
        old = found[hit]
        self.inputs[hit], self.outputs[hit], self.state[hit] = earlier.inputs[old], earlier.outputs[old], earlier.state[old]
        return len(hit)

    def ensure(self, cand: np.ndarray, caps: Sequence[CapabilityRecord], concepts: ConceptReach) -> None:
        """Infer the direction of candidates not seen before."""
        for i in cand[self.state[cand] == 0]:
            d = _capability_direction(caps[int(i)], concepts)
            self.inputs[i], self.outputs[i], self.state[i] = _mask(d.inputs), _mask(d.outputs), 2

    def factors(
        self, cand: np.ndarray, need: Direction, caps: Sequence[CapabilityRecord],
        concepts: ConceptReach, cap_art: np.ndarray,
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
