"""Errors as RFC 9457 problem details, with the same meaning as the CLI's exit codes.

One table maps each :mod:`matchgraph.errors` class to an HTTP status and a problem type;
the body also carries the CLI's ``exit_code`` (1 failed operation, 2 bad usage) and, for an
ambiguous name, its candidates, so a client can ask again with a slug.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from matchgraph.errors import (
    AmbiguousNameError,
    ConfigError,
    MatchgraphError,
    NotFoundError,
    QueryError,
    StoreError,
)
from matchgraph.serve.models import Problem
from matchgraph.serve.service import InputTooLarge

__all__ = ["PROBLEM_BASE", "ProblemResponse", "problem", "problem_for"]

PROBLEM_BASE = "https://w3id.org/matchgraph/problem/"
MEDIA_TYPE = "application/problem+json"

# (class, status, type slug, title); the first class an error is an instance of wins.
_TABLE: tuple[tuple[type[MatchgraphError], int, str, str], ...] = (
    (AmbiguousNameError, 409, "ambiguous-name", "The name matches several artifacts"),
    (NotFoundError, 404, "not-found", "Nothing in the graph matches"),
    (InputTooLarge, 413, "too-large", "Input too large"),
    (ConfigError, 400, "bad-input", "Bad input"),
    (QueryError, 400, "bad-input", "Bad input"),
    (StoreError, 503, "store-busy", "The store is busy"),
)


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def problem(status: int, kind: str, title: str, detail: str | None = None, *,
            headers: dict[str, str] | None = None, **extra: Any) -> ProblemResponse:
    body = Problem(type=PROBLEM_BASE + kind, title=title, status=status, detail=detail, **extra)
    return ProblemResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def problem_for(error: MatchgraphError, instance: str | None = None) -> ProblemResponse:
    """The problem response for an engine error."""
    for cls, status, kind, title in _TABLE:
        if isinstance(error, cls):
            break
    else:
        status, kind, title = 500, "failed", "The operation failed"
    extra: dict[str, Any] = {"exit_code": error.exit_code, "instance": instance}
    headers = None
    if isinstance(error, AmbiguousNameError):
        extra["candidates"] = [{"slug": s, "name": n} for s, n in error.candidates]
        extra["candidates_total"] = error.total
    if isinstance(error, StoreError):
        headers = {"Retry-After": "2"}
    return problem(status, kind, title, str(error), headers=headers, **extra)
