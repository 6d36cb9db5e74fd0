"""The HTTP API (FastAPI): every endpoint a thin call into :class:`~matchgraph.serve.service.Service`.

Each request picks the served state once (``state_var``), so its answer, its
``Matchgraph-Store-Version`` header and its ``ETag`` all come from one store version. GET
answers are a pure function of the store's two version tokens and the request, so the
``ETag`` is computed from those alone and an ``If-None-Match`` that matches is answered 304
before any work. Errors are RFC 9457 problem details (:mod:`matchgraph.serve.problems`).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Body, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse

from matchgraph import __version__
from matchgraph.errors import MatchgraphError
from matchgraph.serve.guard import Guard, GuardSettings
from matchgraph.serve.models import (
    MAX_NEED_CHARS,
    ArtifactAnswer,
    ArtifactList,
    ClaimList,
    CompareAnswer,
    FeedbackAnswer,
    FeedbackRequest,
    Health,
    MatchAnswerOut,
    MatchRequest,
    RankAnswerOut,
    ResolveAnswer,
    SimilarAnswer,
    StatsAnswer,
)
from matchgraph.serve.api_state import state_var
from matchgraph.serve.problems import problem, problem_for

if TYPE_CHECKING:
    from matchgraph.serve.service import Service

__all__ = ["create_app", "state_var"]

STATIC = Path(str(files("matchgraph.serve") / "static"))
Text = Annotated[str, Query(min_length=1, max_length=MAX_NEED_CHARS * 4)]
"""Query texts: a generous hard bound here; the service refuses over MAX_NEED_CHARS with 413."""


def create_app(service: Service, *, guard: GuardSettings | None = None, cors_origins: tuple[str, ...] = (),
               mcp: bool = True, host: str = "127.0.0.1") -> Any:
    """The ASGI application: API, web page, and (``mcp``) MCP over streamable HTTP at /mcp."""
    mcp_app = None
    if mcp:
        from matchgraph.serve.mcp_server import build_mcp

        server = build_mcp(service)
        mcp_app = server.streamable_http_app(streamable_http_path="/mcp", host=host, stateless_http=True,
                                             json_response=True)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if mcp_app is None:
            yield
            return
        async with mcp_app.router.lifespan_context(mcp_app):
            yield

    app = FastAPI(title="matchgraph", version=__version__, lifespan=lifespan,
                  description="Which AI model or tool fits a need, and why: answers from a capability knowledge graph.")
    _routes(app, service)
    _errors(app)
    _versions(app, service)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if mcp_app is not None:
        app.router.routes.extend(mcp_app.routes)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    wrapped: Any = app
    if cors_origins:
        wrapped = CORSMiddleware(wrapped, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                                 allow_headers=["Authorization", "Content-Type", "If-None-Match"],
                                 expose_headers=["ETag", "Matchgraph-Store-Version"])
    return Guard(wrapped, guard or GuardSettings())


def _routes(app: FastAPI, service: Service) -> None:
    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/healthz", response_model=Health, tags=["meta"])
    def healthz() -> Health:
        state = service.state
        return Health(store_version=state.version, feedback_version=state.feedback_version, served_since=state.opened_at)

    @app.get("/stats", response_model=StatsAnswer, tags=["meta"])
    def stats() -> StatsAnswer:
        return service.stats()

    @app.get("/artifacts", response_model=ArtifactList, tags=["artifacts"])
    def artifacts(query: Annotated[str | None, Query(max_length=MAX_NEED_CHARS * 4)] = None,
                  type: Annotated[str | None, Query(max_length=40)] = None,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50) -> ArtifactList:
        """Artifacts whose name or slug contains every word of ``query``, of one ``type``."""
        return service.artifacts(query, type, limit)

    @app.get("/artifacts/{slug}", response_model=ArtifactAnswer, tags=["artifacts"])
    def artifact(slug: str) -> ArtifactAnswer:
        """One artifact (by slug or name): observations by source, capabilities, claims."""
        return service.show(slug)

    @app.post("/match", response_model=MatchAnswerOut, tags=["match"])
    def match(request: Annotated[MatchRequest, Body()]) -> MatchAnswerOut:
        """Rank artifacts for a need: score, the path that led to each, and why."""
        return service.match(request.need, request.top, request.constraints)

    @app.get("/resolve", response_model=ResolveAnswer, tags=["match"])
    def resolve(query: Text, top: Annotated[int, Query(ge=1, le=100)] = 10) -> ResolveAnswer:
        """A phrase or a ``capability://`` path → ranked artifacts."""
        return service.resolve_capability(query, top)

    @app.get("/compare", response_model=CompareAnswer, tags=["compare"])
    def compare(a: Text, b: Text, need: Annotated[str | None, Query(alias="for", max_length=MAX_NEED_CHARS * 4)] = None) -> CompareAnswer:
        """Two artifacts: signals by source, shared and distinct concepts, claims, substitutability, inconsistencies."""
        return service.compare(a, b, need)

    @app.get("/similar/{slug}", response_model=SimilarAnswer, tags=["compare"])
    def similar(slug: str, top: Annotated[int, Query(ge=1, le=100)] = 10) -> SimilarAnswer:
        return service.similar(slug, top)

    @app.get("/rank", response_model=RankAnswerOut, tags=["compare"])
    def rank(weights: Annotated[str | None, Query(max_length=200)] = None,
             samples: Annotated[int, Query(ge=100, le=5000)] = 500,
             top: Annotated[int, Query(ge=2, le=200)] = 50) -> RankAnswerOut:
        """Composite ranks recomputed from the signals, with how stable they are."""
        return service.rank(weights, samples, top)

    @app.get("/claims", response_model=ClaimList, tags=["artifacts"])
    def claims(artifact: Annotated[str | None, Query(max_length=300)] = None,
               relation: Annotated[str | None, Query(max_length=100)] = None,
               polarity: Annotated[str | None, Query(max_length=20)] = None,
               other: Annotated[str | None, Query(max_length=300)] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> ClaimList:
        """Typed claims, with filters (artifact and other by slug or name)."""
        return service.claims(artifact, relation, polarity, other, limit)

    @app.post("/feedback", response_model=FeedbackAnswer, tags=["match"])
    def feedback(request: Annotated[FeedbackRequest, Body()]) -> FeedbackAnswer:
        """Whether a match worked; the only write. Later matches use the Beta posterior."""
        return service.feedback(request.match_id, request.outcome, request.artifact, request.comment)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(MatchgraphError)
    async def engine_error(request: Request, error: MatchgraphError) -> Response:
        return problem_for(error, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5])
        return problem(422, "invalid-request", "The request is not valid", detail, instance=request.url.path, exit_code=2)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return problem(error.status_code, "http-" + str(error.status_code), str(error.detail), instance=request.url.path,
                       headers=getattr(error, "headers", None))


