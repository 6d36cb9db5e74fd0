"""Every document graph's markers (its document key and content hash): read from the store,
kept beside it for the version they were read at, and carried across a load instead of
read again.

Reading the markers is two scans of 50,000 quads at 100,000 artifacts whose terms are looked
up in the store's string table one by one: 2 s when the store's files are in the page
cache, 8–12 s when they are not (a store loaded or left alone a while before). Every build
after a write asks for them (entity resolution, the snapshot), so a small load paid that
scan once more each time. A load knows what it changes: the markers of the version it
started from, plus the key and content hash of every document it wrote, are the markers
of the version it ends at. The file holds one version's markers; a reader trusts it only
at that version, so any other write (which moves the version) sends the next reader back
to the store.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from pyoxigraph import NamedNode, Store

from matchgraph.graph.derived import replace_file
from matchgraph.graph.store_housekeeping import CONTENT_HASH
from matchgraph.ontology.vocab import MG, document_iri

__all__ = ["MARKERS_FILE", "Graph", "KnownMarkers", "Markers", "document_graphs", "document_hashes",
           "document_markers", "holds_markers", "leaves_markers", "read_markers", "with_written", "write_markers"]

_DOCUMENT_KEY = NamedNode(MG + "documentKey")

Graph = tuple[NamedNode, str | None]
"""A document graph and its content hash (None: a write that did not finish)."""


Markers = dict[NamedNode, tuple[str | None, str | None]]
"""Document graph -> (its document key, its content hash); None where a marker is missing."""


def document_markers(store: Store) -> Markers:
    """Every graph's document key and content hash, read from those two predicates' quads
    (a scan of each: about a second apiece at 100,000 artifacts, so a reader that asks
    several times per store version keeps the answer: ``OxigraphStore``)."""
    found: Markers = {}
    for x in store.quads_for_pattern(None, _DOCUMENT_KEY, None, None):
        if x.subject == x.graph_name:
            found[x.graph_name] = (x.object.value, None)  # type: ignore[index]
    for x in store.quads_for_pattern(None, CONTENT_HASH, None, None):
        if x.subject == x.graph_name:
            key, _ = found.get(x.graph_name, (None, None))  # type: ignore[call-overload]
            found[x.graph_name] = (key, x.object.value)  # type: ignore[index]
    return found


def leaves_markers(graph: NamedNode, triples: Sequence[object], markers: Markers) -> bool:
    """Whether replacing ``graph``'s content by ``triples`` leaves ``markers`` true: the
    graph is no document graph now and ``triples`` make it none (resolution, curation)."""
    return graph not in markers and not any(
        getattr(t, "subject", None) == graph and getattr(t, "predicate", None) in (_DOCUMENT_KEY, CONTENT_HASH)
        for t in triples)


def document_graphs(store: Store, markers: Markers | None = None) -> list[Graph]:
    """Every document graph (one that states its own document key), in IRI order."""
    found = document_markers(store) if markers is None else markers
    return sorted(((g, h) for g, (key, h) in found.items() if key is not None), key=lambda gh: gh[0].value)


def document_hashes(store: Store, markers: Markers | None = None) -> list[tuple[str, str]]:
    """(document key, content hash) of every finished document (both markers present):
    what :meth:`~matchgraph.graph.embedded.OxigraphStore.documents` lists, without its
    GROUP BY over every document graph (11 s at 100,000 artifacts)."""
    found = document_markers(store) if markers is None else markers
    return sorted((key, h) for key, h in found.values() if key is not None and h is not None)


def holds_markers(store: Store) -> bool:
    """Whether any graph of ``store`` states a document key or a content hash (one lookup
    each): a store without documents has the empty markers, known without a scan."""
    return any(next(iter(store.quads_for_pattern(None, p, None, None)), None) is not None
               for p in (_DOCUMENT_KEY, CONTENT_HASH))


MARKERS_FILE = "document-markers.pkl"
"""In the store's index folder, beside the kept answers."""
_FORMAT = 2


def read_markers(path: Path, version: str) -> Markers | None:
    """The markers kept at ``path`` if they were read at ``version``; None otherwise (no
    file, another version, an unreadable file). The version is read first, so a file of
    another version costs one small read."""
    if not version:
        return None
    try:
        with path.open("rb") as handle:
            if pickle.Unpickler(handle).load() != (_FORMAT, version):
                return None
            plain, other = pickle.loads(zlib.decompress(handle.read()))  # noqa: S301 - our own file
        found: Markers = {NamedNode(document_iri(key)): (key, content_hash) for key, content_hash in plain}
        found.update((NamedNode(iri), (key, content_hash)) for iri, key, content_hash in other)
        return found
    except Exception:  # noqa: BLE001 - an unreadable file is read again from the store
        return None


def write_markers(path: Path, version: str, markers: Markers) -> None:
    """Keep ``markers`` as those of ``version`` (written aside, then renamed into place;
    nothing when the folder cannot be written: the next reader scans the store).

    A document graph's IRI follows from its key, so only the key and the hash are kept
    for it, compressed: 2.2 MB at 100,000 artifacts (8.9 MB as plain rows), so that the
    index files stay under 1 GB in all."""
    if not version:
        return
    plain: list[tuple[str, str | None]] = []
    other: list[tuple[str, str | None, str | None]] = []
    for graph, (key, content_hash) in markers.items():
        if key is not None and graph.value == document_iri(key):
            plain.append((key, content_hash))
        else:
            other.append((graph.value, key, content_hash))
    header = pickle.dumps((_FORMAT, version), protocol=pickle.HIGHEST_PROTOCOL)
    body = zlib.compress(pickle.dumps((plain, other), protocol=pickle.HIGHEST_PROTOCOL), 6)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    replace_file(path, header + body)


def with_written(markers: Markers, written: Iterable[tuple[str, str]]) -> Markers:
    """``markers`` after documents (key, content hash) were written, each as a whole graph
    with both markers; a later write of the same key wins, as it does in the store."""
    out = dict(markers)
    for key, content_hash in written:
        out[NamedNode(document_iri(key))] = (key, content_hash)
    return out


class KnownMarkers:
    """A store's markers for one version at a time: in memory, and in the markers file
    (``path``; None: memory only) for the next process."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._held: tuple[str, Markers] | None = None

    def known(self, store: Store, version: str) -> Markers | None:
        """The markers of ``version`` when known without reading the documents: held, in
        the file, or empty in a store with no marker quad; None otherwise."""
        if self._held is not None and self._held[0] == version:
            return self._held[1]
        found = None if self.path is None else read_markers(self.path, version)
        if found is None and not holds_markers(store):
            found = {}
        if found is not None:
            self._held = (version, found)
        return found

    def read(self, store: Store, version: str) -> Markers:
        """The markers of ``version``: known, or read from ``store`` (then kept)."""
        found = self.known(store, version)
        if found is None:
            found = document_markers(store)
            self.keep(version, found)
        return found

    def keep(self, version: str, markers: Markers) -> None:
        """``markers`` are those of ``version``."""
        self._held = (version, markers)
        if self.path is not None:
            write_markers(self.path, version, markers)

    def held(self, version: str) -> Markers | None:
        """The markers of ``version`` if held in memory (no file, no store)."""
        return self._held[1] if self._held is not None and self._held[0] == version else None
