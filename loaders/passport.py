"""Load an unfragile trust passport (JSON) into :class:`DocumentFacts`.

A passport is ``{"passport": {"unfragile": {...}}}`` as the passport API serves it, or the
bare ``{"unfragile": {...}}`` body the ``trust_passport`` tool returns, optionally behind a
``URL:`` header line. Its ``artifact`` becomes an :class:`ArtifactRef`, its pricing and
capability count an :class:`Observation`, each capability a :class:`Capability` (whose
intents the stores link as intent nodes). Capabilities may use the capability schema's
camelCase spelling (``intentsServed``, ``conditions.bestFor``, ``matchConfidence``...).

All or nothing: a file that is not valid JSON (the corpus copies are cut off mid-way) or
breaks the format raises :class:`LoadError` naming the document, line, column and
character position in the file as given, header included; nothing is returned.

Decisions, in one place:
- ``ArtifactRef.url`` is the artifact's own address (``artifact.url``); the source site's
  ``page_url``, ``id``, ``status`` and ``verified`` have no field in the models and are
  dropped. An unknown type word gives ``ArtifactType.OTHER`` plus a ``type:<word>`` tag.
- Pricing is folded to "Free"/"Paid" like comparison pages (see ``pricing_label``); the
  observation's ``times_matched`` is the sum of the capabilities' ``matches`` (the site's
  artifact-level figure is the roll-up of its capabilities), None when none reports one.
- Capability ordinals count from 0 in passport order, as the comparison loader counts
  them and as passport capability ids (``..__cap_0``) do.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import Field, ValidationError

from matchgraph.errors import LoadError
from matchgraph.loaders.error_positions import MAX_DIGITS, deep_nesting_position, duplicate_key_position, long_number_position
from matchgraph.loaders.json_position import json_position
from matchgraph.loaders.models import (
    ArtifactRef,
    DocumentFacts,
    DocumentFormat,
    Observation,
)
from matchgraph.loaders.normalise import artifact_type, pricing_label, type_tag
from matchgraph.loaders.raw import (
    RawCapability,
    RawModel,
    Slug,
    Text,
    TextList,
    TextOrNumber,
    load_error_from_validation,
)
from matchgraph.loaders.source import Body, read_body, source_info

__all__ = [
    "RawPassport",
    "RawPassportArtifact",
    "RawPassportBody",
    "RawPricing",
    "load_passport",
    "looks_like_passport",
]

_SNIFF = re.compile(r'\s*\{\s*"(?:passport|unfragile)"\s*:')


class RawPricing(RawModel):
    model: Text | None = None
    free: bool | None = None
    starting_price: TextOrNumber | None = None


class RawPassportArtifact(RawModel):
    id: Text | None = None
    slug: Slug
    name: Text
    type: Text | None = None
    url: Text | None = None
    page_url: Text | None = None
    categories: TextList = []
    tags: TextList = []
    pricing: RawPricing | None = None
    status: Text | None = None
    verified: bool | None = None


class RawPassportBody(RawModel):
    """The ``unfragile`` object: format version, data version, artifact, capabilities."""

    format_version: Text | None = Field(default=None, alias="@version")
    version: Text | None = None
    artifact: RawPassportArtifact
    capabilities: list[RawCapability] = []


class _Envelope(RawModel):
    unfragile: RawPassportBody


class RawPassport(RawModel):
    """The passport API's response: ``{"passport": {"unfragile": ...}}``."""

    passport: _Envelope


