"""Clause and trigger grammar: where claims are, and what each one says.

A cascade of small deterministic levels over the tokens (Abney-style partial parsing):

1. **Hard clauses**: split at ";", dashes, sentence ends and the connectors "but",
   "while", "whereas", "although" (never inside parentheses).
2. **Triggers**: longest match of a cue from :data:`~matchgraph.loaders.relations.RELATIONS`
   at each token, made *active* only when its frame is complete: a comparative needs its
   "than" within eight tokens (the nearest comparative owns it, coordinated ones share it:
   "safer and more structured than X"); "avoids ... of X" needs its "of"; "compared to X"
   looks back for the comparative or change verb it completes ("reduces vendor lock-in
   compared to X"), else it is a neutral ``compared_to``.
3. **Soft clauses**: split again at "and"/"," when what follows holds an active trigger
   ("Simpler than X and more reliable than Y" is two claims).
4. **Phrases**: each active trigger reads its other side and aspect with
   :mod:`matchgraph.loaders.claim_phrases`, bounded by its clause and by the next trigger.

Each level commits locally, so a truncated or ungrammatical line loses only the claim it
breaks, never the whole statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from matchgraph.loaders.claim_phrases import PhraseContext, parse_aspect, parse_comparand
from matchgraph.loaders.claim_sides import NameIndex, Side, span_text
from matchgraph.loaders.claim_tokens import (
    DETERMINERS,
    NAME_STOP_PREPOSITIONS,
    RELATIVE_PRONOUNS,
    SUBORDINATORS,
    Tok,
    is_verb_like,
)
from matchgraph.loaders.claim_triggers import Trigger, find_triggers, match_cue
from matchgraph.loaders.models import Polarity
from matchgraph.loaders.relations import COST_NOUNS, Frame, Sense, flip

__all__ = ["ClaimParse", "hard_clauses", "parse_statement"]

_CONNECTORS = frozenset({"but", "while", "whilst", "whereas", "although", "though"})
_BREAKS = frozenset({";", "—", "–", "-"})
_CLAUSE_MARKS = _BREAKS | _CONNECTORS | {".", ","}
"""Every token that can end a hard clause: the rest are skipped with one set lookup (a
lowercase form is one of these marks only when the token itself is)."""
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "approx"})
_NOT_PARTICIPLES = frozenset({"including", "during", "according", "regarding", "notwithstanding"})
_SOFT_MARKS = frozenset({"and", ","})
_AND_REACH = 3
"""A trigger at most this many tokens after "and" makes it start a new clause."""
_CONTEXT_ASPECT = frozenset({"unlike", "differs_from"})
_ASPECT_LEADERS = DETERMINERS | {"to", "for", "of"}


class ClaimParse(NamedTuple):
    """One claim as the grammar found it; offsets index the statement text."""

    relation: str
    polarity: Polarity
    sides: tuple[Side, ...]
    aspect: str | None
    start: int
    end: int


def hard_clauses(toks: Sequence[Tok]) -> list[tuple[int, int]]:
    """Token ranges of clauses split at hard boundaries outside parentheses."""
    clauses: list[tuple[int, int]] = []
    start = 0
    for i, tok in enumerate(toks):
        if tok.low not in _CLAUSE_MARKS or tok.depth > 0:
            continue
        text = tok.text
        is_end = text == "." and not (i > 0 and toks[i - 1].low in _ABBREVIATIONS)
        if (
            text in _BREAKS
            or is_end
            or tok.low in _CONNECTORS
            or (text == "," and _participle_comma(toks, i))
        ):
            clauses.append((start, i))
            start = i + 1
    clauses.append((start, len(toks)))
    return [c for c in (_trim(toks, a, b) for a, b in clauses) if c[0] < c[1]]


def _participle_comma(toks: Sequence[Tok], i: int) -> bool:
    """ ", enabling ...", ", allowing ...": a comma that opens a participial clause."""
    if toks[i].text != "," or i + 1 >= len(toks):
        return False
    nxt = toks[i + 1]
    return (nxt.low.endswith("ing") and len(nxt.low) > 5 and not nxt.is_name_like
            and nxt.low not in _NOT_PARTICIPLES)


def _trim(toks: Sequence[Tok], a: int, b: int) -> tuple[int, int]:
    while a < b and (toks[a].text in ",:" or toks[a].low in ("and", "or")):
        a += 1
    while b > a and toks[b - 1].text in ",:":
        b -= 1
    return a, b


def _soft_clauses(toks: Sequence[Tok], a: int, b: int, starts: frozenset[int]) -> list[tuple[int, int]]:
    """Split a hard clause at "and"/"," that start a new predicate with its own trigger."""
    cuts: list[int] = []
    for k in range(a + 1, b):
        tok = toks[k]
        if tok.low not in _SOFT_MARKS or tok.depth > 0:
            continue
        if tok.low == "and" and not _after_bare_comparative(toks, a, k):
            if any(s in starts for s in range(k + 1, min(k + 1 + _AND_REACH, b))):
                cuts.append(k)
        elif tok.text == "," and _both_sides_claim(toks, (cuts[-1] if cuts else a), k, b, starts):
            cuts.append(k)
    bounds = [a, *cuts, b]
    pieces = [(bounds[n] + (1 if n else 0), bounds[n + 1]) for n in range(len(bounds) - 1)]
    return [c for c in (_trim(toks, x, y) for x, y in pieces) if c[0] < c[1]]


def _both_sides_claim(toks: Sequence[Tok], a: int, k: int, b: int, starts: frozenset[int]) -> bool:
    """A comma splits when the text before it and the segment after it each hold a trigger.

    "X rather than Y, with padding instead of Z" is two clauses; "remaining open, unlike
    DALL-E 3" stays one, so "unlike" keeps the clause it contrasts.
    """
    before = any(s in starts for s in range(a, k))
    after = any(s in starts for s in range(k + 1, _segment_end(toks, k + 1, b, (",",))))
    return before and after


def _segment_end(toks: Sequence[Tok], k: int, b: int, seps: tuple[str, ...]) -> int:
    while k < b and not (toks[k].depth == 0 and toks[k].low in seps):
        k += 1
    return k


def _after_bare_comparative(toks: Sequence[Tok], a: int, k: int) -> bool:
    """ "safer and more structured than": the "and" coordinates two comparatives."""
    for start in range(max(a, k - 3), k):
        found = match_cue(toks, start, k, (Frame.THAN,))
        if found is not None and found[2] == k:
            return True
    return False


def _noun_group_before(toks: Sequence[Tok], k: int, a: int) -> tuple[int, int]:
    """The few content words just before ``k`` ("98-99% accuracy" before "compared")."""
    j = k
    while j > a and k - j < 4:
        tok = toks[j - 1]
        low = tok.low
        if not tok.is_word or low in DETERMINERS or low in NAME_STOP_PREPOSITIONS:
            break
        if low in SUBORDINATORS or low in ("and", "or") or is_verb_like(tok):
            break
        if low.endswith("ing") and not tok.is_name_like:
            break
        j -= 1
    return j, k


def _words(text: str, toks: Sequence[Tok], rng: tuple[int, int] | None) -> str | None:
    """The aspect words in ``rng``: numbers dropped, leading determiners and "to"/"for"/"of" cut."""
    if rng is None:
        return None
    kept = [t for t in toks[rng[0] : rng[1]] if not t.is_number]
    skip = 0
    while skip < len(kept) and kept[skip].low in _ASPECT_LEADERS:
        skip += 1
    return span_text(text, kept[skip:]) or None


def _polarity(sense: Sense, aspect: str | None) -> Polarity:
    """Default polarity, flipped for magnitude words on a cost ("higher latency")."""
    if sense.magnitude and aspect:
        head = aspect.lower().replace("-", " ").split()[:3]
        if any(w in COST_NOUNS or w.rstrip("s") in COST_NOUNS for w in head):
            return flip(sense.polarity)
    return sense.polarity


def _before_open_paren(toks: Sequence[Tok], first: int, last: int) -> int:
    """Drop a parenthesis the shortened line never closes ("Gemini (1M but […]") from a span."""
    for p in range(first + 1, last + 1):
        if toks[p].text == "(" and not any(
            t.text == ")" and t.depth == toks[p].depth for t in toks[p + 1 :]
        ):
            return p - 1
    return last


def _subject_claim(ctx: PhraseContext, a: int, trig: Trigger) -> ClaimParse | None:
    """ "... structure that tools like PromptPerfect lack": the other side is the subject."""
    toks, k = ctx.toks, trig.start
    pron = next((p for p in range(k - 1, a - 1, -1) if toks[p].low in RELATIVE_PRONOUNS), None)
    sub = ctx._replace(limit=k)
    if pron is not None:
        sides = parse_comparand(sub, pron + 1).sides
        aspect = _words(ctx.text, toks, _noun_group_before(toks, pron, a))
    else:
        sides = parse_comparand(sub, _noun_group_before(toks, k, a)[0]).sides
        aspect = None
    if not sides:
        return None
    return ClaimParse(trig.sense.relation, trig.sense.polarity, sides, aspect,
                      toks[a].start, toks[k].end)


def _parse_trigger(ctx: PhraseContext, a: int, trig: Trigger) -> ClaimParse | None:
    """Turn one active trigger into a claim, or None when its other side is not a phrase."""
    if trig.frame is Frame.SUBJECT or trig.object_start is None:
        return _subject_claim(ctx, a, trig)
    toks, text = ctx.toks, ctx.text
    comp = parse_comparand(ctx, trig.object_start)
    first = ctx.at(trig.object_start)
    if first is not None and first.is_number:
        return None
    if not comp.sides and trig.object_start < ctx.limit:
        return None
    end = comp.end if comp.sides else trig.object_start
    post, post_end = parse_aspect(ctx, end) if comp.sides else (None, end)
    aspect = _words(text, toks, trig.pre_aspect) or post or comp.possessed
    if aspect is None and trig.sense.relation == "improves_on":
        aspect = _words(text, toks, _noun_group_before(toks, trig.start, a))
    if aspect is None and trig.sense.relation == "compared_to":
        aspect = _words(text, toks, _noun_group_before(toks, trig.start, a))
    if aspect is None and (trig.adverbial or trig.sense.relation in _CONTEXT_ASPECT):
        aspect = span_text(text, toks[a : trig.start]) or None
    last = _before_open_paren(toks, trig.object_start, max(end, post_end) - 1)
    return ClaimParse(trig.sense.relation, _polarity(trig.sense, aspect), comp.sides, aspect,
                      toks[a].start, toks[last].end)


def parse_statement(text: str, toks: Sequence[Tok], names: NameIndex) -> list[ClaimParse]:
    """Every claim in one statement, in reading order."""
    claims: list[ClaimParse] = []
    for a, b in hard_clauses(toks):
        triggers = find_triggers(toks, a, b)
        if not triggers:  # most clauses compare nothing: no soft split can yield a claim
            continue
        starts = frozenset(t.start for t in triggers)
        for ca, cb in _soft_clauses(toks, a, b, starts):
            inside = [t for t in triggers if ca <= t.start < cb]
            ctx = PhraseContext(text, toks, cb, frozenset(t.start for t in inside), names)
            for trig in inside:
                claim = _parse_trigger(ctx, ca, trig)
                if claim is not None:
                    claims.append(claim)
    return claims
