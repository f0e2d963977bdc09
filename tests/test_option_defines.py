"""Option definitions (``defines``): names an option gives the payoff expressions.

The oracle is the same game written without ``defines``: one explicit [[profiles]] rule per
combination of the defining actors' options, each payoff with that combination's expressions
written in by hand (:func:`explicit`). Payoff tensors, Bayesian games and their pure Bayes-Nash
equilibria must agree with it at every drawn parameter point.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation_sim import ScenarioError
from negotiation_sim.bayesian import pure_bayes_nash
from negotiation_sim.cli import main
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.scenario.expressions import check_expression
from negotiation_sim.scenario.typed import bayesian_payoffs, type_prior
from tests.test_bad_scenarios import NAME_TOKEN, VALUE_TOKEN, any_value

PARAMETERS = ("pi_commission", "verification", "cost_commission", "cost_monitors", "trust", "k")
#: The US's options: (id, pi, regime_cost); the EU's: (id, relief, guarantee).
US = (
    ("pressure", "0", "0"),
    ("broker_commission", "pi_commission", "cost_commission"),
    ("broker_monitors", "verification", "cost_monitors"),
)
EU = (("underwrite", "0.15", "0.3"), ("veto", "0", "0"))
RUSSIA = ("keep", "cheat", "fight")

HEAD = """\
format_version = 1

[scenario]
title = "Verification regimes"
description = "The US chooses a verification regime; the EU underwrites or vetoes."
no_deal = "war"
"""
DEFINITIONS = """\
war_us = "-0.3"
T_russia = "0.6 + 0.2 * trust + 0.3 * russia_is_revisionist"
P_russia = "-0.3"
"""
TAIL = """\
[formats.us_leads]
description = "the US and Russia choose, the EU replies"
choosers = ["us", "russia"]
others = { eu = "best_reply" }

[formats.monitors]
description = "monitors agreed"
choosers = ["russia", "eu"]
others = { us = "broker_monitors" }
"""


def _parameters() -> str:
    return "".join(
        f'[parameters.{p}]\ndefault = {0.1 + 0.1 * k:.1f}\nrange = [0.0, 1.0]\ndescription = "{p}"\n\n'
        for k, p in enumerate(PARAMETERS)
    )


def _actors(typed: bool, defines: bool) -> str:
    us = ",\n".join(
        f'  {{ id = "{o}", description = "{o}"'
        + (f', defines = {{ pi = "{pi}", regime_cost = "{c}" }}' if defines else "")
        + " }"
        for o, pi, c in US
    )
    eu = ",\n".join(
        f'  {{ id = "{o}", description = "{o}"'
        + (f", defines = {{ relief = {r}, guarantee = {g} }}" if defines else "")
        + " }"
        for o, r, g in EU
    )
    russia = ", ".join(f'{{ id = "{o}", description = "{o}" }}' for o in RUSSIA)
    types = (
        'types = ["seeker", "revisionist"]\nprior = { seeker = "trust", revisionist = "1 - trust" }\n'
        if typed
        else ""
    )
    return (
        f'[[actors]]\nid = "us"\nname = "United States"\noptions = [\n{us},\n]\n\n'
        f'[[actors]]\nid = "russia"\nname = "Russia"\noptions = [{russia}]\n{types}\n'
        f'[[actors]]\nid = "eu"\nname = "EU"\noptions = [\n{eu},\n]\n\n'
    )


def _definitions(typed: bool) -> str:
    text = DEFINITIONS if typed else DEFINITIONS.replace(" + 0.3 * russia_is_revisionist", "")
    return "[definitions]\n" + text + "\n"


def regimes(*, typed: bool = False) -> str:
    """The scenario with ``defines``: three outcome payoff tables serve all 18 profiles."""
    return (
        HEAD
        + "\n"
        + _parameters()
        + _definitions(typed).replace(
            "[definitions]\n",
            '[definitions]\nT_pi_russia = "pi * (P_russia - k) + (1 - pi) * T_russia"\n',
        )
        + _actors(typed, defines=True)
        + """\
[outcomes.deal]
label = "deal kept"
payoffs = { us = "0.5 - regime_cost", russia = "0.4 + relief", eu = "0.2 - guarantee / 2" }

[outcomes.russia_breaks]
label = "Russia rearms"
payoffs = { us = "war_us - regime_cost", russia = "T_pi_russia + relief * (1 - pi)", eu = "-0.5 + guarantee * pi" }

[outcomes.war]
label = "no deal: war"
payoffs = { us = "war_us", russia = "P_russia", eu = "-0.3" }

[[profiles]]
us = "*"
russia = "keep"
eu = "*"
outcome = "deal"

