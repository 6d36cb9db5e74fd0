"""Results of need matching and how each is explained.

Every result carries the path that led to it (need -> intent or concept -> capability ->
artifact), the claims made about that capability, the constraints it passed or was
down-weighted by, and score terms that add up exactly to its score, so the CLI only renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from matchgraph.queries import need_scoring as ns
from matchgraph.queries.need_constraints import NeedConstraints
from matchgraph.queries.need_text import Direction, terms
from matchgraph.queries.snapshot import CapabilityRecord, ClaimRecord

if TYPE_CHECKING:
    from matchgraph.queries.need_match import NeedIndex

__all__ = [
    "AppliedConstraint",
    "ExplainContext",
    "NeedResult",
    "PathStep",
    "ScoreTerm",
    "claims_by_capability",
    "explain",
]

StepKind = Literal["need", "intent", "concept", "capability", "artifact"]


@dataclass(frozen=True)
class PathStep:
    """One step of the path need -> intent or concept -> capability -> artifact."""

    kind: StepKind
    label: str
    ref: str | None
    """Concept or capability IRI, artifact slug; for an intent, its capability's IRI."""
    score: float


@dataclass(frozen=True)
class ScoreTerm:
    """One additive part of a result's score, with the evidence in words."""

    name: str
    value: float
    sentence: str


@dataclass(frozen=True)
class AppliedConstraint:
    """How one constraint treated this result (artifacts it filtered are not results)."""

    name: str
    effect: Literal["passed", "downweighted"]
    factor: float
    reason: str


@dataclass(frozen=True)
class NeedResult:
    """An artifact for the need, why, and on what evidence. ``terms`` sum to ``score``."""

    slug: str
    name: str
    score: float
    path: tuple[PathStep, ...]
    claims: tuple[str, ...]
    constraints: tuple[AppliedConstraint, ...]
    terms: tuple[ScoreTerm, ...]
    evidence: tuple[str, ...]
    """Sources of the capability and claims on the path, and the feedback behind it."""


@dataclass(frozen=True)
class ExplainContext:
    """Everything one query computed, for explaining its results."""

    text: str
    qterms: list[str]
    need_dir: Direction
    cons: NeedConstraints
    checks: list[tuple[str, np.ndarray]]
    """Hard constraints as (name, 1/0/-1 per artifact), see ``ArtifactFlags.checks``."""
    parts: ns.BaseParts
    cand: np.ndarray
    base: np.ndarray
    """Normalised base relevance of each candidate."""
    dir_f: np.ndarray
    lang_f: np.ndarray
    fb: np.ndarray
    adjusted: np.ndarray
    index: NeedIndex


def claims_by_capability(claims: Sequence[ClaimRecord]) -> dict[str, tuple[ClaimRecord, ...]]:
    """Claims grouped by the capability they are about."""
    out: dict[str, list[ClaimRecord]] = {}
    for c in claims:
        if c.capability:
            out.setdefault(c.capability, []).append(c)
    return {k: tuple(v) for k, v in out.items()}


def _short(cap: CapabilityRecord) -> str:
    if cap.name:
        return cap.name
    words = cap.description.split()
    return " ".join(words[:12]) + (" ..." if len(words) > 12 else "")


def _fmt(mods: frozenset[str]) -> str:
    return "/".join(sorted(mods)) or "?"


def _best_intent(cap: CapabilityRecord, qterms: list[str], idx: NeedIndex) -> tuple[str, float] | None:
    """The intent sharing most of the need's IDF weight, and that share."""
    weights = {t: idx.bm25.term_idf(t) for t in dict.fromkeys(qterms)}
    total = sum(weights.values()) or 1.0
    best: tuple[str, float] | None = None
    for intent in cap.intents:
        share = sum(weights.get(t, 0.0) for t in set(terms(intent))) / total
        if share > 0 and (best is None or share > best[1]):
            best = (intent, share)
    return best


def _constraints(art: int, cap_i: int, ctx: ExplainContext, lang_f: float,
                 dir_f: float) -> tuple[AppliedConstraint, ...]:
    idx = ctx.index
    out: list[AppliedConstraint] = []
    for name, arr in ctx.checks:
        known = int(arr[art]) != -1
        out.append(AppliedConstraint(
            name, "passed" if known else "downweighted", 1.0 if known else ns.UNKNOWN_FACTOR,
            "the artifact says so" if known else "the artifact does not say"))
    if ctx.cons.languages:
        said = ns.languages_mentioned(cap_i, ctx.cons.languages, idx.bm25)
        out.append(AppliedConstraint(
            f"language {', '.join(ctx.cons.languages)}", "passed" if lang_f >= 1 else "downweighted",
            lang_f, f"the capability names {', '.join(said)}" if said else "the capability names none"))
    if ctx.need_dir.known:
        d = idx.directions.direction(cap_i)
        out.append(AppliedConstraint(
            f"{_fmt(ctx.need_dir.inputs)} -> {_fmt(ctx.need_dir.outputs)}",
            "passed" if dir_f >= 1 else "downweighted", dir_f,
            f"the capability takes {_fmt(d.inputs)} and gives {_fmt(d.outputs)}"))
    return tuple(out)


