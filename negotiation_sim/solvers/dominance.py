"""Iterated elimination of strictly dominated options, for any number of actors.

Option ``j`` of actor ``i`` is strictly dominated by a mixed strategy
``sigma`` over ``i``'s other options if ``u_i(sigma, s_-i) > u_i(j, s_-i)``
for every profile ``s_-i`` of the others. Pure dominance is the special case of
a unit vector ``sigma``; mixed dominance is decided by the linear program

    maximise eps  subject to  sum_j' sigma_j' u_i(j', s_-i) - u_i(j, s_-i) >= eps  for all s_-i,
                              sum(sigma) = 1,  sigma >= 0,

with ``j`` dominated iff the optimum ``eps > tol`` (Myerson 1991, *Game
Theory*, §3.9; Fudenberg & Tirole 1991, §2.1). Strictly dominated options are
never played in a Nash equilibrium and the order of elimination does not
matter, so all equilibria of the original game are equilibria of the reduced
game, lifted back with zeros.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._scale import exponents, normalised, tolerances
from ..errors import NegotiationSimError
from ..game import DEFAULT_TOL, FloatArray, Game
from ._checks import check_count, check_tol
from ._lp import maximin
from .result import Reduction, SolverResult, verified_equilibria

__all__ = ["iterated_dominance", "solve_dominance"]


def _dominator(
    own: FloatArray, option: int, mixed: bool, tol: float, programs: list[int]
) -> FloatArray | None:
    """A strategy strictly dominating ``option``, given ``own[j, c]`` = payoff of option j vs column c.

    ``programs`` holds the linear programs still allowed (one list entry, counted down).
    """
    others = [j for j in range(own.shape[0]) if j != option]
    if not others:
        return None
    margins = own[others] - own[option]  # (k-1, columns)
    pure = np.flatnonzero((margins > tol).all(axis=1))
    if pure.size:
        best = pure[np.argmax(margins[pure].min(axis=1))]
        vector = np.zeros(own.shape[0])
        vector[others[best]] = 1.0
        return vector
    # A mix beats option j against a column only if some option does: a column where none
    # does rules mixed dominance out without a linear program (all of them, in a game of ties).
    if not mixed or len(others) < 2 or not (margins.max(axis=0) > tol).all():
        return None
    if programs[0] <= 0:
        return None
    programs[0] -= 1
    # The best mix's worst margin; re-checked by maximin from the cleaned vector, so the
    # claim does not rest on LP tolerances.
    margin, sigma = maximin(margins, who="dominance")
    if margin <= tol:
        return None
    vector = np.zeros(own.shape[0])
    vector[others] = sigma
    return vector


#: Default budget of linear programs for mixed dominance (each option of each round).
MAX_PROGRAMS = 2_000


def iterated_dominance(
    game: Game, *, mixed: bool = True, tol: float = DEFAULT_TOL, max_programs: int = MAX_PROGRAMS
) -> Reduction:
    """Remove strictly dominated options round by round until none is left.

    Parameters
    ----------
    game : Game
    mixed : bool
        Also test domination by mixed strategies (a linear program per option).
    tol : float
        Domination must be by more than ``tol`` against every profile of the
        others (at least :data:`~negotiation_sim._scale.RESOLUTION` times the actor's payoff
        scale; payoffs are compared divided by it, so nothing overflows).
    max_programs : int
        Work budget: solve at most this many linear programs (default
        :data:`MAX_PROGRAMS`); an option that needs one beyond it is kept. Keeping
        an option never loses an equilibrium, so the reduction stays valid (it may
        be larger than it could be), and :func:`solve_dominance` warns.

    Returns
    -------
    Reduction
        The reduced game, the surviving options and what was removed, by whom.

    Examples
    --------
    In the prisoner's dilemma cooperation is strictly dominated:

    >>> from negotiation_sim import Game
    >>> pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> iterated_dominance(pd).kept
    ((1,), (1,))

    Option 2 below is dominated only by the mix (1/2, 1/2, 0) of the others:

    >>> game = Game.from_bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]])
    >>> reduction = iterated_dominance(game)
    >>> reduction.kept, reduction.removed[0][2].tolist()
    (((0, 1), (0, 1)), [0.5, 0.5, 0.0])
    """
    return _eliminate(game, mixed, check_tol(tol), check_count(max_programs, "max_programs"))[0]


def _eliminate(game: Game, mixed: bool, tol: float, budget: int) -> tuple[Reduction, bool]:
    """:func:`iterated_dominance`, and whether the budget of linear programs ran out."""
    kept = [list(range(k)) for k in game.shape]
    removed: list[tuple[int, int, FloatArray]] = []
    programs = [budget]
    changed = True
    while changed:
        changed = False
        current = game.restrict(kept)
        dominated: list[tuple[int, int, FloatArray]] = []
        for i in range(game.n_actors):
            own = np.moveaxis(current.payoffs[i], i, 0).reshape(current.shape[i], -1)
            e = exponents(own)  # margins of payoffs near 1.7e308 would overflow
            unit, allowed = normalised(own, e), float(tolerances(tol, e))
            for j in range(current.shape[i]):
                sigma = _dominator(unit, j, mixed, allowed, programs)
                if sigma is not None:
                    full = np.zeros(game.shape[i])
                    full[kept[i]] = sigma
                    full.setflags(write=False)
                    dominated.append((i, kept[i][j], full))
        # Remove a whole round at once; an actor always keeps an undominated option.
        for i, option, sigma in dominated:
            kept[i].remove(option)
            removed.append((i, option, sigma))
            changed = True
    reduction = Reduction(
        original=game,
        game=game.restrict(kept),
        kept=tuple(tuple(k) for k in kept),
        removed=tuple(removed),
    )
    return reduction, programs[0] <= 0


def solve_dominance(
    game: Game,
    *,
    tol: float = DEFAULT_TOL,
    mixed: bool = True,
    then: str = "auto",
    max_programs: int = MAX_PROGRAMS,
    **options: Any,
) -> SolverResult:
    """Iterated strict dominance, then solve the reduced game and lift its equilibria.

    Parameters
    ----------
    game : Game
    tol : float
    mixed : bool
        Also eliminate options dominated only by mixed strategies.
    then : str
        Method for the reduced game; ``"auto"`` picks it as
        :func:`~negotiation_sim.solvers.auto_method` does (``pure`` when one
        profile is left, ``vertex_enumeration`` for two actors, else ``pure``
        if the reduced game has a pure equilibrium and ``logit`` if not).
    max_programs : int
        Budget of linear programs for mixed dominance (see :func:`iterated_dominance`).
    **options
        Passed to the ``then`` method (``max_equilibria`` and its work budget among
        them); the result's ``count`` and ``exhaustive`` are the ``then`` method's.

    Returns
    -------
    SolverResult
        Equilibria of ``game`` (verified on the original game) and
        ``reduction``, what was removed. With an exhaustive ``then`` method
        the equilibria are those of ``game``: dominated options are never
        played in equilibrium.

    Examples
    --------
    >>> from negotiation_sim import Game
    >>> pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> result = solve_dominance(pd)
    >>> result.equilibria[0].profile, result.parameters["then"]
    ((1, 1), 'pure')
    """
    from . import auto_method, solve  # deferred: the dispatcher imports this module

    tol = check_tol(tol)
    budget = check_count(max_programs, "max_programs")
    reduction, ran_out = _eliminate(game, mixed, tol, budget)
    reduced = reduction.game
    method = auto_method(reduced, tol=tol) if then == "auto" else then
    if method == "dominance":
        raise NegotiationSimError(
            "dominance: then='dominance' would recurse; pick a solving method"
        )
    inner = solve(reduced, method, tol=tol, **options)
    lifted = (reduction.lift(eq.strategies) for eq in inner.equilibria)
    equilibria, dropped = verified_equilibria(game, lifted, tol)
    notes = (
        (
            f"dominance: stopped testing mixed dominance after max_programs={budget} linear "
            "programs; options it did not test were kept (no equilibrium is lost)",
        )
        if ran_out
        else ()
    )
    return SolverResult(
        game,
        "dominance",
        equilibria,
        tol,
        (*notes, *inner.warnings, *dropped),
        parameters={"mixed": mixed, "then": method, "max_programs": budget, **inner.parameters},
        value=inner.value,
        reduction=reduction,
        count=inner.count,
        exhaustive=inner.exhaustive,
    )
