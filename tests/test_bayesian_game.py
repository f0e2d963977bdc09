"""BayesianGame: construction, checks, beliefs and interim payoffs against brute-force loops.

The oracles here (:func:`brute_interim`, :func:`brute_interim_regret`) are plain loops over type
profiles and option profiles, written from MODEL.md §7's formula; they share no code with
:mod:`negotiation_sim.bayesian` and the other Bayesian tests import them.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import GameError
from negotiation_sim.bayesian import BayesianGame, check_prior
from tests import strategies as gs


def brute_interim(
    payoffs: np.ndarray, prior: np.ndarray, strategies: list[np.ndarray]
) -> list[np.ndarray]:
    """``U_i(s_i | theta_i)`` by loops: per actor, a (T_i, k_i) array (0 for probability-0 types)."""
    n = payoffs.shape[0]
    types = payoffs.shape[1 : n + 1]
    options = payoffs.shape[n + 1 :]
    values = [np.zeros((types[i], options[i])) for i in range(n)]
    for i in range(n):
        for t in range(types[i]):
            marginal = sum(
                prior[theta] for theta in itertools.product(*map(range, types)) if theta[i] == t
            )
            if marginal <= 0:
                continue
            for own in range(options[i]):
                total = 0.0
                for theta in itertools.product(*map(range, types)):
                    if theta[i] != t or prior[theta] == 0:
                        continue
                    for s in itertools.product(*map(range, options)):
                        if s[i] != own:
                            continue
                        weight = prior[theta] / marginal
                        for j in range(n):
                            if j != i:
                                weight *= strategies[j][theta[j]][s[j]]
                        total += weight * payoffs[(i, *theta, *s)]
                values[i][t, own] = total
    return values


def brute_interim_regret(game: BayesianGame, strategies: list[np.ndarray]) -> float:
    """The largest interim regret over the types of positive probability, by loops."""
    values = brute_interim(np.asarray(game.payoffs), np.asarray(game.prior), strategies)
    n = game.n_actors
    worst = 0.0
    for i in range(n):
        for t in range(game.type_counts[i]):
            reached = any(
                game.prior[theta] > 0
                for theta in itertools.product(*map(range, game.type_counts))
                if theta[i] == t
            )
            if reached:
                best = max(values[i][t])
                worst = max(worst, best - float(np.dot(values[i][t], strategies[i][t])))
    return worst


@st.composite
def typed_strategies(draw: st.DrawFn, game: BayesianGame) -> list[np.ndarray]:
    """A mixed strategy per actor: one probability vector per type (some entries zero)."""
    result = []
    for t, k in zip(game.type_counts, game.shape, strict=True):
        rows = [np.asarray(draw(gs.mixed_profiles(shape=(k,)))[0]) for _ in range(t)]
        result.append(np.stack(rows))
    return result


# -- interim payoffs and beliefs -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(data=st.data(), game=gs.bayesian_games())
def test_interim_payoffs_equal_the_loops(data, game):
    strategies = data.draw(typed_strategies(game))
    expected = brute_interim(np.asarray(game.payoffs), np.asarray(game.prior), strategies)
    for mine, theirs in zip(game.interim_payoffs(strategies), expected, strict=True):
        assert np.allclose(mine, theirs, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(game=gs.bayesian_games())
def test_conditional_is_bayes_rule(game):
    for i in range(game.n_actors):
        for t in range(game.type_counts[i]):
            marginal = float(np.take(game.prior, t, axis=i).sum())
            if marginal == 0:
                with pytest.raises(GameError, match="prior probability 0"):
                    game.conditional(i, t)
                continue
            belief = game.conditional(i, t)
            assert belief.shape[i] == 1 and belief.ndim == game.n_actors
            assert abs(belief.sum() - 1) < 1e-12
            for theta in np.ndindex(*belief.shape):
                full = tuple(t if j == i else v for j, v in enumerate(theta))
                assert belief[theta] == pytest.approx(game.prior[full] / marginal, abs=1e-15)


def test_independent_prior_is_the_product():
    game = BayesianGame.independent(
        np.zeros((3, 2, 1, 3, 1, 1, 1)), [[0.25, 0.75], [1], [0.5, 0, 0.5]]
    )
    for a, b, c in np.ndindex(2, 1, 3):
        assert game.prior[a, b, c] == [0.25, 0.75][a] * [0.5, 0, 0.5][c]
    assert game.marginal(2).tolist() == [0.5, 0.0, 0.5]


def test_labels_default_and_given():
    game = BayesianGame(np.zeros((2, 2, 1, 3, 1)), [[0.5], [0.5]])
    assert game.actors == ("actor 0", "actor 1")
    assert game.types == (("0", "1"), ("0",))
    assert game.options == (("0", "1", "2"), ("0",))
    assert game.payoffs.flags.writeable is False and game.prior.flags.writeable is False
    named = BayesianGame(
        np.zeros((2, 2, 1, 1, 1)), [[0.5], [0.5]], actors=("a", "b"), types=(("x", "y"), ("z",))
    )
    assert (named.actors, named.types) == (("a", "b"), (("x", "y"), ("z",)))


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payoffs", "prior", "message"),
    [
        (np.zeros((2, 2, 2)), [[1.0]], r"expected shape \(n, T_1, \.\.\., T_n, k_1, \.\.\., k_n\)"),
        (np.zeros((1, 1, 1)), [1.0], "n >= 2 actors"),
        (np.zeros((2, 2, 0, 1, 1)), np.zeros((2, 0)), "at least one type and one option"),
        (np.zeros((2, 2, 1, 1, 1)), [0.5, 0.5], r"prior: expected shape \(2, 1\)"),
        (np.zeros((2, 2, 1, 1, 1)), [[1.5], [-0.5]], "prior: probabilities must be >= 0, got -0.5"),
        (np.zeros((2, 2, 1, 1, 1)), [[0.5], [0.4]], "prior: probabilities must sum to 1, got 0.9"),
        (np.zeros((2, 2, 1, 1, 1)), [[np.nan], [1]], "prior: values must be finite"),
        (np.full((2, 2, 1, 1, 1), np.inf), [[0.5], [0.5]], "payoffs: values must be finite"),
        (np.zeros((2, 2, 1, 1, 1)), "half", "prior: expected a probability per type profile"),
    ],
)
def test_bad_games_raise_game_errors(payoffs, prior, message):
    with pytest.raises(GameError, match=message):
        BayesianGame(payoffs, prior)


def test_rounding_in_a_prior_is_forgiven_within_tol():
    trust = 0.7
    game = BayesianGame(np.zeros((2, 2, 1, 1, 1)), [[trust + 0.3 - 1e-12], [-1e-12]])
    assert game.prior[1, 0] == 0.0
    with pytest.raises(GameError, match="must be >= 0"):
        check_prior([[1.0], [-1e-6]], (2, 1))
    assert check_prior([[1.0], [-1e-6]], (2, 1), tol=1e-5)[1, 0] == 0.0


def test_bad_labels_and_strategies():
    with pytest.raises(GameError, match=r"types\['b'\]: expected 1 names"):
        BayesianGame(
            np.zeros((2, 2, 1, 1, 1)),
            [[0.5], [0.5]],
            actors=("a", "b"),
            types=(("x", "y"), ("z", "w")),
        )
    with pytest.raises(GameError, match="types: expected one list of names per actor"):
        BayesianGame(np.zeros((2, 2, 1, 1, 1)), [[0.5], [0.5]], types=(("x", "y"),))
    game = BayesianGame(np.zeros((2, 2, 1, 2, 2)), [[0.5], [0.5]])
    with pytest.raises(GameError, match=r"strategies\[1\]: expected shape \(1, 2\)"):
        game.interim_payoffs([[[1, 0], [1, 0]], [[1, 0], [0, 1]]])
    with pytest.raises(GameError, match="probability vector per type"):
        game.interim_payoffs([[[1, 0], [1, 1]], [[1, 0]]])
    with pytest.raises(GameError, match=r"actor: expected an index in \[0, 2\)"):
        game.conditional(2, 0)
    with pytest.raises(GameError, match="type of 'actor 0'"):
        game.conditional(0, 5)
    with pytest.raises(GameError, match="marginals: expected one vector per actor"):
        BayesianGame.independent(np.zeros((2, 2, 1, 1, 1)), [[[0.5, 0.5]], [1]])


# -- the shared strategy ---------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(game=gs.bayesian_games())
def test_the_strategy_draws_small_games_with_dyadic_priors(game):
    assert 2 <= game.n_actors <= 3
    assert all(1 <= t <= 2 for t in game.type_counts) and all(1 <= k <= 3 for k in game.shape)
    profiles = np.prod([k**t for k, t in zip(game.shape, game.type_counts, strict=True)])
    assert profiles <= 64
    assert np.array_equal(game.prior * 8, np.round(game.prior * 8))
    assert np.array_equal(game.payoffs, np.round(game.payoffs)) and np.abs(game.payoffs).max() <= 3


def test_the_strategy_reaches_typed_actors_and_types_of_probability_zero():
    from hypothesis import find

    find(gs.bayesian_games(), lambda g: min(g.marginal(0)) == 0 and g.type_counts[0] == 2)
    find(gs.bayesian_games(), lambda g: g.type_counts.count(2) >= 2 and g.prior.min() > 0)
