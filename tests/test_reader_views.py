"""While a load runs, readers read the checkpoint it published: stable files and one
consistent version, whatever the writer does meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.reader_views import current_view, publish, views_dir
from matchgraph.graph.store_lock import LOCK_NAME
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.loaders.models import DocumentFacts
from matchgraph.loaders.pipeline import prepare


@pytest.fixture(scope="module")
def documents() -> list[DocumentFacts]:
    return [prepare(read_document(p)) for p in iter_document_paths([DATA])]


def _store_with(path: Path, documents: list[DocumentFacts]) -> None:
    store = OxigraphStore(path)
    store.load(documents)
    store.close()


def _documents_seen(path: Path) -> int:
    reader = OxigraphStore(path, read_only=True)
    try:
        return len(reader.documents())
    finally:
        reader.close()


def test_readers_during_a_load_see_the_store_as_it_was_and_after_it_the_new_one(
        tmp_path: Path, documents: list[DocumentFacts]) -> None:
    path = tmp_path / "store"
    first, rest = documents[:2], documents[2:]
    _store_with(path, first)
    writer = OxigraphStore(path)
    with writer.reader_view() as view:
        assert view is not None
        before = writer.version()
        writer.load(rest)
        writer._store.optimize()  # compaction deletes the files the writer had: not the view's
        reader = OxigraphStore(path, read_only=True)
        assert len(reader.documents()) == len(first)
        assert reader.version() == before != writer.version()
        reader.close()
    assert _documents_seen(path) == len(documents)
    assert not views_dir(path).exists(), "a view nobody reads is deleted with the load, and its folder"
    writer.close()


def test_a_view_a_reader_still_holds_outlives_the_load_and_goes_at_the_next_one(
        tmp_path: Path, documents: list[DocumentFacts]) -> None:
    path = tmp_path / "store"
    _store_with(path, documents[:1])
    writer = OxigraphStore(path)
    with writer.reader_view():
        writer.load(documents[1:2])
        reader = OxigraphStore(path, read_only=True)
    kept = [p.name for p in views_dir(path).iterdir()]
    assert len(kept) == 1, "the reader's view stays while it reads"
    assert len(reader.documents()) == 1  # still readable after the load ended
    assert _documents_seen(path) == 2, "new readers read the store again"
    reader.close()
    with writer.reader_view():
        assert kept[0] not in [p.name for p in views_dir(path).iterdir()]
    writer.close()


def test_a_view_of_a_killed_load_is_never_read(tmp_path: Path, documents: list[DocumentFacts]) -> None:
    path = tmp_path / "store"
    _store_with(path, documents[:1])
    writer = OxigraphStore(path)
    assert publish(path, lambda target: writer._store.backup(str(target))) is not None  # and never retired
    writer.load(documents[1:2])
    held = current_view(path)
    assert held is not None
    held.release()
    # As a SIGKILL leaves it: the view and ACTIVE stay, and the lock file names a process
    # that has ended.
    writer._lock.release()  # type: ignore[union-attr]
    writer._lock = None
    writer._store.flush()
    del writer._store
    line = (path / LOCK_NAME).read_text(encoding="utf-8").strip()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (path / LOCK_NAME).write_text(line.replace(line.split()[0], dead, 1) + "\n", encoding="utf-8")
    active = json.loads((views_dir(path) / "ACTIVE").read_text(encoding="utf-8"))
    active["writer"] = (path / LOCK_NAME).read_text(encoding="utf-8").strip()
    (views_dir(path) / "ACTIVE").write_text(json.dumps(active), encoding="utf-8")
    assert current_view(path) is None, "a dead writer's view is not read"
    assert _documents_seen(path) == 2
    reopened = OxigraphStore(path)  # a writer's open clears what the killed one left
    assert not views_dir(path).exists()
    reopened.close()


def test_a_read_command_during_a_load_answers_from_the_view(tmp_path: Path, documents: list[DocumentFacts]) -> None:
    """As a user meets it: ``matchgraph stats`` in another process while a load writes."""
    path = tmp_path / "store"
    _store_with(path, documents[:2])
    writer = OxigraphStore(path)

    def stats() -> int:
        out = subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", str(path), "stats", "--json"],
                             capture_output=True, text=True, env={**os.environ, "MATCHGRAPH_EMBEDDINGS": "0"})
        assert out.returncode == 0, out.stderr
        notes.append(out.stderr)
        return int(json.loads(out.stdout)["documents"])

    notes: list[str] = []
    with writer.reader_view():
        writer.load(documents[2:])
        assert stats() == 2
    assert f"a load is writing this store (process {os.getpid()} since" in notes[-1]
    assert stats() == len(documents)
    assert "a load is writing" not in notes[-1]
    writer.close()


def test_match_during_a_load_answers_from_the_view_unrecorded(tmp_path: Path, documents: list[DocumentFacts]) -> None:
    """``match`` writes only the record of its answer; while a load holds the writer it
    answers from the view without one, and any other writer still refuses it."""
    path = tmp_path / "store"
    _store_with(path, documents)
    writer = OxigraphStore(path)

    def match() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", str(path), "match",
                               "extract text from scanned documents", "--top", "3", "--json"],
                              capture_output=True, text=True, env={**os.environ, "MATCHGRAPH_EMBEDDINGS": "0"})

    with writer.reader_view():
        during = match()
    assert during.returncode == 0, during.stderr
    rows = json.loads(during.stdout)
    assert rows and all(row["match_id"] is None for row in rows)
    assert "not recorded" in during.stderr
    refused = match()  # the writer is open, but it is not a load: match waits for it
    assert refused.returncode == 1 and "being written" in refused.stderr
    writer.close()
    after = match()
    assert after.returncode == 0, after.stderr
    assert [r["slug"] for r in json.loads(after.stdout)] == [r["slug"] for r in rows]
    assert all(row["match_id"] for row in json.loads(after.stdout))
