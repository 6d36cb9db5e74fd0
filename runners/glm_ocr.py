"""GLM-OCR through transformers (``AutoModelForImageTextToText`` -> ``GlmOcrForConditionalGeneration``).

Loads only from a local directory (``--weights DIR`` or ``MATCHGRAPH_GLM_OCR_WEIGHTS``) with
the model's own processor and chat template, and asks each page with GLM-OCR's
``Text Recognition:`` prompt. Greedy decoding, so runs are repeatable.
"""

from __future__ import annotations

from typing import Any, ClassVar

from matchgraph.errors import RunnerError
from matchgraph.runners.base import Availability, Needs, RunnerInfo, RunOptions
from matchgraph.runners.suites import SuiteItem
from matchgraph.runners.torch_common import torch_availability, torch_dtype, versions
from matchgraph.runners.weights import directory_identity, weights_dir

__all__ = ["ENV", "PROMPTS", "GlmOcrRunner"]

ENV = "MATCHGRAPH_GLM_OCR_WEIGHTS"
PROMPTS = {"text": "Text Recognition:", "table": "Table Recognition:", "formula": "Formula Recognition:"}
_PACKAGES = ("torch", "transformers")


class GlmOcrRunner:
    info: ClassVar[RunnerInfo] = RunnerInfo(
        name="glm-ocr",
        title="GLM-OCR (transformers, local weights)",
        task="ocr",
        artifacts=("glm-ocr", "zai-org--glm-ocr"),
        suites=("ocr",),
        needs=Needs(devices=("cpu", "cuda"), packages=_PACKAGES, weights=True, extra="torch"),
    )

    def __init__(self) -> None:
        self._model: Any = None
        self._processor: Any = None
        self._options = RunOptions()

    def availability(self, options: RunOptions) -> Availability:
        return torch_availability(options, _PACKAGES, weights_dir(options.weights, ENV), ENV)

    def load(self, options: RunOptions) -> None:
        from transformers import AutoModelForImageTextToText, AutoProcessor

        root = weights_dir(options.weights, ENV)
        if root is None:
            raise RunnerError(f"GLM-OCR needs --weights DIR or {ENV}")
        self._options = options
        self._processor = AutoProcessor.from_pretrained(root, local_files_only=True)
        model = AutoModelForImageTextToText.from_pretrained(root, dtype=torch_dtype(options), local_files_only=True)
        self._model = model.to(options.device).eval()

    def predict(self, item: SuiteItem) -> str:
        import torch
        from PIL import Image

        if self._model is None:
            raise RunnerError("GLM-OCR runner used before load()")
        if item.image is None:
            raise RunnerError(f"suite item {item.item_id} has no image")
        prompt = PROMPTS["table"] if item.layout == "table" else PROMPTS["text"]
        with Image.open(item.image) as image:
            messages = [{"role": "user", "content": [{"type": "image", "image": image.convert("RGB")},
                                                     {"type": "text", "text": prompt}]}]
            inputs = self._processor.apply_chat_template(
                messages, tokenize=True, add_generation_prompt=True, return_dict=True, return_tensors="pt"
            ).to(self._options.device)
        with torch.inference_mode():
            out = self._model.generate(**inputs, max_new_tokens=self._options.max_new_tokens or 512, do_sample=False)
        new = out[0][inputs["input_ids"].shape[1]:]
        return str(self._processor.decode(new, skip_special_tokens=True))

    def software(self) -> tuple[str, ...]:
        return versions(("torch", "transformers", "accelerate"))

    def weights_identity(self, options: RunOptions) -> tuple[str, bool]:
        root = weights_dir(options.weights, ENV)
        if root is None:
            raise RunnerError(f"GLM-OCR needs --weights DIR or {ENV}")
        return directory_identity(root)
