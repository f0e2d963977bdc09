"""Scenario discovery: the Patient Rule Induction Method (Friedman & Fisher 1999).

PRIM finds a box of inputs where an outcome (a deal is an equilibrium) is likely, by peeling:
starting from the box around all points, it repeatedly removes the slice of points, a fraction
``alpha`` at the low or the high end of one input, whose removal leaves the highest share of
outcomes in the box. Each step trades coverage (the share of all outcomes inside the box) for
density (the share of points inside the box with the outcome); the trajectory shows that
trade-off (Bryant & Lempert 2010). Only peeling is done here, not pasting.

Peeling greedily also restricts inputs that barely matter. For the chosen box, each restriction
gets a quasi-p-value (Bryant & Lempert 2010, as EMA Workbench reports them): the one-sided
binomial probability of the box's hits if its density were that of the same box with this
restriction dropped. A restriction with a large value (above 0.05, say) is not significant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from negotiation_sim.errors import InputError

__all__ = ["SIGNIFICANCE", "PrimResult", "prim"]

#: A restriction of a PRIM box whose quasi-p-value is above this is weak (not significant).
SIGNIFICANCE = 0.05

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory of PRIM and the box chosen from it.

    Box k holds the points with ``lower[k] <= x <= upper[k]`` in every input; box 0 surrounds all
    points. ``coverage[k]`` is the share of all outcomes inside box k, ``density[k]`` the share of
    box k's points with the outcome, ``mass[k]`` the share of all points inside it. ``chosen`` is
    the index of the chosen box (see :func:`prim`); ``pvalues[j]`` the quasi-p-value of its
    restriction of input ``j`` (NaN where the box does not restrict it).
    """

    lower: Floats
    upper: Floats
    coverage: Floats
    density: Floats
    mass: Floats
    chosen: int
    pvalues: Floats | None = None

    def box(self, k: int | None = None) -> tuple[Floats, Floats]:
        """The limits (lower, upper) of box ``k``, the chosen one by default."""
        index = self.chosen if k is None else k
        return self.lower[index], self.upper[index]


def prim(
    x: ArrayLike,
    y: ArrayLike,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    min_density: float = 0.9,
) -> PrimResult:
    """Peel boxes of inputs where an outcome is likely (Friedman & Fisher 1999).

    Parameters
    ----------
    x : array_like, shape (n, d)
        The sampled inputs.
    y : array_like of bool, shape (n,)
        Whether the outcome happened at each point; at least one must be true.
    alpha : float, optional
        The share of a box's points removed by one peel, in (0, 0.5).
    min_mass : float, optional
        Peeling stops before a box would hold less than this share of all points, in (0, 1].
    min_density : float, optional
        The chosen box is the one of highest coverage among those with at least this density;
        if no box is that dense, the densest box (the earliest on ties).

    Returns
    -------
    PrimResult

    Raises
    ------
    InputError
        On shapes that do not match, non-finite inputs, no outcome at all, or bad options.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((2000, 2))
    >>> result = prim(x, x[:, 0] > 0.7)
    >>> lower, upper = result.box()
    >>> round(float(lower[0]), 1), round(float(result.density[result.chosen]), 1)
    (0.7, 1.0)
    """
    points, outcome = _data(x, y)
    alpha = _fraction("alpha", alpha, 0.0, 0.5)
    min_mass = _fraction("min_mass", min_mass, 0.0, 1.0, closed=True)
    min_density = _fraction("min_density", min_density, 0.0, 1.0, closed=True)
    lowers, uppers, inside = (
        [points.min(axis=0)],
        [points.max(axis=0)],
        [np.ones(len(outcome), bool)],
    )
    while True:
        step = _best_peel(points, outcome, inside[-1], lowers[-1], uppers[-1], alpha, min_mass)
        if step is None:
            break
        lowers.append(step[0])
        uppers.append(step[1])
        inside.append(step[2])
    masks = np.array(inside)
    counts = masks.sum(axis=1)
    hits = (masks & outcome).sum(axis=1)
    density = hits / counts
    coverage = hits / outcome.sum()
    chosen = _choose(coverage, density, min_density)
    return PrimResult(
        lower=np.array(lowers),
        upper=np.array(uppers),
        coverage=coverage,
        density=density,
        mass=counts / len(outcome),
        chosen=chosen,
        pvalues=_quasi_pvalues(
            points, outcome, lowers[chosen], uppers[chosen], lowers[0], uppers[0]
        ),
    )


