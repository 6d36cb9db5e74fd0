"""The MCP server (official SDK, ``MCPServer``, formerly FastMCP): the same questions as tools.

Tools: ``match`` (and its alias ``search``), ``resolve_capability``, ``compare``,
``similar``, ``claims``, ``show``, ``feedback``. Each declares a JSON input schema (from its
typed parameters) and an output schema (from the pydantic answer model), and returns both
the structured answer and a short text for a person. An engine error becomes a tool error
whose text says what went wrong (and, for an ambiguous name, which slugs to use).

The engine is synchronous and CPU-bound, so each call runs in a worker thread and the
event loop stays free for other sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from matchgraph import __version__
from matchgraph.errors import AmbiguousNameError, MatchgraphError
from matchgraph.serve.models import (
    MAX_NEED_CHARS,
    ArtifactAnswer,
    ClaimList,
    CompareAnswer,
    Constraints,
    FeedbackAnswer,
    MatchAnswerOut,
    ResolveAnswer,
    SimilarAnswer,
)

if TYPE_CHECKING:
    from matchgraph.serve.service import Service

__all__ = ["TOOLS", "build_mcp"]

M = TypeVar("M", bound=BaseModel)
TOOLS = ("match", "search", "resolve_capability", "compare", "similar", "claims", "show", "feedback")
READ = ToolAnnotations(readOnlyHint=True, openWorldHint=False)
Need = Annotated[str, Field(min_length=1, max_length=MAX_NEED_CHARS, description="The need in plain words.")]
Name = Annotated[str, Field(min_length=1, max_length=300, description="An artifact's slug or name.")]
Top = Annotated[int, Field(ge=1, le=100, description="How many results.")]

INSTRUCTIONS = (
    "matchgraph answers which AI model or tool fits a need, from a capability knowledge graph built from "
    "comparison pages, with the path and evidence behind every answer. Start with `match` for a need, "
    "`compare` for two artifacts, `show` for one; report with `feedback` whether a match worked."
)


def build_mcp(service: Service) -> MCPServer:
    """An MCP server whose tools answer from ``service``."""
    server = MCPServer("matchgraph", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING")

    async def run(call: Callable[[], M], text: Callable[[M], str]) -> CallToolResult:
        try:
            answer = await anyio.to_thread.run_sync(call)
        except MatchgraphError as e:
            return CallToolResult(content=[TextContent(type="text", text=_error_text(e))], is_error=True)
        return CallToolResult(content=[TextContent(type="text", text=text(answer))],
                              structured_content=answer.model_dump(mode="json"))

    async def match(need: Need, top: Top = 5, free: bool = False, local: bool = False, open_weights: bool = False,
                    types: list[str] | None = None) -> Annotated[CallToolResult, MatchAnswerOut]:
        """Rank artifacts (models, tools, MCP servers...) for a need written in plain words; each
        result has its score and the path need -> intent/concept -> capability -> artifact."""
        constraints = Constraints(free=free, local=local, open_weights=open_weights, types=types or [])
        return await run(lambda: service.match(need, top, constraints), _match_text)

    server.add_tool(match, name="match", title="Match a need", annotations=READ)
    server.add_tool(match, name="search", title="Search (same as match)", annotations=READ,
                    description="Same as `match`: rank artifacts for a need written in plain words.")

    async def resolve_capability(query: Need, top: Top = 5) -> Annotated[CallToolResult, ResolveAnswer]:
        """Artifacts that offer a capability, given as a phrase or a capability:// path
        (e.g. capability://vision.ocr), ranked, with the taxonomy concepts the path names."""
        return await run(lambda: service.resolve_capability(query, top), _resolve_text)

    server.add_tool(resolve_capability, annotations=READ)

    async def compare(a: Name, b: Name, need: Annotated[str | None, Field(max_length=MAX_NEED_CHARS)] = None
                      ) -> Annotated[CallToolResult, CompareAnswer]:
        """Compare two artifacts: signals by source, shared and distinct concepts, claims between
        them, whether they are alternatives at all, and where a page contradicts itself; with
        `need`, which of the two fits it."""
        return await run(lambda: service.compare(a, b, need), lambda v: v.text)

    server.add_tool(compare, annotations=READ)

    async def similar(name: Name, top: Top = 5) -> Annotated[CallToolResult, SimilarAnswer]:
        """The artifacts nearest to one artifact by pair score, with the substitutability verdict."""
        return await run(lambda: service.similar(name, top), _similar_text)

    server.add_tool(similar, annotations=READ)

    async def claims(artifact: Name | None = None, relation: str | None = None,
                     polarity: Literal["for", "against", "neutral"] | None = None,
                     other: Name | None = None) -> Annotated[CallToolResult, ClaimList]:
        """Typed comparative claims (relation, polarity, other side, aspect, exact text, source),
        filtered by who makes them (`artifact`) or whom they name (`other`)."""
        return await run(lambda: service.claims(artifact, relation, polarity, other, 100),
                         lambda v: f"{len(v.claims)} claims" + "".join(f"\n- {c.subject} {c.relation} [{c.polarity}] {', '.join(c.others)}: {c.text}" for c in v.claims[:10]))

    server.add_tool(claims, annotations=READ)

    async def show(name: Name) -> Annotated[CallToolResult, ArtifactAnswer]:
        """One artifact: type, observations by source, capabilities with concepts, intents and claims."""
        return await run(lambda: service.show(name), _show_text)

    server.add_tool(show, annotations=READ)

    async def feedback(match_id: Annotated[str, Field(min_length=1, max_length=100)],
                       outcome: Literal["success", "failure"],
                       artifact: Name | None = None,
                       comment: Annotated[str | None, Field(max_length=2000)] = None
                       ) -> Annotated[CallToolResult, FeedbackAnswer]:
        """Report whether a match worked (its top result unless `artifact` is given); later matches
        weigh the capabilities on its path by the outcomes."""
        return await run(lambda: service.feedback(match_id, outcome, artifact, comment, source="mcp"),
                         lambda v: f"recorded {v.outcome} for {v.match_id}")

    server.add_tool(feedback, annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False,
                                                          idempotentHint=False, openWorldHint=False))
    return server


