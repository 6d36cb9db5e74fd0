"""``matchgraph verify``: check one claim or all of them and record the results."""

from __future__ import annotations

from typing import Any

from matchgraph.errors import NotFoundError
from matchgraph.queries.views.claims import claims as list_claims
from matchgraph.runners.base import RunOptions
from matchgraph.runners.checks_graph import record_check
from matchgraph.runners.claim_check import ClaimStatus, check_claim, claim_id

__all__ = ["verify_claims"]


def verify_claims(store: Any, claim: str | None = None, *, suite: str = "ocr-multilingual", limit: int | None = None,
                  execute: bool = True) -> list[ClaimStatus]:
    """Check ``claim`` (a ``c-...`` id or a claim IRI) or every typed claim; each result is
    stored as an EARL assertion replacing the claim's previous check.

    Raises:
        NotFoundError: no typed claim has this id or IRI.
    """
    records = {c.iri: c for c in list_claims(store)}
    if claim is not None:
        chosen = [c for iri, c in records.items() if claim in (iri, claim_id(iri))]
        if not chosen:
            raise NotFoundError(f"no typed claim {claim!r} (ids are listed by `matchgraph claims NAME --status`)")
    else:
        chosen = list(records.values())
    options = RunOptions(limit=limit)
    results = []
    for record in chosen:
        result = check_claim(store, record, execute=execute, suite=suite, options=options)
        record_check(store, result)
        results.append(result)
    return results
