"""The table that maps matchgraph's RDF vocabulary onto Neo4j labels, types and properties.

One table, read by every direction of the mapping (RDF -> property graph for push and
``load``, property graph -> RDF for round trips, and the neo4j-admin CSV export), so the
two stores cannot drift apart: a class or predicate missing here is a mapping error, never
a silently dropped fact. :func:`ontology_problems` checks the table against the ontology
files, and a test keeps that list empty except for :data:`PENDING_DECLARATION`.

Literal properties are keyed by (predicate, form), because one predicate can carry several
literal forms (``dqv:value`` integer or double, ``rdfs:label`` plain or ``@en``); the form
decides how a Neo4j value reads back, so every round trip is exact.

>>> CLASSES["https://w3id.org/matchgraph/ontology#ComparativeClaim"]
'Claim'
>>> RELATIONS["https://w3id.org/matchgraph/ontology#claimant"]
RelSpec(type='CLAIMS', inverse=True)
"""

from __future__ import annotations

from dataclasses import dataclass

from matchgraph.ontology.vocab import ARTIFACT_CLASS, DCTERMS, DQV, MG, MGC, PROV, RDFS, SCHEMA, SKOS

__all__ = [
    "ARTIFACT_ROLES",
    "CLASSES",
    "FORMS",
    "LABEL_CLASS",
    "PENDING_DECLARATION",
    "PROPERTIES",
    "RELATIONS",
    "RESOURCE",
    "SHORTCUTS",
    "PropSpec",
    "RelSpec",
    "Shortcut",
    "ontology_problems",
]

OWL = "http://www.w3.org/2002/07/owl#"
EARL = "http://www.w3.org/ns/earl#"
MLS = "http://www.w3.org/ns/mls#"
QUDT = "http://qudt.org/schema/qudt/"
RESOURCE = "Resource"
"""Every node carries it; ``Resource.uri`` is unique (the n10s convention)."""

ARTIFACT_ROLES = ("Artifact", "MentionedArtifact", "MergedArtifact")
"""What ``mg:Artifact`` becomes on a node: ``Artifact`` for one node per real artifact that
some document compares or describes (merged names counted once, as in ``StoreStats``),
``MentionedArtifact`` for one only named in claims, ``MergedArtifact`` for a name entity
resolution merged into another (with a ``SAME_AS`` edge to it)."""

FORMS = ("string", "integer", "double", "boolean", "dateTime", "lang:en")


@dataclass(frozen=True)
class RelSpec:
    type: str
    inverse: bool = False
    """The edge points from the object to the subject (``claimant`` reads as CLAIMS)."""


@dataclass(frozen=True)
class PropSpec:
    name: str
    many: bool = False
    """Always a list in Neo4j; otherwise one value, or a sorted list when sources disagree."""


@dataclass(frozen=True)
class Shortcut:
    """A readable edge derived from a node that links two others (not a fact of its own)."""

    label: str
    start: str
    """Predicate from the node to the edge's start."""
    end: str
    type: str
    props: tuple[str, ...]
    """The node's properties copied onto the edge; the edge's ``via`` is the node's IRI."""


_TYPE_LABELS = {kind: iri.rsplit("#", 1)[1] for kind, iri in ARTIFACT_CLASS.items()}

CLASSES: dict[str, str] = {
    MG + "Artifact": "Artifact",
    **{iri: _TYPE_LABELS[kind] for kind, iri in ARTIFACT_CLASS.items()},
    MG + "Capability": "Capability",
    MG + "Intent": "Intent",
    MG + "Statement": "Statement",
    MG + "ComparativeClaim": "Claim",
    MG + "Observation": "Observation",
    MG + "Verdict": "Verdict",
    MG + "VerdictLead": "VerdictLead",
    MG + "ConceptAssignment": "ConceptAssignment",
    MG + "AnnouncedCapabilities": "AnnouncedCapabilities",
    MG + "SourceDocument": "Document",
    MG + "Metric": "Metric",
    MG + "Merge": "Merge",
    MG + "AmbiguousName": "AmbiguousName",
    MG + "CuratedDecision": "CuratedDecision",
    MG + "MatchRecord": "MatchRecord",
    MG + "FeedbackEvent": "FeedbackEvent",
    DQV + "QualityMeasurement": "Measurement",
    MG + "Run": "Run",
    MG + "Suite": "Suite",
    MG + "RunMeasurement": "RunMeasurement",
    MG + "MeasuredMetric": "MeasuredMetric",
    MG + "ClaimCheck": "ClaimCheck",
    PROV + "Activity": "Activity",
    MLS + "Run": "MLSRun",
    EARL + "Assertion": "Assertion",
    EARL + "TestResult": "TestResult",
    SKOS + "Concept": "Concept",
    SKOS + "ConceptScheme": "ConceptScheme",
    OWL + "Ontology": "Ontology",
    OWL + "Class": "Class",
    OWL + "ObjectProperty": "ObjectProperty",
    OWL + "DatatypeProperty": "DatatypeProperty",
    OWL + "AnnotationProperty": "AnnotationProperty",
}

