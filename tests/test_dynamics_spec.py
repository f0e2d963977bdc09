"""Dynamics experiments: ``[parameters]`` of an experiment, the ``[dynamics]`` table (every
problem located) and :func:`build_dynamics` against arrays computed by hand.

The bad-input corpus is ``tests/data/bad_experiments/dynamics_*.toml`` (each file's first two
lines say its defect and the problem expected; ``tests/test_guards.py`` loads every file there
and runs ``negotiation-sim validate`` on it); the cases below add the rest inline.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim import ScenarioError
from negotiation_sim.cli import main
from negotiation_sim.scenario import load_scenario
from negotiation_sim.sweep import load_experiment, parse_experiment
from negotiation_sim.sweep.dynamics_spec import build_dynamics

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "experiments"
CEASEFIRE = DATA / "dynamics_ceasefire.toml"
TYPED = ROOT / "scenarios" / "typed_assurance.toml"
CORPUS = sorted((ROOT / "tests" / "data" / "bad_experiments").glob("dynamics_*.toml"))


def ceasefire_text(old: str = "", new: str = "") -> str:
    """The truce experiment, with ``old`` replaced by ``new`` (exactly once)."""
    text = CEASEFIRE.read_text(encoding="utf-8")
    if old:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def parse(text: str):
    return parse_experiment(text, source="x.toml", base=DATA)


def typed_text(sides: str = '["a", "b"]', extra: str = "", response: str = '"grim"') -> str:
    """A dynamics experiment on scenarios/typed_assurance.toml."""
    return f"""
