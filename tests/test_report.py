"""Text reports name actors and options and show probabilities, and stay bounded."""

import numpy as np
import pytest

from negotiation_sim import SolverResult, solve
from negotiation_sim.analysis.scenario import CHECKED, analyse_scenario
from negotiation_sim.cli import main
from negotiation_sim.examples import arms_race, inspection
from negotiation_sim.report import (
    _SHOWN,
    SUMMARISED,
    format_game,
    format_result,
    scenario_report,
    scenario_summary,
)
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.solvers.result import verified_equilibria


def test_mixed_equilibrium_lists_probabilities():
    text = format_result(solve(inspection(), "vertex_enumeration"))
    assert "1 equilibrium" in text
    assert "inspectee: comply 0.750, violate 0.250" in text
    assert "inspector: trust 0.750, inspect 0.250" in text


def test_dominance_report_names_removed_options():
    text = format_result(solve(arms_race(), "dominance"))
    assert "removed as strictly dominated: state A: restrain, state B: restrain" in text


def test_game_table_shows_both_payoffs():
    table = format_game(arms_race(), "Arms race")
    assert table.splitlines()[0] == "Arms race"
    assert "5, 0" in table and "0, 5" in table


# -- reports stay bounded: a 16-actor scenario where every profile is an equilibrium ----------


def all_ties_scenario(actors: int) -> str:
    """Every actor has two options and gets 0 whatever happens; the last actor's option
    decides deal or no deal; in format "most" the last actor is fixed on the deal."""
    ids = [f"a{i}" for i in range(actors)]
    zeros = ", ".join(f"{a} = 0" for a in ids)
    lines = ["format_version = 1", "[scenario]", 'title = "ties"', 'no_deal = "war"']
    lines += ["[outcomes.war]", 'label = "no deal"', f"payoffs = {{ {zeros} }}"]
    lines += ["[outcomes.deal]", 'label = "deal"', f"payoffs = {{ {zeros} }}"]
    for a in ids:
        options = '[{ id = "x", description = "x" }, { id = "y", description = "y" }]'
        lines += ["[[actors]]", f'id = "{a}"', f'name = "{a}"', f"options = {options}"]
    for last, outcome in (("x", "deal"), ("y", "war")):
        lines += ["[[profiles]]"] + [f'{a} = "*"' for a in ids[:-1]]
        lines += [f'{ids[-1]} = "{last}"', f'outcome = "{outcome}"']
    choosers = ", ".join(f'"{a}"' for a in ids[:-1])
    lines += ["[formats.most]", f"choosers = [{choosers}]", f'others = {{ {ids[-1]} = "x" }}']
    return "\n".join(lines)


def test_a_report_of_65536_equilibria_lists_a_few_and_counts_them_all():
    scenario = parse_scenario(all_ties_scenario(16))
    result = solve(scenario.game({}), "pure")
    assert result.count == 2**16 and not result.complete
    summary = scenario_summary(scenario, None, {}, result)
    assert summary["count"] == 2**16 and summary["complete"] is False
    assert len(summary["equilibria"]) == SUMMARISED
    # The last actor's option (the last axis, alternating in profile order) decides.
    outcomes = [tuple(eq["outcomes"].items()) for eq in summary["equilibria"]]
    assert outcomes == [(("deal", 1.0),)] * 50 + [(("no deal", 1.0),)] * 50  # deals first
    analysis = analyse_scenario(scenario, {})
    assert len(analysis["formats"]["most"]) == CHECKED
    assert any("32768 pure equilibria; the first 100" in note for note in analysis["notes"])
    assert any("Shapley values of who must agree left out" in n for n in analysis["notes"])
    text = scenario_report(scenario, {}, [summary], analysis)
    assert "pure: 65536 equilibria" in text
    assert (
        f"... {2**16 - _SHOWN} more; equilibria by outcome (of the first 100 found): "
        "deal: 50; no deal: 50"
    ) in text
    assert f"... {CHECKED - _SHOWN} more deals of the most format checked" in text
    assert len(text.splitlines()) < 300


def test_cli_solve_of_a_16_actor_all_ties_scenario(tmp_path, capsys):
    """negotiation-sim solve: the reproduction of issue 11, item 8 (hours before)."""
    path = tmp_path / "ties.toml"
    path.write_text(all_ties_scenario(16), encoding="utf-8")
    assert main(["solve", str(path), "--format", "most"]) == 0
    out = capsys.readouterr().out
    assert "pure: 32768 equilibria" in out
    assert "max_equilibria=1000" in out


def test_mixed_equilibria_outcome_shares_are_the_profile_weights():
    """Oracle: the probability of each outcome summed profile by profile."""
    scenario = parse_scenario(all_ties_scenario(3))
    game = scenario.game({})
    rng = np.random.default_rng(0)
    strategies = tuple(v / v.sum() for v in rng.random((3, 2)))
    (eq,), _ = verified_equilibria(game, [strategies], 1e-9)  # every profile ties
    summary = scenario_summary(scenario, None, {}, SolverResult(game, "pure", (eq,), 1e-9))
    deal = sum(
        strategies[0][i] * strategies[1][j] * strategies[2][0] for i in range(2) for j in range(2)
    )
    assert summary["equilibria"][0]["outcomes"] == pytest.approx(
        {"deal": deal, "no deal": 1 - deal}, abs=1e-12
    )
    assert list(summary["equilibria"][0]["outcomes"]) == ["deal", "no deal"]  # first profile