class _DuplicateKey(ValueError):
    """A JSON object names one key twice; which value was meant is a guess we refuse."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def looks_like_passport(text: str) -> bool:
    """True when the text (after any URL header) opens a passport object.

    Cheap enough to run on every file; a cut-off passport still looks like one, so it
    reaches :func:`load_passport` and gets that loader's clear error.
    """
    return _SNIFF.match(read_body(text).body) is not None


def load_passport(text: str, *, document: str, path: str | None = None) -> DocumentFacts:
    """Every fact of one passport, or a :class:`LoadError` and nothing.

    ``document`` names the file in errors; ``path`` (when it was read from disk) becomes
    the source key unless the text carries a ``URL:`` header.

    Raises:
        LoadError: invalid JSON (with line, column, position), or JSON that is not a
            passport (with the path of the offending field and its position).

    >>> facts = load_passport('{"unfragile": {"artifact": {"slug": "x", "name": "X"}}}',
    ...                       document="x.json")
    >>> facts.artifacts[0].slug, facts.observations[0].capabilities_declared
    ('x', 0)
    """
    source = read_body(text)
    data = _parse_json(source, document)
    prefix, body = _validate(data, source, document)
    return _facts(body, prefix, source, document=document, path=path)


def _parse_json(source: Body, document: str) -> Any:
    """Parse strictly; syntax errors are positioned in the file, header included."""
    try:
        return json.loads(source.body, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        line, column, position = source.where(error.pos)
        raise LoadError(
            _syntax_message(error, source.body),
            document=document,
            line=line,
            column=column,
            position=position,
        ) from error
    except _DuplicateKey as error:
        at = duplicate_key_position(source.body, error.key)
        raise _positioned(f"invalid JSON: the key {error.key!r} appears twice in one object", source, document, at) from error
    except RecursionError as error:
        at = deep_nesting_position(source.body)
        raise _positioned("invalid JSON: arrays and objects nested too deeply", source, document, at) from error
    except ValueError as error:  # an integer longer than Python converts
        at = long_number_position(source.body)
        raise _positioned(f"invalid JSON: a number longer than {MAX_DIGITS} digits", source, document, at) from error


def _positioned(message: str, source: Body, document: str, at: int | None) -> LoadError:
    if at is None:
        return LoadError(message, document=document)
    line, column, position = source.where(at)
    return LoadError(message, document=document, line=line, column=column, position=position)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` that refuses repeated keys instead of keeping the last."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _syntax_message(error: json.JSONDecodeError, body: str) -> str:
    """The parser's message, saying so when the text simply stops too early."""
    detail = error.msg + (" this point" if error.msg.endswith(" at") else "")
    cut_off = error.msg.startswith("Unterminated") or error.pos >= len(body.rstrip())
    hint = "; the text stops before the JSON is complete (cut-off file?)" if cut_off else ""
    return f"invalid JSON: {detail}{hint}"


def _validate(
    data: Any, source: Body, document: str
) -> tuple[tuple[str, ...], RawPassportBody]:
    """The ``unfragile`` body and its path, from either accepted top level."""
    if not isinstance(data, dict) or not ({"passport", "unfragile"} & data.keys()):
        line, column, position = source.where(0)
        raise LoadError(
            'not a passport: expected an object with "passport" or "unfragile" at the top',
            document=document,
            line=line,
            column=column,
            position=position,
        )
    model: type[RawPassport] | type[_Envelope] = (
        RawPassport if "passport" in data else _Envelope
    )
    try:
        parsed = model.model_validate(data)
    except ValidationError as error:
        raise load_error_from_validation(
            error, document=document, prefix=(), locate=lambda p: _where(source, p)
        ) from error
    if isinstance(parsed, RawPassport):
        return ("passport", "unfragile"), parsed.passport.unfragile
    return ("unfragile",), parsed.unfragile


def _where(source: Body, path: tuple[str | int, ...]) -> tuple[int, int, int] | None:
    """``(line, column, position)`` in the file of the value at ``path``."""
    position = json_position(source.body, path)
    return None if position is None else source.where(position)


def _line(source: Body, path: tuple[str | int, ...]) -> int | None:
    where = _where(source, path)
    return None if where is None else where[0]


def _facts(
    body: RawPassportBody,
    prefix: tuple[str, ...],
    source: Body,
    *,
    document: str,
    path: str | None,
) -> DocumentFacts:
    """Convert a validated passport; ``prefix`` locates the body for line numbers."""
    raw = body.artifact
    at = (*prefix, "artifact")
    capabilities = tuple(
        cap.to_capability(
            artifact=raw.slug,
            ordinal=n,
            line=_line(source, (*prefix, "capabilities", n)),
        )
        for n, cap in enumerate(body.capabilities)
    )
    artifact = ArtifactRef(
        slug=raw.slug,
        name=raw.name,
        type=artifact_type(raw.type),
        url=raw.url,
        categories=tuple(raw.categories),
        tags=(*raw.tags, *type_tag(raw.type)),
        line=_line(source, at),
        addressed=True,
    )
    matches = [c.matches for c in capabilities if c.matches is not None]
    pricing = raw.pricing or RawPricing()
    observation = Observation(
        artifact=raw.slug,
        pricing=pricing_label(pricing.model, pricing.free),
        starting_price=pricing.starting_price,
        capabilities_declared=len(capabilities),
        times_matched=sum(matches) if matches else None,
        line=_line(source, (*at, "pricing") if raw.pricing else at),
    )
    return DocumentFacts(
        source=source_info(
            source.text,
            document=document,
            format=DocumentFormat.PASSPORT,
            url=source.url,
            path=path,
        ),
        artifacts=(artifact,),
        observations=(observation,),
        capabilities=capabilities,
    )
