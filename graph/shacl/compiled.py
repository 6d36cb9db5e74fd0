"""SHACL shapes compiled once into SPARQL, run by pyoxigraph over a whole batch of documents.

pyshacl re-reads the shapes and walks each document's graph in Python (about 20 ms a
document), far too slow for bulk loads. Here ``ontology/shapes.ttl`` is compiled once into
SPARQL ``SELECT`` queries; a batch of documents is loaded into an in-memory pyoxigraph store,
one named graph per document, and every query runs once over all of them. Every pattern is
scoped by ``GRAPH ?_mg_g`` so that cardinalities, ``sh:class`` look-ups and SPARQL
constraints see one document at a time, as pyshacl does when it validates each on its own.

How the work is laid out (it decides the speed): each predicate a shape constrains is
scanned once for all shapes that constrain it (``schema:text`` serves three), value tests
are plain expressions on those rows, and only a row that breaks a test is asked whether its
subject is a focus node of the shape. Missing values (``sh:minCount 1``) take one scan of
each shape's focus nodes. So a conforming batch costs about one pass over its triples.

The compiler accepts only the SHACL it can translate faithfully. Every triple of the shapes
graph whose predicate is in the ``sh:`` namespace must be consumed by it, so a feature it does
not know (``sh:qualifiedValueShape``, ``sh:or``, a sequence path...) raises
:class:`~matchgraph.errors.ConfigError` at compile time instead of being silently ignored.

Deliberate differences from pyshacl (none reachable through ``document_triples``):

* lexical forms are checked the XSD way: ``" 12"``, ``"1_000"`` or ``"٣"`` as ``xsd:integer``
  and a date-only ``xsd:dateTime`` are ill-formed here (rdflib accepts them, and compares an
  ill-formed ``"0.5"^^xsd:integer`` as a number);
* integers past 64 bits, which the store cannot compare, are checked by their lexical form
  and sign, so ``99999999999999999999`` is a well-formed, non-negative ``xsd:integer`` in
  both validators;
* the store keeps numbers, booleans and dates by value, so ``"012"^^xsd:integer`` is the same
  term as ``12`` for ``sh:in``/``sh:hasValue``, and messages show canonical lexical forms;
* ``sh:pattern`` follows SPARQL ``REGEX`` (``$`` is the end of the string; Python's ``re`` also
  lets it match before a final newline);
* ``rdfs:subClassOf`` axioms of the shapes graph count for ``sh:class`` and ``sh:targetClass``
  (pyshacl reads them from the data graph only); ``shapes.ttl`` has none today;
* a ``sh:targetNode`` is a focus node only in documents that have at least one triple.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeAlias

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolution, RdfFormat, Store, Triple, serialize
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from matchgraph.errors import ConfigError, Violation

__all__ = ["CompiledShapes", "CompiledValidator", "compile_shapes"]

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


# ---------------------------------------------------------------- focus nodes


def _instance(var: str, classes: frozenset[str], subclass: bool, tag: str) -> str:
    """``var`` is a SHACL instance of one of ``classes`` (already closed under the shapes'
    subclass axioms); with ``subclass``, the document's own subclass axioms count too."""
    step = f"<{RDF.type}>/<{RDFS.subClassOf}>*" if subclass else f"<{RDF.type}>"
    if len(classes) == 1:
        return f"{var} {step} <{next(iter(classes))}>"
    values = " ".join(f"<{c}>" for c in sorted(classes))
    return f"{var} {step} ?_mg_{tag}t . VALUES ?_mg_{tag}t {{ {values} }}"


