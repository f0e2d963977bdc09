"""Equilibria of two-actor games by support enumeration.

Algorithm 3.4 of Nisan, Roughgarden, Tardos & Vazirani (eds., 2007),
*Algorithmic Game Theory*, ch. 3 (von Stengel), and Porter, Nudelman &
Shoham (2008), "Simple search methods for finding a Nash equilibrium",
*Games and Economic Behavior* 63. In a *nondegenerate* game every equilibrium
has supports ``I`` (row actor) and ``J`` (column actor) of equal size ``k``,
and is the unique solution of the indifference equations

    sum_{j in J} A[i, j] y_j = v  (i in I),   sum_{j in J} y_j = 1,
    sum_{i in I} B[i, j] x_i = u  (j in J),   sum_{i in I} x_i = 1,

with ``x, y >= 0`` and no option outside the supports paying more than ``v``
(resp. ``u``). All ``sum_k C(m, k) C(n, k)`` systems of each size are solved in
one vectorised pass. Probabilities down to ``-tol`` are accepted (rounding
puts exact zeros slightly below zero; a strict ``>= 0`` test loses equilibria).

A *degenerate* game (some mixed strategy with support size ``k`` has more
than ``k`` pure best responses) can have equilibria with unequal supports or
in continua, which this method does not find. Degeneracy is detected exactly
from the same solutions: each solution that is a feasible strategy with the
solved-for options as best responses is a vertex of a best-response polytope,
and the game is degenerate iff some such vertex has more labels (zero
probabilities plus best responses) than options (von Stengel 2002, *Handbook
of Game Theory* vol. 3, ch. 45, Thm. 2.10). Then the result warns and points
to ``vertex_enumeration``; what is returned is still verified.
"""

from __future__ import annotations

import numpy as np

from ..game import DEFAULT_TOL, FloatArray, Game, MixedProfile
from ._bimatrix import (
    DEGENERATE_PREFIX,
    MAX_SUPPORT_PAIRS,
    BoolArray,
    batched_solve,
    bimatrix,
    budget_warning,
    count_support_pairs,
    finish,
    label_tolerance,
    rescale,
    support_blocks,
)
from ._checks import check_count, check_tol
from .result import MAX_EQUILIBRIA, SolverResult

__all__ = ["solve_support_enumeration"]

METHOD = "support_enumeration"

#: Indifference systems solved per numpy pass (bounds the working memory).
_SYSTEMS_PER_BLOCK = 50_000
#: Up to this many support pairs, all sizes share one padded pass (fewer numpy calls).
_ONE_PASS_LIMIT = 1_000


