"""One text analyser for load time and query time: words and stems, modalities, direction."""

from matchgraph.loaders.text.direction import Direction, capability_direction, infer_direction
from matchgraph.loaders.text.modalities import (
    LANGUAGES,
    MODALITIES,
    modalities_of_terms,
    modality_of,
    normalise_modality,
)
from matchgraph.loaders.text.words import STOPWORDS, stem, terms

__all__ = [
    "LANGUAGES",
    "MODALITIES",
    "STOPWORDS",
    "Direction",
    "capability_direction",
    "infer_direction",
    "modalities_of_terms",
    "modality_of",
    "normalise_modality",
    "stem",
    "terms",
]