def _terms(r: ns.Ranked, ctx: ExplainContext, p: int, ci: int) -> tuple[list[ScoreTerm], float, float]:
    """Score terms of a result (zero-valued optional ones left out); they sum to its score.

    Also returns the lexical and concept parts, which the path needs.
    """
    idx = ctx.index
    cap = idx.snapshot.capabilities[ci]
    con = ns.W_CONCEPT * ctx.parts.concept.value(ci)
    dense = float(ctx.parts.dense[ci]) if len(ctx.parts.dense) else 0.0
    base = float(ctx.base[p])
    lex = base - con - dense
    d, lang, fb = float(ctx.dir_f[p]), float(ctx.lang_f[p]), float(ctx.fb[p])
    words = sorted(set(ctx.qterms) & set(terms(ns.capability_text(cap, idx.artifacts[r.artifact].name))))
    cap_dir = idx.directions.direction(ci)
    hit = idx.concepts.reaching(cap.concepts, ctx.parts.concept) if con > 0 else None
    label = f"{hit.label!r} ({hit.score:.2f})" if hit else "(none)"
    a, b = float(idx.alpha[ci]), float(idx.beta[ci])
    out = [
        ScoreTerm("text match", lex, f"BM25 on {', '.join(words) or 'no word'} in the "
                  "capability's name, description or intents"),
        ScoreTerm("concept", con, f"the need covers concept {label}"),
        ScoreTerm("semantic", dense, "embedding similarity of need and capability"),
        ScoreTerm("direction", base * (d - 1), f"the capability takes {_fmt(cap_dir.inputs)} and "
                  f"gives {_fmt(cap_dir.outputs)}; the need wants {_fmt(ctx.need_dir.inputs)} -> "
                  f"{_fmt(ctx.need_dir.outputs)} (x{d:.2f})"),
        ScoreTerm("language", base * d * (lang - 1), f"language factor x{lang:.2f}"),
        ScoreTerm("feedback", base * d * lang * (fb - 1),
                  f"Beta({a:.2f}, {b:.2f}) posterior of past matches (x{fb:.3f})"),
        ScoreTerm("other capabilities", r.pre - float(ctx.adjusted[p]),
                  f"{len(r.members) - 1} more matching capabilities (soft maximum)"),
        ScoreTerm("constraints", r.score - r.pre, f"unknown constraint values (x{r.score / r.pre:.2f})"),
    ]
    return [t for k, t in enumerate(out) if k == 0 or t.value != 0.0], lex, con


def _path(r: ns.Ranked, ctx: ExplainContext, p: int, ci: int, lex: float, con: float) -> tuple[PathStep, ...]:
    """need -> concept (when it weighs more than the best intent) or intent -> capability -> artifact."""
    idx = ctx.index
    cap = idx.snapshot.capabilities[ci]
    art = idx.artifacts[r.artifact]
    hit = idx.concepts.reaching(cap.concepts, ctx.parts.concept) if con > 0 else None
    intent = _best_intent(cap, ctx.qterms, idx)
    middle: list[PathStep] = []
    if hit is not None and (intent is None or con >= lex * intent[1]):
        middle.append(PathStep("concept", hit.label, idx.concepts.iris[hit.concept], hit.score))
    elif intent is not None and intent[1] >= 0.34:
        middle.append(PathStep("intent", intent[0], cap.iri, intent[1]))
    return (PathStep("need", ctx.text, None, r.score), *middle,
            PathStep("capability", _short(cap), cap.iri, float(ctx.adjusted[p])),
            PathStep("artifact", art.name, art.slug, r.score))


def _claims_and_evidence(ci: int, ctx: ExplainContext) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Claims about the capability (records, then its Unique and vs-alternatives lines) and
    the evidence behind the path: source documents and feedback."""
    idx = ctx.index
    cap = idx.snapshot.capabilities[ci]
    claims = idx.claims.get(cap.iri, ())
    texts = [c.text for c in claims if c.text]
    for label, extra in (("Unique", cap.unique), ("vs alternatives", cap.vs_alternatives)):
        if extra and extra not in texts:
            texts.append(f"{label}: {extra}")
    sources = dict.fromkeys(s for s in [cap.source, *(c.source for c in claims)] if s)
    evidence = [f"source: {s}" for s in sources]
    a, b = float(idx.alpha[ci]), float(idx.beta[ci])
    if a + b > 2.0 + 1e-6:
        evidence.append(f"feedback: mean success {a / (a + b):.2f} over {a + b:.1f} pseudo-observations")
    return tuple(dict.fromkeys(texts)), tuple(evidence)


def explain(r: ns.Ranked, ctx: ExplainContext) -> NeedResult:
    """Turn an artifact's aggregate into a result: path, claims, constraints, score terms."""
    p = r.members[0]
    ci = int(ctx.cand[p])
    art = ctx.index.artifacts[r.artifact]
    terms_, lex, con = _terms(r, ctx, p, ci)
    claims, evidence = _claims_and_evidence(ci, ctx)
    applied = _constraints(r.artifact, ci, ctx, float(ctx.lang_f[p]), float(ctx.dir_f[p]))
    return NeedResult(art.slug, art.name, r.score, _path(r, ctx, p, ci, lex, con), claims,
                      applied, tuple(terms_), evidence)
