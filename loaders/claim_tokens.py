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
from dataclasses import dataclass
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
      (?P<poss>['’]s\b)
    | (?P<word>[\w~$#@](?:[\w~$%+#@&→/\-]|\.(?=\w)|['’](?!s\b)(?=\w))*)
    | (?P<punct>[^\w\s])
    """,
    re.X,
)
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


@dataclass(frozen=True)
class Tok:
    """One token: its text and its ``[start, end)`` offsets in the statement."""

    text: str
    start: int
    end: int
    depth: int = 0
    """How many parentheses enclose it (an unclosed one runs to the end)."""

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum() or self.text[:1] in "~$#@_"

    @property
    def is_number(self) -> bool:
        return bool(_NUMBER_RE.match(self.text))

    @property
    def is_name_like(self) -> bool:
        """Capitalised, or carrying a digit or an inner capital: "GPT-4o", "iOS", "SDXL"."""
        t = self.text
        if not self.is_word or self.is_number:
            return False
        return t[0].isupper() or any(c.isdigit() for c in t) or any(c.isupper() for c in t[1:])

    @property
    def is_plural_acronym(self) -> bool:
        """ "APIs", "LLMs", "GANs": a generic plural even though it is capitalised."""
        return bool(re.fullmatch(r"[A-Z][A-Za-z0-9\-→]*[A-Z]s", self.text))


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
    trailer = _TRAILER_RE.search(text, start)
    if trailer:
        end = trailer.start()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, max(start, end)


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
