"""Names to slugs from the served snapshot, before asking the store.

``Engine.resolve`` runs a SPARQL scan over every artifact name (about 350 ms at 4,000
artifacts), and a compare resolves two names. Most names a client sends are exact: a slug
from an earlier answer, or an artifact's display name. Those are looked up here in a
per-version table built once from the snapshot and the resolution's canonical map; any
other name (a partial one, an ambiguous one, one only mentioned in claims) goes to the
engine, which decides exactly as the CLI does.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matchgraph.serve.state import ServedState

__all__ = ["resolve"]

_tables: dict[str, tuple[dict[str, str], dict[str, set[str]]]] = {}
_lock = threading.Lock()


def _table(state: ServedState) -> tuple[dict[str, str], dict[str, set[str]]]:
    with _lock:
        found = _tables.get(state.tag)
        if found is None:
            canonical = state.engine.store.canonical_map()
            slugs: dict[str, str] = {}
            names: dict[str, set[str]] = defaultdict(set)
            for a in state.engine.snapshot().artifacts:
                slug = canonical.get(a.slug, a.slug)
                slugs[a.slug] = slug
                names[a.name.lower()].add(slug)
            for merged, target in canonical.items():
                slugs.setdefault(merged, target)
            found = (slugs, dict(names))
            _tables.clear()
            _tables[state.tag] = found
        return found


def resolve(state: ServedState, name: str) -> str:
    """The slug ``name`` means, as :meth:`matchgraph.engine.Engine.resolve` decides it.

    Raises:
        NotFoundError, AmbiguousNameError: from the engine, for names not exact here.
    """
    slugs, names = _table(state)
    if name in slugs:
        return slugs[name]
    exact = names.get(name.lower())
    if exact is not None and len(exact) == 1:
        return next(iter(exact))
    return state.engine.resolve(name)
