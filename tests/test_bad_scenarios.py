"""Bad scenario files: each defect is reported at its location, and only ScenarioError escapes.

``tests/data/bad_scenarios/`` holds copies of the documented example (or of a three-actor
variant of it), each with exactly one defect; the first lines of each file say the defect and
the problem expected. A hypothesis test mutates valid scenarios at random and checks that
nothing but :class:`ScenarioError` ever escapes the loader or ``Scenario.game``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation_sim import ScenarioError, load_scenario
from negotiation_sim.cli import main
from negotiation_sim.scenario import parse_scenario
from tests.test_scenario import documented_example

BAD = Path(__file__).resolve().parent / "data" / "bad_scenarios"

#: File (without ``.toml``) -> (location of the expected problem, a fragment of its message).
EXPECTED: dict[str, tuple[str, str]] = {
    "actor_id_trailing_newline": ("actors[1].id", "expected a name of letters, digits and _"),
    "deeply_nested_array": ("line 8", "TOML nesting is too deep"),
    "default_out_of_range": ("parameters.gain.default", "value 20 is outside its range [0, 10]"),
    "constant_expression_too_large": (
        "outcomes.a_ahead.payoffs.a",
        "expression '1e100 * 1e100': value 1e+200 is too large",
    ),
    "default_too_large": ("parameters.gain.default", "value 2e+150 is too large"),
    "definition_cycle": ("definitions.edge", "definitions form a cycle: edge -> bonus -> edge"),
    "definition_not_finite": (
        "definitions.edge",
        "definition 'edge' is inf at the parameter defaults (gain = 2)",
    ),
    "definition_reserved_name": (
        "definitions.clip",
        "a definition name is letters, digits and _, and not min, max, clip, assurance or a "
        "Python keyword",
    ),
    "definition_shadows_parameter": (
        "definitions.gain",
        "'gain' is a parameter: a definition needs a name of its own",
    ),
    "definition_undefined_parameter": (
        "definitions.edge",
        "undefined parameter or definition 'gian' (did you mean 'gain'?)",
    ),
    "definition_unknown_name": (
        "outcomes.a_ahead.payoffs.a",
        "undefined parameter or definition 'egde' (did you mean 'edge'?)",
    ),
    "duplicate_actor_id": ("actors[1].id", "duplicate actor id 'a'"),
    "duplicate_option_id": ("actors[0].options[1].id", "duplicate option id 'restrain'"),
    "empty_actor_list": ("actors", "expected at least two actors, got 0"),
    "expression_syntax_error": ("outcomes.b_ahead.payoffs.b", "syntax error in '3 + * gain'"),
    "forbidden_attribute": ("outcomes.a_ahead.payoffs.a", "attribute access is not allowed"),
    "forbidden_call": ("outcomes.b_ahead.payoffs.b", "call of 'abs' is not allowed"),
    "forbidden_huge_power": (
        "outcomes.a_ahead.payoffs.a",
        "exponent 1000 in 'gain ** 1000' is too large",
    ),
    "forbidden_import": ("outcomes.a_ahead.payoffs.a", "call of '__import__' is not allowed"),
    "forbidden_lambda": ("outcomes.a_ahead.payoffs.a", "lambda is not allowed"),
    "format_actor_unassigned": ("formats.bilateral.others", "say what c do(es)"),
    "format_unknown_actor": ("formats.bilateral.choosers[1]", "unknown actor 'c'"),
    "format_unknown_option": (
        "formats.bilateral.others.c",
        "expected 'best_reply' or one of c's options (watch), got the string 'leave'",
    ),
    "format_version_2": ("format_version", "expected 1, got the number 2"),
    "signalling_fixed_receiver": (
        "formats.inspections.others",
        "a signalling format needs exactly one actor that replies ('best_reply'), got 0",
    ),
    "signalling_not_boolean": (
        "formats.inspections.signalling",
        "expected true or false, got the string 'yes'",
    ),
    "signalling_two_choosers": (
        "formats.inspections.choosers",
        "a signalling format has exactly one chooser (the sender), got 2",
    ),
    "signalling_typed_receiver": (
        "formats.inspections.others.us",
        "the replier (the receiver) must not have types; 'us' has hawk, dove",
    ),
    "signalling_untyped_sender": (
        "formats.inspections.choosers",
        "the chooser (the sender) must have types; 'russia' has none",
    ),
    "format_version_boolean": ("format_version", "expected 1, got a boolean"),
    "huge_integer_default": ("parameters.gain.default", "too large for a 64-bit float"),
    "huge_integer_payoff": ("outcomes.treaty.payoffs.a", "too large for a 64-bit float"),
    "inf_payoff": ("outcomes.arms_race.payoffs.b", "expected a finite number, got inf"),
    "keyword_parameter_name": ("parameters.lambda", "a parameter name is letters, digits and _"),
    "lookalike_bold_name": (
        "outcomes.b_ahead.payoffs.b",
        "'\U0001d420\U0001d41a\U0001d422\U0001d427' is not 'gain': names must be ASCII letters, digits and _",
    ),
    "lookalike_fullwidth_name": (
        "outcomes.a_ahead.payoffs.a",
        "'\uff47ain' is not 'gain': names must be ASCII letters, digits and _",
    ),
    "missing_payoff": ("profiles[0]", "no payoff for b at profile (restrain, restrain)"),
    "missing_profile": ("profiles", "no rule matches profile(s) (restrain, arm)"),
    "missing_required_key": ("scenario.no_deal", "required key is missing"),
    "nan_payoff": ("outcomes.treaty.payoffs.a", "expected a finite number, got nan"),
    "no_deal_unknown_outcome": ("scenario.no_deal", "unknown outcome 'war'"),
    "non_ascii_operator": (
        "outcomes.a_ahead.payoffs.a",
        "character '\u2212' (U+2212) is not allowed in '3 \u2212 gain'",
    ),
    "not_utf8": ("line 6", "the file is not UTF-8"),
    "payoff_too_large": ("outcomes.treaty.payoffs.a", "value 1e+200 is too large"),
    "range_low_above_high": ("parameters.gain.range", "low 10 is above high 0"),
    "range_too_large": (
        "parameters.gain.range[1]",
        "value 1e+308 is too large: numbers are at most 1e+150 in magnitude",
    ),
    "reserved_actor_id": ("actors[1].id", "'outcome' is reserved"),
    "reserved_parameter_name": ("parameters.max", "a parameter name is letters, digits and _"),
    "single_actor": ("actors", "expected at least two actors, got 1"),
    "toml_syntax_error": ("line 11, column 17", "TOML syntax error"),
    "too_many_actors": ("actors", "at most 32 actors are supported, got 42"),
    "too_many_profiles": ("actors", "100,489 profiles: at most 100,000 are supported"),
    "too_many_rules": ("profiles", "1,001 rules: at most 1,000 are supported"),
    "too_many_digits": ("line 12", "TOML value error: an integer has more than 4300 digits"),
    "undefined_parameter": (
        "outcomes.a_ahead.payoffs.a",
        "undefined parameter 'gian' (did you mean 'gain'?)",
    ),
    "unknown_actor_in_payoffs": ("outcomes.treaty.payoffs.c", "unknown actor"),
    "unknown_default_format": (
        "scenario.default_format",
        "unknown format 'bilaterl' (did you mean 'bilateral'?)",
    ),
    "unknown_issue_term": ("outcomes.treaty.terms.arms", "unknown term 'freze'"),
    "unknown_key": ("scenario.descripton", "unknown key (did you mean 'description'?)"),
    "unknown_option_in_profile": (
        "profiles[0].b",
        "unknown option 'restrian' (did you mean 'restrain'?)",
    ),
    "unknown_outcome_in_rule": (
        "profiles[0].outcome",
        "unknown outcome 'traety' (did you mean 'treaty'?)",
    ),
    "wrong_shape_options_string": (
        "actors[1].options",
        "expected a non-empty list of { id, description }, got the string 'restrain, arm'",
    ),
    "wrong_shape_options_table": (
        "actors[0].options",
        "expected a non-empty list of { id, description }, got a table",
    ),
    "wrong_shape_payoffs": ("outcomes.treaty.payoffs", "expected a table, got a list of 2"),
    "wrong_shape_range": ("parameters.gain.range", "expected [low, high], got a list of 1"),
    "wrong_type_actor_name": ("actors[0].name", "expected a non-empty string, got the number 3"),
    "wrong_type_outcome_list": (
        "profiles[1].outcome",
        "expected the name of an outcome, got a list of 1",
    ),
}

#: Files whose defect makes other lines wrong too (they name the actor 'b', or use 'max'...):
#: all others have exactly one problem, whatever follow-on checks could have added.
FOLLOW_ONS = {
    "actor_id_trailing_newline",
    "duplicate_actor_id",
    "reserved_actor_id",
    "reserved_parameter_name",
    "single_actor",
}

BAD_FILES = sorted(BAD.glob("*.toml"))


def test_every_bad_file_has_an_expectation():
    assert {path.stem for path in BAD_FILES} == set(EXPECTED)


def test_the_folder_covers_at_least_15_kinds_of_defect():
    assert len(set(EXPECTED.values())) == len(EXPECTED) >= 15
    assert len({path.read_bytes() for path in BAD_FILES}) == len(BAD_FILES)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda path: path.stem)
def test_the_defect_is_reported_at_its_location(path):
    location, message = EXPECTED[path.stem]
    header = path.read_bytes().decode("utf-8", errors="replace").splitlines()[:2]
    assert header[0].startswith("# Defect: ")
    assert header[1] == f"# Expected problem at {location}: {message}"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    error = caught.value
    assert any(p.location == location and message in p.message for p in error.problems), str(error)
    assert str(error).startswith(f"{path}: ")
    assert all(line.startswith(f"{path}: ") for line in str(error).splitlines())
    if path.stem not in FOLLOW_ONS:
        assert len(error.problems) == 1, str(error)


def test_independent_defects_are_all_reported_at_once():
    text = (
        documented_example()
        .replace("default = 2.0", "default = 20.0")
        .replace('title = "Arms race"', 'title = "Arms race"\ntitel = "x"')
        .replace('b = "3 + gain"', 'b = "3 + abs(gain)"')
        .replace('[[profiles]]\na = "*"\nb = "arm"\noutcome = "b_ahead"\n', "")
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="x.toml")
    assert {problem.location for problem in caught.value.problems} == {
        "parameters.gain.default",
        "scenario.titel",
        "outcomes.b_ahead.payoffs.b",
        "profiles",
    }


def test_a_missing_payoff_is_reported_once_per_rule():
    catch_all = '[[profiles]]\na = "*"\nb = "*"\noutcome = "arms_race"\n\n'
    text = documented_example().replace("{ a = 1, b = 1 }", "{ a = 1 }")
    text = text.replace("[[profiles]]", catch_all + "[[profiles]]", 1)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    (problem,) = caught.value.problems
    assert problem.location == "profiles[0]"
    assert "no payoff for b at profile (restrain, restrain)" in problem.message


def test_grid_values_must_be_numbers():
    from negotiation_sim.sweep import landscape

    scenario = parse_scenario(documented_example(), source="x.toml")
    with pytest.raises(ScenarioError, match=r"grid\.gain: expected a list of numbers"):
        landscape(scenario, {"gain": ["high"]})


def test_the_defects_are_alone():
    """Undoing the defect of a few files gives a valid scenario (each has exactly one)."""
    example = documented_example()
    undo = {
        "nan_payoff": ("a = nan", "a = 3"),
        "forbidden_lambda": ("(lambda: gain)", "gain"),
        "wrong_shape_range": ("range = [0]", "range = [0.0, 10.0]"),
        "duplicate_option_id": (
            '"restrain", description = "build up"',
            '"arm", description = "build up"',
        ),
        "unknown_key": ("descripton", "description"),
    }
    for name, (old, new) in undo.items():
        body = (BAD / f"{name}.toml").read_text().split("\n", 2)[2]  # without the header
        assert body.count(old) == 1
        assert body.replace(old, new) == example, name
    assert parse_scenario(example).game().payoffs.shape == (2, 2, 2)


def test_validate_exits_2_with_one_message_for_every_bad_file(capsys):
    for path in BAD_FILES:
        assert main(["validate", str(path)]) == 2, path
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(f"negotiation-sim: error: {path}: "), err
        assert err.count("negotiation-sim: error: ") == 1
        assert "Traceback" not in err


@pytest.mark.parametrize("name", ["not_utf8", "deeply_nested_array", "wrong_type_outcome_list"])
def test_validate_in_a_subprocess_exits_2_without_traceback(name):
    path = BAD / f"{name}.toml"
    completed = subprocess.run(
        [sys.executable, "-m", "negotiation_sim.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.startswith(f"negotiation-sim: error: {path}: ")
    assert "Traceback" not in completed.stderr
    location, message = EXPECTED[name]
    assert f"{location}: " in completed.stderr and message in completed.stderr


# -- random mutations of valid scenarios ------------------------------------------------------

#: A richer valid scenario than the documented example: three actors, issues and terms, a
#: date, rule payoffs, formats with a fixed option and a best reply, a default format.
RICH = """\
format_version = 1

