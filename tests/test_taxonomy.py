"""The one taxonomy object (ontology/taxonomy.py) that the scheme, the match engine and need
matching all walk: its closures agree with each other and with a plain graph search, on any
broader links, cycles included."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.loaders.concepts import ConceptScheme
from matchgraph.ontology.taxonomy import Taxonomy

links = st.lists(
    st.tuples(st.integers(0, 11), st.lists(st.integers(0, 14), max_size=3)), max_size=12
)


def _taxonomy(spec: list[tuple[int, list[int]]]) -> Taxonomy:
    return Taxonomy.build((f"c{i}", tuple(f"c{p}" for p in ps)) for i, ps in spec)


@settings(max_examples=200, deadline=None)
@given(spec=links)
def test_ancestors_are_what_a_graph_search_reaches(spec: list[tuple[int, list[int]]]) -> None:
    t = _taxonomy(spec)
    g = nx.DiGraph()
    g.add_nodes_from(range(t.size))
    g.add_edges_from((k, p) for k, ps in enumerate(t.parents) for p in ps)
    for k in range(t.size):
        assert set(t.ancestors(k).tolist()) == nx.descendants(g, k) | {k}
        assert list(t.ancestors(k)) == sorted(t.ancestors(k))


@settings(max_examples=200, deadline=None)
@given(spec=links)
def test_descendants_mirror_ancestors_with_shortest_depth(spec: list[tuple[int, list[int]]]) -> None:
    t = _taxonomy(spec)
    g = nx.DiGraph((p, k) for k, ps in enumerate(t.parents) for p in ps)
    for a in range(t.size):
        ids, depth = t.descendants(a)
        assert {int(i) for i in ids} == {b for b in range(t.size) if a in t.ancestors(b)}
        expected = nx.single_source_shortest_path_length(g, a) if a in g else {a: 0}
        assert dict(zip(ids.tolist(), depth.tolist(), strict=True)) == expected


def test_unlisted_parents_are_added_or_dropped() -> None:
    added = Taxonomy.build([("a", ("b",))])
    assert added.iris == ("a", "b") and added.parents == ((1,), ())
    dropped = Taxonomy.build([("a", ("b",))], add_unlisted=False)
    assert dropped.iris == ("a",) and dropped.parents == ((),)


def test_the_scheme_walks_the_same_taxonomy() -> None:
    scheme = ConceptScheme.load()
    t = scheme.taxonomy
    for concept in scheme:
        k = t.id_of[concept.iri]
        assert scheme.ancestors(concept.iri) == {t.iris[a] for a in t.ancestors(k)} - {concept.iri}
        assert set(concept.narrower) == {t.iris[c] for c in t.children[k]}


@settings(max_examples=100, deadline=None)
@given(spec=links)
def test_stored_arrays_give_back_the_same_taxonomy(spec: list[tuple[int, list[int]]]) -> None:
    t = _taxonomy(spec)
    back = Taxonomy.from_arrays(t.iris, t.arrays())
    assert back.iris == t.iris and back.parents == t.parents
    assert back.children == t.children
    for k in range(t.size):
        assert back.ancestors(k).tolist() == t.ancestors(k).tolist()
