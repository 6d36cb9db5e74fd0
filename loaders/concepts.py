"""The capability taxonomy and the mapper from capability descriptions to its concepts.

Concepts are what make two artifacts comparable: two pages that describe the same capability in
different words must land on the same concept, and an OCR model must never land on image
generation because "image" and "text" occur in its description. So the default (lexical)
mapper ranks concepts with phrase matches on labels weighted by where they occur, a BM25 term
over labels and definitions, and a direction rule over the data a capability consumes and
produces (text -> image is not image -> text). It is pure and fast enough for bulk loads.
An optional ``embeddings`` backend adds sentence-embedding similarity on top (see
:mod:`matchgraph.loaders.embeddings`).

Example:
    >>> mapper = ConceptMapper()
    >>> [m.label for m in mapper.map("Extracts text from scanned document images.")][:1]
    ['optical character recognition']
    >>> short_name("Recognizes text across 8 languages using a unified tokenizer.")
    'multilingual text recognition'
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from matchgraph.errors import ConfigError, LoadError, NotFoundError
from matchgraph.loaders.models import ConceptMatch

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "BACKENDS",
    "NAMESPACE",
    "CapabilityText",
    "Concept",
    "ConceptMapper",
    "ConceptScheme",
    "Direction",
    "infer_direction",
    "short_name",
]

NAMESPACE = "https://w3id.org/matchgraph/concept/"
BACKENDS = ("lexical", "embeddings")

_SKOS = "http://www.w3.org/2004/02/skos/core#"


# ---------------------------------------------------------------------------------------
# The scheme
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Concept:
    """One concept of the scheme, with everything the mapper reads from it."""

    iri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    definition: str | None = None
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    notations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    negative_keywords: tuple[str, ...] = ()
    input_types: frozenset[str] = frozenset()
    output_types: frozenset[str] = frozenset()
    top: bool = False

    @property
    def local_name(self) -> str:
        """The IRI's last segment ("OpticalCharacterRecognition"), handy in tests and logs."""
        return self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True, eq=False)
class ConceptScheme:
    """The SKOS concept scheme, parsed once and held as typed records.

    Compared by identity so that indexes built for one scheme can be cached per instance.
    """

    iri: str
    label: str
    source: str
    concepts: Mapping[str, Concept]

    @classmethod
    def load(cls, path: str | Path | None = None) -> ConceptScheme:
        """Parse the scheme (the packaged ``ontology/capabilities.ttl`` by default), cached.

        Raises:
            LoadError: the file is missing, is not valid Turtle, or its hierarchy is broken.
        """
        return _load_cached(_resolve_scheme_path(path))

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts.values())

    def __contains__(self, iri: object) -> bool:
        return iri in self.concepts

    def get(self, key: str) -> Concept:
        """The concept with this IRI or local name.

        Raises:
            NotFoundError: no such concept.
        """
        found = self.concepts.get(key) or self.concepts.get(NAMESPACE + key)
        if found is None:
            raise NotFoundError(f"no concept {key!r} in {self.source}")
        return found

    @property
    def top_concepts(self) -> tuple[Concept, ...]:
        return tuple(c for c in self if c.top)

    def ancestors(self, iri: str) -> frozenset[str]:
        """Every concept above ``iri`` through skos:broader (not ``iri`` itself)."""
        return _closure(iri, lambda i: self.concepts[i].broader)

    def descendants(self, iri: str) -> frozenset[str]:
        """Every concept below ``iri`` through skos:narrower (not ``iri`` itself)."""
        return _closure(iri, lambda i: self.concepts[i].narrower)

    def within(self, iri: str, ancestor: str) -> bool:
        """True when ``iri`` is ``ancestor`` or lies below it."""
        return iri == ancestor or ancestor in self.ancestors(iri)

    def by_notation(self, uri: str) -> Concept | None:
        """The concept whose notation is the longest dotted prefix of a capability:// path."""
        path = uri.removeprefix("capability://").lower()
        best: Concept | None = None
        for concept in self:
            for notation in concept.notations:
                if (path == notation or path.startswith(notation + ".")) and (
                    best is None or len(notation) > max(map(len, best.notations))
                ):
                    best = concept
        return best


def _closure(start: str, step: object) -> frozenset[str]:
    seen: set[str] = set()
    todo = list(step(start))  # type: ignore[operator]
    while todo:
        iri = todo.pop()
        if iri not in seen:
            seen.add(iri)
            todo.extend(step(iri))  # type: ignore[operator]
    return frozenset(seen)


def _resolve_scheme_path(path: str | Path | None) -> str:
    if path is not None:
        return str(Path(path).resolve())
    ref = resources.files("matchgraph.ontology").joinpath("capabilities.ttl")
    return str(ref)


