"""Positions and plain words for load errors the parsers report without them.

Python's JSON and YAML parsers and its UTF-8 decoder say "nested too deeply", "use
sys.set_int_max_str_digits()" or "character 12" (a byte offset). Users need the file, the
line and the column, and for an encoding error the byte, in our own words. Each helper here
finds that position in the text after the fact; none of them changes what is accepted.
"""

from __future__ import annotations

import json
import re

__all__ = ["deep_nesting_position", "duplicate_key_position", "long_number_position", "undecodable"]

MAX_DIGITS = 4300
"""Python's default limit on the digits of an integer read from text."""


def undecodable(data: bytes, start: int) -> tuple[int, int, str]:
    """``(line, column, message)`` for the first byte at ``start`` that is not UTF-8.

    Line and column count characters of the valid text before it, as an editor does.

    >>> undecodable("ab\\ncé".encode() + b"\\xff", 6)
    (2, 3, 'byte 6 (0xff) is not valid UTF-8')
    """
    before = data[:start].decode("utf-8", "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return line, column, f"byte {start} (0x{data[start]:02x}) is not valid UTF-8"


def duplicate_key_position(body: str, key: str) -> int | None:
    """Where ``key`` appears as an object key for the second time (a best effort: the
    second occurrence of the quoted key followed by a colon)."""
    pattern = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:")
    hits = [m.start() for m in pattern.finditer(body)]
    if len(hits) < 2:
        pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
        hits = [m.start() for m in pattern.finditer(body)]
    return hits[1] if len(hits) >= 2 else None


def deep_nesting_position(body: str, limit: int = 500) -> int | None:
    """The first ``[`` or ``{`` (outside strings) that opens level ``limit``.

    >>> deep_nesting_position("[[[1]]]", limit=3)
    2
    """
    depth, in_string, escaped = 0, False, False
    for i, ch in enumerate(body):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth >= limit:
                return i
        elif ch in "]}":
            depth -= 1
    return None


def long_number_position(body: str) -> int | None:
    """Where a number with more digits than Python reads from text begins."""
    match = re.search(r"\d{%d,}" % (MAX_DIGITS + 1), body)
    return match.start() if match else None
