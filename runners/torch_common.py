"""What the torch runners share: availability of torch and a device, dtypes, versions."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path

from matchgraph.runners.base import Availability, RunOptions

__all__ = ["torch_availability", "torch_dtype", "versions"]


def torch_availability(options: RunOptions, packages: tuple[str, ...], weights: Path | None, env: str) -> Availability:
    """Cheap checks first (packages, weights directory); torch is imported only for cuda."""
    if weights is None:
        return Availability(False, f"weights not present: pass --weights DIR or set {env} to a local model directory")
    if not (weights / "config.json").is_file() and not (weights / "model_index.json").is_file():
        return Availability(False, f"weights not present: {weights} has no config.json or model_index.json")
    for package in packages:
        if find_spec(package) is None:
            return Availability(False, f"the Python package {package} is missing: pip install 'matchgraph[torch]'")
    if options.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            return Availability(False, "--device cuda asked for, but torch sees no CUDA device here")
    return Availability(True, f"weights from {weights} on {options.device}")


def torch_dtype(options: RunOptions):  # type: ignore[no-untyped-def]
    """bf16 on CUDA by default, fp32 on CPU (bf16 matmuls are slow on most CPUs)."""
    import torch

    name = options.dtype or ("bfloat16" if options.device == "cuda" else "float32")
    return getattr(torch, name)


def versions(packages: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for package in packages:
        try:
            out.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            pass
    return tuple(out)
