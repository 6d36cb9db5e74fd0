"""Constraints on a need: what the person requires of an artifact besides its capability.

A need says more than what it wants done: "free", "runs locally", "open weights", "in
Japanese and Korean", "from images", "a model". :func:`parse_constraints` reads those from
the text, and the CLI options (``--free``, ``--local``, ``--type``) give the same
:class:`NeedConstraints`; the two are merged, so a need gets the union of both.

>>> c = parse_constraints("a free model to extract text from scans in Japanese and Korean")
>>> c.free, c.types, c.languages, c.input_types, c.output_types
(True, ('model',), ('japanese', 'korean'), ('image',), ('text',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from matchgraph.errors import ConfigError
from matchgraph.loaders.text import LANGUAGES, MODALITIES, infer_direction, normalise_modality

__all__ = [
    "ARTIFACT_TYPES",
    "LANGUAGES",
    "NeedConstraints",
    "normalise_type",
    "parse_constraints",
]

ARTIFACT_TYPES: tuple[str, ...] = (
    "model", "repository", "mcp_server", "extension", "product", "agent", "cli_tool", "web_app",
    "framework", "workflow", "benchmark", "dataset", "skill", "api", "library", "other",
)
"""The values of the loaders' ``ArtifactType``, written out so that reading a need does not
import the pydantic models (0.07 s of a fresh ``match``); a test keeps the two equal."""

_TYPE_SYNONYMS = {
    "mcp server": "mcp_server", "mcp servers": "mcp_server", "cli tool": "cli_tool",
    "cli tools": "cli_tool", "command line tool": "cli_tool", "command-line tool": "cli_tool",
    "web app": "web_app", "web apps": "web_app", "web application": "web_app",
    "repo": "repository", "repos": "repository", "repositories": "repository",
    "models": "model", "agents": "agent", "extensions": "extension", "plugin": "extension",
    "libraries": "library", "frameworks": "framework", "datasets": "dataset",
    "data set": "dataset", "benchmarks": "benchmark", "workflows": "workflow",
    "apis": "api", "products": "product", "skills": "skill",
}
_TYPE_WORDS = "|".join(
    sorted(
        {re.escape(t.replace("_", " ")) for t in ARTIFACT_TYPES if t != "other"}
        | {re.escape(s) for s in _TYPE_SYNONYMS},
        key=len,
        reverse=True,
    )
)
# A type word counts only after a determiner-like word ("a model", "an open-source MCP
# server", "free CLI tools"), so "model weights" or "language model inference" do not.
_TYPE_RE = re.compile(
    r"\b(?:a|an|the|any|some|which|what|free|open|local|small|good|best|open-source)"
    r"(?:\s+[\w-]+){0,3}?\s+(" + _TYPE_WORDS + r")\b(?!\s+(?:weights?|cards?|files?)\b)"
)
_FREE_RE = re.compile(
    r"(?<![\w-])(?:free(?![\w-])(?!\s+(?:text|form|up)\b)|no[- ]cost|without paying|gratis)"
)
_OPEN_RE = re.compile(r"\bopen[- ]?(?:weights?|source|model)\b|\bopen-weights?\b")
_LOCAL_RE = re.compile(
    r"\b(?:locally|local|on[- ]device|offline|self[- ]hosted|on[- ]prem(?:ise|ises)?|"
    r"on my (?:own )?(?:machine|computer|laptop|gpu|hardware)|air[- ]gapped)\b"
)
_LANG_RE = re.compile(r"\b(" + "|".join(LANGUAGES) + r")\b")


def normalise_type(value: str) -> str:
    """Map "MCP Server", "cli-tool" or "models" to an artifact type value.

    Raises:
        ConfigError: the value names no artifact type; the message lists the valid ones.

    >>> normalise_type("MCP Server")
    'mcp_server'
    """
    v = value.strip().lower()
    spaced = v.replace("_", " ").replace("-", " ")
    for candidate in (v, v.replace(" ", "_").replace("-", "_")):
        if candidate in ARTIFACT_TYPES:
            return candidate
    if spaced in _TYPE_SYNONYMS:
        return _TYPE_SYNONYMS[spaced]
    if v in _TYPE_SYNONYMS:
        return _TYPE_SYNONYMS[v]
    raise ConfigError(
        f"unknown artifact type {value!r}; expected one of: {', '.join(ARTIFACT_TYPES)}"
    )


def _modalities(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        m = normalise_modality(value)
        if m is None:
            raise ConfigError(
                f"unknown {what} type {value!r}; expected one of: {', '.join(MODALITIES)}"
            )
        if m not in out:
            out.append(m)
    return tuple(out)


@dataclass(frozen=True)
class NeedConstraints:
    """What an artifact must be (hard filters) or should be (down-weights).

    ``free``, ``open_weights``, ``local`` and ``types`` filter out artifacts known not to
    satisfy them and down-weight those whose value is unknown. ``languages``,
    ``input_types`` and ``output_types`` down-weight capabilities that do not say so
    (capability text is the only evidence for them). Values are normalised on creation.

    Raises:
        ConfigError: an unknown artifact type or input/output type.
    """

    free: bool = False
    open_weights: bool = False
    local: bool = False
    types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    input_types: tuple[str, ...] = ()
    output_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", tuple(dict.fromkeys(normalise_type(t) for t in self.types)))
        object.__setattr__(
            self, "languages", tuple(dict.fromkeys(x.strip().lower() for x in self.languages))
        )
        object.__setattr__(self, "input_types", _modalities(self.input_types, "input"))
        object.__setattr__(self, "output_types", _modalities(self.output_types, "output"))

    @property
    def empty(self) -> bool:
        """True when nothing is required."""
        return self == NeedConstraints()

    def merged(self, other: NeedConstraints | None) -> NeedConstraints:
        """The union of two sets of constraints (text plus command-line options)."""
        if other is None:
            return self
        return replace(
            self,
            free=self.free or other.free,
            open_weights=self.open_weights or other.open_weights,
            local=self.local or other.local,
            types=self.types + other.types,
            languages=self.languages + other.languages,
            input_types=self.input_types + other.input_types,
            output_types=self.output_types + other.output_types,
        )

    def describe(self) -> tuple[str, ...]:
        """One readable phrase per constraint, for reports."""
        parts: list[str] = []
        parts += ["free"] * self.free + ["open weights"] * self.open_weights
        parts += ["runs locally"] * self.local
        parts += [f"type {', '.join(self.types)}"] if self.types else []
        parts += [f"language {', '.join(self.languages)}"] if self.languages else []
        parts += [f"input {', '.join(self.input_types)}"] if self.input_types else []
        parts += [f"output {', '.join(self.output_types)}"] if self.output_types else []
        return tuple(parts)


def parse_constraints(text: str) -> NeedConstraints:
    """Read the constraints written in a need.

    Recognises price ("free", "no cost"), openness ("open weights", "open-source"),
    locality ("locally", "offline", "on-device", "self-hosted"), languages ("in Japanese
    and Korean"), direction ("from images", "to text", "generate images") and artifact
    types after a determiner ("a model", "an MCP server").
    """
    low = text.lower()
    direction = infer_direction(text)
    types = [normalise_type(m.group(1)) for m in _TYPE_RE.finditer(low)]
    return NeedConstraints(
        free=bool(_FREE_RE.search(low)),
        open_weights=bool(_OPEN_RE.search(low)),
        local=bool(_LOCAL_RE.search(low)),
        types=tuple(types),
        languages=tuple(_LANG_RE.findall(low)),
        input_types=tuple(m for m in MODALITIES if m in direction.inputs),
        output_types=tuple(m for m in MODALITIES if m in direction.outputs),
    )
