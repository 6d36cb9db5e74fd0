"""A read-only, store-independent snapshot of the graph that the match engine works on.

Stores produce a :class:`GraphSnapshot` (one query pass); the match engine, need matching
and rank recomputation are pure functions of it, so they are testable without any store and
identical whichever backend the facts came from.

Records have ``__slots__``: at 100,000 artifacts there are over two million of them, and a
per-instance ``__dict__`` would be most of their memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

__all__ = [
    "ArtifactRecord",
    "CapabilityRecord",
    "ClaimRecord",
    "ConceptRecord",
    "GraphSnapshot",
    "ObservationRecord",
    "VerdictRecord",
]

R = TypeVar("R")


def _pickled_by_fields(cls: type[R]) -> type[R]:
    """Pickle a record as its class and field values, two to three times faster to write
    than the state dataclasses give a slotted class (which looks the fields up on every
    instance); derived tables pickle hundreds of thousands of records after every write."""
    values = attrgetter(*cls.__match_args__)  # type: ignore[attr-defined]

    def __reduce__(self: Any) -> tuple[type[R], tuple[Any, ...]]:  # noqa: N807
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ArtifactRecord:
    """An artifact node; ``slug`` is canonical (after entity resolution)."""

    slug: str
    name: str
    type: str | None = None
    """An ArtifactType value such as "model", "repository", "mcp_server"."""
    free: bool | None = None
    open_weights: bool | None = None
    local: bool | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ObservationRecord:
    """Values one source document reported for one artifact."""

    artifact: str
    source: str
    rank: int | None = None
    adoption: float | None = None
    quality: float | None = None
    ecosystem: float | None = None
    match_graph: float | None = None
    times_matched: int | None = None
    pricing: str | None = None
    starting_price: str | None = None
    capabilities_declared: int | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class CapabilityRecord:
    """One capability of one artifact with what describes it."""

    iri: str
    artifact: str
    description: str
    name: str | None = None
    intents: tuple[str, ...] = ()
    best_for: tuple[str, ...] = ()
    """"Best for" lines of a passport or manifest."""
    concepts: tuple[str, ...] = ()
    """Concept IRIs the capability maps to."""
    input_types: tuple[str, ...] = ()
    output_types: tuple[str, ...] = ()
    unique: str | None = None
    vs_alternatives: str | None = None
    confidence: float | None = None
    matches: int | None = None
    success_rate: float | None = None
    source: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ConceptRecord:
    """A SKOS concept of the capability taxonomy."""

    iri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    input_types: tuple[str, ...] = ()
    """Modalities the concept consumes, as the taxonomy declares them (mgc:inputType)."""
    output_types: tuple[str, ...] = ()
    """Modalities the concept produces (mgc:outputType)."""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """A typed claim: ``subject`` says ``relation`` about ``others`` (artifact slugs)."""

    iri: str
    subject: str
    relation: str
    polarity: str
    """"for", "against" or "neutral", seen from ``subject``."""
    others: tuple[str, ...] = ()
    """Artifact slugs on the other side."""
    classes: tuple[str, ...] = ()
    """Classes of things on the other side ("cloud APIs that charge per image")."""
    capability: str | None = None
    aspect: str | None = None
    text: str = ""
    source: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class VerdictRecord:
    """A document's verdict about the pair it compares, with what it asserts."""

    source: str
    text: str
    compared: tuple[str, ...] = ()
    winner: str | None = None
    leads: tuple[tuple[str, str], ...] = ()
    """(signal, artifact slug) pairs: "X leads on adoption"."""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class GraphSnapshot:
    """Everything the match engine needs, as plain typed records."""

    artifacts: tuple[ArtifactRecord, ...] = ()
    capabilities: tuple[CapabilityRecord, ...] = ()
    concepts: tuple[ConceptRecord, ...] = ()
    claims: tuple[ClaimRecord, ...] = ()
    observations: tuple[ObservationRecord, ...] = ()
    compared: tuple[tuple[str, str], ...] = ()
    """Pairs of artifact slugs that some document compares side by side."""
    verdicts: tuple[VerdictRecord, ...] = ()
    version: str = field(default="")
    """A fingerprint of the store state; caches keyed by it stay valid until it changes."""
