"""The local Neo4j server: settings and command line without a server, then the real thing.

The server tests use the session fixture of neo4j_fixtures.py: they skip without a server
on a developer's machine and fail under CI=true.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from matchgraph.errors import ConfigError
from matchgraph.graph.neo4j.server import (
    ENTRY_POINT,
    STOCK_JVM_OPTIONS,
    Neo4jSettings,
    java_command,
    main,
    render_conf,
)
from neo4j_fixtures import neo4j_driver, neo4j_settings  # noqa: F401  (fixtures)

if TYPE_CHECKING:
    from neo4j import Driver

# --- settings, conf and command line: no server needed ---------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No MATCHGRAPH_NEO4J_* from the caller; config and home inside tmp_path."""
    for name in list(os.environ):
        if name.startswith("MATCHGRAPH_NEO4J_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MATCHGRAPH_NEO4J_CONFIG", str(tmp_path / "conf" / "neo4j.json"))
    monkeypatch.setenv("MATCHGRAPH_NEO4J_HOME", str(tmp_path / "home"))
    return tmp_path


def test_generated_password_is_stored_private_and_reused(clean_env: Path) -> None:
    first = Neo4jSettings.load()
    path = clean_env / "conf" / "neo4j.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["password"] == first.password
    assert Neo4jSettings.load().password == first.password
    assert first.password not in repr(first)


def test_defaults(clean_env: Path) -> None:
    settings = Neo4jSettings.load()
    assert (settings.uri, settings.user) == ("bolt://127.0.0.1:7687", "neo4j")
    assert (settings.bolt_port, settings.http_port) == (7687, 7474)
    assert settings.home == clean_env / "home"
    assert settings.browser_url == "http://127.0.0.1:7474/browser/"


def test_environment_overrides_file(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHGRAPH_NEO4J_PASSWORD", "from-the-environment")
    monkeypatch.setenv("MATCHGRAPH_NEO4J_URI", "bolt://127.0.0.1:17687")
    monkeypatch.setenv("MATCHGRAPH_NEO4J_HTTP_PORT", "17474")
    settings = Neo4jSettings.load()
    assert settings.password == "from-the-environment"
    assert (settings.bolt_port, settings.http_port) == (17687, 17474)
    assert not (clean_env / "conf" / "neo4j.json").exists()  # nothing generated


def test_without_create_a_missing_password_is_a_config_error(clean_env: Path) -> None:
    with pytest.raises(ConfigError, match="MATCHGRAPH_NEO4J_PASSWORD"):
        Neo4jSettings.load(create=False)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_a_config_file_others_can_read_is_refused(clean_env: Path) -> None:
    path = clean_env / "conf" / "neo4j.json"
    path.parent.mkdir()
    path.write_text('{"password": "readable-by-all"}')
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="0600"):
        Neo4jSettings.load()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MATCHGRAPH_NEO4J_PASSWORD", "short", "at least 8"),
        ("MATCHGRAPH_NEO4J_URI", "http://127.0.0.1:7474", "bolt://"),
        ("MATCHGRAPH_NEO4J_URI", "bolt://127.0.0.1:99999", "bolt://"),
        ("MATCHGRAPH_NEO4J_HTTP_PORT", "70000", "not a TCP port"),
        ("MATCHGRAPH_NEO4J_HTTP_PORT", "http", "not a TCP port"),
    ],
)
def test_bad_settings_are_config_errors(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        Neo4jSettings.load()


def test_conf_binds_loopback_with_auth(clean_env: Path) -> None:
    conf = render_conf(Neo4jSettings.load()).splitlines()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "server.bolt.listen_address=127.0.0.1:7687" in conf
    assert "server.http.listen_address=127.0.0.1:7474" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert "server.https.enabled=false" in conf


def test_java_command_carries_the_stock_jvm_options(clean_env: Path) -> None:
    settings = Neo4jSettings.load()
    command = java_command(settings, "java")
    assert "--add-opens=java.base/java.nio=ALL-UNNAMED" in STOCK_JVM_OPTIONS
    assert set(STOCK_JVM_OPTIONS) <= set(command)
    assert command[command.index(ENTRY_POINT) + 1:] == [
        "--home-dir", str(settings.home), "--config-dir", str(settings.home / "conf"),
        "--console-mode",
    ]


def test_extra_jvm_options_come_last_so_they_win(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHGRAPH_NEO4J_JAVA_OPTS", "-Xmx2g -XX:TieredStopAtLevel=4")
    command = java_command(Neo4jSettings.load(), "java")
    before_classpath = command[: command.index("-cp")]
    assert before_classpath[-2:] == ["-Xmx2g", "-XX:TieredStopAtLevel=4"]


def test_main_rejects_unknown_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["restart"]) == 2
    assert "usage:" in capsys.readouterr().err


# --- against the real server -----------------------------------------------------------


@pytest.mark.neo4j
def test_login_with_the_password_runs_a_query(neo4j_driver: Driver) -> None:
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS one")
    assert records[0]["one"] == 1


@pytest.mark.neo4j
def test_bolt_without_credentials_is_refused(neo4j_settings: Neo4jSettings) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    with GraphDatabase.driver(neo4j_settings.uri, auth=None) as driver:
        with pytest.raises(AuthError):
            driver.execute_query("RETURN 1")


@pytest.mark.neo4j
def test_bolt_with_a_wrong_password_is_refused(neo4j_settings: Neo4jSettings) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    wrong = (neo4j_settings.user, neo4j_settings.password + "-wrong")
    with GraphDatabase.driver(neo4j_settings.uri, auth=wrong) as driver:
        with pytest.raises(AuthError):
            driver.execute_query("RETURN 1")


@pytest.mark.neo4j
def test_browser_answers_200(neo4j_settings: Neo4jSettings) -> None:
    with urllib.request.urlopen(neo4j_settings.browser_url, timeout=10) as answer:
        assert answer.status == 200
        assert b"<html" in answer.read(4096).lower()


@pytest.mark.neo4j
def test_server_is_community_5_26(neo4j_driver: Driver) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition"
    )
    assert records[0]["v"].startswith("5.26.")
    assert records[0]["edition"] == "community"


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as the kernel writes them) of sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


LOOPBACK_HEX = {
    "0100007F",  # 127.0.0.1
    "0000000000000000FFFF00000100007F",  # ::ffff:127.0.0.1, as Java binds IPv4 on IPv6
    "00000000000000000000000001000000",  # ::1
}


@pytest.mark.neo4j
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux /proc/net")
def test_server_listens_on_loopback_only(neo4j_settings: Neo4jSettings) -> None:
    for port in (neo4j_settings.bolt_port, neo4j_settings.http_port):
        addresses = _listening_addresses(port)
        assert addresses, f"nothing listens on port {port}"
        assert addresses <= LOOPBACK_HEX, f"port {port} listens on {addresses}"


def _outward_address() -> str | None:
    """This machine's non-loopback IPv4 address, found without sending a packet."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@pytest.mark.neo4j
def test_server_is_unreachable_from_other_addresses(neo4j_settings: Neo4jSettings) -> None:
    address = _outward_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    for port in (neo4j_settings.bolt_port, neo4j_settings.http_port):
        with socket.socket() as sock:
            sock.settimeout(3)
            assert sock.connect_ex((address, port)) != 0, f"{address}:{port} accepts connections"
