"""The stored need index: a folder that opens without reading its records or vectors,
answers exactly as the index it was written from, is replaced atomically and rebuilt when
stale, and an embedding cache that spares a rebuild every text it has seen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_need_match import HashEmbedder, make_snapshot

from matchgraph.errors import IndexFormatError
from matchgraph.queries.need import store as need_store
from matchgraph.queries.need.constraints import NeedConstraints
from matchgraph.queries.need.dense import DenseTexts, unit_rows
from matchgraph.queries.need.match import NeedIndex
from matchgraph.queries.need.store import open_need_index, write_need_index
from matchgraph.queries.need.vectors import EmbeddingCache, embed_texts
from matchgraph.queries.snapshot import ArtifactRecord, CapabilityRecord, ClaimRecord, GraphSnapshot

NEEDS = [
    "extract text from scanned documents in Japanese and Korean",
    "generate images from text prompts",
    "a free model that runs locally to read receipts",
    "",
    "qwertyuiop",
]


class CountingEmbedder(HashEmbedder):
    """The stand-in embedder, counting the texts it was asked to encode."""

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return super().encode(texts)


def big_snapshot(n: int = 60, extra: int = 0) -> GraphSnapshot:
    """``n`` artifacts with three capabilities each (and claims), plus ``extra`` more."""
    kinds = ["extracts text from scanned images", "generates images from text prompts",
             "transcribes speech recordings", "completes code in the editor"]
    arts, caps, claims = [], [], []
    for i in range(n + extra):
        slug = f"tool-{i}"
        arts.append(ArtifactRecord(slug, f"Tool {i}", type="model" if i % 2 else "library", free=bool(i % 3)))
        for j in range(3):
            iri = f"urn:cap:{i}:{j}"
            caps.append(CapabilityRecord(iri, slug, f"{kinds[(i + j) % 4]} variant {i}", name=f"skill {i} {j}",
                                         intents=(f"I want to {kinds[(i + j) % 4]}",)))
            claims.append(ClaimRecord(f"{iri}/claim", slug, "faster_than", "for", capability=iri,
                                      text=f"Tool {i} is faster than Tool {i + 1}"))
    return GraphSnapshot(artifacts=tuple(arts), capabilities=tuple(caps), claims=tuple(claims))


@pytest.mark.parametrize("embedder", [None, HashEmbedder()], ids=["lexical", "hybrid"])
def test_a_stored_index_answers_exactly_as_the_built_one(tmp_path: Path, embedder: HashEmbedder | None) -> None:
    built = NeedIndex.build(make_snapshot(), embedder)
    opened = open_need_index(write_need_index(built, tmp_path / "need"))
    opened.embedder = embedder
    for text in NEEDS:
        for stages in ("lexical", "dense", "hybrid", "full"):
            assert opened.search(text, top=4, stages=stages) == built.search(text, top=4, stages=stages)
    only_free = NeedConstraints(free=True)
    assert opened.search(NEEDS[0], top=8, constraints=only_free) == built.search(NEEDS[0], top=8, constraints=only_free)


def test_arrays_are_memory_mapped_and_records_are_not_read_on_open(tmp_path: Path) -> None:
    built = NeedIndex.build(big_snapshot(), HashEmbedder())
    opened = open_need_index(write_need_index(built, tmp_path / "need"))
    for array in (opened.bm25.indices, opened.stage.lexical.data, opened.cap_art, opened.stage.vectors):
        assert isinstance(array.base, np.memmap) and not array.flags.writeable
    assert opened.records.fetched == 0


def test_a_query_reads_the_records_of_its_top_results_only(tmp_path: Path) -> None:
    built = NeedIndex.build(big_snapshot(), HashEmbedder())
    opened = open_need_index(write_need_index(built, tmp_path / "need"))
    opened.embedder = HashEmbedder()
    answer = opened.search("extract text from scanned images", top=3)
    assert len(answer.results) == 3
    assert answer == built.search("extract text from scanned images", top=3)
    # three artifacts, and for each at most its closest capability and its BM25-best one
    assert 3 < opened.records.fetched <= 3 + 2 * 3 < len(built.artifacts)
    assert answer.results[0].claims  # the claims came with the capability's record


def test_feedback_events_find_their_capabilities_in_the_stored_records(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from matchgraph.queries.feedback.posteriors import FeedbackEvent, Outcome

    built = NeedIndex.build(big_snapshot())
    opened = open_need_index(write_need_index(built, tmp_path / "need"))
    events = [FeedbackEvent("m-1", Outcome.FAILURE, datetime(2026, 1, 1, tzinfo=UTC), "test",
                            capabilities=("urn:cap:3:1", "urn:no:such"))]
    assert np.array_equal(opened.with_events(events).feedback, built.with_events(events).feedback)
    assert (opened.with_events(events).feedback < opened.feedback).sum() == 1


def test_a_folder_of_another_format_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    folder = write_need_index(NeedIndex.build(make_snapshot()), tmp_path / "need")
    (folder / "FORMAT").write_text(f"matchgraph-need-index {need_store.FORMAT - 1}\n")
    with pytest.raises(IndexFormatError, match=f"format {need_store.FORMAT - 1}.*reads format {need_store.FORMAT}"):
        open_need_index(folder)
    with pytest.raises(IndexFormatError, match="no need index"):
        open_need_index(tmp_path / "nowhere")
    folder2 = write_need_index(NeedIndex.build(make_snapshot()), tmp_path / "need2")
    (folder2 / "prior.npy").unlink()
    with pytest.raises(IndexFormatError, match="cannot be read"):
        open_need_index(folder2)


def test_a_failed_write_leaves_no_partial_folder_and_keeps_the_old_one(tmp_path: Path, monkeypatch) -> None:
    index = NeedIndex.build(make_snapshot())
    folder = write_need_index(index, tmp_path / "need")
    before = sorted(p.name for p in folder.iterdir())

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(need_store, "write_records", broken)
    with pytest.raises(OSError, match="disk full"):
        write_need_index(index, folder)
    with pytest.raises(OSError, match="disk full"):
        write_need_index(index, tmp_path / "fresh")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["need"]  # no temporary folder left
    assert sorted(p.name for p in folder.iterdir()) == before
    assert open_need_index(folder).search(NEEDS[0], top=2).results


def test_the_cache_spares_a_rebuild_every_text_it_has_seen(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "embeddings")
    first = CountingEmbedder()
    a = NeedIndex.build(big_snapshot(), first, cache=cache)
    assert first.encoded > 0
    again = CountingEmbedder()
    b = NeedIndex.build(big_snapshot(), again, cache=cache)
    assert again.encoded == 0
    assert a.stage.vectors is not None and np.array_equal(a.stage.vectors, b.stage.vectors)
    grown = CountingEmbedder()
    NeedIndex.build(big_snapshot(extra=1), grown, cache=cache)
    assert 0 < grown.encoded <= 3 + 61  # the new artifact's capabilities, and cards naming it


def test_cached_vectors_are_those_encoded(tmp_path: Path) -> None:
    texts = ["reads text", "draws images", "reads text", "transcribes audio"]
    cache = EmbeddingCache(tmp_path / "c")
    fresh = embed_texts(texts, HashEmbedder(), cache)
    counting = CountingEmbedder()
    assert np.array_equal(embed_texts(texts, counting, cache), fresh) and counting.encoded == 0
    direct = HashEmbedder().encode(texts)
    assert np.allclose(fresh, direct, atol=1e-2 * np.abs(direct).max())
    (next((tmp_path / "c").glob("shard-*.npz"))).write_bytes(b"garbage")
    assert np.array_equal(embed_texts(texts, counting, cache), fresh) and counting.encoded == 3


def test_the_engine_rebuilds_a_stale_need_folder(tmp_path: Path, monkeypatch) -> None:
    from conftest import DATA

    from matchgraph.engine import Engine
    from matchgraph.loaders import embeddings
    from matchgraph.loaders.dispatch import iter_document_paths, read_document

    counting = CountingEmbedder()
    monkeypatch.setattr(embeddings, "default_embedder", lambda: counting)
    engine = Engine.open(tmp_path / "store")
    engine.store.load([read_document(p) for p in iter_document_paths([DATA / "comparisons"])])
    answer = engine.match("transcribe speech from audio recordings", top=3, record=False).answer
    folders = list((tmp_path / "store.index").glob("v*/need-hybrid"))
    assert len(folders) == 1 and (folders[0] / "records.sqlite").is_file()
    (folders[0] / "FORMAT").write_text("matchgraph-need-index 0\n")
    encoded = counting.encoded
    fresh = Engine(engine.store, index_dir=tmp_path / "store.index")
    assert fresh.match("transcribe speech from audio recordings", top=3, record=False).answer == answer
    assert counting.encoded == encoded + 1  # the need itself: the texts came from the embedding cache
    assert open_need_index(folders[0]).records.fetched == 0  # a readable folder again
    # a lexical question uses the hybrid folder without its vectors
    lexical = Engine(engine.store, index_dir=tmp_path / "store.index").need_index(embeddings=False)
    assert lexical.stage.vectors is None and not list((tmp_path / "store.index").glob("v*/need-lexical"))
    engine.close()


def test_need_types_are_the_loaders_artifact_types() -> None:
    from matchgraph.loaders.models import ArtifactType
    from matchgraph.queries.need.constraints import ARTIFACT_TYPES

    assert ARTIFACT_TYPES == tuple(t.value for t in ArtifactType)


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(0, 5), min_size=1, max_size=12), seed=st.integers(0, 2**16),
       duplicate=st.booleans())
def test_dense_best_is_each_rows_first_best_text(counts: list[int], seed: int, duplicate: bool) -> None:
    rng = np.random.default_rng(seed)
    vectors = unit_rows(rng.standard_normal((sum(counts), 8)).astype(np.float32))
    if duplicate and len(vectors) > 1:
        vectors[-1] = vectors[0]  # a tie across rows, or within one
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    query = unit_rows(rng.standard_normal((1, 8)).astype(np.float32))[0]
    sims = vectors @ query
    exact = DenseTexts.build(vectors, ptr)
    dense, best = exact.best(query)
    for r, (a, b) in enumerate(zip(ptr[:-1], ptr[1:])):
        if a == b:
            assert best[r] == -1 and dense[r] == 0.0
            continue
        assert best[r] == a + int(np.argmax(sims[a:b]))  # argmax: the first of equal maxima
        assert dense[r] == max(float(sims[a:b].max()), 0.0)
    approx = DenseTexts.build(vectors, ptr, exact_limit=0)  # every row is a candidate here
    assert approx.coarse is not None and approx.vectors.dtype == np.float16
    a_dense, a_best = approx.best(query, lexical=np.zeros(len(counts)))
    assert np.array_equal(a_best >= 0, best >= 0)
    assert np.allclose(a_dense, dense, atol=2e-3)


@pytest.mark.embeddings
def test_bulk_encoding_in_worker_processes_gives_the_encoders_vectors(monkeypatch) -> None:
    pytest.importorskip("onnxruntime")
    from matchgraph.errors import ConfigError
    from matchgraph.loaders.embeddings import default_encoder
    from matchgraph.queries.need import vectors as need_vectors

    try:
        encoder = default_encoder()
    except ConfigError as e:
        pytest.skip(f"embeddings extra unusable here: {e}")
    monkeypatch.setattr(need_vectors, "BULK_MIN", 4)
    monkeypatch.setattr(need_vectors, "CHUNK", 3)
    monkeypatch.setattr(need_vectors, "BLOCK", 5)
    texts = ["extracts text from scanned receipts", "draws a watercolour fox", "transcribes meetings",
             "completes code in the editor", "a", "translates Japanese menus into English", "ranks search results"]
    blocks: list[np.ndarray] = []
    got = need_vectors.encode_bulk(texts, encoder, lambda positions, _: blocks.append(positions))
    assert np.allclose(got, encoder.encode(texts), atol=1e-5)
    assert sorted(np.concatenate(blocks).tolist()) == list(range(len(texts))) and len(blocks) == 2
