"""Per-document queries answered graph by graph, and the answers kept between snapshots.

A :attr:`~matchgraph.queries.library.sparql.SparqlQuery.per_document` query is run with
``?doc`` bound to each document graph in turn, so oxigraph's joins hold one document, not
the whole store (see that attribute).

Its answer over one graph depends only on the query and that graph, and a document graph
never changes in place: a new version of a document replaces the graph and its content
hash. So :class:`DocumentAnswers` keeps the rows of each (query, graph, content hash) in an
SQLite file beside the store, and the snapshot after a load of a few documents into a large
store queries only those; the other documents' rows are read back.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from pyoxigraph import NamedNode, Store, Variable

from matchgraph.errors import QueryError
from matchgraph.graph.digests import int64_key
from matchgraph.graph.keyed_table import DictCodec
from matchgraph.graph.sparql_values import iter_rows
from matchgraph.graph.document_markers import Graph, document_graphs
from matchgraph.queries.library.sparql import SparqlQuery

__all__ = ["DocumentAnswers", "answerer", "per_document_rows", "per_document_values", "pickled_rows",
           "pickled_values"]

FORMAT = 1
"""Bump when the rows' Python values change (how :mod:`~matchgraph.graph.sparql_values`
reads terms): kept answers of other formats are then never read."""
_WRITE_EVERY = 500
"""Documents' answers written per transaction."""
_READ_EVERY = 500
"""Documents' kept answers read per statement (under SQLite's 32,766 bound parameters)."""

Row = dict[str, object]
Values = tuple[tuple[str, ...], list[tuple[object, ...]]]
"""One document's rows as column names and one tuple of values per row (as they are kept)."""
def answerer(store: Store, query: SparqlQuery) -> Callable[[NamedNode], list[Row]]:
    """A function giving ``query``'s rows over one document graph of ``store``."""
    text, doc = query.one_document_text, Variable("doc")

    def answer(graph: NamedNode) -> list[Row]:
        try:
            solutions = store.query(text, use_default_graph_as_union=True, substitutions={doc: graph})
        except (SyntaxError, OSError) as e:
            raise QueryError(f"{query.name}: {e}") from e
        rows = list(iter_rows(solutions))  # type: ignore[arg-type]  # a SELECT answers solutions
        for row in rows:
            del row["doc"]
        return rows

    return answer


def per_document_rows(store: Store, query: SparqlQuery, answers: DocumentAnswers | None = None,
                      graphs: Sequence[Graph] | None = None) -> Iterator[Row]:
    """``query``'s rows over the whole store, one document graph at a time (from
    ``answers`` where they hold the graph's current content); ``graphs`` is
    :func:`document_graphs`, when the caller asks several queries of one state."""
    for columns, values in _per_document(store, query, answers, graphs):
        yield from map(dict, map(zip, repeat(columns), values))


def per_document_values(store: Store, query: SparqlQuery, names: tuple[str, ...],
                        answers: DocumentAnswers | None = None,
                        graphs: Sequence[Graph] | None = None) -> Iterator[tuple[object, ...]]:
    """:func:`per_document_rows` as tuples of the values of ``names``, in that order (None
    for a variable a row leaves unbound).

    What a whole-store reader such as the snapshot takes: a kept document's rows are read
    back as tuples already, and a dict per row (7 million at 100,000 artifacts) was a fifth
    of a snapshot's time.

    Raises:
        QueryError: ``names`` holds a name that is not one of the query's variables.
    """
    for columns, values in _per_document(store, query, answers, graphs):
        yield from values if columns == names else _in_order(query, columns, values, names)


def _per_document(store: Store, query: SparqlQuery, answers: DocumentAnswers | None,
                  graphs: Sequence[Graph] | None) -> Iterator[Values]:
    answer = answerer(store, query)
    graphs = document_graphs(store) if graphs is None else graphs
    if answers is None:
        for graph, _ in graphs:
            yield _values(answer(graph))
    else:
        yield from answers.documents(query, graphs, answer)


