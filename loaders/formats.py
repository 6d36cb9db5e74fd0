"""The document formats matchgraph reads, each with one parser of one signature.

A registry in the manner of rdflib's parser plugins: a format names the function that
parses it as ``"module:function"``, imported only when a document of that format arrives,
and every parser has the signature ``parse(text, *, document, path) -> DocumentFacts``.
A third party adds a format with :func:`register_format`; :func:`parser_for` is what
:func:`matchgraph.loaders.dispatch.parse_document` calls after detecting the format.

>>> parser_for(DocumentFormat.PASSPORT).__name__
'load_passport'
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Protocol

from matchgraph.errors import ConfigError
from matchgraph.loaders.models import DocumentFacts, DocumentFormat

__all__ = ["PARSERS", "Parser", "parse_comparison_page", "parser_for", "register_format"]


class Parser(Protocol):
    def __call__(self, text: str, *, document: str, path: str | None = None) -> DocumentFacts: ...


PARSERS: dict[DocumentFormat, str] = {
    DocumentFormat.COMPARISON: "matchgraph.loaders.formats:parse_comparison_page",
    DocumentFormat.PASSPORT: "matchgraph.loaders.passport:load_passport",
    DocumentFormat.MANIFEST: "matchgraph.loaders.manifest:load_manifest",
    DocumentFormat.ARTIFACT_PAGE: "matchgraph.loaders.artifact_page:parse_artifact_page",
    DocumentFormat.CAPABILITY_PAGE: "matchgraph.loaders.capability_page:parse_capability_page",
}


def register_format(fmt: DocumentFormat, target: str) -> None:
    """Use the parser at ``target`` (``"module:function"``) for documents of ``fmt``."""
    if ":" not in target:
        raise ConfigError(f"a parser is named 'module:function', not {target!r}")
    PARSERS[fmt] = target


def parser_for(fmt: DocumentFormat) -> Parser:
    """The parser registered for ``fmt``, imported on first use.

    Raises:
        ConfigError: no parser is registered, or it cannot be imported.
    """
    try:
        module, name = PARSERS[fmt].split(":")
    except KeyError:
        raise ConfigError(f"no parser is registered for {fmt.value} documents") from None
    try:
        found: Callable[..., DocumentFacts] = getattr(import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise ConfigError(f"the parser for {fmt.value} documents ({PARSERS[fmt]}) cannot be loaded: {e}") from e
    return found  # type: ignore[return-value]


def parse_comparison_page(text: str, *, document: str, path: str | None = None) -> DocumentFacts:
    """A comparison page in the common signature: its address header read, then the body."""
    from matchgraph.loaders.comparison import parse_comparison
    from matchgraph.loaders.source import read_body, source_info

    body = read_body(text)
    source = source_info(text, document=document, format=DocumentFormat.COMPARISON, url=body.url, path=path)
    return parse_comparison(body.body, document=document, source=source, body_offset=body.header_lines)
