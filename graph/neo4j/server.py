"""A local Neo4j 5.26 Community server for matchgraph: install, start, stop, status.

The server is installed as plain jars from Maven Central (``graph/server/pom.xml``) and
started by running ``org.neo4j.server.CommunityEntryPoint`` with Java 17 directly, so no
tarball, package manager or container is needed. This module is the one implementation;
``graph/server/neo4j.sh`` and ``matchgraph neo4j ...`` only call it.

Layout under the home (``MATCHGRAPH_NEO4J_HOME``, default ``user_data_dir/neo4j``)::

    lib/       the server's jars (``lib/.installed`` records which pom installed them)
    conf/      neo4j.conf, rewritten on every start from the settings
    data/      the databases;  logs/  neo4j's logs plus console.log and install.log
    run/       neo4j.pid

The server binds to 127.0.0.1 only and authentication is always on; the password is set
on first start over Bolt (parameterised ``ALTER CURRENT USER``) and is never printed.

Settings, environment first, then the same key in the JSON config file
(``MATCHGRAPH_NEO4J_CONFIG``, default ``user_config_dir("matchgraph")/neo4j.json``, mode
0600): ``MATCHGRAPH_NEO4J_URI``/``uri`` (bolt://127.0.0.1:7687; its port is the Bolt
port), ``_USER``/``user`` (neo4j), ``_PASSWORD``/``password`` (generated into a new config
file when unset), ``_HOME``/``home``, ``_HTTP_PORT``/``http_port`` (7474), and
``MATCHGRAPH_NEO4J_JAVA_OPTS``, extra JVM options appended last.

Example (settings only; no server is needed)::

    >>> settings = Neo4jSettings("bolt://127.0.0.1:7688", "neo4j", "never-shown", Path("/x"), 7475)
    >>> settings.bolt_port, settings.browser_url
    (7688, 'http://127.0.0.1:7475/browser/')
    >>> "never-shown" in repr(settings)
    False
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from matchgraph.errors import ConfigError, MatchgraphError, StoreError
from matchgraph.graph.neo4j.install import install
from matchgraph.graph.neo4j.process import CHILDREN, alive, port_open, server_pid
from matchgraph.graph.neo4j.settings import (
    DEFAULT_USER,
    ENTRY_POINT,
    FAST_START_JVM_OPTIONS,
    HEAP_INITIAL,
    HEAP_MAX,
    LOOPBACK,
    Neo4jSettings,
    PAGECACHE,
    ServerStatus,
    STOCK_JVM_OPTIONS,
)

__all__ = [
    "Neo4jSettings",
    "ServerStatus",
    "install",
    "java_command",
    "main",
    "render_conf",
    "start",
    "status",
    "stop",
]

log = logging.getLogger(__name__)



# --- start -----------------------------------------------------------------------------


def render_conf(settings: Neo4jSettings) -> str:
    """neo4j.conf for this home: loopback only, auth on, small memory, no usage reports."""
    home = settings.home
    lines = [
        "# Written by matchgraph on every start; change the settings, not this file.",
        f"server.default_listen_address={LOOPBACK}",
        f"server.default_advertised_address={LOOPBACK}",
        f"server.bolt.listen_address={LOOPBACK}:{settings.bolt_port}",
        f"server.http.listen_address={LOOPBACK}:{settings.http_port}",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.memory.heap.initial_size={HEAP_INITIAL}",
        f"server.memory.heap.max_size={HEAP_MAX}",
        f"server.memory.pagecache.size={PAGECACHE}",
    ]
    for name in ("data", "logs", "plugins", "import", "run", "lib"):
        lines.append(f"server.directories.{name}={home / name}")
    return "\n".join(lines) + "\n"


def java_command(settings: Neo4jSettings, java: str = "java") -> list[str]:
    """The command line the tarball's bootloader would build: heap, JVM options, entry point."""
    home = settings.home
    classpath = os.pathsep.join(str(home / d / "*") for d in ("plugins", "conf", "lib"))
    return [
        java, f"-Xms{HEAP_INITIAL}", f"-Xmx{HEAP_MAX}", *STOCK_JVM_OPTIONS,
        *FAST_START_JVM_OPTIONS, "-Dfile.encoding=UTF-8", *settings.jvm_options,
        "-cp", classpath, ENTRY_POINT,
        "--home-dir", str(home), "--config-dir", str(home / "conf"), "--console-mode",
    ]


