"""The lexical index over the taxonomy's labels: phrase tables and BM25 postings."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
import math

from matchgraph.loaders.concepts.scheme import Concept, ConceptScheme
from matchgraph.loaders.concepts.analysis import phrase_stems


# How much one kind of label counts as evidence, before position and specificity.
_KIND_WEIGHT = {"pref": 1.0, "alt": 1.0, "hidden": 0.8, "keyword": 0.45}
_BAG_WEIGHT = {"pref": 3, "alt": 2, "hidden": 1, "keyword": 1}
_SINGLE_WORD = 0.7  # a one-word label ("search", "vision") is weaker than a phrase
_BM25_K1, _BM25_B = 1.2, 0.75
_MAX_GAPS, _GAP_DISCOUNT = 2, 0.8


@dataclass(frozen=True, slots=True)
class _Phrase:
    stems: tuple[str, ...]
    concept: int
    weight: float
    needs: frozenset[str]  # every stem must occur in the text: a cheap test before matching


@dataclass(frozen=True)
class _LexicalIndex:
    """Everything the lexical scorer needs, precomputed once per scheme."""

    concepts: tuple[Concept, ...]
    phrases: Mapping[str, tuple[_Phrase, ...]]
    postings: Mapping[str, tuple[tuple[int, float], ...]]
    """stem -> (concept, BM25 term weight without the query side), for concepts having it."""
    qualifiers: tuple[tuple[tuple[str, ...], ...], ...]
    negatives: tuple[tuple[tuple[str, ...], ...], ...]
    broader: tuple[tuple[int, ...], ...]
    ancestors: tuple[frozenset[str], ...]
    direction_roots: Mapping[tuple[str, str], tuple[int, ...]]
    """(input, output) -> the most general concepts declaring exactly that one direction."""


def _build_index(scheme: ConceptScheme) -> _LexicalIndex:
    concepts = tuple(scheme)
    position = {c.iri: i for i, c in enumerate(concepts)}
    return _LexicalIndex(
        concepts=concepts,
        phrases=_phrase_table(concepts),
        postings=_postings([_bag_of_terms(c) for c in concepts]),
        qualifiers=tuple(tuple(phrase_stems(q) for q in c.qualifiers) for c in concepts),
        negatives=tuple(tuple(phrase_stems(q) for q in c.negative_keywords) for c in concepts),
        broader=tuple(tuple(position[b] for b in c.broader) for c in concepts),
        ancestors=tuple(scheme.ancestors(c.iri) for c in concepts),
        direction_roots=_direction_roots(scheme, concepts),
    )


def _exact_direction(concept: Concept) -> tuple[str, str] | None:
    if len(concept.input_types) == 1 and len(concept.output_types) == 1:
        return next(iter(concept.input_types)), next(iter(concept.output_types))
    return None


def _direction_roots(
    scheme: ConceptScheme, concepts: Sequence[Concept]
) -> dict[tuple[str, str], tuple[int, ...]]:
    """Text -> image is text-to-image generation; its narrower concepts share that direction
    but need their own evidence, so only the most general concept of a direction is a root."""
    roots: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, concept in enumerate(concepts):
        pair = _exact_direction(concept)
        if pair and not any(_exact_direction(scheme.concepts[b]) == pair for b in concept.broader):
            roots[pair].append(i)
    return {pair: tuple(found) for pair, found in roots.items()}


def _labelled(concept: Concept) -> Iterator[tuple[str, str]]:
    yield "pref", concept.label
    for kind, labels in (
        ("alt", concept.alt_labels),
        ("hidden", concept.hidden_labels),
        ("keyword", concept.keywords),
    ):
        for label in labels:
            yield kind, label


def _phrase_table(concepts: Sequence[Concept]) -> dict[str, tuple[_Phrase, ...]]:
    """First stem -> phrases starting with it, each weighted by kind, length and rarity.

    Rarity is counted over concepts: a phrase several concepts share says less about each.
    """
    raw: list[tuple[tuple[str, ...], int, str]] = []
    for i, concept in enumerate(concepts):
        seen: set[tuple[str, ...]] = set()
        for kind, label in _labelled(concept):
            stems = phrase_stems(label)
            if stems and stems not in seen:
                seen.add(stems)
                raw.append((stems, i, kind))
    df = Counter(stems for stems, _, _ in raw)
    n = len(concepts)
    table: dict[str, list[_Phrase]] = defaultdict(list)
    for stems, i, kind in raw:
        rarity = math.log(1 + n / df[stems]) / math.log(1 + n)
        length = _SINGLE_WORD if len(stems) == 1 else min(1.0 + 0.4 * (len(stems) - 1), 2.2)
        table[stems[0]].append(
            _Phrase(stems, i, _KIND_WEIGHT[kind] * rarity * length, frozenset(stems))
        )
    return {k: tuple(v) for k, v in table.items()}


def _bag_of_terms(concept: Concept) -> Counter[str]:
    """BM25 document of a concept: names count more than definition words."""
    bag: Counter[str] = Counter()
    for kind, label in _labelled(concept):
        for s in phrase_stems(label, content_only=True):
            bag[s] += _BAG_WEIGHT[kind]
    for s in phrase_stems(concept.definition or "", content_only=True):
        bag[s] += 1
    return bag


def _postings(bags: Sequence[Counter[str]]) -> dict[str, tuple[tuple[int, float], ...]]:
    """Inverted BM25 index: per stem, idf x saturated tf for each concept that has it."""
    n = len(bags)
    lengths = [sum(b.values()) for b in bags]
    avg = sum(lengths) / max(n, 1)
    df = Counter(t for b in bags for t in b)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, bag in enumerate(bags):
        norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * lengths[i] / avg)
        for term, tf in bag.items():
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            postings[term].append((i, idf * tf * (_BM25_K1 + 1) / (tf + norm)))
    return {t: tuple(p) for t, p in postings.items()}