@lru_cache(maxsize=8)
def _load_cached(path: str) -> ConceptScheme:
    graph = _parse_turtle(path)
    scheme_iri = _scheme_iri(graph, path)
    concepts = {c.iri: c for c in sorted(_read_concepts(graph), key=lambda c: c.iri)}
    _check_hierarchy(concepts, path)
    label = _literal(graph, scheme_iri, _SKOS + "prefLabel") or scheme_iri
    return ConceptScheme(iri=scheme_iri, label=label, source=path, concepts=concepts)


def _parse_turtle(path: str) -> rdflib.Graph:
    import rdflib

    try:
        return rdflib.Graph().parse(path, format="turtle")
    except FileNotFoundError as e:
        raise LoadError("concept scheme file not found", document=path) from e
    except Exception as e:  # rdflib raises BadSyntax and several others
        line = getattr(e, "lines", None)
        raise LoadError(f"not valid Turtle: {e}", document=path, line=line) from e


def _scheme_iri(graph: rdflib.Graph, path: str) -> str:
    from rdflib import RDF, URIRef

    schemes = sorted(str(s) for s in graph.subjects(RDF.type, URIRef(_SKOS + "ConceptScheme")))
    if len(schemes) != 1:
        raise LoadError(f"expected one skos:ConceptScheme, found {len(schemes)}", document=path)
    return schemes[0]


def _values(graph: rdflib.Graph, subject: object, predicate: str) -> tuple[str, ...]:
    from rdflib import URIRef

    return tuple(sorted(str(o) for o in graph.objects(subject, URIRef(predicate))))  # type: ignore[arg-type]


def _literal(graph: rdflib.Graph, subject: str, predicate: str) -> str | None:
    from rdflib import URIRef

    values = _values(graph, URIRef(subject), predicate)
    return values[0] if values else None


def _read_concepts(graph: rdflib.Graph) -> Iterator[Concept]:
    from rdflib import RDF, URIRef

    for subject in graph.subjects(RDF.type, URIRef(_SKOS + "Concept")):
        iri = str(subject)

        def values(pred: str, subject: object = subject) -> tuple[str, ...]:
            return _values(graph, subject, pred)

        labels = values(_SKOS + "prefLabel")
        yield Concept(
            iri=iri,
            label=labels[0] if labels else iri.rsplit("/", 1)[-1],
            alt_labels=values(_SKOS + "altLabel"),
            hidden_labels=values(_SKOS + "hiddenLabel"),
            definition=next(iter(values(_SKOS + "definition")), None),
            broader=values(_SKOS + "broader"),
            narrower=values(_SKOS + "narrower"),
            notations=values(_SKOS + "notation"),
            keywords=values(NAMESPACE + "keyword"),
            qualifiers=values(NAMESPACE + "qualifier"),
            negative_keywords=values(NAMESPACE + "negativeKeyword"),
            input_types=frozenset(values(NAMESPACE + "inputType")),
            output_types=frozenset(values(NAMESPACE + "outputType")),
            top=bool(values(_SKOS + "topConceptOf")),
        )


def _check_hierarchy(concepts: Mapping[str, Concept], path: str) -> None:
    """Refuse a scheme whose broader/narrower links dangle, disagree or loop.

    The mapper and the match engine walk the hierarchy; a broken one would give silently wrong
    proximities, so it is a load error rather than something to tolerate.
    """
    problems: list[str] = []
    for c in concepts.values():
        if len(c.label.strip()) == 0:
            problems.append(f"{c.iri} has no skos:prefLabel")
        for b in c.broader:
            if b not in concepts:
                problems.append(f"{c.iri} broader {b} is not a concept")
            elif c.iri not in concepts[b].narrower:
                problems.append(f"{b} lacks skos:narrower {c.iri}")
        for n in c.narrower:
            if n not in concepts or c.iri not in concepts[n].broader:
                problems.append(f"{c.iri} narrower {n} has no matching skos:broader")
        if not c.broader and not c.top:
            problems.append(f"{c.iri} has neither skos:broader nor skos:topConceptOf")
    if not problems:
        problems.extend(_cycles(concepts))
    if problems:
        raise LoadError("; ".join(problems[:5]), document=path)


def _cycles(concepts: Mapping[str, Concept]) -> list[str]:
    return [
        f"{iri} is its own ancestor"
        for iri in concepts
        if iri in _closure(iri, lambda i: concepts[i].broader if i in concepts else ())
    ]


# ---------------------------------------------------------------------------------------
# Text analysis: tokens, stems, negation, direction
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# Short names
# ---------------------------------------------------------------------------------------

