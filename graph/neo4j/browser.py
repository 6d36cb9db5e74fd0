"""Neo4j Browser helpers: the guide, the style, the login steps, and a loopback file server.

Neo4j Browser loads a style with ``:style <url>`` and a guide with ``:play <url>`` from hosts
in ``browser.remote_content_hostname_whitelist`` (``localhost`` is there by default), using
cross-origin requests. :func:`serve` answers them from ``graph/browser/`` on loopback with
the CORS header Browser needs. The guide's queries are :data:`matchgraph.queries.library.cypher.GUIDE`,
so the guide and the tested queries are one text (a test keeps guide.html in step).
"""

from __future__ import annotations

import functools
import html
import http.server
import socket
import threading
from pathlib import Path

from matchgraph.graph.neo4j.settings import Neo4jSettings, config_path
from matchgraph.queries.library.cypher import GUIDE

__all__ = ["BROWSER_DIR", "DEFAULT_PORT", "login_steps", "render_guide", "serve"]

BROWSER_DIR = Path(__file__).resolve().parents[1] / "browser"
DEFAULT_PORT = 8474
EXAMPLE_SLUG = "glm-ocr"

_INTRO = {
    "artifact_capabilities": "Each artifact node is one real artifact; names entity resolution merged into it hang "
    "off it by SAME_AS. Its capabilities point at concepts of the taxonomy (INSTANCE_OF).",
    "who_beats_whom": "VS_ALTERNATIVE edges are the typed claims of 'vs alternatives' lines: relation, polarity "
    "and aspect are edge properties, and `via` names the claim node the edge comes from.",
    "shared_concepts": "Two artifacts are comparable when their capabilities map to the same concept.",
    "provenance": "Every claim comes from a statement, every statement from a document (FROM_DOCUMENT); "
    "the document node carries its key (address or path), hash and load time.",
}


def render_guide() -> str:
    """The Browser guide (``:play``): one slide per guide query, runnable in place."""
    slides = [
        _slide("matchgraph in Neo4j", "<p>Labels and edges are the matchgraph ontology's classes and "
               "predicates; every node keeps its RDF IRI in <code>uri</code> and the graphs (documents) "
               "that state it in <code>graphs</code>. Set the artifact the queries below look at:</p>",
               f":param slug => '{EXAMPLE_SLUG}'")
    ]
    for key, query in GUIDE.items():
        slides.append(_slide(query.name, f"<p>{html.escape(_INTRO[key])}</p>", query.text.strip()))
    body = "\n".join(slides)
    return (
        '<article class="guide">\n  <carousel class="deck container-fluid">\n'
        f"{body}\n  </carousel>\n</article>\n"
    )


def _slide(title: str, text: str, code: str) -> str:
    return (
        '    <slide class="row-fluid">\n'
        f'      <div class="col-sm-3"><h3>{html.escape(title)}</h3></div>\n'
        f'      <div class="col-sm-9">\n        {text}\n'
        f'        <pre class="pre-scrollable code runnable">{html.escape(code)}</pre>\n'
        "      </div>\n    </slide>"
    )


def login_steps(settings: Neo4jSettings, port: int = DEFAULT_PORT) -> list[str]:
    """What a person does to look at the graph (the password itself is never printed)."""
    return [
        f"open {settings.browser_url}",
        f"connect URL {settings.uri}, authentication 'Username / Password', username {settings.user}",
        f"password: $MATCHGRAPH_NEO4J_PASSWORD, else the \"password\" key of {config_path()}",
        (f"style:  :style http://localhost:{port}/style.grass   (while `matchgraph neo4j browser --serve` runs;"
         f" or drag {BROWSER_DIR / 'style.grass'} onto the style panel)"),
        f"guide:  :play http://localhost:{port}/guide.html",
    ]


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_OPTIONS(self) -> None:
        """Answer CORS preflight requests (Browser's fetch asks before reading a guide)."""
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def serve(port: int = DEFAULT_PORT, *, background: bool = False) -> list[http.server.ThreadingHTTPServer]:
    """Serve graph/browser/ on loopback port ``port`` (CORS on), on 127.0.0.1 and on ::1,
    since browsers resolve ``localhost`` to either. ``background`` returns at once with the
    servers running in daemon threads; otherwise this blocks until interrupted.

    Raises:
        OSError: the port is taken.
    """
    handler = functools.partial(_Handler, directory=str(BROWSER_DIR))
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)]
    try:
        servers.append(_Server6(("::1", servers[0].server_address[1]), handler))
    except OSError:  # no IPv6 loopback on this machine
        pass
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    if background:
        return servers
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    return servers
