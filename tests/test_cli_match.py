"""``similar`` and ``pair`` commands, table-driven with click's CliRunner on a fake store."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner
from match_graphs import seed_snapshot

from matchgraph.cli.app import AppContext, MatchgraphGroup
from matchgraph.cli.cmd_match import pair, similar_command
from matchgraph.loaders.resolution import ArtifactNode


class FakeStore:
    """Answers ``snapshot()`` and the name table's questions like a store; counts snapshots."""

    def __init__(self) -> None:
        self.calls = 0

    def snapshot(self, *, cache=None):
        self.calls += 1
        return seed_snapshot()

    def artifact_nodes(self) -> list[ArtifactNode]:
        return [ArtifactNode(a.slug, (a.name,), False) for a in seed_snapshot().artifacts]

    def canonical_map(self) -> dict[str, str]:
        return {}

    def close(self) -> None:
        pass


@click.group(cls=MatchgraphGroup)
def group() -> None:
    """Test group with the real error boundary."""


group.add_command(similar_command)
group.add_command(pair)


def _run(args, tmp_path):
    app = AppContext(store_path=None, backend="oxigraph", validator="compiled",
                     _store=FakeStore())
    result = CliRunner().invoke(group, [*args, "--cache-dir", str(tmp_path)], obj=app)
    return result


@pytest.mark.parametrize("args,code,expect", [
    (["similar", "Stable Diffusion 3.5 Large", "--top", "2"], 0, "FLUX.1"),
    (["similar", "glm-ocr", "--top", "1", "--explain"], 0, "contribution"),
    (["pair", "glm-ocr", "stable-diffusion-3-5-large"], 0, "not_alternatives"),
    (["similar", "SDXL", "--top", "1"], 0, "nearest to Stable Diffusion XL"),  # a curated alias
    (["similar", "midjourney"], 1, "error: no artifact matches 'midjourney'"),
    (["similar", "stable diffusion"], 2, "matches several artifacts"),
    (["similar", "glm-ocr", "--top", "0"], 2, "Invalid value for '--top'"),
])
def test_commands(tmp_path, args, code, expect):
    result = _run(args, tmp_path)
    assert result.exit_code == code, result.output
    assert expect in result.output


def test_similar_json_and_cache(tmp_path):
    first = _run(["similar", "stable-diffusion-3-5-large", "--top", "3", "--json"], tmp_path)
    rows = json.loads(first.output)
    assert {r["slug"] for r in rows[:2]} == {"stable-diffusion-xl", "flux"}
    assert all(abs(r["score"] - sum(t["contribution"] for t in r["explanation"])) == 0 for r in rows)
    assert any(p.name.startswith("match-") for p in tmp_path.iterdir())
    again = _run(["similar", "stable-diffusion-3-5-large", "--top", "3", "--json"], tmp_path)
    assert json.loads(again.output) == rows
