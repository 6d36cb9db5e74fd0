"""Modalities (what kind of data goes in or comes out) and the words that name them."""

from __future__ import annotations

from collections.abc import Iterable

from matchgraph.loaders.text.words import WORD, stem

__all__ = [
    "LANGUAGES",
    "MODALITIES",
    "STEM_MODALITY",
    "modalities_of_terms",
    "modality_of",
    "normalise_modality",
]

MODALITIES: tuple[str, ...] = ("text", "image", "audio", "video", "code", "document", "data", "3d")
"""Canonical input and output types; declared types are mapped onto these."""

_MODALITY_WORDS = {
    "text": "text texts textual caption captions sentence sentences word words character "
    "characters string strings prompt prompts markdown prose transcript transcripts "
    "txt plaintext",
    "image": "image images picture pictures photo photos photograph photographs screenshot "
    "screenshots illustration illustrations artwork drawing drawings visual visuals png "
    "jpeg jpg scan scans scanned logo logos icon icons graphics",
    "audio": "audio speech voice voices sound sounds music song songs spoken recording "
    "recordings podcast podcasts wav mp3",
    "video": "video videos footage movie movies animation animations",
    "code": "code codebase program programs script scripts snippet snippets",
    "document": "document documents pdf pdfs invoice invoices receipt receipts contract "
    "contracts page pages",
    "data": "json table tables csv spreadsheet spreadsheets structured",
    "3d": "3d mesh meshes",
}
LANGUAGES: tuple[str, ...] = tuple(
    """afrikaans arabic bengali bulgarian catalan chinese croatian czech danish dutch
    english estonian finnish french german greek gujarati hebrew hindi hungarian
    indonesian italian japanese kannada korean latvian lithuanian malay malayalam marathi
    norwegian persian polish portuguese punjabi romanian russian serbian slovak slovenian
    spanish swahili swedish tagalog tamil telugu thai turkish ukrainian urdu vietnamese
    cantonese mandarin""".split()
)
"""Language names recognised in a need (lower case)."""

STEM_MODALITY: dict[str, str] = {  # stem -> modality; read-only
    stem(word): modality
    for modality, words in _MODALITY_WORDS.items()
    for word in words.split()
}
# A language names text in a direction phrase: "translate speech to English".
STEM_MODALITY.update({stem(lang): "text" for lang in LANGUAGES})


def modality_of(word: str) -> str | None:
    """The modality a single word names ("screenshots" -> "image"), or None."""
    return STEM_MODALITY.get(stem(word))


def modalities_of_terms(stems: Iterable[str]) -> frozenset[str]:
    """Modalities named by already stemmed terms (as :func:`terms` returns them)."""
    return frozenset(m for t in stems if (m := STEM_MODALITY.get(t)) is not None)


def normalise_modality(value: str) -> str | None:
    """Map a declared input or output type ("Images", "pdf", "speech") to a modality."""
    v = value.strip().lower()
    if v in MODALITIES:
        return v
    found = [m for w in WORD.findall(v) if (m := modality_of(w)) is not None]
    return found[0] if found else None
