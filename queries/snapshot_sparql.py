"""Build a :class:`GraphSnapshot` from any store that answers the named SPARQL queries.

Slugs are mapped to their canonical artifact (entity resolution), so the match engine sees
one node per real artifact.

Every record is deterministic whichever store answers: values RDF holds as sets (concepts,
intents, labels, classes) come sorted, and each capability appears once even when a store
answers a union-graph query with one row per graph that holds a fact (pyoxigraph's union
default graph does), so the Neo4j and embedded stores give equal snapshots.

Memory is what bounds this at scale (100,000 artifacts: 700,000 capabilities, 1.4 million
claims), so rows are read one at a time and records are sorted, never the rows; and the
values that repeat across records (slugs, document keys, concept IRIs, intents, relations)
are one string each (``sys.intern``, called in C rather than a dict's ``setdefault`` behind
a Python method: 16.9 million calls per snapshot at 100,000 artifacts), which pickling keeps
shared.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from operator import attrgetter
from sys import intern
from typing import Protocol

from matchgraph.ontology.vocab import CLASS_TO_TYPE, SIGNAL_METRICS
from matchgraph.queries.library.artifact_rows import DOCUMENT_ARTIFACTS, snapshot_artifact_rows
from matchgraph.queries.library import sparql as q
from matchgraph.queries.library import sparql_snapshot as qs
from matchgraph.queries.snapshot import (
    ArtifactRecord,
    CapabilityRecord,
    ClaimRecord,
    ConceptRecord,
    GraphSnapshot,
    ObservationRecord,
    VerdictRecord,
)

__all__ = ["build_snapshot", "snapshot_claims"]

_FIELD_BY_METRIC = {iri: name for name, iri in SIGNAL_METRICS.items()}
_OPEN_WEIGHTS = ("open-weights", "open weights", "openweights")
_LOCAL = ("self-hosted", "local deployment", "on-device", "local inference", "offline")


class RowSource(Protocol):
    def iter_select(self, query: q.SparqlQuery, **params: object) -> Iterator[dict[str, object]]: ...


class SnapshotSource(RowSource, Protocol):
    def canonical_map(self) -> dict[str, str]: ...
    def document_hashes(self) -> list[tuple[str, str]]: ...


Canon = Callable[[object], str]
"""A slug to its canonical artifact's slug."""
PerDocument = Callable[[q.SparqlQuery, tuple[str, ...]], Iterator[tuple[object, ...]]]
"""A per-document query's rows over the whole store, as tuples of the named variables."""
_DOCUMENT_ARTIFACT_COLUMNS = ("slug", "name", "class")


class _Answering:
    """A store whose per-document queries are answered by ``per_document`` instead, as
    tuples: read them through :func:`_values` (``iter_select`` asks the store itself, over
    every document at once, for any query but the artifacts)."""

    def __init__(self, store: SnapshotSource, per_document: PerDocument) -> None:
        self._store, self._per_document = store, per_document

    def iter_select(self, query: q.SparqlQuery, **params: object) -> Iterator[dict[str, object]]:
        if query is qs.SNAPSHOT_ARTIFACTS and not params:  # grouped from each document's rows
            names = _DOCUMENT_ARTIFACT_COLUMNS
            rows = self._per_document(DOCUMENT_ARTIFACTS, names)
            return snapshot_artifact_rows(dict(zip(names, values)) for values in rows)
        return self._store.iter_select(query, **params)

    def iter_values(self, query: q.SparqlQuery, names: tuple[str, ...]) -> Iterator[tuple[object, ...]] | None:
        return self._per_document(query, names) if query.per_document else None


def _values(store: RowSource, query: q.SparqlQuery, names: tuple[str, ...]) -> Iterator[tuple[object, ...]]:
    """``query``'s rows as tuples of the values of ``names`` (None where unbound): read as
    tuples where the source keeps them so (:class:`_Answering`), else from its dicts."""
    read = getattr(store, "iter_values", None)
    found = None if read is None else read(query, names)
    if found is not None:
        return found
    return (tuple(map(row.get, names)) for row in store.iter_select(query))


