"""What ``matchgraph show`` prints: one artifact with its observations and capabilities.

Built from named queries, so the same view comes out of any store that answers them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from pydantic import BaseModel, ConfigDict
from pyoxigraph import Literal, NamedNode

from matchgraph.errors import NotFoundError
from matchgraph.ontology.vocab import CLASS_TO_TYPE, SIGNAL_METRICS, artifact_iri
from matchgraph.queries.library import sparql as q

__all__ = ["ArtifactView", "CapabilityView", "ObservationView", "artifact_view", "resolve_artifact"]

_FIELD_BY_METRIC = {iri: name for name, iri in SIGNAL_METRICS.items()}


class Selecting(Protocol):
    def select(self, query: q.SparqlQuery, **params: str | NamedNode | Literal) -> list[dict[str, object]]: ...
    def canonical_map(self) -> dict[str, str]: ...


class ObservationView(BaseModel):
    model_config = ConfigDict(frozen=True)

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


class ClaimView(BaseModel):
    model_config = ConfigDict(frozen=True)

    relation: str
    polarity: str
    other: list[str]
    aspect: str | None = None
    text: str
    kind: str | None = None


class CapabilityView(BaseModel):
    model_config = ConfigDict(frozen=True)

    iri: str
    source: str
    ordinal: int
    name: str | None = None
    description: str
    unique: str | None = None
    vs_alternatives: str | None = None
    uri: str | None = None
    concepts: list[str] = []
    intents: list[str] = []
    claims: list[ClaimView] = []


class ArtifactView(BaseModel):
    model_config = ConfigDict(frozen=True)

    slug: str
    name: str
    type: str | None
    observations: list[ObservationView]
    capabilities: list[CapabilityView]
    same_as: list[str] = []
    """Other slugs entity resolution merged into this artifact."""


def resolve_artifact(store: Selecting, name: str) -> str:
    """The slug a user means by ``name`` (see :meth:`NameIndex.resolve`), over every
    artifact of ``store``; the engine keeps the same table per store version instead.

    Raises:
        NotFoundError: nothing matches.
        AmbiguousNameError: several artifacts match and none exactly (lists them).
    """
    from matchgraph.queries.views.names import NameIndex

    return NameIndex.build(store).resolve(name)  # type: ignore[arg-type]


def artifact_view(store: Selecting, slug: str) -> ArtifactView:
    """Everything stored about one artifact, every value with its source document.

    Raises:
        NotFoundError: no artifact has this slug.
    """
    canonical = store.canonical_map()
    slug = canonical.get(slug, slug)
    members = [slug] + sorted(s for s, c in canonical.items() if c == slug)
    nodes = [NamedNode(artifact_iri(m)) for m in members]
    head = store.select(q.ARTIFACT_HEAD, artifact=nodes[0])
    if not head:
        raise NotFoundError(f"no artifact with slug {slug!r}")
    # The artifact's own head is asked once: it reads the artifact's quads in every graph
    # that names it, tens of thousands for one most pages name ("faster than Tesseract").
    heads = [*head, *(row for n in nodes[1:] for row in store.select(q.ARTIFACT_HEAD, artifact=n))]
    classes = {c for row in heads for c in str(row.get("classes") or "").split()}
    kinds = sorted(CLASS_TO_TYPE[c].value for c in classes if c in CLASS_TO_TYPE)
    return ArtifactView(
        slug=slug,
        name=str(head[0]["name"]),
        type=kinds[0] if kinds else None,
        observations=_observations([r for n in nodes for r in store.select(q.ARTIFACT_OBSERVATIONS, artifact=n)]),
        capabilities=[c for n in nodes for c in _capabilities(store, n)],
        same_as=members[1:],
    )


def _observations(rows: list[dict[str, object]]) -> list[ObservationView]:
    grouped: dict[str, dict[str, object]] = defaultdict(dict)
    for row in rows:
        values = grouped[str(row["key"])]
        values["source"] = row["key"]
        if row.get("pricing") is not None:
            values["pricing"] = row["pricing"]
        if row.get("starting") is not None:
            values["starting_price"] = row["starting"]
        field = _FIELD_BY_METRIC.get(str(row.get("metric")))
        if field is not None:
            values[field] = row["value"]
    return [ObservationView.model_validate(v) for _, v in sorted(grouped.items())]


def _capabilities(store: Selecting, node: NamedNode) -> list[CapabilityView]:
    details = _capability_details(store, node)
    out = []
    for row in store.select(q.ARTIFACT_CAPABILITIES, artifact=node):
        iri = str(row["cap"])
        extra = details.get(iri, {})
        out.append(
            CapabilityView(
                iri=iri,
                source=str(row["key"]),
                ordinal=int(row["ordinal"]),  # type: ignore[arg-type]
                name=_opt(row.get("name")),
                description=str(row["description"]),
                unique=_opt(row.get("unique")),
                vs_alternatives=_opt(row.get("vs")),
                uri=_opt(row.get("uri")),
                concepts=sorted(extra.get("concepts", set())),
                intents=sorted(extra.get("intents", set())),
                claims=extra.get("claims", []),
            )
        )
    return out


def _capability_details(store: Selecting, node: NamedNode) -> dict[str, dict]:
    """Concepts, intents and typed claims per capability of one artifact."""
    details: dict[str, dict] = defaultdict(lambda: {"concepts": set(), "intents": set(), "claims": []})
    for row in store.select(q.ARTIFACT_CONCEPTS, artifact=node):
        details[str(row["cap"])]["concepts"].add(str(row["label"]))
    for row in store.select(q.ARTIFACT_INTENTS, artifact=node):
        details[str(row["cap"])]["intents"].add(str(row["text"]))
    claims: dict[str, dict] = {}
    for row in store.select(q.ARTIFACT_CLAIMS, artifact=node):
        entry = claims.setdefault(
            str(row["claim"]),
            {
                "cap": str(row["cap"]),
                "relation": str(row["relation"]),
                "polarity": str(row["polarity"]),
                "other": [],
                "aspect": _opt(row.get("aspect")),
                "text": str(row["text"]),
                "kind": _opt(row.get("kind")),
            },
        )
        for value in (row.get("otherSlug"), row.get("otherClass")):
            if value is not None and str(value) not in entry["other"]:
                entry["other"].append(str(value))
    for claim_iri in sorted(claims):
        entry = claims[claim_iri]
        entry["other"].sort()  # a set in RDF: sorted so every store shows the same list
        cap = entry.pop("cap")
        details[cap]["claims"].append(ClaimView(**entry))
    return details


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
