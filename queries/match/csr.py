"""A compressed-sparse-row matrix that reads without scipy: what the match index's read path holds.

Building the match index is sparse linear algebra and uses ``scipy.sparse``. Reading it
(a pair score, ``similar``, ``compare``) only slices rows and multiplies by a vector, and
importing ``scipy.sparse`` alone cost a fresh ``matchgraph similar`` 0.12 s of its 0.5 s at
10,000 artifacts: scipy's array-API layer clones the ``numpy`` namespace, which imports every
lazy numpy submodule (``numpy.f2py`` and its regular expressions among them). So the index
holds :class:`Csr`, three arrays and a shape, memory-mapped straight from the cache, and
converts to scipy (:meth:`Csr.to_scipy`) only where a build needs matrix algebra.

>>> m = Csr.of_dense(np.array([[0.0, 2.0], [3.0, 4.0]]))
>>> (m @ np.array([1.0, 10.0])).tolist(), m.T.toarray().tolist()
([20.0, 43.0], [[0.0, 3.0], [2.0, 4.0]])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["Csr"]


@dataclass(frozen=True, eq=False)
class Csr:
    """Rows ``i`` hold ``data[indptr[i]:indptr[i+1]]`` at columns ``indices[...]``, ascending."""

    indptr: NDArray[np.integer[Any]]
    indices: NDArray[np.integer[Any]]
    data: NDArray[np.float64]
    shape: tuple[int, int]

    @classmethod
    def of(cls, matrix: Any) -> Csr:
        """The CSR arrays of any ``scipy.sparse`` matrix, duplicates summed, indices sorted."""
        import scipy.sparse as sp

        m = sp.csr_matrix(matrix)
        m.sum_duplicates()
        m.sort_indices()
        return cls(m.indptr, m.indices, m.data, (int(m.shape[0]), int(m.shape[1])))

    @classmethod
    def of_dense(cls, array: NDArray[np.float64]) -> Csr:
        """From a dense 2-D array, keeping its nonzero entries (tests and doctests)."""
        a = np.asarray(array, dtype=np.float64)
        rows, cols = np.nonzero(a)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=a.shape[0]))])
        return cls(indptr.astype(np.int32), cols.astype(np.int32), a[rows, cols],
                   (int(a.shape[0]), int(a.shape[1])))

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1]) if len(self.indptr) else 0

    @cached_property
    def _row_ids(self) -> NDArray[np.intp]:
        """The row of every stored entry, for products (built on the first one)."""
        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

    def __matmul__(self, vector: NDArray[np.float64]) -> NDArray[np.float64]:
        """``self @ vector`` for a 1-D vector.

        Each row's terms are added in stored (ascending column) order starting from zero, as
        scipy's own product adds them, so the result is bit for bit scipy's.
        """
        x = np.asarray(vector)
        if x.ndim != 1 or x.shape[0] != self.shape[1]:
            raise ValueError(f"cannot multiply a {self.shape} matrix by a vector of shape {x.shape}")
        if not self.nnz:
            return np.zeros(self.shape[0])  # bincount of nothing would be integers
        terms = self.data * x[self.indices]
        return np.bincount(self._row_ids, weights=terms, minlength=self.shape[0])

    @cached_property
    def T(self) -> Csr:  # noqa: N802 (numpy's and scipy's name for the transpose)
        """The transpose, also in CSR with ascending indices."""
        order = np.argsort(self.indices, kind="stable")  # rows ascend within each column
        counts = np.bincount(self.indices, minlength=self.shape[1])
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(self.indptr.dtype)
        return Csr(indptr, self._row_ids[order].astype(self.indices.dtype),
                   np.asarray(self.data)[order], (self.shape[1], self.shape[0]))

    def to_scipy(self) -> sp.csr_matrix:
        """The same matrix as ``scipy.sparse.csr_matrix`` (sharing the arrays)."""
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def toarray(self) -> NDArray[np.float64]:
        out = np.zeros(self.shape)
        out[self._row_ids, np.asarray(self.indices)] = self.data
        return out
