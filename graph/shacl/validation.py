"""SHACL validation of documents before they are stored.

Two interchangeable validators check the same ``ontology/shapes.ttl``:

* ``pyshacl`` — the reference SHACL engine, run on each document's graph;
* ``compiled`` — the shapes compiled once into SPARQL queries that pyoxigraph runs over a
  whole batch of documents at once (see :mod:`matchgraph.graph.shacl.compiled`); tests
  prove it reports the same violations as pyshacl, and it is what makes bulk loads fast.

A violation is a load error for its document only; the other documents of a batch go on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Protocol

from pyoxigraph import RdfFormat, Triple, serialize

from matchgraph.errors import ConfigError, Violation
from matchgraph.ontology.vocab import ontology_path

__all__ = ["PyShaclValidator", "VALIDATORS", "Validator", "get_validator"]


class Validator(Protocol):
    """Checks documents' triples against the shapes; pure with respect to the store."""

    name: str

    def validate(self, graphs: Mapping[str, Sequence[Triple]]) -> dict[str, list[Violation]]:
        """Violations per document key; documents that conform are absent from the result."""
        ...

    def validate_serialized(self, documents: Mapping[str, bytes]) -> dict[str, list[Violation]]:
        """The same, for documents already serialised as N-Triples."""
        ...


@lru_cache(maxsize=1)
def _shapes_graph():  # type: ignore[no-untyped-def]
    import rdflib

    return rdflib.Graph().parse(ontology_path("shapes.ttl"), format="turtle")


class PyShaclValidator:
    """pyshacl on each document's graph (the reference; about 20 ms per seed-sized page)."""

    name = "pyshacl"

    def validate(self, graphs: Mapping[str, Sequence[Triple]]) -> dict[str, list[Violation]]:
        return self.validate_serialized(
            {k: serialize(list(t), format=RdfFormat.N_TRIPLES) if t else b"" for k, t in graphs.items()}
        )

    def validate_serialized(self, documents: Mapping[str, bytes]) -> dict[str, list[Violation]]:
        return {key: found for key, text in documents.items() if (found := self._one(text))}

    def _one(self, text: bytes) -> list[Violation]:
        import pyshacl
        import rdflib
        from rdflib.namespace import SH

        data = rdflib.Graph().parse(data=text, format="nt")
        conforms, report, _ = pyshacl.validate(data, shacl_graph=_shapes_graph())
        if conforms:
            return []
        out = []
        for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
            path = report.value(result, SH.resultPath)
            out.append(
                Violation(
                    focus=str(report.value(result, SH.focusNode)),
                    path=str(path) if isinstance(path, rdflib.URIRef) else (None if path is None else "inverse path"),
                    message=str(report.value(result, SH.resultMessage) or "violation"),
                    shape=str(report.value(result, SH.sourceShape)),
                )
            )
        return sorted(out, key=lambda v: (v.focus, v.path or "", v.message))


def _compiled() -> Validator:
    from matchgraph.graph.shacl.compiled import CompiledValidator

    return CompiledValidator()


VALIDATORS = {"compiled": _compiled, "pyshacl": PyShaclValidator}


def get_validator(name: str = "compiled") -> Validator:
    """The validator registered under ``name``.

    Raises:
        ConfigError: no validator has that name.
    """
    try:
        return VALIDATORS[name]()
    except KeyError:
        raise ConfigError(f"unknown validator {name!r}; choose one of {sorted(VALIDATORS)}") from None
