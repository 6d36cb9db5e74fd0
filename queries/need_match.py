"""Need matching: rank artifacts for a need written in plain words, with the path to each.

``matchgraph match "TEXT" [--top K] [--type model] [--free] [--local]`` calls
:meth:`NeedIndex.query`. The need is matched against capability names, descriptions and
intents (BM25; plus cosine similarity when an embedder is given) and against concept labels
(a need that covers a concept's label reaches every capability mapped to that concept or to
a narrower one). Each capability's relevance is then adjusted by

* direction: what the need consumes and produces against what the capability does, so
  "extract text from scans" (image in, text out) does not land on image generation (text
  in, image out) although both are full of "text" and "image";
* languages named in the need, mentioned (or not) by the capability;
* feedback: the Beta posterior of past matches, as a mild multiplier;

and an artifact's score is a soft maximum over its capabilities (best, plus a quarter of
the second, a sixteenth of the third). Hard constraints (free, open weights, local, type)
remove artifacts known not to satisfy them; unknown values are down-weighted.

Why it is fast: everything over all capabilities is a numpy operation (postings added with
``np.bincount``, masks gathered by artifact index); Python only touches a few hundred
candidates and the ``top`` results it explains.

>>> from matchgraph.queries.snapshot import ArtifactRecord as A, CapabilityRecord as C
>>> snap = GraphSnapshot(
...     artifacts=(A("ocr", "Reader"), A("gen", "Painter")),
...     capabilities=(C("urn:1", "ocr", "Extracts text from scanned images"),
...                   C("urn:2", "gen", "Generates images from text prompts")))
>>> [r.slug for r in NeedIndex.build(snap).query("read the text in my photos")]
['ocr']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matchgraph.errors import QueryError
from matchgraph.queries import need_scoring as ns
from matchgraph.queries.feedback import FeedbackEvent, intent_key, match_multipliers
from matchgraph.queries.feedback import posteriors_from_events, seed_arrays
from matchgraph.queries.need_constraints import NeedConstraints, parse_constraints
from matchgraph.queries.need_explain import AppliedConstraint, ExplainContext, NeedResult
from matchgraph.queries.need_explain import PathStep, ScoreTerm, claims_by_capability, explain
from matchgraph.queries.need_concepts import ConceptGraph
from matchgraph.queries.need_index import ConceptLabelIndex, SparseBM25
from matchgraph.queries.need_text import Direction, terms
from matchgraph.queries.snapshot import ArtifactRecord, ClaimRecord, GraphSnapshot

__all__ = [
    "AppliedConstraint",
    "Embedder",
    "NeedAnswer",
    "NeedConstraints",
    "NeedIndex",
    "NeedResult",
    "PathStep",
    "ScoreTerm",
    "parse_constraints",
]

class Embedder(Protocol):
    """Anything that turns texts into vectors, one row per text."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class NeedAnswer:
    """A whole answer: the constraints used, the need's direction, results, filter count."""

    text: str
    constraints: NeedConstraints
    direction: Direction
    results: tuple[NeedResult, ...]
    filtered: int
    """Artifacts among the strongest candidates that a hard constraint removed."""




