"""Dynamics experiments through the sweep runner, and the shipped ceasefire experiment.

Oracles: closed forms written here from the numbers of ``scenarios/ceasefire.toml`` and
``experiments/ceasefire_dynamics.toml`` (the deterrence line pi* of a rearming side, the false
alarms' survival (1 - alpha)^(2t)); the same run chunked differently, resumed, or on a process
pool. Monte Carlo comparisons use the run's fixed seed and a bound of 5.5 standard errors over
the whole family of comparisons (Bonferroni: at most about 1e-3 false alarms at 30,000
comparisons).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim.cli import main
from negotiation_sim.errors import InputError, ScenarioError
from negotiation_sim.sweep import load_experiment, parse_experiment, run_experiment

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "ceasefire_dynamics.toml"
# scenarios/ceasefire.toml's rearming type and war; the experiment's defaults
R, T, P, SANCTION = 0.6, 1.2, 0.3, 0.4
ALPHA, DELTA, ESCALATION, ROUNDS = 0.02, 0.9, 0.25, 24
Z = 5.5


def deterrence_line() -> float:
    """pi*: a rearming side facing grim trigger keeps the truce iff verification >= pi*."""
    caught = P - SANCTION
    kappa = DELTA * (1 - ALPHA) * (R - P) / (1 - DELTA * (1 - ALPHA) ** 2)
    return (T - R - kappa * (ESCALATION - ALPHA)) / (T - caught + kappa * (1 - ESCALATION))


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return run_experiment(load_experiment(EXPERIMENT), tmp_path_factory.mktemp("run"))


def test_the_frontier_drawn_is_the_deterrence_line(shipped):
    np.testing.assert_allclose(
        shipped["frontier_deterrence"].values, deterrence_line(), rtol=0, atol=1e-12
    )
    assert 0.05 < deterrence_line() < 0.06


def test_above_the_line_only_false_alarms_end_the_truce(shipped):
    pi = shipped["verification"].values
    above = shipped.sel(verification=pi[pi > deterrence_line() + 1e-9])
    rounds = shipped["round"].values
    expected = (1 - ALPHA) ** (2 * rounds)  # two trustworthy-looking sides, grim trigger
    z = (above["survival"] - expected) / above["survival_se"].where(above["survival_se"] > 0)
    assert float(np.nanmax(np.abs(z.values))) < Z
    duration = expected[:-1].sum()  # sum_{t=0}^{N-1} S(t)
    zd = (above["expected_duration"] - duration) / above["expected_duration_se"]
    assert float(np.abs(zd).max()) < Z
    assert float(above["breakdown"].sel(cause="detected_violation").max()) == 0.0


def test_below_the_line_rearming_sides_break_it_sooner(shipped):
    pi = shipped["verification"].values
    below = shipped.sel(verification=pi[pi < deterrence_line() - 1e-9], phases=1)
    duration = (1 - ALPHA) ** (2 * np.arange(ROUNDS))
    inside = below.sel(trust=below["trust"].values[below["trust"].values < 0.95])
    gap = (duration.sum() - inside["expected_duration"]) / inside["expected_duration_se"]
    assert float(gap.min()) > Z  # shorter at every trust that leaves rearmers likely enough
    # and shorter the less the sides trust each other (fewer rearming types as trust grows)
    lowest = below.isel(verification=0)["expected_duration"].values
    spread = float(below.isel(verification=0)["expected_duration_se"].max())
    assert np.all(np.diff(lowest) > -Z * spread)
    assert lowest[-1] - lowest[0] > 5.0


def _small(spec, trajectories=64):
    """The shipped experiment on a 3 x 3 x 2 grid with few ceasefires (fast)."""
    axes = tuple(replace(a, values=a.values[:: max(1, a.values.size // 3)][:3]) for a in spec.axes)
    return replace(spec, axes=axes, dynamics=replace(spec.dynamics, trajectories=trajectories))


def test_results_do_not_depend_on_chunking_resume_or_executor(tmp_path):
    spec = _small(load_experiment(EXPERIMENT))
    one = run_experiment(replace(spec, chunk_size=spec.n_points), tmp_path / "one")
    many = run_experiment(replace(spec, chunk_size=5), tmp_path / "many")
    for name in one.data_vars:
        np.testing.assert_array_equal(one[name].values, many[name].values, err_msg=name)
    with ProcessPoolExecutor(2) as pool:
        pooled = run_experiment(
            replace(spec, chunk_size=4), tmp_path / "pool", executor=pool, workers=2
        )
    for name in one.data_vars:
        np.testing.assert_array_equal(one[name].values, pooled[name].values, err_msg=name)
    # resume: drop half the finished chunks and finish the run
    chunks = sorted((tmp_path / "many" / "chunks").glob("*.done"))
    for flag in chunks[::2]:
        flag.unlink()
    resumed = run_experiment(replace(spec, chunk_size=5), tmp_path / "many", resume=True)
    for name in one.data_vars:
        np.testing.assert_array_equal(one[name].values, resumed[name].values, err_msg=name)
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=True,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = run_experiment(
            replace(spec, chunk_size=7), tmp_path / "dask", executor=client.get_executor()
        )
    for name in one.data_vars:
        np.testing.assert_array_equal(one[name].values, on_dask[name].values, err_msg=name)


def test_a_sampled_dynamics_sweep_keeps_its_draws_and_pictures_average_them(tmp_path):
    from negotiation_sim.plotting import plot_landscape, plot_survival
    from negotiation_sim.sensitivity import sobol

    text = EXPERIMENT.read_text(encoding="utf-8")
    text = text[: text.index("[[frontiers]]")]  # its x axis, trust, is drawn now
    text = text.replace("[axes.trust]\nrange = [0.0, 1.0]\npoints = 21\n", "")
    text = text.replace("points = 31", "points = 2").replace(
        "trajectories = 4000", "trajectories = 16"
    )
    text = text.replace("[dynamics]\n", '[design]\nkind = "sobol"\nsamples = 8\n\n[dynamics]\n')
    spec = parse_experiment(text, source="sampled.toml", base=ROOT / "experiments")
    ds = run_experiment(spec, tmp_path / "run")
    assert ds["expected_duration"].dims == ("verification", "phases", "sample")
    assert ds["input_trust"].size == 8 and "p_deal" not in ds
    ax = plot_landscape(ds, "expected_duration")
    assert "mean over 8 draws" in ax.figure.texts[0].get_text() + "".join(
        a.get_title() for a in ax.figure.axes
    )
    curve = plot_survival(ds, by="phases", select={"verification": 0.0})
    mean = ds["survival"].sel(verification=0.0, phases=1).mean("sample").values
    drawn = np.asarray(curve.get_lines()[0].get_ydata(), dtype=float)
    np.testing.assert_allclose(drawn, mean, rtol=0, atol=1e-15)
    with pytest.raises(InputError, match="dynamics experiment"):
        sobol(spec, samples=8)


def test_the_dataset_is_labelled(shipped):
    assert list(shipped["cause"].values) == [
        "detected_violation",
        "false_alarm",
        "escalation",
        "held",
    ]
    assert list(shipped["side"].values) == ["russia", "ukraine"]
    assert list(shipped["type_0"].values) == ["keeps", "rearms"]
    assert shipped["survival"].dims == ("trust", "verification", "phases", "round")
    np.testing.assert_allclose(shipped["breakdown"].sum("cause"), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(shipped["p_holding"], shipped["survival"].isel(round=-1))
    assert np.isnan(shipped["hazard"].isel(round=0)).all()
    assert "format" not in shipped.dims


def test_the_command_line_sweeps_and_draws_the_three_pictures(tmp_path, capsys):
    spec_text = EXPERIMENT.read_text(encoding="utf-8")
    small = spec_text.replace("points = 21", "points = 3").replace("points = 31", "points = 3")
    small = small.replace("trajectories = 4000", "trajectories = 64")
    path = tmp_path / "small.toml"
    path.write_text(small.replace("../scenarios/", str(ROOT / "scenarios") + "/"), "utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(path), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "18 points x 64 ceasefires each" in said and "expected duration from" in said
    pictures = {
        "duration.png": [],
        "survival.png": [
            "--metric",
            "survival",
            "--by",
            "phases",
            "--select",
            "trust=0.5",
            "--select",
            "verification=0.15",
        ],
        "trust.png": [
            "--metric",
            "posterior_trust",
            "--side",
            "ukraine",
            "--select",
            "trust=0.5",
            "--select",
            "verification=0",
            "--select",
            "phases=4",
        ],
    }
    for name, extra in pictures.items():
        assert main(["plot", str(out), "-o", str(tmp_path / name), *extra]) == 0
        assert (tmp_path / name).stat().st_size > 10_000
    capsys.readouterr()
    assert main(["plot", str(out), "-o", str(tmp_path / "x.png"), "--metric", "survival"]) == 2
    err = capsys.readouterr().err
    assert "select" in err and "fix" in err and "Traceback" not in err


def test_a_swept_parameter_cannot_take_a_dimension_name():
    text = EXPERIMENT.read_text(encoding="utf-8").replace(
        "[parameters.phases]", "[parameters.round]"
    )
    text = text.replace('phases = "phases"', 'phases = "round"').replace(
        "[axes.phases]", "[axes.round]"
    )
    with pytest.raises(ScenarioError) as caught:
        parse_experiment(text, source="x.toml", base=ROOT / "experiments")
    assert any(
        p.location == "axes.round" and "names a dimension of the results" in p.message
        for p in caught.value.problems
    )


def test_a_value_bad_only_at_some_point_stops_the_sweep_before_any_chunk(tmp_path):
    spec = _small(load_experiment(EXPERIMENT))
    axes = tuple(
        replace(a, values=np.array([1.0, 2.5])) if a.name == "phases" else a for a in spec.axes
    )
    with pytest.raises(ScenarioError) as caught:
        run_experiment(replace(spec, axes=axes, chunk_size=1), tmp_path / "run")
    assert any(
        p.location == "dynamics.phases" and "2.5" in p.message for p in caught.value.problems
    ), caught.value.problems
    assert not list(tmp_path.glob("run/chunks/*"))  # nothing was computed