@dataclass(frozen=True)
class _Focus:
    """How a node shape finds its focus nodes."""

    classes: tuple[frozenset[str], ...]
    nodes: tuple[str, ...]
    subjects_of: tuple[str, ...]
    objects_of: tuple[str, ...]

    def empty(self) -> bool:
        return not (self.classes or self.nodes or self.subjects_of or self.objects_of)

    def _inner(self, subclass: bool) -> list[str]:
        alternatives = [_instance("?this", c, subclass, "f") for c in self.classes]
        alternatives += [f"?this <{p}> ?_mg_fo" for p in self.subjects_of]
        alternatives += [f"?_mg_fs <{p}> ?this" for p in self.objects_of]
        return alternatives

    def pattern(self, subclass: bool) -> str:
        """A top-level pattern binding ``?_mg_g`` and ``?this`` (maybe with repeats: results
        are deduplicated)."""
        alternatives = [f"GRAPH {_G} {{ {a} }}" for a in self._inner(subclass)]
        if self.nodes:
            # VALUES alone binds no graph: enumerate the documents.
            alternatives.append(f"GRAPH {_G} {{ }} VALUES ?this {{ {' '.join(f'<{n}>' for n in self.nodes)} }}")
        return " UNION ".join(f"{{ {a} }}" for a in alternatives)

    def inner(self, subclass: bool) -> str:
        """The same inside ``GRAPH ?_mg_g { }`` (for SPARQL constraints, whose filters see it)."""
        alternatives = self._inner(subclass)
        if self.nodes:
            alternatives.append(f"VALUES ?this {{ {' '.join(f'<{n}>' for n in self.nodes)} }}")
        return " UNION ".join(f"{{ {a} }}" for a in alternatives)

    def test(self, subclass: bool) -> str:
        """A FILTER expression: is the row's ``?this`` a focus node in graph ``?_mg_g``?"""
        tests = [f"EXISTS {{ GRAPH {_G} {{ {a} }} }}" for a in self._inner(subclass)]
        tests += [f"sameTerm(?this, <{n}>)" for n in self.nodes]
        return "(" + " || ".join(tests) + ")"


def _subclasses(reader: _Reader, cls: rdflib.URIRef) -> frozenset[str]:
    """``cls`` and every class the shapes graph says is below it."""
    found, frontier = {cls}, [cls]
    while frontier:
        for sub in reader.graph.subjects(RDFS.subClassOf, frontier.pop()):
            if isinstance(sub, rdflib.URIRef) and sub not in found:
                found.add(sub)
                frontier.append(sub)
    return frozenset(str(c) for c in found)


def _focus(reader: _Reader, shape: RNode) -> _Focus:
    classes = [_iri(c, "sh:targetClass") for c in reader.values(shape, SH.targetClass)]
    if any((shape, RDF.type, kind) in reader.graph for kind in (RDFS.Class, OWL.Class)):
        classes.append(_iri(shape, "an implicit class target"))
    nodes = reader.values(shape, SH.targetNode)
    if any(not isinstance(n, rdflib.URIRef) for n in nodes):
        raise ConfigError(f"{reader.show(shape)}: sh:targetNode must be IRIs")
    return _Focus(
        classes=tuple(_subclasses(reader, c) for c in classes),
        nodes=tuple(str(n) for n in nodes),
        subjects_of=tuple(str(_iri(p, "sh:targetSubjectsOf")) for p in reader.values(shape, SH.targetSubjectsOf)),
        objects_of=tuple(str(_iri(p, "sh:targetObjectsOf")) for p in reader.values(shape, SH.targetObjectsOf)),
    )


# ---------------------------------------------------------------- paths


@dataclass(frozen=True)
class _Path:
    """A supported ``sh:path``: one IRI, forwards or inverse."""

    iri: str
    inverse: bool
    shown: str

    def values(self, value: str = "?value") -> str:
        return f"{value} <{self.iri}> ?this" if self.inverse else f"?this <{self.iri}> {value}"

    @property
    def reported(self) -> str:
        """``Violation.path``, as :class:`PyShaclValidator` fills it."""
        return "inverse path" if self.inverse else self.iri


def _path(reader: _Reader, shape: RNode) -> _Path:
    node = reader.one(shape, SH.path)
    if isinstance(node, rdflib.URIRef):
        return _Path(str(node), False, reader.show(node))
    if isinstance(node, rdflib.BNode):
        inverse = reader.one(node, SH.inversePath)
        rest = [p for p in reader.graph.predicates(node, None) if p != SH.inversePath]
        if isinstance(inverse, rdflib.URIRef) and not rest:
            return _Path(str(inverse), True, "^" + reader.show(inverse))
    raise ConfigError(
        f"property shape {reader.show(shape)}: only an IRI or [ sh:inversePath IRI ] is supported as sh:path"
    )


# ---------------------------------------------------------------- the plan


@dataclass
class _PathChecks:
    """Every check on the values of one path, whichever node shapes they come from.

    Several shapes constrain the same predicate (``schema:text``, ``mg:claimant``...):
    scanning its triples once for all of them, and testing focus membership only on rows
    that break a test, keeps a conforming batch near one pass over its data.
    """

    path: _Path
    tests: list[tuple[int, str, _Focus]] = field(default_factory=list)
    """(check id, SPARQL true when ``?value`` is fine, focus)."""
    max_counts: list[tuple[int, int, _Focus]] = field(default_factory=list)
    classes: dict[frozenset[str], list[tuple[int, _Focus]]] = field(default_factory=dict)


