"""Landscape metrics over a grid equal the point-by-point computation."""

import itertools

import numpy as np
import pytest

from negotiation_sim import ScenarioError, load_scenario, solve
from negotiation_sim.sweep import landscape

TRUST = np.linspace(0, 1, 5)
VERIFICATION = np.linspace(0, 1, 4)


@pytest.mark.parametrize("format", ["bilateral", "multilateral", "over_their_heads"])
def test_landscape_equals_point_by_point(format):
    scenario = load_scenario("scenarios/alaska_2025.toml")
    view = landscape(scenario, {"trust": TRUST, "verification": VERIFICATION}, format)
    assert view.deal_is_equilibrium.shape == (5, 4)
    assert view.payoffs.shape == (5, 4, 4)
    for i, j in itertools.product(range(5), range(4)):
        params = {"trust": TRUST[i], "verification": VERIFICATION[j]}
        game = scenario.game(params, format=format)
        equilibria = [eq.profile for eq in solve(game, "pure").equilibria]
        outcomes = [scenario.outcome_of(format, p, params) for p in equilibria]
        deals = [o for o in outcomes if scenario.outcomes[o].is_deal]
        assert view.deal_is_equilibrium[i, j] == bool(deals)
        assert view.no_deal_is_equilibrium[i, j] == (len(deals) < len(outcomes))
        assert view.n_equilibria[i, j] == len(equilibria)
        # The selected equilibrium has the largest total payoff over all actors.
        totals = []
        for profile in equilibria:
            full = scenario.profile_of(format, profile, params)
            point = scenario.full_payoffs(scenario.values(params))[(slice(None), *full)]
            totals.append(point.sum())
        assert view.welfare[i, j] == pytest.approx(max(totals))
        assert scenario.outcome_ids[view.outcome[i, j]] in outcomes
        no_deal = scenario.no_deal_payoffs(params)
        expected = view.payoffs[i, j] - [no_deal[a] for a in scenario.actor_ids]
        assert np.allclose(view.surplus[i, j], expected)


def test_calibration_reads_off_the_landscape():
    scenario = load_scenario("scenarios/alaska_2025.toml")
    view = landscape(
        scenario,
        {"trust": np.linspace(0, 1, 11), "verification": np.linspace(0, 1, 11)},
        "bilateral",
    )
    deal = view.deal_is_equilibrium
    assert not deal[2, 0]  # the summit: trust 0.2, no verification
    assert deal[8, 8]
    # Monotone: more trust or more verification never destroys a deal equilibrium.
    assert np.all(deal[1:] >= deal[:-1]) and np.all(deal[:, 1:] >= deal[:, :-1])


def test_grid_errors_are_located():
    scenario = load_scenario("scenarios/alaska_2025.toml")
    with pytest.raises(ScenarioError, match=r"grid\.trust"):
        landscape(scenario, {"trust": []})
    with pytest.raises(ScenarioError, match="outside its range"):
        landscape(scenario, {"trust": [0.5, 2.0]})
