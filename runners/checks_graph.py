"""Claim checks as EARL assertions, one graph per claim (``mgid:check/<hash>``).

A new check of a claim replaces its previous one (one atomic graph swap): the status is a
conclusion drawn from the runs present now, while the runs themselves are kept. Each
assertion names the runs that decided it (``prov:used``), so removing a run can remove the
checks that relied on it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from matchgraph.errors import ValidationError
from matchgraph.ontology.vocab import DCTERMS, ID, MG, PROV, RDF, XSD
from matchgraph.queries.library import evidence_sparql as eq
from matchgraph.runners.claim_check import ClaimStatus, claim_id
from matchgraph.runners.evidence import EvidenceStore

__all__ = ["EARL", "check_graph_iri", "check_triples", "record_check", "stored_checks"]

EARL = "http://www.w3.org/ns/earl#"
_A = NamedNode(RDF + "type")


def check_graph_iri(claim: str) -> str:
    return f"{ID}check/{hashlib.sha256(claim.encode()).hexdigest()[:20]}"


def _d(value: float) -> Literal:
    return Literal(repr(float(value)), datatype=NamedNode(XSD + "double"))


def check_triples(check: ClaimStatus, when: datetime) -> list[Triple]:
    node = NamedNode(check_graph_iri(check.claim))
    result = NamedNode(node.value + "/result")
    out = [
        Triple(node, _A, NamedNode(MG + "ClaimCheck")),
        Triple(node, _A, NamedNode(EARL + "Assertion")),
        Triple(node, NamedNode(EARL + "subject"), NamedNode(check.claim)),
        Triple(node, NamedNode(EARL + "assertedBy"), NamedNode(ID + "agent/matchgraph")),
        Triple(node, NamedNode(EARL + "mode"), NamedNode(EARL + "automatic")),
        Triple(node, NamedNode(EARL + "result"), result),
        Triple(node, NamedNode(PROV + "generatedAtTime"), Literal(when.isoformat(), datatype=NamedNode(XSD + "dateTime"))),
        Triple(result, _A, NamedNode(EARL + "TestResult")),
        Triple(result, NamedNode(EARL + "outcome"), NamedNode(EARL + check.outcome)),
        Triple(result, NamedNode(MG + "status"), Literal(check.status)),
        Triple(result, NamedNode(DCTERMS + "description"), Literal(check.reason)),
    ]
    out += [Triple(node, NamedNode(PROV + "used"), NamedNode(run)) for run in check.runs]
    if check.result is not None and check.test:
        r = check.result
        out += [
            Triple(result, NamedNode(MG + "pairedTest"), Literal(check.test)),
            Triple(result, NamedNode(MG + "pValue"), _d(min(1.0, max(0.0, r.p_value)))),
            Triple(result, NamedNode(MG + "effectSize"), _d(r.effect)),
            Triple(result, NamedNode(MG + "effectLow"), _d(r.low)),
            Triple(result, NamedNode(MG + "effectHigh"), _d(r.high)),
            Triple(result, NamedNode(MG + "pairedItems"), Literal(str(r.n), datatype=NamedNode(XSD + "integer"))),
        ]
    return out


def record_check(store: EvidenceStore, check: ClaimStatus, when: datetime | None = None) -> str:
    """Validate and store (replacing) the check of one claim; returns its graph IRI.

    Raises:
        ValidationError: the assertion breaks the shapes (nothing is written).
    """
    graph = check_graph_iri(check.claim)
    triples = check_triples(check, when or datetime.now(UTC))
    body = serialize(triples, format=RdfFormat.N_TRIPLES)
    violations = store.validator().validate_serialized({graph: body}).get(graph, [])
    if violations:
        raise ValidationError(f"check of {check.claim}", violations)
    store.replace_graph(graph, triples)
    return graph


def stored_checks(store: EvidenceStore) -> dict[str, dict[str, object]]:
    """Claim IRI -> its stored check as JSON-ready fields."""
    out: dict[str, dict[str, object]] = {}
    for row in store.select(eq.CHECKS):
        claim = str(row["claim"])
        entry: dict[str, object] = {
            "claim_id": claim_id(claim), "status": str(row["status"]),
            "outcome": "earl:" + str(row["outcome"]).rsplit("#", 1)[-1], "reason": str(row["reason"]),
            "checked_at": str(row["when"]), "runs": sorted(str(row.get("runs") or "").split()),
        }
        if row.get("test") is not None:
            entry.update(test=row["test"], p_value=row.get("p"), effect=row.get("effect"),
                         effect_interval=[row.get("low"), row.get("high")], items=row.get("n"))
        out[claim] = entry
    return out