[scenario]
title = "Ceasefire talks"
date = 2025-08-15
description = "Two sides and a mediator."
sources = ["illustrative"]
no_deal = "war"
default_format = "mediated"

[parameters.trust]
default = 0.5
range = [0.0, 1.0]
description = "How far each side trusts the other to keep a deal."

[parameters.cost]
default = 2.0
range = [0.0, 5.0]
description = "The cost of war to each side."

[definitions]
# In any order: war_cost uses half_cost, written after it.
war_cost = "-2 * half_cost"
half_cost = "cost / 2"

[[actors]]
id = "east"
name = "East"
options = [
  { id = "accept", description = "accept the terms" },
  { id = "fight", description = "keep fighting" },
]

[[actors]]
id = "west"
name = "West"
options = [
  { id = "accept", description = "accept the terms" },
  { id = "fight", description = "keep fighting" },
]

[[actors]]
id = "mediator"
name = "Mediator"
options = [
  { id = "guarantee", description = "guarantee the deal" },
  { id = "abstain", description = "stay out" },
]

[issues.line]
description = "where the ceasefire line runs"
values = { front = "the current front line", prewar = "the pre-war border" }

[outcomes.deal]
label = "deal: ceasefire on the front line"
terms = { line = "front" }
payoffs = { east = "2 + trust", west = "1 + trust", mediator = 1 }

