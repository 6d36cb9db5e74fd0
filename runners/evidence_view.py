"""Measured evidence beside what pages say: for ``show``, ``claims --status`` and ``compare``.

The read commands call these with one line each, so their own modules stay about pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matchgraph.queries.views.claims import claims as list_claims
from matchgraph.queries.snapshot import ClaimRecord
from matchgraph.runners.checks_graph import stored_checks
from matchgraph.runners.claim_check import check_claim, claim_id, runner_for
from matchgraph.runners.evidence import EvidenceStore, artifact_runs

__all__ = ["annotate_show", "claim_statuses", "compare_sentences", "empty_evidence_note", "status_of"]


def empty_evidence_note(slug: str) -> str:
    """What would fill an empty evidence list for ``slug``."""
    name = runner_for(slug)
    if name is None:
        return f"no run yet, and no runner stands for {slug} (see `matchgraph runners`)"
    return f"no run yet: `matchgraph run {name} --artifact {slug} --suite SUITE` would attach measured figures"


def status_of(store: EvidenceStore, claim: ClaimRecord, checks: dict[str, dict[str, object]]) -> dict[str, object]:
    """The stored check of ``claim``, else what checking it now without running anything says."""
    if claim.iri in checks:
        return checks[claim.iri]
    live = check_claim(store, claim, execute=False)
    return {"claim_id": claim_id(claim.iri), "status": live.status, "outcome": "earl:" + live.outcome,
            "reason": live.reason + " (not yet recorded: run `matchgraph verify`)", "runs": list(live.runs)}


def claim_statuses(store: Any, claims: list[ClaimRecord]) -> list[dict[str, object]]:
    checks = stored_checks(store)
    return [status_of(store, c, checks) for c in claims]


def annotate_show(store: Any, slug: str, data: dict[str, Any], *, claims: Sequence[ClaimRecord] | None = None) -> dict[str, Any]:
    """Add ``evidence`` (runs with figures; empty with ``evidence_note`` saying what would
    fill it) and each claim's ``status``, ``status_reason`` and ``claim_id`` to ``show --json``.
    ``claims`` (the artifact's own, when the caller has them) saves reading every claim."""
    runs = artifact_runs(store, slug)
    data["evidence"] = [r.as_json() for r in runs]
    data["evidence_note"] = None if runs else empty_evidence_note(slug)
    mine = list(claims) if claims is not None else list_claims(store, artifact=slug)
    checks = stored_checks(store)
    for capability in data.get("capabilities", []):
        for claim in capability.get("claims", []):
            record = next((c for c in mine if c.capability == capability.get("iri") and c.text == claim.get("text")
                           and c.relation == claim.get("relation")), None)
            if record is None:
                claim.update(status="untested", status_reason="claim not found among typed claims", claim_id=None)
                continue
            found = status_of(store, record, checks)
            claim.update(status=found["status"], status_reason=found["reason"], claim_id=found["claim_id"])
    return data


def compare_sentences(store: Any, a: str, b: str, *, claims: Sequence[ClaimRecord] | None = None) -> list[str]:
    """"The page claims X; our measurements show Y" for each claim between ``a`` and ``b``;
    ``claims`` (those ``a`` and ``b`` make, when the caller has them) saves reading all."""
    checks = stored_checks(store)
    out = []
    for claim in (list_claims(store) if claims is None else claims):
        if not ((claim.subject == a and b in claim.others) or (claim.subject == b and a in claim.others)):
            continue
        found = status_of(store, claim, checks)
        out.append(f"The page claims {claim.subject} {claim.relation.replace('_', ' ')} "
                   f"{', '.join(claim.others)}{' on ' + claim.aspect if claim.aspect else ''} "
                   f"(\"{claim.text}\"); our measurements show: {found['status']} — {found['reason']}")
    return out
