"""Synthetic graph snapshots shaped like the real capability graph, for benchmarks.

Shape, and why: artifacts have 5-20 capabilities, each mapped to one leaf concept of a
three-level scheme (domain -> area -> leaf). Leaf popularity is Zipf, so a few concepts
("self-hosted deployment" in domain 0, a facet domain) are shared by most artifacts while
most are rare: exactly what makes naive all-pairs products slow. Artifacts focus on one
domain (most capabilities drawn from it), as real ones do. Capabilities carry intents
(some shared through a per-concept pool, most unique), artifacts make claims about and
are compared with others, mostly within their domain.

Reusable by every benchmark: ``synthetic_snapshot(n)`` is deterministic for a seed.

>>> snap = synthetic_snapshot(50, seed=1)
>>> len(snap.artifacts), 5 * 50 <= len(snap.capabilities) <= 20 * 50
(50, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matchgraph.queries.snapshot import (
    ArtifactRecord,
    CapabilityRecord,
    ClaimRecord,
    ConceptRecord,
    GraphSnapshot,
)

__all__ = ["DOMAINS", "SyntheticShape", "synthetic_snapshot"]

NS = "https://matchgraph.example/concept/"
DOMAINS = (
    "deployment and infrastructure", "image", "text", "audio", "code", "data",
    "agents", "search", "video", "speech", "math", "robotics",
)
"""Top concepts; the first is a facet domain (deployment), found by ``default_facets``."""
TYPES = ("model", "repository", "mcp_server", "product", "framework", "cli_tool")


@dataclass(frozen=True)
class SyntheticShape:
    """Knobs of the generator; defaults give ~12.5 capability edges per artifact."""

    min_caps: int = 5
    max_caps: int = 20
    leaves_per_artifact: float = 0.2
    zipf: float = 1.0
    areas_per_domain: int = 8
    focus: float = 0.6
    intent_pool: int = 4
    shared_intent: float = 0.3
    claims_per_artifact: float = 2.0
    compared_per_artifact: float = 3.0
    same_domain: float = 0.7


def _zipf_cdf(weights: NDArray[np.float64]) -> NDArray[np.float64]:
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


def _draw_leaves(rng: np.random.Generator, home: NDArray[np.int64], n_leaves: int,
                 shape: SyntheticShape) -> NDArray[np.int64]:
    """One leaf per capability: Zipf within the home domain or over all leaves."""
    ranks = np.arange(n_leaves)
    weights = np.asarray(1.0 / (ranks + 1.0) ** shape.zipf, dtype=np.float64)
    leaf_domain = ranks % len(DOMAINS)
    out = np.searchsorted(_zipf_cdf(weights), rng.random(len(home)))
    focused = rng.random(len(home)) < shape.focus
    for d in range(len(DOMAINS)):
        pick = np.flatnonzero(focused & (home == d))
        members = ranks[leaf_domain == d]
        if len(pick) and len(members):
            at = np.searchsorted(_zipf_cdf(weights[members]), rng.random(len(pick)))
            out[pick] = members[np.minimum(at, len(members) - 1)]
    return np.minimum(out, n_leaves - 1)


def _concepts(n_leaves: int, shape: SyntheticShape) -> tuple[ConceptRecord, ...]:
    out = [ConceptRecord(f"{NS}d{d}", name) for d, name in enumerate(DOMAINS)]
    for d in range(len(DOMAINS)):
        for a in range(shape.areas_per_domain):
            out.append(ConceptRecord(f"{NS}d{d}/a{a}", f"{DOMAINS[d]} area {a}",
                                     broader=(f"{NS}d{d}",)))
    for r in range(n_leaves):
        d = r % len(DOMAINS)
        a = (r // len(DOMAINS)) % shape.areas_per_domain
        out.append(ConceptRecord(f"{NS}leaf{r}", f"{DOMAINS[d]} task {r}",
                                 broader=(f"{NS}d{d}/a{a}",)))
    return tuple(out)


def _partners(rng: np.random.Generator, home: NDArray[np.int64], count: int,
              shape: SyntheticShape) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(source, partner) artifact pairs, partners mostly from the source's domain."""
    n = len(home)
    src = rng.integers(0, n, size=count)
    partner = rng.integers(0, n, size=count)
    by_domain = [np.flatnonzero(home == d) for d in range(len(DOMAINS))]
    same = rng.random(count) < shape.same_domain
    for d, members in enumerate(by_domain):
        pick = np.flatnonzero(same & (home[src] == d))
        if len(pick) and len(members):
            partner[pick] = members[rng.integers(0, len(members), size=len(pick))]
    keep = src != partner
    return src[keep], partner[keep]


