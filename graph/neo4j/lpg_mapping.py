"""RDF <-> property graph, one named graph at a time, driven by :mod:`lpg_schema`'s table.

:func:`graph_part` is the one generic mapping every path to Neo4j uses (``neo4j push``,
``load`` into the Neo4j store, the neo4j-admin CSV export): it reads the triples of one named
graph and returns the nodes and relationships that graph contributes. :func:`part_triples`
is its inverse, so a graph read back from Neo4j can be compared with the embedded store's
graph triple for triple. The functions are pure; values stay values (never query text).

Several graphs can hold facts about one node (an artifact two documents compare, a
concept of the taxonomy that capabilities point at). :func:`combine` unites the parts the
way an RDF union does, and :func:`split` recovers each graph's part from a stored node, so
removing one graph removes exactly its facts.

>>> from pyoxigraph import Literal, NamedNode, Triple
>>> mg = "https://w3id.org/matchgraph/ontology#"
>>> a, c = NamedNode("urn:a"), NamedNode("urn:c")
>>> part = graph_part([Triple(a, NamedNode(mg + "hasCapability"), c),
...                    Triple(c, NamedNode(mg + "ordinal"), Literal("1", datatype=NamedNode(XSD + "integer")))])
>>> part.nodes["urn:c"].props, sorted(part.rels)
({'ordinal': {1}}, [('urn:a', 'HAS_CAPABILITY', 'urn:c', '')])
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from matchgraph.errors import StoreError
from matchgraph.graph.neo4j.lpg_schema import (
    ARTIFACT_ROLES,
    CLASSES,
    LABEL_CLASS,
    PROPERTIES,
    RELATIONS,
    RESOURCE,
    SHORTCUTS,
    PropSpec,
    RelSpec,
)
from matchgraph.ontology.vocab import RDF, XSD
from pyoxigraph import Literal, NamedNode, Triple

__all__ = [
    "GraphPart",
    "MappingError",
    "NodePart",
    "RelKey",
    "combine",
    "encode_props",
    "graph_part",
    "part_triples",
    "split",
]

RelKey = tuple[str, str, str, str]
"""(start IRI, relationship type, end IRI, via): ``via`` is '' for facts, the IRI of the
node a shortcut edge is derived from otherwise."""
Value = str | int | float | bool
_TYPE = RDF + "type"
_XSD_STRING = XSD + "string"
_FORM_OF_DATATYPE = {XSD + "integer": "integer", XSD + "double": "double", XSD + "boolean": "boolean",
                     XSD + "dateTime": "dateTime", _XSD_STRING: "string"}
_NAMES: dict[str, bool] = {}
_READ_BACK: dict[tuple[str, str], tuple[str, str]] = {}
for (_pred, _lit_form), _spec in PROPERTIES.items():
    _NAMES[_spec.name] = _NAMES.get(_spec.name, False) or _spec.many
    _kind = {"integer": "int", "double": "float", "boolean": "bool"}.get(_lit_form, "str")
    _READ_BACK[(_spec.name, _kind)] = (_pred, _lit_form)
_TYPE_OF_REL: dict[str, tuple[str, RelSpec]] = {spec.type: (pred, spec) for pred, spec in RELATIONS.items()}
HIDDEN = ("uri", "graphs", "_facts")
"""Bookkeeping properties of every stored node, not facts."""


class MappingError(StoreError):
    """A fact the table cannot carry into Neo4j (unknown class or predicate, blank node,
    literal form the table does not know); never retryable."""


@dataclass
class NodePart:
    """What one graph says about one node: its labels and literal values."""

    labels: set[str] = field(default_factory=set)
    props: dict[str, set[Value]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not self.labels and not self.props


@dataclass
class GraphPart:
    """Everything one named graph contributes: nodes (also those only referenced) and edges."""

    nodes: dict[str, NodePart] = field(default_factory=dict)
    rels: dict[RelKey, dict[str, Value | list[Value]]] = field(default_factory=dict)
    triples: int = 0

    def node(self, iri: str) -> NodePart:
        return self.nodes.setdefault(iri, NodePart())


def _form(term: Literal) -> str:
    if term.language:
        return f"lang:{term.language}"
    return _FORM_OF_DATATYPE.get(term.datatype.value, term.datatype.value)


def _value(term: Literal, form: str) -> Value:
    """The Neo4j value of a literal. Numbers are kept by value: pyoxigraph itself stores
    xsd:double in binary (``"0.0"`` reads back as ``"0"``), so lexical forms are not facts."""
    text = term.value
    try:
        if form == "integer":
            return int(text)
        if form == "double":
            return float(text)
    except ValueError as e:
        raise MappingError(f"literal {text!r} is not a valid {form}") from e
    if form == "boolean":
        if text not in ("true", "false", "1", "0"):
            raise MappingError(f"literal {text!r} is not a valid boolean")
        return text in ("true", "1")
    return text


def graph_part(triples: Iterable[Triple]) -> GraphPart:
    """Map one named graph's triples onto nodes and edges (see the module docstring).

    Raises:
        MappingError: a blank node, or a class, predicate or literal form not in the table.
    """
    part = GraphPart()
    links: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t in dict.fromkeys(triples):  # a graph is a set: a repeated triple is one fact
        part.triples += 1
        if not isinstance(t.subject, NamedNode):
            raise MappingError(f"blank-node subject in {t}: Neo4j nodes need an IRI")
        s, p, o = t.subject.value, t.predicate.value, t.object
        node = part.node(s)
        if p == _TYPE:
            label = CLASSES.get(o.value) if isinstance(o, NamedNode) else None
            if label is None:
                raise MappingError(f"class {o} of <{s}> has no Neo4j label in graph/neo4j/lpg_schema.py")
            node.labels.add(label)
        elif isinstance(o, NamedNode):
            spec = RELATIONS.get(p)
            if spec is None:
                raise MappingError(f"predicate <{p}> has no relationship type in graph/neo4j/lpg_schema.py")
            part.node(o.value)
            start, end = (o.value, s) if spec.inverse else (s, o.value)
            part.rels[(start, spec.type, end, "")] = {}
            links[(s, p)].append(o.value)
        elif isinstance(o, Literal):
            form = _form(o)
            prop: PropSpec | None = PROPERTIES.get((p, form))
            if prop is None:
                raise MappingError(f"literal of <{p}> in form {form} has no property in graph/neo4j/lpg_schema.py")
            node.props.setdefault(prop.name, set()).add(_value(o, form))
        else:
            raise MappingError(f"blank-node object in {t}: Neo4j nodes need an IRI")
    for shortcut in SHORTCUTS:
        for iri, node in part.nodes.items():
            if shortcut.label not in node.labels:
                continue
            copied = {k: _scalar(sorted(node.props[k]), False) for k in shortcut.props if k in node.props}
            for start in links.get((iri, shortcut.start), ()):
                for end in links.get((iri, shortcut.end), ()):
                    part.rels[(start, shortcut.type, end, iri)] = {**copied, "via": iri}
    return part


def _literal(name: str, value: Value) -> tuple[str, Literal]:
    """The predicate and literal a stored property value reads back as."""
    kind = "bool" if isinstance(value, bool) else type(value).__name__
    try:
        pred, form = _READ_BACK[(name, kind)]
    except KeyError:
        raise MappingError(f"property {name!r} with a {kind} value has no RDF form") from None
    if form == "integer":
        return pred, Literal(str(value), datatype=NamedNode(XSD + "integer"))
    if form == "double":
        return pred, Literal(repr(float(value)), datatype=NamedNode(XSD + "double"))
    if form == "boolean":
        return pred, Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))
    if form == "dateTime":
        return pred, Literal(str(value), datatype=NamedNode(XSD + "dateTime"))
    if form.startswith("lang:"):
        return pred, Literal(str(value), language=form[5:])
    return pred, Literal(str(value))


def part_triples(part: GraphPart) -> list[Triple]:
    """The RDF triples of a graph part: the inverse of :func:`graph_part` (shortcuts skipped)."""
    out: list[Triple] = []
    for iri, node in part.nodes.items():
        s = NamedNode(iri)
        out += [Triple(s, NamedNode(_TYPE), NamedNode(LABEL_CLASS[label])) for label in node.labels]
        for name, values in node.props.items():
            for value in values:
                pred, literal = _literal(name, value)
                out.append(Triple(s, NamedNode(pred), literal))
    for start, rtype, end, via in part.rels:
        if via:
            continue
        pred, spec = _TYPE_OF_REL[rtype]
        subject, obj = (end, start) if spec.inverse else (start, end)
        out.append(Triple(NamedNode(subject), NamedNode(pred), NamedNode(obj)))
    return out


def _scalar(values: list[Value], many: bool) -> Value | list[Value]:
    return values if many or len(values) > 1 else values[0]


def _sorted(values: Iterable[Value]) -> list[Value]:
    return sorted(values, key=lambda v: (type(v).__name__, v))


def encode_props(props: Mapping[str, set[Value]]) -> dict[str, Value | list[Value]]:
    """Neo4j property values: lists for many-valued names and disagreements, else one value."""
    return {name: _scalar(_sorted(values), _NAMES.get(name, False)) for name, values in props.items() if values}


def combine(parts: Mapping[str, NodePart]) -> tuple[list[str], dict[str, object]]:
    """Labels and properties of a node held by the given graphs (an RDF union).

    ``graphs`` lists every graph that mentions the node; a node held by several graphs
    also keeps ``_facts``, each non-empty graph's own part as JSON, so :func:`split`
    can take one graph's facts away again.
    """
    labels: set[str] = {RESOURCE}
    merged: dict[str, set[Value]] = defaultdict(set)
    for node in parts.values():
        labels |= node.labels
        for name, values in node.props.items():
            merged[name] |= values
    props: dict[str, object] = dict(encode_props(merged))
    props["graphs"] = sorted(parts)
    if len(parts) > 1:
        props["_facts"] = [
            json.dumps({"g": g, "l": sorted(n.labels), "p": {k: _sorted(v) for k, v in sorted(n.props.items())}},
                       sort_keys=True, ensure_ascii=False)
            for g, n in sorted(parts.items()) if not n.empty()
        ]
    return sorted(labels), props


def split(labels: Iterable[str], props: Mapping[str, object]) -> dict[str, NodePart]:
    """Each graph's part of a stored node: the inverse of :func:`combine`."""
    graphs = [str(g) for g in props.get("graphs") or ()]  # type: ignore[attr-defined]
    parts = {g: NodePart() for g in graphs}
    if len(graphs) == 1:
        only = parts[graphs[0]]
        only.labels = {("Artifact" if label in ARTIFACT_ROLES else label) for label in labels if label != RESOURCE}
        for name, value in props.items():
            if name not in HIDDEN:
                only.props[name] = set(value) if isinstance(value, list) else {value}  # type: ignore[arg-type]
        return parts
    for text in props.get("_facts") or ():  # type: ignore[attr-defined]
        entry = json.loads(str(text))
        parts[entry["g"]] = NodePart(set(entry["l"]), {k: set(v) for k, v in entry["p"].items()})
    return parts
