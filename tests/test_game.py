"""Game: construction, validation and the cheap queries, against brute force."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, GameError
from tests import strategies as gs
from tests.oracles import brute_force_regret


def test_game_is_immutable():
    game = Game(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError):
        game.payoffs[0, 0, 0] = 1.0
    with pytest.raises(AttributeError):
        game.actors = ("a", "b")  # type: ignore[misc]  # wrong on purpose


def test_input_array_is_copied():
    source = np.zeros((2, 2, 2))
    game = Game(source)
    source[0, 0, 0] = 5.0
    assert game.payoffs[0, 0, 0] == 0.0


def test_default_and_given_labels():
    game = Game(np.zeros((3, 2, 1, 3)), actors=("us", "russia", "ukraine"))
    assert game.actors == ("us", "russia", "ukraine")
    assert game.options == (("0", "1"), ("0",), ("0", "1", "2"))
    assert Game(np.zeros((2, 1, 1))).actors == ("actor 0", "actor 1")


@pytest.mark.parametrize(
    ("payoffs", "kwargs", "message"),
    [
        (np.zeros((2, 2)), {}, "shape"),
        (np.zeros((3, 2, 2)), {}, "3 actors need a tensor with 4 axes"),
        (np.zeros((2, 0, 2)), {}, "at least one option"),
        (np.array([[[0.0, np.nan], [0, 0]], [[0, 0], [0, 0]]]), {}, "finite"),
        (np.array([[[0.0, np.inf], [0, 0]], [[0, 0], [0, 0]]]), {}, "profile (0, 1)"),
        ([["a", "b"]], {}, "numeric"),
        (np.zeros((2, 2, 2)), {"actors": ("a",)}, "actors: expected 2 names"),
        (np.zeros((2, 2, 2)), {"actors": ("a", "a")}, "duplicate"),
        (np.zeros((2, 2, 2)), {"options": (("x", "y"), ("x",))}, "expected 2 names"),
        (np.zeros((2, 2, 2)), {"options": (("x", "y"),)}, "one list of option names per actor"),
    ],
)
def test_invalid_games_raise_clear_errors(payoffs, kwargs, message):
    with pytest.raises(GameError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Game(payoffs, **kwargs)


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ((0,), "one entry per actor"),
        ((2, 0), "option index"),
        (([0.5, 0.6], 0), "probability vector"),
        (([1.0], 0), "expected 2 probabilities"),
    ],
)
def test_invalid_profiles_raise(profile, message):
    with pytest.raises(GameError, match=message):
        Game(np.zeros((2, 2, 2))).regret(profile)


@settings(max_examples=150, deadline=None)
@given(
    gs.games(max_actors=3).flatmap(
        lambda g: st.tuples(st.just(g), gs.mixed_profiles(shape=g.shape))
    )
)
def test_regret_matches_brute_force(case):
    game, profile = case
    assert game.max_regret(profile) == pytest.approx(
        brute_force_regret(game.payoffs, profile), abs=1e-9
    )
    assert game.is_nash(profile, tol=1e-9) == (brute_force_regret(game.payoffs, profile) <= 1e-9)


@settings(max_examples=100, deadline=None)
@given(
    gs.games(max_actors=3).flatmap(
        lambda g: st.tuples(st.just(g), gs.mixed_profiles(shape=g.shape))
    )
)
def test_expected_payoffs_are_consistent_with_option_payoffs(case):
    game, profile = case
    expected = game.expected_payoffs(profile)
    for i in range(game.n_actors):
        assert expected[i] == pytest.approx(game.option_payoffs(profile, i) @ profile[i], abs=1e-9)
        best = game.best_responses(profile, i)
        values = game.option_payoffs(profile, i)
        assert set(best) == set(np.flatnonzero(values >= values.max() - 1e-9))


def test_pure_profile_queries():
    pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert pd.payoff((0, 1)).tolist() == [0.0, 5.0]
    assert pd.expected_payoffs((0, 1)).tolist() == [0.0, 5.0]
    assert pd.regret((0, 0)).tolist() == [2.0, 2.0]
    assert pd.best_responses((0, 0), actor=1) == (1,)


def test_restrict_keeps_labels():
    game = Game(np.arange(12.0).reshape(2, 2, 3), options=(("a", "b"), ("x", "y", "z")))
    sub = game.restrict([[1], [0, 2]])
    assert sub.options == (("b",), ("x", "z"))
    assert sub.payoffs[1, 0, 1] == game.payoffs[1, 1, 2]
