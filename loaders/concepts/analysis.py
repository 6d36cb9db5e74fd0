"""Text analysis for concept mapping: tokens with weights, stems, negation, and the
direction of a capability (which modalities it consumes and produces)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
import re


_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[a-z0-9]+|#|[,;:.()!?\[\]]")
_BOUNDARY = "|"
_SUFFIXES = tuple(
    """
    izations ization isations isation izing ising ations ation itions ition atives ative ating
    ators ator ates ated ate izes ized izer ize ises ised ise ions ion ings ing ies es ed s e
    """.split()
)
_NOT_PAST = frozenset(
    {"embed", "speed", "seed", "need", "feed", "bred", "hundred", "shed", "bed", "red"}
)
_STOPWORDS = frozenset(
    """
    a an the and or but nor of to in into on onto at by for from with within without via as is
    are was were be been being it its this that these those which who whom whose what when where
    while than then so such both each either any all some many much more most less few can could
    may might must shall should will would do does did done has have had having not no also only
    just very well even like e g eg i ie etc vs versus per across over under up down out about
    through throughout between among after before during until upon against their there they
    them our we you your he she his her one two three use uses used using support supports
    supported supporting enable enables enabled enabling allow allows allowed allowing provide
    provides provided providing implement implements implemented implementing offer offers
    include includes including based approach approaches feature features capability
    capabilities system systems method methods technique techniques model models user users new
    improved compared comparable other others specific different various standard native
    natively built directly automatically optional optionally
    """.split()
)
_NEGATION_CUES = frozenset(
    """
    avoid avoiding avoids eliminate eliminates eliminating except instead lack lacks never no
    nor not rather than unlike versus vs without
    """.split()
)
_NEGATION_SPAN, _NEGATION_WEIGHT = 5, 0.05
_NUMBER_WORDS = frozenset(
    """
    two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty
    sixty seventy eighty ninety hundred dozens hundreds thousands
    """.split()
)
# Words that name the same thing as a label's word; applied to labels and texts alike.
_SYNONYMS = {"pictur": "imag", "photo": "imag", "photograph": "imag", "word": "text"}
_CLAUSE_WORDS = frozenset(
    """
    based because by leveraging so that thereby through using via where which while with
    """.split()
)
_NAME_WEIGHT, _URI_WEIGHT, _CATEGORY_WEIGHT = 2.5, 2.0, 0.8
_SENTENCE_WEIGHTS = (2.0, 1.0, 0.7)  # first clause weighs more; see _description_tokens
_REST_OF_FIRST = 1.4


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the capability text with its stem and how much it counts where it stands."""

    raw: str
    stem: str
    weight: float
    lead: bool = False

    @property
    def boundary(self) -> bool:
        return self.stem == _BOUNDARY

    @property
    def content(self) -> bool:
        return not self.boundary and self.raw not in _STOPWORDS and self.stem != "#"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer, enough to join "recognizes"/"recognition".

    It does not have to be linguistically right, only the same on both sides: labels and
    descriptions go through it alike.
    """
    if word.isdigit() or word == "#":
        return "#"
    if len(word) <= 3 or word in _NOT_PAST:
        return word
    for suffix in _SUFFIXES:
        if not word.endswith(suffix):
            continue
        base = word[: -len(suffix)]
        if len(base) < 3 or _bad_strip(word, suffix, base):
            continue
        if (
            suffix in ("ed", "ing", "ings")
            and len(base) > 3
            and base[-1] == base[-2]
            and base[-1] not in "lsz"
        ):
            base = base[:-1]
        return base
    return word


def _bad_strip(word: str, suffix: str, base: str) -> bool:
    if suffix == "s":
        return word[-2] in "siu"
    if suffix == "ed":
        return base.endswith("e")
    if suffix == "ies":
        return False
    return False


def _split_words(text: str) -> list[str]:
    words = _TOKEN_RE.findall(text.lower())
    return [
        "#" if w[0].isdigit() and w.replace(".", "").replace(",", "").isdigit() else w
        for w in words
    ]


@lru_cache(maxsize=65536)
def _stem_word(word: str) -> str:
    if word in ",;:.()!?[]":
        return _BOUNDARY
    if word in _NUMBER_WORDS:
        return "#"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    stemmed = stem(word)
    return _SYNONYMS.get(stemmed, stemmed)


def phrase_stems(text: str, *, content_only: bool = False) -> tuple[str, ...]:
    """Stems of a label or phrase, punctuation dropped (so "text-to-image" == "text to image")."""
    words = [w for w in _split_words(text) if _stem_word(w) != _BOUNDARY]
    if content_only:
        words = [w for w in words if w not in _STOPWORDS and w != "#"]
    return tuple(_stem_word(w) for w in words)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(@])", text.strip()) if s]


def _field_tokens(text: str, weight: float, lead: bool) -> list[Token]:
    return [Token(w, _stem_word(w), weight, lead) for w in _split_words(text)]


def _description_tokens(description: str) -> list[Token]:
    """Tokens of a description, weighted by position: the lead clause says what it does."""
    tokens: list[Token] = []
    for k, sentence in enumerate(_sentences(description)):
        words = _split_words(sentence)
        if k == 0:
            cut = next(
                (j for j, w in enumerate(words) if j > 1 and (w in _CLAUSE_WORDS or w in ",;:(")),
                len(words),
            )
            tokens += [
                Token(w, _stem_word(w), _SENTENCE_WEIGHTS[0] if j < cut else _REST_OF_FIRST, True)
                for j, w in enumerate(words)
            ]
        else:
            weight = _SENTENCE_WEIGHTS[min(k, len(_SENTENCE_WEIGHTS) - 1)]
            tokens += [Token(w, _stem_word(w), weight) for w in words]
        tokens.append(Token(".", _BOUNDARY, 0.0, k == 0))
    return tokens


def _negate(tokens: list[Token]) -> list[Token]:
    """Words right after "without", "unlike", "rather than"... describe what it is not."""
    out: list[Token] = []
    left = 0
    for t in tokens:
        if t.boundary:
            left = 0
        elif left > 0:
            t = Token(t.raw, t.stem, t.weight * _NEGATION_WEIGHT, t.lead)
            left -= 1
        if t.raw in _NEGATION_CUES:
            left = _NEGATION_SPAN
        out.append(t)
    return out


def tokenize_capability(
    description: str,
    name: str | None = None,
    uri_path: str | None = None,
    categories: Sequence[str] = (),
) -> list[Token]:
    """All fields of a capability as one weighted token stream, fields split by boundaries."""
    tokens: list[Token] = []
    if name:
        tokens += [*_field_tokens(name, _NAME_WEIGHT, True), Token(".", _BOUNDARY, 0.0, True)]
    if uri_path:
        tokens += [*_field_tokens(uri_path, _URI_WEIGHT, True), Token(".", _BOUNDARY, 0.0, True)]
    tokens += _description_tokens(description)
    for category in categories:
        tokens += [*_field_tokens(category, _CATEGORY_WEIGHT, False), Token(".", _BOUNDARY, 0.0)]
    return _negate(tokens)


# --- direction ----------------------------------------------------------------------------

MODALITIES = ("text", "image", "audio", "video", "code")
_MODALITY_WORDS = {
    "text": tuple(
        """
        text textual caption transcript description prompt sentence character prose
        """.split()
    ),
    "image": tuple(
        """
        image photo photograph picture screenshot artwork illustration visual vision scan
        graphic poster logo diagram
        """.split()
    ),
    "audio": tuple(["audio", "speech", "voice", "waveform", "sound", "music", "spoken"]),
    "video": tuple(["video", "footage"]),
    "code": tuple(["code", "codebase", "snippet"]),
}
_TYPE_ALIASES = dict(
    pair.split(":")
    for pair in """
    text:text json:text markdown:text html:text string:text document:text prompt:text
    image:image images:image photo:image audio:audio speech:audio voice:audio video:video
    code:code source-code:code
    """.split()
)


def _stems(*words: str) -> frozenset[str]:
    """Verb and noun lists are written as words and stemmed like the text they are matched to."""
    return frozenset(stem(w) for w in words)


_MODALITY_STEMS = {s: m for m, words in _MODALITY_WORDS.items() for s in _stems(*words)}
_GENERATE = _stems(
    *"""
    generate produce create synthesize synthesise render draw paint compose emit write make
    """.split()
)
_EXTRACT = _stems(
    *"""
    extract recognize recognise read detect decode parse identify digitize ocr
    """.split()
)
_CONSUME = _stems(
    *"""
    process encode analyze analyse understand accept ingest transcribe convert transform
    translate interpret caption describe consume listen watch summarize turn hear
    """.split()
)
_EDIT = _stems(
    *"""
    modify edit inpaint outpaint retouch upscale restore alter remove colorize
    """.split()
)
_PREPOSITIONS = frozenset({"from", "to", "into", "in", "within", "inside", "on", "of"})
_STOPPERS = frozenset(
    """
    across and as at because by containing featuring for including showing so than that through
    using via when where which while with without
    """.split()
)


@dataclass(frozen=True, slots=True)
class Direction:
    """The kinds of data a capability consumes and produces, as far as the text says."""

    inputs: frozenset[str] = frozenset()
    outputs: frozenset[str] = frozenset()


def normalise_modalities(values: Iterable[str]) -> frozenset[str]:
    """Passport input/output types ("text", "image", "JSON"...) as the scheme's modalities."""
    return frozenset(m for v in values if (m := _TYPE_ALIASES.get(v.strip().lower())))


