"""Which of two artifacts fits a need, and why (``compare A B --for TEXT``)."""

from __future__ import annotations

import dataclasses

from matchgraph.queries.need.match import NeedIndex

__all__ = ["need_fit"]


def need_fit(index: NeedIndex, text: str, a: str, b: str) -> dict[str, object]:
    """Both artifacts' scores for the need (0 when the need does not reach them), the one that
    fits, and the path that led to it."""
    answer = index.search(text, top=max(10, len(index.artifacts)))
    # A weak match (nothing of the artifact matched the need) does not reach it.
    found = {r.slug: r for r in answer.results if r.terms[0].name != "weak match"}
    names = {r.slug: r.name for r in answer.results}
    scores = {s: (found[s].score if s in found else 0.0) for s in (a, b)}
    best = max((a, b), key=lambda s: scores[s]) if any(scores.values()) else None
    if best is None:
        sentence = f"Neither {names.get(a, a)} nor {names.get(b, b)} has a capability that meets this need."
    else:
        other = b if best == a else a
        path = " → ".join(step.label for step in found[best].path)
        sentence = (
            f"{names.get(best, best)} fits this need better ({scores[best]:.3f} vs {scores[other]:.3f}): {path}."
        )
    return {
        "need": text,
        "fits": best,
        "scores": scores,
        "paths": {s: [dataclasses.asdict(p) for p in found[s].path] for s in (a, b) if s in found},
        "text": sentence,
    }
