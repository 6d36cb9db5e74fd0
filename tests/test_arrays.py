"""The array helpers the indexes share give what numpy gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matchgraph.queries.arrays import sorted_unique


@given(arrays(st.sampled_from([np.int64, np.int32, np.uint16, np.bool_]), st.integers(0, 300)))
def test_sorted_unique_is_numpys_unique_for_integers(values: np.ndarray) -> None:
    found = sorted_unique(values)
    assert found.dtype == values.dtype
    np.testing.assert_array_equal(found, np.unique(values))


@given(arrays(np.float64, st.integers(0, 50), elements=st.floats(allow_nan=True, width=64)))
def test_sorted_unique_leaves_floats_to_numpy(values: np.ndarray) -> None:
    np.testing.assert_array_equal(sorted_unique(values), np.unique(values))
