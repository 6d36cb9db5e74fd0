"""Named SPARQL queries over run graphs and claim checks (values always bound)."""

from __future__ import annotations

from matchgraph.queries.library.sparql import SparqlQuery

__all__ = ["ARTIFACT_RUNS", "CHECKS", "MULTILINGUAL_OCR_CER", "RUN_GRAPHS", "RUN_ITEM_VALUES", "RUN_MEASUREMENTS", "RUNS_FOR_ARTIFACTS"]

_PROLOGUE = """PREFIX earl: <http://www.w3.org/ns/earl#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
"""

ARTIFACT_RUNS = SparqlQuery(
    "artifact_runs",
    _PROLOGUE + """
SELECT ?artifact ?run ?runId ?runner ?suite ?suiteHash ?items ?device ?hardware ?weights ?random ?started ?ended ?caveat
       (GROUP_CONCAT(DISTINCT ?sw; separator="\\u001f") AS ?software)
WHERE {
  GRAPH ?run {
    ?run a mg:Run ; mg:runId ?runId ; mg:runner ?runner ; mg:evaluatedArtifact ?artifact ;
         mg:suiteName ?suite ; mg:suiteHash ?suiteHash ; mg:itemCount ?items ; mg:device ?device ;
         mg:hardware ?hardware ; mg:weightsIdentity ?weights ; mg:randomWeights ?random ;
         prov:startedAtTime ?started ; prov:endedAtTime ?ended .
    OPTIONAL { ?run mg:softwareVersion ?sw }
    OPTIONAL { ?run mg:caveat ?caveat }
  }
}
GROUP BY ?artifact ?run ?runId ?runner ?suite ?suiteHash ?items ?device ?hardware ?weights ?random ?started ?ended ?caveat
ORDER BY ?started ?runId
""",
    ("artifact",),
)

RUN_MEASUREMENTS = SparqlQuery(
    "run_measurements",
    _PROLOGUE + """
SELECT ?artifact ?run ?metric ?value ?unit ?ucum ?lang WHERE {
  GRAPH ?run {
    ?run a mg:Run ; mg:evaluatedArtifact ?artifact .
    ?m prov:wasGeneratedBy ?run ; dqv:isMeasurementOf ?metric ; dqv:value ?value ;
       qudt:unit ?unit ; mg:ucumCode ?ucum .
    FILTER NOT EXISTS { ?m mg:suiteItem ?anyItem }
    OPTIONAL { ?m mg:language ?lang }
  }
}
ORDER BY ?run ?metric ?lang
""",
    ("artifact",),
)

RUN_ITEM_VALUES = SparqlQuery(
    "run_item_values",
    """
SELECT ?run ?metric ?item ?value WHERE {
  GRAPH ?run {
    ?m prov:wasGeneratedBy ?run ; dqv:isMeasurementOf ?metric ; dqv:value ?value ; mg:suiteItem ?item .
  }
}
""",
    ("run", "metric"),
)

RUN_GRAPHS = SparqlQuery(
    "run_graphs",
    "SELECT ?runId ?run WHERE { GRAPH ?run { ?run a mg:Run ; mg:runId ?runId } }",
    ("runId",),
)

RUNS_FOR_ARTIFACTS = SparqlQuery(
    "runs_for_artifacts",
    """
SELECT ?run ?slug ?suiteHash ?suite ?random ?started WHERE {
  GRAPH ?run {
    ?run a mg:Run ; mg:evaluatedArtifact ?artifact ; mg:suiteHash ?suiteHash ; mg:suiteName ?suite ;
         mg:randomWeights ?random ; prov:startedAtTime ?started .
  }
  BIND(STRAFTER(STR(?artifact), "https://w3id.org/matchgraph/id/artifact/") AS ?slug)
}
ORDER BY ?started
""",
)

CHECKS = SparqlQuery(
    "claim_checks",
    _PROLOGUE + """
SELECT ?check ?claim ?status ?outcome ?reason ?test ?p ?effect ?low ?high ?n ?when
       (GROUP_CONCAT(DISTINCT STR(?run); separator=" ") AS ?runs)
WHERE {
  GRAPH ?check {
    ?check a mg:ClaimCheck ; earl:subject ?claim ; earl:result ?r ; prov:generatedAtTime ?when .
    ?r earl:outcome ?outcome ; mg:status ?status ; dcterms:description ?reason .
    OPTIONAL { ?r mg:pairedTest ?test }
    OPTIONAL { ?r mg:pValue ?p }
    OPTIONAL { ?r mg:effectSize ?effect ; mg:effectLow ?low ; mg:effectHigh ?high ; mg:pairedItems ?n }
    OPTIONAL { ?check prov:used ?run }
  }
}
GROUP BY ?check ?claim ?status ?outcome ?reason ?test ?p ?effect ?low ?high ?n ?when
""",
)

MULTILINGUAL_OCR_CER = SparqlQuery(
    "multilingual_ocr_cer",
    """
SELECT DISTINCT ?slug ?run ?lang ?value WHERE {
  GRAPH ?doc { ?artifact mg:slug ?slug ; mg:hasCapability ?cap . ?cap mg:instanceOf mgc:MultilingualTextRecognition }
  GRAPH ?run {
    ?m a mg:RunMeasurement ; dqv:computedOn ?artifact ; dqv:isMeasurementOf mg:CharacterErrorRate ;
       dqv:value ?value ; mg:language ?lang ; prov:wasGeneratedBy ?run .
    FILTER NOT EXISTS { ?m mg:suiteItem ?item }
  }
}
ORDER BY ?slug ?run ?lang
""",
)
"""Every measured per-language CER of artifacts that claim multilingual OCR (a capability
mapped to mgc:MultilingualTextRecognition); :data:`~matchgraph.queries.library.evidence_cypher.MULTILINGUAL_OCR_CER`
is its Cypher twin."""
