"""Route a file to the loader for its format and return its typed facts.

Formats are recognised by extension first (``.json`` passport, ``.yml``/``.yaml``
manifest) and by content otherwise, so corpus copies such as ``passport-x.json.txt`` with an
address header still go to the right loader. Single-artifact and single-capability pages are
recognised by their address (``/artifact/<slug>``, ``/capability/<slug>``) or, without one, by
the shape of their text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from matchgraph.errors import LoadError
from matchgraph.loaders.artifact_page import looks_like_artifact_page
from matchgraph.loaders.capability_page import looks_like_capability_page
from matchgraph.loaders.formats import parser_for
from matchgraph.loaders.models import DocumentFacts, DocumentFormat
from matchgraph.loaders.error_positions import undecodable
from matchgraph.loaders.source import read_body
from matchgraph.safe_text import printable

__all__ = ["SUFFIXES", "detect_format", "iter_document_paths", "parse_document", "read_document", "read_text"]

SUFFIXES = (".txt", ".md", ".markdown", ".json", ".yml", ".yaml")


def detect_format(name: str, body: str, url: str | None = None) -> DocumentFormat:
    """The format of one document, from its name, its address header and its text.

    Extensions and JSON/YAML openings win; then the address (``/artifact/<slug>`` and
    ``/capability/<slug>`` pages); then the shape of the text, so a page saved without
    its address still reaches the right loader. Everything else is a comparison page.
    """
    lowered = name.lower()
    stripped = body.lstrip()
    if lowered.endswith((".yml", ".yaml")):
        return DocumentFormat.MANIFEST
    if lowered.endswith(".json") or lowered.endswith(".json.txt") or stripped.startswith("{"):
        return DocumentFormat.PASSPORT
    if stripped.startswith("unfragile_version"):
        return DocumentFormat.MANIFEST
    section = _address_section(url)
    if section in _PAGE_SECTIONS:
        return _PAGE_SECTIONS[section]
    if section != "compare" and looks_like_capability_page(body):
        return DocumentFormat.CAPABILITY_PAGE
    if section != "compare" and looks_like_artifact_page(body):
        return DocumentFormat.ARTIFACT_PAGE
    return DocumentFormat.COMPARISON


_PAGE_SECTIONS = {"artifact": DocumentFormat.ARTIFACT_PAGE, "capability": DocumentFormat.CAPABILITY_PAGE}


def _address_section(url: str | None) -> str | None:
    """``artifact`` for ``https://unfragile.ai/artifact/<slug>``: the path segment before the
    last one, which is how the site files its page kinds. None without such a path."""
    try:
        parts = [p for p in urlparse(url).path.split("/") if p] if url else []
    except ValueError:  # not parseable as an address (e.g. an unbalanced "[")
        return None
    return parts[-2] if len(parts) >= 2 else None


def parse_document(text: str, *, document: str, path: str | None = None) -> DocumentFacts:
    """Parse one document's text with the loader its format needs (pure: no I/O)."""
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the text
    body = read_body(text)
    fmt = detect_format(document, body.body, body.url)
    return parser_for(fmt)(text, document=document, path=path)


def read_text(path: Path) -> str:
    """A document's text.

    Raises:
        LoadError: unreadable or not UTF-8; names the file.
    """
    name = printable(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(f"cannot read: {e.strerror or 'unknown error'}", document=name) from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, column, message = undecodable(data, e.start)
        raise LoadError(f"not UTF-8 text: {message}", document=name, line=line, column=column, byte=e.start) from e
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(path: Path) -> DocumentFacts:
    """Read and parse a file.

    Raises:
        LoadError: unreadable, not UTF-8, or not parseable; names the file.
    """
    return parse_document(read_text(path), document=str(path), path=str(path))


def iter_document_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files given, and the documents inside folders given (sorted, recursive).

    Inside folders, YAML files count as documents only under the manifest's own name
    (``unfragile.yml``, ``*.unfragile.yml``), so configuration such as ``data/aliases.yml``
    beside the documents is not mistaken for one. A file named explicitly is always read.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and _is_document_name(p.name))
        else:
            yield path


def _is_document_name(name: str) -> bool:
    lowered = name.lower()
    if lowered.endswith((".yml", ".yaml")):
        return lowered.rsplit(".", 1)[0] == "unfragile" or lowered.rsplit(".", 1)[0].endswith(".unfragile")
    return lowered.endswith(SUFFIXES)
