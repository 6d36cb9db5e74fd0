"""Fault injection: a load killed with SIGKILL at random points, then reopened.

A child process runs ``matchgraph load`` in small batches; the test kills it at random
moments, reopens the store as the next writer would, and checks that every stored document
is whole (exactly the facts a clean load gives it) and that the resolution matches the
documents present. A final load of the same files must then give the same store, quad for
quad and merge for merge, as one clean load (load times aside).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from tests.conftest import DATA

META_GRAPH = "https://w3id.org/matchgraph/id/graph/meta"
"""The store's bookkeeping (version tokens, unfinished-write marks): changes with every write."""
VOLATILE = {
    "https://w3id.org/matchgraph/ontology#loadedAt",
    "http://www.w3.org/ns/prov#generatedAtTime",
}
CHILD = """
import sys
import matchgraph.cli.cmd_load as cmd_load
cmd_load.BATCH = 3
if sys.argv[1] == "bulk":
    import matchgraph.graph.embedded_load as embedded_load
    embedded_load.BULK_THRESHOLD = 1  # every batch goes to a streamed bulk load,
    embedded_load.SEGMENT_QUADS = 3000  # committed a few batches at a time
from matchgraph.cli.main import cli
cli(sys.argv[2:], prog_name="matchgraph")
"""


def _documents(folder: Path) -> Path:
    """Thirty-odd documents: the sample data, and its pages under further addresses."""
    folder.mkdir()
    for path in sorted(DATA.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".json", ".txt") :
            (folder / path.name).write_bytes(path.read_bytes())
    for path in sorted((DATA / "comparisons").glob("*.md")):
        for k in range(6):
            text = f"URL: https://example.test/compare/{path.stem}-{k}\n\n" + path.read_text(encoding="utf-8")
            (folder / f"{path.stem}-{k}.md").write_text(text, encoding="utf-8")
    return folder


def _load(store: Path, folder: Path, writes: str = "transactions") -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, writes, "--store", str(store), "load", "--jobs", "1", "--json", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _state(store: Path) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """Per graph, its quads without load times; and the canonical map (as a writer sees it)."""
    from matchgraph.graph.embedded import OxigraphStore

    opened = OxigraphStore(store)  # a writer open: drops half-written graphs, repairs resolution
    try:
        graphs: dict[str, set[str]] = {}
        for quad in opened._store:
            name = quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else ""
            if quad.predicate.value in VOLATILE or name == META_GRAPH:
                continue
            graphs.setdefault(name, set()).add(f"{quad.subject} {quad.predicate} {quad.object}")
        canonical = sorted(opened.canonical_map().items())
        from matchgraph.graph.resolution_graph import refresh_resolution

        refresh_resolution(opened)  # what a fresh computation says for these documents
        assert sorted(opened.canonical_map().items()) == canonical, "stale resolution after reopening"
        return graphs, canonical
    finally:
        opened.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]], list[tuple[str, str]], float]:
    root = tmp_path_factory.mktemp("crash")
    folder = _documents(root / "docs")
    started = time.monotonic()
    child = _load(root / "clean", folder)
    assert child.wait(timeout=300) == 0, child.stderr.read() if child.stderr else ""
    graphs, canonical = _state(root / "clean")
    return folder, graphs, canonical, time.monotonic() - started


RESOLUTION = "https://w3id.org/matchgraph/id/graph/resolution"


@pytest.mark.parametrize("writes", ["transactions", "bulk"])
def test_kill_at_random_points_then_reload(clean, tmp_path: Path, writes: str) -> None:  # type: ignore[no-untyped-def]
    """Both ways a load writes: one transaction per batch, and streamed bulk segments
    committed by their markers; the store after the final load equals one clean
    transactional load."""
    folder, expected, canonical, duration = clean
    store = tmp_path / "store"
    rng = random.Random(int(os.environ.get("MATCHGRAPH_CRASH_SEED", "9")))
    kills = 0
    for _ in range(5):
        child = _load(store, folder, writes)
        time.sleep(rng.uniform(0.3, duration))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(timeout=60)
        graphs, _ = _state(store)
        for name, facts in graphs.items():
            if name.startswith("https://w3id.org/matchgraph/id/doc/"):
                assert facts == expected[name], f"document graph {name} is not whole after a kill"
        documents = {n for n in graphs if n.startswith("https://w3id.org/matchgraph/id/doc/")}
        assert documents <= set(expected)
    assert kills >= 1
    child = _load(store, folder, writes)
    assert child.wait(timeout=300) == 0
    graphs, merged = _state(store)
    assert graphs == expected
    assert merged == canonical
    assert graphs.get(RESOLUTION) == expected.get(RESOLUTION)
