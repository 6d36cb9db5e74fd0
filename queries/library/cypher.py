"""The Cypher query library: named queries (text plus parameter names), beside sparql.py.

Three families:

* **twins** of the named SPARQL queries in :mod:`matchgraph.queries.library.sparql`, same name and
  the same columns, so every view built on ``store.select(q.X)`` (artifact view, snapshot,
  claims, resolution) runs unchanged on Neo4j; the parity tests prove each twin answers
  what its SPARQL query answers;
* the **sync** statements that write graph parts (``UNWIND $rows``; labels and types travel
  as values through Cypher's dynamic ``$(...)`` syntax, never pasted into the text);
* the **guide** queries a person runs in Neo4j Browser (graph/browser/guide.html).

A property that may hold one value or a list (when sources disagree) is read through
``_vals``, a list expression written once here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matchgraph.errors import QueryError
from matchgraph.ontology.vocab import CURATION_GRAPH

__all__ = ["GUIDE", "SCHEMA", "TWINS", "CypherQuery", "twin"]


@dataclass(frozen=True)
class CypherQuery:
    """A named Cypher query and the parameters callers must pass."""

    name: str
    text: str
    params: tuple[str, ...] = ()
    joins: dict[str, str] = field(default_factory=dict)
    """Columns returned as lists that the SPARQL twin returns GROUP_CONCAT-ed with this separator."""
    classes: tuple[str, ...] = ()
    """Columns of labels that the SPARQL twin returns as space-separated class IRIs."""
    fixed: dict[str, str] = field(default_factory=dict)
    """Parameters with constant values (IRIs the SPARQL twin writes inline)."""


def _vals(expr: str) -> str:
    return f"(CASE WHEN {expr} IS NULL THEN [] WHEN valueType({expr}) STARTS WITH 'LIST' THEN {expr} ELSE [{expr}] END)"


_ARTIFACT = "Artifact|MentionedArtifact|MergedArtifact"
_Q = CypherQuery

STATS = _Q("stats", """
RETURN COUNT { (:Document) } AS documents, COUNT { (:Capability) } AS capabilities,
       COUNT { (:Statement) } AS claims, COUNT { (:Claim) } AS typed_claims,
       COUNT { (:Intent) } AS intents,
       COUNT { MATCH (:Resource)-[:INSTANCE_OF]->(c) RETURN DISTINCT c } AS concepts,
       COUNT { (:Observation) } AS observations""")

DOCUMENTS = _Q("documents", """
MATCH (d:Document)
RETURN d.uri AS doc, d.key AS key, d.contentHash AS hash, d.format AS format, d.complete AS complete,
       d.loadedAt AS loaded, d.title AS title, coalesce(d.missing, []) AS missings
ORDER BY key""", joins={"missings": "\x1f"})

ARTIFACT_HEAD = _Q("artifact_head", f"""
MATCH (a:Resource {{uri: $artifact}}) WHERE a.slug IS NOT NULL AND a.name IS NOT NULL
RETURN a.uri AS artifact, a.slug AS slug, head({_vals("a.name")}) AS name, labels(a) AS classes""",
                   ("artifact",), classes=("classes",))

_OBSERVATIONS = """
UNWIND r.graphs AS g
MATCH (d:Resource {uri: g}) WHERE d:Document
OPTIONAL MATCH (o)-[:HAS_MEASUREMENT]->(m)-[:OF_METRIC]->(metric) WHERE m.value IS NOT NULL"""

ARTIFACT_OBSERVATIONS = _Q("artifact_observations", f"""
MATCH (a:Resource {{uri: $artifact}})-[r:OBSERVED_IN]->(o:Observation) {_OBSERVATIONS}
RETURN a.uri AS artifact, g AS doc, d.key AS key, o.uri AS obs, o.pricing AS pricing,
       o.startingPrice AS starting, metric.uri AS metric, m.value AS value ORDER BY key""", ("artifact",))

_CAPABILITY = """
UNWIND r.graphs AS g
MATCH (d:Resource {uri: g}) WHERE d:Document AND cap.description IS NOT NULL
OPTIONAL MATCH (u:Statement {statementKind: 'unique'})-[:ABOUT]->(cap) WHERE u.text IS NOT NULL
OPTIONAL MATCH (v:Statement {statementKind: 'vs_alternatives'})-[:ABOUT]->(cap) WHERE v.text IS NOT NULL"""

ARTIFACT_CAPABILITIES = _Q("artifact_capabilities", f"""
MATCH (a:Resource {{uri: $artifact}})-[r:HAS_CAPABILITY]->(cap:Resource) WHERE cap.ordinal IS NOT NULL {_CAPABILITY}
RETURN a.uri AS artifact, g AS doc, d.key AS key, cap.uri AS cap, cap.ordinal AS ordinal, cap.name AS name,
       cap.description AS description, u.text AS unique, v.text AS vs, cap.notation AS uri