[[profiles]]
us = "*"
russia = "cheat"
eu = "*"
outcome = "russia_breaks"

[[profiles]]
us = "*"
russia = "fight"
eu = "*"
outcome = "war"
payoffs = { us = "war_us - regime_cost / 2" }

"""
        + TAIL
    )


def explicit(*, typed: bool = False) -> str:
    """The oracle: the same game with one rule per profile, the options' texts written in."""
    rules = []
    for (u, pi, cost), (e, relief, guarantee) in itertools.product(US, EU):
        pi, cost, relief, guarantee = (f"({x})" for x in (pi, cost, relief, guarantee))
        t_pi = f"({pi} * (P_russia - k) + (1 - {pi}) * T_russia)"
        payoffs = {
            "keep": f'us = "0.5 - {cost}", russia = "0.4 + {relief}", eu = "0.2 - {guarantee} / 2"',
            "cheat": f'us = "war_us - {cost}", russia = "{t_pi} + {relief} * (1 - {pi})", '
            f'eu = "-0.5 + {guarantee} * {pi}"',
            "fight": f'us = "war_us - {cost} / 2"',
        }
        outcome = {"keep": "deal", "cheat": "russia_breaks", "fight": "war"}
        for r in RUSSIA:
            rules.append(
                f'[[profiles]]\nus = "{u}"\nrussia = "{r}"\neu = "{e}"\noutcome = "{outcome[r]}"\n'
                f"payoffs = {{ {payoffs[r]} }}\n"
            )
    outcomes = """\
[outcomes.deal]
label = "deal kept"

[outcomes.russia_breaks]
label = "Russia rearms"

[outcomes.war]
label = "no deal: war"
payoffs = { us = "war_us", russia = "P_russia", eu = "-0.3" }

"""
    return (
        HEAD
        + "\n"
        + _parameters()
        + _definitions(typed)
        + _actors(typed, defines=False)
        + outcomes
        + "\n".join(rules)
        + "\n"
        + TAIL
    )


points = st.fixed_dictionaries({p: st.floats(0.0, 1.0) for p in PARAMETERS})
TOL = 1e-12


@pytest.fixture(scope="module")
def pairs():
    return {
        typed: (parse_scenario(regimes(typed=typed)), parse_scenario(explicit(typed=typed)))
        for typed in (False, True)
    }


def test_a_payoff_by_hand():
    scenario = parse_scenario(regimes())
    values = {"verification": 0.7, "k": 0.2, "trust": 0.5, "cost_monitors": 0.3}
    game = scenario.game(values)
    # monitors, Russia cheats, the EU underwrites: pi = verification = 0.7, relief 0.15
    t_russia = 0.6 + 0.2 * 0.5
    russia = 0.7 * (-0.3 - 0.2) + 0.3 * t_russia + 0.15 * 0.3
    assert game.payoffs[:, 2, 1, 0] == pytest.approx([-0.3 - 0.3, russia, -0.5 + 0.3 * 0.7])
    # pressure: pi = 0, no regime cost; the rule's payoff for the US in a war
    assert game.payoffs[:, 0, 1, 1] == pytest.approx([-0.3, t_russia, -0.5])
    assert game.payoffs[0, 1, 2, 0] == pytest.approx(-0.3 - 0.3 / 2)  # cost_commission: 0.3


@given(point=points)
@settings(max_examples=40, deadline=None)
def test_the_game_equals_the_explicit_one(pairs, point):
    with_defines, oracle = pairs[False]
    for format in (None, "us_leads", "monitors"):
        got = with_defines.game(point, format)
        want = oracle.game(point, format)
        np.testing.assert_allclose(got.payoffs, want.payoffs, rtol=TOL, atol=TOL)
        assert got.options == want.options
    grid = with_defines.values({"trust": [0.0, 0.5, 1.0], "verification": [[0.1], [0.9]]})
    np.testing.assert_allclose(
        with_defines.full_payoffs(grid),
        oracle.full_payoffs(oracle.values(grid)),
        rtol=TOL,
        atol=TOL,
    )


@given(point=points)
@settings(max_examples=40, deadline=None)
def test_the_bayesian_game_equals_the_explicit_one(pairs, point):
    with_defines, oracle = pairs[True]
    for format in (None, "us_leads", "monitors"):
        got = with_defines.bayesian_game(point, format)
        want = oracle.bayesian_game(point, format)
        np.testing.assert_allclose(got.payoffs, want.payoffs, rtol=TOL, atol=TOL)
        np.testing.assert_allclose(got.prior, want.prior, rtol=TOL, atol=TOL)
    for one, other in zip(with_defines.typed, oracle.typed, strict=True):
        np.testing.assert_allclose(
            one.game(point).payoffs, other.game(point).payoffs, rtol=TOL, atol=TOL
        )


