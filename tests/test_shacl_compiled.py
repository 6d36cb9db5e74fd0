"""The compiled SHACL validator reports what pyshacl reports, for whole batches at once.

pyshacl is the reference: the differential test mutates valid documents in the ways loaders
can go wrong (a missing triple, a second value, a wrong datatype or value, an untyped object,
a stray node of a target class, subclass axioms in the data) and requires both validators to
agree on whether each document conforms and on every (focus node, path) they flag.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from matchgraph.errors import Violation
from matchgraph.graph.rdf_mapping import document_triples
from matchgraph.graph.shacl.compiled import CompiledValidator
from matchgraph.graph.shacl.validation import PyShaclValidator, get_validator
from matchgraph.loaders.models import (
    ArtifactRef,
    ArtifactType,
    Capability,
    Claim,
    ClaimKind,
    ConceptMatch,
    DocumentFacts,
    DocumentFormat,
    Observation,
    OtherSide,
    Polarity,
    SourceInfo,
    Statement,
    Verdict,
)
from matchgraph.ontology.vocab import DQV, MG, RDF, RDFS, SCHEMA, XSD

WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
A = NamedNode(RDF + "type")
SUBCLASS = NamedNode(RDFS + "subClassOf")


def full_facts(key: str = "synthetic/full.txt") -> DocumentFacts:
    """A small document that reaches every node shape (the seed has no claims or concepts)."""
    claim = Claim(
        relation="faster_than",
        polarity=Polarity.FOR,
        others=(OtherSide(label="Beta", slug="beta"), OtherSide(label="OCR engines", is_class=True)),
        aspect="speed",
        start=0,
        end=12,
        text="Faster than Beta",
    )
    capability = Capability(
        artifact="alpha",
        ordinal=1,
        description="Reads receipts",
        name="Receipt reading",
        statements=(
            Statement(kind=ClaimKind.UNIQUE, text="Only one that reads receipts", line=3),
            Statement(kind=ClaimKind.VS_ALTERNATIVES, text="Faster than Beta", claims=(claim,)),
        ),
        concepts=(ConceptMatch(concept="https://w3id.org/matchgraph/concept/ocr", label="OCR", score=0.75),),
        intents=("read a receipt",),
        confidence=0.5,
        matches=3,
        success_rate=0.25,
    )
    return DocumentFacts(
        source=SourceInfo(key=key, content_hash="a" * 64, format=DocumentFormat.COMPARISON, loaded_at=WHEN),
        title="Alpha vs Beta",
        artifacts=(
            ArtifactRef(slug="alpha", name="Alpha", type=ArtifactType.MODEL),
            ArtifactRef(slug="beta", name="Beta", type=ArtifactType.LIBRARY),
        ),
        observations=(
            Observation(artifact="alpha", rank=53, adoption=0.5, times_matched=4, pricing="free"),
            Observation(artifact="beta", rank=40, quality=0.75),
        ),
        capabilities=(capability, Capability(artifact="beta", ordinal=1, description="Parses tables")),
        announced_more=(("alpha", 3),),
        verdict=Verdict(text="Alpha wins", winner="alpha", leads=(("rank", "alpha"), ("quality", "beta"))),
    )


def keyed(facts: DocumentFacts, key: str) -> DocumentFacts:
    return facts.model_copy(update={"source": facts.source.model_copy(update={"key": key})})


def pairs(violations: list[Violation]) -> set[tuple[str, str | None]]:
    """(focus, path) of each violation. A numeric literal focus node ("INF"^^xsd:double,
    "-0"^^xsd:double) is reported as written by the compiled validator and as rdflib
    normalises it ("inf", "-0.0") by pyshacl: the same node, so numbers compare by value."""
    return {(_number_or_text(v.focus), v.path) for v in violations}


def _number_or_text(focus: str) -> str:
    try:
        return repr(float(focus))
    except ValueError:
        return focus


def both(triples: list[Triple]) -> tuple[list[Violation], list[Violation]]:
    """(compiled, pyshacl) violations of one document."""
    compiled = CompiledValidator().validate({"doc": triples}).get("doc", [])
    reference = PyShaclValidator().validate({"doc": triples}).get("doc", [])
    return compiled, reference


@pytest.fixture(scope="module")
def full() -> list[Triple]:
    return document_triples(full_facts())


# ---------------------------------------------------------------- conforming documents


def test_seed_conforms_under_both_validators(seed_path: Path) -> None:
    from matchgraph.loaders.dispatch import read_document

    triples = document_triples(read_document(seed_path))
    assert get_validator("compiled").validate({"seed": triples}) == {}
    assert get_validator("pyshacl").validate({"seed": triples}) == {}


def test_synthetic_document_reaches_every_shape_and_conforms(full: list[Triple]) -> None:
    types = {t.object.value for t in full if t.predicate == A}
    for cls in ("Artifact", "Capability", "Statement", "ComparativeClaim", "Intent", "ConceptAssignment",
                "Observation", "Verdict", "VerdictLead", "AnnouncedCapabilities", "SourceDocument"):
        assert MG + cls in types
    assert both(full) == ([], [])


# ---------------------------------------------------------------- differential test

TARGET_CLASSES = [
    MG + c
    for c in ("SourceDocument", "Artifact", "Capability", "Intent", "ConceptAssignment", "Statement",
              "ComparativeClaim", "Observation", "Verdict", "VerdictLead", "AnnouncedCapabilities")
] + [DQV + "QualityMeasurement"]


def _lit(lexical: str, datatype: str | None = None, language: str | None = None) -> Literal:
    if language:
        return Literal(lexical, language=language)
    return Literal(lexical, datatype=NamedNode(datatype)) if datatype else Literal(lexical)


ODD_VALUES = [
    _lit("120", XSD + "integer"),
    _lit("100", XSD + "integer"),
    _lit("-3", XSD + "integer"),
    _lit("0", XSD + "integer"),
    _lit("abc", XSD + "integer"),
    _lit("1.5", XSD + "double"),
    _lit("-0.5", XSD + "double"),
    _lit("1.5", XSD + "decimal"),
    _lit("maybe"),
    _lit(""),
    _lit("ABC def"),
    _lit("unique"),
    _lit("for"),
    _lit("comparison"),
    _lit("x", language="en"),
    _lit("true", XSD + "boolean"),
    _lit("maybe", XSD + "boolean"),
    _lit("2024-05-06T07:08:09Z", XSD + "dateTime"),
    _lit("2024-13-01T00:00:00", XSD + "dateTime"),
    _lit("f" * 64),
    NamedNode(MG + "UnfragileRank"),
    NamedNode("https://example.org/untyped/1"),
    # Edge cases past 64-bit integers and the other literal forms engines differ on.
    _lit("99999999999999999999", XSD + "integer"),
    _lit("-99999999999999999999", XSD + "integer"),
    _lit("9223372036854775808", XSD + "integer"),
    _lit("-9223372036854775809", XSD + "integer"),
    _lit("+007", XSD + "integer"),
    _lit("1e400", XSD + "double"),
    _lit("NaN", XSD + "double"),
    _lit("INF", XSD + "double"),
    _lit("-0", XSD + "double"),
    _lit("99999999999999999999.5", XSD + "decimal"),
]


def _retyped(term: Literal) -> list[Literal]:
    """The same lexical form under other datatypes (a wrong datatype, as loaders produce)."""
    return [_lit(term.value, dt) for dt in (XSD + "string", XSD + "integer", XSD + "double", XSD + "boolean")]


@st.composite
def mutation(draw: st.DrawFn, triples: list[Triple]) -> list[Triple]:
    """One way a document can break (or not: several mutations leave it valid)."""
    out = list(triples)
    kind = draw(st.sampled_from(["drop", "duplicate", "value", "iri", "stray", "subclass", "retype"]))
    i = draw(st.integers(0, len(out) - 1))
    s, p, o = out[i].subject, out[i].predicate, out[i].object
    if kind == "drop":
        del out[i]
    elif kind == "duplicate":
        other = draw(st.sampled_from([*ODD_VALUES, *(t.object for t in triples)]))
        if other != o:
            out.append(Triple(s, p, other))
    elif kind == "value":
        choices = ODD_VALUES + (_retyped(o) if isinstance(o, Literal) else [])
        out[i] = Triple(s, p, draw(st.sampled_from(choices)))
    elif kind == "iri":
        out[i] = Triple(s, p, NamedNode(f"https://example.org/untyped/{draw(st.integers(0, 3))}"))
    elif kind == "stray":
        node = NamedNode(f"https://example.org/stray/{draw(st.integers(0, 3))}")
        out.append(Triple(node, A, NamedNode(draw(st.sampled_from(TARGET_CLASSES)))))
    elif kind == "subclass":
        # Subclass axioms in the data: an artifact typed only as mg:Model is still an mg:Artifact.
        out.append(Triple(NamedNode(MG + "Model"), SUBCLASS, NamedNode(MG + "Artifact")))
        if draw(st.booleans()):
            out = [t for t in out if not (t.predicate == A and t.object == NamedNode(MG + "Artifact"))]
    else:
        out[i] = Triple(s, A, NamedNode(draw(st.sampled_from(TARGET_CLASSES)))) if p == A else out[i]
    return out


def _mutated(triples: list[Triple]) -> st.SearchStrategy[list[Triple]]:
    def chain(current: list[Triple], n: int) -> st.SearchStrategy[list[Triple]]:
        if n == 0:
            return st.just(current)
        return mutation(current).flatmap(lambda nxt: chain(nxt, n - 1))

    return st.integers(1, 3).flatmap(lambda n: chain(triples, n))


FULL = document_triples(full_facts())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated(FULL))
def test_compiled_agrees_with_pyshacl_on_mutated_documents(triples: list[Triple]) -> None:
    compiled, reference = both(triples)
    assert bool(compiled) == bool(reference)
    assert pairs(compiled) == pairs(reference), (compiled, reference)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_compiled_agrees_with_pyshacl_on_the_mutated_seed(seed_path: Path, data: st.DataObject) -> None:
    from matchgraph.loaders.dispatch import read_document

    triples = data.draw(_mutated(document_triples(read_document(seed_path))))
    compiled, reference = both(triples)
    assert pairs(compiled) == pairs(reference), (compiled, reference)


@pytest.mark.parametrize(
    ("predicate", "value"),
    [
        ("rank", _lit("120", XSD + "integer")),
        ("ordinal", _lit("-1", XSD + "integer")),
        ("polarity", _lit("maybe")),
        ("contentHash", _lit("XYZ")),
        ("relation", _lit("Faster Than")),
        ("score", _lit("1.5", XSD + "double")),
        ("complete", _lit("yes", XSD + "boolean")),
        ("loadedAt", _lit("2025-01-02", XSD + "string")),
    ],
)
def test_named_breakages_are_caught_like_pyshacl(full: list[Triple], predicate: str, value: Literal) -> None:
    if predicate == "rank":
        ranks = {t.subject for t in full if t.object == NamedNode(MG + "UnfragileRank")}
        target = next(t for t in full if t.subject in ranks and t.predicate == NamedNode(DQV + "value"))
    else:
        target = next(t for t in full if t.predicate == NamedNode(MG + predicate))
    triples = [t if t != target else Triple(t.subject, t.predicate, value) for t in full]
    compiled, reference = both(triples)
    assert compiled and pairs(compiled) == pairs(reference)


# ---------------------------------------------------------------- batches


def test_batch_reports_only_the_bad_document(full: list[Triple]) -> None:
    batch = {f"good/{i}": document_triples(keyed(full_facts(), f"good/{i}")) for i in range(5)}
    bad = [t for t in document_triples(keyed(full_facts(), "bad")) if t.predicate != NamedNode(SCHEMA + "name")]
    batch["bad ünïcode key"] = bad
    found = CompiledValidator().validate(batch)
    assert list(found) == ["bad ünïcode key"]
    assert pairs(found["bad ünïcode key"]) == pairs(PyShaclValidator().validate({"x": bad})["x"])
    message = next(v.message for v in found["bad ünïcode key"] if v.path == SCHEMA + "name")
    assert message.startswith("Less than 1 values on <https://w3id.org/matchgraph/id/artifact/")
    assert message.endswith("->schema:name")


def test_cardinality_and_classes_are_per_document() -> None:
    """An artifact typed in one document is not an mg:Artifact in another that only names it;
    a property given once in each of two documents is not two values."""
    alpha = NamedNode("https://w3id.org/matchgraph/id/artifact/alpha")
    typed = document_triples(keyed(full_facts(), "typed"))
    untyped = [
        t for t in document_triples(keyed(full_facts(), "untyped")) if not (t.subject == alpha and t.predicate == A)
    ]
    found = CompiledValidator(chunk_size=1000).validate({"typed": typed, "untyped": untyped})
    assert list(found) == ["untyped"]
    assert pairs(found["untyped"]) == pairs(PyShaclValidator().validate({"u": untyped})["u"])
    assert any("does not have class mg:Artifact" in v.message for v in found["untyped"])


def test_chunks_and_empty_documents(full: list[Triple]) -> None:
    batch = {f"k{i}": document_triples(keyed(full_facts(), f"k{i}")) for i in range(5)}
    batch["empty"] = []
    batch["k3"] = [t for t in batch["k3"] if t.predicate != NamedNode(MG + "ordinal")]
    found = CompiledValidator(chunk_size=2).validate(batch)
    assert list(found) == ["k3"]
    assert {v.message.split(" values")[0] for v in found["k3"]} == {"Less than 1"}


def test_violation_fields_match_the_reference_layout(full: list[Triple]) -> None:
    inverse = NamedNode(MG + "hasCapability")
    triples = [t for t in full if t.predicate != inverse]
    compiled, reference = both(triples)
    assert {v.path for v in compiled} == {v.path for v in reference} == {"inverse path"}
    assert all(v.shape for v in compiled)


def test_blank_node_values_are_handled(full: list[Triple]) -> None:
    doc = next(t.subject for t in full if t.predicate == NamedNode(MG + "documentKey"))
    triples = [*full, Triple(doc, NamedNode(MG + "comparedArtifact"), BlankNode("b1"))]
    compiled, reference = both(triples)
    assert pairs(compiled) == pairs(reference) == {(doc.value, MG + "comparedArtifact")}


def test_awkward_literals_survive_the_batch_encoding(full: list[Triple]) -> None:
    """Line breaks, quotes and " ." inside literals must not split or merge statements."""
    name = NamedNode(SCHEMA + "name")
    odd = Literal('Alpha .\n<urn:x> "quoted" \\ \t end .', language=None)
    triples = [Triple(t.subject, t.predicate, odd) if t.predicate == name else t for t in full]
    good = {"a": triples, "b": document_triples(keyed(full_facts(), "b"))}
    assert CompiledValidator().validate(good) == {}
    broken = [*triples, Triple(NamedNode("https://example.org/n"), A, NamedNode(MG + "Intent"))]
    found = CompiledValidator().validate({"a": broken, "b": good["b"]})
    assert list(found) == ["a"] and pairs(found["a"]) == {("https://example.org/n", SCHEMA + "text")}
