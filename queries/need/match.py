"""Need matching: rank artifacts for a need written in plain words, with the path to each.

``matchgraph match "TEXT" [--top K] [--type model] [--free] [--local]`` calls
:meth:`NeedIndex.search`, in two stages:

1. hybrid retrieval (:mod:`hybrid`): BM25 over every text the graph holds about an
   artifact, and the best cosine between the need and any of its texts (MiniLM, whenever
   an embedder is given; the CLI gives the installed one by default), fused by a
   calibrated linear mix;
2. graph re-ranking (:mod:`rerank`): direction (an OCR need does not land on an
   image generator), concept coverage, languages, feedback posteriors and unknown
   constraint values as positive factors, so they reorder but never empty the list.

Any text gets the ``top`` described artifacts (all of them when fewer), each with score
terms that add up to its score; those nothing matched come last as weak matches and say
so. Constraints given as options (``--free``, ``--type``...) remove artifacts known not to
meet them, and when they remove everything the answer's ``note`` names them; the same
constraints read from the need's words only down-weight.

Why it stays fast: every per-artifact and per-capability step is a numpy operation over
arrays built once; Python only touches the re-ranking pool and the ``top`` it explains.

>>> from matchgraph.queries.snapshot import ArtifactRecord as A, CapabilityRecord as C
>>> snap = GraphSnapshot(
...     artifacts=(A("ocr", "Reader"), A("gen", "Painter")),
...     capabilities=(C("urn:1", "ocr", "Extracts text from scanned images"),
...                   C("urn:2", "gen", "Generates images from text prompts")))
>>> [r.slug for r in NeedIndex.build(snap).query("read the text in my photos")][0]
'ocr'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matchgraph.errors import QueryError
from matchgraph.graph.digests import content_digest
from matchgraph.queries.arrays import sorted_unique
from matchgraph.queries.need import scoring as ns
from matchgraph.queries.feedback.posteriors import FeedbackEvent, intent_key, match_multipliers
from matchgraph.queries.feedback.posteriors import posteriors_from_events, seed_arrays
from matchgraph.queries.need.constraints import NeedConstraints, parse_constraints
from matchgraph.queries.need.explain import AppliedConstraint, ExplainContext, NeedResult
from matchgraph.queries.need.explain import PathStep, NeedTerm, claims_by_capability, explain
from matchgraph.queries.need.concepts import ConceptReach
from matchgraph.queries.need.hybrid import FUSION, Fusion, HybridStage, StageScores
from matchgraph.queries.need.bm25 import ConceptLabelIndex, SparseBM25
from matchgraph.queries.need.records import NeedRecords, capability_digests
from matchgraph.queries.need.rerank import rerank
from matchgraph.loaders.text import Direction, terms
from matchgraph.queries.snapshot import ArtifactRecord, GraphSnapshot

if TYPE_CHECKING:
    from matchgraph.queries.need.vectors import EmbeddingCache, Embedder

__all__ = [
    "AppliedConstraint",
    "Embedder",
    "NeedAnswer",
    "NeedConstraints",
    "NeedIndex",
    "NeedResult",
    "PathStep",
    "NeedTerm",
    "parse_constraints",
]

@dataclass(frozen=True)
class NeedAnswer:
    """A whole answer: the constraints used, the need's direction, results, filter count."""

    text: str
    constraints: NeedConstraints
    direction: Direction
    results: tuple[NeedResult, ...]
    filtered: int
    """Artifacts a hard constraint removed."""
    note: str | None = None
    """Why the answer is empty or weak, in words (which constraint removed everything)."""


STAGES = ("lexical", "dense", "hybrid", "full")
"""What :meth:`NeedIndex.search` runs: one first-stage list, both fused, or fused and
re-ranked by the graph (the default). The others exist for the evaluation."""


