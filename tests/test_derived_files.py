"""Derived files: a keyed table read back from disk gives exactly what was written."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.graph.keyed_table import KeyedTable

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4).map(tuple) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=20), values, max_size=60), st.text(min_size=1, max_size=20))
def test_a_table_on_disk_reads_back_what_was_written(rows: dict[str, object], absent: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.sqlite"
        KeyedTable.write(path, rows)
        table: KeyedTable[object] = KeyedTable.open(path)
        for key, value in rows.items():
            assert table.get(key) == value
        if absent not in rows:
            assert table.get(absent) is None


def test_repeated_rows_share_the_dictionary(tmp_path: Path) -> None:
    rows = {f"artifact-{i}": {"iri": f"https://w3id.org/matchgraph/id/artifact/artifact-{i}",
                               "capabilities": tuple(f"https://w3id.org/matchgraph/concept/Task{i % 7}" for _ in range(5))}
            for i in range(2000)}
    KeyedTable.write(tmp_path / "t.sqlite", rows)
    import pickle

    raw = sum(len(pickle.dumps(v)) for v in rows.values())
    assert (tmp_path / "t.sqlite").stat().st_size < raw / 2


def test_a_pickled_value_reads_back_and_a_corrupt_one_is_rebuilt(tmp_path: Path) -> None:
    from matchgraph.graph.derived import DerivedFiles

    files = DerivedFiles(tmp_path, "v1")
    value = {"rows": [f"https://w3id.org/matchgraph/id/artifact/a{i % 50}" for i in range(5000)], "n": 3}
    assert files.pickled("big", lambda: value) == value
    stored = files.path("big.pkl")
    assert stored is not None
    import pickle

    assert len(stored.read_bytes()) * 10 < len(pickle.dumps(value)), "a large value is kept compressed"
    assert files.pickled("small", lambda: {"n": 1}) == {"n": 1}
    assert files.pickled("small", lambda: "rebuilt") == {"n": 1}
    assert files.path("small.pkl").read_bytes()[:1] == b"\x80", "a small one stays a plain pickle"  # type: ignore[union-attr]
    assert files.pickled("big", lambda: "rebuilt") == value  # read back, not rebuilt
    stored.write_bytes(stored.read_bytes()[:40])  # truncated
    assert files.pickled("big", lambda: "rebuilt") == "rebuilt"


def test_a_dictionary_holds_every_kind_of_row_of_a_periodic_table() -> None:
    """Tables repeat a period (each capability's two claims): a dictionary drawn every n-th
    row held one kind only when n was a multiple of it, and the other kind compressed badly.
    Every kind of row must pack about as small as the others."""
    from matchgraph.graph.keyed_table import DictCodec

    for period in (2, 3, 7):
        rows = [f"kind-{i % period}:{'xyz' * (i % period + 3)}|{i}".encode() for i in range(period * 300)]
        codec = DictCodec.trained(rows, bytes)
        sizes = {k: max(len(codec.pack(r)) for r in rows[k::period][:50]) for k in range(period)}
        assert max(sizes.values()) <= min(sizes.values()) + 4, (period, sizes)


def test_a_trained_dictionary_is_the_same_for_the_same_rows_and_makes_records_smaller() -> None:
    """Tables are written again after every load and lend rows by their compressed bytes,
    so training must depend on nothing but the rows; and it must pay for itself."""
    import random

    from matchgraph.graph.keyed_table import DictCodec

    rng = random.Random(3)
    words = ["capability", "extract", "text", "images", "model", "faster", "https://w3id.org/matchgraph/id/"]
    rows = [f'{{"iri": "https://w3id.org/matchgraph/id/{i}", "text": "{" ".join(rng.choices(words, k=12))}"}}'.encode()
            for i in range(2000)]
    first, second = DictCodec.trained(rows, bytes), DictCodec.trained(rows, bytes)
    assert first.zdict == second.zdict and len(first.zdict) <= DictCodec.SIZE
    plain = DictCodec()
    assert sum(len(first.pack(r)) for r in rows) < 0.6 * sum(len(plain.pack(r)) for r in rows)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.binary(max_size=400), min_size=1, max_size=20), st.binary(max_size=2000), st.booleans())
def test_each_packed_record_decompresses_alone_and_packs_to_the_same_bytes_again(
        records: list[bytes], zdict: bytes, train: bool) -> None:
    """Every record is a complete stream of its own, read back by a codec that has seen no
    other record, and the same record packs to the same bytes in a fresh codec (a later
    table lends rows by those bytes). Dictionaries: trained ones, and any raw bytes."""
    from matchgraph.graph.keyed_table import DictCodec

    codec = DictCodec.trained(records * 20, bytes) if train else DictCodec(zdict)
    for data in records:
        packed = codec.pack(data)
        assert DictCodec(codec.zdict).pack(data) == packed
        assert DictCodec(codec.zdict).unpack(packed) == data


def test_a_codec_packs_and_unpacks_from_several_threads_at_once() -> None:
    """A server's threads read one table's rows at once: each thread has its own zstd
    contexts, so no record comes back as another's; a pickled codec reads the same rows."""
    import pickle
    from concurrent.futures import ThreadPoolExecutor

    from matchgraph.graph.keyed_table import DictCodec

    rows = [f"row {i} ".encode() * (i % 40 + 1) for i in range(400)]
    codec = DictCodec.trained(rows, bytes)
    packed = [codec.pack(r) for r in rows]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(codec.unpack, packed * 5)) == rows * 5
        assert list(pool.map(codec.pack, rows * 5)) == packed * 5
    copy = pickle.loads(pickle.dumps(codec))
    assert copy.zdict == codec.zdict and [copy.unpack(p) for p in packed] == rows


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), values, max_size=30),
       st.dictionaries(st.text(min_size=1, max_size=12), values, max_size=30), st.randoms(use_true_random=False))
