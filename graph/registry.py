"""Stores registered by name and imported lazily, so ``import matchgraph`` and
``matchgraph --help`` never need a driver or a server."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from matchgraph.errors import ConfigError
from matchgraph.graph.base import GraphStore

__all__ = ["STORES", "open_store"]

STORES: dict[str, str] = {
    "oxigraph": "matchgraph.graph.embedded:OxigraphStore",
    "neo4j": "matchgraph.graph.neo4j.store:Neo4jStore",
}


def open_store(name: str = "oxigraph", *, path: Path | None = None, **options: object) -> GraphStore:
    """Open the store registered under ``name``.

    Raises:
        ConfigError: unknown name, or the backend's optional dependency is missing.
    """
    try:
        module_name, class_name = STORES[name].split(":")
    except KeyError:
        raise ConfigError(f"unknown store {name!r}; choose one of {sorted(STORES)}") from None
    try:
        cls = getattr(import_module(module_name), class_name)
    except ImportError as e:
        raise ConfigError(f"store {name!r} needs an optional dependency: {e}") from e
    if name == "oxigraph":
        from matchgraph.graph.embedded import default_store_path

        return cls(path or default_store_path(), **options)  # type: ignore[no-any-return]
    try:
        return cls(**options)  # type: ignore[no-any-return]
    except ImportError as e:
        raise ConfigError(f"store {name!r} needs an optional dependency: {e.name or e}") from e
