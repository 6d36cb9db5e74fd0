"""On a large store, ``Engine.warm`` builds the parts that only read the store (stats,
names) in a worker process beside its own build (engine_beside.py): the engine then reads
what the worker wrote, and it equals what the engine would have built."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA

from matchgraph import engine_beside
from matchgraph.engine import Engine
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.loaders.pipeline import prepare
from matchgraph.queries.views.names import NameIndex


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    store = OxigraphStore(tmp_path / "store")
    assert store.load([prepare(read_document(p)) for p in iter_document_paths([DATA])]).ok
    store.close()
    return tmp_path / "store"


def test_a_writer_engine_reads_the_stats_and_names_its_worker_built(loaded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected_stats = OxigraphStore(loaded, read_only=True).stats()
    monkeypatch.setattr(engine_beside, "BESIDE_FROM", 1)
    engine = Engine.open(loaded)  # the writer: its worker reads a checkpoint
    expected_names = NameIndex.build(engine.store)

    def not_here(*args: object, **kwargs: object) -> object:
        raise AssertionError("built in the engine's process, not in its worker")

    monkeypatch.setattr(OxigraphStore, "stats", not_here)
    monkeypatch.setattr(NameIndex, "build", not_here)
    try:
        engine.warm()
        assert engine.stats() == expected_stats
        table = engine.resolve_table()
        assert table.resolve("paddleocr") == expected_names.resolve("paddleocr")
        assert vars(table) == vars(expected_names)
    finally:
        engine.close()
    assert [p.name for p in loaded.parent.iterdir() if p.name.startswith(".")] == [], "the checkpoint is removed"


def test_a_small_store_starts_no_worker(loaded: Path) -> None:
    engine = Engine.open(loaded)
    try:
        with engine._beside() as started:
            assert started is False
    finally:
        engine.close()