def solve_support_enumeration(
    game: Game,
    *,
    tol: float = DEFAULT_TOL,
    max_equilibria: int = MAX_EQUILIBRIA,
    max_support_pairs: int = MAX_SUPPORT_PAIRS,
) -> SolverResult:
    """All Nash equilibria of a nondegenerate two-actor game, by support enumeration.

    Algorithm 3.4 of von Stengel, ch. 3 of *Algorithmic Game Theory* (Nisan
    et al. 2007): solve the indifference equations for every pair of
    supports of equal size, keep solutions with probabilities ``>= -tol`` and
    no better option outside the supports.

    Parameters
    ----------
    game : Game
        A game with exactly two actors.
    tol : float
        Regret tolerance: an option outside the support may pay at most about
        ``tol / 2`` more; probabilities ``>= -tol`` count as non-negative.
    max_equilibria : int
        List (and verify) at most this many distinct solutions, the first found.
    max_support_pairs : int
        Work budget: examine at most this many of the ``C(m + n, m) - 1`` support
        pairs (by size, then row set, then column set); default
        :data:`~negotiation_sim.solvers._bimatrix.MAX_SUPPORT_PAIRS`, one million,
        every pair of a 10 x 10 game and a few seconds' work on a 100 x 100 one.

    Returns
    -------
    SolverResult
        Equilibria in descending lexicographic order of the strategies. In a
        degenerate game a warning starting with ``"degenerate game"`` says
        that some equilibria may be missing; use ``vertex_enumeration`` for
        all extreme equilibria. ``count`` is the number of distinct solutions
        found (to 9 decimals); ``exhaustive`` is False, with a warning, when
        the budget stopped the search before the last support pair.

    Raises
    ------
    UnsupportedGameError
        If ``game`` has more (or fewer) than two actors.

    Examples
    --------
    Matching pennies has one equilibrium, fully mixed:

    >>> from negotiation_sim import Game
    >>> pennies = Game.zero_sum([[1, -1], [-1, 1]])
    >>> [[s.tolist() for s in eq.strategies] for eq in solve_support_enumeration(pennies).equilibria]
    [[[0.5, 0.5], [0.5, 0.5]]]

    In a degenerate game the result says so:

    >>> tie = Game.from_bimatrix([[1, 1], [0, 0]], [[1, 1], [0, 2]])
    >>> result = solve_support_enumeration(tie)
    >>> len(result.equilibria), result.warnings[0][:15]
    (2, 'degenerate game')
    """
    a, b = bimatrix(game)
    tol = check_tol(tol)
    limit = check_count(max_equilibria, "max_equilibria")
    budget = check_count(max_support_pairs, "max_support_pairs")
    m, n = game.shape
    a, scale_a = rescale(a)
    b, scale_b = rescale(b)
    eps_a = float(label_tolerance(tol, scale_a))
    eps_b = float(label_tolerance(tol, scale_b))
    candidates: list[MixedProfile] = []
    distinct: set[bytes] = set()  # to count solutions; candidates beyond 2 * limit are not kept
    degenerate = False
    examined = 0
    for block in support_blocks(
        a, b, one_pass_limit=_ONE_PASS_LIMIT, per_block=_SYSTEMS_PER_BLOCK, limit=budget
    ):
        size = len(block.rows)
        examined += size
        # Column actor indifferent over J given x on I; row actor over I given y on J.
        solved, worth, ok = _indifference(
            np.concatenate([block.b_t, block.a], axis=2),
            np.tile(block.rows < m, (2, 1)),  # positions that are not padding
        )
        x_part, y_part = solved[:size], solved[size:]
        u, v = worth[:size], worth[size:]
        ok_x, ok_y = ok[:size], ok[size:]
        bx = block.row_products(x_part, b)  # column actor's payoff of each option against x
        ay = block.column_products(y_part, a.T)  # row actor's payoff of each option against y
        good_x = ok_x & (x_part >= -tol).all(axis=1) & (bx <= u[:, None] + eps_b).all(axis=1)
        good_y = ok_y & (y_part >= -tol).all(axis=1) & (ay <= v[:, None] + eps_a).all(axis=1)
        labels_x = block.row_zeros(x_part, m, tol) + (bx >= u[:, None] - eps_b).sum(axis=1)
        labels_y = block.column_zeros(y_part, n, tol) + (ay >= v[:, None] - eps_a).sum(axis=1)
        degenerate = degenerate or bool((good_x & (labels_x > m)).any())
        degenerate = degenerate or bool((good_y & (labels_y > n)).any())
        good = np.flatnonzero(good_x & good_y)
        x = block.row_vectors(x_part[good], m, good)
        y = block.column_vectors(y_part[good], n, good)
        keys = np.round(np.concatenate([x, y], axis=1), 9)
        distinct.update(key.tobytes() for key in keys)
        room = max(0, min(len(good), 2 * limit - len(candidates)))
        candidates.extend(zip(x[:room], y[:room], strict=True))
    warnings = []
    if degenerate:
        warnings.append(
            f"{DEGENERATE_PREFIX}: some mixed strategy has more pure best responses than its "
            "support size, so equilibria with unequal supports or in continua may be missing; "
            "vertex_enumeration finds all extreme equilibria"
        )
    total = count_support_pairs(m, n)
    if examined < total:
        warnings.append(budget_warning(METHOD, examined, total, f"max_support_pairs={budget}"))
    return finish(
        game,
        METHOD,
        candidates,
        tol,
        warnings,
        limit=limit,
        found=len(distinct),
        exhaustive=examined == total,
    )


def _indifference(blocks: FloatArray, valid: BoolArray) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Solve ``[M, -1; 1^T, 0] [p; w] = [0; 1]`` for a stack of ``M``, shape (K, K, N).

    ``valid`` (N, K) marks the positions of each system that are not padding
    (padding rows and columns of ``M`` are the identity and stay out of the
    border, so their ``p`` is 0). Returns ``p`` (N, K), ``w`` (N,) and whether
    each system was nonsingular.
    """
    k, _, count = blocks.shape
    systems = np.zeros((k + 1, k + 1, count))
    systems[:k, :k] = blocks
    systems[:k, k] = np.where(valid.T, -1.0, 0.0)
    systems[k, :k] = np.where(valid.T, 1.0, 0.0)
    rhs = np.zeros((k + 1, count))
    rhs[k] = 1.0
    solution, ok = batched_solve(systems, rhs)
    return solution[:k].T, solution[k], ok
