"""Value and optimal strategies of two-actor zero-sum games, by linear programming.

For the row actor's payoff matrix ``A`` (the column actor gets ``-A``, or
``c - A`` in a constant-sum game) the row actor's maximin strategy solves

    maximise v  subject to  A^T x >= v 1,  sum(x) = 1,  x >= 0,

and the column actor's minimax strategy solves the dual problem
``minimise w  subject to  A y <= w 1``. By von Neumann's minimax theorem both
optima equal the value ``v`` of the game, and every pair of optimal strategies
is a Nash equilibrium (von Neumann & Morgenstern 1944; Maschler, Solan & Zamir
2013, *Game Theory*, ch. 5). Both are :func:`maximin` (the one maximin program of
the package, HiGHS's dual simplex with its status checked).
"""

from __future__ import annotations

import numpy as np

from .._scale import exponents, normalised
from ..errors import UnsupportedGameError
from ..game import DEFAULT_TOL, Game
from ._checks import check_count, check_tol, require_two_actors
from ._lp import maximin
from .result import MAX_EQUILIBRIA, SolverResult, verified_equilibria

__all__ = ["constant_sum", "maximin", "solve_minimax"]


def constant_sum(game: Game, tol: float = DEFAULT_TOL) -> float | None:
    """The constant ``c`` with ``sum_i u_i(s) = c`` for every profile, or ``None``.

    >>> from negotiation_sim import Game
    >>> constant_sum(Game.zero_sum([[1, -1], [-1, 1]]))
    0.0
    >>> constant_sum(Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])) is None
    True
    """
    # In units of the game's power-of-two scale (exact), so sums of payoffs near the
    # largest float do not overflow; the test is the same: spread <= tol * max(1, max |u|).
    e = int(exponents(game.payoffs))
    unit = normalised(game.payoffs, e)
    totals = unit.sum(axis=0)
    scale = max(float(np.ldexp(1.0, -e)), float(np.abs(unit).max()))
    if float(totals.max() - totals.min()) > tol * scale:
        return None
    with np.errstate(over="ignore"):
        return float(np.ldexp(totals.mean(), e))


def solve_minimax(
    game: Game, *, tol: float = DEFAULT_TOL, max_equilibria: int = MAX_EQUILIBRIA
) -> SolverResult:
    """Value and one pair of optimal strategies of a two-actor constant-sum game.

    Parameters
    ----------
    game : Game
        Two actors whose payoffs sum to the same constant at every profile
        (within ``tol`` times the largest payoff); a general-sum game raises
        :class:`~negotiation_sim.UnsupportedGameError`.
    tol : float
    max_equilibria : int
        Accepted as every method does; minimax returns one equilibrium.

    Returns
    -------
    SolverResult
        One equilibrium (the optimal strategies) and ``value = (v, c - v)``.

    Examples
    --------
    Rock, paper, scissors has value 0 and uniform optimal strategies:

    >>> from negotiation_sim import Game
    >>> rps = Game.zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    >>> result = solve_minimax(rps)
    >>> result.value
    (0.0, 0.0)
    >>> np.round(result.equilibria[0].strategies[1], 12).tolist()
    [0.333333333333, 0.333333333333, 0.333333333333]
    """
    require_two_actors(game, "minimax")
    tol = check_tol(tol)
    check_count(max_equilibria, "max_equilibria")
    total = constant_sum(game, tol)
    if total is None:
        sums = game.payoffs.sum(axis=0)
        raise UnsupportedGameError(
            "minimax: expected a zero-sum (or constant-sum) game, got payoff sums ranging "
            f"from {sums.min():g} to {sums.max():g}; use method='vertex_enumeration' for general-sum games"
        )
    # The programs see A divided by its power-of-two scale (exact): HiGHS cannot take
    # payoffs near the largest float, and the optimal strategies do not change.
    e = int(exponents(game.payoffs[0]))
    a = normalised(game.payoffs[0], e)
    value, x = maximin(a)
    column_value, y = maximin(-a.T)  # the column actor maximises -A
    warnings: list[str] = []
    unit = float(np.ldexp(1.0, -e))  # 1 in units of the scale
    if abs(value + column_value) > max(tol, 1e-9) * max(unit, float(np.abs(a).max())):
        warnings.append(
            f"minimax: primal and dual values differ "
            f"({np.ldexp(value, e):g} vs {np.ldexp(-column_value, e):g})"
        )
    equilibria, dropped = verified_equilibria(game, [(x, y)], tol)
    with np.errstate(over="ignore"):
        value = float(np.ldexp(0.5 * (value - column_value), e))
    return SolverResult(
        game,
        "minimax",
        equilibria,
        tol,
        (*warnings, *dropped),
        parameters={"constant_sum": total},
        value=(value, total - value),
    )
