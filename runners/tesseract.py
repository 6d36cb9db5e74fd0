"""Tesseract 5 through ``pytesseract`` (Debian's ``tesseract-ocr`` and language packs)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path
from typing import ClassVar

from matchgraph.errors import RunnerError
from matchgraph.runners.base import Availability, Needs, RunnerInfo, RunOptions
from matchgraph.runners.suites import SuiteItem

__all__ = ["TESSERACT_LANGS", "TesseractRunner"]

TESSERACT_LANGS = {"zh": "chi_sim", "en": "eng", "fr": "fra", "es": "spa", "ru": "rus", "de": "deu", "ja": "jpn", "ko": "kor"}
"""ISO 639-1 -> Tesseract language; Debian packs are ``tesseract-ocr-<code with - for _>``."""


def installed_languages() -> set[str]:
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in out.stdout.splitlines()[1:] if line.strip()}


class TesseractRunner:
    info: ClassVar[RunnerInfo] = RunnerInfo(
        name="tesseract",
        title="Tesseract 5 (LSTM engine, Debian language packs)",
        task="ocr",
        artifacts=("tesseract",),
        suites=("ocr",),
        needs=Needs(devices=("cpu",), packages=("pytesseract",), binaries=("tesseract",), extra="ocr"),
    )

    def __init__(self) -> None:
        self._langs: set[str] = set()

    def availability(self, options: RunOptions) -> Availability:
        if options.device != "cpu":
            return Availability(False, "Tesseract runs on the CPU only (use --device cpu)")
        if find_spec("pytesseract") is None:
            return Availability(False, "the Python package pytesseract is missing: pip install 'matchgraph[ocr]'")
        if shutil.which("tesseract") is None:
            return Availability(False, "the tesseract binary is missing: apt-get install tesseract-ocr")
        langs = installed_languages()
        missing = [f"tesseract-ocr-{code.replace('_', '-')}" for code in TESSERACT_LANGS.values() if code not in langs]
        if missing:
            return Availability(True, f"runs, but without language packs {', '.join(missing)} (apt-get install them)")
        return Availability(True, f"tesseract with {len(TESSERACT_LANGS)} suite languages installed")

    def load(self, options: RunOptions) -> None:
        self._langs = installed_languages()

    def _lang(self, lang: str | None) -> str:
        code = TESSERACT_LANGS.get(lang or "en", "eng")
        if code not in self._langs:
            raise RunnerError(f"Tesseract has no {code!r} data: apt-get install tesseract-ocr-{code.replace('_', '-')}")
        return code

    def predict(self, item: SuiteItem) -> str:
        import pytesseract
        from PIL import Image

        if item.image is None:
            raise RunnerError(f"suite item {item.item_id} has no image")
        with Image.open(item.image) as image:
            return str(pytesseract.image_to_string(image, lang=self._lang(item.lang)))

    def software(self) -> tuple[str, ...]:
        import pytesseract

        out = [f"tesseract=={pytesseract.get_tesseract_version()}"]
        try:
            out.append(f"pytesseract=={version('pytesseract')}")
        except PackageNotFoundError:
            pass
        return tuple(out)

    def weights_identity(self, options: RunOptions) -> tuple[str, bool]:
        """A hash over the traineddata files of the suite languages (Debian's packs)."""
        tessdata = _tessdata_dir()
        digest = hashlib.sha256()
        for code in sorted(TESSERACT_LANGS.values()):
            path = tessdata / f"{code}.traineddata" if tessdata else None
            if path is not None and path.is_file():
                digest.update(code.encode() + b"\x1f" + hashlib.sha256(path.read_bytes()).digest())
        return f"tessdata sha256:{digest.hexdigest()}", False


def _tessdata_dir() -> Path | None:
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    first = out.stdout.splitlines()[0] if out.stdout else ""
    if '"' in first:
        return Path(first.split('"')[1])
    return None
