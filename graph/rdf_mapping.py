"""Turn a document's typed facts into RDF (the embedded store's edge), written directly as
N-Triples.

Every node IRI is derived from the document's key and the fact's position, so mapping the
same document twice gives the same triples, and a document's triples can be dropped as one
named graph. Artifacts are the exception on purpose: their IRI comes from the slug alone,
so the same artifact named by two documents is one node.

The mapping writes each statement as the line pyoxigraph's N-Triples serialiser would
write for it (its canonical form: no prefixes, its escapes), not as term objects that are
then serialised: a page maps to about a thousand statements, and building a thousand
``Triple`` objects to print them cost about 2 ms of a page's CPU (0.74 ms this way).
:func:`document_triples` reads the lines back with pyoxigraph's parser for callers that
want the terms.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache, lru_cache

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

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

__all__ = ["capability_iri", "document_ntriples", "document_triples", "intent_iri", "literal_term"]


def _iri(value: str) -> str:
    """An IRI term as N-Triples writes it. Only for IRIs this module builds (constants, and
    variable parts escaped with ``quote``), which are valid by construction."""
    return f"<{value}>"


@lru_cache(maxsize=4096)
def _checked_iri(value: str) -> str:
    """An IRI term from outside this module (a concept a document names): pyoxigraph checks
    it, so a malformed one fails the document here as it would as a term object. Bounded:
    a serving process must not keep every IRI a document ever named."""
    return str(NamedNode(value))


_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ufffe\uffff]')
"""Characters pyoxigraph's N-Triples serialiser escapes (found by serialising every code
point; ``tests/test_rdf_mapping.py`` holds it to that)."""


def literal_term(value: str, datatype: str | None = None) -> str:
    """A literal as pyoxigraph's N-Triples serialiser writes it (a plain string when
    ``datatype`` is None). Text that needs an escape is written by pyoxigraph itself."""
    if _NEEDS_ESCAPE.search(value) is None:
        quoted = f'"{value}"'
    else:
        quoted = str(Literal(value))
    return quoted if datatype is None else f"{quoted}^^<{datatype}>"


_A = _iri(RDF + "type")
_XSD_INT = XSD + "integer"
_XSD_DOUBLE = XSD + "double"
_XSD_BOOL = XSD + "boolean"
_XSD_DT = XSD + "dateTime"


@cache
def _p(local: str) -> str:
    """The ontology's term ``local``."""
    return _iri(MG + local)


_NAME = _iri(SCHEMA + "name")
_DESC = _iri(SCHEMA + "description")
_TEXT = _iri(SCHEMA + "text")
_URL = _iri(SCHEMA + "url")
_HOMEPAGE = _iri(SCHEMA + "mainEntityOfPage")
_DERIVED = _iri(PROV + "wasDerivedFrom")
_TITLE = _iri(DCTERMS + "title")
_SOURCE = _iri(DCTERMS + "source")
_SKOS_NOTATION = _iri("http://www.w3.org/2004/02/skos/core#notation")
_HAS_MEASUREMENT = _iri(DQV + "hasQualityMeasurement")
_MEASUREMENT = _iri(DQV + "QualityMeasurement")
_IS_MEASUREMENT_OF = _iri(DQV + "isMeasurementOf")
_VALUE = _iri(DQV + "value")
_COMPUTED_ON = _iri(DQV + "computedOn")


@lru_cache(maxsize=4096)
def _int(value: int) -> str:
    """An ``xsd:integer`` (the small ones, ordinals, lines and spans, are made once)."""
    return literal_term(str(value), _XSD_INT)


@lru_cache(maxsize=4096)
def _artifact(slug: str) -> str:
    """An artifact's node (each page names its two artifacts on every capability and claim)."""
    return _iri(artifact_iri(slug))


@lru_cache(maxsize=1024)
def _word(value: str) -> str:
    """A literal from a small closed set (statement kinds, relations, polarities), made once."""
    return literal_term(value)


def _double(value: float) -> str:
    return literal_term(repr(float(value)), _XSD_DOUBLE)


