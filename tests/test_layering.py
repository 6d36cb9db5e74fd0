"""Dependencies point one way: cli/serve -> engine -> runners -> queries -> graph -> the
store contract -> loaders -> ontology. Read from the source's import statements (lazy
imports inside functions included), so a shortcut that would make the packages lie about
the design fails here rather than in a review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import matchgraph

ROOT = Path(matchgraph.__file__).resolve().parent
SKIP = ("tests", "bench", "data", ".venv", "build")

# Lowest first. A module may import its own layer or any layer below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "gc_pause", "safe_text", "stage_clock"),
    ("ontology",),
    ("loaders",),
    # The store contract: the named queries every backend answers and the typed snapshot
    # it returns. Stores speak it; nothing in it knows a store.
    ("queries.library", "queries.snapshot", "queries.snapshot_sparql"),
    ("graph",),
    ("queries",),
    ("runners",),
    ("engine", "engine_beside", "engine_state"),
    ("serve", "cli", ""),
)


def _unit(module: str) -> str:
    """The layer key of a dotted module below ``matchgraph`` (longest prefix wins)."""
    rest = module.removeprefix("matchgraph").lstrip(".")
    best = ""
    for layer in LAYERS:
        for key in layer:
            if key and (rest == key or rest.startswith(key + ".")) and len(key) > len(best):
                best = key
    return best


def _level(module: str) -> int:
    key = _unit(module)
    return next(i for i, layer in enumerate(LAYERS) if key in layer)


def _sources() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIP or rel.parts[0].startswith("."):
            continue
        dotted = ".".join(("matchgraph", *rel.with_suffix("").parts)).removesuffix(".__init__")
        out.append((dotted, path))
    return out


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
    return [(line, m) for line, m in found if m == "matchgraph" or m.startswith("matchgraph.")]


SOURCES = _sources()


def test_the_walk_sees_every_layer() -> None:
    seen = {_unit(m) for m, _ in SOURCES}
    assert {"ontology", "loaders", "queries.library", "graph", "queries", "runners", "engine", "cli"} <= seen


@pytest.mark.parametrize("module,path", SOURCES, ids=[m for m, _ in SOURCES])
def test_imports_point_down(module: str, path: Path) -> None:
    mine = _level(module)
    upward = [f"{path.relative_to(ROOT)}:{line} imports {target} ({_unit(target) or 'matchgraph'})"
              for line, target in _imports(path) if _level(target) > mine]
    assert not upward, f"{_unit(module) or 'matchgraph'} must not depend on a layer above it:\n" + "\n".join(upward)


def test_a_known_upward_import_is_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from matchgraph.engine import Engine\n", encoding="utf-8")
    assert _level("matchgraph.graph.embedded") < _level(_imports(bad)[0][1])
