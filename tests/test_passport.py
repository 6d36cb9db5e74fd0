"""The passport loader: corpus copies fail clearly, complete passports load every field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchgraph.errors import LoadError
from matchgraph.loaders.models import ArtifactType, DocumentFormat
from matchgraph.loaders.passport import load_passport, looks_like_passport
from matchgraph.loaders.source import line_column

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "unfragile"
SAMPLES = sorted((ROOT / "data" / "passports").glob("*.json"))
CORPUS_PASSPORTS = sorted(CORPUS.glob("passport-*.json.txt")) if CORPUS.is_dir() else []

LIST_FIELDS = ("intents", "best_for", "limitations", "requires", "input_types", "output_types")


def _load(path: Path) -> Any:
    return load_passport(path.read_text(encoding="utf-8"), document=path.name, path=str(path))


def _assert_positioned(error: LoadError, text: str, name: str) -> None:
    """The error names the file and a position that is consistent and inside the text."""
    assert error.document == name
    assert error.line is not None and error.column is not None and error.position is not None
    assert 0 <= error.position <= len(text)
    assert line_column(text, error.position) == (error.line, error.column)
    assert str(error).startswith(f"{name}:{error.line}:{error.column} (character {error.position})")


# --- the corpus: every copy is cut off, so every one must fail clearly ---------------------


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_PASSPORTS, reason="../shared corpus is absent")
@pytest.mark.parametrize("path", CORPUS_PASSPORTS, ids=lambda p: p.name)
def test_cut_off_corpus_passport_fails_with_file_and_position(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert looks_like_passport(text)
    with pytest.raises(LoadError) as caught:
        _load(path)
    _assert_positioned(caught.value, text, path.name)
    assert caught.value.line == 3  # the JSON starts after the URL line and a blank line
    assert "cut-off" in caught.value.reason


# --- complete sample passports ----------------------------------------------------------


def _expected_lists(raw: dict[str, Any]) -> dict[str, list[str]]:
    """List fields of a raw capability in either spelling (snake or schema camelCase)."""
    conditions = raw.get("conditions", {})
    return {
        "intents": raw.get("intents", raw.get("intentsServed", [])),
        "best_for": raw.get("best_for", conditions.get("bestFor", [])),
        "limitations": raw.get("limitations", conditions.get("limitations", [])),
        "requires": raw.get("requires", conditions.get("requires", [])),
        "input_types": raw.get("input_types", conditions.get("inputTypes", [])),
        "output_types": raw.get("output_types", conditions.get("outputTypes", [])),
    }


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_complete_sample_passport_loads_every_field(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    body = data["passport"]["unfragile"] if "passport" in data else data["unfragile"]
    facts = _load(path)

    assert facts.source.format is DocumentFormat.PASSPORT
    assert facts.source.key == str(path.resolve())
    assert facts.complete and not facts.missing
    (artifact,) = facts.artifacts
    raw = body["artifact"]
    assert (artifact.slug, artifact.name, artifact.url) == (raw["slug"], raw["name"], raw["url"])
    assert artifact.categories == tuple(raw["categories"])
    assert artifact.tags == tuple(raw["tags"])
    (observation,) = facts.observations
    assert observation.artifact == raw["slug"]
    assert observation.pricing == "Free"
    assert observation.capabilities_declared == len(body["capabilities"])
    assert len(facts.capabilities) == len(body["capabilities"])
    for n, (cap, raw_cap) in enumerate(zip(facts.capabilities, body["capabilities"])):
        assert (cap.artifact, cap.ordinal) == (raw["slug"], n)
        assert (cap.name, cap.uri, cap.description) == (
            raw_cap["name"], raw_cap["uri"], raw_cap["description"]
        )
        for field, values in _expected_lists(raw_cap).items():
            assert getattr(cap, field) == tuple(values), field
        assert cap.categories == tuple(raw_cap["categories"])
        assert cap.confidence == raw_cap.get("confidence", raw_cap.get("matchConfidence"))
        assert cap.matches == raw_cap.get("matches", raw_cap.get("timesMatched"))
        assert cap.success_rate == raw_cap.get("success_rate", raw_cap.get("successRate"))
        assert not cap.truncated
    assert observation.times_matched == sum(c.matches or 0 for c in facts.capabilities)


def test_ocr_sample_has_types_and_lines_of_the_file() -> None:
    path = ROOT / "data" / "passports" / "trocr-base-printed.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    facts = _load(path)
    assert facts.artifacts[0].type is ArtifactType.MODEL
    assert '"artifact"' in lines[facts.artifacts[0].line - 1]
    assert '"pricing"' in lines[facts.observations[0].line - 1]
    for cap in facts.capabilities:
        assert lines[cap.line - 1].strip() == "{"
        assert cap.uri in lines[cap.line + 1]  # "{", then "id", then "uri"


def test_cli_sample_in_schema_spelling_maps_type() -> None:
    facts = _load(ROOT / "data" / "passports" / "whisper-cpp.json")
    assert facts.artifacts[0].type is ArtifactType.CLI_TOOL
    assert facts.capabilities[0].output_types == ("text", "subtitles")


def test_intents_become_nodes_and_a_cut_off_passport_leaves_the_store_unchanged() -> None:
    from matchgraph.graph.embedded import OxigraphStore

    store = OxigraphStore(None, validator="pyshacl")
    try:
        facts = [_load(path) for path in SAMPLES]
        assert store.load(facts).ok
        before = (store.stats(), store.documents())
        intents = {i for f in facts for cap in f.capabilities for i in cap.intents}
        assert before[0].intents == len(intents)
        cut = SAMPLES[0].read_text(encoding="utf-8")[:700]
        with pytest.raises(LoadError):
            store.load([load_passport(cut, document="cut.json")])
        assert (store.stats(), store.documents()) == before
    finally:
        store.close()


# --- the URL header and error positions -------------------------------------------------


def _passport(**capability: Any) -> dict[str, Any]:
    cap = {"name": "read lines", "description": "Reads text lines."} | capability
    artifact = {"slug": "ocr-x", "name": "OCR X", "type": "model"}
    return {"passport": {"unfragile": {"artifact": artifact, "capabilities": [cap]}}}


def test_url_header_gives_key_and_shifts_positions() -> None:
    text = "URL: https://example.org/p/ocr-x\n\n" + json.dumps(_passport(), indent=1)
    facts = load_passport(text, document="ocr-x.json.txt", path="somewhere/ocr-x.json.txt")
    assert facts.source.key == facts.source.url == "https://example.org/p/ocr-x"
    assert facts.source.path == str(Path("somewhere/ocr-x.json.txt").resolve())
    assert facts.capabilities[0].line == text.splitlines().index("    {") + 1


def test_invalid_field_is_named_by_path_at_its_line() -> None:
    text = "URL: https://example.org/p\n\n" + json.dumps(_passport(confidence=1.5), indent=2)
    with pytest.raises(LoadError) as caught:
        load_passport(text, document="bad.json.txt")
    _assert_positioned(caught.value, text, "bad.json.txt")
    assert "passport.unfragile.capabilities[0].confidence" in caught.value.reason
    assert text.splitlines()[caught.value.line - 1].strip() == '"confidence": 1.5'


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ('{"passport": {"unfragile": {"artifact": {"name": "X"}}}}', "artifact.slug"),
        ('{"unfragile": {"artifact": {"slug": "a b", "name": "X"}}}', "artifact.slug"),
        ('{"other": 1}', "not a passport"),
        ("[1, 2]", "not a passport"),
        ('{"unfragile": {}, "unfragile": {}}', "appears twice"),
        ('{"unfragile": {"artifact": {"slug": "x", "name": "X", "pricing": {"free": "yes"}}}}',
         "pricing.free"),
        ("", "invalid JSON"),
        ('{"unfragile": ' + "1" * 5000 + "}", "invalid JSON"),
        ("[" * 100_000, "invalid JSON"),
    ],
)
def test_malformed_passports_are_refused_with_reason(document: str, words: str) -> None:
    with pytest.raises(LoadError, match=words.replace("[", r"\[").replace(".", r"\.")):
        load_passport(document, document="p.json")


def test_two_spellings_of_one_field_are_refused() -> None:
    doc = _passport(best_for=["a"], conditions={"bestFor": ["b"]})
    with pytest.raises(LoadError, match="best_for is given twice"):
        load_passport(json.dumps(doc), document="p.json")


def test_shortening_marker_is_stripped_and_flagged() -> None:
    doc = _passport(description="Reads lines of text […]", intents=["I need a […]", "whole"])
    (cap,) = load_passport(json.dumps(doc), document="p.json").capabilities
    assert cap.description == "Reads lines of text"
    assert cap.intents == ("I need a", "whole")
    assert cap.truncated


def test_unknown_type_is_other_and_kept_as_tag() -> None:
    doc = _passport()
    doc["passport"]["unfragile"]["artifact"]["type"] = "notebook"
    (artifact,) = load_passport(json.dumps(doc), document="p.json").artifacts
    assert artifact.type is ArtifactType.OTHER
    assert artifact.tags == ("type:notebook",)


def test_numeric_starting_price_is_kept_as_text() -> None:
    doc = _passport()
    doc["passport"]["unfragile"]["artifact"]["pricing"] = {
        "model": "paid", "free": False, "starting_price": 9.5
    }
    (observation,) = load_passport(json.dumps(doc), document="p.json").observations
    assert (observation.pricing, observation.starting_price) == ("Paid", "9.5")


def test_sniffing_tells_passports_from_other_text() -> None:
    assert all(looks_like_passport(p.read_text(encoding="utf-8")) for p in SAMPLES)
    assert not looks_like_passport("unfragile_version: '1.0'\n")
    assert not looks_like_passport('{"name": "x"}')


# --- properties -------------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(min_value=0.0, max_value=1.0), header=st.booleans())
def test_any_truncation_loads_or_fails_cleanly(path: Path, cut: float, header: bool) -> None:
    full = ("URL: https://example.org/x\n\n" if header else "") + path.read_text(encoding="utf-8")
    text = full[: int(len(full) * cut)]
    try:
        load_passport(text, document="cut.json")
    except LoadError as error:
        assert error.document == "cut.json"
        if error.position is not None:
            assert line_column(text, error.position) == (error.line, error.column)
    else:
        assert text.rstrip() == full.rstrip()


_TEXT = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=25
).map(str.strip).filter(lambda s: s != "" and not s.endswith("[…]"))
_TEXTS = st.lists(_TEXT, max_size=3)
_TYPES = {
    "model": ArtifactType.MODEL, "mcp": ArtifactType.MCP_SERVER,
    "webapp": ArtifactType.WEB_APP, "benchmark": ArtifactType.BENCHMARK,
    "product": ArtifactType.PRODUCT, "agent": ArtifactType.AGENT, "skill": ArtifactType.SKILL,
}
_CAPABILITY = st.fixed_dictionaries(
    {
        "id": _TEXT, "uri": _TEXT.map(lambda s: "capability://" + s), "name": _TEXT,
        "description": _TEXT, "intents": _TEXTS, "best_for": _TEXTS, "limitations": _TEXTS,
        "requires": _TEXTS, "input_types": _TEXTS, "output_types": _TEXTS,
        "categories": _TEXTS,
        "confidence": st.none() | st.floats(0.0, 1.0),
        "matches": st.none() | st.integers(0, 10**6),
        "success_rate": st.none() | st.floats(0.0, 1.0),
    }
)
_ARTIFACT = st.fixed_dictionaries(
    {
        "id": _TEXT, "slug": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,20}", fullmatch=True),
        "name": _TEXT, "type": st.sampled_from(sorted(_TYPES)), "url": _TEXT,
        "page_url": _TEXT, "categories": _TEXTS, "tags": _TEXTS,
        "pricing": st.fixed_dictionaries(
            {"model": st.sampled_from(["free", "paid", "open_source", "unknown"]),
             "free": st.none() | st.booleans(), "starting_price": st.none() | _TEXT}
        ),
        "status": _TEXT, "verified": st.booleans(),
    }
)


@settings(max_examples=75)
@given(
    artifact=_ARTIFACT,
    capabilities=st.lists(_CAPABILITY, max_size=4),
    indent=st.none() | st.integers(0, 3),
    bare=st.booleans(),
)
def test_round_trip_of_generated_passport(
    artifact: dict[str, Any], capabilities: list[dict[str, Any]], indent: int | None, bare: bool
) -> None:
    body = {"@version": "1.0", "version": "2026-05", "artifact": artifact,
            "capabilities": capabilities}
    doc = {"unfragile": body} if bare else {"passport": {"unfragile": body}}
    facts = load_passport(json.dumps(doc, indent=indent, ensure_ascii=False), document="g.json")

    (ref,) = facts.artifacts
    assert (ref.slug, ref.name, ref.url, ref.type) == (
        artifact["slug"], artifact["name"], artifact["url"], _TYPES[artifact["type"]]
    )
    assert (ref.categories, ref.tags) == (tuple(artifact["categories"]), tuple(artifact["tags"]))
    (observation,) = facts.observations
    assert observation.starting_price == artifact["pricing"]["starting_price"]
    assert observation.capabilities_declared == len(capabilities)
    counts = [c["matches"] for c in capabilities if c["matches"] is not None]
    assert observation.times_matched == (sum(counts) if counts else None)
    assert [c.ordinal for c in facts.capabilities] == list(range(len(capabilities)))
    for cap, raw in zip(facts.capabilities, capabilities, strict=True):
        loaded = {field: getattr(cap, field) for field in raw if field != "id"}
        expected = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items() if k != "id"}
        assert loaded == expected
        assert not cap.truncated
