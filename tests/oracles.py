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


# -- a scenario's games, point by point ---------------------------------------------------------


def _relative(raw: list[float], rho: float) -> list[float]:
    """u_i - rho * mean of the others' payoffs (docs/models.md §2), for one profile."""
    n = len(raw)
    if n < 2:
        return raw
    return [u - rho * (sum(raw) - u) / (n - 1) for u in raw]


def scenario_table(scenario: Any, params: dict[str, float]) -> dict[tuple[int, ...], list[float]]:
    """Every actor's payoff at every full profile at one parameter point.

    Read off the scenario's payoff expressions one profile and one actor at a time,
    relative gains applied by hand: no batched table builder involved.
    """
    values = {name: p.default for name, p in scenario.parameters.items()} | params
    rho = values[scenario.relative_gains] if scenario.relative_gains else 0.0
    table = {}
    for profile in itertools.product(*[range(k) for k in scenario.shape]):
        raw = [
            float(scenario.expressions[i][scenario.expression_index[i][profile]].evaluate(values))
            for i in range(len(scenario.actors))
        ]
        table[profile] = _relative(raw, rho)
    return table


def format_path(
    scenario: Any, format: str | None, table: dict[tuple[int, ...], list[float]]
) -> dict[tuple[int, ...], tuple[int, ...]]:
    """The full profile each choosers' profile leads to: fixed options, then the repliers by
    backward induction (each in the listed order anticipates those after it; ties: first option).
    """
    chosen = scenario.format(format)
    ids = list(scenario.actor_ids)
    options = {a.id: a.option_ids for a in scenario.actors}
    fixed = {a: options[a].index(o) for a, o in chosen.others if o != "best_reply"}
    repliers = [a for a, o in chosen.others if o == "best_reply"]

    def play(assigned: dict[str, int], remaining: list[str]) -> tuple[int, ...]:
        if not remaining:
            return tuple(assigned[a] for a in ids)
        actor, later = remaining[0], remaining[1:]
        best: tuple[int, ...] | None = None
        for option in range(len(options[actor])):
            reached = play({**assigned, actor: option}, later)
            if best is None or table[reached][ids.index(actor)] > table[best][ids.index(actor)]:
                best = reached
        assert best is not None
        return best

    shape = [range(len(options[a])) for a in chosen.choosers]
    return {
        c: play({**fixed, **dict(zip(chosen.choosers, c, strict=True))}, repliers)
        for c in itertools.product(*shape)
    }


def landscape_point(
    scenario: Any, format: str | None, params: dict[str, float], tol: float = 1e-9
) -> dict[str, Any]:
    """The sweep metrics at one point by brute force over the format's game.

    Pure equilibria by checking every unilateral deviation of every choosers' profile;
    the selected one has the largest total payoff (ties: first profile). Returns the
    counts and flags, and ``selected``: every equilibrium within 1e-9 of the best total
    (the first is the selection; more than one only when totals tie up to rounding),
    each as (outcome id, payoffs, surplus).
    """
    chosen = scenario.format(format)
    ids = list(scenario.actor_ids)
    table = scenario_table(scenario, params)
    path = format_path(scenario, format, table)
    rows = [ids.index(a) for a in chosen.choosers]
    equilibria = []
    for c, full in path.items():
        stable = True
        for j, i in enumerate(rows):
            for option in range(len(scenario.actors[i].options)):
                deviation = path[(*c[:j], option, *c[j + 1 :])]
                if table[deviation][i] > table[full][i] + tol:
                    stable = False
        if stable:
            equilibria.append(full)
    outcomes = [scenario.outcome_ids[int(scenario.profile_outcomes[full])] for full in equilibria]
    deals = [scenario.outcomes[o].is_deal for o in outcomes]
    values = {name: p.default for name, p in scenario.parameters.items()} | params
    no_deal_payoffs = scenario.outcomes[scenario.no_deal].payoffs
    rho = values[scenario.relative_gains] if scenario.relative_gains else 0.0
    no_deal = _relative([float(no_deal_payoffs[a].evaluate(values)) for a in ids], rho)
    totals = [sum(table[full]) for full in equilibria]
    selected = []
    if totals:
        best = max(totals)
        first = totals.index(best)  # the first profile with the largest total, as defined
        near = [k for k, total in enumerate(totals) if total >= best - 1e-9 and k != first]
        for k in [first, *near]:
            payoffs = np.array(table[equilibria[k]])
            selected.append((outcomes[k], payoffs, payoffs - np.array(no_deal)))
    return {
        "n_equilibria": len(equilibria),
        "deal_is_equilibrium": any(deals),
        "no_deal_is_equilibrium": not all(deals),
        "selected": selected,
    }
