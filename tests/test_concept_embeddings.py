"""The embeddings backend of the concept mapper (the optional ``embeddings`` extra).

Without the extra, asking for the encoder is a ConfigError that says what to install. With it,
the offline encoder loads without touching the network, gives unit vectors that see
paraphrases, keeps the direction rule, meets the corpus done criteria and finds concepts that
words alone miss. Tests marked ``embeddings`` skip without the extra, unless
MATCHGRAPH_REQUIRE_EMBEDDINGS=1 (CI's job with the extra), where they fail.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest
from matchgraph.errors import ConfigError
from matchgraph.loaders.concepts import NAMESPACE, ConceptMapper, ConceptScheme
from test_concept_corpus import PAGES, SEED, corpus, corpus_capabilities, page_capabilities
from test_concept_mapping import SAME_CONCEPT
from test_concepts import (  # noqa: F401  (fixtures: mapper, scheme)
    MULTILINGUAL_OCR,
    OCR,
    TEXT_TO_IMAGE,
    concepts_of,
    generation_subtree,
    mapper,
    scheme,
)


# --- the embeddings extra -----------------------------------------------------------------------


def test_missing_extra_is_a_config_error_with_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from matchgraph.loaders import embeddings

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ConfigError, match="pip install"):
        embeddings.SentenceEncoder()


def test_missing_tokenizer_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from matchgraph.loaders import embeddings

    monkeypatch.setenv(embeddings.TOKENIZER_ENV, str(tmp_path / "absent.json"))
    with pytest.raises(ConfigError):
        embeddings.SentenceEncoder()


@pytest.fixture(scope="module")
def encoder() -> object:
    """The offline encoder, loaded with the network cut off; skips (or fails) without the extra."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from matchgraph.loaders.embeddings import SentenceEncoder

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted while loading the embedding model")

    original = socket.socket.connect
    socket.socket.connect = refuse  # type: ignore[method-assign]
    try:
        return SentenceEncoder()
    except ConfigError as e:
        if os.environ.get("MATCHGRAPH_REQUIRE_EMBEDDINGS") == "1":
            pytest.fail(f"embeddings extra required but unusable: {e}")
        pytest.skip(f"embeddings extra not installed: {e}")
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def embedding_mapper(encoder: object, scheme: ConceptScheme) -> ConceptMapper:
    return ConceptMapper(scheme, backend="embeddings")


@pytest.mark.embeddings
def test_encoder_gives_unit_vectors_that_see_paraphrases(encoder: object) -> None:
    import numpy as np

    vectors = encoder.encode(  # type: ignore[attr-defined]
        [
            "Extracts text from scanned pages.",
            "Reads the words in a photographed document.",
            "Schedules nightly data pipelines.",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert np.array_equal(
        vectors,
        encoder.encode(  # type: ignore[attr-defined]
            [
                "Extracts text from scanned pages.",
                "Reads the words in a photographed document.",
                "Schedules nightly data pipelines.",
            ]
        ),
    )


@pytest.mark.embeddings
def test_embeddings_backend_keeps_the_direction_rule(
    embedding_mapper: ConceptMapper, scheme: ConceptScheme
) -> None:
    for sentence in (
        "Extracts text from document images.",
        "Turns a photo of a whiteboard into editable text.",
    ):
        found = concepts_of(embedding_mapper, sentence)
        assert OCR in found
        assert not found & generation_subtree(scheme)
    assert TEXT_TO_IMAGE in concepts_of(embedding_mapper, "Generates images from text prompts.")


@pytest.mark.embeddings
@pytest.mark.parametrize(("first", "second", "concept"), SAME_CONCEPT)
def test_embeddings_backend_maps_paraphrases_together(
    embedding_mapper: ConceptMapper, first: str, second: str, concept: str
) -> None:
    assert NAMESPACE + concept in concepts_of(embedding_mapper, first) & concepts_of(
        embedding_mapper, second
    )


@pytest.mark.embeddings
@corpus
def test_embeddings_backend_meets_the_done_criteria(
    embedding_mapper: ConceptMapper, scheme: ConceptScheme
) -> None:
    glm = page_capabilities(SEED)["GLM-OCR"]
    assert MULTILINGUAL_OCR in concepts_of(embedding_mapper, glm[0]) & concepts_of(
        embedding_mapper, glm[3]
    )
    sd = page_capabilities(SEED)["Stable Diffusion 3.5 Large"][0]
    flux = page_capabilities(PAGES / "compare-flux-vs-stable-diffusion.txt")["Flux"][0]
    assert TEXT_TO_IMAGE in concepts_of(embedding_mapper, sd) & concepts_of(embedding_mapper, flux)
    for artifact in ("GLM-OCR", "en_PP-OCRv5_mobile_rec"):
        for description in corpus_capabilities(artifact):
            assert not concepts_of(embedding_mapper, description) & generation_subtree(scheme)


LEXICAL_MISSES = [
    ("Follows long, detailed prompts with many objects in the right places.", "PromptAdherence"),
    ("Trains a small student model to mimic a large teacher.", "KnowledgeDistillation"),
    ("Downloads pages from a site and cleans them into markdown.", "WebScraping"),
    ("Summarizes what happens in a video clip.", "VideoUnderstanding"),
    ("Weights are free to download and use commercially.", "OpenWeights"),
]


@pytest.mark.embeddings
@pytest.mark.parametrize(("sentence", "concept"), LEXICAL_MISSES)
def test_embeddings_find_what_words_alone_miss(
    mapper: ConceptMapper, embedding_mapper: ConceptMapper, sentence: str, concept: str
) -> None:
    assert NAMESPACE + concept not in concepts_of(mapper, sentence)
    found = embedding_mapper.map(sentence)
    assert found and found[0].concept == NAMESPACE + concept