format_version = 1
[experiment]
scenario = "{TYPED}"
[axes.trust]
values = [0.3]
{extra}
[dynamics]
sides = {sides}
rounds = 5
discount = 0.8
response = {response}
opportunist = {{ a = "opportunist", b = "opportunist" }}
[dynamics.outcomes]
kept = "deal"
violated = {{ a = "a_cheats", b = "b_cheats" }}
war = "no_deal"
[dynamics.monitoring.a]
detection = "verification"
[dynamics.monitoring.b]
detection = "verification"
false_alarm = 0.1
[dynamics.behaviour.a]
rule = "incentive"
[dynamics.behaviour.b]
rule = "strike"
strike_round = 3
"""


# -- experiment parameters ----------------------------------------------------------------------


def test_experiment_parameters_join_the_scenarios():
    experiment = load_experiment(CEASEFIRE)
    scenario = experiment.scenario
    own = load_scenario(DATA / "dynamics_truce.toml")
    assert list(scenario.parameters) == [
        *own.parameters,
        "detection",
        "false_alarm",
        "discount",
        "phases",
    ]
    for name in own.parameters:
        assert scenario.parameters[name] == own.parameters[name]
    alpha = scenario.parameters["false_alarm"]
    assert (alpha.default, alpha.low, alpha.high) == (0.05, 0.0, 0.5)
    assert alpha.prior is not None and str(alpha.prior) == "uniform(0, 0.1)"
    values = scenario.values({"detection": [0.1, 0.9]})
    assert values["detection"].tolist() == [0.1, 0.9] and float(values["discount"]) == 0.9
    with pytest.raises(ScenarioError, match=r"parameters\.detection: value 1\.5 is outside"):
        scenario.values({"detection": 1.5})


def test_experiment_parameters_are_swept_fixed_sampled_and_set():
    text = ceasefire_text(
        "[axes.trust]\nvalues = [0.2, 0.8]\n", "[axes.detection]\nvalues = [0.1, 0.5, 0.9]\n"
    )
    text += '\n[fixed]\ndiscount = 0.5\n[design]\nkind = "monte_carlo"\nsamples = 4\n'
    text += '[priors]\nphases = "choice([1, 2, 4], [0.25, 0.25, 0.5])"\n'
    experiment = parse(text)
    assert [axis.name for axis in experiment.axes] == ["detection"]
    assert dict(experiment.fixed) == {"discount": 0.5}
    # Sampled: every parameter with a prior that is neither swept nor fixed, the experiment's
    # own (false_alarm's from its table, phases' from [priors]) included.
    assert set(experiment.design.names) == {"false_alarm", "phases"}
    rows = experiment.design.cycle(seed=experiment.seed, first=0, count=4)
    assert rows.shape == (4, 2)
    column = dict(zip(experiment.design.names, rows.T, strict=True))
    assert np.all((column["false_alarm"] >= 0) & (column["false_alarm"] <= 0.1))
    assert set(column["phases"]) <= {1.0, 2.0, 4.0}
    set_ = experiment.with_fixed({"false_alarm": 0.2})
    assert dict(set_.fixed) == {"discount": 0.5, "false_alarm": 0.2}
    assert set_.design.names == ("phases",)
    with pytest.raises(ScenarioError, match=r"--set false_alarm: value 0\.7 is outside"):
        experiment.with_fixed({"false_alarm": 0.7})
    model = build_dynamics(set_, set_.scenario.values({**set_.fixed, "detection": [0.1, 0.9]}))
    assert model.discount.tolist() == [0.5, 0.5]
    assert model.monitoring[0].false_alarm.tolist() == [0.2, 0.2]
    assert model.monitoring[1].detection.tolist() == [0.05, 0.45]


def test_a_game_experiment_takes_parameters_too():
    """[parameters] is not only for dynamics: a frontier may use one, an axis sweep it."""
    text = (DATA / "ceasefire_sweep.toml").read_text(encoding="utf-8")
    text += '\n[parameters.k]\ndefault = 1\nrange = [0, 2]\ndescription = "a knob"\n'
    text = text.replace('R = "r_north"', 'R = "k * r_north"')
    experiment = parse(text)
    assert "k" in experiment.scenario.parameters
    assert experiment.frontiers[0].coefficients["R"].parameters == {"k", "r_north"}


def test_without_parameters_nothing_changes():
    experiment = load_experiment(ROOT / "experiments" / "trust_verification.toml")
    scenario = load_scenario(ROOT / "scenarios" / "alaska_2025_reduced.toml")
    assert list(experiment.scenario.parameters) == list(scenario.parameters)
    assert experiment.dynamics is None
    digest = hashlib.sha256()  # the fingerprint as documented: texts and fixed values
    for part in (
        experiment.text,
        experiment.scenario_text,
        json.dumps(sorted(experiment.fixed.items())),
    ):
        digest.update(part.encode("utf-8") + b"\0")
    assert experiment.fingerprint == digest.hexdigest()


PARAMETER_PROBLEMS = [
    (
        '[parameters.x]\ndefault = 2\nrange = [0, 1]\ndescription = ""\n',
        "parameters.x.default",
        "outside",
    ),
    ("[parameters.x]\ndefault = 0.5\ndescription = 'd'\n", "parameters.x.range", "required key"),
    (
        '[parameters.war]\ndefault = 0\nrange = [-1, 1]\ndescription = "d"\n',
        "parameters.war",
        "is a definition of the scenario",
    ),
    (
        '[parameters.max]\ndefault = 0\nrange = [-1, 1]\ndescription = "d"\n',
        "parameters.max",
        "a parameter name is",
    ),
    (
        '[parameters.x]\ndefault = 0\nrange = [-1, 1]\ndescription = "d"\nprior = "uniform(0, 5)"\n',
        "parameters.x.prior",
        "not inside the range",
    ),
    (
        '[parameters.x]\ndefault = 0\nrange = [-1, 1]\ndescription = "d"\nunit = "m"\n',
        "parameters.x.unit",
        "unknown key",
    ),
]


@pytest.mark.parametrize(("table", "location", "fragment"), PARAMETER_PROBLEMS)
def test_experiment_parameters_are_checked_like_a_scenarios(table, location, fragment):
    with pytest.raises(ScenarioError) as caught:
        parse(ceasefire_text("[axes.trust]", table + "\n[axes.trust]"))
    assert any(p.location == location and fragment in p.message for p in caught.value.problems), (
        str(caught.value)
    )


# -- the [dynamics] table: every problem located ------------------------------------------------

FORGIVING = 'response = { rule = "forgiving", alarms = 2, window = 4 }'
NORTH_MONITORING = 'detection = "detection"\nfalse_alarm = "false_alarm"\ncost = 0.01'

DYNAMICS_PROBLEMS = [
    ("rounds = 12\n", "", "dynamics.rounds", "required key is missing"),
    ("rounds = 12", "rounds = 0", "dynamics.rounds", "expected a whole number >= 1"),
    ("rounds = 12", "rounds = 12.0", "dynamics.rounds", "expected a whole number >= 1"),
    ('sides = ["north", "south"]', 'sides = "north"', "dynamics.sides", "the ids of two actors"),
    (
        'sides = ["north", "south"]',
        'sides = ["north", "south", "mediator"]',
        "dynamics.sides",
        "two actors",
    ),
    ("cost = 0.01", "costs = 0.01", "dynamics.monitoring.north.costs", "did you mean 'cost'"),
    (
        NORTH_MONITORING,
        'false_alarm = "false_alarm"',
        "dynamics.monitoring.north.detection",
        "required key is missing",
    ),
    (
        "[dynamics.monitoring.south]",
        "[dynamics.monitoring.soth]",
        "dynamics.monitoring.soth",
        "unknown side 'soth' (did you mean 'south'?)",
    ),
    (
        "[dynamics.monitoring.south]",
        "[dynamics.monitoring.mediator]",
        "dynamics.monitoring.mediator",
        "unknown side 'mediator' (expected one of north, south)",
    ),
    (
        "cost = 0.01",
        "cost = -0.01",
        "dynamics.monitoring.north.cost",
        "expected a number >= 0, got -0.01",
    ),
    (
        "cost = 0.01",
        "cost = inf",
        "dynamics.monitoring.north.cost",
        "expected a finite number, got inf",
    ),
    ("cost = 0.01", "cost = true", "dynamics.monitoring.north.cost", "got the boolean True"),
    (
        "cost = 0.01",
        "cost = [0.01]",
        "dynamics.monitoring.north.cost",
        "expected a number or an expression string",
    ),
    (
        'detection = "0.5 * detection"',
        'detection = "0.5 * detecton"',
        "dynamics.monitoring.south.detection",
        "did you mean 'detection'",
    ),
    (
        'detection = "0.5 * detection"',
        'detection = "0.5 * (detection"',
        "dynamics.monitoring.south.detection",
        "syntax error",
    ),
    (
        'detection = "0.5 * detection"',
        'detection = "trust_is_high"',
        "dynamics.monitoring.south.detection",
        "undefined parameter",
    ),
    (
        "violation_probability = 0.2\n",
        "",
        "dynamics.behaviour.north",
        "missing 'violation_probability': the constant rule needs it",
    ),
    (
        "strike_round = 6",
        "strike_round = 6\nviolation_probability = 0.1",
        "dynamics.behaviour.south.violation_probability",
        "not used by the strike rule",
    ),
    ("strike_round = 6", "", "dynamics.behaviour.south", "missing 'strike_round'"),
    (
        "strike_round = 6",
        "strike_round = 0.5",
        "dynamics.behaviour.south.strike_round",
        "expected a whole number >= 1, got 0.5",
    ),
    (
        'rule = "strike"',
        'rule = "incentive"',
        "dynamics.behaviour.south.rule",
        "computed against grim trigger",
    ),
    (
        'rule = "strike"',
        "rule = 3",
        "dynamics.behaviour.south.rule",
        "expected a behaviour rule (constant, strike, incentive), got the number 3",
    ),
    (
        "escalation = 0.5",
        "escalation = 1.01",
        "dynamics.behaviour.north.escalation",
        "expected a number in [0, 1], got 1.01",
    ),
    (
        "escalation = 0.5",
        "escalation = 0.5\nescalate = 1",
        "dynamics.behaviour.north.escalate",
        "did you mean 'escalation'",
    ),
    (
        FORGIVING,
        'response = "forgivng"',
        "dynamics.response",
        "unknown response rule 'forgivng' (did you mean 'forgiving'?)",
    ),
    (
        FORGIVING,
        'response = "forgiving"',
        "dynamics.response",
        'expected { rule = "forgiving", alarms = k, window = w }',
    ),
    (
        FORGIVING,
        'response = { rule = "forgiving", alarms = 2, windw = 4 }',
        "dynamics.response.windw",
        "did you mean 'window'",
    ),
    (
        FORGIVING,
        'response = { rule = "grim", alarms = 2 }',
        "dynamics.response.alarms",
        "grim trigger ends the deal at the first alarm",
    ),
    (
        FORGIVING,
        'response = { rule = "forgiving", alarms = 0, window = 4 }',
        "dynamics.response.alarms",
        "expected a whole number >= 1",
    ),
    (FORGIVING, "response = 2", "dynamics.response", "expected a table, got the number 2"),
    (
        'violated = { north = "north_cheats", south = "south_cheats" }',
        'violated = { north = "north_cheats" }',
        "dynamics.outcomes.violated",
        "missing the entry of side 'south'",
    ),
    (
        'caught = { north = "north_caught" }',
        'caught = { north = "north_cauht" }',
        "dynamics.outcomes.caught.north",
        "unknown outcome 'north_cauht' (did you mean 'north_caught'?)",
    ),
    (
        'caught = { north = "north_caught" }',
        'caught = { nort = "north_caught" }',
        "dynamics.outcomes.caught.nort",
        "unknown side 'nort' (did you mean 'north'?)",
    ),
    (
        'caught = { north = "north_caught" }',
        'caught = { north = "muddle" }',
        "dynamics.outcomes.caught.north",
        "no payoff of its own to mediator",
    ),
    ('war = "war"', 'wars = "war"', "dynamics.outcomes.wars", "unknown key (did you mean 'war'?)"),
    ('war = "war"', 'wars = "war"', "dynamics.outcomes.war", "required key is missing"),
    ('kept = "peace"', "kept = 1", "dynamics.outcomes.kept", "expected a non-empty string"),
    (
        'prior = { north = "trust", south = "0.5 * trust + 0.5" }',
        'prior = { north = 1.5, south = "trust" }',
        "dynamics.prior.north",
        "expected a number in [0, 1], got 1.5",
    ),
    (
        'prior = { north = "trust", south = "0.5 * trust + 0.5" }',
        'prior = { north = "trust + 0.5", south = "trust" }',
        "dynamics.prior.north",
        "got 1.2 at trust = 0.7",
    ),
    (
        'prior = { north = "trust", south = "0.5 * trust + 0.5" }',
        'prior = { north = "trust", sout = "trust" }',
        "dynamics.prior.sout",
        "did you mean 'south'",
    ),
    (
        "phase_rounds = 3",
        'phase_rounds = 3\nopportunist = { north = "x", south = "y" }',
        "dynamics.opportunist",
        "not used: the scenario's actors have no types",
    ),
    (
        "phase_rounds = 3",
        "phase_rounds = 0",
        "dynamics.phase_rounds",
        "expected a whole number >= 1",
    ),
    (
        'phases = "phases"',
        "phases = 0",
        "dynamics.phases",
        "expected a whole number in [1, 10000], got 0",
    ),
    ('phases = "phases"', 'phases = "phases - 1"', "dynamics.phases", "got 0 at phases = 1"),
    (
        'phases = "phases"',
        "phases = 10001",
        "dynamics.phases",
        "expected a whole number in [1, 10000], got 10001",
    ),
    (
        'discount = "discount"',
        "discount = -0.1",
        "dynamics.discount",
        "expected a number in [0, 1), got -0.1",
    ),
    (
        'discount = "discount"',
        'discount = "discount + 0.1"',
        "dynamics.discount",
        "got 1 at discount = 0.9",
    ),
    (
        'discount = "discount"',
        'discount = "1 / (discount - 0.9)"',
        "dynamics.discount",
        "got inf at discount = 0.9",
    ),
    ("seed = 7", 'seed = 7\nformats = ["all"]', "experiment.formats", "solves no game"),
    ("seed = 7", 'seed = 7\nmetrics = ["welfare"]', "experiment.metrics", "solves no game"),
    (
        "seed = 7",
        "seed = 7\nchunk_size = 100001",
        "experiment.chunk_size",
        "100,001 points x 1,000 trajectories = 100,001,000 ceasefires in one chunk",
    ),
    ("trajectories = 1000", "trajectories = 7", "dynamics.trajectories", "a whole number >= 8"),
    (
        "[dynamics]",
        '[[frontiers]]\nid = "f"\nmodel = "level"\nx = "trust"\ny = "trust"\nformats = ["all"]\n'
        "coefficients = { value = 0.5 }\n[dynamics]",
        "frontiers[0].formats",
        "a dynamics experiment has no formats",
    ),
]


@pytest.mark.parametrize(("old", "new", "location", "fragment"), DYNAMICS_PROBLEMS)
def test_every_dynamics_problem_is_located(old, new, location, fragment):
    with pytest.raises(ScenarioError) as caught:
        parse(ceasefire_text(old, new))
    assert any(p.location == location and fragment in p.message for p in caught.value.problems), (
        str(caught.value)
    )


def test_a_chunk_holds_at_most_its_limits():
    assert load_experiment(CEASEFIRE).chunk_size == 1000  # 10^6 ceasefires of 1,000 each
    text = ceasefire_text("seed = 7", "seed = 7\nchunk_size = 83333")
    assert parse(text).chunk_size == 83_333  # 999,996 rounds, 83,333,000 ceasefires
    with pytest.raises(ScenarioError) as caught:
        parse(ceasefire_text("seed = 7", "seed = 7\nchunk_size = 83334"))
    assert [str(p) for p in caught.value.problems] == [
        "experiment.chunk_size: 83,334 points x 12 rounds = 1,000,008 rounds in one chunk; "
        "at most 1,000,000"
    ]
    many = ceasefire_text("trajectories = 1000", "trajectories = 10000000")
    assert parse(many).chunk_size == 1
    long = ceasefire_text("rounds = 12", "rounds = 10000")
    assert parse(long).chunk_size == 100  # 10^6 rounds


TYPED_PROBLEMS = [
    (
        {"response": '{ rule = "forgiving", alarms = 1, window = 2 }'},
        "dynamics.behaviour.a.rule",
        "computed against grim trigger",
    ),
    ({"sides": '["a", "a"]'}, "dynamics.sides[1]", "actor 'a' is listed twice"),
    ({"sides": '["a", "bb"]'}, "dynamics.sides[1]", "unknown actor 'bb' (did you mean 'b'?)"),
    (
        {"extra": "[parameters.a_is_opportunist]\ndefault = 0\nrange = [0, 1]\ndescription = 'x'"},
        "parameters.a_is_opportunist",
        "is a definition of the scenario",
    ),
]


@pytest.mark.parametrize(("change", "location", "fragment"), TYPED_PROBLEMS)
def test_typed_problems_are_located(change, location, fragment):
    with pytest.raises(ScenarioError) as caught:
        parse(typed_text(**change))
    assert any(p.location == location and fragment in p.message for p in caught.value.problems), (
        str(caught.value)
    )


@pytest.mark.parametrize(
    ("old", "new", "location", "fragment"),
    [
        (
            'opportunist = { a = "opportunist", b = "opportunist" }\n',
            "",
            "dynamics.opportunist",
            "required key is missing: each side's opportunist type",
        ),
        (
            'opportunist = { a = "opportunist", b = "opportunist" }',
            'opportunist = { a = "opportunist" }',
            "dynamics.opportunist",
            "missing the entry of side 'b'",
        ),
        (
            'opportunist = { a = "opportunist", b = "opportunist" }',
            'opportunist = { a = 1, b = "opportunist" }',
            "dynamics.opportunist.a",
            "unknown type the number 1 of 'a' (expected one of trustworthy, opportunist)",
        ),
    ],
)
def test_the_opportunist_types_are_checked(old, new, location, fragment):
    text = typed_text()
    assert text.count(old) == 1
    with pytest.raises(ScenarioError) as caught:
        parse(text.replace(old, new))
    assert any(p.location == location and fragment in p.message for p in caught.value.problems), (
        str(caught.value)
    )


def test_only_the_sides_may_have_types_and_two_each():
    four = ROOT / "benchmarks" / "data" / "typed_four.toml"
    text = typed_text(sides='["us", "russia"]').replace(str(TYPED), str(four))
    with pytest.raises(ScenarioError) as caught:
        parse(text)
    said = {(p.location, p.message) for p in caught.value.problems}
    assert (
        "dynamics.sides[0]",
        "'us' has no types; in a scenario with types, each side has exactly two (one "
        "trustworthy, one opportunist)",
    ) in said
    assert (
        "dynamics.sides",
        "'ukraine' has types but is not a side: only the sides' types are simulated",
    ) in said


def test_an_outcome_without_a_payoff_for_one_type_is_named_with_the_type(tmp_path):
    text = TYPED.read_text(encoding="utf-8")
    old = 'payoffs = { a = "R", "a.opportunist" = "R_o", b = "R", "b.opportunist" = "R_o" }'
    assert text.count(old) == 1
    text = text.replace(
        old, 'payoffs = { "a.opportunist" = "R_o", b = "R", "b.opportunist" = "R_o" }'
    )
    text = text.replace('outcome = "deal"', 'outcome = "deal"\npayoffs = { a = "R" }')
    scenario = tmp_path / "typed.toml"
    scenario.write_text(text, encoding="utf-8")
    load_scenario(scenario)  # a valid scenario: a rule gives the trustworthy a its payoff
    with pytest.raises(ScenarioError) as caught:
        parse(typed_text().replace(str(TYPED), str(scenario)))
    (problem,) = caught.value.problems
    assert problem.location == "dynamics.outcomes.kept"
    assert problem.message.startswith(
        "outcome 'deal' gives no payoff of its own to a when a is trustworthy and b is trustworthy"
    )


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.stem)
def test_the_command_line_refuses_a_bad_dynamics_sweep_with_one_message(path, tmp_path, capsys):
    """The corpus's location checks are in tests/test_guards.py; here, through ``sweep``."""
    assert main(["sweep", str(path), "-o", str(tmp_path / "out")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"negotiation-sim: error: {path}: ")
    assert err.count("negotiation-sim: error: ") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


# -- build_dynamics against arrays computed by hand ---------------------------------------------


def test_build_dynamics_of_an_untyped_scenario_by_hand():
    experiment = load_experiment(CEASEFIRE)
    trust = np.array([[0.2], [0.8]])  # a 2 x 3 grid, flattened in C order: B = 6
    detection = np.array([[0.0, 0.4, 1.0]])
    values = experiment.scenario.values({"trust": trust, "detection": detection, "phases": 2})
    model = build_dynamics(experiment, values)
    assert model.size == 6 and model.actors == ("north", "south", "mediator")
    assert model.sides == ("north", "south") and model.rounds == 12
    assert model.phase_rounds == 3 and model.phases.tolist() == [2] * 6
    assert model.phases.dtype == np.int64
    assert model.response.rule == "forgiving" and (
        model.response.alarms,
        model.response.window,
    ) == (2, 4)
    assert model.discount.tolist() == [0.9] * 6
    north, south = model.monitoring
    assert north.detection.tolist() == [0.0, 0.4, 1.0] * 2
    assert south.detection.tolist() == [0.0, 0.2, 0.5] * 2
    assert north.false_alarm.tolist() == south.false_alarm.tolist() == [0.05] * 6
    assert north.cost.tolist() == [0.01] * 6 and south.cost.tolist() == [0.0] * 6
    constant, strike = model.behaviour
    assert constant.rule == "constant" and constant.violation_probability.tolist() == [0.2] * 6
    assert constant.escalation.tolist() == [0.5] * 6
    assert constant.strike_round.tolist() == [13] * 6  # unused: never within the 12 rounds
    assert strike.rule == "strike" and strike.strike_round.tolist() == [6] * 6
    assert (
        strike.violation_probability.tolist() == [0.0] * 6
        and strike.escalation.tolist() == [0.0] * 6
    )
    # P(north trustworthy) = trust, P(south trustworthy) = 0.5 trust + 0.5, independent.
    low = [[0.2 * 0.6, 0.2 * 0.4], [0.8 * 0.6, 0.8 * 0.4]]
    high = [[0.8 * 0.9, 0.8 * 0.1], [0.2 * 0.9, 0.2 * 0.1]]
    expected_prior = np.array([low] * 3 + [high] * 3).transpose(1, 2, 0)
    np.testing.assert_allclose(model.prior, expected_prior, rtol=0, atol=1e-15)
    # Stage payoffs: the outcomes' payoffs (north, south, mediator), the same for every type.
    stage = model.stage
    by_hand = {
        "kept": [1.0, 1.0, 0.5],
        "violated[0]": [1.5, -1.0, 0.0],
        "violated[1]": [-1.0, 1.5, 0.0],
        "caught[0]": [-0.4, -0.3, -0.1],
        "caught[1]": [-1.0, 1.5, 0.0],  # not given: the violation's
        "war": [-0.3, -0.3, -1.0],
    }
    arrays = {
        "kept": stage.kept,
        "violated[0]": stage.violated[0],
        "violated[1]": stage.violated[1],
        "caught[0]": stage.caught[0],
        "caught[1]": stage.caught[1],
        "war": stage.war,
    }
    for name, payoffs in by_hand.items():
        expected = np.broadcast_to(np.array(payoffs)[:, None, None, None], (3, 2, 2, 6))
        np.testing.assert_allclose(arrays[name], expected, rtol=0, atol=1e-15, err_msg=name)


def test_relative_gains_apply_to_the_stage_payoffs():
    """u_i - rho * mean of the others' (docs/models.md), as every game of the scenario."""
    experiment = load_experiment(CEASEFIRE)
    model = build_dynamics(experiment, experiment.scenario.values({"rho": [0.0, 0.5]}))
    kept = model.stage.kept[:, 0, 0, :].T.tolist()
    assert kept[0] == [1.0, 1.0, 0.5]
    assert kept[1] == [1 - 0.5 * 0.75, 1 - 0.5 * 0.75, 0.5 - 0.5 * 1.0]
    war = model.stage.war[:, 1, 1, 1].tolist()
    assert war == pytest.approx([-0.3 - 0.5 * (-1.3 / 2), -0.3 - 0.5 * (-1.3 / 2), -1 - 0.5 * -0.3])


@pytest.mark.parametrize("sides", [("a", "b"), ("b", "a")])
def test_build_dynamics_of_a_typed_scenario_by_hand(sides):
    experiment = parse(typed_text(sides=json.dumps(list(sides))))
    values = experiment.scenario.values({"trust": [0.3, 0.9], "verification": [0.2, 0.5]})
    model = build_dynamics(experiment, values)
    assert model.sides == sides and model.actors == ("a", "b")
    # Independent types, P(trustworthy) = trust for both: the product, trustworthy first.
    for b, mu in enumerate([0.3, 0.9]):
        expected = [[mu * mu, mu * (1 - mu)], [(1 - mu) * mu, (1 - mu) ** 2]]
        np.testing.assert_allclose(model.prior[..., b], expected, rtol=0, atol=1e-15)
    # typed_assurance: R = 1 (opportunist 0.6), T_t = 0.5, T_o = 1.2, P = 0.3, S = -0.5,
    # caught = v (P - sanction), sanction 0.4.
    side = {actor: k for k, actor in enumerate(sides)}
    for b, v in enumerate([0.2, 0.5]):
        caught = v * (0.3 - 0.4)
        for types in np.ndindex(2, 2):
            of = {actor: types[side[actor]] for actor in ("a", "b")}  # 0 trustworthy
            kept = [1.0 if of[actor] == 0 else 0.6 for actor in ("a", "b")]
            assert model.stage.kept[(slice(None), *types, b)].tolist() == pytest.approx(kept)
            temptation = 0.5 if of["a"] == 0 else 1.2
            a_cheats = [caught + (1 - v) * temptation, v * 0.3 + (1 - v) * -0.5]
            got = model.stage.violated[side["a"]][(slice(None), *types, b)]
            assert got.tolist() == pytest.approx(a_cheats)
            assert model.stage.caught[side["a"]][
                (slice(None), *types, b)
            ].tolist() == pytest.approx(a_cheats)
            assert model.stage.war[(slice(None), *types, b)].tolist() == [0.3, 0.3]
    monitoring = dict(zip(sides, model.monitoring, strict=True))
    assert monitoring["a"].detection.tolist() == [0.2, 0.5]
    assert monitoring["b"].false_alarm.tolist() == [0.1, 0.1]
    behaviour = dict(zip(sides, model.behaviour, strict=True))
    assert behaviour["a"].rule == "incentive" and behaviour["b"].strike_round.tolist() == [3, 3]


def test_a_correlated_prior_and_the_opportunist_listed_first(tmp_path):
    text = TYPED.read_text(encoding="utf-8")
    old = 'types = ["trustworthy", "opportunist"]\nprior = { trustworthy = "trust", opportunist = "1 - trust" }'
    assert text.count(old) == 2
    text = text.replace(old, 'types = ["opportunist", "trustworthy"]')
    # Constant probabilities: the loader's check of a prior without parameters is covered too.
    text += (
        '\n[type_prior]\n"a.opportunist, b.opportunist" = 0.1\n"a.opportunist, b.trustworthy" = 0.2\n'
        '"a.trustworthy, b.opportunist" = 0.3\n"a.trustworthy, b.trustworthy" = 0.4\n'
    )
    scenario = tmp_path / "correlated.toml"
    scenario.write_text(text, encoding="utf-8")
    for sides, expected, a_keeps in [
        (["a", "b"], [[0.4, 0.3], [0.2, 0.1]], (0, 1)),  # (a, b), trustworthy first
        (["b", "a"], [[0.4, 0.2], [0.3, 0.1]], (1, 0)),  # (b, a)
    ]:
        experiment = parse(typed_text(sides=json.dumps(sides)).replace(str(TYPED), str(scenario)))
        model = build_dynamics(experiment, experiment.scenario.values())
        np.testing.assert_allclose(model.prior[..., 0], expected, rtol=0, atol=1e-15)
        # a trustworthy, b an opportunist: a's kept deal is R = 1, b's R_o = 0.6.
        assert model.stage.kept[(slice(None), *a_keeps, 0)].tolist() == [1.0, 0.6]


def test_build_time_problems_name_the_point():
    text = ceasefire_text('detection = "0.5 * detection"', 'detection = "detection + 0.3"')
    experiment = parse(text)  # 0.9 at the default detection, 0.6
    values = experiment.scenario.values({"detection": [0.2, 0.8], "phases": [1, 2.5]})
    with pytest.raises(ScenarioError) as caught:
        build_dynamics(experiment, values)
    assert [str(p) for p in caught.value.problems] == [
        "dynamics.phases: expected a whole number in [1, 10000], got 2.5 at phases = 2.5",
        "dynamics.monitoring.south.detection: expected a number in [0, 1], got 1.1 at detection = 0.8",
    ]
    assert caught.value.source == "x.toml"


def test_a_strike_after_the_last_round_is_never():
    experiment = parse(ceasefire_text("strike_round = 6", "strike_round = 1e100"))
    model = build_dynamics(experiment, experiment.scenario.values())
    assert model.behaviour[1].strike_round.tolist() == [13]


def test_build_dynamics_refuses_a_game_experiment():
    with pytest.raises(ValueError, match="not a dynamics experiment"):
        build_dynamics(load_experiment(DATA / "ceasefire_sweep.toml"), {})


# -- the documentation -------------------------------------------------------------------------


def documented_example() -> str:
    docs = ROOT / "docs" / "experiment-format.md"
    section = docs.read_text(encoding="utf-8").split("## Dynamics experiments", 1)[1]
    return section.split("```toml\n", 1)[1].split("```", 1)[0]


def test_the_documented_example_loads_and_builds():
    experiment = parse_experiment(documented_example(), source="doc", base=ROOT / "docs")
    spec = experiment.dynamics
    assert spec is not None and experiment.shape == (11, 4)
    assert experiment.chunk_size == 100 and experiment.formats == () and experiment.metrics == ()
    assert [side.rule for side in spec.sides] == ["strike", "incentive"]
    values = experiment.scenario.values({"trust": [0.0, 0.5, 1.0], "detection": 0.75})
    model = build_dynamics(experiment, values)
    # Independent types, P(keeps) = trust; keeps is the trustworthy type.
    np.testing.assert_allclose(model.prior[0, 0], [0.0, 0.25, 1.0])
    # Russia keeps the truce and Ukraine is of type rearms: R = 1 for Russia, R_rearms = 0.6.
    assert model.stage.kept[:, 0, 1, 0].tolist() == [1.0, 0.6]
    # A Russian violation caught in time: Russia P - sanction = 0.3 - 0.4, Ukraine P.
    assert model.stage.caught[0][:, 1, 0, 0].tolist() == pytest.approx([-0.1, 0.3])
    assert model.behaviour[0].strike_round.tolist() == [12] * 3


def test_the_reference_lists_every_key():
    from negotiation_sim.sweep import dynamics_check

    text = (ROOT / "docs" / "experiment-format.md").read_text(encoding="utf-8")
    section = text.split("## Dynamics experiments", 1)[1].split("\n## ", 1)[0]
    keys = (
        *dynamics_check._REQUIRED,
        *dynamics_check._OPTIONAL,
        *dynamics_check._MONITORING,
        *dynamics_check._BEHAVIOUR,
        *dynamics_check._OUTCOMES,
    )
    for key in keys:
        assert f"| `{key}` |" in section or f"`[dynamics.{key}" in section, key
    for key in ("alarms", "window", "grim", "forgiving", "constant", "strike", "incentive"):
        assert f"`{key}`" in section or key in section, key
    assert "## `[parameters.NAME]`" in text


def test_set_values_are_checked_in_the_model_too(tmp_path, capsys):
    """``--set`` gives new defaults: the model is checked there, as when the file was read."""
    experiment = parse(
        ceasefire_text('false_alarm = "false_alarm"\ncost', 'false_alarm = "3 * false_alarm"\ncost')
    )
    assert dict(experiment.with_fixed({"false_alarm": 0.3}).fixed) == {"false_alarm": 0.3}
    with pytest.raises(ScenarioError) as caught:
        experiment.with_fixed({"false_alarm": 0.4})
    assert [str(p) for p in caught.value.problems] == [
        "dynamics.monitoring.north.false_alarm: expected a number in [0, 1], got 1.2 at "
        "false_alarm = 0.4"
    ]
    out = tmp_path / "out"
    assert main(["sweep", str(CEASEFIRE), "--set", "phases=1.5", "-o", str(out)]) == 2
    _, err = capsys.readouterr()
    assert err == (
        f"negotiation-sim: error: {CEASEFIRE}: dynamics.phases: expected a whole number in "
        "[1, 10000], got 1.5 at phases = 1.5\n"
    )
    assert not out.exists()


def test_a_dynamics_experiment_pickles_for_the_workers():
    import pickle

    experiment = load_experiment(CEASEFIRE)
    again = pickle.loads(pickle.dumps(experiment))
    assert again.dynamics == experiment.dynamics
    values = {"trust": [0.2, 0.8], "detection": [0.3, 0.6]}
    built = [build_dynamics(e, e.scenario.values(values)) for e in (experiment, again)]
    for name in ("prior", "discount", "phases"):
        assert np.array_equal(getattr(built[0], name), getattr(built[1], name)), name
    assert np.array_equal(built[0].stage.violated[1], built[1].stage.violated[1])
    assert np.array_equal(built[0].monitoring[1].detection, built[1].monitoring[1].detection)
