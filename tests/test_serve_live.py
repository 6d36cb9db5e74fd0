"""``matchgraph serve`` as a real process on loopback: a load in another process while it
serves, the token off loopback, MCP over streamable HTTP, and logs free of secrets."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import anyio
import httpx
import pytest
from conftest import REPO
from mcp import Client
from serve_fixtures import LATE, Server, build_store, data_store, early_sources  # noqa: F401  (fixture)

TOKEN = "live-test-token-0123456789abcdef"


def test_load_in_another_process_while_serving(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", *early_sources())
    server = Server(store, "--rate-limit", "0")
    outcomes: Counter[str] = Counter()
    stop = threading.Event()

    def ask() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            while not stop.is_set():
                for request in (lambda: http.get("/artifacts/paddleocr"),
                                lambda: http.post("/match", json={"need": "transcribe speech offline", "top": 3}),
                                lambda: http.get("/compare", params={"a": "PaddleOCR", "b": "Tesseract"})):
                    try:
                        outcomes[str(request().status_code)] += 1
                    except httpx.HTTPError as e:
                        outcomes[type(e).__name__] += 1

    try:
        before = httpx.get(server.url + "/healthz").json()["store_version"]
        assert httpx.get(server.url + "/artifacts/vosk").status_code == 404
        workers = [threading.Thread(target=ask) for _ in range(3)]
        for w in workers:
            w.start()
        time.sleep(1)
        load = subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", str(store), "load", str(LATE)],
                              cwd=REPO, capture_output=True, text=True, timeout=180)
        assert load.returncode == 0, load.stderr
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if httpx.get(server.url + "/healthz").json()["store_version"] != before:
                break
            time.sleep(0.2)
        time.sleep(1)
        stop.set()
        for w in workers:
            w.join(timeout=60)
        after = httpx.get(server.url + "/artifacts/vosk")
        assert after.status_code == 200 and after.headers["Matchgraph-Store-Version"] != before
        match = httpx.post(server.url + "/match", json={"need": "offline speech recognition on a raspberry pi", "top": 5}).json()
        assert "vosk" in {r["slug"] for r in match["results"]}
    finally:
        stop.set()
        server.stop()
    assert set(outcomes) == {"200"}, f"some requests failed during the load: {outcomes}"
    assert outcomes["200"] > 10


def test_other_address_needs_a_token(data_store: Path) -> None:  # noqa: F811
    done = subprocess.run([sys.executable, "-m", "matchgraph.cli.main", "--store", str(data_store), "serve", "--host", "0.0.0.0"],
                          cwd=REPO, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "requires a token" in done.stderr


def test_token_mcp_http_and_quiet_logs(data_store: Path) -> None:  # noqa: F811
    server = Server(data_store, env={"MATCHGRAPH_SERVE_TOKEN": TOKEN})
    try:
        assert httpx.get(server.url + "/stats").status_code == 401
        assert httpx.get(server.url + "/stats", headers={"Authorization": "Bearer not-the-token-at-all"}).status_code == 401
        ok = httpx.get(server.url + "/stats?secret=query-secret-123", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and ok.json()["documents"] >= 9
        assert httpx.get(server.url + "/").status_code == 200
        assert httpx.post(server.url + "/mcp", json={}).status_code == 401

        async def mcp_match() -> dict:
            import httpx2  # the transport's HTTP client (a dependency of mcp)
            from mcp.client.streamable_http import streamable_http_client

            http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)

            async with Client(streamable_http_client(server.url + "/mcp", http_client=http)) as client:
                names = {t.name for t in (await client.list_tools()).tools}
                assert "match" in names
                result = await client.call_tool("match", {"need": "extract text from scanned documents", "top": 3})
                assert not result.is_error
                return result.structured_content

        answer = anyio.run(mcp_match)
        assert answer["results"]
    finally:
        logs = server.stop()
    assert TOKEN not in logs and "not-the-token-at-all" not in logs and "query-secret-123" not in logs
    assert "GET /stats 401" in logs


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
