"""What the SHACL compiler accepts: it refuses, with a ConfigError, every construct it cannot
compile faithfully (qualified and sequence paths, sh:or, closed shapes, nested node shapes,
SPARQL constraints and the like) rather than checking less than pyshacl would; the project's
shapes.ttl compiles entirely; and the targets and parameters shapes.ttl does not use yet agree
with pyshacl on a tiny graph. Batch-level agreement is tested in test_shacl_compiled.
"""

from __future__ import annotations

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Triple
from test_shacl_compiled import pairs

from matchgraph.errors import ConfigError
from matchgraph.graph.shacl.compiled import CompiledValidator, compile_shapes
from matchgraph.graph.shacl.validation import PyShaclValidator
from matchgraph.ontology.vocab import ontology_path


# ---------------------------------------------------------------- the compiler refuses what it cannot do

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mg: <https://w3id.org/matchgraph/ontology#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _shapes(turtle: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=PREFIXES + turtle, format="turtle")


@pytest.mark.parametrize(
    "turtle",
    [
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:property [ sh:path mg:hasCapability ;"
        " sh:qualifiedValueShape [ sh:class mg:Capability ] ; sh:qualifiedMinCount 1 ] .",
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:property [ sh:path ( mg:a mg:b ) ; sh:minCount 1 ] .",
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:or ( [ sh:class mg:A ] [ sh:class mg:B ] ) .",
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:closed true .",
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:property [ sh:path mg:slug ; sh:node ex:T ] .",
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:property [ sh:path mg:slug ; sh:uniqueLang true ] .",
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:datatype xsd:string .",
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:property [ sh:path mg:slug ; sh:pattern \"(?<=a)b\" ] .",
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:sparql [ sh:select"
        ' "SELECT $this WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }" ] .',
        "ex:S a sh:NodeShape ; sh:targetClass mg:Artifact ; sh:sparql [ sh:ask \"ASK { $this ?p ?o }\" ] .",
        "ex:P a sh:PropertyShape ; sh:path mg:slug ; sh:minCount 1 .",
        "ex:P sh:targetClass mg:Artifact ; sh:path mg:slug ; sh:minCount 1 .",
    ],
)
def test_unsupported_shacl_is_a_config_error(turtle: str) -> None:
    with pytest.raises(ConfigError):
        compile_shapes(_shapes(turtle))
    with pytest.raises(ConfigError):
        CompiledValidator(_shapes(turtle))


def test_the_project_shapes_compile_entirely() -> None:
    compiled = compile_shapes(rdflib.Graph().parse(ontology_path("shapes.ttl"), format="turtle"))
    assert len(compiled.checks) > 100 and compiled.plain and len(compiled.plain) == len(compiled.subclass)


def test_other_supported_features_agree_with_pyshacl(monkeypatch: pytest.MonkeyPatch) -> None:
    """Targets and parameters shapes.ttl does not use yet, against pyshacl on a tiny graph."""
    shapes = _shapes(
        """
        ex:S a sh:NodeShape ; sh:targetNode ex:n1 ; sh:targetSubjectsOf ex:p ; sh:targetObjectsOf ex:q ;
            sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 2 ; sh:nodeKind sh:Literal ;
                          sh:maxLength 3 ; sh:pattern "^A" ; sh:flags "i" ; sh:maxExclusive "zz" ; sh:minExclusive "a" ] ;
            sh:property [ sh:path ex:r ; sh:hasValue ex:v ; sh:maxCount 0 ] ;
            sh:property [ sh:path ex:s ; sh:deactivated true ; sh:minCount 5 ] .
        """
    )
    ex = "https://example.org/"
    p, q, r = NamedNode(ex + "p"), NamedNode(ex + "q"), NamedNode(ex + "r")
    triples = [
        Triple(NamedNode(ex + "a"), p, Literal("abc")),
        Triple(NamedNode(ex + "a"), p, Literal("Abcd")),
        Triple(NamedNode(ex + "b"), p, NamedNode(ex + "x")),
        Triple(NamedNode(ex + "c"), q, NamedNode(ex + "b")),
        Triple(NamedNode(ex + "c"), r, NamedNode(ex + "v")),
        Triple(NamedNode(ex + "n1"), r, NamedNode(ex + "w")),
    ]
    from matchgraph.graph.shacl import validation

    compiled = CompiledValidator(shapes).validate({"d": triples}).get("d", [])
    monkeypatch.setattr(validation, "_shapes_graph", lambda: shapes)
    reference = PyShaclValidator().validate({"d": triples}).get("d", [])
    assert pairs(compiled) == pairs(reference)
    assert len(compiled) == len(reference)