def _quasi_pvalues(
    x: Floats,
    y: NDArray[np.bool_],
    lower: Floats,
    upper: Floats,
    outer_lower: Floats,
    outer_upper: Floats,
) -> Floats:
    """Per input: P(hits >= the box's | n = the box's points, p = density without its restriction)."""
    from scipy.stats import binom

    inside = np.all((x >= lower) & (x <= upper), axis=1)
    n, hits = int(inside.sum()), int(y[inside].sum())
    out = np.full(x.shape[1], np.nan)
    for j in np.flatnonzero((lower > outer_lower) | (upper < outer_upper)).tolist():
        others = np.delete(np.arange(x.shape[1]), j)
        wider = np.all((x[:, others] >= lower[others]) & (x[:, others] <= upper[others]), axis=1)
        out[j] = float(binom.sf(hits - 1, n, float(y[wider].mean())))
    return out


def _best_peel(
    x: Floats,
    y: NDArray[np.bool_],
    inside: NDArray[np.bool_],
    lower: Floats,
    upper: Floats,
    alpha: float,
    min_mass: float,
) -> tuple[Floats, Floats, NDArray[np.bool_]] | None:
    """The peel leaving the densest box, or None when every peel is empty or too small."""
    best: tuple[Floats, Floats, NDArray[np.bool_]] | None = None
    best_density = -1.0
    floor = min_mass * len(y)
    for j in range(x.shape[1]):
        column = x[inside, j]
        low, high = np.quantile(column, [alpha, 1.0 - alpha])
        for keep, new_lower, new_upper in (
            (x[:, j] >= low, low, upper[j]),
            (x[:, j] <= high, lower[j], high),
        ):
            kept = inside & keep
            count = int(kept.sum())
            # Ties at the quantile can make a peel remove nothing: it is not a peel.
            if count == int(inside.sum()) or count < floor or count == 0:
                continue
            density = float(y[kept].mean())
            if density > best_density:
                box_lower, box_upper = lower.copy(), upper.copy()
                box_lower[j], box_upper[j] = new_lower, new_upper
                best, best_density = (box_lower, box_upper, kept), density
    return best


def _choose(coverage: Floats, density: Floats, min_density: float) -> int:
    """The box of highest coverage with density >= min_density, else the densest."""
    dense = np.flatnonzero(density >= min_density)
    if dense.size:
        return int(dense[np.argmax(coverage[dense])])
    return int(np.argmax(density))


def _data(x: ArrayLike, y: ArrayLike) -> tuple[Floats, NDArray[np.bool_]]:
    """Checked inputs and outcomes."""
    points = np.asarray(x, dtype=np.float64)
    outcome = np.asarray(y)
    if points.ndim != 2 or points.shape[0] < 1 or points.shape[1] < 1:
        raise InputError.at("", "x", f"must have shape (n, d) with n, d >= 1, got {points.shape}")
    if not np.all(np.isfinite(points)):
        raise InputError.at("", "x", "must be finite (no NaN or infinity)")
    if outcome.shape != (points.shape[0],):
        raise InputError.at("", "y", f"must have shape ({points.shape[0]},), got {outcome.shape}")
    if outcome.dtype != np.bool_ and not np.all(np.isin(outcome, (0, 1))):
        raise InputError.at("", "y", "must be booleans (or 0 and 1)")
    flags = outcome.astype(bool)
    if not flags.any():
        raise InputError.at("", "y", "the outcome never happens: there is nothing to discover")
    return points, flags


def _fraction(name: str, value: float, low: float, high: float, *, closed: bool = False) -> float:
    """``value`` in (low, high), or (low, high] when ``closed``."""
    number = float(value)
    if not (low < number < high or (closed and number == high)):
        bracket = "]" if closed else ")"
        raise InputError.at("", name, f"must be in ({low:g}, {high:g}{bracket}, got {number:g}")
    return number
