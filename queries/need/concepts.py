"""The concept side of need matching: which capabilities a concept hit reaches.

A need that covers a concept's label ("image generation") should reach every capability
mapped to that concept or to a narrower one ("text-to-image generation"), slightly less
the further down it sits. The concept-to-capability map is one sparse matrix in CSR
arrays (plain numpy, so opening a stored index imports no scipy), so a hit reaches its
capabilities with a row slice, not a loop over capabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matchgraph.queries.arrays import sorted_unique
from matchgraph.queries.need.bm25 import ConceptHit
from matchgraph.loaders.text import Direction, infer_direction
from matchgraph.ontology.taxonomy import Taxonomy
from matchgraph.queries.snapshot import CapabilityRecord, ConceptRecord

__all__ = ["ConceptReach", "ConceptSpread"]


class ConceptReach:
    """The taxonomy of the stored concepts, and which capabilities map to each concept."""

    def __init__(self, records: list[ConceptRecord | None], iris: list[str], indptr: np.ndarray,
                 indices: np.ndarray) -> None:
        self.records = records
        self.iris = iris
        self.indptr = indptr
        """Concept ``k`` maps capabilities ``indices[indptr[k]:indptr[k + 1]]`` (sorted)."""
        self.indices = indices
        # Links to concepts outside ``iris`` are dropped: ids must stay rows of ``indptr``.
        self.taxonomy = Taxonomy.build(
            ((iri, rec.broader if rec else ()) for iri, rec in zip(iris, records, strict=True)),
            add_unlisted=False,
        )
        self.index = self.taxonomy.id_of
        self._dirs: dict[int, Direction] = {}

    @classmethod
    def build(cls, concepts: Sequence[ConceptRecord], caps: Sequence[CapabilityRecord]) -> ConceptReach:
        records: list[ConceptRecord | None] = list(concepts)
        iris = [c.iri for c in concepts]
        index = {iri: k for k, iri in enumerate(iris)}
        rows: list[int] = []
        cols: list[int] = []
        for i, c in enumerate(caps):
            for iri in c.concepts:
                if iri not in index:
                    index[iri] = len(iris)
                    iris.append(iri)
                    records.append(None)
                rows.append(index[iri])
                cols.append(i)
        # CSR with each (concept, capability) pair once, capabilities sorted within a row.
        pairs = sorted_unique(np.array(rows, dtype=np.int64) * max(len(caps), 1) + np.array(cols, dtype=np.int64))
        concept_of = pairs // max(len(caps), 1)
        indptr = np.zeros(len(iris) + 1, dtype=np.int64)
        np.cumsum(np.bincount(concept_of, minlength=len(iris)), out=indptr[1:])
        return cls(records, iris, indptr, (pairs % max(len(caps), 1)).astype(np.int32))

    def __getstate__(self) -> dict[str, object]:
        # The caches are rebuilt on use; the index is derived from ``iris``.
        return {"records": self.records, "iris": self.iris, "indptr": self.indptr, "indices": self.indices}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def labels(self) -> list[tuple[int, str]]:
        """(concept index, label) for every preferred and alternative label."""
        return [(k, label) for k, r in enumerate(self.records) if r
                for label in (r.label, *r.alt_labels) if label]

    def label(self, k: int) -> str:
        rec = self.records[k]
        return rec.label if rec else self.iris[k]

    def direction(self, k: int) -> Direction:
        """What a concept consumes and produces: as the taxonomy declares it
        (``mgc:inputType``/``mgc:outputType``), else read from its labels ("text-to-image
        generation") by the same analyser that reads needs."""
        if k not in self._dirs:
            rec = self.records[k]
            if rec and (rec.input_types or rec.output_types):
                self._dirs[k] = Direction(frozenset(rec.input_types), frozenset(rec.output_types))
            else:
                text = ". ".join((rec.label, *rec.alt_labels)) if rec else ""
                self._dirs[k] = infer_direction(text)
        return self._dirs[k]

    def direction_of(self, iris: Sequence[str]) -> Direction:
        d = Direction()
        for iri in iris:
            if iri in self.index:
                d = d.union(self.direction(self.index[iri]))
        return d

    def spread(self, hits: Sequence[ConceptHit], decay: float = 0.9) -> ConceptSpread:
        """Concept score of the capabilities the hits reach: the best hit reaching each
        (``decay`` per level down the hierarchy)."""
        if not hits:
            return ConceptSpread(np.zeros(0, np.int64), np.zeros(0), {})
        parts = [self.taxonomy.descendants(h.concept) for h in hits]
        ks = np.concatenate([k for k, _ in parts])
        vals = np.concatenate([h.score * decay ** d for h, (_, d) in zip(hits, parts)])
        who = np.repeat(np.arange(len(hits)), [len(k) for k, _ in parts])
        order = np.lexsort((who, -vals, ks))
        ks, vals, who = ks[order], vals[order], who[order]
        first = np.r_[True, ks[1:] != ks[:-1]]
        ks, vals, who = ks[first], vals[first], who[first]
        source = {int(k): (float(v), hits[int(w)]) for k, v, w in zip(ks, vals, who)}
        counts = self.indptr[ks + 1] - self.indptr[ks]
        idx = (np.concatenate([self.indices[self.indptr[k]:self.indptr[k + 1]] for k in ks]).astype(np.int64)
               if len(ks) else np.zeros(0, np.int64))
        val = np.repeat(vals, counts)
        if len(idx) == 0:  # the hits reach concepts no stored capability is mapped to
            return ConceptSpread(np.zeros(0, np.int64), np.zeros(0), source)
        order = np.lexsort((-val, idx))
        idx, val = idx[order], val[order]
        # No stored capability under the concepts reached: nothing to spread (an empty
        # array must not meet the one-element "first" mask).
        first = np.r_[True, idx[1:] != idx[:-1]] if len(idx) else np.zeros(0, dtype=bool)
        return ConceptSpread(idx[first], val[first], source)

    def reaching(self, cap_concepts: Sequence[str], spread: ConceptSpread) -> ConceptHit | None:
        """The hit that gives a capability with these concepts its concept score."""
        found = [spread.source[k] for iri in cap_concepts
                 if (k := self.index.get(iri, -1)) in spread.source]
        return max(found, key=lambda x: x[0])[1] if found else None


@dataclass(frozen=True)
class ConceptSpread:
    """Capabilities reached by concept hits: sorted ``caps`` with their ``values``, and for
    each reached concept its value and the hit that reached it."""

    caps: np.ndarray
    values: np.ndarray
    source: dict[int, tuple[float, ConceptHit]]

    def value(self, cap: int) -> float:
        k = int(np.searchsorted(self.caps, cap))
        return float(self.values[k]) if k < len(self.caps) and self.caps[k] == cap else 0.0
