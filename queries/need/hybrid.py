"""First stage of need matching: hybrid (lexical + dense) retrieval over artifacts.

Why artifacts and not capabilities. A page says much more about an artifact than its
capability descriptions: capability names, intents, best-for lines, the concepts the
capabilities map to, its type and price, and the "Unique:" and "vs alternatives:" lines.
Needs written by people who never read the page share few words with any one description
("draw a watercolour fox" against "generates images from text prompts"), so every text
the graph holds about an artifact is one BM25 document (the claim lines in a second
document, weighted lower: they name competitors, and a generator that "beats OCR tools"
is no OCR tool), and dense similarity is the best cosine between the need and any of the
artifact's texts (each capability, plus a short card with its name, type, price and
concepts), so a long page does not dilute its one relevant capability.

Why a calibrated linear mix. BM25 scores and cosines live on different scales; reciprocal
rank fusion (Cormack, Clarke and Buettcher, SIGIR 2009) sidesteps that by adding
``1 / (k + rank)`` from each list, but ranks hide how weak a list's best match is: a
paraphrase whose only shared word is "make" still puts some artifact at lexical rank 1.
Dividing BM25 by the score the need's own terms could reach at most (the sum of their
IDFs) and rescaling the cosine from a floor gives both halves an absolute meaning. Both
methods are implemented (:class:`Fusion`); the linear mix won on the development half of
the need set (``bench/needs/dev.jsonl``), which is also where its weights were chosen.

Everything the stage keeps is numpy arrays, dicts and the BM25 matrices, so the index
pickles or is stored as files (:mod:`store`); the embedder itself is not part of it.
Dense scoring lives in :mod:`dense` (exact, or approximate at scale).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from matchgraph.queries.need.dense import DenseTexts, unit_rows
from matchgraph.queries.need.bm25 import SparseBM25
from matchgraph.queries.snapshot import ArtifactRecord, CapabilityRecord, GraphSnapshot

__all__ = ["FUSION", "Fusion", "HybridStage", "StageScores", "artifact_card", "capability_text"]


@dataclass(frozen=True)
class Fusion:
    """How lexical and dense evidence are fused.

    ``rrf``: reciprocal rank fusion, each list's share scaled by ``k + 1`` (rank 1 is worth
    its weight). ``linear``: a calibrated linear mix, BM25 divided by the largest score the
    need's terms could reach (the sum of their IDFs, so a need that matches only one common
    word stays low whatever the other artifacts score) plus the cosine rescaled from
    ``floor``..1 to 0..1 (MiniLM puts unrelated technical sentences near 0.1-0.3).
    """

    method: str = "linear"
    k: float = 10.0
    """RRF constant: larger flattens the difference between ranks."""
    floor: float = 0.1
    w_lex: float = 1.0
    w_dense: float = 1.5
    w_claims: float = 0.15
    """Weight of the claim-line BM25 document against the main one."""


FUSION = Fusion()
"""The default, chosen on the development half (see README, "Need matching"): on those
88 needs the calibrated linear mix beat the best RRF setting (k in 2..10, dense weight
1..3) on MRR@10 (0.852 against 0.846) and on the paraphrased needs (hit@3 0.80 against
0.73), with the claim lines at 0.15 of the main document and dense at 1.5x lexical."""


def capability_text(cap: CapabilityRecord, artifact_name: str) -> str:
    """One capability as a dense text: name, description, intents, best-for, artifact."""
    return " ".join((cap.name or "", cap.description, " ".join(cap.intents),
                     " ".join(cap.best_for), artifact_name)).strip()


def artifact_card(art: ArtifactRecord, pricing: str, concept_labels: Sequence[str],
                  capability_names: Sequence[str]) -> str:
    """A short description of an artifact from its graph facts (for artifacts whose page
    was cut before any capability, it is all there is)."""
    kind = (art.type or "artifact").replace("_", " ")
    parts = [f"{art.name}: {kind}"]
    if pricing:
        parts.append(pricing)
    if art.open_weights:
        parts.append("open weights")
    if art.local:
        parts.append("runs locally")
    text = ", ".join(parts) + "."
    if capability_names:
        text += " " + "; ".join(dict.fromkeys(capability_names)) + "."
    if concept_labels:
        text += " " + ", ".join(dict.fromkeys(concept_labels)) + "."
    return text


@dataclass(frozen=True)
class StageScores:
    """Per described artifact (order of ``HybridStage.rows``): raw scores and fused parts."""

    lexical: np.ndarray
    dense: np.ndarray
    """Best cosine of the need with any of the artifact's texts (zeros without dense)."""
    lex_part: np.ndarray
    dense_part: np.ndarray
    best_text: np.ndarray
    """Index into ``HybridStage.text_owner`` of each artifact's closest text, -1 if none."""

    @property
    def fused(self) -> np.ndarray:
        return self.lex_part + self.dense_part


