"""Shared loader pieces: URL header and positions, JSON paths, vocabulary, docstring examples."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchgraph.loaders import json_position
from matchgraph.loaders.models import ArtifactType, DocumentFormat
from matchgraph.loaders.normalise import artifact_type, pricing_label, type_tag
from matchgraph.loaders.source import line_column, read_body, source_info, split_url_header




@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("URL: https://a.test/x\n\nbody\n", ("https://a.test/x", "body\n", 2)),
        ("URL: https://a.test/x\r\n\r\nbody", ("https://a.test/x", "body", 2)),
        ("URL: https://a.test/x\nbody", ("https://a.test/x", "body", 1)),
        ("URL: https://a.test/x", ("https://a.test/x", "", 1)),
        ("URL:\n\nbody", (None, "URL:\n\nbody", 0)),
        ("body\nURL: https://a.test/x\n", (None, "body\nURL: https://a.test/x\n", 0)),
    ],
)
def test_split_url_header(text: str, expected: tuple[str | None, str, int]) -> None:
    assert split_url_header(text) == expected


@given(header=st.booleans(), body=st.text(max_size=60), cut=st.integers(0, 60))
def test_body_positions_map_back_to_the_same_character(header: bool, body: str, cut: int) -> None:
    text = ("URL: https://a.test/x\n\n" if header else "") + body
    parsed = read_body(text)
    position = min(cut, len(parsed.body))
    line, column, in_file = parsed.where(position)
    assert text[in_file:] == parsed.body[position:]
    assert (line, column) == line_column(text, in_file)
    assert line == text[:in_file].count("\n") + 1


def test_source_key_prefers_the_address() -> None:
    passport = DocumentFormat.PASSPORT
    with_url = source_info("x", document="d", format=passport, url="https://a", path="p")
    without = source_info("x", document="d", format=passport, path="p")
    other = source_info("y", document="d", format=passport)
    assert with_url.key == "https://a"
    assert without.key == without.path
    assert other.key == "d"
    assert with_url.content_hash == without.content_hash != other.content_hash


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


Path = tuple[str | int, ...]


def _paths(value: Any, prefix: Path = ()) -> list[tuple[Path, Any]]:
    """Every (path, value) pair in a JSON value, the root included."""
    found = [(prefix, value)]
    if isinstance(value, dict):
        children: Any = value.items()
    else:
        children = enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found += _paths(child, (*prefix, key))
    return found


@given(value=_JSON, indent=st.none() | st.integers(0, 2), pick=st.integers(0, 10**6))
def test_json_position_finds_every_value(value: Any, indent: int | None, pick: int) -> None:
    text = json.dumps(value, indent=indent)
    paths = _paths(value)
    path, expected = paths[pick % len(paths)]
    position = json_position.json_position(text, path)
    assert position is not None
    assert json.JSONDecoder().raw_decode(text, position)[0] == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("model", ArtifactType.MODEL), ("Repository", ArtifactType.REPOSITORY),
        ("repo", ArtifactType.REPOSITORY), ("mcp", ArtifactType.MCP_SERVER),
        ("MCP Server", ArtifactType.MCP_SERVER), ("extension", ArtifactType.EXTENSION),
        ("product", ArtifactType.PRODUCT), ("agent", ArtifactType.AGENT),
        ("CLI Tool", ArtifactType.CLI_TOOL), ("cli", ArtifactType.CLI_TOOL),
        ("webapp", ArtifactType.WEB_APP), ("Web App", ArtifactType.WEB_APP),
        ("framework", ArtifactType.FRAMEWORK), ("workflow", ArtifactType.WORKFLOW),
        ("benchmark", ArtifactType.BENCHMARK), ("dataset", ArtifactType.DATASET),
        ("skill", ArtifactType.SKILL), ("api", ArtifactType.API), ("library", ArtifactType.LIBRARY),
        ("notebook", ArtifactType.OTHER), (None, None), ("  ", None),
    ],
)
def test_artifact_type_words(word: str | None, expected: ArtifactType | None) -> None:
    assert artifact_type(word) is expected


def test_only_unknown_type_words_become_tags() -> None:
    assert type_tag("notebook") == ("type:notebook",)
    assert type_tag("mcp") == type_tag("other") == type_tag(None) == ()


@pytest.mark.parametrize(
    ("model", "free", "expected"),
    [
        ("free", True, "Free"), ("free", None, "Free"), ("open_source", True, "Free"),
        ("open-source", None, "Free"), ("freemium", None, "Free"), ("paid", False, "Paid"),
        ("paid", None, "Paid"), ("Subscription", None, "Paid"), ("unknown", False, None),
        ("unknown", True, "Free"), ("open_source", False, None), (None, None, None),
    ],
)
def test_pricing_folds_to_comparison_page_words(
    model: str | None, free: bool | None, expected: str | None
) -> None:
    assert pricing_label(model, free) == expected
