"""``negotiation-sim sensitivity``: the ranked table, pictures, and one located message for bad use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from negotiation_sim._files import written_by_us
from negotiation_sim.cli import main
from tests.test_sensitivity_analysis import PENNIES, toy_experiment

FAST = ["--samples", "128", "--bootstrap", "50"]


def experiment_file(tmp_path, **options):
    spec = toy_experiment(tmp_path, **options)
    return spec.source


def test_it_prints_the_ranked_table_the_tornado_and_the_prim_box(tmp_path, capsys):
    assert main(["sensitivity", experiment_file(tmp_path), *FAST]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Sobol' indices of deal_is_equilibrium (all): N = 128 base rows")
    header = lines.index(next(line for line in lines if line.lstrip().startswith("rank")))
    assert lines[header].split() == [
        "rank",
        "input",
        "S_i",
        "[low,",
        "high]",
        "S_Ti",
        "[low,",
        "high]",
    ]
    assert lines[header + 1].split()[:2] == ["1", "x"]  # the threshold's input ranks first
    assert "Reading: x matters most" in out
    assert "One at a time (tornado)" in out
    assert "PRIM: a deal is an equilibrium in" in out and "when x >= " in out


def test_an_actor_metric_and_a_kept_run(tmp_path, capsys):
    out_dir = tmp_path / "run"
    argv = ["sensitivity", experiment_file(tmp_path), *FAST, "--metric", "surplus"]
    assert main([*argv, "--actor", "b", "-o", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "Sobol' indices of surplus[b] (all)" in out and "PRIM" not in out
    assert (out_dir / "results.nc").is_file() and f"is in {out_dir}" in out
    assert main([*argv, "--actor", "a", "-o", str(out_dir), "--resume"]) == 0
    assert "surplus[a]" in capsys.readouterr().out


def test_plots_are_written_with_the_mark_and_kept_from_foreign_files(tmp_path, capsys):
    plots = tmp_path / "plots"
    experiment = experiment_file(tmp_path)
    assert main(["sensitivity", experiment, *FAST, "--plots", str(plots)]) == 0
    out = capsys.readouterr().out
    for name in ("sobol", "tornado", "prim"):
        assert f"wrote {plots / name}.png" in out
        assert written_by_us(plots / f"{name}.png")
    (plots / "prim.png").write_bytes(b"someone's picture")
    assert main(["sensitivity", experiment, *FAST, "--plots", str(plots)]) == 2
    assert "prim.png" in capsys.readouterr().err
    assert (plots / "prim.png").read_bytes() == b"someone's picture"  # checked before the run


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--metric", "welfar"], "--metric: unknown metric 'welfar' (did you mean 'welfare'?)"),
        (["--metric", "surplus"], "--actor: surplus is per actor: name one of a, b"),
        (["--metric", "payoff", "--actor", "bb"], "--actor: unknown actor 'bb'"),
        (["--format", "al"], "--format: the experiment measures no format 'al'"),
        (["--samples", "100"], "--samples: a Saltelli design needs a power of two, got 100"),
    ],
)
def test_bad_options_exit_2_with_one_located_message(tmp_path, capsys, options, message):
    experiment = experiment_file(tmp_path)
    assert main(["sensitivity", experiment, "--bootstrap", "10", *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"negotiation-sim: error: {experiment}: {message}"), err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_constant_metric_and_nothing_to_sample_are_located(tmp_path, capsys):
    fixed = experiment_file(tmp_path, extra="[fixed]\nx = 1.5", axis="y")
    assert main(["sensitivity", fixed, *FAST]) == 2
    err = capsys.readouterr().err
    assert f"{fixed}: --metric: deal_is_equilibrium (all) is true in every draw" in err
    nothing = experiment_file(tmp_path, extra="[fixed]\nx = 1.0\ny = 0.1\nz = 0.2", axis="w")
    assert main(["sensitivity", nothing, *FAST]) == 2
    assert f"{nothing}: priors: no parameter that is not fixed has a prior" in (
        capsys.readouterr().err
    )


def test_a_metric_undefined_in_most_rows_is_located(tmp_path, capsys):
    extra = '[priors]\nq = "uniform(0, 1)"'
    experiment = experiment_file(tmp_path, scenario=PENNIES, extra=extra, axis="q")
    assert main(["sensitivity", experiment, *FAST, "--metric", "welfare"]) == 2
    err = capsys.readouterr().err
    assert "--metric: welfare (all) is undefined (no pure equilibrium)" in err
    assert 'solver = "pure+logit"' in err


def test_plots_on_a_file_and_a_missing_experiment_exit_2(tmp_path, capsys):
    experiment = experiment_file(tmp_path)
    (tmp_path / "file").write_text("x")
    assert main(["sensitivity", experiment, *FAST, "--plots", str(tmp_path / "file")]) == 2
    assert "--plots: expected a directory" in capsys.readouterr().err
    assert main(["sensitivity", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_the_installed_command_exits_2_without_a_traceback(tmp_path):
    experiment = experiment_file(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "negotiation_sim.cli", "sensitivity", experiment, "--samples", "3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("negotiation-sim: error: ") and "--samples" in done.stderr


def test_map_draws_the_prim_box_over_the_sweeps_probability_map(tmp_path, capsys):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    experiment = tmp_path / "small.toml"
    experiment.write_text(
        "format_version = 1\n[experiment]\n"
        f'scenario = "{root / "scenarios" / "alaska_2025_reduced.toml"}"\n'
        'formats = ["multilateral"]\nmetrics = ["deal_is_equilibrium", "no_deal_is_equilibrium"]\n'
        '[design]\nkind = "sobol"\nsamples = 16\n'
        "[axes.trust]\nvalues = [0.2, 0.6, 1.0]\n[axes.verification]\nvalues = [0.0, 0.5, 1.0]\n",
        encoding="utf-8",
    )
    sweep = tmp_path / "sweep"
    assert main(["sweep", str(experiment), "-o", str(sweep)]) == 0
    plots = tmp_path / "plots"
    argv = ["sensitivity", str(experiment), *FAST, "--plots", str(plots), "--map", str(sweep)]
    assert main(argv) == 0
    assert f"wrote {plots / 'p_deal_prim.png'}" in capsys.readouterr().out
    assert written_by_us(plots / "p_deal_prim.png")
    # --map draws into --plots: without it, one located message and nothing run
    assert main(["sensitivity", str(experiment), *FAST, "--map", str(sweep)]) == 2
    error = capsys.readouterr().err
    assert "--map: draws into the --plots directory" in error and error.count("\n") == 1