@dataclass(eq=False, repr=False)
class NeedIndex:
    """Precomputed indexes over one snapshot: make it with :meth:`build`, query it often.

    Build is linear in the total text and vectorised; memory is the BM25 postings (6 bytes
    each) plus a few bytes per capability: the snapshot's records are referenced,
    not copied. Direction inference is cached per capability as queries meet them.
    """

    snapshot: GraphSnapshot
    artifacts: tuple[ArtifactRecord, ...]
    """The snapshot's artifacts, plus a bare record for any slug only a capability names."""
    cap_art: np.ndarray
    """Artifact index of every capability (int32)."""
    flags: ns.ArtifactFlags
    bm25: SparseBM25
    directions: ns.DirectionTable
    concepts: ConceptGraph
    concept_labels: ConceptLabelIndex
    alpha: np.ndarray
    beta: np.ndarray
    """Beta posterior of every capability (reported matches plus feedback events)."""
    feedback: np.ndarray
    """Match multiplier of every capability, from ``alpha`` and ``beta``."""
    intent_feedback: dict[str, float]
    claims: dict[str, tuple[ClaimRecord, ...]]
    embedder: Embedder | None = None
    embeddings: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        snapshot: GraphSnapshot,
        embedder: Embedder | None = None,
        *,
        events: Sequence[FeedbackEvent] = (),
        feedback_strength: float = 0.2,
    ) -> NeedIndex:
        """Index ``snapshot``; ``events`` add feedback on top of the reported match data.

        ``embedder`` (anything with ``encode(list[str]) -> ndarray``) adds cosine
        similarity to BM25; every capability is encoded once, here.
        """
        caps = snapshot.capabilities
        arts = list(snapshot.artifacts)
        where = {a.slug: i for i, a in enumerate(arts)}
        for c in caps:
            if c.artifact not in where:
                where[c.artifact] = len(arts)
                arts.append(ArtifactRecord(slug=c.artifact, name=c.artifact))
        cap_art = np.fromiter((where[c.artifact] for c in caps), np.int32, len(caps))
        bm25 = SparseBM25.build(
            (ns.capability_text(c, arts[a].name) for c, a in zip(caps, cap_art)), len(caps))
        concepts = ConceptGraph.build(snapshot.concepts, caps)
        alpha, beta = seed_arrays(caps)
        index = cls(
            snapshot=snapshot,
            artifacts=tuple(arts),
            cap_art=cap_art,
            flags=ns.ArtifactFlags.build(arts),
            bm25=bm25,
            directions=ns.DirectionTable.build(caps),
            concepts=concepts,
            concept_labels=ConceptLabelIndex(concepts.labels(), bm25),
            alpha=alpha.astype(np.float32),
            beta=beta.astype(np.float32),
            feedback=match_multipliers(alpha, beta, feedback_strength).astype(np.float32),
            intent_feedback={},
            claims=claims_by_capability(snapshot.claims),
            embedder=embedder,
            embeddings=ns.embed(caps, arts, cap_art, embedder),
        )
        return index.with_events(events, feedback_strength=feedback_strength) if events else index

    def with_events(self, events: Sequence[FeedbackEvent], *, feedback_strength: float = 0.2) -> NeedIndex:
        """This index with feedback ``events`` on top of the reported match data.

        Only the posterior arrays change, so an index persisted without feedback is brought
        up to date in milliseconds instead of rebuilt.
        """
        caps = self.snapshot.capabilities
        alpha, beta = seed_arrays(caps)
        posts = posteriors_from_events(events)
        if any(not k.startswith("intent:") for k in posts):
            for i, c in enumerate(caps):
                if c.iri in posts:
                    alpha[i] += posts[c.iri].successes
                    beta[i] += posts[c.iri].failures
        return dataclasses.replace(
            self,
            alpha=alpha.astype(np.float32),
            beta=beta.astype(np.float32),
            feedback=match_multipliers(alpha, beta, feedback_strength).astype(np.float32),
            intent_feedback={k: float(match_multipliers(p.alpha, p.beta, feedback_strength))
                             for k, p in posts.items() if k.startswith("intent:")},
        )

    def query(
        self, text: str, top: int = 10, constraints: NeedConstraints | None = None
    ) -> list[NeedResult]:
        """The ``top`` artifacts for ``text``, best first (see :meth:`search`)."""
        return list(self.search(text, top, constraints).results)

    def search(
        self,
        text: str,
        top: int = 10,
        constraints: NeedConstraints | None = None,
        *,
        parse_text: bool = True,
        min_ratio: float = 0.1,
    ) -> NeedAnswer:
        """Rank artifacts for a need; constraints from the text and ``constraints`` merge.

        Results scoring below ``min_ratio`` of the best are dropped as noise.

        Raises:
            QueryError: ``top`` < 1, or a need with no searchable word.
        """
        if top < 1:
            raise QueryError(f"top must be at least 1, got {top}")
        cons = (parse_constraints(text) if parse_text else NeedConstraints()).merged(constraints)
        need_dir = Direction(frozenset(cons.input_types), frozenset(cons.output_types))
        qterms = terms(text)
        if not qterms and self.embedder is None:
            raise QueryError(f"the need {text!r} has no searchable word")
        if self.bm25.n_docs == 0:
            return NeedAnswer(text, cons, need_dir, (), 0)
        base, parts = self._base_scores(text, qterms, need_dir)
        checks = self.flags.checks(cons)
        art_ok, art_factor = self.flags.evaluate(checks)
        cand, filtered = self._candidates(base, art_ok, max(400, 40 * top))
        if len(cand) == 0:
            return NeedAnswer(text, cons, need_dir, (), filtered)
        caps = self.snapshot.capabilities
        dir_f = self.directions.factors(cand, need_dir, caps, self.concepts, self.cap_art)
        lang_f = ns.language_factors(cand, cons.languages, self.bm25)
        fb = self.feedback[cand].astype(np.float64) * self._intent_factors(cand)
        base_c = base[cand] * parts.scale
        adjusted = base_c * dir_f * lang_f * fb
        ranked = ns.aggregate(cand, adjusted, self.cap_art, art_factor, ns.SUPPORT_DECAY, top)
        ranked = [r for r in ranked if r.score >= min_ratio * ranked[0].score] if ranked else []
        ctx = ExplainContext(text, qterms, need_dir, cons, checks, parts, cand, base_c,
                             dir_f, lang_f, fb, adjusted, self)
        return NeedAnswer(text, cons, need_dir, tuple(explain(r, ctx) for r in ranked), filtered)

    def _base_scores(
        self, text: str, qterms: list[str], need_dir: Direction
    ) -> tuple[np.ndarray, ns.BaseParts]:
        """Relevance of every capability before adjustments, in units of ``parts.scale``.

        BM25 stays unscaled in the big array (ranking does not need the scale); concept
        and dense terms are added in the same units; only candidates are rescaled.
        """
        base = self.bm25.scores(self.bm25.term_ids(qterms))
        top_lex = float(base.max())
        scale = ns.W_LEX / top_lex if top_lex > 0 else 1.0
        hits = [h for h in self.concept_labels.hits(qterms)
                if ns.direction_factor(need_dir, self.concepts.direction(h.concept)) >= 1.0]
        spread = self.concepts.spread(hits)
        base[spread.caps] += (ns.W_CONCEPT / scale) * spread.values
        dense = np.zeros(0)
        if self.embedder is not None and self.embeddings is not None:
            dense = ns.dense_scores(self.embedder, text, self.embeddings) * ns.W_DENSE
            base += dense / scale
        return base, ns.BaseParts(scale, spread, dense, tuple(hits))

    def _candidates(self, base: np.ndarray, art_ok: np.ndarray, k: int) -> tuple[np.ndarray, int]:
        """The ``k`` best capabilities of allowed artifacts, and how many artifacts among
        the strongest candidates a hard constraint removed.

        Constraints are checked on a candidate set widened by the share of artifacts they
        allow; only when that still keeps too few is every capability masked (one more
        full pass).
        """
        if art_ok.all():
            return ns.top_candidates(base, k), 0
        width = int(min(len(base), 2 * k / max(float(art_ok.mean()), 1e-3)))
        wide = ns.top_candidates(base, width)
        ok = art_ok[self.cap_art[wide]]
        filtered = len(np.unique(self.cap_art[wide[~ok]]))
        cand = wide[ok]
        if len(cand) < k and len(wide) == width:
            masked = np.where(art_ok[self.cap_art], base, 0.0)
            return ns.top_candidates(masked, k), filtered
        if len(cand) > k:
            cand = cand[np.argpartition(-base[cand], k - 1)[:k]]
        return cand, filtered

    def _intent_factors(self, cand: np.ndarray) -> np.ndarray:
        """Mean feedback multiplier of the intents of each candidate that have feedback."""
        out = np.ones(len(cand))
        if not self.intent_feedback:
            return out
        caps = self.snapshot.capabilities
        for k, i in enumerate(cand):
            fs = [self.intent_feedback[key] for t in caps[i].intents
                  if (key := intent_key(t)) in self.intent_feedback]
            if fs:
                out[k] = float(np.mean(fs))
        return out