def build_snapshot(store: SnapshotSource, *, per_document: PerDocument | None = None) -> GraphSnapshot:
    """The snapshot of ``store``; ``per_document`` answers the queries marked so in its
    place (the embedded store's kept answers of unchanged documents)."""
    canon = store.canonical_map()
    source = store if per_document is None else _Answering(store, per_document)

    def c(slug: object) -> str:
        text = str(slug)
        return intern(canon.get(text, text))

    concepts = _concepts(source)
    labels = {x.iri: x.label.lower() for x in concepts}
    capabilities = _capabilities(source, c)
    observations = _observations(source, c)
    artifacts = _artifacts(source, c, capabilities, observations, labels)
    claims = snapshot_claims(source, c)
    compared = _compared(source, c)
    verdicts = _verdicts(source, c)
    fingerprint = hashlib.sha256()
    for key, content_hash in sorted(store.document_hashes()):
        fingerprint.update(f"{key}\x1f{content_hash}\n".encode())
    for slug, target in sorted(canon.items()):
        fingerprint.update(f"{slug}>{target}\n".encode())
    return GraphSnapshot(
        artifacts=artifacts,
        capabilities=capabilities,
        concepts=concepts,
        claims=claims,
        observations=observations,
        compared=compared,
        verdicts=verdicts,
        version=fingerprint.hexdigest()[:20],
    )


def _concepts(store: RowSource) -> tuple[ConceptRecord, ...]:
    return tuple(
        ConceptRecord(
            iri=str(r["concept"]),
            label=str(r["label"]),
            alt_labels=tuple(sorted({a for a in str(r.get("alts") or "").split("\x1f") if a})),
            broader=tuple(sorted(set(str(r.get("broaders") or "").split()))),
            input_types=tuple(sorted(set(str(r.get("inputs") or "").split()))),
            output_types=tuple(sorted(set(str(r.get("outputs") or "").split()))),
        )
        for r in sorted(store.iter_select(qs.SNAPSHOT_CONCEPTS), key=lambda r: str(r["concept"]))
    )


def _capabilities(store: RowSource, c: Canon) -> tuple[CapabilityRecord, ...]:
    # Capability -> link kind -> its values (a dict as an ordered set); 3 million link rows
    # at 100,000 artifacts, so plain dicts read with ``get`` rather than nested defaultdicts
    # and a list searched for every value.
    links: dict[str, dict[str, dict[str, None]]] = {}
    for cap, kind, value in _values(store, qs.SNAPSHOT_CAPABILITY_LINKS, ("cap", "kind", "value")):
        text, cap, kind = intern(str(value)), str(cap), str(kind)
        per_cap = links.get(cap)
        if per_cap is None:
            links[cap] = {kind: {text: None}}
            continue
        values = per_cap.get(kind)
        if values is None:
            per_cap[kind] = {text: None}
        else:
            values[text] = None
    out: dict[str, CapabilityRecord] = {}
    none: dict[str, dict[str, None]] = {}
    columns = ("cap", "slug", "key", "description", "name", "unique", "vs", "confidence", "matches", "success")
    for cap, slug, key, description, name, unique, vs, confidence, matches, success in _values(
            store, qs.SNAPSHOT_CAPABILITIES, columns):
        iri = str(cap)
        if iri in out:
            continue
        link = links.pop(iri, none)
        out[iri] = CapabilityRecord(
            iri, c(slug), str(description), _interned_or_none(name),
            _sorted(link.get("intent")), _sorted(link.get("best_for")), _sorted(link.get("concept")),
            _sorted(link.get("input")), _sorted(link.get("output")),
            _opt(unique), _opt(vs),
            confidence, matches, success,  # type: ignore[arg-type]
            intern(str(key)),
        )
    return tuple(out[iri] for iri in sorted(out))


def _sorted(values: dict[str, None] | None) -> tuple[str, ...]:
    return tuple(sorted(values)) if values else ()


def _observations(store: RowSource, c: Canon) -> tuple[ObservationRecord, ...]:
    grouped: dict[tuple[str, str], dict[str, object]] = defaultdict(dict)
    columns = ("slug", "key", "obs", "pricing", "starting", "metric", "value")
    for slug, key, _, pricing, starting, metric, value in _values(store, qs.SNAPSHOT_OBSERVATIONS, columns):
        values = grouped[(c(slug), intern(str(key)))]
        if pricing is not None:
            values["pricing"] = intern(str(pricing))
        if starting is not None:
            values["starting_price"] = intern(str(starting))
        field = _FIELD_BY_METRIC.get(str(metric))
        if field is not None:
            values[field] = value
    return tuple(
        ObservationRecord(artifact=slug, source=key, **values)  # type: ignore[arg-type]
        for (slug, key), values in sorted(grouped.items())
    )