@dataclass
class _FocusChecks:
    """Tests on each focus node of one node shape (missing values, ``sh:hasValue``)."""

    focus: _Focus
    tests: list[tuple[int, str]] = field(default_factory=list)
    """(check id, SPARQL true when violated)."""


@dataclass
class _Plan:
    """What to check, grouped the way it is scanned; turned into queries at the end."""

    checks: list[_Check] = field(default_factory=list)
    paths: dict[tuple[str, bool], _PathChecks] = field(default_factory=dict)
    focus_scans: list[_FocusChecks] = field(default_factory=list)
    branches: list[Sparql] = field(default_factory=list)
    """Stand-alone UNION branches (``sh:minCount`` above 1, which needs a GROUP BY)."""
    sparql: list[tuple[Sparql, int, str | None]] = field(default_factory=list)

    def check(self, shape: RNode, path: _Path | None, per_value: bool, message: Message) -> int:
        self.checks.append(_Check(str(shape), path.reported if path else None, per_value, message))
        return len(self.checks) - 1

    def on_path(self, path: _Path) -> _PathChecks:
        return self.paths.setdefault((path.iri, path.inverse), _PathChecks(path))


@dataclass
class _Property:
    """One property shape being compiled: where its checks go and how they speak."""

    plan: _Plan
    reader: _Reader
    shape: RNode
    focus: _Focus
    path: _Path
    scan: _FocusChecks
    custom: str | None

    def check(self, per_value: bool, text: Callable[[str, str], str]) -> int:
        return self.plan.check(self.shape, self.path, per_value, _message(self.reader, self.custom, text))

    def value_test(self, cid: int, ok: str) -> None:
        self.plan.on_path(self.path).tests.append((cid, ok, self.focus))


def _message(reader: _Reader, override: str | None, text: Callable[[str, str], str]) -> Message:
    """A message maker: the shape's own ``sh:message`` if it has one, else ``text``."""
    prefixes = reader.prefixes
    if override is not None:
        return lambda focus, value: _fill(override, {"this": focus, "value": value}, prefixes)
    return lambda focus, value: text(_show_term(focus, prefixes), _show_term(value, prefixes))


def _fill(template: str, bound: Mapping[str, Term | None], prefixes: Mapping[str, str]) -> str:
    """Substitute ``{$var}``/``{?var}`` in an ``sh:message`` the way SHACL-SPARQL says."""
    return re.sub(
        r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}",
        lambda m: _show_term(bound[m.group(1)], prefixes) if bound.get(m.group(1)) is not None else m.group(0),
        template,
    )


# ---------------------------------------------------------------- property shapes


def _property(plan: _Plan, reader: _Reader, focus: _Focus, scan: _FocusChecks, shape: RNode) -> None:
    """Compile one property shape into ``plan`` (a throw-away plan when it is deactivated)."""
    override = reader.one(shape, SH.message)
    reader.annotations(shape)
    if reader.flag(shape, SH.deactivated):
        plan, scan = _Plan(), _FocusChecks(focus)  # checked and consumed, never run
    custom = None if override is None else str(override)
    prop = _Property(plan, reader, shape, focus, _path(reader, shape), scan, custom)
    _min_count(prop)
    _max_count(prop)
    _has_value(prop)
    _classes(prop)
    _value_types(prop)
    _strings(prop)
    _ranges(prop)


def _min_count(prop: _Property) -> None:
    """At least n values: 1 is a per-focus test, more needs a GROUP BY branch."""
    path, focus = prop.path, prop.focus
    for node in prop.reader.values(prop.shape, SH.minCount):
        n = _int(node, f"{prop.reader.show(prop.shape)} sh:minCount")
        if n == 0:
            continue
        cid = prop.check(False, lambda f, v, n=n: f"Less than {n} values on {f}->{path.shown}")
        if n == 1:
            prop.scan.tests.append((cid, f"NOT EXISTS {{ GRAPH {_G} {{ {path.values('?_mg_x')} }} }}"))
            continue
        prop.plan.branches.append(
            lambda sub, n=n, cid=cid: f"{{ {{ SELECT {_G} ?this WHERE {{ {focus.pattern(sub)} "
            f"OPTIONAL {{ GRAPH {_G} {{ {path.values('?_mg_x')} }} }} }} "
            f'GROUP BY {_G} ?this HAVING (COUNT(DISTINCT ?_mg_x) < {n}) }} BIND("{cid} " AS ?_mg_bad) }}'
        )


