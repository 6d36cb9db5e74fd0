"""Cyclic garbage collection paused while derived state is built.

Building a snapshot or an index makes millions of small objects (2.1 million records at
100,000 artifacts, with their tuples) and none of them form cycles; the cyclic collector
still walks them, more often the more there are: at 100,000 artifacts a snapshot took
36.6 s with it and 29.9 s without, at the same peak memory. Reference counting frees
everything as before; only cycles wait until the block ends.

>>> import gc
>>> with paused_gc():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for the block (nested blocks: the outermost resumes it;
    a collector already paused by the caller stays paused)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
