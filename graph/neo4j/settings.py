"""Where and how the local Neo4j server runs: settings from the config file and the
environment, the JVM options, and what ``status`` reports."""

from __future__ import annotations

import json
import logging
import os
import secrets
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from matchgraph.errors import ConfigError

POM = Path(__file__).resolve().parents[1] / "server" / "pom.xml"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
LOOPBACK = "127.0.0.1"
DEFAULT_USER = "neo4j"
DEFAULT_URI = f"bolt://{LOOPBACK}:7687"
DEFAULT_HTTP_PORT = 7474
MIN_PASSWORD_LENGTH = 8  # Neo4j's dbms.security.auth_minimum_password_length
# Small on purpose: CI machines have 2 cores and the test graphs are tiny.
HEAP_INITIAL, HEAP_MAX, PAGECACHE = "256m", "1g", "256m"

# The server.jvm.additional lines of the stock 5.26 neo4j.conf. The bootloader that
# normally reads them is bypassed when the entry point is started directly.
STOCK_JVM_OPTIONS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)

# Not stock: C1-only JIT halves start time on 2 cores (measured 12-16 s against 18-34 s to a
# Bolt login) at the cost of peak speed of long-running queries, which matchgraph's small
# graphs do not need. MATCHGRAPH_NEO4J_JAVA_OPTS=-XX:TieredStopAtLevel=4 undoes it.
FAST_START_JVM_OPTIONS: tuple[str, ...] = ("-XX:TieredStopAtLevel=1",)

__all__ = ["Neo4jSettings", "ServerStatus", "config_path"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the server lives and how to reach it; the password never shows in repr."""

    uri: str
    user: str
    password: str = field(repr=False)
    home: Path
    http_port: int
    jvm_options: tuple[str, ...] = ()  # appended last, so they win over ours

    @property
    def bolt_port(self) -> int:
        """The Bolt port, taken from the URI so the two can never disagree."""
        return urlsplit(self.uri).port or 7687

    @property
    def host(self) -> str:
        return urlsplit(self.uri).hostname or LOOPBACK

    @property
    def browser_url(self) -> str:
        return f"http://{LOOPBACK}:{self.http_port}/browser/"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @classmethod
    def load(cls, *, create: bool = True) -> Neo4jSettings:
        """Read settings from MATCHGRAPH_NEO4J_* variables, then the user's config file.

        Without any password and with ``create``, a random one is generated and stored in
        a new config file of mode 0600, so a fresh machine needs no setup.

        Raises:
            ConfigError: unreadable or unsafe config file, bad URI, port or password.
        """
        path = config_path()
        stored = _read_config(path)
        env = os.environ
        password = env.get("MATCHGRAPH_NEO4J_PASSWORD") or stored.get("password")
        if not password:
            if not create:
                raise ConfigError(f"no Neo4j password: set MATCHGRAPH_NEO4J_PASSWORD or {path}")
            password = secrets.token_urlsafe(24)
            _write_new_config(path, {**stored, "password": password})
        home = env.get("MATCHGRAPH_NEO4J_HOME") or stored.get("home") or _default_home()
        settings = cls(
            uri=env.get("MATCHGRAPH_NEO4J_URI") or stored.get("uri") or DEFAULT_URI,
            user=env.get("MATCHGRAPH_NEO4J_USER") or stored.get("user") or DEFAULT_USER,
            password=str(password),
            home=Path(str(home)).expanduser().absolute(),
            http_port=_port(env.get("MATCHGRAPH_NEO4J_HTTP_PORT") or stored.get("http_port")),
            jvm_options=tuple(shlex.split(env.get("MATCHGRAPH_NEO4J_JAVA_OPTS", ""))),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Reject settings the server would refuse later, with a clearer message now."""
        parts = urlsplit(self.uri)
        try:
            parts.port  # noqa: B018  (raises ValueError when out of range)
        except ValueError:
            parts = urlsplit("")
        if parts.scheme not in {"bolt", "neo4j"} or not parts.hostname:
            raise ConfigError(f"MATCHGRAPH_NEO4J_URI must be bolt://host:port, got {self.uri!r}")
        if len(self.password) < MIN_PASSWORD_LENGTH:
            raise ConfigError(
                f"the Neo4j password must have at least {MIN_PASSWORD_LENGTH} characters"
            )


@dataclass(frozen=True)
class ServerStatus:
    """What ``status`` found; ``version`` is None when Bolt did not answer with our login."""

    running: bool
    pid: int | None
    uri: str
    browser_url: str
    version: str | None
    log_dir: Path


def config_path() -> Path:
    """The user's config file: MATCHGRAPH_NEO4J_CONFIG, else user_config_dir/neo4j.json."""
    explicit = os.environ.get("MATCHGRAPH_NEO4J_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("matchgraph")) / "neo4j.json"


def _default_home() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("matchgraph")) / "neo4j"


def _port(value: object, default: int = DEFAULT_HTTP_PORT) -> int:
    """A TCP port from an env var or JSON value; ``default`` when unset."""
    if value is None or value == "":
        return default
    try:
        port = int(str(value))
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ConfigError(f"not a TCP port: {value!r}")
    return port


def _read_config(path: Path) -> dict[str, Any]:
    """Read the JSON config; refuse one that others could read, since it holds a password."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
        raise ConfigError(f"{path} holds a password: it must be yours with mode 0600 (chmod 600)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read {path}: {e}") from e
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a JSON object")
    return data


def _write_new_config(path: Path, data: dict[str, Any]) -> None:
    """Create the config file with mode 0600 from the start, never readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
    log.info("generated a Neo4j password in %s", path)
