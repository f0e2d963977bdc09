"""``solve_bayesian`` lists each Bayes–Nash equilibrium once: equilibria that differ only in what
types of prior probability 0 play are one answer, listed with those types on their first option.

The oracle enumerates every type-contingent pure profile by loops and checks each type of
positive probability on its interim regret, computed here from the payoffs and the prior (not
with the package's interim payoffs or agent normal form).
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim.bayesian import BayesianGame, solve_bayesian
from tests import strategies as gs

TOL = 1e-9


def marginals(prior: np.ndarray) -> list[list[float]]:
    """``p_i(t)`` by loops over the type profiles."""
    counts = prior.shape
    return [
        [sum(float(prior[th]) for th in np.ndindex(*counts) if th[i] == t) for t in range(count)]
        for i, count in enumerate(counts)
    ]


def brute_pure_bne(payoffs: np.ndarray, prior: np.ndarray) -> list[tuple[int, ...]]:
    """Every agent profile (actor-major: actor 0's types first) that is a pure Bayes–Nash
    equilibrium, in lexicographic order: every type of positive probability best-replies on its
    interim payoff ``sum_theta-i p(t, theta-i) u_i(s_i, s_-i(theta-i); t, theta-i) / p_i(t)``."""
    n = payoffs.shape[0]
    counts, options = payoffs.shape[1 : n + 1], payoffs.shape[n + 1 :]
    agents = [(i, t) for i in range(n) for t in range(counts[i])]
    p = marginals(prior)
    found = []
    for profile in itertools.product(*(range(options[i]) for i, _ in agents)):
        play = dict(zip(agents, profile, strict=True))

        def interim(i: int, t: int, option: int, play: dict[tuple[int, int], int] = play) -> float:
            total = 0.0
            for th in np.ndindex(*counts):
                if th[i] == t and prior[th] > 0:
                    s = tuple(option if j == i else play[(j, th[j])] for j in range(n))
                    total += float(prior[th]) * float(payoffs[(i, *th, *s)])
            return total / p[i][t]

        if all(
            max(interim(i, t, o) for o in range(options[i])) <= interim(i, t, play[(i, t)]) + TOL
            for i, t in agents
            if p[i][t] > 0
        ):
            found.append(profile)
    return found


def once_each(game: BayesianGame) -> list[tuple[int, ...]]:
    """The oracle's equilibria, one per class of those equal on the types of positive
    probability: the first in lexicographic order (types of probability 0 on option 0)."""
    reached = [p > 0 for m in marginals(np.asarray(game.prior)) for p in m]
    seen: dict[tuple[int, ...], tuple[int, ...]] = {}
    for profile in brute_pure_bne(np.asarray(game.payoffs), np.asarray(game.prior)):
        key = tuple(a for a, r in zip(profile, reached, strict=True) if r)
        seen.setdefault(key, profile)
    listed = list(seen.values())
    assert all(a == 0 for p in listed for a, r in zip(p, reached, strict=True) if not r)
    return listed


def agent_profiles(game: BayesianGame, method: str = "pure") -> list[tuple[int, ...]]:
    found = []
    for eq in solve_bayesian(game, method).equilibria:
        plays = [eq.pure_option(i, t) for i, s in enumerate(eq.strategies) for t in range(len(s))]
        assert None not in plays
        found.append(tuple(int(a) for a in plays if a is not None))
    return found


def test_a_type_of_probability_zero_does_not_multiply_the_equilibria():
    # Entry: the incumbent is surely "high" cost (it would accommodate an entry); "low" (prior
    # 0) would fight. The agent form has 4 pure equilibria; they are 2 answers.
    u = np.zeros((2, 2, 1, 2, 2))
    u[0, 0, 0] = [[0, 3], [1, 3]]  # high cost: (fight, accommodate) x (enter, out)
    u[0, 1, 0] = [[2, 3], [1, 3]]  # low cost
    u[1, :, 0] = [[-1, 0], [1, 0]]  # the entrant
    game = BayesianGame(u, [[1.0], [0.0]])
    assert len(brute_pure_bne(u, game.prior)) == 4
    assert agent_profiles(game) == once_each(game) == [(0, 0, 1), (1, 0, 0)]
    result = solve_bayesian(game, "pure")
    assert result.complete and not result.warnings
    for eq in result.equilibria:
        assert eq.positive == ((True, False), (True,))
        assert eq.play(0, 1).tolist() == [1.0, 0.0]  # the type of probability 0: first option


def test_a_correlated_prior_can_leave_a_whole_actor_s_type_unreached():
    # Three actors; actor 1's type 1 and actor 2's type 0 never occur (the prior's support is
    # two type profiles), and actor 0 has two types that both occur.
    rng = np.random.default_rng(5)
    u = rng.integers(-2, 3, size=(3, 2, 2, 2, 2, 2, 2)).astype(float)
    prior = np.zeros((2, 2, 2))
    prior[0, 0, 1] = 0.25
    prior[1, 0, 1] = 0.75
    game = BayesianGame(u, prior)
    expected = once_each(game)
    assert len(brute_pure_bne(u, prior)) == 4 * len(expected)  # two agents free: 2 x 2 options
    assert agent_profiles(game) == expected


@settings(max_examples=80, deadline=None)
@given(game=gs.bayesian_games(max_actors=3, max_types=3, max_agent_profiles=64), data=st.data())
def test_pure_equilibria_are_listed_once_each(game, data):
    # Often some type has probability 0 (a dyadic prior of 8 draws); force one in half the cases.
    actor = data.draw(st.integers(0, game.n_actors - 1))
    prior = np.array(game.prior)
    if data.draw(st.booleans()) and game.type_counts[actor] > 1:
        dropped = data.draw(st.integers(0, game.type_counts[actor] - 1))
        np.moveaxis(prior, actor, 0)[dropped] = 0.0
        if prior.sum() > 0:
            game = BayesianGame(game.payoffs, prior / prior.sum())
    assert agent_profiles(game) == once_each(game)


@settings(max_examples=40, deadline=None)
@given(game=gs.bayesian_games(max_actors=3, max_types=2, max_agent_profiles=32))
def test_logit_gives_each_type_of_probability_zero_its_first_option(game):
    result = solve_bayesian(game, "logit")
    for eq in result.equilibria:
        for i, reached in enumerate(eq.positive):
            for t, positive in enumerate(reached):
                if not positive:
                    assert eq.play(i, t).tolist() == np.eye(game.shape[i])[0].tolist()