def test_pure_bayes_nash_over_a_grid_equals_the_explicit_one(pairs):
    with_defines, oracle = pairs[True]
    grid = {"trust": np.linspace(0, 1, 11)[:, None], "verification": np.linspace(0, 1, 11)}
    masks = [
        pure_bayes_nash(bayesian_payoffs(s, s.values(grid)), type_prior(s, s.values(grid)))
        for s in (with_defines, oracle)
    ]
    assert np.array_equal(masks[0], masks[1]) and masks[0].any()


def test_option_names_stay_inside_the_profiles():
    """Not in the scenario's definitions (what experiments and priors resolve names with),
    nor in an outcome's own payoffs (they depend on the profile)."""
    scenario = parse_scenario(regimes())
    assert set(scenario.definitions) == {"war_us", "T_russia", "P_russia"}
    assert dict(scenario.outcomes["war"].payoffs).keys() == {"us", "russia", "eu"}
    assert not scenario.outcomes["deal"].payoffs
    for name in ("pi", "T_pi_russia"):
        _, problems = check_expression(
            f"2 * {name}", parameters=scenario.parameters, definitions=scenario.definitions
        )
        assert "undefined parameter or definition" in problems[0].message
    assert all(not e.parameters - set(PARAMETERS) for actor in scenario.expressions for e in actor)


def test_a_prior_cannot_use_an_option_defined_name():
    text = regimes(typed=True).replace('seeker = "trust"', 'seeker = "trust * (1 - pi)"')
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="x.toml")
    (problem,) = caught.value.problems
    assert problem.location == "actors[1].prior.seeker"
    assert "undefined parameter or definition 'pi'" in problem.message


def test_a_problem_of_one_option_is_said_once_with_it():
    """1 / pi is infinite when the US presses (pi = 0): said once, for every type profile."""
    for typed in (False, True):
        text = regimes(typed=typed).replace('eu = "-0.5 + guarantee * pi"', 'eu = "1 / pi"')
        with pytest.raises(ScenarioError) as caught:
            parse_scenario(text, source="x.toml")
        (problem,) = caught.value.problems
        assert problem.location == "outcomes.russia_breaks.payoffs.eu"
        assert problem.message.endswith("(when us plays pressure)")
        assert "evaluates to inf" in problem.message


def test_a_definition_using_option_names_is_checked_per_option():
    text = regimes().replace('T_pi_russia = "', 'bad = "1 / (pi * 0 + relief)"\nT_pi_russia = "')
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="x.toml")
    (problem,) = caught.value.problems
    assert problem.location == "definitions.bad"
    assert problem.message.endswith("(when us plays pressure and eu plays veto)")


def test_independent_problems_are_all_said_once():
    text = (
        regimes(typed=True)
        .replace('defines = { pi = "verification"', 'defines = { pi = "verificaton"')
        .replace("relief = 0, guarantee = 0", "relief = 0, guarante = 0")
        .replace("war_us - regime_cost / 2", "war_us - regime_cots / 2")
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="x.toml")
    assert sorted(str(p) for p in caught.value.problems) == sorted(
        [
            "actors[0].options[2].defines.pi: undefined parameter or definition 'verificaton' "
            "(did you mean 'verification'?)",
            "actors[2].options[1].defines.guarante: veto defines 'guarante', underwrite does "
            "not: every option of eu defines the same names (did you mean 'guarantee'?)",
            "actors[2].options[1].defines: missing guarantee: every option of eu defines "
            "relief, guarantee",
            "profiles[2].payoffs.us: undefined parameter or definition 'regime_cots' "
            "(did you mean 'regime_cost'?)",
        ]
    )


def test_solve_and_export_run_end_to_end(tmp_path, capsys):
    path = tmp_path / "regimes.toml"
    path.write_text(regimes())
    (tmp_path / "explicit.toml").write_text(explicit())
    reports = []
    for name in ("regimes", "explicit"):
        for format in ("us_leads", "monitors"):
            assert main(["solve", str(tmp_path / f"{name}.toml"), "--format", format]) == 0
            reports.append(capsys.readouterr().out)
    assert reports[:2] == reports[2:] and "leads to" in reports[0]
    nfg = tmp_path / "regimes.nfg"
    assert main(["export", str(path), "--to", "nfg", "-o", str(nfg), "--set", "k=0.5"]) == 0
    from negotiation_sim.interop import read_nfg

    oracle = parse_scenario(explicit()).game({"k": 0.5})
    np.testing.assert_allclose(read_nfg(nfg).payoffs, oracle.payoffs, atol=1e-9)