_NOMINAL = dict(
    pair.split(":")
    for pair in """
    extract:extraction recognize:recognition generate:generation convert:conversion
    transcribe:transcription translate:translation detect:detection process:processing
    normalize:normalization scrape:scraping crawl:crawling complete:completion edit:editing
    refactor:refactoring analyze:analysis classify:classification summarize:summarization
    search:search index:indexing validate:validation parse:parsing render:rendering
    decode:decoding encode:encoding enforce:enforcement capture:capture discover:discovery
    filter:filtering execute:execution orchestrate:orchestration schedule:scheduling retry:retry
    stream:streaming compress:compression quantize:quantization fine-tune:fine-tuning
    train:training evaluate:evaluation compare:comparison benchmark:benchmarking
    transform:transformation persist:persistence store:storage manage:management track:tracking
    import:import export:export define:definition follow:following produce:production
    create:creation synthesize:synthesis modify:modification read:reading write:writing
    answer:answering describe:description caption:captioning sample:sampling handle:handling
    resize:resizing accelerate:acceleration deploy:deployment serve:serving host:hosting
    predict:prediction understand:understanding reason:reasoning plan:planning call:calling
    invoke:invocation submit:submission fetch:fetching retrieve:retrieval embed:embedding
    match:matching rank:ranking route:routing enumerate:enumeration restrict:restriction
    optimize:optimization refine:refinement inpaint:inpainting upscale:upscaling release:release
    load:loading save:saving monitor:monitoring log:logging test:testing debug:debugging
    review:review explain:explanation visualize:visualization recommend:recommendation
    cluster:clustering tag:tagging label:labeling segment:segmentation align:alignment
    identify:identification package:packaging install:installation automate:automation
    integrate:integration connect:connection query:querying turn:conversion remove:removal
    speak:speech remember:recall find:search run:running reduce:reduction
    """.split()
)
_WEAK_VERBS = frozenset(
    """
    accept achieve add allow apply bring combine contain deliver demonstrate employ enable
    expose feature give help implement include let leverage maintain offer provide ship support
    use utilize
    """.split()
)
_AGENTS = frozenset(
    """
    agents clients developers it llms model models people teams them user users you
    """.split()
)
_NAME_STOPS = frozenset(
    """
    about across after against are as at based before between by containing during featuring for
    from having how if in including inside instead into is leveraging like of on onto over per
    rather showing so such than that through to toward towards under until upon using via what
    when where whether which while with within without
    """.split()
)
_DROP_WORDS = frozenset(
    """
    a advanced all also an any automatically better both built-in but complete comprehensive
    directly dynamically efficiently enhanced existing explicitly full her high-quality his
    improved intelligent its many minimal multiple natively novel numerous optimized our
    powerful quickly robust seamless seamlessly several simple simultaneously single
    sophisticated state-of-the-art superior the their unified various your
    """.split()
)
_MAX_NAME_WORDS = 7


def _lemma(word: str) -> str | None:
    """The verb's base form when it is one the naming rules know, else None."""
    candidates = [word, word[:-1], word[:-2], word[:-3] + "y", word[:-1] + "e"]
    if word.endswith("ing"):
        candidates += [word[:-3], word[:-3] + "e"]
    if word.endswith("ed"):
        candidates += [word[:-2], word[:-1]]
    for c in candidates:
        if c in _NOMINAL or c in _WEAK_VERBS:
            return c
    return None


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    return word


def _name_words(description: str) -> list[str]:
    """The first sentence as plain lowercase words: no parentheses, quotes or elisions."""
    first = (_sentences(description) or [""])[0]
    first = re.sub(r"\([^)]*\)?|\[[^\]]*\]?|\.\.\.|…", " ", first)
    words = re.findall(r"[a-z0-9][a-z0-9+#-]*|[,;:]", first.lower())
    return [w.strip("-") for w in words if w.strip("-")]


def _find_verb(words: Sequence[str]) -> int | None:
    return next((i for i, w in enumerate(words[:9]) if w not in ",;:" and _lemma(w)), None)


def _object(words: Sequence[str], start: int) -> list[str]:
    """The object noun phrase after a verb: up to a preposition, clause word or second verb."""
    out: list[str] = []
    for k in range(start, len(words)):
        w = words[k]
        if w in _NAME_STOPS or w in ";:" or (out and w.endswith("ed") and "-" not in w):
            break
        if w in ("and", "or") and k + 1 < len(words) and _is_verb(words[k + 1]):
            break  # "follow detailed prompts and understand ...": a second verb
        if w != "," and w not in _DROP_WORDS and not w.endswith("ly"):
            out.append(w)
    out = out[:4]
    while out and out[-1] in ("and", "or", "plus"):
        out.pop()
    return out


def _is_verb(word: str) -> bool:
    lemma = _lemma(word)
    return lemma is not None and (word == lemma or word.endswith("s"))