def _values(rows: list[Row]) -> Values:
    """Rows that share their keys as (columns, value tuples)."""
    return (tuple(rows[0]) if rows else (), [tuple(r.values()) for r in rows])


def _in_order(query: SparqlQuery, columns: tuple[str, ...], values: list[tuple[object, ...]],
              names: tuple[str, ...]) -> Iterator[tuple[object, ...]]:
    """``values`` (rows of ``columns``) as tuples of ``names``' values."""
    if not values:
        return iter(())
    unknown = [n for n in names if n not in columns]
    if unknown:
        raise QueryError(f"{query.name} has no variable {', '.join(unknown)}")
    pick = itemgetter(*(columns.index(n) for n in names))
    if len(names) == 1:
        return ((pick(v),) for v in values)
    return map(pick, values)


class DocumentAnswers:
    """Rows of per-document queries by (query, document graph, content hash), in SQLite.

    Each document's rows are compressed with a dictionary trained on the first documents' rows
    of the same query (:class:`~matchgraph.graph.keyed_table.DictCodec`): the IRI prefixes and
    words every document repeats are stored once (a third less than without it). Queries and
    graph IRIs are stored once and rows refer to them by number, and a content hash is kept
    as a 64-bit digest (it is only ever compared with the same graph's current one): the
    keys were a quarter of the file at 100,000 artifacts.

    Best effort: a file that cannot be opened or written (read-only, locked by another
    build for over a minute, corrupt) means answers are computed, never an error.
    """

    def __init__(self, db: sqlite3.Connection | None) -> None:
        self._db = db

    @classmethod
    @contextmanager
    def open(cls, path: Path) -> Iterator[DocumentAnswers]:
        db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=60)
            _create(db)
        except (sqlite3.Error, OSError):
            if db is not None:
                db.close()
            db = None
        try:
            yield cls(db)
        finally:
            if db is not None:
                _reclaim(db)
                db.close()

    def rows(self, query: SparqlQuery, graphs: Sequence[Graph], answer: Callable[[NamedNode], list[Row]]) -> Iterator[Row]:
        """The rows of ``query`` over ``graphs`` (:meth:`documents`), as dicts."""
        for columns, values in self.documents(query, graphs, answer):
            yield from map(dict, map(zip, repeat(columns), values))

    def documents(self, query: SparqlQuery, graphs: Sequence[Graph],
                  answer: Callable[[NamedNode], list[Row]]) -> Iterator[Values]:
        """Each of ``graphs``' rows of ``query`` as (columns, value tuples): kept ones
        where the content hash still matches, ``answer(graph)`` (then kept) for the others;
        kept rows of graphs no longer in the store are dropped.

        Kept rows are read :data:`_READ_EVERY` documents per statement, not one statement
        per document (450,000 of them for a snapshot at 100,000 artifacts); each window is
        read whole before anything is written or yielded."""
        key = _key(query)
        codec = self._codec(key)
        kept = self._kept(key) if codec is not None else {}
        pending: list[tuple[str, str, bytes]] = []
        for start in range(0, len(graphs), _READ_EVERY):
            window = graphs[start:start + _READ_EVERY]
            current = {graph.value: found[0] for graph, content_hash in window
                       if content_hash is not None and (found := kept.get(graph.value)) is not None
                       and found[1] == int64_key(content_hash)}
            bodies = self._bodies(codec[0], list(current.values())) if codec is not None and current else {}
            for graph, content_hash in window:
                body = bodies.get(current.get(graph.value, -1))
                found = None if body is None or codec is None else _decoded(body, codec[1])
                if found is None:
                    found = _values(answer(graph))
                    if content_hash is not None:
                        pending.append((graph.value, content_hash, pickled_values(*found)))
                    if len(pending) >= _WRITE_EVERY:
                        codec = self._write(key, codec, pending, set())
                        pending = []
                yield found
        self._write(key, codec, pending, set(kept) - {g.value for g, _ in graphs})

    @property
    def usable(self) -> bool:
        """Whether answers can be kept (the file opened and nothing has failed)."""
        return self._db is not None

    def missing(self, queries: Sequence[SparqlQuery], graphs: Sequence[Graph]) -> list[tuple[str, str]]:
        """(graph, content hash) of the finished documents whose rows some of ``queries``
        lacks (every one when nothing can be kept)."""
        lacking: set[str] = set()
        for query in queries:
            key = _key(query)
            kept = self._kept(key) if self._codec(key) is not None else {}
            lacking |= {g.value for g, h in graphs
                        if h is not None and (g.value not in kept or kept[g.value][1] != int64_key(h))}
        return [(g.value, h) for g, h in graphs if g.value in lacking and h is not None]

    def keep(self, query: SparqlQuery, entries: list[tuple[str, str, bytes]]) -> None:
        """Keep rows computed elsewhere: (graph, content hash, :func:`pickled_rows`)."""
        key = _key(query)
        self._write(key, self._codec(key), entries, set())

    def _codec(self, key: str) -> tuple[int, DictCodec] | None:
        """The query's number and dictionary, if it has kept any answers."""
        if self._db is None:
            return None
        try:
            found = self._db.execute("SELECT id, zdict FROM queries WHERE name = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._db = None
            return None
        return None if found is None else (found[0], DictCodec(found[1]))

    def _kept(self, key: str) -> dict[str, tuple[int, int]]:
        """Graph IRI -> (graph number, content digest) of the query's kept answers."""
        assert self._db is not None
        try:
            return {iri: (graph, digest) for iri, graph, digest in self._db.execute(
                "SELECT g.iri, a.graph, a.digest FROM answers a JOIN queries q ON q.id = a.query "
                "JOIN graphs g ON g.id = a.graph WHERE q.name = ?", (key,))}
        except sqlite3.Error:
            self._db = None
            return {}

    def _bodies(self, query: int, graphs: list[int]) -> dict[int, bytes]:
        """Graph number -> kept (compressed) rows of ``query``, for those of ``graphs`` kept."""
        if self._db is None:
            return {}
        marks = ",".join("?" * len(graphs))  # placeholders only: the numbers are bound
        try:
            return dict(self._db.execute(f"SELECT graph, body FROM answers WHERE query = ? AND graph IN ({marks})",
                                         (query, *graphs)).fetchall())
        except sqlite3.Error:
            return {}

    def _write(self, key: str, codec: tuple[int, DictCodec] | None, entries: list[tuple[str, str, bytes]],
               gone: set[str]) -> tuple[int, DictCodec] | None:
        """Keep ``entries`` (graph, hash, pickled rows) and forget ``gone``; the first
        entries of a query train its dictionary. Returns the query's number and codec."""
        if self._db is None or not (entries or gone):
            return codec
        codec = codec or self._codec(key)  # another build may have trained one meanwhile
        if self._db is None:
            return None
        db = self._db
        try:
            with db:
                if codec is None:
                    trained = DictCodec.trained([raw for _, _, raw in entries], bytes)
                    db.execute("INSERT INTO queries (name, zdict) VALUES (?, ?) ON CONFLICT (name) "
                               "DO UPDATE SET zdict = excluded.zdict", (key, trained.zdict))
                    (number,) = db.execute("SELECT id FROM queries WHERE name = ?", (key,)).fetchone()
                    db.execute("DELETE FROM answers WHERE query = ?", (number,))
                    codec = (number, trained)
                number, packer = codec
                db.executemany("INSERT OR IGNORE INTO graphs (iri) VALUES (?)", ((g,) for g, _, _ in entries))
                db.executemany(
                    "INSERT OR REPLACE INTO answers VALUES (?, (SELECT id FROM graphs WHERE iri = ?), ?, ?)",
                    ((number, graph, int64_key(h), packer.pack(raw)) for graph, h, raw in entries))
                for iri in gone:
                    db.execute("DELETE FROM answers WHERE query = ? AND graph = (SELECT id FROM graphs WHERE iri = ?)",
                               (number, iri))
                    db.execute("DELETE FROM graphs WHERE iri = ?1 AND NOT EXISTS (SELECT 1 FROM queries q "
                               "JOIN answers a ON a.query = q.id AND a.graph = graphs.id)", (iri,))
        except sqlite3.Error:
            self._db = None
        return codec


RECLAIM_SHARE = 0.1
"""Free pages (answers of replaced or removed documents) above this share of the file are
given back (``VACUUM``) when the file is closed: 43 of 222 MiB at 100,000 artifacts."""


def _reclaim(db: sqlite3.Connection) -> None:
    """Give free pages back to the file system when they are many (best effort: another
    process reading the file at that moment leaves it for the next close)."""
    try:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
        if free * size > 2**20 and free > RECLAIM_SHARE * pages:
            db.execute("VACUUM")
    except sqlite3.Error:
        pass


_SCHEMA = 5
"""``PRAGMA user_version`` of the file's layout; a file of another layout starts empty (5: zstd;
4 kept each row as a dict)."""


_PAGE = 16384
"""Bytes of the file's pages. A document's capability rows compress to about 2.2 KB: two
did not fit a 4 KB page, so pages were left half empty (29.6 MB instead of 18 MB at 10,000
artifacts)."""


def _create(db: sqlite3.Connection) -> None:
    if db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA:
        with db:
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                db.execute(f'DROP TABLE "{table}"')  # our own tables of an older layout
        if db.execute("PRAGMA page_size").fetchone()[0] != _PAGE:
            db.execute(f"PRAGMA page_size = {_PAGE}")  # a new file's, or by the VACUUM
            db.execute("VACUUM")
        db.execute(f"PRAGMA user_version = {_SCHEMA}")
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS queries (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                   "zdict BLOB NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS graphs (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE)")
        # A rowid table (rows appended in order, the key in a small index): WITHOUT ROWID
        # keeps the bodies in the key's B-tree, whose page splits left it 1.7 times larger.
        db.execute("CREATE TABLE IF NOT EXISTS answers (query INTEGER NOT NULL, graph INTEGER NOT NULL, "
                   "digest INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (query, graph))")
    if len(db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()) != 3:
        raise sqlite3.DatabaseError("unexpected tables")


def _key(query: SparqlQuery) -> str:
    return f"{query.name}-{FORMAT}-{hashlib.sha256(query.one_document_text.encode()).hexdigest()[:16]}"


def pickled_rows(rows: list[Row]) -> bytes:
    """Rows (dicts with the same keys) as kept: the column names once, each row's values."""
    return pickled_values(*_values(rows))


def pickled_values(columns: tuple[str, ...], values: list[tuple[object, ...]]) -> bytes:
    """:func:`pickled_rows` of rows given as ``columns`` and one tuple of values per row.

    Not the row dicts themselves, though pickle would build them back in C: the names in
    every row made the file 60 % larger (301 MB against 187 MB at 100,000 artifacts) for
    a few seconds of a snapshot."""
    return pickle.dumps((columns if values else (), values), protocol=pickle.HIGHEST_PROTOCOL)


def _decoded(body: bytes, codec: DictCodec) -> Values | None:
    """Kept rows from their stored bytes (None: unreadable, so answered again)."""
    try:
        return _unpickled(codec.unpack(body))
    except Exception:  # noqa: BLE001 - an unreadable entry is answered again
        return None


def _unpickled(raw: bytes) -> Values:
    columns, values = pickle.loads(raw)  # noqa: S301 - our own file beside our own store
    if values and len(values[0]) != len(columns):
        raise ValueError("kept answers of another layout")
    return tuple(columns), values
