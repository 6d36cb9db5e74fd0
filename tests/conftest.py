"""Shared fixtures: where the reference corpus lies, and fresh stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = CORPUS / "seed" / "000_3709e9e89624b56b.txt"
UNFRAGILE = CORPUS / "unfragile"
DATA = REPO / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"


def need_corpus() -> None:
    """Skip a test when ../shared is absent (it is reference material, not ours)."""
    if not SEED.exists():
        pytest.skip("../shared/corpus is absent")


def corpus_snapshot():
    """The snapshot of an in-memory store holding the seed and the corpus pages (enriched as
    `matchgraph load` does), skipping the test when ../shared is absent. Cut-off passports
    that fail to load are left out: the loaders' tests cover them."""
    from matchgraph.errors import LoadError
    from matchgraph.graph.embedded import OxigraphStore
    from matchgraph.loaders.dispatch import iter_document_paths, read_document
    from matchgraph.loaders.pipeline import prepare

    need_corpus()
    store = OxigraphStore(None)
    facts = []
    for path in iter_document_paths([SEED, UNFRAGILE]):
        try:
            facts.append(prepare(read_document(path)))
        except LoadError:
            continue
    try:
        store.load(facts)
        return store.snapshot()
    finally:
        store.close()


@pytest.fixture
def seed_path() -> Path:
    need_corpus()
    return SEED


@pytest.fixture
def unfragile_dir() -> Path:
    need_corpus()
    return UNFRAGILE


@pytest.fixture
def memory_store():
    """An in-memory embedded store (same code path as on disk, minus the directory)."""
    from matchgraph.graph.embedded import OxigraphStore

    store = OxigraphStore(None)
    yield store
    store.close()


@pytest.fixture
def disk_store(tmp_path: Path):
    from matchgraph.graph.embedded import OxigraphStore

    store = OxigraphStore(tmp_path / "store")
    yield store
    store.close()
