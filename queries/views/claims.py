"""Claims and alternatives, read through entity resolution.

``claims`` lists typed claims with filters; ``alternatives`` lists the artifacts a given
artifact is compared against in either direction (a document comparing them side by side,
a claim it makes about them, or a claim they make about it), each with the claims behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from matchgraph.queries.library import sparql as q
from matchgraph.queries.library import sparql_snapshot as qs
from matchgraph.queries.snapshot import ClaimRecord

__all__ = ["Alternative", "alternatives", "claims"]


class ClaimSource(Protocol):
    def iter_select(self, query: q.SparqlQuery, **params: object) -> Iterator[dict[str, object]]: ...
    def canonical_map(self) -> dict[str, str]: ...


def claims(
    store: ClaimSource,
    *,
    artifact: str | None = None,
    relation: str | None = None,
    polarity: str | None = None,
    other: str | None = None,
) -> list[ClaimRecord]:
    """Typed claims, optionally only those made by ``artifact`` (a canonical slug) or about
    ``other``, with a given relation or polarity."""
    from matchgraph.queries.snapshot_sparql import snapshot_claims

    canon = store.canonical_map()
    rows = snapshot_claims(store, lambda s: canon.get(str(s), str(s)))
    return [
        c
        for c in rows
        if (artifact is None or c.subject == artifact)
        and (relation is None or c.relation == relation)
        and (polarity is None or c.polarity == polarity)
        and (other is None or other in c.others)
    ]


@dataclass
class Alternative:
    slug: str
    compared_in: list[str] = field(default_factory=list)
    """Documents that compare the two side by side."""
    claims_made: list[ClaimRecord] = field(default_factory=list)
    """Claims the artifact makes about this alternative."""
    claims_received: list[ClaimRecord] = field(default_factory=list)
    """Claims this alternative makes about the artifact."""


def alternatives(store: ClaimSource, slug: str, *, known: Sequence[ClaimRecord] | None = None) -> list[Alternative]:
    """What ``slug`` is compared against; ``known`` (the claims made by or about it)
    saves reading every claim in the store when the caller has them."""
    canon = store.canonical_map()
    found: dict[str, Alternative] = {}

    def entry(other: str) -> Alternative:
        return found.setdefault(other, Alternative(slug=other))

    by_doc: dict[str, set[str]] = defaultdict(set)
    for row in store.select(qs.SNAPSHOT_COMPARED):
        by_doc[str(row["key"])].add(canon.get(str(row["slug"]), str(row["slug"])))
    for key, members in sorted(by_doc.items()):
        if slug in members:
            for other in sorted(members - {slug}):
                entry(other).compared_in.append(key)
    for claim in (claims(store) if known is None else known):
        if claim.subject == slug:
            for other in claim.others:
                if other != slug:
                    entry(other).claims_made.append(claim)
        elif slug in claim.others:
            entry(claim.subject).claims_received.append(claim)
    return sorted(found.values(), key=lambda a: (-len(a.compared_in) - len(a.claims_made) - len(a.claims_received), a.slug))
