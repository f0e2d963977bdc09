"""Why a profile is not an equilibrium: deviations checked against interim payoffs by loops."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim.bayesian import (
    BayesianGame,
    deviation_path,
    profitable_deviations,
    pure_strategies,
)
from negotiation_sim.errors import GameError
from negotiation_sim.game import DEFAULT_TOL

from .strategies import bayesian_games


def _interim_by_loops(game: BayesianGame, plays: list[list[int]], i: int, t: int, option: int):
    """U_i(option | t) against the others' pure plays, summing over type profiles by hand."""
    n = game.n_actors
    weight = total = 0.0
    for theta in itertools.product(*(range(c) for c in game.type_counts)):
        if theta[i] != t:
            continue
        p = float(game.prior[theta])
        profile = tuple(option if j == i else plays[j][theta[j]] for j in range(n))
        total += p * float(game.payoffs[(i, *theta, *profile)])
        weight += p
    return total / weight


def _regrets_by_loops(game: BayesianGame, plays: list[list[int]]) -> dict[tuple[int, int], float]:
    """Each positive-probability type's regret at the pure profile ``plays``, by loops."""
    regrets = {}
    for j in range(game.n_actors):
        marginal = game.prior.sum(axis=tuple(a for a in range(game.n_actors) if a != j))
        for u in range(game.type_counts[j]):
            if marginal[u] > 0:
                values = [_interim_by_loops(game, plays, j, u, k) for k in range(game.shape[j])]
                regrets[j, u] = max(values) - values[plays[j][u]]
    return regrets


@settings(max_examples=60, deadline=None)
@given(game=bayesian_games(), data=st.data())
def test_deviations_are_exactly_the_types_that_gain(game, data):
    plays = [
        [data.draw(st.integers(0, game.shape[i] - 1)) for _ in range(game.type_counts[i])]
        for i in range(game.n_actors)
    ]
    strategies = [np.eye(game.shape[i])[plays[i]] for i in range(game.n_actors)]
    found = {(d.actor, d.type): d for d in profitable_deviations(game, strategies)}
    for i in range(game.n_actors):
        marginal = game.prior.sum(axis=tuple(j for j in range(game.n_actors) if j != i))
        for t in range(game.type_counts[i]):
            if marginal[t] <= 0:
                continue
            values = [_interim_by_loops(game, plays, i, t, k) for k in range(game.shape[i])]
            gain = max(values) - values[plays[i][t]]
            key = (game.actors[i], game.types[i][t])
            assert (key in found) == (gain > DEFAULT_TOL)
            if key in found:
                assert found[key].gain == pytest.approx(gain, abs=1e-9)
                assert found[key].plays == game.options[i][plays[i][t]]
                assert values[game.options[i].index(found[key].best)] == pytest.approx(max(values))


def test_pure_strategies_refuses_unknown_labels():
    game = BayesianGame(np.zeros((2, 1, 1, 2, 2)), [[1.0]])
    with pytest.raises(GameError, match="unknown option 'x'"):
        pure_strategies(game, {"actor 0": {"*": "x"}, "actor 1": {"*": "0"}})
    with pytest.raises(GameError, match="no options given for 'actor 1'"):
        pure_strategies(game, {"actor 0": {"*": "0"}})


@settings(max_examples=40, deadline=None)
@given(game=bayesian_games(), data=st.data())
def test_deviation_path_moves_the_largest_gain_and_settles_on_an_equilibrium(game, data):
    plays = [
        [data.draw(st.integers(0, game.shape[i] - 1)) for _ in range(game.type_counts[i])]
        for i in range(game.n_actors)
    ]
    start = [np.eye(game.shape[i])[plays[i]] for i in range(game.n_actors)]
    steps, reached, settled = deviation_path(game, start, max_steps=30)
    current = [p.copy() for p in plays]
    for step in steps:  # replay each step against the loops' interim payoffs
        i = game.actors.index(step.actor)
        t = game.types[i].index(step.type)
        assert step.gain == pytest.approx(max(_regrets_by_loops(game, current).values()), abs=1e-9)
        current[i][t] = game.options[i].index(step.best)
    assert [np.argmax(r, axis=1).tolist() for r in reached] == current
    assert settled == (not profitable_deviations(game, reached))
    if settled:  # an equilibrium by the loops too
        assert max(_regrets_by_loops(game, current).values()) <= DEFAULT_TOL
