"""Mapping capability texts to concepts with the lexical backend, on sentences written here.

The same capability in other words maps to the same concept; the direction rule keeps OCR
(image in, text out) away from image generation (text in, image out) and back; declared types
and passport fields count; thresholds, limits, ranking, short names and speed behave; and, as
properties, no text makes the mapper crash, leave its bounds or answer differently twice.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matchgraph.errors import ConfigError
from matchgraph.loaders import concepts as concepts_module
from matchgraph.loaders.concepts import (
    NAMESPACE,
    CapabilityText,
    ConceptMapper,
    ConceptScheme,
    infer_direction,
    short_name,
)
from test_concepts import (  # noqa: F401  (fixtures: mapper, scheme)
    MULTILINGUAL_OCR,
    OCR,
    TEXT_RENDERING,
    TEXT_TO_IMAGE,
    concepts_of,
    generation_subtree,
    mapper,
    scheme,
)


# --- self-written sentences -----------------------------------------------------------------

SAME_CONCEPT = [
    (
        "Pulls the printed words out of scanned invoices.",
        "Extracts text from document images with a small model.",
        "OpticalCharacterRecognition",
    ),
    (
        "Reads text in forty languages from photographed pages.",
        "Multilingual OCR for mixed Chinese and English documents.",
        "MultilingualTextRecognition",
    ),
    (
        "Creates pictures from a written prompt.",
        "Generates images from natural language descriptions.",
        "TextToImage",
    ),
    (
        "Produces posters whose lettering is spelled correctly.",
        "Renders legible text inside generated images.",
        "TextRenderingInImages",
    ),
    (
        "Converts recorded speech into a written transcript.",
        "Automatic speech recognition for podcasts.",
        "SpeechRecognition",
    ),
    (
        "Synthesizes a natural voice reading the text aloud.",
        "Text-to-speech with several voices.",
        "TextToSpeech",
    ),
    (
        "Suggests the next lines of code while you type in the editor.",
        "Inline code completion in the IDE.",
        "CodeCompletion",
    ),
    (
        "Exposes tools to Claude through the Model Context Protocol.",
        "An MCP server offering database tools.",
        "ModelContextProtocol",
    ),
    (
        "Stores weights in 4-bit integers to save memory.",
        "Supports int8 quantization for deployment.",
        "Quantization",
    ),
    (
        "Trains small low-rank adapters on your own pictures.",
        "LoRA fine-tuning on custom styles.",
        "LowRankAdaptation",
    ),
    (
        "The weights can be downloaded and used commercially under a permissive license.",
        "Open-weight model released under Apache-2.0.",
        "OpenWeights",
    ),
    (
        "Runs entirely on your own servers without any cloud API.",
        "Self-hosted deployment with Docker.",
        "SelfHostedDeployment",
    ),
    (
        "Retries failed tasks with exponential backoff.",
        "Automatic retry logic for flaky steps.",
        "RetryHandling",
    ),
    (
        "Fetches a web page and returns its content as markdown.",
        "Web scraping of single pages.",
        "WebScraping",
    ),
    (
        "Keeps notes and state across agent sessions in files.",
        "Persistent memory for coding agents.",
        "AgentMemory",
    ),
]


@pytest.mark.parametrize(("first", "second", "concept"), SAME_CONCEPT)
def test_same_capability_in_other_words_maps_to_the_same_concept(
    mapper: ConceptMapper, first: str, second: str, concept: str
) -> None:
    assert NAMESPACE + concept in concepts_of(mapper, first)
    assert NAMESPACE + concept in concepts_of(mapper, second)


@pytest.mark.parametrize(
    "ocr_sentence",
    [
        "Extracts text from document images.",
        "Generates text sequences by reading image regions with a visual encoder.",
        "Recognizes characters in cropped text line images.",
        "Reads the text in screenshots and returns it as plain text.",
        "Turns a photo of a whiteboard into editable text.",
        "Decodes character sequences from image features with a text decoder.",
    ],
)
def test_ocr_never_maps_to_image_generation(
    mapper: ConceptMapper, scheme: ConceptScheme, ocr_sentence: str
) -> None:
    assert not concepts_of(mapper, ocr_sentence) & generation_subtree(scheme)


def test_text_to_image_never_maps_to_ocr(mapper: ConceptMapper, scheme: ConceptScheme) -> None:
    vision = {NAMESPACE + "Vision", *scheme.descendants(NAMESPACE + "Vision")} - {
        NAMESPACE + "MultimodalUnderstanding"
    }
    for sentence in (
        "Generates images from text prompts.",
        "Draws an image of a street sign with readable text on it.",
    ):
        assert not concepts_of(mapper, sentence) & vision, sentence


def test_needs_of_the_match_engine(mapper: ConceptMapper) -> None:
    ocr_need = concepts_of(mapper, "extract text from scanned documents in Japanese and Korean")
    assert {OCR, MULTILINGUAL_OCR} <= ocr_need
    image_need = concepts_of(mapper, "generate images from text prompts with readable text in them")
    assert {TEXT_TO_IMAGE, TEXT_RENDERING} <= image_need
    assert not ocr_need & image_need


@pytest.mark.parametrize(
    ("sentence", "inputs", "outputs"),
    [
        ("Extracts text from document images.", {"document", "image"}, {"text"}),
        ("Convert a PDF to markdown.", {"document"}, {"text"}),
        ("Reads text aloud in a natural voice.", {"text"}, {"audio"}),
        ("Generates images from natural language text prompts.", {"text"}, {"image"}),
        ("Generates text sequences by encoding image regions.", {"image"}, {"text"}),
        ("The model can generate readable text within images.", set(), {"image"}),
        ("Converts audio waveforms to text.", {"audio"}, {"text"}),
        ("Generates speech audio from text replies.", {"text"}, {"audio"}),
        ("Offers a text-to-speech voice.", {"text"}, {"audio"}),
        ("Translates non-English speech into English text.", {"audio"}, {"text"}),
        ("Supports LoRA fine-tuning.", set(), set()),
    ],
)
def test_direction_is_read_from_verbs_and_prepositions(
    sentence: str, inputs: set[str], outputs: set[str]
) -> None:
    direction = infer_direction(sentence)
    assert (set(direction.inputs), set(direction.outputs)) == (inputs, outputs)


def test_declared_types_override_the_text(mapper: ConceptMapper) -> None:
    text = "Handles images and prompts with a diffusion transformer."
    assert TEXT_TO_IMAGE in concepts_of(mapper, text, input_types=["text"], output_types=["image"])
    assert TEXT_TO_IMAGE not in concepts_of(
        mapper, text, input_types=["image"], output_types=["text"]
    )


def test_passport_fields_are_used(mapper: ConceptMapper) -> None:
    found = concepts_of(
        mapper,
        "Delivers pictures quickly.",
        name="text-to-image generation with stable diffusion",
        uri="capability://image.generation.text.to.image.generation.with.stable.diffusion",
        categories=["image-generation"],
    )
    assert TEXT_TO_IMAGE in found


def test_threshold_and_limit(scheme: ConceptScheme) -> None:
    text = "Extracts text from scanned document images in 8 languages with int8 quantization."
    assert len(ConceptMapper(scheme, limit=1).map(text)) == 1
    assert ConceptMapper(scheme, threshold=1.0).map(text) == ()
    assert ConceptMapper(scheme).map("") == ()


def test_rank_is_unthresholded_and_contains_map(mapper: ConceptMapper) -> None:
    text = "Generates images from text prompts."
    ranked = mapper.rank(text)
    assert {m.concept for m in mapper.map(text)} <= {m.concept for m in ranked}
    assert len(ranked) >= len(mapper.map(text))


def test_every_label_finds_its_concept(mapper: ConceptMapper, scheme: ConceptScheme) -> None:
    misses = [c.label for c in scheme if c.iri not in {m.concept for m in mapper.rank(c.label)[:3]}]
    assert len(misses) <= len(scheme) // 20, misses


def test_unknown_backend_is_a_config_error(scheme: ConceptScheme) -> None:
    with pytest.raises(ConfigError, match="lexical, embeddings"):
        ConceptMapper(scheme, backend="fuzzy")


def test_bulk_mapping_is_fast(mapper: ConceptMapper) -> None:
    base = [CapabilityText.of(s) for pair in SAME_CONCEPT for s in pair[:2]]
    batch = (base * 70)[:2000]
    started = time.perf_counter()
    mapper.map_many(batch)
    assert time.perf_counter() - started < 6.0  # ~1 s on a 2-core machine; generous for shared CI


@pytest.mark.parametrize(
    ("description", "name"),
    [
        (
            "Recognizes text across 12 languages using one shared vocabulary.",
            "multilingual text recognition",
        ),
        (
            "Extracts text from document images using a transformer.",
            "text extraction from document image",
        ),
        ("Processes many images in parallel through batched kernels.", "batch image processing"),
        ("Supports int8 quantization through calibration.", "int8 quantization"),
        ("Transcribes audio in 90 languages to text.", "multilingual audio transcription"),
        (
            "Enables users to define prompt templates with placeholders.",
            "prompt template definition",
        ),
        (
            "The tool uses a latent diffusion model to generate high-quality images from prompts.",
            "image generation from prompt",
        ),
        ("Reads and writes files in allowed folders.", "file reading and writing"),
        ("", ""),
    ],
)
def test_short_names(description: str, name: str) -> None:
    assert short_name(description) == name


# --- properties ---------------------------------------------------------------------------------

free_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
wordy_text = st.lists(
    st.sampled_from(
        """
        extracts generates text images from to into audio speech code prompts OCR diffusion LoRA
        MCP without unlike 8 languages , . ( ) the a model recognizes converts transcribes
        within
        """.split()
    ),
    max_size=40,
).map(" ".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(free_text, wordy_text),
    name=st.none() | free_text,
    types=st.lists(free_text, max_size=3),
)
def test_mapping_never_crashes_and_stays_in_bounds(
    mapper: ConceptMapper, scheme: ConceptScheme, text: str, name: str | None, types: list[str]
) -> None:
    result = mapper.map(text, name=name, input_types=types, output_types=types, categories=types)
    assert len(result) <= mapper.limit
    assert all(0.0 <= m.score <= 1.0 and m.concept in scheme for m in result)
    assert [m.score for m in result] == sorted((m.score for m in result), reverse=True)
    assert result == mapper.map(
        text, name=name, input_types=types, output_types=types, categories=types
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(free_text, wordy_text))
def test_same_input_same_output_across_mappers(scheme: ConceptScheme, text: str) -> None:
    assert ConceptMapper(scheme).map(text) == ConceptMapper(scheme).map(text)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(free_text, wordy_text))
def test_short_name_is_short_and_deterministic(text: str) -> None:
    name = short_name(text)
    assert name == short_name(text)
    assert name == name.strip() and name == name.lower()
    assert len(name.split()) <= 7


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(free_text, wordy_text))
def test_direction_uses_known_modalities(text: str) -> None:
    direction = infer_direction(text)
    assert direction.inputs | direction.outputs <= set(concepts_module.MODALITIES)