def _modality(tokens: Sequence[Token], j: int) -> str | None:
    t = tokens[j]
    before = tokens[j - 1].raw if j > 0 else ""
    if t.raw == "language" and before == "natural":
        return "text"
    if t.raw == "english" and before in ("to", "into"):
        return "text"  # "speech to English": the target; "non-English speech" is not text
    return _MODALITY_STEMS.get(t.stem)


def _verb_class(tokens: Sequence[Token], i: int) -> str | None:
    t = tokens[i]
    kind = next(
        (
            k
            for k, verbs in (
                ("gen", _GENERATE),
                ("ext", _EXTRACT),
                ("con", _CONSUME),
                ("edit", _EDIT),
            )
            if t.stem in verbs
        ),
        None,
    )
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if kind and t.raw.endswith("ed") and nxt is not None and _modality(tokens, i + 1):
        return None  # "generated images", "rendered text": an adjective, not an action
    return kind


def _object_modalities(tokens: Sequence[Token], start: int) -> tuple[set[str], int]:
    found: set[str] = set()
    j, taken = start, 0
    while j < len(tokens) and taken < 6:
        t = tokens[j]
        if (
            (t.boundary and t.raw != ",")
            or t.raw in _PREPOSITIONS
            or (t.raw in _STOPPERS and t.raw != "and")
        ):
            break
        if (m := _modality(tokens, j)) is not None:
            found.add(m)
        j, taken = j + 1, taken + (t.raw != ",")
    return found, j


