"""The artifact-or-class rule for the other side of a claim (:func:`classify`), the names a
caller already knows (:class:`NameIndex`), and the text of a token span (:func:`span_text`).
Used by the noun-phrase grammar in :mod:`matchgraph.loaders.claim_phrases`."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from matchgraph.loaders.claim_tokens import Tok

__all__ = ["EMPTY_NAMES", "NameIndex", "Side", "classify", "span_text"]

_SPAN_STRIP: Final = " ,;:—–-"
_STRIPPED_PUNCT_RE: Final = re.compile("[,;:—–]")
"""What :func:`span_text` strips off the ends that :func:`_norm` would not drop itself."""

class Side(NamedTuple):
    """One parsed other side: its label, whether it is a class, and where it is.

    This and the other per-phrase records are named tuples, not frozen dataclasses: they
    are as immutable, and a frozen dataclass's ``__init__`` (one ``object.__setattr__`` a
    field) was a measurable share of the time spent on each statement.
    """

    label: str
    is_class: bool


@dataclass(frozen=True)
class NameIndex:
    """Artifact names the caller already knows, matched case- and space-insensitively."""

    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Collection[str]) -> NameIndex:
        """The index for ``names``, built once per distinct tuple of names.

        A bulk load passes the same page names and aliases with every statement, so the
        normalised set is cached; a collection that cannot be a cache key is built afresh.
        """
        if not names:
            return EMPTY_NAMES
        key = names if isinstance(names, tuple) else tuple(names)
        try:
            return _name_index(key)
        except TypeError:  # an unhashable item: build it uncached, as before
            return cls(frozenset(_norm(n) for n in names if n and n.strip()))

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and _norm(label) in self.names


EMPTY_NAMES: Final = NameIndex()


@lru_cache(maxsize=256)
def _name_index(names: tuple[str, ...]) -> NameIndex:
    return NameIndex(frozenset(_norm(n) for n in names if n and n.strip()))


def _norm(label: str) -> str:
    return " ".join(label.lower().replace("-", " ").split())


def span_text(text: str, toks: Sequence[Tok]) -> str:
    """The text of ``toks`` with parenthetical groups left out and spaces normalised."""
    if _flat(toks):
        return " ".join(text[toks[0].start : toks[-1].end].split()).strip(_SPAN_STRIP)
    pieces: list[str] = []
    base = min((t.depth for t in toks), default=0)
    run: list[Tok] = []
    for tok in toks:
        inside = tok.depth > base or tok.text in "()"
        if inside:
            if run:
                pieces.append(text[run[0].start : run[-1].end])
            run = []
            continue
        run.append(tok)
    if run:
        pieces.append(text[run[0].start : run[-1].end])
    return " ".join(" ".join(pieces).split()).strip(_SPAN_STRIP)


def _flat(toks: Sequence[Tok]) -> bool:
    """Whether no token of a non-empty run is parenthetical: then its span is one slice.

    Most spans (every noun-phrase core) are flat, and this saves the general walk below.
    """
    if not toks:
        return False
    depth = toks[0].depth
    for tok in toks:
        if tok.depth != depth or tok.text in "()":
            return False
    return True


def classify(core: Sequence[Tok], text: str, names: NameIndex) -> Side:
    """Decide artifact or class by one general rule, not by special cases.

    A name the caller knows is an artifact. Otherwise the head (last word) decides: a
    lowercase head ("consistency models") or a plural acronym ("proprietary APIs") makes a
    class; a capitalised or numbered head makes an artifact named by the trailing run of
    name-like words, so "standard Stable Diffusion 3.5 Large" is "Stable Diffusion 3.5 Large".
    """
    if names.names:  # with no known names, no label or tail can be one
        known = _known_tail(core, text, names)
        if known is not None:
            return Side(known, False)
    head = core[-1]
    if not (head.is_name_like or head.is_number) or head.is_plural_acronym:
        return Side(span_text(text, core), True)
    k = len(core)
    while k > 0 and (core[k - 1].is_name_like or core[k - 1].is_number):
        k -= 1
    run = core[k:]
    if not any(t.is_name_like for t in run):
        return Side(span_text(text, core), True)
    return Side(span_text(text, run), False)


def _known_tail(core: Sequence[Tok], text: str, names: NameIndex) -> str | None:
    """The longest trailing part of ``core`` (the whole of it first) that is a known name.

    Its label is what :func:`span_text` gives that part. A flat core with no punctuation
    that :func:`span_text` strips normalises to the plain slice, so each tail is compared
    as ``_norm(slice)`` and only a hit builds its label (most cores name nothing known).
    """
    end = core[-1].end
    if _flat(core) and _STRIPPED_PUNCT_RE.search(text, core[0].start, end) is None:
        for k in range(len(core)):
            if _norm(text[core[k].start : end]) in names.names:
                return span_text(text, core[k:])
        return None
    for k in range(len(core)):
        tail = span_text(text, core[k:])
        if tail in names:
            return tail
    return None
