"""Noun-phrase grammar for the other side of a claim, and the artifact-or-class rule.

The other side is an enumeration of noun phrases; this module parses it from a token
position and stops where the phrase ends. In EBNF over tokens::

    comparand := item (SEP item)*
    SEP       := "," ["and" | "or"] | "and" | "or"
    item      := DET* core ["'s" possessed] [PAREN] [EXAMPLES]
    core      := NAME-LED words | class words [RELATIVE]
    EXAMPLES  := ("like" | "such as" | "e.g." | "including") comparand
    PAREN     := "(" comparand-or-anything ")"          (examples when the core is a class)
    RELATIVE  := ("that" | "which" | "who" | "where") words   (kept inside a class label)

A name-led core ("Stable Diffusion 3.0", "GPT-4V") ends at a preposition, a verb or
punctuation; a class core ("cloud APIs that charge per-image") keeps "of"/"with"/"as"
and relative clauses, and a gerund core ("writing prompt templates in code") also keeps
"in". Examples replace their head: "fast models like LCM-LoRA or consistency models" is
LCM-LoRA and consistency models. Whether an item is an artifact or a class is decided by
one general rule, :func:`~matchgraph.loaders.claim_sides.classify`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from matchgraph.loaders.claim_tokens import (
    ASPECT_PREPOSITIONS,
    CLASS_STOP_PREPOSITIONS,
    DETERMINERS,
    EXAMPLE_MARKERS,
    NAME_STOP_PREPOSITIONS,
    RELATIVE_PRONOUNS,
    SUBORDINATORS,
    Tok,
    is_verb_like,
)
from matchgraph.loaders.claim_sides import EMPTY_NAMES, NameIndex, Side, classify, span_text
from matchgraph.loaders.relations import THAN_WORDS

__all__ = ["Comparand", "PhraseContext", "paren_end", "parse_aspect", "parse_comparand"]

_HARD_STOPS = frozenset({",", ";", ":", "—", "–", ".", ")", "]", "but", "yet"})


class Comparand(NamedTuple):
    """The other sides found from one position, and the token index after them."""

    sides: tuple[Side, ...]
    end: int
    possessed: str | None = None
    """What a possessive names ("line-by-line completion" in "Copilot's ...")."""


class PhraseContext(NamedTuple):
    """What every phrase rule needs: the text, the clause tokens and where to stop."""

    text: str
    toks: Sequence[Tok]
    limit: int
    barriers: frozenset[int] = frozenset()
    """Token indices where an active trigger starts: a phrase never runs into one."""
    names: NameIndex = EMPTY_NAMES

    def at(self, i: int) -> Tok | None:
        return self.toks[i] if 0 <= i < self.limit else None

    def blocked(self, i: int) -> bool:
        return i >= self.limit or i in self.barriers


def paren_end(ctx: PhraseContext, i: int) -> int:
    """Index after the parenthesis group opening at ``i`` (an unclosed one runs to the limit)."""
    depth = ctx.toks[i].depth
    j = i + 1
    while j < ctx.limit:
        tok = ctx.toks[j]
        if tok.text in ")]" and tok.depth == depth:
            return j + 1
        j += 1
    return ctx.limit


def _is_example_marker(ctx: PhraseContext, i: int) -> int:
    """Length of an example marker at ``i`` ("like", "such as", "e.g.,"), else 0."""
    tok = ctx.at(i)
    if tok is None:
        return 0
    low = tok.low
    if low in EXAMPLE_MARKERS:
        return 1
    if low == "such":
        nxt = ctx.at(i + 1)
        return 2 if nxt is not None and nxt.low == "as" else 0
    if low in ("e.g", "eg", "i.e"):
        n = 1
        while (t := ctx.at(i + n)) is not None and t.text in ".,:":
            n += 1
        return n
    return 0


def _core_end(ctx: PhraseContext, i: int) -> int:
    """Index after the core words of an item starting at ``i`` (see the module grammar)."""
    first = ctx.toks[i]
    name_led = first.is_name_like
    gerund_led = not name_led and first.low.endswith("ing") and len(first.low) > 4
    relative = False
    toks, limit, barriers = ctx.toks, ctx.limit, ctx.barriers  # ctx.blocked(j), inlined
    j = i
    while j < limit and j not in barriers:
        tok = toks[j]
        low = tok.low
        if tok.depth > first.depth or tok.text in "([" or low in _HARD_STOPS:
            break
        if not tok.is_word and tok.text not in "/+&-" or tok.text in ("'s", "’s"):
            break
        if low in SUBORDINATORS:
            break
        if j > i and not relative:
            after_name = toks[j - 1].is_name_like or toks[j - 1].is_number
            if _ends_open_core(ctx, j, name_led or after_name, gerund_led):
                break
            relative = low in RELATIVE_PRONOUNS
        j += 1
    return j


def _ends_open_core(ctx: PhraseContext, j: int, after_name: bool, gerund_led: bool) -> bool:
    """Whether token ``j`` ends a core that is not inside a relative clause.

    Right after a name ("Stable Diffusion 3.5 Large with ...") or in a name-led phrase,
    any preposition or verb ends it; a class phrase keeps "of", "with", "as", "to".
    """
    tok = ctx.toks[j]
    low = tok.low
    if low in ("and", "or") or _is_example_marker(ctx, j):
        return True
    if after_name:
        return low in NAME_STOP_PREPOSITIONS or is_verb_like(tok)
    if low in CLASS_STOP_PREPOSITIONS or (low == "in" and not gerund_led):
        return True
    return is_verb_like(tok) and not gerund_led


def _strip_determiners(ctx: PhraseContext, i: int) -> int:
    while (tok := ctx.at(i)) is not None and tok.low in DETERMINERS and not ctx.blocked(i):
        nxt = ctx.at(i + 1)
        if nxt is None or not nxt.is_word or nxt.low in ("as",):
            break
        i += 1
    return i


def _paren_examples(ctx: PhraseContext, i: int, end: int) -> tuple[Side, ...]:
    """Sides named inside a parenthesis after a class: "engines (Tesseract)", "(e.g., X)"."""
    close = end - 1
    closed = close > i and ctx.toks[close].text in ")]" and ctx.toks[close].depth == ctx.toks[i].depth
    inner = PhraseContext(ctx.text, ctx.toks, close if closed else end, frozenset(), ctx.names)
    start = i + 1
    marker = _is_example_marker(inner, start)
    found = parse_comparand(inner, start + marker, in_list=True)
    if marker or any(not s.is_class for s in found.sides):
        return found.sides
    return ()


def _parse_item(ctx: PhraseContext, i: int) -> tuple[tuple[Side, ...], int, str | None]:
    """One item: sides it names, index after it, and what a possessive names."""
    i = _strip_determiners(ctx, i)
    if ctx.blocked(i) or not ctx.toks[i].is_word or ctx.toks[i].low in _HARD_STOPS:
        return (), i, None
    j = _core_end(ctx, i)
    if j == i:
        return (), i, None
    side = classify(ctx.toks[i:j], ctx.text, ctx.names)
    sides: tuple[Side, ...] = (side,)
    possessed = None
    if (tok := ctx.at(j)) is not None and tok.text in ("'s", "’s") and not ctx.blocked(j):
        k = j + 1
        if not ctx.blocked(k) and ctx.toks[k].is_word:
            end = _core_end(ctx, k)
            possessed = span_text(ctx.text, ctx.toks[k:end]) or None
            k = end
        j = k
    if (tok := ctx.at(j)) is not None and tok.text in "([" and not ctx.blocked(j):
        end = paren_end(ctx, j)
        examples = _paren_examples(ctx, j, end) if side.is_class else ()
        sides = examples or sides
        j = end
    marker = _is_example_marker(ctx, j)
    if marker and not ctx.blocked(j):
        found = parse_comparand(ctx, j + marker)
        if found.sides:
            sides, j = found.sides, found.end
    return sides, j, possessed


def _starts_item(ctx: PhraseContext, k: int) -> bool:
    """Whether token ``k`` can begin another enumerated item (not a verb, adverb, ...)."""
    tok = ctx.at(k)
    if tok is None or ctx.blocked(k) or not tok.is_word:
        return False
    low = tok.low
    if low in SUBORDINATORS or low in _HARD_STOPS or low in ASPECT_PREPOSITIONS:
        return False
    if low in NAME_STOP_PREPOSITIONS or is_verb_like(tok):
        return False
    if low.endswith("ly") and not tok.is_name_like:
        return False
    return low not in THAN_WORDS


def _continuation(ctx: PhraseContext, j: int, name_like: bool, in_list: bool) -> int | None:
    """Index of the next item after a separator at ``j``, or None when the list ends."""
    tok = ctx.at(j)
    if tok is None or ctx.blocked(j):
        return None
    k = j + 1
    if tok.text == ",":
        nxt = ctx.at(k)
        if nxt is not None and nxt.low in ("and", "or"):
            k += 1
        elif not (in_list or (name_like and nxt is not None and nxt.is_name_like)):
            return None
    elif tok.low not in ("and", "or", "/"):
        return None
    return k if _starts_item(ctx, _strip_determiners(ctx, k)) else None


def parse_comparand(ctx: PhraseContext, i: int, *, in_list: bool = False) -> Comparand:
    """Parse the enumeration of other sides that starts at token ``i``.

    ``in_list`` relaxes the comma rule inside parentheses, where "Gist, Pastebin" is a list.
    """
    sides: list[Side] = []
    possessed: str | None = None
    end = i
    j = i
    while True:
        found, after, owned = _parse_item(ctx, j)
        if not found:
            break
        sides.extend(found)
        possessed = possessed or owned
        end = after
        nxt = _continuation(ctx, after, not found[-1].is_class, in_list)
        if nxt is None:
            break
        j = nxt
    return Comparand(tuple(sides), end, possessed)


def parse_aspect(ctx: PhraseContext, i: int) -> tuple[str | None, int]:
    """An aspect phrase at ``i`` ("on printed documents with complex layouts").

    Returns the aspect without its preposition, and the index after it; ``(None, i)``
    when no aspect preposition starts there. Parentheticals are consumed but left out.
    """
    tok = ctx.at(i)
    if tok is None or ctx.blocked(i) or tok.low not in ASPECT_PREPOSITIONS:
        return None, i
    j = i + 1
    start = j
    while not ctx.blocked(j):
        cur = ctx.toks[j]
        if cur.text in "([":
            j = paren_end(ctx, j)
            continue
        if cur.low in _HARD_STOPS or cur.low in SUBORDINATORS or not (cur.is_word or cur.text in "/+&-"):
            break
        if cur.low in ("and", "or") and not _starts_item(ctx, j + 1):
            break
        if j > start and is_verb_like(cur):
            break
        j += 1
    aspect = span_text(ctx.text, ctx.toks[start:j])
    if not aspect:
        return None, i
    return aspect, j
