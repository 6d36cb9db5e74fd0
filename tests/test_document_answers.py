"""The snapshot keeps each document graph's rows between builds (graph/document_answers.py):
after a load, a replace or a remove only the changed documents are queried again, and the
snapshot is always the one built afresh."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import DATA
from pyoxigraph import NamedNode
from matchgraph.graph.document_answers import DocumentAnswers
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.loaders.dispatch import iter_document_paths, parse_document, read_document
from matchgraph.loaders.models import DocumentFacts
from matchgraph.loaders.pipeline import prepare
from matchgraph.queries.library import sparql_snapshot as qs
from matchgraph.queries.snapshot_sparql import build_snapshot


class CountingStore:
    """pyoxigraph's store, counting the per-document queries it answers."""

    def __init__(self, store: object) -> None:
        self._store, self.per_document = store, 0

    def query(self, text: str, **kwargs: object) -> object:
        bound = kwargs.get("substitutions") or {}
        self.per_document += any(variable.value == "doc" for variable in bound)  # type: ignore[attr-defined]
        return self._store.query(text, **kwargs)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


@pytest.fixture(scope="module")
def documents() -> list[DocumentFacts]:
    return [prepare(read_document(p)) for p in iter_document_paths([DATA])]


def _counting(store: OxigraphStore) -> CountingStore:
    counting = CountingStore(store._store)
    store._store = counting  # type: ignore[assignment]
    return counting


def _page(key: str, rank: int) -> DocumentFacts:
    text = (f"Alpha Reader vs Beta Writer\nAlpha Reader ranks higher at {rank}/100 vs Beta Writer at 30/100.\n"
            "| Feature | Alpha Reader | Beta Writer |\n|---|---|---|\n| Type | Model | Model |\n"
            f"| UnfragileRank | {rank}/100 | 30/100 |\n"
            "Alpha Reader Capabilities\nReads scanned receipts into plain text on a laptop.\n"
            "Unique: Works offline without any cloud service\n"
            "vs alternatives: Faster than Beta Writer on scanned receipts\n")
    return prepare(parse_document(text, document=key))


def test_the_second_snapshot_reads_every_document_back(tmp_path: Path, documents: list[DocumentFacts]) -> None:
    store = OxigraphStore(tmp_path / "store")
    assert store.load(documents).ok
    cache = tmp_path / "answers.sqlite"
    counting = _counting(store)
    first = store.snapshot(cache=cache)
    queried = counting.per_document
    assert queried >= len(documents) * 4  # four per-document queries at least, each graph
    second = store.snapshot(cache=cache)
    assert counting.per_document == queried, "an unchanged store was queried again"
    assert first == second == build_snapshot(store)


def test_after_a_load_a_replace_and_a_remove_only_those_documents_are_queried(
        tmp_path: Path, documents: list[DocumentFacts]) -> None:
    store = OxigraphStore(tmp_path / "store")
    cache = store.answers_file  # shared with entity resolution, which reads each document's artifacts
    assert cache is not None
    assert store.load([*documents, _page("mem://gone", 40), _page("mem://changes", 41)]).ok
    store.snapshot(cache=cache)
    counting = _counting(store)
    per_graph = len(qs.PER_DOCUMENT)

    assert store.load([_page("mem://new", 42), _page("mem://changes", 43)]).ok
    assert store.remove("mem://gone")
    after = store.snapshot(cache=cache)
    # The new document and the replaced one, once each (resolution's answers are the snapshot's).
    assert counting.per_document == 2 * per_graph
    assert after == build_snapshot(store)
    assert sorted(o.rank for o in after.observations if o.artifact == "alpha-reader") == [42, 43]
    from matchgraph.graph.document_markers import document_graphs

    with sqlite3.connect(cache) as db:
        iris = {iri for (iri,) in db.execute("SELECT iri FROM graphs")}
    assert iris == {g.value for g, _ in document_graphs(store._store)}  # the removed one is forgotten