def _purpose(words: Sequence[str], verb: int) -> int | None:
    """After a weak verb ("uses X to generate Y", "enables users to define Y"): the real verb."""
    for j in range(verb + 1, min(len(words) - 1, verb + 10)):
        if words[j] in ",;:":
            return None
        if words[j] == "to" and (lemma := _lemma(words[j + 1])) and lemma in _NOMINAL:
            return j + 1
    return None


def _modifiers(words: Sequence[str], obj: Sequence[str]) -> list[str]:
    text = " ".join(words)
    mods = []
    if re.search(
        r"\b(across|in) [0-9]+\+? languages\b|\bmultilingual\b|\bmultiple languages\b", text
    ):
        mods.append("multilingual")
    if re.search(r"\bin parallel\b|\bin batches\b", text) and "batch" not in obj:
        mods.append("batch")
    if re.search(r"\bin [0-9]+ (diffusion |sampling )?steps\b", text):
        mods.append("few-step")
    return [m for m in mods if m not in obj]


def _tail(words: Sequence[str], verb: int, lemma: str) -> list[str]:
    """A short source or target phrase for verbs whose name is unclear without it."""
    wanted = {
        "extract": "from",
        "generate": "from",
        "read": "from",
        "convert": "to",
        "translate": "to",
        "turn": "to",
    }.get(lemma)
    if wanted is None:
        return []
    for j in range(verb + 1, len(words)):
        if words[j] in ",;:" or words[j] in {
            "using",
            "through",
            "by",
            "via",
            "with",
            "that",
            "which",
        }:
            return []
        if words[j] == wanted or (wanted == "to" and words[j] == "into"):
            phrase = _object(words, j + 1)
            return [wanted, *phrase[-2:]] if phrase else []
    return []


def short_name(description: str) -> str:
    """A short capability name from a description's first clause, when the document gave none.

    Verb and object become a noun phrase ("Extracts text from document images" ->
    "text extraction from document image"); weak verbs ("supports", "uses X to") yield to
    their object or purpose; "across 8 languages" becomes "multilingual". Deterministic;
    empty only for text without words.

    >>> short_name("Converts text prompts into high-quality images using a diffusion model.")
    'text prompt conversion to image'
    """
    words = _name_words(description)
    named = _name_from(words) if words else ""
    if named:
        return named
    fallback = [w for w in words if w not in ",;:" and w not in _DROP_WORDS]
    return " ".join(fallback[:5])


def _name_from(words: list[str]) -> str:
    verb = _find_verb(words)
    if verb is None:
        return " ".join(_object(words, 0)[:5])
    lemma = _lemma(words[verb]) or ""
    subject = [
        w for w in words[:verb] if w not in _DROP_WORDS and w not in ",;:" and not w.endswith("ly")
    ]
    if lemma in _WEAK_VERBS:
        start = verb + 1
        while start < len(words) - 1 and (words[start] in _AGENTS or words[start] in _DROP_WORDS):
            start += 1
        if words[start - 1] in _AGENTS and start + 1 < len(words) and words[start] == "to":
            verb, lemma = start + 1, _lemma(words[start + 1]) or ""
        elif (purpose := _purpose(words, verb)) is not None and _object(words, purpose + 1):
            verb, lemma = purpose, _lemma(words[purpose]) or ""
        else:
            return _compose(_modifiers(words, []), _object(words, verb + 1) or subject[-3:], [], [])
    nominal = [_NOMINAL[lemma]] if lemma in _NOMINAL else []
    second = _lemma(words[verb + 2]) if verb + 2 < len(words) and words[verb + 1] == "and" else None
    if nominal and second in _NOMINAL:
        nominal, verb = [nominal[0], "and", _NOMINAL[second]], verb + 2
    obj = _object(words, verb + 1) or subject[-3:]
    return _compose(_modifiers(words, obj), obj, nominal, _tail(words, verb, lemma))


def _compose(mods: list[str], obj: list[str], nominal: list[str], tail: list[str]) -> str:
    """Join the parts, dropping the tail, then early object words, when the name runs long."""
    if nominal and obj:
        obj = [*obj[:-1], _singular(obj[-1])]
    if tail:
        tail = [*tail[:-1], _singular(tail[-1])]
    if len(mods) + len(obj) + len(nominal) + len(tail) > _MAX_NAME_WORDS:
        tail = []
    parts = [*mods, *obj[-(_MAX_NAME_WORDS - len(mods) - len(nominal)) :], *nominal, *tail]
    while parts and parts[-1] in ("and", "or", "to", "from", "plus"):
        parts.pop()
    return " ".join(parts[:_MAX_NAME_WORDS])


# ---------------------------------------------------------------------------------------
# The lexical index
# ---------------------------------------------------------------------------------------