ORDER BY key, ordinal""", ("artifact",))

ARTIFACT_CONCEPTS = _Q("artifact_concepts", """
MATCH (a:Resource {uri: $artifact})-[:HAS_CAPABILITY]->(cap)-[:INSTANCE_OF]->(c)
RETURN a.uri AS artifact, cap.uri AS cap, c.uri AS concept, coalesce(c.prefLabel, c.uri) AS label""", ("artifact",))

ARTIFACT_INTENTS = _Q("artifact_intents", f"""
MATCH (a:Resource {{uri: $artifact}})-[:HAS_CAPABILITY]->(cap)-[:SERVES_INTENT]->(i)
UNWIND {_vals("i.text")} AS text
RETURN a.uri AS artifact, cap.uri AS cap, text""", ("artifact",))

ARTIFACT_CLAIMS = _Q("artifact_claims", """
MATCH (a:Resource {uri: $artifact})-[:CLAIMS]->(c:Claim)-[:ABOUT]->(cap)
WHERE c.relation IS NOT NULL AND c.polarity IS NOT NULL AND c.text IS NOT NULL
OPTIONAL MATCH (c)-[:FROM_STATEMENT]->(s) WHERE s.statementKind IS NOT NULL
OPTIONAL MATCH (c)-[:VERSUS]->(o) WHERE o.slug IS NOT NULL
UNWIND (CASE WHEN c.otherClasses IS NULL THEN [null] ELSE c.otherClasses END) AS otherClass
RETURN a.uri AS artifact, cap.uri AS cap, c.uri AS claim, c.relation AS relation, c.polarity AS polarity,
       c.aspect AS aspect, c.text AS text, s.statementKind AS kind, o.slug AS otherSlug, otherClass""", ("artifact",))

ARTIFACT_NODES = _Q("artifact_nodes", f"""
MATCH (a:{_ARTIFACT}) WHERE a.slug IS NOT NULL
RETURN a.slug AS slug, {_vals("a.name")} AS names, CASE WHEN a.addressed = true THEN 1 ELSE 0 END AS addressed""",
                    joins={"names": "\x1f"})

MERGES = _Q("merges", """
MATCH (m:Merge)
WHERE m.rule IS NOT NULL AND m.reason IS NOT NULL AND m.mergedSlug IS NOT NULL AND m.canonicalSlug IS NOT NULL
RETURN DISTINCT m.mergedSlug AS source, m.canonicalSlug AS target, m.rule AS rule, m.reason AS reason
ORDER BY source""")

CURATED = _Q("curated", """
MATCH (d:Resource) WHERE $curation IN d.graphs AND d.decision IS NOT NULL AND d.first IS NOT NULL AND d.second IS NOT NULL
RETURN d.decision AS kind, d.first AS a, d.second AS b""", fixed={"curation": CURATION_GRAPH})

AMBIGUOUS = _Q("ambiguous", """
MATCH (x:AmbiguousName) WHERE x.slug IS NOT NULL
UNWIND x.candidates AS candidate
WITH x.slug AS slug, collect(candidate) AS candidates
RETURN slug, candidates ORDER BY slug""", joins={"candidates": " "})

SNAPSHOT_ARTIFACTS = _Q("snapshot_artifacts", f"""
MATCH (a:{_ARTIFACT}) WHERE a.slug IS NOT NULL AND a.name IS NOT NULL
RETURN a.slug AS slug, head({_vals("a.name")}) AS name, labels(a) AS classes""", classes=("classes",))

SNAPSHOT_CAPABILITIES = _Q("snapshot_capabilities", f"""
MATCH (a:Resource)-[r:HAS_CAPABILITY]->(cap:Resource) WHERE a.slug IS NOT NULL {_CAPABILITY}
RETURN cap.uri AS cap, a.slug AS slug, d.key AS key, cap.description AS description, cap.name AS name,
       u.text AS unique, v.text AS vs, cap.matchConfidence AS confidence, cap.timesMatched AS matches,
       cap.successRate AS success""")

SNAPSHOT_CAPABILITY_LINKS = _Q("snapshot_capability_links", f"""
MATCH (cap:Resource)-[:INSTANCE_OF]->(c) RETURN cap.uri AS cap, 'concept' AS kind, c.uri AS value
UNION ALL
MATCH (cap:Resource)-[:SERVES_INTENT]->(i) UNWIND {_vals("i.text")} AS value RETURN cap.uri AS cap, 'intent' AS kind, value
UNION ALL
MATCH (cap:Resource) WHERE cap.bestFor IS NOT NULL UNWIND cap.bestFor AS value
RETURN cap.uri AS cap, 'best_for' AS kind, value
UNION ALL
MATCH (cap:Resource) WHERE cap.inputTypes IS NOT NULL UNWIND cap.inputTypes AS value
RETURN cap.uri AS cap, 'input' AS kind, value
UNION ALL
MATCH (cap:Resource) WHERE cap.outputTypes IS NOT NULL UNWIND cap.outputTypes AS value
RETURN cap.uri AS cap, 'output' AS kind, value""")

SNAPSHOT_CONCEPTS = _Q("snapshot_concepts", f"""
MATCH (c:Concept) WHERE c.prefLabel IS NOT NULL
OPTIONAL MATCH (c)-[:BROADER]->(b)
RETURN c.uri AS concept, head({_vals("c.prefLabel")}) AS label, coalesce(c.altLabels, []) AS alts,
       collect(DISTINCT b.uri) AS broaders, coalesce(c.conceptInputs, []) AS inputs,
       coalesce(c.conceptOutputs, []) AS outputs""", joins={"alts": "\x1f", "broaders": " ", "inputs": " ", "outputs": " "})

SNAPSHOT_CLAIMS = _Q("snapshot_claims", """
MATCH (sub:Resource)-[r:CLAIMS]->(c:Claim)-[:ABOUT]->(cap)
WHERE sub.slug IS NOT NULL AND c.relation IS NOT NULL AND c.polarity IS NOT NULL AND c.text IS NOT NULL
UNWIND r.graphs AS g
MATCH (d:Resource {uri: g}) WHERE d:Document
OPTIONAL MATCH (c)-[:VERSUS]->(o) WHERE o.slug IS NOT NULL
WITH c, sub, cap, d, collect(DISTINCT o.slug) AS others
RETURN c.uri AS claim, sub.slug AS subject, cap.uri AS cap, c.relation AS relation, c.polarity AS polarity,
       c.aspect AS aspect, c.text AS text, d.key AS key, others, coalesce(c.otherClasses, []) AS classes""",
                    joins={"others": " ", "classes": "\x1f"})

SNAPSHOT_OBSERVATIONS = _Q("snapshot_observations", f"""
MATCH (a:Resource)-[r:OBSERVED_IN]->(o:Observation) WHERE a.slug IS NOT NULL {_OBSERVATIONS}
RETURN a.slug AS slug, d.key AS key, o.uri AS obs, o.pricing AS pricing, o.startingPrice AS starting,
       metric.uri AS metric, m.value AS value""")

SNAPSHOT_COMPARED = _Q("snapshot_compared", """
MATCH (d:Document)-[:COMPARES]->(a:Resource) WHERE a.slug IS NOT NULL
RETURN d.key AS key, a.slug AS slug ORDER BY key, slug""")

ARTIFACT_SLUGS = _Q("artifact_slugs", f"""
MATCH (a:{_ARTIFACT}) WHERE a.slug IS NOT NULL
RETURN DISTINCT a.slug AS slug, EXISTS {{ (:Resource)-[:COMPARES]->(a) }} AS documented""")

SNAPSHOT_VERDICTS = _Q("snapshot_verdicts", """
MATCH (d:Document)-[:HAS_VERDICT]->(v:Resource) WHERE v.text IS NOT NULL
OPTIONAL MATCH (v)-[:WINNER]->(w)
OPTIONAL MATCH (v)-[:HAS_LEAD]->(lead)-[:LEADER]->(l) WHERE lead.signal IS NOT NULL
RETURN d.key AS key, v.text AS text, w.slug AS winner, lead.signal AS signal, l.slug AS leader ORDER BY key""")

MATCH_RESULTS = _Q("match_results", """
MATCH (m:MatchRecord {matchId: $match})-[:HAS_RESULT]->(r:Resource)
WHERE r.position IS NOT NULL AND r.slug IS NOT NULL
OPTIONAL MATCH (r)-[:VIA_CAPABILITY]->(cap)
UNWIND (CASE WHEN r.viaIntents IS NULL THEN [null] ELSE r.viaIntents END) AS intent
RETURN m.matchId AS match, r.position AS position, r.slug AS slug, cap.uri AS capability, intent
ORDER BY position""", ("match",))

FEEDBACK_EVENTS = _Q("feedback_events", """
MATCH (e:FeedbackEvent)
WHERE e.matchId IS NOT NULL AND e.outcome IS NOT NULL AND e.generatedAt IS NOT NULL AND e.reportedBy IS NOT NULL
OPTIONAL MATCH (e)-[:VIA_CAPABILITY]->(cap)
UNWIND (CASE WHEN e.viaIntents IS NULL THEN [null] ELSE e.viaIntents END) AS intent
RETURN e.uri AS event, e.matchId AS matchId, e.outcome AS outcome, e.generatedAt AS time,
       e.reportedBy AS source, cap.uri AS capability, intent""")

TWINS: dict[str, CypherQuery] = {
    query.name: query
    for query in (
        STATS, DOCUMENTS, ARTIFACT_HEAD, ARTIFACT_OBSERVATIONS, ARTIFACT_CAPABILITIES,
        ARTIFACT_CONCEPTS, ARTIFACT_INTENTS, ARTIFACT_CLAIMS, ARTIFACT_NODES, MERGES, CURATED, AMBIGUOUS,
        SNAPSHOT_ARTIFACTS, SNAPSHOT_CAPABILITIES, SNAPSHOT_CAPABILITY_LINKS, SNAPSHOT_CONCEPTS,
        SNAPSHOT_CLAIMS, SNAPSHOT_OBSERVATIONS, SNAPSHOT_COMPARED, ARTIFACT_SLUGS, SNAPSHOT_VERDICTS,
        MATCH_RESULTS, FEEDBACK_EVENTS,
    )
}


def twin(name: str) -> CypherQuery:
    """The Cypher twin of the SPARQL query called ``name``.

    Raises:
        QueryError: no twin; add one here (and the parity suite will check it).
    """
    try:
        return TWINS[name]
    except KeyError:
        raise QueryError(f"the SPARQL query {name!r} has no Cypher twin in queries/library/cypher.py") from None


# --- schema and sync ---------------------------------------------------------------------

SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT matchgraph_resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE",
    "CREATE CONSTRAINT matchgraph_graph_iri IF NOT EXISTS FOR (g:NamedGraph) REQUIRE g.iri IS UNIQUE",
    "CREATE INDEX matchgraph_artifact_slug IF NOT EXISTS FOR (n:Artifact) ON (n.slug)",
    "CREATE INDEX matchgraph_mentioned_slug IF NOT EXISTS FOR (n:MentionedArtifact) ON (n.slug)",
    "CREATE INDEX matchgraph_document_key IF NOT EXISTS FOR (n:Document) ON (n.key)",
    "CREATE INDEX matchgraph_concept_label IF NOT EXISTS FOR (n:Concept) ON (n.prefLabel)",
    "CREATE INDEX matchgraph_claim_relation IF NOT EXISTS FOR ()-[r:VS_ALTERNATIVE]-() ON (r.relation)",
)
"""Constraints and indexes, created before the first write (``IF NOT EXISTS``: idempotent)."""

_NODE = "labels(n) AS labels, properties(n) AS props"
KNOWN_GRAPHS = _Q("known_graphs", "UNWIND $iris AS i MATCH (g:NamedGraph {iri: i}) RETURN g.iri AS iri", ("iris",))
GRAPH_HASHES = _Q("graph_hashes", "MATCH (g:NamedGraph) RETURN g.iri AS iri, g.hash AS hash, g.triples AS triples")
NODES_BY_URI = _Q("nodes_by_uri", f"UNWIND $uris AS u MATCH (n:Resource {{uri: u}}) RETURN n.uri AS uri, {_NODE}", ("uris",))
NODES_IN_GRAPHS = _Q("nodes_in_graphs", f"""
MATCH (n:Resource) WHERE any(g IN n.graphs WHERE g IN $graphs) RETURN n.uri AS uri, {_NODE}""", ("graphs",))
RELS_IN_GRAPHS = _Q("rels_in_graphs", """
UNWIND $uris AS u MATCH (a:Resource {uri: u})-[r]->(b:Resource) WHERE any(g IN r.graphs WHERE g IN $graphs)
RETURN a.uri AS s, type(r) AS t, b.uri AS o, properties(r) AS props""", ("uris", "graphs"))
_REL = """UNWIND $rows AS row MATCH (a:Resource {uri: row.s})-[r]->(b:Resource {uri: row.o})
WHERE type(r) = row.t AND coalesce(r.via, '') = row.v"""
RELS_BY_KEY = _Q("rels_by_key", f"{_REL} RETURN row.s AS s, row.t AS t, row.o AS o, properties(r) AS props", ("rows",))
DELETE_RELS = _Q("delete_rels", f"{_REL} DELETE r", ("rows",))
UPDATE_RELS = _Q("update_rels", f"{_REL} SET r = row.props", ("rows",))
CREATE_RELS = _Q("create_rels", """
UNWIND $rows AS row MATCH (a:Resource {uri: row.s}) MATCH (b:Resource {uri: row.o})
CREATE (a)-[r:$(row.t)]->(b) SET r = row.props""", ("rows",))
DELETE_NODES = _Q("delete_nodes", "UNWIND $uris AS u MATCH (n:Resource {uri: u}) DETACH DELETE n", ("uris",))
CREATE_NODES = _Q("create_nodes", "UNWIND $rows AS row CREATE (n:Resource) SET n = row.props SET n:$(row.labels)", ("rows",))
UPDATE_NODES = _Q("update_nodes", """
UNWIND $rows AS row MATCH (n:Resource {uri: row.props.uri})
SET n = row.props REMOVE n:$(row.drop) SET n:$(row.labels)""", ("rows",))
SET_GRAPHS = _Q("set_graphs", """
UNWIND $rows AS row MERGE (g:NamedGraph {iri: row.iri}) SET g.hash = row.hash, g.triples = row.triples""", ("rows",))
DROP_GRAPHS = _Q("drop_graphs", "UNWIND $iris AS i MATCH (g:NamedGraph {iri: i}) DELETE g", ("iris",))
ROLE_ROWS = _Q("role_rows", f"""
MATCH (a:{_ARTIFACT}) RETURN a.uri AS uri, a.slug AS slug, labels(a) AS labels,
       EXISTS {{ (:Resource)-[:COMPARES]->(a) }} AS documented""")
SET_ROLES = _Q("set_roles", """
UNWIND $rows AS row MATCH (n:Resource {uri: row.uri}) REMOVE n:$(row.drop) SET n:$(row.role)""", ("rows",))
WIPE = _Q("wipe", """
MATCH (n) WHERE n:Resource OR n:NamedGraph CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS""")
GRAPH_NODES = _Q("graph_nodes", f"MATCH (n:Resource) WHERE $graph IN n.graphs RETURN n.uri AS uri, {_NODE}", ("graph",))
GRAPH_RELS = _Q("graph_rels", """
MATCH (a:Resource)-[r]->(b:Resource) WHERE $graph IN r.graphs
RETURN a.uri AS s, type(r) AS t, b.uri AS o, properties(r) AS props""", ("graph",))
DOCUMENT_HASH = _Q("document_hash", """
MATCH (d:Resource {uri: $doc}) WHERE d:Document RETURN d.contentHash AS hash""", ("doc",))

# --- the Browser guide's queries (graph/browser/guide.html shows the same text) ------------

GUIDE: dict[str, CypherQuery] = {
    "artifact_capabilities": _Q("an artifact and its capabilities", """
