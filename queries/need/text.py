"""Text analysis shared by need matching: tokens, stems and the direction of a need.

Why a hand-written stemmer: BM25 must see "extracts", "extracting" and "extraction" as one
term, and the index must be the same on every machine. A small, deterministic suffix
stripper (no optional C extension whose presence would change rankings) is enough for the
technical English of capability descriptions.

Why direction: "text" and "image" occur both in OCR ("extract text from images") and in
image generation ("generate images from text prompts"); only the direction tells them
apart. :func:`infer_direction` reads which modalities a sentence consumes and produces, from
verbs ("extract", "generate", "transcribe"), prepositions ("from", "into", "within") and
compounds ("text-to-image").

>>> stem("extraction") == stem("extracts") == stem("extracting")
True
>>> d = infer_direction("generate images from text prompts")
>>> sorted(d.inputs), sorted(d.outputs)
(['text'], ['image'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "LANGUAGES",
    "MODALITIES",
    "Direction",
    "STOPWORDS",
    "infer_direction",
    "modalities_of_terms",
    "modality_of",
    "normalise_modality",
    "stem",
    "terms",
]

STOPWORDS: frozenset[str] = frozenset(
    """a an and are as at be been but by can could do does for from has have how i if in
    into is it its me my no not of on or our so such than that the their them then there
    these they this those to too us was we were what when where which while who will with
    would you your using via also""".split()
)
"""Words dropped before BM25; direction analysis keeps them (it needs "from" and "to")."""

_WORD = re.compile(r"[^\W_]+")

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
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


# --- modalities -------------------------------------------------------------------------

MODALITIES: tuple[str, ...] = ("text", "image", "audio", "video", "code", "document", "data", "3d")
"""Canonical input and output types; declared types are mapped onto these."""

_MODALITY_WORDS = {
    "text": "text texts textual caption captions sentence sentences word words character "
    "characters string strings prompt prompts markdown prose transcript transcripts "
    "txt plaintext",
    "image": "image images picture pictures photo photos photograph photographs screenshot "
    "screenshots illustration illustrations artwork drawing drawings visual visuals png "
    "jpeg jpg scan scans scanned logo logos icon icons graphics",
    "audio": "audio speech voice voices sound sounds music song songs spoken recording "
    "recordings podcast podcasts wav mp3",
    "video": "video videos footage movie movies animation animations",
    "code": "code codebase program programs script scripts snippet snippets",
    "document": "document documents pdf pdfs invoice invoices receipt receipts contract "
    "contracts page pages",
    "data": "json table tables csv spreadsheet spreadsheets structured",
    "3d": "3d mesh meshes",
}
LANGUAGES: tuple[str, ...] = tuple(
    """afrikaans arabic bengali bulgarian catalan chinese croatian czech danish dutch
    english estonian finnish french german greek gujarati hebrew hindi hungarian
    indonesian italian japanese kannada korean latvian lithuanian malay malayalam marathi
    norwegian persian polish portuguese punjabi romanian russian serbian slovak slovenian
    spanish swahili swedish tagalog tamil telugu thai turkish ukrainian urdu vietnamese
    cantonese mandarin""".split()
)
"""Language names recognised in a need (lower case)."""

_STEM_MODALITY: dict[str, str] = {
    stem(word): modality
    for modality, words in _MODALITY_WORDS.items()
    for word in words.split()
}
# A language names text in a direction phrase: "translate speech to English".
_STEM_MODALITY.update({stem(lang): "text" for lang in LANGUAGES})


def modality_of(word: str) -> str | None:
    """The modality a single word names ("screenshots" -> "image"), or None."""
    return _STEM_MODALITY.get(stem(word))


def modalities_of_terms(stems: Iterable[str]) -> frozenset[str]:
    """Modalities named by already stemmed terms (as :func:`terms` returns them)."""
    return frozenset(m for t in stems if (m := _STEM_MODALITY.get(t)) is not None)


def normalise_modality(value: str) -> str | None:
    """Map a declared input or output type ("Images", "pdf", "speech") to a modality."""
    v = value.strip().lower()
    if v in MODALITIES:
        return v
    found = [m for w in _WORD.findall(v) if (m := modality_of(w)) is not None]
    return found[0] if found else None


# --- direction ---------------------------------------------------------------------------

_ROLES = {
    "produce": "generate create produce draw paint synthesize compose write make design "
    "output return emit illustrate decode",
    "render": "render",
    "extract": "extract recognize read detect ocr scrape pull digitize optical",
    "transcribe": "transcribe caption describe summarize dictate",
    "consume": "process encode accept take ingest handle analyze understand normalize "
    "upload parse classify segment interpret index search answer",
    "convert": "convert translate transform turn",
    "transform": "edit enhance upscale restore inpaint retouch denoise colorize",
}
_STEM_ROLE = {stem(w): role for role, words in _ROLES.items() for w in words.split()}
_STOP_PHRASE = frozenset(
    "from in within inside on into to as by through using via with for across at of about "
    "over under while and or".split()
) - {"and", "or"}
_BREAK = frozenset(".;:!?()[]")
_NOUN_SUFFIXES = ("ion", "ing", "sis", "ment", "ions", "ings", "or", "ors", "er", "ers")
"""Nominal forms whose object precedes them: "image generation", "speech recognizer"."""
_TOKEN = re.compile(r"[^\W_]+|[.;:!?()\[\]]")


@dataclass(frozen=True)
class Direction:
    """Modalities a text consumes (``inputs``) and produces (``outputs``)."""

    inputs: frozenset[str] = frozenset()
    outputs: frozenset[str] = frozenset()

    @property
    def known(self) -> bool:
        """True when the text said anything about what goes in or comes out."""
        return bool(self.inputs or self.outputs)

    def union(self, other: Direction) -> Direction:
        """Both directions at once (a capability described by several sentences)."""
        return Direction(self.inputs | other.inputs, self.outputs | other.outputs)


def _phrase(tokens: list[str], start: int, limit: int = 6) -> tuple[set[str], int]:
    """Modalities named in the noun phrase at ``start``; returns them and where it ended."""
    found: set[str] = set()
    i = start
    while i < len(tokens) and i < start + limit:
        tok = tokens[i]
        if tok == "of" and not found:  # "batches of page images"
            i += 1
            continue
        if tok in _BREAK or tok in _STOP_PHRASE:
            break
        st = stem(tok)
        if st in _STEM_ROLE and found:
            break
        m = _STEM_MODALITY.get(st)
        if m is not None:
            found.add(m)
        i += 1
    return found, i


def _clause(tokens: list[str], i: int, role: str, ins: set[str], outs: set[str]) -> int:
    """Apply one verb (or nominal like "image generation") at ``tokens[i]``."""
    word = tokens[i]
    obj: set[str] = set()
    if word.endswith(_NOUN_SUFFIXES):  # "text and image input processing"
        for j in range(i - 1, max(i - 5, -1), -1):
            tok = tokens[j]
            if tok in _BREAK or (tok in _STOP_PHRASE and tok != "and") or stem(tok) in _STEM_ROLE:
                break
            if (m := _STEM_MODALITY.get(stem(tok))) is not None:
                obj.add(m)
    end = i + 1
    if not obj:
        obj, end = _phrase(tokens, i + 1)
    prep = tokens[end] if end < len(tokens) else ""
    second: set[str] = set()
    if prep in ("from", "in", "within", "inside", "into", "to", "as", "on", "about"):
        second, end = _phrase(tokens, end + 1)
    text_like = obj <= {"text", "data"}
    if role == "produce":
        if prep in ("in", "within", "inside", "on") and second and text_like:
            outs |= second
        else:
            outs |= obj
            if prep == "from":
                ins |= second
            elif prep in ("into", "to", "as"):
                outs |= second
    elif role == "render":
        outs |= {"image"} if (text_like or not obj) else obj
        if prep == "from":
            ins |= second
    elif role == "extract":
        if word in ("ocr", "optical"):
            ins.add("image")
        if text_like and obj:
            outs |= obj
        else:
            ins |= obj
            outs.add("text")
        if prep in ("from", "in", "within", "inside", "on"):
            ins |= second
    elif role == "transcribe":
        ins |= obj
        outs.add("text")
        if prep in ("into", "to", "as"):
            outs |= second
        elif prep == "from":
            ins |= second
    elif role == "consume":
        ins |= obj
        if prep in ("from", "in", "within", "about"):
            ins |= second
        elif prep in ("into", "to", "as"):
            outs |= second
    elif role == "convert":
        ins |= obj
        if prep in ("into", "to", "as"):
            outs |= second
        elif prep == "from":
            outs |= obj
            ins -= obj
            ins |= second
    elif role == "transform":
        ins |= obj
        outs |= obj
    return end


@lru_cache(maxsize=4096)
def infer_direction(text: str) -> Direction:
    """Read which modalities ``text`` consumes and produces.

    Handles verbs with objects ("extracts text from document images": image in, text
    out), nominals ("speech recognition"), compounds ("text-to-image", "speech to text")
    and bare phrases ("from images", "into text", "input images"). Text rendered inside a
    produced image counts as an image output ("generate readable text within images").
    """
    tokens = _TOKEN.findall(text.lower())
    ins: set[str] = set()
    outs: set[str] = set()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        st = stem(tok)
        mod = _STEM_MODALITY.get(st)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if mod and nxt in ("to", "2") and i + 2 < len(tokens):
            target = _STEM_MODALITY.get(stem(tokens[i + 2]))
            if target:
                ins.add(mod)
                outs.add(target)
                i += 3
                if i < len(tokens) and tokens[i].endswith(_NOUN_SUFFIXES):
                    i += 1  # "speech-to-text transcription": the nominal adds nothing
                continue
        role = _STEM_ROLE.get(st)
        if role is not None and tok.endswith("ed") and _STEM_MODALITY.get(stem(nxt)):
            role = None  # a participle used as an adjective: "ground generated text in ..."
        if role is not None:
            i = max(_clause(tokens, i, role, ins, outs), i + 1)
            continue
        if tok in ("from", "into") or (tok == "to" and _STEM_MODALITY.get(stem(nxt))):
            found, end = _phrase(tokens, i + 1, limit=4)
            (ins if tok == "from" else outs).update(found)
            i = max(end, i + 1)
            continue
        if tok in ("input", "inputs", "output", "outputs"):
            target = _STEM_MODALITY.get(stem(nxt)) or (
                _STEM_MODALITY.get(stem(tokens[i - 1])) if i > 0 else None
            )
            if target:
                (ins if tok.startswith("input") else outs).add(target)
        i += 1
    return Direction(frozenset(ins), frozenset(outs))
