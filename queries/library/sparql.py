"""The SPARQL query library: named builders returning query text plus bindings.

Joins on an artifact stay inside one document's graph (``GRAPH ?g { ... }``): an artifact
named by n documents has its slug and name in each of their graphs, so joining its
triples over the union of graphs would multiply rows by n per pattern.

Values only ever travel as bindings (pyoxigraph substitutions, SPARQL SEP-0007), never
pasted into query text; a bound variable must appear in the projection. Queries run with the union of all graphs as their default graph, and use
``GRAPH ?doc`` where they need to say which document a fact came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from matchgraph.ontology.vocab import PREFIXES

__all__ = [
    "AMBIGUOUS",
    "ARTIFACT_SLUGS",
    "ARTIFACT_NODES",
    "CURATED",
    "FEEDBACK_EVENTS",
    "MATCH_RESULTS",
    "MERGES",
    "ARTIFACT_CLAIMS",
    "ARTIFACT_CONCEPTS",
    "ARTIFACT_INTENTS",
    "ARTIFACT_CAPABILITIES",
    "ARTIFACT_HEAD",
    "ARTIFACT_OBSERVATIONS",
    "DOCUMENTS",
    "STATS",
    "SparqlQuery",
    "bind",
]

_PROLOGUE = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


@dataclass(frozen=True)
class SparqlQuery:
    """A named query: its text and the variables callers must bind."""

    name: str
    text: str
    params: tuple[str, ...] = field(default=())
    per_document: bool = False
    """Every pattern lies inside ``GRAPH ?doc { ... }`` and every group holds one document's
    rows, so the answer is the concatenation of the answers over each document graph alone.
    A store may evaluate it graph by graph (:attr:`one_document_text`): oxigraph's joins
    otherwise build their tables over the whole store (3.5 GB at 100,000 artifacts)."""

    @property
    def full_text(self) -> str:
        return _PROLOGUE + self.text

    @property
    def one_document_text(self) -> str:
        """:attr:`full_text` with ``?doc`` projected (and grouped on), so that it can be
        bound to one document graph; its rows carry a ``doc`` column besides the others."""
        if not self.per_document:
            raise ValueError(f"{self.name} is not answered document by document")
        text = self.text.replace("SELECT ", "SELECT ?doc ", 1)
        return _PROLOGUE + (text.replace("GROUP BY ", "GROUP BY ?doc ", 1) if "GROUP BY " in text else text)


def bind(query: SparqlQuery, **values: str | NamedNode | Literal) -> dict[str, NamedNode | Literal]:
    """Check that exactly the declared parameters are given; strings become literals."""
    if set(values) != set(query.params):
        raise ValueError(f"{query.name} takes {query.params}, got {tuple(values)}")
    return {k: (Literal(v) if isinstance(v, str) else v) for k, v in values.items()}


STATS = SparqlQuery(
    "stats",
    """
SELECT
  (COUNT(DISTINCT ?doc) AS ?documents)
  (COUNT(DISTINCT ?cap) AS ?capabilities)
  (COUNT(DISTINCT ?statement) AS ?claims)
  (COUNT(DISTINCT ?claim) AS ?typed_claims)
  (COUNT(DISTINCT ?intent) AS ?intents)
  (COUNT(DISTINCT ?concept) AS ?concepts)
  (COUNT(DISTINCT ?obs) AS ?observations)
WHERE {
  { GRAPH ?doc { ?doc a mg:SourceDocument } }
  UNION { ?cap a mg:Capability }
  UNION { ?statement a mg:Statement }
  UNION { ?claim a mg:ComparativeClaim }
  UNION { ?intent a mg:Intent }
  UNION { ?c mg:instanceOf ?concept }
  UNION { ?obs a mg:Observation }
}
""",
)

DOCUMENTS = SparqlQuery(
    "documents",
    """
SELECT ?doc ?key ?hash ?format ?complete ?loaded ?title
       (GROUP_CONCAT(?missing; SEPARATOR="\\u001f") AS ?missings)