# How much one kind of label counts as evidence, before position and specificity.
_KIND_WEIGHT = {"pref": 1.0, "alt": 1.0, "hidden": 0.8, "keyword": 0.45}
_BAG_WEIGHT = {"pref": 3, "alt": 2, "hidden": 1, "keyword": 1}
_SINGLE_WORD = 0.7  # a one-word label ("search", "vision") is weaker than a phrase
_BM25_K1, _BM25_B = 1.2, 0.75
_MAX_GAPS, _GAP_DISCOUNT = 2, 0.8


@dataclass(frozen=True, slots=True)
class _Phrase:
    stems: tuple[str, ...]
    concept: int
    weight: float
    needs: frozenset[str]  # every stem must occur in the text: a cheap test before matching


@dataclass(frozen=True)
class _LexicalIndex:
    """Everything the lexical scorer needs, precomputed once per scheme."""

    concepts: tuple[Concept, ...]
    phrases: Mapping[str, tuple[_Phrase, ...]]
    postings: Mapping[str, tuple[tuple[int, float], ...]]
    """stem -> (concept, BM25 term weight without the query side), for concepts having it."""
    qualifiers: tuple[tuple[tuple[str, ...], ...], ...]
    negatives: tuple[tuple[tuple[str, ...], ...], ...]
    broader: tuple[tuple[int, ...], ...]
    ancestors: tuple[frozenset[str], ...]
    direction_roots: Mapping[tuple[str, str], tuple[int, ...]]
    """(input, output) -> the most general concepts declaring exactly that one direction."""


def _build_index(scheme: ConceptScheme) -> _LexicalIndex:
    concepts = tuple(scheme)
    position = {c.iri: i for i, c in enumerate(concepts)}
    return _LexicalIndex(
        concepts=concepts,
        phrases=_phrase_table(concepts),
        postings=_postings([_bag_of_terms(c) for c in concepts]),
        qualifiers=tuple(tuple(phrase_stems(q) for q in c.qualifiers) for c in concepts),
        negatives=tuple(tuple(phrase_stems(q) for q in c.negative_keywords) for c in concepts),
        broader=tuple(tuple(position[b] for b in c.broader) for c in concepts),
        ancestors=tuple(scheme.ancestors(c.iri) for c in concepts),
        direction_roots=_direction_roots(scheme, concepts),
    )


def _exact_direction(concept: Concept) -> tuple[str, str] | None:
    if len(concept.input_types) == 1 and len(concept.output_types) == 1:
        return next(iter(concept.input_types)), next(iter(concept.output_types))
    return None


def _direction_roots(
    scheme: ConceptScheme, concepts: Sequence[Concept]
) -> dict[tuple[str, str], tuple[int, ...]]:
    """Text -> image is text-to-image generation; its narrower concepts share that direction
    but need their own evidence, so only the most general concept of a direction is a root."""
    roots: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, concept in enumerate(concepts):
        pair = _exact_direction(concept)
        if pair and not any(_exact_direction(scheme.concepts[b]) == pair for b in concept.broader):
            roots[pair].append(i)
    return {pair: tuple(found) for pair, found in roots.items()}


def _labelled(concept: Concept) -> Iterator[tuple[str, str]]:
    yield "pref", concept.label
    for kind, labels in (
        ("alt", concept.alt_labels),
        ("hidden", concept.hidden_labels),
        ("keyword", concept.keywords),
    ):
        for label in labels:
            yield kind, label


def _phrase_table(concepts: Sequence[Concept]) -> dict[str, tuple[_Phrase, ...]]:
    """First stem -> phrases starting with it, each weighted by kind, length and rarity.

    Rarity is counted over concepts: a phrase several concepts share says less about each.
    """
    raw: list[tuple[tuple[str, ...], int, str]] = []
    for i, concept in enumerate(concepts):
        seen: set[tuple[str, ...]] = set()
        for kind, label in _labelled(concept):
            stems = phrase_stems(label)
            if stems and stems not in seen:
                seen.add(stems)
                raw.append((stems, i, kind))
    df = Counter(stems for stems, _, _ in raw)
    n = len(concepts)
    table: dict[str, list[_Phrase]] = defaultdict(list)
    for stems, i, kind in raw:
        rarity = math.log(1 + n / df[stems]) / math.log(1 + n)
        length = _SINGLE_WORD if len(stems) == 1 else min(1.0 + 0.4 * (len(stems) - 1), 2.2)
        table[stems[0]].append(
            _Phrase(stems, i, _KIND_WEIGHT[kind] * rarity * length, frozenset(stems))
        )
    return {k: tuple(v) for k, v in table.items()}


def _bag_of_terms(concept: Concept) -> Counter[str]:
    """BM25 document of a concept: names count more than definition words."""
    bag: Counter[str] = Counter()
    for kind, label in _labelled(concept):
        for s in phrase_stems(label, content_only=True):
            bag[s] += _BAG_WEIGHT[kind]
    for s in phrase_stems(concept.definition or "", content_only=True):
        bag[s] += 1
    return bag


