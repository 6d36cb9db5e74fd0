"""The scipy-free CSR the match index is read through gives scipy's answers, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from matchgraph.queries.match.csr import Csr


@st.composite
def matrices(draw: st.DrawFn) -> sp.csr_matrix:
    rows = draw(st.integers(0, 12))
    cols = draw(st.integers(1, 12))
    cells = draw(st.lists(st.tuples(st.integers(0, max(rows - 1, 0)), st.integers(0, cols - 1),
                                    st.floats(-1e6, 1e6, allow_nan=False, width=64)),
                          max_size=60 if rows else 0))
    r, c, v = (list(x) for x in zip(*cells, strict=True)) if cells else ([], [], [])
    return sp.csr_matrix((np.asarray(v, dtype=np.float64), (r, c)), shape=(rows, cols))


@settings(max_examples=200, deadline=None)
@given(matrices(), st.integers(0, 2**32 - 1))
def test_product_and_transpose_are_scipys(m: sp.csr_matrix, seed: int) -> None:
    x = np.random.default_rng(seed).normal(size=m.shape[1]) * 1e3
    ours = Csr.of(m)
    reference = sp.csr_matrix(m)
    reference.sum_duplicates()
    reference.sort_indices()
    assert (ours @ x).tobytes() == (reference @ x).tobytes()
    t = sp.csr_matrix(reference.T)
    t.sort_indices()
    assert ours.T.shape == t.shape
    assert ours.T.indptr.tolist() == t.indptr.tolist()
    assert ours.T.indices.tolist() == t.indices.tolist()
    assert ours.T.data.tobytes() == t.data.tobytes()
    assert np.array_equal(ours.toarray(), reference.toarray())
    assert (ours.to_scipy() != reference).nnz == 0


def test_a_vector_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot multiply"):
        _ = Csr.of_dense(np.eye(3)) @ np.ones(2)


def test_an_empty_matrix_multiplies_to_float_zeros() -> None:
    out = Csr.of(sp.csr_matrix((3, 4))) @ np.ones(4)
    assert out.dtype == np.float64 and out.tolist() == [0.0, 0.0, 0.0]
