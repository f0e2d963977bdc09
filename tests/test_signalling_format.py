"""Signalling formats in scenario files (``signalling = true``): the sender's choice is seen.

Oracles: the hand-written Kydd verification game of ``tests/known_games.py`` (the scenario must
build the same arrays), the closed forms stated in ``scenarios/verification_signal.toml``'s
header (written again here from its numbers), expectations over a third actor's types computed
by hand, and scipy's linear program for the exact two-type beliefs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import load_scenario
from negotiation_sim.cli import main
from negotiation_sim.errors import UnsupportedGameError
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.scenario.signalling_format import format_signalling
from negotiation_sim.signalling import perfect_bayesian_equilibria
from tests.known_games import kydd_verification_game

ROOT = Path(__file__).resolve().parents[1]
SIGNAL = ROOT / "scenarios" / "verification_signal.toml"
REFUSE, ACCEPT = 0, 1
HOLD, DEAL = 0, 1


def _strategies(game):
    return {(e.message, e.response) for e in perfect_bayesian_equilibria(game)}


@settings(max_examples=40, deadline=None)
@given(
    trust=st.floats(0.0, 1.0),
    costs=st.tuples(st.floats(0.0, 3.0), st.floats(0.0, 3.0)),
    gain=st.floats(0.0, 3.0),
)
def test_the_scenario_builds_the_hand_written_kydd_game(trust, costs, gain):
    params = {"trust": trust, "gain": gain, "cost_seeker": costs[0], "cost_expansionist": costs[1]}
    ours = load_scenario(SIGNAL).signalling_game(params)
    theirs = kydd_verification_game(trust, costs[0], costs[1], gain)
    np.testing.assert_allclose(ours.prior, theirs.prior, rtol=0, atol=1e-15)
    np.testing.assert_allclose(ours.sender, theirs.sender, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.receiver, theirs.receiver, rtol=0, atol=1e-12)
    assert _strategies(ours) == _strategies(theirs)


def _draws(count: int, seed: int) -> np.ndarray:
    """Parameter draws away from the closed forms' boundaries (ties are the solver's choice)."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[float, ...]] = []
    while len(rows) < count:
        trust, gain, c_s, c_e, us_gain, us_loss = rng.uniform(
            [0.02, 0.1, 0.0, 0.0, 0.1, 0.1], [0.98, 3.0, 3.0, 3.0, 3.0, 3.0]
        )
        mu_bar = us_loss / (us_gain + us_loss)
        if min(abs(trust - mu_bar), abs(c_s - gain), abs(c_e - gain)) > 0.02:
            rows.append((trust, gain, c_s, c_e, us_gain, us_loss))
    return np.array(rows)


def test_the_equilibria_follow_the_closed_forms_of_the_scenario_header():
    scenario = load_scenario(SIGNAL)
    names = ("trust", "gain", "cost_seeker", "cost_expansionist", "us_gain", "us_loss")
    for row in _draws(300, seed=3):
        trust, gain, c_s, c_e, us_gain, us_loss = row
        game = scenario.signalling_game(dict(zip(names, row.tolist(), strict=True)))
        found = {(e.message, e.response): e for e in perfect_bayesian_equilibria(game)}
        mu_bar = us_loss / (us_gain + us_loss)
        separating = (ACCEPT, REFUSE), (HOLD, DEAL)
        assert (separating in found) == (c_s < gain < c_e), row
        # pooling on refusal, no deal (the US holds after an acceptance, off the path)
        pooling_hold = (REFUSE, REFUSE), (HOLD, HOLD)
        assert (pooling_hold in found) == (trust < mu_bar), row
        if pooling_hold in found:
            assert found[pooling_hold].intuitive == (not c_s < gain < c_e), row
        # pooling on refusal with a deal, whatever the US does after an acceptance
        with_deal = {k for k in found if k[0] == (REFUSE, REFUSE) and k[1][REFUSE] == DEAL}
        assert bool(with_deal) == (trust > mu_bar), row


