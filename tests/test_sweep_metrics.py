"""Landscape metrics against an independent brute-force oracle (tests/oracles.py).

The oracle shares nothing with the batched path but the scenario's payoff expressions:
it evaluates them one profile and one actor at a time, resolves the repliers by a
recursive backward induction, enumerates pure equilibria by checking every unilateral
deviation with itertools, and selects the one with the largest total payoff.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from negotiation_sim import ScenarioError, load_scenario
from negotiation_sim.sweep import Landscape, landscape, landscape_points
from tests.oracles import landscape_point

ROOT = Path(__file__).resolve().parents[1]
#: Scenarios of complete information (typed ones: tests/test_typed_scenarios.py).
SCENARIOS = [p for p in sorted((ROOT / "scenarios").glob("*.toml")) if not load_scenario(p).types]
CASES = [
    (path, format)
    for path in SCENARIOS
    for format in (tuple(load_scenario(path).formats) or (None,))
]


def _check_point(
    view: Landscape, j: tuple[int, ...], expected: dict[str, Any], outcome_ids: Sequence[str]
) -> None:
    """The metrics of ``view`` at index ``j`` equal the oracle's."""
    assert view.n_equilibria[j] == expected["n_equilibria"]
    assert view.deal_is_equilibrium[j] == expected["deal_is_equilibrium"]
    assert view.no_deal_is_equilibrium[j] == expected["no_deal_is_equilibrium"]
    selected = expected["selected"]
    if not selected:
        assert view.outcome[j] == -1
        assert np.isnan(view.payoffs[j]).all() and np.isnan(view.surplus[j]).all()
        assert np.isnan(view.welfare[j])
        return
    got = outcome_ids[view.outcome[j]]
    # More than one candidate only when totals tie up to rounding: any of them may win.
    matches = [s for s in selected if s[0] == got and np.allclose(s[1], view.payoffs[j])]
    assert matches, (got, view.payoffs[j], selected)
    np.testing.assert_allclose(view.payoffs[j], matches[0][1], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(view.surplus[j], matches[0][2], rtol=1e-12, atol=1e-12)
    assert view.welfare[j] == pytest.approx(view.payoffs[j].sum(), abs=1e-12)


@pytest.mark.parametrize(("path", "format"), CASES, ids=[f"{p.stem}-{f}" for p, f in CASES])
def test_random_points_equal_the_brute_force_oracle(path, format):
    """Every parameter drawn at random in its range, 60 points per scenario and format."""
    scenario = load_scenario(path)
    rng = np.random.default_rng(20250815)
    m = 60
    points = {name: rng.uniform(p.low, p.high, m) for name, p in scenario.parameters.items()}
    view = landscape_points(scenario, points, format)
    assert view.payoffs.shape == (m, len(scenario.actors))
    for j in range(m):
        params = {name: float(values[j]) for name, values in points.items()}
        _check_point(view, (j,), landscape_point(scenario, format, params), scenario.outcome_ids)


@pytest.mark.parametrize(("path", "format"), CASES, ids=[f"{p.stem}-{f}" for p, f in CASES])
def test_grid_with_its_edges_equals_the_brute_force_oracle(path, format):
    """A regular grid over two parameters, ends included (where payoffs tie exactly)."""
    scenario = load_scenario(path)
    first, second = list(scenario.parameters)[:2]
    if "trust" in scenario.parameters:
        first, second = "trust", "verification"
    axes = {
        name: np.linspace(scenario.parameters[name].low, scenario.parameters[name].high, size)
        for name, size in ((first, 5), (second, 4))
    }
    view = landscape(scenario, axes, format)
    assert view.deal_is_equilibrium.shape == (5, 4)
    assert view.payoffs.shape == (5, 4, len(scenario.actors))
    for i, j in itertools.product(range(5), range(4)):
        params = {first: float(axes[first][i]), second: float(axes[second][j])}
        _check_point(view, (i, j), landscape_point(scenario, format, params), scenario.outcome_ids)


TIE = """
format_version = 1
[scenario]
title = "Two deals of equal total payoff"
no_deal = "war"
[parameters.bonus]
default = 0.0
range = [0.0, 1.0]
description = "extra for b in the y deal"
[[actors]]
id = "a"
name = "A"
options = [{ id = "x", description = "x" }, { id = "y", description = "y" }]
[[actors]]
id = "b"
name = "B"
options = [{ id = "x", description = "x" }, { id = "y", description = "y" }]
[outcomes.war]
label = "no deal"
payoffs = { a = 0, b = 0 }
[outcomes.deal_x]
label = "deal on x"
payoffs = { a = 2, b = 1 }
[outcomes.deal_y]
label = "deal on y"
payoffs = { a = 1, b = "2 + bonus" }
[[profiles]]
a = "x"
b = "x"
outcome = "deal_x"
[[profiles]]
a = "y"
b = "y"
outcome = "deal_y"
[[profiles]]
a = "*"
b = "*"
outcome = "war"
"""


def test_equal_totals_select_the_first_profile():
    """Two deals, both equilibria, of equal total: the first profile in option order wins;
    any bonus to the second deal moves the selection."""
    from negotiation_sim.scenario import parse_scenario

    scenario = parse_scenario(TIE)
    view = landscape(scenario, {"bonus": [0.0, 0.5]})
    assert view.n_equilibria.tolist() == [2, 2]
    assert [scenario.outcome_ids[o] for o in view.outcome] == ["deal_x", "deal_y"]
    assert view.payoffs.tolist() == [[2.0, 1.0], [1.0, 2.5]]
    for j, bonus in enumerate((0.0, 0.5)):
        expected = landscape_point(scenario, None, {"bonus": bonus})
        assert [s[0] for s in expected["selected"]][:1] == [scenario.outcome_ids[view.outcome[j]]]


def test_calibration_reads_off_the_landscape():
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
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


def test_fixed_parameters_and_points_agree():
    """``params`` holds values fixed: the same as giving them at every point."""
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    trust = np.linspace(0, 1, 7)
    held = landscape(scenario, {"trust": trust}, "multilateral", {"verification": 0.5, "rho": 0.3})
    spelled = landscape_points(
        scenario,
        {"trust": trust, "verification": np.full(7, 0.5), "rho": np.full(7, 0.3)},
        "multilateral",
    )
    for name in ("outcome", "n_equilibria", "payoffs", "surplus", "welfare"):
        np.testing.assert_array_equal(getattr(held, name), getattr(spelled, name))


def test_grid_errors_are_located():
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    with pytest.raises(ScenarioError, match=r"grid\.trust"):
        landscape(scenario, {"trust": []})
    with pytest.raises(ScenarioError, match="outside its range"):
        landscape(scenario, {"trust": [0.5, 2.0]})
    with pytest.raises(ScenarioError, match="as many values"):
        landscape_points(scenario, {"trust": [0.5, 0.6], "verification": [0.1]})
