"""The SPARQL queries that read a whole store into the typed snapshot
(:mod:`matchgraph.queries.snapshot_sparql`): artifacts, capabilities and their links,
concepts, claims, observations, compared pairs, verdicts. Same rules as
:mod:`matchgraph.queries.library.sparql`: values only as bindings."""

from __future__ import annotations

from matchgraph.queries.library import artifact_rows as _artifact_rows
from matchgraph.queries.library.sparql import SparqlQuery

__all__ = [
    "PER_DOCUMENT",
    "SNAPSHOT_ARTIFACTS",
    "SNAPSHOT_CAPABILITIES",
    "SNAPSHOT_CAPABILITY_LINKS",
    "SNAPSHOT_CLAIMS",
    "SNAPSHOT_COMPARED",
    "SNAPSHOT_CONCEPTS",
    "SNAPSHOT_OBSERVATIONS",
    "SNAPSHOT_VERDICTS",
]


SNAPSHOT_ARTIFACTS = SparqlQuery(
    "snapshot_artifacts",
    """
SELECT ?slug (MIN(?n) AS ?name) (GROUP_CONCAT(DISTINCT IF(BOUND(?class), STR(?class), ""); SEPARATOR=" ") AS ?classes) WHERE {
  GRAPH ?g {
    ?artifact a mg:Artifact ; mg:slug ?slug ; schema:name ?n .
    OPTIONAL { ?artifact a ?class FILTER (?class != mg:Artifact) }
  }
}
GROUP BY ?slug
""",
)

SNAPSHOT_CAPABILITIES = SparqlQuery(
    "snapshot_capabilities",
    """
SELECT ?cap ?slug ?key ?description ?name ?unique ?vs ?confidence ?matches ?success WHERE {
  GRAPH ?doc {
    ?artifact mg:hasCapability ?cap .
    ?cap schema:description ?description .
    ?doc mg:documentKey ?key .
    OPTIONAL { ?cap schema:name ?name }
    OPTIONAL { ?cap mg:matchConfidence ?confidence }
    OPTIONAL { ?cap mg:timesMatched ?matches }
    OPTIONAL { ?cap mg:successRate ?success }
    OPTIONAL { ?u mg:aboutCapability ?cap ; mg:statementKind "unique" ; schema:text ?unique }
    OPTIONAL { ?v mg:aboutCapability ?cap ; mg:statementKind "vs_alternatives" ; schema:text ?vs }
    ?artifact mg:slug ?slug .
  }
}
""",
    per_document=True,
)

SNAPSHOT_CAPABILITY_LINKS = SparqlQuery(
    "snapshot_capability_links",
    """
SELECT ?cap ?kind ?value WHERE {
  GRAPH ?doc {
    ?doc mg:documentKey ?key .
    { ?cap mg:instanceOf ?v . BIND ("concept" AS ?kind) BIND (STR(?v) AS ?value) }
    UNION { ?cap mg:servesIntent/schema:text ?value . BIND ("intent" AS ?kind) }
    UNION { ?cap mg:bestFor ?value . BIND ("best_for" AS ?kind) }
    UNION { ?cap mg:inputType ?value . BIND ("input" AS ?kind) }
    UNION { ?cap mg:outputType ?value . BIND ("output" AS ?kind) }
  }
}
""",
    per_document=True,
)

SNAPSHOT_CONCEPTS = SparqlQuery(
    "snapshot_concepts",
    """
SELECT ?concept (MIN(?l) AS ?label)
       (GROUP_CONCAT(DISTINCT ?alt; SEPARATOR="\\u001f") AS ?alts)
       (GROUP_CONCAT(DISTINCT STR(?broader); SEPARATOR=" ") AS ?broaders)
       (COALESCE(GROUP_CONCAT(DISTINCT ?in; SEPARATOR=" "), "") AS ?inputs)
       (COALESCE(GROUP_CONCAT(DISTINCT ?out; SEPARATOR=" "), "") AS ?outputs) WHERE {
  ?concept a skos:Concept ; skos:prefLabel ?l .
  OPTIONAL { ?concept skos:altLabel ?alt }
  OPTIONAL { ?concept skos:broader ?broader }
  OPTIONAL { ?concept mgc:inputType ?in }
  OPTIONAL { ?concept mgc:outputType ?out }
}
GROUP BY ?concept
""",
)

SNAPSHOT_CLAIMS = SparqlQuery(
    "snapshot_claims",
    """
SELECT ?claim ?subject ?cap ?relation ?polarity ?aspect ?text ?key
       (GROUP_CONCAT(DISTINCT ?otherSlug; SEPARATOR=" ") AS ?others)
       (GROUP_CONCAT(DISTINCT ?otherClass; SEPARATOR="\\u001f") AS ?classes) WHERE {
  GRAPH ?doc {
    ?claim a mg:ComparativeClaim ; mg:claimant ?c ; mg:aboutCapability ?cap ; mg:relation ?relation ;
           mg:polarity ?polarity ; schema:text ?text .
    ?doc mg:documentKey ?key .
    OPTIONAL { ?claim mg:aspect ?aspect }
    OPTIONAL { ?claim mg:otherArtifact ?o . ?o mg:slug ?otherSlug }
    OPTIONAL { ?claim mg:otherClass ?otherClass }
    ?c mg:slug ?subject .
  }
}
GROUP BY ?claim ?subject ?cap ?relation ?polarity ?aspect ?text ?key
""",
    per_document=True,
)

SNAPSHOT_OBSERVATIONS = SparqlQuery(
    "snapshot_observations",
    """
SELECT ?slug ?key ?obs ?pricing ?starting ?metric ?value WHERE {
  GRAPH ?doc {
    ?obs a mg:Observation ; mg:observedArtifact ?a .
    ?doc mg:documentKey ?key .
    OPTIONAL { ?obs mg:pricing ?pricing }
    OPTIONAL { ?obs mg:startingPrice ?starting }
    OPTIONAL { ?obs dqv:hasQualityMeasurement ?m . ?m dqv:isMeasurementOf ?metric ; dqv:value ?value }
    ?a mg:slug ?slug .
  }
}
""",
    per_document=True,
)

SNAPSHOT_COMPARED = SparqlQuery(
    "snapshot_compared",
    """
SELECT ?key ?slug WHERE {
  GRAPH ?doc { ?doc mg:comparedArtifact ?a ; mg:documentKey ?key . ?a mg:slug ?slug }
}
ORDER BY ?key ?slug
""",
    per_document=True,
)

SNAPSHOT_VERDICTS = SparqlQuery(
    "snapshot_verdicts",
    """
SELECT ?key ?text ?winner ?signal ?leader WHERE {
  GRAPH ?doc {
    ?doc mg:documentKey ?key ; mg:verdict ?v .
    ?v schema:text ?text .
    OPTIONAL { ?v mg:winner/mg:slug ?winner }
    OPTIONAL { ?v mg:lead ?lead . ?lead mg:signal ?signal ; mg:leader/mg:slug ?leader }
  }
}
ORDER BY ?key
""",
    per_document=True,
)

PER_DOCUMENT: tuple[SparqlQuery, ...] = (
    *(query for query in list(globals().values()) if isinstance(query, SparqlQuery) and query.per_document),
    _artifact_rows.DOCUMENT_ARTIFACTS,
)
"""The snapshot's queries that are answered document by document (those marked so above),
and the artifact rows a store that answers per document groups in place of
:data:`SNAPSHOT_ARTIFACTS` and :data:`~matchgraph.queries.library.sparql.ARTIFACT_NODES`."""