def test_rows_as_tuples_in_any_order_are_the_rows_as_dicts(tmp_path: Path, documents: list[DocumentFacts]) -> None:
    """The snapshot reads per-document rows as tuples of the variables it names: kept and
    freshly answered alike, in the order asked, None where a row leaves one unbound."""
    from matchgraph.errors import QueryError
    from matchgraph.graph.document_answers import per_document_rows, per_document_values
    from matchgraph.graph.document_markers import document_graphs

    store = OxigraphStore(tmp_path / "store")
    assert store.load(documents[:6]).ok
    graphs = document_graphs(store._store)
    rows = list(per_document_rows(store._store, qs.SNAPSHOT_OBSERVATIONS, None, graphs))
    assert rows and any(None in r.values() for r in rows)  # an unbound variable among them
    for names in (("slug", "key", "obs", "pricing", "starting", "metric", "value"), ("value", "slug"), ("key",)):
        expected = [tuple(r[n] for n in names) for r in rows]
        assert list(per_document_values(store._store, qs.SNAPSHOT_OBSERVATIONS, names, None, graphs)) == expected
        with DocumentAnswers.open(tmp_path / "answers.sqlite") as answers:  # answered, then kept
            assert list(per_document_values(store._store, qs.SNAPSHOT_OBSERVATIONS, names, answers, graphs)) == expected
    with pytest.raises(QueryError, match="no variable price"):
        list(per_document_values(store._store, qs.SNAPSHOT_OBSERVATIONS, ("slug", "price"), None, graphs))


def test_a_file_of_an_older_layout_starts_empty(tmp_path: Path, documents: list[DocumentFacts]) -> None:
    store = OxigraphStore(tmp_path / "store")
    assert store.load(documents[:3]).ok
    cache = tmp_path / "answers.sqlite"
    with sqlite3.connect(cache) as db:  # the first layout: keys as text on every row
        db.execute("CREATE TABLE answers (query TEXT NOT NULL, graph TEXT NOT NULL, hash TEXT NOT NULL, "
                   "body BLOB NOT NULL, PRIMARY KEY (query, graph))")
        db.execute("INSERT INTO answers VALUES ('q', 'g', 'h', x'00')")
    db.close()
    expected = build_snapshot(store)
    assert store.snapshot(cache=cache) == expected
    counting = _counting(store)
    assert store.snapshot(cache=cache) == expected
    assert counting.per_document == 0  # the new layout was written and is read back


def test_an_unreadable_cache_file_is_not_an_error(tmp_path: Path, documents: list[DocumentFacts]) -> None:
    store = OxigraphStore(tmp_path / "store")
    assert store.load(documents[:4]).ok
    cache = tmp_path / "answers.sqlite"
    cache.write_bytes(b"not a database" * 100)
    assert store.snapshot(cache=cache) == build_snapshot(store)


def test_kept_answers_follow_the_content_hash(tmp_path: Path) -> None:
    graph = NamedNode("https://example.org/doc/1")
    calls: list[str] = []

    def answer(g: NamedNode) -> list[dict[str, object]]:
        calls.append(g.value)
        return [{"cap": "c1", "n": len(calls)}]

    with DocumentAnswers.open(tmp_path / "a.sqlite") as answers:
        assert list(answers.rows(qs.SNAPSHOT_CAPABILITIES, [(graph, "h1")], answer)) == [{"cap": "c1", "n": 1}]
        assert list(answers.rows(qs.SNAPSHOT_CAPABILITIES, [(graph, "h1")], answer)) == [{"cap": "c1", "n": 1}]
        assert list(answers.rows(qs.SNAPSHOT_CAPABILITIES, [(graph, "h2")], answer)) == [{"cap": "c1", "n": 2}]
        assert list(answers.rows(qs.SNAPSHOT_CAPABILITIES, [(graph, None)], answer)) == [{"cap": "c1", "n": 3}]
        assert list(answers.rows(qs.SNAPSHOT_CLAIMS, [(graph, "h2")], answer)) == [{"cap": "c1", "n": 4}]
        assert list(answers.rows(qs.SNAPSHOT_CAPABILITIES, [], answer)) == []
    with sqlite3.connect(tmp_path / "a.sqlite") as db:
        kept = db.execute("SELECT q.name FROM answers a JOIN queries q ON q.id = a.query").fetchall()
    assert [k for (k,) in kept] == [k for (k,) in kept if k.startswith("snapshot_claims-")] and len(kept) == 1