SWEEP = """\
format_version = 1

[experiment]
title = "regimes"
scenario = "{scenario}"
formats = ["us_leads", "monitors"]
solver = "pure"

[axes.verification]
range = [0.0, 1.0]
points = 5

[axes.trust]
range = [0.0, 1.0]
points = 3
"""


def test_a_sweep_equals_the_explicit_one(tmp_path):
    from negotiation_sim.sweep import load_experiment, run_experiment

    found = []
    for name, text in (("defines", regimes()), ("explicit", explicit())):
        (tmp_path / f"{name}.toml").write_text(text)
        spec = tmp_path / f"{name}_sweep.toml"
        spec.write_text(SWEEP.format(scenario=f"{name}.toml"))
        found.append(run_experiment(load_experiment(spec), tmp_path / name, progress=False))
    ours, oracle = found
    assert set(ours.data_vars) == set(oracle.data_vars)
    for name in map(str, ours.data_vars):
        np.testing.assert_allclose(ours[name].values, oracle[name].values, atol=TOL)


def test_an_experiment_cannot_name_an_option_defined_name(tmp_path, capsys):
    (tmp_path / "regimes.toml").write_text(regimes())
    experiment = tmp_path / "sweep.toml"
    experiment.write_text(
        """\
format_version = 1

[experiment]
title = "regimes"
scenario = "regimes.toml"
formats = ["us_leads"]
solver = "pure"

[axes.verification]
range = [0.0, 1.0]
points = 3

[axes.trust]
range = [0.0, 1.0]
points = 3

[[frontiers]]
id = "deterrence"
label = "Russia is deterred"
model = "assurance"
x = "verification"
y = "trust"
[frontiers.coefficients]
R = "1"
T = "T_pi_russia"
P = "0"
S = "pi"
"""
    )
    assert main(["validate", str(experiment)]) == 2
    err = capsys.readouterr().err
    assert "undefined parameter or definition 'T_pi_russia'" in err
    assert err.count("negotiation-sim: error: ") == 1


# -- size: only the defining actors multiply the work -----------------------------------------


def many_options(*, sizes: tuple[int, ...] = (5, 5, 5, 2)) -> str:
    """Four actors, every one defining a name per option; two of them with two types."""
    actors = [f"p{i}" for i in range(len(sizes))]
    text = HEAD.replace('no_deal = "war"', 'no_deal = "x"') + "\n"
    text += '[parameters.g]\ndefault = 0.5\nrange = [0.0, 1.0]\ndescription = "g"\n\n'
    text += '[definitions]\nboth = "v_p0 * v_p1 + g"\n\n'
    for i, (a, k) in enumerate(zip(actors, sizes, strict=True)):
        options = ", ".join(
            f'{{ id = "o{j}", description = "d", defines = {{ v_{a} = "{j} * g + {i}" }} }}'
            for j in range(k)
        )
        types = 'types = ["t0", "t1"]\nprior = { t0 = "g", t1 = "1 - g" }\n' if i in (1, 2) else ""
        text += f'[[actors]]\nid = "{a}"\nname = "{a}"\noptions = [{options}]\n{types}\n'
    every = ", ".join(f'{a} = "v_{a} + both * p1_is_t1 - v_p3"' for a in actors)
    text += f'[outcomes.x]\nlabel = "x"\npayoffs = {{ {every} }}\n\n'
    text += '[outcomes.y]\nlabel = "y"\npayoffs = { ' + ", ".join(
        f'{a} = "v_{a} * both + p2_is_t0"' for a in actors
    )
    text += " }\n\n[[profiles]]\n" + "".join(f'{a} = "o0"\n' for a in actors)
    text += 'outcome = "y"\n\n[[profiles]]\n' + "".join(f'{a} = "*"\n' for a in actors)
    return text + 'outcome = "x"\n'


def test_many_defining_actors_with_types():
    scenario = parse_scenario(many_options())
    assert len(scenario.typed) == 4 and scenario.shape == (5, 5, 5, 2)
    g = 0.3
    one = scenario.typed[3]  # p1 is t1, p2 is t1
    game = one.game({"g": g})
    v = [j * g + i for i, j in enumerate((4, 2, 3, 1))]
    both = v[0] * v[1] + g
    assert game.payoffs[:, 4, 2, 3, 1] == pytest.approx([x + both - v[3] for x in v])
    v0 = [i for i in range(4)]  # every actor's first option: j = 0
    assert game.payoffs[:, 0, 0, 0, 0] == pytest.approx([x * (0 * 1 + g) for x in v0])
    # Each payoff compiled once per combination of the options it uses, not once per profile:
    # p0's payoff in x uses the names of p0, p1 (through both) and p3, 5 * 5 * 2 combinations,
    # p2's those of all four (but the profile of y); y's payoffs one each.
    assert [len(e) for e in one.expressions] == [51, 51, 250, 51]


