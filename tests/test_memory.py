"""The load hands what it freed back to the system before the index build."""

from __future__ import annotations

import ctypes
import sys

import pytest

from matchgraph.cli import memory


def _resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(x for x in status if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim and /proc")
def test_freed_blocks_leave_the_process() -> None:
    blocks = [bytes([i % 251]) * 2000 for i in range(150_000)]  # about 300 MB of C-heap blocks
    keep = blocks[::100]  # a live block every 200 KB: the heap's top cannot shrink on its own
    del blocks
    before = _resident_mb()
    assert memory.return_freed_memory()
    assert before - _resident_mb() > 150, "the free pages between the live blocks went back"
    assert len(keep) == 1500


def test_without_malloc_trim_nothing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_libc(name: str) -> ctypes.CDLL:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(memory.ctypes, "CDLL", no_libc)
    assert memory.return_freed_memory() is False
