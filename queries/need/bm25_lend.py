"""A BM25 index built by lending an earlier version's postings for the texts it held.

After a small load most texts are unchanged, and tokenising every one of them again was
most of the need index's rebuild (about 20 s at 100,000 artifacts). An index keeps each
text's key (8 bytes of BLAKE2b) and token count, so a later build finds which texts it
already indexed; those texts' term frequencies are read back from the stored weights
(a weight is ``idf * tf / (tf + norm)`` with both factors known, and a recovered frequency
is kept only when it gives the stored weight exactly and no neighbouring frequency does)
and re-weighted with the new document frequencies and lengths. Only new and changed texts
are tokenised. The result holds the same weight for every (term, document) as a build from
scratch; only the term numbering differs (earlier terms keep theirs, unused ones are
dropped).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matchgraph.queries.arrays import sorted_unique

if TYPE_CHECKING:
    from matchgraph.queries.need.bm25 import SparseBM25

__all__ = ["Lendable", "idfs", "lendable", "lent_build", "norms", "text_keys", "weights"]

_BLOCK = 4_000_000
"""Postings handled at once, so the temporaries stay a few tens of MB."""
_KEY_CHUNK = 20_000
_MOSTLY_BAD = 0.5
"""Above this share of earlier documents that cannot be read back, a full build is cheaper."""


@dataclass(frozen=True)
class Lendable:
    """What an index keeps so that a later build can lend its postings."""

    lengths: np.ndarray
    """Each document's token count (int32)."""
    keys: np.ndarray
    """Each document's text key (:func:`text_keys`)."""
    exact_terms: np.ndarray
    """Terms whose frequencies the weights cannot give back (int32, ascending): the very
    common ones, whose float16 weights are too small to tell one frequency from the next."""
    exact_tf: np.ndarray
    """Those terms' frequencies (uint8), posting by posting, term after term."""


def text_keys(texts: Iterable[str]) -> np.ndarray:
    """Each text's key: the first 8 bytes of its BLAKE2b digest, as uint64."""
    raw = b"".join(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest() for t in texts)
    return np.frombuffer(raw, dtype=np.uint64).copy()