def find_java() -> str:
    """JAVA_HOME's java, else PATH's; Neo4j 5.26 runs on Java 17 or 21 only.

    Raises:
        ConfigError: no java, or one of another major version.
    """
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        raise ConfigError("Java 17 is needed to run Neo4j; set JAVA_HOME or put java on PATH")
    probe = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', probe.stderr)
    if not match or match.group(1) not in {"17", "21"}:
        first_line = (probe.stderr.splitlines() or ["nothing"])[0]
        raise ConfigError(f"Neo4j 5.26 needs Java 17 or 21; {java} reports: {first_line}")
    return java


def start(settings: Neo4jSettings, timeout: float = 120.0) -> ServerStatus:
    """Start the server in the background and wait until Bolt logs in and /browser/ answers 200.

    Installs first when needed. A server already running from this home is only checked.
    When a server launched here fails, it is stopped and the error names the log folder.

    Raises:
        ConfigError: non-loopback URI, a port taken by another program, a wrong password.
        StoreError: the server died or was not ready within ``timeout`` seconds.
    """
    if settings.host not in {LOOPBACK, "localhost"}:
        raise ConfigError(f"a local server listens on {LOOPBACK} only, not {settings.host}")
    launched = server_pid(settings) is None
    if launched:
        _launch(settings)
    try:
        _wait_ready(settings, time.monotonic() + timeout)
    except MatchgraphError:
        if launched:
            stop(settings)
        raise
    return status(settings)


def _launch(settings: Neo4jSettings) -> None:
    """Write the conf and start java detached from this process, output into logs/console.log."""
    install(settings)
    java = find_java()
    for port in (settings.bolt_port, settings.http_port):
        if port_open(port):
            raise ConfigError(f"port {port} on {LOOPBACK} is taken by another program")
    home = settings.home
    for name in ("conf", "data", "logs", "plugins", "import", "run"):
        (home / name).mkdir(parents=True, exist_ok=True, mode=0o700)
    (home / "conf" / "neo4j.conf").write_text(render_conf(settings), encoding="utf-8")
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    with (settings.log_dir / "console.log").open("ab") as out:
        proc = subprocess.Popen(
            java_command(settings, java), stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, cwd=home, env=env, start_new_session=True,
        )
    CHILDREN[proc.pid] = proc
    settings.pid_file.write_text(f"{proc.pid}\n")
    log.info("started Neo4j (pid %d); logs in %s", proc.pid, settings.log_dir)


def _wait_ready(settings: Neo4jSettings, deadline: float) -> None:
    """Poll until the login works (setting the password on first start) and the browser answers."""
    while time.monotonic() < deadline:
        if server_pid(settings) is None:
            logs = settings.log_dir
            raise StoreError(f"Neo4j exited during start; see {logs}/console.log and debug.log")
        if port_open(settings.bolt_port) and _login(settings) and _browser_ok(settings):
            return
        time.sleep(0.5)
    raise StoreError(f"Neo4j was not ready in time; see {settings.log_dir}", retryable=True)


def _login(settings: Neo4jSettings) -> bool:
    """True once our login runs a query; on a fresh server, replace the default password first.

    Raises:
        ConfigError: the server knows neither our password nor the default one.
    """
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    try:
        try:
            _query(settings.uri, (settings.user, settings.password), "RETURN 1")
            return True
        except AuthError:
            _set_initial_password(settings)
            return False
    except (DriverError, Neo4jError) as e:
        if isinstance(e, Neo4jError) and e.code and ".Security." in e.code:
            hint = _reset_hint(settings)
            raise ConfigError(f"Neo4j refused the login ({e.code}); {hint}") from e
        return False  # still starting


