"""Enrich a parsed document before it is stored: typed claims from every statement, each
claim's named other sides resolved to artifact slugs, and every capability's concepts and
short name. Pure: the same document gives the same facts."""

from __future__ import annotations

from functools import lru_cache

from matchgraph.loaders.claims import extract_claims
from matchgraph.loaders.models import Capability, Claim, DocumentFacts, OtherSide, Statement
from matchgraph.loaders.resolution import AliasTable, mention_slug

__all__ = ["prepare"]


@lru_cache(maxsize=2)
def _mapper(backend: str):  # type: ignore[no-untyped-def]
    from matchgraph.loaders.concepts import ConceptMapper

    return ConceptMapper(backend=backend)


def prepare(facts: DocumentFacts, *, concepts: str | None = "lexical") -> DocumentFacts:
    """Return ``facts`` with derived facts added.

    ``concepts`` names the concept-mapping backend ("lexical" or "embeddings"), or None to
    skip concept mapping.
    """
    aliases = AliasTable.load()
    names = tuple(a.name for a in facts.artifacts)
    capabilities = tuple(_capability(cap, names, aliases, concepts) for cap in facts.capabilities)
    return facts.model_copy(update={"capabilities": capabilities})


def _capability(cap: Capability, names: tuple[str, ...], aliases: AliasTable, backend: str | None) -> Capability:
    statements = tuple(_statement(s, names, aliases) for s in cap.statements)
    update: dict[str, object] = {"statements": statements}
    if backend is not None:
        mapper = _mapper(backend)
        if not cap.concepts:
            update["concepts"] = mapper.map(
                cap.description,
                name=cap.name,
                uri=cap.uri,
                categories=cap.categories,
                input_types=cap.input_types,
                output_types=cap.output_types,
            )
        if not cap.name:
            from matchgraph.loaders.concepts import short_name

            update["name"] = short_name(cap.description) or None
    return cap.model_copy(update=update)


def _statement(statement: Statement, names: tuple[str, ...], aliases: AliasTable) -> Statement:
    if statement.claims:
        return statement
    known = names + tuple(aliases.names.values())
    claims = tuple(_resolve_sides(c, aliases) for c in extract_claims(statement.text, statement.kind, known_names=known))
    return statement.model_copy(update={"claims": claims})


def _resolve_sides(claim: Claim, aliases: AliasTable) -> Claim:
    others = tuple(
        side if side.is_class or side.slug else OtherSide(label=aliases.display(side.label), slug=mention_slug(side.label, aliases))
        for side in claim.others
    )
    return claim.model_copy(update={"others": others})
