"""The six signals of a pair score, each a value in [0, 1] with the evidence behind it.

Pure functions of a :class:`MatchIndex` and two artifact rows. Every signal is bounded,
symmetric in (a, b) by construction, equals 1 for an artifact with itself, and the two
concept signals never decrease when a concept is added to both artifacts (weights held
fixed): weighted Jaccard moves towards 1 when the same weight joins its numerator and
denominator, and a best-match average gains a perfect match. The walk graph holds no
concepts, so the other signals do not move at all. Those are the pair-score properties
the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matchgraph.queries.match.all_pairs import concept_similarity
from matchgraph.queries.match.index import MatchIndex, remember
from matchgraph.queries.match.ppr import bfs_predecessors, personalized_pagerank_push

__all__ = [
    "Evidence",
    "Signal",
    "claim_signal",
    "co_comparison_signal",
    "concept_signal",
    "hierarchy_signal",
    "intent_signal",
    "ppr_rho",
    "ppr_signal",
    "ppr_vector",
]

SHOWN = 5
"""Evidence items named in a sentence; the evidence tuple itself keeps them all."""


@dataclass(frozen=True)
class Evidence:
    """One thing behind a term: a concept, intent, artifact, claim or walk path."""

    kind: Literal["concept", "hierarchy", "intent", "artifact", "claim", "path", "self"]
    label: str
    detail: str | None = None


@dataclass(frozen=True)
class Signal:
    """A signal's value in [0, 1], its evidence and one readable sentence."""

    value: float
    evidence: tuple[Evidence, ...]
    sentence: str


def _listed(labels: list[str]) -> str:
    more = f" and {len(labels) - SHOWN} more" if len(labels) > SHOWN else ""
    return ", ".join(labels[:SHOWN]) + more


def _weighted_jaccard(xs: list[int], ys: list[int], w: NDArray[np.float64]
                      ) -> tuple[float, list[int]]:
    """Shared weight over union weight of two id sets (0 when nothing is shared)."""
    ys_set = set(ys)
    shared = sorted(c for c in set(xs) if c in ys_set)
    s = float(sum(float(w[c]) for c in shared))
    union = float(sum(float(w[c]) for c in sorted(set(xs) | ys_set)))
    return (s / union if s > 0 and union > 0 else 0.0), shared


def concept_signal(index: MatchIndex, a: int, b: int) -> Signal:
    """Shared capability concepts weighted by rarity (the all-pairs kernel's quantity)."""
    value, shared = concept_similarity(index, a, b)
    c = index.concepts
    shared.sort(key=lambda i: (-index.concept_weight[i], c.labels[i]))
    ev = tuple(Evidence("concept", c.labels[i], "facet" if c.facet[i] else "task")
               for i in shared)
    if not shared:
        return Signal(0.0, (), "They share no capability concept.")
    return Signal(value, ev, f"They share {len(shared)} concept(s) ({_listed([e.label for e in ev])}),"
                  f" {value:.0%} of their combined rarity-weighted concepts.")


def _lin(index: MatchIndex, x: int, y: int) -> tuple[float, int]:
    """Lin similarity of two concepts and their most informative common ancestor.

    Domains (top concepts with narrower ones, such as "image") do not count as common
    ancestors: an OCR task and an image-generation task are not near because both are
    about images. Ties in information content go to the deeper ancestor.
    """
    if x == y:
        return 1.0, x
    c = index.concepts
    common = c.specific_ancestor_sets[x] & c.specific_ancestor_sets[y]
    if not common:
        return 0.0, -1
    ic = c.ic
    depth = c.depth
    lca = max(common, key=lambda z: (ic[z], depth[z], -z))
    den = float(ic[x] + ic[y])
    if den <= 0:
        return 0.0, lca
    return min(1.0, max(0.0, 2.0 * float(ic[lca]) / den)), lca


def _best_match(index: MatchIndex, xs: list[int], ys: list[int],
                found: dict[tuple[int, int], int]) -> float:
    """Weighted mean over xs of the best Lin similarity to any of ys."""
    w = index.concept_weight
    num = 0.0
    den = 0.0
    for x in xs:
        best, best_y, best_lca = 0.0, -1, -1
        for y in ys:
            sim, lca = _lin(index, x, y)
            if sim > best:
                best, best_y, best_lca = sim, y, lca
        if best_y >= 0 and best_y != x and best > 0:
            found[(min(x, best_y), max(x, best_y))] = best_lca
        num += float(w[x]) * best
        den += float(w[x])
    return num / den if den > 0 else 0.0


def hierarchy_signal(index: MatchIndex, a: int, b: int) -> Signal:
    """Proximity in the concept hierarchy: symmetric best-match average of Lin similarity.

    Catches near-misses exact overlap cannot: "text-to-image" and "image inpainting"
    under a shared "image generation". Each concept's best match is weighted by its
    rarity times the facet factor, as in the concept term.
    """
    xs = index.concepts_of(a).tolist()
    ys = index.concepts_of(b).tolist()
    if not xs or not ys:
        return Signal(0.0, (), "One side has no concepts to place in the hierarchy.")
    found: dict[tuple[int, int], int] = {}
    value = min(1.0, 0.5 * (_best_match(index, xs, ys, found)
                            + _best_match(index, ys, xs, found)))
    labels = index.concepts.labels
    ev = tuple(Evidence("hierarchy", f"{labels[x]} ~ {labels[y]}", f"via {labels[z]}")
               for (x, y), z in sorted(found.items()))
    if value <= 0:
        return Signal(0.0, (), "Their concepts share no specific broader concept.")
    near = f"; near matches: {_listed([f'{e.label} ({e.detail})' for e in ev])}" if ev else ""
    return Signal(value, ev, f"Best-match hierarchy similarity of their concepts is "
                  f"{value:.2f}{near}.")


