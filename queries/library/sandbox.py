"""User SPARQL as a sandbox: read-only, on this machine, bounded in time.

``matchgraph sparql`` and :meth:`OxigraphStore.sparql` run text a user wrote. Before the
engine sees it, :func:`check_read_only` refuses anything that writes or reaches outside the
store: federated ``SERVICE`` (pyoxigraph would send an HTTP request), and every SPARQL
Update operation (``LOAD`` dereferences an address; ``INSERT``, ``DELETE``, ``DROP``...
write). The check reads the query's tokens with strings, IRIs, comments, variables and
prefixed names removed, so a keyword inside a literal or an IRI never trips it, and a
keyword that is really there always does.

pyoxigraph evaluates in Rust and ignores ``SIGINT``. :func:`run_bounded` therefore runs the
evaluation (including reading every result) in a worker thread and waits in short slices:
Ctrl-C and the deadline return control within a fraction of a second. The engine releases
the GIL, so an abandoned evaluation cannot block the caller; it runs on in its daemon
thread until it finishes or the process exits (the CLI exits at once).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from matchgraph.errors import QueryError

__all__ = ["DEFAULT_TIMEOUT", "QueryTimeout", "Solutions", "check_read_only", "run_bounded"]

DEFAULT_TIMEOUT = 30.0
"""Seconds a user query may run (``--timeout``; ``MATCHGRAPH_QUERY_TIMEOUT``)."""

T = TypeVar("T")

_SKIP = re.compile(
    r'''"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"(?:[^"\\\n]|\\.)*"'''
    r"""|'(?:[^'\\\n]|\\.)*'"""
    r"""|<[^<>"{}|^`\\\x00-\x20]*>"""
    r"""|\#[^\n]*"""
    r"""|[?$][\w\u00b7\u00c0-\uffff]+"""
    r"""|[\w\u00c0-\uffff.-]*:[\w\u00c0-\uffff.%-]*""",
    re.DOTALL,
)
_FORBIDDEN = {
    "SERVICE": "federated SERVICE queries reach other machines",
    "LOAD": "LOAD fetches documents from addresses",
    "INSERT": "updates change the store",
    "DELETE": "updates change the store",
    "DROP": "updates change the store",
    "CLEAR": "updates change the store",
    "CREATE": "updates change the store",
    "ADD": "updates change the store",
    "MOVE": "updates change the store",
    "COPY": "updates change the store",
    "WITH": "updates change the store",
}
_WORD = re.compile(r"[A-Za-z_]+")


def check_read_only(text: str) -> None:
    """Refuse a query that could write or reach the network, before it runs.

    Raises:
        QueryError: the query uses SERVICE, LOAD or any update operation.

    >>> check_read_only("SELECT * WHERE { ?s ?p 'SERVICE' }")
    >>> check_read_only("SELECT * WHERE { SERVICE <http://x.test/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    matchgraph.errors.QueryError: SERVICE is not allowed: federated SERVICE queries reach other machines; matchgraph queries only the local store
    """
    stripped = _SKIP.sub(" ", text)
    for word in _WORD.findall(stripped):
        reason = _FORBIDDEN.get(word.upper())
        if reason:
            raise QueryError(f"{word.upper()} is not allowed: {reason}; matchgraph queries only the local store")


@dataclass(frozen=True)
class Solutions:
    """SELECT results read in full: the variables and the solutions, in order."""

    variables: list[Any]
    solutions: list[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.solutions)

    def __len__(self) -> int:
        return len(self.solutions)


class QueryTimeout(QueryError):
    """A query ran past its time limit or was interrupted; it was abandoned."""


def run_bounded(work: Callable[[], T], timeout: float | None, *, what: str = "query") -> T:
    """Run ``work()`` in a daemon thread; return its result, or raise within ~0.1 s of the
    deadline (:class:`QueryTimeout`) or of Ctrl-C (``KeyboardInterrupt``).

    ``timeout`` None or <= 0 means no limit (Ctrl-C still works).
    """
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as e:  # handed to the caller's thread
            box["error"] = e

    worker = threading.Thread(target=target, name=f"matchgraph-{what}", daemon=True)
    started = time.monotonic()
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
        if timeout and timeout > 0 and time.monotonic() - started > timeout:
            raise QueryTimeout(f"{what} stopped after {timeout:g} s (raise the limit with --timeout)")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
