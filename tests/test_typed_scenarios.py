"""Scenario files with actor types: checked per type profile, built as Bayesian games over a grid.

The oracle is the closed form of Kydd's assurance with types and verification (MODEL.md §7),
computed here from the numbers written in ``scenarios/typed_assurance.toml``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim import load_scenario
from negotiation_sim.bayesian import pure_bayes_nash, solve_bayesian
from negotiation_sim.errors import ScenarioError, UnsupportedGameError
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.scenario.typed import bayesian_payoffs, type_prior

ROOT = Path(__file__).resolve().parents[1]
TYPED = ROOT / "scenarios" / "typed_assurance.toml"
# The file's [definitions]: kept deal R (R_o), exploiting T_t (T_o), no deal P, sucker S.
R, R_O, T_T, T_O, P, S = 1.0, 0.6, 0.5, 1.2, 0.3, -0.5


def deterrence(sanction: float) -> float:
    """pi_d: an opportunist keeps the deal iff verification >= pi_d."""
    return (T_O - R_O) / (T_O - P + sanction)


def trust_needed(pi: np.ndarray, sanction: float) -> np.ndarray:
    """mu*(pi): a trustworthy side cooperates with opportunists defecting iff trust >= mu*."""
    s_pi = pi * P + (1 - pi) * S
    t_pi = pi * (P - sanction) + (1 - pi) * T_T
    return (P - s_pi) / ((R - t_pi) + (P - s_pi))


@pytest.mark.parametrize("sanction", [0.0, 0.4, 1.5])
def test_the_numeric_equilibria_follow_the_closed_forms_on_a_grid(sanction):
    scenario = load_scenario(TYPED)
    trust = np.linspace(0.0, 1.0, 101)
    pi = np.linspace(0.0, 1.0, 101)
    values = scenario.values(
        {"trust": trust[:, None], "verification": pi[None, :], "sanction": sanction}
    )
    mask = pure_bayes_nash(bayesian_payoffs(scenario, values), type_prior(scenario, values))
    mask = mask.reshape(*mask.shape[:-1], trust.size, pi.size)
    # agent profiles (a trustworthy, a opportunist, b trustworthy, b opportunist); 0 = cooperate
    separating = mask[0, 1, 0, 1]  # trustworthy cooperate, opportunists defect
    everyone = mask[0, 0, 0, 0]
    nobody = mask[1, 1, 1, 1]
    pi_d = deterrence(sanction)
    assert nobody.all()  # no deal is always an equilibrium
    # Inside (0, 1) both types have positive probability (at trust 0 or 1 a type of probability
    # 0 may play anything): opportunists keep the deal (everyone cooperating is an
    # equilibrium) iff pi >= pi_d
    inside = slice(1, -1)
    keeps = pi >= pi_d - 1e-12
    assert np.array_equal(everyone[inside], np.broadcast_to(keeps, everyone[inside].shape))
    # below pi_d: trustworthy cooperate while opportunists defect iff trust >= mu*(pi); the
    # numeric boundary is the closed form's, to the grid cell
    below = pi < pi_d - 1e-12
    needed = trust_needed(pi, sanction)
    expected = trust[:, None] >= needed[None, :] - 1e-12
    assert np.array_equal(separating[inside][:, below], expected[inside][:, below])
    assert below.any() and expected[:, below].any() and not expected[:, below].all()


def test_the_file_is_one_untyped_scenario_per_type_profile():
    scenario = load_scenario(TYPED)
    assert dict(scenario.types) == {
        "a": ("trustworthy", "opportunist"),
        "b": ("trustworthy", "opportunist"),
    }
    assert len(scenario.typed) == 4 and not any(one.types for one in scenario.typed)
    # type profile (a opportunist, b trustworthy) is index 2 in C order: a's kept deal is R_o
    game = scenario.typed[2].game({"verification": 0.0})
    deal = game.payoff((0, 0)).tolist()
    assert deal == [R_O, R]
    # and a exploiting b gets T_o there (verification 0)
    assert game.payoff((1, 0)).tolist() == [T_O, S]


def test_prior_is_the_product_of_the_marginals_and_bayesian_game_solves():
    scenario = load_scenario(TYPED)
    game = scenario.bayesian_game({"trust": 0.7, "verification": 0.1})
    assert np.allclose(game.prior, np.outer([0.7, 0.3], [0.7, 0.3]))
    described = {e.describe(game) for e in solve_bayesian(game, "pure").equilibria}
    assert "a, if trustworthy: cooperate; if opportunist: defect" in "\n".join(described)


def test_complete_information_games_of_a_typed_scenario_are_refused():
    scenario = load_scenario(TYPED)
    for build in (scenario.game, lambda: scenario.no_deal_point(scenario.values())):
        with pytest.raises(UnsupportedGameError, match=r"have types: use scenario\.bayesian_game"):
            build()
    with pytest.raises(UnsupportedGameError, match="no actor has types"):
        load_scenario(ROOT / "scenarios" / "arms_race.toml").bayesian_game()


def _typed(actor_b: str = "", payoffs: str = "", definitions: str = "") -> str:
    text = TYPED.read_text(encoding="utf-8")
    if actor_b:
        text = text.replace(
            'prior = { trustworthy = "trust", opportunist = "1 - trust" }\n\n[outcomes.deal]',
            f"{actor_b}\n\n[outcomes.deal]",
        )
    if payoffs:
        text = text.replace(
            'payoffs = { a = "P", b = "P" }', f'payoffs = {{ a = "P", b = "P", {payoffs} }}'
        )
    if definitions:
        text = text.replace("[definitions]\n", f"[definitions]\n{definitions}\n")
    return text


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        (
            _typed('prior = { trustworthy = "trust", opportunist = "trust" }'),
            "actors[1].prior",
            "must each be in [0, 1] and sum to 1",
        ),
        (
            _typed('prior = { trustworthy = "trust", opportnist = "1 - trust" }'),
            "actors[1].prior.opportnist",
            "did you mean 'opportunist'",
        ),
        (
            _typed('prior = { trustworthy = "trust" }'),
            "actors[1].prior",
            "missing the probability of type 'opportunist'",
        ),
        (
            _typed(payoffs='"b.opportunst" = "P"'),
            'outcomes.no_deal.payoffs."b.opportunst"',
            "unknown type of 'b'",
        ),
        (
            _typed(payoffs='"c.opportunist" = "P"'),
            'outcomes.no_deal.payoffs."c.opportunist"',
            "'c' has no types",
        ),
        (
            _typed(definitions='a_is_trustworthy = "1"'),
            "definitions.a_is_trustworthy",
            "indicator of 'a' being of type 'trustworthy'",
        ),
    ],
)
def test_bad_types_get_one_located_message(text, location, words):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="typed.toml")
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"{location}: ") and words in m for m in messages), messages


def test_a_payoff_missing_for_one_type_names_that_type():
    # b's no-deal payoff given for the trustworthy type only: the opportunist has none
    text = TYPED.read_text(encoding="utf-8").replace(
        'payoffs = { a = "P", b = "P" }', 'payoffs = { a = "P", "b.trustworthy" = "P" }'
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="typed.toml")
    messages = [str(p) for p in caught.value.problems]
    assert messages and all("(when a is trustworthy and b is opportunist)" in m for m in messages)


def test_the_type_indicator_is_usable_in_expressions():
    # b loses 0.25 at no deal when a is an opportunist: interdependent values
    text = TYPED.read_text(encoding="utf-8").replace(
        'payoffs = { a = "P", b = "P" }', 'payoffs = { a = "P", b = "P - 0.25 * a_is_opportunist" }'
    )
    scenario = parse_scenario(text, source="typed.toml")
    no_deal = {k: one.game().payoff((1, 1))[1] for k, one in enumerate(scenario.typed)}
    assert no_deal == {0: P, 1: P, 2: P - 0.25, 3: P - 0.25}  # a's type is the slow axis


def test_a_prior_that_fails_between_the_checked_points_is_refused_where_a_game_is_built():
    # Off by a bump only for trust in (0.5, 0.5001): the load-time check (defaults, corners,
    # 256 seeded points) misses it; building at trust = 0.50005 must not.
    bump = "1000 * max(0, trust - 0.5) * max(0, 0.5001 - trust)"
    text = TYPED.read_text(encoding="utf-8").replace(
        'prior = { trustworthy = "trust", opportunist = "1 - trust" }\n\n[outcomes.deal]',
        f'prior = {{ trustworthy = "trust", opportunist = "1 - trust + {bump}" }}\n\n'
        "[outcomes.deal]",
    )
    scenario = parse_scenario(text, source="typed.toml")
    scenario.bayesian_game({"trust": 0.3})
    with pytest.raises(ScenarioError) as caught:
        scenario.bayesian_game({"trust": 0.50005})
    (problem,) = caught.value.problems
    assert problem.location == "actors[1].prior"
    assert "not a distribution at" in problem.message and "trust = 0.50005" in problem.message


def test_solve_reports_type_contingent_play_and_outcome_probabilities(capsys):
    from negotiation_sim.cli import main

    # trust 0.8 >= mu*(0.1) = 0.5625 and verification 0.1 < pi_d: the separating equilibrium,
    # whose outcomes follow from the types alone (each side trustworthy with probability 0.8)
    argv = ["solve", str(TYPED), "--set", "trust=0.8", "--set", "verification=0.1"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert trust_needed(np.array([0.1]), 0.4)[0] == pytest.approx(0.5625)
    assert "1. a, if trustworthy: cooperate; if opportunist: defect" in out
    assert "a separates" in out and "a pools" in out
    assert "outcomes: deal kept by both 64.0%" in out and "no deal 4.0%" in out
    assert "outcomes: no deal 100.0%" in out  # no deal is always an equilibrium
    # verification 0.5 >= pi_d = 0.46: opportunists keep the deal too
    assert main(["solve", str(TYPED), "--set", "verification=0.5", "--json"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    shares = [e["outcomes"] for e in report["equilibria"]]
    assert {"deal": 1.0} in shares and {"no_deal": 1.0} in shares
    assert main(["solve", str(TYPED), "--format", "x"]) == 2
    assert "format: unknown format 'x'" in capsys.readouterr().err


def test_export_writes_the_agent_normal_form_gambit_solves_the_same(tmp_path, capsys):
    from negotiation_sim.cli import main

    pygambit = pytest.importorskip("pygambit")
    path = tmp_path / "typed.nfg"
    argv = ["export", str(TYPED), "--set", "trust=0.8", "--set", "verification=0.1"]
    assert main([*argv, "-o", str(path)]) == 0
    assert "the agent normal form" in capsys.readouterr().out
    gbt = pygambit.read_nfg(str(path))
    assert [p.label for p in gbt.players] == [
        "a:trustworthy",
        "a:opportunist",
        "b:trustworthy",
        "b:opportunist",
    ]
    theirs = {
        tuple(int(np.argmax([float(eq[s]) for s in player.strategies])) for player in gbt.players)
        for eq in pygambit.nash.enumpure_solve(gbt).equilibria
    }
    game = load_scenario(TYPED).bayesian_game({"trust": 0.8, "verification": 0.1})
    ours = {
        tuple(int(np.argmax(e.play(i, t))) for i in range(2) for t in range(2))
        for e in solve_bayesian(game, "pure").equilibria
    }
    assert theirs == ours == {(0, 1, 0, 1), (1, 1, 1, 1)}


def test_the_shipped_sweep_finds_deals_exactly_on_the_closed_form_frontier(tmp_path):
    from negotiation_sim.sweep import load_experiment, run_experiment

    spec = load_experiment(ROOT / "experiments" / "typed_assurance.toml")
    assert "zero_sum_share" not in spec.metrics  # a complete-information property
    ds = run_experiment(spec, tmp_path / "run")
    deals = ds["deal_is_equilibrium"].sel(format="all").values  # (trust, verification)
    trust, pi = ds["trust"].values, ds["verification"].values
    step = trust[1] - trust[0]
    # the lowest trust with a deal in each verification column, against this test's own
    # closed form (mu* below pi_d, 0 from pi_d on), to the grid cell
    expected = np.where(pi >= deterrence(0.4) - 1e-12, 0.0, trust_needed(pi, 0.4))
    lowest = trust[np.argmax(deals, axis=0)]
    assert deals.any(axis=0).all()
    assert np.all(lowest >= expected - 1e-12) and np.all(lowest < expected + step + 1e-12)
    # deals at every trust above the boundary (the region is an upper set in trust)
    assert np.all(deals == (trust[:, None] >= lowest[None, :]))
    # the frontiers the experiment draws are those closed forms: mu* (0 from pi_d on) and the
    # deterrence line, pi_d at every trust
    drawn = ds["frontier_deal"].values
    np.testing.assert_allclose(drawn, expected, rtol=0, atol=1e-12)
    line = ds["frontier_deterrence"]
    assert line.dims == ("trust",) and line.attrs["frontier_y"] == "verification"
    np.testing.assert_allclose(line.values, deterrence(0.4), rtol=0, atol=1e-12)
    # the welfare-selected equilibrium's deal probability under the types at one point
    # (trust 0.8, verification 0.1): separating, so a deal unless both are opportunists
    chosen = ds["deal_probability"].sel(format="all", trust=0.8, verification=0.1)
    assert float(chosen) == pytest.approx(1 - 0.2**2)


def test_a_typed_experiment_refuses_what_types_do_not_have_yet():
    from negotiation_sim.sweep import parse_experiment

    text = (ROOT / "experiments" / "typed_assurance.toml").read_text(encoding="utf-8")
    text = text.replace('solver = "pure"', 'solver = "pure+logit"\nmetrics = ["zero_sum_share"]')
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(text, source="x.toml", base=ROOT / "experiments")
    located = {p.location for p in caught.value.problems}
    assert located == {"experiment.solver", "experiment.metrics"}


def test_a_type_of_probability_zero_is_not_an_equilibrium_of_its_own(capsys):
    from negotiation_sim.cli import main

    # trust 1: the opportunists have probability 0 and may play anything; the 8 agent
    # profiles of the agent form are 2 answers (all cooperate, all defect) for the trustworthy,
    # listed once each, the opportunists given their first option (cooperate)
    game = load_scenario(TYPED).bayesian_game({"trust": 1.0})
    found = solve_bayesian(game, "pure").equilibria
    assert [[int(np.argmax(e.play(i, t))) for i in range(2) for t in range(2)] for e in found] == [
        [0, 0, 0, 0],
        [1, 0, 1, 0],
    ]
    assert main(["solve", str(TYPED), "--set", "trust=1"]) == 0
    out = capsys.readouterr().out
    assert "Bayes-Nash equilibria (pure): 2" in out
    assert out.count("if opportunist (probability 0): any option") == 4
    assert "opportunist 0" not in out.split("Types (prior)")[1].split("\n", 1)[1]


SEQUENTIAL = """
[formats.sequential]
description = "a moves first (c, a bystander, with it); b sees it and replies, as its type prefers"
choosers = ["a", "c"]
others = { b = "best_reply" }
"""


def with_bystander(text: str) -> str:
    """The typed scenario with a third actor c of one option and payoff 0 (a format needs two
    choosers: c moves with a and changes nothing)."""
    text = text.replace("payoffs = { ", 'payoffs = { c = "0", ')
    text = text.replace('outcome = "', 'c = "wait"\noutcome = "')
    bystander = (
        '[[actors]]\nid = "c"\nname = "C"\noptions = [{ id = "wait", description = "-" }]\n\n'
    )
    return text.replace("[outcomes.deal]", bystander + "[outcomes.deal]") + SEQUENTIAL


@pytest.mark.parametrize(
    ("trust", "pi"), [(0.2, 0.1), (0.5, 0.1), (0.9, 0.1), (0.3, 0.3), (0.6, 0.3), (0.2, 0.7)]
)
def test_a_format_anticipates_each_replier_type(trust, pi):
    # a chooses; b observes and best-replies per type: to cooperation a trustworthy b keeps the
    # deal, an opportunist b keeps it iff pi >= pi_d; to defection b defects (P > S_pi). So a
    # (type with kept-deal value V: R or R_o) cooperates iff mu V + (1 - mu) X >= P, X = S_pi
    # below pi_d and V above.
    scenario = parse_scenario(with_bystander(TYPED.read_text(encoding="utf-8")), source="s.toml")
    game = scenario.bayesian_game({"trust": trust, "verification": pi}, format="sequential")
    assert game.actors == ("a", "c") and game.types[0] == ("trustworthy", "opportunist")
    s_pi = pi * P + (1 - pi) * S
    deterred = pi >= deterrence(0.4)
    expected = [
        0 if (value >= P if deterred else trust * value + (1 - trust) * s_pi >= P) else 1
        for value in (R, R_O)
    ]
    (equilibrium,) = solve_bayesian(game, "pure").equilibria
    assert [int(np.argmax(equilibrium.play(0, t))) for t in range(2)] == expected


def test_a_replier_that_would_infer_a_type_from_a_move_is_refused():
    text = TYPED.read_text(encoding="utf-8").replace(
        'payoffs = { a = "P", b = "P" }', 'payoffs = { a = "P", b = "P - 0.25 * a_is_opportunist" }'
    )
    scenario = parse_scenario(with_bystander(text), source="s.toml")
    with pytest.raises(UnsupportedGameError, match="depend on the type of 'a'"):
        scenario.bayesian_game(format="sequential")


def test_solve_a_typed_format_reports_outcomes_over_the_repliers_types(tmp_path, capsys):
    from negotiation_sim.cli import main

    path = tmp_path / "sequential.toml"
    path.write_text(with_bystander(TYPED.read_text(encoding="utf-8")), encoding="utf-8")
    argv = ["solve", str(path), "--format", "sequential", "--set", "trust=0.7"]
    assert main([*argv, "--set", "verification=0.1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (equilibrium,) = report["equilibria"]
    # a trustworthy (0.7) cooperates, an opportunist a (0.3) stays out; b keeps the deal if
    # trustworthy (0.7), exploits it if not: the shares are products of the type probabilities
    expected = {"deal": 0.7 * 0.7, "b_cheats": 0.7 * 0.3, "no_deal": 0.3}
    assert equilibrium["outcomes"] == pytest.approx(expected)
    assert report["format"] == "sequential"


def test_a_typed_format_sweeps_like_its_per_point_bayesian_game(tmp_path):
    from negotiation_sim.sweep import parse_experiment, run_experiment

    scenario_path = tmp_path / "sequential.toml"
    scenario_path.write_text(with_bystander(TYPED.read_text(encoding="utf-8")), encoding="utf-8")
    text = (
        f'format_version = 1\n[experiment]\nscenario = "{scenario_path}"\n'
        'formats = ["sequential"]\n'
        "[axes.trust]\nvalues = [0.1, 0.4, 0.7, 0.95]\n[axes.verification]\nvalues = [0.0, 0.3, 0.8]\n"
    )
    ds = run_experiment(parse_experiment(text, source="x.toml"), tmp_path / "run")
    scenario = parse_scenario(scenario_path.read_text(encoding="utf-8"), source="s.toml")
    for trust in (0.1, 0.4, 0.7, 0.95):
        for pi in (0.0, 0.3, 0.8):
            point = {"trust": trust, "verification": pi}
            game = scenario.bayesian_game(point, format="sequential")
            found = solve_bayesian(game, "pure").equilibria
            at = ds.sel(format="sequential", trust=trust, verification=pi)
            assert int(at["n_equilibria"]) == len(found)
            # the selected equilibrium (largest ex-ante total payoff) and its deal probability,
            # from the per-point game and the shares of the report
            from negotiation_sim.report_bayesian import bayesian_summary
            from negotiation_sim.scenario.typed_formats import format_bayesian

            reach = format_bayesian(scenario, "sequential", scenario.values(point))
            summary = bayesian_summary(scenario, game, solve_bayesian(game, "pure"), reach)
            # every actor's ex-ante payoff (b replies: it is not in the choosers' game), by hand:
            # sum over type profiles (a, b) of p(theta) * u(theta, a's option for its type)
            welfare = []
            for e in found:
                total = 0.0
                for ta in range(2):
                    for tb in range(2):
                        option = int(np.argmax(e.play(0, ta)))
                        weight = float(reach.everyone[ta, tb, 0, 0])  # c: one type
                        total += weight * float(reach.payoffs_all[:, ta, tb, 0, option, 0, 0].sum())
                welfare.append(total)
            best = summary["equilibria"][int(np.argmax(welfare))]
            deal = sum(p for o, p in best["outcomes"].items() if o != "no_deal")
            assert float(at["deal_probability"]) == pytest.approx(deal)
            assert float(at["welfare"]) == pytest.approx(max(welfare))


CORRELATED = """
[type_prior]
"a.trustworthy, b.trustworthy" = "trust"
"a.trustworthy, b.opportunist" = "0"
"a.opportunist, b.trustworthy" = "0"
"a.opportunist, b.opportunist" = "1 - trust"
"""


def correlated(text: str) -> str:
    """The typed scenario with perfectly correlated types: both sides are alike."""
    return text.replace('prior = { trustworthy = "trust", opportunist = "1 - trust" }\n', "") + (
        CORRELATED
    )


def test_perfectly_correlated_types_need_no_trust_threshold():
    # Each side knows the other is of its own type: trustworthy pairs keep the deal at any
    # trust (R > T_pi), opportunist pairs cheat below pi_d. With independent types the same
    # split needs trust >= mu*(pi) = 0.5625 at pi = 0.1.
    base = TYPED.read_text(encoding="utf-8")
    joint = parse_scenario(correlated(base), source="c.toml")
    assert not joint.type_prior and len(joint.type_joint) == 4
    for trust in (0.1, 0.3, 0.9):
        game = joint.bayesian_game({"trust": trust, "verification": 0.1})
        assert np.allclose(game.prior, [[trust, 0], [0, 1 - trust]])
        plays = {
            tuple(int(np.argmax(e.play(i, t))) for i in range(2) for t in range(2))
            for e in solve_bayesian(game, "pure").equilibria
        }
        assert (0, 1, 0, 1) in plays  # trustworthy cooperate, opportunists defect
    independent = load_scenario(TYPED).bayesian_game({"trust": 0.1, "verification": 0.1})
    plays = {
        tuple(int(np.argmax(e.play(i, t))) for i in range(2) for t in range(2))
        for e in solve_bayesian(independent, "pure").equilibria
    }
    assert (0, 1, 0, 1) not in plays


def test_a_format_with_correlated_types_conditions_on_the_choosers_type():
    # a moves first; a trustworthy a knows b is trustworthy too and cooperates whatever the
    # trust; an opportunist a knows b would exploit it (pi < pi_d) and stays out
    text = correlated(with_bystander(TYPED.read_text(encoding="utf-8")))
    scenario = parse_scenario(text, source="c.toml")
    for trust in (0.05, 0.5):
        game = scenario.bayesian_game({"trust": trust, "verification": 0.1}, format="sequential")
        (equilibrium,) = solve_bayesian(game, "pure").equilibria
        assert [int(np.argmax(equilibrium.play(0, t))) for t in range(2)] == [0, 1]


@pytest.mark.parametrize(
    ("change", "location", "words"),
    [
        (
            lambda t: t.replace('"a.opportunist, b.opportunist" = "1 - trust"\n', ""),
            "type_prior",
            "missing the probability of the type profile 'a.opportunist, b.opportunist'",
        ),
        (
            lambda t: t.replace(
                '"a.trustworthy, b.opportunist" = "0"', '"b.opportunist, a.trustworthy" = "0"'
            ),
            'type_prior."b.opportunist, a.trustworthy"',
            "one type of every typed actor, in file order",
        ),
        (
            lambda t: t.replace('"1 - trust"\n', '"0.5"\n'),
            "type_prior",
            "must each be in [0, 1] and sum to 1",
        ),
        (
            lambda t: t.replace(
                'types = ["trustworthy", "opportunist"]\n',
                'types = ["trustworthy", "opportunist"]\nprior = { trustworthy = "trust", opportunist = "1 - trust" }\n',
                1,
            ),
            "actors[0].prior",
            "either each actor's prior (independent types) or [type_prior]",
        ),
    ],
)
def test_bad_joint_priors_get_located_messages(change, location, words):
    text = change(correlated(TYPED.read_text(encoding="utf-8")))
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="c.toml")
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"{location}: ") and words in m for m in messages), messages


def test_who_cheats_the_outcome_probabilities_of_a_typed_sweep(tmp_path):
    from negotiation_sim.sweep import parse_experiment, run_experiment

    text = (
        f'format_version = 1\n[experiment]\nscenario = "{TYPED}"\n'
        'metrics = ["outcome", "outcome_probability"]\n'
        "[axes.trust]\nvalues = [0.3, 0.8]\n[axes.verification]\nvalues = [0.1, 0.6]\n"
    )
    ds = run_experiment(parse_experiment(text, source="x.toml"), tmp_path / "run")
    shares = ds["outcome_probability"].sel(format="all")
    # trust 0.8 >= mu*(0.1): the separating equilibrium (the larger ex-ante welfare); each side
    # cheats when it is an opportunist and the other is not
    np.testing.assert_allclose(
        shares.sel(trust=0.8, verification=0.1).values,
        [0.8 * 0.8, 0.2 * 0.8, 0.8 * 0.2, 0.2 * 0.2],
        atol=1e-12,
    )
    # trust 0.3 < mu*(0.1): only no deal; verification 0.6 >= pi_d: everyone keeps the deal
    assert shares.sel(trust=0.3, verification=0.1).values.tolist() == [0, 0, 0, 1]
    assert shares.sel(trust=0.3, verification=0.6).values.tolist() == [1, 0, 0, 0]
