"""Size, number and name guards on every input (issue 11, items 3 and 4).

Each bad input gets one :class:`ScenarioError` with its location, before anything large is
allocated or anything blocks: files that are not regular files, files over the size cap,
numbers too large for the documented bounds, grids and games over their limits, look-alike
names. A few run through the command line in a subprocess (exit status 2, one message, no
traceback); the rest are checked in process. Every test here is bounded in time by what it
refuses: nothing large is ever built.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim import ScenarioError
from negotiation_sim._checking import MAX_FILE_BYTES, read_bytes, read_text
from negotiation_sim.cli import main
from negotiation_sim.interop.nfg import MAX_NFG_BYTES, parse_nfg, read_nfg
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.scenario.expressions import check_expression
from negotiation_sim.sweep import load_experiment, parse_experiment, run_experiment
from negotiation_sim.sweep.spec import MAX_SEED
from tests.test_scenario import documented_example

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = ROOT / "tests" / "data" / "experiments"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``negotiation-sim ARGS`` in a subprocess, bounded in time."""
    return subprocess.run(
        [sys.executable, "-m", "negotiation_sim.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def assert_one_located_message(completed: subprocess.CompletedProcess[str], prefix: str) -> None:
    """Exit status 2, nothing on stdout, one message on stderr starting with ``prefix``."""
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.startswith(f"negotiation-sim: error: {prefix}"), completed.stderr
    assert completed.stderr.count("negotiation-sim: error: ") == 1
    assert "Traceback" not in completed.stderr


# -- files ------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="it is a FIFO \\(named pipe\\), not a regular file"):
        read_text(fifo)
    assert_one_located_message(run_cli("validate", str(fifo)), f"{fifo}: cannot read the file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_without_reading_it():
    with pytest.raises(ScenarioError, match="it is a character device, not a regular file"):
        read_bytes("/dev/zero")
    assert_one_located_message(run_cli("solve", "/dev/zero"), "/dev/zero: cannot read the file")


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        read_text(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path}: cannot read the file: it is a directory, not a regular file"
    )


def test_a_file_over_the_cap_is_refused_whole(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 101)
    assert read_bytes(big, limit=101) == b"#" * 101
    with pytest.raises(ScenarioError, match="larger than 100 bytes"):
        read_bytes(big, limit=100)
    sparse = tmp_path / "sparse.toml"
    with sparse.open("wb") as handle:  # a hole: no disk used, MAX_FILE_BYTES + 1 bytes long
        handle.truncate(MAX_FILE_BYTES + 1)
    assert_one_located_message(
        run_cli("validate", str(sparse)), f"{sparse}: the file is larger than 16,777,216 bytes"
    )


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc here")
def test_a_file_whose_size_lies_is_still_capped():
    assert os.stat("/proc/self/status").st_size == 0  # a regular file that says it is empty
    assert len(read_bytes("/proc/self/status", limit=10_000)) > 100
    with pytest.raises(ScenarioError, match="larger than 100 bytes"):
        read_bytes("/proc/self/status", limit=100)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read the file: No such file or directory"):
        read_bytes(tmp_path / "missing.toml")


# -- experiment files: numbers and sizes ------------------------------------------------------

BAD_EXPERIMENTS = sorted((ROOT / "tests" / "data" / "bad_experiments").glob("*.toml"))


def expected_problem(path: Path) -> tuple[str, str]:
    """A corpus file's expected (location, message fragment), from its second line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Defect: ")
    prefix = "# Expected problem at "
    assert lines[1].startswith(prefix)
    location, message = lines[1][len(prefix) :].split(": ", 1)
    return location, message


def test_the_experiment_corpus_has_at_least_ten_defects():
    assert len(BAD_EXPERIMENTS) >= 10
    assert len({expected_problem(path) for path in BAD_EXPERIMENTS}) == len(BAD_EXPERIMENTS)


@pytest.mark.parametrize("path", BAD_EXPERIMENTS, ids=lambda path: path.stem)
def test_a_bad_experiment_is_refused_at_its_location(path, capsys):
    location, message = expected_problem(path)
    with pytest.raises(ScenarioError) as caught:
        load_experiment(path)
    assert any(p.location == location and message in p.message for p in caught.value.problems), str(
        caught.value
    )
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("negotiation-sim: error: ") == 1
    assert err.startswith(f"negotiation-sim: error: {path}: {location}: ")


def test_a_trillion_points_is_refused_in_a_subprocess_without_a_traceback():
    path = ROOT / "tests" / "data" / "bad_experiments" / "points_too_many.toml"
    assert_one_located_message(run_cli("validate", str(path)), f"{path}: axes.trust.points: ")


def test_an_overflowing_range_warns_nothing(recwarn):
    path = ROOT / "tests" / "data" / "bad_experiments" / "range_overflows.toml"
    with pytest.raises(ScenarioError) as caught:
        load_experiment(path)
    assert "nan" not in str(caught.value)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_the_largest_seed_reaches_the_results_file(tmp_path):
    text = (ROOT / "tests" / "data" / "experiments" / "ceasefire_sweep.toml").read_text("utf-8")
    text = text.replace("chunk_size = 97", f"chunk_size = 97\nseed = {MAX_SEED}")
    text = text.replace("points = 41", "points = 3").replace("points = 23", "points = 2")
    path = tmp_path / "sweep.toml"
    path.write_text(text.replace('"ceasefire.toml"', f'"{EXPERIMENTS / "ceasefire.toml"}"'))
    dataset = run_experiment(load_experiment(path), tmp_path / "out", progress=False)
    assert int(dataset.attrs["seed"]) == MAX_SEED
    with pytest.raises(ScenarioError, match=f"<= {MAX_SEED}, got the number {MAX_SEED + 1}"):
        parse_experiment(
            path.read_text().replace(f"seed = {MAX_SEED}", f"seed = {MAX_SEED + 1}"),
            source="x.toml",
        )


# -- scenario numbers -------------------------------------------------------------------------


def arms_race(old: str = "", new: str = "") -> str:
    """The documented example scenario, with ``old`` replaced by ``new`` (exactly once)."""
    text = documented_example()
    if old:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_a_payoff_growing_past_the_bound_is_located_at_evaluation():
    scenario = parse_scenario(arms_race('a = "3 + gain"', 'a = "3 + gain * 1.5e149"'), source="x")
    assert scenario.game().payoffs.max() == pytest.approx(3e149)  # gain = 2: within the bound
    with pytest.raises(ScenarioError) as caught:
        scenario.game({"gain": 10.0})
    (problem,) = caught.value.problems
    assert problem.location == "outcomes.a_ahead.payoffs.a"
    assert problem.message.startswith("payoff at gain=10: value 1.5e+150 is too large")


def test_the_disagreement_point_is_checked_like_every_payoff():
    text = arms_race("payoffs = { a = 1, b = 1 }", 'payoffs = { a = "1 / (gain - 2)", b = 1 }')
    text = text.replace(
        'b = "arm"\noutcome = "arms_race"',
        'b = "arm"\noutcome = "arms_race"\npayoffs = { a = 1 }',
        1,
    )
    scenario = parse_scenario(text, source="x.toml")
    assert scenario.game().payoffs[0, 1, 1] == 1.0  # the rule's payoff: no cell uses 1 / 0
    with pytest.raises(ScenarioError) as caught:
        scenario.no_deal_point(scenario.values())
    assert (
        str(caught.value) == "x.toml: outcomes.arms_race.payoffs.a: payoff is not finite at gain=2"
    )


@pytest.mark.parametrize("value", [10**400, 1e200, float("nan"), "high"])
def test_parameter_values_given_in_code_are_checked(value):
    scenario = parse_scenario(arms_race(), source="x.toml")
    with pytest.raises(ScenarioError) as caught:
        scenario.values({"gain": value})
    (problem,) = caught.value.problems
    assert problem.location == "parameters.gain"


def test_the_issue_reproduction_trust_up_to_1e308_is_refused_at_load(tmp_path):
    text = (ROOT / "scenarios" / "alaska_2025_reduced.toml").read_text("utf-8")
    head, rest = text.split("[parameters.trust]\n", 1)
    section, tail = rest.split("[parameters.verification]", 1)
    section = section.replace("default = 0.2", "default = 1e308")
    section = section.replace("range = [0.0, 1.0]", "range = [0, 1e308]")
    path = tmp_path / "alaska.toml"
    path.write_text(f"{head}[parameters.trust]\n{section}[parameters.verification]{tail}", "utf-8")
    completed = run_cli("solve", str(path))
    assert_one_located_message(completed, f"{path}: parameters.trust.")
    assert "too large: numbers are at most 1e+150 in magnitude" in completed.stderr


# -- .nfg files -------------------------------------------------------------------------------


def nfg_players(n: int) -> str:
    return "{ " + " ".join(f'"P{i}"' for i in range(1, n + 1)) + " }"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (  # the reproduction: 40 players x 10^7 strategies in a few hundred bytes
            f'NFG 1 R "t" {nfg_players(40)} {{ {" ".join(["10000000"] * 40)} }} 1 2',
            "at most 32 players are supported, got 40",
        ),
        (  # more than numpy's 64 dimensions used to escape as ValueError
            f'NFG 1 R "t" {nfg_players(70)} {{ {" ".join(["1"] * 70)} }} {" ".join(["1"] * 70)}',
            "at most 32 players are supported, got 70",
        ),
        (
            f'NFG 1 R "t" {nfg_players(32)} {{ {" ".join(["2"] * 32)} }} 1',
            "the game has 4,294,967,296 profiles x 32 players",
        ),
        (
            'NFG 1 R "t" { "A" "B" } { { "a" "b" } { "x" } } 1 2 4 ' + "3/" + "7" * 5000,
            "has a part of more than 4,300 digits",
        ),
        ('NFG 1 R "t" { "A" "B" } { 1 1 } 1 2' + " 3" * 100_000, "got more than 1002"),
    ],
    ids=["40_players", "70_players", "2_to_the_32_profiles", "long_rational", "long_body"],
)
def test_nfg_sizes_are_checked_before_building(text, message):
    with pytest.raises(ScenarioError) as caught:
        parse_nfg(text, source="x.nfg")
    (problem,) = caught.value.problems
    assert problem.location.startswith("line 1, column ")
    assert message in problem.message


def test_an_nfg_file_over_its_cap_is_refused(tmp_path):
    sparse = tmp_path / "sparse.nfg"
    with sparse.open("wb") as handle:
        handle.truncate(MAX_NFG_BYTES + 1)
    with pytest.raises(ScenarioError, match="larger than 268,435,456 bytes"):
        read_nfg(sparse)


def test_the_plain_body_reads_as_the_token_by_token_one():
    rng = np.random.default_rng(11)
    numbers = [repr(float(x)) for x in rng.normal(scale=1e6, size=3 * 4 * 5 * 3)]
    numbers[::7] = [str(int(x)) for x in rng.integers(-9, 9, size=len(numbers[::7]))]
    numbers[1] = "+.5e-3"
    header = 'NFG 1 R "t" { "A" "B" "C" } { 3 4 5 }\n'
    plain = parse_nfg(header + " ".join(numbers))
    as_rational = parse_nfg(header + " ".join([*numbers[:-1], "1/1"]))  # token by token
    expected = np.array([float(x) for x in numbers])  # Python's float() as the oracle
    assert np.array_equal(plain.payoffs.T.reshape(-1), expected)
    assert np.array_equal(as_rational.payoffs.T.reshape(-1)[:-1], expected[:-1])
    assert as_rational.payoffs.T.reshape(-1)[-1] == 1.0


# -- look-alike names -------------------------------------------------------------------------


def fullwidth(text: str) -> str:
    """ASCII letters and digits as their full-width forms (U+FF01 block)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in text)


def math_bold(text: str) -> str:
    """Lower-case letters as mathematical bold letters (U+1D41A block)."""
    return "".join(chr(0x1D41A + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in text)


@pytest.mark.parametrize("disguise", [fullwidth, math_bold, lambda s: fullwidth(s[0]) + s[1:]])
@pytest.mark.parametrize("name", ["gain", "trust", "c_war", "x2"])
def test_a_look_alike_of_a_declared_name_is_refused(disguise, name):
    look_alike = disguise(name)
    assert look_alike != name and unicodedata.normalize("NFKC", look_alike) == name  # the trap
    expression, problems = check_expression(
        f"1 + {look_alike} * 2", parameters={"gain", "trust", "c_war", "x2"}, location="here"
    )
    assert expression is None
    assert [str(p) for p in problems] == [
        f"here: {look_alike!r} is not {name!r}: names must be ASCII letters, digits and _"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("trüst", "'trüst' is not a name: names must be ASCII letters, digits and _"),
        ("\u0442rust", "'тrust' is not a name"),  # a Cyrillic te
        ("gain\u00a0+ 1", "character '\\xa0' (U+00A0) is not allowed"),
        ("gain \u00d7 2", "character '\u00d7' (U+00D7) is not allowed"),  # a times sign
        ("\uff11 + gain", "'\uff11' is not '1': names must be ASCII"),  # a full-width one
    ],
)
def test_other_non_ascii_text_is_refused_with_what_it_is(text, message):
    _, problems = check_expression(text, parameters={"gain"}, location="here")
    (problem,) = problems
    assert message in problem.message


def test_the_issue_reproduction_bold_trust_in_alaska_is_refused(tmp_path):
    text = (ROOT / "scenarios" / "alaska_2025_reduced.toml").read_text("utf-8")
    old = 'ukraine = "assurance(1 - 0.1, war_ukraine, 1 - q_up - c_ukraine, trust, verification)"'
    assert text.count(old) == 1
    path = tmp_path / "alaska.toml"
    path.write_text(text.replace(old, old.replace("trust", math_bold("trust"))), "utf-8")
    completed = run_cli("validate", str(path))
    assert_one_located_message(completed, f"{path}: outcomes.")
    assert f"{math_bold('trust')!r} is not 'trust'" in completed.stderr


def test_a_look_alike_in_a_frontier_coefficient_is_refused():
    text = (EXPERIMENTS / "ceasefire_sweep.toml").read_text("utf-8")
    text = text.replace('R = "r_north"', f'R = "{fullwidth("r_north")}"')
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(text, source="x.toml", base=EXPERIMENTS)
    (problem,) = caught.value.problems
    assert problem.location == "frontiers[0].coefficients.R"
    assert "is not 'r_north': names must be ASCII" in problem.message
