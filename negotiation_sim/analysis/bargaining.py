"""Bargaining over a finite set of outcomes: Nash, Kalai–Smorodinsky, egalitarian, Rubinstein, Fearon.

A *bargaining problem* here is a finite set of payoff points (an array of
shape ``(m, n)``: row ``j`` is what each of the ``n >= 2`` actors gets at
outcome ``j``) and a disagreement point ``d`` (what each actor gets with no
deal, models.md §3). The feasible set is either the points themselves
(``lotteries=False``) or their convex hull (``lotteries=True``: a lottery over
outcomes, or a mixed deal). Only outcomes with ``u >= d`` are acceptable to
every actor.

- **Nash** (Nash 1950, *Econometrica* 18): maximise ``prod_i (u_i - d_i)``.
  Invariant under positive affine maps of each actor's payoffs, symmetric,
  Pareto optimal.
- **Kalai–Smorodinsky** (Kalai & Smorodinsky 1975, *Econometrica* 43): the
  Pareto point on the segment from ``d`` to the ideal point (each actor's best
  feasible payoff). Scale invariant.
- **Egalitarian** (Kalai 1977, *Econometrica* 45): maximise ``min_i (u_i - d_i)``.
  Not scale invariant: gains are compared in the payoffs' own units.

Each returns a :class:`BargainingSolution`. If no feasible outcome gives
*every* actor strictly more than ``d``, there is nothing to bargain over: the
solution is ``d`` itself with ``feasible=False`` (no error is raised).

Also here: Rubinstein's alternating-offers split with the outside-option
principle (Rubinstein 1982, *Econometrica* 50; Binmore, Shaked & Sutton 1989,
*QJE* 104) and Fearon's bargaining range (Fearon 1995, *International
Organization* 49).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linprog, minimize

from ..errors import GameError, NegotiationSimError
from ..game import DEFAULT_TOL, FloatArray
from ..solvers._lp import maximin

__all__ = [
    "BargainingSolution",
    "RubinsteinSplit",
    "egalitarian",
    "fearon_range",
    "kalai_smorodinsky",
    "nash_bargaining",
    "rubinstein",
]

#: Largest Frank–Wolfe (KKT) gap accepted for the Nash lottery, relative to ``n``.
_NASH_KKT_TOL = 1e-7


@dataclass(frozen=True)
class BargainingSolution:
    """The outcome a bargaining solution selects.

    Attributes
    ----------
    payoffs : tuple of float, length n
        What each actor gets (``disagreement`` when not ``feasible``).
    weights : tuple of float, length m
        The lottery over the points that yields ``payoffs``; a unit vector for
        a pure point; all zeros when not ``feasible``.
    index : int or None
        The chosen point's row when the solution is one point, else ``None``.
    method : str
        ``"nash"``, ``"kalai_smorodinsky"`` or ``"egalitarian"``, with
        ``"/lotteries"`` appended for the convex hull.
    feasible : bool
        Whether some feasible outcome gives every actor more than its
        disagreement payoff. If not, the solution is the disagreement point.
    disagreement : tuple of float, length n
        The disagreement point ``d``.
    """

    payoffs: tuple[float, ...]
    weights: tuple[float, ...]
    index: int | None
    method: str
    feasible: bool
    disagreement: tuple[float, ...]

    @property
    def gains(self) -> tuple[float, ...]:
        """``payoffs - disagreement``, per actor."""
        return tuple(u - d for u, d in zip(self.payoffs, self.disagreement, strict=True))


@dataclass(frozen=True)
class RubinsteinSplit:
    """Subgame-perfect split of a unit surplus in alternating offers.

    Attributes
    ----------
    proposer, responder : float
        Shares of the actor making the first offer and of the other; they sum to 1.
    binding : tuple of bool
        Whether the proposer's and the responder's outside options bind.
    """

    proposer: float
    responder: float
    binding: tuple[bool, bool] = (False, False)


# -- input handling -------------------------------------------------------------------------


def _problem(points: ArrayLike, disagreement: ArrayLike) -> tuple[FloatArray, FloatArray]:
    try:
        p = np.array(points, dtype=np.float64)
        d = np.array(disagreement, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise GameError(f"bargaining: expected numeric points and disagreement, got {exc}") from exc
    if p.ndim != 2 or p.shape[0] < 1 or p.shape[1] < 2:
        raise GameError(
            "points: expected an array of shape (m, n) with m >= 1 outcomes and n >= 2 actors, "
            f"got shape {p.shape}"
        )
    if d.shape != (p.shape[1],):
        raise GameError(
            f"disagreement: expected one payoff per actor, shape ({p.shape[1]},), got shape {d.shape}"
        )
    if not (np.isfinite(p).all() and np.isfinite(d).all()):
        raise GameError("bargaining: points and disagreement must be finite")
    return p, d


def _scale(gains: FloatArray) -> float:
    return max(1.0, float(np.abs(gains).max()))


def _infeasible(p: FloatArray, d: FloatArray, method: str) -> BargainingSolution:
    return BargainingSolution(
        payoffs=tuple(float(v) for v in d),
        weights=(0.0,) * p.shape[0],
        index=None,
        method=method,
        feasible=False,
        disagreement=tuple(float(v) for v in d),
    )


def _pure(p: FloatArray, d: FloatArray, j: int, method: str) -> BargainingSolution:
    weights = np.zeros(p.shape[0])
    weights[j] = 1.0
    return BargainingSolution(
        payoffs=tuple(float(v) for v in p[j]),
        weights=tuple(float(v) for v in weights),
        index=j,
        method=method,
        feasible=True,
        disagreement=tuple(float(v) for v in d),
    )


def _lottery(p: FloatArray, d: FloatArray, w: FloatArray, method: str) -> BargainingSolution:
    w = np.where(w > 1e-12, w, 0.0)
    w = w / w.sum()
    top = int(np.argmax(w))
    if w[top] >= 1 - 1e-9:
        return _pure(p, d, top, method)
    return BargainingSolution(
        payoffs=tuple(float(v) for v in w @ p),
        weights=tuple(float(v) for v in w),
        index=None,
        method=method,
        feasible=True,
        disagreement=tuple(float(v) for v in d),
    )


def _first_best(score: FloatArray, tie_break: FloatArray, tol: float) -> int:
    """First index maximising ``score``, then ``tie_break`` (both within relative ``tol``)."""
    best = float(score.max())
    near = np.flatnonzero(score >= best - tol * max(1.0, abs(best)))
    second = tie_break[near]
    top = float(second.max())
    return int(near[np.flatnonzero(second >= top - tol * max(1.0, abs(top)))[0]])


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


def _maxmin_then_sum(gains: FloatArray, tol: float) -> tuple[float, FloatArray]:
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
    return t, w2


def _ideal_gains(gains: FloatArray) -> FloatArray:
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


def _nash_lottery(gains: FloatArray, start: FloatArray) -> FloatArray:
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


def nash_bargaining(
    points: ArrayLike,
    disagreement: ArrayLike,
    *,
    lotteries: bool = False,
    tol: float = DEFAULT_TOL,
) -> BargainingSolution:
    """Nash bargaining solution: maximise ``prod_i (u_i - d_i)`` over feasible ``u >= d``.

    Parameters
    ----------
    points : array_like, shape (m, n)
        Payoff points, one row per outcome, one column per actor (``n >= 2``).
    disagreement : array_like, shape (n,)
        The disagreement point ``d``.
    lotteries : bool
        ``False``: choose one of the points (ties, within relative ``tol`` of
        the product: the first). ``True``: choose a lottery over the points
        (their convex hull), by maximising the concave ``sum_i log(u_i - d_i)``
        with SLSQP from the egalitarian lottery, certified by its KKT
        (Frank–Wolfe) gap.
    tol : float
        Tolerance of ties and of "strictly better than ``d``".

    Returns
    -------
    BargainingSolution
        ``feasible=False`` and ``payoffs == d`` if no feasible outcome gives
        every actor more than ``d``.

    Examples
    --------
    Splitting a dollar in three ways (Nash 1950): the pure solution is the even
    split; over lotteries of "all to A" and "all to B" it is the fair coin.

    >>> nash_bargaining([[1, 0], [0.5, 0.5], [0.8, 0.1]], [0, 0]).index
    1
    >>> solution = nash_bargaining([[1, 0], [0, 1]], [0, 0], lotteries=True)
    >>> [round(v, 6) for v in solution.payoffs], solution.index
    ([0.5, 0.5], None)
    >>> nash_bargaining([[1, 0], [0, 1]], [0, 0]).feasible
    False
    """
    p, d = _problem(points, disagreement)
    gains = p - d
    scale = _scale(gains)
    method = "nash/lotteries" if lotteries else "nash"
    if not lotteries:
        positive: NDArray[np.bool_] = np.asarray((gains > tol * scale).all(axis=1))
        if not positive.any():
            return _infeasible(p, d, method)
        # Products of positive gains, normalised per actor so ties are scale free.
        normalised = gains / np.abs(gains).max(axis=0)
        logs = np.where(
            positive, np.log(np.where(positive[:, None], normalised, 1.0)).sum(axis=1), -np.inf
        )
        product = np.where(positive, np.exp(logs - logs[positive].max()), -1.0)
        return _pure(p, d, _first_best(product, np.zeros(len(product)), tol), method)
    t, start = maximin(gains / scale, who="bargaining")
    if t <= tol:
        return _infeasible(p, d, method)
    best = gains.max(axis=0)  # > 0: some lottery gives every actor a positive gain
    w = _nash_lottery(gains / best, start)
    return _lottery(p, d, w, method)


# -- Kalai–Smorodinsky and egalitarian ------------------------------------------------------


def kalai_smorodinsky(
    points: ArrayLike,
    disagreement: ArrayLike,
    *,
    lotteries: bool = False,
    tol: float = DEFAULT_TOL,
) -> BargainingSolution:
    """Kalai–Smorodinsky solution: the Pareto point on the segment from ``d`` to the ideal point.

    The ideal point gives each actor its best payoff over feasible outcomes
    (``u >= d``). Over lotteries, ``t = max`` such that ``d + t (ideal - d)``
    is weakly dominated by a lottery (a linear program, HiGHS); the reported
    point is then the lottery maximising the sum of normalised gains
    ``(u_i - d_i) / (ideal_i - d_i)`` among those reaching ``t`` (Pareto
    optimal). Over pure points: the feasible point maximising
    ``min_i (u_i - d_i) / (ideal_i - d_i)`` (ties: the higher sum of these
    normalised gains, then the first).

    Examples
    --------
    The ideal point is ``(1, 2)`` here, and KS gives each actor half of its
    ideal gain (egalitarian would give equal gains, ``(2/3, 2/3)``):

    >>> solution = kalai_smorodinsky([[1, 0], [0, 2]], [0, 0], lotteries=True)
    >>> [round(v, 6) for v in solution.payoffs]
    [0.5, 1.0]
    >>> kalai_smorodinsky([[1, 0], [0.6, 1.0], [0.5, 1.8]], [0, 0]).index
    1
    """
    p, d = _problem(points, disagreement)
    gains = p - d
    scale = _scale(gains)
    method = "kalai_smorodinsky/lotteries" if lotteries else "kalai_smorodinsky"
    if not lotteries:
        positive = (gains > tol * scale).all(axis=1)
        if not positive.any():
            return _infeasible(p, d, method)
        acceptable = (gains >= -tol * scale).all(axis=1)
        ideal = gains[acceptable].max(axis=0)
        normalised = gains / ideal
        score = np.where(acceptable, normalised.min(axis=1), -np.inf)
        total = np.where(acceptable, normalised.sum(axis=1), -np.inf)
        return _pure(p, d, _first_best(score, total, tol), method)
    t, _ = maximin(gains / scale, who="bargaining")
    if t <= tol:
        return _infeasible(p, d, method)
    ideal = _ideal_gains(gains / scale)
    _, w = _maxmin_then_sum(gains / scale / ideal, tol)
    return _lottery(p, d, w, method)


def egalitarian(
    points: ArrayLike,
    disagreement: ArrayLike,
    *,
    lotteries: bool = False,
    tol: float = DEFAULT_TOL,
) -> BargainingSolution:
    """Egalitarian solution (Kalai 1977): maximise ``min_i (u_i - d_i)``.

    Over pure points: among feasible points (``u >= d``), the largest smallest
    gain (ties: the larger sum of gains, then the first). Over lotteries: a
    max-min linear program (HiGHS), then, among lotteries reaching that
    minimum, the largest sum of gains (so the result is Pareto optimal).

    Examples
    --------
    >>> egalitarian([[4, 1], [2, 2], [3, 2]], [0, 0]).index
    2
    >>> solution = egalitarian([[4, 0], [0, 2]], [0, 0], lotteries=True)
    >>> [round(v, 6) for v in solution.payoffs], [round(w, 6) for w in solution.weights]
    ([1.333333, 1.333333], [0.333333, 0.666667])
    """
    p, d = _problem(points, disagreement)
    gains = p - d
    scale = _scale(gains)
    method = "egalitarian/lotteries" if lotteries else "egalitarian"
    if not lotteries:
        positive = (gains > tol * scale).all(axis=1)
        if not positive.any():
            return _infeasible(p, d, method)
        acceptable = (gains >= -tol * scale).all(axis=1)
        score = np.where(acceptable, gains.min(axis=1), -np.inf)
        total = np.where(acceptable, gains.sum(axis=1), -np.inf)
        return _pure(p, d, _first_best(score, total, tol), method)
    t, _ = maximin(gains / scale, who="bargaining")
    if t <= tol:
        return _infeasible(p, d, method)
    _, w = _maxmin_then_sum(gains / scale, tol)
    return _lottery(p, d, w, method)


# -- Rubinstein and Fearon ------------------------------------------------------------------


def _unit_interval(name: str, value: float, *, closed: bool) -> float:
    v = float(value)
    ok = math.isfinite(v) and v >= 0.0 and (v <= 1.0 if closed else v < 1.0)
    if not ok:
        interval = "[0, 1]" if closed else "[0, 1)"
        raise GameError(f"{name}: expected a number in {interval}, got {value!r}")
    return v


def rubinstein(
    d1: float, d2: float, *, outside_options: tuple[float, float] = (0.0, 0.0)
) -> RubinsteinSplit:
    """Subgame-perfect split of a unit surplus in Rubinstein's alternating offers.

    Actor 1 proposes first; ``d1`` and ``d2`` are the per-round discount
    factors. Without outside options the proposer gets
    ``(1 - d2) / (1 - d1 d2)`` (Rubinstein 1982, *Econometrica* 50).

    With outside options ``(w1, w2)``, each actor may quit with ``w_i`` when it
    responds. By the outside-option principle (Binmore, Shaked & Sutton 1989,
    *QJE* 104; Osborne & Rubinstein 1990, *Bargaining and Markets*, ch. 3) an
    outside option matters only if it beats what the actor gets anyway: the
    responder gets ``max(its Rubinstein share, w2)``, the proposer the rest
    (models.md §3). Both options are handled by solving the stationary
    equations ``1 - x = max(d2 y, w2)``, ``1 - y = max(d1 x, w1)`` exactly,
    where ``x`` (``y``) is what actor 1 (2) keeps when proposing.

    Parameters
    ----------
    d1, d2 : float
        Discount factors in ``[0, 1)``.
    outside_options : (float, float)
        ``(w1, w2)``, each in ``[0, 1]`` with ``w1 + w2 <= 1`` (otherwise no
        split beats both options and there is no agreement).

    Raises
    ------
    GameError
        On a discount factor outside ``[0, 1)`` or invalid outside options.

    Examples
    --------
    >>> split = rubinstein(0.9, 0.9)
    >>> round(split.proposer, 6), round(split.responder, 6)
    (0.526316, 0.473684)
    >>> rubinstein(0.9, 0.9, outside_options=(0.0, 0.6))
    RubinsteinSplit(proposer=0.4, responder=0.6, binding=(False, True))
    """
    d1 = _unit_interval("d1", d1, closed=False)
    d2 = _unit_interval("d2", d2, closed=False)
    if len(outside_options) != 2:
        raise GameError(f"outside_options: expected (w1, w2), got {outside_options!r}")
    w1 = _unit_interval("outside_options[0]", outside_options[0], closed=True)
    w2 = _unit_interval("outside_options[1]", outside_options[1], closed=True)
    if w1 + w2 > 1.0:
        raise GameError(
            f"outside_options: w1 + w2 = {w1 + w2:g} > 1, so no split beats both outside "
            "options and there is no agreement"
        )
    eps = 1e-12
    # (x, y, binds1, binds2) in each case; the stationary system has one solution.
    candidates = [
        ((1 - d2) / (1 - d1 * d2), (1 - d1) / (1 - d1 * d2), False, False),
        (1 - d2 * (1 - w1), 1 - w1, True, False),
        (1 - w2, 1 - d1 * (1 - w2), False, True),
        (1 - w2, 1 - w1, True, True),
    ]
    for x, y, binds1, binds2 in candidates:
        ok1 = (w1 >= d1 * x - eps) if binds1 else (d1 * x >= w1 - eps)
        ok2 = (w2 >= d2 * y - eps) if binds2 else (d2 * y >= w2 - eps)
        if ok1 and ok2:
            # An option "binds" only if it strictly changes the split.
            strict1 = binds1 and w1 > d1 * x + eps
            strict2 = binds2 and w2 > d2 * y + eps
            return RubinsteinSplit(proposer=x, responder=1.0 - x, binding=(strict1, strict2))
    raise NegotiationSimError(  # pragma: no cover - the cases are exhaustive
        f"rubinstein: no stationary split for d=({d1}, {d2}), w=({w1}, {w2})"
    )


def fearon_range(p: float, cost_a: float, cost_b: float) -> tuple[float, float]:
    """Fearon's bargaining range: the splits of a unit issue both sides prefer to war.

    A wins a war with probability ``p``; war costs A ``cost_a`` and B
    ``cost_b``. A's expected war payoff is ``p - cost_a`` and B's is
    ``1 - p - cost_b``, so any split giving A a share ``x`` in
    ``[p - cost_a, p + cost_b]`` beats war for both (Fearon 1995,
    *International Organization* 49), clipped to ``[0, 1]``. The range
    always contains ``p``.

    Examples
    --------
    >>> fearon_range(0.6, 0.1, 0.15)
    (0.5, 0.75)
    >>> fearon_range(0.95, 0.1, 0.2)
    (0.85, 1.0)
    """
    p = _unit_interval("p", p, closed=True)
    for name, cost in (("cost_a", cost_a), ("cost_b", cost_b)):
        if not (math.isfinite(float(cost)) and float(cost) >= 0.0):
            raise GameError(f"{name}: expected a finite cost >= 0, got {cost!r}")
    return max(0.0, p - float(cost_a)), min(1.0, p + float(cost_b))
