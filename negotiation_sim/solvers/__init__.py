"""Equilibrium solvers, all reached through :func:`solve`.

Each method lives in its own module and returns a :class:`SolverResult` whose
equilibria have all passed the regret check.

=====================  ==========  ==============================================
method                 actors      returns
=====================  ==========  ==============================================
``pure``               any         all pure equilibria
``vertex_enumeration`` 2           all extreme equilibria, degenerate games too
``support_enumeration`` 2          all equilibria of non-degenerate games
``lemke_howson``       2           one equilibrium per starting label, deduplicated
``minimax``            2           value and optimal strategies of a zero-sum game
``logit``              any         the limit of the logit QRE principal branch
``dominance``          any         iterated strict dominance, then solve the rest
=====================  ==========  ==============================================

Limits (docs/models.md, "Limits"): payoffs are divided by a power-of-two scale
before any arithmetic (:mod:`negotiation_sim._scale`), so no finite payoff overflows; every
method takes ``max_equilibria`` (default :data:`~.result.MAX_EQUILIBRIA`, 1,000)
and reports ``count``; enumeration stops at work budgets (``max_support_pairs``,
``max_bases``, ``max_programs``, ``max_pivots``, ``max_steps``) with a warning and
``exhaustive=False``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from ..errors import GameError
from ..game import DEFAULT_TOL, Game
from ._checks import check_tol
from .pure import pure_equilibria
from .result import Equilibrium, Reduction, SolverResult

__all__ = [
    "METHODS",
    "Equilibrium",
    "Reduction",
    "SolverResult",
    "auto_method",
    "pure_equilibria",
    "solve",
]

#: method name -> (module, function); modules are imported on first use.
METHODS: dict[str, tuple[str, str]] = {
    "pure": ("pure", "solve_pure"),
    "vertex_enumeration": ("vertex", "solve_vertex_enumeration"),
    "support_enumeration": ("support", "solve_support_enumeration"),
    "lemke_howson": ("lemke_howson", "solve_lemke_howson"),
    "minimax": ("minimax", "solve_minimax"),
    "logit": ("logit", "solve_logit"),
    "dominance": ("dominance", "solve_dominance"),
}


def solver(method: str) -> Callable[..., SolverResult]:
    """The solver function behind a method name."""
    if method not in METHODS:
        known = ", ".join(sorted(METHODS))
        raise GameError(f"method: unknown method {method!r}; expected one of {known}")
    module, function = METHODS[method]
    solve_function: Callable[..., SolverResult] = getattr(
        import_module(f"{__name__}.{module}"), function
    )
    return solve_function


def auto_method(game: Game, *, tol: float = DEFAULT_TOL) -> str:
    """The method ``"auto"`` stands for: what says most about ``game``.

    * one profile: ``"pure"`` (it is the equilibrium);
    * two actors: ``"vertex_enumeration"`` (all extreme equilibria);
    * more actors: ``"pure"`` if the game has a pure equilibrium (all of them say
      more about an n-actor negotiation than the one the logit path selects),
      else ``"logit"``.

    Parameters
    ----------
    game : Game
    tol : float
        Regret tolerance of a pure equilibrium.

    Examples
    --------
    >>> import numpy as np
    >>> from negotiation_sim import Game
    >>> auto_method(Game.zero_sum([[1, -1], [-1, 1]]))
    'vertex_enumeration'
    >>> auto_method(Game(np.zeros((3, 2, 2, 2))))  # every profile is an equilibrium
    'pure'
    >>> pennies = np.zeros((3, 2, 2, 2))  # Jordan's (1993) matching pennies: none is
    >>> for s in np.ndindex(2, 2, 2):
    ...     pennies[(slice(None), *s)] = [s[0] == s[1], s[1] == s[2], s[2] != s[0]]
    >>> auto_method(Game(pennies))
    'logit'
    """
    tol = check_tol(tol)
    if game.n_profiles == 1:
        return "pure"
    if game.n_actors == 2:
        return "vertex_enumeration"
    has_pure = bool(pure_equilibria(game.payoffs, n_actors=game.n_actors, tol=tol).any())
    return "pure" if has_pure else "logit"


def solve(
    game: Game, method: str = "auto", *, tol: float = DEFAULT_TOL, **options: Any
) -> SolverResult:
    """Solve ``game`` with ``method``; every returned equilibrium is verified.

    Parameters
    ----------
    game : Game
    method : str
        One of :data:`METHODS`, or ``"auto"``: the method :func:`auto_method`
        picks (``vertex_enumeration`` for two actors; for more, ``pure`` if
        there is a pure equilibrium, else ``logit``).
    tol : float
        Regret tolerance for verification and comparisons.
    **options
        Passed to the method (see each ``solve_<method>`` function); every method
        takes ``max_equilibria``, the most equilibria listed (1,000 by default).

    Examples
    --------
    >>> from negotiation_sim import Game, solve
    >>> matching_pennies = Game.zero_sum([[1, -1], [-1, 1]])
    >>> result = solve(matching_pennies)
    >>> result.method, len(result.equilibria)
    ('vertex_enumeration', 1)
    >>> result.equilibria[0].strategies[0].tolist()
    [0.5, 0.5]
    """
    if not isinstance(game, Game):
        raise GameError(f"game: expected a negotiation_sim.Game, got {type(game).__name__}")
    tol = check_tol(tol)
    if method == "auto":
        method = auto_method(game, tol=tol)
    return solver(method)(game, tol=tol, **options)