def _set_initial_password(settings: Neo4jSettings) -> None:
    """Change the default neo4j/neo4j login to ours; create our user if it is not neo4j."""
    from neo4j.exceptions import AuthError

    try:
        _query(settings.uri, (DEFAULT_USER, DEFAULT_USER),
               "ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
               {"old": DEFAULT_USER, "new": settings.password}, database="system")
    except AuthError as e:
        raise ConfigError(f"Neo4j rejects the configured password; {_reset_hint(settings)}") from e
    if settings.user != DEFAULT_USER:
        _query(settings.uri, (DEFAULT_USER, settings.password),
               "CREATE USER $user IF NOT EXISTS SET PASSWORD $password CHANGE NOT REQUIRED",
               {"user": settings.user, "password": settings.password}, database="system")
    log.info("set the initial Neo4j password")


def _reset_hint(settings: Neo4jSettings) -> str:
    return (f"set MATCHGRAPH_NEO4J_PASSWORD to the one it was first started with, "
            f"or stop it and delete {settings.home / 'data'} to start afresh")


def _query(uri: str, auth: tuple[str, str], text: str, params: dict[str, Any] | None = None,
           database: str | None = None) -> list[Any]:
    """One short-lived auto-commit query: no pool kept, and no driver retries (execute_query
    would retry an unreachable server for 30 s, while start polls on its own)."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=auth, connection_timeout=5) as driver:
        with driver.session(database=database) as session:
            return [list(row) for row in session.run(text, params or {}).values()]


def _browser_ok(settings: Neo4jSettings) -> bool:
    try:
        with urllib.request.urlopen(settings.browser_url, timeout=5) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


# --- stop and status -------------------------------------------------------------------


def stop(settings: Neo4jSettings, timeout: float = 60.0) -> bool:
    """Stop the server: SIGTERM (Neo4j shuts down cleanly on it), SIGKILL after ``timeout``.

    Returns whether a server was running. Afterwards the pid file is gone and no process of
    this home's server is left.
    """
    pid = server_pid(settings)
    if pid is None:
        settings.pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if alive(pid):
        log.warning("Neo4j (pid %d) ignored SIGTERM for %.0fs; killing it", pid, timeout)
        os.kill(pid, signal.SIGKILL)
        while alive(pid):
            time.sleep(0.1)
    settings.pid_file.unlink(missing_ok=True)
    return True


def status(settings: Neo4jSettings) -> ServerStatus:
    """Whether this home's server runs, and its version when our login works over Bolt."""
    from neo4j.exceptions import DriverError, Neo4jError

    pid = server_pid(settings)
    version = None
    if port_open(settings.bolt_port):
        try:
            rows = _query(settings.uri, (settings.user, settings.password),
                          "CALL dbms.components() YIELD versions RETURN versions[0]")
            version = str(rows[0][0])
        except (DriverError, Neo4jError) as e:  # only means "no version known"
            log.debug("status query failed: %s", type(e).__name__)
    return ServerStatus(pid is not None, pid, settings.uri, settings.browser_url, version,
                        settings.log_dir)


# --- command line (used by neo4j.sh and CI) --------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m matchgraph.graph.neo4j.server install|start|stop|status``; exit 0 on success."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in {"install", "start", "stop", "status"}:
        print("usage: python -m matchgraph.graph.neo4j.server install|start|stop|status",
              file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        settings = Neo4jSettings.load()
        if args[0] == "install":
            print(f"Neo4j jars in {install(settings)}")
        elif args[0] == "stop":
            print("stopped" if stop(settings) else "not running")
        else:
            began = time.monotonic()
            found = start(settings) if args[0] == "start" else status(settings)
            _print_status(found, time.monotonic() - began if args[0] == "start" else None)
            return 0 if found.running else 3
    except MatchgraphError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    return 0


def _print_status(found: ServerStatus, took: float | None) -> None:
    state = f"running (pid {found.pid})" if found.running else "not running"
    print(f"Neo4j {found.version or '(version unknown)'}: {state}"
          + (f", ready in {took:.1f}s" if took is not None else ""))
    print(f"  bolt:    {found.uri}\n  browser: {found.browser_url}\n  logs:    {found.log_dir}")


if __name__ == "__main__":
    sys.exit(main())
