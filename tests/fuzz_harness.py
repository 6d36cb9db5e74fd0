"""Load one mutated document into a store holding good documents and check the invariants.

Used by ``tests/test_fuzz.py`` (hypothesis) and ``bench/fuzz.py`` (100,000 mutations):

* nothing but a :class:`~matchgraph.errors.MatchgraphError` may come out of a load (any
  other exception propagates and fails the caller);
* a document that fails leaves the store exactly as it was (every quad compared);
* a document that loads is stored; the store is then reset to the good documents.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat

from matchgraph.errors import MatchgraphError
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.prepared import Failure, prepare_paths
from matchgraph.loaders.dispatch import iter_document_paths

__all__ = ["Harness", "Outcome"]

DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass
class Outcome:
    loaded: int = 0
    failed: int = 0
    messages: dict[str, int] = field(default_factory=dict)


class Harness:
    """An in-memory store with ``data/`` loaded, and a scratch folder for mutated files."""

    def __init__(self) -> None:
        self.store = OxigraphStore(None)
        docs = [d for d in prepare_paths(iter_document_paths([DATA]), jobs=1, validator="compiled")]
        assert not any(isinstance(d, Failure) for d in docs)
        self.store.load_prepared(docs)  # type: ignore[arg-type]
        self.base = self.store._store.dump(format=RdfFormat.N_QUADS)
        self.base_digest = self.digest()
        self.base_marker = getattr(self.store, "_derived_for", None)
        self.folder = Path(tempfile.mkdtemp(prefix="matchgraph-fuzz-"))

    def close(self) -> None:
        """Remove the scratch folder (each fuzz run wrote thousands of files into /tmp)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def digest(self) -> str:
        """Every quad of the store (N-Quads dumps come out in key order)."""
        return hashlib.sha256(self.store._store.dump(format=RdfFormat.N_QUADS)).hexdigest()

    def reset(self) -> None:
        self.store._store.clear()
        self.store._store.load(self.base, format=RdfFormat.N_QUADS)
        self.store._derived_for = self.base_marker

    def check(self, name: str, data: bytes, outcome: Outcome | None = None) -> bool:
        """Load ``data`` as a file called ``name``; True when it was stored."""
        path = self.folder / name
        path.write_bytes(data)
        try:
            [item] = list(prepare_paths([path], jobs=1, validator="compiled"))
            if isinstance(item, Failure):
                error: MatchgraphError | None = item.error()
            else:
                result = self.store.load_prepared([item])
                error = next(iter(result.failed.values()), None)
        except MatchgraphError as e:  # allowed, but the store must be untouched
            error = e
        if error is None:
            if outcome is not None:
                outcome.loaded += 1
            self.reset()
            return True
        assert self.digest() == self.base_digest, f"a failed document changed the store: {error}"
        if outcome is not None:
            outcome.failed += 1
            reason = str(getattr(error, "reason", error)).split(":")[0][:60]
            outcome.messages[reason] = outcome.messages.get(reason, 0) + 1
        return False