def _bool(value: bool) -> str:
    return literal_term("true" if value else "false", _XSD_BOOL)


def _doc_id(facts: DocumentFacts) -> str:
    return document_iri(facts.source.key).rsplit("/", 1)[1]


def capability_iri(doc_id: str, artifact_slug: str, ordinal: int) -> str:
    """A capability as one document describes it (documents may describe it differently)."""
    return f"{ID}capability/{doc_id}/{_quote(artifact_slug)}/{ordinal}"


def intent_iri(text: str) -> str:
    """One intent node per distinct need sentence (case and spacing folded)."""
    key = " ".join(text.lower().split())
    return f"{ID}intent/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:20]}"


def document_ntriples(facts: DocumentFacts, loaded_at: datetime | None = None) -> bytes:
    """All statements of one document, provenance included, as N-Triples in pyoxigraph's
    canonical form. Pure and deterministic."""
    return "".join(_document_lines(facts, loaded_at)).encode("utf-8")


def document_triples(facts: DocumentFacts, loaded_at: datetime | None = None) -> list[Triple]:
    """The same statements as pyoxigraph triples, in the same order."""
    return [q.triple for q in parse(document_ntriples(facts, loaded_at), format=RdfFormat.N_TRIPLES)]


def _document_lines(facts: DocumentFacts, loaded_at: datetime | None) -> Iterator[str]:
    when = loaded_at or facts.source.loaded_at or datetime.now(UTC)
    doc = _iri(document_iri(facts.source.key))
    doc_id = _doc_id(facts)
    yield from _document(facts, doc, when)
    for ref in facts.artifacts:
        node = _artifact(ref.slug)
        yield f"{doc} {_p('comparedArtifact')} {node} .\n"
        yield f"{node} {_A} {_p('Artifact')} .\n"
        if ref.type is not None:
            yield f"{node} {_A} {_iri(ARTIFACT_CLASS[ref.type])} .\n"
        yield f"{node} {_p('slug')} {literal_term(ref.slug)} .\n"
        yield f"{node} {_NAME} {literal_term(ref.name)} .\n"
        if ref.addressed:
            yield f"{node} {_p('addressed')} {_bool(True)} .\n"
        if ref.url:
            yield f"{node} {_URL} {literal_term(ref.url)} .\n"
        if ref.homepage:
            yield f"{node} {_HOMEPAGE} {literal_term(ref.homepage)} .\n"
        for cat in ref.categories:
            yield f"{node} {_p('category')} {literal_term(cat)} .\n"
        for tag in ref.tags:
            yield f"{node} {_p('tag')} {literal_term(tag)} .\n"
    for obs in facts.observations:
        yield from _observation(obs, doc, doc_id)
    for cap in facts.capabilities:
        yield from _capability(cap, doc, doc_id)
    for slug, count in facts.announced_more:
        node = _iri(f"{ID}announced/{doc_id}/{_quote(slug)}")
        yield f"{doc} {_p('announced')} {node} .\n"
        yield f"{node} {_A} {_p('AnnouncedCapabilities')} .\n"
        yield f"{node} {_p('claimant')} {_artifact(slug)} .\n"
        yield f"{node} {_p('count')} {_int(count)} .\n"
    if facts.verdict is not None:
        yield from _verdict(facts.verdict, doc, doc_id)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _document(facts: DocumentFacts, doc: str, when: datetime) -> Iterator[str]:
    src = facts.source
    yield f"{doc} {_A} {_p('SourceDocument')} .\n"
    yield f"{doc} {_p('documentKey')} {literal_term(src.key)} .\n"
    yield f"{doc} {_p('contentHash')} {literal_term(src.content_hash)} .\n"
    yield f"{doc} {_p('format')} {literal_term(src.format.value)} .\n"
    yield f"{doc} {_p('loadedAt')} {literal_term(when.isoformat(), _XSD_DT)} .\n"
    yield f"{doc} {_p('complete')} {_bool(facts.complete)} .\n"
    if src.url:
        yield f"{doc} {_SOURCE} {literal_term(src.url)} .\n"
    if src.path:
        yield f"{doc} {_p('path')} {literal_term(src.path)} .\n"
    if facts.title:
        yield f"{doc} {_TITLE} {literal_term(facts.title)} .\n"
    if facts.summary:
        yield f"{doc} {_p('summary')} {literal_term(facts.summary)} .\n"
    for item in facts.missing:
        yield f"{doc} {_p('missing')} {literal_term(item)} .\n"
    for item in facts.notes:
        yield f"{doc} {_p('note')} {literal_term(item)} .\n"


