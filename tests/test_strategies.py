"""The shared strategies produce what they promise (Axelrod tests its strategies too)."""

import math

import numpy as np
from hypothesis import given, settings

from tests import strategies as gs


@settings(max_examples=100, deadline=None)
@given(gs.games())
def test_games_are_within_bounds(game):
    assert 2 <= game.n_actors <= 4
    assert all(1 <= k <= 4 for k in game.shape)
    assert math.prod(game.shape) <= 256


@settings(max_examples=100, deadline=None)
@given(gs.games(real=False))
def test_integer_games_are_small_integers(game):
    assert np.array_equal(game.payoffs, np.round(game.payoffs))
    assert np.abs(game.payoffs).max() <= 3


@settings(max_examples=50, deadline=None)
@given(gs.zero_sum_games())
def test_zero_sum_games_sum_to_zero(game):
    assert np.allclose(game.payoffs.sum(axis=0), 0)


@settings(max_examples=50, deadline=None)
@given(gs.shapes(max_actors=3).flatmap(lambda s: gs.mixed_profiles(shape=s)))
def test_mixed_profiles_are_probability_vectors(profile):
    for sigma in profile:
        assert sigma.min() >= 0
        assert np.isclose(sigma.sum(), 1)