MATCH (a:Artifact {slug: $slug})
OPTIONAL MATCH (m:MergedArtifact)-[:SAME_AS]->(a)
WITH a, [a] + collect(m) AS names UNWIND names AS n
MATCH p = (n)-[:HAS_CAPABILITY]->(c:Capability)-[:INSTANCE_OF]->(:Concept)
RETURN p""", ("slug",)),
    "who_beats_whom": _Q("who claims to beat whom", """
MATCH p = (a)-[v:VS_ALTERNATIVE]->(b)
WHERE v.polarity = 'for'
RETURN p LIMIT 100"""),
    "shared_concepts": _Q("artifacts that share a concept", """
MATCH (a:Artifact)-[:HAS_CAPABILITY]->(:Capability)-[:INSTANCE_OF]->(k:Concept)
      <-[:INSTANCE_OF]-(:Capability)<-[:HAS_CAPABILITY]-(b:Artifact)
WHERE a.slug < b.slug
WITH a, b, collect(DISTINCT k) AS shared ORDER BY size(shared) DESC LIMIT 10
UNWIND shared AS k
RETURN a, b, k"""),
    "provenance": _Q("where did this fact come from", """
MATCH (a:Artifact {slug: $slug})-[:CLAIMS]->(c:Claim)-[:FROM_STATEMENT]->(s:Statement)-[:FROM_DOCUMENT]->(d:Document)
MATCH (c)-[:ABOUT]->(cap:Capability)
RETURN a, c, s, d, cap LIMIT 25""", ("slug",)),
}
