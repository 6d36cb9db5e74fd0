"""Scoring concepts for one capability text: pure functions over the lexical index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
import math

from matchgraph.loaders.concepts.scheme import Concept
from matchgraph.loaders.concepts.analysis import Token, _BOUNDARY, _sentences, tokenize_capability
from matchgraph.loaders.text import Direction, capability_direction, normalise_modality
from matchgraph.loaders.concepts.lexical import _GAP_DISCOUNT, _LexicalIndex, _MAX_GAPS


_BM25_WEIGHT = 1.0  # evidence the best BM25 concept gets; others in proportion
_BM25_FLOOR = 25.0  # a weak text is not normalised up to full BM25 weight
_TOP_CONCEPT_DAMPING = 0.6
_DIRECTION_CONFLICT = 0.12
_DIRECTION_AGREEMENT = 1.2
_DIRECTION_PRIOR = 1.0  # weak evidence for the concept a clear direction names (text -> image)
_NEGATIVE_CUE = 0.3
_NOTATION_BOOST = 1.25
_QUALIFIER_SHARE = 0.9
_QUALIFIED_PARENT = 1.0  # phrase evidence the broader concept needs before a qualifier counts
_SATURATION = 4.0  # raw evidence at which a score reaches 1 - 1/e


@dataclass(frozen=True, slots=True)
class CapabilityText:
    """What a document says about one capability: the mapper's input."""

    description: str
    name: str | None = None
    uri: str | None = None
    categories: tuple[str, ...] = ()
    input_types: tuple[str, ...] = ()
    output_types: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        description: str,
        name: str | None = None,
        uri: str | None = None,
        categories: Sequence[str] = (),
        input_types: Sequence[str] = (),
        output_types: Sequence[str] = (),
    ) -> CapabilityText:
        """Build from loose arguments; sequences become tuples so the record stays hashable."""
        return cls(
            description, name, uri, tuple(categories), tuple(input_types), tuple(output_types)
        )

    def lead(self) -> str:
        """The text an embedding model should read: the name and the first sentence."""
        first = (_sentences(self.description) or [""])[0]
        return f"{self.name}. {first}" if self.name else first


class EvidenceSource(Protocol):
    """Extra evidence per concept (the embeddings backend), added to the lexical evidence."""

    def evidence(self, items: Sequence[CapabilityText]) -> list[list[float]]: ...


@dataclass(frozen=True, slots=True)
class _Text:
    """A token stream as parallel lists, which the hot matching loop reads fastest."""

    stems: list[str]
    weights: list[float]
    vocabulary: frozenset[str]

    @classmethod
    def of(cls, tokens: Sequence[Token]) -> _Text:
        stems = [t.stem for t in tokens]
        return cls(stems, [t.weight for t in tokens], frozenset(stems))


def _phrase_evidence(index: _LexicalIndex, text: _Text) -> list[float]:
    """Sum, per concept, of its distinct labels found in the text, each at its best position."""
    best: dict[tuple[int, tuple[str, ...]], float] = {}
    for start, stem_ in enumerate(text.stems):
        for phrase in index.phrases.get(stem_, ()):
            if not phrase.needs <= text.vocabulary:
                continue
            weight = _match_at(text, start, phrase.stems)
            if weight > 0:
                key = (phrase.concept, phrase.stems)
                best[key] = max(best.get(key, 0.0), weight * phrase.weight)
    evidence = [0.0] * len(index.concepts)
    for (concept, _), weight in best.items():
        evidence[concept] += weight
    return evidence


def _match_at(text: _Text, start: int, stems: tuple[str, ...]) -> float:
    """Weight of a phrase matched at ``start``, allowing a couple of inserted words.

    "generates high-quality images" should count as "generates images", and "images from
    natural language text prompts" as "images from text prompts"; a gapped match counts less,
    and a match never crosses punctuation.
    """
    seq, n = text.stems, len(text.stems)
    gaps, j, weight = 0, start, text.weights[start]
    for s in stems[1:]:
        j += 1
        while j < n and seq[j] != s and seq[j] != _BOUNDARY and gaps < _MAX_GAPS:
            j, gaps = j + 1, gaps + 1
        if j >= n or seq[j] != s:
            return 0.0
        weight = min(weight, text.weights[j])
    return weight * (_GAP_DISCOUNT if gaps else 1.0)


def _found(text: _Text, stems: tuple[str, ...]) -> float:
    """Best weight at which a phrase occurs in the text (0 when absent)."""
    if not stems:
        return 0.0
    return max(
        (_match_at(text, i, stems) for i, s in enumerate(text.stems) if s == stems[0]), default=0.0
    )


def _bm25(index: _LexicalIndex, tokens: Sequence[Token]) -> list[float]:
    """BM25 of each concept's label/definition bag against the text's content words.

    Raw BM25 grows with the length of the description, so it is scaled relative to the best
    concept (and a floor): it ranks and breaks ties, while phrase matches carry the weight.
    """
    query: dict[str, float] = {}
    for t in tokens:
        if t.content and t.stem in index.postings:
            query[t.stem] = max(query.get(t.stem, 0.0), t.weight)
    scores = [0.0] * len(index.concepts)
    for term, qw in query.items():
        for i, w in index.postings[term]:
            scores[i] += qw * w
    top = max(max(scores, default=0.0), _BM25_FLOOR)
    return [_BM25_WEIGHT * x / top for x in scores]


