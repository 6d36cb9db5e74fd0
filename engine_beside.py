"""Derived state that reads the store, built in a worker process beside the engine's build.

Most of a build after a load is single-threaded Python: the snapshot, the need index, the
cheap parts. The counts (``stats``) and the name index (``names``) do not read the
snapshot; they are SPARQL scans of the whole store (about 50 s at 100,000 artifacts), and
pyoxigraph holds the GIL while it evaluates, so a thread would not overlap them. A worker
process opening a checkpoint of the store (hard links: the caller's writer cannot change
its files) builds them on the machine's other core and writes them where the engine reads
derived files; the engine then reads them instead of building them.

Best effort: if the worker cannot start or fails, the engine builds what is missing itself.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matchgraph.graph.embedded import OxigraphStore

__all__ = ["BESIDE_FROM", "PARTS", "derived_beside"]

BESIDE_FROM = 2_000
"""Named graphs (one per document, plus a few of the store's own) from which the worker is
started: below, its start (about two seconds of imports) costs more than the scans it
takes over."""
PARTS = ("stats", "resolve_table")
"""Engine methods whose derived state only reads the store."""


@contextmanager
def derived_beside(store: OxigraphStore, index_dir: Path, version: str, parts: Sequence[str] = PARTS) -> Iterator[bool]:
    """While the block runs, build ``parts`` of ``version`` in a worker process; on leaving,
    wait for it. Yields whether a worker was started."""
    if store.path is None or store.graph_count(at_most=BESIDE_FROM) < BESIDE_FROM:
        yield False
        return
    with store.files_for_readers() as readable:
        if readable is None:
            yield False
            return
        # forkserver: never fork a process that holds the store's native threads and locks.
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver")) as pool:
            done = pool.submit(_build, str(readable), str(index_dir), version, tuple(parts))
            try:
                yield True
            finally:
                try:
                    done.result()
                except Exception:  # noqa: BLE001 - the engine builds what is missing itself
                    pass


def _build(files: str, index_dir: str, version: str, parts: tuple[str, ...]) -> None:
    """Build ``parts`` in a worker, from a store whose files nobody changes."""
    from matchgraph.engine import Engine
    from matchgraph.graph.derived import ANSWERS_FILE
    from matchgraph.graph.embedded import OxigraphStore

    store = OxigraphStore(Path(files), read_only=True, answers=Path(index_dir) / ANSWERS_FILE)
    try:
        if store.version() != version:  # never write another version's files under this one
            return
        engine = Engine(store, index_dir=Path(index_dir))
        for part in parts:
            getattr(engine, part)()
    finally:
        store.close()
