"""Experiment files: loading, validation (every problem located), frontiers, the shipped ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from negotiation_sim import ScenarioError
from negotiation_sim.cli import main
from negotiation_sim.errors import RunError
from negotiation_sim.sweep import load_experiment, parse_experiment, run_experiment

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "experiments"
CEASEFIRE = DATA / "ceasefire_sweep.toml"
SHIPPED = sorted((ROOT / "experiments").glob("*.toml"))
ALASKA = ROOT / "scenarios" / "alaska_2025_reduced.toml"


def _spec_text(body: str) -> str:
    return f'format_version = 1\n[experiment]\nscenario = "ceasefire.toml"\n{body}'


# -- experiment files --------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_experiments_load(path):
    spec = load_experiment(path)
    assert (
        spec.n_points == int(np.prod([axis.values.size for axis in spec.axes])) * spec.design.rows
    )
    assert set(spec.formats) <= set(spec.scenario.formats) or spec.formats == ("all",)
    for axis in spec.axes:
        assert np.all(np.diff(axis.values) > 0)


def test_every_shipped_experiment_has_a_script_that_runs_it():
    for path in SHIPPED:
        script = path.with_suffix(".py")
        assert script.exists(), f"{script} is missing"
        assert path.name in script.read_text(encoding="utf-8")


BAD_EXPERIMENTS = [
    ("[axes.trust]\nrange = [0, 1]\npoints = 3\nstep = 2\n", "axes.trust.step", "unknown key"),
    ("[axes.trst]\nvalues = [0.1]\n", "axes.trst", "did you mean 'trust'"),
    ("[axes.trust]\nvalues = [0.1, 1.5]\n", "axes.trust", "outside the range of 'trust'"),
    ("[axes.trust]\nvalues = [0.5, 0.1]\n", "axes.trust.values", "strictly increasing"),
    ("[axes.trust]\nvalues = [0.5, nan]\n", "axes.trust.values[1]", "finite number"),
    ("[axes.trust]\nrange = [0, 1]\npoints = 0\n", "axes.trust.points", "whole number >= 1"),
    ("[axes.trust]\nrange = [1, 0]\npoints = 3\n", "axes.trust.range", "low <= high"),
    ("[axes.trust]\nrange = [0, 1]\n", "axes.trust", "missing 'points'"),
    ("[axes.trust]\nvalues = [0.1]\nrange = [0, 1]\npoints = 2\n", "axes.trust", "not both"),
    ("[axes.trust]\nvalues = [0.1]\n[fixed]\ntrust = 0.2\n", "axes.trust", "also in [fixed]"),
    (
        "[axes.trust]\nvalues = [0.1]\n[fixed]\nverification = 2.0\n",
        "fixed.verification",
        "outside",
    ),
    ("[axes.trust]\nvalues = [0.1]\n[fixed]\nbogus = 1.0\n", "fixed.bogus", "unknown parameter"),
    (
        "[axes.trust]\nvalues = [0.1]\n[fixed]\ntrust_x = true\n",
        "fixed.trust_x",
        "expected a number, got a boolean",
    ),
    ("[axes.trust]\nvalues = [0.1]\n[fixed]\nverification = inf\n", "fixed.verification", "finite"),
    ("", "axes", "at least one swept parameter"),
]


@pytest.mark.parametrize(("body", "location", "message"), BAD_EXPERIMENTS)
def test_bad_experiment_is_located(body, location, message):
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(_spec_text(body), source="bad.toml", base=DATA)
    assert any(p.location == location and message in p.message for p in caught.value.problems), (
        caught.value.problems
    )
    assert str(caught.value).startswith("bad.toml: ")


@pytest.mark.parametrize(
    ("head", "location", "message"),
    [
        ('solver = "mixed"', "experiment.solver", "unknown solver 'mixed'"),
        ('metrics = ["welfare", "wellfare"]', "experiment.metrics[1]", "did you mean 'welfare'"),
        ('formats = ["bilateral"]', "experiment.formats[0]", "unknown format"),
        ("chunk_size = 0", "experiment.chunk_size", "whole number >= 1"),
        ("seed = -1", "experiment.seed", "whole number >= 0"),
        ('titel = "x"', "experiment.titel", "did you mean 'title'"),
    ],
)
def test_bad_experiment_header_is_located(head, location, message):
    text = _spec_text(f"{head}\n[axes.trust]\nvalues = [0.1]\n")
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(text, source="bad.toml", base=DATA)
    assert any(p.location == location and message in p.message for p in caught.value.problems)


def test_every_problem_of_a_file_is_reported_at_once():
    text = _spec_text(
        'solver = "exact"\n[axes.trust]\nvalues = [2.0]\n[axes.verification]\npoints = 3\n'
        "[fixed]\nnope = 1\n"
    )
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(text, source="bad.toml", base=DATA)
    locations = {p.location for p in caught.value.problems}
    assert {"experiment.solver", "axes.trust", "axes.verification", "fixed.nope"} <= locations


@pytest.mark.parametrize(
    ("frontier", "location", "message"),
    [
        ('model = "trust"', "frontiers[0].model", "unknown model 'trust'"),
        ('x = "rho"', "frontiers[0].x", "not a sweep axis"),
        (
            'coefficients = { R = "r_north + trust", T = "p_north", P = "p_north", S = "s_north" }',
            "frontiers[0].coefficients.R",
            "must not depend on it",
        ),
        (
            'coefficients = { R = "r_north", T = "p_north", P = "p_north" }',
            "frontiers[0].coefficients",
            "missing 'S'",
        ),
        (
            'coefficients = { R = "r_nort", T = "p_north", P = "p_north", S = "s_north" }',
            "frontiers[0].coefficients.R",
            "r_north",
        ),
    ],
)
def test_bad_frontier_is_located(frontier, location, message):
    base = {
        "id": '"north"',
        "model": '"assurance"',
        "x": '"verification"',
        "y": '"trust"',
        "coefficients": '{ R = "r_north", T = "p_north", P = "p_north", S = "s_north" }',
    }
    key = frontier.split(" = ", 1)[0]
    base[key] = frontier.split(" = ", 1)[1]
    table = "\n".join(f"{k} = {v}" for k, v in base.items())
    text = _spec_text(
        f"[axes.trust]\nvalues = [0.1, 0.2]\n[axes.verification]\nvalues = [0.0]\n"
        f"[[frontiers]]\n{table}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(text, source="bad.toml", base=DATA)
    assert any(p.location == location and message in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_scenario_problems_are_reported_with_the_scenario_path(tmp_path):
    (tmp_path / "broken.toml").write_text("format_version = 1\n[scenario]\n", encoding="utf-8")
    text = 'format_version = 1\n[experiment]\nscenario = "broken.toml"\n[axes.x]\nvalues = [1]\n'
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(text, source="spec.toml", base=tmp_path)
    messages = [p.message for p in caught.value.problems if p.location == "experiment.scenario"]
    assert messages and all(str(tmp_path / "broken.toml") in m for m in messages)
    missing = text.replace("broken.toml", "absent.toml")
    with pytest.raises(ScenarioError, match="cannot read the file"):
        parse_experiment(missing, source="spec.toml", base=tmp_path)


def test_toml_syntax_error_keeps_line_and_column():
    with pytest.raises(ScenarioError) as caught:
        parse_experiment("[experiment\n", source="bad.toml")
    assert caught.value.problems[0].location.startswith("line 1")


def test_the_experiment_package_is_the_sweep_package():
    """negotiation_sim.experiment re-exports the sweep package's names for one release."""
    import negotiation_sim.experiment as old
    import negotiation_sim.sweep as new

    for name in old.__all__:
        assert getattr(old, name) is (RunError if name == "RunError" else getattr(new, name))


