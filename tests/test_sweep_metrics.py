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


@pytest.mark.parametrize("name", ["alaska_2025", "arms_race", "inspection"])
def test_grid_last_resolve_equals_resolve(name):
    """The layout sweeps solve in holds the same games as Scenario.resolve, every format."""
    from pathlib import Path

    from negotiation_sim import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / f"{name}.toml")
    first, second = list(scenario.parameters)[:2]
    low = {p: scenario.parameters[p].low for p in (first, second)}
    high = {p: scenario.parameters[p].high for p in (first, second)}
    grid = {
        first: np.linspace(low[first], high[first], 5)[:, None],
        second: np.linspace(low[second], high[second], 3)[None, :],
    }
    if "rho" in scenario.parameters and "rho" not in grid:
        grid["rho"] = np.array(0.4)
    values = scenario.values(grid)
    for format in [None, *scenario.formats]:
        payoffs, outcomes, everyone = scenario.resolve(format, values)
        last_payoffs, last_outcomes, last_everyone = scenario.resolve_grid_last(format, values)
        assert np.array_equal(
            np.moveaxis(last_payoffs, -1, 0), payoffs.reshape(15, *payoffs.shape[2:])
        )
        assert np.array_equal(
            np.moveaxis(last_everyone, -1, 0), everyone.reshape(15, *everyone.shape[2:])
        )
        expanded = np.broadcast_to(last_outcomes, (*last_outcomes.shape[:-1], 15))
        assert np.array_equal(
            np.moveaxis(expanded, -1, 0), outcomes.reshape(15, *outcomes.shape[2:])
        )
