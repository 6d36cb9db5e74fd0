"""SPARQL solutions as plain Python values: typed literals as int, float and bool, IRIs as
strings, unbound as None; what every caller of a SELECT wants in place of RDF terms."""

from __future__ import annotations

from pyoxigraph import DefaultGraph, Literal, NamedNode, QuerySolutions

__all__ = ["python_value", "rows"]


def rows(solutions: QuerySolutions) -> list[dict[str, object]]:
    """Turn SPARQL solutions into dicts of plain Python values (None when unbound)."""
    names = [v.value for v in solutions.variables]
    out = []
    for solution in solutions:
        row: dict[str, object] = {}
        for name in names:
            term = solution[name]
            row[name] = None if term is None else python_value(term)
        out.append(row)
    return out


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


