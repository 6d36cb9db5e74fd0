"""Entity resolution over the whole reference corpus: one node per real artifact, distinct
artifacts kept apart, merges recorded with their reason."""

from __future__ import annotations

import pytest

from matchgraph.errors import LoadError
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.loaders.pipeline import prepare
from matchgraph.queries.views.artifact import artifact_view, resolve_artifact
from matchgraph.queries.views.claims import claims

from conftest import CORPUS, need_corpus


@pytest.fixture(scope="module")
def store():
    need_corpus()
    docs = []
    for path in iter_document_paths([CORPUS]):
        try:
            docs.append(prepare(read_document(path)))
        except LoadError:
            pass  # the cut-off passports
    s = OxigraphStore(None)
    assert s.load(docs).ok
    return s


@pytest.mark.parametrize(
    ("name", "pages"),
    [("Llama 4", 4), ("IntelliCode", 3), ("GitHub Copilot", 2), ("Whisper Large v3", 3), ("Midjourney", 1)],
)
def test_one_node_per_artifact_named_in_several_pages(store, name: str, pages: int) -> None:
    slug = resolve_artifact(store, name)
    view = artifact_view(store, slug)
    assert len({o.source for o in view.observations}) >= pages
    mentions = {c.subject for c in claims(store, other=slug)} | {slug}
    assert slug in mentions  # claims naming it point at the same node


def test_midjourney_mentions_and_page_are_one_node(store) -> None:
    slug = resolve_artifact(store, "Midjourney")
    assert claims(store, other=slug), "claims that name Midjourney reach its compared node"


def test_copilot_and_copilot_chat_stay_apart(store) -> None:
    assert resolve_artifact(store, "GitHub Copilot") != resolve_artifact(store, "GitHub Copilot Chat")


def test_addressed_artifacts_sharing_a_name_stay_apart(store) -> None:
    assert resolve_artifact(store, "openai--whisper-large-v3") != resolve_artifact(store, "whisper-large-v3")


def test_name_only_artifact_merges_with_the_addressed_one(store) -> None:
    canonical = store.canonical_map()
    assert canonical["glm-ocr"] == "zai-org--glm-ocr"
    assert canonical["planning-with-files"] == "othmanadi--planning-with-files"
    assert resolve_artifact(store, "glm-ocr") == "zai-org--glm-ocr"


def test_separate_undoes_a_merge_and_survives_reload(store) -> None:
    from matchgraph.graph.resolution_graph import refresh_resolution

    store.curate("separate", "glm-ocr", "zai-org--glm-ocr")
    assert "glm-ocr" not in store.canonical_map()
    refresh_resolution(store)  # what every load and removal runs
    assert "glm-ocr" not in store.canonical_map()
    store.curate("merge", "glm-ocr", "zai-org--glm-ocr")
    assert store.canonical_map()["glm-ocr"] == "zai-org--glm-ocr"
