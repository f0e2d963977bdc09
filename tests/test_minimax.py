"""Zero-sum values by linear programming, certified by the saddle-point inequalities."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, UnsupportedGameError, solve
from negotiation_sim.solvers.minimax import constant_sum
from tests import strategies as gs
from tests.known_games import ZERO_SUM
from tests.oracles import brute_force_regret


@pytest.mark.parametrize("known", ZERO_SUM, ids=lambda k: k.name)
def test_known_values_and_strategies(known):
    result = solve(known.game, "minimax")
    assert result.value is not None
    assert result.value[0] == pytest.approx(known.value, abs=1e-12)
    assert result.value[1] == pytest.approx(-known.value, abs=1e-12)
    # These games have a unique equilibrium, so the optimal strategies are known.
    for found, expected in zip(result.equilibria[0].strategies, known.extreme[0], strict=True):
        assert np.allclose(found, expected, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(gs.zero_sum_games())
def test_value_is_certified_by_both_strategies(game):
    result = solve(game, "minimax")
    (equilibrium,) = result.equilibria
    x, y = equilibrium.strategies
    a = game.payoffs[0]
    assert result.value is not None
    v = result.value[0]
    # x guarantees at least v against every column; y concedes at most v against every row.
    assert (a.T @ x).min() >= v - 1e-9
    assert (a @ y).max() <= v + 1e-9
    assert brute_force_regret(game.payoffs, (x, y)) <= 1e-9


@settings(max_examples=100, deadline=None)
@given(gs.zero_sum_games(), st.sampled_from([0.5, 2.0, 7.0]), st.integers(-5, 5))
def test_value_moves_with_positive_affine_maps(game, scale, shift):
    # Row gets scale*A + shift, column gets -scale*A - shift: still zero-sum.
    moved = Game.zero_sum(scale * game.payoffs[0] + shift)
    moved_value, value = solve(moved, "minimax").value, solve(game, "minimax").value
    assert moved_value is not None and value is not None
    assert moved_value[0] == pytest.approx(scale * value[0] + shift, abs=1e-8)


def test_constant_sum_games_are_accepted():
    a = np.array([[2.0, -1.0], [-1.0, 1.0]])
    game = Game.from_bimatrix(a + 3, 7 - a)  # payoffs sum to 10 everywhere
    assert constant_sum(game) == pytest.approx(10.0)
    result = solve(game, "minimax")
    assert result.value == pytest.approx((3.2, 6.8))


@settings(max_examples=60, deadline=None)
@given(gs.zero_sum_games(), st.integers(-5, 5), st.integers(-10, 10))
def test_constant_sum_values_are_certified(game, shift, total):
    # Row gets A + s, column total - s - A: the row actor's value is certified by the saddle
    # inequalities of the returned strategies, and the two values sum to the constant.
    a = game.payoffs[0]
    moved = Game.from_bimatrix(a + shift, total - shift - a)
    assert constant_sum(moved) == pytest.approx(total)
    result = solve(moved, "minimax")
    x, y = result.equilibria[0].strategies
    assert result.value is not None
    v = result.value[0]
    assert ((a + shift).T @ x).min() >= v - 1e-9
    assert ((a + shift) @ y).max() <= v + 1e-9
    assert result.value[1] == pytest.approx(total - v, abs=1e-9)


def test_general_sum_game_is_refused_clearly():
    pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    with pytest.raises(UnsupportedGameError, match="zero-sum"):
        solve(pd, "minimax")
    with pytest.raises(UnsupportedGameError, match="two-actor"):
        solve(Game(np.zeros((3, 2, 2, 2))), "minimax")
