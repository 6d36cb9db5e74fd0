"""The Neo4j store: the same facts as the embedded store, as a readable property graph.

Every named graph of the embedded store (each document, the taxonomy and ontology, the
resolution and curation graphs) is mapped by the one generic, table-driven mapping of
:mod:`matchgraph.graph.neo4j.lpg_mapping` and written by :func:`~matchgraph.graph.neo4j.sync.write_graphs`.
Nodes keep their IRI in ``uri`` (unique) and list the graphs that mention them in
``graphs``; edges list the graphs that assert them, so removing a document removes exactly
its facts and leaves shared artifacts and concepts to the documents that still hold them.

Reads answer the same named queries as the embedded store: :meth:`Neo4jStore.select` takes
a :class:`~matchgraph.queries.library.sparql.SparqlQuery` and runs its Cypher twin from
:mod:`matchgraph.queries.library.cypher`, so the artifact view, snapshot, claims and resolution code
run unchanged on either store (the parity suite proves the answers are the same).

Transaction semantics: a ``load`` batch is validated with the same SHACL validator as the
embedded store first; the valid documents are written in one transaction (all-or-nothing),
and loading the same content again changes nothing. The driver may retry a write after a
transient error; writes recompute from what is stored, so a retry is harmless. Reads are
auto-commit queries without driver retries (an unreachable server fails in seconds, not 30 s).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from matchgraph.errors import ConfigError, MatchgraphError, QueryError, StoreError, ValidationError
from matchgraph.graph.base import BatchLoad, DocumentInfo, LoadResult, Progress, Stage, StoreStats, count_artifacts
from matchgraph.graph.neo4j.lpg_mapping import GraphPart, graph_part, part_triples, split
from matchgraph.graph.neo4j.lpg_schema import ARTIFACT_ROLES, LABEL_CLASS, RESOURCE
from matchgraph.graph.neo4j.server import Neo4jSettings
from matchgraph.graph.neo4j.sync import SyncCounts, write_graphs
from matchgraph.graph.prepared import PreparedDocument, prepare_batch
from matchgraph.graph.resolution_graph import canonical_map, curate, nodes_from_rows, refresh_resolution
from matchgraph.graph.shacl.validation import Validator, get_validator
from matchgraph.graph.store_housekeeping import vocabulary_graphs
from matchgraph.loaders.models import DocumentFacts
from matchgraph.loaders.resolution import ArtifactNode, Resolution
from matchgraph.ontology.vocab import ID, document_iri
from matchgraph.queries.library import cypher as c
from matchgraph.queries.library import sparql as q
from matchgraph.queries.snapshot import GraphSnapshot
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, Triple, parse

__all__ = ["Neo4jStore", "canonical", "graph_hash"]

T = TypeVar("T")


def graph_hash(triples: Iterable[Triple]) -> str:
    """A fingerprint of a graph's content (order-free), stored to skip unchanged graphs."""
    digest = hashlib.sha256()
    for line in sorted(str(t) for t in triples):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def canonical(triples: Iterable[Triple]) -> list[Triple]:
    """Triples with literals in pyoxigraph's canonical forms (``"0.0"`` -> ``"0"``, ``+00:00``
    -> ``Z``), so Neo4j holds exactly what the embedded store would hold for the same facts."""
    store = Store()
    graph = NamedNode(ID + "canonical")
    store.extend([Quad(t.subject, t.predicate, t.object, graph) for t in triples])
    return [Triple(x.subject, x.predicate, x.object) for x in store]