def _max_count(prop: _Property) -> None:
    """At most n values: 0 is a value test (any value), more is counted per predicate."""
    path = prop.path
    for node in prop.reader.values(prop.shape, SH.maxCount):
        n = _int(node, f"{prop.reader.show(prop.shape)} sh:maxCount")
        cid = prop.check(False, lambda f, v, n=n: f"More than {n} values on {f}->{path.shown}")
        if n == 0:
            prop.value_test(cid, "false")
        else:
            prop.plan.on_path(path).max_counts.append((cid, n, prop.focus))


def _has_value(prop: _Property) -> None:
    path = prop.path
    for node in prop.reader.values(prop.shape, SH.hasValue):
        expected, shown = _sparql(node), prop.reader.show(node)
        cid = prop.check(False, lambda f, v, s=shown: f"Missing expected value {s} on {f}->{path.shown}")
        prop.scan.tests.append((cid, f"NOT EXISTS {{ GRAPH {_G} {{ {path.values(expected)} }} }}"))


def _classes(prop: _Property) -> None:
    for node in prop.reader.values(prop.shape, SH["class"]):
        cls = _iri(node, "sh:class")
        shown = prop.reader.show(cls)
        cid = prop.check(True, lambda f, v, s=shown: f"Value {v} does not have class {s}")
        users = prop.plan.on_path(prop.path).classes.setdefault(_subclasses(prop.reader, cls), [])
        users.append((cid, prop.focus))


def _value_types(prop: _Property) -> None:
    """sh:datatype, sh:in and sh:nodeKind."""
    reader = prop.reader
    for node in reader.values(prop.shape, SH.datatype):
        dt = _iri(node, "sh:datatype")
        shown = reader.show(dt)
        prop.value_test(prop.check(True, lambda f, v, s=shown: f"Value {v} is not of datatype {s}"), _datatype(dt))
    for node in reader.values(prop.shape, SH["in"]):
        members = _list(reader, node)
        shown = "(" + " ".join(reader.show(m) for m in members) + ")"
        expr = " || ".join(f"sameTerm(?value, {_sparql(m)})" for m in members) or "false"
        prop.value_test(prop.check(True, lambda f, v, s=shown: f"Value {v} is not in {s}"), f"({expr})")
    for node in reader.values(prop.shape, SH.nodeKind):
        if node not in _NODE_KINDS:
            raise ConfigError(f"{reader.show(prop.shape)}: unknown sh:nodeKind {node}")
        shown = reader.show(node)
        cid = prop.check(True, lambda f, v, s=shown: f"Value {v} is not of node kind {s}")
        prop.value_test(cid, _NODE_KINDS[node])  # type: ignore[index]


def _strings(prop: _Property) -> None:
    """sh:pattern (with sh:flags), sh:minLength and sh:maxLength, on the lexical form."""
    reader, shape = prop.reader, prop.shape
    flags_node = reader.one(shape, SH.flags)
    flags = str(flags_node) if flags_node is not None else ""
    patterns = reader.values(shape, SH.pattern)
    if flags_node is not None and not patterns:
        raise ConfigError(f"{reader.show(shape)}: sh:flags without sh:pattern")
    for node in patterns:
        args = _pattern(node, flags)
        cid = prop.check(True, lambda f, v, p=str(node): f"Value {v} does not match pattern '{p}'")
        prop.value_test(cid, f"(!isBlank(?value) && REGEX(STR(?value), {args}))")
    for pred, op, word in ((SH.minLength, ">=", "shorter"), (SH.maxLength, "<=", "longer")):
        for node in reader.values(shape, pred):
            n = _int(node, f"{reader.show(shape)} {reader.show(pred)}")
            if pred == SH.minLength and n == 0:
                continue  # every value, blank nodes included, passes (as in pyshacl)
            cid = prop.check(True, lambda f, v, n=n, w=word: f"Value {v} is {w} than {n} characters")
            prop.value_test(cid, f"(!isBlank(?value) && STRLEN(STR(?value)) {op} {n})")


def _ranges(prop: _Property) -> None:
    """sh:minInclusive and friends, with SPARQL's comparison (an incomparable value fails)."""
    reader = prop.reader
    for pred, op in _RANGE_OPS.items():
        for node in reader.values(prop.shape, pred):
            if not isinstance(node, rdflib.Literal):
                raise ConfigError(f"{reader.show(prop.shape)}: {reader.show(pred)} must be a literal")
            shown = reader.show(node)
            cid = prop.check(True, lambda f, v, o=op, s=shown: f"Value {v} is not {o} {s}")
            prop.value_test(cid, f"COALESCE(?value {op} {_sparql(node)}, {_beyond_64_bits(node, op)})")


