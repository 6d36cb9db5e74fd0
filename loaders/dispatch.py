"""Route a file to the loader for its format and return its typed facts.

Formats are recognised by extension first (``.json`` passport, ``.yml``/``.yaml``
manifest) and by content otherwise, so corpus copies such as ``passport-x.json.txt`` with an
address header still go to the right loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from matchgraph.errors import LoadError
from matchgraph.loaders.comparison import parse_comparison
from matchgraph.loaders.models import DocumentFacts, DocumentFormat
from matchgraph.loaders.source import read_body, source_info

__all__ = ["SUFFIXES", "detect_format", "iter_document_paths", "parse_document", "read_document"]

SUFFIXES = (".txt", ".md", ".markdown", ".json", ".yml", ".yaml")


def detect_format(name: str, body: str) -> DocumentFormat:
    lowered = name.lower()
    stripped = body.lstrip()
    if lowered.endswith((".yml", ".yaml")):
        return DocumentFormat.MANIFEST
    if lowered.endswith(".json") or lowered.endswith(".json.txt") or stripped.startswith("{"):
        return DocumentFormat.PASSPORT
    if stripped.startswith("unfragile_version"):
        return DocumentFormat.MANIFEST
    return DocumentFormat.COMPARISON


def parse_document(text: str, *, document: str, path: str | None = None) -> DocumentFacts:
    """Parse one document's text with the loader its format needs (pure: no I/O)."""
    body = read_body(text)
    fmt = detect_format(document, body.body)
    if fmt is DocumentFormat.PASSPORT:
        from matchgraph.loaders.passport import load_passport

        return load_passport(text, document=document, path=path)
    if fmt is DocumentFormat.MANIFEST:
        from matchgraph.loaders.manifest import load_manifest

        return load_manifest(text, document=document, path=path)
    source = source_info(text, document=document, format=fmt, url=body.url, path=path)
    return parse_comparison(body.body, document=document, source=source, body_offset=body.header_lines)


def read_document(path: Path) -> DocumentFacts:
    """Read and parse a file.

    Raises:
        LoadError: unreadable, not UTF-8, or not parseable; names the file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise LoadError(f"not UTF-8 text ({e.reason})", document=str(path), position=e.start) from e
    except OSError as e:
        raise LoadError(f"cannot read: {e.strerror}", document=str(path)) from e
    return parse_document(text, document=str(path), path=str(path))


def iter_document_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files given, and the documents inside folders given (sorted, recursive)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(SUFFIXES)
            )
        else:
            yield path
