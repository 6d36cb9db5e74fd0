"""Tokens with character offsets, and the closed word classes the claim grammar uses.

The grammar never sees strings, only :class:`Tok` objects that remember where they came
from, so every span it builds maps back to the exact characters of the statement. The word
classes are closed lists (prepositions, subordinators, determiners, common verbs of the
genre) because a blank tokenizer has no part-of-speech tags: these lists stand in for the
few tags the rules need.

>>> [t.text for t in tokenize("Faster than GPT-4o's mode (e.g., X) […]")]
['Faster', 'than', 'GPT-4o', "'s", 'mode', '(', 'e.g', '.', ',', 'X', ')']
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "ASPECT_PREPOSITIONS",
    "DETERMINERS",
    "EXAMPLE_MARKERS",
    "RELATIVE_PRONOUNS",
    "SUBORDINATORS",
    "Tok",
    "VERBS",
    "body_bounds",
    "is_verb_like",
    "tokenize",
]

_PREFIX_RE: Final = re.compile(r"^\s*(?:unique|vs\.?\s+alternatives|vs\.?\s+others)\s*:\s*", re.I)
_TRAILER_RE: Final = re.compile(r"(?:\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…))+\s*$")
_TOKEN_RE: Final = re.compile(
    r"""
      (?P<word>[\w~$#@][\w~$%+#@&→/\-]*(?:(?:\.(?=\w)|['’](?!s\b)(?=\w))[\w~$%+#@&→/\-]*)*)
    | (?P<poss>['’]s\b)
    | (?P<punct>[^\w\s])
    """,
    re.X,
)
"""A word (inner dots and apostrophes only before a letter), a possessive, or one mark.

The word's inner loop is unrolled (runs of plain word characters, then one dot or
apostrophe at a time) so the regex engine eats whole runs instead of trying three
alternatives per character; a word never starts with an apostrophe, so trying it first
matches exactly what the possessive-first order did."""
_TRAILER_CHARS: Final = frozenset("[].…")
"""Every character a shortening marker can hold, besides whitespace."""
_NUMBER_RE: Final = re.compile(r"^[~$#]?\d[\d.,\-–x%+]*(?:[kKmMbB]|x|MB|GB|B|K|M)?$")

SUBORDINATORS: Final = frozenset(
    "because due since while whereas although though thanks so whilst given".split()
)
"""Words that end a noun phrase and start a reason, concession or condition."""

ASPECT_PREPOSITIONS: Final = frozenset("on for in at across when within regarding".split())
"""Prepositions after the other side that introduce what the comparison is about."""

NAME_STOP_PREPOSITIONS: Final = ASPECT_PREPOSITIONS | frozenset(
    "with by via through without under to from as of into over than".split()
)
CLASS_STOP_PREPOSITIONS: Final = frozenset(
    "on for at across when by via through without under over than".split()
)
DETERMINERS: Final = frozenset(
    "the a an most some many several other these those its their all any existing "
    "such this that".split()
)
EXAMPLE_MARKERS: Final = frozenset({"like", "including", "especially", "notably"})
RELATIVE_PRONOUNS: Final = frozenset({"that", "which", "who", "where", "whose"})

VERBS: Final = frozenset(
    """handles handle supports support provides provide offers offer enables enable
    maintains maintain maintaining reduces requires require remains remain runs run works
    allows allow includes produces generates delivers achieves achieve achieving keeps uses
    adds trades integrates preserves scales needs gives makes lets is are was were be being
    been has have had does do can could may might will would should must struggles
    introduces introduce restricts charge charges costs encode encodes use""".split()
)
"""Finite verbs common in these statements: after a name they end the noun phrase."""


_PLURAL_ACRONYM_RE: Final = re.compile(r"[A-Z][A-Za-z0-9\-→]*[A-Z]s")


class Tok:
    """One token: its text and its ``[start, end)`` offsets in the statement.

    The grammar asks every token for its lowercase form and word class many times per
    statement, so those are computed once, when the token is made, and stored as plain
    attributes (``__slots__``, no property calls in the hot loops). Treat a token as
    immutable: nothing in the grammar assigns to one after :func:`tokenize` builds it.
    """

    __slots__ = ("depth", "end", "is_name_like", "is_number", "is_word", "low", "start", "text")

    text: str
    start: int
    end: int
    depth: int
    """How many parentheses enclose it (an unclosed one runs to the end)."""
    low: str
    is_word: bool
    is_number: bool
    is_name_like: bool
    """Capitalised, or carrying a digit or an inner capital: "GPT-4o", "iOS", "SDXL"."""

    def __init__(self, text: str, start: int, end: int, depth: int = 0) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.depth = depth
        classes = _WORD_CLASSES.get(text) or _word_class(text)
        self.low, self.is_word, self.is_number, self.is_name_like = classes

    def __repr__(self) -> str:
        return f"Tok({self.text!r}, {self.start}, {self.end}, {self.depth})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tok):
            return NotImplemented
        return (self.text, self.start, self.end, self.depth) == (
            other.text,
            other.start,
            other.end,
            other.depth,
        )

    def __hash__(self) -> int:
        return hash((self.text, self.start, self.end, self.depth))

    @property
    def is_plural_acronym(self) -> bool:
        """ "APIs", "LLMs", "GANs": a generic plural even though it is capitalised."""
        return _PLURAL_ACRONYM_RE.fullmatch(self.text) is not None


_WORD_CLASSES: dict[str, tuple[str, bool, bool, bool]] = {}
"""Cache of :func:`_word_class` by token text (a plain dict: cheaper to probe than
``functools.lru_cache`` on this path, where it runs once per token)."""
_WORD_CLASSES_MAX: Final = 1 << 16


def _word_class(text: str) -> tuple[str, bool, bool, bool]:
    """``(low, is_word, is_number, is_name_like)`` of a token text, computed and cached.

    Cached by text: the same few thousand words recur on every page of a bulk load, and
    these checks (a regex, three character scans) are most of what building a token costs.
    The cache is dropped whole when full, which keeps it bounded on any input.
    """
    head = text[:1]
    is_word = head.isalnum() or head in "~$#@_"
    is_number = _NUMBER_RE.match(text) is not None
    is_name_like = (
        is_word
        and not is_number
        and (head.isupper() or any(c.isdigit() for c in text) or any(c.isupper() for c in text[1:]))
    )
    classes = (text.lower(), is_word, is_number, is_name_like)
    if len(_WORD_CLASSES) >= _WORD_CLASSES_MAX:
        _WORD_CLASSES.clear()
    _WORD_CLASSES[text] = classes
    return classes


def body_bounds(text: str) -> tuple[int, int]:
    """Offsets of the statement body: after a "Unique:"-style prefix, before a " […]".

    Corpus lines are often shortened with a trailing " […]"; the marker is not part of any
    claim, but cutting it off the end keeps every earlier offset valid.
    """
    start = 0
    prefix = _PREFIX_RE.match(text)
    if prefix:
        start = prefix.end()
    end = len(text)
    trailer = _TRAILER_RE.search(text, _trailer_search_start(text, start))
    if trailer:
        end = trailer.start()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, max(start, end)


def _trailer_search_start(text: str, start: int) -> int:
    """Where a shortening marker can begin at the earliest: after the last other character.

    A marker match runs to the end of the text and holds only whitespace and "[].…", so no
    match starts before the trailing run of those; searching from there finds the same
    leftmost match without the regex trying (and failing) at every earlier position.
    """
    k = len(text)
    while k > start and (text[k - 1] in _TRAILER_CHARS or text[k - 1].isspace()):
        k -= 1
    return k


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Tok]:
    """Split ``text[start:end]`` into tokens, recording parenthesis depth.

    Hyphenated and dotted words stay whole ("Speech-to-Text", "3.5", "ASR→LLM"); a
    possessive "'s" is its own token, because "Copilot's completion" names Copilot.
    """
    if end is None:
        start, end = body_bounds(text)
    tokens: list[Tok] = []
    depth = 0
    for match in _TOKEN_RE.finditer(text, start, end):
        piece = match.group()
        if piece in ")]" and depth > 0:
            tokens.append(Tok(piece, match.start(), match.end(), depth))
            depth -= 1
            continue
        if piece in "([":
            depth += 1
        tokens.append(Tok(piece, match.start(), match.end(), depth))
    return tokens


def is_verb_like(tok: Tok) -> bool:
    """A finite verb from the closed list; the grammar uses it to end noun phrases."""
    return tok.low in VERBS
