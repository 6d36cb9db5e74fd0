"""The embedded store answers a ``per_document`` query one document graph at a time (so its
memory is one document's, not the whole store's joins); the answer must be the one the
whole-store query gives, row for row, or the snapshot would silently change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from conftest import DATA
from matchgraph.graph.embedded import OxigraphStore
from matchgraph.graph.sparql_values import iter_rows
from matchgraph.loaders.dispatch import iter_document_paths, read_document
from matchgraph.loaders.pipeline import prepare
from matchgraph.queries.library import sparql as q
from matchgraph.queries.library import artifact_rows
from matchgraph.queries.library import sparql_snapshot as qs

PER_DOCUMENT = [v for module in (q, qs, artifact_rows) for v in vars(module).values()
                if isinstance(v, q.SparqlQuery) and v.per_document]
_CONCATENATED = {"others": " ", "classes": "\x1f"}


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphStore]:
    opened = OxigraphStore(None)
    result = opened.load([prepare(read_document(p)) for p in iter_document_paths([DATA])])
    assert result.ok and len(result.loaded) >= 10, result.failed
    yield opened
    opened.close()


def _normalised(rows: Iterator[dict[str, object]]) -> Counter[tuple[tuple[str, object], ...]]:
    """Rows as a multiset; GROUP_CONCAT columns as sorted tuples (their order is not fixed)."""
    out: Counter[tuple[tuple[str, object], ...]] = Counter()
    for row in rows:
        out[tuple(sorted(
            (k, tuple(sorted(str(v or "").split(_CONCATENATED[k]))) if k in _CONCATENATED else v)
            for k, v in row.items()
        ))] += 1
    return out


def test_the_snapshot_reads_its_big_tables_document_by_document() -> None:
    assert set(qs.PER_DOCUMENT) == set(PER_DOCUMENT)  # what worker processes answer ahead
    names = {query.name for query in PER_DOCUMENT}
    assert {"snapshot_capabilities", "snapshot_capability_links", "snapshot_claims",
            "snapshot_observations"} <= names


@pytest.mark.parametrize("query", PER_DOCUMENT, ids=lambda query: query.name)
def test_graph_by_graph_answers_what_the_whole_store_answers(store: OxigraphStore, query: q.SparqlQuery) -> None:
    whole = _normalised(iter_rows(store._solutions(query, {})))
    by_document = _normalised(store.iter_select(query))
    assert whole, f"{query.name} answers nothing over data/: the comparison proves nothing"
    assert by_document == whole


def test_a_whole_store_query_has_no_one_document_form() -> None:
    with pytest.raises(ValueError, match="not answered document by document"):
        _ = q.STATS.one_document_text
