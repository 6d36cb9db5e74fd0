"""Resolving what a user types to one artifact (queries/views/names.py), the rule every
command, the HTTP API and MCP share: an exact slug or name wins, else one partial match;
several are ambiguous and listed (the first few, with how many in all), none is not found."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.errors import AmbiguousNameError, NotFoundError, QueryError
from matchgraph.queries.views.names import NameIndex

words = st.text(alphabet="abcxyz- ", min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(names=st.lists(words, min_size=1, max_size=40, unique=True), query=words)
def test_resolution_returns_one_match_or_says_why_not(names: list[str], query: str) -> None:
    entries = tuple(sorted((f"s{i}", name) for i, name in enumerate(names)))
    index = NameIndex(entries, {})
    if not query.strip():
        with pytest.raises(QueryError):
            index.resolve(query)
        return
    needle = query.lower()
    matching = {slug for slug, name in entries if needle in name.lower() or needle in slug}
    exact = {slug for slug, name in entries if name.lower() == needle}
    try:
        slug = index.resolve(query)
    except NotFoundError:
        assert not matching
    except AmbiguousNameError as e:
        expected = exact or matching
        assert len(expected) > 1 and e.total == len(expected)
        assert len(e.candidates) == min(e.total, AmbiguousNameError.SHOWN)
        assert e.more == e.total - len(e.candidates)
        assert {s for s, _ in e.candidates} <= expected
    else:
        assert slug in (exact if len(exact) == 1 else matching)


def test_a_short_name_in_a_large_store_lists_a_few_and_counts_the_rest() -> None:
    index = NameIndex(tuple((f"model-{i}", f"Model {i}") for i in range(5000)), {})
    with pytest.raises(AmbiguousNameError) as caught:
        index.resolve("model")
    assert caught.value.total == 5000 and len(caught.value.candidates) == 20
    assert "and 4980 more" in str(caught.value)


class _Nodes:
    """A store's artifact nodes and merges, as :meth:`NameIndex.build` reads them."""

    def __init__(self, nodes: list[tuple[str, tuple[str, ...]]], canonical: dict[str, str] | None = None) -> None:
        from matchgraph.loaders.resolution import ArtifactNode

        self._nodes = [ArtifactNode(slug, names, False) for slug, names in nodes]
        self._canonical = canonical or {}

    def artifact_nodes(self):  # noqa: ANN201 - the protocol's list of nodes
        return self._nodes

    def canonical_map(self) -> dict[str, str]:
        return self._canonical


def test_a_curated_alias_names_the_artifact_it_was_resolved_to() -> None:
    """data/aliases.yml lists SDXL for Stable Diffusion XL: pages saying "SDXL" were stored
    under that artifact, so a user typing it finds it, whatever the artifact's own names."""
    index = NameIndex.build(_Nodes([("stable-diffusion-xl", ("Stable Diffusion XL",)), ("glm-ocr", ("GLM-OCR",))]))
    assert index.resolve("SDXL") == index.resolve("sd xl") == "stable-diffusion-xl"
    named = NameIndex.build(_Nodes([("stable-diffusion-xl", ("Stable Diffusion XL",)), ("sdxl-turbo", ("SDXL",))]))
    assert named.resolve("SDXL") == "sdxl-turbo"  # an artifact's own exact name wins over an alias
    merged = NameIndex.build(_Nodes([("stable-diffusion-xl", ("Stable Diffusion XL",)), ("sdxl-base", ("SDXL Base",))],
                                    {"stable-diffusion-xl": "sdxl-base"}))
    assert merged.resolve("SDXL") == "sdxl-base"  # merged: the canonical artifact


def test_an_alias_of_an_artifact_not_stored_is_not_found() -> None:
    index = NameIndex.build(_Nodes([("glm-ocr", ("GLM-OCR",))]))
    with pytest.raises(NotFoundError):
        index.resolve("SDXL")