_BIG_INTEGER = f'(sameTerm(datatype(?value), <{XSD.integer}>) && REGEX(STR(?value), "^[+-]?0*[1-9][0-9]{{18,}}$"))'
"""An ``xsd:integer`` the store cannot hold as a 64-bit value (its comparisons fail)."""


def _beyond_64_bits(bound: rdflib.Literal, op: str) -> str:
    """What a range test means for an integer past 64 bits: pyshacl compares Python ints,
    the store cannot, so the sign decides (every bound in a shape is far smaller).

    Bounds that are not small numbers keep the store's answer (an error: a violation).
    """
    try:
        small = abs(float(bound.toPython())) < 1e18
    except (TypeError, ValueError):
        small = False
    if not small:
        return "false"
    sign = '!STRSTARTS(STR(?value), "-")' if op in (">", ">=") else 'STRSTARTS(STR(?value), "-")'
    return f"({_BIG_INTEGER} && {sign})"


def _datatype(dt: rdflib.URIRef) -> str:
    """SPARQL that is true when ``?value`` is a well-formed literal of ``dt``."""
    if dt == RDFS.Literal:
        return "isLiteral(?value)"
    if dt == RDF.langString:
        return '(isLiteral(?value) && lang(?value) != "")'
    same = f"sameTerm(datatype(?value), <{dt}>)"
    if dt == XSD.integer:  # by its lexical form: a cast fails past 64 bits, pyshacl does not
        return f'(isLiteral(?value) && {same} && REGEX(STR(?value), "^[+-]?[0-9]+$"))'
    if dt in _CASTABLE:
        return f"({same} && sameTerm(datatype(<{dt}>(?value)), <{dt}>))"
    return f"(isLiteral(?value) && {same})"


def _list(reader: _Reader, node: RNode) -> list[RNode]:
    if node != RDF.nil and not isinstance(node, rdflib.BNode):
        raise ConfigError(f"sh:in must be an RDF list, got {node!r}")
    members = list(Collection(reader.graph, node))
    if any(isinstance(m, rdflib.BNode) for m in members):
        raise ConfigError("sh:in members must be IRIs or literals")
    return members


_PROBE = Store()
"""An empty store to try generated SPARQL and regular expressions on at compile time."""


def _pattern(node: RNode, flags: str) -> str:
    """``REGEX`` arguments for an ``sh:pattern``, refused unless both engines accept it."""
    if not isinstance(node, rdflib.Literal) or set(flags) - set("imsxq"):
        raise ConfigError(f"unsupported sh:pattern {node!r} / sh:flags {flags!r}")
    try:
        re.compile(str(node))
    except re.error as exc:
        raise ConfigError(f"sh:pattern {str(node)!r} is not a valid regular expression: {exc}") from None
    args = f"{Literal(str(node))}, {Literal(flags)}"
    probe = f'SELECT (COALESCE(REGEX("", {args}), "invalid") AS ?r) {{}}'
    if str(next(iter(_PROBE.query(probe)))["r"]) == '"invalid"':  # type: ignore[index,arg-type]
        raise ConfigError(f"sh:pattern {str(node)!r} is not supported by SPARQL REGEX in pyoxigraph")
    return args


# ---------------------------------------------------------------- SPARQL constraints


_SELECT = re.compile(
    r"^(?P<prefixes>(?:\s*PREFIX\s+[A-Za-z0-9_.-]*:\s*<[^>\s]*>)*)\s*SELECT\s+"
    r"(?P<mod>(?:DISTINCT|REDUCED)\s+)?(?P<proj>.*?)\s*(?:WHERE\s*)?\{",
    re.IGNORECASE | re.DOTALL,
)
_FORBIDDEN = re.compile(
    r"\b(SELECT|GRAPH|SERVICE|FROM|BASE)\b|[$?](currentShape|shapesGraph|failure|_mg_\w*)\b", re.IGNORECASE
)
_AGGREGATE = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE)


