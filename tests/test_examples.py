"""Built-in example games have the equilibria their closed forms predict."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import solve
from negotiation_sim.examples import arms_race, ceasefire_talks, inspection
from tests.known_games import pure_profiles


def test_arms_race_is_a_prisoners_dilemma():
    game = arms_race()
    result = solve(game, "vertex_enumeration")
    assert [eq.profile for eq in result.equilibria] == [(1, 1)]
    # Mutual restraint is better for both than the equilibrium.
    assert np.all(game.payoff((0, 0)) > result.equilibria[0].payoffs)


@settings(max_examples=40, deadline=None)
@given(
    gain=st.floats(0.1, 5),
    penalty=st.floats(0.1, 5),
    loss=st.floats(0.5, 5),
    cost_share=st.floats(0.05, 0.95),
)
def test_inspection_mixed_equilibrium_matches_closed_form(gain, penalty, loss, cost_share):
    # Avenhaus, von Stengel & Zamir (2002): violate w.p. cost/loss, inspect w.p. gain/(gain+penalty).
    cost = cost_share * loss
    result = solve(inspection(gain, penalty, cost, loss), "vertex_enumeration")
    (equilibrium,) = result.equilibria
    inspectee, inspector = equilibrium.strategies
    assert inspectee[1] == pytest.approx(cost / loss, abs=1e-9)
    assert inspector[1] == pytest.approx(gain / (gain + penalty), abs=1e-9)


def test_ceasefire_talks_has_a_guaranteed_truce_equilibrium():
    game = ceasefire_talks()
    profiles = set(pure_profiles(solve(game, "pure")))
    assert (0, 0, 0, 0) in profiles
    assert any(p[1] == 1 for p in profiles)  # and war is an equilibrium too
