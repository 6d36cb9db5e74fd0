"""A BM25 index built by lending an earlier index's postings holds exactly the weights a
build from scratch holds, and tokenises only the texts the earlier index did not hold."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.queries.need import bm25 as bm25_module
from matchgraph.queries.need.bm25 import SparseBM25

WORDS = ["reads", "text", "images", "speech", "writes", "code", "from", "aloud", "scans", "tables", "pdf", "ocr"]


def _weights(index: SparseBM25) -> tuple[dict[tuple[str, int], float], dict[str, float]]:
    """(term, document) -> weight, and term -> IDF: what scores depend on, whatever the
    term numbering."""
    term_of = {t: w for w, t in index.vocab.items()}
    postings = {}
    for t, word in term_of.items():
        lo, hi = int(index.indptr[t]), int(index.indptr[t + 1])
        docs = index.indices[lo:hi]
        assert (np.diff(docs) > 0).all(), "each term's documents ascend (scores_for searches them)"
        postings |= {(word, int(d)): float(w) for d, w in zip(docs, index.data[lo:hi])}
    return postings, {word: float(index.idf[t]) for t, word in term_of.items()}


def _same_as_full_build(texts: list[str], earlier: SparseBM25) -> SparseBM25:
    lent = SparseBM25.build(iter(texts), len(texts), earlier=earlier)
    full = SparseBM25.build(iter(texts), len(texts))
    assert _weights(lent) == _weights(full)
    assert lent.lendable is not None and full.lendable is not None
    for part in ("lengths", "keys"):
        assert np.array_equal(getattr(lent.lendable, part), getattr(full.lendable, part))
    assert lent.n_docs == full.n_docs
    for query in (["text", "read"], ["ocr", "pdf", "tabl"], ["nothing"]):
        assert np.array_equal(lent.scores(lent.term_ids(query)), full.scores(full.term_ids(query)))
    return lent


text = st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(text, min_size=1, max_size=30), st.data())
def test_a_lent_build_holds_the_weights_of_a_full_build(earlier_texts: list[str], data: st.DataObject) -> None:
    later = list(earlier_texts)
    for _ in range(data.draw(st.integers(0, 6))):  # insert, drop, replace, duplicate, reorder
        op = data.draw(st.sampled_from(["insert", "drop", "replace", "twin", "shuffle"]))
        if op == "insert":
            later.insert(data.draw(st.integers(0, len(later))), data.draw(text) + " novel")
        elif op == "drop" and len(later) > 1:
            del later[data.draw(st.integers(0, len(later) - 1))]
        elif op == "replace":
            later[data.draw(st.integers(0, len(later) - 1))] = data.draw(text)
        elif op == "twin":
            later.insert(data.draw(st.integers(0, len(later))), data.draw(st.sampled_from(earlier_texts)))
        elif op == "shuffle":
            later = data.draw(st.permutations(later))
    _same_as_full_build(later, SparseBM25.build(iter(earlier_texts), len(earlier_texts)))


def _tokenised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = bm25_module.encode_corpus

    def recording(texts, vocab, chunk=20_000):  # type: ignore[no-untyped-def]
        texts = list(texts)
        seen.extend(texts)
        return real(texts, vocab, chunk)

    monkeypatch.setattr(bm25_module, "encode_corpus", recording)
    return seen


def test_only_new_and_changed_texts_are_tokenised(monkeypatch: pytest.MonkeyPatch) -> None:
    before = [f"reads text from scans page {i}" for i in range(50)]
    earlier = SparseBM25.build(iter(before), len(before))
    after = before[:10] + ["writes code aloud"] + before[11:30] + before[31:] + ["ocr of tables in pdf"]
    seen = _tokenised(monkeypatch)
    _same_as_full_build(after, earlier)
    lent_call = seen[: len(seen) - len(after)]  # the full build beside it tokenises everything
    assert lent_call == ["writes code aloud", "ocr of tables in pdf"]


def test_frequencies_the_weights_cannot_give_back_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # 400 repeats: the stored frequency is capped at 255, where neighbouring frequencies
    # round to the same float16 weight; and a word in every text has a weight too small
    # to tell one frequency from the next. Both are kept as counted, so nothing is
    # tokenised again but the new text.
    before = [f"model reads text {i}" for i in range(40)] + [" ".join(["ocr"] * 400) + " model"]
    earlier = SparseBM25.build(iter(before), len(before))
    assert earlier.lendable is not None
    kept = {w for w, t in earlier.vocab.items() if t in set(earlier.lendable.exact_terms.tolist())}
    assert "ocr" in kept
    seen = _tokenised(monkeypatch)
    _same_as_full_build(before + ["writes code"], earlier)
    assert seen[: len(seen) - len(before) - 1] == ["writes code"]


def test_without_the_kept_frequencies_such_a_text_is_tokenised_again(monkeypatch: pytest.MonkeyPatch) -> None:
    before = ["reads text", " ".join(["ocr"] * 400), "speech aloud"]
    built = SparseBM25.build(iter(before), len(before))
    assert built.lendable is not None
    lend = dataclasses.replace(built.lendable, exact_terms=np.zeros(0, np.int32), exact_tf=np.zeros(0, np.uint8))
    earlier = dataclasses.replace(built, lendable=lend)
    seen = _tokenised(monkeypatch)
    _same_as_full_build(before + ["writes code"], earlier)
    assert seen[: len(seen) - 4] == [before[1], "writes code"]


def test_an_earlier_index_mostly_unreadable_means_a_full_build(monkeypatch: pytest.MonkeyPatch) -> None:
    before = [" ".join(["ocr"] * 300), " ".join(["pdf"] * 300), "reads text"]
    built = SparseBM25.build(iter(before), len(before))
    assert built.lendable is not None
    lend = dataclasses.replace(built.lendable, exact_terms=np.zeros(0, np.int32), exact_tf=np.zeros(0, np.uint8))
    seen = _tokenised(monkeypatch)
    _same_as_full_build(before, dataclasses.replace(built, lendable=lend))
    assert seen == before + before, "two of three earlier texts unreadable: every text tokenised, as a full build"


def test_an_earlier_index_without_keys_means_a_full_build() -> None:
    texts = ["reads text", "writes code"]
    earlier = SparseBM25.build(iter(texts), 2)
    bare = dataclasses.replace(earlier, lendable=None)
    assert _weights(SparseBM25.build(iter(texts), 2, earlier=bare)) == _weights(earlier)


def test_a_stored_index_keeps_what_a_later_build_lends_from(tmp_path: Path) -> None:
    from test_need_store import big_snapshot

    from matchgraph.queries.need.match import NeedIndex
    from matchgraph.queries.need.store import open_need_index, write_need_index

    built = NeedIndex.build(big_snapshot(20))
    opened = open_need_index(write_need_index(built, tmp_path / "need"))
    for ours, theirs in ((opened.bm25, built.bm25), (opened.stage.lexical, built.stage.lexical),
                         (opened.stage.claims, built.stage.claims)):
        assert ours.lendable is not None and theirs.lendable is not None
        for part in ("lengths", "keys", "exact_terms", "exact_tf"):
            assert np.array_equal(getattr(ours.lendable, part), getattr(theirs.lendable, part))
