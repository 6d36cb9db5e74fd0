"""One artifact's share of the snapshot, so a question about two artifacts reads two slices
instead of the whole graph.

``compare`` needs the two artifacts' observations, the claims they make, and the verdicts
of pages that compare them; :func:`artifact_slices` cuts the snapshot into those parts once
per store version, and :func:`pair_snapshot` puts two back together into a snapshot that
:func:`matchgraph.queries.match.verdict.compare` answers exactly as it would on the whole one.
The claims made *about* an artifact are cut apart (:func:`claims_about`): an artifact most
pages name ("faster than Tesseract") receives tens of thousands at 100,000 artifacts, which
``compare`` never reads but would unpickle with every slice (1.4 s of a 2 s ``compare``).

>>> from matchgraph.queries.snapshot import ArtifactRecord as A, ObservationRecord as O
>>> snap = GraphSnapshot(artifacts=(A("a", "A"), A("b", "B"), A("c", "C")),
...                      observations=(O("a", "doc", rank=5), O("c", "doc", rank=7)))
>>> cut = artifact_slices(snap)
>>> [o.artifact for o in pair_snapshot([cut["a"], cut["b"]], ()).observations]
['a']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matchgraph.queries.snapshot import (
    ArtifactRecord,
    ClaimRecord,
    ConceptRecord,
    GraphSnapshot,
    ObservationRecord,
    VerdictRecord,
)

__all__ = ["ArtifactSlice", "artifact_slices", "claims_about", "pair_snapshot"]


@dataclass(frozen=True)
class ArtifactSlice:
    """What the snapshot holds about one artifact that a pair question reads."""

    artifact: ArtifactRecord
    observations: tuple[ObservationRecord, ...] = ()
    claims: tuple[ClaimRecord, ...] = ()
    """Claims this artifact makes (it is the subject)."""
    verdicts: tuple[VerdictRecord, ...] = ()
    """Verdicts of pages that compare this artifact."""


def artifact_slices(snapshot: GraphSnapshot) -> dict[str, ArtifactSlice]:
    """Every artifact's slice, keyed by slug (one pass over the snapshot)."""
    observations: dict[str, list[ObservationRecord]] = defaultdict(list)
    claims: dict[str, list[ClaimRecord]] = defaultdict(list)
    verdicts: dict[str, list[VerdictRecord]] = defaultdict(list)
    for o in snapshot.observations:
        observations[o.artifact].append(o)
    for c in snapshot.claims:
        claims[c.subject].append(c)
    for v in snapshot.verdicts:
        for slug in dict.fromkeys(v.compared):
            verdicts[slug].append(v)
    return {
        a.slug: ArtifactSlice(a, tuple(observations[a.slug]), tuple(claims[a.slug]), tuple(verdicts[a.slug]))
        for a in snapshot.artifacts
    }


def claims_about(snapshot: GraphSnapshot) -> dict[str, tuple[ClaimRecord, ...]]:
    """The claims other artifacts make about each artifact (it is on the other side), in
    the snapshot's order, keyed by slug; artifacts no claim names have no key.

    >>> from matchgraph.queries.snapshot import ClaimRecord as C
    >>> claim = C("c1", subject="a", relation="faster_than", polarity="for", others=("b", "a"))
    >>> {slug: [c.iri for c in found] for slug, found in claims_about(GraphSnapshot(claims=(claim,))).items()}
    {'b': ['c1']}
    """
    received: dict[str, list[ClaimRecord]] = defaultdict(list)
    for c in snapshot.claims:
        for other in dict.fromkeys(c.others):
            if other != c.subject:
                received[other].append(c)
    return {slug: tuple(found) for slug, found in received.items()}


def pair_snapshot(slices: Sequence[ArtifactSlice], concepts: Iterable[ConceptRecord]) -> GraphSnapshot:
    """A snapshot holding just these slices (records kept in the snapshot's order)."""
    return GraphSnapshot(
        artifacts=tuple(s.artifact for s in slices),
        concepts=tuple(concepts),
        observations=tuple(o for s in slices for o in s.observations),
        claims=tuple(dict.fromkeys(c for s in slices for c in s.claims)),
        verdicts=tuple(dict.fromkeys(v for s in slices for v in s.verdicts)),
    )
