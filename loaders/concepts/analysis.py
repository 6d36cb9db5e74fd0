"""Text analysis for concept mapping: tokens with weights by field and position, and negation.

Stems and the direction of a capability come from the shared analyser
(:mod:`matchgraph.loaders.text`), the one need matching reads needs with.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple
import re

from matchgraph.loaders.text import stem as shared_stem

_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[a-z0-9]+|#|[,;:.()!?\[\]]")
_BOUNDARY = "|"
_STOPWORDS = frozenset(
    """
    a an the and or but nor of to in into on onto at by for from with within without via as is
    are was were be been being it its this that these those which who whom whose what when where
    while than then so such both each either any all some many much more most less few can could
    may might must shall should will would do does did done has have had having not no also only
    just very well even like e g eg i ie etc vs versus per across over under up down out about
    through throughout between among after before during until upon against their there they
    them our we you your he she his her one two three use uses used using support supports
    supported supporting enable enables enabled enabling allow allows allowed allowing provide
    provides provided providing implement implements implemented implementing offer offers
    include includes including based approach approaches feature features capability
    capabilities system systems method methods technique techniques model models user users new
    improved compared comparable other others specific different various standard native
    natively built directly automatically optional optionally
    """.split()
)
_NEGATION_CUES = frozenset(
    """
    avoid avoiding avoids eliminate eliminates eliminating except instead lack lacks never no
    nor not rather than unlike versus vs without
    """.split()
)
_NEGATION_SPAN, _NEGATION_WEIGHT = 5, 0.05
_NUMBER_WORDS = frozenset(
    """
    two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty
    sixty seventy eighty ninety hundred dozens hundreds thousands
    """.split()
)
# Words that name the same thing as a label's word; applied to labels and texts alike.
_SYNONYMS = {
    shared_stem(word): shared_stem(same)
    for word, same in (("picture", "image"), ("photo", "image"), ("photograph", "image"), ("word", "text"))
}
_CLAUSE_WORDS = frozenset(
    """
    based because by leveraging so that thereby through using via where which while with
    """.split()
)
_NAME_WEIGHT, _URI_WEIGHT, _CATEGORY_WEIGHT = 2.5, 2.0, 0.8
_SENTENCE_WEIGHTS = (2.0, 1.0, 0.7)  # first clause weighs more; see _description_tokens
_REST_OF_FIRST = 1.4


class Token(NamedTuple):
    """A word of the capability text with its stem and how much it counts where it stands.

    A named tuple rather than a frozen dataclass: a capability text makes about fifty, and
    a tuple is built in a third of the time (concept mapping runs for every capability a
    load stores)."""

    raw: str
    stem: str
    weight: float
    lead: bool = False

    @property
    def boundary(self) -> bool:
        return self.stem == _BOUNDARY

    @property
    def content(self) -> bool:
        return not self.boundary and self.raw not in _STOPWORDS and self.stem != "#"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The shared stemmer (:func:`matchgraph.loaders.text.stem`), with numbers as ``#``.

    Labels and descriptions go through it alike, and needs are read with the same stemmer at
    query time, so a capability and a need that inflect a word differently still meet.
    """
    if word.isdigit() or word == "#":
        return "#"
    return shared_stem(word)


def _split_words(text: str) -> list[str]:
    words = _TOKEN_RE.findall(text.lower())
    return [
        "#" if w[0].isdigit() and w.replace(".", "").replace(",", "").isdigit() else w
        for w in words
    ]


@lru_cache(maxsize=65536)
def _stem_word(word: str) -> str:
    if word in ",;:.()!?[]":
        return _BOUNDARY
    if word in _NUMBER_WORDS:
        return "#"
    stemmed = stem(word)
    return _SYNONYMS.get(stemmed, stemmed)


def phrase_stems(text: str, *, content_only: bool = False) -> tuple[str, ...]:
    """Stems of a label or phrase, punctuation dropped (so "text-to-image" == "text to image")."""
    words = [w for w in _split_words(text) if _stem_word(w) != _BOUNDARY]
    if content_only:
        words = [w for w in words if w not in _STOPWORDS and w != "#"]
    return tuple(_stem_word(w) for w in words)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(@])", text.strip()) if s]


def _field_tokens(text: str, weight: float, lead: bool) -> list[Token]:
    return [Token(w, _stem_word(w), weight, lead) for w in _split_words(text)]


def _description_tokens(description: str) -> list[Token]:
    """Tokens of a description, weighted by position: the lead clause says what it does."""
    tokens: list[Token] = []
    for k, sentence in enumerate(_sentences(description)):
        words = _split_words(sentence)
        if k == 0:
            cut = next(
                (j for j, w in enumerate(words) if j > 1 and (w in _CLAUSE_WORDS or w in ",;:(")),
                len(words),
            )
            tokens += [
                Token(w, _stem_word(w), _SENTENCE_WEIGHTS[0] if j < cut else _REST_OF_FIRST, True)
                for j, w in enumerate(words)
            ]
        else:
            weight = _SENTENCE_WEIGHTS[min(k, len(_SENTENCE_WEIGHTS) - 1)]
            tokens += [Token(w, _stem_word(w), weight) for w in words]
        tokens.append(Token(".", _BOUNDARY, 0.0, k == 0))
    return tokens


def _negate(tokens: list[Token]) -> list[Token]:
    """Words right after "without", "unlike", "rather than"... describe what it is not."""
    out: list[Token] = []
    left = 0
    for t in tokens:
        if t.stem == _BOUNDARY:
            left = 0
        elif left > 0:
            t = Token(t.raw, t.stem, t.weight * _NEGATION_WEIGHT, t.lead)
            left -= 1
        if t.raw in _NEGATION_CUES:
            left = _NEGATION_SPAN
        out.append(t)
    return out


def tokenize_capability(
    description: str,
    name: str | None = None,
    uri_path: str | None = None,
    categories: Sequence[str] = (),
) -> list[Token]:
    """All fields of a capability as one weighted token stream, fields split by boundaries."""
    tokens: list[Token] = []
    if name:
        tokens += [*_field_tokens(name, _NAME_WEIGHT, True), Token(".", _BOUNDARY, 0.0, True)]
    if uri_path:
        tokens += [*_field_tokens(uri_path, _URI_WEIGHT, True), Token(".", _BOUNDARY, 0.0, True)]
    tokens += _description_tokens(description)
    for category in categories:
        tokens += [*_field_tokens(category, _CATEGORY_WEIGHT, False), Token(".", _BOUNDARY, 0.0)]
    return _negate(tokens)