class Neo4jStore:
    """Neo4j-backed :class:`~matchgraph.graph.base.GraphStore` (see the module docstring)."""

    name = "neo4j"

    def __init__(
        self,
        settings: Neo4jSettings | None = None,
        *,
        database: str | None = None,
        validator: Validator | str = "compiled",
        query_timeout: float | None = None,
    ) -> None:
        """Connect lazily: nothing is sent until the first query.

        ``query_timeout`` bounds every read (a server-side transaction timeout, default
        ``MATCHGRAPH_QUERY_TIMEOUT`` or 30 s), as the SPARQL sandbox bounds SPARQL.

        Raises:
            ConfigError: the driver is not installed, or no password is configured (see
                ``matchgraph neo4j start``).
        """
        try:
            from neo4j import GraphDatabase
        except ImportError as e:
            raise ConfigError("--backend neo4j needs the Neo4j driver: pip install 'matchgraph[neo4j]'") from e

        self.settings = settings or Neo4jSettings.load(create=False)
        self.database = database or os.environ.get("MATCHGRAPH_NEO4J_DATABASE") or None
        self._driver = GraphDatabase.driver(
            self.settings.uri, auth=(self.settings.user, self.settings.password),
            connection_timeout=5, max_transaction_retry_time=5, notifications_min_severity="OFF",
        )
        self._validator = validator
        self._ready = False
        self.query_timeout = query_timeout if query_timeout is not None else float(
            os.environ.get("MATCHGRAPH_QUERY_TIMEOUT") or 30.0
        )

    # -- the backend boundary ------------------------------------------------------

    def _call(self, what: str, action: Callable[[Any], T]) -> T:
        """Run ``action(session)``, translating driver errors into matchgraph errors."""
        from neo4j.exceptions import (
            AuthError,
            CypherSyntaxError,
            DriverError,
            Neo4jError,
            ServiceUnavailable,
            SessionExpired,
        )

        try:
            with self._driver.session(database=self.database) as session:
                return action(session)
        except AuthError as e:
            raise ConfigError(f"Neo4j at {self.settings.uri} refused the login; check MATCHGRAPH_NEO4J_PASSWORD") from e
        except (ServiceUnavailable, SessionExpired) as e:
            raise StoreError(f"Neo4j at {self.settings.uri} is unreachable ({what}); "
                             "start it with `matchgraph neo4j start`", retryable=True) from e
        except CypherSyntaxError as e:
            raise QueryError(f"{what}: {e.message}") from e
        except Neo4jError as e:
            if "TransactionTimedOut" in (e.code or "") or "Terminated" in (e.code or ""):
                raise QueryError(f"{what} stopped after {self.query_timeout:g} s (MATCHGRAPH_QUERY_TIMEOUT)") from e
            raise StoreError(f"{what}: {e.code}: {e.message}", retryable=e.is_retryable()) from e
        except DriverError as e:
            raise StoreError(f"{what}: {type(e).__name__}: {e}", retryable=True) from e

    def read(self, query: c.CypherQuery, **params: object) -> list[dict[str, Any]]:
        """Run a named read query (auto-commit, no driver retries)."""
        if set(params) != set(query.params):
            raise QueryError(f"{query.name} takes {query.params}, got {tuple(params)}")
        from neo4j import Query

        bounded = Query(query.text, timeout=self.query_timeout or None)
        return self._call(query.name, lambda s: s.run(bounded, {**query.fixed, **params}).data())

    def write(self, parts: dict[str, GraphPart | None], hashes: dict[str, str]) -> SyncCounts:
        """Replace the given graphs in one transaction (see :func:`write_graphs`)."""
        self.ensure_schema()
        return self._write(parts, hashes)

    def _write(self, parts: dict[str, GraphPart | None], hashes: dict[str, str]) -> SyncCounts:
        return self._call("write", lambda s: s.execute_write(write_graphs, parts, hashes))

    def ensure_schema(self) -> None:
        """Constraints and indexes first, then the vocabulary graphs (both idempotent)."""
        if self._ready:
            return
        for statement in c.SCHEMA:
            self._call("schema", lambda s, text=statement: s.run(text).consume())  # type: ignore[misc]
        stored = self.graph_hashes()
        vocab = {g: [Triple(x.subject, x.predicate, x.object) for x in quads]
                 for g, (_, quads) in vocabulary_graphs().items()}
        hashes = {g: graph_hash(t) for g, t in vocab.items()}
        stale = {g: graph_part(t) for g, t in vocab.items() if stored.get(g) != hashes[g]}
        if stale:
            self._write(stale, hashes)  # type: ignore[arg-type]
        self._ready = True

    def graph_hashes(self) -> dict[str, str]:
        return {iri: digest for iri, (digest, _) in self.graph_sizes().items()}

    def graph_sizes(self) -> dict[str, tuple[str, int]]:
        """Each stored graph's fingerprint and number of statements."""
        return {str(r["iri"]): (str(r["hash"]), int(r["triples"] or 0)) for r in self.read(c.GRAPH_HASHES)}

    # -- the named queries ---------------------------------------------------------

    def select(self, query: q.SparqlQuery, **params: str | NamedNode | Literal) -> list[dict[str, object]]:
        """Answer a named SPARQL query with its Cypher twin; rows look the same as the
        embedded store's (GROUP_CONCAT columns joined, classes as IRIs)."""
        if set(params) != set(query.params):
            raise QueryError(f"{query.name} takes {query.params}, got {tuple(params)}")
        cypher = c.twin(query.name)
        values = {k: (v.value if isinstance(v, (NamedNode, Literal)) else v) for k, v in params.items()}
        rows = self.read(cypher, **values)
        for row in rows:
            for column, sep in cypher.joins.items():
                row[column] = sep.join(str(x) for x in row[column] or ())
            for column in cypher.classes:
                row[column] = " ".join(
                    LABEL_CLASS[x] for x in row[column] if x in LABEL_CLASS and x not in (RESOURCE, *ARTIFACT_ROLES)
                )
        return rows

    def iter_select(self, query: q.SparqlQuery, **params: str | NamedNode | Literal) -> Iterator[dict[str, object]]:
        """:meth:`select`'s rows, one at a time (read in full first: the driver's result
        must be consumed inside its session)."""
        return iter(self.select(query, **params))

    def canonical_map(self) -> dict[str, str]:
        return canonical_map(self)

    # -- the store contract --------------------------------------------------------

    def validator(self) -> Validator:
        if isinstance(self._validator, str):
            self._validator = get_validator(self._validator)
        return self._validator

    def _stored_hash(self, key: str) -> str | None:
        rows = self.read(c.DOCUMENT_HASH, doc=document_iri(key))
        return None if not rows or rows[0]["hash"] is None else str(rows[0]["hash"])

    def load(self, documents: Sequence[DocumentFacts], *, progress: Progress | None = None) -> LoadResult:
        """Validate, then write the valid documents in one transaction; unchanged ones are skipped."""
        return self.load_prepared(prepare_batch(documents), progress=progress)

    def load_prepared(self, documents: Sequence[PreparedDocument], *, progress: Progress | None = None,
                      resolve: bool = True) -> LoadResult:
        """:meth:`load` for documents already serialised (by the parallel pipeline).

        ``resolve=False`` leaves entity resolution to one :meth:`refresh_resolution` call at
        the end of a multi-batch load, instead of re-resolving the whole store per batch.
        """
        result = LoadResult()
        pending: dict[str, list[Triple]] = {}
        fresh: set[str] = set()
        for doc in documents:
            stored = self._stored_hash(doc.key)
            if stored == doc.content_hash:
                result.unchanged.append(doc.key)
                continue
            pending[doc.key] = canonical(list(parse(doc.ntriples, format=RdfFormat.N_TRIPLES)))
            if stored is None:
                fresh.add(doc.key)
        found = self.validator().validate(pending) if pending else {}
        for key, violations in found.items():
            result.failed[key] = ValidationError(key, violations)
            del pending[key]
        parts: dict[str, GraphPart | None] = {}
        for key, triples in list(pending.items()):
            try:
                parts[document_iri(key)] = graph_part(triples)
            except MatchgraphError as e:
                result.failed[key] = e
                del pending[key]
        if parts:
            self.write(parts, {document_iri(k): graph_hash(t) for k, t in pending.items()})
            for key, triples in pending.items():
                (result.loaded if key in fresh else result.replaced).append(key)
                result.quads_added += len(triples)
            if resolve:
                refresh_resolution(self)
        if progress is not None:
            progress(len(documents))
        return result

    def loading(self, stage: Stage | None = None) -> BatchLoad:
        """Each batch is written in its own transaction when it is given (closing is
        instant, so ``stage`` is never called)."""
        return BatchLoad(self)

    def refresh_resolution(self) -> None:
        """Recompute entity resolution over the whole store (after a deferred load)."""
        refresh_resolution(self)

    def replace_graph(self, graph: str, triples: list[Triple]) -> None:
        """Swap one named graph's content (resolution and curation use it); empty drops it."""
        triples = canonical(triples)
        self.write({graph: graph_part(triples) if triples else None}, {graph: graph_hash(triples)})

    def add_facts(self, graph: str, triples: list[Triple]) -> None:
        """Append facts to a matchgraph-owned graph (feedback events): the graph is rewritten
        with the old and new facts in one transaction."""
        self.replace_graph(graph, self.graph_triples(graph) + list(triples))

    def remove(self, key: str) -> bool:
        """Drop one document's facts (one transaction); False if it was not stored."""
        if self._stored_hash(key) is None:
            return False
        self.write({document_iri(key): None}, {})
        refresh_resolution(self)
        return True

    def curate(self, kind: str, first: str, second: str) -> Resolution:
        """Record a merge or separation decision and re-resolve (as the embedded store does)."""
        return curate(self, kind, first, second)

    def document_hashes(self) -> list[tuple[str, str]]:
        """(key, content hash) of every stored document, by key."""
        return sorted((d.key, d.content_hash) for d in self.documents())

    def artifact_nodes(self) -> list[ArtifactNode]:
        """Every artifact node, for entity resolution (one Cypher query: Neo4j keeps one
        node per artifact, so there is nothing to group per document)."""
        return nodes_from_rows(self.select(q.ARTIFACT_NODES))

    def documents(self) -> list[DocumentInfo]:
        return [
            DocumentInfo(
                key=str(row["key"]), iri=str(row["doc"]), content_hash=str(row["hash"]),
                format=str(row["format"]), complete=bool(row["complete"]), loaded_at=str(row["loaded"]),
                title=None if row.get("title") is None else str(row["title"]),
                missing=tuple(m for m in str(row.get("missings") or "").split("\x1f") if m),
            )
            for row in self.select(q.DOCUMENTS)
        ]

    def stats(self) -> StoreStats:
        """The embedded store's figures, counted the same way (``count_artifacts``);
        ``quads`` is the number of RDF statements the stored graphs hold."""
        row = self.select(q.STATS)[0]
        slugs = [(str(r["slug"]), bool(r["documented"])) for r in self.select(q.ARTIFACT_SLUGS)]
        documented, mentioned = count_artifacts(slugs, self.canonical_map())
        quads = sum(int(r["triples"] or 0) for r in self.read(c.GRAPH_HASHES))
        counts = {k: int(v) for k, v in row.items()}  # type: ignore[call-overload]
        return StoreStats(artifacts=documented, mentioned_artifacts=mentioned, quads=quads, **counts)

    def snapshot(self, *, cache: Path | None = None) -> GraphSnapshot:
        """Everything the match engine needs (``cache`` is unused: Neo4j answers each
        query over the whole graph, and keeps nothing per document beside the server)."""
        from matchgraph.queries.snapshot_sparql import build_snapshot

        return build_snapshot(self)

    def graph_triples(self, graph: str) -> list[Triple]:
        """One named graph read back as RDF (the inverse mapping), for round trips."""
        part = GraphPart()
        for row in self.read(c.GRAPH_NODES, graph=graph):
            node = split(row["labels"], row["props"]).get(graph)
            if node is not None:
                part.nodes[str(row["uri"])] = node
        for row in self.read(c.GRAPH_RELS, graph=graph):
            part.rels[(row["s"], row["t"], row["o"], str(row["props"].get("via", "")))] = {}
        return part_triples(part)

    def wipe(self) -> None:
        """Delete everything matchgraph wrote to this database (tests and benchmarks)."""
        self._call("wipe", lambda s: s.run(c.WIPE.text).consume())
        self._ready = False

    def close(self) -> None:
        self._driver.close()
