"""SPARQL solutions as plain Python values: typed literals as int, float and bool, IRIs as
strings, unbound as None; what every caller of a SELECT wants in place of RDF terms.

Converting is per value, so it is kept cheap: the converter of a literal's datatype is
looked up by the datatype term (a handful per store, each read once) rather than by
taking its IRI apart for every value, and a solution becomes a tuple in one pass over its
terms. A load's workers convert every row of every page they answer ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pyoxigraph import DefaultGraph, Literal, NamedNode, QuerySolutions

__all__ = ["iter_rows", "iter_values", "python_value", "rows", "variables"]

_Convert = Callable[[str], object] | None
_CONVERTERS: dict[NamedNode, _Convert] = {}
_MAX_DATATYPES = 4096
"""Datatypes whose converter is remembered (a store has a handful; the rest are looked up)."""


def rows(solutions: QuerySolutions) -> list[dict[str, object]]:
    """Turn SPARQL solutions into dicts of plain Python values (None when unbound)."""
    return list(iter_rows(solutions))


def iter_rows(solutions: QuerySolutions) -> Iterator[dict[str, object]]:
    """:func:`rows` one at a time, for a reader that keeps less than every row (a whole
    store's snapshot: millions of rows, each a dict, would otherwise exist at once)."""
    names = variables(solutions)
    for values in iter_values(solutions):
        yield dict(zip(names, values))


def variables(solutions: QuerySolutions) -> list[str]:
    """The names of the solutions' variables, in the order :func:`iter_values` gives values."""
    return [v.value for v in solutions.variables]


def iter_values(solutions: QuerySolutions) -> Iterator[tuple[object, ...]]:
    """Each solution as a tuple of plain values, one per variable (:func:`variables`)."""
    value = python_value
    for solution in solutions:
        yield tuple([None if term is None else value(term) for term in solution])


def python_value(term: object) -> object:
    """A term as the Python value it stands for (see the module docstring)."""
    kind = type(term)
    if kind is NamedNode:
        return term.value  # type: ignore[attr-defined]
    if kind is Literal or isinstance(term, Literal):
        datatype = term.datatype  # type: ignore[attr-defined]
        try:
            convert = _CONVERTERS[datatype]
        except KeyError:
            convert = _converter(datatype.value)
            if len(_CONVERTERS) < _MAX_DATATYPES:
                _CONVERTERS[datatype] = convert
        return term.value if convert is None else convert(term.value)  # type: ignore[attr-defined]
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, DefaultGraph):
        return None
    return str(term)


def _converter(datatype: str) -> _Convert:
    """How a literal of ``datatype`` (an IRI) becomes a Python value (None: its lexical form)."""
    name = datatype.rsplit("#", 1)[-1]
    if name in ("integer", "int", "long"):
        return int
    if name in ("double", "decimal", "float"):
        return float
    if name == "boolean":
        return _true
    return None


def _true(lexical: str) -> bool:
    return lexical == "true"
