"""The founding document loads completely, with every value the page states."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchgraph.loaders.dispatch import read_document
from matchgraph.loaders.models import ArtifactType, ClaimKind


@pytest.fixture
def seed(seed_path: Path):
    return read_document(seed_path)


def test_two_model_artifacts(seed) -> None:
    assert [(a.name, a.type) for a in seed.artifacts] == [
        ("GLM-OCR", ArtifactType.MODEL),
        ("Stable Diffusion 3.5 Large", ArtifactType.MODEL),
    ]
    assert seed.complete and seed.missing == ()


def test_glm_ocr_observation(seed) -> None:
    obs = {o.artifact: o for o in seed.observations}["glm-ocr"]
    assert (obs.rank, obs.adoption, obs.quality, obs.ecosystem) == (53, 1, 0, 1)
    assert (obs.match_graph, obs.times_matched, obs.pricing) == (0, 0, "Free")
    assert obs.capabilities_declared == 6


def test_stable_diffusion_observation(seed) -> None:
    obs = {o.artifact: o for o in seed.observations}["stable-diffusion-3-5-large"]
    assert (obs.rank, obs.adoption, obs.quality, obs.ecosystem) == (58, 1, 1, 0)
    assert obs.capabilities_declared == 14


def test_capabilities_parsed_and_announced(seed) -> None:
    per_artifact = {a.slug: [c for c in seed.capabilities if c.artifact == a.slug] for a in seed.artifacts}
    assert len(per_artifact["glm-ocr"]) == 6
    assert len(per_artifact["stable-diffusion-3-5-large"]) == 8
    assert dict(seed.announced_more) == {"stable-diffusion-3-5-large": 6}


def test_fourteen_unique_and_fourteen_vs_statements(seed) -> None:
    kinds = [s.kind for c in seed.capabilities for s in c.statements]
    assert kinds.count(ClaimKind.UNIQUE) == 14
    assert kinds.count(ClaimKind.VS_ALTERNATIVES) == 14
    for cap in seed.capabilities:
        assert cap.statement(ClaimKind.UNIQUE) and cap.statement(ClaimKind.VS_ALTERNATIVES)
        assert cap.description and not cap.description.lower().startswith(("unique:", "vs alternatives:"))


def test_verdict_kept_with_what_it_asserts(seed) -> None:
    verdict = seed.verdict
    assert verdict is not None
    assert verdict.text.startswith("Stable Diffusion 3.5 Large scores higher at 58/100")
    assert verdict.winner == "stable-diffusion-3-5-large"
    assert set(verdict.leads) == {
        ("adoption", "glm-ocr"),
        ("ecosystem", "glm-ocr"),
        ("quality", "stable-diffusion-3-5-large"),
    }


def test_line_numbers_point_into_the_file(seed, seed_path: Path) -> None:
    lines = seed_path.read_text(encoding="utf-8").splitlines()
    for cap in seed.capabilities:
        assert lines[cap.line - 1] == cap.description
        for statement in cap.statements:
            assert lines[statement.line - 1].endswith(statement.text)


def test_seed_in_the_store(seed, memory_store) -> None:
    from matchgraph.queries.views.artifact import artifact_view

    result = memory_store.load([seed])
    assert result.ok and result.loaded == [seed.source.key]
    stats = memory_store.stats()
    assert (stats.documents, stats.artifacts, stats.capabilities, stats.claims) == (1, 2, 14, 28)
    view = artifact_view(memory_store, "glm-ocr")
    assert view.type == "model"
    assert [o.rank for o in view.observations] == [53]
    assert len(view.capabilities) == 6
    assert all(c.unique and c.vs_alternatives for c in view.capabilities)
    rows = memory_store.sparql(
        "SELECT ?t WHERE { GRAPH ?g { ?g <https://w3id.org/matchgraph/ontology#verdict>/<https://schema.org/text> ?t } }"
    )
    assert [r["t"].value for r in rows] == [seed.verdict.text]
