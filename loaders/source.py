"""Where a document came from, and where a character of it sits.

Stored pages begin with a ``URL: <address>`` line and a blank line before their text. Loaders
parse only the text after that header, but every position they report (in a
:class:`~matchgraph.errors.LoadError` or a fact's ``line``) must point into the file as it
lies on disk, so this module keeps the bookkeeping between the two in one place. It is
format-agnostic: passports, manifests and comparison pages all use it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from matchgraph.loaders.models import DocumentFormat, SourceInfo

__all__ = [
    "Body",
    "content_hash",
    "line_column",
    "read_body",
    "source_info",
    "split_url_header",
]

_URL_LINE = re.compile(r"URL:[ \t]*(\S+)[ \t]*\r?(?:\n|\Z)")
_BLANK_LINE = re.compile(r"[ \t]*\r?\n")


def split_url_header(text: str) -> tuple[str | None, str, int]:
    """Split off a leading ``URL: <address>`` line and the blank lines after it.

    Returns ``(url, body, header_lines)``; the body is always a suffix of ``text``, so a
    position in the body plus ``len(text) - len(body)`` is a position in the file. Text
    without the header comes back whole with ``(None, text, 0)``.

    >>> split_url_header("URL: https://x.test/a\\n\\n{}")
    ('https://x.test/a', '{}', 2)
    >>> split_url_header("{}")
    (None, '{}', 0)
    """
    match = _URL_LINE.match(text)
    if match is None:
        return None, text, 0
    end, lines = match.end(), 1
    while blank := _BLANK_LINE.match(text, end):
        end, lines = blank.end(), lines + 1
    return match.group(1), text[end:], lines


@dataclass(frozen=True)
class Body:
    """A document's text with its header removed, remembering how to map positions back."""

    text: str
    """The whole file as given."""
    url: str | None
    body: str
    header_lines: int

    @property
    def offset(self) -> int:
        """Characters before the body starts (the header's length)."""
        return len(self.text) - len(self.body)

    def where(self, body_position: int) -> tuple[int, int, int]:
        """``(line, column, position)`` in the whole file for a 0-based body position."""
        position = self.offset + body_position
        line, column = line_column(self.text, position)
        return line, column, position


def read_body(text: str) -> Body:
    """Split the URL header off ``text`` (see :func:`split_url_header`)."""
    url, body, header_lines = split_url_header(text)
    return Body(text=text, url=url, body=body, header_lines=header_lines)


def line_column(text: str, position: int) -> tuple[int, int]:
    """1-based ``(line, column)`` of a 0-based character position.

    Only ``\\n`` ends a line, as in JSON parsers and editors; a position past the end is
    clamped to the end, which is where a cut-off file's error belongs.

    >>> line_column("ab\\ncd", 4)
    (2, 2)
    """
    position = max(0, min(position, len(text)))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the document's UTF-8 bytes.

    Loaders receive text, so this is the hash of the file's bytes whenever the file is
    UTF-8 and was read without newline translation (``Path.read_text`` only translates
    ``\\r\\n``, which none of the corpus files contain).
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_info(
    text: str,
    *,
    document: str,
    format: DocumentFormat,
    url: str | None = None,
    path: str | None = None,
    title: str | None = None,
) -> SourceInfo:
    """Provenance of one document: key, address, path, hash and format.

    The key is the address when the document has one (so the same page reloaded from
    another folder replaces itself), else the resolved path, else the ``document`` name.
    ``loaded_at`` is left to the store, so loading stays a pure function of the text.
    """
    resolved = str(Path(path).resolve()) if path is not None else None
    return SourceInfo(
        key=url or resolved or document,
        path=resolved,
        url=url,
        content_hash=content_hash(text),
        format=format,
        title=title,
    )