[outcomes.war]
label = "no deal: war goes on"
payoffs = { east = "war_cost", west = "-cost", mediator = "-clip(cost, 0, 1)" }

[outcomes.one_sided]
label = "one side stops"
payoffs = { east = 0, west = 0, mediator = 0 }

[[profiles]]
east = "accept"
west = "accept"
mediator = "guarantee"
outcome = "deal"
payoffs = { mediator = "max(1, 2 * trust)" }

[[profiles]]
east = "accept"
west = "accept"
mediator = "*"
outcome = "deal"

[[profiles]]
east = "fight"
west = "fight"
mediator = "*"
outcome = "war"

[[profiles]]
east = "*"
west = "*"
mediator = "*"
outcome = "one_sided"
payoffs = { east = "min(1, trust) - cost / 2" }

[formats.mediated]
description = "the sides choose; the mediator replies"
choosers = ["east", "west"]
others = { mediator = "best_reply" }

[formats.alone]
choosers = ["east", "west"]
others = { mediator = "abstain" }
"""

BASES = (documented_example(), RICH)

#: Names that mean something somewhere in the bases, and a few that are reserved or odd.
NAMES = (
    "a", "b", "c", "east", "west", "mediator", "restrain", "arm", "accept", "fight", "abstain",
    "guarantee", "treaty", "arms_race", "a_ahead", "deal", "war", "one_sided", "gain", "trust",
    "cost", "line", "front", "mediated", "alone", "best_reply", "outcome", "payoffs", "id",
    "name", "options", "default", "range", "description", "choosers", "others", "terms",
    "values", "label", "no_deal", "title", "scenario", "actors", "profiles", "outcomes",
    "formats", "parameters", "issues", "format_version", "min", "max", "clip", "lambda",
    "True", "__import__", "x", "definitions", "war_cost", "half_cost",
)  # fmt: skip
EXPRESSIONS = (
    "3 + gain", "trust * cost", "1 / (gain - 2)", "gain ** 16 * 1e300", "min(gain)",
    "clip(trust, 1, 0)", "__import__('os')", "gain.real", "(lambda: 1)()", "2 ** 1000",
    "10 ** 308 * 10", "x if y else z", "#", "", " ", "1e999", "-cost / 0", "max(trust, cost)",
    "((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))",
    "+".join(["trust"] * 60),
)  # fmt: skip
ODD_LITERALS = (
    "nan", "+nan", "-nan", "inf", "-inf", "1e400", "-0", "0x" + "f" * 300, "9" * 5000,
    "9223372036854775808", "1979-05-27", "07:32:00", "1979-05-27T07:32:00Z", "true", "false",
    '""', '"*"', "'''multi\nline'''", '"\\u0000"', "[]", "{}", "[[]]", "[{}]",
)  # fmt: skip

scalars = st.one_of(
    st.integers(-10, 10).map(str),
    st.integers().map(str),
    st.floats().map(repr),  # TOML writes floats, inf and nan as Python does
    st.sampled_from(ODD_LITERALS),
    st.sampled_from(NAMES).map(json.dumps),
    st.sampled_from(EXPRESSIONS).map(json.dumps),
    st.text(max_size=12).map(json.dumps),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(st.sampled_from(NAMES), children, max_size=3).map(
            lambda table: "{ " + ", ".join(f"{k} = {v}" for k, v in table.items()) + " }"
        ),
    ),
    max_leaves=8,
)
deep = st.integers(1, 3000).map(lambda depth: "[" * depth + "]" * depth)
any_value = st.one_of(values, deep)
headers = st.sampled_from(
    [
        "[scenario]", "[[actors]]", "[[profiles]]", "[outcomes.treaty]", "[outcomes.x]",
        "[parameters.gain]", "[parameters.x]", "[issues.x]", "[formats.f]", "[formats.mediated]",
        "[definitions]",
        "[actors]", "[profiles]", "[outcomes]", "[scenario.x]", "[[outcomes]]", "[[formats.f]]",
    ]
)  # fmt: skip
new_lines = st.one_of(
    st.builds(lambda key, value: f"{key} = {value}", st.sampled_from(NAMES), any_value),
    headers,
    st.text(max_size=30),
)

VALUE_TOKEN = re.compile(r'"[^"\n]*"|(?<![\w.])-?\d+(?:\.\d+)?\b|\b(?:true|false)\b')
NAME_TOKEN = re.compile(r"\b[A-Za-z_]\w*\b")
#: Replacing a value or a name keeps the TOML valid more often: those are drawn more often.
MUTATIONS = ("delete", "duplicate", "swap", "insert", "truncate", *["value"] * 4, *["name"] * 2)


@st.composite
def mutants(draw: st.DrawFn) -> str:
    """A valid scenario with one to three random mutations."""
    text = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        line = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(MUTATIONS))
        if kind == "delete":
            del lines[line]
        elif kind == "duplicate":
            lines.insert(line, lines[line])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
        elif kind == "insert":
            lines.insert(line, draw(new_lines))
        elif kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
            continue
        else:
            pattern, replacement = (
                (VALUE_TOKEN, any_value)
                if kind == "value"
                else (NAME_TOKEN, st.sampled_from(NAMES))
            )
            tokens = list(pattern.finditer(text))
            if not tokens:
                continue
            token = draw(st.sampled_from(tokens))
            text = text[: token.start()] + draw(replacement) + text[token.end() :]
            continue
        text = "\n".join(lines)
    return text


def test_the_mutation_bases_are_valid():
    for text in BASES:
        scenario = parse_scenario(text)
        for name in (None, *scenario.formats):
            assert scenario.game(format=name).payoffs.shape[0] == 2


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutants())
def test_mutated_scenarios_raise_nothing_but_scenario_errors(text):
    try:
        scenario = parse_scenario(text, source="mutant.toml")
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.location and problem.message, problem
        assert all(line.startswith("mutant.toml: ") for line in str(error).splitlines())
        return
    for name in (None, *scenario.formats):
        try:
            game = scenario.game(format=name)
        except ScenarioError as error:
            assert error.problems
        else:
            assert game.n_actors >= 2
    for parameter in list(scenario.parameters.values())[:1]:
        try:
            values = scenario.values({parameter.name: [parameter.low, parameter.high]})
            scenario.resolve(None, values)
        except ScenarioError as error:
            assert error.problems


# -- priors (issue 12): one file per defect of a parameter's ``prior`` -------------------------

EXPECTED.update(
    {
        "prior_unknown_distribution": (
            "parameters.gain.prior",
            "unknown distribution 'unifrom' (did you mean 'uniform'?)",
        ),
        "prior_wrong_argument_count": (
            "parameters.gain.prior",
            "expected uniform(a, b) with 2 positional arguments, got 'uniform(1, 2, 3)'",
        ),
        "prior_keyword_argument": (
            "parameters.gain.prior",
            "keyword arguments are not allowed: write uniform(a, b) with numbers in order",
        ),
        "prior_argument_not_number": (
            "parameters.gain.prior",
            "argument 1 of beta(a, b): expected a number, got \"'2'\"",
        ),
        "prior_argument_name": (
            "parameters.gain.prior",
            "argument 1 of uniform(a, b): expected a number, got 'gain'",
        ),
        "prior_not_finite": (
            "parameters.gain.prior",
            "argument 2 of truncnormal(mean, sd): expected a finite number of magnitude at most 1e+150, got inf",
        ),
        "prior_negative_sd": (
            "parameters.gain.prior",
            "truncnormal(mean, sd) needs sd > 0, got -1",
        ),
        "prior_truncnormal_mean_outside": (
            "parameters.gain.prior",
            "mean 12 of truncnormal(mean, sd) is outside the range [0, 10]",
        ),
        "prior_beta_shape_zero": (
            "parameters.gain.prior",
            "beta(a, b) needs shapes a > 0 and b > 0, got 0, 5",
        ),
        "prior_triangular_unordered": (
            "parameters.gain.prior",
            "triangular(lo, mode, hi) needs lo <= mode <= hi and lo < hi, got 1, 5, 3",
        ),
        "prior_uniform_reversed": (
            "parameters.gain.prior",
            "uniform(a, b) needs a < b, got a = 4, b = 1",
        ),
        "prior_support_outside_range": (
            "parameters.gain.prior",
            "support [1, 12] of 'uniform(1, 12)' is not inside the range [0, 10]",
        ),
        "prior_choice_value_outside": (
            "parameters.gain.prior",
            "choice value 11 is outside the range [0, 10]",
        ),
        "prior_choice_negative_probability": (
            "parameters.gain.prior",
            "choice has a negative probability, -0.5",
        ),
        "prior_choice_not_summing_to_one": (
            "parameters.gain.prior",
            "choice probabilities sum to 1.1, not 1",
        ),
        "prior_choice_length_mismatch": (
            "parameters.gain.prior",
            "choice lists 3 values but 2 probabilities",
        ),
        "prior_choice_not_a_list": (
            "parameters.gain.prior",
            "argument 1 of choice(values, probabilities): expected a non-empty list of numbers, got '(1, 3)'",
        ),
        "prior_malformed": (
            "parameters.gain.prior",
            "syntax error in 'uniform(1,' at column 8: '(' was never closed",
        ),
        "prior_import": (
            "parameters.gain.prior",
            "unknown distribution '__import__' (expected one of uniform, triangular, beta, truncnormal, choice)",
        ),
        "prior_attribute_call": (
            "parameters.gain.prior",
            "expected a call of uniform, triangular, beta, truncnormal, choice with numbers as arguments, such as 'uniform(0.1, 0.4)', got \"os.system('ls')\"",
        ),
        "prior_not_a_call": (
            "parameters.gain.prior",
            "expected a call of uniform, triangular, beta, truncnormal, choice with numbers as arguments, such as 'uniform(0.1, 0.4)', got '0.5'",
        ),
        "prior_not_a_string": (
            "parameters.gain.prior",
            "expected a string such as 'uniform(0.1, 0.4)', got the number 3",
        ),
    }
)


def test_a_bad_prior_is_reported_with_the_other_problems():
    text = (
        documented_example()
        .replace("range = [0.0, 10.0]\n", 'range = [0.0, 10.0]\nprior = "beta(0, 1)"\n')
        .replace('title = "Arms race"', 'title = "Arms race"\ntitel = "x"')
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="x.toml")
    assert {problem.location for problem in caught.value.problems} == {
        "parameters.gain.prior",
        "scenario.titel",
    }


# Actor types (scenario files with incomplete information).
EXPECTED.update(
    {
        "types_prior_not_a_distribution": (
            "actors[1].prior",
            "must each be in [0, 1] and sum to 1",
        ),
        "types_prior_unknown_type": (
            "actors[1].prior.opportnist",
            "unknown type (did you mean 'opportunist'?)",
        ),
        "types_payoff_unknown_type": (
            'outcomes.no_deal.payoffs."b.opportunst"',
            "unknown type of 'b'",
        ),
        "types_payoff_missing_for_a_type": (
            "profiles[3]",
            "(when a is trustworthy and b is opportunist)",
        ),
        "types_indicator_name_taken": (
            "definitions.a_is_trustworthy",
            "the name is the indicator of 'a' being of type 'trustworthy'",
        ),
        "types_single_type": ("actors[1].types", "expected a list of 2 to 8 type names"),
    }
)


# Option definitions (defines): tests/test_option_defines.py.
EXPECTED.update(
    {
        "defines_not_a_table": (
            "actors[0].options[0].defines",
            "expected a table, got the string 'upkeep'",
        ),
        "defines_missing_on_an_option": (
            "actors[0].options[1]",
            "missing defines: every option of a defines upkeep",
        ),
        "defines_missing_name": (
            "actors[0].options[1].defines",
            "missing risk: every option of a defines upkeep, risk",
        ),
        "defines_extra_name": (
            "actors[0].options[1].defines.upkep",
            "arm defines 'upkep', restrain does not: every option of a defines the same names (did you mean 'upkeep'?)",
        ),
        "defines_shadows_parameter": (
            "actors[0].options[0].defines.gain",
            "'gain' is a parameter: a defined name needs one of its own",
        ),
        "defines_shadows_definition": (
            "actors[0].options[0].defines.edge",
            "'edge' is a [definitions] name: a defined name needs one of its own",
        ),
        "defines_two_actors": (
            "actors[1].options[0].defines.upkeep",
            "'upkeep' is defined by a's options: a name has one actor defining it",
        ),
        "defines_reserved_name": (
            "actors[0].options[0].defines.clip",
            "a defined name is letters, digits and _, and not min, max, clip, assurance or a Python keyword",
        ),
        "defines_uses_option_name": (
            "actors[0].options[1].defines.risk",
            "'upkeep' is defined by options: an option's definitions use parameters and [definitions] that do not depend on options",
        ),
        "defines_undefined_parameter": (
            "actors[0].options[1].defines.upkeep",
            "undefined parameter 'gian' (did you mean 'gain'?)",
        ),
        "defines_unknown_key": (
            "actors[0].options[1].defnes",
            "unknown key (did you mean 'defines'?)",
        ),
        "defines_infinite_for_one_option": (
            "outcomes.b_ahead.payoffs.a",
            "expression '-1 / upkeep' evaluates to -inf (division by zero, overflow or a fractional power of a negative number) (when a plays restrain)",
        ),
        "defines_not_finite": (
            "actors[0].options[1].defines.upkeep",
            "definition 'upkeep' is inf at the parameter defaults (gain = 2)",
        ),
        "defines_indicator_name": (
            "actors[0].options[0].defines.b_is_opportunist",
            "'b_is_opportunist' is the indicator of 'b' being of type 'opportunist': a defined name needs one of its own",
        ),
        "defines_too_many_combinations": (
            "actors",
            "the options' defined names make 279,936 payoff expressions and definitions to compile (one per combination of the options each uses); at most 20,000: let each payoff use the names of fewer actors",
        ),
        "defines_in_a_prior": (
            "actors[1].prior.trustworthy",
            "undefined parameter or definition 'effort'",
        ),
    }
)
