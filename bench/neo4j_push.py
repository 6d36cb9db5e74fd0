"""Push benchmark: a synthetic graph of at least N nodes from the embedded store into Neo4j.

matchgraph's path is ``neo4j push`` (graph parts mapped once, batched ``UNWIND $rows``
writes of 5,000 rows, about 100,000 RDF statements per transaction). The baseline, measured
in the same run against the same server, is the naive way: one auto-commit statement per
node (MERGE by uri, SET properties and labels) and one per relationship, timed on a sample
of the same nodes and scaled (stated in the output). Only the benchmark's own graphs are
written and removed again (a scoped push), so a database holding your data is left as it was.

    python bench/neo4j_push.py --nodes 100000

Needs a running server (``matchgraph neo4j start``). Last line:
``nodes_per_s=<x> speedup=<ratio>``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import make_document
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.neo4j.lpg_mapping import graph_part
from matchgraph.graph.neo4j.csv_export import merged_state
from matchgraph.graph.neo4j.push import push, source_graphs
from matchgraph.graph.neo4j.store import Neo4jStore
from matchgraph.loaders.dispatch import parse_document
from matchgraph.loaders.pipeline import prepare
from matchgraph.ontology.vocab import document_iri

NAIVE = "urn:matchgraph-bench-naive:"
NODE = "MERGE (n:Resource {uri: $uri}) SET n = $props SET n:$($labels)"
REL = "MATCH (a:Resource {uri: $s}) MATCH (b:Resource {uri: $o}) MERGE (a)-[r:$($t)]->(b) SET r = $props"
CLEAN = "MATCH (n:Resource) WHERE n.uri STARTS WITH $prefix CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"


def build_source(nodes: int, folder: Path, seed: int) -> tuple[OxigraphStore, list[str]]:
    """An embedded store holding synthetic documents with at least ``nodes`` distinct nodes
    of their own (taxonomy concepts and metrics, which exist already, are not counted).

    The documents' graphs are written with ``replace_graph`` rather than ``load``: they are
    the load benchmark's valid pages, and load's entity resolution over thousands of pages
    that all name the same few rivals would dominate the set-up time without being measured.
    """
    from matchgraph.graph.rdf_mapping import document_triples
    from matchgraph.ontology.vocab import ID

    rng = random.Random(seed)
    store = OxigraphStore(folder)
    keys: list[str] = []
    seen: set[str] = set()
    while len(seen) < nodes:
        facts = prepare(parse_document(make_document(len(keys), rng), document=f"bench/{len(keys)}.txt"))
        triples = document_triples(facts)
        seen.update(u for u in graph_part(triples).nodes if u.startswith(ID))
        store.replace_graph(document_iri(facts.source.key), triples)
        keys.append(facts.source.key)
    return store, keys


def naive(target: Neo4jStore, store: OxigraphStore, graphs: list[str]) -> tuple[int, float]:
    """One auto-commit statement per node and per relationship; (nodes, seconds)."""
    found = source_graphs(store)
    nodes, rels = merged_state({g: found[g] for g in graphs}, {})
    began = time.perf_counter()

    def write(session) -> None:  # type: ignore[no-untyped-def]
        for uri, (labels, props) in nodes.items():
            _retry(session, NODE, uri=NAIVE + uri, props={**props, "uri": NAIVE + uri}, labels=labels)
        for (s, t, o, _), props in rels.items():
            _retry(session, REL, s=NAIVE + s, o=NAIVE + o, t=t, props=props)

    target._call("naive baseline", write)
    return len(nodes), time.perf_counter() - began


def _retry(session, text: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    """One auto-commit statement, run again after a transient error (as a client would)."""
    from neo4j.exceptions import TransientError

    for attempt in range(5):
        try:
            session.run(text, params).consume()
            return
        except TransientError:
            time.sleep(0.05 * (attempt + 1))
    session.run(text, params).consume()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--baseline-documents", type=int, default=40, help="sample size of the naive baseline")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="mg-neo4j-bench-"))
    target = Neo4jStore()
    try:
        began = time.perf_counter()
        store, keys = build_source(args.nodes, tmp / "store", args.seed)
        graphs = [document_iri(k) for k in keys]
        print(f"embedded store: {len(keys):,} synthetic documents in {time.perf_counter() - began:.1f} s")
        target.ensure_schema()
        report = push(store, target, graphs=graphs)
        created = report.counts.nodes_created
        print(f"push: {len(report.written):,} graphs, {created:,} nodes and "
              f"{report.counts.relationships_created:,} relationships created in {report.seconds:.1f} s")
        again = push(store, target, graphs=graphs)
        print(f"second push: {again.counts.changes} changes in {again.seconds:.1f} s")
        sample = graphs[: args.baseline_documents]
        base_nodes, base_seconds = naive(target, store, sample)
        print(f"naive baseline: {base_nodes:,} nodes (their relationships included) in {base_seconds:.1f} s, "
              f"one statement each")
        removed = time.perf_counter()
        for lo in range(0, len(graphs), 100):  # transactions of a size the server's heap takes
            target.write({g: None for g in graphs[lo : lo + 100]}, {})
        print(f"removing the benchmark's graphs: {time.perf_counter() - removed:.1f} s")
        store.close()
    finally:
        target._call("clean", lambda s: s.run(CLEAN, prefix=NAIVE).consume())
        target.close()
        shutil.rmtree(tmp, ignore_errors=True)
    rate = created / report.seconds
    base_rate = base_nodes / base_seconds
    print()
    print(f"{'path':<46}{'nodes':>10}{'seconds':>10}{'nodes/s':>12}")
    print(f"{'matchgraph push (UNWIND batches)':<46}{created:>10,}{report.seconds:>10.1f}{rate:>12,.0f}")
    print(f"{'naive, one statement per node and edge*':<46}{created:>10,}{created / base_rate:>10.1f}{base_rate:>12,.0f}")
    print(f"* timed on {base_nodes:,} nodes of {len(sample)} documents and scaled to {created:,}")
    print(f"nodes_per_s={rate:.0f} speedup={rate / base_rate:.1f}")


if __name__ == "__main__":
    sys.exit(main())
