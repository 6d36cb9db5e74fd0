"""The one exception tree of matchgraph.

Every failure a user can cause or meet is a :class:`MatchgraphError`; the CLI turns it into a
clean message and a stable exit code (1 for a failed operation, 2 for bad usage).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AmbiguousNameError",
    "ConfigError",
    "IndexFormatError",
    "LoadError",
    "MatchgraphError",
    "NotFoundError",
    "QueryError",
    "RunnerError",
    "StoreError",
    "UnknownSlugError",
    "UsageError",
    "ValidationError",
    "Violation",
]


class MatchgraphError(Exception):
    """Root of every error matchgraph raises on purpose."""

    exit_code = 1


class LoadError(MatchgraphError):
    """A document could not be read or parsed; names the document and where.

    ``line`` and ``column`` are 1-based; ``position`` is a 0-based character offset
    (JSON parsers report it) when known; ``byte`` the 0-based byte offset of an encoding
    error.
    """

    def __init__(
        self,
        message: str,
        *,
        document: str,
        line: int | None = None,
        column: int | None = None,
        position: int | None = None,
        byte: int | None = None,
    ) -> None:
        self.document = document
        self.byte = byte
        self.line = line
        self.column = column
        self.position = position
        self.reason = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.document
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.byte is not None:
            where += f" (byte {self.byte})"
        elif self.position is not None:
            where += f" (character {self.position})"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, readable on its own."""

    focus: str
    path: str | None
    message: str
    shape: str | None = None

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        return f"<{self.focus}>{path}: {self.message}"


class ValidationError(MatchgraphError):
    """A document's facts broke the SHACL shapes; carries every violation at once."""

    def __init__(self, document: str, violations: list[Violation]) -> None:
        self.document = document
        self.violations = violations
        shown = "; ".join(str(v) for v in violations[:5])
        more = f" (and {len(violations) - 5} more)" if len(violations) > 5 else ""
        super().__init__(
            f"{document}: {len(violations)} SHACL violation(s): {shown}{more}"
        )


class StoreError(MatchgraphError):
    """A store backend failed; ``retryable`` says whether trying again may succeed."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        self.retryable = retryable
        super().__init__(message)


class IndexFormatError(StoreError):
    """A derived index on disk is missing parts, unreadable or of another format version.

    The engine rebuilds such an index from the store; a caller reading one directly gets
    this error, which says what was found and what was expected.
    """


class RunnerError(MatchgraphError):
    """A runner cannot run here (missing package, binary, weights or device) or failed."""


class QueryError(MatchgraphError):
    """A query was malformed or could not be run."""


class ConfigError(MatchgraphError):
    """Configuration is missing or wrong (paths, credentials, options)."""

    exit_code = 2


class NotFoundError(MatchgraphError):
    """Nothing in the graph matches the name the user gave."""


class UsageError(MatchgraphError):
    """The user asked for something that cannot be meant (merge a slug with itself, an
    option value the ontology does not know); exit status 2."""

    exit_code = 2


class UnknownSlugError(NotFoundError):
    """A slug that no stored artifact has; lists the closest stored slugs. Bad usage."""

    exit_code = 2

    def __init__(self, slug: str, close: list[str]) -> None:
        self.slug = slug
        self.close = close
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"no artifact has the slug {slug!r}{hint}")


class AmbiguousNameError(MatchgraphError):
    """A name matches several artifacts; the user must pick one of ``candidates``."""

    exit_code = 2

    SHOWN = 20
    """Candidates listed at most; a short name in a large store can match thousands."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]) -> None:
        self.name = name
        self.total = len(candidates)
        """How many artifacts match; ``candidates`` holds the first :attr:`SHOWN`."""
        self.candidates = candidates[: self.SHOWN]
        listed = ", ".join(f"{slug} ({label})" for slug, label in self.candidates)
        more = f" and {self.more} more" if self.more else ""
        super().__init__(f"{name!r} is ambiguous; candidates: {listed}{more}")

    @property
    def more(self) -> int:
        """Matching artifacts not listed in ``candidates``."""
        return self.total - len(self.candidates)
