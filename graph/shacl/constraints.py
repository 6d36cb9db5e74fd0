"""Property-shape constraints (counts, values, types, strings, ranges) as SPARQL expressions."""

from __future__ import annotations

import re

import rdflib
from pyoxigraph import Literal, Store
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from matchgraph.errors import ConfigError
from matchgraph.graph.shacl.form import _CASTABLE, _G, _NODE_KINDS, _RANGE_OPS, RNode
from matchgraph.graph.shacl.plan import _Focus, _FocusChecks, _path, _Plan, _Property, _subclasses
from matchgraph.graph.shacl.reader import _int, _iri, _Reader, _sparql


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