def _closing_brace(text: str, start: int) -> int:
    """Index of the ``}`` matching the ``{`` at ``start``, skipping strings, IRIs and comments."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            i += len(quote)
            while i < len(text) and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if ch == "<" and (m := re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:])):
            i += m.end()
            continue
        if ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "}" and depth == 0:
            return i
        i += 1
    raise ConfigError("sh:select has unbalanced braces")


def _prefix_block(reader: _Reader, constraint: RNode, hoisted: str) -> str:
    declared: dict[str, str] = {}
    for holder in reader.values(constraint, SH.prefixes):
        for decl in reader.graph.objects(holder, SH.declare):
            prefix, namespace = reader.graph.value(decl, SH.prefix), reader.graph.value(decl, SH.namespace)
            if prefix is None or namespace is None:
                raise ConfigError(f"incomplete sh:declare on {reader.show(holder)}")
            if declared.setdefault(str(prefix), str(namespace)) != str(namespace):
                raise ConfigError(f"prefix {prefix}: declared with two namespaces")
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in sorted(declared.items())]
    return "\n".join(lines) + "\n" + hoisted.strip() + "\n"


def _sparql_constraint(
    plan: _Plan, reader: _Reader, focus: _Focus, shape: RNode, constraint: RNode, fallback: str | None
) -> None:
    """Inline an ``sh:select`` into a batch query, its body scoped to each document's graph.

    pyshacl pre-binds ``$this`` per focus node; here the focus pattern is joined inside the
    same ``GRAPH`` group, which gives the same answers for the queries SHACL allows. The body
    is inlined rather than used as a sub-select because pyoxigraph does not scope sub-selects
    to the enclosing ``GRAPH ?g`` (they would see every document at once).
    """
    reader.values(constraint, RDF.type)
    select, message = reader.one(constraint, SH.select), reader.one(constraint, SH.message)
    if reader.flag(constraint, SH.deactivated):
        plan = _Plan()
    where = reader.show(shape)
    head = _SELECT.match(str(select)) if isinstance(select, rdflib.Literal) else None
    if head is None:
        raise ConfigError(f"{where}: only sh:select constraints of the form SELECT ... WHERE {{ }} are supported")
    text = str(select)
    close_at = _closing_brace(text, head.end() - 1)
    body, tail, proj = text[head.end() : close_at], text[close_at + 1 :], head["proj"].strip()
    if tail.strip() or _FORBIDDEN.search(body + " " + proj) or _AGGREGATE.search(proj):
        raise ConfigError(
            f"{where}: sh:select may not use sub-selects, GRAPH, SERVICE, FROM, aggregates, "
            "solution modifiers, $currentShape, $shapesGraph or ?failure"
        )
    if proj != "*" and not re.search(r"[$?]this\b", proj):
        raise ConfigError(f"{where}: sh:select must project $this")
    prefixes = _prefix_block(reader, constraint, head["prefixes"])
    projection = "*" if proj == "*" else f"{_G} {proj}"
    graphs = f"GRAPH {_G} {{ }} " if focus.nodes else ""  # VALUES alone binds no graph

    def query(sub: bool) -> str:
        return (
            f"{prefixes}SELECT {head['mod'] or ''}{projection} WHERE {{ {graphs}"
            f"GRAPH {_G} {{ {{ {focus.inner(sub)} }} {body} }} }}"
        )

    cid = plan.check(shape, None, True, lambda f, v: "")
    plan.sparql.append((query, cid, fallback if message is None else str(message)))


# ---------------------------------------------------------------- node shapes and the whole graph


def _node_shapes(reader: _Reader) -> list[RNode]:
    graph = reader.graph
    candidates: set[RNode] = set(graph.subjects(RDF.type, SH.NodeShape))
    for pred in (*_TARGETS, SH.property, SH.sparql):
        candidates.update(graph.subjects(pred, None))
    for shape in candidates:
        if (shape, SH.path, None) in graph:
            raise ConfigError(
                f"{reader.show(shape)}: a shape with sh:path cannot have targets, sh:property or sh:sparql here"
            )
    return sorted(candidates, key=str)


def _node_shape(plan: _Plan, reader: _Reader, shape: RNode) -> None:
    """Compile one node shape's property shapes and SPARQL constraints into ``plan``."""
    for pred in _NODE_LEVEL:
        if (shape, pred, None) in reader.graph:
            raise ConfigError(f"{reader.show(shape)}: constraints on the focus node itself are not supported")
    focus = _focus(reader, shape)
    reader.annotations(shape)
    message = reader.one(shape, SH.message)
    if reader.flag(shape, SH.deactivated) or focus.empty():
        plan = _Plan()  # nothing to run, but every parameter is still checked and consumed
    scan = _FocusChecks(focus)
    for prop in reader.values(shape, SH.property):
        _property(plan, reader, focus, scan, prop)
    for constraint in reader.values(shape, SH.sparql):
        _sparql_constraint(plan, reader, focus, shape, constraint, None if message is None else str(message))
    if scan.tests:
        plan.focus_scans.append(scan)


def _union(branches: Sequence[str]) -> str:
    return f"{_SELECT_ROW} {{ {' UNION '.join(branches)} }}"


