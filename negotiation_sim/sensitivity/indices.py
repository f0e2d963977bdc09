"""Variance-based sensitivity: Saltelli designs and Sobol' indices with bootstrap intervals.

First-order indices by Saltelli et al. (2010), total indices by Jansen (1999), as in MODEL.md §9
and in SALib's ``sobol.analyze``. The design is the radial one of Saltelli (2010): two
independent base matrices A and B and, for every input i, the matrix A with column i from B.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from negotiation_sim.errors import InputError
from negotiation_sim.intervals import check_confidence

__all__ = ["SobolResult", "saltelli_matrices", "sobol_indices"]

Floats = NDArray[np.float64]

# Bootstrap replicates are processed in blocks of at most this many function values, so memory
# stays bounded whatever N, d and n_bootstrap are.
_BOOTSTRAP_BLOCK = 1 << 22


@dataclass(frozen=True)
class SobolResult:
    """First-order and total Sobol' indices of one scalar output, with bootstrap intervals.

    Attributes
    ----------
    first, total : ndarray, shape (d,)
        Point estimates of S_i (Saltelli 2010) and S_Ti (Jansen 1999).
    first_interval, total_interval : ndarray, shape (d, 2)
        Bootstrap percentile intervals (low, high) at ``confidence``.
    confidence : float
        Two-sided level of the intervals.
    n_bootstrap : int
        Number of bootstrap resamples of the N base rows.
    names : tuple of str or None
        The inputs' names, in column order, when given.
    """

    first: Floats
    total: Floats
    first_interval: Floats
    total_interval: Floats
    confidence: float
    n_bootstrap: int
    names: tuple[str, ...] | None = None


def saltelli_matrices(base: ArrayLike) -> tuple[Floats, Floats, Floats]:
    """The matrices A, B and AB of a Saltelli design from base points in the unit hypercube.

    Parameters
    ----------
    base : array_like, shape (N, 2 d)
        Base points in [0, 1), e.g. ``scipy.stats.qmc.Sobol(2 * d, seed=seed).random(N)``:
        the first d columns become A, the last d become B.

    Returns
    -------
    A, B : ndarray, shape (N, d)
    AB : ndarray, shape (d, N, d)
        ``AB[i]`` is A with column i taken from B. The model is evaluated on all
        ``N (d + 2)`` rows; map them through the inputs' inverse CDFs first.

    Raises
    ------
    InputError
        If ``base`` is not 2-D with an even, positive number of columns and values in [0, 1).

    Examples
    --------
    >>> A, B, AB = saltelli_matrices([[0.1, 0.2, 0.7, 0.8]])
    >>> AB.tolist()
    [[[0.7, 0.2]], [[0.1, 0.8]]]
    """
    points = np.asarray(base, dtype=np.float64)
    if points.ndim != 2 or points.shape[0] < 1 or points.shape[1] < 2 or points.shape[1] % 2:
        raise InputError.at(
            "", "base", f"must have shape (N, 2 d) with N, d >= 1, got {points.shape}"
        )
    if not np.all((points >= 0.0) & (points < 1.0)):
        raise InputError.at("", "base", "values must lie in [0, 1)")
    d = points.shape[1] // 2
    a, b = points[:, :d].copy(), points[:, d:].copy()
    ab = np.repeat(a[np.newaxis], d, axis=0)
    columns = np.arange(d)
    ab[columns, :, columns] = b.T
    return a, b, ab


def sobol_indices(
    f_A: ArrayLike,
    f_B: ArrayLike,
    f_AB: ArrayLike,
    *,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    names: Sequence[str] | None = None,
) -> SobolResult:
    """First-order and total Sobol' indices from a model's values on a Saltelli design.

    With V the variance of the pooled values on A and B, and values centred on their pooled mean
    (which makes the first-order estimate invariant to a shift of the output):

    - first order (Saltelli 2010): S_i = (1/N) sum_j f(B)_j (f(AB_i)_j - f(A)_j) / V;
    - total (Jansen 1999): S_Ti = (1/2N) sum_j (f(A)_j - f(AB_i)_j)^2 / V.

    Intervals are bootstrap percentiles over resamples of the N rows (the same rows of A, B and
    every AB_i together), each resample re-estimating V.

    Parameters
    ----------
    f_A, f_B : array_like, shape (N,)
        The output on the rows of A and of B (see :func:`saltelli_matrices`).
    f_AB : array_like, shape (d, N)
        The output on the rows of each AB_i.
    n_bootstrap : int, optional
        Number of resamples, at least 1.
    confidence : float, optional
        Two-sided level of the intervals, in (0, 1).
    seed : int, optional
        Seed of the resampling, so intervals are reproducible.
    names : sequence of str, optional
        The d inputs' names.

    Returns
    -------
    SobolResult

    Raises
    ------
    InputError
        On shapes that do not match, non-finite values, a constant output (V = 0) or bad options.

    Examples
    --------
    An additive model y = x0 + 2 x1 has S = S_T = (1/5, 4/5):

    >>> from scipy.stats import qmc
    >>> A, B, AB = saltelli_matrices(qmc.Sobol(4, seed=1).random(1024))
    >>> f = lambda x: x[..., 0] + 2 * x[..., 1]
    >>> result = sobol_indices(f(A), f(B), f(AB), n_bootstrap=200)
    >>> result.first.round(2).tolist(), result.total.round(2).tolist()
    ([0.2, 0.8], [0.2, 0.8])
    """
    a, b, ab = _values(f_A, f_B, f_AB)
    level = check_confidence(confidence)
    replicates = _count(n_bootstrap)
    labels = _names(names, ab.shape[0])
    first, total = _estimates(a, b, ab)
    if not (np.all(np.isfinite(first)) and np.all(np.isfinite(total))):
        raise InputError.at("", "f_A, f_B", "the output is constant on A and B: indices undefined")
    boot_first, boot_total = _bootstrap(a, b, ab, replicates, seed)
    tails = [(1.0 - level) / 2.0, (1.0 + level) / 2.0]
    return SobolResult(
        first=first,
        total=total,
        first_interval=np.nanquantile(boot_first, tails, axis=1).T,
        total_interval=np.nanquantile(boot_total, tails, axis=1).T,
        confidence=level,
        n_bootstrap=replicates,
        names=labels,
    )


def _estimates(a: Floats, b: Floats, ab: Floats) -> tuple[Floats, Floats]:
    """Indices over the last axis: a, b shape (..., N), ab shape (d, ..., N) -> (d, ...) each."""
    pooled = np.concatenate([a, b], axis=-1)
    centre = pooled.mean(axis=-1, keepdims=True)
    variance = pooled.var(axis=-1)
    a, b, ab = a - centre, b - centre, ab - centre
    with np.errstate(divide="ignore", invalid="ignore"):  # V = 0 -> NaN, handled by callers
        first = np.mean(b * (ab - a), axis=-1) / variance
        total = 0.5 * np.mean((a - ab) ** 2, axis=-1) / variance
    return np.asarray(first, dtype=np.float64), np.asarray(total, dtype=np.float64)


def _bootstrap(
    a: Floats, b: Floats, ab: Floats, replicates: int, seed: int
) -> tuple[Floats, Floats]:
    """Indices on ``replicates`` row resamples, shape (d, replicates) each."""
    rng = np.random.default_rng(seed)
    d, n = ab.shape
    rows = rng.integers(0, n, size=(replicates, n))
    block = max(1, _BOOTSTRAP_BLOCK // ((d + 2) * n))
    firsts, totals = [], []
    for start in range(0, replicates, block):
        index = rows[start : start + block]
        first, total = _estimates(a[index], b[index], ab[:, index])
        firsts.append(first)
        totals.append(total)
    return np.concatenate(firsts, axis=1), np.concatenate(totals, axis=1)


def _values(f_A: ArrayLike, f_B: ArrayLike, f_AB: ArrayLike) -> tuple[Floats, Floats, Floats]:
    """The three output arrays as floats, checked for shape and finiteness."""
    a = np.asarray(f_A, dtype=np.float64)
    b = np.asarray(f_B, dtype=np.float64)
    ab = np.asarray(f_AB, dtype=np.float64)
    if a.ndim != 1 or a.shape[0] < 2:
        raise InputError.at("", "f_A", f"must have shape (N,) with N >= 2, got {a.shape}")
    if b.shape != a.shape:
        raise InputError.at("", "f_B", f"must have the shape of f_A, {a.shape}, got {b.shape}")
    if ab.ndim != 2 or ab.shape[1] != a.shape[0] or ab.shape[0] < 1:
        raise InputError.at("", "f_AB", f"must have shape (d, {a.shape[0]}), got {ab.shape}")
    for name, values in (("f_A", a), ("f_B", b), ("f_AB", ab)):
        if not np.all(np.isfinite(values)):
            raise InputError.at("", name, "must be finite (no NaN or infinity)")
    return a, b, ab


def _count(n_bootstrap: int) -> int:
    """The number of bootstrap resamples, a whole number >= 1."""
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, (int, np.integer)):
        raise InputError.at("", "n_bootstrap", f"must be a whole number, got {n_bootstrap!r}")
    if n_bootstrap < 1:
        raise InputError.at("", "n_bootstrap", f"must be at least 1, got {n_bootstrap}")
    return int(n_bootstrap)


def _names(names: Sequence[str] | None, d: int) -> tuple[str, ...] | None:
    """The inputs' names as a tuple of d strings, or None."""
    if names is None:
        return None
    labels = tuple(names)
    if len(labels) != d or not all(isinstance(name, str) for name in labels):
        raise InputError.at("", "names", f"must be {d} strings, one per input")
    return labels
