"""matchgraph: a capability knowledge graph and match engine for AI models and tools.

The package is laid out as one folder per job (see the README): ``loaders`` turn documents
into typed facts, ``ontology`` holds the vocabulary and SHACL shapes, ``graph`` holds the
stores, ``queries`` the match engine and query library, ``cli`` the command line.
"""

from matchgraph.errors import (
    ConfigError,
    LoadError,
    MatchgraphError,
    QueryError,
    StoreError,
    ValidationError,
)

__all__ = [
    "ConfigError",
    "Engine",
    "LoadError",
    "MatchgraphError",
    "QueryError",
    "StoreError",
    "ValidationError",
    "__version__",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``matchgraph.Engine`` without importing the engine (and numpy) at package import."""
    if name == "Engine":
        from matchgraph.engine import Engine

        return Engine
    raise AttributeError(f"module 'matchgraph' has no attribute {name!r}")
