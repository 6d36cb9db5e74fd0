"""Load an ``unfragile.yml`` manifest (the builder protocol, YAML) into :class:`DocumentFacts`.

A manifest is what an artifact's maintainers say about it: ``unfragile_version``, the
``artifact`` (name, slug, type, maintainer, repository, homepage, license), its
``capabilities`` (id, name, description, ``intents_served``, ``conditions`` with
``bestFor``/``limitations``/``requires``, ``unique_aspect``), ``pricing.model``,
``failure_modes`` and ``execution``. Capabilities accept every spelling
:class:`~matchgraph.loaders.raw.RawCapability` knows; ``unique_aspect`` becomes a UNIQUE
statement on its capability.

All or nothing: invalid YAML raises :class:`LoadError` at the parser's mark, a missing or
ill-typed field raises one naming the field's path at the line it is on; nothing is
returned. A cut-off manifest is often still valid YAML; it is caught when the cut leaves a
required field missing or a quoted string open, and cannot be caught when it falls inside
plain text.

Decisions: ``ArtifactRef.url`` is the repository and ``homepage`` the homepage;
``maintainer``, ``license``, capability ``id``, ``failure_modes`` and ``execution`` are
validated but have no field in the models and are not emitted. Unquoted
``unfragile_version: 1.0`` (a YAML float) is read as the text ``"1.0"``.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

import yaml

from matchgraph.loaders.error_positions import MAX_DIGITS, deep_nesting_position, long_number_position

MAX_FLOW_DEPTH = 100
"""Deepest ``[``/``{`` nesting a manifest may have; no real manifest comes close."""
from pydantic import Field, ValidationError

from matchgraph.errors import LoadError
from matchgraph.loaders.models import ArtifactRef, DocumentFacts, DocumentFormat, Observation
from matchgraph.loaders.normalise import artifact_type, pricing_label, type_tag
from matchgraph.loaders.raw import (
    RawCapability,
    RawModel,
    Slug,
    Text,
    TextOrNumber,
    load_error_from_validation,
)
from matchgraph.loaders.source import Body, read_body, source_info

__all__ = [
    "MANIFEST_NAMES",
    "RawManifest",
    "RawManifestArtifact",
    "load_manifest",
    "looks_like_manifest",
]

MANIFEST_NAMES = frozenset({"unfragile.yml", "unfragile.yaml"})
"""File names the protocol gives a manifest."""

_SNIFF = re.compile(r"^unfragile_version[ \t]*:", re.MULTILINE)


class RawManifestArtifact(RawModel):
    name: Text
    slug: Slug
    type: Text | None = None
    maintainer: Text | None = None
    repository: Text | None = None
    homepage: Text | None = None
    license: Text | None = None


class RawManifestPricing(RawModel):
    model: Text | None = None


class RawFailureMode(RawModel):
    mode: Text
    frequency: Text | None = None
    mitigation: Text | None = None


class RawExecution(RawModel):
    protocol: Text | None = None
    auth_method: Text | None = None


class RawManifest(RawModel):
    """A whole ``unfragile.yml``; at least one capability, since that is its purpose."""

    unfragile_version: TextOrNumber
    artifact: RawManifestArtifact
    capabilities: list[RawCapability] = Field(min_length=1)
    pricing: RawManifestPricing | None = None
    failure_modes: list[RawFailureMode] = []
    execution: RawExecution | None = None


def looks_like_manifest(text: str, *, path: str | None = None) -> bool:
    """True for a file named ``unfragile.yml`` or text with an ``unfragile_version`` key."""
    if path is not None and PurePath(path).name.lower() in MANIFEST_NAMES:
        return True
    return _SNIFF.search(read_body(text).body) is not None


def load_manifest(text: str, *, document: str, path: str | None = None) -> DocumentFacts:
    """Every fact of one manifest, or a :class:`LoadError` and nothing.

    ``document`` names the file in errors; ``path`` becomes the source key unless the
    text carries a ``URL:`` header.

    Raises:
        LoadError: invalid YAML (at the parser's line and column), or YAML that breaks the
            manifest format (naming the field path, at its line).

    >>> facts = load_manifest(
    ...     "unfragile_version: 1.0\\n"
    ...     "artifact: {name: Demo, slug: demo, type: mcp}\\n"
    ...     "capabilities:\\n"
    ...     "  - {name: echo, description: Echoes text back., unique_aspect: Nothing.}\\n",
    ...     document="unfragile.yml")
    >>> facts.artifacts[0].type.label, facts.capabilities[0].statements[0].text
    ('MCP Server', 'Nothing.')
    """
    source = read_body(text)
    node, data = _parse_yaml(source, document)
    try:
        manifest = RawManifest.model_validate(data)
    except ValidationError as error:
        raise load_error_from_validation(
            error, document=document, prefix=(), locate=lambda p: _where(source, node, p)
        ) from error
    return _facts(manifest, source, node, document=document, path=path)


def _parse_yaml(source: Body, document: str) -> tuple[yaml.Node, dict[str, Any]]:
    """The node tree (for positions) and the data, from one safe parse."""
    deep = deep_nesting_position(source.body, limit=MAX_FLOW_DEPTH)
    if deep is not None:  # PyYAML's scanner is quadratic in flow nesting: refuse before it
        line, column, position = source.where(deep)
        raise LoadError(
            f"invalid YAML: brackets nested more than {MAX_FLOW_DEPTH} levels deep",
            document=document, line=line, column=column, position=position,
        )
    try:
        loader = yaml.SafeLoader(source.body)  # checks for unprintable characters
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise _yaml_error(error, source, document) from error
    except RecursionError as error:  # deep nesting, or an anchor that contains itself
        raise _at_first_alias(source, document) from error
    except ValueError as error:  # an over-long integer
        at = long_number_position(source.body)
        message = f"invalid YAML: a number longer than {MAX_DIGITS} digits"
        if at is None:
            raise LoadError(f"invalid YAML: a value cannot be read ({type(error).__name__})", document=document) from error
        line, column, position = source.where(at)
        raise LoadError(message, document=document, line=line, column=column, position=position) from error
    if node is None or not isinstance(data, dict):
        line, column, position = source.where(0)
        raise LoadError(
            "not a manifest: expected a YAML mapping with unfragile_version, artifact and "
            "capabilities",
            document=document,
            line=line,
            column=column,
            position=position,
        )
    _refuse_repeated_keys(node, source, document)
    return node, data


def _at_first_alias(source: Body, document: str) -> LoadError:
    """A recursion error positioned at the first alias (``*name``), where a recursive anchor
    is used; at the start when the text has none (plain deep nesting)."""
    message = "invalid YAML: nested too deeply, or an anchor (&name) that contains its own alias (*name)"
    at = 0
    try:
        for token in yaml.scan(source.body, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken):
                at = token.start_mark.index
                message = f"invalid YAML: the alias *{token.value} refers to an anchor that contains it (recursive anchors are not allowed)"
                break
    except (yaml.YAMLError, RecursionError):
        pass
    line, column, position = source.where(at)
    return LoadError(message, document=document, line=line, column=column, position=position)


def _refuse_repeated_keys(root: yaml.Node, source: Body, document: str) -> None:
    """Raise at a key a mapping repeats: YAML keeps the last silently, we refuse to guess.

    Each node is visited once, so aliases cannot make the walk explode.
    """
    stack, visited = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            _unique_keys(node, source, document)
            stack.extend(value for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _unique_keys(node: yaml.MappingNode, source: Body, document: str) -> None:
    """Raise at the second occurrence of a plain key in one mapping."""
    seen: set[str] = set()
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value in seen:
            line, column, position = source.where(key.start_mark.index)
            raise LoadError(
                f"invalid YAML: key {key.value!r} appears twice in one mapping",
                document=document, line=line, column=column, position=position,
            )
        seen.add(key.value)


def _yaml_error(error: yaml.YAMLError, source: Body, document: str) -> LoadError:
    """A LoadError at the parser's mark, in file coordinates."""
    index, problem = _yaml_problem(error)
    if index is None:
        return LoadError(f"invalid YAML: {problem}", document=document)
    line, column, position = source.where(index)
    return LoadError(
        f"invalid YAML: {problem}", document=document, line=line, column=column, position=position
    )


def _yaml_problem(error: yaml.YAMLError) -> tuple[int | None, str]:
    """Body position and wording of a PyYAML error, without its multi-line rendering."""
    if isinstance(error, yaml.reader.ReaderError):
        code = error.character
        shown = f"#x{code:04x}" if isinstance(code, int) else repr(code)
        return error.position, f"{error.reason} (character {shown} at this point)"
    if isinstance(error, yaml.MarkedYAMLError):
        parts = ", ".join(p for p in (error.context, error.problem) if p)
        mark = error.problem_mark or error.context_mark
        return (mark.index if mark else None), parts or str(error)
    return None, str(error)


def _where(
    source: Body, root: yaml.Node, path: tuple[str | int, ...]
) -> tuple[int, int, int]:
    """``(line, column, position)`` of the node at ``path``, or the deepest one found.

    A block mapping or list is placed at its key (``pricing:``), where a reader looks,
    rather than at its first entry on the next line.
    """
    node, mark = root, root.start_mark
    for step in path:
        found = _child(node, step)
        if found is None:
            break
        key, node = found
        block = isinstance(node, yaml.CollectionNode) and not node.flow_style
        mark = key.start_mark if key is not None and block else node.start_mark
    return source.where(mark.index)


def _child(node: yaml.Node, step: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    """``(key, value)`` under key ``step`` of a mapping, or ``(None, item)`` of a list."""
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        return next(((k, v) for k, v in node.value if k.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
        return (None, node.value[step]) if 0 <= step < len(node.value) else None
    return None


def _facts(
    manifest: RawManifest, source: Body, node: yaml.Node, *, document: str, path: str | None
) -> DocumentFacts:
    """Convert a validated manifest, with each fact's line in the file."""
    raw = manifest.artifact

    def line(*steps: str | int) -> int:
        return _where(source, node, steps)[0]

    capabilities = tuple(
        cap.to_capability(
            artifact=raw.slug,
            ordinal=n,
            line=line("capabilities", n),
            unique_line=line("capabilities", n, "unique_aspect"),
        )
        for n, cap in enumerate(manifest.capabilities)
    )
    artifact = ArtifactRef(
        slug=raw.slug,
        name=raw.name,
        type=artifact_type(raw.type),
        url=raw.repository,
        homepage=raw.homepage,
        tags=type_tag(raw.type),
        line=line("artifact"),
        addressed=True,
    )
    observation = Observation(
        artifact=raw.slug,
        pricing=pricing_label(manifest.pricing.model if manifest.pricing else None),
        capabilities_declared=len(capabilities),
        line=line("pricing") if manifest.pricing else None,
    )
    return DocumentFacts(
        source=source_info(
            source.text,
            document=document,
            format=DocumentFormat.MANIFEST,
            url=source.url,
            path=path,
        ),
        artifacts=(artifact,),
        observations=(observation,),
        capabilities=capabilities,
    )
