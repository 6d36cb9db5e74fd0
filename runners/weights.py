"""Where torch runners find their weights, and how a run names them.

Weights come only from a local directory (``--weights DIR``, else the runner's environment
variable); nothing is downloaded. A directory holding a file named ``RANDOM_WEIGHTS`` (what
the tests' tiny-model builders write) is declared random, and every run on it says so.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["RANDOM_MARKER", "directory_identity", "weights_dir"]

RANDOM_MARKER = "RANDOM_WEIGHTS"


def weights_dir(option: Path | None, env: str) -> Path | None:
    if option is not None:
        return option
    value = os.environ.get(env)
    return Path(value) if value else None


def directory_identity(root: Path) -> tuple[str, bool]:
    """("sha256:<hash over every file's relative path and bytes>", random weights?)."""
    random = (root / RANDOM_MARKER).is_file()
    if random:
        return "random weights", True
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\x1f")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return f"sha256:{digest.hexdigest()}", False
