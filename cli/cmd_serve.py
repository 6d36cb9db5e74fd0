"""``matchgraph serve`` (HTTP API, web page, MCP over streamable HTTP) and ``matchgraph mcp``
(MCP over stdio): one process, one warm engine, switched when a load elsewhere writes."""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from matchgraph.cli.app import AppContext, pass_app
from matchgraph.errors import ConfigError

if TYPE_CHECKING:
    from matchgraph.serve.service import Service

__all__ = ["mcp", "serve"]

TOKEN_ENV = "MATCHGRAPH_SERVE_TOKEN"
MIN_TOKEN = 16


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_token(token_file: Path | None) -> str | None:
    """The bearer token: ``--token-file`` or ``$MATCHGRAPH_SERVE_TOKEN`` (never a command-line
    value, which other users could read in the process list)."""
    if token_file is not None:
        token = token_file.read_text(encoding="utf-8").strip()
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
    if token and len(token) < MIN_TOKEN:
        raise ConfigError(f"the token must be at least {MIN_TOKEN} characters")
    return token or None


def _served(app: AppContext, *, warm: bool = True) -> Service:
    """A service over a private copy of the store the global options name (its derived
    state built before returning unless ``warm`` is False)."""
    from matchgraph.graph.embedded import default_store_path
    from matchgraph.serve.service import Service
    from matchgraph.serve.state import ServedStore

    if app.backend != "oxigraph":
        raise ConfigError("serving answers from the embedded store (drop --backend neo4j)")
    served = ServedStore(app.store_path or default_store_path(), warm=warm)
    return Service(served)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; anything but loopback needs a token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8750, show_default=True)
@click.option("--token-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help=f"File holding the bearer token (default: ${TOKEN_ENV}).")
@click.option("--cors-origin", "cors", multiple=True, help="Allow browser calls from this origin (CORS is off by default).")
@click.option("--rate-limit", type=click.FloatRange(min=0), default=20.0, show_default=True,
              help="Requests per second per client (0: no limit); bursts of twice that.")
@click.option("--max-body", type=click.IntRange(min=1024), default=64 * 1024, show_default=True, help="Largest request body in bytes.")
@click.option("--no-mcp", is_flag=True, help="Do not serve MCP at /mcp.")
@pass_app
def serve(app: AppContext, host: str, port: int, token_file: Path | None, cors: tuple[str, ...],
          rate_limit: float, max_body: int, no_mcp: bool) -> None:
    """Serve the HTTP API, the web page at / and MCP at /mcp over one warm engine."""
    import uvicorn

    from matchgraph.serve.api import create_app
    from matchgraph.serve.guard import GuardSettings

    token = read_token(token_file)
    if not is_loopback(host) and token is None:
        raise ConfigError(f"binding {host} (not loopback) requires a token: set {TOKEN_ENV} or --token-file")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    service = _served(app)
    service.served.start()
    asgi = create_app(service, guard=GuardSettings(token=token, max_body=max_body, rate=rate_limit, burst=max(1, int(rate_limit * 2))),
                      cors_origins=cors, mcp=not no_mcp, host=host)
    click.echo(f"matchgraph serving store version {service.state.version} on http://{host}:{port}/ "
               f"(API docs /docs, MCP {'off' if no_mcp else '/mcp'})", err=True)
    try:
        uvicorn.run(asgi, host=host, port=port, access_log=False, log_level="warning")
    finally:
        service.served.close()


def _warm_quietly(service: Service) -> None:
    """Build the served engine's derived state; a failure is logged, not raised (the
    engine builds what a request needs on demand anyway)."""
    try:
        service.served.current.engine.warm()
    except Exception:  # noqa: BLE001 - a background warm-up must not kill the server
        logging.getLogger(__name__).warning("warming the indexes failed; building on demand", exc_info=True)


@click.command()
@pass_app
def mcp(app: AppContext) -> None:
    """Serve MCP over stdio (for an MCP client's configuration)."""
    from matchgraph.serve.mcp_server import run_stdio

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # The handshake must not wait for the indexes: a client gives up on a server that does
    # not answer ``initialize`` within seconds, and a first build can take minutes (the
    # hybrid need index at 10,000 artifacts). Warm in the background; a tool call that
    # needs a structure still being built waits for it under the engine's lock.
    service = _served(app, warm=False)
    threading.Thread(target=_warm_quietly, args=(service,), name="matchgraph-warm", daemon=True).start()
    service.served.start()
    try:
        run_stdio(service)
    finally:
        service.served.close()