def intent_signal(index: MatchIndex, a: int, b: int) -> Signal:
    """Shared intents (needs in a person's words), weighted by rarity."""
    value, shared = _weighted_jaccard(index.intents_of(a).tolist(),
                                      index.intents_of(b).tolist(), index.intent_weight)
    if not shared:
        return Signal(0.0, (), "They serve no intent in common.")
    ev = tuple(Evidence("intent", index.intent_texts[i]) for i in shared)
    return Signal(value, ev, f"They serve {len(ev)} intent(s) in common "
                  f"({_listed([repr(e.label) for e in ev])}).")


def co_comparison_signal(index: MatchIndex, a: int, b: int) -> Signal:
    """Compared against the same third artifacts (rarely compared ones count more)."""
    xs = [x for x in index.compared_with(a).tolist() if x != b]
    ys = [y for y in index.compared_with(b).tolist() if y != a]
    value, shared = _weighted_jaccard(xs, ys, index.compare_weight)
    if not shared:
        return Signal(0.0, (), "No third artifact is compared with both.")
    ev = tuple(Evidence("artifact", index.names[i], index.slugs[i]) for i in shared)
    return Signal(value, ev, f"Both are compared with {_listed([e.label for e in ev])}.")


def claim_signal(index: MatchIndex, a: int, b: int) -> Signal:
    """Direct claims between the two: ``1 - 2**-n`` for n claims naming the other."""
    found = index.claims_between(a, b)
    if not found:
        return Signal(0.0, (), "No claim of one names the other.")
    ev = tuple(
        Evidence("claim", index.claims[k].text or index.claims[k].iri,
                 f"{index.claims[k].subject} {index.claims[k].relation} "
                 f"({index.claims[k].polarity})")
        for k in found
    )
    return Signal(1.0 - 2.0 ** -len(found), ev,
                  f"{len(found)} claim(s) set one against the other.")


PPR_MEMO = 64
"""PageRank vectors kept per index (one per source artifact, artifact entries only)."""


def ppr_vector(index: MatchIndex, row: int) -> tuple[NDArray[np.float64], float]:
    """PageRank mass on each artifact from ``row``, and the largest on another artifact.

    Memoised per index (bounded by :data:`PPR_MEMO`), since ``similar`` scores one
    artifact against many.
    """
    memo = index.ppr_memo
    if row not in memo:
        p = index.params
        pi = personalized_pagerank_push(index.transition, row, alpha=p.alpha,
                                        eps=p.ppr_eps)[: index.n_artifacts].copy()
        own = pi[row]
        pi[row] = 0.0
        top = float(pi.max(initial=0.0))
        pi[row] = own
        remember(memo, row, (pi, top), PPR_MEMO)
    return memo[row]


def _path(index: MatchIndex, a: int, b: int) -> tuple[str, ...]:
    """Node labels of one shortest walk-graph path from a to b (empty if none).

    The breadth-first tree from ``a`` is memoised, as ``similar`` asks for many b.
    The walk graph is symmetric, so following its rows as directed edges is exact.
    """
    memo = index.bfs_memo
    if a not in memo:
        remember(memo, a, bfs_predecessors(index.walk.indptr, index.walk.indices, a))
    pred = memo[a]
    if pred[b] < 0:
        return ()
    nodes = [b]
    while nodes[-1] != a:
        nodes.append(int(pred[nodes[-1]]))
    return tuple(index.walk_labels[n] for n in reversed(nodes))


def ppr_rho(index: MatchIndex, s: int, t: int) -> float:
    """``PPR_s(t)`` relative to the largest PPR mass from s on another artifact."""
    if s == t:
        return 1.0
    pi, top = ppr_vector(index, s)
    return min(1.0, float(pi[t]) / top) if top > 0 else 0.0


def ppr_signal(index: MatchIndex, a: int, b: int) -> Signal:
    """Random-walk proximity on the comparison/claim/intent graph, both directions.

    ``rho(a, b) = PPR_a(b) / max over other artifacts x of PPR_a(x)``: 1 when b is a's
    closest artifact. The value is the mean of ``rho(a, b)`` and ``rho(b, a)``.
    """
    value = 0.5 * (ppr_rho(index, a, b) + ppr_rho(index, b, a))
    if value <= 0:
        return Signal(0.0, (), "No walk over comparisons, claims or intents joins them.")
    path = _path(index, a, b)
    ev = (Evidence("path", " -> ".join(path), f"{len(path) - 1} step(s)"),) if path else ()
    return Signal(value, ev, f"A random walk from either reaches the other at "
                  f"{value:.0%} of its closest artifact's rate"
                  + (f" (shortest path: {ev[0].label})." if ev else "."))
