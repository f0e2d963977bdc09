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
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._scale import exponents
from ..errors import GameError, NegotiationSimError
from ..game import DEFAULT_TOL, FloatArray
from ..solvers._lp import maximin
from ._lotteries import ideal_gains, maxmin_then_sum, nash_lottery

__all__ = [
    "BargainingSolution",
    "RubinsteinSplit",
    "egalitarian",
    "fearon_range",
    "kalai_smorodinsky",
    "nash_bargaining",
    "rubinstein",
]


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


@dataclass(frozen=True)
class _Setup:
    """A checked problem: points ``p`` (m, n), disagreement ``d``, gains ``p - d``, their scale."""

    p: FloatArray
    d: FloatArray
    gains: FloatArray
    scale: float
    method: str

    def infeasible(self) -> BargainingSolution:
        return _infeasible(self.p, self.d, self.method)

    def positive(self, tol: float) -> NDArray[np.bool_] | None:
        """Points giving every actor more than ``d``; ``None`` if there is none."""
        positive: NDArray[np.bool_] = np.asarray((self.gains > tol * self.scale).all(axis=1))
        return positive if positive.any() else None

    def acceptable(self, tol: float) -> NDArray[np.bool_]:
        """Points giving no actor less than ``d``."""
        return np.asarray((self.gains >= -tol * self.scale).all(axis=1))


def _setup(points: ArrayLike, disagreement: ArrayLike, name: str, lotteries: bool) -> _Setup:
    p, d = _problem(points, disagreement)
    factor = _shrink(p, d)
    gains = p * factor - d * factor
    return _Setup(p, d, gains, _scale(gains), f"{name}/lotteries" if lotteries else name)


#: Payoffs beyond this size are scaled down before gains are taken (see :func:`_shrink`).
_LARGE = 2.0**500


def _shrink(p: FloatArray, d: FloatArray) -> float:
    """A power of two bringing payoffs beyond ``_LARGE`` to below 1 (else 1).

    Differences and sums of huge but finite payoffs overflow to ``inf`` and ``nan``;
    scaled by a power of two (exact), every gain is at most 2 and every sum at most
    ``2 n``. Each solution is invariant under this common scaling (Nash and
    Kalai-Smorodinsky under any positive scaling per actor, egalitarian under a common one);
    the tolerances then apply to the scaled gains, i.e. relative to the largest payoff.

    >>> _shrink(np.array([[3.0, 1.0]]), np.zeros(2))
    1.0
    >>> 1e308 * _shrink(np.array([[1e308, -1e308]]), np.array([-1e308, 1e308]))
    0.5562684646268003
    """
    both = np.concatenate([np.ravel(p), np.ravel(d)])
    if float(np.abs(both).max()) <= _LARGE:
        return 1.0
    return math.ldexp(1.0, -int(exponents(both)) - 1)  # below 1: 2**e <= top < 2**(e + 1)


def _over_lotteries(
    setup: _Setup, tol: float, choose: Callable[[FloatArray, FloatArray], FloatArray]
) -> BargainingSolution:
    """A lottery solution: ``choose(gains, start)`` picks weights over the distinct points.

    ``gains`` are the distinct points' gains over the scale, ``start`` the max-min lottery
    (every actor's smallest gain positive). Repeated points add nothing to the convex hull
    but make the optimisers slower (Nash's 1950 barter: 512 trades, 126 distinct points),
    so each distinct point is kept once, at its first row, and the weights are put back
    there: the solution names the original points.
    """
    _, first = np.unique(setup.p, axis=0, return_index=True)
    rows = np.sort(first)
    gains = setup.gains[rows] / setup.scale
    t, start = maximin(gains, who="bargaining")
    if t <= tol:
        return setup.infeasible()
    weights = np.zeros(setup.p.shape[0])
    weights[rows] = choose(gains, start)
    return _lottery(setup.p, setup.d, weights, setup.method)


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
    setup = _setup(points, disagreement, "nash", lotteries)
    if lotteries:
        # Each actor's best gain is > 0 there (some lottery gives everyone a positive gain).
        return _over_lotteries(
            setup, tol, lambda gains, start: nash_lottery(gains / gains.max(axis=0), start)
        )
    positive = setup.positive(tol)
    if positive is None:
        return setup.infeasible()
    gains = setup.gains
    # Products of positive gains, normalised per actor so ties are scale free.
    normalised = gains / np.abs(gains).max(axis=0)
    logs = np.where(
        positive, np.log(np.where(positive[:, None], normalised, 1.0)).sum(axis=1), -np.inf
    )
    product = np.where(positive, np.exp(logs - logs[positive].max()), -1.0)
    return _pure(setup.p, setup.d, _first_best(product, np.zeros(len(product)), tol), setup.method)


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
    setup = _setup(points, disagreement, "kalai_smorodinsky", lotteries)
    if lotteries:
        return _over_lotteries(
            setup, tol, lambda gains, _: maxmin_then_sum(gains / ideal_gains(gains), tol)
        )
    if setup.positive(tol) is None:
        return setup.infeasible()
    acceptable = setup.acceptable(tol)
    normalised = setup.gains / setup.gains[acceptable].max(axis=0)
    return _best_pure(setup, acceptable, normalised, tol)


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
    setup = _setup(points, disagreement, "egalitarian", lotteries)
    if lotteries:
        return _over_lotteries(setup, tol, lambda gains, _: maxmin_then_sum(gains, tol))
    if setup.positive(tol) is None:
        return setup.infeasible()
    return _best_pure(setup, setup.acceptable(tol), setup.gains, tol)


def _best_pure(
    setup: _Setup, acceptable: NDArray[np.bool_], gains: FloatArray, tol: float
) -> BargainingSolution:
    """The acceptable point with the largest smallest ``gains``, then the largest sum, then first."""
    score = np.where(acceptable, gains.min(axis=1), -np.inf)
    total = np.where(acceptable, gains.sum(axis=1), -np.inf)
    return _pure(setup.p, setup.d, _first_best(score, total, tol), setup.method)


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