WHERE {
  GRAPH ?doc {
    ?doc a mg:SourceDocument ; mg:documentKey ?key ; mg:contentHash ?hash ;
         mg:format ?format ; mg:complete ?complete ; mg:loadedAt ?loaded .
    OPTIONAL { ?doc dcterms:title ?title }
    OPTIONAL { ?doc mg:missing ?missing }
  }
}
GROUP BY ?doc ?key ?hash ?format ?complete ?loaded ?title
ORDER BY ?key
""",
)

# Three scans of the artifact's own quads, each aggregated alone, rather than one join per
# graph that names it: an artifact most pages name ("faster than Tesseract") is in about
# 43,000 graphs at 100,000 artifacts, and the join sought slug, name and class in each
# (0.86 s warm, 4.9 s cold, against 0.07 s for the scans). Every graph that holds an
# artifact's name holds its slug (the mapping writes them together).
ARTIFACT_HEAD = SparqlQuery(
    "artifact_head",
    """
SELECT ?artifact ?slug ?name ?classes WHERE {
  { SELECT DISTINCT ?artifact ?slug WHERE { GRAPH ?g { ?artifact mg:slug ?slug } } }
  { SELECT ?artifact (MIN(?n) AS ?name) WHERE { GRAPH ?h { ?artifact schema:name ?n } } GROUP BY ?artifact }
  OPTIONAL {
    SELECT ?artifact (GROUP_CONCAT(DISTINCT STR(?class); SEPARATOR=" ") AS ?classes)
    WHERE { GRAPH ?k { ?artifact a ?class } FILTER (?class != mg:Artifact) }
    GROUP BY ?artifact
  }
}
""",
    ("artifact",),
)

ARTIFACT_OBSERVATIONS = SparqlQuery(
    "artifact_observations",
    """
SELECT ?artifact ?doc ?key ?obs ?pricing ?starting ?metric ?value WHERE {
  GRAPH ?doc { ?obs mg:observedArtifact ?artifact . ?doc mg:documentKey ?key . }
  # Per observation found (LATERAL): as plain OPTIONALs the optimizer joins whole columns.
  LATERAL { GRAPH ?doc {
    ?obs a mg:Observation .
    OPTIONAL { ?obs mg:pricing ?pricing }
    OPTIONAL { ?obs mg:startingPrice ?starting }
    OPTIONAL { ?obs dqv:hasQualityMeasurement ?m . ?m dqv:isMeasurementOf ?metric ; dqv:value ?value }
  } }
}
ORDER BY ?key
""",
    ("artifact",),
)

ARTIFACT_CAPABILITIES = SparqlQuery(
    "artifact_capabilities",
    """
SELECT ?artifact ?doc ?key ?cap ?ordinal ?name ?description ?unique ?vs ?uri WHERE {
  GRAPH ?doc {
    ?artifact mg:hasCapability ?cap .
    ?cap mg:ordinal ?ordinal ; schema:description ?description .
    ?doc mg:documentKey ?key .
  }
  LATERAL { GRAPH ?doc {
    OPTIONAL { ?cap schema:name ?name }
    OPTIONAL { ?cap skos:notation ?uri }
    OPTIONAL { ?u mg:aboutCapability ?cap ; a mg:Statement ; mg:statementKind "unique" ; schema:text ?unique }
    OPTIONAL { ?v mg:aboutCapability ?cap ; a mg:Statement ; mg:statementKind "vs_alternatives" ; schema:text ?vs }
  } }
}
ORDER BY ?key ?ordinal
""",
    ("artifact",),
)

ARTIFACT_CONCEPTS = SparqlQuery(
    "artifact_concepts",
    """
SELECT ?artifact ?cap ?concept ?label WHERE {
  ?artifact mg:hasCapability ?cap .
  ?cap mg:instanceOf ?concept .
  OPTIONAL { ?concept skos:prefLabel ?pref }
  BIND (COALESCE(?pref, STR(?concept)) AS ?label)
}
""",
    ("artifact",),
)

ARTIFACT_INTENTS = SparqlQuery(
    "artifact_intents",
    """
SELECT ?artifact ?cap ?text WHERE {
  ?artifact mg:hasCapability ?cap .
  ?cap mg:servesIntent ?intent .
  ?intent schema:text ?text .
}
""",
    ("artifact",),
)

ARTIFACT_CLAIMS = SparqlQuery(
    "artifact_claims",
    """