def _postings(bags: Sequence[Counter[str]]) -> dict[str, tuple[tuple[int, float], ...]]:
    """Inverted BM25 index: per stem, idf x saturated tf for each concept that has it."""
    n = len(bags)
    lengths = [sum(b.values()) for b in bags]
    avg = sum(lengths) / max(n, 1)
    df = Counter(t for b in bags for t in b)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, bag in enumerate(bags):
        norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * lengths[i] / avg)
        for term, tf in bag.items():
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            postings[term].append((i, idf * tf * (_BM25_K1 + 1) / (tf + norm)))
    return {t: tuple(p) for t, p in postings.items()}


# ---------------------------------------------------------------------------------------
# Scoring (pure functions over the index)
# ---------------------------------------------------------------------------------------

_BM25_WEIGHT = 1.0  # evidence the best BM25 concept gets; others in proportion
_BM25_FLOOR = 25.0  # a weak text is not normalised up to full BM25 weight
_TOP_CONCEPT_DAMPING = 0.6
_DIRECTION_CONFLICT = 0.12
_DIRECTION_AGREEMENT = 1.2
_DIRECTION_PRIOR = 1.0  # weak evidence for the concept a clear direction names (text -> image)
_NEGATIVE_CUE = 0.3
_NOTATION_BOOST = 1.25
_QUALIFIER_SHARE = 0.9
_QUALIFIED_PARENT = 1.0  # phrase evidence the broader concept needs before a qualifier counts
_SATURATION = 4.0  # raw evidence at which a score reaches 1 - 1/e


@dataclass(frozen=True, slots=True)
class CapabilityText:
    """What a document says about one capability: the mapper's input."""

    description: str
    name: str | None = None
    uri: str | None = None
    categories: tuple[str, ...] = ()
    input_types: tuple[str, ...] = ()
    output_types: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        description: str,
        name: str | None = None,
        uri: str | None = None,
        categories: Sequence[str] = (),
        input_types: Sequence[str] = (),
        output_types: Sequence[str] = (),
    ) -> CapabilityText:
        """Build from loose arguments; sequences become tuples so the record stays hashable."""
        return cls(
            description, name, uri, tuple(categories), tuple(input_types), tuple(output_types)
        )

    def lead(self) -> str:
        """The text an embedding model should read: the name and the first sentence."""
        first = (_sentences(self.description) or [""])[0]
        return f"{self.name}. {first}" if self.name else first


class EvidenceSource(Protocol):
    """Extra evidence per concept (the embeddings backend), added to the lexical evidence."""

    def evidence(self, items: Sequence[CapabilityText]) -> list[list[float]]: ...


@dataclass(frozen=True, slots=True)
class _Text:
    """A token stream as parallel lists, which the hot matching loop reads fastest."""

    stems: list[str]
    weights: list[float]
    vocabulary: frozenset[str]

    @classmethod
    def of(cls, tokens: Sequence[Token]) -> _Text:
        stems = [t.stem for t in tokens]
        return cls(stems, [t.weight for t in tokens], frozenset(stems))


def _phrase_evidence(index: _LexicalIndex, text: _Text) -> list[float]:
    """Sum, per concept, of its distinct labels found in the text, each at its best position."""
    best: dict[tuple[int, tuple[str, ...]], float] = {}
    for start, stem_ in enumerate(text.stems):
        for phrase in index.phrases.get(stem_, ()):
            if not phrase.needs <= text.vocabulary:
                continue
            weight = _match_at(text, start, phrase.stems)
            if weight > 0:
                key = (phrase.concept, phrase.stems)
                best[key] = max(best.get(key, 0.0), weight * phrase.weight)
    evidence = [0.0] * len(index.concepts)
    for (concept, _), weight in best.items():
        evidence[concept] += weight
    return evidence


def _match_at(text: _Text, start: int, stems: tuple[str, ...]) -> float:
    """Weight of a phrase matched at ``start``, allowing a couple of inserted words.

    "generates high-quality images" should count as "generates images", and "images from
    natural language text prompts" as "images from text prompts"; a gapped match counts less,
    and a match never crosses punctuation.
    """
    seq, n = text.stems, len(text.stems)
    gaps, j, weight = 0, start, text.weights[start]
    for s in stems[1:]:
        j += 1
        while j < n and seq[j] != s and seq[j] != _BOUNDARY and gaps < _MAX_GAPS:
            j, gaps = j + 1, gaps + 1
        if j >= n or seq[j] != s:
            return 0.0
        weight = min(weight, text.weights[j])
    return weight * (_GAP_DISCOUNT if gaps else 1.0)


def _found(text: _Text, stems: tuple[str, ...]) -> float:
    """Best weight at which a phrase occurs in the text (0 when absent)."""
    if not stems:
        return 0.0
    return max(
        (_match_at(text, i, stems) for i, s in enumerate(text.stems) if s == stems[0]), default=0.0
    )


