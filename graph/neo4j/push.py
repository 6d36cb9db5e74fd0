"""``matchgraph neo4j push``: bring Neo4j in line with the embedded store, graph by graph.

Each named graph of the embedded store is fingerprinted (:func:`graph_hash`); Neo4j keeps the
fingerprint of what it holds on a ``:NamedGraph`` node. A push maps and writes only graphs
whose fingerprint differs and removes graphs the embedded store no longer has, so a second
push finds nothing to do and reports zero changes. Graphs are written in transactions of
about ``max_triples`` statements; a graph is never split across transactions.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.neo4j.lpg_mapping import GraphPart, graph_part
from matchgraph.graph.neo4j.store import Neo4jStore, graph_hash
from matchgraph.graph.neo4j.sync import SyncCounts
from pyoxigraph import RdfFormat, Triple, parse

__all__ = ["PushReport", "push", "source_graphs"]

_STAGING = "https://w3id.org/matchgraph/id/staging/"


@dataclass
class PushReport:
    """What a push did; ``counts.changes`` is zero when Neo4j already matched."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    nodes: int = 0
    """Nodes in the graphs written (each graph's own count; shared nodes once per graph)."""
    counts: SyncCounts = field(default_factory=SyncCounts)
    seconds: float = 0.0


def source_graphs(store: OxigraphStore) -> dict[str, list[Triple]]:
    """Every named graph of the embedded store with its triples (staging graphs left out)."""
    graphs: dict[str, list[Triple]] = defaultdict(list)
    data = store.export(None, RdfFormat.N_QUADS) or b""
    for quad in parse(data, format=RdfFormat.N_QUADS):
        name = getattr(quad.graph_name, "value", None)
        if name is None or name.startswith(_STAGING):
            continue
        graphs[name].append(Triple(quad.subject, quad.predicate, quad.object))
    return dict(graphs)


def push(
    source: OxigraphStore,
    target: Neo4jStore,
    *,
    graphs: Collection[str] | None = None,
    max_triples: int = 100_000,
    progress: Callable[[int], None] | None = None,
) -> PushReport:
    """Write what changed in ``source`` into ``target``.

    ``graphs`` limits the push to those graph IRIs (``load --neo4j`` pushes what it
    loaded); by default every graph is compared and graphs absent from ``source`` are
    removed from ``target``. ``progress`` is called with the number of graphs just done.

    Raises:
        StoreError: Neo4j failed (retryable when it was unreachable or busy).
        MappingError: a fact the mapping table cannot carry.
    """
    began = time.perf_counter()
    target.ensure_schema()
    found = source_graphs(source)
    sizes = target.graph_sizes()
    stored = {g: digest for g, (digest, _) in sizes.items()}
    scope = set(found) | set(stored) if graphs is None else set(graphs)
    hashes = {g: graph_hash(found[g]) for g in scope if g in found}
    report = PushReport()
    todo = [g for g in sorted(scope) if (g in found and stored.get(g) != hashes[g]) or (g not in found and g in stored)]
    report.unchanged = len(scope) - len(todo)
    batch: dict[str, GraphPart | None] = {}
    size = 0
    for g in todo:
        part = graph_part(found[g]) if g in found else None
        batch[g] = part
        size += part.triples if part else sizes[g][1]  # removing costs what was written
        report.nodes += len(part.nodes) if part else 0
        (report.written if part else report.removed).append(g)
        if size >= max_triples:
            report.counts += target.write(batch, hashes)
            _tick(progress, len(batch))
            batch, size = {}, 0
    if batch:
        report.counts += target.write(batch, hashes)
        _tick(progress, len(batch))
    report.seconds = time.perf_counter() - began
    return report


def _tick(progress: Callable[[int], None] | None, n: int) -> None:
    if progress is not None:
        progress(n)
