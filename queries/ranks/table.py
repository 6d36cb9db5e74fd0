"""The rank table: what ``rank`` reads, as arrays over every artifact.

A new weighting or seed then costs array arithmetic over all artifacts (composites,
positions, agreement) and builds objects only for the rows shown. At 100,000 artifacts
the object-per-artifact path (:func:`matchgraph.queries.ranks.composite.recompute`) took seconds;
this one takes tens of milliseconds. Both give the same rows: tests hold them together.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from matchgraph.queries.ranks.weights import (
    RankWeights,
    composites,
    observations_by_artifact,
    signal_matrix,
    spearman,
)
from matchgraph.queries.snapshot import ArtifactRecord, GraphSnapshot, ObservationRecord

if TYPE_CHECKING:
    from matchgraph.queries.ranks.composite import RankAgreement, RankRow

__all__ = ["RankTable", "Records", "agreement_of", "snapshot_records", "top_rows"]


Records = Callable[[str], tuple[ArtifactRecord, Sequence[ObservationRecord]]]
"""An artifact's record and observations by slug: the engine reads them from its per-artifact
slices table, which holds them already, so the rank table does not store them again."""


@dataclass(frozen=True, eq=False)
class RankTable:
    """Per-artifact signals and the mean observed rank as arrays; records of the rows shown
    are read through a :data:`Records` lookup."""

    slugs: tuple[str, ...]
    matrix: np.ndarray
    """Artifacts x signals, mean over sources clipped to [0, 1], NaN where missing."""
    observed_mean: np.ndarray
    """Mean observed rank per artifact, NaN where no source reports one."""
    slug_order: np.ndarray
    """Position of each slug in alphabetical order (ties in composite break by slug)."""
    orphans: dict[str, tuple[ObservationRecord, ...]] = field(default_factory=dict)
    """Observations of slugs no artifact record describes (so no slice holds them)."""

    @classmethod
    def from_snapshot(cls, snapshot: GraphSnapshot) -> RankTable:
        slugs, matrix, _ = signal_matrix(snapshot)
        by = observations_by_artifact(snapshot)
        described = {a.slug for a in snapshot.artifacts}
        observed = np.array([
            float(np.mean(ranks)) if (ranks := [o.rank for o in by[s] if o.rank is not None]) else math.nan
            for s in slugs
        ])
        order = np.empty(len(slugs), dtype=np.int64)
        order[np.argsort(np.array(slugs, dtype=object), kind="stable")] = np.arange(len(slugs))
        orphans = {s: tuple(by[s]) for s in slugs if s not in described}
        return cls(tuple(slugs), matrix, observed, order, orphans)

    def __len__(self) -> int:
        return len(self.slugs)

    def subset(self, rows: np.ndarray, records: Records) -> GraphSnapshot:
        """A snapshot holding only the artifacts at ``rows`` and their observations."""
        artifacts: list[ArtifactRecord] = []
        observations: list[ObservationRecord] = []
        for i in rows:
            slug = self.slugs[int(i)]
            if slug in self.orphans:
                artifact, obs = ArtifactRecord(slug=slug, name=slug), self.orphans[slug]
            else:
                artifact, obs = records(slug)
            artifacts.append(artifact)
            observations.extend(obs)
        return GraphSnapshot(artifacts=tuple(artifacts), observations=tuple(observations))


def snapshot_records(snapshot: GraphSnapshot) -> Records:
    """:data:`Records` read from a whole snapshot (for callers that hold one)."""
    artifacts = {a.slug: a for a in snapshot.artifacts}
    by = observations_by_artifact(snapshot)
    return lambda slug: (artifacts[slug], by[slug])


def top_rows(table: RankTable, weights: RankWeights, limit: int, records: Records
             ) -> tuple[list[RankRow], np.ndarray, int]:
    """The ``limit`` best rows (as :func:`~matchgraph.queries.ranks.composite.recompute` orders and
    describes them), their table indices, and how many artifacts have a composite."""
    from matchgraph.queries.ranks.composite import recompute

    comp = composites(table.matrix, np.array(weights.as_tuple()))[0] if len(table) else np.zeros(0)
    scored = np.flatnonzero(~np.isnan(comp))
    order = scored[np.lexsort((table.slug_order[scored], -comp[scored]))]
    top = order[:limit]
    ascending = np.sort(comp[scored])
    positions = 1 + len(scored) - np.searchsorted(ascending, comp[top] + 1e-9, "right")
    described = {r.slug: r for r in recompute(table.subset(top, records), weights)}
    rows = [replace(described[table.slugs[i]], position=int(p)) for i, p in zip(top, positions)]
    return rows, top, len(scored)


def agreement_of(table: RankTable, weights: RankWeights) -> RankAgreement:
    """:func:`~matchgraph.queries.ranks.composite.agreement` over every artifact, as array sums."""
    from matchgraph.queries.ranks.composite import RankAgreement

    comp = composites(table.matrix, np.array(weights.as_tuple()))[0] if len(table) else np.zeros(0)
    both = ~np.isnan(comp) & ~np.isnan(table.observed_mean)
    c, o = comp[both], table.observed_mean[both]
    if not len(c):
        return RankAgreement(0, None, None, None)
    deltas = np.abs(c - o)
    rho = None
    if len(c) >= 3 and len(np.unique(c)) > 1 and len(np.unique(o)) > 1:
        rho = spearman(c, o)
    return RankAgreement(int(len(c)), float(deltas.mean()), float(deltas.max()), rho)