def _bm25(index: _LexicalIndex, tokens: Sequence[Token]) -> list[float]:
    """BM25 of each concept's label/definition bag against the text's content words.

    Raw BM25 grows with the length of the description, so it is scaled relative to the best
    concept (and a floor): it ranks and breaks ties, while phrase matches carry the weight.
    """
    query: dict[str, float] = {}
    for t in tokens:
        if t.content and t.stem in index.postings:
            query[t.stem] = max(query.get(t.stem, 0.0), t.weight)
    scores = [0.0] * len(index.concepts)
    for term, qw in query.items():
        for i, w in index.postings[term]:
            scores[i] += qw * w
    top = max(max(scores, default=0.0), _BM25_FLOOR)
    return [_BM25_WEIGHT * x / top for x in scores]


def _apply_qualifiers(
    index: _LexicalIndex, text: _Text, phrases: Sequence[float], evidence: list[float]
) -> None:
    """A narrower concept with qualifiers inherits its broader concept's evidence when qualified.

    "Recognizes text across 8 languages" is evidence for OCR plus the qualifier "# languages",
    which together are evidence for multilingual text recognition.
    """
    for i, qualifiers in enumerate(index.qualifiers):
        if not qualifiers or not index.broader[i]:
            continue
        parent = max(phrases[b] for b in index.broader[i])
        if parent < _QUALIFIED_PARENT:
            continue
        hit = max(_found(text, q) for q in qualifiers)
        if hit > 0:
            evidence[i] += _QUALIFIER_SHARE * parent + 0.3 * hit


def _direction_factor(concept: Concept, direction: Direction) -> float:
    """Penalise a concept whose data direction contradicts the text's, reward one that fits."""
    outs, ins = concept.output_types, concept.input_types
    if outs and direction.outputs and not outs & direction.outputs:
        return _DIRECTION_CONFLICT
    if ins and direction.inputs and not ins & direction.inputs:
        return _DIRECTION_CONFLICT
    if outs & direction.outputs and ins & direction.inputs:
        return _DIRECTION_AGREEMENT
    return 1.0


def _factor(
    index: _LexicalIndex, i: int, lead: _Text, direction: Direction, notation: str | None
) -> float:
    """Multiplier on one concept's evidence: direction, negative cues, generality, category."""
    concept = index.concepts[i]
    f = _direction_factor(concept, direction)
    if any(_found(lead, neg) for neg in index.negatives[i]):
        f *= _NEGATIVE_CUE
    if concept.top:
        f *= _TOP_CONCEPT_DAMPING
    if notation is not None and (concept.iri == notation or notation in index.ancestors[i]):
        f *= _NOTATION_BOOST
    return f


def _to_score(raw: float) -> float:
    return round(1.0 - math.exp(-max(raw, 0.0) / _SATURATION), 4)


_MAX_FACTOR = _DIRECTION_AGREEMENT * _NOTATION_BOOST


def _score(
    index: _LexicalIndex,
    item: CapabilityText,
    notation: Concept | None,
    extra: Sequence[float] | None = None,
    floor: float = 0.0,
) -> list[tuple[float, int]]:
    """(score, concept index) for every concept scoring above ``floor``, best first. Pure."""
    tokens = tokenize_capability(
        item.description, item.name, _uri_words(item.uri, notation), item.categories
    )
    text = _Text.of(tokens)
    phrases = _phrase_evidence(index, text)
    evidence = [p + b for p, b in zip(phrases, _bm25(index, tokens), strict=True)]
    if extra is not None:
        evidence = [e + x for e, x in zip(evidence, extra, strict=True)]
    _apply_qualifiers(index, text, phrases, evidence)
    lead = _Text.of([t for t in tokens if t.lead])
    direction = _direction(item)
    if len(direction.inputs) == 1 and len(direction.outputs) == 1:
        for i in index.direction_roots.get(
            (next(iter(direction.inputs)), next(iter(direction.outputs))), ()
        ):
            evidence[i] += _DIRECTION_PRIOR
    needed = (
        -_SATURATION * math.log(1.0 - min(floor, 0.999)) / _MAX_FACTOR
    )  # evidence below cannot reach floor
    scored = []
    for i, e in enumerate(evidence):
        if e > 0 and e >= needed:
            score = _to_score(
                e * _factor(index, i, lead, direction, notation.iri if notation else None)
            )
            if score > 0 and score >= floor:
                scored.append((score, i))
    scored.sort(key=lambda si: (-si[0], index.concepts[si[1]].iri))
    return scored


