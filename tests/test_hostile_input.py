"""Hostile names, arguments, files and queries: one clean line and the documented exit code.

Each case reproduces a finding of issue 9 through the ``matchgraph`` command (click's
runner), asserting the message, the exit status and that nothing was recorded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchgraph.cli.main import cli
from tests.conftest import DATA

SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("hostile") / "store"
    result = CliRunner().invoke(cli, ["--store", str(store), "load", "--jobs", "1", str(DATA)])
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture
def store(loaded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(loaded, copy)
    return copy


def run(store: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--store", str(store), *args])


def quads(store: Path) -> int:
    result = run(store, "stats", "--json")
    assert result.exit_code == 0, result.output
    import json

    return int(json.loads(result.stdout)["quads"])


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("merge", "[/]", "tesseract"), 2, "no artifact has the slug '[/]'"),
        (("merge", "} DROP ALL {", "no-such-slug"), 2, "no artifact has the slug '} DROP ALL {'"),
        (("merge", "", "tesseract"), 2, "no artifact has the slug ''"),
        (("merge", "tesseract", "tesseract"), 2, "are the same artifact"),
        (("merge", "paddleocx", "tesseract"), 2, "did you mean paddleocr"),
        (("separate", "[bold]x", "tesseract"), 2, "no artifact has the slug '[bold]x'"),
        (("show", "[/]"), 1, "no artifact matches '[/]'"),
        (("claims", "[/]"), 1, "no artifact matches '[/]'"),
        (("compare", "[/]", "tesseract"), 1, "no artifact matches '[/]'"),
        (("remove", "[/]"), 1, "not stored: [/]"),
        (("feedback", "[/]", "success"), 1, "no recorded match '[/]'"),
        (("claims", "--relation", "bogus"), 2, "'bogus' is not one of"),
    ],
)
def test_hostile_names_give_one_line_and_record_nothing(store: Path, args: tuple[str, ...], code: int, message: str) -> None:
    before = quads(store)
    result = run(store, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert quads(store) == before


def test_markup_in_user_text_prints_as_written(store: Path) -> None:
    result = run(store, "match", "ocr for [/] scanned documents [bold]x", "--top", "2")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_a_huge_argument_is_refused_quickly(store: Path) -> None:
    started = time.monotonic()
    result = run(store, "merge", "a" * 100_000, "tesseract")
    assert result.exit_code == 2
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("command", ["show", "remove", "merge", "separate", "match", "claims"])
def test_arguments_that_are_not_utf8_are_named(store: Path, command: str) -> None:
    bad = os.fsdecode(b"GLM\xff")
    args = [command, bad] + (["tesseract"] if command in ("merge", "separate") else [])
    result = run(store, *args)
    assert result.exit_code == 2, result.output
    assert "GLM\\xff is not valid UTF-8 text" in result.output


def test_a_file_with_an_undecodable_name_loads_beside_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for source in sorted((DATA / "comparisons").glob("*.md")):
        shutil.copy(source, folder / source.name)
    odd = os.fsdecode(b"v\xffalid.md")
    text = (DATA / "comparisons" / "whisper-vs-vosk.md").read_text(encoding="utf-8").replace("Vosk", "Voskz")
    (folder / odd).write_text(text, encoding="utf-8")
    result = run(tmp_path / "store", "load", "--jobs", "1", "--json", str(folder))
    assert result.exit_code == 0, result.output
    import json

    files = [d["file"] for d in json.loads(result.stdout)["documents"] if d["status"] == "loaded"]
    assert len(files) == len(list((DATA / "comparisons").glob("*.md"))) + 1
    assert any(f.endswith("v\\xffalid.md") for f in files)


def test_undecodable_content_names_line_column_and_byte(tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_bytes("URL: https://x.test/compare/a\n\nab\ncé".encode() + b"\xff rest")
    result = run(tmp_path / "store", "load", str(page))
    assert result.exit_code == 1
    assert "bad.md:4:3 (byte 37): not UTF-8 text: byte 37 (0xff) is not valid UTF-8" in result.output


def test_bom_before_the_address_keeps_the_key(tmp_path: Path) -> None:
    text = "URL: https://example.test/compare/a-vs-b\n\n" + (DATA / "comparisons" / "flux-vs-sdxl.md").read_text(encoding="utf-8")
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    (tmp_path / "b.md").write_bytes(b"\xef\xbb\xbf" + text.replace("74/100", "75/100").encode())
    store = tmp_path / "store"
    assert run(store, "load", str(tmp_path / "a.md")).exit_code == 0
    result = run(store, "load", str(tmp_path / "b.md"))
    assert result.exit_code == 0, result.output
    assert "0 loaded, 1 replaced" in result.output


def test_two_files_with_one_key_fail_together_unless_replace(tmp_path: Path) -> None:
    text = "URL: https://example.test/compare/a-vs-b\n\n" + (DATA / "comparisons" / "flux-vs-sdxl.md").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("74/100", "75/100"), encoding="utf-8")
    store = tmp_path / "store"
    result = run(store, "load", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.exit_code == 1
    assert "0 loaded, 0 replaced, 0 unchanged, 2 failed" in result.output
    assert "a.txt: has the same key https://example.test/compare/a-vs-b as" in result.output
    result = run(store, "load", "--replace", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.exit_code == 0, result.output
    assert "1 loaded" in result.output
    shown = json.loads(run(store, "show", "FLUX.1 dev", "--json").output)
    assert [o["rank"] for o in shown["observations"]] == [75]  # the later file's content


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "LOAD <http://127.0.0.1:9/x.ttl>",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DROP ALL",
        "PREFIX e: <http://e/> DELETE WHERE { ?s e:p ?o }",
    ],
)
def test_sparql_refuses_network_and_updates_before_running(store: Path, query: str) -> None:
    before = quads(store)
    result = run(store, "sparql", query)
    assert result.exit_code == 1
    assert "is not allowed" in result.output
    assert quads(store) == before


def test_sparql_keywords_inside_literals_and_iris_are_fine(store: Path) -> None:
    result = run(store, "sparql", 'SELECT ?s WHERE { ?s <http://x/SERVICE> "LOAD DROP" }')
    assert result.exit_code == 0, result.output
    assert "0 row(s)" in result.output


def test_sparql_timeout(store: Path) -> None:
    started = time.monotonic()
    result = run(store, "sparql", "--timeout", "1", SLOW_QUERY)
    assert result.exit_code == 1
    assert "stopped after 1 s" in result.output
    assert time.monotonic() - started < 8  # 1 s limit plus the command starting on a busy machine


def test_python_api_timeout(store: Path) -> None:
    from matchgraph.graph.embedded import OxigraphStore
    from matchgraph.queries.library.sandbox import QueryTimeout

    opened = OxigraphStore(store, read_only=True)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        opened.sparql(SLOW_QUERY, timeout=0.5)
    assert time.monotonic() - started < 3
    opened.close()


def test_ctrl_c_stops_a_query_within_a_second(store: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "matchgraph.cli.main", "--store", str(store), "sparql", "--timeout", "0", SLOW_QUERY],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(3)
    assert child.poll() is None
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    child.wait(timeout=10)
    assert time.monotonic() - sent < 1.0
    assert child.returncode != 0


def test_sparql_file_not_utf8(store: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_bytes(b"SELECT \xff")
    result = run(store, "sparql", str(query))
    assert result.exit_code == 1
    assert "is not UTF-8 text (byte 7 is 0xff)" in result.output


def test_reads_create_nothing(tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "deep" / "x"
    result = run(target, "stats")
    assert result.exit_code == 1
    assert "no store at" in result.output
    assert not (tmp_path / "nonexistent").exists()
    result = CliRunner().invoke(cli, ["--store", "", "stats"])
    assert result.exit_code == 2
    assert "--store" in result.output


def test_reads_work_while_a_writer_holds_the_store(store: Path) -> None:
    from matchgraph.graph.embedded import OxigraphStore

    writer = OxigraphStore(store)
    try:
        result = run(store, "stats", "--json")
        assert result.exit_code == 0, result.output
        result = run(store, "load", str(DATA / "passports"))
        assert result.exit_code == 1
        assert f"is being written by process {os.getpid()} since" in result.output
    finally:
        writer.close()


def test_a_read_only_store_can_be_read(store: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    for path in [store, *store.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        result = run(store, "stats", "--json")
        assert result.exit_code == 0, result.output
    finally:
        for path in [store, *store.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_export_errors_are_one_line(store: Path, tmp_path: Path) -> None:
    existing = tmp_path / "file"
    existing.write_text("x")
    result = run(store, "export", "--format", "neo4j-csv", "-o", str(existing))
    assert result.exit_code == 2
    assert "is a file" in result.output
    result = run(store, "export", "--format", "neo4j-csv", "-o", str(existing / "sub"))
    assert result.exit_code == 1
    assert "cannot write to" in result.output


def test_neo4j_backend_without_driver_is_a_config_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "neo4j", None)
    result = CliRunner().invoke(cli, ["--backend", "neo4j", "stats"])
    assert result.exit_code == 2
    assert "needs the Neo4j driver" in result.output


def test_stale_resolution_is_repaired_by_a_load_that_changes_nothing(store: Path) -> None:
    from matchgraph.graph.embedded import OxigraphStore
    from matchgraph.graph.resolution_graph import RESOLUTION_GRAPH

    opened = OxigraphStore(store)
    expected = sorted(opened.canonical_map().items())
    opened.replace_graph(RESOLUTION_GRAPH, [])  # as if killed before the refresh
    opened._store.flush()
    opened._lock.release()  # the process "died": only the graph changed, not the marker
    opened._lock = None
    (store / "matchgraph-derived.json").write_text('{"resolution": "stale"}')
    del opened
    result = run(store, "load", "--jobs", "1", str(DATA))
    assert result.exit_code == 0, result.output
    assert "0 loaded, 0 replaced" in result.output
    reopened = OxigraphStore(store, read_only=True)
    assert sorted(reopened.canonical_map().items()) == expected
    reopened.close()


def test_a_store_on_a_read_only_file_system_can_be_read(store: Path, tmp_path: Path) -> None:
    mount = tmp_path / "ro"
    mount.mkdir()
    bound = subprocess.run(["mount", "--bind", str(store), str(mount)], capture_output=True).returncode == 0
    if not bound:
        pytest.skip("cannot bind-mount here (needs CAP_SYS_ADMIN)")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], capture_output=True).returncode != 0:
            pytest.skip("cannot remount read-only here")
        result = run(mount, "stats", "--json")
        assert result.exit_code == 0, result.output
        result = run(mount, "merge", "paddleocr", "tesseract")
        assert result.exit_code == 1
        assert "Read-only file system" in result.output
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)
