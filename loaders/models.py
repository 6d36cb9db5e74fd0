"""Typed facts that loaders emit: the only thing a loader produces.

A loader turns one document into one :class:`DocumentFacts`. Stores turn these models into
quads (or rows) at their own edge, so every backend sees the same facts.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from matchgraph.ontology.vocab import ArtifactType

__all__ = [
    "ArtifactRef",
    "ArtifactType",
    "Capability",
    "Claim",
    "ClaimKind",
    "ConceptMatch",
    "DocumentFacts",
    "DocumentFormat",
    "Observation",
    "OtherSide",
    "Polarity",
    "SourceInfo",
    "Statement",
    "Verdict",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DocumentFormat(StrEnum):
    COMPARISON = "comparison"
    PASSPORT = "passport"
    MANIFEST = "manifest"
    ARTIFACT_PAGE = "artifact_page"
    CAPABILITY_PAGE = "capability_page"


class SourceInfo(_Frozen):
    """Where a document came from; becomes the provenance of its named graph.

    ``key`` is the document's stable identity (its address when it has one, else its
    resolved path): loading a changed version under the same key replaces the old one.
    """

    key: str
    path: str | None = None
    url: str | None = None
    content_hash: str
    format: DocumentFormat
    title: str | None = None
    loaded_at: datetime | None = None


class ArtifactRef(_Frozen):
    """An artifact as one document names it. ``slug`` is its identity."""

    slug: str
    name: str
    type: ArtifactType | None = None
    url: str | None = None
    homepage: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    line: int | None = None
    addressed: bool = False
    """True when ``slug`` comes from the artifact's address (a page or passport URL), so
    two artifacts with different addressed slugs are known to be different artifacts."""


class Observation(_Frozen):
    """Values one document reports for one artifact at load time (never merged)."""

    artifact: str
    rank: int | None = None
    adoption: float | None = None
    quality: float | None = None
    ecosystem: float | None = None
    match_graph: float | None = None
    times_matched: int | None = None
    pricing: str | None = None
    starting_price: str | None = None
    capabilities_declared: int | None = None
    line: int | None = None


class ClaimKind(StrEnum):
    UNIQUE = "unique"
    VS_ALTERNATIVES = "vs_alternatives"


class Polarity(StrEnum):
    """Seen from the claiming artifact."""

    FOR = "for"
    AGAINST = "against"
    NEUTRAL = "neutral"


class OtherSide(_Frozen):
    """The other side of a claim: a named artifact (``slug`` once resolved) or a class."""

    label: str
    is_class: bool = False
    slug: str | None = None


class Claim(_Frozen):
    """One typed claim extracted from a statement; ``start``/``end`` index the statement."""

    relation: str
    polarity: Polarity
    others: tuple[OtherSide, ...] = ()
    aspect: str | None = None
    start: int
    end: int
    text: str


class Statement(_Frozen):
    """A "Unique:" or "vs alternatives:" line, with the typed claims found in it."""

    kind: ClaimKind
    text: str
    line: int | None = None
    claims: tuple[Claim, ...] = ()


class ConceptMatch(_Frozen):
    """A capability's link to a taxonomy concept, with the mapper's score in [0, 1]."""

    concept: str
    label: str
    score: float = Field(ge=0.0, le=1.0)


class Capability(_Frozen):
    """One decomposed capability of one artifact, as one document describes it."""

    artifact: str
    ordinal: int
    description: str
    name: str | None = None
    uri: str | None = None
    statements: tuple[Statement, ...] = ()
    concepts: tuple[ConceptMatch, ...] = ()
    intents: tuple[str, ...] = ()
    best_for: tuple[str, ...] = ()
    limitations: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    input_types: tuple[str, ...] = ()
    output_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    confidence: float | None = None
    matches: int | None = None
    success_rate: float | None = None
    truncated: bool = False
    line: int | None = None

    def statement(self, kind: ClaimKind) -> Statement | None:
        return next((s for s in self.statements if s.kind is kind), None)


class Verdict(_Frozen):
    """A document's conclusion about the pair, as text plus what it asserts."""

    text: str
    line: int | None = None
    winner: str | None = None
    leads: tuple[tuple[str, str], ...] = ()
    """(signal, artifact slug) pairs the verdict asserts, e.g. ("adoption", "glm-ocr")."""


class DocumentFacts(_Frozen):
    """Everything one document says, ready for a store."""

    source: SourceInfo
    title: str | None = None
    summary: str | None = None
    artifacts: tuple[ArtifactRef, ...] = ()
    observations: tuple[Observation, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    announced_more: tuple[tuple[str, int], ...] = ()
    """(artifact slug, N) for each "+N more capabilities" line."""
    verdict: Verdict | None = None
    complete: bool = True
    missing: tuple[str, ...] = ()
    """What a cut-off document lacks, in words ("verdict", "capabilities of X")."""
    notes: tuple[str, ...] = ()
    """Things the loader noticed and worked around (attribution guesses, self-contradictions)."""