def _observation(obs: Observation, doc: str, doc_id: str) -> Iterator[str]:
    iri = f"{ID}observation/{doc_id}/{_quote(obs.artifact)}"
    node = _iri(iri)
    artifact = _artifact(obs.artifact)
    yield f"{node} {_A} {_p('Observation')} .\n"
    yield f"{node} {_p('observedArtifact')} {artifact} .\n"
    yield f"{node} {_DERIVED} {doc} .\n"
    if obs.line is not None:
        yield f"{node} {_p('line')} {_int(obs.line)} .\n"
    if obs.pricing is not None:
        yield f"{node} {_p('pricing')} {literal_term(obs.pricing)} .\n"
    if obs.starting_price is not None:
        yield f"{node} {_p('startingPrice')} {literal_term(obs.starting_price)} .\n"
    for field, metric in SIGNAL_METRICS.items():
        value = getattr(obs, field)
        if value is None:
            continue
        m = _iri(f"{iri}/{field}")
        yield f"{node} {_HAS_MEASUREMENT} {m} .\n"
        yield f"{m} {_A} {_MEASUREMENT} .\n"
        yield f"{m} {_IS_MEASUREMENT_OF} {_iri(metric)} .\n"
        yield f"{m} {_COMPUTED_ON} {artifact} .\n"
        lit = _int(value) if isinstance(value, int) else _double(value)
        yield f"{m} {_VALUE} {lit} .\n"


_CAPABILITY_LISTS = (
    ("bestFor", "best_for"),
    ("limitation", "limitations"),
    ("requires", "requires"),
    ("inputType", "input_types"),
    ("outputType", "output_types"),
    ("category", "categories"),
)


def _capability(cap: Capability, doc: str, doc_id: str) -> Iterator[str]:
    artifact = _artifact(cap.artifact)
    iri = capability_iri(doc_id, cap.artifact, cap.ordinal)
    node = _iri(iri)
    yield f"{artifact} {_p('hasCapability')} {node} .\n"
    yield f"{node} {_A} {_p('Capability')} .\n"
    yield f"{node} {_p('ordinal')} {_int(cap.ordinal)} .\n"
    yield f"{node} {_DESC} {literal_term(cap.description)} .\n"
    yield f"{node} {_DERIVED} {doc} .\n"
    if cap.line is not None:
        yield f"{node} {_p('line')} {_int(cap.line)} .\n"
    if cap.truncated:
        yield f"{node} {_p('truncated')} {_bool(True)} .\n"
    if cap.name:
        yield f"{node} {_NAME} {literal_term(cap.name)} .\n"
    if cap.uri:
        yield f"{node} {_SKOS_NOTATION} {literal_term(cap.uri)} .\n"
    for prop, attribute in _CAPABILITY_LISTS:
        for value in getattr(cap, attribute):
            yield f"{node} {_p(prop)} {literal_term(value)} .\n"
    if cap.confidence is not None:
        yield f"{node} {_p('matchConfidence')} {_double(cap.confidence)} .\n"
    if cap.matches is not None:
        yield f"{node} {_p('timesMatched')} {_int(cap.matches)} .\n"
    if cap.success_rate is not None:
        yield f"{node} {_p('successRate')} {_double(cap.success_rate)} .\n"
    for intent in cap.intents:
        inode = _iri(intent_iri(intent))
        yield f"{node} {_p('servesIntent')} {inode} .\n"
        yield f"{inode} {_A} {_p('Intent')} .\n"
        yield f"{inode} {_TEXT} {literal_term(intent)} .\n"
    for i, match in enumerate(cap.concepts):
        concept = _checked_iri(match.concept)
        assignment = _iri(f"{iri}/concept/{i}")
        yield f"{node} {_p('instanceOf')} {concept} .\n"
        yield f"{node} {_p('conceptAssignment')} {assignment} .\n"
        yield f"{assignment} {_A} {_p('ConceptAssignment')} .\n"
        yield f"{assignment} {_p('concept')} {concept} .\n"
        yield f"{assignment} {_p('score')} {_double(match.score)} .\n"
    for statement in cap.statements:
        yield from _statement(statement, iri, artifact, doc)


