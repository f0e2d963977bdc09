"""The ceasefire simulator against closed forms (MODEL.md §8).

Monte Carlo checks use fixed seeds and a band of 4 standard errors (a two-sided 99.994% level
per comparison under normality); exact checks compare with formulas written here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from negotiation_sim.dynamics import (
    CAUSES,
    QUANTILES,
    Response,
    exact_grim,
    simulate,
    stratum_sizes,
    two_sided,
)
from negotiation_sim.errors import GameError

Z = 4.0  # standard errors: 99.994% two-sided per comparison


def within(value: np.ndarray, expected: np.ndarray, se: np.ndarray, z: float = Z) -> bool:
    return bool(np.all(np.abs(value - expected) <= z * se + 1e-12))


def test_two_trustworthy_sides_survive_with_the_false_alarm_power() -> None:
    alpha = 0.07
    result = simulate(two_sided(trust=1.0, false_alarm=alpha, rounds=12), 40_000, seed=11)
    t = np.array([1, 3, 6, 12])
    expected = (1 - alpha) ** (2 * t)
    assert within(result.survival[t, 0], expected, result.survival_se[t, 0])
    assert result.survival[0, 0] == 1.0
    assert set(np.unique(result.survival_se[t, 0] > 0)) == {True}
    hazard = 1 - (1 - alpha) ** 2
    assert within(result.hazard[:, 0], np.full(12, hazard), result.hazard_se[:, 0])
    duration = ((1 - alpha) ** (2 * np.arange(12))).sum()
    assert within(result.expected_duration, np.array([duration]), result.expected_duration_se)
    # Every breakdown is a false alarm.
    assert result.causes[CAUSES.index("detected_violation"), 0] == 0.0
    assert result.causes[CAUSES.index("escalation"), 0] == 0.0
    assert result.causes[:, 0].sum() == pytest.approx(1.0)


def test_unequal_false_alarms_multiply() -> None:
    model = two_sided(trust=1.0, false_alarm=[0.02], rounds=8)
    watched = replace(model.monitoring[1], false_alarm=np.array([0.1]))
    model = replace(model, monitoring=(model.monitoring[0], watched))
    result = simulate(model, 20_000, seed=2)
    t = np.arange(9)
    assert within(result.survival[:, 0], (0.98 * 0.9) ** t, result.survival_se[:, 0])


@pytest.mark.parametrize("escalation", [0.0, 0.3])
def test_posterior_after_clean_rounds_is_the_closed_form(escalation: float) -> None:
    mu, alpha, pi, q = 0.4, 0.05, 0.6, 0.25
    model = two_sided(
        trust=mu, false_alarm=alpha, detection=pi, q=q, escalation=escalation, rounds=10
    )
    result = simulate(model, 2_000, seed=5)
    k = np.arange(11)
    opportunist_clean = q * (1 - pi) * (1 - escalation) + (1 - q) * (1 - alpha)
    closed = mu * (1 - alpha) ** k / (mu * (1 - alpha) ** k + (1 - mu) * opportunist_clean**k)
    for side in range(2):
        for level in range(len(QUANTILES)):
            # Under grim trigger a holding ceasefire saw only clean rounds: every quantile.
            np.testing.assert_allclose(result.trust[side, :, level, 0], closed, rtol=1e-12)


def test_trust_is_nan_when_no_ceasefire_holds() -> None:
    result = simulate(two_sided(trust=0.5, false_alarm=1.0, rounds=3), 40, seed=1)
    assert np.isnan(result.trust[:, 1:]).all()
    assert not np.isnan(result.trust[:, 0]).any()
    assert np.isnan(result.hazard[1:, 0]).all()


def test_forgiving_trust_takes_the_values_of_its_alarm_paths() -> None:
    """With 3 alarms in 10 rounds a holding ceasefire saw at most 2 alarms about each side:
    every trust quantile is one of the closed-form posteriors of such a path."""
    mu, alpha, pi, q, n = 0.5, 0.15, 0.7, 0.3, 6
    model = two_sided(
        trust=mu,
        false_alarm=alpha,
        detection=pi,
        q=q,
        rounds=n,
        response=Response("forgiving", alarms=3, window=10),
    )
    result = simulate(model, 4_000, seed=9)
    lt = {False: 1 - alpha, True: alpha}
    lo = {False: q * (1 - pi) + (1 - q) * (1 - alpha), True: q * pi + (1 - q) * alpha}
    for t in range(n + 1):
        candidates = []
        for path in range(2**t):
            signals = [bool(path >> r & 1) for r in range(t)]
            if sum(signals) > 2:
                continue
            num = mu * np.prod([lt[s] for s in signals])
            candidates.append(num / (num + (1 - mu) * np.prod([lo[s] for s in signals])))
        got = result.trust[:, t, :, 0].ravel()
        gaps = np.abs(got[:, None] - np.array(candidates)[None, :]).min(axis=1)
        assert gaps.max() < 1e-12, t
    # Some holding ceasefires saw an alarm: the 5% quantile falls below the all-clean path.
    assert result.trust[0, n, 0, 0] < result.trust[0, n, -1, 0]


def test_points_in_pieces_give_identical_results() -> None:
    model = two_sided(
        trust=np.linspace(0.1, 0.9, 19),
        rounds=5,
        false_alarm=0.1,
        q=0.4,
        response=Response("forgiving", alarms=2, window=3),
        cost=0.2,
        escalation=0.2,
    )
    whole = simulate(model, 64, seed=3)
    parts = [
        simulate(model.select(slice(a, b)), 64, seed=3, first_point=a)
        for a, b in ((0, 1), (1, 17), (17, 19))
    ]
    for name in ("survival", "trust", "payoff", "payoff_se", "causes", "hazard", "trust_needed"):
        joined = np.concatenate([getattr(p, name) for p in parts], axis=-1)
        np.testing.assert_array_equal(getattr(whole, name), joined, err_msg=name)
    other = simulate(model, 64, seed=4)
    assert not np.array_equal(whole.payoff, other.payoff)


def test_one_phase_is_the_unphased_model_bit_for_bit() -> None:
    common: dict[str, Any] = dict(trust=[0.3, 0.8], rounds=9, q=0.3, cost=0.1, escalation=0.2)
    one = simulate(two_sided(phases=1, phase_rounds=1, **common), 400, seed=8)
    again = simulate(two_sided(phases=1, phase_rounds=4, **common), 400, seed=8)
    for name in ("survival", "trust", "payoff", "payoff_by_type", "causes", "trust_needed"):
        np.testing.assert_array_equal(getattr(one, name), getattr(again, name), err_msg=name)
    # Stakes move payoffs only: survival and causes are the same draws at any K.
    phased = simulate(two_sided(phases=3, phase_rounds=3, **common), 400, seed=8)
    np.testing.assert_array_equal(one.survival, phased.survival)
    np.testing.assert_array_equal(one.causes, phased.causes)
    assert not np.array_equal(one.payoff, phased.payoff)


@pytest.mark.parametrize("pi", [0.0, 0.3, 0.8, 1.0])
def test_one_round_trust_needed_is_the_assurance_threshold(pi: float) -> None:
    """N = 1, an opportunist violates for sure, caught pays the victim P: MODEL.md §7's
    mu*(pi) with T = P, (P - S_pi) / (R - S_pi), S_pi = pi P + (1 - pi) S."""
    R, T, P, S = 3.0, 5.0, 1.0, -2.0
    model = two_sided(
        rounds=1,
        rule="constant",
        q=1.0,
        detection=pi,
        false_alarm=0.1,
        payoffs=(R, T, P, S),
        caught=(0.0, P),
    )
    s_pi = pi * P + (1 - pi) * S
    closed = (P - s_pi) / (R - s_pi)
    np.testing.assert_allclose(exact_grim(model).trust_needed[:, 0], closed, rtol=1e-12)
    result = simulate(model, 20_000, seed=1)
    # Delta method: d mu* / d g_o = -g_t / (g_t - g_o)^2, g_t = R - P exact here.
    g_t, g_o = R - P, s_pi - P
    se = g_t * result.payoff_by_type_se[0, 0, 1, 0] / (g_t - g_o) ** 2
    assert within(result.trust_needed[:, 0], np.full(2, closed), np.full(2, se))


@pytest.mark.parametrize(
    ("rule", "options"),
    [("constant", {"q": 0.5}), ("strike", {"strike": 1}), ("strike", {"strike": 2})],
)
@pytest.mark.parametrize("alpha", [0.0, 0.05])
def test_trust_needed_does_not_grow_with_phases(
    rule: str, options: dict[str, Any], alpha: float
) -> None:
    """Starting small (Watson 1999) against an opportunist who violates from the start; the
    simulations share their random numbers across K (stakes do not move the events)."""
    exact, simulated = [], []
    for k in (1, 2, 4, 8):
        model = two_sided(
            rounds=24,
            phases=k,
            phase_rounds=3,
            rule=rule,
            false_alarm=alpha,
            detection=0.4,
            caught=(1.0, 1.0),
            discount=0.9,
            payoffs=(3.0, 5.0, 1.0, -60.0),
            **options,
        )
        exact.append(exact_grim(model).trust_needed[:, 0])
        simulated.append(simulate(model, 2_000, seed=7).trust_needed[:, 0])
    for values in (np.array(exact), np.array(simulated)):
        assert np.all(np.diff(values, axis=0) <= 1e-12), values
        assert values[0, 0] > values[-1, 0]


def test_stratum_sizes_and_small_runs() -> None:
    assert stratum_sizes(8).tolist() == [2, 2, 2, 2]
    assert stratum_sizes(11).tolist() == [3, 3, 3, 2]
    result = simulate(two_sided(), 11, seed=0)
    assert result.trajectories.tolist() == [3, 3, 3, 2]
    for bad in (7, 2.5, True, -1):
        with pytest.raises(GameError, match="trajectories"):
            simulate(two_sided(), bad, seed=0)  # type: ignore[arg-type]
    with pytest.raises(GameError, match="seed"):
        simulate(two_sided(), 8, seed=-1)
    with pytest.raises(GameError, match="first_point"):
        simulate(two_sided(), 8, seed=0, first_point=-2)


def test_a_stratum_of_prior_zero_is_still_simulated() -> None:
    result = simulate(two_sided(trust=1.0, q=1.0, detection=1.0, rounds=4), 400, seed=1)
    # The (opportunist, opportunist) profile has prior 0 but its own values: both violate
    # in round 1 (war), are both caught, and the deal ends: war in every round, delta = 0.9.
    assert result.survival_by_type[1, 1, 1, 0] == 0.0
    assert result.payoff_by_type[0, 1, 1, 0] == pytest.approx(1 + 0.9 + 0.81 + 0.729)


def test_grim_trust_quantiles_mix_the_own_types_paths() -> None:
    """Correlated types: side 0 starts at 5/6 if trustworthy, 1/4 if not; both paths rise by
    the same log-odds per clean round, and the quantiles pick one by its holding weight."""
    model = two_sided(trust=0.5, q=0.4, detection=0.7, false_alarm=0.05, rounds=6)
    model = replace(model, prior=np.array([[0.5, 0.1], [0.1, 0.3]])[..., np.newaxis])
    result = simulate(model, 4_000, seed=3)
    alpha, lo = 0.05, 0.4 * 0.3 + 0.6 * 0.95
    k = np.arange(7)
    ratio = ((1 - alpha) / lo) ** k

    def path(mu: float) -> np.ndarray:
        return mu * ratio / (mu * ratio + 1 - mu)

    high, low = path(5 / 6), path(1 / 4)
    held = exact_grim(model).survival_by_type[..., 0] * model.prior  # (2, 2, N + 1)
    share_low = held[1].sum(axis=0) / held.sum(axis=(0, 1))
    for t in k:
        got = result.trust[0, t, :, 0]
        expected = np.where(np.array(QUANTILES) <= share_low[t], low[t], high[t])
        clear = np.abs(np.array(QUANTILES) - share_low[t]) > 0.02
        np.testing.assert_allclose(got[clear], expected[clear], rtol=1e-12)
