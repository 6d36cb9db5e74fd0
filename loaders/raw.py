"""Pieces shared by the raw unfragile formats (passport JSON, ``unfragile.yml``).

Both formats describe capabilities with the same fields under different spellings: the
passport API writes ``intents``/``best_for``/``confidence``, the capability schema writes
``intentsServed`` and nests ``conditions.bestFor``, the manifest mixes ``intents_served``
with ``conditions.bestFor``. :class:`RawCapability` accepts all of them, refuses a field
given twice under two spellings (ambiguous input is rejected, never guessed), and turns
into one typed :class:`~matchgraph.loaders.models.Capability`.

Raw models validate strictly (no ``"0.5"`` for a number, no ``true`` for a count) and
ignore keys they do not know, so that a format growing a field does not break loading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from matchgraph.errors import LoadError
from matchgraph.loaders.models import Capability, ClaimKind, Statement
from matchgraph.loaders.normalise import strip_shortening

__all__ = [
    "Locate",
    "RawCapability",
    "RawModel",
    "Slug",
    "Text",
    "TextList",
    "TextOrNumber",
    "format_path",
    "load_error_from_validation",
]

Path = tuple[str | int, ...]
Locate = Callable[[Path], "tuple[int, int, int] | None"]
"""Maps a path in the raw document to ``(line, column, position)`` in the file."""


def _text_items(values: Any) -> Any:
    """Read ``null`` as an empty list (APIs write it so) and drop blank items.

    A blank intent or tag means nothing and would become an empty node; anything that is
    not a string is left for validation to reject.
    """
    if values is None:
        return []
    if isinstance(values, list):
        return [v for v in values if not (isinstance(v, str) and not v.strip())]
    return values


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
TextList = Annotated[list[Text], BeforeValidator(_text_items)]


def _number_as_text(value: Any) -> Any:
    """Read a bare number as its text: YAML reads ``version: 1.0`` as a float, and APIs
    send ``"starting_price": 9.5`` where pages write ``"$9.50/month"``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


TextOrNumber = Annotated[Text, BeforeValidator(_number_as_text)]
Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
]
"""An artifact's identity: URL-path-safe, because stores build IRIs and addresses from it."""


class RawModel(BaseModel):
    """Base of the raw format models: strict, frozen, forward-compatible."""

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore", allow_inf_nan=False)


_SPELLINGS = {
    "intentsServed": "intents",
    "intents_served": "intents",
    "bestFor": "best_for",
    "inputTypes": "input_types",
    "outputTypes": "output_types",
    "matchConfidence": "confidence",
    "timesMatched": "matches",
    "successRate": "success_rate",
    "uniqueAspect": "unique_aspect",
}


class RawCapability(RawModel):
    """One capability in any of the unfragile spellings (see the module docstring)."""

    id: Text | None = None
    uri: Text | None = None
    name: Text
    description: Text
    intents: TextList = []
    best_for: TextList = []
    limitations: TextList = []
    requires: TextList = []
    input_types: TextList = []
    output_types: TextList = []
    categories: TextList = []
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    matches: int | None = Field(default=None, ge=0)
    success_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    unique_aspect: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_spelling(cls, data: Any) -> Any:
        """Flatten ``conditions`` and rename camelCase keys, refusing duplicates."""
        if not isinstance(data, dict):
            return data
        out: dict[str, Any] = {}
        seen: dict[str, str] = {}
        conditions = data.get("conditions")
        pairs = [(str(k), v) for k, v in data.items() if k != "conditions"]
        if isinstance(conditions, dict):
            pairs += [(f"conditions.{k}", v) for k, v in conditions.items()]
        elif conditions is not None:
            raise ValueError("conditions must be an object")
        for spelled, value in pairs:
            bare = spelled.removeprefix("conditions.")
            field = _SPELLINGS.get(bare, bare)
            if field in seen:
                raise ValueError(f"{field} is given twice, as {seen[field]} and {spelled}")
            seen[field], out[field] = spelled, value
        return out

    def to_capability(
        self, *, artifact: str, ordinal: int, line: int | None, unique_line: int | None = None
    ) -> Capability:
        """The typed capability; shortening markers are removed and flagged ``truncated``."""
        return Capability(
            artifact=artifact,
            ordinal=ordinal,
            name=self.name,
            uri=self.uri,
            description=_unshortened(self.description),
            statements=self._statements(unique_line),
            intents=_all_unshortened(self.intents),
            best_for=_all_unshortened(self.best_for),
            limitations=_all_unshortened(self.limitations),
            requires=_all_unshortened(self.requires),
            input_types=_all_unshortened(self.input_types),
            output_types=_all_unshortened(self.output_types),
            categories=_all_unshortened(self.categories),
            confidence=self.confidence,
            matches=self.matches,
            success_rate=self.success_rate,
            truncated=any(strip_shortening(text)[1] for text in self._texts()),
            line=line,
        )

    def _texts(self) -> list[str]:
        """Every prose value, for the question "was any of it shortened?"."""
        lists = (self.intents, self.best_for, self.limitations, self.requires,
                 self.input_types, self.output_types, self.categories)
        singles = [self.description, self.unique_aspect or ""]
        return singles + [item for values in lists for item in values]

    def _statements(self, line: int | None) -> tuple[Statement, ...]:
        """The ``unique_aspect`` as a UNIQUE statement (claims are extracted elsewhere)."""
        if self.unique_aspect is None:
            return ()
        text = _unshortened(self.unique_aspect)
        return (Statement(kind=ClaimKind.UNIQUE, text=text, line=line),)


def _unshortened(text: str) -> str:
    return strip_shortening(text)[0]


def _all_unshortened(values: Sequence[str]) -> tuple[str, ...]:
    """Items without markers; an item that was nothing but a marker is dropped."""
    return tuple(text for v in values if (text := _unshortened(v)))


def format_path(path: Path) -> str:
    """``("a", 2, "b")`` -> ``"a[2].b"``, the way people write JSON paths."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(top level)"


def _message(problem: Any) -> str:
    """Pydantic's wording, minus the raw model's class name for a non-object value."""
    if problem["type"] == "model_type":
        return "Input should be an object"
    return str(problem["msg"])


def load_error_from_validation(
    error: ValidationError, *, document: str, prefix: Path, locate: Locate, shown: int = 5
) -> LoadError:
    """A LoadError naming every problem's path, positioned at the first one.

    ``prefix`` is the path of the validated value inside the document, so paths read as
    the file is written (``passport.unfragile.capabilities[2].confidence``).
    """
    problems = error.errors(include_url=False)
    texts = [f"{format_path(prefix + tuple(p['loc']))}: {_message(p)}" for p in problems]
    more = f" (and {len(texts) - shown} more)" if len(texts) > shown else ""
    where = locate(prefix + tuple(problems[0]["loc"]))
    line, column, position = where if where is not None else (None, None, None)
    return LoadError(
        "invalid: " + "; ".join(texts[:shown]) + more,
        document=document,
        line=line,
        column=column,
        position=position,
    )
