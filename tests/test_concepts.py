"""The capability taxonomy: the SKOS scheme in ontology/capabilities.ttl and its helpers.

Checks that the scheme loads once, that every concept is documented and placed in the
hierarchy under SKOS integrity rules, that hierarchy and notation look-ups answer, and that a
broken, dangling or missing file is a LoadError. The ``scheme`` and ``mapper`` fixtures and the
concept constants here are shared by the mapping tests (test_concept_mapping,
test_concept_corpus, test_concept_embeddings), which import them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from matchgraph.errors import LoadError, NotFoundError
from matchgraph.loaders import concepts as concepts_module
from matchgraph.loaders.concepts import NAMESPACE, ConceptMapper, ConceptScheme

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
