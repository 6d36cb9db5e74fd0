"""A need index built after a small change lends from the earlier one only what did not
change (directions, encoded records) and is exactly the index a full build makes."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_need_store import NEEDS, big_snapshot

from matchgraph.queries.need import scoring as ns
from matchgraph.queries.need.match import NeedIndex
from matchgraph.queries.need.records import capability_digests, record_digest
from matchgraph.queries.need.store import open_need_index, write_need_index
from matchgraph.queries.snapshot import CapabilityRecord, ClaimRecord, GraphSnapshot


def _changed(snapshot: GraphSnapshot, edited: int, dropped: int) -> GraphSnapshot:
    """The snapshot with capability ``edited`` re-described and capability ``dropped`` gone."""
    caps = list(snapshot.capabilities)
    caps[edited] = dataclasses.replace(caps[edited], description="reads text aloud from subtitles")
    del caps[dropped]
    return dataclasses.replace(snapshot, capabilities=tuple(caps))


def _records(folder: Path) -> list[tuple[object, ...]]:
    index = open_need_index(folder)
    caps = list(index.records.capabilities)
    return [(c, index.records.claims(i)) for i, c in enumerate(caps)] + list(index.records.artifacts)


def test_an_index_after_a_small_change_equals_a_full_build_and_encodes_only_the_changes(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = big_snapshot(60)
    after = _changed(big_snapshot(60, extra=3), edited=7, dropped=20)
    earlier = write_need_index(NeedIndex.build(before), tmp_path / "before")

    inferred: list[str] = []
    real = ns._capability_direction
    monkeypatch.setattr(ns, "_capability_direction", lambda cap, concepts: inferred.append(cap.iri) or real(cap, concepts))
    lent = NeedIndex.build(after, previous=open_need_index(earlier))
    assert sorted(inferred) == sorted(["urn:cap:2:1"] + [f"urn:cap:{i}:{j}" for i in (60, 61, 62) for j in range(3)]), \
        "only new and changed capabilities are read for their direction"
    monkeypatch.setattr(ns, "_capability_direction", real)
    full = NeedIndex.build(after)
    for name in ("inputs", "outputs", "state"):
        assert np.array_equal(getattr(lent.directions, name), getattr(full.directions, name))

    written = write_need_index(lent, tmp_path / "after", previous=earlier)
    rebuilt = write_need_index(full, tmp_path / "full")
    assert _records(written) == _records(rebuilt)
    with sqlite3.connect(written / "records.sqlite") as db:
        zdict = db.execute("SELECT value FROM blobs WHERE name = 'zdict'").fetchone()[0]
    with sqlite3.connect(earlier / "records.sqlite") as db:
        assert zdict == db.execute("SELECT value FROM blobs WHERE name = 'zdict'").fetchone()[0], \
            "rows copied as compressed bytes keep the dictionary they were compressed with"
    for need in NEEDS:
        ours = open_need_index(written).search(need, top=10)
        theirs = open_need_index(rebuilt).search(need, top=10)
        assert [(r.slug, r.score) for r in ours.results] == [(r.slug, r.score) for r in theirs.results]


def test_only_new_and_changed_rows_are_encoded_and_pages_stay_full(tmp_path: Path) -> None:
    from matchgraph.queries.need.explain import claims_by_capability
    from matchgraph.queries.need.records import EarlierRecords, NeedRecords, artifact_digests, write_records

    before, after = big_snapshot(400), _changed(big_snapshot(400, extra=2), edited=3, dropped=9)
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    before_claims, after_claims = claims_by_capability(before.claims), claims_by_capability(after.claims)
    assert write_records(first, before.artifacts, before.capabilities, before_claims) \
        == len(before.artifacts) + len(before.capabilities)
    earlier = EarlierRecords(first, artifact_digests(before.artifacts),
                             capability_digests(before.capabilities, before_claims))
    encoded = write_records(second, after.artifacts, after.capabilities, after_claims, earlier=earlier)
    assert encoded == 2 + 6 + 1  # two new artifacts, their six capabilities, one edited one
    stored = NeedRecords.open(second)
    assert list(stored.capabilities) == list(after.capabilities)
    assert list(stored.artifacts) == list(after.artifacts)
    assert [stored.claims(i) for i in range(len(after.capabilities))] == \
        [after_claims.get(c.iri, ()) for c in after.capabilities]
    full = tmp_path / "full.sqlite"
    write_records(full, after.artifacts, after.capabilities, after_claims)
    assert second.stat().st_size <= full.stat().st_size * 1.05, "rows copied in order: no half-empty pages"
    unreadable = tmp_path / "unreadable.sqlite"
    unreadable.write_bytes(b"not a database")
    broken = EarlierRecords(unreadable, earlier.artifacts, earlier.capabilities)
    assert write_records(tmp_path / "third.sqlite", after.artifacts, after.capabilities, after_claims,
                         earlier=broken) == len(after.artifacts) + len(after.capabilities), \
        "an unreadable earlier file only means no reuse"


words = st.sampled_from(["reads", "text", "images", "speech", "writes", "code", "from", "to", "aloud", "scans"])
capability = st.builds(lambda n, d, k: CapabilityRecord(f"urn:{k}", f"a{k % 5}", " ".join(d), name=" ".join(n)),
                       st.lists(words, max_size=3), st.lists(words, min_size=1, max_size=6), st.integers(0, 40))


@settings(max_examples=60, deadline=None)
@given(st.lists(capability, max_size=25, unique_by=lambda c: c.iri), st.lists(capability, max_size=25, unique_by=lambda c: c.iri))
def test_lent_directions_are_the_directions_a_full_build_infers(earlier: list[CapabilityRecord],
                                                                 later: list[CapabilityRecord]) -> None:
    build = lambda caps: NeedIndex.build(GraphSnapshot(capabilities=tuple(caps)))  # noqa: E731
    lent = NeedIndex.build(GraphSnapshot(capabilities=tuple(later)), previous=build(earlier))
    full = build(later)
    for name in ("inputs", "outputs", "state"):
        assert np.array_equal(getattr(lent.directions, name), getattr(full.directions, name))


def test_equal_content_has_equal_digests_whatever_shares_its_strings() -> None:
    text = "".join(["reads ", "receipts"])  # a string object of its own
    a = CapabilityRecord("urn:1", "x", text, name=text)
    b = CapabilityRecord("urn:1", "x", "reads receipts", name="reads receipts")
    claim = ClaimRecord("urn:c", "x", "faster_than", "for", capability="urn:1")
    assert record_digest((a, (claim,))) == record_digest((b, (claim,)))
    assert record_digest((a, ())) != record_digest((a, (claim,)))
    assert capability_digests([a, b], {}).dtype == np.dtype("S16")