@dataclass(eq=False)
class HybridStage:
    """Lexical and dense indexes over the described artifacts.

    ``rows`` maps a stage row to the artifact index of ``NeedIndex.artifacts``;
    ``text_owner`` gives each dense text's stage row and ``text_cap`` its capability
    index (-1 for an artifact card). Texts are grouped by stage row (a row's capabilities
    in capability order, then its card), as :class:`DenseTexts` keeps their vectors.
    """

    rows: np.ndarray
    lexical: SparseBM25
    claims: SparseBM25
    dense: DenseTexts | None
    text_owner: np.ndarray
    text_cap: np.ndarray
    fusion: Fusion = FUSION

    @property
    def vectors(self) -> np.ndarray | None:
        """The texts' unit vectors (None for a lexical index)."""
        return None if self.dense is None else self.dense.vectors

    @classmethod
    def build(cls, snapshot: GraphSnapshot, artifacts: Sequence[ArtifactRecord],
              cap_art: np.ndarray, concept_labels: dict[str, str],
              embed: Callable[[list[str]], np.ndarray] | None, fusion: Fusion = FUSION,
              earlier: HybridStage | None = None) -> HybridStage:
        """Index every artifact some document describes (a capability or an observation);
        ``embed`` (texts -> vectors, see :func:`vectors.embed_texts`) adds the dense half;
        ``earlier`` (an earlier version's stage) lends the postings of texts it indexed."""
        caps = snapshot.capabilities
        where = {a.slug: i for i, a in enumerate(artifacts)}
        described = sorted({int(a) for a in cap_art} | {where[o.artifact] for o in snapshot.observations
                                                          if o.artifact in where})
        row_of = {a: r for r, a in enumerate(described)}
        pricing: dict[int, set[str]] = {}
        for o in snapshot.observations:
            if o.pricing and o.artifact in where:
                pricing.setdefault(where[o.artifact], set()).add(o.pricing.lower())
        core: list[list[str]] = [[artifacts[a].name, (artifacts[a].type or "").replace("_", " "),
                                  " ".join(sorted(pricing.get(a, ())))] for a in described]
        lines: list[list[str]] = [[] for _ in described]
        labels: list[list[str]] = [[] for _ in described]
        names: list[list[str]] = [[] for _ in described]
        for c, a in zip(caps, cap_art):
            r = row_of[int(a)]
            cap_labels = [concept_labels[x] for x in c.concepts if x in concept_labels]
            core[r] += [c.name or "", c.description, *c.intents, *c.best_for, *cap_labels]
            lines[r] += [x for x in (c.unique, c.vs_alternatives) if x]
            labels[r] += cap_labels
            if c.name:
                names[r].append(c.name)
        for claim in snapshot.claims:
            if claim.subject in where and where[claim.subject] in row_of and claim.text:
                lines[row_of[where[claim.subject]]].append(claim.text)
        n = len(described)
        lexical = SparseBM25.build((" ".join(t) for t in core), n,
                                   earlier=None if earlier is None else earlier.lexical)
        claims = SparseBM25.build((" ".join(dict.fromkeys(t)) for t in lines), n,
                                  earlier=None if earlier is None else earlier.claims)
        owner = np.concatenate([np.array([row_of[int(a)] for a in cap_art], dtype=np.int32),
                                np.arange(n, dtype=np.int32)])
        text_cap = np.concatenate([np.arange(len(caps), dtype=np.int32), np.full(n, -1, np.int32)])
        group = np.argsort(owner, kind="stable")  # by row; capability order, then the card
        owner, text_cap = owner[group], text_cap[group]
        dense = None
        if embed is not None and n:
            texts = [capability_text(c, artifacts[int(a)].name) for c, a in zip(caps, cap_art)]
            texts += [artifact_card(artifacts[a], " ".join(sorted(pricing.get(a, ()))), labels[r], names[r])
                      for r, a in enumerate(described)]
            vectors = unit_rows(np.asarray(embed([texts[int(k)] for k in group]), dtype=np.float32))
            ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(owner, minlength=n), out=ptr[1:])
            dense = DenseTexts.build(vectors, ptr)
        return cls(np.array(described, dtype=np.int64), lexical, claims, dense, owner, text_cap, fusion)

    @property
    def n(self) -> int:
        return len(self.rows)

    def scores(self, qterms: list[str], query_vector: np.ndarray | None) -> StageScores:
        """Lexical and dense scores of every described artifact, and their fused parts."""
        f = self.fusion
        lex = self.lexical.scores(self.lexical.term_ids(qterms))
        if f.w_claims:
            lex = lex + f.w_claims * self.claims.scores(self.claims.term_ids(qterms))
        dense = np.zeros(self.n)
        best = np.full(self.n, -1, dtype=np.int64)
        if query_vector is not None and self.dense is not None:
            dense, best = self.dense.best(unit_rows(query_vector.reshape(1, -1).astype(np.float32))[0], lex)
        if f.method == "linear":
            bound = sum(self.lexical.term_idf(t) for t in dict.fromkeys(qterms)) or 1.0
            lex_part = f.w_lex * np.minimum(lex / bound, 1.0)
            dense_part = f.w_dense * np.clip((dense - f.floor) / (1.0 - f.floor), 0.0, None)
        else:
            lex_part = f.w_lex * _rrf(lex, f.k)
            dense_part = f.w_dense * _rrf(dense, f.k)
        return StageScores(lex, dense, lex_part, dense_part, best)

    def mentions(self, term: str, row: int) -> bool:
        """Whether artifact ``row``'s texts (main or claim lines) contain ``term`` (a stem)."""
        for index in (self.lexical, self.claims):
            postings = index.postings(term)
            k = int(np.searchsorted(postings, row))
            if k < len(postings) and postings[k] == row:
                return True
        return False


def _rrf(scores: np.ndarray, k: float) -> np.ndarray:
    """``(k + 1) / (k + rank)`` for positive scores (rank 1 = best; ties share the best
    rank), 0 for the others."""
    out = np.zeros(len(scores))
    pos = np.flatnonzero(scores > 0)
    if len(pos) == 0:
        return out
    vals = scores[pos]
    # Dense rank from the sorted unique values keeps equal scores on equal ranks.
    ranks = np.searchsorted(-np.unique(vals)[::-1], -vals) + 1
    out[pos] = (k + 1.0) / (k + ranks)
    return out
