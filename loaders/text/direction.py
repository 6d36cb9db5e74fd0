"""The direction of a text: which modalities it consumes and which it produces.

Why direction: "text" and "image" occur both in OCR ("extract text from images") and in
image generation ("generate images from text prompts"); only the direction tells them
apart. :func:`infer_direction` reads it from verbs ("extract", "generate", "transcribe"),
prepositions ("from", "into", "within") and compounds ("text-to-image"). Concept mapping
reads capabilities with it at load time, need matching reads needs and capabilities with it
at query time.

>>> d = infer_direction("generate images from text prompts")
>>> sorted(d.inputs), sorted(d.outputs)
(['text'], ['image'])
>>> d = infer_direction("convert a PDF to markdown")
>>> sorted(d.inputs), sorted(d.outputs)
(['document'], ['text'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from matchgraph.loaders.text.modalities import STEM_MODALITY
from matchgraph.loaders.text.words import stem

__all__ = ["Direction", "capability_direction", "infer_direction"]

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
_ASCII_TOKEN = re.compile(r"[^\W_]+|[.;:!?()\[\]]", re.ASCII)
"""The same tokens for ASCII text, found in about 60 % of the time: Unicode's word class is
looked up per character, ASCII's is a table (on ASCII text the two classes are equal)."""
_CUES = frozenset(("from", "into", "to", "input", "inputs", "output", "outputs"))
"""Words that are neither a modality nor a verb yet start a reading of their own."""

_Word = tuple[str | None, str | None]
"""A word's modality and verb role (None: it names none)."""
_WORDS: dict[str, _Word] = {}
_WORDS_KEPT = 200_000


def _word(token: str) -> _Word:
    """``token``'s modality and role through its stem, kept per distinct word: the need
    index reads 700,000 capability texts of about sixty words at 100,000 artifacts, and
    most words are neither, which one lookup now tells."""
    st = stem(token)
    found = (STEM_MODALITY.get(st), _STEM_ROLE.get(st))
    if len(_WORDS) >= _WORDS_KEPT:
        _WORDS.clear()  # bounded for a long-running server that reads unbounded vocabularies
    _WORDS[token] = found
    return found


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


def _phrase(tokens: list[str], words: list[_Word], start: int, limit: int = 6) -> tuple[set[str], int]:
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
        if tok == "non":  # "non-English speech": the language is not what goes in
            i += 2
            continue
        modality, role = words[i]
        if role is not None and found:
            break
        if modality is not None:
            found.add(modality)
        i += 1
    return found, i


def _clause(tokens: list[str], words: list[_Word], i: int, role: str, ins: set[str], outs: set[str]) -> int:
    """Apply one verb (or nominal like "image generation") at ``tokens[i]``."""
    word = tokens[i]
    obj: set[str] = set()
    if word.endswith(_NOUN_SUFFIXES):  # "text and image input processing"
        for j in range(i - 1, max(i - 5, -1), -1):
            tok = tokens[j]
            if tok in _BREAK or (tok in _STOP_PHRASE and tok != "and") or words[j][1] is not None:
                break
            if (m := words[j][0]) is not None:
                obj.add(m)
    end = i + 1
    if not obj:
        obj, end = _phrase(tokens, words, i + 1)
    prep = tokens[end] if end < len(tokens) else ""
    second: set[str] = set()
    if prep in ("from", "in", "within", "inside", "into", "to", "as", "on", "about"):
        second, end = _phrase(tokens, words, end + 1)
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
    text = text.lower()
    tokens = (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)
    n = len(tokens)
    read = _WORDS.get
    words = [read(tok) or _word(tok) for tok in tokens]
    ins: set[str] = set()
    outs: set[str] = set()
    i = 0
    while i < n:
        tok = tokens[i]
        mod, role = words[i]
        if mod is None and role is None and tok not in _CUES:
            i += 1  # most words say nothing about direction
            continue
        after = words[i + 1][0] if i + 1 < n else None  # the next word's modality
        if mod and i + 2 < n and tokens[i + 1] in ("to", "2"):
            target = words[i + 2][0]
            if target:
                ins.add(mod)
                outs.add(target)
                i += 3
                if i < n and tokens[i].endswith(_NOUN_SUFFIXES):
                    i += 1  # "speech-to-text transcription": the nominal adds nothing
                continue
        if role is not None and tok.endswith("ed") and after:
            role = None  # a participle used as an adjective: "ground generated text in ..."
        if role is not None:
            i = max(_clause(tokens, words, i, role, ins, outs), i + 1)
            continue
        if tok in ("from", "into") or (tok == "to" and after):
            found, end = _phrase(tokens, words, i + 1, limit=4)
            (ins if tok == "from" else outs).update(found)
            i = max(end, i + 1)
            continue
        if tok in ("input", "inputs", "output", "outputs"):
            target = after or (words[i - 1][0] if i > 0 else None)
            if target:
                (ins if tok.startswith("input") else outs).add(target)
        i += 1
    if "aloud" in tokens:  # "reads text aloud": text goes in, speech comes out
        ins, outs = (ins - {"audio"}) | {"text"}, (outs - {"text"}) | {"audio"}
    return Direction(frozenset(ins), frozenset(outs))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def capability_direction(name: str | None, description: str) -> Direction:
    """A capability's direction from the first of its texts that says anything: the name,
    the description's first sentence (its main claim), the whole description.

    Later sentences of long descriptions compare and digress ("prior models struggled
    with text generation"), so they are read only when the start says nothing.
    """
    description = description.strip()
    end = _SENTENCE_END.search(description)
    first = description if end is None else description[: end.start()]
    for text in dict.fromkeys((name or "", first, description)):  # each distinct text once
        found = infer_direction(text)
        if found.known:
            return found
    return Direction()
