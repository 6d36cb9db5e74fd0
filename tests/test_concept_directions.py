"""A concept's direction (what it consumes and produces) comes from the taxonomy's own
declaration, carried by the snapshot, rather than from a reading of its label."""

from __future__ import annotations

from pathlib import Path

from conftest import DATA

from matchgraph.engine import Engine
from matchgraph.loaders.concepts import NAMESPACE, ConceptScheme
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.queries.need.concepts import ConceptReach
from matchgraph.queries.snapshot import ConceptRecord


def test_the_snapshot_carries_every_declared_direction(tmp_path: Path) -> None:
    engine = Engine.open(tmp_path / "store")
    try:
        engine.store.load([read_document(p) for p in iter_document_paths([DATA])])
        records = {c.iri: c for c in engine.snapshot().concepts}
    finally:
        engine.close()
    scheme = ConceptScheme.load()
    declared = [c for c in scheme if c.input_types or c.output_types]
    assert declared
    for concept in declared:
        record = records[concept.iri]
        assert set(record.input_types) == set(concept.input_types), concept.iri
        assert set(record.output_types) == set(concept.output_types), concept.iri
    assert records[NAMESPACE + "OpticalCharacterRecognition"].input_types == ("image",)


def test_need_matching_reads_the_declared_direction_before_the_label() -> None:
    # A label that reads the other way round: only the declaration can be right.
    misleading = ConceptRecord("x:c", "image from text", input_types=("image",), output_types=("text",))
    unlabelled = ConceptRecord("x:d", "text to speech")
    graph = ConceptReach.build([misleading, unlabelled], [])
    declared = graph.direction(graph.index["x:c"])
    assert declared.inputs == {"image"} and declared.outputs == {"text"}
    read = graph.direction(graph.index["x:d"])
    assert read.inputs == {"text"} and read.outputs == {"audio"}