def _versions(app: FastAPI, service: Service) -> None:
    @app.middleware("http")
    async def versioned(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        state = service.state
        token = state_var.set(state)
        try:
            etag = None
            if request.method == "GET" and request.url.path not in ("/", "/healthz") and not request.url.path.startswith("/static"):
                key = f"{state.tag}\x1f{request.url.path}\x1f{request.url.query}"
                etag = 'W/"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
                if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
                    return Response(status_code=304, headers={"ETag": etag, "Matchgraph-Store-Version": state.version})
            response = await call_next(request)
            response.headers["Matchgraph-Store-Version"] = state.version
            if etag is not None and response.status_code == 200:
                response.headers["ETag"] = etag
                response.headers["Cache-Control"] = "no-cache"
            return response
        finally:
            state_var.reset(token)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with every error response declared as a problem document."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    from matchgraph.serve.models import Problem

    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    problem_ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    statuses = {"400": "Bad input", "401": "A bearer token is required", "404": "Not found",
                "409": "Ambiguous name (candidates listed)", "413": "Input too large", "422": "Invalid request",
                "429": "Too many requests", "503": "The store is busy; retry"}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, text in statuses.items():
                responses[code] = {"description": text, "content": problem_ref}
            if "get" in path and operation is path["get"]:
                responses["304"] = {"description": "Not modified (If-None-Match matched the ETag)"}
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    app.openapi_schema = schema
    return schema
