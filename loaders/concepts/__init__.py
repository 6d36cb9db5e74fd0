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

from matchgraph.loaders.concepts.scheme import BACKENDS, Concept, ConceptScheme, NAMESPACE
from matchgraph.loaders.concepts.short_names import short_name
from matchgraph.loaders.concepts.scoring import CapabilityText
from matchgraph.loaders.concepts.mapper import ConceptMapper
from matchgraph.loaders.text import MODALITIES, Direction, infer_direction

__all__ = [
    "BACKENDS",
    "MODALITIES",
    "NAMESPACE",
    "CapabilityText",
    "Concept",
    "ConceptMapper",
    "ConceptScheme",
    "Direction",
    "infer_direction",
    "short_name",
]
