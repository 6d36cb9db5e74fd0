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

from collections.abc import Callable, Mapping, Sequence
from typing import TypeAlias

import rdflib
from pyoxigraph import NamedNode, QuerySolution, RdfFormat, serialize, Store, Triple
from rdflib.namespace import RDFS

from matchgraph.errors import Violation
from matchgraph.graph.shacl.compile import compile_shapes, _default_shapes
from matchgraph.graph.shacl.form import _GRAPH_PREFIX, _Query, _SparqlQuery, CompiledShapes, Term
from matchgraph.graph.shacl.plan import _fill
from matchgraph.graph.shacl.reader import _show_term

__all__ = ["CompiledShapes", "CompiledValidator", "compile_shapes"]


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
                out[chunk[index]] = _ordered(found)
        return out

    def validate_loaded(self, store: Store, graphs: Sequence[str]) -> list[list[Violation]]:
        """Violations of each document graph in ``graphs``, already loaded into ``store``
        (which holds those graphs and nothing else). A load's worker validates this way, so
        that the store it loaded a chunk into once also answers the chunk's queries."""
        index_of = {graph: i for i, graph in enumerate(graphs)}
        found = self._check(store, lambda graph: index_of[graph.value])
        return [_ordered(found.get(i, {})) for i in range(len(graphs))]

    def _run(self, batch: Sequence[bytes]) -> _Found:
        store = Store()
        store.load(_nquads(batch), format=RdfFormat.N_QUADS, lenient=True)
        return self._check(store, _graph_index)

    def _check(self, store: Store, index: Callable[[Term], int]) -> _Found:
        """Every check over ``store``; ``index`` numbers the document a graph holds."""
        queries = self._shapes.subclass if store.query(_HAS_SUBCLASS) else self._shapes.plain
        found: _Found = {}
        for query in queries:
            if isinstance(query, _SparqlQuery):
                self._sparql_rows(store, query, found, index)
            else:
                self._rows(store, query, found, index)
        return found

    def _rows(self, store: Store, query: _Query, found: _Found, index: Callable[[Term], int]) -> None:
        checks = self._shapes.checks
        for row in store.query(query.text):  # type: ignore[union-attr]
            graph, focus, value, bad = row[0], row[1], row[2], row[3]
            bucket = found.setdefault(index(graph), {})
            for cid in bad.value.split():
                check = checks[int(cid)]
                kept = value if check.per_value else None
                key = (int(cid), focus, kept)
                if key not in bucket:
                    message = check.message(focus, kept)
                    bucket[key] = Violation(focus=focus.value, path=check.path, message=message, shape=check.shape)

    def _sparql_rows(self, store: Store, query: _SparqlQuery, found: _Found,
                     index: Callable[[Term], int]) -> None:
        check = self._shapes.checks[query.check]
        results = store.query(query.text)
        names = [v.value for v in results.variables]  # type: ignore[union-attr]
        for row in results:  # type: ignore[union-attr]
            bound = _bound(row, names)
            graph, focus = bound.get("_mg_g"), bound.get("this")
            if graph is None or focus is None:
                continue
            path, value = bound.get("path"), bound.get("value", focus)
            bucket = found.setdefault(index(graph), {})
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


def _ordered(found: Mapping[object, Violation]) -> list[Violation]:
    return sorted(found.values(), key=lambda v: (v.focus, v.path or "", v.message))


def _graph_index(graph: Term) -> int:
    return int(graph.value[len(_GRAPH_PREFIX) :])