def test_the_shipped_sweep_matches_the_three_regions_of_its_header(tmp_path):
    from negotiation_sim.sweep import load_experiment, run_experiment

    ds = run_experiment(
        load_experiment(ROOT / "experiments" / "verification_signal.toml"), tmp_path / "run"
    )
    chance = ds["deal_probability"].sel(format="inspections")  # (trust, cost_seeker)
    trust = ds["trust"].values[:, None]
    cost = ds["cost_seeker"].values[None, :]
    expected = np.where(trust > 0.5, 1.0, np.where(cost < 1.0, trust, 0.0))
    away = (np.abs(trust - 0.5) > 1e-9) & (np.abs(cost - 1.0) > 1e-9)  # ties: either answer
    assert away.sum() == 40 * 40
    np.testing.assert_allclose(chance.values[away], expected[away], rtol=0, atol=1e-12)
    assert (ds["n_equilibria"].values > 0).all()
    np.testing.assert_allclose(ds["frontier_belief"].values, 0.5, rtol=0, atol=1e-15)
    np.testing.assert_allclose(ds["frontier_signal"].values, 1.0, rtol=0, atol=1e-15)


THREE = """
format_version = 1
[scenario]
title = "A sender, a receiver and a bystander whose type is correlated with the sender's"
no_deal = "none"
default_format = "signal"
[parameters.p]
default = 0.4
range = [0.0, 0.7]
description = "the joint weight of hi and x"
[[actors]]
id = "s"
name = "S"
options = [{ id = "quiet", description = "o" }, { id = "loud", description = "o" }]
types = ["hi", "lo"]
[[actors]]
id = "r"
name = "R"
options = [{ id = "no", description = "o" }, { id = "yes", description = "o" }]
[[actors]]
id = "f"
name = "F"
options = [{ id = "stay", description = "o" }, { id = "go", description = "o" }]
types = ["x", "y"]
[type_prior]
"s.hi, f.x" = "p"
"s.hi, f.y" = "0.1"
"s.lo, f.x" = "0.2"
"s.lo, f.y" = "0.7 - p"
[outcomes.none]
label = "none"
payoffs = { s = 0, r = 0, f = 0 }
[outcomes.some]
label = "some"
payoffs = { s = "1 + 2 * f_is_y", "s.lo" = "3 - f_is_x", r = "4 * f_is_x - 1 * s_is_lo", f = 5 }
[[profiles]]
s = "*"
r = "no"
f = "*"
outcome = "none"
[[profiles]]
s = "*"
r = "yes"
f = "stay"
outcome = "some"
[[profiles]]
s = "*"
r = "yes"
f = "go"
outcome = "none"
[formats.signal]
choosers = ["s"]
others = { r = "best_reply", f = "stay" }
signalling = true
[formats.together]
choosers = ["s", "r", "f"]
"""


def test_payoffs_are_expected_over_the_other_actors_types_given_the_senders():
    scenario = parse_scenario(THREE, source="three.toml")
    p = 0.4
    game = scenario.signalling_game({"p": p})
    # P(f is x | s is hi) = p / (p + 0.1); P(f is x | s is lo) = 0.2 / 0.9
    x_hi, x_lo = p / (p + 0.1), 0.2 / (0.2 + 0.7 - p)
    np.testing.assert_allclose(game.prior, [p + 0.1, 0.9 - p], rtol=0, atol=1e-15)
    expected_s = [x_hi * 1 + (1 - x_hi) * 3, x_lo * 2 + (1 - x_lo) * 3]
    expected_r = [4 * x_hi, 4 * x_lo - 1]
    for m in range(2):
        np.testing.assert_allclose(game.sender[:, m, 1], expected_s, rtol=0, atol=1e-12)
        np.testing.assert_allclose(game.receiver[:, m, 1], expected_r, rtol=0, atol=1e-12)
        np.testing.assert_allclose(game.sender[:, m, 0], 0.0, rtol=0, atol=0)
    reach = format_signalling(scenario, None, scenario.values({"p": p}))
    assert reach.outcomes.tolist() == [[0, 1], [0, 1]]  # (message, response): none, some
    np.testing.assert_allclose(reach.payoffs[2, :, :, 1, 0], 5.0, rtol=0, atol=0)  # f