def _capabilities(rng: np.random.Generator, slugs: list[str], home: NDArray[np.int64],
                  n_leaves: int, shape: SyntheticShape) -> tuple[CapabilityRecord, ...]:
    n_caps = rng.integers(shape.min_caps, shape.max_caps + 1, size=len(slugs))
    owner = np.repeat(np.arange(len(slugs)), n_caps)
    leaves = _draw_leaves(rng, home[owner], n_leaves, shape).tolist()
    n_intents = rng.integers(1, 3, size=len(owner)).tolist()
    pooled = (rng.random((len(owner), 2)) < shape.shared_intent).tolist()
    variant = rng.integers(0, shape.intent_pool, size=(len(owner), 2)).tolist()
    caps = []
    for k, (o, leaf) in enumerate(zip(owner.tolist(), leaves, strict=True)):
        slug = slugs[o]
        intents = tuple(
            f"I need to do task {leaf} variant {variant[k][m]}" if pooled[k][m]
            else f"I need {slug} for job {k}-{m}"
            for m in range(n_intents[k])
        )
        caps.append(CapabilityRecord(
            iri=f"urn:cap:{slug}:{k}", artifact=slug, description="",
            name=f"task {leaf}", intents=intents, concepts=(f"{NS}leaf{leaf}",),
        ))
    return tuple(caps)


def synthetic_snapshot(n_artifacts: int, *, seed: int = 0,
                       shape: SyntheticShape | None = None) -> GraphSnapshot:
    """A deterministic synthetic snapshot with ``n_artifacts`` artifacts."""
    shape = shape or SyntheticShape()
    rng = np.random.default_rng(seed)
    n_leaves = max(50, int(n_artifacts * shape.leaves_per_artifact))
    slugs = [f"art-{i:06d}" for i in range(n_artifacts)]
    home = rng.integers(0, len(DOMAINS), size=n_artifacts)
    artifacts = tuple(
        ArtifactRecord(slug=s, name=f"Artifact {i}", type=TYPES[i % len(TYPES)],
                       free=bool(i % 2), open_weights=bool(i % 3), local=bool(i % 5))
        for i, s in enumerate(slugs)
    )
    n_claims = int(n_artifacts * shape.claims_per_artifact)
    c_src, c_dst = _partners(rng, home, n_claims, shape)
    polarity = rng.choice(["for", "against", "neutral"], size=len(c_src)).tolist()
    claims = tuple(
        ClaimRecord(iri=f"urn:claim:{k}", subject=slugs[s], relation="vs_alternatives",
                    polarity=polarity[k], others=(slugs[o],),
                    text=f"Artifact {s} is better than Artifact {o} at something")
        for k, (s, o) in enumerate(zip(c_src.tolist(), c_dst.tolist(), strict=True))
    )
    p_src, p_dst = _partners(rng, home, int(n_artifacts * shape.compared_per_artifact),
                             shape)
    pairs = {(min(a, b), max(a, b)) for a, b in zip(p_src.tolist(), p_dst.tolist(),
                                                    strict=True)}
    compared = tuple((slugs[a], slugs[b]) for a, b in sorted(pairs))
    return GraphSnapshot(
        artifacts=artifacts,
        capabilities=_capabilities(rng, slugs, home, n_leaves, shape),
        concepts=_concepts(n_leaves, shape),
        claims=claims,
        compared=compared,
        version=f"synthetic-{n_artifacts}-{seed}",
    )
