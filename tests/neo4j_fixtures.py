"""Session fixtures for tests that need a real Neo4j server.

The server is started beforehand (CI: ``bash graph/server/neo4j.sh start`` in .ci/run) and
found through ``Neo4jSettings.load()``, the same settings the CLI uses. When none answers,
the tests skip on a developer's machine but fail when CI=true, because a missing service
in CI must not pass as green. MATCHGRAPH_NEO4J_AUTOSTART=1 starts (and afterwards stops) a
server from inside the test session instead.

Use from a test module with ``from neo4j_fixtures import neo4j_settings``, or list this
module in ``pytest_plugins`` of tests/conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

from matchgraph.errors import MatchgraphError
from matchgraph.graph.neo4j.server import Neo4jSettings, start, stop

if TYPE_CHECKING:
    from neo4j import Driver

__all__ = ["neo", "neo4j_driver", "neo4j_settings"]


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail under CI, where a missing server is a broken pipeline."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Neo4j is required in CI: {reason}", pytrace=False)
    pytest.skip(f"no Neo4j server: {reason}")


def _login_error(settings: Neo4jSettings) -> str | None:
    """None when our login runs a query, else a one-line reason (never the password)."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError, Neo4jError

    try:
        with GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password),
                                  connection_timeout=5) as driver:
            with driver.session() as session:  # not execute_query: it retries for 30 s
                session.run("RETURN 1").consume()
    except (DriverError, Neo4jError, OSError) as e:
        return f"{settings.uri}: {type(e).__name__}"
    return None


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Neo4jSettings]:
    """Settings of a running server whose login works; see the module docstring."""
    pytest.importorskip("neo4j")
    autostart = os.environ.get("MATCHGRAPH_NEO4J_AUTOSTART") == "1"
    try:
        settings = Neo4jSettings.load(create=autostart)
    except MatchgraphError as e:
        _unavailable(str(e))
    started = False
    if _login_error(settings) is not None and autostart:
        try:
            start(settings)
        except MatchgraphError as e:
            _unavailable(f"autostart failed: {e}")
        started = True
    reason = _login_error(settings)
    if reason is not None:
        _unavailable(f"{reason} (start it with: bash graph/server/neo4j.sh start)")
    yield settings
    if started:
        stop(settings)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Neo4jSettings) -> Iterator[Driver]:
    """One authenticated driver for the whole session (drivers hold a connection pool)."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo4j_settings.uri,
                              auth=(neo4j_settings.user, neo4j_settings.password)) as driver:
        yield driver


@pytest.fixture
def neo(neo4j_settings: Neo4jSettings) -> Iterator[object]:
    """A Neo4j store on the test server, emptied first (Community has one database)."""
    from matchgraph.graph.neo4j.store import Neo4jStore

    store = Neo4jStore(neo4j_settings)
    store.wipe()
    yield store
    store.close()
