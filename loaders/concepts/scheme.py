"""The capability taxonomy (SKOS) as a read-only :class:`ConceptScheme`: concepts, labels,
broader/narrower closures, loaded once per file and checked for cycles."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from matchgraph.errors import LoadError, NotFoundError
from matchgraph.ontology.taxonomy import Taxonomy

if TYPE_CHECKING:
    import rdflib


NAMESPACE = "https://w3id.org/matchgraph/concept/"
BACKENDS = ("lexical", "embeddings")

_SKOS = "http://www.w3.org/2004/02/skos/core#"


# ---------------------------------------------------------------------------------------
# The scheme


# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Concept:
    """One concept of the scheme, with everything the mapper reads from it."""

    iri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    definition: str | None = None
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    notations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    negative_keywords: tuple[str, ...] = ()
    input_types: frozenset[str] = frozenset()
    output_types: frozenset[str] = frozenset()
    top: bool = False

    @property
    def local_name(self) -> str:
        """The IRI's last segment ("OpticalCharacterRecognition"), handy in tests and logs."""
        return self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True, eq=False)
class ConceptScheme:
    """The SKOS concept scheme, parsed once and held as typed records.

    Compared by identity so that indexes built for one scheme can be cached per instance.
    """

    iri: str
    label: str
    source: str
    concepts: Mapping[str, Concept]

    @classmethod
    def load(cls, path: str | Path | None = None) -> ConceptScheme:
        """Parse the scheme (the packaged ``ontology/capabilities.ttl`` by default), cached.

        Raises:
            LoadError: the file is missing, is not valid Turtle, or its hierarchy is broken.
        """
        return _load_cached(_resolve_scheme_path(path))

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts.values())

    def __contains__(self, iri: object) -> bool:
        return iri in self.concepts

    def get(self, key: str) -> Concept:
        """The concept with this IRI or local name.

        Raises:
            NotFoundError: no such concept.
        """
        found = self.concepts.get(key) or self.concepts.get(NAMESPACE + key)
        if found is None:
            raise NotFoundError(f"no concept {key!r} in {self.source}")
        return found

    @property
    def top_concepts(self) -> tuple[Concept, ...]:
        return tuple(c for c in self if c.top)

    @cached_property
    def taxonomy(self) -> Taxonomy:
        """The hierarchy (the same object query time builds from a store's concepts)."""
        return Taxonomy.build((c.iri, c.broader) for c in self.concepts.values())

    def ancestors(self, iri: str) -> frozenset[str]:
        """Every concept above ``iri`` through skos:broader (not ``iri`` itself)."""
        t = self.taxonomy
        k = t.id_of[iri]
        return frozenset(t.iris[a] for a in t.ancestors(k) if a != k)

    def descendants(self, iri: str) -> frozenset[str]:
        """Every concept below ``iri`` (not ``iri`` itself)."""
        t = self.taxonomy
        k = t.id_of[iri]
        return frozenset(t.iris[d] for d in t.descendants(k)[0] if d != k)

    def within(self, iri: str, ancestor: str) -> bool:
        """True when ``iri`` is ``ancestor`` or lies below it."""
        return iri == ancestor or ancestor in self.ancestors(iri)

    def by_notation(self, uri: str) -> Concept | None:
        """The concept whose notation is the longest dotted prefix of a capability:// path."""
        path = uri.removeprefix("capability://").lower()
        best: Concept | None = None
        for concept in self:
            for notation in concept.notations:
                if (path == notation or path.startswith(notation + ".")) and (
                    best is None or len(notation) > max(map(len, best.notations))
                ):
                    best = concept
        return best


def _resolve_scheme_path(path: str | Path | None) -> str:
    if path is not None:
        return str(Path(path).resolve())
    ref = resources.files("matchgraph.ontology").joinpath("capabilities.ttl")
    return str(ref)


@lru_cache(maxsize=8)
def _load_cached(path: str) -> ConceptScheme:
    graph = _parse_turtle(path)
    scheme_iri = _scheme_iri(graph, path)
    concepts = {c.iri: c for c in sorted(_read_concepts(graph), key=lambda c: c.iri)}
    _check_hierarchy(concepts, path)
    label = _literal(graph, scheme_iri, _SKOS + "prefLabel") or scheme_iri
    return ConceptScheme(iri=scheme_iri, label=label, source=path, concepts=concepts)


