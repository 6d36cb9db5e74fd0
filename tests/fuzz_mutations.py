"""Structure-aware mutations of matchgraph's document formats, for the fuzz tests and
``bench/fuzz.py``.

Each operator takes a ``random.Random`` (hypothesis supplies one with ``st.randoms()``, so
its examples replay and shrink; the benchmark supplies a seeded one) and a document's bytes,
and returns new bytes. Beside byte flips and truncation they know the formats: lines and
table cells of pages, keys and value types of passports (JSON), mappings, anchors and
aliases of manifests (YAML), and the hostile values the issue found (markup, invalid UTF-8,
BOMs, CRLF, huge numbers, deep nesting, anchor bombs).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from pathlib import Path

import yaml

__all__ = ["FORMATS", "SEEDS", "mutate"]

DATA = Path(__file__).resolve().parents[1] / "data"

HOSTILE_TEXT = [
    "[/]", "[bold red]x[/]", ":smile:", "5[/]/100", "99999999999999999999", "-99999999999999999999",
    "99999999999999999999 decomposed", "\u202e", "\u0000", "\ufeff", "\r\n", "\r", "|", "||", "---",
    "URL: https://example.test/compare/x", "Unique:", "vs alternatives:", "} DROP ALL {", "\"'\\",
    "1e400", "NaN", "-0", "٣", "\U0001F600", "a" * 5000, "Capabilities", "decomposed", "/100",
]
HOSTILE_BYTES = [b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\r\n", b"\x80\x80"]


def _seed_files() -> dict[str, list[tuple[str, bytes]]]:
    pages = [*sorted((DATA / "comparisons").glob("*.md")), *sorted((DATA / "pages").glob("*.txt"))]
    return {
        "page": [(p.name, p.read_bytes()) for p in pages],
        "passport": [(p.name, p.read_bytes()) for p in sorted((DATA / "passports").glob("*.json"))],
        "manifest": [(p.name, p.read_bytes()) for p in sorted((DATA / "manifests").glob("*.yml"))],
    }


SEEDS = _seed_files()
FORMATS = tuple(SEEDS)

Operator = Callable[[random.Random, bytes], bytes]

# -- byte level (every format) -------------------------------------------------------


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def insert_bytes(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(HOSTILE_BYTES) + data[at:]


def prefix_bom(rng: random.Random, data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def crlf(rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n"]))


def address_header(rng: random.Random, data: bytes) -> bytes:
    url = rng.choice(["https://example.test/compare/x-vs-y", "https://example.test/artifact/x", "not a url", "https://[x"])
    return f"URL: {url}\n\n".encode() + data


# -- text lines and cells (pages, and the text of the others) ---------------------------


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "surrogateescape").split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8", "surrogateescape")


def line_edit(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    if not lines:
        return data
    i = rng.randrange(len(lines))
    kind = rng.randrange(5)
    if kind == 0:
        del lines[i]
    elif kind == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif kind == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 3:
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    else:
        lines.insert(i, rng.choice(HOSTILE_TEXT))
    return _join(lines)


def cell_edit(rng: random.Random, data: bytes) -> bytes:
    """Replace one cell of a markdown table row (rank, counts, names) with a hostile value."""
    lines = _lines(data)
    rows = [i for i, line in enumerate(lines) if line.count("|") >= 3]
    if not rows:
        return line_edit(rng, data)
    i = rng.choice(rows)
    cells = lines[i].split("|")
    k = rng.randrange(1, len(cells) - 1) if len(cells) > 2 else 0
    cells[k] = " " + rng.choice(HOSTILE_TEXT + ["", "0/100", "101/100", "-1/100", "3 decomposed", "x"]) + " "
    lines[i] = "|".join(cells)
    return _join(lines)


def text_insert(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    at = rng.randrange(len(text) + 1)
    return (text[:at] + rng.choice(HOSTILE_TEXT) + text[at:]).encode("utf-8", "surrogateescape")


def many_lines(rng: random.Random, data: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines)) if lines else 0
    line = lines[i] if lines else "x"
    return _join(lines[:i] + [line] * rng.choice(LONG_PAGE_LINES) + lines[i:])


# -- JSON (passports) ----------------------------------------------------------------

_JSON_VALUES: list[object] = [None, True, 0, -1, 1.5, 10**30, -(10**30), "", "[/]", [], {}, [None], {"": None}, "x" * 2000]


def _walk(value: object, rng: random.Random) -> list[tuple[object, object]]:
    """(container, key or index) pairs of every slot in the JSON tree."""
    slots: list[tuple[object, object]] = []
    stack, seen = [value], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # YAML aliases share nodes: visit each once
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            for k, v in node.items():
                slots.append((node, k))
                stack.append(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                slots.append((node, i))
                stack.append(v)
    return slots


def json_edit(rng: random.Random, data: bytes) -> bytes:
    try:
        tree = json.loads(data)
    except (ValueError, RecursionError):
        return flip_bytes(rng, data)
    slots = _walk(tree, rng)
    for _ in range(rng.randint(1, 3)):
        if not slots:
            break
        container, key = rng.choice(slots)
        kind = rng.randrange(4)
        try:
            if kind == 0 and isinstance(container, dict):
                del container[key]
            elif kind == 1:
                container[key] = copy.deepcopy(rng.choice(_JSON_VALUES))  # type: ignore[index]  # a copy: edits must never reach the shared list
            elif kind == 2:
                current = container[key]  # type: ignore[index]
                container[key] = [current] if not isinstance(current, list) else {"x": current}  # type: ignore[index]
            else:
                container[key] = str(container[key])  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            pass
        slots = _walk(tree, rng)
    try:
        return json.dumps(tree, indent=rng.choice([None, 2])).encode()
    except (ValueError, RecursionError):
        return data


def json_text_attack(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    kind = rng.randrange(4)
    if kind == 0:  # deep nesting at a value position
        depth = rng.choice([100, 1000, 100000])
        return text.replace('"status": ', '"status": ' + "[" * depth + "]" * depth + ", \"s2\": ", 1).encode("utf-8", "surrogateescape")
    if kind == 1:  # a key repeated in one object
        return text.replace('"name": ', '"name": "dup", "name": ', 1).encode("utf-8", "surrogateescape")
    if kind == 2:  # a number past Python's digit limit
        return text.replace('"status": ', '"status": ' + "9" * 5000 + ', "s2": ', 1).encode("utf-8", "surrogateescape")
    return text.replace("true", rng.choice(["True", "NaN", "Infinity", "tru"]), 1).encode("utf-8", "surrogateescape")


# -- YAML (manifests) ----------------------------------------------------------------


def yaml_edit(rng: random.Random, data: bytes) -> bytes:
    try:
        tree = yaml.safe_load(data)
    except (yaml.YAMLError, ValueError, RecursionError):
        return flip_bytes(rng, data)
    slots = _walk(tree, rng)
    for _ in range(rng.randint(1, 3)):
        if not slots:
            break
        container, key = rng.choice(slots)
        try:
            if rng.random() < 0.4 and isinstance(container, dict):
                del container[key]
            else:
                container[key] = copy.deepcopy(rng.choice(_JSON_VALUES))  # type: ignore[index]  # a copy: edits must never reach the shared list
        except (KeyError, IndexError, TypeError):
            pass
        slots = _walk(tree, rng)
    try:
        return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False).encode()
    except (yaml.YAMLError, RecursionError):
        return data


def yaml_text_attack(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    kind = rng.randrange(4)
    if kind == 0:  # recursive anchor
        extra = "x_loop: &loop [*loop]\n"
    elif kind == 1:  # billion laughs
        extra = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
        )
    elif kind == 2:  # repeated key
        extra = 'unfragile_version: "2.0"\n'
    else:  # deep flow nesting
        extra = "x_deep: " + "[" * 5000 + "]" * 5000 + "\n"
    lines = text.split("\n")
    at = rng.randrange(len(lines) + 1)
    return "\n".join(lines[:at] + [extra.rstrip("\n")] + lines[at:]).encode("utf-8", "surrogateescape")


LONG_PAGE_LINES = [200, 2000]
"""How many copies of a line a long page gets (bench/fuzz.py adds 100,000)."""

_COMMON: list[Operator] = [flip_bytes, truncate, insert_bytes, prefix_bom, crlf, text_insert, line_edit]
OPERATORS: dict[str, list[Operator]] = {
    "page": [*_COMMON, cell_edit, cell_edit, line_edit, many_lines, address_header],
    "passport": [*_COMMON, json_edit, json_edit, json_edit, json_text_attack, address_header],
    "manifest": [*_COMMON, yaml_edit, yaml_edit, yaml_text_attack, yaml_text_attack],
}


def mutate(rng: random.Random, fmt: str) -> tuple[str, bytes]:
    """A seed document of ``fmt`` with one to three mutations applied: (file name, bytes)."""
    name, data = rng.choice(SEEDS[fmt])
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(OPERATORS[fmt])(rng, data)
    return name, data
