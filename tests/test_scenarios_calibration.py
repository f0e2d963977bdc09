"""The shipped scenarios reproduce their calibration targets and known answers.

* ``alaska_2025``: at the summit's reading (trust 0.2, no verification) the only pure equilibria
  are war, in both formats; with enough trust and verification a deal is a pure equilibrium; the
  deal region in the (trust, verification) plane is monotone.
* ``arms_race``: (arm, arm) is the unique equilibrium and mutual restraint dominates it
  (Jervis 1978).
* ``inspection``: no pure equilibrium; the mixed one is violate w.p. cost/loss, inspect w.p.
  d/(d+b) (Avenhaus, von Stengel & Zamir 2002).

Grid points keep off the 0.1 lattice and off trust = 0, where the assurance form has exact ties
(at trust 0 and verification 1 every deal is worth exactly the war payoff).
"""

from pathlib import Path

import numpy as np
import pytest

from negotiation_sim import load_scenario, pure_equilibria, solve

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FORMATS = ("bilateral", "multilateral")
SUMMIT = {"trust": 0.2, "verification": 0.0}
HIGH = {"trust": 0.8, "verification": 0.8}


@pytest.fixture(scope="module")
def alaska():
    return load_scenario(SCENARIOS / "alaska_2025.toml")


def pure_profiles(game):
    """All pure equilibria of a game, as tuples of option indices."""
    mask = pure_equilibria(game.payoffs, n_actors=len(game.actors))
    return [tuple(int(i) for i in index) for index in np.argwhere(mask)]


def equilibrium_outcomes(scenario, format, params):
    """Outcome ids of the pure equilibria of a format's game at ``params`` (None: defaults)."""
    game = scenario.game(params=params, format=format)
    # The bilateral format's replies depend on the parameters, so outcome_of needs them too.
    return {
        scenario.outcome_of(format, profile, params=params or {}) for profile in pure_profiles(game)
    }


# -- alaska_2025 ------------------------------------------------------------------------------


def test_alaska_no_deal_is_war(alaska):
    assert alaska.no_deal == "war"


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("params", [None, SUMMIT], ids=["defaults", "summit"])
def test_alaska_summit_only_war_is_an_equilibrium(alaska, format, params):
    # (a) No working groups, no monitoring, a structural deficit of trust: no self-enforcing deal.
    outcomes = equilibrium_outcomes(alaska, format, params)
    assert alaska.no_deal in outcomes
    assert outcomes == {alaska.no_deal}


@pytest.mark.parametrize("format", FORMATS)
def test_alaska_defaults_are_the_summit(alaska, format):
    # The file's defaults are the summit's reading: the same game as trust 0.2, verification 0.
    default = alaska.game(format=format)
    summit = alaska.game(params=SUMMIT, format=format)
    np.testing.assert_array_equal(default.payoffs, summit.payoffs)


@pytest.mark.parametrize("format", FORMATS)
def test_alaska_high_trust_and_verification_open_a_deal(alaska, format):
    # (b) With trust and monitoring a deal outcome is a pure equilibrium.
    outcomes = equilibrium_outcomes(alaska, format, HIGH)
    assert outcomes - {alaska.no_deal}, outcomes


@pytest.mark.parametrize(
    ("format", "deals"),
    [
        # Kyiv replies after the US and Russia chose: Moscow asks for Donetsk and gets it.
        ("bilateral", {"deal_donetsk"}),
        # Kyiv can commit to the front line: both deals are equilibria.
        ("multilateral", {"deal_front_line", "deal_donetsk"}),
    ],
)
def test_alaska_which_deals_at_high_trust(alaska, format, deals):
    outcomes = equilibrium_outcomes(alaska, format, HIGH)
    assert outcomes == deals | {alaska.no_deal}


TRUST = (0.15, 0.35, 0.55, 0.75, 0.95)
VERIFICATION = (0.05, 0.25, 0.45, 0.65, 0.85, 0.95)


@pytest.mark.parametrize("format", FORMATS)
def test_alaska_deal_region_is_monotone(alaska, format):
    # (c) More trust or more verification never destroys a deal equilibrium.
    deal = np.zeros((len(TRUST), len(VERIFICATION)), dtype=bool)
    for a, trust in enumerate(TRUST):
        for b, verification in enumerate(VERIFICATION):
            params = {"trust": trust, "verification": verification}
            outcomes = equilibrium_outcomes(alaska, format, params)
            # Russia and Kyiv can each block alone, so war stays an equilibrium everywhere.
            assert alaska.no_deal in outcomes, params
            deal[a, b] = bool(outcomes - {alaska.no_deal})
    assert np.all(deal[1:, :] >= deal[:-1, :]), f"not monotone in trust:\n{deal.astype(int)}"
    assert np.all(deal[:, 1:] >= deal[:, :-1]), f"not monotone in verification:\n{deal.astype(int)}"
    # Not vacuous: the region opens inside the grid.
    assert not deal[0, 0] and deal[-1, -1]
    assert 0 < deal.sum() < deal.size


# -- arms_race --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [None, {"temptation": 1.0, "cost": 0.9}, {"temptation": 5.0, "cost": 0.1}],
    ids=["defaults", "narrow", "wide"],
)
def test_arms_race_unique_equilibrium_is_dominated(params):
    scenario = load_scenario(SCENARIOS / "arms_race.toml")
    game = scenario.game(params=params)
    arm = tuple(options.index("arm") for options in game.options)
    restrain = tuple(options.index("restrain") for options in game.options)
    result = solve(game, "vertex_enumeration")
    assert [eq.profile for eq in result.equilibria] == [arm]
    assert pure_profiles(game) == [arm]
    # Mutual restraint is strictly better for both than the equilibrium (a prisoner's dilemma).
    assert np.all(game.payoff(restrain) > result.equilibria[0].payoffs)
    assert scenario.outcome_of(None, arm, params=params or {}) == scenario.no_deal


# -- inspection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gain", "penalty", "inspection_cost", "loss"),
    [
        (1.0, 2.0, 0.5, 2.0),  # the file's defaults
        (0.3, 7.0, 1.2, 2.5),
        (4.0, 0.5, 0.05, 15.0),
        (9.0, 9.0, 1.5, 2.0),
    ],
)
def test_inspection_mixed_equilibrium_matches_closed_form(gain, penalty, inspection_cost, loss):
    scenario = load_scenario(SCENARIOS / "inspection.toml")
    params = {"gain": gain, "penalty": penalty, "inspection_cost": inspection_cost, "loss": loss}
    game = scenario.game(params=params)
    assert pure_profiles(game) == []
    result = solve(game, "vertex_enumeration")
    (equilibrium,) = result.equilibria
    by_actor = dict(zip(game.actors, equilibrium.strategies, strict=True))
    options = dict(zip(game.actors, game.options, strict=True))
    violate = by_actor["inspectee"][options["inspectee"].index("violate")]
    inspect = by_actor["inspector"][options["inspector"].index("inspect")]
    assert violate == pytest.approx(inspection_cost / loss, abs=1e-9)
    assert inspect == pytest.approx(gain / (gain + penalty), abs=1e-9)