LABEL_CLASS: dict[str, str] = {label: iri for iri, label in CLASSES.items()}
LABEL_CLASS.update({role: MG + "Artifact" for role in ARTIFACT_ROLES})

RELATIONS: dict[str, RelSpec] = {
    MG + "comparedArtifact": RelSpec("COMPARES"),
    MG + "hasCapability": RelSpec("HAS_CAPABILITY"),
    MG + "instanceOf": RelSpec("INSTANCE_OF"),
    MG + "conceptAssignment": RelSpec("HAS_ASSIGNMENT"),
    MG + "concept": RelSpec("ASSIGNS_CONCEPT"),
    MG + "servesIntent": RelSpec("SERVES_INTENT"),
    MG + "aboutCapability": RelSpec("ABOUT"),
    MG + "claimant": RelSpec("CLAIMS", inverse=True),
    MG + "fromStatement": RelSpec("FROM_STATEMENT"),
    MG + "otherArtifact": RelSpec("VERSUS"),
    MG + "observedArtifact": RelSpec("OBSERVED_IN", inverse=True),
    MG + "verdict": RelSpec("HAS_VERDICT"),
    MG + "winner": RelSpec("WINNER"),
    MG + "lead": RelSpec("HAS_LEAD"),
    MG + "leader": RelSpec("LEADER"),
    MG + "announced": RelSpec("ANNOUNCES"),
    MG + "mergedArtifact": RelSpec("MERGES"),
    MG + "canonicalArtifact": RelSpec("INTO"),
    MG + "result": RelSpec("HAS_RESULT"),
    MG + "matchedArtifact": RelSpec("MATCHED"),
    MG + "viaCapability": RelSpec("VIA_CAPABILITY"),
    PROV + "wasDerivedFrom": RelSpec("FROM_DOCUMENT"),
    DQV + "hasQualityMeasurement": RelSpec("HAS_MEASUREMENT"),
    DQV + "isMeasurementOf": RelSpec("OF_METRIC"),
    DQV + "computedOn": RelSpec("COMPUTED_ON"),
    MG + "evaluatedArtifact": RelSpec("EVALUATES"),
    MG + "onSuite": RelSpec("ON_SUITE"),
    PROV + "wasGeneratedBy": RelSpec("MEASURED_IN"),
    PROV + "used": RelSpec("USED"),
    QUDT + "unit": RelSpec("IN_UNIT"),
    EARL + "subject": RelSpec("CHECKS"),
    EARL + "result": RelSpec("HAS_TEST_RESULT"),
    EARL + "outcome": RelSpec("OUTCOME"),
    EARL + "assertedBy": RelSpec("ASSERTED_BY"),
    EARL + "mode": RelSpec("MODE"),
    SKOS + "broader": RelSpec("BROADER"),
    SKOS + "narrower": RelSpec("NARROWER"),
    SKOS + "inScheme": RelSpec("IN_SCHEME"),
    SKOS + "topConceptOf": RelSpec("TOP_CONCEPT_OF"),
    SKOS + "hasTopConcept": RelSpec("HAS_TOP_CONCEPT"),
    RDFS + "subClassOf": RelSpec("SUBCLASS_OF"),
    RDFS + "subPropertyOf": RelSpec("SUBPROPERTY_OF"),
    RDFS + "domain": RelSpec("DOMAIN"),
    RDFS + "range": RelSpec("RANGE"),
}


def _p(name: str, many: bool = False) -> PropSpec:
    return PropSpec(name, many)


