"""Turn a document's typed facts into RDF triples (the embedded store's edge).

Every node IRI is derived from the document's key and the fact's position, so mapping the
same document twice gives the same triples, and a document's triples can be dropped as one
named graph. Artifacts are the exception on purpose: their IRI comes from the slug alone,
so the same artifact named by two documents is one node.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache, lru_cache

from pyoxigraph import Literal, NamedNode, Triple

from matchgraph.loaders.models import (
    Capability,
    Claim,
    DocumentFacts,
    Observation,
    Statement,
    Verdict,
)
from matchgraph.ontology.vocab import (
    ARTIFACT_CLASS,
    DCTERMS,
    DQV,
    ID,
    MG,
    PROV,
    RDF,
    SCHEMA,
    SIGNAL_METRICS,
    XSD,
    artifact_iri,
    document_iri,
)

__all__ = ["capability_iri", "document_triples", "intent_iri"]

_A = NamedNode(RDF + "type")
_XSD_INT = NamedNode(XSD + "integer")
_XSD_DOUBLE = NamedNode(XSD + "double")
_XSD_BOOL = NamedNode(XSD + "boolean")
_XSD_DT = NamedNode(XSD + "dateTime")


@cache
def _p(local: str) -> NamedNode:
    """The ontology's term ``local`` (made once: a page maps to about a thousand triples)."""
    return NamedNode(MG + local)


_NAME = NamedNode(SCHEMA + "name")
_DESC = NamedNode(SCHEMA + "description")
_TEXT = NamedNode(SCHEMA + "text")
_URL = NamedNode(SCHEMA + "url")
_DERIVED = NamedNode(PROV + "wasDerivedFrom")
_TITLE = NamedNode(DCTERMS + "title")
_SOURCE = NamedNode(DCTERMS + "source")
_SKOS_NOTATION = NamedNode("http://www.w3.org/2004/02/skos/core#notation")
_HAS_MEASUREMENT = NamedNode(DQV + "hasQualityMeasurement")
_MEASUREMENT = NamedNode(DQV + "QualityMeasurement")
_IS_MEASUREMENT_OF = NamedNode(DQV + "isMeasurementOf")
_VALUE = NamedNode(DQV + "value")
_COMPUTED_ON = NamedNode(DQV + "computedOn")


@lru_cache(maxsize=4096)
def _int(value: int) -> Literal:
    """An ``xsd:integer`` (the small ones, ordinals, lines and spans, are made once)."""
    return Literal(str(value), datatype=_XSD_INT)


@lru_cache(maxsize=4096)
def _artifact(slug: str) -> NamedNode:
    """An artifact's node (each page names its two artifacts on every capability and claim)."""
    return NamedNode(artifact_iri(slug))


@lru_cache(maxsize=1024)
def _word(value: str) -> Literal:
    """A literal from a small closed set (statement kinds, relations, polarities), made once."""
    return Literal(value)


def _double(value: float) -> Literal:
    return Literal(repr(float(value)), datatype=_XSD_DOUBLE)


def _bool(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=_XSD_BOOL)


def _doc_id(facts: DocumentFacts) -> str:
    return document_iri(facts.source.key).rsplit("/", 1)[1]


def capability_iri(doc_id: str, artifact_slug: str, ordinal: int) -> str:
    """A capability as one document describes it (documents may describe it differently)."""
    from urllib.parse import quote

    return f"{ID}capability/{doc_id}/{quote(artifact_slug, safe='')}/{ordinal}"


def intent_iri(text: str) -> str:
    """One intent node per distinct need sentence (case and spacing folded)."""
    key = " ".join(text.lower().split())
    return f"{ID}intent/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:20]}"


