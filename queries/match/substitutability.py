"""Are two artifacts real alternatives? A verdict that hinges on shared *task* concepts.

Similarity is not substitutability: an OCR model and an image generator may both offer
"quantization" and "self-hosted deployment", yet nobody replaces one with the other.
So the verdict ignores facet concepts (how something runs) and broad domains ("image"),
and asks how much of each side's tasks the other covers, where a task is covered by the
same concept or by one under a common, more specific broader concept.

* ``alternatives``: each side covers at least ``alternatives_coverage`` of the other's
  (rarity-weighted) tasks;
* ``partial``: some tasks are covered, so they are alternatives for some needs only;
* ``not_alternatives``: no task in common.

An artifact whose concepts are all facets (a deployment tool) has those as its tasks.
When one side has no concepts at all, its tasks are unknown: a claim of one naming the
other (a source treating them as rivals) then gives ``partial``, else
``not_alternatives``.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchgraph.queries.match.config import Substitutability
from matchgraph.queries.match.index import MatchIndex

__all__ = ["SubstitutabilityVerdict", "substitutability"]


@dataclass(frozen=True)
class SubstitutabilityVerdict:
    """The verdict, why, the task concepts covered, and each side's covered share."""

    substitutability: Substitutability
    reason: str
    shared_tasks: tuple[str, ...] = ()
    coverage: tuple[float, float] = (0.0, 0.0)


def _tasks(index: MatchIndex, row: int) -> list[int]:
    c = index.concepts
    direct = index.concepts_of(row).tolist()
    tasks = [x for x in direct if not c.facet[x] and not c.domain[x]]
    return tasks or [x for x in direct if not c.domain[x]] or direct


def _covered(index: MatchIndex, xs: list[int], ys: list[int]) -> list[int]:
    """Tasks in xs that ys covers: the same concept, or a common non-domain ancestor."""
    specific = index.concepts.specific_ancestor_sets
    ys_set = set(ys)
    out = []
    for x in xs:
        if x in ys_set or any(specific[x] & specific[y] for y in ys):
            out.append(x)
    return out


def _share(index: MatchIndex, xs: list[int], covered: list[int]) -> float:
    w = index.concepts.weight
    total = sum(float(w[x]) for x in xs)
    return sum(float(w[x]) for x in covered) / total if total > 0 else 0.0


def _labels(index: MatchIndex, ids: list[int]) -> list[str]:
    labels = index.concepts.labels
    return sorted({labels[i] for i in ids})


def _no_task_reason(index: MatchIndex, a: int, b: int) -> str:
    c = index.concepts
    shared = sorted(set(index.concepts_of(a).tolist()) & set(index.concepts_of(b).tolist()))
    anc_a = set().union(*(c.ancestor_sets[x] for x in index.concepts_of(a).tolist()))
    anc_b = set().union(*(c.ancestor_sets[x] for x in index.concepts_of(b).tolist()))
    domains = [z for z in anc_a & anc_b if c.domain[z] and not c.facet[z]]
    if shared:
        return (f"no task in common; they share only facet concepts "
                f"({', '.join(_labels(index, shared))}), which say how they run, "
                f"not what they do")
    if domains:
        return (f"no task in common; both only fall under the broad "
                f"{', '.join(_labels(index, domains))}")
    return "no capability concept in common"


def substitutability(index: MatchIndex, a: int, b: int) -> SubstitutabilityVerdict:
    """The substitutability verdict for rows a and b (symmetric)."""
    names = index.names
    if a == b:
        return SubstitutabilityVerdict("alternatives", "the same artifact", coverage=(1.0, 1.0))
    for row in (a, b):
        if not len(index.concepts_of(row)):
            claims = len(index.claims_between(a, b))
            if claims:
                return SubstitutabilityVerdict("partial", f"{names[row]} has no capability concept in the "
                               f"graph, but {claims} claim(s) set them against each other")
            return SubstitutabilityVerdict("not_alternatives", f"{names[row]} has no capability concept in "
                           "the graph and no claim sets them against each other")
    ta, tb = _tasks(index, a), _tasks(index, b)
    ca, cb = _covered(index, ta, tb), _covered(index, tb, ta)
    share = (_share(index, ta, ca), _share(index, tb, cb))
    shared = tuple(_labels(index, ca + cb))
    listed = ", ".join(shared[:5]) + (f" and {len(shared) - 5} more" if len(shared) > 5
                                      else "")
    if not ca and not cb:
        return SubstitutabilityVerdict("not_alternatives", _no_task_reason(index, a, b))
    if min(share) >= index.params.alternatives_coverage:
        return SubstitutabilityVerdict("alternatives",
                       f"they do the same jobs ({listed}): {share[0]:.0%} of "
                       f"{names[a]}'s tasks and {share[1]:.0%} of {names[b]}'s are covered "
                       f"by the other", shared, share)
    return SubstitutabilityVerdict("partial",
                   f"alternatives only for {listed}: {share[0]:.0%} of {names[a]}'s tasks "
                   f"and {share[1]:.0%} of {names[b]}'s are covered by the other",
                   shared, share)
