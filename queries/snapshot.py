"""A read-only, store-independent snapshot of the graph that the match engine works on.

Stores produce a :class:`GraphSnapshot` (one query pass); the match engine, need matching
and rank recomputation are pure functions of it, so they are testable without any store and
identical whichever backend the facts came from.

Records have ``__slots__``: at 100,000 artifacts there are over two million of them, and a
per-instance ``__dict__`` would be most of their memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
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
    instance); derived tables pickle hundreds of thousands of records after every write.

    And construct it by setting its slots directly: a frozen dataclass's ``__init__`` sets
    each field through ``object.__setattr__`` (2.3 µs a claim record against 1.4 µs;
    a snapshot at 100,000 artifacts builds 2.1 million records, and every read of a
    pickled record constructs one). Same signature and defaults; the record stays frozen.
    """
    values = attrgetter(*cls.__match_args__)  # type: ignore[attr-defined]

    def __reduce__(self: Any) -> tuple[type[R], tuple[Any, ...]]:  # noqa: N807
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    cls.__init__ = _slot_init(cls)  # type: ignore[misc]
    return cls


def _slot_init(cls: type) -> Callable[..., None]:
    """An ``__init__`` for a frozen, slotted dataclass without factories or
    ``__post_init__``, filling each slot through its descriptor (generated, as dataclasses
    generate theirs, so no loop runs per record)."""
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or any(f.default_factory is not dataclasses.MISSING for f in fields):
        raise TypeError(f"{cls.__name__}: a record has no __post_init__ and no default factories")
    scope: dict[str, Any] = {}
    params = []
    for f in fields:
        scope[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"    _set_{f.name}(self, {f.name})\n" for f in fields) or "    pass\n"
    exec(f"def __init__(self, {', '.join(params)}):\n{body}", scope)  # noqa: S102 - our own field names
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    return init  # type: ignore[no-any-return]


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
