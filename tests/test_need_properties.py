"""The pieces under need matching, and properties of the whole: stemming merges word
families and direction is read from the words, the direction factor penalises the reverse
direction, the sparse BM25 index tokenises like ``terms`` and scores like bm25s (the
reference), postings stay sorted and a selective constraint masks every capability, and any
query on a random snapshot gives positive, sorted, explained scores that obey its constraints.
"""

from __future__ import annotations

import math

import bm25s
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matchgraph.queries.need.bm25 import SparseBM25, encode_corpus
from matchgraph.queries.need.match import NeedConstraints, NeedIndex
from matchgraph.queries.need.scoring import direction_factor
from matchgraph.loaders.text import Direction, infer_direction, stem, terms
from matchgraph.loaders.text import direction as _direction
from matchgraph.queries.snapshot import ArtifactRecord, CapabilityRecord, GraphSnapshot


# --- text analysis ----------------------------------------------------------------------------

@pytest.mark.parametrize("family", [
    "extract extracts extracting extraction extracted",
    "generate generates generating generation generated",
    "recognize recognizes recognition recognized",
    "transcribe transcribes transcription transcripts",
    "image images imaging", "caption captions captioning", "scan scanned scanning",
])
def test_stem_merges_word_families(family: str) -> None:
    assert len({stem(w) for w in family.split()}) == 1


@pytest.mark.parametrize(("text", "ins", "outs"), [
    ("extract text from scanned documents", {"image", "document"}, {"text"}),
    ("generate images from text prompts", {"text"}, {"image"}),
    ("Generates text by encoding image regions", {"image"}, {"text"}),
    ("can render readable text within images", set(), {"image"}),
    ("speech-to-text transcription", {"audio"}, {"text"}),
    ("converts text prompts into images", {"text"}, {"image"}),
    ("image captioning", {"image"}, {"text"}),
    ("so the model can ground generated text in image regions", set(), set()),
    ("a fast vector database", set(), set()),
])
def test_infer_direction(text: str, ins: set[str], outs: set[str]) -> None:
    assert infer_direction(text) == Direction(frozenset(ins), frozenset(outs))


_DIRECTION_WORDS = ["extract", "text", "from", "images", "generate", "to", "into", "speech", "2",
                    "input", "output", "captioning", "generated", "of", "non", "aloud", "pdf",
                    "render", "within", "and", "the", ".", "(", ";", "_", "-", "Text", "x_y"]


@given(st.lists(st.sampled_from(_DIRECTION_WORDS), max_size=14), st.sampled_from([" ", "", "  "]))
def test_ascii_text_reads_as_the_unicode_path_reads_it(words: list[str], sep: str) -> None:
    """ASCII text takes a faster tokeniser; a neutral non-ASCII word at the end sends the
    same text down the Unicode path, and the direction must not change."""
    text = sep.join(words)
    assert _direction._ASCII_TOKEN.findall(text.lower()) == _direction._TOKEN.findall(text.lower())
    assert infer_direction(text) == infer_direction.__wrapped__(text + " é")


