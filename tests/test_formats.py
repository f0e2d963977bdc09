"""Durability of a format's deals once every actor may deviate, against brute force."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import load_scenario
from negotiation_sim.analysis.formats import deal_durability
from negotiation_sim.scenario import parse_scenario
from tests.test_scenario import row_scenario


@settings(max_examples=30, deadline=None)
@given(st.tuples(*[st.integers(1, 3)] * 4), st.integers(0, 2**32 - 1), st.booleans())
def test_spoilers_are_exactly_the_profitable_deviators(shape, seed, fixed):
    payoffs = np.random.default_rng(seed).integers(-3, 4, size=(4, *shape)).astype(float)
    others = '{ a2 = "x0", a3 = "best_reply" }' if fixed else '{ a2 = "best_reply", a3 = "x0" }'
    scenario = parse_scenario(row_scenario(payoffs, others))
    for durability in deal_durability(scenario, "first"):
        profile = tuple(int(o[1:]) for o in durability.profile)
        gains = {}
        for i in range(4):
            best = max(payoffs[(i, *profile[:i], o, *profile[i + 1 :])] for o in range(shape[i]))
            gains[f"a{i}"] = best - payoffs[(i, *profile)]
        spoilers = {d.actor: d.gain for d in durability.spoilers}
        assert spoilers.keys() == {a for a, g in gains.items() if g > 1e-9}
        for actor, gain in spoilers.items():
            assert np.isclose(gain, gains[actor])
        assert durability.durable == (not spoilers)


def test_alaska_bilateral_deal_at_high_trust_is_durable_and_names_no_spoiler():
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    results = deal_durability(scenario, "bilateral", {"trust": 0.8, "verification": 0.8})
    deals = [d for d in results if d.is_deal]
    assert deals and all(d.durable for d in deals)
    assert results[0].is_deal  # deals are listed first
    for d in results:
        assert len(d.profile) == 4


def test_alaska_deal_over_their_heads_is_spoiled_by_ukraine_at_middling_trust():
    # With Kyiv's and Europe's assent taken for granted, the US and Russia settle on Donetsk at
    # trust 0.4 without verification; once Kyiv may choose, refusing the withdrawal pays it more.
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    results = deal_durability(scenario, "over_their_heads", {"trust": 0.4, "verification": 0.0})
    spoiled = [d for d in results if d.is_deal and not d.durable]
    assert spoiled
    (deal,) = spoiled
    assert deal.outcome == "deal_donetsk"
    spoiler = deal.spoilers[0]
    assert spoiler.actor == "ukraine" and spoiler.gain > 0
    assert spoiler.outcome == scenario.no_deal
    assert spoiler.effect["ukraine"] == spoiler.gain


def test_durability_checks_at_most_max_equilibria_in_profile_order():
    """A format of 5 choosers with ties everywhere: 32 pure equilibria, the first 3 checked."""
    from tests.test_report import all_ties_scenario

    scenario = parse_scenario(all_ties_scenario(6))
    checked = deal_durability(scenario, "most", max_equilibria=3)
    assert [d.profile for d in checked] == [
        ("x", "x", "x", "x", "x", "x"),
        ("x", "x", "x", "x", "y", "x"),
        ("x", "x", "x", "y", "x", "x"),
    ]
    assert all(d.is_deal and d.durable for d in checked)
    assert len(deal_durability(scenario, "most")) == 32
