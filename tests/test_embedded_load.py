"""Load sessions on the embedded store: batches streamed into one bulk load per segment
store what one transaction per batch stores, and a session that fails stores nothing of
its open segment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

import matchgraph.graph.embedded_load as embedded_load
from matchgraph.errors import StoreError
from matchgraph.graph.bulk_stream import BulkStream
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.prepared import PreparedDocument, prepare_texts
from tests.test_store import _doc


def _prepared(*pages: tuple[str, str]) -> list[PreparedDocument]:
    """(key, text) pairs prepared and validated as ``matchgraph load`` does."""
    docs = list(prepare_texts([(text, key, None) for key, text in pages], jobs=1, validator="compiled"))
    assert all(isinstance(d, PreparedDocument) for d in docs)
    return docs  # type: ignore[return-value]


BATCHES = [
    _prepared(("a", _doc("Model A")), ("b", _doc("Model B"))),
    _prepared(("c", _doc("Model C")), ("b", _doc("Model B"))),  # b again, same content
    _prepared(("a", _doc("Model A", rank=61)), ("d", _doc("Model D"))),  # a new version of a
]


def _facts(store: OxigraphStore) -> set[tuple[str, str, str, str]]:
    """Every document fact, without load times and bookkeeping."""
    return {
        (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
        for q in store._store
        if "/id/doc/" in str(q.graph_name) and "loadedAt" not in q.predicate.value
    }


def _outcomes(store: OxigraphStore) -> list[tuple[list[str], list[str], list[str]]]:
    with store.loading() as session:
        results = [session.load_prepared(batch) for batch in BATCHES]
    return [(r.loaded, r.unchanged, r.replaced) for r in results]


@pytest.fixture
def by_transaction(tmp_path: Path) -> tuple[OxigraphStore, list]:
    store = OxigraphStore(tmp_path / "transactions")
    return store, _outcomes(store)


@pytest.mark.parametrize("segment", [1, 10**9], ids=["a-segment-per-batch", "one-segment"])
def test_streamed_batches_store_what_transactions_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by_transaction: tuple[OxigraphStore, list], segment: int
) -> None:
    reference, expected = by_transaction
    assert expected == [(["a", "b"], [], []), (["c"], ["b"], []), (["d"], [], ["a"])]
    monkeypatch.setattr(embedded_load, "BULK_THRESHOLD", 1)
    monkeypatch.setattr(embedded_load, "SEGMENT_QUADS", segment)
    store = OxigraphStore(tmp_path / "bulk")
    assert _outcomes(store) == expected
    assert _facts(store) == _facts(reference)
    assert [d.key for d in store.documents()] == ["a", "b", "c", "d"]
    store.close()
    reopened = OxigraphStore(tmp_path / "bulk")  # nothing is left marked unfinished
    assert _facts(reopened) == _facts(reference)


def test_a_session_that_fails_stores_nothing_of_its_open_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_load, "BULK_THRESHOLD", 1)
    store = OxigraphStore(tmp_path / "s")
    store.load_prepared(BATCHES[0])  # a session of its own, committed
    before, version = _facts(store), store.version()
    with pytest.raises(KeyboardInterrupt), store.loading() as session:
        session.load_prepared(BATCHES[1])
        raise KeyboardInterrupt
    assert _facts(store) == before
    assert [d.key for d in store.documents()] == ["a", "b"]
    assert store.version() != version  # derived state built meanwhile is not trusted
    store.close()
    reopened = OxigraphStore(tmp_path / "s")
    assert _facts(reopened) == before
    assert [d.key for d in reopened.documents()] == ["a", "b"]


def test_a_bulk_load_that_fails_is_a_store_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_load, "BULK_THRESHOLD", 1)
    store = OxigraphStore(tmp_path / "s")
    broken = BATCHES[0][0]
    bad_line = b'"a literal subject" <urn:p> <urn:o> .\n'
    broken = PreparedDocument(**{**broken.__dict__, "ntriples": broken.ntriples + bad_line})
    with pytest.raises(StoreError, match="bulk load failed"), store.loading() as session:
        session.load_prepared([broken, BATCHES[0][1]])
    assert store.documents() == []
    store.close()
    assert OxigraphStore(tmp_path / "s").documents() == []


def test_a_stream_stores_everything_written_once_finished(tmp_path: Path) -> None:
    raw = Store(str(tmp_path / "raw"))
    stream = BulkStream(raw)
    lines = [f"<urn:s{i}> <urn:p> \"{i}\" <urn:g> .\n".encode() for i in range(500)]
    for line in lines:
        stream.write(line)
    stream.finish()
    assert len(raw) == 500
    assert raw.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:g> { ?s ?p ?o } }").__next__()[0].value == "500"


def test_an_abandoned_stream_stores_nothing(tmp_path: Path) -> None:
    raw = Store(str(tmp_path / "raw"))
    stream = BulkStream(raw)
    stream.write(b"<urn:s> <urn:p> <urn:o> <urn:g> .\n")
    stream.abandon()
    assert len(raw) == 0
    raw.load(b"<urn:s> <urn:p> <urn:o> .\n", format=RdfFormat.N_TRIPLES)  # the store is still usable
    assert len(raw) == 1


def test_an_open_segment_stays_marked_unfinished_while_other_writes_come_and_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matchgraph.graph.store_housekeeping import _UNFINISHED, META_GRAPH, STORE_NODE

    def marks(store: OxigraphStore) -> int:
        return len(list(store._store.quads_for_pattern(STORE_NODE, _UNFINISHED, None, META_GRAPH)))

    monkeypatch.setattr(embedded_load, "BULK_THRESHOLD", 1)
    store = OxigraphStore(tmp_path / "s")
    store.load_prepared(_prepared(("x", _doc("Model X"))))
    with store.loading() as session:
        session.load_prepared(BATCHES[0])  # a segment opens
        assert marks(store) == 1
        result = session.load_prepared(_prepared(("x", _doc("Model X", rank=70))))  # swapped in meanwhile
        assert result.replaced == ["x"]
        assert marks(store) == 1  # the swap's own mark came and went; the segment's stays
    assert marks(store) == 0
    assert [d.key for d in store.documents()] == ["a", "b", "x"]


def test_a_loader_that_stops_early_is_a_store_error_for_the_writer(tmp_path: Path) -> None:
    stream = BulkStream(Store(str(tmp_path / "raw")))
    stream.write(b'"a literal subject" <urn:p> <urn:o> <urn:g> .\n')
    with pytest.raises(StoreError, match="bulk load failed"):
        for _ in range(100_000):  # the loader has stopped reading: writing must not block
            stream.write(b"<urn:s> <urn:p> <urn:o> <urn:g> .\n")
        stream.finish()


def test_a_bulk_session_says_what_its_close_waits_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    heard: list[str] = []
    small = OxigraphStore(tmp_path / "small")
    with small.loading(stage=heard.append) as session:
        session.load_prepared(BATCHES[0])
    assert heard == [], "a session of transactions closes at once"
    monkeypatch.setattr(embedded_load, "BULK_THRESHOLD", 1)
    store = OxigraphStore(tmp_path / "bulk")
    with store.loading(stage=heard.append) as session:
        session.load_prepared(BATCHES[0])
    assert heard == ["finishing the bulk load"]
    assert _facts(store) == _facts(small)
