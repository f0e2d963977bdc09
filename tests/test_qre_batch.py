"""The batched logit QRE: the per-game tracer, pygambit, closed forms and brute force as oracles.

Facts used (each test says which):

* A logit QRE at ``lam`` solves ``sigma_i = softmax(lam * U_i(sigma))`` and is uniform
  at ``lam = 0`` (McKelvey & Palfrey 1995, GEB 10, §2-3); checked with
  ``Game.option_payoffs``, not the solver's code.
* The per-game tracer (``logit_qre``) and pygambit's ``logit_solve_lambda`` give the
  principal branch's point at ``lam``; where the branch turns back in ``lam``
  ``logit_qre`` gives the first point reached from ``lam = 0``.
* As ``lam`` grows the QRE approach a Nash equilibrium (McKelvey & Palfrey 1995,
  Theorem 2): with a strictly dominant option for everyone, the dominant profile, and
  ``solve(method="logit")``'s limit in general (regret -> 0).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, GameError, solve
from negotiation_sim.solvers.logit import (
    REASONS,
    logit_path,
    logit_qre,
    logit_qre_batch,
    outcome_probabilities,
    profile_probabilities,
)
from tests.oracles import brute_force_regret
from tests.test_logit import _mckelvey_mclennan_2x2x2

#: Agreement with the per-game tracer: both solve the same equations to machine precision.
AGREE = 1e-8
SEEDED = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def softmax(values: np.ndarray) -> np.ndarray:
    weights = np.exp(values - values.max())
    result: np.ndarray = weights / weights.sum()
    return result


def assert_qre(game: Game, profile: tuple[np.ndarray, ...], lam: float, tol: float) -> None:
    """The fixed-point equation, with Game.option_payoffs (not the solver's code)."""
    for i in range(game.n_actors):
        expected = softmax(lam * game.option_payoffs(profile, i))
        assert np.abs(profile[i] - expected).max() <= tol, (i, profile[i], expected)


def batch_of(games: list[Game]) -> np.ndarray:
    """Games of one shape laid out as sweeps build them: (n, k_1, ..., k_n, B)."""
    return np.stack([g.payoffs for g in games], axis=-1)


def profile_at(batch, point: int) -> tuple[np.ndarray, ...]:
    return tuple(s[point] for s in batch.strategies)


def max_gap(a, b) -> float:
    return max(
        float(np.abs(np.asarray(x) - np.asarray(y)).max()) for x, y in zip(a, b, strict=True)
    )


# -- the per-game tracer as the oracle ------------------------------------------------------------
@SEEDED
@given(
    n=st.integers(2, 4),
    seed=st.integers(0, 2**32 - 1),
    lam=st.sampled_from([0.3, 2.0, 8.0]),
)
def test_random_batches_equal_the_per_game_tracer(n: int, seed: int, lam: float) -> None:
    rng = np.random.default_rng(seed)
    shape = tuple(int(k) for k in rng.integers(2, 4 if n == 4 else 5, size=n))
    games = [Game(rng.normal(size=(n, *shape)) * rng.uniform(0.5, 4.0)) for _ in range(6)]
    batch = logit_qre_batch(batch_of(games), lam)
    assert batch.verified.all(), batch.warnings
    for point, game in enumerate(games):
        mine = profile_at(batch, point)
        assert max_gap(mine, logit_qre(game, lam)) <= AGREE
        assert_qre(game, mine, lam, 1e-9)


def test_one_lambda_per_point_and_actors_without_a_choice() -> None:
    # Actor 1 has one option; each point has its own precision.
    rng = np.random.default_rng(7)
    games = [Game(rng.normal(size=(3, 3, 1, 2))) for _ in range(4)]
    lams = [0.0, 0.5, 3.0, 12.0]
    batch = logit_qre_batch(batch_of(games), lams)
    assert batch.strategies[1].tolist() == [[1.0]] * 4
    for point, (game, lam) in enumerate(zip(games, lams, strict=True)):
        assert max_gap(profile_at(batch, point), logit_qre(game, lam)) <= AGREE
    assert batch.lam.tolist() == lams


def test_one_actor_is_a_softmax_of_its_payoffs() -> None:
    # With no one else, sigma = softmax(lam * u) (a closed form).
    u = np.array([[1.0, 0.0, 2.0]])
    batch = logit_qre_batch(np.repeat(u[..., None], 3, axis=-1), [0.0, 1.0, 7.5])
    for point, lam in enumerate([0.0, 1.0, 7.5]):
        assert np.abs(batch.strategies[0][point] - softmax(lam * u[0])).max() <= 1e-15


def test_pygambit_gives_the_same_qre() -> None:
    # pygambit 16.7's logit_solve_lambda traces the same branch (Turocy 2005) to lam.
    gbt = pytest.importorskip("pygambit")
    rng = np.random.default_rng(11)
    games = [Game(rng.normal(size=(3, 2, 3, 2))) for _ in range(5)]
    batch = logit_qre_batch(batch_of(games), 2.5)
    for point, game in enumerate(games):
        g = gbt.Game.from_arrays(*game.payoffs)
        (theirs,) = gbt.qre.logit_solve_lambda(g, [2.5])
        profile = [[float(theirs.profile[s]) for s in p.strategies] for p in g.players]
        assert max_gap(profile_at(batch, point), profile) <= 1e-6


# -- limits ----------------------------------------------------------------------------------------
@SEEDED
@given(n=st.integers(2, 4), seed=st.integers(0, 2**32 - 1))
def test_lambda_zero_is_uniform_play(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = tuple(int(k) for k in rng.integers(2, 4, size=n))
    payoffs = rng.normal(size=(n, *shape, 5)) * 100
    exact = logit_qre_batch(payoffs, 0.0)
    near = logit_qre_batch(payoffs, 1e-9)
    for i, k in enumerate(shape):
        assert exact.strategies[i].tolist() == [[1.0 / k] * k] * 5
        assert np.abs(near.strategies[i] - 1.0 / k).max() <= 1e-6


def test_large_lambda_approaches_the_dominant_profile() -> None:
    # Every actor has a strictly dominant option (prisoner's dilemma, and a 3-actor one);
    # the QRE converge to the dominant profile, regret falling to 0 as lam grows.
    dilemma = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    three = np.zeros((3, 2, 2, 2))
    for s in itertools.product(range(2), repeat=3):
        for i in range(3):
            three[(i, *s)] = 2.0 * s[i] + 0.5 * sum(1 - v for v in s)  # option 1 dominant
    for game in (dilemma, Game(three)):
        lams = [1.0, 10.0, 100.0, 1000.0]
        payoffs = np.repeat(game.payoffs[..., None], len(lams), axis=-1)
        batch = logit_qre_batch(payoffs, lams)
        regrets = [brute_force_regret(game.payoffs, profile_at(batch, p)) for p in range(4)]
        # Strictly falling until it is 0 in floating point (exp(-lam * gap) underflows).
        assert all(a > b or a == b == 0.0 for a, b in itertools.pairwise(regrets)), regrets
        assert regrets[-1] < 1e-3
        last = profile_at(batch, 3)
        assert all(float(s[1]) > 1 - 1e-3 for s in last)


def test_large_lambda_approaches_the_logit_limit() -> None:
    # solve(method="logit") gives the limit of the branch; the QRE get closer as lam grows.
    rng = np.random.default_rng(3)
    games = [Game(rng.normal(size=(3, 2, 3, 2))) for _ in range(4)]
    for game in games:
        limit = solve(game, "logit").equilibria[0].strategies
        lams = [2.0, 20.0, 200.0]
        batch = logit_qre_batch(np.repeat(game.payoffs[..., None], 3, axis=-1), lams)
        gaps = [max_gap(profile_at(batch, p), limit) for p in range(3)]
        regrets = [brute_force_regret(game.payoffs, profile_at(batch, p)) for p in range(3)]
        assert gaps[-1] < 0.05 and regrets[-1] < 0.02, (gaps, regrets)
        assert regrets[-1] < regrets[0]


# -- turning points and bifurcations fall back to the per-game tracer ------------------------------
def _folding_game() -> Game:
    # Shapley's game with the row actor's first payoff raised by 0.01 (as in test_logit.py):
    # its principal branch turns back at lam ~ 3.072 down to lam ~ 2.885, then goes on.
    a = np.array([[0.01, 3, 0], [2, 2, 0], [3, 0, 1]])
    return Game.from_bimatrix(a, np.array([[0, 3, 0], [2, 2, 0], [3, 0, 1]]).T)


def test_a_turning_point_falls_back_and_agrees() -> None:
    game = _folding_game()
    path = logit_path(game, max_lambda=4.0)
    assert np.any(np.diff(path.lambdas) < 0)  # the oracle's branch does turn back
    lams = [2.0, 2.95, 3.5, 5.0, 10.0]
    batch = logit_qre_batch(np.repeat(game.payoffs[..., None], len(lams), axis=-1), lams)
    assert batch.verified.all()
    # Before the fold the batched path gets there; past it the per-game tracer redoes it.
    assert batch.fallback.tolist() == [False, False, True, True, True]
    assert all(REASONS[r] for r in batch.reason[2:])
    for point, lam in enumerate(lams):
        assert max_gap(profile_at(batch, point), logit_qre(game, lam)) <= AGREE
    # Past the fold the QRE is far from the continuation of the first segment.
    assert max_gap(profile_at(batch, 2), profile_at(batch, 1)) > 0.1


def test_a_bifurcation_point_falls_back_and_agrees() -> None:
    # McKelvey & McLennan's 2x2x2 game (Gambit's 2x2x2.nfg), as in test_logit.py: its branch
    # meets a bifurcation point; the per-game tracer goes straight on along the closed form
    # ((1/2, 1/2), (1/2, 1/2), softmax(lam * (3.5, 3))).
    u = _mckelvey_mclennan_2x2x2().payoffs
    lams = [0.5, 1.0, 4.0]
    batch = logit_qre_batch(np.repeat(u[..., None], 3, axis=-1), lams)
    for point, lam in enumerate(lams):
        expected = ((0.5, 0.5), (0.5, 0.5), softmax(lam * np.array([3.5, 3.0])))
        assert max_gap(profile_at(batch, point), expected) <= 1e-9
        assert max_gap(profile_at(batch, point), logit_qre(Game(u), lam)) <= AGREE


def test_points_that_cannot_be_traced_are_flagged_not_returned(monkeypatch) -> None:
    # With max_steps=1 no point gets far; if the per-game tracer fails too the point is NaN.
    import negotiation_sim.solvers.logit.batch as module
    from negotiation_sim.errors import NegotiationSimError

    def fails(*args, **kwargs):
        raise NegotiationSimError("cannot trace")

    monkeypatch.setattr(module, "qre_at", fails)
    game = _folding_game()
    batch = logit_qre_batch(np.repeat(game.payoffs[..., None], 2, axis=-1), [0.0, 5.0], max_steps=1)
    assert batch.verified.tolist() == [True, False]
    assert batch.fallback.tolist() == [False, True]
    assert REASONS[batch.reason[1]].startswith("max_steps")
    assert np.isnan(batch.strategies[0][1]).all() and not np.isnan(batch.strategies[0][0]).any()
    assert "1 point(s) not verified" in batch.warnings[0]


# -- outcome probabilities against brute force ----------------------------------------------------
def test_outcome_probabilities_brute_force() -> None:
    rng = np.random.default_rng(5)
    shape, count, n_outcomes = (2, 3, 2), 4, 3
    strategies = [rng.dirichlet(np.ones(k), size=count) for k in shape]
    per_point = rng.integers(0, n_outcomes, size=(*shape, count))
    fixed = per_point[..., :1]
    for outcomes in (per_point, fixed):
        got = outcome_probabilities(strategies, outcomes, n_outcomes)
        for b in range(count):
            expected = np.zeros(n_outcomes)
            for s in itertools.product(*(range(k) for k in shape)):
                p = np.prod([strategies[i][b, s[i]] for i in range(3)])
                expected[outcomes[(*s, b if outcomes.shape[-1] > 1 else 0)]] += p
            assert np.allclose(got[b], expected, atol=1e-15)
    profiles = profile_probabilities(strategies)
    assert profiles.shape == (count, *shape)
    assert np.allclose(profiles.sum(axis=(1, 2, 3)), 1.0)
    assert profiles[2, 1, 0, 1] == pytest.approx(
        strategies[0][2, 1] * strategies[1][2, 0] * strategies[2][2, 1]
    )


def test_deal_probability_of_the_alaska_multilateral_format() -> None:
    # P(deal) from the QRE equals the brute-force sum over profiles whose outcome is a deal.
    from negotiation_sim import load_scenario

    alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    values = alaska.values({"trust": [0.2, 0.8], "verification": [0.0, 0.8]})
    payoffs, outcomes, _ = alaska.resolve("multilateral", values)
    batch = logit_qre_batch(payoffs, 30.0)
    is_deal = np.array([alaska.outcomes[o].is_deal for o in alaska.outcome_ids])
    deal = outcome_probabilities(batch.strategies, outcomes, len(is_deal))[:, is_deal].sum(axis=1)
    for b in range(2):
        game = Game(payoffs[..., b])
        assert max_gap(profile_at(batch, b), logit_qre(game, 30.0)) <= AGREE
        brute = sum(
            np.prod([batch.strategies[i][b, s[i]] for i in range(4)])
            for s in itertools.product(*(range(k) for k in game.shape))
            if is_deal[outcomes[(*s, 0)]]
        )
        assert deal[b] == pytest.approx(brute, abs=1e-12)
    assert deal[0] < 0.1 < 0.9 < deal[1]  # noisy play: war at the summit's values, a deal at 0.8


# -- bad input --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("payoffs", "lam", "message"),
    [
        (np.zeros((2, 2, 2)), 1.0, "shape (n, k_1, ..., k_n, B)"),
        (np.zeros((3, 2, 2, 4)), 1.0, "shape (n, k_1, ..., k_n, B)"),
        (np.full((2, 2, 2, 3), np.nan), 1.0, "finite"),
        (np.zeros((2, 2, 2, 3)), -1.0, ">= 0"),
        (np.zeros((2, 2, 2, 3)), [1.0, 2.0], "3 numbers"),
        (np.zeros((2, 2, 2, 3)), np.inf, "finite"),
        ("war", 1.0, "payoff array"),
    ],
)
def test_bad_input_raises_one_game_error(payoffs, lam, message) -> None:
    with pytest.raises(GameError, match=message.replace("(", r"\(").replace(")", r"\)")):
        logit_qre_batch(payoffs, lam)


def test_bad_outcomes_raise_game_error() -> None:
    strategies = [np.full((2, 2), 0.5), np.full((2, 2), 0.5)]
    with pytest.raises(GameError, match="outcomes"):
        outcome_probabilities(strategies, np.zeros((2, 3, 1), dtype=int), 2)
    with pytest.raises(GameError, match=r"0\.\.1"):
        outcome_probabilities(strategies, np.full((2, 2, 1), 2), 2)
    with pytest.raises(GameError, match="strategies"):
        profile_probabilities([np.ones((2, 2)), np.ones((3, 2))])
