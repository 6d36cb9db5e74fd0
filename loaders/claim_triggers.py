"""Level 2 of the claim grammar (:mod:`matchgraph.loaders.claim_grammar`): triggers, the
cues of :data:`~matchgraph.loaders.relations.RELATIONS` made active only when their frame is
complete (a comparative with its "than", "avoids ... of X" with its "of")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from matchgraph.loaders.claim_tokens import SUBORDINATORS, Tok
from matchgraph.loaders.relations import CUE_TRIE, OPEN_DEGREES, Frame, Sense, open_comparative

__all__ = ["Trigger", "find_triggers", "match_cue"]

_THAN_WINDOW = 8


class Trigger(NamedTuple):
    """An active cue: where it starts, its frame and sense, and where its object starts."""

    start: int
    cue_end: int
    frame: Frame
    sense: Sense
    object_start: int | None
    pre_aspect: tuple[int, int] | None = None
    adverbial: bool = False


def match_cue(toks: Sequence[Tok], i: int, b: int, frames: tuple[Frame, ...]) -> tuple[Frame, Sense, int] | None:
    """Longest cue at ``i`` in one of ``frames``: (frame, sense, index after the cue).

    A cue is a run of word tokens at one parenthesis depth, ending by ``b``. The cue trie
    is walked along the tokens (most words start no cue, so this usually ends at the first
    lookup); then the longest cue found wins, ``frames`` in the caller's order within one
    length, and an open "more|less <word>" comparative ranks as a two-word cue.
    """
    first = toks[i]
    node = CUE_TRIE.get(first.low)
    if node is None or not first.is_word or i >= b:
        return None
    depth = first.depth
    path = [node]
    j = i + 1
    while node.next and j < b:
        tok = toks[j]
        if not tok.is_word or tok.depth != depth:
            break
        child = node.next.get(tok.low)
        if child is None:
            break
        node = child
        path.append(node)
        j += 1
    second = _open_degree_word(toks, i, b, frames) if first.low in OPEN_DEGREES else None
    for n in range(max(len(path), 0 if second is None else 2), 0, -1):
        if n <= len(path):
            for frame in frames:
                for cue_frame, sense in path[n - 1].senses:
                    if cue_frame is frame:
                        return frame, sense, i + n
        if n == 2 and second is not None:
            sense = open_comparative(first.low, second)
            if sense.relation not in ("more_than", "less_than"):
                return Frame.THAN, sense, i + n
    return None


def _open_degree_word(toks: Sequence[Tok], i: int, b: int, frames: tuple[Frame, ...]) -> str | None:
    """The word after "more"/"less" at ``i`` when the two can be an open comparative."""
    if Frame.THAN not in frames or i + 2 > b:
        return None
    nxt = toks[i + 1]
    return nxt.low if nxt.is_word and nxt.depth == toks[i].depth else None


def _than(toks: Sequence[Tok], i: int, j: int, b: int) -> int | None:
    """Index of the "than" a comparative at ``i`` (cue ends at ``j``) owns, if any."""
    depth = toks[i].depth
    count = 0
    while j < b and count <= _THAN_WINDOW:
        tok = toks[j]
        if tok.depth > depth or tok.text in "([":
            j += 1
            continue
        if tok.depth < depth or tok.text in ",;:)]" or tok.low in SUBORDINATORS:
            return None
        if tok.low == "than":
            if toks[j - 1].low in ("rather", "other"):
                return None
            nxt = toks[j + 1] if j + 1 < b else None
            return None if nxt is not None and nxt.is_number else j
        if (
            tok.low in CUE_TRIE  # else no cue starts here: skip the call
            and match_cue(toks, j, b, (Frame.THAN,)) is not None
            and not _coordinated(toks, i, j)
        ):
            return None
        count += 1
        j += 1
    return None


def _coordinated(toks: Sequence[Tok], i: int, j: int) -> bool:
    """Whether a comparative at ``j`` is coordinated with the one at ``i`` ("safer and more")."""
    first = match_cue(toks, i, j, (Frame.THAN,))
    if first is None:
        return False
    between = toks[first[2] : j]
    return bool(between) and all(t.low in ("and", "or", ",") for t in between)


def _of(toks: Sequence[Tok], j: int, b: int) -> int | None:
    """Index of the "of" that completes "avoids <aspect> of X", within eight tokens."""
    for k in range(j, min(b, j + _THAN_WINDOW)):
        tok = toks[k]
        if tok.text in ",;:" or tok.low in SUBORDINATORS or tok.low == "for":
            return None
        if tok.low == "of":
            return k
    return None


def _anchor(toks: Sequence[Tok], a: int, c: int) -> tuple[int, Sense, int] | None:
    """The comparative or change verb a "compared to" at ``c`` completes: (start, sense, end)."""
    for k in range(c - 1, a - 1, -1):
        if toks[k].text in ",;" or toks[k].low in SUBORDINATORS:
            return None
        found = match_cue(toks, k, c, (Frame.THAN, Frame.ANCHOR))
        if found is not None:
            return k, found[1], found[2]
    return None


def _trigger_at(toks: Sequence[Tok], i: int, a: int, b: int) -> Trigger | None:
    """The active trigger starting at ``i``, if its frame is complete."""
    found = match_cue(toks, i, b, (Frame.DIRECT, Frame.OF, Frame.SUBJECT, Frame.THAN))
    if found is None:
        return None
    frame, sense, end = found
    if frame is Frame.THAN:
        than = _than(toks, i, end, b)
        if than is None:
            return None
        pre = _coordinated_aspect(toks, end, than, b)
        adverbial = toks[end - 1].low.endswith("ly") and toks[end - 1].low not in ("early",)
        return Trigger(i, end, frame, sense, than + 1, pre, adverbial)
    if frame is Frame.OF:
        of = _of(toks, end, b)
        return None if of is None else Trigger(i, end, frame, sense, of + 1, (end, of))
    if frame is Frame.SUBJECT:
        return Trigger(i, end, frame, sense, None)
    if sense.relation == "compared_to":
        anchor = _anchor(toks, a, i)
        if anchor is not None:
            start, anchored, anchor_end = anchor
            return Trigger(start, end, Frame.THAN, anchored, end, (anchor_end, i))
    return Trigger(i, end, frame, sense, end)


def _coordinated_aspect(toks: Sequence[Tok], end: int, than: int, b: int) -> tuple[int, int]:
    """Pre-"than" aspect; past a coordinated comparative it is that one's complement."""
    k = end
    while k < than and toks[k].low in ("and", "or", ","):
        k += 1
    if k > end and k < than:
        other = match_cue(toks, k, b, (Frame.THAN,))
        if other is not None:
            return other[2], than
    return end, than


def find_triggers(toks: Sequence[Tok], a: int, b: int) -> list[Trigger]:
    """Active triggers in the clause ``[a, b)``, in order; cue tokens are not rescanned."""
    triggers: list[Trigger] = []
    i = a
    while i < b:
        if toks[i].low not in CUE_TRIE:  # starts no cue: skip the calls
            i += 1
            continue
        trig = _trigger_at(toks, i, a, b)
        if trig is None or any(t.start == trig.start for t in triggers):
            i += 1
            continue
        triggers.append(trig)
        i = max(i + 1, trig.cue_end)
    return sorted(triggers, key=lambda t: t.start)