def test_forgetting_the_word_table_changes_no_direction(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["extract text from scanned documents", "converts text prompts into images",
             "speech-to-text transcription", "image captioning", "reads text aloud"]
    expected = [infer_direction.__wrapped__(t) for t in texts]
    monkeypatch.setattr(_direction, "_WORDS_KEPT", 3)
    _direction._WORDS.clear()
    assert [infer_direction.__wrapped__(t) for t in texts] == expected
    assert len(_direction._WORDS) <= 3


def test_direction_factor_penalises_the_reverse_direction() -> None:
    ocr = Direction(frozenset({"image"}), frozenset({"text"}))
    t2i = Direction(frozenset({"text"}), frozenset({"image"}))
    assert direction_factor(ocr, t2i) < 0.2 < 1.0 < direction_factor(ocr, ocr)
    assert direction_factor(Direction(), t2i) == 1.0


# --- index properties -----------------------------------------------------------------------

WORDS = ["extract", "text", "images", "generate", "the", "of", "Japanese", "scanned", "prompt",
         "naïve—fast", "café", "a\u00a0b", "x_y", "don't", "3.5", "speech-to-text"]
texts = st.lists(st.lists(st.sampled_from(WORDS + ["\x1f", ",", "."]), max_size=12).map(" ".join),
                 min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_bulk_tokens_equal_terms(docs: list[str]) -> None:
    vocab: dict[str, int] = {}
    chunks = list(encode_corpus(docs, vocab, chunk=7))
    flat = np.concatenate([c[0] for c in chunks])
    lens = np.concatenate([c[1] for c in chunks])
    inverse = {v: k for k, v in vocab.items()}
    pos = 0
    for doc, n in zip(docs, lens):
        assert [inverse[int(t)] for t in flat[pos:pos + n]] == terms(doc)
        pos += n


@settings(max_examples=40, deadline=None)
@given(texts, st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))
def test_sparse_bm25_equals_bm25s(docs: list[str], query: list[str]) -> None:
    assume(any(terms(d) for d in docs))  # bm25s cannot index a corpus without any term
    idx = SparseBM25.build(docs, len(docs))
    ids = [[idx.vocab[t] for t in terms(d)] for d in docs]
    ref = bm25s.BM25()
    ref.index((ids, dict(idx.vocab)), show_progress=False)
    tids = idx.term_ids(terms(" ".join(query)))
    want = ref.get_scores([int(t) for t in tids]) if len(tids) else np.zeros(len(docs))
    np.testing.assert_allclose(idx.scores(tids), want, rtol=2e-3, atol=1e-5)  # float16 weights


def test_postings_are_sorted_by_document() -> None:
    docs = [f"text {'images ' * (i % 3)}generate {i}" for i in range(50_000)]
    idx = SparseBM25.build(docs, len(docs))
    for term in ("text", stem("images"), stem("generate")):
        p = idx.postings(term)
        assert len(p) and np.all(np.diff(p) > 0)


def test_selective_constraint_masks_every_capability() -> None:
    arts = tuple(ArtifactRecord(f"a{i}", f"A{i}", "model" if i else "dataset") for i in range(300))
    caps = tuple(CapabilityRecord(f"urn:c:{i}", f"a{i % 300}", "extract text from images")
                 for i in range(3000))
    idx = NeedIndex.build(GraphSnapshot(arts, caps))
    got = idx.search("extract text from images", top=3, constraints=NeedConstraints(types=("dataset",)))
    assert [r.slug for r in got.results] == ["a0"] and got.filtered > 0


# --- query properties -----------------------------------------------------------------------

VOCAB = ["extract", "text", "images", "generate", "audio", "transcribe", "code", "search",
         "documents", "japanese", "prompts", "render", "from", "to"]
TYPES = ["model", "product", "mcp_server", None]


@st.composite
def snapshots(draw: st.DrawFn) -> GraphSnapshot:
    n = draw(st.integers(1, 8))
    arts = tuple(ArtifactRecord(f"a{i}", f"A{i}", draw(st.sampled_from(TYPES)),
                                draw(st.sampled_from([True, False, None])),
                                draw(st.sampled_from([True, False, None])),
                                draw(st.sampled_from([True, False, None]))) for i in range(n))
    caps = tuple(
        CapabilityRecord(f"urn:c:{k}", f"a{draw(st.integers(0, n - 1))}",
                         " ".join(draw(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=8))),
                         confidence=draw(st.none() | st.floats(0.01, 0.99)),
                         matches=draw(st.none() | st.integers(0, 9)),
                         success_rate=draw(st.none() | st.floats(0, 1)))
        for k in range(draw(st.integers(0, 12)))
    )
    return GraphSnapshot(arts, caps)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshots(), st.lists(st.sampled_from(VOCAB), min_size=1, max_size=5),
       st.integers(1, 6), st.booleans(), st.sampled_from([(), ("model",), ("product", "mcp_server")]))
def test_query_properties(snap: GraphSnapshot, words: list[str], top: int, free: bool,
                          types: tuple[str, ...]) -> None:
    assume(terms(" ".join(words)))
    idx = NeedIndex.build(snap)
    cons = NeedConstraints(free=free, types=types)
    results = idx.query(" ".join(words), top=top, constraints=cons)
    assert len(results) <= top
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    arts = {a.slug: a for a in snap.artifacts}
    for r in results:
        assert r.score > 0
        assert math.isclose(sum(t.value for t in r.terms), r.score, rel_tol=1e-9, abs_tol=1e-12)
        if free:
            assert arts[r.slug].free is not False
        if types:
            assert arts[r.slug].type is None or arts[r.slug].type in types
