"""Tests of the capability taxonomy and the concept mapper.

Corpus tests read ../shared at run time and skip when it is absent; every other test uses
sentences written here. Tests marked ``embeddings`` need the optional extra and skip without
it, unless MATCHGRAPH_REQUIRE_EMBEDDINGS=1 (CI's job with the extra), where they fail.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matchgraph.errors import ConfigError, LoadError, NotFoundError
from matchgraph.loaders import concepts as concepts_module
from matchgraph.loaders.concepts import (
    NAMESPACE,
    CapabilityText,
    ConceptMapper,
    ConceptScheme,
    infer_direction,
    short_name,
)

F = TypeVar("F", bound=Callable[..., Any])

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SEED = CORPUS / "seed" / "000_3709e9e89624b56b.txt"
PAGES = CORPUS / "unfragile"


def corpus(test: F) -> F:
    """Mark a test that reads ../shared/corpus, and skip it when the corpus is absent."""
    skip = pytest.mark.skipif(not SEED.is_file(), reason="../shared/corpus is absent")
    return pytest.mark.corpus(skip(test))


OCR = NAMESPACE + "OpticalCharacterRecognition"
MULTILINGUAL_OCR = NAMESPACE + "MultilingualTextRecognition"
TEXT_TO_IMAGE = NAMESPACE + "TextToImage"
TEXT_RENDERING = NAMESPACE + "TextRenderingInImages"
IMAGE_GENERATION = NAMESPACE + "ImageGeneration"


@pytest.fixture(scope="module")
def scheme() -> ConceptScheme:
    return ConceptScheme.load()


@pytest.fixture(scope="module")
def mapper(scheme: ConceptScheme) -> ConceptMapper:
    return ConceptMapper(scheme)


def concepts_of(mapper: ConceptMapper, description: str, **kwargs: object) -> set[str]:
    return {m.concept for m in mapper.map(description, **kwargs)}  # type: ignore[arg-type]


def generation_subtree(scheme: ConceptScheme) -> set[str]:
    return {IMAGE_GENERATION, *scheme.descendants(IMAGE_GENERATION)}


# --- reading capability descriptions from the corpus at run time ---------------------------


def page_capabilities(path: Path) -> dict[str, list[str]]:
    """Descriptions per artifact heading ("<Name> Capabilities"): the line before each "Unique:"."""
    owner = "?"
    found: dict[str, list[str]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if heading := re.fullmatch(r"(.+) Capabilities", line):
            owner = heading.group(1)
        elif (
            i + 1 < len(lines)
            and lines[i + 1].startswith("Unique:")
            and not line.startswith(("Unique:", "vs alternatives:"))
        ):
            found.setdefault(owner, []).append(line)
    return found


def corpus_capabilities(artifact: str) -> Iterator[str]:
    """Every description of one artifact, from the seed and every comparison page."""
    for path in [SEED, *sorted(PAGES.glob("compare-*.txt"))]:
        yield from page_capabilities(path).get(artifact, [])


# --- the scheme --------------------------------------------------------------------------


def test_scheme_size_and_top_concepts(scheme: ConceptScheme) -> None:
    assert 60 <= len(scheme) <= 110
    tops = {c.local_name for c in scheme.top_concepts}
    assert {
        "Vision",
        "ImageGeneration",
        "SpeechAudio",
        "LanguageModeling",
        "Code",
        "DeploymentEfficiency",
        "ToolIntegration",
        "DataRetrieval",
        "Evaluation",
        "AgentsAutomation",
    } <= tops


def test_every_concept_is_documented(scheme: ConceptScheme) -> None:
    for concept in scheme:
        assert concept.iri.startswith(NAMESPACE)
        assert concept.label and concept.definition, concept.iri
        assert concept.top or concept.broader, concept.iri
        assert concept.input_types <= set(concepts_module.MODALITIES), concept.iri
        assert concept.output_types <= set(concepts_module.MODALITIES), concept.iri


def test_labels_follow_skos_integrity(scheme: ConceptScheme) -> None:
    labels = [c.label.lower() for c in scheme]
    assert len(labels) == len(set(labels)), "two concepts share a prefLabel"
    for c in scheme:
        pref, alt, hidden = {c.label}, set(c.alt_labels), set(c.hidden_labels)
        assert not (pref & alt or pref & hidden or alt & hidden), c.iri


def test_every_concept_is_in_the_scheme_graph() -> None:
    import rdflib
    from rdflib.namespace import RDF, SKOS

    path = Path(concepts_module.__file__).resolve().parents[2] / "ontology" / "capabilities.ttl"
    graph = rdflib.Graph().parse(path)
    scheme_iri = next(graph.subjects(RDF.type, SKOS.ConceptScheme))
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        assert (concept, SKOS.inScheme, scheme_iri) in graph, concept
    for prop in ("inputType", "outputType", "keyword", "qualifier", "negativeKeyword"):
        assert (rdflib.URIRef(NAMESPACE + prop), rdflib.RDFS.label, None) in graph, prop


def test_hierarchy_helpers(scheme: ConceptScheme) -> None:
    assert scheme.within(MULTILINGUAL_OCR, NAMESPACE + "Vision")
    assert OCR in scheme.ancestors(MULTILINGUAL_OCR)
    assert TEXT_RENDERING in scheme.descendants(IMAGE_GENERATION)
    assert not scheme.within(OCR, IMAGE_GENERATION)
    assert scheme.get("OpticalCharacterRecognition").label == "optical character recognition"
    with pytest.raises(NotFoundError):
        scheme.get("NoSuchConcept")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            "capability://image.generation.text.to.image.generation.with.stable.diffusion",
            "ImageGeneration",
        ),
        ("capability://tool.use.integration.single.page.scraping", "ToolIntegration"),
        ("capability://memory.knowledge.persistent.notes", "AgentMemory"),
        ("capability://data.processing.analysis.fen.import", "DataProcessing"),
        ("capability://nothing.known.here", None),
    ],
)
def test_notation_lookup(scheme: ConceptScheme, uri: str, expected: str | None) -> None:
    found = scheme.by_notation(uri)
    assert (found.local_name if found else None) == expected


def test_scheme_is_parsed_once() -> None:
    assert ConceptScheme.load() is ConceptScheme.load()


def test_broken_turtle_is_a_load_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:broader \n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as caught:
        ConceptScheme.load(bad)
    assert str(bad) in str(caught.value)


def test_dangling_hierarchy_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "dangling.ttl"
    path.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<urn:s> a skos:ConceptScheme .\n"
        '<urn:a> a skos:Concept ; skos:inScheme <urn:s> ; skos:prefLabel "a" ;\n'
        "    skos:broader <urn:missing> .\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match="is not a concept"):
        ConceptScheme.load(path)


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError):
        ConceptScheme.load(tmp_path / "absent.ttl")


# --- done criteria, on the corpus ------------------------------------------------------------


@corpus
def test_glm_ocr_multilingual_capabilities_share_a_concept(mapper: ConceptMapper) -> None:
    glm = page_capabilities(SEED)["GLM-OCR"]
    first, fourth = concepts_of(mapper, glm[0]), concepts_of(mapper, glm[3])
    assert MULTILINGUAL_OCR in first & fourth


@corpus
def test_glm_ocr_and_pp_ocr_share_ocr(mapper: ConceptMapper) -> None:
    glm = page_capabilities(SEED)["GLM-OCR"][0]
    pp_page = next(PAGES.glob("compare-paddlepaddle--en_pp-ocrv5_mobile_rec-*.txt"))
    pp = page_capabilities(pp_page)["en_PP-OCRv5_mobile_rec"][0]
    assert OCR in concepts_of(mapper, glm) & concepts_of(mapper, pp)


@corpus
def test_stable_diffusion_and_flux_share_text_to_image(mapper: ConceptMapper) -> None:
    sd = page_capabilities(SEED)["Stable Diffusion 3.5 Large"][0]
    flux = page_capabilities(PAGES / "compare-flux-vs-stable-diffusion.txt")["Flux"][0]
    assert TEXT_TO_IMAGE in concepts_of(mapper, sd) & concepts_of(mapper, flux)


@corpus
@pytest.mark.parametrize("artifact", ["GLM-OCR", "en_PP-OCRv5_mobile_rec"])
def test_no_ocr_capability_maps_to_image_generation(
    mapper: ConceptMapper, scheme: ConceptScheme, artifact: str
) -> None:
    descriptions = list(corpus_capabilities(artifact))
    assert descriptions
    forbidden = generation_subtree(scheme)
    for description in descriptions:
        assert not concepts_of(mapper, description) & forbidden, description[:80]


@corpus
def test_every_corpus_capability_maps_within_bounds(mapper: ConceptMapper) -> None:
    pages = [SEED, *sorted(PAGES.glob("compare-*.txt"))]
    descriptions = [d for p in pages for ds in page_capabilities(p).values() for d in ds]
    assert len(descriptions) > 40
    mapped = [mapper.map(d) for d in descriptions]
    assert sum(1 for m in mapped if m) >= 0.9 * len(descriptions)
    assert all(0.0 <= x.score <= 1.0 for m in mapped for x in m)


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