def _flags(pairs: Iterable[tuple[int, str]]) -> str:
    """``?_mg_bad``: the ids of the checks whose condition holds on the row."""
    ifs = ", ".join(f'IF({condition}, "{cid} ", "")' for cid, condition in pairs)
    return f'BIND(CONCAT({ifs}, "") AS ?_mg_bad) FILTER(?_mg_bad != "")'


def _path_query(checks: _PathChecks, sub: bool) -> str:
    """One query for every check on one path: value tests, counts above a maximum, classes."""
    path, branches = checks.path, []
    if checks.tests:
        names: dict[str, str] = {}
        for _, ok, _ in checks.tests:
            names.setdefault(ok, f"?_mg_ok{len(names)}")
        binds = " ".join(f"BIND(COALESCE({ok}, false) AS {name})" for ok, name in names.items())
        any_bad = " || ".join(f"!{name}" for name in names.values())
        flags = _flags((cid, f"!{names[ok]} && {focus.test(sub)}") for cid, ok, focus in checks.tests)
        # The inner FILTER drops good rows before any focus test or string is built (4x faster).
        branches.append(f"{{ {{ GRAPH {_G} {{ {path.values()} }} {binds} FILTER({any_bad}) }} {flags} }}")
    if checks.max_counts:
        least = min(n for _, n, _ in checks.max_counts)
        flags = _flags((cid, f"?_mg_n > {n} && {focus.test(sub)}") for cid, n, focus in checks.max_counts)
        branches.append(
            f"{{ {{ SELECT {_G} ?this (COUNT(*) AS ?_mg_n) WHERE {{ GRAPH {_G} {{ {path.values('?_mg_x')} }} }} "
            f"GROUP BY {_G} ?this HAVING (COUNT(*) > {least}) }} {flags} }}"
        )
    for classes, users in checks.classes.items():
        flags = _flags((cid, focus.test(sub)) for cid, focus in users)
        branches.append(
            f"{{ GRAPH {_G} {{ {path.values()} MINUS {{ {_instance('?value', classes, sub, 'c')} }} }} {flags} }}"
        )
    return _union(branches)


def _queries(plan: _Plan, sub: bool) -> list[_Query | _SparqlQuery]:
    out: list[_Query | _SparqlQuery] = [_Query(_path_query(p, sub)) for p in plan.paths.values()]
    out += [_Query(_union([f"{{ {s.focus.pattern(sub)} {_flags(s.tests)} }}"])) for s in plan.focus_scans]
    if plan.branches:
        out.append(_Query(_union([b(sub) for b in plan.branches])))
    out += [_SparqlQuery(query(sub), cid, template) for query, cid, template in plan.sparql]
    for query in out:
        _try(query.text)
    return out


def _try(query: str) -> None:
    """Refuse, at compile time, SPARQL that pyoxigraph cannot parse."""
    try:
        _PROBE.query(query)
    except SyntaxError as exc:
        raise ConfigError(f"compiled SPARQL does not parse: {exc}\n{query}") from None


def compile_shapes(graph: rdflib.Graph) -> CompiledShapes:
    """Compile a SHACL shapes graph into batch SPARQL queries.

    Raises:
        ConfigError: the graph uses SHACL the compiler does not translate, so validating with
            the result would silently skip a constraint.
    """
    reader = _Reader(graph)
    reader.use_all(_DECLARATIONS)
    plan = _Plan()
    for shape in _node_shapes(reader):
        _node_shape(plan, reader, shape)
    leftovers = reader.leftovers()
    if leftovers:
        shown = "; ".join(f"{reader.show(s)} {reader.show(p)} {reader.show(o)}" for s, p, o in leftovers[:5])
        raise ConfigError(f"unsupported SHACL in the shapes graph ({len(leftovers)} triple(s)): {shown}")
    return CompiledShapes(reader.prefixes, plan.checks, _queries(plan, False), _queries(plan, True))


@lru_cache(maxsize=1)
def _default_shapes() -> CompiledShapes:
    from matchgraph.ontology.vocab import ontology_path

    return compile_shapes(rdflib.Graph().parse(ontology_path("shapes.ttl"), format="turtle"))


# ---------------------------------------------------------------- running


def _nquads(batch: Sequence[bytes]) -> bytes:
    """The batch as N-Quads, document ``i`` (N-Triples bytes) in graph ``urn:g:i``.

    Serialising each document in Rust and appending the graph name to every line is several
    times faster than building a pyoxigraph ``Quad`` per triple in Python. N-Triples escapes
    line breaks inside literals, so every ``" .\\n"`` is a statement end.
    """
    return b"".join(
        text.replace(b" .\n", b" <%s%d> .\n" % (_GRAPH_PREFIX.encode(), i)) for i, text in enumerate(batch) if text
    )


