"""SPARQL-based constraints, node shapes, and :func:`compile_shapes` over a whole shapes graph."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import rdflib
from rdflib.namespace import RDF, SH

from matchgraph.errors import ConfigError
from matchgraph.graph.shacl.constraints import _PROBE, _property
from matchgraph.graph.shacl.form import (
    CompiledShapes,
    _DECLARATIONS,
    _G,
    _NODE_LEVEL,
    _Query,
    RNode,
    _SELECT_ROW,
    _SparqlQuery,
    _TARGETS,
)
from matchgraph.graph.shacl.plan import _Focus, _focus, _FocusChecks, _instance, _PathChecks, _Plan
from matchgraph.graph.shacl.reader import _Reader


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
