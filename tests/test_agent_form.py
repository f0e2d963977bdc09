"""The agent normal form: against a brute-force Harsanyi transformation, batched against one
point at a time, Gambit's enumpure on the form written to .nfg, and bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation_sim import GameError
from negotiation_sim.bayesian import (
    BayesianGame,
    agent_form_payoffs,
    agent_normal_form,
    pure_bayes_nash,
)
from negotiation_sim.bayesian import agent_form as agent_form_module
from negotiation_sim.interop import write_nfg
from tests import strategies as gs


def brute_agent_form(game: BayesianGame) -> np.ndarray:
    """The agent form by loops over agents, agent profiles and type profiles."""
    n = game.n_actors
    types, options = game.type_counts, game.shape
    agents = [(i, t) for i in range(n) for t in range(types[i])]
    shape = [options[i] for i, _ in agents]
    out = np.zeros((len(agents), *shape))
    for g, (i, t) in enumerate(agents):
        thetas = [th for th in itertools.product(*map(range, types)) if th[i] == t]
        marginal = sum(game.prior[th] for th in thetas)
        if marginal == 0:
            continue
        for a in itertools.product(*map(range, shape)):
            total = 0.0
            for th in thetas:
                s = tuple(a[agents.index((j, th[j]))] for j in range(n))
                total += game.prior[th] / marginal * game.payoffs[(i, *th, *s)]
            out[(g, *a)] = total
    return out


@settings(max_examples=60, deadline=None)
@given(game=gs.bayesian_games())
def test_agent_form_equals_the_loops(game):
    anf = agent_normal_form(game)
    assert np.allclose(anf.payoffs, brute_agent_form(game), atol=1e-12)
    expected = [f"{a}:{t}" for a, kinds in zip(game.actors, game.types, strict=True) for t in kinds]
    assert list(anf.actors) == expected
    assert anf.shape == tuple(
        k for k, t in zip(game.shape, game.type_counts, strict=True) for _ in range(t)
    )


@st.composite
def game_batches(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """``B`` Bayesian games of one shape, batch-last: payoffs (n, T.., k.., B), priors (T.., B)."""
    first = draw(gs.bayesian_games())
    count = draw(st.integers(1, 4))
    games = [first]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    for _ in range(count - 1):
        prior = rng.dirichlet(np.ones(first.prior.size)).reshape(first.prior.shape)
        games.append(BayesianGame(rng.normal(size=first.payoffs.shape), prior))
    payoffs = np.stack([g.payoffs for g in games], axis=-1)
    priors = np.stack([g.prior for g in games], axis=-1)
    return payoffs, priors


@settings(max_examples=40, deadline=None)
@given(batch=game_batches())
def test_batched_form_equals_each_point(batch):
    payoffs, priors = batch
    forms = agent_form_payoffs(payoffs, priors)
    first = agent_form_payoffs(
        np.moveaxis(payoffs, -1, 0), np.moveaxis(priors, -1, 0), batch_axis="first"
    )
    assert np.array_equal(np.moveaxis(first, 0, -1), forms)
    mask = pure_bayes_nash(payoffs, priors)
    for b in range(payoffs.shape[-1]):
        one = agent_normal_form(BayesianGame(payoffs[..., b], priors[..., b]))
        assert np.allclose(forms[..., b], one.payoffs, atol=1e-12)
        pure = {tuple(p) for p in np.argwhere(mask[..., b])}
        assert pure == {s for s in np.ndindex(*one.shape) if one.is_nash(s)}


def test_blocks_do_not_change_the_answer(monkeypatch):
    rng = np.random.default_rng(5)
    payoffs = rng.integers(-2, 3, size=(2, 2, 2, 2, 2, 300)).astype(float)
    priors = rng.dirichlet(np.ones(4), size=300).T.reshape(2, 2, 300)
    whole = pure_bayes_nash(payoffs, priors)
    monkeypatch.setattr(agent_form_module, "_BLOCK_ENTRIES", 64 * 7)  # blocks of 7 points
    assert np.array_equal(pure_bayes_nash(payoffs, priors), whole)
    first = pure_bayes_nash(
        np.moveaxis(payoffs, -1, 0), np.moveaxis(priors, -1, 0), batch_axis="first"
    )
    assert np.array_equal(np.moveaxis(first, 0, -1), whole)


def test_a_type_of_probability_zero_gets_zero_and_may_play_anything():
    u = np.ones((2, 2, 1, 2, 2))
    game = BayesianGame(u, [[1.0], [0.0]])
    anf = agent_normal_form(game)
    assert np.all(anf.payoffs[1] == 0) and np.all(anf.payoffs[0] == 1)
    mask = pure_bayes_nash(u[..., None], game.prior[..., None])[..., 0]
    assert mask.all()


# -- against Gambit --------------------------------------------------------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(game=gs.bayesian_games())
def test_gambit_enumpure_on_the_written_form_agrees(game, tmp_path):
    pygambit = pytest.importorskip("pygambit")
    anf = agent_normal_form(game)
    path = write_nfg(anf, tmp_path / "anf.nfg", overwrite=True)
    gbt = pygambit.read_nfg(str(path))
    theirs = {
        tuple(int(np.argmax([float(eq[s]) for s in player.strategies])) for player in gbt.players)
        for eq in pygambit.nash.enumpure_solve(gbt).equilibria
    }
    mask = pure_bayes_nash(game.payoffs[..., None], game.prior[..., None])[..., 0]
    assert {tuple(int(v) for v in p) for p in np.argwhere(mask)} == theirs


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payoffs", "prior", "message"),
    [
        (
            np.zeros((2, 2, 1, 1, 1)),
            np.ones((2, 1)),
            r"expected batch-last shape \(n, T_1..T_n, k_1..k_n, B\)",
        ),
        (
            np.zeros((2, 2, 1, 1, 1, 3)),
            np.full((2, 1, 4), 0.5),
            r"prior: expected shape \(2, 1, 3\)",
        ),
        (
            np.zeros((2, 2, 1, 1, 1, 2)),
            np.array([[[0.5, 0.5]], [[0.5, 0.6]]]),
            "sum to 1, got 1.1 at point 1",
        ),
        (
            np.zeros((2, 2, 1, 1, 1, 2)),
            np.array([[[0.5, 1.5]], [[0.5, -0.5]]]),
            "must be >= 0, got -0.5 at point 1",
        ),
        (
            np.zeros((2, 2, 1, 1, 1, 1)),
            np.array([[[np.nan]], [[0.5]]]),
            "prior: values must be finite",
        ),
        (
            np.full((2, 2, 1, 1, 1, 1), np.inf),
            np.full((2, 1, 1), 0.5),
            "payoffs: values must be finite",
        ),
        ("x", np.ones(1), "payoffs: expected a numeric array"),
    ],
)
@pytest.mark.parametrize("function", [agent_form_payoffs, pure_bayes_nash])
def test_bad_batches_raise_game_errors(function, payoffs, prior, message):
    with pytest.raises(GameError, match=message):
        function(payoffs, prior)


def test_agent_forms_too_large_are_refused_before_allocating():
    many_types = np.zeros((2, 63, 1, 1, 1, 1))
    with pytest.raises(GameError, match=r"64 agents .* at most 62 agents"):
        agent_form_payoffs(many_types, np.full((63, 1, 1), 1 / 63))
    wide = np.zeros((2, 4, 4, 3, 3, 1))  # 3**8 agent profiles: fine
    assert agent_form_payoffs(wide, np.full((4, 4, 1), 1 / 16)).shape == (8, *[3] * 8, 1)
    huge = np.zeros((2, 7, 7, 3, 3))  # 3**14 = 4,782,969 agent profiles
    with pytest.raises(GameError, match="4,782,969 agent profiles"):
        agent_normal_form(BayesianGame(huge, np.full((7, 7), 1 / 49)))


def test_bad_arguments():
    with pytest.raises(GameError, match="batch_axis: expected 'first' or 'last'"):
        agent_form_payoffs(np.zeros((2, 1, 1, 1, 1, 1)), np.ones((1, 1, 1)), batch_axis="middle")  # type: ignore[arg-type]
    with pytest.raises(GameError, match="tol: expected a finite number >= 0"):
        pure_bayes_nash(np.zeros((2, 1, 1, 1, 1, 1)), np.ones((1, 1, 1)), tol=-1)
    with pytest.raises(GameError, match="game: expected a BayesianGame"):
        agent_normal_form(np.zeros(3))  # type: ignore[arg-type]
