"""The optimisations behind the bargaining solutions over lotteries (convex hulls of points).

``gains`` is always an ``(m, n)`` array: row ``j`` is what each of the ``n`` actors
gains over the disagreement point at outcome ``j``; a lottery ``w`` over the rows
gives the gains ``G^T w``. The max-min lottery itself is the solvers'
:func:`~negotiation_sim.solvers._lp.maximin`.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog, minimize

from ..errors import NegotiationSimError
from ..game import FloatArray
from ..solvers._lp import maximin

__all__ = ["ideal_gains", "maxmin_then_sum", "nash_lottery"]

#: Largest Frank–Wolfe (KKT) gap accepted for the Nash lottery, relative to ``n``.
_NASH_KKT_TOL = 1e-7


# -- linear programs ------------------------------------------------------------------------


def _max_sum_above(gains: FloatArray, floor: float, fallback: FloatArray) -> FloatArray:
    """A lottery maximising ``sum_i (G^T w)_i`` subject to ``G^T w >= floor``.

    Returns ``fallback`` if HiGHS reports anything but success (the floor is
    relaxed slightly below the max-min value, so this should not happen).
    """
    m, n = gains.shape
    result = linprog(
        -gains.sum(axis=1),
        A_ub=-gains.T,
        b_ub=-np.full(n, floor),
        A_eq=np.ones((1, m)),
        b_eq=[1.0],
        bounds=[(0.0, None)] * m,
    )
    if result.status != 0:
        return fallback
    w = np.clip(result.x, 0.0, None)
    return np.asarray(w / w.sum(), dtype=np.float64)


def maxmin_then_sum(gains: FloatArray, tol: float) -> FloatArray:
    """Max-min lottery, made Pareto optimal by maximising the sum of gains second."""
    t, w = maximin(gains, who="bargaining")
    slack = 1e-12 * max(1.0, abs(t))
    w2 = _max_sum_above(gains, t - slack, w)
    # Keep the max-min optimum unless the second stage is a real Pareto improvement (gains are
    # normalised, so these thresholds are relative; HiGHS's own tolerance is about 1e-7).
    margin = max(tol, 1e-9)
    if (
        float((gains.T @ w2).min()) < t - margin
        or float((gains.T @ w2).sum()) <= float((gains.T @ w).sum()) + margin
    ):
        w2 = w
    return w2


def ideal_gains(gains: FloatArray) -> FloatArray:
    """Each actor's best gain over lotteries acceptable to all (``G^T w >= 0``)."""
    m, n = gains.shape
    ideal = np.empty(n)
    for i in range(n):
        result = linprog(
            -gains[:, i],
            A_ub=-gains.T,
            b_ub=np.zeros(n),
            A_eq=np.ones((1, m)),
            b_eq=[1.0],
            bounds=[(0.0, None)] * m,
        )
        if result.status != 0:
            raise NegotiationSimError(
                f"bargaining: the ideal-point linear program failed for actor {i}: {result.message}"
            )
        ideal[i] = -result.fun
    return ideal


# -- Nash -----------------------------------------------------------------------------------


def nash_lottery(gains: FloatArray, start: FloatArray) -> FloatArray:
    """Maximise ``sum_i log (G^T w)_i`` over lotteries by SLSQP from a strictly feasible start.

    ``gains`` must be normalised (each actor's best gain 1). The optimum is
    certified by the Frank–Wolfe gap ``max_j (G x^-1)_j - n`` (``x = G^T w``),
    an upper bound on the shortfall of the objective (by concavity); zero
    exactly at the optimum.
    """
    m, n = gains.shape

    def objective(w: FloatArray) -> float:
        x = gains.T @ w
        if float(x.min()) <= 0.0:
            return 1e6 * (1.0 + float(np.clip(-x, 0.0, None).sum()))
        return -float(np.log(x).sum())

    def gradient(w: FloatArray) -> FloatArray:
        x = np.clip(gains.T @ w, 1e-12, None)
        return np.asarray(-(gains @ (1.0 / x)), dtype=np.float64)

    def gap(w: FloatArray) -> float:
        return float((-gradient(w)).max()) - float(n)

    w = start
    for _ in range(5):
        if gap(w) <= _NASH_KKT_TOL * n:
            return w
        result = minimize(
            objective,
            w,
            jac=gradient,
            method="SLSQP",
            bounds=[(0.0, 1.0)] * m,
            constraints=[
                {"type": "eq", "fun": lambda v: v.sum() - 1.0, "jac": lambda v: np.ones(m)}
            ],
            options={"ftol": 1e-15, "maxiter": 500},
        )
        candidate = np.clip(result.x, 0.0, None)
        candidate /= candidate.sum()
        if float((gains.T @ candidate).min()) > 0 and objective(candidate) <= objective(w):
            w = candidate
    if gap(w) > 1e-5 * n:
        raise NegotiationSimError(
            f"nash_bargaining: the lottery optimum was not certified (Frank-Wolfe gap {gap(w):.2e})"
        )
    return w
