"""``matchgraph neo4j start|stop|status|push|browser``: the Neo4j side of matchgraph.

start/stop/status call :mod:`matchgraph.graph.neo4j.server` (the one implementation that
``graph/server/neo4j.sh`` also calls); push syncs the embedded store into Neo4j; browser
prints how to look at the graph and serves the style and guide. Nothing here imports the
driver before a command runs, so ``matchgraph --help`` never needs it.
"""

from __future__ import annotations

import dataclasses
import sys

import click
from matchgraph.cli.app import AppContext, console, emit_json, err_console, pass_app
from matchgraph.errors import ConfigError
from rich.table import Table

__all__ = ["neo4j", "push_to_neo4j"]


@click.group()
def neo4j() -> None:
    """The local Neo4j server and the property-graph copy of the store."""


@neo4j.command()
def start() -> None:
    """Install (first time) and start the local Neo4j server; waits until it answers."""
    from matchgraph.graph.neo4j.server import Neo4jSettings
    from matchgraph.graph.neo4j.server import start as start_server

    _print_status(start_server(Neo4jSettings.load()))


@neo4j.command()
def stop() -> None:
    """Stop the local Neo4j server."""
    from matchgraph.graph.neo4j.server import Neo4jSettings
    from matchgraph.graph.neo4j.server import stop as stop_server

    console.print("stopped" if stop_server(Neo4jSettings.load()) else "not running")


@neo4j.command()
def status() -> None:
    """Whether the server runs; exits 1 when it does not."""
    from matchgraph.graph.neo4j.server import Neo4jSettings
    from matchgraph.graph.neo4j.server import status as server_status

    found = server_status(Neo4jSettings.load())
    _print_status(found)
    if not found.running:
        sys.exit(1)


def _print_status(found) -> None:  # type: ignore[no-untyped-def]
    state = f"running (pid {found.pid})" if found.running else "not running"
    console.print(f"Neo4j {found.version or '(version unknown)'}: {state}", highlight=False)
    console.print(f"  bolt:    {found.uri}\n  browser: {found.browser_url}\n  logs:    {found.log_dir}", highlight=False)


def push_to_neo4j(app: AppContext, graphs: list[str] | None = None):  # type: ignore[no-untyped-def]
    """Push the CLI's embedded store into Neo4j (all graphs, or only ``graphs``)."""
    from matchgraph.graph.neo4j.push import push
    from matchgraph.graph.neo4j.store import Neo4jStore

    if app.backend != "oxigraph":
        raise ConfigError("push copies the embedded store into Neo4j; drop --backend neo4j")
    target = Neo4jStore()
    try:
        return push(app.store(), target, graphs=graphs)
    finally:
        target.close()


@neo4j.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def push(app: AppContext, as_json: bool) -> None:
    """Write the embedded store into Neo4j: only graphs that changed, removing graphs the
    store no longer holds. A second push reports zero changes."""
    report = push_to_neo4j(app)
    values = {
        "graphs_written": len(report.written),
        "graphs_removed": len(report.removed),
        "graphs_unchanged": report.unchanged,
        **{k: v for k, v in dataclasses.asdict(report.counts).items() if not k.startswith("graphs_")},
        "changes": report.counts.changes,
        "seconds": round(report.seconds, 3),
    }
    if as_json:
        emit_json(values)
        return
    table = Table(title="neo4j push")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in values.items():
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)
    console.print("Neo4j already matched the store: 0 changes" if not report.counts.changes
                  else f"{report.counts.changes} changes written")


@neo4j.command()
@click.option("--serve", is_flag=True, help="Serve the style and guide on localhost until Ctrl-C.")
@click.option("--port", type=int, default=None, help="Port of --serve (default 8474).")
@click.option("--print-style", is_flag=True, help="Print the GraSS style and exit.")
def browser(serve: bool, port: int | None, print_style: bool) -> None:
    """How to explore the graph in Neo4j Browser: address, login steps, style and guide."""
    from matchgraph.graph.neo4j.browser import BROWSER_DIR, DEFAULT_PORT, login_steps
    from matchgraph.graph.neo4j.browser import serve as serve_files
    from matchgraph.graph.neo4j.server import Neo4jSettings

    if print_style:
        click.echo((BROWSER_DIR / "style.grass").read_text(encoding="utf-8"), nl=False)
        return
    settings = Neo4jSettings.load()
    console.print(f"Neo4j Browser: {settings.browser_url}", highlight=False)
    for i, step in enumerate(login_steps(settings, port or DEFAULT_PORT), 1):
        console.print(f"  {i}. {step}", highlight=False)
    if serve:
        console.print(f"serving {BROWSER_DIR} on http://localhost:{port or DEFAULT_PORT}/ (Ctrl-C stops)", highlight=False)
        try:
            serve_files(port or DEFAULT_PORT)
        except OSError as e:
            raise ConfigError(f"cannot serve on port {port or DEFAULT_PORT}: {e}") from e
    else:
        err_console.print("(add --serve to serve the style and guide for steps 4 and 5)")
