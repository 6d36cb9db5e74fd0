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
        if tok == "non":  # "non-English speech": the language is not what goes in
            i += 2
            continue
        st = stem(tok)
        if st in _STEM_ROLE and found:
            break
        m = STEM_MODALITY.get(st)
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
            if (m := STEM_MODALITY.get(stem(tok))) is not None:
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
        mod = STEM_MODALITY.get(st)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if mod and nxt in ("to", "2") and i + 2 < len(tokens):
            target = STEM_MODALITY.get(stem(tokens[i + 2]))
            if target:
                ins.add(mod)
                outs.add(target)
                i += 3
                if i < len(tokens) and tokens[i].endswith(_NOUN_SUFFIXES):
                    i += 1  # "speech-to-text transcription": the nominal adds nothing
                continue
        role = _STEM_ROLE.get(st)
        if role is not None and tok.endswith("ed") and STEM_MODALITY.get(stem(nxt)):
            role = None  # a participle used as an adjective: "ground generated text in ..."
        if role is not None:
            i = max(_clause(tokens, i, role, ins, outs), i + 1)
            continue
        if tok in ("from", "into") or (tok == "to" and STEM_MODALITY.get(stem(nxt))):
            found, end = _phrase(tokens, i + 1, limit=4)
            (ins if tok == "from" else outs).update(found)
            i = max(end, i + 1)
            continue
        if tok in ("input", "inputs", "output", "outputs"):
            target = STEM_MODALITY.get(stem(nxt)) or (
                STEM_MODALITY.get(stem(tokens[i - 1])) if i > 0 else None
            )
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
    for text in (name or "", _SENTENCE_END.split(description, maxsplit=1)[0], description):
        found = infer_direction(text)
        if found.known:
            return found
    return Direction()
