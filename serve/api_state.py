"""The served state a request picked, visible to the service for the request's duration."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matchgraph.serve.state import ServedState

__all__ = ["state_var"]

state_var: ContextVar[ServedState | None] = ContextVar("matchgraph_served_state", default=None)
