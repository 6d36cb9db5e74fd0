"""SPARQL solutions as plain Python values: typed literals as int, float and bool, IRIs as
strings, unbound as None; what every caller of a SELECT wants in place of RDF terms."""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import DefaultGraph, Literal, NamedNode, QuerySolutions

__all__ = ["iter_rows", "python_value", "rows"]


def rows(solutions: QuerySolutions) -> list[dict[str, object]]:
    """Turn SPARQL solutions into dicts of plain Python values (None when unbound)."""
    return list(iter_rows(solutions))


def iter_rows(solutions: QuerySolutions) -> Iterator[dict[str, object]]:
    """:func:`rows` one at a time, for a reader that keeps less than every row (a whole
    store's snapshot: millions of rows, each a dict, would otherwise exist at once)."""
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: None if (term := solution[name]) is None else python_value(term) for name in names}


def python_value(term: object) -> object:
    """A term as the Python value it stands for (see the module docstring)."""
    if isinstance(term, Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt in ("integer", "int", "long"):
            return int(term.value)
        if dt in ("double", "decimal", "float"):
            return float(term.value)
        if dt == "boolean":
            return term.value == "true"
        return term.value
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, DefaultGraph):
        return None
    return str(term)


