"""Words, stems and BM25 terms: the one analyser of English text in matchgraph.

Concept mapping (at load time) and need reading (at query time) both stem with
:func:`stem`, so a capability and a need that use different inflections of a word meet.

Why a hand-written stemmer: BM25 must see "extracts", "extracting" and "extraction" as one
term, and the index must be the same on every machine. A small, deterministic suffix
stripper (no optional C extension whose presence would change rankings) is enough for the
technical English of capability descriptions.

>>> stem("extraction") == stem("extracts") == stem("extracting")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["STOPWORDS", "WORD", "stem", "terms"]

STOPWORDS: frozenset[str] = frozenset(
    """a an and are as at be been but by can could do does for from has have how i if in
    into is it its me my no not of on or our so such than that the their them then there
    these they this those to too us was we were what when where which while who will with
    would you your using via also""".split()
)
"""Words dropped before BM25; direction analysis keeps them (it needs "from" and "to")."""

WORD = re.compile(r"[^\W_]+")

_IRREGULAR = {
    "recognition": "recogniz",
    "transcription": "transcrib",
    "transcript": "transcrib",
    "transcripts": "transcrib",
    "transcriber": "transcrib",
    "transcribers": "transcrib",
    "analysis": "analyz",
    "analyses": "analyz",
    "synthesis": "synthesiz",
    "embed": "embed",
    "embeds": "embed",
    "speed": "speed",
    "need": "need",
    "needs": "need",
}
_SUFFIXES = (
    ("izations", "ize"), ("ization", "ize"), ("ational", "ate"), ("ations", "ate"),
    ("ation", "ate"), ("ators", "ate"), ("ator", "ate"), ("izers", "ize"), ("izer", "ize"),
    ("tors", "t"), ("tor", "t"), ("ings", ""), ("ing", ""),
    ("ions", ""), ("ion", ""), ("ied", "y"), ("ies", "y"), ("edly", ""), ("ed", ""),
    ("sses", "ss"), ("es", "e"), ("ly", ""), ("ss", "ss"), ("us", "us"), ("is", "is"),
    ("s", ""),
)
_VOWELS = frozenset("aeiouy")


def _strip_once(w: str) -> tuple[str, bool]:
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix):
            base = w[: len(w) - len(suffix)]
            if len(base) < 3 or not _VOWELS.intersection(base):
                return w, False
            w = base + repl
            if suffix in ("ing", "ings", "ed", "edly") and len(w) > 3 and (
                w[-1] == w[-2] and w[-1] not in "lsz" and w[-1] not in _VOWELS
            ):
                w = w[:-1]
            return w, suffix not in ("ss", "us", "is")
    return w, False


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Strip English inflection and common derivation so variants share one term.

    Only consistency matters (the same stemmer runs on documents and needs), so the stems
    need not be words: ``stem("generation") == stem("generates") == "gener"``.
    """
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or not w.isalpha():
        return w
    for _ in range(2):
        w, changed = _strip_once(w)
        if not changed:
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    if w.endswith("at") and len(w) > 5:
        w = w[:-2]
    return w


def terms(text: str) -> list[str]:
    """BM25 terms of ``text``: lower-cased words, stopwords dropped, stemmed."""
    return [stem(w) for w in WORD.findall(text.lower()) if w not in STOPWORDS]
