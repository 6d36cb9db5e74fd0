"""Safe by default: the checks every request passes before any handler runs.

A pure ASGI middleware (so the MCP endpoint is covered as well as the API):

* **token** — when one is configured (required to bind anything but loopback), every path
  but the page, its assets and ``/healthz`` needs ``Authorization: Bearer <token>``,
  compared with :func:`hmac.compare_digest`;
* **rate limit** — a token bucket per client address; 429 with ``Retry-After`` when empty;
* **body size** — a declared ``Content-Length`` over the limit is refused at once, and a
  body streamed without one is read up to the limit before the handler runs (413 either way);
* **access log** — method, path without its query, status and time; never a header, a
  query string or a body, so nothing a client sends as a secret is written down.
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matchgraph.serve.problems import problem

__all__ = ["Guard", "GuardSettings", "RateLimiter"]

log = logging.getLogger("matchgraph.serve.access")
PUBLIC = ("/", "/healthz", "/favicon.ico")
PUBLIC_PREFIXES = ("/static/",)


@dataclass(frozen=True)
class GuardSettings:
    token: str | None = None
    max_body: int = 64 * 1024
    rate: float = 20.0
    """Requests per second per client (0: no limit)."""
    burst: int = 40


class RateLimiter:
    """Token buckets by client key; old buckets are forgotten when the table grows."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1 - tokens) / self.rate
            if len(self._buckets) > 10_000:
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
        return wait


class Guard:
    def __init__(self, app: ASGIApp, settings: GuardSettings) -> None:
        self.app = app
        self.settings = settings
        self.limiter = RateLimiter(settings.rate, settings.burst) if settings.rate > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = [0]

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            refused = self._refuse(scope)
            if refused is None and scope["method"] in ("POST", "PUT", "PATCH") and not _has_length(scope):
                receive, refused = await self._buffered(receive)
            if refused is not None:
                await refused(scope, receive, send_logged)
                return
            await self.app(scope, receive, send_logged)
        finally:
            log.info("%s %s %s %.1fms", scope["method"], scope["path"], status[0],
                     (time.perf_counter() - started) * 1000)

    def _refuse(self, scope: Scope) -> Any:
        path: str = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        public = path in PUBLIC or path.startswith(PUBLIC_PREFIXES)
        if self.settings.token and not public and not self._authorised(headers.get("authorization", "")):
            return problem(401, "unauthorised", "A bearer token is required",
                           "send Authorization: Bearer <token> (the server's MATCHGRAPH_SERVE_TOKEN)",
                           headers={"WWW-Authenticate": 'Bearer realm="matchgraph"'})
        if self.limiter is not None and not public:
            client = scope.get("client") or ("?", 0)
            wait = self.limiter.take(str(client[0]))
            if wait > 0:
                return problem(429, "rate-limited", "Too many requests", f"at most {self.settings.rate:g} requests per second",
                               headers={"Retry-After": str(max(1, math.ceil(wait)))})
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.settings.max_body):
            return self._too_large()
        return None

    def _authorised(self, header: str) -> bool:
        scheme, _, given = header.partition(" ")
        expected = self.settings.token or ""
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())

    def _too_large(self) -> Any:
        return problem(413, "too-large", "Request body too large", f"at most {self.settings.max_body} bytes are accepted")

    async def _buffered(self, receive: Receive) -> tuple[Receive, Any]:
        """Read a body sent without ``Content-Length`` (chunked) up to the limit, then replay it."""
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.settings.max_body:
                return receive, self._too_large()
        replay: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        return replayed, None


def _has_length(scope: Scope) -> bool:
    return any(k.lower() == b"content-length" for k, _ in scope["headers"])
