"""Runners registered by name and imported lazily, open to other packages.

``import matchgraph`` and ``matchgraph runners`` never import torch, onnxruntime or
pytesseract: the table below maps names to ``module:Class`` strings, and a runner's module is
imported only when it is asked for. Third-party packages add runners through the
``matchgraph.runners`` entry-point group (``name = "package.module:Class"``), the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from importlib.metadata import entry_points

from matchgraph.errors import ConfigError
from matchgraph.runners.base import Availability, Runner, RunnerInfo, RunOptions

__all__ = ["BUILTIN", "ENTRY_POINT_GROUP", "RunnerStatus", "get_runner", "runner_class", "runner_names", "runner_statuses"]

ENTRY_POINT_GROUP = "matchgraph.runners"

BUILTIN: dict[str, str] = {
    "tesseract": "matchgraph.runners.tesseract:TesseractRunner",
    "rapidocr": "matchgraph.runners.rapidocr_runner:RapidOcrRunner",
    "glm-ocr": "matchgraph.runners.glm_ocr:GlmOcrRunner",
    "sd35-large": "matchgraph.runners.sd35:StableDiffusion35Runner",
    "minilm": "matchgraph.runners.retrieval_runners:MiniLmRunner",
    "bm25": "matchgraph.runners.retrieval_runners:Bm25Runner",
}


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Built-in runners plus entry points (scanned once per process: a scan reads every
    installed distribution's metadata, 0.1 s, and claim checks ask per claim)."""
    table = dict(BUILTIN)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        table.setdefault(ep.name, ep.value)
    return table


def runner_names() -> list[str]:
    return sorted(_table())


@lru_cache(maxsize=None)
def runner_class(name: str) -> type[Runner]:
    """The class registered under ``name``, imported now.

    Raises:
        ConfigError: unknown name, or its module cannot be imported.
    """
    table = _table()
    if name not in table:
        raise ConfigError(f"unknown runner {name!r}; choose one of {sorted(table)}")
    module_name, _, class_name = table[name].partition(":")
    try:
        return getattr(import_module(module_name), class_name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError) as e:
        raise ConfigError(f"runner {name!r} cannot be imported from {table[name]}: {e}") from e


def get_runner(name: str) -> Runner:
    return runner_class(name)()


@dataclass(frozen=True)
class RunnerStatus:
    info: RunnerInfo
    availability: Availability


def runner_statuses(options: RunOptions | None = None) -> list[RunnerStatus]:
    """Every registered runner with whether it can run here and why not."""
    options = options or RunOptions()
    out = []
    for name in runner_names():
        try:
            cls = runner_class(name)
        except ConfigError as e:
            info = RunnerInfo(name=name, title=name, task="ocr", artifacts=(), suites=())
            out.append(RunnerStatus(info, Availability(False, str(e))))
            continue
        out.append(RunnerStatus(cls.info, cls().availability(options)))
    return out