PROPERTIES: dict[tuple[str, str], PropSpec] = {
    (MG + "slug", "string"): _p("slug"),
    (SCHEMA + "name", "string"): _p("name"),
    (MG + "addressed", "boolean"): _p("addressed"),
    (SCHEMA + "url", "string"): _p("url"),
    (SCHEMA + "mainEntityOfPage", "string"): _p("homepage"),
    (MG + "category", "string"): _p("categories", True),
    (MG + "tag", "string"): _p("tags", True),
    (MG + "documentKey", "string"): _p("key"),
    (MG + "contentHash", "string"): _p("contentHash"),
    (MG + "format", "string"): _p("format"),
    (MG + "loadedAt", "dateTime"): _p("loadedAt"),
    (MG + "complete", "boolean"): _p("complete"),
    (DCTERMS + "source", "string"): _p("source"),
    (MG + "path", "string"): _p("path"),
    (DCTERMS + "title", "string"): _p("title"),
    (DCTERMS + "title", "lang:en"): _p("title_en"),
    (MG + "summary", "string"): _p("summary"),
    (MG + "missing", "string"): _p("missing", True),
    (MG + "note", "string"): _p("notes", True),
    (MG + "line", "integer"): _p("line"),
    (MG + "pricing", "string"): _p("pricing"),
    (MG + "startingPrice", "string"): _p("startingPrice"),
    (DQV + "value", "integer"): _p("value"),
    (DQV + "value", "double"): _p("value"),
    (MG + "ordinal", "integer"): _p("ordinal"),
    (SCHEMA + "description", "string"): _p("description"),
    (MG + "truncated", "boolean"): _p("truncated"),
    (SKOS + "notation", "string"): _p("notation"),
    (MG + "bestFor", "string"): _p("bestFor", True),
    (MG + "limitation", "string"): _p("limitations", True),
    (MG + "requires", "string"): _p("requires", True),
    (MG + "inputType", "string"): _p("inputTypes", True),
    (MG + "outputType", "string"): _p("outputTypes", True),
    (MG + "matchConfidence", "double"): _p("matchConfidence"),
    (MG + "timesMatched", "integer"): _p("timesMatched"),
    (MG + "successRate", "double"): _p("successRate"),
    (SCHEMA + "text", "string"): _p("text"),
    (MG + "score", "double"): _p("score"),
    (MG + "statementKind", "string"): _p("statementKind"),
    (MG + "relation", "string"): _p("relation"),
    (MG + "polarity", "string"): _p("polarity"),
    (MG + "spanStart", "integer"): _p("spanStart"),
    (MG + "spanEnd", "integer"): _p("spanEnd"),
    (MG + "aspect", "string"): _p("aspect"),
    (MG + "otherClass", "string"): _p("otherClasses", True),
    (MG + "count", "integer"): _p("count"),
    (MG + "signal", "string"): _p("signal"),
    (MG + "rule", "string"): _p("rule"),
    (MG + "reason", "string"): _p("reason"),
    (PROV + "generatedAtTime", "dateTime"): _p("generatedAt"),
    (MG + "candidate", "string"): _p("candidates", True),
    (MG + "decision", "string"): _p("decision"),
    (MG + "first", "string"): _p("first"),
    (MG + "second", "string"): _p("second"),
    (MG + "mergedSlug", "string"): _p("mergedSlug"),
    (MG + "canonicalSlug", "string"): _p("canonicalSlug"),
    (MG + "matchId", "string"): _p("matchId"),
    (MG + "needText", "string"): _p("needText"),
    (MG + "position", "integer"): _p("position"),
    (MG + "viaIntent", "string"): _p("viaIntents", True),
    (MG + "outcome", "string"): _p("outcome"),
    (MG + "source", "string"): _p("reportedBy"),
    (SCHEMA + "comment", "string"): _p("remark"),
    (SKOS + "prefLabel", "lang:en"): _p("prefLabel"),
    (SKOS + "altLabel", "lang:en"): _p("altLabels", True),
    (SKOS + "hiddenLabel", "lang:en"): _p("hiddenLabels", True),
    (SKOS + "definition", "lang:en"): _p("definition"),
    (MGC + "keyword", "string"): _p("keywords", True),
    (MGC + "qualifier", "string"): _p("qualifiers", True),
    (MGC + "negativeKeyword", "string"): _p("negativeKeywords", True),
    (MGC + "inputType", "string"): _p("conceptInputs", True),
    (MGC + "outputType", "string"): _p("conceptOutputs", True),
    (RDFS + "label", "string"): _p("label"),
    (RDFS + "label", "lang:en"): _p("label_en"),
    (RDFS + "comment", "string"): _p("comment"),
    (RDFS + "comment", "lang:en"): _p("comment_en"),
    (OWL + "versionInfo", "string"): _p("versionInfo"),
    (MG + "runId", "string"): _p("runId"),
    (MG + "runner", "string"): _p("runner"),
    (MG + "suiteName", "string"): _p("suite"),
    (MG + "suiteHash", "string"): _p("suiteHash"),
    (MG + "itemCount", "integer"): _p("items"),
    (MG + "device", "string"): _p("device"),
    (MG + "hardware", "string"): _p("hardware"),
    (MG + "memoryBytes", "integer"): _p("memoryBytes"),
    (MG + "softwareVersion", "string"): _p("software", True),
    (MG + "weightsIdentity", "string"): _p("weights"),
    (MG + "randomWeights", "boolean"): _p("randomWeights"),
    (MG + "caveat", "string"): _p("caveat"),
    (MG + "ucumCode", "string"): _p("unit"),
    (MG + "language", "string"): _p("language"),
    (MG + "suiteItem", "string"): _p("item"),
    (MG + "status", "string"): _p("status"),
    (MG + "pairedTest", "string"): _p("pairedTest"),
    (MG + "pValue", "double"): _p("pValue"),
    (MG + "effectSize", "double"): _p("effect"),
    (MG + "effectLow", "double"): _p("effectLow"),
    (MG + "effectHigh", "double"): _p("effectHigh"),
    (MG + "pairedItems", "integer"): _p("pairedItems"),
    (PROV + "startedAtTime", "dateTime"): _p("startedAt"),
    (PROV + "endedAtTime", "dateTime"): _p("endedAt"),
    (DCTERMS + "description", "string"): _p("explanation"),
}

SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("Claim", MG + "claimant", MG + "otherArtifact", "VS_ALTERNATIVE", ("relation", "polarity", "aspect")),
    Shortcut("Merge", MG + "mergedArtifact", MG + "canonicalArtifact", "SAME_AS", ("rule", "reason")),
)

PENDING_DECLARATION: frozenset[str] = frozenset()
"""Terms matchgraph writes that ontology/matchgraph.ttl does not declare yet (none today)."""

_EXTERNAL = (SCHEMA, PROV, DCTERMS, SKOS, DQV, RDFS, OWL, EARL, MLS, QUDT)


def ontology_problems() -> list[str]:
    """Every inconsistency between this table and the ontology files, as sentences.

    A matchgraph term must be declared in ``matchgraph.ttl`` or ``capabilities.ttl`` with a
    matching kind (class, object property, literal property); terms of the standard
    vocabularies are taken as they are. Labels, types and property names must be unique
    (property names per Python value type, which is how a value reads back).
    """
    from matchgraph.ontology.vocab import RDF, ontology_path
    from pyoxigraph import RdfFormat, Store

    store = Store()
    for name in ("matchgraph.ttl", "capabilities.ttl"):
        store.load(ontology_path(name).read_bytes(), format=RdfFormat.TURTLE)
    declared: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, None, None):
        if quad.predicate.value == RDF + "type":
            declared.setdefault(str(getattr(quad.subject, "value", "")), set()).add(str(getattr(quad.object, "value", "")))
    kinds = {
        "class": {OWL + "Class"},
        "relation": {OWL + "ObjectProperty"},
        "literal": {OWL + "DatatypeProperty", OWL + "AnnotationProperty"},
    }
    problems: list[str] = []

    def check(iri: str, kind: str) -> None:
        if iri.startswith(_EXTERNAL) or iri in PENDING_DECLARATION:
            return
        if not declared.get(iri, set()) & kinds[kind]:
            problems.append(f"{iri} is used as a {kind} but the ontology does not declare it so")

    for iri in CLASSES:
        check(iri, "class")
    for iri in RELATIONS:
        check(iri, "relation")
    for iri, form in PROPERTIES:
        check(iri, "literal")
        if form not in FORMS:
            problems.append(f"{iri}: unknown literal form {form}")
    for iri in PENDING_DECLARATION:
        if iri in declared:
            problems.append(f"{iri} is declared now: drop it from PENDING_DECLARATION")
    if len(set(CLASSES.values())) != len(CLASSES):
        problems.append("two classes share a label")
    if len({s.type for s in RELATIONS.values()} | {s.type for s in SHORTCUTS}) != len(RELATIONS) + len(SHORTCUTS):
        problems.append("two predicates share a relationship type")
    seen: dict[tuple[str, str], str] = {}
    for (iri, form), spec in PROPERTIES.items():
        key = (spec.name, _python_kind(form))
        if key in seen and seen[key] != iri:
            problems.append(f"property {spec.name!r} reads back ambiguously ({seen[key]} and {iri})")
        seen[key] = iri
    return problems


def _python_kind(form: str) -> str:
    return {"integer": "int", "double": "float", "boolean": "bool"}.get(form, "str")