def document_triples(facts: DocumentFacts, loaded_at: datetime | None = None) -> list[Triple]:
    """All triples of one document, provenance included. Pure and deterministic."""
    when = loaded_at or facts.source.loaded_at or datetime.now(UTC)
    doc = NamedNode(document_iri(facts.source.key))
    doc_id = _doc_id(facts)
    out: list[Triple] = []
    out.extend(_document(facts, doc, when))
    for ref in facts.artifacts:
        node = _artifact(ref.slug)
        out.append(Triple(doc, _p("comparedArtifact"), node))
        out.append(Triple(node, _A, _p("Artifact")))
        if ref.type is not None:
            out.append(Triple(node, _A, NamedNode(ARTIFACT_CLASS[ref.type])))
        out.append(Triple(node, _p("slug"), Literal(ref.slug)))
        out.append(Triple(node, _NAME, Literal(ref.name)))
        if ref.addressed:
            out.append(Triple(node, _p("addressed"), _bool(True)))
        if ref.url:
            out.append(Triple(node, _URL, Literal(ref.url)))
        if ref.homepage:
            out.append(Triple(node, NamedNode(SCHEMA + "mainEntityOfPage"), Literal(ref.homepage)))
        for cat in ref.categories:
            out.append(Triple(node, _p("category"), Literal(cat)))
        for tag in ref.tags:
            out.append(Triple(node, _p("tag"), Literal(tag)))
    for obs in facts.observations:
        out.extend(_observation(obs, doc, doc_id))
    for cap in facts.capabilities:
        out.extend(_capability(cap, doc, doc_id))
    for slug, count in facts.announced_more:
        node = NamedNode(f"{ID}announced/{doc_id}/{_quote(slug)}")
        out += [
            Triple(doc, _p("announced"), node),
            Triple(node, _A, _p("AnnouncedCapabilities")),
            Triple(node, _p("claimant"), NamedNode(artifact_iri(slug))),
            Triple(node, _p("count"), _int(count)),
        ]
    if facts.verdict is not None:
        out.extend(_verdict(facts.verdict, doc, doc_id))
    return out


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _document(facts: DocumentFacts, doc: NamedNode, when: datetime) -> Iterator[Triple]:
    src = facts.source
    yield Triple(doc, _A, _p("SourceDocument"))
    yield Triple(doc, _p("documentKey"), Literal(src.key))
    yield Triple(doc, _p("contentHash"), Literal(src.content_hash))
    yield Triple(doc, _p("format"), Literal(src.format.value))
    yield Triple(doc, _p("loadedAt"), Literal(when.isoformat(), datatype=_XSD_DT))
    yield Triple(doc, _p("complete"), _bool(facts.complete))
    if src.url:
        yield Triple(doc, _SOURCE, Literal(src.url))
    if src.path:
        yield Triple(doc, _p("path"), Literal(src.path))
    if facts.title:
        yield Triple(doc, _TITLE, Literal(facts.title))
    if facts.summary:
        yield Triple(doc, _p("summary"), Literal(facts.summary))
    for item in facts.missing:
        yield Triple(doc, _p("missing"), Literal(item))
    for item in facts.notes:
        yield Triple(doc, _p("note"), Literal(item))


def _observation(obs: Observation, doc: NamedNode, doc_id: str) -> Iterator[Triple]:
    node = NamedNode(f"{ID}observation/{doc_id}/{_quote(obs.artifact)}")
    yield Triple(node, _A, _p("Observation"))
    yield Triple(node, _p("observedArtifact"), _artifact(obs.artifact))
    yield Triple(node, _DERIVED, doc)
    if obs.line is not None:
        yield Triple(node, _p("line"), _int(obs.line))
    if obs.pricing is not None:
        yield Triple(node, _p("pricing"), Literal(obs.pricing))
    if obs.starting_price is not None:
        yield Triple(node, _p("startingPrice"), Literal(obs.starting_price))
    for field, metric in SIGNAL_METRICS.items():
        value = getattr(obs, field)
        if value is None:
            continue
        m = NamedNode(f"{node.value}/{field}")
        yield Triple(node, _HAS_MEASUREMENT, m)
        yield Triple(m, _A, _MEASUREMENT)
        yield Triple(m, _IS_MEASUREMENT_OF, NamedNode(metric))
        yield Triple(m, _COMPUTED_ON, _artifact(obs.artifact))
        lit = _int(value) if isinstance(value, int) else _double(value)
        yield Triple(m, _VALUE, lit)


