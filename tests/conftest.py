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