def _phrase_modalities(tokens: Sequence[Token], start: int) -> set[str]:
    found: set[str] = set()
    for j in range(start, min(start + 4, len(tokens))):
        t = tokens[j]
        if t.boundary or t.raw in _PREPOSITIONS or t.raw in _STOPPERS - {"and"}:
            break
        if (m := _modality(tokens, j)) is not None:
            found.add(m)
    return found


def _read_verb(tokens: Sequence[Token], i: int, kind: str, ins: set[str], outs: set[str]) -> None:
    """Add what one verb and its object and prepositional phrases say about the direction."""
    obj, j = _object_modalities(tokens, i + 1)
    container: set[str] = set()
    while j < min(len(tokens), i + 14):
        t = tokens[j]
        if t.boundary or (t.raw in _STOPPERS and t.raw != "and"):
            break
        if t.raw in _PREPOSITIONS:
            mods = _phrase_modalities(tokens, j + 1)
            if t.raw in ("to", "into"):
                outs |= mods
            elif kind == "gen" and t.raw in ("in", "within", "inside", "on"):
                container |= mods
            else:
                ins |= mods
        j += 1
    if kind in ("gen", "ext"):
        outs |= container or obj
    elif kind == "con":
        ins |= obj
    else:
        ins |= obj
        outs |= obj


def infer_direction(description: str, name: str | None = None) -> Direction:
    """What the capability consumes and produces, read from its name and first sentence.

    Reads verbs with their objects and prepositions: "extracts text from document images" is
    image -> text, "generates images from text prompts" is text -> image, "generate text within
    images" produces images, "text-to-speech" is text -> audio. Later sentences describe the
    mechanism ("conditioned on text embeddings") and are only read when the first says nothing.

    >>> d = infer_direction("Extracts text from scanned document images.")
    >>> sorted(d.inputs), sorted(d.outputs)
    (['image'], ['text'])
    """
    sentences = _sentences(description) or [""]
    for k in range(min(2, len(sentences))):
        lead = f"{name}. {sentences[k]}" if name and k == 0 else sentences[k]
        found = _direction_of(_field_tokens(lead, 1.0, True))
        if found.inputs or found.outputs:
            return found
    return Direction()


def _direction_of(tokens: Sequence[Token]) -> Direction:
    ins: set[str] = set()
    outs: set[str] = set()
    for i in range(len(tokens)):
        if tokens[i].raw == "to" and 0 < i < len(tokens) - 1:
            a, b = _modality(tokens, i - 1), _modality(tokens, i + 1)
            if a and b:
                ins.add(a)
                outs.add(b)
                continue
        kind = _verb_class(tokens, i)
        if kind is not None:
            _read_verb(tokens, i, kind, ins, outs)
    if any(t.raw == "aloud" for t in tokens):
        outs = (outs - {"text"}) | {"audio"}  # "reads text aloud" produces speech
    return Direction(inputs=frozenset(ins), outputs=frozenset(outs))
