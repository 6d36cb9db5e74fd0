"""The ``unfragile.yml`` loader: the sample loads whole, bad YAML fails at its position."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.errors import LoadError
from matchgraph.loaders.manifest import load_manifest, looks_like_manifest
from matchgraph.loaders.models import ArtifactType, ClaimKind, DocumentFormat
from matchgraph.loaders.source import line_column

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "manifests" / "unfragile.yml"


def _sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _fails_at(text: str, document: str = "unfragile.yml") -> LoadError:
    """Load, expecting a positioned LoadError that names the document."""
    with pytest.raises(LoadError) as caught:
        load_manifest(text, document=document)
    error = caught.value
    assert error.document == document
    assert error.line is not None and error.column is not None and error.position is not None
    assert line_column(text, error.position) == (error.line, error.column)
    assert str(error).startswith(f"{document}:{error.line}:{error.column} ")
    return error


def test_sample_manifest_loads_every_field() -> None:
    text = _sample_text()
    raw = yaml.safe_load(text)
    facts = load_manifest(text, document="unfragile.yml", path=str(SAMPLE))

    assert facts.source.format is DocumentFormat.MANIFEST
    assert facts.source.key == str(SAMPLE.resolve())
    (artifact,) = facts.artifacts
    assert (artifact.slug, artifact.name) == (raw["artifact"]["slug"], raw["artifact"]["name"])
    assert artifact.type is ArtifactType.CLI_TOOL
    assert (artifact.url, artifact.homepage) == (
        raw["artifact"]["repository"], raw["artifact"]["homepage"]
    )
    assert artifact.line == _line_of(text, "artifact:")
    (observation,) = facts.observations
    assert (observation.pricing, observation.capabilities_declared) == ("Free", 2)
    assert observation.line == _line_of(text, "pricing:")
    for n, (cap, raw_cap) in enumerate(zip(facts.capabilities, raw["capabilities"])):
        conditions = raw_cap["conditions"]
        assert (cap.artifact, cap.ordinal, cap.name) == ("matchgraph", n, raw_cap["name"])
        assert cap.description == raw_cap["description"].strip()
        assert cap.intents == tuple(raw_cap["intents_served"])
        assert cap.best_for == tuple(conditions["bestFor"])
        assert cap.limitations == tuple(conditions["limitations"])
        assert cap.requires == tuple(conditions["requires"])
        assert cap.input_types == tuple(conditions.get("inputTypes", ()))
        assert cap.output_types == tuple(conditions.get("outputTypes", ()))
        assert cap.line == _line_of(text, f'- id: "{raw_cap["id"]}"')
    unique = facts.capabilities[0].statement(ClaimKind.UNIQUE)
    assert unique is not None
    assert unique.text == raw["capabilities"][0]["unique_aspect"].strip()
    assert unique.line == _line_of(text, "unique_aspect:")
    assert facts.capabilities[1].statements == ()


def test_invalid_yaml_fails_at_the_parsers_mark_after_the_header() -> None:
    text = "URL: https://example.org/unfragile.yml\n\n" + 'artifact: {name: "x", slug: [\n'
    error = _fails_at(text)
    assert "invalid YAML" in error.reason
    assert error.line == 4


def test_missing_field_is_named_by_path_at_its_line() -> None:
    text = _sample_text().replace('    name: "need-to-artifact matching with explanations"\n', "")
    error = _fails_at(text)
    assert "capabilities[1].name: Field required" in error.reason
    assert error.line == _line_of(text, '- id: "matchgraph.match"')


def test_repeated_key_is_refused_at_the_second_one() -> None:
    licence = '  license: "Apache-2.0"\n'
    text = _sample_text().replace(licence, licence + '  slug: "x"\n')
    error = _fails_at(text)
    assert "'slug' appears twice" in error.reason
    assert error.line == _line_of(text, 'slug: "x"')


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "not a manifest"),
        ("- 1\n- 2\n", "not a manifest"),
        ("a: 1\n---\nb: 2\n", "single document"),
        ("unfragile_version: '1.0'\nartifact: {name: x, slug: x}\ncapabilities: []\n",
         "capabilities: List should have at least 1 item"),
        ("x: !!python/object/apply:os.system ['true']\n", "invalid YAML"),
        ("x: " + "1" * 5000 + "\n", "invalid YAML"),
    ],
)
def test_malformed_manifests_are_refused_with_reason(text: str, words: str) -> None:
    with pytest.raises(LoadError, match=words):
        load_manifest(text, document="unfragile.yml")


def test_unquoted_version_is_read_as_text() -> None:
    text = _sample_text().replace('unfragile_version: "1.0"', "unfragile_version: 1.0")
    assert load_manifest(text, document="unfragile.yml").artifacts[0].slug == "matchgraph"


def test_sniffing_by_name_or_version_key() -> None:
    assert looks_like_manifest(_sample_text())
    assert looks_like_manifest("anything", path="repo/unfragile.yaml")
    assert not looks_like_manifest('{"unfragile": {}}', path="passport.json")


@settings(max_examples=200)
@given(cut=st.integers(min_value=0, max_value=len(SAMPLE.read_text(encoding="utf-8"))))
def test_any_truncation_loads_or_fails_cleanly(cut: int) -> None:
    text = _sample_text()[:cut]
    try:
        load_manifest(text, document="unfragile.yml")
    except LoadError as error:
        assert error.document == "unfragile.yml"
        if error.position is not None:
            assert line_column(text, error.position) == (error.line, error.column)


_TEXT = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=25
).map(str.strip).filter(lambda s: s != "" and not s.endswith("[…]"))
_TEXTS = st.lists(_TEXT, max_size=3)
_CAPABILITY = st.fixed_dictionaries(
    {
        "id": _TEXT, "name": _TEXT, "description": _TEXT, "intents_served": _TEXTS,
        "conditions": st.fixed_dictionaries(
            {"bestFor": _TEXTS, "limitations": _TEXTS, "requires": _TEXTS}
        ),
        "unique_aspect": _TEXT,
    }
)


@settings(max_examples=75)
@given(
    slug=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,20}", fullmatch=True),
    name=_TEXT,
    capabilities=st.lists(_CAPABILITY, min_size=1, max_size=3),
)
def test_round_trip_of_generated_manifest(
    slug: str, name: str, capabilities: list[dict[str, Any]]
) -> None:
    doc = {
        "unfragile_version": "1.0",
        "artifact": {"name": name, "slug": slug, "type": "mcp"},
        "capabilities": capabilities,
        "pricing": {"model": "paid"},
    }
    facts = load_manifest(yaml.safe_dump(doc, allow_unicode=True), document="unfragile.yml")
    assert (facts.artifacts[0].slug, facts.artifacts[0].name) == (slug, name)
    assert facts.artifacts[0].type is ArtifactType.MCP_SERVER
    assert facts.observations[0].pricing == "Paid"
    for cap, raw in zip(facts.capabilities, capabilities, strict=True):
        conditions = raw["conditions"]
        assert (cap.name, cap.description) == (raw["name"], raw["description"])
        assert cap.intents == tuple(raw["intents_served"])
        assert (cap.best_for, cap.limitations, cap.requires) == (
            tuple(conditions["bestFor"]),
            tuple(conditions["limitations"]),
            tuple(conditions["requires"]),
        )
        unique = cap.statement(ClaimKind.UNIQUE)
        assert unique is not None and unique.text == raw["unique_aspect"]