def idfs(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Each term's IDF from its document frequency (Lucene variant, float32)."""
    return np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


def weights(idf: np.ndarray, tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """BM25 weights as every build stores them (float32 arithmetic, then float16): one
    definition, since lending reads frequencies back from exactly these values."""
    return (idf * tf / (tf + norm)).astype(np.float16)


def norms(lengths: np.ndarray, k1: float, b: float) -> np.ndarray:
    """Each document's length normaliser (float32), for every build."""
    lens = lengths.astype(np.int64)
    avg = float(lens.mean()) if len(lens) and lens.sum() else 1.0
    return (k1 * (1.0 - b + b * lens / avg)).astype(np.float32)


def _blocks(indptr: np.ndarray) -> Iterator[tuple[int, int]]:
    """Term ranges [t0, t1) holding about ``_BLOCK`` postings each."""
    n_terms = len(indptr) - 1
    t0 = 0
    while t0 < n_terms:
        t1 = int(np.searchsorted(indptr, indptr[t0] + _BLOCK, side="right")) - 1
        t1 = min(max(t1, t0 + 1), n_terms)
        yield t0, t1
        t0 = t1


def _read_back(idf: np.ndarray, stored: np.ndarray, norm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Postings' frequencies read back from their weights (float32), and which are certain:
    the frequency gives the stored weight and neither neighbour does (weights grow with
    the frequency, so no other one can)."""
    w = stored.astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tf = np.rint(w * norm / (idf - w))
    tf = np.clip(np.nan_to_num(tf, nan=0.0, posinf=0.0), 0, 255).astype(np.float32)
    ok = (tf >= 1) & (weights(idf, tf, norm) == stored) & (weights(idf, tf + 1, norm) != stored)
    ok &= (tf == 1) | (weights(idf, tf - 1, norm) != stored)
    return tf, ok


def _term_idf(idf: np.ndarray, ptr: np.ndarray, t0: int, t1: int) -> np.ndarray:
    return np.repeat(np.asarray(idf[t0:t1], dtype=np.float32), np.diff(ptr[t0:t1 + 1]))


def lendable(idf: np.ndarray, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
             tf: np.ndarray, lengths: np.ndarray, keys: np.ndarray, *, k1: float, b: float) -> Lendable:
    """What a just-built index keeps for later builds: its lengths and keys, and the true
    frequencies ``tf`` of the terms whose weights cannot give them back."""
    norm = norms(lengths, k1, b)
    exact = []
    for t0, t1 in _blocks(indptr):
        lo, hi = int(indptr[t0]), int(indptr[t1])
        read, ok = _read_back(_term_idf(idf, indptr, t0, t1), data[lo:hi], norm[indices[lo:hi]])
        wrong = ~ok | (read != tf[lo:hi])
        if wrong.any():
            exact.append(sorted_unique(np.searchsorted(indptr, lo + np.flatnonzero(wrong), side="right") - 1))
    terms = np.concatenate(exact).astype(np.int32) if exact else np.zeros(0, np.int32)
    held = [tf[int(indptr[t]):int(indptr[t + 1])] for t in terms.tolist()]
    return Lendable(lengths.astype(np.int32), keys, terms,
                    np.concatenate(held).astype(np.uint8) if held else np.zeros(0, np.uint8))


def _recovered(earlier: SparseBM25, k1: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Every earlier posting's term frequency (uint8), and which earlier documents have a
    posting whose frequency cannot be read back for certain (those are tokenised again)."""
    lend = earlier.lendable
    assert lend is not None
    norm = norms(lend.lengths, k1, b)
    tf_all = np.zeros(len(earlier.indices), dtype=np.uint8)
    bad = np.zeros(earlier.n_docs, dtype=bool)
    ptr = np.asarray(earlier.indptr)
    exact = np.zeros(len(ptr) - 1, dtype=bool)
    exact[np.asarray(lend.exact_terms)] = True
    for t0, t1 in _blocks(ptr):
        lo, hi = int(ptr[t0]), int(ptr[t1])
        if lo == hi:
            continue
        docs = np.asarray(earlier.indices[lo:hi])
        tf, ok = _read_back(_term_idf(earlier.idf, ptr, t0, t1), np.asarray(earlier.data[lo:hi]), norm[docs])
        ok |= np.repeat(exact[t0:t1], np.diff(ptr[t0:t1 + 1]))
        tf_all[lo:hi] = tf.astype(np.uint8)
        bad[docs[~ok]] = True
    at = 0
    for t in np.asarray(lend.exact_terms).tolist():  # kept as they were counted
        n = int(ptr[t + 1] - ptr[t])
        tf_all[int(ptr[t]):int(ptr[t + 1])] = lend.exact_tf[at:at + n]
        at += n
    return tf_all, bad


class _Lender:
    """Finds, chunk by chunk of new texts, the earlier document each can borrow from.

    Lent documents must keep their relative order (then each term's lent postings stay
    sorted by document without a sort): a text whose earlier twin would break it is
    tokenised instead. The k-th new text with a key borrows from the k-th earlier one.
    """

    def __init__(self, earlier_keys: np.ndarray, usable: np.ndarray) -> None:
        order = np.flatnonzero(usable)
        self._order = order[np.argsort(earlier_keys[order], kind="stable")]
        self._keys = earlier_keys[self._order]
        self._taken: dict[int, int] = {}
        self._last = -1

    def sources(self, keys: np.ndarray) -> np.ndarray:
        """The earlier document of each of these (the next) texts, or -1."""
        lo = np.searchsorted(self._keys, keys, side="left")
        hi = np.searchsorted(self._keys, keys, side="right")
        cand = np.full(len(keys), -1, dtype=np.int64)
        one = hi - lo == 1
        cand[one] = self._order[lo[one]]
        for i in np.flatnonzero(hi - lo > 1).tolist():  # twins: rare
            k = self._taken.get(int(lo[i]), 0)
            if lo[i] + k < hi[i]:
                cand[i] = self._order[lo[i] + k]
                self._taken[int(lo[i])] = k + 1
        at = np.flatnonzero(cand >= 0)
        for _ in range(16):  # drop candidates out of order with their neighbours
            c = cand[at]
            prev = np.r_[self._last, c[:-1]]
            nxt = np.r_[c[1:], np.iinfo(np.int64).max]
            ok = (prev < c) & (c < nxt)
            if ok.all():
                break
            at = at[ok]
        else:
            at = at[self._increasing(cand[at])]
        src = np.full(len(keys), -1, dtype=np.int64)
        src[at] = cand[at]
        if len(at):
            self._last = int(cand[at[-1]])
        return src

    def _increasing(self, cand: np.ndarray) -> np.ndarray:
        keep = np.zeros(len(cand), dtype=bool)
        last = self._last
        for i, c in enumerate(cand.tolist()):
            if c > last:
                keep[i], last = True, c
        return keep


def _then_none(texts: Iterable[str]) -> Iterator[str | None]:
    yield from texts
    yield None


def lent_build(texts: Iterable[str], n_docs: int, earlier: SparseBM25, *, k1: float,
               b: float) -> SparseBM25 | None:
    """Index ``texts`` as :meth:`SparseBM25.build` does, tokenising only those ``earlier``
    (which is :attr:`~SparseBM25.lendable`) did not hold; None (``texts`` untouched) when
    most of its documents cannot be read back, so that a full build is cheaper."""
    from matchgraph.queries.need.bm25 import SparseBM25

    lend = earlier.lendable
    assert lend is not None
    tf_prev, bad = _recovered(earlier, k1, b)
    if bad.mean() > _MOSTLY_BAD:
        return None
    keys, src, fresh_texts = _borrowed(texts, _Lender(np.asarray(lend.keys), ~bad))
    if len(keys) != n_docs:
        raise ValueError(f"expected {n_docs} texts, got {len(keys)}")
    lent = np.flatnonzero(src >= 0)
    lengths = np.zeros(n_docs, dtype=np.int64)
    lengths[lent] = np.asarray(lend.lengths)[src[lent]]
    vocab = dict(earlier.vocab)
    fresh = _fresh_postings(fresh_texts, np.flatnonzero(src < 0), vocab, lengths)
    del fresh_texts
    new_of_prev = np.full(earlier.n_docs, -1, dtype=np.int64)  # each lent document's new number
    new_of_prev[src[lent]] = lent
    df = _lent_df(earlier, new_of_prev, max(len(vocab), 1)) + np.bincount(fresh[0], minlength=max(len(vocab), 1))
    live = df > 0
    new_id = np.cumsum(live) - 1  # the term numbers after dropping unused ones
    if not live.all():
        vocab = {term: int(new_id[t]) for term, t in vocab.items() if live[t]}
    df = df[live]
    idf = idfs(df, n_docs)
    gptr = np.zeros(len(df) + 1, dtype=np.int64)
    np.cumsum(df, out=gptr[1:])
    indices, data, tf = _merged(earlier, tf_prev, new_of_prev, fresh, new_id, idf, gptr, norms(lengths, k1, b))
    return SparseBM25(vocab, idf, gptr, indices, data, n_docs,
                      lendable(idf, gptr, indices, data, tf, lengths, keys, k1=k1, b=b))


def _borrowed(texts: Iterable[str], lender: _Lender) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every text's key and earlier document (-1: none), and the texts to tokenise, read
    chunk by chunk so that only those are held."""
    keys_l, src_l, fresh_texts = [], [], []
    chunk: list[str] = []
    for text in _then_none(texts):
        if text is not None:
            chunk.append(text)
            if len(chunk) < _KEY_CHUNK:
                continue
        if chunk:
            keys_l.append(text_keys(chunk))
            src_l.append(lender.sources(keys_l[-1]))
            fresh_texts += [t for t, s in zip(chunk, src_l[-1].tolist()) if s < 0]
            chunk = []
    keys = np.concatenate(keys_l) if keys_l else np.zeros(0, np.uint64)
    return keys, (np.concatenate(src_l) if src_l else np.zeros(0, np.int64)), fresh_texts


def _fresh_postings(texts: list[str], docs: np.ndarray, vocab: dict[str, int],
                    lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (term, document, frequency) postings of the texts tokenised, sorted by term then
    document, growing ``vocab`` and filling their ``lengths``."""
    from matchgraph.queries.need.bm25 import encode_corpus

    n_docs = max(len(lengths), 1)
    pairs = []
    offset = 0
    for flat, lens in encode_corpus(texts, vocab):
        at = docs[offset:offset + len(lens)]
        lengths[at] = lens
        pairs.append(flat.astype(np.int64) * n_docs + np.repeat(at, lens))
        offset += len(lens)
    pair = np.concatenate(pairs) if pairs else np.zeros(0, np.int64)
    pair.sort()
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else np.zeros(0, np.int64)
    key = pair[starts]
    return key // n_docs, key % n_docs, np.minimum(np.diff(np.r_[starts, len(pair)]), 255).astype(np.float32)


def _lent_df(earlier: SparseBM25, new_of_prev: np.ndarray, n_vocab: int) -> np.ndarray:
    """Per term, how many lent documents hold it."""
    ptr = np.asarray(earlier.indptr)
    df = np.zeros(n_vocab, dtype=np.int64)
    for t0, t1 in _blocks(ptr):
        lo, hi = int(ptr[t0]), int(ptr[t1])
        kept = np.concatenate([[0], np.cumsum(new_of_prev[np.asarray(earlier.indices[lo:hi])] >= 0)])
        df[t0:t1] = kept[ptr[t0 + 1:t1 + 1] - lo] - kept[ptr[t0:t1] - lo]
    return df


def _merged(earlier: SparseBM25, tf_prev: np.ndarray, new_of_prev: np.ndarray,
            fresh: tuple[np.ndarray, np.ndarray, np.ndarray], new_id: np.ndarray, idf: np.ndarray,
            gptr: np.ndarray, norm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The new postings (documents, weights, frequencies), term after term with documents
    ascending: each fresh posting goes after the lent postings of its term with a smaller
    document, and the lent ones, already in order, fill the slots left."""
    f_term, f_doc, f_tf = fresh
    ptr = np.asarray(earlier.indptr)
    data = np.empty(int(gptr[-1]), dtype=np.float16)
    indices = np.empty(int(gptr[-1]), dtype=np.int32)
    tf = np.empty(int(gptr[-1]), dtype=np.uint8)
    f_new = new_id[f_term]
    f_slot = gptr[f_new] + (np.arange(len(f_term)) - np.searchsorted(f_term, f_term, side="left"))
    for t in sorted_unique(f_term[f_term < len(earlier.idf)]).tolist():
        seg = new_of_prev[np.asarray(earlier.indices[int(ptr[t]):int(ptr[t + 1])])]
        seg = seg[seg >= 0]
        at = slice(int(np.searchsorted(f_term, t, "left")), int(np.searchsorted(f_term, t, "right")))
        f_slot[at] += np.searchsorted(seg, f_doc[at])
    indices[f_slot] = f_doc
    data[f_slot] = weights(idf[f_new], f_tf, norm[f_doc])
    tf[f_slot] = f_tf
    taken = np.zeros(len(indices), dtype=bool)
    taken[f_slot] = True
    for t0, t1 in _blocks(ptr):
        lo, hi = int(ptr[t0]), int(ptr[t1])
        docs = new_of_prev[np.asarray(earlier.indices[lo:hi])]
        keep = docs >= 0
        if not keep.any():
            continue
        term = np.repeat(np.arange(t0, t1), np.diff(ptr[t0:t1 + 1]))[keep]
        docs = docs[keep]
        first = int(gptr[new_id[term[0]]])
        last = int(gptr[new_id[term[-1]] + 1])
        slots = first + np.flatnonzero(~taken[first:last])[: len(docs)]
        lent_tf = tf_prev[lo:hi][keep]
        indices[slots] = docs
        tf[slots] = lent_tf
        data[slots] = weights(idf[new_id[term]], lent_tf.astype(np.float32), norm[docs])
    return indices, data, tf
