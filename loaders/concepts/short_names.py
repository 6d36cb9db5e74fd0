"""Short names for capabilities ("multilingual text recognition") from their descriptions."""

from __future__ import annotations

from collections.abc import Sequence
import re

from matchgraph.loaders.concepts.analysis import _sentences


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
