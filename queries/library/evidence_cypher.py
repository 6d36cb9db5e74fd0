"""Cypher twins of the evidence queries in :mod:`matchgraph.queries.library.evidence_sparql`."""

from __future__ import annotations

from matchgraph.ontology.vocab import MG, MGC
from matchgraph.queries.library.cypher import CypherQuery

__all__ = ["MULTILINGUAL_OCR_CER", "RUNS_AND_MEASUREMENTS"]

MULTILINGUAL_OCR_CER = CypherQuery(
    "multilingual_ocr_cer",
    """
MATCH (a:Resource)-[:HAS_CAPABILITY]->(:Capability)-[:INSTANCE_OF]->(:Concept {uri: $concept})
MATCH (m:RunMeasurement)-[:COMPUTED_ON]->(a), (m)-[:OF_METRIC]->(:Resource {uri: $metric}), (m)-[:MEASURED_IN]->(r:Run)
WHERE m.item IS NULL AND m.language IS NOT NULL
RETURN DISTINCT a.slug AS slug, r.uri AS run, m.language AS lang, m.value AS value
ORDER BY slug, run, lang
""",
    ("concept", "metric"),
    fixed={"concept": MGC + "MultilingualTextRecognition", "metric": MG + "CharacterErrorRate"},
)

RUNS_AND_MEASUREMENTS = CypherQuery(
    "runs_and_measurements",
    """
MATCH (r:Run)
OPTIONAL MATCH (m:RunMeasurement)-[:MEASURED_IN]->(r)
RETURN r.runId AS run_id, r.runner AS runner, r.weights AS weights, count(m) AS measurements
ORDER BY run_id
""",
)
