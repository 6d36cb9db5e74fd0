"""Second stage of need matching: the graph's own signals re-rank the fused list.

The first stage (:mod:`hybrid`) says how close an artifact's texts are to the need.
The graph knows more, and each signal becomes a positive factor on the fused score, so it
can reorder the list but never empty it:

* direction: what the need puts in and wants out against what the artifact's closest
  capability does (an OCR need does not land on an image generator, although both pages
  are full of "text" and "image"); factors in :data:`scoring.DIRECTION_FACTORS`;
* concept: the need covers the label of a taxonomy concept that one of the artifact's
  capabilities maps to (or a narrower one): ``1 + W_CONCEPT * coverage``;
* language: the languages the need names, mentioned by the artifact's texts or not;
* feedback: the Beta posterior of past matches of the closest capability;
* constraints: an unknown free / open-weights / local / type value keeps 85 %.

Hard constraints (known not free, known another type...) remove artifacts before this
stage; they are the only thing that can shorten the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matchgraph.queries.need import scoring as ns
from matchgraph.queries.need.concepts import ConceptSpread
from matchgraph.queries.need.hybrid import StageScores
from matchgraph.loaders.text import Direction, stem

if TYPE_CHECKING:
    from matchgraph.queries.need.match import NeedIndex

__all__ = ["W_CONCEPT", "Rerank", "rerank"]

W_CONCEPT = 0.3
"""A need that fully covers a concept label of the artifact raises its score by 30 %."""


@dataclass(frozen=True)
class Rerank:
    """Factors per stage row (artifacts of ``HybridStage.rows``) and the capability each
    artifact is judged by (-1: the artifact has no capability)."""

    best_cap: np.ndarray
    concept: np.ndarray
    coverage: np.ndarray
    direction: np.ndarray
    language: np.ndarray
    feedback: np.ndarray
    unknown: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.concept * self.direction * self.language * self.feedback * self.unknown


def rerank(index: NeedIndex, stage: StageScores, rows: np.ndarray, cand: np.ndarray,
           qterms: list[str], need_dir: Direction, languages: tuple[str, ...],
           spread: ConceptSpread, art_factor: np.ndarray) -> Rerank:
    """Graph factors for the candidate stage rows ``cand`` (other rows keep factor 1)."""
    n = len(rows)
    best = _best_capabilities(index, stage, rows, cand, qterms)
    coverage = np.zeros(n)
    if len(spread.caps):
        arts = index.stage_row_of_cap[spread.caps]
        np.maximum.at(coverage, arts, spread.values)
    concept = 1.0 + W_CONCEPT * coverage
    direction = np.ones(n)
    has = cand[best[cand] >= 0]
    if need_dir.known and len(has):
        caps = np.concatenate([index.caps_of(r) for r in has])
        f = index.directions.factors(caps, need_dir, index.records.capabilities, index.concepts,
                                     index.cap_art)
        lookup = dict(zip(caps.tolist(), f.tolist()))
        direction[has] = [lookup[int(best[r])] for r in has]
    language = np.ones(n)
    if languages:
        docs = cand
        hits = sum(_contains(index.stage.lexical.postings(stem(x)), docs).astype(int) for x in languages)
        generic = (_contains(index.stage.lexical.postings(stem("multilingual")), docs)
                   | _contains(index.stage.lexical.postings(stem("languages")), docs))
        f = np.full(len(docs), ns.LANGUAGE_FACTORS["none"])
        f[generic] = ns.LANGUAGE_FACTORS["generic"]
        f[hits > 0] = ns.LANGUAGE_FACTORS["some"]
        f[hits == len(languages)] = ns.LANGUAGE_FACTORS["all"]
        language[docs] = f
    feedback = np.ones(n)
    if len(has):
        caps = best[has]
        feedback[has] = index.feedback[caps].astype(np.float64) * index.intent_factors(caps)
    unknown = art_factor[rows].astype(np.float64)
    return Rerank(best, concept, coverage, direction, language, feedback, unknown)


def _best_capabilities(index: NeedIndex, stage: StageScores, rows: np.ndarray, cand: np.ndarray,
                       qterms: list[str]) -> np.ndarray:
    """Each candidate's capability closest to the need: the dense winner when there is one,
    else the best capability-level BM25, else its first capability."""
    best = np.full(len(rows), -1, dtype=np.int64)
    text_cap = index.stage.text_cap
    for r in cand:
        t = int(stage.best_text[r])
        if t >= 0 and text_cap[t] >= 0:
            best[r] = int(text_cap[t])
    rest = cand[best[cand] < 0]
    rest = rest[[len(index.caps_of(r)) > 0 for r in rest]] if len(rest) else rest
    if len(rest):
        caps = np.concatenate([index.caps_of(r) for r in rest])
        owner = index.stage_row_of_cap[caps]
        cap_scores = index.bm25.scores_for(index.bm25.term_ids(qterms), caps)
        order = np.lexsort((caps, -cap_scores, owner))
        first = np.r_[True, owner[order][1:] != owner[order][:-1]]
        best[owner[order][first]] = caps[order][first]
    return best


def _contains(postings: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which ``docs`` are in the (sorted) ``postings``."""
    if len(postings) == 0:
        return np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(postings, docs), len(postings) - 1)
    return postings[at] == docs
