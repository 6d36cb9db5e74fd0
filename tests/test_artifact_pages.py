"""Single-artifact and single-capability pages, on pages written here: every part of the
layout (head, type and pricing, capability blocks, statements, cuts and "+N more" lines)
loads with the values it shows or is named as missing, the capability page's head splits, and
documents are routed to the right loader by address and by shape. The sample page in data/
loads complete. The real corpus copies are in test_artifact_pages_corpus, and the never-a-crash
properties in test_artifact_pages_fuzz; both use the pages written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchgraph.errors import LoadError
from matchgraph.loaders.artifact_page import looks_like_artifact_page, parse_artifact_page
from matchgraph.loaders.site_text import page_slug, split_type_pricing
from matchgraph.loaders.capability_page import (
    looks_like_capability_page,
    parse_capability_page,
    split_capability_head,
)
from matchgraph.loaders.dispatch import detect_format, parse_document, read_document
from matchgraph.loaders.models import ArtifactType, ClaimKind, DocumentFormat
from matchgraph.loaders.source import read_body

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "pages" / "paddleocr.txt"


# -- self-written pages (our own words) ------------------------------------------------

SPEECH_PAGE = """\
URL: https://unfragile.ai/artifact/acme--quiet-ear

Quiet Ear
ModelFreeA small offline speech recogniser for dictation on laptops.
Capabilities2 decomposed
offline dictation
High confidenceTurns microphone audio into text on the device without a network connection.
Keeps every model weight in one file that loads in under a second
Slower than hosted recognisers on long meetings but never sends audio away
speaker turn detection
Low confidenceMarks where one speaker stops and another starts in a recording.
Uses pauses and pitch changes instead of a separate diarisation model
Rougher than dedicated diarisation tools on crowded calls
"""

CUT_PAGE = """\
Paper Trail
CLI ToolPaidCommand-line tool that files scanned receipts into folders by vendor. […]
Capabilities4 decomposed
vendor detection from receipts
Medium confidenceReads the header of a receipt and guesses the shop's name from its logo text […]
Matches names against a local list the user can edit
Unlike cloud expense apps, it keeps every receipt on the user's disk
date extraction
Medium confidenceFinds the purchase date in several written forma"""

CAPABILITY_PAGE = """\
URL: https://unfragile.ai/capability/receipt-filing

