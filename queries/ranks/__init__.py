"""Composite ranks recomputed from signals, their fit to observed ranks, and how stable
each ordering is when the weights move (``matchgraph rank``). The package's names are
those of :mod:`~matchgraph.queries.ranks.composite`; weights live in ``weights``, the
array form that ``rank`` reads at scale in ``table``."""

from matchgraph.queries.ranks.composite import *  # noqa: F403
from matchgraph.queries.ranks.composite import __all__  # noqa: F401