def _capability(cap: Capability, doc: NamedNode, doc_id: str) -> Iterator[Triple]:
    artifact = _artifact(cap.artifact)
    node = NamedNode(capability_iri(doc_id, cap.artifact, cap.ordinal))
    yield Triple(artifact, _p("hasCapability"), node)
    yield Triple(node, _A, _p("Capability"))
    yield Triple(node, _p("ordinal"), _int(cap.ordinal))
    yield Triple(node, _DESC, Literal(cap.description))
    yield Triple(node, _DERIVED, doc)
    if cap.line is not None:
        yield Triple(node, _p("line"), _int(cap.line))
    if cap.truncated:
        yield Triple(node, _p("truncated"), _bool(True))
    if cap.name:
        yield Triple(node, _NAME, Literal(cap.name))
    if cap.uri:
        yield Triple(node, _SKOS_NOTATION, Literal(cap.uri))
    for prop, values in (
        ("bestFor", cap.best_for),
        ("limitation", cap.limitations),
        ("requires", cap.requires),
        ("inputType", cap.input_types),
        ("outputType", cap.output_types),
        ("category", cap.categories),
    ):
        for value in values:
            yield Triple(node, _p(prop), Literal(value))
    if cap.confidence is not None:
        yield Triple(node, _p("matchConfidence"), _double(cap.confidence))
    if cap.matches is not None:
        yield Triple(node, _p("timesMatched"), _int(cap.matches))
    if cap.success_rate is not None:
        yield Triple(node, _p("successRate"), _double(cap.success_rate))
    for intent in cap.intents:
        inode = NamedNode(intent_iri(intent))
        yield Triple(node, _p("servesIntent"), inode)
        yield Triple(inode, _A, _p("Intent"))
        yield Triple(inode, _TEXT, Literal(intent))
    for i, match in enumerate(cap.concepts):
        concept = NamedNode(match.concept)
        assignment = NamedNode(f"{node.value}/concept/{i}")
        yield Triple(node, _p("instanceOf"), concept)
        yield Triple(node, _p("conceptAssignment"), assignment)
        yield Triple(assignment, _A, _p("ConceptAssignment"))
        yield Triple(assignment, _p("concept"), concept)
        yield Triple(assignment, _p("score"), _double(match.score))
    for statement in cap.statements:
        yield from _statement(statement, node, artifact, doc)


def _statement(
    st: Statement, cap: NamedNode, artifact: NamedNode, doc: NamedNode
) -> Iterator[Triple]:
    node = NamedNode(f"{cap.value}/{st.kind.value}")
    yield Triple(node, _A, _p("Statement"))
    yield Triple(node, _p("statementKind"), _word(st.kind.value))
    yield Triple(node, _TEXT, Literal(st.text))
    yield Triple(node, _p("aboutCapability"), cap)
    yield Triple(node, _p("claimant"), artifact)
    yield Triple(node, _DERIVED, doc)
    if st.line is not None:
        yield Triple(node, _p("line"), _int(st.line))
    for i, claim in enumerate(st.claims):
        yield from _claim(claim, NamedNode(f"{node.value}/claim/{i}"), node, cap, artifact)


def _claim(
    claim: Claim, node: NamedNode, statement: NamedNode, cap: NamedNode, artifact: NamedNode
) -> Iterator[Triple]:
    yield Triple(node, _A, _p("ComparativeClaim"))
    yield Triple(node, _p("fromStatement"), statement)
    yield Triple(node, _p("aboutCapability"), cap)
    yield Triple(node, _p("claimant"), artifact)
    yield Triple(node, _p("relation"), _word(claim.relation))
    yield Triple(node, _p("polarity"), _word(claim.polarity.value))
    yield Triple(node, _TEXT, Literal(claim.text))
    yield Triple(node, _p("spanStart"), _int(claim.start))
    yield Triple(node, _p("spanEnd"), _int(claim.end))
    if claim.aspect:
        yield Triple(node, _p("aspect"), Literal(claim.aspect))
    for other in claim.others:
        if other.slug is not None and not other.is_class:
            target = _artifact(other.slug)
            yield Triple(node, _p("otherArtifact"), target)
            yield Triple(target, _A, _p("Artifact"))
            yield Triple(target, _p("slug"), Literal(other.slug))
            yield Triple(target, _NAME, Literal(other.label))
        else:
            yield Triple(node, _p("otherClass"), Literal(other.label))


def _verdict(verdict: Verdict, doc: NamedNode, doc_id: str) -> Iterator[Triple]:
    node = NamedNode(f"{ID}verdict/{doc_id}")
    yield Triple(doc, _p("verdict"), node)
    yield Triple(node, _A, _p("Verdict"))
    yield Triple(node, _TEXT, Literal(verdict.text))
    yield Triple(node, _DERIVED, doc)
    if verdict.line is not None:
        yield Triple(node, _p("line"), _int(verdict.line))
    if verdict.winner:
        yield Triple(node, _p("winner"), NamedNode(artifact_iri(verdict.winner)))
    for signal, slug in verdict.leads:
        lead = NamedNode(f"{node.value}/lead/{_quote(signal)}/{_quote(slug)}")
        yield Triple(node, _p("lead"), lead)
        yield Triple(lead, _A, _p("VerdictLead"))
        yield Triple(lead, _p("signal"), Literal(signal))
        yield Triple(lead, _p("leader"), NamedNode(artifact_iri(slug)))