def test_a_no_deal_outcome_using_option_names_has_no_disagreement_point(tmp_path, capsys):
    """Its payoff depends on the profile: a sweep's surplus says so, once, at the outcome."""
    text = regimes().replace('us = "war_us", russia', 'us = "war_us - regime_cost", russia')
    (tmp_path / "regimes.toml").write_text(text)
    spec = tmp_path / "sweep.toml"
    spec.write_text(SWEEP.format(scenario="regimes.toml"))
    assert main(["sweep", str(spec), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("negotiation-sim: error: ") == 1
    assert "outcomes.war.payoffs: no payoff for us" in err and "names options define" in err


def test_matrices_use_option_defined_names():
    text = """\
format_version = 1
[scenario]
title = "t"
no_deal = "x"
[parameters.c]
default = 0.5
range = [0.0, 1.0]
description = "c"
[[actors]]
id = "a"
name = "A"
options = [{ id = "cheap", description = "d", defines = { cost = "c / 2" } },
           { id = "dear", description = "d", defines = { cost = "2 * c" } }]
[[actors]]
id = "b"
name = "B"
options = [{ id = "l", description = "d" }, { id = "r", description = "d" }]
[outcomes.x]
label = "x"
[[profiles]]
a = "*"
b = "*"
outcome = "x"
[matrices]
a = [["1 - cost", "-cost"], ["2 - cost", "cost * cost"]]
b = [[1, 2], ["cost", 4]]
"""
    game = parse_scenario(text).game({"c": 0.8})
    want = np.array([[[1 - 0.4, -0.4], [2 - 1.6, 1.6 * 1.6]], [[1.0, 2.0], [1.6, 4.0]]])
    np.testing.assert_allclose(game.payoffs, want, rtol=TOL, atol=TOL)


# -- random mutations: nothing but a ScenarioError escapes -------------------------------------

#: Names that mean something in the regimes files (option-defined ones first), and odd ones.
MUTANT_NAMES = (
    "pi", "regime_cost", "relief", "guarantee", "T_pi_russia", "T_russia", "defines", "us",
    "eu", "russia", "pressure", "veto", "trust", "verification", "russia_is_revisionist",
    "seeker", "max", "lambda", "options", "description",
)  # fmt: skip


@st.composite
def mutants(draw: st.DrawFn) -> str:
    """A regimes file (with or without types) with one or two tokens replaced."""
    text = draw(st.sampled_from([regimes(), regimes(typed=True)]))
    for _ in range(draw(st.integers(1, 2))):
        by_name = draw(st.booleans())
        tokens = list((NAME_TOKEN if by_name else VALUE_TOKEN).finditer(text))
        token = draw(st.sampled_from(tokens))
        new = draw(st.sampled_from(MUTANT_NAMES) if by_name else any_value)
        text = text[: token.start()] + new + text[token.end() :]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutants())
def test_mutated_regimes_raise_nothing_but_scenario_errors(text):
    try:
        scenario = parse_scenario(text, source="mutant.toml")
    except ScenarioError as error:
        assert error.problems
        assert all(line.startswith("mutant.toml: ") for line in str(error).splitlines())
        return
    for format in (None, *scenario.formats):
        try:
            if scenario.types:
                scenario.bayesian_game(format=format)
            else:
                scenario.game(format=format)
        except ScenarioError as error:
            assert error.problems


def test_a_signalling_format_equals_the_explicit_one():
    from negotiation_sim.signalling import perfect_bayesian_equilibria

    signal = (
        '\n[formats.signal]\ndescription = "Russia moves; the US sees it and replies"\n'
        'choosers = ["russia"]\nothers = { us = "best_reply", eu = "underwrite" }\n'
        "signalling = true\n"
    )
    ours = parse_scenario(regimes(typed=True) + signal)
    oracle = parse_scenario(explicit(typed=True) + signal)
    for point in ({"trust": 0.3, "verification": 0.9, "k": 0.7}, {"trust": 0.8}):
        got, want = ours.signalling_game(point, "signal"), oracle.signalling_game(point, "signal")
        for name in ("prior", "sender", "receiver"):
            np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=TOL, atol=TOL)
        said = [[e.describe(g) for e in perfect_bayesian_equilibria(g)] for g in (got, want)]
        assert said[0] == said[1] and said[0]
