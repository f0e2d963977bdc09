"""Independent oracles: a brute-force regret check and pygambit conversions.

The regret here enumerates every pure profile with plain Python, sharing no
code with :class:`negotiation_sim.Game`, so tests that use it check solvers
against something other than the code under test.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

import numpy as np

from negotiation_sim import Game

Profile = tuple[tuple[float, ...], ...]


def brute_force_regret(payoffs: np.ndarray, strategies: Any) -> float:
    """Largest gain any actor gets by switching to one of its options."""
    n = payoffs.shape[0]
    shape = payoffs.shape[1:]
    worst = 0.0
    for i in range(n):
        values = np.zeros(shape[i])
        for s in itertools.product(*[range(k) for k in shape]):
            weight = 1.0
            for j in range(n):
                if j != i:
                    weight *= float(strategies[j][s[j]])
            values[s[i]] += weight * payoffs[(i, *s)]
        expected = float(np.dot(values, strategies[i]))
        worst = max(worst, float(values.max()) - expected)
    return worst


def is_probability_profile(game: Game, strategies: Any, tol: float = 1e-9) -> bool:
    return len(strategies) == game.n_actors and all(
        np.shape(s) == (k,) and np.min(s) >= -tol and abs(np.sum(s) - 1) <= tol
        for s, k in zip(strategies, game.shape, strict=True)
    )


@cache
def _gambit() -> Any:
    import pygambit

    return pygambit


def gambit_game(game: Game) -> Any:
    """The same game as a pygambit table game (payoffs as exact decimals)."""
    gbt = _gambit()
    return gbt.Game.from_arrays(*[np.asarray(game.payoffs[i]) for i in range(game.n_actors)])


def _profiles(gambit: Any, result: Any) -> list[Profile]:
    return [
        tuple(tuple(float(eq[s]) for s in player.strategies) for player in gambit.players)
        for eq in result.equilibria
    ]


def gambit_extreme(game: Game) -> list[Profile]:
    """All extreme equilibria by Gambit's exact ``enummixed_solve(rational=True)``."""
    g = gambit_game(game)
    return _profiles(g, _gambit().nash.enummixed_solve(g, rational=True))


def gambit_pure(game: Game) -> set[tuple[int, ...]]:
    """All pure equilibria by Gambit's ``enumpure_solve``."""
    g = gambit_game(game)
    return {
        tuple(int(np.argmax(s)) for s in profile)
        for profile in _profiles(g, _gambit().nash.enumpure_solve(g))
    }


def gambit_logit(game: Game) -> list[Profile]:
    """Gambit's ``logit_solve`` answer (one profile)."""
    g = gambit_game(game)
    return _profiles(g, _gambit().nash.logit_solve(g))


def dominating_gain(points: np.ndarray, u: np.ndarray) -> float:
    """Largest total gain of a lottery over ``points`` weakly dominating ``u`` (LP, HiGHS).

    Positive means some lottery gives every actor at least ``u`` and the actors more in total:
    ``u`` is not Pareto efficient among lotteries.
    """
    from scipy.optimize import linprog

    m = points.shape[0]
    result = linprog(
        -points.sum(axis=1),
        A_ub=-points.T,
        b_ub=-u,
        A_eq=np.ones((1, m)),
        b_eq=[1.0],
        bounds=[(0, None)] * m,
        method="highs",
    )
    assert result.status == 0
    return float(-result.fun - u.sum())


def zero_sum_shares_reference(u: np.ndarray, tol: float = 1e-9) -> tuple[float, float]:
    """Raw and strategic zero-sum shares of one game (docs/models.md §2), written out plainly.

    Game by game, every ANOVA component broadcast back to the full profile shape: slow, but
    each step is the definition, for checking the batched ``zero_sum_shares``.
    """
    n = u.shape[0]
    negligible = (tol * max(1.0, float(np.abs(u).max()))) ** 2 * u.size

    def share(zero: float, common: float) -> float:
        if zero <= negligible:
            return 0.0
        if common <= negligible:
            return 1.0
        return min(1.0, max(0.0, zero / (zero + common)))

    def component(f: np.ndarray, subset: tuple[int, ...]) -> np.ndarray:
        g = f
        for axis in range(f.ndim):
            if axis not in subset:
                g = np.broadcast_to(g.mean(axis=axis, keepdims=True), f.shape)
        for axis in subset:
            g = g - g.mean(axis=axis, keepdims=True)
        return np.asarray(g, dtype=float)

    centred = u - u.reshape(n, -1).mean(axis=1).reshape((n,) + (1,) * n)
    c = centred.mean(axis=0)
    raw = share(float(np.sum((centred - c) ** 2)), n * float(np.sum(c**2)))
    d_common = d_zero = 0.0
    for size in range(2, n + 1):
        for subset in itertools.combinations(range(n), size):
            parts = np.stack([component(u[i], subset) for i in subset])
            mean = parts.mean(axis=0)
            d_common += float(np.sum((parts - mean) ** 2))
            if size == n:
                d_zero = n * float(np.sum(mean**2))
    return raw, share(d_common, d_zero)
