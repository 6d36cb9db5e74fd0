"""Reading a SHACL shapes graph: every ``sh:`` triple is consumed or the compiler refuses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib.namespace import RDF, XSD

from matchgraph.errors import ConfigError
from matchgraph.graph.shacl.form import _ANNOTATIONS, RNode, _SH, Term


# ---------------------------------------------------------------- reading the shapes graph


class _Reader:
    """The shapes graph, remembering every ``sh:`` triple the compiler used.

    Whatever is left unused at the end is a feature the compiler does not translate, and
    compiling fails rather than dropping it.
    """

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.used: set[tuple[RNode, RNode, RNode]] = set()
        self.prefixes = {str(ns): prefix for prefix, ns in graph.namespaces() if prefix}

    def values(self, node: RNode, pred: rdflib.URIRef) -> list[RNode]:
        found = sorted(self.graph.objects(node, pred), key=str)  # type: ignore[arg-type]
        self.used.update((node, pred, v) for v in found)
        return found

    def one(self, node: RNode, pred: rdflib.URIRef) -> RNode | None:
        found = self.values(node, pred)
        if len(found) > 1:
            raise ConfigError(f"shape {self.show(node)} has {len(found)} values for {self.show(pred)}")
        return found[0] if found else None

    def flag(self, node: RNode, pred: rdflib.URIRef) -> bool:
        value = self.one(node, pred)
        return isinstance(value, rdflib.Literal) and value.toPython() is True

    def annotations(self, node: RNode) -> None:
        for pred in (RDF.type, *_ANNOTATIONS):
            self.values(node, pred)

    def use_all(self, preds: Iterable[rdflib.URIRef]) -> None:
        for pred in preds:
            self.used.update(self.graph.triples((None, pred, None)))  # type: ignore[arg-type]

    def leftovers(self) -> list[tuple[RNode, RNode, RNode]]:
        return sorted(
            (t for t in self.graph if str(t[1]).startswith(_SH) and t not in self.used),  # type: ignore[misc]
            key=str,
        )

    def show(self, node: RNode) -> str:
        """A shapes-graph term as a reader would write it (``mg:Artifact``, ``"x"``)."""
        if isinstance(node, rdflib.URIRef):
            return _compact(str(node), self.prefixes)
        if isinstance(node, rdflib.Literal):
            return _show_term(_to_ox(node), self.prefixes)
        return f"[{node}]"


def _compact(iri: str, prefixes: Mapping[str, str]) -> str:
    best = max((ns for ns in prefixes if iri.startswith(ns)), key=len, default=None)
    if best is None or not re.fullmatch(r"[A-Za-z0-9_.-]*", iri[len(best) :]):
        return f"<{iri}>"
    return f"{prefixes[best]}:{iri[len(best):]}"


_SHORTHAND = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.double): re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+"),
    str(XSD.boolean): re.compile(r"true|false"),
}
"""Literals Turtle writes bare; any other literal is shown quoted, with its datatype."""


def _show_term(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """A data term for a message: IRIs in brackets, literals with a short datatype."""
    if term is None:
        return "(none)"
    if isinstance(term, Literal):
        shorthand = _SHORTHAND.get(term.datatype.value)
        if shorthand is not None and shorthand.fullmatch(term.value):
            return term.value  # as Turtle writes it: 12, 1.5, true
        text = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != str(XSD.string):
            return f"{text}^^{_compact(term.datatype.value, prefixes)}"
        return text
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return f"<{term.value}>"


def _to_ox(node: RNode) -> Term:
    """An rdflib term of the shapes graph as the pyoxigraph term it must equal in the data."""
    if isinstance(node, rdflib.URIRef):
        return NamedNode(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return Literal(str(node), language=node.language)
        if node.datatype is not None:
            return Literal(str(node), datatype=NamedNode(str(node.datatype)))
        return Literal(str(node))
    raise ConfigError(f"blank node {node} cannot be compared with data terms")


def _sparql(node: RNode) -> str:
    """A constant of the shapes graph in SPARQL syntax (N-Triples form is valid SPARQL)."""
    return str(_to_ox(node))


def _iri(node: RNode | None, what: str) -> rdflib.URIRef:
    if not isinstance(node, rdflib.URIRef):
        raise ConfigError(f"{what} must be an IRI, got {node!r}")
    return node


def _int(node: RNode | None, what: str) -> int:
    value = node.toPython() if isinstance(node, rdflib.Literal) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{what} must be a non-negative integer, got {node!r}")
    return value
