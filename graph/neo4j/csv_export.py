"""``matchgraph export --format neo4j-csv``: node and edge CSV files for ``neo4j-admin
database import full``, the fast path for graphs too big to push through transactions.

The files hold exactly what ``neo4j push`` writes (same mapping, same merge of graphs, same
artifact roles, the ``:NamedGraph`` fingerprints included), so a push after an import finds
nothing to do. Each file has its own typed header (``name:long``, ``graphs:string[]``...);
nodes are grouped by label set and property types so every column keeps one type. Arrays
are separated by U+001F, which no text in the graph contains; ``IMPORT_COMMAND`` shows the
matching ``neo4j-admin`` options.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matchgraph.graph.neo4j.lpg_mapping import GraphPart, NodePart, RelKey, combine, graph_part
from matchgraph.graph.neo4j.lpg_schema import ARTIFACT_ROLES
from matchgraph.graph.neo4j.sync import artifact_roles
from pyoxigraph import Triple

__all__ = ["ARRAY_DELIMITER", "IMPORT_COMMAND", "export_store", "merged_state", "write_csv"]

ARRAY_DELIMITER = "\x1f"
IMPORT_COMMAND = (
    "neo4j-admin database import full neo4j --overwrite-destination --multiline-fields=true "
    "--array-delimiter=$'\\x1f' --nodes=<dir>/nodes-*.csv --relationships=<dir>/relationships-*.csv"
)

Node = tuple[list[str], dict[str, Any]]


def merged_state(
    graphs: Mapping[str, list[Triple]], canonical: Mapping[str, str]
) -> tuple[dict[str, Node], dict[RelKey, dict[str, Any]]]:
    """The property graph a push of ``graphs`` produces: nodes (labels, properties) by IRI
    and edges by key, artifact roles applied."""
    parts: dict[str, GraphPart] = {g: graph_part(t) for g, t in graphs.items()}
    held: dict[str, dict[str, NodePart]] = defaultdict(dict)
    rels: dict[RelKey, dict[str, Any]] = {}
    for g, part in sorted(parts.items()):
        for uri, node in part.nodes.items():
            held[uri][g] = node
        for key, props in part.rels.items():
            rels.setdefault(key, {**props, "graphs": []})["graphs"].append(g)
    nodes: dict[str, Node] = {}
    for uri, by_graph in held.items():
        labels, props = combine(by_graph)
        nodes[uri] = (labels, {**props, "uri": uri})
    documented = {key[2] for key in rels if key[1] == "COMPARES"}
    artifacts = [(u, str(p.get("slug")), u in documented) for u, (labels, p) in nodes.items()
                 if "Artifact" in labels and p.get("slug") is not None]
    roles = {u: "MentionedArtifact" for u, (labels, _) in nodes.items() if "Artifact" in labels}
    roles.update(artifact_roles(artifacts, canonical))
    for uri, role in roles.items():
        labels = [x for x in nodes[uri][0] if x not in ARTIFACT_ROLES] + [role]
        nodes[uri] = (sorted(labels), nodes[uri][1])
    return nodes, rels


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return _kind(value[0]) + "[]"
    if isinstance(value, bool):
        return "boolean"
    return {"int": "long", "float": "double"}.get(type(value).__name__, "string")


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _group(rows: list[tuple[tuple[str, ...], dict[str, Any]]]) -> list[tuple[tuple[str, ...], dict[str, str], list[dict[str, Any]]]]:
    """Split rows into files whose columns each keep one type (greedy, first fit)."""
    groups: dict[tuple[str, ...], list[tuple[dict[str, str], list[dict[str, Any]]]]] = defaultdict(list)
    for key, props in rows:
        kinds = {k: _kind(v) for k, v in props.items()}
        for types, members in groups[key]:
            if all(types.get(k, t) == t for k, t in kinds.items()):
                types.update(kinds)
                members.append(props)
                break
        else:
            groups[key].append((dict(kinds), [props]))
    return [(key, types, members) for key, found in sorted(groups.items()) for types, members in found]


def _column(name: str, kind: str) -> str:
    return name if kind == "string" else f"{name}:{kind}"


def write_csv(graphs: Mapping[str, list[Triple]], canonical: Mapping[str, str], folder: Path,
              hashes: Mapping[str, str]) -> list[Path]:
    """Write nodes-N.csv and relationships-N.csv (plus graphs.csv, the fingerprints) into
    ``folder``; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes, rels = merged_state(graphs, canonical)
    written: list[Path] = []
    node_rows = [(tuple(labels), {k: v for k, v in props.items() if k != "uri"} | {"uri": props["uri"]})
                 for labels, props in nodes.values()]
    for i, (labels, types, members) in enumerate(_group(node_rows)):
        columns = [k for k in sorted(types) if k != "uri"]
        path = folder / f"nodes-{i:03d}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            w = csv.writer(out)
            w.writerow(["uri:ID", ":LABEL", *(_column(k, types[k]) for k in columns)])
            for props in members:
                w.writerow([props["uri"], ARRAY_DELIMITER.join(labels),
                            *(_cell(props[k]) if k in props else None for k in columns)])
        written.append(path)
    rel_rows: list[tuple[tuple[str, ...], dict[str, Any]]] = [
        ((t,), {**props, "_s": s, "_o": o}) for (s, t, o, _), props in rels.items()
    ]
    for i, ((rtype,), types, members) in enumerate(_group(rel_rows)):
        columns = [k for k in sorted(types) if k not in ("_s", "_o")]
        path = folder / f"relationships-{i:03d}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            w = csv.writer(out)
            w.writerow([":START_ID", ":END_ID", ":TYPE", *(_column(k, types[k]) for k in columns)])
            for props in members:
                w.writerow([props["_s"], props["_o"], rtype, *(_cell(props[k]) if k in props else None for k in columns)])
        written.append(path)
    path = folder / "nodes-graphs.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["iri:ID(graph)", ":LABEL", "hash", "triples:long"])
        for g, triples in sorted(graphs.items()):
            w.writerow([g, "NamedGraph", hashes[g], len(triples)])
    written.append(path)
    return written


def export_store(store: Any, folder: Path) -> list[Path]:
    """Write the embedded store's graphs as neo4j-admin CSV files (what the CLI calls)."""
    from matchgraph.graph.neo4j.push import source_graphs
    from matchgraph.graph.neo4j.store import graph_hash

    graphs = source_graphs(store)
    return write_csv(graphs, store.canonical_map(), folder, {g: graph_hash(t) for g, t in graphs.items()})