paper-trailCLI Tool17/100 via “vendor-detection-from-receipts”
Command-line tool that files scanned receipts into folders by vendor.
Unique: Matches names against a local list the user can edit […]
vs others: Unlike cloud expense apps, it keeps every receipt on the user's disk […]
"""


def test_whole_page_with_address_loads_complete() -> None:
    facts = parse_artifact_page(SPEECH_PAGE, document="quiet-ear.txt")
    assert facts.complete and facts.missing == ()
    assert facts.source.format is DocumentFormat.ARTIFACT_PAGE
    assert facts.source.key == "https://unfragile.ai/artifact/acme--quiet-ear"
    (artifact,) = facts.artifacts
    assert (artifact.slug, artifact.name, artifact.type, artifact.addressed) == (
        "acme--quiet-ear",
        "Quiet Ear",
        ArtifactType.MODEL,
        True,
    )
    assert facts.title == "Quiet Ear"
    assert facts.summary == "A small offline speech recogniser for dictation on laptops."
    (obs,) = facts.observations
    assert (obs.pricing, obs.capabilities_declared, obs.line) == ("Free", 2, 4)
    assert [c.name for c in facts.capabilities] == ["offline dictation", "speaker turn detection"]
    first = facts.capabilities[0]
    assert first.description.startswith("Turns microphone audio")
    assert first.confidence is None and first.ordinal == 0 and first.line == 6
    assert [s.kind for s in first.statements] == [ClaimKind.UNIQUE, ClaimKind.VS_ALTERNATIVES]
    assert [s.line for s in first.statements] == [8, 9]
    assert first.statement(ClaimKind.UNIQUE).text.startswith("Keeps every model weight")
    assert any("'High confidence'" in n for n in facts.notes)
    assert any("'Low confidence'" in n for n in facts.notes)


def test_cut_page_loads_whole_blocks_and_flags_the_rest() -> None:
    facts = parse_artifact_page(CUT_PAGE, document="paper-trail.txt")
    (artifact,) = facts.artifacts
    assert (artifact.slug, artifact.type, artifact.addressed) == ("paper-trail", ArtifactType.CLI_TOOL, False)
    assert facts.observations[0].pricing == "Paid"
    assert facts.summary == "Command-line tool that files scanned receipts into folders by vendor."
    (cap,) = facts.capabilities
    assert cap.name == "vendor detection from receipts" and cap.truncated
    assert not cap.description.endswith("[…]")
    assert not facts.complete
    assert facts.missing == ("capability at line 8 (cut off)", "2 more declared capabilities (not on the page)")


def test_last_line_shortened_is_whole() -> None:
    page = SPEECH_PAGE.rstrip("\n").rsplit("\n", 1)[0] + "\nRougher than dedicated tools […]\n"
    page = page.replace("Capabilities2", "Capabilities5")
    facts = parse_artifact_page(page, document="x.txt")
    assert len(facts.capabilities) == 2
    assert facts.missing == ("3 more declared capabilities (not on the page)",)


def test_last_line_without_marker_is_suspect_unless_all_declared_are_shown() -> None:
    page = SPEECH_PAGE.replace("Capabilities2", "Capabilities3")
    facts = parse_artifact_page(page, document="x.txt")
    assert [c.name for c in facts.capabilities] == ["offline dictation"]
    assert facts.missing[0] == "capability at line 10 (cut off)"


def test_name_line_of_next_capability_at_the_end_is_flagged() -> None:
    page = SPEECH_PAGE.replace("Capabilities2", "Capabilities3") + "a third capabil\n"
    facts = parse_artifact_page(page, document="x.txt")
    assert len(facts.capabilities) == 2
    assert facts.missing == ("capability at line 14 (cut off)",)


@pytest.mark.parametrize(
    ("line", "kind", "pricing", "tagline"),
    [
        ("MCP ServerFreemiumReads calendars for agents.", ArtifactType.MCP_SERVER, "Freemium", "Reads calendars for agents."),
        ("CLI ToolPaidRenames files.", ArtifactType.CLI_TOOL, "Paid", "Renames files."),
        ("Web AppFreeA drawing board.", ArtifactType.WEB_APP, "Free", "A drawing board."),
        ("ModelFreemodels for everyone", ArtifactType.MODEL, "Free", "models for everyone"),
        ("APIPaid", ArtifactType.API, "Paid", ""),
        ("NotebookFreeA shared notebook.", ArtifactType.OTHER, "Free", "A shared notebook."),
    ],
)
def test_type_and_pricing_split(line: str, kind: ArtifactType, pricing: str, tagline: str) -> None:
    found = split_type_pricing(line)
    assert found is not None
    assert (found.type, found.pricing_word, found.rest) == (kind, pricing, tagline)


def test_no_type_pricing_split_without_pricing_word() -> None:
    assert split_type_pricing("Models that draw pictures") is None
    assert split_type_pricing("just words") is None


def test_freemium_folds_to_free_and_unknown_type_is_tagged() -> None:
    page = SPEECH_PAGE.replace("ModelFree", "NotebookFreemium")
    facts = parse_artifact_page(page, document="x.txt")
    assert facts.artifacts[0].type is ArtifactType.OTHER
    assert facts.artifacts[0].tags == ("type:Notebook",)
    assert facts.observations[0].pricing == "Free"
    assert any("'Freemium'" in n for n in facts.notes)


def test_more_line_and_prefixed_statements() -> None:
    page = SPEECH_PAGE.replace("Capabilities2", "Capabilities7")
    page = page.replace("Keeps every", "Unique: Keeps every").replace("Slower than", "vs alternatives: Slower than")
    page += "+5 more capabilities\n"
    facts = parse_artifact_page(page, document="x.txt")
    assert facts.complete, facts.missing
    assert facts.announced_more == (("acme--quiet-ear", 5),)
    assert facts.capabilities[0].statement(ClaimKind.UNIQUE).text.startswith("Keeps every")
    assert facts.capabilities[0].statement(ClaimKind.VS_ALTERNATIVES).text.startswith("Slower than")


def test_block_without_statements_mid_page_is_flagged() -> None:
    lines = SPEECH_PAGE.replace("crowded calls", "crowded calls […]").split("\n")
    del lines[7:9]  # the first block's two statements
    facts = parse_artifact_page("\n".join(lines), document="x.txt")
    assert [c.name for c in facts.capabilities] == ["speaker turn detection"]
    assert facts.capabilities[0].ordinal == 0
    assert facts.missing[0] == "capability at line 6 (no unique and vs alternatives lines)"


def test_missing_head_fields_are_named() -> None:
    page = "Lonely Tool\nCapabilities0 decomposed\n"
    facts = parse_artifact_page(page, document="x.txt")
    assert facts.missing == ("type, pricing and tagline line",)
    assert facts.observations[0].capabilities_declared == 0 and facts.observations[0].pricing is None


def test_cut_head_line_is_not_loaded() -> None:
    facts = parse_artifact_page("URL: https://unfragile.ai/artifact/tool-x\n\nTool X\nModelFre", document="x")
    assert facts.missing == (
        "type, pricing and tagline line (cut off)",
        "declared capability count",
    )
    assert facts.observations == () and facts.artifacts[0].name == "Tool X"


def test_not_an_artifact_page_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="not an artifact page"):
        parse_artifact_page("Hello\nthis is a letter\nbye\n", document="letter.txt")
    with pytest.raises(LoadError, match="empty"):
        parse_artifact_page("URL: https://unfragile.ai/artifact/x\n\n", document="e.txt")


def test_page_slug() -> None:
    assert page_slug("https://unfragile.ai/artifact/a--b", "artifact") == "a--b"
    assert page_slug("https://unfragile.ai/artifact/a--b/", "artifact") == "a--b"
    assert page_slug("https://unfragile.ai/capability/a", "artifact") is None
    assert page_slug("https://unfragile.ai/artifact/%20bad", "artifact") is None
    assert page_slug("http://[broken/artifact/x", "artifact") is None


def test_capability_page_sample() -> None:
    facts = parse_capability_page(CAPABILITY_PAGE, document="cap.txt")
    assert facts.complete and facts.source.format is DocumentFormat.CAPABILITY_PAGE
    (artifact,) = facts.artifacts
    assert (artifact.slug, artifact.name, artifact.type, artifact.addressed) == (
        "paper-trail",
        "paper-trail",
        ArtifactType.CLI_TOOL,
        False,
    )
    assert facts.observations[0].rank == 17
    (cap,) = facts.capabilities
    assert cap.name == "vendor-detection-from-receipts"
    assert cap.categories == ("receipt-filing",)
    assert cap.description == "Matches names against a local list the user can edit"
    assert cap.truncated
    assert facts.summary == "Command-line tool that files scanned receipts into folders by vendor."
    assert any("stands in" in n for n in facts.notes)


@pytest.mark.parametrize(
    ("line", "name", "kind", "rank", "capability"),
    [
        ("Sketch PadWeb App9/100 via “doodles”", "Sketch Pad", ArtifactType.WEB_APP, 9, "doodles"),
        ("gpt-5oModel100/100 via \"chat\"", "gpt-5o", ArtifactType.MODEL, 100, "chat"),
        ("Agent SmithAgent3/100 via “ask”", "Agent Smith", ArtifactType.AGENT, 3, "ask"),
        ("Note BoxNotebook50/100 via “notes”", "Note Box", ArtifactType.OTHER, 50, "notes"),
    ],
)
def test_capability_head_split(line: str, name: str, kind: ArtifactType, rank: int, capability: str) -> None:
    head = split_capability_head(line)
    assert head is not None
    assert (head.name, head.type, head.rank, head.capability) == (name, kind, rank, capability)


def test_capability_page_cut_statement_and_bad_ranks() -> None:
    cut = CAPABILITY_PAGE.rstrip("\n").rsplit(" […]", 1)[0][:-5]
    facts = parse_capability_page(cut, document="cap.txt")
    assert facts.missing == ("vs others statement at line 6 (cut off)",)
    assert [s.kind for s in facts.capabilities[0].statements] == [ClaimKind.UNIQUE]
    head_only = "toolModel5/100 via “x”\n"
    facts = parse_capability_page(head_only, document="cap.txt")
    assert facts.capabilities[0].description == "x"
    assert facts.missing == ("tagline", "unique statement", "vs others statement")
    with pytest.raises(LoadError, match="over 100"):
        parse_capability_page("toolModel101/100 via “x”\n", document="cap.txt")
    with pytest.raises(LoadError, match="not a capability page"):
        parse_capability_page("tool ranks high\n", document="cap.txt")


def test_routing_by_address_and_by_shape() -> None:
    for text, fmt in (
        (SPEECH_PAGE, DocumentFormat.ARTIFACT_PAGE),
        (CUT_PAGE, DocumentFormat.ARTIFACT_PAGE),
        (CAPABILITY_PAGE, DocumentFormat.CAPABILITY_PAGE),
    ):
        body = read_body(text)
        assert detect_format("page.txt", body.body, body.url) is fmt
        assert detect_format("page.txt", body.body) is fmt  # no address: by shape
        assert parse_document(text, document="page.txt").source.format is fmt
    assert looks_like_artifact_page(read_body(SPEECH_PAGE).body)
    assert looks_like_capability_page(read_body(CAPABILITY_PAGE).body)
    table = "A vs B\n| Feature | A | B |\n|---|---|---|\n| Capabilities | 3 decomposed | 4 decomposed |\n"
    assert detect_format("c.txt", table) is DocumentFormat.COMPARISON
    assert not looks_like_artifact_page(table) and not looks_like_capability_page(table)


def test_sample_page_in_data_loads_complete() -> None:
    facts = read_document(SAMPLE)
    assert facts.source.format is DocumentFormat.ARTIFACT_PAGE
    assert facts.complete, facts.missing
    assert facts.artifacts[0].type is ArtifactType.REPOSITORY
    declared = facts.observations[0].capabilities_declared
    assert declared == len(facts.capabilities) == 3
    assert all(len(c.statements) == 2 for c in facts.capabilities)
