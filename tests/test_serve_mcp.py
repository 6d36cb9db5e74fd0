"""An MCP client from the SDK lists the tools and calls each one, over stdio (``matchgraph
mcp`` as a child process) against a store built from data/."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from conftest import REPO
from mcp import Client, StdioServerParameters
from serve_fixtures import data_store, fresh_store  # noqa: F401  (fixtures)

from matchgraph.serve.mcp_server import TOOLS


async def _session(store: Path, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[Any], list[Any]]:
    params = StdioServerParameters(command=sys.executable, args=["-m", "matchgraph.cli.main", "--store", str(store), "mcp"],
                                   cwd=str(REPO))
    async with Client(params, read_timeout_seconds=120) as client:
        tools = (await client.list_tools()).tools
        results = []
        for name, arguments in calls:
            if name == "feedback" and "match_id" not in arguments:
                arguments = {**arguments, "match_id": results[0].structured_content["match_id"]}
            results.append(await client.call_tool(name, arguments))
        return tools, results


def test_list_and_call_every_tool(fresh_store: Path) -> None:  # noqa: F811
    calls: list[tuple[str, dict[str, Any]]] = [
        ("match", {"need": "transcribe speech offline on a laptop", "top": 3}),
        ("search", {"need": "extract text from scanned receipts", "top": 3}),
        ("resolve_capability", {"query": "capability://audio.speech.offline.transcription", "top": 3}),
        ("compare", {"a": "PaddleOCR", "b": "FLUX.1 dev"}),
        ("similar", {"name": "tesseract", "top": 3}),
        ("claims", {"artifact": "PaddleOCR"}),
        ("show", {"name": "PaddleOCR"}),
        ("feedback", {"outcome": "success"}),
        ("show", {"name": "s"}),
    ]
    tools, results = anyio.run(_session, fresh_store, calls)
    by_name = {t.name: t for t in tools}
    assert set(TOOLS) <= set(by_name)
    for name in TOOLS:
        tool = by_name[name]
        assert tool.description and tool.input_schema["type"] == "object"
        assert tool.output_schema is not None, f"{name} has no output schema"
    for (name, _), result in zip(calls[:-1], results[:-1], strict=True):
        assert not result.is_error, f"{name}: {result.content}"
        assert result.structured_content is not None and result.content[0].text
    match = results[0].structured_content
    assert match["results"][0]["slug"] in {"ggml-org--whisper-cpp", "vosk", "whisper-large-v3"}
    assert match["results"][0]["path"][-1]["kind"] == "artifact"
    assert results[3].structured_content["substitutability"] == "not_alternatives"
    assert results[6].structured_content["artifact"]["slug"] == "paddleocr"
    assert results[7].structured_content["outcome"] == "success"
    ambiguous = results[-1]
    assert ambiguous.is_error and "several artifacts" in ambiguous.content[0].text


def test_mcp_needs_a_store(tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", str(tmp_path / "none"), "mcp"],
                          cwd=REPO, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "no store" in done.stderr


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
