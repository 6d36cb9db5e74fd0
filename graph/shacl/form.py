"""What compiled shapes are: the checks, their queries, and the constants they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib.namespace import SH, XSD


Term: TypeAlias = NamedNode | BlankNode | Literal
RNode: TypeAlias = rdflib.term.Node
Message: TypeAlias = Callable[[Term, "Term | None"], str]
Sparql: TypeAlias = Callable[[bool], str]
"""SPARQL text in two variants: ``True`` when some document carries rdfs:subClassOf triples."""

_SH = str(SH)
_GRAPH_PREFIX = "urn:g:"
_G = "?_mg_g"
"""The variable holding the document's named graph; ``_mg_`` names are reserved for us."""
_SELECT_ROW = f"SELECT {_G} ?this ?value ?_mg_bad WHERE"
"""Every compiled query but SPARQL constraints: ``?_mg_bad`` lists the violated check ids."""

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_ANNOTATIONS = (SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.severity)
"""Non-validating parameters: consumed, nothing to run (any severity fails a document)."""
_DECLARATIONS = (SH.declare, SH.prefix, SH.namespace)
"""Prefix declarations are not constraints; they are read where a constraint names them."""
_NODE_LEVEL = (
    SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.pattern, SH.minLength,
    SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.nodeKind, SH.hasValue,
)
_RANGE_OPS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
_CASTABLE = frozenset(
    XSD[name] for name in ("boolean", "integer", "decimal", "double", "float", "dateTime", "date", "time")
)
"""Datatypes whose well-formedness pyoxigraph can test by casting a literal to its own type."""


# ---------------------------------------------------------------- compiled form


@dataclass(frozen=True)
class _Check:
    """One constraint as reported: enough to turn a result row into a :class:`Violation`."""

    shape: str
    path: str | None
    per_value: bool
    """One result per value node (value constraints) or per focus node (counts)."""
    message: Message


@dataclass(frozen=True)
class _Query:
    """A SELECT whose rows bind ``?_mg_g``, ``?this``, maybe ``?value``, and ``?_mg_bad``."""

    text: str


@dataclass(frozen=True)
class _SparqlQuery:
    """A compiled ``sh:SPARQLConstraint``: rows bind ``?_mg_g``, ``?this`` and maybe more."""

    text: str
    check: int
    template: str | None


@dataclass
class CompiledShapes:
    """The shapes graph as queries, in two variants chosen per batch.

    ``plain`` assumes no document carries ``rdfs:subClassOf`` triples (the usual case, and
    the fast one); ``subclass`` follows ``rdf:type/rdfs:subClassOf*`` inside each document.
    """

    prefixes: dict[str, str] = field(default_factory=dict)
    checks: list[_Check] = field(default_factory=list)
    plain: list[_Query | _SparqlQuery] = field(default_factory=list)
    subclass: list[_Query | _SparqlQuery] = field(default_factory=list)