def test_the_answers_of_removed_documents_give_their_space_back(tmp_path: Path) -> None:
    """Removed and replaced documents leave free pages; closing the file gives them back."""
    path = tmp_path / "a.sqlite"
    graphs = [(NamedNode(f"https://example.org/doc/{i}"), f"h{i}") for i in range(3000)]

    def answer(g: NamedNode) -> list[dict[str, object]]:
        return [{"cap": f"{g.value}/cap/{n}", "text": "".join(hashlib.sha256(f"{g.value} {n} {m}".encode()).hexdigest()
                                                             for m in range(8))} for n in range(4)]

    with DocumentAnswers.open(path) as answers:
        assert len(list(answers.rows(qs.SNAPSHOT_CAPABILITIES, graphs, answer))) == 4 * len(graphs)
    full = path.stat().st_size
    with DocumentAnswers.open(path) as answers:
        assert len(list(answers.rows(qs.SNAPSHOT_CAPABILITIES, graphs[:100], answer))) == 400
    assert path.stat().st_size < full / 4, "the removed documents' pages stayed in the file"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 100


def test_many_documents_are_answered_by_worker_processes(tmp_path: Path, documents: list[DocumentFacts],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from matchgraph.graph import document_answers_parallel

    monkeypatch.setattr(document_answers_parallel, "PARALLEL_FROM", 3)
    monkeypatch.setattr(document_answers_parallel, "_CHUNK", 4)
    store = OxigraphStore(tmp_path / "store")
    assert store.load(documents).ok
    counting = _counting(store)
    cache = tmp_path / "answers.sqlite"
    snapshot = store.snapshot(cache=cache)
    assert counting.per_document == 0, "the workers answered every document, not this process"
    assert snapshot == build_snapshot(store)
    with sqlite3.connect(cache) as db:
        (kept,) = db.execute("SELECT count(DISTINCT graph) FROM answers").fetchone()
    assert kept == len(documents)


def test_two_builds_at_once_keep_both_documents(tmp_path: Path) -> None:
    """A build that finds no dictionary must not throw away the one (and the rows) another
    build kept meanwhile."""
    first, second = NamedNode("https://example.org/doc/1"), NamedNode("https://example.org/doc/2")
    calls: list[str] = []

    def answer(g: NamedNode) -> list[dict[str, object]]:
        calls.append(g.value)
        return [{"claim": g.value + "/claim/0", "text": "faster than the other one"}]

    path = tmp_path / "a.sqlite"
    with DocumentAnswers.open(path) as a, DocumentAnswers.open(path) as b:
        slow = a.rows(qs.SNAPSHOT_CLAIMS, [(first, "h")], answer)
        next(slow)  # a has found no dictionary and answered its document; it writes at the end
        assert len(list(b.rows(qs.SNAPSHOT_CLAIMS, [(second, "h")], answer))) == 1
        list(slow)
    calls.clear()
    with DocumentAnswers.open(path) as c:
        rows = list(c.rows(qs.SNAPSHOT_CLAIMS, [(first, "h"), (second, "h")], answer))
    assert calls == [] and len(rows) == 2


_STATES = st.lists(  # store states: which document graphs exist, each with a content hash
    st.dictionaries(st.integers(0, 5), st.sampled_from(["a", "b", "c", None]), max_size=6),
    min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(states=_STATES, window=st.sampled_from([1, 2, 500]))
def test_kept_answers_are_the_answers_and_only_changes_are_asked(states: list[dict[int, str | None]], window: int) -> None:
    """Whatever the number of documents whose kept rows are read per statement, in the
    order of the graphs."""
    from matchgraph.graph import document_answers

    before = document_answers._READ_EVERY
    document_answers._READ_EVERY = window
    try:
        _check_kept_answers(states)
    finally:
        document_answers._READ_EVERY = before


def _check_kept_answers(states: list[dict[int, str | None]]) -> None:
    asked: list[str] = []

    def answer(g: NamedNode) -> list[dict[str, object]]:
        asked.append(g.value)
        return [{"graph": g.value, "hash": current[g.value], "n": n} for n in range(int(g.value[-1]) % 3)]

    kept: dict[str, str] = {}  # what the cache should hold after each state
    with tempfile.TemporaryDirectory() as folder, DocumentAnswers.open(Path(folder) / "a.sqlite") as answers:
        for state in states:
            current = {f"https://example.org/doc/{i}": h for i, h in state.items()}
            graphs = sorted(((NamedNode(g), h) for g, h in current.items()), key=lambda gh: gh[0].value)
            asked.clear()
            rows = list(answers.rows(qs.SNAPSHOT_CLAIMS, graphs, answer))
            expected = [{"graph": g.value, "hash": h, "n": n} for g, h in graphs for n in range(int(g.value[-1]) % 3)]
            assert rows == expected
            assert sorted(asked) == sorted(g for g, h in current.items() if h is None or kept.get(g) != h)
            # A graph's rows go when the graph goes; an unfinished write (no hash) keeps them.
            kept = {g: h if h is not None else kept[g] for g, h in current.items() if h is not None or g in kept}


def test_workers_of_a_writer_read_a_checkpoint_the_writer_cannot_change(tmp_path: Path, documents: list[DocumentFacts]) -> None:
    """The writer's compaction deletes files it merged; readers of a checkpoint keep theirs."""
    from pyoxigraph import Quad, Store

    from matchgraph.graph.document_answers_parallel import stable_files

    store = OxigraphStore(tmp_path / "store")
    assert store.load(documents[:1]).ok
    raw = store._store
    before = len(raw)
    with stable_files(store.path, lambda target: raw.backup(str(target))) as readable:
        assert readable is not None and readable != store.path
        assert readable.parent.parent == store.path.parent, "beside the store: same file system, hard links"
        raw.add(Quad(NamedNode("https://example.org/s"), NamedNode("https://example.org/p"), NamedNode("https://example.org/o")))
        raw.optimize()  # compacts the writer's files away
        reader = Store.read_only(str(readable))
        assert len(reader) == before
        del reader
    assert not readable.parent.exists(), "the checkpoint is removed afterwards"
    assert {p.name for p in tmp_path.iterdir()} == {"store", "store.index"}  # nothing else left beside
    with stable_files(store.path, None) as same:
        assert same == store.path, "a reader's workers read the store itself"


def test_without_a_checkpoint_beside_the_store_the_caller_answers(tmp_path: Path) -> None:
    from matchgraph.graph.document_answers_parallel import stable_files

    def refuse(target: Path) -> None:
        raise OSError("no space left")

    (tmp_path / "store").mkdir()
    with stable_files(tmp_path / "store", refuse) as readable:
        assert readable is None
    assert [p.name for p in tmp_path.iterdir()] == ["store"]


def test_document_markers_are_read_once_per_store_version(tmp_path: Path) -> None:
    """Entity resolution and the snapshot each ask which documents the store holds; the
    two marker scans behind it run once per store version, and every write is seen."""
    store = OxigraphStore(tmp_path / "store")
    assert store.load([_page("mem://one", 40), _page("mem://two", 41)]).ok
    scans: list[str] = []
    raw = store._store

    class Scanning(CountingStore):
        def quads_for_pattern(self, *pattern: object) -> object:
            if "storeVersion" not in str(pattern[1]):  # reading the version is one lookup
                scans.append(str(pattern[1]))
            return raw.quads_for_pattern(*pattern)

    store._store = Scanning(raw)  # type: ignore[assignment]

    def listed() -> list[tuple[str, str]]:
        return sorted((d.key, d.content_hash) for d in store.documents())

    assert store.document_hashes() == listed()
    read = len(scans)
    store.artifact_nodes()
    store.document_hashes()
    assert len(scans) == read, "no second scan while the version stands"
    for write in (lambda: store.load([_page("mem://three", 42), _page("mem://two", 43)]),
                  lambda: store.remove("mem://one")):
        assert write()
        assert store.document_hashes() == listed(), "a write moves the version, so the markers are read again"
    assert [key for key, _ in store.document_hashes()] == ["mem://three", "mem://two"]
    read = len(scans)
    store.refresh_resolution()  # swaps the resolution graph: a write, but no document's
    assert store.document_hashes() == listed() and len(scans) == read, "resolution leaves the markers known"
    from pyoxigraph import Literal, Triple

    from matchgraph.graph.document_markers import _DOCUMENT_KEY
    from matchgraph.graph.store_housekeeping import CONTENT_HASH

    made = NamedNode("https://w3id.org/matchgraph/id/document/made-by-hand")
    store.replace_graph(made.value, [Triple(made, _DOCUMENT_KEY, Literal("mem://made")),
                                     Triple(made, CONTENT_HASH, Literal("0" * 64))])
    assert ("mem://made", "0" * 64) in store.document_hashes(), "a graph that becomes a document is seen"
