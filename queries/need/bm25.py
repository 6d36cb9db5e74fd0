"""Sparse BM25 indexes for need matching: capability texts and concept labels.

Why two structures. Concept labels are few (thousands) and only their coverage matters,
so they are plain label-term arrays (:class:`ConceptLabelIndex`). Capability texts are many (about 1.25 million at 100k artifacts): bm25s'
``index`` keeps every document as a Python list of token ids and fills its score arrays
document by document, which at that size takes about a minute and well over a gigabyte.
:class:`SparseBM25` computes the same Lucene-variant BM25 matrix (bm25s' default method,
checked against bm25s in the tests; weights kept as float16) with vectorised numpy/scipy
(scipy at build time only),
chunk by chunk, into term-major (CSC) arrays; a query then adds the postings of its few terms with one
``np.bincount`` and never loops over documents in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, repeat
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matchgraph.loaders.text import STOPWORDS, modalities_of_terms, stem, terms
from matchgraph.queries.arrays import sorted_unique

if TYPE_CHECKING:
    from matchgraph.queries.need.bm25_lend import Lendable

__all__ = ["ConceptHit", "ConceptLabelIndex", "SparseBM25", "encode_corpus"]

_CHUNK = 20_000
"""Documents per chunk; at most 65,536 so a row within a chunk fits in uint16."""
_SEP = b"\x1f"
# Bytes that are not ASCII letters or digits become spaces, so ``bytes.split`` (C speed)
# finds the words; bytes >= 0x80 (UTF-8 letters and punctuation) are left to the slow path.
_TABLE = bytes(
    b if (chr(b).isalnum() and b < 0x80) or b >= 0x80 or b == 0x1F else 0x20 for b in range(256)
)
_WORD = re.compile(r"[^\W_]+")


class _Words:
    """Raw word (bytes) -> term id. Each distinct word is stemmed once; the hot lookup is
    the plain dict's C ``get``. -1 drops a stopword, -3 is the document separator,
    <= -4 marks a word that splits into several terms (rare non-ASCII punctuation), whose
    ids are kept in ``multi``."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.ids: dict[bytes, int] = {_SEP: -3}
        self.vocab = vocab
        self.multi: list[list[int]] = []

    def learn(self, raw: bytes) -> None:
        parts = [w for w in _WORD.findall(raw.decode("utf-8", "replace")) if w not in STOPWORDS]
        ids = [self.vocab.setdefault(stem(w), len(self.vocab)) for w in parts]
        if len(ids) <= 1:
            self.ids[raw] = ids[0] if ids else -1
        else:
            self.multi.append(ids)
            self.ids[raw] = -3 - len(self.multi)


