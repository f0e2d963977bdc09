"""The simulator against its two oracles: the exact grim-trigger recursion (random models,
hypothesis) and the plain per-round loop (a forgiving rule). The oracles are checked against
closed forms first. Monte Carlo comparisons use fixed seeds (hypothesis derandomised) and a
band of 5 standard errors (99.99994% two-sided per comparison; a few dozen per example)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim.dynamics import (
    Behaviour,
    Dynamics,
    Monitoring,
    Response,
    exact_grim,
    reference_simulation,
    simulate,
    two_sided,
)
from negotiation_sim.errors import GameError

Z = 5.0
PROBABILITIES = st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.8, 1.0])


def test_exact_grim_closed_forms() -> None:
    """Two trustworthy sides: S(t) = (1 - a)^(2t), payoff sum delta^(t-1) (S(t-1) (R - c) +
    (1 - S(t-1)) P)."""
    alpha, delta, c, n = 0.1, 0.9, 0.25, 6
    exact = exact_grim(two_sided(trust=1.0, false_alarm=alpha, discount=delta, cost=c, rounds=n))
    t = np.arange(n + 1)
    np.testing.assert_allclose(exact.survival[:, 0], (1 - alpha) ** (2 * t), rtol=1e-12)
    held = (1 - alpha) ** (2 * t[:-1])
    payoff = (delta ** t[:-1] * (held * (3.0 - c) + (1 - held) * 1.0)).sum()
    np.testing.assert_allclose(exact.payoff[:, 0], payoff, rtol=1e-12)
    np.testing.assert_allclose(exact.expected_duration, held.sum(), rtol=1e-12)


def test_reference_agrees_with_exact_grim() -> None:
    model = two_sided(
        trust=0.6,
        q=0.3,
        detection=0.5,
        escalation=0.4,
        cost=0.2,
        rounds=6,
        caught=(0.0, 1.0),
        phases=2,
        phase_rounds=3,
    )
    exact = exact_grim(model)
    ref = reference_simulation(model, 0, 20_000, seed=4)
    se = np.sqrt(exact.survival[:, 0] * (1 - exact.survival[:, 0]) / 20_000)
    assert np.all(np.abs(ref.survival - exact.survival[:, 0]) <= Z * se + 1e-12)
    se = np.sqrt(exact.causes[:, 0] * (1 - exact.causes[:, 0]) / 20_000)
    assert np.all(np.abs(ref.causes - exact.causes[:, 0]) <= Z * se + 1e-12)
    assert np.all(np.abs(ref.payoff - exact.payoff[:, 0]) <= Z * ref.payoff_se)


@st.composite
def grim_models(draw: st.DrawFn) -> Dynamics:
    """Small random two-sided models under grim trigger, sides asymmetric."""
    rule = draw(st.sampled_from(["constant", "strike", "incentive"]))
    rounds = draw(st.integers(1, 6))
    weights = np.array(
        draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0]), min_size=4, max_size=4))
    )
    if weights.sum() == 0:
        weights[0] = 1.0
    model = two_sided(
        rounds=rounds,
        rule=rule,
        q=draw(PROBABILITIES),
        strike=draw(st.integers(1, 7)),
        discount=draw(st.sampled_from([0.0, 0.5, 0.9])),
        escalation=draw(PROBABILITIES),
        detection=draw(PROBABILITIES),
        false_alarm=draw(PROBABILITIES),
        cost=draw(st.sampled_from([0.0, 0.3])),
        phases=draw(st.integers(1, 3)),
        payoffs=(3.0, draw(st.sampled_from([2.0, 5.0])), 1.0, draw(st.sampled_from([0.0, -4.0]))),
        caught=draw(st.sampled_from([None, (0.0, 1.0)])),
    )
    other = Monitoring(
        np.array([draw(PROBABILITIES)]), np.array([draw(PROBABILITIES)]), np.array([0.1])
    )
    behaviour = replace(model.behaviour[1], violation_probability=np.array([draw(PROBABILITIES)]))
    prior = (weights / weights.sum()).reshape(2, 2, 1)
    return replace(
        model,
        prior=prior,
        monitoring=(model.monitoring[0], other),
        behaviour=(model.behaviour[0], behaviour),
    )


def assert_close(value: np.ndarray, expected: np.ndarray, se: np.ndarray, what: str) -> None:
    gap = np.abs(value - expected)
    assert np.all(gap <= Z * se + 1e-9 * (1 + np.abs(expected))), (what, value, expected, se)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(grim_models())
def test_simulation_agrees_with_exact_grim(model: Dynamics) -> None:
    result = simulate(model, 8_000, seed=13)
    exact = exact_grim(model)
    prior = model.prior.reshape(4, 1)
    n = result.trajectories.reshape(4, 1).astype(float)
    # Standard errors from the exact per-stratum probabilities (independent of the estimate).
    by_type = exact.survival_by_type.reshape(4, -1)
    se = np.sqrt((prior**2 * by_type * (1 - by_type) / n).sum(axis=0))
    assert_close(result.survival[:, 0], exact.survival[:, 0], se, "survival")
    np.testing.assert_allclose(result.survival[0], 1.0)
    causes = exact.causes_by_type.reshape(4, 4)
    se = np.sqrt((prior**2 * causes * (1 - causes) / n).sum(axis=0))
    assert_close(result.causes[:, 0], exact.causes[:, 0], se, "causes")
    assert_close(result.payoff[:, 0], exact.payoff[:, 0], result.payoff_se[:, 0], "payoff")
    assert_close(
        result.payoff_by_type[..., 0],
        exact.payoff_by_type[..., 0],
        result.payoff_by_type_se[..., 0],
        "payoff by type",
    )


def test_forgiving_rule_agrees_with_the_plain_loop() -> None:
    model = two_sided(
        trust=0.5,
        rounds=10,
        detection=0.6,
        false_alarm=0.1,
        q=0.3,
        escalation=0.2,
        cost=0.1,
        caught=(0.5, 1.0),
        response=Response("forgiving", alarms=2, window=3),
        phases=2,
        phase_rounds=3,
    )
    model = replace(
        model,
        behaviour=(
            model.behaviour[0],
            Behaviour("strike", np.array([0.0]), np.array([4]), np.array([0.5])),
        ),
    )
    result = simulate(model, 40_000, seed=3)
    trials = 20_000
    ref = reference_simulation(model, 0, trials, seed=5)
    # The loop's binomial errors at the simulator's (more precise) probabilities: the loop's
    # own estimate has no error where it saw no breakdown of a rare kind.
    held, causes = result.survival[:, 0], result.causes[:, 0]
    se = np.hypot(result.survival_se[:, 0], np.sqrt(held * (1 - held) / trials))
    assert_close(result.survival[:, 0], ref.survival, se, "survival")
    se = np.hypot(result.causes_se[:, 0], np.sqrt(causes * (1 - causes) / trials))
    assert_close(result.causes[:, 0], ref.causes, se, "causes")
    se = np.hypot(result.payoff_se[:, 0], ref.payoff_se)
    assert_close(result.payoff[:, 0], ref.payoff, se, "payoff")


def test_oracles_refuse_what_they_do_not_model() -> None:
    forgiving = two_sided(response=Response("forgiving", alarms=2, window=2))
    with pytest.raises(GameError, match="grim trigger"):
        exact_grim(forgiving)
    with pytest.raises(GameError, match="point"):
        reference_simulation(forgiving, 1, 10, seed=0)
    with pytest.raises(GameError, match="trajectories"):
        simulate(forgiving, 10**8, seed=0)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(grim_models(), st.integers(1, 3), st.integers(0, 3))
def test_forgiving_rules_agree_with_the_plain_loop(
    model: Dynamics, alarms: int, extra: int
) -> None:
    """Random small models under ``alarms`` alarms within ``alarms + extra`` rounds."""
    if any(b.rule == "incentive" for b in model.behaviour):
        model = replace(model, behaviour=(model.behaviour[1], model.behaviour[1]))
    if model.behaviour[0].rule == "incentive":
        return
    model = replace(model, response=Response("forgiving", alarms, alarms + extra))
    result = simulate(model, 8_000, seed=17)
    trials = 4_000
    ref = reference_simulation(model, 0, trials, seed=19)
    held, causes = result.survival[:, 0], result.causes[:, 0]
    se = np.hypot(result.survival_se[:, 0], np.sqrt(held * (1 - held) / trials))
    assert_close(held, ref.survival, se, "survival")
    se = np.hypot(result.causes_se[:, 0], np.sqrt(causes * (1 - causes) / trials))
    assert_close(causes, ref.causes, se, "causes")
    se = np.hypot(result.payoff_se[:, 0], ref.payoff_se)
    assert_close(result.payoff[:, 0], ref.payoff, se, "payoff")