def test_a_table_written_after_an_earlier_one_copies_unchanged_rows_and_reads_back_its_own(
        earlier_rows: dict[str, object], changes: dict[str, object], rnd) -> None:  # type: ignore[no-untyped-def]
    """Rows the earlier version's table holds unchanged are copied, the rest encoded; the
    new table gives back exactly its own rows, in its own order."""
    later_rows = {k: v for k, v in earlier_rows.items() if rnd.random() < 0.7} | changes
    keys = list(later_rows)
    rnd.shuffle(keys)
    later_rows = {k: later_rows[k] for k in keys}
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "first.sqlite", Path(tmp) / "second.sqlite"
        assert KeyedTable.write(first, earlier_rows) == len(earlier_rows)
        encoded = KeyedTable.write(second, later_rows, earlier=first)
        table: KeyedTable[object] = KeyedTable.open(second)
        assert list(table.values()) == list(later_rows.values())
        for key, value in later_rows.items():
            assert table.get(key) == value
        import pickle

        same = sum(1 for k, v in later_rows.items()
                   if k in earlier_rows and pickle.dumps(earlier_rows[k], protocol=5) == pickle.dumps(v, protocol=5))
        assert encoded == len(later_rows) - same


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(min_size=16, max_size=16), max_size=40), st.lists(st.binary(min_size=16, max_size=16), max_size=40))
def test_find_digests_points_at_an_equal_digest_or_says_there_is_none(now: list[bytes], earlier: list[bytes]) -> None:
    import numpy as np

    from matchgraph.graph.digests import find_digests

    found = find_digests(np.array(now, dtype="S16"), np.array(earlier, dtype="S16"))
    assert len(found) == len(now)
    for digest, at in zip(now, found.tolist(), strict=True):
        if digest in earlier:
            assert at >= 0 and earlier[at] == digest
        else:
            assert at == -1


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_every_snapshot_record_pickles_to_an_equal_record(data: st.DataObject) -> None:
    """Records pickle as their field values in order (``queries.snapshot``); a field out of
    place would read back into the wrong attribute."""
    import dataclasses
    import pickle

    from matchgraph.queries import snapshot

    values = st.one_of(st.none(), st.text(max_size=8), st.integers(), st.booleans(),
                       st.tuples(st.text(max_size=4)))
    for name in snapshot.__all__:
        cls = getattr(snapshot, name)
        record = cls(**{f.name: data.draw(values) for f in dataclasses.fields(cls)})
        back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is cls
        assert all(getattr(back, f.name) == getattr(record, f.name) for f in dataclasses.fields(cls))


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_records_are_built_as_their_dataclass_declares(data: st.DataObject) -> None:
    """Records fill their slots directly (``queries.snapshot``): every field is set from
    its argument, by position or by name, an omitted one takes its declared default, a
    missing required one is refused, and the record stays frozen and hashable."""
    import dataclasses

    from matchgraph.queries import snapshot

    values = st.one_of(st.none(), st.text(max_size=8), st.integers(), st.tuples(st.text(max_size=4)))
    for name in snapshot.__all__:
        cls = getattr(snapshot, name)
        if name == "GraphSnapshot":
            continue
        fields = dataclasses.fields(cls)
        given_values = [data.draw(values) for _ in fields]
        by_position = cls(*given_values)
        by_name = cls(**{f.name: v for f, v in zip(fields, given_values)})
        assert [getattr(by_position, f.name) for f in fields] == given_values
        assert by_position == by_name and hash(by_position) == hash(by_name)
        required = [f for f in fields if f.default is dataclasses.MISSING]
        least = cls(*given_values[: len(required)])
        assert all(getattr(least, f.name) == f.default for f in fields[len(required):])
        with pytest.raises(TypeError):
            cls()
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(by_position, fields[0].name, "changed")


def _unshared(value: object) -> object:
    """An equal value in which every string is an object of its own."""
    if isinstance(value, str):
        return "".join(list(value)) if len(value) > 1 else value
    if isinstance(value, tuple):
        return tuple(_unshared(v) for v in value)
    if isinstance(value, dict):
        return {_unshared(k): _unshared(v) for k, v in value.items()}
    return value


flat = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=5).map(tuple), max_leaves=16)


@settings(max_examples=200, deadline=None)
@given(flat, flat, st.text(min_size=2, max_size=12))
def test_content_digests_follow_values_not_which_objects_are_shared(a: object, b: object, word: str) -> None:
    from matchgraph.graph.digests import content_digest

    # The same string object twice, and two equal objects: one digest.
    shared = (word, word, a)
    assert content_digest(shared) == content_digest(_unshared(shared)) == content_digest((word, "".join(list(word)), a))
    if repr(a) != repr(b):  # values that differ (1 and 1.0 and True differ too) digest differently
        assert content_digest(a) != content_digest(b)
    else:
        assert content_digest(a) == content_digest(b)


@settings(max_examples=100, deadline=None)
@given(st.lists(flat, max_size=20))
def test_many_digests_at_once_are_each_values_own_digest(values: list[object]) -> None:
    from matchgraph.graph.digests import content_digest, content_digests

    # Shared objects across values change nothing either: each value's bytes stand alone;
    # more values than one run of the shared buffer holds.
    values = values * 5 + values[:3]
    assert content_digests(values).tolist() == [content_digest(v).rstrip(b"\0") for v in values]
    assert content_digests(iter(values)).dtype == "S16"
