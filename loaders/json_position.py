"""Find where a value sits in JSON text, given its path.

``json.loads`` forgets positions, but an error about ``capabilities[3].confidence`` is only
useful with a line number, and facts carry the line they came from. Rather than write a
second JSON parser, this walks the text along one path with the standard library's own
scanner, skipping sibling values whole with ``raw_decode``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from json.decoder import scanstring

__all__ = ["json_position"]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def json_position(text: str, path: Sequence[str | int]) -> int | None:
    """0-based position of the value at ``path`` (keys and list indexes) in ``text``.

    When the path leaves the document (a missing key, a normalised key spelled otherwise
    in the text) the position of the deepest value found on the way is returned, which
    is the object the problem is in. None only for text that is not valid JSON.

    >>> json_position('{"a": [10, {"b": 2}]}', ["a", 1, "b"])
    17
    >>> json_position('{"a": 1}', ["zz"])
    0
    """
    try:
        position = _skip(text, 0)
        for step in path:
            child = _child(text, position, step)
            if child is None:
                break
            position = child
    except (ValueError, IndexError, RecursionError):
        return None
    return position


def _skip(text: str, position: int) -> int:
    """First non-whitespace position at or after ``position``."""
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position


def _child(text: str, position: int, step: str | int) -> int | None:
    """Start of the member or item ``step`` of the container at ``position``, if any."""
    opener = text[position]
    if opener == "{" and isinstance(step, str):
        return _member(text, position, step)
    if opener == "[" and isinstance(step, int):
        return _item(text, position, step)
    return None


def _member(text: str, position: int, key: str) -> int | None:
    """Start of the value of ``key`` in the object that opens at ``position``."""
    cursor = _skip(text, position + 1)
    while text[cursor] == '"':
        name, cursor = scanstring(text, cursor + 1)
        cursor = _skip(text, _skip(text, cursor) + 1)  # past the ':'
        if name == key:
            return cursor
        cursor = _after_value(text, cursor)
    return None


def _item(text: str, position: int, index: int) -> int | None:
    """Start of item ``index`` in the array that opens at ``position``."""
    cursor = _skip(text, position + 1)
    for _ in range(index):
        if text[cursor] == "]":
            return None
        cursor = _after_value(text, cursor)
    return None if text[cursor] == "]" else cursor


def _after_value(text: str, position: int) -> int:
    """Position after the value at ``position`` and the comma that follows it, if any."""
    _, end = _DECODER.raw_decode(text, position)
    cursor = _skip(text, end)
    return _skip(text, cursor + 1) if text[cursor] == "," else cursor
