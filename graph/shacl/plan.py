"""The plan of a compilation: focus nodes, paths, and the checks grouped per scanned path."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from matchgraph.errors import ConfigError
from matchgraph.graph.shacl.form import _Check, _G, Message, RNode, Sparql, Term
from matchgraph.graph.shacl.reader import _iri, _Reader, _show_term


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
