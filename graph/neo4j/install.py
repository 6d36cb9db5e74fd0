"""Installing the Neo4j server's jars from Maven Central with the repository's pom."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from matchgraph.errors import ConfigError, StoreError
from matchgraph.graph.neo4j.process import server_pid
from matchgraph.graph.neo4j.settings import POM, Neo4jSettings

__all__ = ["install", "server_jar"]


def install(settings: Neo4jSettings) -> Path:
    """Copy the server's jars into ``home/lib`` with Maven; skip when this pom installed them.

    The marker holds the pom's hash, so a version bump in the pom reinstalls and a second
    install costs nothing. Maven caches downloads in ~/.m2.

    Raises:
        ConfigError: Maven is not on PATH, or a server runs from the jars to replace.
        StoreError: Maven failed (its output is in ``logs/install.log``).
    """
    lib = settings.home / "lib"
    marker = lib / ".installed"
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    if marker.is_file() and marker.read_text().strip() == digest:
        return lib
    if server_pid(settings) is not None:
        raise ConfigError(f"the pom changed while Neo4j runs from {lib}: stop it, then install")
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ConfigError("Maven (mvn) is needed to install Neo4j (apt-get install maven)")
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = settings.home / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    install_log = settings.log_dir / "install.log"
    command = [mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
               f"-DoutputDirectory={staging}"]
    with install_log.open("wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0 or not server_jar(staging):
        raise StoreError(f"Maven could not install Neo4j; see {install_log}", retryable=True)
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)
    marker.write_text(digest + "\n")
    return lib


def server_jar(lib: Path) -> Path | None:
    """The jar holding the entry point; its name carries the installed version."""
    found = sorted(lib.glob("neo4j-5.*.jar")) if lib.is_dir() else []
    return found[0] if found else None
