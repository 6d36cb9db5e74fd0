"""The store contract every backend implements, and the typed results it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from matchgraph.errors import MatchgraphError
from matchgraph.queries.snapshot import GraphSnapshot

if TYPE_CHECKING:
    from pathlib import Path

    from pyoxigraph import Triple

    from matchgraph.graph.prepared import PreparedDocument
    from matchgraph.loaders.models import DocumentFacts
    from matchgraph.loaders.resolution import ArtifactNode, Resolution
    from matchgraph.queries.library.sparql import SparqlQuery

__all__ = [
    "BatchLoad", "DocumentInfo", "GraphStore", "LoadResult", "LoadSession", "Progress", "Stage", "StoreStats",
    "count_artifacts",
]

Progress = Callable[[int], None]
"""Called with the number of documents just processed (drives a progress bar)."""
Stage = Callable[[str], None]
"""Called with what a long step is doing now ("finishing the bulk load")."""


@dataclass(frozen=True)
class DocumentInfo:
    key: str
    iri: str
    content_hash: str
    format: str
    complete: bool
    loaded_at: str
    title: str | None = None
    missing: tuple[str, ...] = ()


@dataclass
class LoadResult:
    """What one load call did, per document key."""

    loaded: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, MatchgraphError] = field(default_factory=dict)
    quads_added: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class StoreStats:
    documents: int
    artifacts: int
    """Artifacts some document compares or describes, one per real artifact (merged names
    counted once)."""
    mentioned_artifacts: int
    """Artifacts only named in claims, not described by any loaded document."""
    capabilities: int
    claims: int
    """"Unique:" and "vs alternatives:" statements."""
    typed_claims: int
    intents: int
    concepts: int
    """Taxonomy concepts that at least one capability maps to."""
    observations: int
    quads: int


class LoadSession(Protocol):
    """What :meth:`GraphStore.loading` returns; a context manager."""

    def __enter__(self) -> LoadSession: ...

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None: ...

    def load_prepared(self, documents: Sequence[PreparedDocument], *, progress: Progress | None = None) -> LoadResult:
        ...


@dataclass
class BatchLoad:
    """A load session that writes each batch when it is given (one transaction each)."""

    store: GraphStore

    def __enter__(self) -> BatchLoad:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        return None

    def load_prepared(self, documents: Sequence[PreparedDocument], *, progress: Progress | None = None) -> LoadResult:
        return self.store.load_prepared(documents, progress=progress, resolve=False)


@runtime_checkable
class GraphStore(Protocol):
    """A place that holds documents' facts and answers the library's questions.

    Transaction semantics, for every backend: loading a document is all-or-nothing;
    loading the same content again changes nothing; loading a changed version under the
    same key replaces exactly that document's facts.
    """

    name: str

    def load(self, documents: Sequence[DocumentFacts], *, progress: Progress | None = None) -> LoadResult:
        """Validate and store documents; bad ones are reported in ``failed``, good ones kept."""
        ...

    def load_prepared(self, documents: Sequence[PreparedDocument], *, progress: Progress | None = None,
                      resolve: bool = True) -> LoadResult:
        """:meth:`load` for documents the parallel pipeline already serialised (and maybe
        validated); what ``matchgraph load`` calls. ``resolve=False`` defers entity
        resolution to :meth:`refresh_resolution`."""
        ...

    def loading(self, stage: Stage | None = None) -> LoadSession:
        """A session for a load of many batches, as ``matchgraph load`` runs: each batch's
        documents are stored once the session closes without an error (a backend may write
        them earlier). Entity resolution is left to :meth:`refresh_resolution`. ``stage``
        hears what a long close is doing, for the progress display."""
        ...

    def refresh_resolution(self) -> None:
        """Recompute entity resolution over the whole store."""
        ...

    def remove(self, key: str) -> bool:
        """Drop one document's facts; False when no such document is stored."""
        ...

    def documents(self) -> list[DocumentInfo]:
        ...

    def document_hashes(self) -> list[tuple[str, str]]:
        """(key, content hash) of every document, by key: what a snapshot's fingerprint
        reads, without the rest of :meth:`documents`."""
        ...

    def artifact_nodes(self) -> list[ArtifactNode]:
        """Every artifact node with its names, by slug: what entity resolution reads."""
        ...

    def stats(self) -> StoreStats:
        ...

    def snapshot(self, *, cache: Path | None = None) -> GraphSnapshot:
        """Everything the match engine needs, in one pass; ``cache`` is a file where a store
        may keep what the next snapshot can reuse (the embedded store: per-document rows)."""
        ...

    def select(self, query: SparqlQuery, **params: Any) -> list[dict[str, object]]:
        """Run a named query (SPARQL, or its Cypher twin) with bound parameters."""
        ...

    def iter_select(self, query: SparqlQuery, **params: Any) -> Iterator[dict[str, object]]:
        """:meth:`select`'s rows one at a time, for readers of a whole store."""
        ...

    def canonical_map(self) -> dict[str, str]:
        """slug -> canonical slug for every merged artifact."""
        ...

    def curate(self, kind: str, first: str, second: str) -> Resolution:
        """Record a person's ``merge`` or ``separate`` decision and re-resolve."""
        ...

    def replace_graph(self, graph: str, triples: list[Triple]) -> None:
        """Swap a matchgraph-owned named graph's content atomically."""
        ...

    def add_facts(self, graph: str, triples: list[Triple]) -> None:
        """Append facts to a matchgraph-owned graph (match records, feedback, runs)."""
        ...

    def close(self) -> None:
        ...


def count_artifacts(rows: list[tuple[str, bool]], canonical: dict[str, str]) -> tuple[int, int]:
    """(documented, mentioned-only) artifact counts over canonical slugs.

    ``rows`` are (slug, documented) pairs; an artifact is documented when any of its merged
    slugs is.
    """
    documented: dict[str, bool] = {}
    for slug, is_documented in rows:
        key = canonical.get(slug, slug)
        documented[key] = documented.get(key, False) or is_documented
    described = sum(1 for v in documented.values() if v)
    return described, len(documented) - described