_HAS_SUBCLASS = f"ASK {{ GRAPH ?g {{ ?a <{RDFS.subClassOf}> ?b }} }}"
_Found: TypeAlias = dict[int, dict[tuple[int, Term, object], Violation]]
"""Per document index, violations keyed so each (check, focus, value) is reported once."""


class CompiledValidator:
    """Validates documents with the compiled shapes over a batch-wide pyoxigraph store.

    Reports the same (focus, path) violations as :class:`PyShaclValidator`, much faster;
    documents are processed ``chunk_size`` at a time to bound memory.

    Raises:
        ConfigError: (on construction) the shapes use SHACL the compiler does not support.
    """

    name = "compiled"

    def __init__(self, shapes: rdflib.Graph | None = None, *, chunk_size: int = 1000) -> None:
        self._shapes = _default_shapes() if shapes is None else compile_shapes(shapes)
        self._chunk_size = max(1, chunk_size)

    def validate(self, graphs: Mapping[str, Sequence[Triple]]) -> dict[str, list[Violation]]:
        """Violations per document key; documents that conform are absent from the result."""
        return self.validate_serialized(
            {k: serialize(list(t), format=RdfFormat.N_TRIPLES) if t else b"" for k, t in graphs.items()}
        )

    def validate_serialized(self, documents: Mapping[str, bytes]) -> dict[str, list[Violation]]:
        """:meth:`validate` for documents already serialised as N-Triples (what the parallel
        load pipeline hands over, so nothing is serialised twice)."""
        keys = list(documents)
        out: dict[str, list[Violation]] = {}
        for start in range(0, len(keys), self._chunk_size):
            chunk = keys[start : start + self._chunk_size]
            for index, found in self._run([documents[k] for k in chunk]).items():
                out[chunk[index]] = sorted(found.values(), key=lambda v: (v.focus, v.path or "", v.message))
        return out

    def _run(self, batch: Sequence[bytes]) -> _Found:
        store = Store()
        store.load(_nquads(batch), format=RdfFormat.N_QUADS, lenient=True)
        queries = self._shapes.subclass if store.query(_HAS_SUBCLASS) else self._shapes.plain
        found: _Found = {}
        for query in queries:
            if isinstance(query, _SparqlQuery):
                self._sparql_rows(store, query, found)
            else:
                self._rows(store, query, found)
        return found

    def _rows(self, store: Store, query: _Query, found: _Found) -> None:
        checks = self._shapes.checks
        for row in store.query(query.text):  # type: ignore[union-attr]
            graph, focus, value, bad = row[0], row[1], row[2], row[3]
            bucket = found.setdefault(_graph_index(graph), {})
            for cid in bad.value.split():
                check = checks[int(cid)]
                kept = value if check.per_value else None
                key = (int(cid), focus, kept)
                if key not in bucket:
                    message = check.message(focus, kept)
                    bucket[key] = Violation(focus=focus.value, path=check.path, message=message, shape=check.shape)

    def _sparql_rows(self, store: Store, query: _SparqlQuery, found: _Found) -> None:
        check = self._shapes.checks[query.check]
        results = store.query(query.text)
        names = [v.value for v in results.variables]  # type: ignore[union-attr]
        for row in results:  # type: ignore[union-attr]
            bound = _bound(row, names)
            graph, focus = bound.get("_mg_g"), bound.get("this")
            if graph is None or focus is None:
                continue
            path, value = bound.get("path"), bound.get("value", focus)
            bucket = found.setdefault(_graph_index(graph), {})
            key = (query.check, focus, (path, value))
            if key in bucket:
                continue
            if query.template is None:
                message = f"SPARQL constraint violated by value {_show_term(value, self._shapes.prefixes)}"
            else:
                message = _fill(query.template, bound, self._shapes.prefixes)
            bucket[key] = Violation(
                focus=focus.value,
                path=path.value if isinstance(path, NamedNode) else None,
                message=message,
                shape=check.shape,
            )


def _bound(row: QuerySolution, names: Sequence[str]) -> dict[str, Term]:
    return {name: row[i] for i, name in enumerate(names) if row[i] is not None}  # type: ignore[misc]


def _graph_index(graph: Term) -> int:
    return int(graph.value[len(_GRAPH_PREFIX) :])
