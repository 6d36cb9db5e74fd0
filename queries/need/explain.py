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

from matchgraph.queries.need import scoring as ns
from matchgraph.queries.need.concepts import ConceptSpread
from matchgraph.queries.need.constraints import NeedConstraints
from matchgraph.queries.need.hybrid import StageScores
from matchgraph.queries.need.rerank import Rerank
from matchgraph.loaders.text import Direction, stem, terms
from matchgraph.queries.snapshot import CapabilityRecord, ClaimRecord

if TYPE_CHECKING:
    from matchgraph.queries.need.match import NeedIndex

__all__ = [
    "AppliedConstraint",
    "ExplainContext",
    "NeedResult",
    "PathStep",
    "NeedTerm",
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
class NeedTerm:
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
    terms: tuple[NeedTerm, ...]
    evidence: tuple[str, ...]
    """Sources of the capability and claims on the path, and the feedback behind it."""


@dataclass(frozen=True)
class ExplainContext:
    """Everything one query computed, for explaining its results (arrays per stage row)."""

    text: str
    qterms: list[str]
    need_dir: Direction
    cons: NeedConstraints
    checks: list[tuple[str, np.ndarray, bool]]
    """Constraints as (name, 1/0/-1 per artifact, hard), see ``ArtifactFlags.checks``: hard
    ones were given as options, the others read from the need's words."""
    stage: StageScores
    rerank: Rerank
    spread: ConceptSpread
    prior: np.ndarray
    """Score of a weak match (nothing matched): a small number from its observed rank."""
    score: np.ndarray
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


def _constraints(art: int, cap_i: int, ctx: ExplainContext, r: int) -> tuple[AppliedConstraint, ...]:
    idx = ctx.index
    out: list[AppliedConstraint] = []
    for name, arr, hard in ctx.checks:
        value = int(arr[art])
        if value == 1:
            out.append(AppliedConstraint(name, "passed", 1.0, "the artifact says so"))
        elif value == -1:
            out.append(AppliedConstraint(name, "downweighted", ns.UNKNOWN_FACTOR, "the artifact does not say"))
        else:  # only a constraint read from the text lets a known miss through
            out.append(AppliedConstraint(name, "downweighted", ns.SOFT_MISS_FACTOR,
                                         "the need's words ask for it and the artifact says otherwise"))
    lang_f = float(ctx.rerank.language[r])
    if ctx.cons.languages:
        said = [x for x in ctx.cons.languages if idx.stage.mentions(stem(x), r)]
        out.append(AppliedConstraint(
            f"language {', '.join(ctx.cons.languages)}", "passed" if lang_f >= 1 else "downweighted",
            lang_f, f"the artifact's texts name {', '.join(said)}" if said else "the artifact's texts name none"))
    if ctx.need_dir.known and cap_i >= 0:
        dir_f = float(ctx.rerank.direction[r])
        d = idx.directions.direction(cap_i)
        out.append(AppliedConstraint(
            f"{_fmt(ctx.need_dir.inputs)} -> {_fmt(ctx.need_dir.outputs)}",
            "passed" if dir_f >= 1 else "downweighted", dir_f,
            f"the capability takes {_fmt(d.inputs)} and gives {_fmt(d.outputs)}"))
    return tuple(out)


def _terms(r: int, ctx: ExplainContext, cap_i: int) -> list[NeedTerm]:
    """Score terms of a result (zero-valued optional ones left out); they sum to its score."""
    idx = ctx.index
    st, rr = ctx.stage, ctx.rerank
    lex, dense = float(st.lex_part[r]), float(st.dense_part[r])
    fused = lex + dense
    if fused <= 0.0:
        return [NeedTerm("weak match", float(ctx.score[r]),
                          "weak match: no text of this artifact shares a word with the need"
                          + ("" if idx.stage.vectors is not None else " and no embedding model is loaded")
                          + "; ordered by its observed rank")]
    words = [t for t in dict.fromkeys(ctx.qterms) if idx.stage.mentions(t, r)]
    closest = ""
    t = int(st.best_text[r])
    if t >= 0:
        c = int(idx.stage.text_cap[t])
        closest = f"capability {_short(idx.records.capabilities[c])!r}" if c >= 0 else "the artifact's card"
    c_f, d_f, l_f, fb_f, u_f = (float(x[r]) for x in (rr.concept, rr.direction, rr.language, rr.feedback, rr.unknown))
    hit_label = _concept_label(cap_i, ctx)
    d = idx.directions.direction(cap_i) if cap_i >= 0 else Direction()
    out = [
        NeedTerm("text match", lex,
                  f"BM25 on {', '.join(words)} in the artifact's capabilities, intents, concepts and claims "
                  f"(raw {float(st.lexical[r]):.2f})" if words else
                  "weak match: no capability, intent, concept or claim of this artifact mentions a word of the need"),
        NeedTerm("semantic", dense, f"embedding similarity {float(st.dense[r]):.2f} with {closest}"),
        NeedTerm("concept", fused * (c_f - 1.0), f"the need covers concept {hit_label} (x{c_f:.2f})"),
        NeedTerm("direction", fused * c_f * (d_f - 1.0),
                  f"the capability takes {_fmt(d.inputs)} and gives {_fmt(d.outputs)}; the need wants "
                  f"{_fmt(ctx.need_dir.inputs)} -> {_fmt(ctx.need_dir.outputs)} (x{d_f:.2f})"),
        NeedTerm("language", fused * c_f * d_f * (l_f - 1.0), f"language factor x{l_f:.2f}"),
        NeedTerm("feedback", fused * c_f * d_f * l_f * (fb_f - 1.0),
                  f"Beta posterior of past matches of the capability (x{fb_f:.3f})"),
        NeedTerm("constraints", fused * c_f * d_f * l_f * fb_f * (u_f - 1.0),
                  f"unknown constraint values (x{u_f:.2f})"),
    ]
    return [x for k, x in enumerate(out) if k == 0 or x.value != 0.0]


def _concept_label(cap_i: int, ctx: ExplainContext) -> str:
    if cap_i < 0:
        return "(none)"
    hit = ctx.index.concepts.reaching(ctx.index.records.capabilities[cap_i].concepts, ctx.spread)
    return f"{hit.label!r} ({hit.score:.2f})" if hit else "(none)"


def _path(r: int, ctx: ExplainContext, cap_i: int, score: float) -> tuple[PathStep, ...]:
    """need -> concept or intent -> capability -> artifact (need -> artifact without one)."""
    idx = ctx.index
    art = idx.artifacts[int(idx.stage.rows[r])]
    if cap_i < 0:
        return (PathStep("need", ctx.text, None, score), PathStep("artifact", art.name, art.slug, score))
    cap = idx.records.capabilities[cap_i]
    hit = idx.concepts.reaching(cap.concepts, ctx.spread) if ctx.rerank.coverage[r] > 0 else None
    intent = _best_intent(cap, ctx.qterms, idx)
    middle: list[PathStep] = []
    if hit is not None:
        middle.append(PathStep("concept", hit.label, idx.concepts.iris[hit.concept], hit.score))
    elif intent is not None and intent[1] >= 0.34:
        middle.append(PathStep("intent", intent[0], cap.iri, intent[1]))
    return (PathStep("need", ctx.text, None, score), *middle,
            PathStep("capability", _short(cap), cap.iri, float(ctx.stage.fused[r])),
            PathStep("artifact", art.name, art.slug, score))


def _claims_and_evidence(cap_i: int, ctx: ExplainContext) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Claims about the capability (records, then its Unique and vs-alternatives lines) and
    the evidence behind the path: source documents and feedback."""
    idx = ctx.index
    if cap_i < 0:
        return (), ()
    cap = idx.records.capabilities[cap_i]
    claims = idx.records.claims(cap_i)
    texts = [c.text for c in claims if c.text]
    for label, extra in (("Unique", cap.unique), ("vs alternatives", cap.vs_alternatives)):
        if extra and extra not in texts:
            texts.append(f"{label}: {extra}")
    sources = dict.fromkeys(s for s in [cap.source, *(c.source for c in claims)] if s)
    evidence = [f"source: {s}" for s in sources]
    a, b = float(idx.alpha[cap_i]), float(idx.beta[cap_i])
    if a + b > 2.0 + 1e-6:
        evidence.append(f"feedback: mean success {a / (a + b):.2f} over {a + b:.1f} pseudo-observations")
    return tuple(dict.fromkeys(texts)), tuple(evidence)


def explain(r: int, ctx: ExplainContext) -> NeedResult:
    """Turn a stage row into a result: path, claims, constraints, score terms."""
    idx = ctx.index
    a = int(idx.stage.rows[r])
    art = idx.artifacts[a]
    cap_i = int(ctx.rerank.best_cap[r])
    score = float(ctx.score[r])
    claims, evidence = _claims_and_evidence(cap_i, ctx)
    return NeedResult(art.slug, art.name, score, _path(r, ctx, cap_i, score), claims,
                      _constraints(a, cap_i, ctx, r), tuple(_terms(r, ctx, cap_i)), evidence)
