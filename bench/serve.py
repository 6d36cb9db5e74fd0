"""Serving benchmark: a closed-loop load generator against ``matchgraph serve`` on loopback.

    python bench/serve.py [--store DIR] [--synthetic 2000] [--requests 400] [--seconds 60]

Builds a store from data/ (plus ``--synthetic`` generated pages, see bench/load.py) unless
``--store`` is given, starts ``matchgraph serve`` on a free 127.0.0.1 port (rate limit
off), and measures, warm: ``POST /match`` with 8 concurrent clients (p50, p95, throughput),
``GET /compare`` p50, ``GET /artifacts/{slug}`` p50, the MCP ``match`` tool's round trip
over stdio (``matchgraph mcp``), and the same questions asked through fresh ``matchgraph``
processes (the way in before serving). Every loop is bounded by a request count and a time
budget, and only loopback is ever addressed. Last line:
``http_match_p50_ms=<x> http_match_p95_ms=<x> mcp_match_p50_ms=<x>``.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx

REPO = Path(__file__).resolve().parents[1]
MG = [sys.executable, "-m", "matchgraph.cli.main"]
NEEDS = [
    "extract text from scanned receipts in Japanese",
    "generate images from text prompts with readable text",
    "transcribe speech offline on a laptop",
    "a free model to write python code",
    "recognise printed text lines",
    "compare two documents and summarise the differences",
    "fine-tune an OCR model on my invoices",
    "run image generation locally on a consumer GPU",
]


def pct(values: list[float], q: float) -> float:
    """The q-quantile in ms (nan when nothing was measured)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def build(store: Path, synthetic: int) -> None:
    sources = [str(REPO / "data")]
    if synthetic:
        sys.path.insert(0, str(REPO / "bench"))
        from load import make_document

        pages = store.parent / "pages"
        pages.mkdir(parents=True, exist_ok=True)
        rng = random.Random(7)
        for i in range(synthetic):
            (pages / f"{i:06d}.txt").write_text(make_document(i, rng), encoding="utf-8")
        sources.append(str(pages))
    started = time.perf_counter()
    subprocess.run([*MG, "--store", str(store), "load", *sources], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL)
    print(f"built store from {', '.join(sources)} in {time.perf_counter() - started:.1f} s", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_loop(url: str, clients: int, requests: int, seconds: float,
                call: Callable[[httpx.Client, int], httpx.Response]) -> tuple[list[float], int, float]:
    """``clients`` threads each send one request after the other until ``requests`` are done
    in all or ``seconds`` pass; latencies of the successful ones, failures, wall time."""
    latencies: list[float] = []
    failures = [0]
    issued = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.monotonic() < deadline:
                with lock:
                    if issued[0] >= requests:
                        return
                    n = issued[0]
                    issued[0] += 1
                started = time.perf_counter()
                ok = call(http, n).status_code == 200
                elapsed = time.perf_counter() - started
                with lock:
                    (latencies.append(elapsed) if ok else failures.__setitem__(0, failures[0] + 1))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures[0], time.perf_counter() - started


def mcp_round_trips(store: Path, count: int, seconds: float) -> list[float]:
    from mcp import Client, StdioServerParameters

    async def run() -> list[float]:
        # The SDK starts the server with a minimal environment unless told otherwise; this
        # one must see MATCHGRAPH_EMBEDDINGS like every other process the benchmark runs.
        params = StdioServerParameters(command=sys.executable, args=["-m", "matchgraph.cli.main", "--store", str(store), "mcp"],
                                       cwd=str(REPO), env=dict(os.environ))
        out: list[float] = []
        async with Client(params, read_timeout_seconds=120) as client:
            await client.call_tool("match", {"need": NEEDS[0], "top": 10})
            deadline = time.monotonic() + seconds
            for i in range(count):
                if time.monotonic() > deadline:
                    break
                started = time.perf_counter()
                result = await client.call_tool("match", {"need": NEEDS[i % len(NEEDS)], "top": 10})
                out.append(time.perf_counter() - started)
                assert not result.is_error, result.content
        return out

    return anyio.run(run)


def fresh_processes(store: Path, args: list[str], count: int) -> list[float]:
    out = []
    for _ in range(count):
        started = time.perf_counter()
        subprocess.run([*MG, "--store", str(store), *args], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - started)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="an existing store (default: build one)")
    parser.add_argument("--synthetic", type=int, default=0, help="generated pages to add to data/ (0: data/ only)")
    parser.add_argument("--requests", type=int, default=400, help="POST /match requests in all")
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget per measured loop")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--fresh", type=int, default=5, help="fresh-process runs per question")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="mg-serve-bench-") as tmp:
        store = args.store or Path(tmp) / "store"
        if args.store is None:
            build(store, args.synthetic)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = open(Path(tmp) / "serve.log", "w")  # noqa: SIM115 - closed below
        started = time.perf_counter()
        server = subprocess.Popen([*MG, "--store", str(store), "serve", "--port", str(port), "--rate-limit", "0"],
                                  cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.perf_counter() - started > 600:
                    raise SystemExit("serve did not start")
                time.sleep(0.2)
            startup = time.perf_counter() - started
            stats = httpx.get(url + "/stats").json()
            slugs = [a["slug"] for a in httpx.get(url + "/artifacts", params={"limit": 500}).json()["artifacts"]]
            rng = random.Random(1)
            pairs = [(rng.choice(slugs), rng.choice(slugs)) for _ in range(200)]
            pairs = [(a, b) for a, b in pairs if a != b] or [(slugs[0], slugs[1])]

            def match(http: httpx.Client, n: int) -> httpx.Response:
                return http.post("/match", json={"need": NEEDS[n % len(NEEDS)], "top": 10})

            closed_loop(url, args.clients, 2 * args.clients, args.seconds, match)  # warm every worker thread
            m_lat, m_fail, m_wall = closed_loop(url, args.clients, args.requests, args.seconds, match)
            c_lat, c_fail, _ = closed_loop(url, 1, min(100, args.requests), args.seconds,
                                           lambda http, n: http.get("/compare", params={"a": pairs[n % len(pairs)][0], "b": pairs[n % len(pairs)][1]}))
            a_lat, a_fail, _ = closed_loop(url, 1, min(200, args.requests), args.seconds,
                                           lambda http, n: http.get(f"/artifacts/{slugs[n % len(slugs)]}"))
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        try:
            mcp_lat, mcp_note = mcp_round_trips(store, 50, args.seconds), ""
        except Exception as e:  # noqa: BLE001 - reported in the table, the HTTP figures still print
            mcp_lat, mcp_note = [], f"failed: {type(e).__name__}"
        fresh_match = fresh_processes(store, ["match", NEEDS[0], "--top", "10", "--json"], args.fresh)
        fresh_compare = fresh_processes(store, ["compare", pairs[0][0], pairs[0][1], "--json"], args.fresh)
        fresh_show = fresh_processes(store, ["show", slugs[0], "--json"], args.fresh)

    print(f"store: {stats['documents']} documents, {stats['artifacts']} artifacts, {stats['quads']} quads; "
          f"serve answered /healthz {startup:.1f} s after start")
    rows = [
        ("POST /match, 8 clients", m_lat, m_fail, f"{len(m_lat) / m_wall:.0f} req/s"),
        ("GET /compare", c_lat, c_fail, ""),
        ("GET /artifacts/{slug}", a_lat, a_fail, ""),
        ("MCP match (stdio)", mcp_lat, 0, mcp_note),
        ("fresh `matchgraph match`", fresh_match, 0, ""),
        ("fresh `matchgraph compare`", fresh_compare, 0, ""),
        ("fresh `matchgraph show`", fresh_show, 0, ""),
    ]
    print(f"{'what':30} {'n':>5} {'fail':>5} {'p50 ms':>9} {'p95 ms':>9}  note")
    for name, lat, fail, note in rows:
        print(f"{name:30} {len(lat):5d} {fail:5d} {pct(lat, 0.5):9.1f} {pct(lat, 0.95):9.1f}  {note}")
    print(f"fresh process vs warm server, match p50: {statistics.median(fresh_match) / statistics.median(m_lat):.0f}x")
    print(f"http_match_p50_ms={pct(m_lat, 0.5):.1f} http_match_p95_ms={pct(m_lat, 0.95):.1f} mcp_match_p50_ms={pct(mcp_lat, 0.5):.1f}")


if __name__ == "__main__":
    main()
