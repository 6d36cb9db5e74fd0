"""Runs as evidence: each run is its own named graph, validated before it is written.

A run's graph ``mgid:run/<id>`` holds the ``mg:Run`` (a ``prov:Activity`` and an ML-Schema
``mls:Run``) with the runner, the artifact it measured, the suite and its content hash, the
hardware, software versions, the weights' identity (or "random weights") and its start and
end, and one ``dqv:QualityMeasurement`` per figure with its metric, value and unit (a QUDT
unit and its UCUM code). Runs never overwrite each other (ids carry time and randomness and
a run graph is only ever created whole), and removing a run drops its graph and nothing
else, plus the claim checks that relied on it (they are derived and would be stale).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from matchgraph.errors import NotFoundError, StoreError, ValidationError
from matchgraph.ontology.vocab import ID, MG, PROV, RDF, XSD, artifact_iri
from matchgraph.queries.library import evidence_sparql as eq
from matchgraph.queries.library.sparql import SparqlQuery
from matchgraph.runners.base import RunRecord
from matchgraph.runners.metrics import UNITS

__all__ = [
    "DQV_MEASUREMENT",
    "EvidenceStore",
    "MLS",
    "QUDT",
    "QUDT_UNIT",
    "RunSummary",
    "artifact_runs",
    "item_values",
    "remove_run",
    "run_graph_iri",
    "run_triples",
    "store_run",
]

MLS = "http://www.w3.org/ns/mls#"
QUDT = "http://qudt.org/schema/qudt/"
QUDT_UNIT = "http://qudt.org/vocab/unit/"
DQV = "http://www.w3.org/ns/dqv#"
DQV_MEASUREMENT = DQV + "QualityMeasurement"
_A = NamedNode(RDF + "type")


class EvidenceStore(Protocol):
    def select(self, query: SparqlQuery, **params: Any) -> list[dict[str, object]]: ...
    def add_facts(self, graph: str, triples: list[Triple]) -> None: ...
    def replace_graph(self, graph: str, triples: list[Triple]) -> None: ...
    def validator(self) -> Any: ...


def run_graph_iri(run_id: str) -> str:
    return f"{ID}run/{run_id}"


def _mg(local: str) -> NamedNode:
    return NamedNode(MG + local)


def _lit(value: object) -> Literal:
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return Literal(repr(value), datatype=NamedNode(XSD + "double"))
    return Literal(str(value))


def _time(iso: str) -> Literal:
    return Literal(iso, datatype=NamedNode(XSD + "dateTime"))


def run_triples(record: RunRecord) -> list[Triple]:
    """The facts of one run, all in its own graph."""
    run = NamedNode(run_graph_iri(record.run_id))
    suite = NamedNode(f"{ID}suite/{record.suite_hash}")
    out = [
        Triple(run, _A, _mg("Run")),
        Triple(run, _A, NamedNode(PROV + "Activity")),
        Triple(run, _A, NamedNode(MLS + "Run")),
        Triple(run, _mg("runId"), _lit(record.run_id)),
        Triple(run, _mg("runner"), _lit(record.runner)),
        Triple(run, _mg("evaluatedArtifact"), NamedNode(artifact_iri(record.artifact))),
        Triple(run, _mg("onSuite"), suite),
        Triple(run, _mg("suiteName"), _lit(record.suite)),
        Triple(run, _mg("suiteHash"), _lit(record.suite_hash)),
        Triple(run, _mg("itemCount"), _lit(record.items)),
        Triple(run, _mg("device"), _lit(record.device)),
        Triple(run, _mg("hardware"), _lit(record.hardware)),
        Triple(run, _mg("memoryBytes"), _lit(record.memory_bytes)),
        Triple(run, _mg("weightsIdentity"), _lit(record.weights)),
        Triple(run, _mg("randomWeights"), _lit(record.random_weights)),
        Triple(run, NamedNode(PROV + "startedAtTime"), _time(record.started)),
        Triple(run, NamedNode(PROV + "endedAtTime"), _time(record.ended)),
        Triple(suite, _A, _mg("Suite")),
        Triple(suite, _mg("suiteName"), _lit(record.suite)),
        Triple(suite, _mg("suiteHash"), _lit(record.suite_hash)),
    ]
    out += [Triple(run, _mg("softwareVersion"), _lit(s)) for s in record.software]
    if record.note:
        out.append(Triple(run, _mg("caveat"), _lit(record.note)))
    for n, m in enumerate(record.measurements):
        node = NamedNode(f"{run.value}/m/{n}")
        qudt, ucum = UNITS[m.unit]
        out += [
            Triple(node, _A, NamedNode(DQV_MEASUREMENT)),
            Triple(node, _A, _mg("RunMeasurement")),
            Triple(node, NamedNode(DQV + "isMeasurementOf"), _mg(m.metric)),
            Triple(node, NamedNode(DQV + "value"), _lit(float(m.value))),
            Triple(node, NamedNode(DQV + "computedOn"), NamedNode(artifact_iri(record.artifact))),
            Triple(node, NamedNode(QUDT + "unit"), NamedNode(QUDT_UNIT + qudt)),
            Triple(node, _mg("ucumCode"), _lit(ucum)),
            Triple(node, NamedNode(PROV + "wasGeneratedBy"), run),
        ]
        if m.language:
            out.append(Triple(node, _mg("language"), _lit(m.language)))
        if m.item:
            out.append(Triple(node, _mg("suiteItem"), _lit(m.item)))
    return out


def store_run(store: EvidenceStore, record: RunRecord) -> str:
    """Validate the run's facts with the store's SHACL validator and write them as a new
    graph (one transaction). Returns the graph IRI.

    Raises:
        ValidationError: the facts break ``ontology/shapes.ttl`` (nothing is written).
    """
    graph = run_graph_iri(record.run_id)
    triples = run_triples(record)
    if store.select(eq.RUN_GRAPHS, runId=record.run_id):
        raise StoreError(f"run {record.run_id} is already stored; runs are never overwritten")
    body = serialize(triples, format=RdfFormat.N_TRIPLES)
    violations = store.validator().validate_serialized({graph: body}).get(graph, [])
    if violations:
        raise ValidationError(f"run {record.run_id}", violations)
    store.add_facts(graph, triples)
    return graph


def remove_run(store: EvidenceStore, run_id: str) -> list[str]:
    """Drop the run's graph and the claim checks that used it; returns the graphs dropped.

    Raises:
        NotFoundError: no stored run has this id.
    """
    rows = store.select(eq.RUN_GRAPHS, runId=run_id)
    if not rows:
        raise NotFoundError(f"no stored run {run_id!r} (ids are listed by `matchgraph evidence SLUG`)")
    graph = str(rows[0]["run"])
    dropped = [graph]
    for row in store.select(eq.CHECKS):
        if graph in str(row.get("runs") or "").split():
            dropped.append(str(row["check"]))
    for g in dropped:
        store.replace_graph(g, [])
    return dropped


@dataclass
class RunSummary:
    """A stored run with its run-level and per-language figures (what ``evidence`` prints)."""

    run: str
    run_id: str
    runner: str
    suite: str
    suite_hash: str
    items: int
    device: str
    hardware: str
    weights: str
    random_weights: bool
    started: str
    ended: str
    software: list[str]
    caveat: str | None
    figures: list[dict[str, object]] = field(default_factory=list)

    def value(self, metric: str, language: str | None = None) -> float | None:
        for f in self.figures:
            if f["metric"] == metric and f.get("language") == language:
                return float(f["value"])  # type: ignore[arg-type]
        return None

    def as_json(self) -> dict[str, object]:
        return {
            "run_id": self.run_id, "runner": self.runner, "suite": self.suite, "suite_hash": self.suite_hash,
            "items": self.items, "device": self.device, "hardware": self.hardware, "weights": self.weights,
            "random_weights": self.random_weights, "started": self.started, "ended": self.ended,
            "software": self.software, "caveat": self.caveat, "figures": self.figures, "source": self.run,
        }


def artifact_runs(store: EvidenceStore, slug: str) -> list[RunSummary]:
    """Every stored run of artifact ``slug``, oldest first, with its figures."""
    artifact = NamedNode(artifact_iri(slug))
    figures: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in store.select(eq.RUN_MEASUREMENTS, artifact=artifact):
        figures[str(row["run"])].append({
            "metric": str(row["metric"]).rsplit("#", 1)[-1],
            "value": row["value"],
            "unit": str(row["ucum"]),
            "qudt_unit": str(row["unit"]),
            "language": row.get("lang"),
        })
    out = []
    for row in store.select(eq.ARTIFACT_RUNS, artifact=artifact):
        run = str(row["run"])
        out.append(RunSummary(
            run=run, run_id=str(row["runId"]), runner=str(row["runner"]), suite=str(row["suite"]),
            suite_hash=str(row["suiteHash"]), items=int(row["items"]), device=str(row["device"]),  # type: ignore[call-overload]
            hardware=str(row["hardware"]), weights=str(row["weights"]), random_weights=bool(row["random"]),
            started=str(row["started"]), ended=str(row["ended"]),
            software=sorted(s for s in str(row.get("software") or "").split("\x1f") if s),
            caveat=None if row.get("caveat") is None else str(row["caveat"]),
            figures=sorted(figures.get(run, []), key=lambda f: (str(f["metric"]), str(f.get("language") or ""))),
        ))
    return out


def item_values(store: EvidenceStore, run: str, metric: str) -> dict[str, float]:
    """Per-item values of ``metric`` in one run (what a paired test compares)."""
    rows = store.select(eq.RUN_ITEM_VALUES, run=NamedNode(run), metric=_mg(metric))
    return {str(r["item"]): float(r["value"]) for r in rows}  # type: ignore[arg-type]

