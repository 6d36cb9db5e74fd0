"""The serving contract: pydantic models for every request and answer.

The HTTP API's OpenAPI schema and the MCP tools' JSON schemas are generated from these, so
they are the one place the shape of an answer is decided. They mirror the engine's own
records field by field (built with ``model_validate(dataclasses.asdict(...))``) rather
than exposing those dataclasses, so an internal field the engine adds does not silently
change what clients receive.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from matchgraph.queries.views.artifact import ArtifactView

__all__ = [
    "ArtifactAnswer", "ArtifactList", "ArtifactSummary", "ClaimList", "ClaimOut", "CompareAnswer",
    "Constraints", "FeedbackAnswer", "FeedbackRequest", "Health", "MatchAnswerOut", "MatchRequest",
    "NeedResultOut", "PairOut", "Problem", "RankAnswerOut", "ResolveAnswer", "SimilarAnswer", "StatsAnswer",
]

MAX_NEED_CHARS = 2000
"""Longest need text accepted (longer ones are refused with 413)."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Versioned(_Out):
    store_version: str = Field(description="The store version that answered (changes with every load).")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    candidates: list[dict[str, str]] | None = Field(default=None, description="For an ambiguous name: slug and name of each artifact it may mean (the first 20).")
    candidates_total: int | None = Field(default=None, description="For an ambiguous name: how many artifacts it matches in all.")
    exit_code: int | None = Field(default=None, description="The exit status the CLI gives for the same error (1 failed, 2 bad usage).")


class Constraints(BaseModel):
    """What an artifact must be, besides able: filters and down-weights (see ``matchgraph match``)."""

    model_config = ConfigDict(extra="forbid")
    free: bool = False
    open_weights: bool = False
    local: bool = False
    types: list[str] = Field(default_factory=list, max_length=20)
    languages: list[str] = Field(default_factory=list, max_length=20)
    input_types: list[str] = Field(default_factory=list, max_length=10)
    output_types: list[str] = Field(default_factory=list, max_length=10)


class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    need: str = Field(min_length=1, description=f"The need in plain words (at most {MAX_NEED_CHARS} characters).")
    top: int = Field(default=10, ge=1, le=100)
    constraints: Constraints = Field(default_factory=Constraints)


class PathStepOut(_Out):
    kind: str
    label: str
    ref: str | None = None
    score: float


class NeedTermOut(_Out):
    name: str
    value: float
    sentence: str


class AppliedConstraintOut(_Out):
    name: str
    effect: str
    factor: float
    reason: str


class NeedResultOut(_Out):
    slug: str
    name: str
    score: float
    path: list[PathStepOut] = Field(description="need → intent/concept → capability → artifact, each step with its score.")
    claims: list[str] = []
    constraints: list[AppliedConstraintOut] = []
    terms: list[NeedTermOut] = Field(default_factory=list, description="The score's terms, each with a sentence.")
    evidence: list[str] = []


class MatchAnswerOut(Versioned):
    match_id: str | None = Field(description="Pass it to /feedback to say whether the match worked.")
    need: str
    results: list[NeedResultOut]
    filtered: int = Field(description="Candidates removed by hard constraints.")


class EvidenceOut(_Out):
    kind: str
    label: str
    detail: str | None = None


class PairTermOut(_Out):
    name: str
    weight: float
    value: float
    contribution: float
    evidence: list[EvidenceOut] = []
    sentence: str


class PairOut(_Out):
    a: str
    b: str
    score: float
    terms: list[PairTermOut]
    substitutability: str
    reason: str


class SignalOut(_Out):
    signal: str
    a_values: list[tuple[str, float]] = Field(description="(source, value) pairs for the first artifact.")
    b_values: list[tuple[str, float]]
    leader: str | None = None
    basis: str


class ClaimOut(_Out):
    iri: str
    subject: str
    relation: str
    polarity: str
    others: list[str] = []
    classes: list[str] = []
    capability: str | None = None
    aspect: str | None = None
    text: str = ""
    source: str | None = None


class InconsistencyOut(_Out):
    signal: str
    text: str
    source: str | None = None


class CompareAnswer(Versioned):
    a: str
    b: str
    names: tuple[str, str]
    score: float
    explanation: list[PairTermOut]
    substitutability: str
    substitutability_reason: str
    winner_by_rank: str | None = None
    leads: dict[str, str] = {}
    signals: list[SignalOut]
    shared_concepts: list[str]
    distinct_concepts: dict[str, list[str]]
    claims: list[ClaimOut]
    shared_third_parties: dict[str, list[ClaimOut]] = {}
    inconsistencies: list[InconsistencyOut] = []
    for_need: dict[str, object] | None = None
    text: str


class ArtifactAnswer(Versioned):
    artifact: ArtifactView


class ArtifactSummary(_Out):
    slug: str
    name: str
    type: str | None = None


class ArtifactList(Versioned):
    artifacts: list[ArtifactSummary]
    total: int


class SimilarItem(_Out):
    slug: str
    score: float
    substitutability: str
    reason: str


class SimilarAnswer(Versioned):
    slug: str
    similar: list[SimilarItem]


class ClaimList(Versioned):
    claims: list[ClaimOut]


class StatsAnswer(Versioned):
    feedback_version: str
    documents: int
    artifacts: int
    mentioned_artifacts: int
    capabilities: int
    claims: int
    typed_claims: int
    intents: int
    concepts: int
    observations: int
    quads: int


class RankRowOut(_Out):
    slug: str
    name: str
    position: int | None = None
    composite: float | None = None
    coverage: float
    delta: float | None = None


class RankAnswerOut(Versioned):
    weights: dict[str, float]
    rows: list[RankRowOut]
    agreement: dict[str, object]
    tie_groups: list[list[str]]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match_id: str = Field(min_length=1, max_length=100)
    outcome: Literal["success", "failure"]
    artifact: str | None = Field(default=None, max_length=300, description="The result the outcome is about (default: the top one).")
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackAnswer(Versioned):
    match_id: str
    outcome: str
    capabilities: list[str]
    intents: list[str]


class ResolveAnswer(Versioned):
    query: str
    notation: str | None = Field(default=None, description="The capability:// path, when the query was one.")
    concepts: list[str] = Field(default_factory=list, description="Taxonomy concepts whose notation the path starts with.")
    results: list[NeedResultOut]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    store_version: str
    feedback_version: str
    served_since: float
