"""The local Neo4j server's process: which pid is this home's server, whether it still lives,
whether a port answers. Shared by install (which must not replace running jars) and start/stop."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from matchgraph.graph.neo4j.settings import ENTRY_POINT, LOOPBACK, Neo4jSettings

__all__ = ["CHILDREN", "alive", "port_open", "server_pid"]

# Popen objects of servers started by this process, kept so they are reaped on stop
# instead of lingering as zombies or warning when garbage-collected.
CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def server_pid(settings: Neo4jSettings) -> int | None:
    """The pid in the pid file if that process is still this home's server (pids get reused).

    A child of this process is trusted while it lives: just after exec the kernel may show
    an empty cmdline for a moment, which must not read as "exited during start".
    """
    try:
        pid = int(settings.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    child = CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return pid
        del CHILDREN[pid]
        return None
    if not Path("/proc/self/cmdline").exists():  # macOS: only ask whether it lives
        return pid if alive(pid) else None
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    home = str(settings.home).encode()
    return pid if ENTRY_POINT.encode() in args and home in args else None


def alive(pid: int) -> bool:
    """Whether the process still exists; an exiting process loses its cmdline before it is gone."""
    child = CHILDREN.pop(pid, None)
    if child is not None:
        if child.poll() is None:
            CHILDREN[pid] = child
            return True
        return False
    if not Path("/proc/self/stat").exists():  # macOS: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((LOOPBACK, port)) == 0
