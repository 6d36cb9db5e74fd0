"""Peak memory of a process and everything it starts, sampled from ``/proc`` (Linux).

``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the largest single process's peak: a load
whose workers run beside its main process uses more than that at once. A thread samples
the resident set of the whole tree every ``interval`` seconds and keeps the largest sum
(and the largest single process, for comparison with ``ru_maxrss``). Sampling can miss a
peak shorter than the interval, so the sum is a lower bound of the true peak.
"""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass

__all__ = ["TreePeak", "run_sampled"]

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class TreePeak:
    """Largest resident set seen: of the whole tree at once, and of one process (bytes)."""

    together: int = 0
    largest: int = 0

    def sample(self, root: int) -> None:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            pid = int(name)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * _PAGE
        total, stack = 0, [root]
        while stack:
            pid = stack.pop()
            total += rss.get(pid, 0)
            self.largest = max(self.largest, rss.get(pid, 0))
            stack += children.get(pid, [])
        self.together = max(self.together, total)


def run_sampled(command: list[str], *, interval: float = 0.25, **options: object) -> tuple[subprocess.CompletedProcess[str], TreePeak | None]:
    """``subprocess.run(command, **options)`` (text mode) with the tree's peak memory
    sampled meanwhile; None for the peak where ``/proc`` cannot be read (not Linux)."""
    if not os.path.isdir("/proc/self"):
        return subprocess.run(command, text=True, **options), None  # type: ignore[call-overload, no-any-return]
    peak = TreePeak()
    process = subprocess.Popen(command, text=True, **options)  # type: ignore[call-overload]
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(interval):
            peak.sample(process.pid)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        stdout, stderr = process.communicate()
    finally:
        stop.set()
        watcher.join()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), peak
