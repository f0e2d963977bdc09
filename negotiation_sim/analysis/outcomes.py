"""Who gains from an equilibrium, and is it Pareto efficient?

An outcome is a payoff vector, one entry per actor. Against a disagreement
point ``w`` (no deal, continued war) the *surplus* of actor ``i`` at an
equilibrium is ``u_i - w_i``; the outcome is *positive-sum* if the total
surplus is positive and a *Pareto improvement* if no actor loses
(docs/models.md §2).

A vector ``q`` *dominates* ``p`` if ``q_i >= p_i - tol`` for every actor and
``q_k > p_k + tol`` for some actor. ``p`` is Pareto efficient among the pure
outcomes if no pure outcome dominates it, and among lotteries (the convex
hull of the outcomes, reachable with a public randomisation device) if no
convex combination ``q`` has ``q >= p`` with ``sum_i (q_i - p_i) > tol``;
that is one linear program (solved by HiGHS, status checked), whose
tolerance is floored at ``1e-7`` times the payoff scale, HiGHS's feasibility
tolerance (Osborne & Rubinstein 1994, *A Course in Game Theory*, §7.2 and
Mas-Colell, Whinston & Green 1995, §16.C for the definitions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linprog

from ..errors import GameError, NegotiationSimError
from ..game import (
    DEFAULT_TOL,
    FloatArray,
    Game,
    MixedProfile,
    Profile,
    float_array,
    frozen_array,
)
from ..solvers.result import Equilibrium, SolverResult

__all__ = [
    "OutcomeAnalysis",
    "ParetoFrontier",
    "analyse_equilibrium",
    "analyse_result",
    "pareto_frontier",
    "pure_outcome_points",
]

#: Smallest tolerance used for the lottery linear program (HiGHS's feasibility tolerance).
LP_TOL = 1e-7


@dataclass(frozen=True, eq=False)
class OutcomeAnalysis:
    """What one equilibrium gives each actor, compared with no deal.

    Attributes
    ----------
    strategies : tuple of ndarray
        The equilibrium (one probability vector per actor).
    payoffs : ndarray, shape (n,)
        Expected payoffs.
    disagreement : ndarray, shape (n,)
        The disagreement point ``w``.
    surplus : ndarray, shape (n,)
        ``payoffs - disagreement``.
    total_surplus : float
    positive_sum : bool
        ``total_surplus > tol``.
    pareto_improvement : bool
        Every surplus ``>= -tol``.
    pareto_efficient : bool
        No pure outcome (or, with ``lotteries``, no lottery over outcomes)
        dominates ``payoffs``.
    gainers, losers : tuple of str
        Actors whose surplus is ``> tol``, respectively ``< -tol``.
    lotteries : bool
        Whether efficiency was judged among lotteries too.
    tol : float
    """

    strategies: MixedProfile
    payoffs: FloatArray
    disagreement: FloatArray
    surplus: FloatArray
    total_surplus: float
    positive_sum: bool
    pareto_improvement: bool
    pareto_efficient: bool
    gainers: tuple[str, ...]
    losers: tuple[str, ...]
    lotteries: bool
    tol: float


def pure_outcome_points(game: Game) -> FloatArray:
    """Payoff vectors of all pure profiles, shape ``(n_profiles, n)``, profiles in C order.

    >>> from negotiation_sim import Game
    >>> pure_outcome_points(Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])).tolist()
    [[3.0, 3.0], [0.0, 5.0], [5.0, 0.0], [1.0, 1.0]]
    """
    return frozen_array(game.payoffs.reshape(game.n_actors, -1).T)


def analyse_equilibrium(
    game: Game,
    equilibrium: Equilibrium | Profile,
    disagreement: ArrayLike,
    *,
    lotteries: bool = False,
    tol: float = DEFAULT_TOL,
) -> OutcomeAnalysis:
    """Surplus, gainers and losers, and efficiency of one (pure or mixed) equilibrium.

    Parameters
    ----------
    game : Game
    equilibrium : Equilibrium or profile
        An :class:`~negotiation_sim.Equilibrium` or any pure or mixed profile
        (it is not checked to be an equilibrium).
    disagreement : array_like, shape (n,)
        Payoff of every actor if there is no deal.
    lotteries : bool
        Also require that no lottery over pure outcomes dominates it.
    tol : float

    Returns
    -------
    OutcomeAnalysis

    Examples
    --------
    In the prisoner's dilemma (Axelrod 1984) mutual defection, the
    equilibrium, is no better than no deal at (P, P) and is dominated by
    mutual cooperation:

    >>> from negotiation_sim import Game
    >>> pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], actors=("us", "them"))
    >>> dd = analyse_equilibrium(pd, (1, 1), [1, 1])
    >>> dd.total_surplus, dd.positive_sum, dd.pareto_improvement, dd.pareto_efficient
    (0.0, False, True, False)
    >>> cc = analyse_equilibrium(pd, (0, 0), [1, 1], lotteries=True)
    >>> cc.surplus.tolist(), cc.gainers, cc.pareto_efficient
    ([2.0, 2.0], ('us', 'them'), True)
    """
    strategies = equilibrium.strategies if isinstance(equilibrium, Equilibrium) else equilibrium
    mixed = game.mixed(strategies)
    payoffs = game.expected_payoffs(mixed)
    w = _disagreement(game, disagreement)
    surplus = payoffs - w
    points = pure_outcome_points(game)
    efficient = not _dominated_by_pure(points, payoffs, tol)
    if efficient and lotteries:
        efficient = not _dominated_by_lottery(points, payoffs, tol)
    return OutcomeAnalysis(
        strategies=tuple(frozen_array(s) for s in mixed),
        payoffs=frozen_array(payoffs),
        disagreement=frozen_array(w),
        surplus=frozen_array(surplus),
        total_surplus=float(surplus.sum()),
        positive_sum=bool(surplus.sum() > tol),
        pareto_improvement=bool(np.all(surplus >= -tol)),
        pareto_efficient=efficient,
        gainers=tuple(a for a, s in zip(game.actors, surplus, strict=True) if s > tol),
        losers=tuple(a for a, s in zip(game.actors, surplus, strict=True) if s < -tol),
        lotteries=lotteries,
        tol=tol,
    )


def analyse_result(
    result: SolverResult,
    disagreement: ArrayLike,
    *,
    lotteries: bool = False,
    tol: float | None = None,
) -> tuple[OutcomeAnalysis, ...]:
    """:func:`analyse_equilibrium` for every equilibrium of a solver result.

    ``tol`` defaults to the result's own tolerance.

    >>> from negotiation_sim import Game, solve
    >>> bos = Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> [a.pareto_efficient for a in analyse_result(solve(bos, "vertex_enumeration"), [0, 0])]
    [True, False, True]
    """
    used = result.tol if tol is None else tol
    return tuple(
        analyse_equilibrium(result.game, eq, disagreement, lotteries=lotteries, tol=used)
        for eq in result.equilibria
    )


@dataclass(frozen=True, eq=False)
class ParetoFrontier:
    """The non-dominated rows of a set of outcome points.

    Attributes
    ----------
    indices : tuple of int
        Rows of the input that are efficient, ascending.
    points : ndarray, shape (len(indices), n)
        Those rows.
    lotteries : bool
        Whether efficiency was judged in the convex hull too.
    """

    indices: tuple[int, ...]
    points: FloatArray
    lotteries: bool


def pareto_frontier(
    points: ArrayLike, *, lotteries: bool = False, tol: float = DEFAULT_TOL
) -> ParetoFrontier:
    """The Pareto-efficient outcomes among ``points`` (rows: outcomes, columns: actors).

    Without ``lotteries`` a row is kept iff no row dominates it. With
    ``lotteries`` it must in addition not be dominated by any convex
    combination of rows (one linear program per row that survives the pure
    test), so the lottery frontier is a subset of the pure one. Duplicate rows
    are all kept (and judged once: the work grows with the distinct rows).

    Examples
    --------
    The compromise (0.4, 0.4) is efficient among pure outcomes but not once
    the actors can toss a coin between the extremes:

    >>> pts = [[0, 1], [1, 0], [0.4, 0.4], [0, 0]]
    >>> pareto_frontier(pts).indices
    (0, 1, 2)
    >>> pareto_frontier(pts, lotteries=True).indices
    (0, 1)
    """
    q = float_array(points, "points", "an array of shape (outcomes, actors)")
    if q.ndim != 2 or q.shape[0] == 0 or q.shape[1] == 0:
        raise GameError(
            f"points: expected a non-empty array of shape (outcomes, actors), got shape {q.shape}"
        )
    if not np.all(np.isfinite(q)):
        raise GameError("points: values must be finite")
    # Equal rows get the same verdict: each distinct row is judged once (a scenario's
    # 65,536 profiles may lead to a handful of outcomes), against the distinct rows.
    distinct, which = np.unique(q, axis=0, return_inverse=True)
    efficient = [not _dominated_by_pure(distinct, row, tol) for row in distinct]
    if lotteries:
        candidates = distinct[efficient]
        efficient = [
            ok and not _dominated_by_lottery(candidates, row, tol)
            for ok, row in zip(efficient, distinct, strict=True)
        ]
    kept = np.flatnonzero(np.array(efficient, dtype=bool)[which.ravel()]).tolist()
    return ParetoFrontier(
        tuple(kept), frozen_array(q[kept].reshape(len(kept), q.shape[1])), lotteries
    )


def _disagreement(game: Game, disagreement: ArrayLike) -> FloatArray:
    w = float_array(disagreement, "disagreement", f"{game.n_actors} numbers")
    if w.shape != (game.n_actors,) or not np.all(np.isfinite(w)):
        raise GameError(
            f"disagreement: expected {game.n_actors} finite numbers (one per actor), "
            f"got {np.asarray(disagreement).tolist()!r}"
        )
    return w


def _dominated_by_pure(points: FloatArray, p: FloatArray, tol: float) -> bool:
    weakly = np.all(points >= p - tol, axis=1)
    strictly = np.any(points > p + tol, axis=1)
    return bool(np.any(weakly & strictly))


def _dominated_by_lottery(points: FloatArray, p: FloatArray, tol: float) -> bool:
    """Whether a convex combination ``q`` of ``points`` has ``q >= p`` and ``sum(q - p) > tol``.

    Points dominating ``p`` are dominated among lotteries too; the hull's
    dominating points are those whose excess ``q - p`` is non-negative, so
    maximise the total excess over ``lambda`` in the simplex.
    """
    shifted = points - p
    m = shifted.shape[0]
    scale = max(1.0, float(np.abs(points).max()), float(np.abs(p).max()))
    solution = linprog(
        -shifted.sum(axis=1),
        A_ub=-shifted.T,
        b_ub=np.zeros(shifted.shape[1]),
        A_eq=np.ones((1, m)),
        b_eq=[1.0],
        bounds=[(0.0, None)] * m,
        method="highs",
    )
    if solution.status == 2:
        # Infeasible: no lottery is even weakly above p (p is outside the hull's
        # upper region, e.g. a point dominating all candidates).
        return False
    if solution.status != 0:
        raise NegotiationSimError(
            f"pareto: the linear program failed (status {solution.status}): {solution.message}"
        )
    return bool(-solution.fun > max(tol, LP_TOL) * scale)
