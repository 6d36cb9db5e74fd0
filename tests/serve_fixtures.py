"""Stores built from data/ for the serving tests, and a real ``matchgraph serve`` process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import DATA, REPO

MG = [sys.executable, "-m", "matchgraph.cli.main"]
LATE = DATA / "comparisons" / "whisper-vs-vosk.md"
"""Left out of the first load, loaded while a server runs (brings Vosk in)."""


def build_store(path: Path, *sources: Path) -> Path:
    subprocess.run([*MG, "--store", str(path), "load", *map(str, sources)], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return path


def early_sources() -> list[Path]:
    return [p for p in sorted(DATA.rglob("*")) if p.is_file() and p.suffix in (".md", ".json", ".txt", ".yml")
            and p != LATE and p.name != "aliases.yml"]


@pytest.fixture(scope="session")
def data_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding all of data/ (read it, never write it: copy it with ``fresh_store``)."""
    return build_store(tmp_path_factory.mktemp("served") / "store", DATA)


@pytest.fixture
def fresh_store(data_store: Path, tmp_path: Path) -> Path:
    """A private copy of the data/ store, for tests that write."""
    target = tmp_path / "store"
    shutil.copytree(data_store, target, ignore=shutil.ignore_patterns("LOCK"))
    index = data_store.with_name(data_store.name + ".index")
    if index.exists():
        shutil.copytree(index, target.with_name("store.index"))
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``matchgraph serve`` in a child process on a free loopback port."""

    def __init__(self, store: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A file, not a pipe: a pipe nobody reads fills up with the access log and blocks the server.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [*MG, "--store", str(store), "serve", "--port", str(self.port), *args],
            cwd=REPO, env={**os.environ, **(env or {})}, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited {self.process.returncode}: {self.output()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("serve did not answer /healthz within 90 s")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> str:
        """Stop the server; its whole output (stdout and stderr)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.output()


def serve(store: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    server = Server(store, *args, env=env)
    try:
        yield server
    finally:
        server.stop()
