"""The one SPARQL query serving adds: taxonomy concepts by ``capability://`` notation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matchgraph.queries.library.sparql import SparqlQuery

if TYPE_CHECKING:
    from matchgraph.serve.state import ServedState

__all__ = ["CONCEPT_NOTATIONS", "concept_notations"]

CONCEPT_NOTATIONS = SparqlQuery(
    "concept_notations",
    """
SELECT ?notation ?label WHERE {
  ?concept a skos:Concept ; skos:notation ?notation ; skos:prefLabel ?label .
}
""",
)

_cache: dict[str, list[tuple[str, str]]] = {}


def concept_notations(state: ServedState) -> list[tuple[str, str]]:
    """(notation, label) of every concept, read once per store version."""
    if state.version not in _cache:
        rows = state.engine.store.select(CONCEPT_NOTATIONS)
        _cache.clear()
        _cache[state.version] = sorted({(str(r["notation"]).lower(), str(r["label"])) for r in rows})
    return _cache[state.version]