SELECT ?artifact ?cap ?claim ?relation ?polarity ?aspect ?text ?kind ?otherSlug ?otherClass WHERE {
  GRAPH ?g {
    ?claim mg:claimant ?artifact ; mg:aboutCapability ?cap ;
           mg:relation ?relation ; mg:polarity ?polarity ; schema:text ?text .
  }
  # Type and optional parts are evaluated per claim found (LATERAL): as plain patterns the
  # optimizer starts from every typed claim in the store.
  LATERAL { GRAPH ?g {
    ?claim a mg:ComparativeClaim .
    OPTIONAL { ?claim mg:fromStatement/mg:statementKind ?kind }
    OPTIONAL { ?claim mg:aspect ?aspect }
    OPTIONAL { ?claim mg:otherArtifact/mg:slug ?otherSlug }
    OPTIONAL { ?claim mg:otherClass ?otherClass }
  } }
}
""",
    ("artifact",),
)

ARTIFACT_NODES = SparqlQuery(
    "artifact_nodes",
    """
SELECT ?slug (GROUP_CONCAT(DISTINCT ?name; SEPARATOR="\\u001f") AS ?names) (MAX(?isAddressed) AS ?addressed)
WHERE {
  GRAPH ?g {
    ?artifact a mg:Artifact ; mg:slug ?slug .
    OPTIONAL { ?artifact schema:name ?name }
    OPTIONAL { ?artifact mg:addressed ?a }
  }
  BIND (IF(BOUND(?a) && ?a, 1, 0) AS ?isAddressed)
}
GROUP BY ?slug
""",
)

MERGES = SparqlQuery(
    "merges",
    """
SELECT DISTINCT ?source ?target ?rule ?reason WHERE {
  ?m a mg:Merge ; mg:mergedSlug ?source ; mg:canonicalSlug ?target ; mg:rule ?rule ; mg:reason ?reason .
}
ORDER BY ?source
""",
)

CURATED = SparqlQuery(
    "curated",
    """
SELECT ?kind ?a ?b WHERE {
  GRAPH <https://w3id.org/matchgraph/id/graph/curation> { ?d mg:decision ?kind ; mg:first ?a ; mg:second ?b }
}
""",
)

AMBIGUOUS = SparqlQuery(
    "ambiguous",
    """
SELECT ?slug (GROUP_CONCAT(?candidate; SEPARATOR=" ") AS ?candidates) WHERE {
  GRAPH ?g { ?x a mg:AmbiguousName ; mg:slug ?slug ; mg:candidate ?candidate }
}
GROUP BY ?slug
ORDER BY ?slug
""",
)

ARTIFACT_SLUGS = SparqlQuery(
    "artifact_slugs",
    """
SELECT ?slug (MAX(?isDocumented) AS ?documented) WHERE {
  GRAPH ?g {
    ?artifact a mg:Artifact ; mg:slug ?slug .
    OPTIONAL { ?g mg:comparedArtifact ?artifact . BIND (1 AS ?compared) }
  }
  BIND (IF(BOUND(?compared), 1, 0) AS ?isDocumented)
}
GROUP BY ?slug
""",
)

MATCH_RESULTS = SparqlQuery(
    "match_results",
    """
SELECT ?match ?position ?slug ?capability ?intent WHERE {
  ?m a mg:MatchRecord ; mg:matchId ?match ; mg:result ?r .
  ?r mg:position ?position ; mg:slug ?slug .
  OPTIONAL { ?r mg:viaCapability ?capability }
  OPTIONAL { ?r mg:viaIntent ?intent }
}
ORDER BY ?position
""",
    ("match",),
)

FEEDBACK_EVENTS = SparqlQuery(
    "feedback_events",
    """
SELECT ?event ?matchId ?outcome ?time ?source ?capability ?intent WHERE {
  ?event a mg:FeedbackEvent ; mg:matchId ?matchId ; mg:outcome ?outcome ;
         prov:generatedAtTime ?time ; mg:source ?source .
  OPTIONAL { ?event mg:viaCapability ?capability }
  OPTIONAL { ?event mg:viaIntent ?intent }
}
""",
)
