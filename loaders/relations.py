"""The canonical claim-relation vocabulary: one table, plus the word lists that steer it.

Every relation a claim can carry is a row of :data:`RELATIONS`: its snake_case id, the
polarity it has by default (seen from the claiming artifact) and the surface cues that
express it, each tagged with the grammatical *frame* the cue appears in. The grammar
(:mod:`matchgraph.loaders.claim_grammar`) only ever looks cues up here, so adding a synonym
or a relation is a one-line change in this table and nowhere else.

Comparatives outside the table ("more realistic than", "less verbose than") still get a
deterministic id, ``more_<adjective>_than`` / ``less_<adjective>_than``, with a polarity from
the small valence lists below; see :func:`open_comparative`.

>>> lookup_cue(("lower", "barrier"), Frame.THAN).id
'lower_barrier_than'
>>> open_comparative("more", "realistically").relation
'more_realistic_than'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Final

from matchgraph.loaders.models import Polarity

__all__ = [
    "COST_NOUNS",
    "CUE_TRIE",
    "OPEN_DEGREES",
    "THAN_WORDS",
    "CueNode",
    "Frame",
    "RELATIONS",
    "RelationSpec",
    "Sense",
    "adjective_of",
    "cue_lengths",
    "flip",
    "is_adjective_like",
    "lookup_cue",
    "open_comparative",
    "relation_ids",
]

FOR: Final = Polarity.FOR
AGAINST: Final = Polarity.AGAINST
NEUTRAL: Final = Polarity.NEUTRAL


class Frame(Enum):
    """Where a cue sits relative to the other side it introduces.

    THAN: ``<cue> [aspect] than X`` (comparatives); also anchors a later ``compared to X``.
    DIRECT: ``<cue> X`` (verbs and prepositions that take the other side as object).
    OF: ``<cue> <aspect> of X`` ("eliminates the cascading error problem of X").
    ANCHOR: ``<cue> <aspect> compared to X`` (change verbs with no "than" of their own).
    SUBJECT: ``X <cue>`` ("... structure that tools like PromptPerfect lack").
    """

    THAN = "than"
    DIRECT = "direct"
    OF = "of"
    ANCHOR = "anchor"
    SUBJECT = "subject"


@dataclass(frozen=True)
class RelationSpec:
    """One canonical relation: id, default polarity, and its cues by frame."""

    id: str
    polarity: Polarity
    gloss: str
    cues: tuple[tuple[Frame, str], ...]
    magnitude: int = 0
    """+1 for "up" words (higher, more), -1 for "down" words (lower, less): these flip
    polarity when the aspect is a cost ("higher latency" is bad, "lower cost" is good)."""


def _c(frame: Frame, *surfaces: str) -> tuple[tuple[Frame, str], ...]:
    return tuple((frame, s) for s in surfaces)


T, D, O, A, S = Frame.THAN, Frame.DIRECT, Frame.OF, Frame.ANCHOR, Frame.SUBJECT

RELATIONS: Final[tuple[RelationSpec, ...]] = (
    RelationSpec("outperforms", FOR, "does better than the other side, overall or on the aspect",
                 _c(D, "outperforms", "outperform", "outperformed", "outperforming", "beats",
                    "surpasses", "exceeds", "outpaces", "outclasses", "outshines")),
    RelationSpec("underperforms", AGAINST, "does worse than the other side",
                 _c(D, "underperforms", "trails", "lags behind", "falls behind")),
    RelationSpec("better_than", FOR, "better on the aspect",
                 _c(T, "better", "superior", "more effective") + _c(D, "superior to")),
    RelationSpec("worse_than", AGAINST, "worse on the aspect",
                 _c(T, "worse", "inferior", "less effective") + _c(D, "inferior to")),
    RelationSpec("higher_quality_than", FOR, "higher output quality",
                 _c(T, "higher quality", "higher-quality")),
    RelationSpec("lower_quality_than", AGAINST, "lower output quality",
                 _c(T, "lower quality", "lower-quality")),
    RelationSpec("faster_than", FOR, "faster",
                 _c(T, "faster", "quicker", "lower latency", "more responsive")),
    RelationSpec("slower_than", AGAINST, "slower", _c(T, "slower", "higher latency")),
    RelationSpec("cheaper_than", FOR, "costs less",
                 _c(T, "cheaper", "more affordable", "less expensive", "less costly",
                    "lower cost", "lower costs", "lower price", "lower-cost")),
    RelationSpec("more_expensive_than", AGAINST, "costs more",
                 _c(T, "more expensive", "more costly", "costlier", "pricier", "higher cost",
                    "higher costs", "higher price")),
    RelationSpec("more_accessible_than", FOR, "easier to get or use",
                 _c(T, "more accessible", "more available")),
    RelationSpec("simpler_than", FOR, "simpler to set up or use",
                 _c(T, "simpler", "easier", "more easily", "less complex", "more straightforward")),
    RelationSpec("more_complex_than", AGAINST, "harder to set up or use",
                 _c(T, "more complex", "more complicated", "harder")),
    RelationSpec("more_flexible_than", FOR, "more flexible",
                 _c(T, "more flexible", "more versatile", "more customizable")),
    RelationSpec("less_flexible_than", AGAINST, "less flexible",
                 _c(T, "less flexible", "more rigid")),
    RelationSpec("more_deployable_than", FOR, "easier to deploy", _c(T, "more deployable")),
    RelationSpec("more_efficient_than", FOR, "uses fewer resources for the same work",
                 _c(T, "more efficient")),
    RelationSpec("more_practical_than", FOR, "more practical", _c(T, "more practical")),
    RelationSpec("more_permissive_than", FOR, "licence allows more",
                 _c(T, "more permissive", "more open", "less restrictive")),
    RelationSpec("more_capable_than", FOR, "can do more",
                 _c(T, "more capable", "more powerful")),
    RelationSpec("more_stable_than", FOR, "more stable", _c(T, "more stable")),
    RelationSpec("more_reliable_than", FOR, "fails less often",
                 _c(T, "more reliable", "more robust")),
    RelationSpec("safer_than", FOR, "safer or more secure", _c(T, "safer", "more secure")),
    RelationSpec("tighter_than", FOR, "more tightly integrated", _c(T, "tighter")),
    RelationSpec("smaller_than", FOR, "smaller (compactness is the usual selling point)",
                 _c(T, "smaller", "lighter", "more compact", "more lightweight", "leaner")),
    RelationSpec("larger_than", FOR, "larger (capacity)", _c(T, "larger", "bigger"), 1),
    RelationSpec("higher_than", FOR, "higher on the aspect",
                 _c(T, "higher", "greater", "longer", "wider", "broader", "richer", "deeper",
                    "stronger"), 1),
    RelationSpec("lower_than", AGAINST, "lower on the aspect",
                 _c(T, "lower", "shorter", "narrower", "weaker"), -1),
    RelationSpec("lower_barrier_than", FOR, "lower barrier to entry or to the aspect",
                 _c(T, "lower barrier", "lower barriers")),
    RelationSpec("more_than", FOR, "more of the aspect", _c(T, "more"), 1),
    RelationSpec("less_than", AGAINST, "less of the aspect", _c(T, "less"), -1),
    RelationSpec("fewer_than", NEUTRAL, "fewer of the aspect", _c(T, "fewer"), -1),
    RelationSpec("comparable_to", NEUTRAL, "on a par with the other side",
                 _c(D, "comparable to", "comparable with", "similar to", "on par with",
                    "on a par with", "equivalent to", "competitive with", "as good as",
                    "rivals")),
    RelationSpec("comparable_or_better_than", FOR, "at least as good as the other side",
                 _c(D, "comparable to or better than", "comparable or better than",
                    "as good as or better than", "on par with or better than",
                    "matches or exceeds", "matches or beats")),
    RelationSpec("differs_from", NEUTRAL, "set apart from the other side, no value judgement",
                 _c(D, "differs from", "differ from", "differentiates from",
                    "differentiates itself from", "different from", "distinct from")),
    RelationSpec("unlike", FOR, "has what sets it apart from the other side",
                 _c(D, "unlike", "in contrast to", "contrary to")),
    RelationSpec("rather_than", NEUTRAL, "a design choice made instead of the other side",
                 _c(D, "rather than", "instead of", "as opposed to")),
    RelationSpec("compared_to", NEUTRAL, "a comparison without a stated direction",
                 _c(D, "compared to", "compared with", "relative to", "in comparison to",
                    "in comparison with")),
    RelationSpec("improves_on", FOR, "improves on the other side",
                 _c(D, "improvement over", "improvements over", "improves on", "improves upon",
                    "improving on", "improving upon", "advantage over", "advantages over",
                    "edge over", "gains over")
                 + _c(A, "improves", "improved", "improving", "enhanced", "enhances",
                      "increases", "boosts")),
    RelationSpec("reduces", FOR, "cuts a cost compared to the other side",
                 _c(A, "reduces", "reduce", "reduced", "reducing", "lowers", "cuts",
                    "minimizes", "minimises", "decreases")),
    RelationSpec("avoids", FOR, "avoids a drawback of the other side",
                 _c(O, "avoids", "avoid", "avoiding", "eliminates", "eliminate", "eliminating",
                    "removes", "sidesteps", "bypasses")),
    RelationSpec("other_lacks", FOR, "has something the other side lacks",
                 _c(S, "lack", "lacks", "lacking")),
)

_BY_ID: Final = {spec.id: spec for spec in RELATIONS}
_CUES: Final[dict[tuple[Frame, tuple[str, ...]], RelationSpec]] = {
    (frame, tuple(surface.split())): spec for spec in RELATIONS for frame, surface in spec.cues
}

COST_NOUNS: Final = frozenset(
    "cost costs price prices pricing latency overhead barrier barriers complexity memory "
    "footprint error errors risk risks lock-in dependency dependencies hallucination "
    "hallucinations bandwidth power energy vram downtime friction effort boilerplate "
    "maintenance bugs failures burden consumption usage requirements setup".split()
)
"""Nouns for which "more" is worse and "less" is better (flip the magnitude's polarity)."""

_NEGATIVE_ADJECTIVES: Final = frozenset(
    "expensive costly complex complicated limited restrictive verbose fragile brittle "
    "difficult error-prone opaque rigid slow resource-intensive heavy heavyweight "
    "cumbersome unstable unreliable".split()
)
_NEUTRAL_ADJECTIVES: Final = frozenset(
    "conservative aggressive opinionated specialized specialised general generic "
    "different similar".split()
)
_ADJECTIVES: Final = frozenset(
    "granular robust secure mature compact open modern lightweight natural stable "
    "direct explicit tight precise accurate private fast slow simple clear clean "
    "realistic pythonic idiomatic native seamless consistent transparent portable".split()
)
_ADJECTIVE_SUFFIXES: Final = (
    "able", "ible", "al", "ive", "ful", "ous", "ic", "ent", "ant", "ed", "ar", "ary",
    "less", "ile", "ate", "ish", "y",
)


_CUE_LENGTHS: Final = tuple(sorted({len(words) for _, words in _CUES}, reverse=True))


def cue_lengths() -> tuple[int, ...]:
    """Cue lengths in tokens, longest first, so the grammar tries longest matches first."""
    return _CUE_LENGTHS


def lookup_cue(words: tuple[str, ...], frame: Frame) -> RelationSpec | None:
    """The relation whose cue in ``frame`` is exactly ``words`` (lowercase tokens)."""
    return _CUES.get((frame, words))


OPEN_DEGREES: Final = ("more", "less")
"""Degree words that open a comparative outside the table (see :func:`open_comparative`)."""


def relation_ids() -> frozenset[str]:
    """Every id in the closed part of the vocabulary."""
    return frozenset(_BY_ID)


def flip(polarity: Polarity) -> Polarity:
    """The opposite polarity; neutral stays neutral."""
    if polarity is Polarity.NEUTRAL:
        return polarity
    return Polarity.AGAINST if polarity is Polarity.FOR else Polarity.FOR


def adjective_of(word: str) -> str:
    """Turn an adverb into its adjective ("conservatively" -> "conservative").

    Comparative adverbs ("trades speed for quality more conservatively than X") carry the
    same relation as their adjective, so both map to one id.
    """
    w = word.lower()
    if w.endswith("ically") and len(w) > 7:
        return w[: -len("ally")]
    if w.endswith("ily") and len(w) > 5:
        return w[:-3] + "y"
    if w.endswith("ly") and len(w) > 4 and not w.endswith(("ply", "ely")):
        return w[:-2]
    if w.endswith("ely") and len(w) > 5:
        return w[:-2]
    return w


def is_adjective_like(word: str) -> bool:
    """Whether a word after "more"/"less" reads as an adjective (else it is a noun).

    Without a trained tagger this is a lexicon plus derivational suffixes; it only decides
    between ``more_<adj>_than`` and ``more_than`` with the word as aspect.
    """
    w = adjective_of(word)
    if w in _ADJECTIVES or w in _NEGATIVE_ADJECTIVES or w in _NEUTRAL_ADJECTIVES:
        return True
    if word.lower().endswith("ly"):
        return True
    return len(w) > 4 and w.endswith(_ADJECTIVE_SUFFIXES)


@dataclass(frozen=True)
class Sense:
    """A resolved comparative: relation id plus polarity, before the aspect is known."""

    relation: str
    polarity: Polarity
    magnitude: int = 0


@lru_cache(maxsize=4096)
def open_comparative(degree: str, word: str) -> Sense:
    """Sense of ``more|less <word>`` when the table has no row for it.

    Cached: it is pure, its result is immutable, and the grammar asks it again for every
    "more"/"less" it meets while looking for cues.

    "more <adjective>" is ``more_<adjective>_than``, favouring the claimant unless the
    adjective is in the negative or neutral list; "less <adjective>" is the reverse. A
    noun after the degree word is the aspect of ``more_than``/``less_than``.
    """
    degree = degree.lower()
    adjective = adjective_of(word)
    if not is_adjective_like(word):
        spec = _BY_ID["more_than" if degree == "more" else "less_than"]
        return Sense(spec.id, spec.polarity, spec.magnitude)
    if adjective in _NEUTRAL_ADJECTIVES:
        polarity = NEUTRAL
    elif adjective in _NEGATIVE_ADJECTIVES:
        polarity = AGAINST
    else:
        polarity = FOR
    if degree == "less":
        polarity = flip(polarity)
    slug = adjective.replace("-", "_").replace("'", "")
    return Sense(f"{degree}_{slug}_than", polarity)


class CueNode:
    """One node of the cue trie: the cues whose words end here, and the words that go on.

    The grammar tries a cue at almost every token and almost no token starts one, so it
    first looks the token's word up in :data:`CUE_TRIE` and gives up on a miss; on a hit it
    walks on word by word instead of slicing and hashing a window for every cue length.
    """

    __slots__ = ("next", "senses")

    def __init__(self) -> None:
        self.senses: tuple[tuple[Frame, Sense], ...] = ()
        """(frame, sense) of each cue that is exactly the words on the path to here."""
        self.next: dict[str, CueNode] = {}


def _cue_trie() -> dict[str, CueNode]:
    """The cue table as a trie keyed by lowercase words (built once, at import)."""
    roots: dict[str, CueNode] = {}
    for (frame, words), spec in _CUES.items():
        node = roots.setdefault(words[0], CueNode())
        for word in words[1:]:
            node = node.next.setdefault(word, CueNode())
        node.senses += ((frame, Sense(spec.id, spec.polarity, spec.magnitude)),)
    for degree in OPEN_DEGREES:  # "more <adjective>" can start a cue outside the table
        roots.setdefault(degree, CueNode())
    return roots


CUE_TRIE: Final = _cue_trie()
"""First word of every cue (and each open degree word) to its :class:`CueNode`."""

THAN_WORDS: Final = frozenset(
    words[0] for frame, words in _CUES if frame is Frame.THAN and len(words) == 1
)
"""One-word comparatives ("faster", "more"): ``lookup_cue((w,), Frame.THAN)`` as a set."""
