"""The RDF -> property-graph mapping and the push: table against ontology, exact round trips,
idempotent pushes, removal, ``load --neo4j``, the Browser guide's queries and the
neo4j-admin CSV export.

Pure tests need nothing; the rest use the session's Neo4j server (neo4j_fixtures.py:
skip without one on a developer's machine, fail under CI=true) and empty its database.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DATA, SEED
from hypothesis import given, settings
from hypothesis import strategies as st
from matchgraph.errors import StoreError
from matchgraph.graph.base import count_artifacts
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.neo4j.lpg_mapping import NodePart, combine, graph_part, part_triples, split
from matchgraph.graph.neo4j.lpg_schema import ontology_problems
from matchgraph.graph.neo4j.csv_export import merged_state, write_csv
from matchgraph.graph.neo4j.push import push, source_graphs
from matchgraph.graph.neo4j.store import Neo4jStore, graph_hash
from matchgraph.graph.neo4j.sync import artifact_roles
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.loaders.pipeline import prepare
from matchgraph.queries.library import cypher as c
from neo4j_fixtures import neo, neo4j_settings  # noqa: F401  (fixtures)
from pyoxigraph import Quad, Store, Triple

# --- pure: the table and the mapping ------------------------------------------------------


def test_table_agrees_with_the_ontology() -> None:
    assert ontology_problems() == []


def _canonical(triples: list[Triple]) -> set[Triple]:
    """Triples as pyoxigraph stores them (numbers by value), for comparing."""
    store = Store()
    store.extend([Quad(t.subject, t.predicate, t.object) for t in triples])
    return {Triple(x.subject, x.predicate, x.object) for x in store}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    paths = [p for p in (SEED.parent, DATA) if p.exists()]
    store = OxigraphStore(tmp_path_factory.mktemp("sync") / "store")
    assert store.load([prepare(read_document(p)) for p in iter_document_paths(paths)
                       if p.suffix in (".txt", ".md", ".json")]).ok
    return store


def test_every_graph_round_trips_through_the_mapping(loaded: OxigraphStore) -> None:
    graphs = source_graphs(loaded)
    assert len(graphs) >= 5
    for name, triples in graphs.items():
        assert _canonical(part_triples(graph_part(triples))) == set(triples), name


_values = st.one_of(st.text(max_size=5), st.integers(-5, 5), st.booleans())
_parts = st.dictionaries(
    st.sampled_from([f"urn:g{i}" for i in range(4)]),
    st.builds(NodePart, st.sets(st.sampled_from(["Artifact", "Model", "Concept"])),
              st.dictionaries(st.sampled_from(["name", "categories", "line"]), st.sets(_values, min_size=1, max_size=3),
                              max_size=3)),
    min_size=1, max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(_parts)
def test_combine_then_split_gives_back_each_graphs_facts(parts: dict[str, NodePart]) -> None:
    labels, props = combine(parts)
    back = split(labels, props)
    assert set(back) == set(parts)
    for graph, part in parts.items():
        assert back[graph].labels == part.labels and back[graph].props == part.props


_slugs = st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=8, unique=True)


@settings(max_examples=200, deadline=None)
@given(_slugs.flatmap(lambda s: st.tuples(st.just(s), st.lists(st.booleans(), min_size=len(s), max_size=len(s)),
                                           st.dictionaries(st.sampled_from(s), st.sampled_from(s)))))
def test_artifact_roles_count_what_count_artifacts_counts(case: tuple[list[str], list[bool], dict[str, str]]) -> None:
    slugs, documented, merges = case
    canonical = {s: t for s, t in merges.items() if s != t and t not in merges}
    rows = list(zip(slugs, documented))
    roles = artifact_roles([(f"u:{s}", s, d) for s, d in rows], canonical)
    described, mentioned = count_artifacts(rows, canonical)
    targets_present = all(t in slugs for t in canonical.values())
    if targets_present:
        assert sum(r == "Artifact" for r in roles.values()) == described
        assert sum(r == "MentionedArtifact" for r in roles.values()) == mentioned


# --- with a server ------------------------------------------------------------------------


def _count(neo: Neo4jStore, label: str) -> int:
    return int(neo.read(c.CypherQuery("count", "MATCH (n) WHERE $label IN labels(n) RETURN count(n) AS n", ("label",)),
                        label=label)[0]["n"])


def _state(neo: Neo4jStore, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    nodes = neo.read(c.CypherQuery("n", "MATCH (n:Resource) RETURN n.uri AS uri, labels(n) AS l, properties(n) AS p"))
    rels = neo.read(c.CypherQuery("r", "MATCH (a:Resource)-[r]->(b) RETURN a.uri AS s, type(r) AS t, b.uri AS o, "
                                       "properties(r) AS p"))
    strip = lambda p: {k: v for k, v in p.items() if k not in skip and k != "_facts"}
    return {
        "nodes": {r["uri"]: (sorted(r["l"]), strip(r["p"])) for r in nodes},
        "rels": sorted(json.dumps([r["s"], r["t"], r["o"], strip(r["p"])], sort_keys=True) for r in rels),
    }


def test_push_counts_match_and_a_second_push_changes_nothing(loaded: OxigraphStore, neo: Neo4jStore) -> None:
    first = push(loaded, neo)
    assert first.counts.changes > 0 and not first.removed
    stats = loaded.stats()
    assert _count(neo, "Artifact") == stats.artifacts
    assert _count(neo, "MentionedArtifact") == stats.mentioned_artifacts
    assert _count(neo, "Capability") == stats.capabilities
    assert _count(neo, "Statement") == stats.claims and _count(neo, "Claim") == stats.typed_claims
    assert neo.stats() == stats
    before = _state(neo)
    second = push(loaded, neo)
    assert second.counts.changes == 0 and not second.written and not second.removed
    assert _state(neo) == before


def test_neo4j_holds_exactly_the_embedded_facts(loaded: OxigraphStore, neo: Neo4jStore) -> None:
    push(loaded, neo)
    for name, triples in source_graphs(loaded).items():
        assert _canonical(neo.graph_triples(name)) == set(triples), name


def test_the_csv_export_describes_the_pushed_graph(loaded: OxigraphStore, neo: Neo4jStore) -> None:
    push(loaded, neo)
    nodes, rels = merged_state(source_graphs(loaded), loaded.canonical_map())
    state = _state(neo)
    assert {u: (sorted(l), {k: v for k, v in p.items() if k != "_facts"}) for u, (l, p) in nodes.items()} == state["nodes"]
    assert sorted(json.dumps([s, t, o, p], sort_keys=True) for (s, t, o, _), p in rels.items()) == state["rels"]


def test_removing_a_document_then_pushing_removes_exactly_its_facts(
    tmp_path: Path, neo: Neo4jStore
) -> None:
    store = OxigraphStore(tmp_path / "s")
    docs = [prepare(read_document(p)) for p in iter_document_paths([DATA / "comparisons"])]
    assert store.load(docs).ok
    push(store, neo)
    gone = docs[0].source.key
    assert store.remove(gone)
    report = push(store, neo)
    assert report.removed and report.counts.nodes_deleted > 0
    assert neo.stats() == store.stats()
    assert gone not in {d.key for d in neo.documents()}
    assert not neo.read(c.CypherQuery("g", "MATCH (n:Resource) WHERE $g IN n.graphs RETURN n.uri AS u", ("g",)),
                        g=report.removed[0])
    for name, triples in source_graphs(store).items():
        assert _canonical(neo.graph_triples(name)) == set(triples), name
    store.close()


def test_load_with_neo4j_gives_the_graph_of_load_then_push(tmp_path: Path, neo: Neo4jStore) -> None:
    from matchgraph.cli.cmd_neo4j import neo4j as neo4j_group
    from matchgraph.cli.main import cli

    if "neo4j" not in cli.commands:
        cli.add_command(neo4j_group)
    runner = CliRunner()
    folder = str(DATA / "comparisons")
    done = runner.invoke(cli, ["--store", str(tmp_path / "a"), "load", "--neo4j", folder])
    assert done.exit_code == 0, done.output
    direct = _state(neo, skip=("loadedAt", "generatedAt"))
    neo.wipe()
    assert runner.invoke(cli, ["--store", str(tmp_path / "b"), "load", folder]).exit_code == 0
    pushed = runner.invoke(cli, ["--store", str(tmp_path / "b"), "neo4j", "push", "--json"])
    assert pushed.exit_code == 0, pushed.output
    assert json.loads(pushed.output)["changes"] > 0
    assert _state(neo, skip=("loadedAt", "generatedAt")) == direct
    again = runner.invoke(cli, ["--store", str(tmp_path / "b"), "neo4j", "push", "--json"])
    assert json.loads(again.output)["changes"] == 0


def test_the_guide_queries_find_something(loaded: OxigraphStore, neo: Neo4jStore) -> None:
    push(loaded, neo)
    from matchgraph.graph.neo4j.browser import BROWSER_DIR, EXAMPLE_SLUG, render_guide

    assert (BROWSER_DIR / "guide.html").read_text(encoding="utf-8") == render_guide()
    for key, query in c.GUIDE.items():
        params = {"slug": EXAMPLE_SLUG} if query.params else {}
        assert neo.read(query, **params), key


def test_an_unreachable_server_fails_fast_and_retryable(neo4j_settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    import dataclasses

    gone = Neo4jStore(dataclasses.replace(neo4j_settings, uri="bolt://127.0.0.1:1"))
    began = time.monotonic()
    with pytest.raises(StoreError) as e:
        gone.stats()
    assert e.value.retryable and time.monotonic() - began < 15
    gone.close()


def test_neo4j_admin_imports_the_csv_files(loaded: OxigraphStore, neo4j_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    lib = neo4j_settings.home / "lib"
    graphs = source_graphs(loaded)
    files = write_csv(graphs, loaded.canonical_map(), tmp_path / "csv", {g: graph_hash(t) for g, t in graphs.items()})
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text(f"server.directories.data={home / 'data'}\n"
                                              f"server.directories.logs={home / 'logs'}\n")
    command = ["java", "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "database", "import", "full", "neo4j",
               "--overwrite-destination", "--multiline-fields=true", "--array-delimiter=\x1f",
               f"--report-file={tmp_path / 'import.report'}"]
    command += [f"--{'nodes' if f.name.startswith('nodes') else 'relationships'}={f}" for f in files]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    nodes, rels = merged_state(graphs, loaded.canonical_map())
    assert f"{len(nodes) + len(graphs)} nodes" in done.stdout
    assert f"{len(rels)} relationships" in done.stdout


def test_cli_browser_prints_the_address_and_never_the_password(neo4j_settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from matchgraph.cli.cmd_neo4j import neo4j as neo4j_group

    done = CliRunner().invoke(neo4j_group, ["browser"])
    assert done.exit_code == 0, done.output
    assert neo4j_settings.browser_url in done.output and neo4j_settings.password not in done.output
    assert ":style http://localhost:8474/style.grass" in done.output
    style = CliRunner().invoke(neo4j_group, ["browser", "--print-style"])
    assert "node.Artifact" in style.output


def test_cli_export_neo4j_csv_needs_a_folder(tmp_path: Path) -> None:
    from matchgraph.cli.main import cli
    from matchgraph.graph.embedded import OxigraphStore

    OxigraphStore(tmp_path / "s").close()  # read commands never create a store
    done = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "export", "--format", "neo4j-csv"])
    assert done.exit_code == 2 and "give a folder with -o" in done.output
    done = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "export", "--format", "neo4j-csv", "-o", str(tmp_path / "o")])
    assert done.exit_code == 0 and (tmp_path / "o" / "nodes-graphs.csv").exists()
