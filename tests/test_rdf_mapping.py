"""The RDF mapping writes N-Triples itself: it must write exactly what pyoxigraph's
serialiser writes for the same statements (the load path strips a document's commit marker
by its serialised line, and the store takes the bytes as checked terms)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, serialize

from matchgraph.graph.rdf_mapping import document_ntriples, document_triples, literal_term
from matchgraph.loaders.models import ConceptMatch, DocumentFacts, OtherSide
from test_shacl_compiled import WHEN, full_facts

_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"


def _code_points() -> list[str]:
    return [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


def test_every_code_point_is_written_as_pyoxigraph_writes_it() -> None:
    """Every character alone and between words, so a character pyoxigraph escapes can
    never take the unescaped path."""
    for c in _code_points():
        text = f"a{c}b"
        assert literal_term(text) == str(Literal(text)), hex(ord(c))


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from([None, _DOUBLE, "http://www.w3.org/2001/XMLSchema#integer"]))
def test_literal_terms_are_pyoxigraph_s(text: str, datatype: str | None) -> None:
    expected = Literal(text) if datatype is None else Literal(text, datatype=NamedNode(datatype))
    assert literal_term(text, datatype) == str(expected)


def _with_texts(facts: DocumentFacts, texts: list[str], scores: list[float]) -> DocumentFacts:
    """``facts`` with its free text and its numbers replaced by drawn ones."""
    t = iter(texts)
    cap, plain = facts.capabilities
    unique, versus = cap.statements
    claim = versus.claims[0]
    claim = claim.model_copy(update={"text": next(t), "aspect": next(t),
                                     "others": (OtherSide(label=next(t), slug="beta"), OtherSide(label=next(t), is_class=True))})
    cap = cap.model_copy(update={
        "description": next(t), "name": next(t), "intents": (next(t),), "confidence": scores[0],
        "concepts": (ConceptMatch(concept="https://w3id.org/matchgraph/concept/ocr", label="OCR", score=scores[1]),),
        "statements": (unique.model_copy(update={"text": next(t)}), versus.model_copy(update={"text": next(t), "claims": (claim,)})),
    })
    return facts.model_copy(update={
        "title": next(t), "summary": next(t), "notes": (next(t),),
        "capabilities": (cap, plain.model_copy(update={"description": next(t), "best_for": (next(t),)})),
        "verdict": facts.verdict.model_copy(update={"text": next(t)}) if facts.verdict else None,
    })


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=1), min_size=15, max_size=15),
       st.lists(st.floats(0, 1), min_size=2, max_size=2))
def test_a_document_is_written_in_pyoxigraph_canonical_form(texts: list[str], scores: list[float]) -> None:
    facts = _with_texts(full_facts(), texts, scores)
    written = document_ntriples(facts, WHEN)
    triples = document_triples(facts, WHEN)
    assert serialize(triples, format=RdfFormat.N_TRIPLES) == written
    assert len(triples) == written.count(b"\n")
    assert any(t.object == Literal(texts[4]) for t in triples)  # the description, unescaped


def test_a_malformed_concept_iri_fails_the_document_as_before() -> None:
    facts = full_facts()
    cap = facts.capabilities[0].model_copy(update={"concepts": (ConceptMatch(concept="not an iri", label="X", score=0.5),)})
    broken = facts.model_copy(update={"capabilities": (cap, facts.capabilities[1])})
    with pytest.raises(ValueError):
        document_ntriples(broken, WHEN)