def _artifacts(store: RowSource, c: Canon, capabilities: tuple[CapabilityRecord, ...],
               observations: tuple[ObservationRecord, ...], labels: dict[str, str]) -> tuple[ArtifactRecord, ...]:
    # Each capability's labels, joined once per artifact (adding to one string per artifact
    # copied it every time: quadratic in a hub's capabilities).
    concept_parts: dict[str, list[str]] = defaultdict(list)
    for cap in capabilities:
        concept_parts[cap.artifact].append(" " + " ".join(labels.get(x, "") for x in cap.concepts))
    pricing: dict[str, set[str]] = defaultdict(set)
    for obs in observations:
        if obs.pricing:
            pricing[obs.artifact].add(obs.pricing.lower())
    merged: dict[str, ArtifactRecord] = {}
    for r in sorted(store.iter_select(qs.SNAPSHOT_ARTIFACTS), key=lambda r: str(r["slug"])):
        slug = c(r["slug"])
        kinds = sorted(CLASS_TO_TYPE[x].value for x in str(r.get("classes") or "").split() if x in CLASS_TO_TYPE)
        if slug in merged and (merged[slug].type or not kinds):
            continue
        text = "".join(concept_parts.get(slug, ()))
        prices = pricing.get(slug, set())
        merged[slug] = ArtifactRecord(
            slug=slug,
            name=str(r["name"]) if slug == str(r["slug"]) or slug not in merged else merged[slug].name,
            type=kinds[0] if kinds else None,
            free=None if not prices else ("free" in prices and "paid" not in prices),
            open_weights=True if any(w in text for w in _OPEN_WEIGHTS) else None,
            local=True if any(w in text for w in _LOCAL) else None,
        )
    return tuple(merged[s] for s in sorted(merged))


def snapshot_claims(store: RowSource, c: Canon) -> tuple[ClaimRecord, ...]:
    """Typed claims with every slug passed through ``c`` (the canonical map).

    A claim's other sides and classes are one string each that repeats across claims (the
    same few on every page of an artifact), so each distinct string is parsed once: 1.4
    million claims at 100,000 artifacts.
    """
    columns = ("claim", "subject", "cap", "relation", "polarity", "aspect", "text", "key", "others", "classes")
    others_of: dict[object, tuple[str, ...]] = {}
    classes_of: dict[object, tuple[str, ...]] = {}
    claims: list[ClaimRecord] = []
    add = claims.append
    for claim, subject, cap, relation, polarity, aspect, text, key, others, classes in _values(
            store, qs.SNAPSHOT_CLAIMS, columns):
        sides = others_of.get(others)
        if sides is None:
            sides = others_of[others] = tuple(sorted({c(s) for s in str(others or "").split()}))
        kinds = classes_of.get(classes)
        if kinds is None:
            kinds = classes_of[classes] = tuple(sorted({intern(str(x)) for x in str(classes or "").split("\x1f") if x}))
        add(ClaimRecord(str(claim), c(subject), intern(str(relation)), intern(str(polarity)), sides, kinds,
                        str(cap), _interned_or_none(aspect), intern(str(text)), intern(str(key))))
    claims.sort(key=attrgetter("iri"))
    return tuple(claims)


def _compared(store: RowSource, c: Canon) -> tuple[tuple[str, str], ...]:
    by_doc: dict[str, list[str]] = defaultdict(list)
    for key, slug in _values(store, qs.SNAPSHOT_COMPARED, ("key", "slug")):
        by_doc[str(key)].append(c(slug))
    pairs = set()
    for slugs in by_doc.values():
        for i, a in enumerate(slugs):
            for b in slugs[i + 1 :]:
                if a != b:
                    pairs.add(tuple(sorted((a, b))))
    return tuple(sorted(pairs))  # type: ignore[arg-type]


def _verdicts(store: RowSource, c: Canon) -> tuple[VerdictRecord, ...]:
    compared: dict[str, list[str]] = defaultdict(list)
    for key, slug in _values(store, qs.SNAPSHOT_COMPARED, ("key", "slug")):
        if c(slug) not in compared[str(key)]:
            compared[str(key)].append(c(slug))
    found: dict[str, dict] = {}
    columns = ("key", "text", "winner", "signal", "leader")
    for key, text, winner, signal, leader in _values(store, qs.SNAPSHOT_VERDICTS, columns):
        entry = found.setdefault(str(key), {"text": str(text), "winner": None, "leads": set()})
        if winner is not None:
            entry["winner"] = c(winner)
        if signal is not None and leader is not None:
            entry["leads"].add((str(signal), c(leader)))
    return tuple(
        VerdictRecord(
            source=key,
            text=v["text"],
            compared=tuple(compared.get(key, ())),
            winner=v["winner"],
            leads=tuple(sorted(v["leads"])),
        )
        for key, v in sorted(found.items())
    )


def _interned_or_none(value: object) -> str | None:
    return None if value is None else intern(str(value))


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
