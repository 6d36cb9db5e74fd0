"""Write named graphs into Neo4j, replacing exactly what each graph said before.

:func:`write_graphs` is the one write path (``neo4j push``, ``load`` into the Neo4j store,
``remove``, resolution refreshes): given graph parts from :func:`graph_part`, it reads the
stored nodes and edges those graphs touch, unites each node's per-graph parts the way RDF
does (:func:`combine`/:func:`split`), and writes only what differs, in batched
``UNWIND $rows`` statements. It runs inside one transaction function, so a batch of graphs
is all-or-nothing, and it is idempotent (it recomputes from what is stored), because the
driver may run the function again after a transient error. Writing the same parts again
changes nothing, which is what makes a second push report zero changes.

After each write the artifact roles are refreshed (:func:`artifact_roles`): which artifact
node is the ``:Artifact`` of a real artifact, which is only mentioned, which was merged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from matchgraph.graph.neo4j.lpg_mapping import GraphPart, NodePart, RelKey, combine, split
from matchgraph.graph.neo4j.lpg_schema import ARTIFACT_ROLES
from matchgraph.queries.library import cypher as c

__all__ = ["BATCH", "SyncCounts", "artifact_roles", "run", "write_graphs"]

BATCH = 5000
"""Rows per UNWIND statement: large enough to amortise a round trip, small for the heap."""


@dataclass
class SyncCounts:
    """What a write changed: graphs, plus Neo4j's own counters summed over its statements."""

    graphs_written: int = 0
    graphs_removed: int = 0
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    labels_removed: int = 0

    @property
    def changes(self) -> int:
        """Neo4j's counters summed: zero means the database was not touched."""
        return sum(v for k, v in asdict(self).items() if not k.startswith("graphs_"))

    def __iadd__(self, other: SyncCounts) -> SyncCounts:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)
        return self

    def count(self, counters: Any) -> None:
        for key in ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
                    "properties_set", "labels_added", "labels_removed"):
            setattr(self, key, getattr(self, key) + getattr(counters, key))


def run(tx: Any, query: c.CypherQuery, counts: SyncCounts | None = None, **params: object) -> list[dict[str, Any]]:
    """Run one named query in ``tx``; its counters go into ``counts``."""
    result = tx.run(query.text, {**query.fixed, **params})
    rows = result.data()
    summary = result.consume()
    if counts is not None:
        counts.count(summary.counters)
    return rows


