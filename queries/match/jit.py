"""numba when the ``fast`` extra is installed, else the same code run by the interpreter.

The match kernels are written once, in the subset of Python numba compiles. numba is an
optional dependency (``pip install matchgraph[fast]``): without it ``njit`` returns the
function unchanged and ``prange`` is ``range``, so results are identical and only speed
differs (the all-pairs kernel is then for small graphs only).

>>> @njit
... def twice(x: int) -> int:
...     return 2 * x
>>> twice(21)
42
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["HAVE_NUMBA", "njit", "prange"]

try:
    from numba import njit, prange

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only without the extra
    HAVE_NUMBA = False
    prange = range  # type: ignore[misc,assignment]

    def njit(*args: Any, **kwargs: Any) -> Any:  # type: ignore[no-redef]
        """No-op stand-in for ``numba.njit`` (with or without options)."""
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]

        def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
            return fn

        return wrap
