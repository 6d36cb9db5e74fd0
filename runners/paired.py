"""The paired test that decides a claim: a sign test plus a bootstrap interval of the mean.

Both runs score the same suite items, so the comparison is paired per item. The sign test
(exact binomial on the items where the two differ) asks whether one side wins more items
than chance; the effect size is the mean per-item difference with a percentile bootstrap
95 % interval. Pure functions, no I/O, seeded, so hypothesis can check their invariants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["PairedResult", "Verdict", "paired_test"]

Verdict = Literal["supported", "contradicted", "inconclusive"]
ALPHA = 0.05


@dataclass(frozen=True)
class PairedResult:
    verdict: Verdict
    n: int
    """Items both runs scored."""
    wins: int
    """Items where the claimant is better."""
    losses: int
    p_value: float
    effect: float
    """Mean of (other - claimant) for a lower-is-better metric: positive favours the claim."""
    low: float
    high: float


def paired_test(claimant: dict[str, float], other: dict[str, float], *, resamples: int = 2000,
                seed: int = 0) -> PairedResult:
    """Compare per-item scores (lower is better) on the items both sides have.

    Supported when the claimant wins significantly more items (two-sided sign test,
    p < 0.05) and the interval of the mean difference lies above 0; contradicted when both
    point the other way; inconclusive otherwise.

    >>> paired_test({"a": 0.1, "b": 0.2}, {"a": 0.1, "b": 0.2}).verdict
    'inconclusive'

    Raises:
        ValueError: the two runs share no item.
    """
    items = sorted(set(claimant) & set(other))
    if not items:
        raise ValueError("the two runs share no suite item")
    import numpy as np  # here: `show` reads this module's types and must not pay numpy's import

    diff = np.array([other[i] - claimant[i] for i in items], dtype=np.float64)
    wins = int((diff > 0).sum())
    losses = int((diff < 0).sum())
    from scipy.stats import binomtest  # imported here: scipy.stats takes ~0.5 s to import

    p = float(binomtest(wins, wins + losses, 0.5).pvalue) if wins + losses else 1.0
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(resamples, len(diff)))].mean(axis=1)
    low, high = (float(x) for x in np.percentile(means, [2.5, 97.5]))
    verdict: Verdict = "inconclusive"
    if p < ALPHA and low > 0:
        verdict = "supported"
    elif p < ALPHA and high < 0:
        verdict = "contradicted"
    return PairedResult(verdict, len(items), wins, losses, p, float(diff.mean()), low, high)