def _batches(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _runs(tx: Any, query: c.CypherQuery, counts: SyncCounts, key: str, items: Sequence[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for chunk in _batches(items):
        out += run(tx, query, counts, **{key: list(chunk)})
    return out


def write_graphs(tx: Any, parts: Mapping[str, GraphPart | None], hashes: Mapping[str, str]) -> SyncCounts:
    """Replace the stored facts of each graph in ``parts`` (None removes the graph).

    ``hashes`` are recorded on the graphs' ``:NamedGraph`` nodes so a later push can skip
    graphs whose content did not change. Runs in the caller's transaction.
    """
    counts = SyncCounts()
    replaced = set(parts)
    known = {r["iri"] for r in run(tx, c.KNOWN_GRAPHS, iris=sorted(replaced))}
    new_uris = {uri for p in parts.values() if p for uri in p.nodes}
    current: dict[str, tuple[list[str], dict[str, Any]]] = {}
    for row in _runs(tx, c.NODES_BY_URI, counts, "uris", sorted(new_uris)):
        current[row["uri"]] = (row["labels"], row["props"])
    if known:
        for row in run(tx, c.NODES_IN_GRAPHS, graphs=sorted(known)):
            current[row["uri"]] = (row["labels"], row["props"])
    creates, updates, deletes = _plan_nodes(parts, replaced, new_uris, current)
    old_rels = _stored_rels(tx, parts, known, current)
    rel_creates, rel_updates, rel_deletes = _plan_rels(parts, replaced, old_rels, set(deletes))
    _runs(tx, c.DELETE_RELS, counts, "rows", rel_deletes)
    _runs(tx, c.DELETE_NODES, counts, "uris", deletes)
    _runs(tx, c.CREATE_NODES, counts, "rows", creates)
    _runs(tx, c.UPDATE_NODES, counts, "rows", updates)
    _runs(tx, c.CREATE_RELS, counts, "rows", rel_creates)
    _runs(tx, c.UPDATE_RELS, counts, "rows", rel_updates)
    written = [{"iri": g, "hash": hashes.get(g, ""), "triples": p.triples} for g, p in parts.items() if p is not None]
    removed = [g for g, p in parts.items() if p is None and g in known]
    run(tx, c.SET_GRAPHS, None, rows=written)
    run(tx, c.DROP_GRAPHS, None, iris=removed)
    counts.graphs_written, counts.graphs_removed = len(written), len(removed)
    if creates or updates or deletes:
        refresh_roles(tx, counts)
    return counts


def _plan_nodes(
    parts: Mapping[str, GraphPart | None],
    replaced: set[str],
    new_uris: set[str],
    current: Mapping[str, tuple[list[str], dict[str, Any]]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    creates: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    deletes: list[str] = []
    for uri in sorted(new_uris | set(current)):
        old = current.get(uri)
        held: dict[str, NodePart] = split(*old) if old else {}
        for graph in replaced.intersection(held):
            del held[graph]
        for graph, part in parts.items():
            if part is not None and uri in part.nodes:
                held[graph] = part.nodes[uri]
        if not held:
            if old is not None:
                deletes.append(uri)
            continue
        labels, props = combine(held)
        props["uri"] = uri
        if old is None:
            creates.append({"props": props, "labels": labels})
            continue
        role = next((label for label in old[0] if label in ARTIFACT_ROLES), None)
        if role is not None and "Artifact" in labels:
            labels = sorted({*labels} - {"Artifact"} | {role})  # keep the role; refresh_roles decides
        if set(labels) != set(old[0]) or props != old[1]:
            updates.append({"props": props, "labels": labels, "drop": [x for x in old[0] if x not in labels]})
    return creates, updates, deletes


def _stored_rels(
    tx: Any,
    parts: Mapping[str, GraphPart | None],
    known: set[str],
    current: Mapping[str, tuple[list[str], dict[str, Any]]],
) -> dict[RelKey, dict[str, Any]]:
    """Stored edges the write may change: those of the replaced graphs, and new edges'
    twins that other graphs already hold (only possible when both ends existed)."""
    found: dict[RelKey, dict[str, Any]] = {}

    def keep(rows: list[dict[str, Any]]) -> None:
        for r in rows:
            found[(r["s"], r["t"], r["o"], str(r["props"].get("via", "")))] = r["props"]

    if known:
        starts = sorted(u for u, (_, p) in current.items() if set(p.get("graphs") or ()) & known)
        for chunk in _batches(starts):
            keep(run(tx, c.RELS_IN_GRAPHS, uris=list(chunk), graphs=sorted(known)))
    maybe = sorted(
        {k for p in parts.values() if p for k in p.rels if k[0] in current and k[2] in current and k not in found}
    )
    rows = [{"s": s, "t": t, "o": o, "v": v} for s, t, o, v in maybe]
    for chunk in _batches(rows):
        keep(run(tx, c.RELS_BY_KEY, rows=list(chunk)))
    return found


def _plan_rels(
    parts: Mapping[str, GraphPart | None],
    replaced: set[str],
    old_rels: Mapping[RelKey, dict[str, Any]],
    deleted_nodes: set[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    creates: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    deletes: list[dict[str, Any]] = []
    wanted: dict[RelKey, tuple[set[str], dict[str, Any]]] = {}
    for key, old in old_rels.items():
        wanted[key] = ({str(g) for g in old.get("graphs") or ()} - replaced, {k: v for k, v in old.items() if k != "graphs"})
    for graph, part in parts.items():
        for key, props in (part.rels.items() if part is not None else ()):
            graphs, _ = wanted.get(key, (set(), {}))
            wanted[key] = (graphs | {graph}, dict(props))
    for key, (graphs, props) in sorted(wanted.items()):
        s, t, o, v = key
        row = {"s": s, "t": t, "o": o, "v": v}
        stored = old_rels.get(key)
        if not graphs:
            if stored is not None and s not in deleted_nodes and o not in deleted_nodes:
                deletes.append(row)
            continue
        props = {**props, "graphs": sorted(graphs)}
        if stored is None:
            creates.append({**row, "props": props})
        elif props != stored:
            updates.append({**row, "props": props})
    return creates, updates, deletes


def artifact_roles(nodes: Sequence[tuple[str, str, bool]], canonical: Mapping[str, str]) -> dict[str, str]:
    """The role label of each artifact node, from (uri, slug, documented) rows.

    The same rule as :func:`matchgraph.graph.base.count_artifacts`: merged slugs form one
    artifact, documented when any of its names is; so ``MATCH (a:Artifact)`` counts what
    ``StoreStats.artifacts`` counts.

    >>> roles = artifact_roles([("u:a", "a", True), ("u:b", "b", False), ("u:c", "c", False)], {"b": "c"})
    >>> [roles[u] for u in ("u:a", "u:b", "u:c")]
    ['Artifact', 'MergedArtifact', 'MentionedArtifact']
    """
    documented: dict[str, bool] = {}
    for _, slug, is_documented in nodes:
        key = canonical.get(slug, slug)
        documented[key] = documented.get(key, False) or is_documented
    return {
        uri: "MergedArtifact" if canonical.get(slug, slug) != slug
        else ("Artifact" if documented[slug] else "MentionedArtifact")
        for uri, slug, _ in nodes
    }


class _TxSelect:
    """``select`` over one transaction, so resolution's canonical map is reused as it is."""

    def __init__(self, tx: Any) -> None:
        self.tx = tx

    def select(self, query: Any, **params: object) -> list[dict[str, object]]:
        return run(self.tx, c.twin(query.name), None, **params)


def refresh_roles(tx: Any, counts: SyncCounts) -> None:
    """Give each artifact node its role label (see :data:`ARTIFACT_ROLES`)."""
    from matchgraph.graph.resolution_graph import canonical_map

    rows = run(tx, c.ROLE_ROWS)
    nodes = [(r["uri"], str(r["slug"]), bool(r["documented"])) for r in rows if r["slug"] is not None]
    roles = artifact_roles(nodes, canonical_map(_TxSelect(tx)))
    changes = []
    for r in rows:
        role = roles.get(r["uri"], "MentionedArtifact")
        present = [x for x in r["labels"] if x in ARTIFACT_ROLES]
        if present != [role]:
            changes.append({"uri": r["uri"], "role": role, "drop": [x for x in present if x != role]})
    _runs(tx, c.SET_ROLES, counts, "rows", changes)