def test_cli_validate_reads_experiment_files(capsys):
    assert main(["validate", str(CEASEFIRE)]) == 0
    assert "943 points" in capsys.readouterr().out
    assert main(["plot", str(DATA / "nowhere"), "-o", "x.png"]) == 2
    assert "no such results file" in capsys.readouterr().err


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_experiment_scripts_run(path, tmp_path):
    """Each experiment's Python script runs the experiment and draws its landscape."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path.with_suffix(".py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    picture = module.main(tmp_path / path.stem)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ds = xr.load_dataset(tmp_path / path.stem / "results.nc")
    assert ds.attrs["experiment_text"] == path.read_text(encoding="utf-8")


def test_the_documented_example_loads_and_runs(tmp_path):
    """The complete example of docs/experiment-format.md, so the docs cannot rot."""
    docs = ROOT / "docs" / "experiment-format.md"
    section = docs.read_text(encoding="utf-8").split("## A complete example", 1)[1]
    text = section.split("```toml\n")[1].split("```")[0]
    spec = parse_experiment(text, source=str(docs), base=docs.parent)
    assert spec.shape == (21, 5) and spec.formats == ("bilateral", "multilateral")
    ds = run_experiment(spec, tmp_path / "run")
    assert set(ds.data_vars) == {
        "outcome",
        "deal_is_equilibrium",
        "welfare",
        "surplus",
        "frontier_kyiv_donetsk",
    }
    assert ds["frontier_kyiv_donetsk"].attrs["formats"] == "multilateral"
    # The summit's values (trust 0.2, verification 0): war, in both formats.
    at_summit = ds["deal_is_equilibrium"].sel(trust=0.2, verification=0.0)
    assert not at_summit.any()


def _alaska_frontier(axes: str, x: str, y: str, coefficients: str) -> str:
    return (
        f'format_version = 1\n[experiment]\nscenario = "{ALASKA}"\n{axes}'
        f'[[frontiers]]\nid = "kyiv"\nmodel = "assurance"\nx = "{x}"\ny = "{y}"\n'
        f"coefficients = {{ {coefficients} }}\n"
    )


def test_frontier_coefficients_name_the_scenarios_definitions():
    """war_ukraine and q_up are [definitions] of the Alaska scenario: a frontier written with
    them has the threshold of the formula written out."""
    from negotiation_sim.sweep.dataset import frontier_values

    axes = "[axes.trust]\nvalues = [0.5]\n[axes.verification]\nvalues = [0.0, 0.5, 1.0]\n"
    named = parse_experiment(
        _alaska_frontier(
            axes,
            "verification",
            "trust",
            'R = "0.9", T = "war_ukraine", P = "war_ukraine", S = "1 - q_up - c_ukraine"',
        )
    )
    spelled = parse_experiment(
        _alaska_frontier(
            axes,
            "verification",
            "trust",
            'R = "0.9", T = "1 - p - c_ukraine", P = "1 - p - c_ukraine", '
            'S = "1 - clip(p + rearm, 0, 1) - c_ukraine"',
        )
    )
    got = frontier_values(named, named.frontiers[0])[1]
    np.testing.assert_array_equal(got, frontier_values(spelled, spelled.frontiers[0])[1])
    # (1 - pi)(P - S) / ((R - T) + (1 - pi)(P - S)) at the defaults, written out here.
    p, c, rearm = (named.scenario.parameters[k].default for k in ("p", "c_ukraine", "rearm"))
    big_p, big_s = 1 - p - c, 1 - min(p + rearm, 1) - c
    pi = np.array([0.0, 0.5, 1.0])
    expected = (1 - pi) * (big_p - big_s) / ((0.9 - big_p) + (1 - pi) * (big_p - big_s))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_a_definition_that_uses_an_axis_of_the_picture_is_refused():
    """war_ukraine = 1 - p - c_ukraine: with p on the picture's y axis, it may not appear."""
    axes = "[axes.p]\nvalues = [0.3, 0.5]\n[axes.verification]\nvalues = [0.0]\n"
    text = _alaska_frontier(
        axes, "verification", "p", 'R = "0.9", T = "war_ukraine", P = "0.2", S = "0.1"'
    )
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(text, source="bad.toml")
    assert [(p.location, p.message) for p in caught.value.problems] == [
        (
            "frontiers[0].coefficients.T",
            "uses 'p', an axis of the picture: the threshold must not depend on it",
        )
    ]
    unknown = text.replace("war_ukraine", "war_ukrane")
    with pytest.raises(ScenarioError, match="war_ukraine"):  # did you mean
        parse_experiment(unknown, source="bad.toml")
