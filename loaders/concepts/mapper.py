"""The mapper from capability descriptions to taxonomy concepts (lexical, or with
sentence embeddings on top)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from matchgraph.errors import ConfigError
from matchgraph.loaders.models import ConceptMatch
from matchgraph.loaders.concepts.scheme import BACKENDS, Concept, ConceptScheme
from matchgraph.loaders.concepts.lexical import _LexicalIndex, _build_index
from matchgraph.loaders.concepts.scoring import CapabilityText, EvidenceSource, _score


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
