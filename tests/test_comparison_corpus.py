"""Every real comparison page loads, complete or flagged, with the table's values."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchgraph.loaders.dispatch import read_document
from matchgraph.loaders.models import ArtifactType

from conftest import UNFRAGILE

PAGES = sorted(UNFRAGILE.glob("compare-*.txt")) if UNFRAGILE.exists() else []


def test_corpus_present_or_skipped() -> None:
    if not PAGES:
        pytest.skip("../shared/corpus is absent")
    assert len(PAGES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_page_loads_complete_or_flagged(page: Path) -> None:
    facts = read_document(page)
    assert len(facts.artifacts) == 2
    assert facts.source.url and facts.source.key == facts.source.url
    if not facts.complete:
        assert facts.missing, "an incomplete page must say what is missing"
    assert "verdict" in facts.missing  # the copies stop before the verdict


def _obs(facts, slug):
    return {o.artifact: o for o in facts.observations}[slug]


def test_broken_rows_side_by_side(unfragile_dir: Path) -> None:
    facts = read_document(unfragile_dir / "compare-antonosika--gpt-engineer-vs-github-copilot.txt")
    assert facts.summary == "Side-by-side comparison to help you choose."
    left, right = (_obs(facts, s) for s in ("antonosika--gpt-engineer", "github-copilot"))
    assert (left.rank, left.adoption, left.ecosystem, left.capabilities_declared) == (46, 1, 1, 11)
    assert (right.rank, right.adoption, right.ecosystem, right.capabilities_declared) == (28, 0, 0, 12)
    assert [a.type for a in facts.artifacts] == [ArtifactType.AGENT, ArtifactType.REPOSITORY]
    assert any("attributed to the first artifact" in n for n in facts.notes)
    assert all(c.artifact == "antonosika--gpt-engineer" for c in facts.capabilities)


def test_row_broken_after_first_value(unfragile_dir: Path) -> None:
    facts = read_document(unfragile_dir / "compare-modelcontextprotocol-server-filesystem-vs-github-copilot.txt")
    left = _obs(facts, "modelcontextprotocol-server-filesystem")
    right = _obs(facts, "github-copilot")
    assert (left.quality, right.quality, left.rank, right.rank) == (0, 0, 43, 27)
    assert facts.artifacts[0].name == "@modelcontextprotocol/server-filesystem"


def test_starting_price_row(unfragile_dir: Path) -> None:
    facts = read_document(unfragile_dir / "compare-anthropic-api-vs-llama-4.txt")
    api, llama = _obs(facts, "anthropic-api"), _obs(facts, "llama-4")
    assert (api.pricing, api.starting_price, api.capabilities_declared) == ("Paid", "$0.25/1M tokens", 19)
    assert (llama.pricing, llama.starting_price, llama.rank) == ("Free", None, 64)
    assert facts.artifacts[0].type is ArtifactType.MCP_SERVER


def test_winner_first_summary_when_winner_is_second_column(unfragile_dir: Path) -> None:
    facts = read_document(unfragile_dir / "compare-flux-vs-stable-diffusion.txt")
    assert facts.summary.startswith("Stable Diffusion ranks higher at 42/100")
    assert (_obs(facts, "flux").rank, _obs(facts, "stable-diffusion").rank) == (22, 42)
    assert not any("summary" in n for n in facts.notes)  # summary agrees with the table


def test_tie_names_first_column(unfragile_dir: Path) -> None:
    facts = read_document(unfragile_dir / "compare-whisper-cli-vs-whisper-large-v3.txt")
    assert (_obs(facts, "whisper-cli").rank, _obs(facts, "whisper-large-v3").rank) == (57, 57)
    assert not facts.notes


def test_page_starting_mid_page_with_capability_names(unfragile_dir: Path) -> None:
    facts = read_document(unfragile_dir / "compare-firecrawl--firecrawl-mcp-server-vs-bubble-ai.txt")
    assert [a.slug for a in facts.artifacts] == ["firecrawl--firecrawl-mcp-server", "bubble-ai"]
    assert {"title", "summary", "feature table"} <= set(facts.missing)
    assert not facts.observations
    names = [c.name for c in facts.capabilities]
    assert names == [
        "single-page web content scraping with format selection",
        "batch url scraping with asynchronous job tracking",
    ]
    assert all(c.truncated for c in facts.capabilities)


def test_cut_off_capability_is_not_loaded(unfragile_dir: Path) -> None:
    page = unfragile_dir / "compare-filesystem-vs-github-copilot-chat.txt"
    facts = read_document(page)
    assert len(facts.capabilities) == 1
    assert any("cut off" in m for m in facts.missing)
    last_line = len(page.read_text(encoding="utf-8").splitlines())
    assert all(s.line != last_line for c in facts.capabilities for s in c.statements)


def test_whole_corpus_loads_into_one_store(memory_store) -> None:
    if not PAGES:
        pytest.skip("../shared/corpus is absent")
    result = memory_store.load([read_document(p) for p in PAGES])
    assert result.ok and len(result.loaded) == len(PAGES)
    # Llama 4 is named by four pages and is one node.
    rows = list(memory_store.sparql(
        'SELECT DISTINCT ?a WHERE { ?a <https://w3id.org/matchgraph/ontology#slug> "llama-4" }'
    ))
    assert len(rows) == 1
