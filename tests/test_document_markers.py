"""Document markers carried across a load and kept beside the store: whatever a load does
(fresh pages, new versions, unchanged ones, failures, a bulk stream in segments), the
markers it carries are the ones a scan of the store reads, and the next process reads them
from the file only at the version they belong to."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import matchgraph.graph.document_markers as document_markers
import matchgraph.graph.embedded_load as embedded_load
from matchgraph.errors import Violation
from matchgraph.graph.document_markers import KnownMarkers, read_markers, write_markers
from matchgraph.graph.embedded import OxigraphStore
from tests.test_embedded_load import BATCHES, _prepared
from tests.test_store import _doc


_SCAN = document_markers.document_markers
"""The scan itself, for comparing (the tests count the store's own calls to it)."""


def _scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the store scans for markers (each call reads every marker quad)."""
    calls: list[int] = []

    def counted(store):  # type: ignore[no-untyped-def]
        calls.append(1)
        return _SCAN(store)

    monkeypatch.setattr(document_markers, "document_markers", counted)
    return calls


def _carried_equals_scanned(store: OxigraphStore) -> None:
    carried = store.known_markers()
    assert carried is not None, "the load carried its markers"
    assert carried == _SCAN(store._store)


@pytest.mark.parametrize("bulk", [False, True], ids=["transactions", "bulk-stream"])
def test_the_markers_a_load_carries_are_those_a_scan_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    if bulk:
        monkeypatch.setattr(embedded_load, "BULK_THRESHOLD", 1)
        monkeypatch.setattr(embedded_load, "SEGMENT_QUADS", 1)  # a segment per batch, committed mid-session
    store = OxigraphStore(tmp_path / "store")
    scans = _scans(monkeypatch)
    with store.loading() as session:  # a, b fresh; c fresh, b unchanged; a replaced, d fresh
        for batch in BATCHES:
            session.load_prepared(batch)
    _carried_equals_scanned(store)
    assert [key for key, _ in store.document_hashes()] == ["a", "b", "c", "d"]
    invalid = replace(_prepared(("e", _doc("Model E")))[0], violations=(Violation("urn:x", None, "bad"),))
    with store.loading() as session:
        result = session.load_prepared([invalid, *_prepared(("b", _doc("Model B", rank=70)), ("f", _doc("Model F")))])
    assert list(result.failed) == ["e"] and result.replaced == ["b"] and result.loaded == ["f"]
    _carried_equals_scanned(store)
    store.artifact_nodes()  # entity resolution after a load
    store.snapshot(cache=tmp_path / "answers.sqlite")  # as the engine builds it
    store.snapshot()
    assert scans == [], "no scan after a load that started from known markers"


def test_the_next_process_reads_the_markers_from_the_file_at_their_version_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.load_prepared(BATCHES[0])
    held = store.document_hashes()
    store.close()
    scans = _scans(monkeypatch)
    again = OxigraphStore(tmp_path / "store")  # opening re-resolves if stale, without a scan
    assert again.document_hashes() == held and scans == []
    again.remove("a")  # a write that carries nothing: the file is of an older version now
    assert [key for key, _ in again.document_hashes()] == ["b"]
    assert len(scans) == 1


def test_a_failed_session_carries_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded_load, "BULK_THRESHOLD", 1)
    store = OxigraphStore(tmp_path / "store")
    store.load_prepared(BATCHES[0])
    with pytest.raises(KeyboardInterrupt), store.loading() as session:
        session.load_prepared(BATCHES[1])
        raise KeyboardInterrupt
    assert store.known_markers() is None, "the session's version moved and nothing was carried"
    assert [key for key, _ in store.document_hashes()] == ["a", "b"]


def test_the_markers_file_holds_one_version(tmp_path: Path) -> None:
    from pyoxigraph import NamedNode

    path = tmp_path / "index" / document_markers.MARKERS_FILE
    from matchgraph.ontology.vocab import document_iri

    markers = {NamedNode(document_iri("k0")): ("k0", "h0"), NamedNode("urn:g1"): ("k1", "h1"),
               NamedNode("urn:g2"): (None, "h2"), NamedNode(document_iri("k3")): ("k3", None)}
    write_markers(path, "v1", markers)
    assert read_markers(path, "v1") == markers
    assert read_markers(path, "v2") is None and read_markers(path, "") is None
    path.write_bytes(b"not a pickle")
    assert read_markers(path, "v1") is None
    kept = KnownMarkers(path)
    kept.keep("v3", markers)
    assert KnownMarkers(path).held("v3") is None and read_markers(path, "v3") == markers
