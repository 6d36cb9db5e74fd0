"""Suites: labelled items a runner is measured on, each with a content hash.

Three sources, one shape:

* ``ocr-multilingual``: document images generated here with ground truth (see
  :mod:`matchgraph.runners.ocr_suite`), cached under the user cache directory;
* ``text-rendering``: prompts asking an image generator for given text on signs and labels,
  whose images an OCR runner reads back;
* ``retrieval-mini``: queries, passages and relevance judgements for retrieval runners (see
  :mod:`matchgraph.runners.retrieval_suite`);
* a user's folder ``DIR`` with ``DIR/truth.json`` mapping each image file name to
  ``{"text": ..., "lang": ...}`` (``lang`` optional, ISO 639-1).

The content hash covers every image's bytes and every truth, so a figure always names the
exact data it was measured on, and two runs share a suite only when the data is the same.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from matchgraph.errors import ConfigError

__all__ = ["BUILTIN_SUITES", "Suite", "SuiteItem", "folder_suite", "load_suite", "suite_cache_dir"]

BUILTIN_SUITES = ("ocr-multilingual", "text-rendering", "retrieval-mini")
ISO_LANGS = frozenset("zh en fr es ru de ja ko".split())


@dataclass(frozen=True)
class SuiteItem:
    item_id: str
    text: str
    """The ground truth: the text on the image, or the text the prompt asks to render."""
    image: Path | None = None
    lang: str | None = None
    prompt: str | None = None
    layout: str | None = None
    variant: str = "clean"


@dataclass(frozen=True)
class Suite:
    name: str
    kind: str
    """"ocr" (images with their text), "image-prompts" (prompts with the text to render) or
    "retrieval" (queries with their relevant passage ids, over ``documents``)."""
    items: tuple[SuiteItem, ...]
    content_hash: str
    documents: tuple[tuple[str, str], ...] = ()
    """(id, text) passages a retrieval suite's queries search."""

    def languages(self) -> list[str]:
        return sorted({i.lang for i in self.items if i.lang})

    def take(self, per_language: int) -> Suite:
        """The first ``per_language`` items of each language (a quicker experiment); the
        hash is recomputed, so its figures never pass for the whole suite's."""
        seen: dict[str | None, int] = {}
        kept = []
        for item in self.items:
            if seen.get(item.lang, 0) < per_language:
                kept.append(item)
                seen[item.lang] = seen.get(item.lang, 0) + 1
        return replace(self, name=f"{self.name}[{per_language}/lang]", items=tuple(kept),
                       content_hash=content_hash(kept, self.documents))


def suite_cache_dir() -> Path:
    env = os.environ.get("MATCHGRAPH_SUITES")
    return Path(env) if env else Path(platformdirs.user_cache_dir("matchgraph")) / "suites"


def content_hash(items: list[SuiteItem] | tuple[SuiteItem, ...],
                 documents: tuple[tuple[str, str], ...] = ()) -> str:
    digest = hashlib.sha256()
    for doc_id, text in documents:
        digest.update(f"{doc_id}\x1f{text}\x1e".encode("utf-8"))
    for item in sorted(items, key=lambda i: i.item_id):
        image = hashlib.sha256(item.image.read_bytes()).hexdigest() if item.image else ""
        for part in (item.item_id, image, item.text, item.lang or "", item.prompt or ""):
            digest.update(part.encode("utf-8") + b"\x1f")
    return digest.hexdigest()


def folder_suite(root: Path) -> Suite:
    """A user's labelled folder as a suite.

    Raises:
        ConfigError: no ``truth.json``, bad JSON, a listed image missing, or a bad entry.
    """
    truth_path = root / "truth.json"
    if not truth_path.is_file():
        raise ConfigError(f"{root} is not a suite: it has no truth.json (image name -> {{\"text\", \"lang\"}})")
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ConfigError(f"{truth_path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from e
    if not isinstance(truth, dict) or not truth:
        raise ConfigError(f"{truth_path}: expected a non-empty object mapping image names to {{\"text\", \"lang\"}}")
    items = []
    for name, entry in sorted(truth.items()):
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise ConfigError(f"{truth_path}: entry {name!r} needs a \"text\" string")
        lang = entry.get("lang")
        if lang is not None and (not isinstance(lang, str) or len(lang) != 2 or not lang.isalpha()):
            raise ConfigError(f"{truth_path}: entry {name!r}: lang must be an ISO 639-1 code such as \"en\"")
        image = root / name
        if Path(name).name != name or not image.is_file():
            raise ConfigError(f"{truth_path}: entry {name!r} names no image file in {root}")
        items.append(SuiteItem(item_id=name, text=entry["text"], image=image, lang=lang and lang.lower()))
    return Suite(name=str(root.resolve()), kind="ocr", items=tuple(items), content_hash=content_hash(items))


def load_suite(name_or_dir: str) -> Suite:
    """A built-in suite by name (generated on first use) or a labelled folder.

    Raises:
        ConfigError: neither a built-in name nor a folder with ``truth.json``.
    """
    if name_or_dir == "ocr-multilingual":
        from matchgraph.runners.ocr_suite import ensure_generated

        return replace(_with_layouts(folder_suite(ensure_generated(suite_cache_dir()))), name="ocr-multilingual")
    if name_or_dir == "text-rendering":
        from matchgraph.runners.prompt_suite import text_rendering_suite

        return text_rendering_suite()
    if name_or_dir == "retrieval-mini":
        from matchgraph.runners.retrieval_suite import retrieval_mini_suite

        return retrieval_mini_suite()
    path = Path(name_or_dir)
    if path.is_dir():
        return folder_suite(path)
    raise ConfigError(f"unknown suite {name_or_dir!r}: use one of {list(BUILTIN_SUITES)} or a folder with truth.json")


def _with_layouts(suite: Suite) -> Suite:
    """Read each generated item's layout and variant from its truth entry."""
    root = suite.items[0].image.parent  # type: ignore[union-attr]
    meta = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    items = tuple(
        replace(i, layout=meta[i.item_id].get("layout"), variant=meta[i.item_id].get("variant", "clean"))
        for i in suite.items
    )
    return replace(suite, items=items)
