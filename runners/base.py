"""The runner contract: what a runner runs, what it stands for, what it needs.

A runner executes a real model or engine over a suite's items and returns what it read or
made for each; :mod:`matchgraph.runners.execute` times it, scores it and turns the result into
a :class:`RunRecord` that :mod:`matchgraph.runners.evidence` stores as a named graph. Keeping
the runner to "load, then predict one item" lets one timing and scoring path serve every
engine, so figures from different runners are comparable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from matchgraph.runners.suites import SuiteItem

__all__ = [
    "Availability",
    "ItemOutput",
    "Measurement",
    "Needs",
    "RunOptions",
    "RunRecord",
    "Runner",
    "RunnerInfo",
    "Task",
]

Task = Literal["ocr", "image-generation", "retrieval"]
Device = Literal["cpu", "cuda"]


@dataclass(frozen=True)
class Needs:
    """What a runner needs before it can run here."""

    devices: tuple[str, ...] = ("cpu",)
    """Devices it can use ("cpu", "cuda")."""
    packages: tuple[str, ...] = ()
    """Python import names."""
    binaries: tuple[str, ...] = ()
    """Executables on PATH (``tesseract``)."""
    weights: bool = False
    """True when a local weights directory (``--weights DIR``) is required."""
    extra: str | None = None
    """The pip extra that installs ``packages`` (``ocr``, ``torch``)."""


@dataclass(frozen=True)
class RunnerInfo:
    """A runner's self-description, listed by ``matchgraph runners``."""

    name: str
    title: str
    task: Task
    artifacts: tuple[str, ...]
    """Slugs of the artifacts this runner can stand for; the first is its own (default)."""
    suites: tuple[str, ...]
    """Suite kinds it accepts ("ocr", "image-prompts")."""
    needs: Needs = field(default_factory=Needs)
    stand_in: Mapping[str, str] = field(default_factory=dict)
    """Artifacts it stands for only by proxy, with why (RapidOCR runs PaddleOCR's PP-OCR
    models through ONNX Runtime); recorded on every run attached to them."""


@dataclass(frozen=True)
class Availability:
    ok: bool
    reason: str
    """Why not, or what it will use ("tesseract 5.3.0 with 9 languages")."""


@dataclass(frozen=True)
class RunOptions:
    device: Device = "cpu"
    weights: Path | None = None
    dtype: str | None = None
    """Torch dtype name ("bfloat16"); None means the runner's default."""
    batch_size: int = 1
    limit: int | None = None
    """Run on the first N items per language only (a quick experiment)."""
    steps: int | None = None
    """Denoising steps for image generators (None: the model's default, 28 for SD 3.5)."""
    size: int | None = None
    """Image side in pixels for image generators (None: 1024)."""
    max_new_tokens: int | None = None
    """Generation budget for OCR language models (None: 512)."""


@dataclass(frozen=True)
class ItemOutput:
    """What a runner produced for one suite item."""

    item_id: str
    text: str
    seconds: float


@dataclass(frozen=True)
class Measurement:
    """One figure: a metric's value with its unit, for a language or one item or the run."""

    metric: str
    """Local name of an ``mg:`` metric (``CharacterErrorRate``...)."""
    value: float
    unit: str
    """Local name of a QUDT unit (``UNITLESS``, ``SEC``, ``BYTE``, ``PER-SEC``)."""
    language: str | None = None
    item: str | None = None


@dataclass(frozen=True)
class RunRecord:
    """Everything one run measured and the conditions it measured under."""

    run_id: str
    runner: str
    artifact: str
    suite: str
    suite_hash: str
    items: int
    device: str
    hardware: str
    memory_bytes: int
    software: tuple[str, ...]
    """"name==version" for every package or binary that did the work."""
    weights: str
    """Identity of the weights: a hash of the weights directory, a packaged model's hash,
    or "random weights"."""
    random_weights: bool
    started: str
    ended: str
    measurements: tuple[Measurement, ...]
    note: str | None = None
    """Caveats the ledger must carry (stand-in, random weights)."""

    def figure(self, metric: str, language: str | None = None) -> float | None:
        """The run-level (or per-language) value of ``metric``; None when not measured."""
        for m in self.measurements:
            if m.metric == metric and m.language == language and m.item is None:
                return m.value
        return None


@runtime_checkable
class Runner(Protocol):
    """Loads a model once, then handles one item at a time.

    ``availability`` must be cheap and never import the heavy packages' models; ``load`` may
    take minutes. ``software`` names the versions that did the work; ``weights_identity`` says
    which weights ran (or "random weights").
    """

    info: ClassVar[RunnerInfo]

    def availability(self, options: RunOptions) -> Availability: ...

    def load(self, options: RunOptions) -> None: ...

    def predict(self, item: SuiteItem) -> str:
        """The text read from the item's image (OCR), or read back from what it generated."""
        ...

    def software(self) -> tuple[str, ...]: ...

    def weights_identity(self, options: RunOptions) -> tuple[str, bool]:
        """(identity, random_weights)."""
        ...
