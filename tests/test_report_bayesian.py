"""Outcome shares of Bayes–Nash equilibria: one computation for the report (one point) and the
sweep (a batch), checked against sums over every type profile and option profile by loops."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import load_scenario
from negotiation_sim.bayesian import BayesianEquilibrium, BayesianResult, solve_bayesian
from negotiation_sim.bayesian.shares import outcome_shares
from negotiation_sim.report_bayesian import bayesian_report, bayesian_summary
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.scenario.typed_formats import format_bayesian
from tests.test_typed_scenarios import TYPED, with_bystander


def brute_shares(strategies, choosers, prior, outcomes, payoffs, n_outcomes):
    """P(outcome) and ex-ante payoffs at each point, over every type and option profile."""
    types, points = prior.shape[:-1], prior.shape[-1]
    options = [s.shape[1] for s in strategies]
    shares = np.zeros((n_outcomes, points))
    ex_ante = np.zeros((payoffs.shape[0], points))
    for b in range(points):
        for theta in itertools.product(*map(range, types)):
            for s in itertools.product(*map(range, options)):
                chance = prior[(*theta, b)]
                for c, a in enumerate(choosers):
                    chance *= strategies[c][theta[a], s[c]]
                at = min(b, outcomes.shape[-1] - 1)
                shares[outcomes[(*theta, *s, at)], b] += chance
                ex_ante[:, b] += chance * payoffs[(slice(None), *theta, *s, at)]
    return shares, ex_ante


def random_mix(rng: np.random.Generator, rows: int, options: int, pure: bool) -> np.ndarray:
    if pure:
        return np.eye(options)[rng.integers(0, options, rows)]
    mix = rng.dirichlet(np.ones(options), rows)
    mix[rng.random(rows) < 0.3] = np.eye(options)[0]  # some types pure
    return mix


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    types=st.lists(st.integers(1, 3), min_size=2, max_size=3),
    points=st.integers(1, 4),
    pure=st.booleans(),
    shared=st.booleans(),
)
def test_outcome_shares_are_the_sums_over_every_profile(seed, types, points, pure, shared):
    rng = np.random.default_rng(seed)
    n = len(types)
    choosers = sorted(rng.choice(n, size=rng.integers(1, n + 1), replace=False).tolist())
    options = [int(rng.integers(1, 4)) for _ in choosers]
    prior = rng.random((*types, points)) * (rng.random((*types, 1)) < 0.7)  # some profiles 0
    prior[(0,) * n] += 0.1
    prior /= prior.sum(axis=tuple(range(n)))
    last = 1 if shared else points
    outcomes = rng.integers(0, 4, size=(*types, *options, last))
    payoffs = rng.normal(size=(n, *types, *options, last))
    strategies = [
        random_mix(rng, types[a], k, pure) for a, k in zip(choosers, options, strict=True)
    ]
    found = outcome_shares(strategies, choosers, prior, outcomes, payoffs, 4)
    shares, ex_ante = brute_shares(strategies, choosers, prior, outcomes, payoffs, 4)
    np.testing.assert_allclose(found.probability, shares, rtol=0, atol=1e-12)
    np.testing.assert_allclose(found.ex_ante, ex_ante, rtol=0, atol=1e-12)
    np.testing.assert_allclose(found.probability.sum(axis=0), 1.0, rtol=0, atol=1e-12)
    # a batch is its points: point b alone gives the same numbers, bit for bit (the report
    # computes one point, the sweep a batch)
    for b in range(points):
        one = outcome_shares(
            strategies,
            choosers,
            prior[..., b : b + 1],
            outcomes[..., min(b, last - 1) : min(b, last - 1) + 1],
            payoffs[..., min(b, last - 1) : min(b, last - 1) + 1],
            4,
        )
        assert np.array_equal(one.probability[:, 0], found.probability[:, b])
        assert np.array_equal(one.ex_ante[:, 0], found.ex_ante[:, b])


def mixed_result(game, rng: np.random.Generator) -> BayesianResult:
    """A result holding one mixed type-contingent profile (the report reads it; whether it is an
    equilibrium does not matter to the shares)."""
    strategies = tuple(
        rng.dirichlet(np.ones(k), t) for t, k in zip(game.type_counts, game.shape, strict=True)
    )
    positive = tuple(tuple(bool(p > 0) for p in game.marginal(i)) for i in range(game.n_actors))
    interim = tuple(np.zeros(t) for t in game.type_counts)
    eq = BayesianEquilibrium(strategies, interim, np.zeros(game.n_actors), 0.0, positive)
    return BayesianResult((eq,), "pure", True)


@pytest.mark.parametrize("format", [None, "sequential"])
def test_the_report_s_outcome_shares_of_a_mixed_profile_are_the_sums_by_loops(format):
    scenario = parse_scenario(with_bystander(TYPED.read_text(encoding="utf-8")), source="s.toml")
    point = {"trust": 0.7, "verification": 0.2}
    game = scenario.bayesian_game(point, format=format)
    result = mixed_result(game, np.random.default_rng(3))
    (eq,) = result.equilibria
    reach = None if format is None else format_bayesian(scenario, format, scenario.values(point))
    summary = bayesian_summary(scenario, game, result, reach)
    expected: dict[str, float] = dict.fromkeys(scenario.outcome_ids, 0.0)
    if reach is None:
        for theta in np.ndindex(*game.type_counts):
            for s in np.ndindex(*game.shape):
                chance = float(game.prior[theta]) * math.prod(
                    [float(eq.strategies[i][theta[i], s[i]]) for i in range(game.n_actors)]
                )
                expected[scenario.outcome_ids[scenario.profile_outcomes[s]]] += chance
    else:
        choosers = [scenario.actor_ids.index(a) for a in reach.choosers]
        for theta in np.ndindex(*reach.everyone.shape[:-1]):
            for s in np.ndindex(*game.shape):
                chance = float(reach.everyone[(*theta, 0)]) * math.prod(
                    [float(eq.strategies[c][theta[a], s[c]]) for c, a in enumerate(choosers)]
                )
                expected[scenario.outcome_ids[reach.outcomes[(*theta, *s, 0)]]] += chance
    (listed,) = summary["equilibria"]
    assert listed["outcomes"] == pytest.approx({o: p for o, p in expected.items() if p > 0})
    assert sum(listed["outcomes"].values()) == pytest.approx(1.0)


def test_the_report_lists_an_equilibrium_once_whatever_a_type_of_probability_0_plays():
    scenario = load_scenario(TYPED)
    game = scenario.bayesian_game({"trust": 0.0, "verification": 0.1})
    text = bayesian_report(scenario, {"trust": 0.0}, game, solve_bayesian(game, "pure"))
    assert "Bayes-Nash equilibria (pure): 1\n" in text + "\n"
    assert text.count("if trustworthy (probability 0): any option") == 2
    assert "no deal 100.0%" in text
