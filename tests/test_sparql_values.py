"""SPARQL solutions as Python values: every typed literal converts by its datatype's local
name, whichever namespace, and the remembered converters never change an answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store

from matchgraph.graph.sparql_values import iter_rows, iter_values, python_value, variables

XSD = "http://www.w3.org/2001/XMLSchema#"
_LOCAL = ["integer", "int", "long", "double", "decimal", "float", "boolean", "string", "date", "anyURI"]
_NAMESPACES = [XSD, "http://example.org/types#", "urn:t:"]


def _expected(lexical: str, datatype: str) -> object:
    """The conversion as the module documents it, written out plainly."""
    name = datatype.rsplit("#", 1)[-1]
    if name in ("integer", "int", "long"):
        return int(lexical)
    if name in ("double", "decimal", "float"):
        return float(lexical)
    if name == "boolean":
        return lexical == "true"
    return lexical


_numbers = st.integers(min_value=-10**12, max_value=10**12)


@st.composite
def literals(draw: st.DrawFn) -> tuple[Literal, str]:
    datatype = draw(st.sampled_from(_NAMESPACES)) + draw(st.sampled_from(_LOCAL))
    name = datatype.rsplit("#", 1)[-1]
    if name in ("integer", "int", "long"):
        lexical = str(draw(_numbers))
    elif name in ("double", "decimal", "float"):
        lexical = repr(float(draw(_numbers)) / 7)
    elif name == "boolean":
        lexical = draw(st.sampled_from(["true", "false"]))
    else:
        lexical = draw(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))
    return Literal(lexical, datatype=NamedNode(datatype)), datatype


@settings(max_examples=300, deadline=None)
@given(st.lists(literals(), min_size=1, max_size=20))
def test_a_literal_converts_by_its_datatype_every_time(found: list[tuple[Literal, str]]) -> None:
    for _ in range(2):  # the second pass reads the remembered converters
        for literal, datatype in found:
            # The store's canonical lexical form is what a query gives back.
            assert python_value(literal) == _expected(literal.value, datatype)


def test_other_terms() -> None:
    assert python_value(NamedNode("http://example.org/a")) == "http://example.org/a"
    assert python_value(Literal("chat", language="fr")) == "chat"
    assert python_value(DefaultGraph()) is None
    assert python_value(BlankNode("b1")) == "_:b1"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.one_of(st.none(), st.integers(-50, 50))), max_size=15))
def test_values_and_rows_agree_with_unbound_as_none(rows: list[tuple[int, int | None]]) -> None:
    store = Store()
    ex = "http://example.org/"
    for subject, value in rows:
        store.add(Quad(NamedNode(f"{ex}s{subject}"), NamedNode(f"{ex}p"), NamedNode(f"{ex}o")))
        if value is not None:
            store.add(Quad(NamedNode(f"{ex}s{subject}"), NamedNode(f"{ex}v"), Literal(str(value), datatype=NamedNode(XSD + "integer"))))
    query = f"SELECT ?s ?v WHERE {{ ?s <{ex}p> ?o OPTIONAL {{ ?s <{ex}v> ?v }} }} ORDER BY ?s ?v"
    values = list(iter_values(store.query(query)))
    names = variables(store.query(query))
    assert names == ["s", "v"]
    assert [dict(zip(names, v)) for v in values] == list(iter_rows(store.query(query)))
    held: dict[str, set[int]] = {}
    for subject, value in rows:
        held.setdefault(f"{ex}s{subject}", set()).update(() if value is None else (value,))
    expected = sorted((s, v) for s, vs in held.items() for v in (vs or {None}))
    assert sorted(values, key=lambda r: (r[0], -10**9 if r[1] is None else r[1])) == sorted(
        expected, key=lambda r: (r[0], -10**9 if r[1] is None else r[1]))
