"""Personalised PageRank on a prebuilt transition matrix: power iteration and local push.

Why not networkx: the transition matrix is built once per index; ``networkx.pagerank``
rebuilds its matrix from Python dicts on every call. Two solvers share that matrix:

* :func:`personalized_pagerank`, power iteration: converged to a
  tolerance over the whole graph, the reference;
* :func:`personalized_pagerank_push`, the push method of Andersen, Chung and Lang run in
  synchronous rounds: each round pushes every node whose residual is above its threshold,
  reading only those nodes' edges (one full sparse product when they are many). It stops
  as soon as the walk's mass has settled, and every node's error is at most
  ``eps * degree``. The pair score uses it. A sequential
  numba-compiled queue was as fast warm (about 4 ms at 10,000 artifacts) but cost 0.6 s
  of JIT start-up in every fresh ``matchgraph`` process.

>>> path = Csr.of_dense(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
>>> pi = personalized_pagerank(Transition.from_adjacency(path), 0, alpha=0.5)
>>> round(float(pi.sum()), 12), bool(pi[0] > pi[1] > pi[2])
(1.0, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchgraph.errors import QueryError
from matchgraph.queries.match.csr import Csr

__all__ = ["Transition", "bfs_predecessors", "personalized_pagerank", "personalized_pagerank_push"]


@dataclass(frozen=True, eq=False)
class Transition:
    """Transpose of the row-normalised transition matrix, plus the dangling nodes.

    ``step @ x`` moves probability mass one step along edges; mass on a dangling node
    (no edges) goes back to the walk's seed.
    """

    step: Csr
    dangling: NDArray[np.bool_]
    degree: NDArray[np.float64]
    """Weighted degree of each node."""

    @cached_property
    def forward(self) -> Csr:
        """The row-normalised transition matrix itself (rows are sources)."""
        return self.step.T

    @classmethod
    def from_adjacency(cls, adjacency: Csr | Any) -> Transition:
        """From a (weighted) adjacency matrix, a :class:`Csr` or any ``scipy.sparse``
        matrix; rows are sources.

        Raises:
            QueryError: the matrix is not square or has negative weights.
        """
        import scipy.sparse as sp  # building only: a stored transition is read without scipy

        if isinstance(adjacency, Csr):
            adjacency = adjacency.to_scipy()
        a = sp.csr_matrix(adjacency, dtype=np.float64)
        if a.shape[0] != a.shape[1]:
            raise QueryError(f"adjacency must be square, got {a.shape}")
        if a.nnz and a.data.min() < 0:
            raise QueryError("adjacency weights must be >= 0")
        out = np.asarray(a.sum(axis=1)).ravel()
        inv = np.divide(1.0, out, out=np.zeros_like(out), where=out > 0)
        forward = sp.csr_matrix(sp.diags(inv) @ a)
        return cls(step=Csr.of(forward.T), dangling=out <= 0, degree=out)

    @property
    def size(self) -> int:
        return int(self.step.shape[0])


def personalized_pagerank(
    transition: Transition,
    seed: int,
    *,
    alpha: float = 0.15,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> NDArray[np.float64]:
    """Stationary distribution of a walk that restarts at ``seed`` with prob. ``alpha``.

    Iterates ``x <- alpha * e_seed + (1 - alpha) * (P^T x + dangling mass * e_seed)``
    until the L1 change is below ``tol`` or ``max_iter`` steps; the result sums to 1.

    Raises:
        QueryError: ``seed`` is not a node or ``alpha`` is outside (0, 1).
    """
    n = transition.size
    if not 0 <= seed < n:
        raise QueryError(f"seed {seed} is not a node of a {n}-node graph")
    if not 0 < alpha < 1:
        raise QueryError(f"alpha must be in (0, 1), got {alpha}")
    step = transition.step
    dangling = np.flatnonzero(transition.dangling)
    x = np.zeros(n)
    x[seed] = 1.0
    for _ in range(max_iter):
        nxt = step @ x
        nxt *= 1.0 - alpha
        nxt[seed] += alpha + (1.0 - alpha) * float(x[dangling].sum())
        delta = float(np.abs(nxt - x).sum())
        x = nxt
        if delta < tol:
            break
    return x


def personalized_pagerank_push(
    transition: Transition,
    seed: int,
    *,
    alpha: float = 0.15,
    eps: float = 1e-6,
) -> NDArray[np.float64]:
    """Approximate personalised PageRank from ``seed`` by push.

    Pushes, in synchronous rounds (one sparse product per round, so no compiled kernel
    and no JIT start-up in a fresh process), residual mass until every node's residual is below ``eps`` times its degree
    (at least 1); the result underestimates the true vector by at most that residual
    per node. A seed without edges keeps all its mass, as in power iteration.

    Raises:
        QueryError: ``seed`` is not a node, ``alpha`` outside (0, 1) or ``eps`` <= 0.
    """
    n = transition.size
    if not 0 <= seed < n:
        raise QueryError(f"seed {seed} is not a node of a {n}-node graph")
    if not 0 < alpha < 1 or eps <= 0:
        raise QueryError(f"need 0 < alpha < 1 and eps > 0, got {alpha}, {eps}")
    if transition.dangling[seed]:
        out = np.zeros(n)
        out[seed] = 1.0
        return out
    threshold = eps * np.maximum(transition.degree, 1.0)
    p = np.zeros(n)
    r = np.zeros(n)
    r[seed] = 1.0
    forward = transition.forward
    while True:
        active = r >= threshold
        if not active.any():
            return p
        pushed = np.where(active, r, 0.0)
        p += alpha * pushed
        r -= pushed
        spread = (1.0 - alpha) * pushed
        r += _moved(transition, forward, spread, np.flatnonzero(active))
        lost = float(spread[transition.dangling].sum())  # a dangling node sends its mass home
        if lost:
            r[seed] += lost


def _moved(transition: Transition, forward: Csr, spread: NDArray[np.float64],
           active: NDArray[np.intp]) -> NDArray[np.float64]:
    """``transition.step @ spread`` (``spread`` is zero outside ``active``), reading only
    the active nodes' edges when they are a small part of the graph.

    A push round usually moves the mass of one to a few nodes, and a full sparse product
    over the graph (about 2 ms at 100,000 artifacts) was nearly all of a pair score's
    PageRank.
    """
    edges = int((forward.indptr[active + 1] - forward.indptr[active]).sum())
    if edges * 8 > forward.nnz:
        return transition.step @ spread
    return _gathered(forward, spread, active)


def _gathered(forward: Csr, spread: NDArray[np.float64], active: NDArray[np.intp]) -> NDArray[np.float64]:
    """``forward.T @ spread`` from the active rows of ``forward`` only. Each target's terms
    are added in ascending source order starting from zero, as the full product adds
    them, so the result is bit for bit the same (a test holds it to that)."""
    rows = [slice(int(forward.indptr[j]), int(forward.indptr[j + 1])) for j in active.tolist()]
    if not rows:
        return np.zeros(forward.shape[1])
    targets = np.concatenate([forward.indices[r] for r in rows])
    terms = np.concatenate([forward.data[r] * spread[j] for r, j in zip(rows, active.tolist(), strict=True)])
    return np.bincount(targets, weights=terms, minlength=forward.shape[1])


def bfs_predecessors(indptr: NDArray[np.integer], indices: NDArray[np.integer], source: int
                     ) -> NDArray[np.int32]:
    """Breadth-first predecessors from ``source`` over CSR rows (-9999: unreached or the
    source), level by level in discovery order: the same tree as
    ``scipy.sparse.csgraph.breadth_first_order`` (FIFO queue, neighbours in row order), whose
    import alone (scipy.linalg behind it) cost a fresh ``similar`` 0.1 s.

    >>> bfs_predecessors(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1]), 0).tolist()
    [-9999, 0, 1]
    """
    n = len(indptr) - 1
    pred = np.full(n, -9999, dtype=np.int32)
    seen = np.zeros(n, dtype=bool)
    seen[source] = True
    frontier = np.array([source], dtype=np.int64)
    while frontier.size:
        starts, ends = indptr[frontier], indptr[frontier + 1]
        counts = (ends - starts).astype(np.int64)
        if not counts.sum():
            break
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
        found = indices[offsets + np.arange(int(counts.sum()))].astype(np.int64)
        parents = np.repeat(frontier, counts)
        fresh = ~seen[found]
        found, parents = found[fresh], parents[fresh]
        _, first = np.unique(found, return_index=True)
        first.sort()  # discovery order, as a FIFO queue would visit them
        frontier, parents = found[first], parents[first]
        pred[frontier] = parents
        seen[frontier] = True
    return pred
