"""Where a long build's time goes, stage by stage, told as it happens.

After a load the index build can take minutes on a large store. The user sees which stage
is running (the CLI's spinner follows :attr:`StageClock.announce`) and, at the end, how long
each took. Stages nest (the snapshot is built inside whichever part first needs it), so each
stage is charged its *own* time, its inner stages' time excluded, and the stages' times add
up to the whole.

>>> ticks = iter([0.0, 1.0, 3.0, 3.5])
>>> clock = StageClock(clock=lambda: next(ticks))
>>> with clock.stage("need index"):
...     with clock.stage("snapshot"):
...         pass
>>> clock.seconds
{'need index': 1.5, 'snapshot': 2.0}
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["StageClock"]


class StageClock:
    """Seconds per stage name (own time, accumulated over every entry), in first-entry order.

    ``announce`` is called with the name of the stage that runs from now on: on entering a
    stage, and with the enclosing stage's name on leaving an inner one.
    """

    def __init__(self, announce: Callable[[str], None] | None = None, *,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.announce = announce
        self.seconds: dict[str, float] = {}
        self._clock = clock
        self._running: list[str] = []
        self._since = 0.0

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Charge the time until the block ends to ``name`` (less its inner stages')."""
        self._switch(name)
        try:
            yield
        finally:
            self._switch(None)

    def _switch(self, entering: str | None) -> None:
        now = self._clock()
        if self._running:
            running = self._running[-1]
            self.seconds[running] = self.seconds.get(running, 0.0) + now - self._since
        self._since = now
        if entering is None:
            self._running.pop()
        else:
            self.seconds.setdefault(entering, 0.0)
            self._running.append(entering)
        if self._running and self.announce is not None:
            self.announce(self._running[-1])

    def summary(self, *, at_least: float = 0.05) -> str:
        """``"snapshot 95.1 s, need index 74.0 s"``: the stages that took ``at_least``
        seconds, longest first."""
        shown = sorted(((s, n) for n, s in self.seconds.items() if s >= at_least), key=lambda t: -t[0])
        return ", ".join(f"{name} {seconds:.1f} s" for seconds, name in shown)
