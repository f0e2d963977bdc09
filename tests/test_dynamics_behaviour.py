"""Opportunists' behaviour rules, and the repeated-game frontier delta*(pi, alpha) (MODEL.md §4,
§8): "comply forever" and "violate now" cross there in simulation, and the incentive rule
switches there. Monte Carlo comparisons use fixed seeds and a band of 4 standard errors
(99.994% two-sided per comparison)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from negotiation_sim.dynamics import (
    Dynamics,
    Response,
    behaviour_probabilities,
    simulate,
    two_sided,
)
from negotiation_sim.errors import GameError

R, T, P, S = 3.0, 5.0, 1.0, 0.0
PI, ALPHA = 0.6, 0.05
#: delta* = (T - R) / ((T - R)(1 - alpha) + (pi - alpha)(R - P)), written out: 2 / 3.
DELTA_STAR = (T - R) / ((T - R) * (1 - ALPHA) + (PI - ALPHA) * (R - P))
GRID = np.array([0.45, 0.55, 0.62, 0.72, 0.8, 0.88])


def frontier_model(rule: str, discount: np.ndarray, **options: Any) -> Dynamics:
    """Side 0 watched with (pi, alpha); side 1 never falsely accused (alpha_j = 0)."""
    model = two_sided(
        rounds=400,
        discount=discount,
        payoffs=(R, T, P, S),
        detection=PI,
        false_alarm=ALPHA,
        rule=rule,
        escalation=0.0,
        **options,
    )
    quiet = replace(model.monitoring[1], false_alarm=np.zeros(discount.size))
    return replace(model, monitoring=(model.monitoring[0], quiet))


def test_delta_star_is_two_thirds() -> None:
    assert abs(DELTA_STAR - 2 / 3) < 1e-15


def test_comply_forever_and_violate_now_cross_at_delta_star() -> None:
    comply = simulate(frontier_model("constant", GRID, q=0.0), 20_000, seed=21)
    strike = simulate(frontier_model("strike", GRID, strike=1), 20_000, seed=22)
    # Side 0 an opportunist, side 1 trustworthy: type profile (1, 0); side 0 is actor 0.
    gap = comply.payoff_by_type[0, 1, 0] - strike.payoff_by_type[0, 1, 0]
    se = np.hypot(comply.payoff_by_type_se[0, 1, 0], strike.payoff_by_type_se[0, 1, 0])
    below, above = GRID < DELTA_STAR, GRID > DELTA_STAR
    assert np.all(gap[below] < -4 * se[below]), (gap, se)
    assert np.all(gap[above] > 4 * se[above]), (gap, se)


def test_the_incentive_rule_switches_at_delta_star() -> None:
    deltas = np.array([0.3, DELTA_STAR - 1e-6, DELTA_STAR + 1e-6, 0.9])
    q = behaviour_probabilities(frontier_model("incentive", deltas))
    assert q.shape == (2, 400, 4)
    assert (q[0, :, :2] == 1).all() and (q[0, :, 2:] == 0).all()


def test_the_incentive_rule_textbook_case() -> None:
    """Perfect monitoring: (T - R) / (T - P) = 1/2."""
    model = two_sided(
        rounds=5, rule="incentive", discount=[0.49, 0.51], detection=1.0, false_alarm=0.0
    )
    q = behaviour_probabilities(model)
    assert (q[:, :, 0] == 1).all() and (q[:, :, 1] == 0).all()


def test_an_opportunist_with_little_at_stake_keeps_a_phased_deal_late() -> None:
    """The incentive rule at small stakes: a violation gains little now and forfeits the
    full-stakes deal to come, so a phased deal is kept where the one-shot deal is not."""
    common: dict[str, Any] = dict(
        rounds=8, rule="incentive", discount=0.6, detection=0.6, false_alarm=0.05
    )
    assert behaviour_probabilities(two_sided(phases=1, **common))[0, :, 0].tolist() == [1.0] * 8
    phased = behaviour_probabilities(two_sided(phases=4, phase_rounds=2, **common))[0, :, 0]
    assert phased[0] == 0.0


def test_constant_and_strike() -> None:
    q = behaviour_probabilities(two_sided(rounds=4, q=[0.25, 0.5]))
    assert (q[:, :, 0] == 0.25).all() and (q[:, :, 1] == 0.5).all()
    q = behaviour_probabilities(two_sided(rounds=4, rule="strike", strike=[1, 9]))
    assert q[0, :, 0].tolist() == [1, 0, 0, 0] and q[0, :, 1].tolist() == [0] * 4


def test_incentive_rule_needs_grim_trigger() -> None:
    with pytest.raises(GameError, match="incentive rule"):
        two_sided(rule="incentive", response=Response("forgiving", alarms=2, window=3))


def test_tol_is_checked() -> None:
    with pytest.raises(GameError, match="tol"):
        behaviour_probabilities(two_sided(), tol=-1.0)