@dataclass(eq=False, repr=False)
class NeedIndex:
    """Precomputed indexes over one snapshot: make it with :meth:`build`, query it often.

    Everything it holds is arrays, dicts and records, so it pickles, and it is stored as
    files (:mod:`store`: arrays memory-mapped, records in SQLite read per result);
    the embedder is not kept (a loaded index finds the installed one again on its first
    dense query).
    """

    records: NeedRecords
    """Artifact and capability records (and claims), by the index's numbering; only the
    results a query returns read them."""
    cap_art: np.ndarray
    """Artifact index of every capability (int32)."""
    flags: ns.ArtifactFlags
    bm25: SparseBM25
    """Capability-level BM25 (name, description, intents, artifact name)."""
    directions: ns.DirectionTable
    concepts: ConceptReach
    concept_labels: ConceptLabelIndex
    seed_alpha: np.ndarray
    seed_beta: np.ndarray
    """Beta posterior of every capability from the reported match data alone (float64)."""
    alpha: np.ndarray
    beta: np.ndarray
    """Beta posterior of every capability (reported matches plus feedback events)."""
    feedback: np.ndarray
    """Match multiplier of every capability, from ``alpha`` and ``beta``."""
    intent_feedback: dict[str, float]
    stage: HybridStage
    stage_row_of_cap: np.ndarray
    row_caps: np.ndarray
    row_caps_ptr: np.ndarray
    """Capabilities of stage row ``r``: ``row_caps[row_caps_ptr[r]:row_caps_ptr[r + 1]]``."""
    prior: np.ndarray
    """Per stage row: a tiny score from the best observed rank, for weak matches."""
    embedder: Embedder | None = None
    embedder_kind: str | None = None
    """The embedder's class (module.name) the vectors were made with: a loaded index only
    picks the installed default encoder up again when it is that same class."""
    embedder_model: str | None = None
    """:func:`vectors.model_tag` of the embedder (class and model file): a stored
    index made with another model is rebuilt rather than read."""
    snapshot: GraphSnapshot | None = None
    """The snapshot an index was built from (None for one opened from files)."""
    cap_digest: np.ndarray | None = None
    """Content digest of every capability row (``S16``, :func:`records.capability_digests`):
    what a later build compares to re-derive only new and changed capabilities."""
    taxonomy_digest: str = ""
    """Digest of the concept taxonomy the directions were inferred with."""

    @property
    def artifacts(self) -> Sequence[ArtifactRecord]:
        """The snapshot's artifacts, plus a bare record for any slug only a capability names."""
        return self.records.artifacts

    def caps_of(self, row: int) -> np.ndarray:
        """Capability indexes of stage row ``row`` (ascending)."""
        return self.row_caps[self.row_caps_ptr[row]:self.row_caps_ptr[row + 1]]

    @classmethod
    def build(
        cls,
        snapshot: GraphSnapshot,
        embedder: Embedder | None = None,
        *,
        events: Sequence[FeedbackEvent] = (),
        feedback_strength: float = 0.2,
        fusion: Fusion = FUSION,
        cache: EmbeddingCache | None = None,
        previous: NeedIndex | None = None,
    ) -> NeedIndex:
        """Index ``snapshot``; ``events`` add feedback on top of the reported match data.

        ``embedder`` (anything with ``encode(list[str]) -> ndarray``; see
        ``loaders.embeddings.default_embedder``) adds the dense half of the hybrid: every
        capability and artifact card is encoded here, once per distinct text, or read from
        ``cache`` when an earlier build encoded it. Without one, matching is lexical plus
        graph signals.

        ``previous`` (the index of an earlier version of the store) lends the directions of
        the capabilities whose content it already held, so only new and changed ones are
        inferred from their texts, and the BM25 postings of the texts it already indexed,
        so only new and changed texts are tokenised; the result is the same as without it.
        """
        from matchgraph.queries.need.vectors import embed_texts, model_tag

        caps = snapshot.capabilities
        arts = list(snapshot.artifacts)
        where = {a.slug: i for i, a in enumerate(arts)}
        for c in caps:
            if c.artifact not in where:
                where[c.artifact] = len(arts)
                arts.append(ArtifactRecord(slug=c.artifact, name=c.artifact))
        cap_art = np.fromiter((where[c.artifact] for c in caps), np.int32, len(caps))
        bm25 = SparseBM25.build(
            (ns.capability_text(c, arts[a].name) for c, a in zip(caps, cap_art)), len(caps),
            earlier=None if previous is None else previous.bm25)
        concepts = ConceptReach.build(snapshot.concepts, caps)
        labels = {c.iri: c.label for c in snapshot.concepts}
        embed = None if embedder is None else (lambda texts: embed_texts(texts, embedder, cache))
        stage = HybridStage.build(snapshot, arts, cap_art, labels, embed, fusion,
                                  earlier=None if previous is None else previous.stage)
        row_of_art = np.full(len(arts), -1, dtype=np.int64)
        row_of_art[stage.rows] = np.arange(stage.n)
        # int32: one per capability, 700,000 at 100,000 artifacts, stored in the folder
        stage_row_of_cap = (row_of_art[cap_art] if len(caps) else np.zeros(0, np.int64)).astype(np.int32)
        order = np.argsort(stage_row_of_cap, kind="stable").astype(np.int32)
        bounds = np.searchsorted(stage_row_of_cap[order], np.arange(stage.n + 1)).astype(np.int64)
        claims = claims_by_capability(snapshot.claims)
        digests = capability_digests(caps, claims)
        taxonomy = content_digest(snapshot.concepts).hex()
        directions = ns.DirectionTable.build(caps)
        if previous is not None and previous.cap_digest is not None and previous.taxonomy_digest == taxonomy:
            directions.carry_over(digests, previous.cap_digest, previous.directions)
        # Every direction now, not on a capability's first query: a stored index then
        # never reads capability records to rank, only to explain.
        directions.ensure(np.arange(len(caps)), caps, concepts)
        alpha, beta = seed_arrays(caps)
        index = cls(
            records=NeedRecords.in_memory(tuple(arts), caps, claims),
            cap_art=cap_art,
            flags=ns.ArtifactFlags.build(arts),
            bm25=bm25,
            directions=directions,
            concepts=concepts,
            concept_labels=ConceptLabelIndex(concepts.labels(), bm25),
            seed_alpha=alpha,
            seed_beta=beta,
            alpha=alpha.astype(np.float32),
            beta=beta.astype(np.float32),
            feedback=match_multipliers(alpha, beta, feedback_strength).astype(np.float32),
            intent_feedback={},
            stage=stage,
            stage_row_of_cap=stage_row_of_cap,
            row_caps=order,
            row_caps_ptr=bounds,
            prior=_prior(snapshot, [arts[a].slug for a in stage.rows]),
            embedder=embedder,
            embedder_kind=None if embedder is None else _kind(embedder),
            embedder_model=None if embedder is None else model_tag(embedder),
            snapshot=snapshot,
            cap_digest=digests,
            taxonomy_digest=taxonomy,
        )
        return index.with_events(events, feedback_strength=feedback_strength) if events else index

    def with_events(self, events: Sequence[FeedbackEvent], *, feedback_strength: float = 0.2) -> NeedIndex:
        """This index with feedback ``events`` on top of the reported match data.

        Only the posterior arrays change, so an index persisted without feedback is brought
        up to date in milliseconds instead of rebuilt.
        """
        alpha, beta = self.seed_alpha.copy(), self.seed_beta.copy()
        posts = posteriors_from_events(events)
        named = [k for k in posts if not k.startswith("intent:")]
        for iri, found in self.records.capability_ids(named).items():
            for i in found:
                alpha[i] += posts[iri].successes
                beta[i] += posts[iri].failures
        return dataclasses.replace(
            self,
            alpha=alpha.astype(np.float32),
            beta=beta.astype(np.float32),
            feedback=match_multipliers(alpha, beta, feedback_strength).astype(np.float32),
            intent_feedback={k: float(match_multipliers(p.alpha, p.beta, feedback_strength))
                             for k, p in posts.items() if k.startswith("intent:")},
        )

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["embedder"] = None  # an inference session does not pickle; found again on use
        return state

    @property
    def dense(self) -> bool:
        """Whether the index holds dense vectors (built with an embedder)."""
        return self.stage.vectors is not None

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
        stages: str = "full",
    ) -> NeedAnswer:
        """Rank artifacts for a need; constraints from the text and ``constraints`` merge.

        Any text gets an answer: the ``top`` described artifacts that pass the hard
        constraints (all of them when fewer), best first. Artifacts nothing matched come
        last as weak matches, ordered by their observed rank. Only hard constraints can
        shorten the list; when they remove everything, ``note`` names them.

        Raises:
            QueryError: ``top`` < 1 or an unknown ``stages``.
        """
        if top < 1:
            raise QueryError(f"top must be at least 1, got {top}")
        if stages not in STAGES:
            raise QueryError(f"stages must be one of {', '.join(STAGES)}, got {stages!r}")
        said = parse_constraints(text) if parse_text else NeedConstraints()
        cons = said.merged(constraints)
        need_dir = Direction(frozenset(cons.input_types), frozenset(cons.output_types))
        if self.stage.n == 0:
            return NeedAnswer(text, cons, need_dir, (), 0, "the store describes no artifact")
        qterms = terms(text)
        qvec = self._query_vector(text) if stages != "lexical" else None
        st = self.stage.scores(qterms if stages != "dense" else [], qvec)
        hard = self.flags.checks(constraints or NeedConstraints())
        soft = [c for c in self.flags.checks(said) if c[0] not in {name for name, _ in hard}]
        art_ok, art_factor = self.flags.evaluate(hard)
        art_factor = art_factor * self.flags.soften(soft)
        checks = [(name, arr, True) for name, arr in hard] + [(name, arr, False) for name, arr in soft]
        rows = self.stage.rows
        ok = art_ok[rows]
        filtered = int((~ok).sum())
        if not ok.any():
            return NeedAnswer(text, cons, need_dir, (), filtered, _removed_note(hard, rows))
        fused = st.fused
        weak = np.where(fused > 0, 0.0, self.prior)
        cand = np.flatnonzero(ok)
        hits = [h for h in self.concept_labels.hits(qterms)
                if ns.direction_factor(need_dir, self.concepts.direction(h.concept)) >= 1.0] \
            if stages == "full" else []
        spread = self.concepts.spread(hits)
        if stages == "full":
            pool = _best(cand, fused[cand], max(100, 10 * top))
            rr = rerank(self, st, rows, pool, qterms, need_dir, cons.languages, spread, art_factor)
        else:
            rr = rerank(self, st, rows, np.zeros(0, np.int64), [], Direction(), (), spread,
                        np.ones(len(art_factor)))
        score = np.where(fused > 0, fused * rr.total, weak * rr.unknown)
        order = _best(cand, score[cand], top)
        ctx = ExplainContext(text, qterms, need_dir, cons, checks, st, rr, spread, self.prior, score, self)
        self._prefetch(order, st, rr.best_cap)
        results = tuple(explain(int(r), ctx) for r in order)
        note = None if fused[cand].any() else "weak matches only: nothing in the graph matches the need"
        return NeedAnswer(text, cons, need_dir, results, filtered, note)

    def _prefetch(self, order: np.ndarray, st: StageScores, best_cap: np.ndarray) -> None:
        """Read the records the results will explain in one query per table (a stored
        index reads these and no others)."""
        self.records.artifacts_at(self.stage.rows[order])
        texts = st.best_text[order]
        caps = np.concatenate([best_cap[order], self.stage.text_cap[texts[texts >= 0]]])
        self.records.capabilities_at(sorted_unique(caps[caps >= 0]))

    def _query_vector(self, text: str) -> np.ndarray | None:
        if not self.dense:
            return None
        if self.embedder is None:
            from matchgraph.loaders.embeddings import default_embedder

            found = default_embedder()
            if found is None or _kind(found) != self.embedder_kind:
                return None
            self.embedder = found
        vector = np.asarray(self.embedder.encode([text]), dtype=np.float32)[0]
        assert self.stage.vectors is not None
        return vector if vector.shape[0] == self.stage.vectors.shape[1] else None

    def intent_factors(self, cand: np.ndarray) -> np.ndarray:
        """Mean feedback multiplier of the intents of each capability that have feedback."""
        out = np.ones(len(cand))
        if not self.intent_feedback:
            return out
        caps = self.records.capabilities_at(cand)
        for k, cap in enumerate(caps):
            fs = [self.intent_feedback[key] for t in cap.intents
                  if (key := intent_key(t)) in self.intent_feedback]
            if fs:
                out[k] = float(np.mean(fs))
        return out


