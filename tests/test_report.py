"""Text reports name actors and options and show probabilities."""

from negotiation_sim import solve
from negotiation_sim.examples import arms_race, inspection
from negotiation_sim.report import format_game, format_result


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