def encode_corpus(
    texts: Iterable[str], vocab: dict[str, int], chunk: int = 20_000
) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(term ids, document lengths)`` per chunk of ``texts``, growing ``vocab``.

    A chunk is joined into one string, lower-cased, encoded and split in C; only the
    word-to-id lookup runs per word, and the stemmer runs once per distinct word.
    """
    words = _Words(vocab)
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= chunk:
            yield _encode_batch(batch, words)
            batch = []
    if batch:
        yield _encode_batch(batch, words)


def _encode_batch(batch: list[str], words: _Words) -> tuple[np.ndarray, np.ndarray]:
    tokens = " \x1f ".join(batch).lower().encode("utf-8").translate(_TABLE).split()
    if len(words.ids) == 1:  # a build's first chunk: every word but the separator is new
        ids = words.ids
        for raw in dict.fromkeys(tokens):  # distinct words in first-seen order, found in C
            if raw not in ids:
                words.learn(raw)
        arr = np.fromiter(map(ids.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        missing = 0
    else:
        arr = np.fromiter(map(words.ids.get, tokens, repeat(-2)), dtype=np.int64, count=len(tokens))
        unknown = arr == -2
        missing = int(np.count_nonzero(unknown))
    if missing:
        # Distinct new words in first-seen order (so term ids do not depend on hashing),
        # found in C (a later chunk meets few new words; the first is learned above).
        for raw in dict.fromkeys(compress(tokens, unknown.tolist())):
            words.learn(raw)
        get = words.ids.__getitem__
        if missing * 8 > len(tokens):  # most of them: one more pass of the C lookup
            arr = np.fromiter(map(get, tokens), dtype=np.int64, count=len(tokens))
        else:
            at = np.flatnonzero(unknown)
            arr[at] = [get(tokens[k]) for k in at.tolist()]
    if len(np.flatnonzero(arr == -3)) != len(batch) - 1:  # a text held the separator
        return _encode_batch([t.replace("\x1f", " ") for t in batch], words)
    if (arr <= -4).any():
        pieces = [[int(x)] if x > -4 else words.multi[-3 - int(x) - 1] for x in arr]
        arr = np.array([x for p in pieces for x in p], dtype=np.int64)
    doc = np.cumsum(arr == -3)
    keep = arr >= 0
    lens = np.bincount(doc[keep], minlength=len(batch)).astype(np.int64)
    return arr[keep].astype(np.int32), lens


@dataclass(frozen=True)
class SparseBM25:
    """A term-major BM25 matrix: ``data[indptr[t]:indptr[t+1]]`` are term ``t``'s weights
    for documents ``indices[...]`` (Lucene variant, as bm25s' default)."""

    vocab: dict[str, int]
    idf: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_docs: int
    lendable: Lendable | None = None
    """What a later build needs to lend this index's postings (None: it cannot)."""

    @classmethod
    def build(
        cls, texts: Iterable[str], n_docs: int, *, k1: float = 1.5, b: float = 0.75,
        earlier: SparseBM25 | None = None,
    ) -> SparseBM25:
        """Index ``n_docs`` texts; with ``earlier`` (an index of an earlier version, with
        :attr:`lendable`) the texts it held are not tokenised again but lent its postings
        (:mod:`bm25_lend`): the same weights, in a fraction of the time.

        Each chunk of 20,000 documents is counted and transposed at once and kept as
        term-major (uint16 row, uint8 term frequency) pairs, 3 bytes a posting; the final
        arrays take 6 bytes a posting (int32 document, float16 weight), so the peak stays
        near 9 bytes a posting. float16 keeps each weight within 0.05 % (relative), far
        below what could reorder results that are not already tied; it halves the largest
        array (about 72 million postings at 1.25 million capabilities).
        """
        import scipy.sparse as sp  # building only: a stored index is read without scipy

        from matchgraph.queries.need.bm25_lend import idfs, lendable, lent_build, norms, text_keys, weights

        if earlier is not None and earlier.lendable is not None and earlier.n_docs:
            lent = lent_build(texts, n_docs, earlier, k1=k1, b=b)
            if lent is not None:
                return lent
        vocab: dict[str, int] = {}
        chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        lengths: list[np.ndarray] = []
        keys: list[np.ndarray] = []

        def keyed(texts: Iterable[str]) -> Iterator[str]:
            batch: list[str] = []
            for text in texts:
                batch.append(text)
                if len(batch) == _CHUNK:
                    keys.append(text_keys(batch))
                    yield from batch
                    batch = []
            keys.append(text_keys(batch))
            yield from batch

        for flat, lens in encode_corpus(keyed(texts), vocab, chunk=_CHUNK):
            indptr = np.zeros(len(lens) + 1, dtype=np.int64)
            np.cumsum(lens, out=indptr[1:])
            m = sp.csr_matrix(
                (np.ones(len(flat), dtype=np.float32), flat, indptr),
                shape=(len(lens), max(len(vocab), 1)),
            )
            m.sum_duplicates()
            c = m.tocsc()
            tf = np.minimum(c.data, 255).astype(np.uint8)
            chunks.append((c.indptr.astype(np.int64), c.indices.astype(np.uint16), tf))
            lengths.append(lens)
            del m, c
        lens_all = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        if len(lens_all) != n_docs:
            raise ValueError(f"expected {n_docs} texts, got {len(lens_all)}")
        n_vocab = max(len(vocab), 1)
        df = np.zeros(n_vocab, dtype=np.int64)
        for ptr, _, _ in chunks:
            df[: len(ptr) - 1] += np.diff(ptr)
        idf = idfs(df, n_docs)
        norm = norms(lens_all, k1, b)
        gptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(df, out=gptr[1:])
        data = np.empty(int(gptr[-1]), dtype=np.float16)
        indices = np.empty(int(gptr[-1]), dtype=np.int32)
        tf_all = np.empty(int(gptr[-1]), dtype=np.uint8)
        fill = gptr[:-1].copy()
        offset = 0
        for lens in lengths:
            ptr, rows, tf = chunks.pop(0)
            counts = np.diff(ptr)
            col = np.repeat(np.arange(len(counts)), counts)
            dest = fill[col] + (np.arange(len(rows)) - ptr[col])
            docs = rows.astype(np.int64) + offset
            tff = tf.astype(np.float32)
            data[dest] = weights(idf[col], tff, norm[docs])
            indices[dest] = docs
            tf_all[dest] = tf
            fill[: len(counts)] += counts
            offset += len(lens)
        return cls(vocab, idf, gptr, indices, data, n_docs,
                   lendable(idf, gptr, indices, data, tf_all, lens_all, np.concatenate(keys), k1=k1, b=b))

    def term_ids(self, query_terms: Sequence[str]) -> np.ndarray:
        """Distinct known term ids of a query, in first-seen order."""
        seen = dict.fromkeys(self.vocab[t] for t in query_terms if t in self.vocab)
        return np.fromiter(seen, dtype=np.int64, count=len(seen))

    def scores(self, term_ids: np.ndarray) -> np.ndarray:
        """BM25 score of every document for these terms (float64, length ``n_docs``)."""
        if len(term_ids) == 0:
            return np.zeros(self.n_docs)
        idx = np.concatenate([self.indices[self.indptr[t]:self.indptr[t + 1]] for t in term_ids])
        val = np.concatenate([self.data[self.indptr[t]:self.indptr[t + 1]] for t in term_ids])
        return np.bincount(idx, weights=val, minlength=self.n_docs)

    def scores_for(self, term_ids: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """BM25 score of just ``docs`` (same values as ``scores(term_ids)[docs]``): a binary
        search per document in each term's postings, for when few documents matter."""
        out = np.zeros(len(docs))
        for t in term_ids:
            idx = self.indices[self.indptr[t]:self.indptr[t + 1]]
            if len(idx) == 0:
                continue
            at = np.minimum(np.searchsorted(idx, docs), len(idx) - 1)
            hit = idx[at] == docs
            out[hit] += self.data[self.indptr[t] + at[hit]]
        return out

    def postings(self, term: str) -> np.ndarray:
        """Sorted ids of the documents containing ``term`` (a stem)."""
        tid = self.vocab.get(term)
        if tid is None:
            return np.zeros(0, dtype=np.int32)
        return self.indices[self.indptr[tid]:self.indptr[tid + 1]]

    def term_idf(self, term: str) -> float:
        """IDF of a stem; unseen terms get the largest IDF (they are as rare as it gets)."""
        tid = self.vocab.get(term)
        if tid is None:
            return float(np.log1p((self.n_docs + 0.5) / 0.5))
        return float(self.idf[tid])

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (the vocabulary dict not included)."""
        return int(self.idf.nbytes + self.indptr.nbytes + self.indices.nbytes + self.data.nbytes)


@dataclass(frozen=True)
class ConceptHit:
    """A concept whose label the need covers; ``score`` in (0, 1]."""

    concept: int
    label: str
    score: float


class ConceptLabelIndex:
    """Concept labels and alternative labels, matched by how much of each the need covers.

    Candidates are the labels sharing a term with the need (what BM25 over the labels
    would score above zero); each is then scored by the share of its own terms' IDF (IDF
    taken from the capability index) that the need covers, so "text extraction" scores
    1.0 for "extract text from scans" while "text generation" (half covered) stays below
    the threshold. A label naming a modality the need does not name is left out: its
    uncovered word is usually the one that gives the direction. Everything is a few numpy
    arrays (label-term CSR with IDF weights, and its term-major transpose), so a stored
    index opens without bm25s or scipy.
    """

    def __init__(self, labels: Sequence[tuple[int, str]], idf: SparseBM25,
                 threshold: float = 0.6, limit: int = 16) -> None:
        rows = [(c, label, tuple(dict.fromkeys(terms(label)))) for c, label in labels]
        rows = [x for x in rows if x[2]]
        self.threshold, self.limit = threshold, limit
        self._concepts = np.array([c for c, _, _ in rows], dtype=np.int64)
        self._texts = [label for _, label, _ in rows]
        self._mods = [modalities_of_terms(toks) for _, _, toks in rows]
        self._vocab: dict[str, int] = {}
        ids = [[self._vocab.setdefault(t, len(self._vocab)) for t in toks] for _, _, toks in rows]
        term_idf = np.array([idf.term_idf(t) for t in self._vocab], dtype=np.float64)
        # Label-major: label k's term ids (ascending, the order of a canonical CSR row,
        # so sums add in the same order and scores stay bit-for-bit) and IDF weights.
        self._ptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in ids], out=self._ptr[1:])
        self._terms = np.fromiter((t for x in ids for t in sorted(x)), np.int64, int(self._ptr[-1]))
        self._weights = term_idf[self._terms] if len(self._terms) else np.zeros(0)
        self._total = np.add.reduceat(self._weights, self._ptr[:-1]) if len(ids) else np.zeros(0)
        # Term-major: the labels holding each term (sorted).
        owner = np.repeat(np.arange(len(ids), dtype=np.int64), np.diff(self._ptr))
        order = np.lexsort((owner, self._terms))
        self._tptr = np.zeros(len(self._vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self._terms, minlength=len(self._vocab)), out=self._tptr[1:])
        self._tlabels = owner[order]

    def hits(self, query_terms: Sequence[str]) -> list[ConceptHit]:
        """The best-covered concepts (at most ``limit``), best label per concept.

        Ordered by coverage, then by the IDF mass covered (the more specific label first).
        """
        qids = [self._vocab[t] for t in dict.fromkeys(query_terms) if t in self._vocab]
        if not qids:
            return []
        cand = sorted_unique(np.concatenate([self._tlabels[self._tptr[t]:self._tptr[t + 1]] for t in qids]))
        q = np.zeros(len(self._vocab))
        q[qids] = 1.0
        mass = self._mass(cand, q)
        cover = mass / self._total[cand]
        keep = cover >= self.threshold
        qmods = modalities_of_terms(query_terms)
        best: dict[int, tuple[float, float, int]] = {}
        for k, cov, m in zip(cand[keep], cover[keep], mass[keep]):
            if not self._mods[k] <= qmods:
                continue  # "image-to-text generation" is not what "image generator" means
            concept = int(self._concepts[k])
            if (cov, m) > best.get(concept, (0.0, 0.0, 0))[:2]:
                best[concept] = (float(cov), float(m), int(k))
        order = sorted(best.items(), key=lambda x: (-x[1][0], -x[1][1], x[0]))[: self.limit]
        return [ConceptHit(c, self._texts[k], cov) for c, (cov, _, k) in order]

    def _mass(self, cand: np.ndarray, q: np.ndarray) -> np.ndarray:
        """IDF mass of each candidate label the need covers: its terms' weights times the
        query's 0/1, added position by position (the order a sparse row product adds in,
        so scores are bit-for-bit those of a CSR product)."""
        start, width = self._ptr[cand], self._ptr[cand + 1] - self._ptr[cand]
        mass = np.zeros(len(cand))
        for j in range(int(width.max()) if len(cand) else 0):
            has = width > j
            at = start[has] + j
            mass[has] += self._weights[at] * q[self._terms[at]]
        return mass
