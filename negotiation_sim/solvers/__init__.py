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
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from ..errors import GameError
from ..game import DEFAULT_TOL, Game
from .pure import pure_equilibria
from .result import Equilibrium, Reduction, SolverResult

__all__ = ["METHODS", "Equilibrium", "Reduction", "SolverResult", "pure_equilibria", "solve"]

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


def solve(
    game: Game, method: str = "auto", *, tol: float = DEFAULT_TOL, **options: Any
) -> SolverResult:
    """Solve ``game`` with ``method``; every returned equilibrium is verified.

    Parameters
    ----------
    game : Game
    method : str
        One of :data:`METHODS`, or ``"auto"``: ``vertex_enumeration`` for two
        actors (all extreme equilibria), ``logit`` otherwise.
    tol : float
        Regret tolerance for verification and comparisons.
    **options
        Passed to the method (see each ``solve_<method>`` function).

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
    if not tol >= 0:
        raise GameError(f"tol: expected a non-negative number, got {tol!r}")
    if method == "auto":
        method = "vertex_enumeration" if game.n_actors == 2 else "logit"
    return solver(method)(game, tol=tol, **options)
