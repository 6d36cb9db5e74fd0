"""Run a runner over a suite: time every item, score it, describe the conditions.

Returns a :class:`~matchgraph.runners.base.RunRecord`; storing it is
:mod:`matchgraph.runners.evidence`'s job, so a run can be inspected before it is attached.
"""

from __future__ import annotations

import os
import platform
import resource
import secrets
import sys
import threading
import time
from datetime import UTC, datetime

from matchgraph.errors import ConfigError, RunnerError
from matchgraph.runners.base import Measurement, Runner, RunOptions, RunRecord
from matchgraph.runners.metrics import normalize, ocr_measurements
from matchgraph.runners.registry import get_runner
from matchgraph.runners.suites import Suite

__all__ = ["PeakMemory", "hardware", "new_run_id", "run_suite"]


def new_run_id(runner: str, when: datetime) -> str:
    return f"{runner}-{when.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def hardware(device: str) -> tuple[str, int]:
    """(description, memory bytes) of what ran: the GPU's name and memory for cuda, else
    the CPU model, core count and RAM."""
    if device == "cuda":
        import torch

        props = torch.cuda.get_device_properties(0)
        return f"GPU {props.name}", int(props.total_memory)
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = 0
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        pass
    return f"CPU {model}, {os.cpu_count()} logical cores", int(memory)


class PeakMemory:
    """Peak memory while a run is going: this process's resident set sampled every 20 ms
    (the process's lifetime peak would carry an earlier run's peak into a later one), the
    largest child process (Tesseract runs as one), or CUDA's peak allocation on a GPU run."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        if self.device == "cuda":
            import torch

            torch.cuda.reset_peak_memory_stats()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.device == "cuda":
            import torch

            self.peak = int(torch.cuda.max_memory_allocated())
            return
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        self.peak = max(self.peak, int(children))

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        while True:
            try:
                with open("/proc/self/statm", encoding="ascii") as f:
                    self.peak = max(self.peak, int(f.read().split()[1]) * page)
            except (OSError, ValueError, IndexError):
                own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
                self.peak = max(self.peak, int(own))
            if self._stop.wait(0.02):
                return


def run_suite(runner_name: str, suite: Suite, options: RunOptions, *, artifact: str | None = None,
              runner: Runner | None = None) -> RunRecord:
    """Run ``runner_name`` on every item of ``suite``.

    Raises:
        ConfigError: the runner does not take this kind of suite or cannot stand for ``artifact``.
        RunnerError: it cannot run here (the reason says what is missing).
    """
    runner = runner or get_runner(runner_name)
    info = runner.info
    artifact = artifact or info.artifacts[0]
    if artifact not in info.artifacts:
        raise ConfigError(f"runner {info.name!r} stands for {list(info.artifacts)}, not {artifact!r}")
    if suite.kind not in info.suites:
        raise ConfigError(f"runner {info.name!r} takes {list(info.suites)} suites; {suite.name!r} is {suite.kind!r}")
    available = runner.availability(options)
    if not available.ok:
        raise RunnerError(f"runner {info.name!r} cannot run here: {available.reason}")
    if options.limit:
        suite = suite.take(options.limit)
    started = datetime.now(UTC)
    rows = []
    with PeakMemory(options.device) as memory:
        runner.load(options)
        if suite.kind == "retrieval":
            index = getattr(runner, "index", None)
            if index is None:
                raise ConfigError(f"runner {info.name!r} cannot index a retrieval suite's passages")
            index(suite.documents)  # once, before any query is timed
        for item in suite.items:
            t0 = time.perf_counter()
            text = runner.predict(item)
            rows.append((item.item_id, item.lang, item.text, text, time.perf_counter() - t0))
    ended = datetime.now(UTC)
    if suite.kind == "retrieval":
        from matchgraph.runners.retrieval_metrics import retrieval_measurements

        measurements = retrieval_measurements([(r[0], r[2], r[3], r[4]) for r in rows])
    else:
        measurements = ocr_measurements(rows)
    if suite.kind == "image-prompts":
        exact = [normalize(r[2], r[1]) == normalize(r[3], r[1]) for r in rows]
        measurements.append(Measurement("ExactMatchRate", sum(exact) / len(exact), "UNITLESS"))
    measurements.append(Measurement("PeakMemory", float(memory.peak), "BYTE"))
    weights, random_weights = runner.weights_identity(options)
    notes = []
    if artifact in info.stand_in:
        notes.append(f"stand-in for {artifact}: {info.stand_in[artifact]}")
    if random_weights:
        notes.append("random weights: evidence of speed and memory only, not of accuracy")
    described, memory = hardware(options.device)
    return RunRecord(
        run_id=new_run_id(info.name, started),
        runner=info.name,
        artifact=artifact,
        suite=suite.name,
        suite_hash=suite.content_hash,
        items=len(suite.items),
        device=options.device,
        hardware=described,
        memory_bytes=memory,
        software=(f"python=={platform.python_version()}", *runner.software()),
        weights=weights,
        random_weights=random_weights,
        started=started.isoformat(),
        ended=ended.isoformat(),
        measurements=tuple(measurements),
        note="; ".join(notes) or None,
    )
