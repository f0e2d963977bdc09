"""Confidence intervals for estimated probabilities (Wilson 1927).

A sampled run estimates P(deal) as the share of draws in which a deal is an equilibrium; the
Wilson score interval stays inside [0, 1] and keeps its coverage near 0 and 1, where the normal
(Wald) interval collapses to a point (Brown, Cai & DasGupta 2001).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from negotiation_sim.errors import InputError

__all__ = ["check_confidence", "normal_quantile", "wilson_interval"]


def check_confidence(confidence: float) -> float:
    """``confidence`` as a float strictly between 0 and 1, or an :class:`InputError`.

    >>> check_confidence(0.9)
    0.9
    """
    value = float(confidence)
    if not 0.0 < value < 1.0:
        raise InputError.at("", "confidence", f"must be between 0 and 1 (exclusive), got {value:g}")
    return value


def normal_quantile(confidence: float) -> float:
    """The two-sided standard normal quantile z of a confidence level.

    >>> round(normal_quantile(0.95), 6)
    1.959964
    """
    from scipy.stats import norm  # deferred: scipy is heavy

    return float(norm.ppf(0.5 + check_confidence(confidence) / 2.0))


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The Wilson score interval of a binomial proportion, elementwise.

    Parameters
    ----------
    successes, trials : array_like of int
        Counts, broadcast against each other; ``0 <= successes <= trials`` and ``trials >= 1``.
    confidence : float, optional
        Two-sided confidence level in (0, 1), 0.95 by default.

    Returns
    -------
    low, high : ndarray of float
        The interval's ends, in [0, 1], with the broadcast shape of the inputs. The interval
        starts exactly at 0 when there are no successes and ends exactly at 1 when all trials
        succeed.

    Raises
    ------
    InputError
        If counts are not whole, negative, larger than the trials, or ``confidence`` is not in (0, 1).

    Examples
    --------
    >>> low, high = wilson_interval(81, 263)
    >>> print(f"{float(low):.4f} {float(high):.4f}")
    0.2553 0.3662
    >>> low, high = wilson_interval([0, 10], [10, 10])
    >>> low.tolist(), [round(h, 4) for h in high.tolist()]
    ([0.0, 0.7225], [0.2775, 1.0])
    """
    z = normal_quantile(confidence)
    k, n = _counts(successes, trials)
    p = k / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z / denominator * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    # Exact ends at the edges: the formula gives them only up to rounding.
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _counts(
    successes: ArrayLike, trials: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Broadcast, checked counts as floats."""
    k, n = np.broadcast_arrays(
        np.asarray(successes, dtype=np.float64), np.asarray(trials, dtype=np.float64)
    )
    for name, values in (("successes", k), ("trials", n)):
        if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
            raise InputError.at("", name, "must be whole numbers")
    if np.any(n < 1):
        raise InputError.at("", "trials", "must be at least 1")
    if np.any(k < 0) or np.any(k > n):
        raise InputError.at("", "successes", "must be between 0 and the number of trials")
    return k, n
