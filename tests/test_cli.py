"""The command line as a user drives it: exit codes, messages, and the JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchgraph.cli.main import cli

from conftest import DATA


@pytest.fixture
def run(tmp_path: Path):
    runner = CliRunner()
    store = tmp_path / "store"

    def invoke(*args: str):
        return runner.invoke(cli, ["--store", str(store), *args], catch_exceptions=False)

    return invoke


def _json(result) -> object:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_load_seed_then_stats(run, seed_path: Path) -> None:
    result = run("load", str(seed_path))
    assert result.exit_code == 0, result.output
    assert "1 loaded, 0 replaced, 0 unchanged, 0 failed" in result.stdout
    stats = _json(run("stats", "--json"))
    assert {k: stats[k] for k in ("documents", "artifacts", "capabilities", "claims")} == {
        "documents": 1,
        "artifacts": 2,
        "capabilities": 14,
        "claims": 28,
    }
    assert stats["quads"] > 0
    again = run("load", str(seed_path))
    assert "0 loaded, 0 replaced, 1 unchanged, 0 failed" in again.stdout
    assert _json(run("stats", "--json"))["quads"] == stats["quads"]


def test_show_json_shape(run, seed_path: Path) -> None:
    run("load", str(seed_path))
    view = _json(run("show", "GLM-OCR", "--json"))
    assert (view["slug"], view["name"], view["type"]) == ("glm-ocr", "GLM-OCR", "model")
    (obs,) = view["observations"]
    assert obs["source"] == str(seed_path.resolve())  # a document without an address is keyed by its resolved path
    assert {k: obs[k] for k in ("rank", "adoption", "quality", "ecosystem", "match_graph", "times_matched", "pricing", "capabilities_declared")} == {
        "rank": 53, "adoption": 1, "quality": 0, "ecosystem": 1, "match_graph": 0,
        "times_matched": 0, "pricing": "Free", "capabilities_declared": 6,
    }
    assert len(view["capabilities"]) == 6
    for cap in view["capabilities"]:
        assert cap["description"] and cap["unique"] and cap["vs_alternatives"]
        assert cap["source"] == str(seed_path.resolve())


@pytest.mark.parametrize(
    ("name", "exit_code", "expected"),
    [
        ("stable-diffusion-3-5-large", 0, "Stable Diffusion 3.5 Large"),
        ("glm-ocr", 0, "GLM-OCR"),
        ("no such model", 1, "no artifact matches 'no such model'"),
        ("o", 2, "matches several artifacts"),
        ("", 1, "give an artifact's name or slug"),
        ("   ", 1, "give an artifact's name or slug"),
    ],
)
def test_show_resolves_names(run, seed_path: Path, name: str, exit_code: int, expected: str) -> None:
    run("load", str(seed_path))
    result = run("show", name)
    assert result.exit_code == exit_code
    assert expected in (result.stdout + result.stderr)
    if exit_code == 2:
        assert "glm-ocr" in result.stderr and "stable-diffusion-3-5-large" in result.stderr


def test_a_failing_file_is_named_and_the_rest_is_stored(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("A vs B\n| Feature | A | B |\n|---|---|---|\n| UnfragileRank | lots | 3/100 |\n", encoding="utf-8")
    result = run("load", str(bad), str(DATA / "comparisons"))
    assert result.exit_code == 1
    assert f"{bad}:4: UnfragileRank 'lots' is not 'N/100'" in result.stderr
    docs = _json(run("documents", "--json"))
    assert len(docs) == len(list((DATA / "comparisons").glob("*.md")))
    assert all("bad.txt" not in d["key"] for d in docs)


def test_load_tells_where_the_index_build_went(run) -> None:
    """After a load the build can take minutes: the stages and their times are listed."""
    result = run("load", "--verbose", str(DATA / "comparisons"))
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.stderr.splitlines() if x.startswith("entity resolution and indexes: ")]
    parts = [part.rsplit(" ", 2) for part in line.split("(", 1)[1].rstrip(")").split(", ")]
    known = {"entity resolution", "snapshot", "need index", "match index", "slices and ranks", "stats and names",
             "waiting for stats and names"}
    assert parts and {name for name, _, _ in parts} <= known, line
    seconds = [float(value) for _, value, _ in parts]
    assert seconds == sorted(seconds, reverse=True), line
    assert sum(seconds) <= float(line.split(": ")[1].split(" s")[0]) + 0.05 * (len(seconds) + 1), line  # rounding


def test_a_paragraph_too_long_for_one_value_is_a_named_failure(run, tmp_path: Path) -> None:
    """A value over 16 MiB once ended the load with a MemoryError from the validator's parser."""
    from matchgraph.graph.prepared import MAX_STATEMENT_BYTES

    lines = (DATA / "comparisons" / "flux-vs-sdxl.md").read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("Unique:"))
    lines[at] += " " + "a" * (2 * MAX_STATEMENT_BYTES + 1)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "long.md").write_text("\n".join(lines), encoding="utf-8")
    result = run("load", str(tmp_path / "pages"), str(DATA / "comparisons" / "whisper-vs-vosk.md"))
    assert result.exit_code == 1
    assert f"long.md:{at + 1}: this text makes one value of 16.0 MiB" in result.stderr
    assert [d["key"] for d in _json(run("documents", "--json"))] == [
        str((DATA / "comparisons" / "whisper-vs-vosk.md").resolve())]


def test_sparql_and_export(run, tmp_path: Path) -> None:
    run("load", str(DATA / "comparisons"))
    rows = _json(run("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/matchgraph/ontology#Model> }", "--json"))
    assert rows[0]["n"] >= 5
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?a <https://w3id.org/matchgraph/ontology#slug> \"paddleocr\" }", encoding="utf-8")
    assert _json(run("sparql", str(query_file), "--json")) == {"boolean": True}
    bad = run("sparql", "SELECT WHERE {")
    assert bad.exit_code == 1 and "SPARQL syntax error" in bad.stderr
    for fmt in ("turtle", "nquads", "jsonld"):
        out = tmp_path / f"export.{fmt}"
        assert run("export", "--format", fmt, "-o", str(out)).exit_code == 0
        import rdflib

        parsed = rdflib.Dataset() if fmt == "nquads" else rdflib.Graph()
        parsed.parse(out, format={"turtle": "turtle", "nquads": "nquads", "jsonld": "json-ld"}[fmt])
        assert len(parsed) > 100