def test_a_signalling_format_is_not_a_bayesian_game_among_choosers():
    scenario = load_scenario(SIGNAL)
    with pytest.raises(UnsupportedGameError, match="signalling game"):
        scenario.bayesian_game()


def test_a_replier_that_would_infer_types_is_told_about_signalling():
    from negotiation_sim.scenario.typed_formats import format_bayesian

    # two choosers, so not a signalling format: r's payoff depends on s's type, which it sees
    # only through s's choice
    text = THREE.replace('choosers = ["s"]', 'choosers = ["s", "f"]')
    text = text.replace(
        'others = { r = "best_reply", f = "stay" }', 'others = { r = "best_reply" }'
    )
    scenario = parse_scenario(text.replace("signalling = true\n", ""), source="x.toml")
    with pytest.raises(UnsupportedGameError, match="declare the format's signalling = true"):
        format_bayesian(scenario, None, scenario.values())


def test_solve_reports_each_equilibrium_with_beliefs_and_the_intuitive_criterion(capsys):
    assert main(["solve", str(SIGNAL)]) == 0
    out = capsys.readouterr().out
    assert "Perfect Bayesian equilibria (pure): 2; passing the intuitive criterion: 1" in out
    assert "1. pooling: russia, if security_seeker: refuse; if expansionist: refuse" in out
    assert "off path: after accept, hold for P(security_seeker) in [0, 0.5]" in out
    assert "security_seeker would send accept, which expansionist would never gain from" in out
    assert "2. separating: russia, if security_seeker: accept; if expansionist: refuse" in out
    assert "after refuse P(security_seeker) = 0; after accept P(security_seeker) = 1" in out
    assert "no deal: sanctions stay 70.0%, deal with intrusive inspections 30.0%" in out
    assert main(["solve", str(SIGNAL), "--json", "--set", "trust=0.2"]) == 0
    data = json.loads(capsys.readouterr().out)
    separating = data["equilibria"][1]
    assert separating["kind"] == "separating" and separating["intuitive"]
    assert separating["outcomes"] == {"no_deal": 0.8, "verified_deal": 0.2}
    # ex ante: Russia 0.2 * (1 - 0.5); the US 0.2 * 1
    assert separating["ex_ante"] == pytest.approx({"russia": 0.1, "us": 0.2}, abs=1e-12)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["solve", "--method", "logit"], "--method: format 'inspections' is a signalling game"),
        (["export", "-o", "{tmp}/x.nfg"], "format 'inspections' is a signalling game"),
    ],
)
def test_what_a_signalling_format_cannot_do_is_one_clear_error(argv, message, tmp_path, capsys):
    command = [argv[0], str(SIGNAL), *(a.format(tmp=tmp_path) for a in argv[1:])]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.nfg").exists()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(-5, 5, allow_subnormal=False), min_size=2, max_size=2),
        min_size=1,
        max_size=4,
    )
)
def test_exact_two_type_beliefs_agree_with_the_linear_program(columns):
    from negotiation_sim.signalling.beliefs import _maximin_small
    from negotiation_sim.solvers._lp import maximin

    margins = np.array(columns).T  # (2 types, rival responses)
    value, x = _maximin_small(margins)
    expected, _ = maximin(margins)
    assert value == pytest.approx(expected, abs=1e-9)
    assert x.min() >= 0 and x.sum() == pytest.approx(1.0, abs=1e-15)
    assert float((margins.T @ x).min()) == pytest.approx(value, abs=1e-12)