def _statement(st: Statement, cap: str, artifact: str, doc: str) -> Iterator[str]:
    iri = f"{cap}/{st.kind.value}"
    node, cap_node = _iri(iri), _iri(cap)
    yield f"{node} {_A} {_p('Statement')} .\n"
    yield f"{node} {_p('statementKind')} {_word(st.kind.value)} .\n"
    yield f"{node} {_TEXT} {literal_term(st.text)} .\n"
    yield f"{node} {_p('aboutCapability')} {cap_node} .\n"
    yield f"{node} {_p('claimant')} {artifact} .\n"
    yield f"{node} {_DERIVED} {doc} .\n"
    if st.line is not None:
        yield f"{node} {_p('line')} {_int(st.line)} .\n"
    for i, claim in enumerate(st.claims):
        yield from _claim(claim, _iri(f"{iri}/claim/{i}"), node, cap_node, artifact)


def _claim(claim: Claim, node: str, statement: str, cap: str, artifact: str) -> Iterator[str]:
    yield f"{node} {_A} {_p('ComparativeClaim')} .\n"
    yield f"{node} {_p('fromStatement')} {statement} .\n"
    yield f"{node} {_p('aboutCapability')} {cap} .\n"
    yield f"{node} {_p('claimant')} {artifact} .\n"
    yield f"{node} {_p('relation')} {_word(claim.relation)} .\n"
    yield f"{node} {_p('polarity')} {_word(claim.polarity.value)} .\n"
    yield f"{node} {_TEXT} {literal_term(claim.text)} .\n"
    yield f"{node} {_p('spanStart')} {_int(claim.start)} .\n"
    yield f"{node} {_p('spanEnd')} {_int(claim.end)} .\n"
    if claim.aspect:
        yield f"{node} {_p('aspect')} {literal_term(claim.aspect)} .\n"
    for other in claim.others:
        if other.slug is not None and not other.is_class:
            target = _artifact(other.slug)
            yield f"{node} {_p('otherArtifact')} {target} .\n"
            yield f"{target} {_A} {_p('Artifact')} .\n"
            yield f"{target} {_p('slug')} {literal_term(other.slug)} .\n"
            yield f"{target} {_NAME} {literal_term(other.label)} .\n"
        else:
            yield f"{node} {_p('otherClass')} {literal_term(other.label)} .\n"


def _verdict(verdict: Verdict, doc: str, doc_id: str) -> Iterator[str]:
    iri = f"{ID}verdict/{doc_id}"
    node = _iri(iri)
    yield f"{doc} {_p('verdict')} {node} .\n"
    yield f"{node} {_A} {_p('Verdict')} .\n"
    yield f"{node} {_TEXT} {literal_term(verdict.text)} .\n"
    yield f"{node} {_DERIVED} {doc} .\n"
    if verdict.line is not None:
        yield f"{node} {_p('line')} {_int(verdict.line)} .\n"
    if verdict.winner:
        yield f"{node} {_p('winner')} {_artifact(verdict.winner)} .\n"
    for signal, slug in verdict.leads:
        lead = _iri(f"{iri}/lead/{_quote(signal)}/{_quote(slug)}")
        yield f"{node} {_p('lead')} {lead} .\n"
        yield f"{lead} {_A} {_p('VerdictLead')} .\n"
        yield f"{lead} {_p('signal')} {literal_term(signal)} .\n"
        yield f"{lead} {_p('leader')} {_artifact(slug)} .\n"
