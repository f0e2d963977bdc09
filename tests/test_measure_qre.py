"""QRE metrics over a grid (sweep.measure_qre) against the per-game logit tracer, point by point.

The oracle is :func:`negotiation_sim.solvers.logit.logit_qre` on each point's own game
(``scenario.game(params, format)``), with every outcome's probability summed by brute force over
the profiles in the test.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim import load_scenario
from negotiation_sim.solvers.logit import logit_qre
from negotiation_sim.sweep.measure_qre import measure_qre

ROOT = Path(__file__).resolve().parents[1]
ALASKA = load_scenario(ROOT / "scenarios" / "alaska_2025_reduced.toml")


def _oracle(scenario, params, format, lam):
    """Outcome probabilities and expected payoffs from the per-game tracer, by brute force."""
    game = scenario.game(params, format=format)
    sigma = logit_qre(game, lam)
    values = scenario.values(params)
    _, outcomes, everyone = scenario.resolve(format, values)
    shares = np.zeros(len(scenario.outcome_ids))
    expected = np.zeros(len(scenario.actors))
    for profile in itertools.product(*(range(len(s)) for s in sigma)):
        weight = np.prod([s[k] for s, k in zip(sigma, profile, strict=True)])
        shares[outcomes[(*profile, 0)]] += weight
        expected += weight * everyone[(slice(None), *profile, 0)]
    return shares, expected


@pytest.mark.parametrize("format", ["multilateral", "bilateral"])
@pytest.mark.parametrize("lam", [0.0, 5.0, 30.0])
def test_the_grid_agrees_with_the_per_game_tracer(format, lam):
    trust = np.array([0.0, 0.35, 0.8, 1.0])
    verification = np.array([0.0, 0.5, 0.9])
    grid = {"trust": trust[:, None], "verification": verification[None, :]}
    view = measure_qre(ALASKA, ALASKA.values(grid), format, np.array(lam))
    assert view.verified.all()
    deal = np.array([ALASKA.outcomes[o].is_deal for o in ALASKA.outcome_ids])
    for b, (t, v) in enumerate(itertools.product(trust, verification)):
        shares, expected = _oracle(ALASKA, {"trust": t, "verification": v}, format, lam)
        np.testing.assert_allclose(view.outcome_probability[b], shares, rtol=0, atol=1e-9)
        np.testing.assert_allclose(view.payoffs[b], expected, rtol=0, atol=1e-9)
        assert view.deal_probability[b] == pytest.approx(shares[deal].sum(), abs=1e-9)


def test_precision_per_point_and_uniform_play_at_zero():
    values = ALASKA.values({"trust": np.array([0.5, 0.5])})
    view = measure_qre(ALASKA, values, "multilateral", np.array([0.0, 30.0]))
    game = ALASKA.game({"trust": 0.5}, format="multilateral")
    profiles = np.prod(game.shape)
    _, outcomes, _ = ALASKA.resolve("multilateral", ALASKA.values({"trust": 0.5}))
    uniform = np.bincount(outcomes.ravel(), minlength=len(ALASKA.outcome_ids)) / profiles
    np.testing.assert_allclose(view.outcome_probability[0], uniform, rtol=0, atol=1e-12)
    shares, _ = _oracle(ALASKA, {"trust": 0.5}, "multilateral", 30.0)
    np.testing.assert_allclose(view.outcome_probability[1], shares, rtol=0, atol=1e-9)