def _best(items: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` items with the highest values, best first, ties by item (deterministic).
    A partition first, so only the kept part is sorted (100,000 artifacts take ~1 ms)."""
    if len(items) > k:
        cut = np.partition(values, len(values) - k)[len(values) - k]
        keep = values >= cut  # every tie at the cut stays, so the order is exact
        items, values = items[keep], values[keep]
    return items[np.lexsort((items, -values))][:k]


def _kind(embedder: object) -> str:
    return f"{type(embedder).__module__}.{type(embedder).__qualname__}"


def _prior(snapshot: GraphSnapshot, slugs: Sequence[str]) -> np.ndarray:
    """A weak match's score: 0.001 x the best observed rank (0-100 scale), at least 1e-6,
    so weak matches sort below any real one and among themselves by rank."""
    best: dict[str, float] = {}
    for o in snapshot.observations:
        if o.rank is not None:
            best[o.artifact] = max(best.get(o.artifact, 0.0), float(o.rank))
    return np.array([max(best.get(s, 0.0), 0.001) * 1e-5 for s in slugs], dtype=np.float64)


def _removed_note(checks: list[tuple[str, np.ndarray]], rows: np.ndarray) -> str:
    """Which hard constraints removed every artifact, and how many each removed."""
    parts = [f"{name} removed {int((arr[rows] == 0).sum())} of {len(rows)}" for name, arr in checks
             if (arr[rows] == 0).any()]
    return "no artifact meets the constraints: " + "; ".join(parts)