def _parse_turtle(path: str) -> rdflib.Graph:
    import rdflib

    try:
        return rdflib.Graph().parse(path, format="turtle")
    except FileNotFoundError as e:
        raise LoadError("concept scheme file not found", document=path) from e
    except Exception as e:  # rdflib raises BadSyntax and several others
        line = getattr(e, "lines", None)
        raise LoadError(f"not valid Turtle: {e}", document=path, line=line) from e


def _scheme_iri(graph: rdflib.Graph, path: str) -> str:
    from rdflib import RDF, URIRef

    schemes = sorted(str(s) for s in graph.subjects(RDF.type, URIRef(_SKOS + "ConceptScheme")))
    if len(schemes) != 1:
        raise LoadError(f"expected one skos:ConceptScheme, found {len(schemes)}", document=path)
    return schemes[0]


def _values(graph: rdflib.Graph, subject: object, predicate: str) -> tuple[str, ...]:
    from rdflib import URIRef

    return tuple(sorted(str(o) for o in graph.objects(subject, URIRef(predicate))))  # type: ignore[arg-type]


def _literal(graph: rdflib.Graph, subject: str, predicate: str) -> str | None:
    from rdflib import URIRef

    values = _values(graph, URIRef(subject), predicate)
    return values[0] if values else None


def _read_concepts(graph: rdflib.Graph) -> Iterator[Concept]:
    from rdflib import RDF, URIRef

    for subject in graph.subjects(RDF.type, URIRef(_SKOS + "Concept")):
        iri = str(subject)

        def values(pred: str, subject: object = subject) -> tuple[str, ...]:
            return _values(graph, subject, pred)

        labels = values(_SKOS + "prefLabel")
        yield Concept(
            iri=iri,
            label=labels[0] if labels else iri.rsplit("/", 1)[-1],
            alt_labels=values(_SKOS + "altLabel"),
            hidden_labels=values(_SKOS + "hiddenLabel"),
            definition=next(iter(values(_SKOS + "definition")), None),
            broader=values(_SKOS + "broader"),
            narrower=values(_SKOS + "narrower"),
            notations=values(_SKOS + "notation"),
            keywords=values(NAMESPACE + "keyword"),
            qualifiers=values(NAMESPACE + "qualifier"),
            negative_keywords=values(NAMESPACE + "negativeKeyword"),
            input_types=frozenset(values(NAMESPACE + "inputType")),
            output_types=frozenset(values(NAMESPACE + "outputType")),
            top=bool(values(_SKOS + "topConceptOf")),
        )


def _check_hierarchy(concepts: Mapping[str, Concept], path: str) -> None:
    """Refuse a scheme whose broader/narrower links dangle, disagree or loop.

    The mapper and the match engine walk the hierarchy; a broken one would give silently wrong
    proximities, so it is a load error rather than something to tolerate.
    """
    problems: list[str] = []
    for c in concepts.values():
        if len(c.label.strip()) == 0:
            problems.append(f"{c.iri} has no skos:prefLabel")
        for b in c.broader:
            if b not in concepts:
                problems.append(f"{c.iri} broader {b} is not a concept")
            elif c.iri not in concepts[b].narrower:
                problems.append(f"{b} lacks skos:narrower {c.iri}")
        for n in c.narrower:
            if n not in concepts or c.iri not in concepts[n].broader:
                problems.append(f"{c.iri} narrower {n} has no matching skos:broader")
        if not c.broader and not c.top:
            problems.append(f"{c.iri} has neither skos:broader nor skos:topConceptOf")
    if not problems:
        problems.extend(_cycles(concepts))
    if problems:
        raise LoadError("; ".join(problems[:5]), document=path)


def _cycles(concepts: Mapping[str, Concept]) -> list[str]:
    taxonomy = Taxonomy.build((c.iri, c.broader) for c in concepts.values())
    return [
        f"{c.iri} is its own ancestor"
        for k, c in enumerate(concepts.values())
        if c.iri in c.broader or taxonomy.in_cycle(k)
    ]