def _error_text(e: MatchgraphError) -> str:
    if isinstance(e, AmbiguousNameError):
        more = f" and {e.more} more" if e.more else ""
        return (f"{e.name!r} matches several artifacts; ask again with one slug: "
                + ", ".join(f"{s} ({n})" for s, n in e.candidates) + more)
    return f"error: {e}"


def _match_text(v: MatchAnswerOut) -> str:
    if not v.results:
        return f"no artifact meets this need (match {v.match_id})"
    lines = [f"{i}. {r.name} ({r.score:.3f}): " + " → ".join(s.label for s in r.path[1:]) for i, r in enumerate(v.results, 1)]
    return "\n".join(lines + [f"match id {v.match_id}: report with feedback(match_id, success|failure)"])


def _resolve_text(v: ResolveAnswer) -> str:
    head = f"concepts: {', '.join(v.concepts)}\n" if v.concepts else ""
    return head + "\n".join(f"{i}. {r.name} ({r.score:.3f})" for i, r in enumerate(v.results, 1))


def _similar_text(v: SimilarAnswer) -> str:
    return "\n".join(f"{s.slug}: {s.score:.3f} ({s.substitutability})" for s in v.similar) or "nothing similar"


def _show_text(v: ArtifactAnswer) -> str:
    a = v.artifact
    caps = "".join(f"\n- {c.name or c.description[:80]}" for c in a.capabilities[:10])
    return f"{a.name} ({a.type or 'artifact'}, {a.slug}): {len(a.observations)} sources, {len(a.capabilities)} capabilities{caps}"


def run_stdio(service: Service) -> None:
    """Serve MCP over stdin/stdout until the client closes it."""
    build_mcp(service).run("stdio")
