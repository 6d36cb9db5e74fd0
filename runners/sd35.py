"""Stable Diffusion 3.5 Large through diffusers' ``StableDiffusion3Pipeline``, read back by OCR.

Loads only from a local directory (``--weights DIR`` or ``MATCHGRAPH_SD35_WEIGHTS``); defaults
are the model card's: 28 steps, guidance 3.5, 1024 x 1024. Each prompt of the
``text-rendering`` suite asks for a given text; the generated image is read back by the best
available OCR runner (Tesseract, else RapidOCR), and the text read is what gets scored.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, ClassVar

from matchgraph.errors import RunnerError
from matchgraph.runners.base import Availability, Needs, Runner, RunnerInfo, RunOptions
from matchgraph.runners.suites import SuiteItem
from matchgraph.runners.torch_common import torch_availability, torch_dtype, versions
from matchgraph.runners.weights import directory_identity, weights_dir

__all__ = ["DEFAULT_GUIDANCE", "DEFAULT_SIZE", "DEFAULT_STEPS", "ENV", "StableDiffusion35Runner"]

ENV = "MATCHGRAPH_SD35_WEIGHTS"
DEFAULT_STEPS = 28
DEFAULT_GUIDANCE = 3.5
DEFAULT_SIZE = 1024
_PACKAGES = ("torch", "transformers", "diffusers")


class StableDiffusion35Runner:
    info: ClassVar[RunnerInfo] = RunnerInfo(
        name="sd35-large",
        title="Stable Diffusion 3.5 Large (diffusers, local weights), read back by OCR",
        task="image-generation",
        artifacts=("stable-diffusion-3-5-large", "stabilityai--stable-diffusion-3.5-large"),
        suites=("image-prompts",),
        needs=Needs(devices=("cpu", "cuda"), packages=_PACKAGES, weights=True, extra="torch"),
    )

    def __init__(self) -> None:
        self._pipe: Any = None
        self._reader: Runner | None = None
        self._options = RunOptions()
        self.last_image: Any = None

    def availability(self, options: RunOptions) -> Availability:
        return torch_availability(options, _PACKAGES, weights_dir(options.weights, ENV), ENV)

    def load(self, options: RunOptions) -> None:
        from diffusers import StableDiffusion3Pipeline

        root = weights_dir(options.weights, ENV)
        if root is None:
            raise RunnerError(f"Stable Diffusion 3.5 needs --weights DIR or {ENV}")
        self._options = options
        pipe = StableDiffusion3Pipeline.from_pretrained(root, dtype=torch_dtype(options), local_files_only=True)
        self._pipe = pipe.to(options.device)
        self._pipe.set_progress_bar_config(disable=True)
        self._reader = _reader()

    def generate(self, prompt: str, seed: int = 0) -> Any:
        import torch

        if self._pipe is None:
            raise RunnerError("Stable Diffusion 3.5 runner used before load()")
        size = self._options.size or DEFAULT_SIZE
        generator = torch.Generator(device="cpu").manual_seed(seed)
        with torch.inference_mode():
            out = self._pipe(prompt, num_inference_steps=self._options.steps or DEFAULT_STEPS,
                             guidance_scale=DEFAULT_GUIDANCE, height=size, width=size, generator=generator)
        return out.images[0]

    def predict(self, item: SuiteItem) -> str:
        self.last_image = self.generate(item.prompt or item.text)
        if self._reader is None:
            return ""
        # The OCR runners read files: one scratch folder per image, removed once read (a
        # folder made per runner was left in the temp directory by every listing of runners).
        with tempfile.TemporaryDirectory(prefix="matchgraph-sd35-") as scratch:
            path = Path(scratch) / "image.png"
            self.last_image.save(path)
            return self._reader.predict(SuiteItem(item_id=item.item_id, text=item.text, image=path, lang=item.lang))

    def software(self) -> tuple[str, ...]:
        reader = self._reader.software() if self._reader is not None else ()
        return versions(("torch", "transformers", "diffusers", "accelerate")) + reader

    def weights_identity(self, options: RunOptions) -> tuple[str, bool]:
        root = weights_dir(options.weights, ENV)
        if root is None:
            raise RunnerError(f"Stable Diffusion 3.5 needs --weights DIR or {ENV}")
        return directory_identity(root)


def _reader() -> Runner | None:
    """The OCR runner that reads generated images back: Tesseract, else RapidOCR, else none."""
    from matchgraph.runners.registry import get_runner

    for name in ("tesseract", "rapidocr"):
        runner = get_runner(name)
        if runner.availability(RunOptions()).ok:
            runner.load(RunOptions())
            return runner
    return None