def _apply_qualifiers(
    index: _LexicalIndex, text: _Text, phrases: Sequence[float], evidence: list[float]
) -> None:
    """A narrower concept with qualifiers inherits its broader concept's evidence when qualified.

    "Recognizes text across 8 languages" is evidence for OCR plus the qualifier "# languages",
    which together are evidence for multilingual text recognition.
    """
    for i, qualifiers in enumerate(index.qualifiers):
        if not qualifiers or not index.broader[i]:
            continue
        parent = max(phrases[b] for b in index.broader[i])
        if parent < _QUALIFIED_PARENT:
            continue
        hit = max(_found(text, q) for q in qualifiers)
        if hit > 0:
            evidence[i] += _QUALIFIER_SHARE * parent + 0.3 * hit


def _direction_factor(concept: Concept, direction: Direction) -> float:
    """Penalise a concept whose data direction contradicts the text's, reward one that fits."""
    outs, ins = concept.output_types, concept.input_types
    if outs and direction.outputs and not outs & direction.outputs:
        return _DIRECTION_CONFLICT
    if ins and direction.inputs and not ins & direction.inputs:
        return _DIRECTION_CONFLICT
    if outs & direction.outputs and ins & direction.inputs:
        return _DIRECTION_AGREEMENT
    return 1.0


def _factor(
    index: _LexicalIndex, i: int, lead: _Text, direction: Direction, notation: str | None
) -> float:
    """Multiplier on one concept's evidence: direction, negative cues, generality, category."""
    concept = index.concepts[i]
    f = _direction_factor(concept, direction)
    if any(_found(lead, neg) for neg in index.negatives[i]):
        f *= _NEGATIVE_CUE
    if concept.top:
        f *= _TOP_CONCEPT_DAMPING
    if notation is not None and (concept.iri == notation or notation in index.ancestors[i]):
        f *= _NOTATION_BOOST
    return f


def _to_score(raw: float) -> float:
    return round(1.0 - math.exp(-max(raw, 0.0) / _SATURATION), 4)


_MAX_FACTOR = _DIRECTION_AGREEMENT * _NOTATION_BOOST


def _score(
    index: _LexicalIndex,
    item: CapabilityText,
    notation: Concept | None,
    extra: Sequence[float] | None = None,
    floor: float = 0.0,
) -> list[tuple[float, int]]:
    """(score, concept index) for every concept scoring above ``floor``, best first. Pure."""
    tokens = tokenize_capability(
        item.description, item.name, _uri_words(item.uri, notation), item.categories
    )
    text = _Text.of(tokens)
    phrases = _phrase_evidence(index, text)
    evidence = [p + b for p, b in zip(phrases, _bm25(index, tokens), strict=True)]
    if extra is not None:
        evidence = [e + x for e, x in zip(evidence, extra, strict=True)]
    _apply_qualifiers(index, text, phrases, evidence)
    lead = _Text.of([t for t in tokens if t.lead])
    direction = _direction(item)
    if len(direction.inputs) == 1 and len(direction.outputs) == 1:
        for i in index.direction_roots.get(
            (next(iter(direction.inputs)), next(iter(direction.outputs))), ()
        ):
            evidence[i] += _DIRECTION_PRIOR
    needed = (
        -_SATURATION * math.log(1.0 - min(floor, 0.999)) / _MAX_FACTOR
    )  # evidence below cannot reach floor
    scored = []
    for i, e in enumerate(evidence):
        if e > 0 and e >= needed:
            score = _to_score(
                e * _factor(index, i, lead, direction, notation.iri if notation else None)
            )
            if score > 0 and score >= floor:
                scored.append((score, i))
    scored.sort(key=lambda si: (-si[0], index.concepts[si[1]].iri))
    return scored


# The scheme declares five modalities; a document is pages (images) holding text, and
# structured data is text, so each side of a direction is read in the scheme's terms.
_IN_SCHEME_TERMS = {"document": ("image", "text"), "data": ("text",)}


def _in_scheme_terms(modalities: frozenset[str]) -> frozenset[str]:
    return frozenset(m for x in modalities for m in _IN_SCHEME_TERMS.get(x, (x,)))


def _declared(values: Sequence[str]) -> frozenset[str]:
    return frozenset(m for v in values if (m := normalise_modality(v)) is not None)


def _direction(item: CapabilityText) -> Direction:
    """Declared input/output types win; otherwise read the direction from the text."""
    inferred = capability_direction(item.name, item.description)
    inputs = _declared(item.input_types) or inferred.inputs
    outputs = _declared(item.output_types) or inferred.outputs
    return Direction(inputs=_in_scheme_terms(inputs), outputs=_in_scheme_terms(outputs))


def _uri_words(uri: str | None, notation: Concept | None) -> str | None:
    """The name-like part of a capability:// URI, without the category prefix it starts with.

    The prefix is used as a prior on the category's subtree instead (see ``_factor``).
    """
    if not uri:
        return None
    path = uri.removeprefix("capability://")
    if notation is not None:
        prefix = max(
            (n for n in notation.notations if path.lower().startswith(n)), key=len, default=""
        )
        path = path[len(prefix) :]
    return path.replace(".", " ").replace("-", " ")