def _direction(item: CapabilityText) -> Direction:
    """Declared input/output types win; otherwise read the direction from the text."""
    inferred = infer_direction(item.description, item.name)
    inputs = normalise_modalities(item.input_types) or inferred.inputs
    outputs = normalise_modalities(item.output_types) or inferred.outputs
    return Direction(inputs=inputs, outputs=outputs)


def _uri_words(uri: str | None, notation: Concept | None) -> str | None:
    """The name-like part of a capability:// URI, without the category prefix it starts with.

    The prefix is used as a prior on the category's subtree instead (see ``_factor``).
    """
    if not uri:
        return None
    path = uri.removeprefix("capability://")
    if notation is not None:
        prefix = max(
            (n for n in notation.notations if path.lower().startswith(n)), key=len, default=""
        )
        path = path[len(prefix) :]
    return path.replace(".", " ").replace("-", " ")


# ---------------------------------------------------------------------------------------
# The mapper
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _index_for(scheme: ConceptScheme) -> _LexicalIndex:
    return _build_index(scheme)


class ConceptMapper:
    """Assigns concepts of the taxonomy to capability descriptions.

    ``backend`` is "lexical" (default: pure Python, well under a millisecond per description)
    or "embeddings" (adds similarity from an offline sentence-embedding model; needs the
    ``embeddings`` extra). The scheme's index is built once and shared between mappers.

    Raises:
        ConfigError: unknown backend, or the embeddings extra is not installed.

    >>> ConceptMapper(backend="fuzzy")
    Traceback (most recent call last):
    ...
    matchgraph.errors.ConfigError: unknown concept backend 'fuzzy'; choose one of ...
    """

    def __init__(
        self,
        scheme: ConceptScheme | None = None,
        backend: str = "lexical",
        *,
        threshold: float = 0.3,
        relative: float = 0.5,
        limit: int = 5,
    ) -> None:
        if backend not in BACKENDS:
            raise ConfigError(
                f"unknown concept backend {backend!r}; choose one of {', '.join(BACKENDS)}"
            )
        self.scheme = scheme or ConceptScheme.load()
        self.backend = backend
        self.threshold, self.relative, self.limit = threshold, relative, limit
        self._index = _index_for(self.scheme)
        self._extra: EvidenceSource | None = None
        if backend == "embeddings":
            from matchgraph.loaders.embeddings import EmbeddingEvidence

            self._extra = EmbeddingEvidence(self.scheme)

    def map(
        self,
        description: str,
        name: str | None = None,
        uri: str | None = None,
        categories: Sequence[str] = (),
        input_types: Sequence[str] = (),
        output_types: Sequence[str] = (),
    ) -> tuple[ConceptMatch, ...]:
        """The concepts this capability belongs to, best first, above the threshold.

        A concept is kept when its score reaches ``threshold`` and ``relative`` times the best
        score; at most ``limit`` are kept. Text that names no known capability maps to ``()``.
        Declared ``input_types``/``output_types`` (passports) override the direction read
        from the text.
        """
        item = CapabilityText.of(description, name, uri, categories, input_types, output_types)
        return self.map_many([item])[0]

    def map_many(self, items: Iterable[CapabilityText]) -> list[tuple[ConceptMatch, ...]]:
        """:meth:`map` for many capabilities at once (the embeddings backend batches them)."""
        return [
            self._matches(self._select(scored))
            for scored in self._score_many(items, self.threshold)
        ]

    def rank(
        self,
        description: str,
        name: str | None = None,
        uri: str | None = None,
        categories: Sequence[str] = (),
        input_types: Sequence[str] = (),
        output_types: Sequence[str] = (),
    ) -> tuple[ConceptMatch, ...]:
        """Every concept with a positive score, best first, no threshold: for ranking needs."""
        item = CapabilityText.of(description, name, uri, categories, input_types, output_types)
        return self._matches(self._score_many([item])[0])

    def _score_many(
        self, items: Iterable[CapabilityText], floor: float = 0.0
    ) -> list[list[tuple[float, int]]]:
        batch = list(items)
        extra = self._extra.evidence(batch) if self._extra is not None and batch else None
        return [
            _score(self._index, item, self._notation(item.uri), extra[k] if extra else None, floor)
            for k, item in enumerate(batch)
        ]

    def _notation(self, uri: str | None) -> Concept | None:
        return self.scheme.by_notation(uri) if uri else None

    def _select(self, scored: list[tuple[float, int]]) -> list[tuple[float, int]]:
        if not scored:
            return []
        floor = max(self.threshold, self.relative * scored[0][0])
        return [si for si in scored if si[0] >= floor][: self.limit]

    def _matches(self, scored: Sequence[tuple[float, int]]) -> tuple[ConceptMatch, ...]:
        concepts = self._index.concepts
        return tuple(
            ConceptMatch(concept=concepts[i].iri, label=concepts[i].label, score=s)
            for s, i in scored
        )
