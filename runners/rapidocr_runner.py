"""RapidOCR 3.x on ONNX Runtime: PaddleOCR's PP-OCR det/cls/rec models, shipped in the wheel.

Nothing is downloaded: the wheel carries the ONNX files, and this runner refuses to start if
they are absent rather than let RapidOCR fetch them. Because those are PaddleOCR's own
models, the runner can stand for PaddleOCR; every run attached to PaddleOCR says so.
"""

from __future__ import annotations

import hashlib
import logging
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

from matchgraph.errors import RunnerError
from matchgraph.runners.base import Availability, Needs, RunnerInfo, RunOptions
from matchgraph.runners.suites import SuiteItem

__all__ = ["RapidOcrRunner"]


def _model_dir() -> Path | None:
    spec = find_spec("rapidocr")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "models"


class RapidOcrRunner:
    info: ClassVar[RunnerInfo] = RunnerInfo(
        name="rapidocr",
        title="RapidOCR (PP-OCR det/cls/rec ONNX models on ONNX Runtime, CPU)",
        task="ocr",
        artifacts=("rapidocr", "paddleocr"),
        suites=("ocr",),
        needs=Needs(devices=("cpu",), packages=("rapidocr", "onnxruntime"), extra="ocr"),
        stand_in={
            "paddleocr": "measured with RapidOCR, which runs PaddleOCR's PP-OCR detection, "
            "classification and recognition models converted to ONNX; not the PaddlePaddle runtime",
        },
    )

    def __init__(self) -> None:
        self._engine: Any = None

    def availability(self, options: RunOptions) -> Availability:
        if options.device != "cpu":
            return Availability(False, "this runner uses ONNX Runtime's CPU provider only (use --device cpu)")
        for package in ("rapidocr", "onnxruntime"):
            if find_spec(package) is None:
                return Availability(False, f"the Python package {package} is missing: pip install 'matchgraph[ocr]'")
        models = self._models()
        if not models:
            return Availability(False, "rapidocr's wheel carries no ONNX models here; refusing to download them")
        return Availability(True, f"{len(models)} bundled ONNX models: {', '.join(p.name for p in models)}")

    def _models(self) -> list[Path]:
        root = _model_dir()
        return sorted(root.glob("*.onnx")) if root and root.is_dir() else []

    def load(self, options: RunOptions) -> None:
        if not self._models():
            raise RunnerError("rapidocr's bundled models are missing; refusing to download them")
        from rapidocr import RapidOCR

        self._engine = RapidOCR()
        for name in ("RapidOCR", "rapidocr"):
            logging.getLogger(name).setLevel(logging.WARNING)

    def predict(self, item: SuiteItem) -> str:
        if self._engine is None:
            raise RunnerError("RapidOCR runner used before load()")
        if item.image is None:
            raise RunnerError(f"suite item {item.item_id} has no image")
        result = self._engine(str(item.image))
        return " ".join(result.txts or ())

    def software(self) -> tuple[str, ...]:
        out = []
        for package in ("rapidocr", "onnxruntime"):
            try:
                out.append(f"{package}=={version(package)}")
            except PackageNotFoundError:
                pass
        return tuple(out)

    def weights_identity(self, options: RunOptions) -> tuple[str, bool]:
        """The bundled ONNX files, by name and hash."""
        digest = hashlib.sha256()
        names = []
        for path in self._models():
            digest.update(path.name.encode() + b"\x1f" + hashlib.sha256(path.read_bytes()).digest())
            names.append(path.stem)
        return f"bundled {'+'.join(names)} sha256:{digest.hexdigest()}", False
