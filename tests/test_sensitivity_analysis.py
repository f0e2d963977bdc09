"""Global sensitivity of an experiment (sensitivity.analysis) on toy scenarios with known answers.

The toy arms race: a deal (both restrain) is an equilibrium iff x >= 1 (the gain from arming
on a restraining rival is 4 - x against 3 from the treaty); y and z only add to the treaty's
payoffs. So for ``deal_is_equilibrium`` x has S = S_T = 1 and y, z have 0; with x fixed above
1 the welfare is 6 + y + z, whose variance shares are those of y ~ U(0, 0.5) and z ~ U(0, 1).
Oracles: closed forms, scipy's Sobol' engine and inverse CDFs, and a per-point pure-equilibrium
solve; never the code under test.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from scipy.stats import qmc

from negotiation_sim import load_scenario, solve
from negotiation_sim.errors import InputError, RunError
from negotiation_sim.sensitivity.analysis import (
    DEFAULT_SAMPLES,
    describe,
    sensitivity_experiment,
    sobol,
)
from negotiation_sim.sweep import load_experiment

#: Two states restrain or arm; the four outcomes are named, their payoffs set by each scenario.
TWO_STATES = """\
[[actors]]
id = "a"
name = "A"
options = [{ id = "restrain", description = "r" }, { id = "arm", description = "a" }]
[[actors]]
id = "b"
name = "B"
options = [{ id = "restrain", description = "r" }, { id = "arm", description = "a" }]
[[profiles]]
a = "restrain"
b = "restrain"
outcome = "treaty"
[[profiles]]
a = "arm"
b = "arm"
outcome = "arms_race"
[[profiles]]
a = "arm"
b = "*"
outcome = "a_ahead"
[[profiles]]
a = "*"
b = "arm"
outcome = "b_ahead"
"""

TOY = (
    """\
format_version = 1
[scenario]
title = "Toy arms race"
no_deal = "arms_race"
[parameters.x]
default = 0.5
range = [0.0, 2.0]
prior = "uniform(0, 2)"
description = "how much arming on a restraining rival is worth less than 4"
[parameters.y]
default = 0.1
range = [0.0, 0.5]
prior = "uniform(0, 0.5)"
description = "a's extra gain from the treaty"
[parameters.z]
default = 0.2
range = [0.0, 1.0]
prior = "uniform(0, 1)"
description = "b's extra gain from the treaty"
[parameters.w]
default = 0.3
range = [0.0, 1.0]
description = "no prior: never sampled"
[outcomes.treaty]
label = "deal: both restrain"
payoffs = { a = "3 + y", b = "3 + z" }
[outcomes.arms_race]
label = "no deal: both arm"
payoffs = { a = 1, b = 1 }
[outcomes.a_ahead]
label = "A arms, B restrains"
payoffs = { a = "4 - x + y", b = 0 }
[outcomes.b_ahead]
label = "B arms, A restrains"
payoffs = { a = 0, b = "4 - x + z" }
"""
    + TWO_STATES
)

EXPERIMENT = """\
format_version = 1
[experiment]
scenario = "toy.toml"
seed = 3
chunk_size = {chunk}
[axes.{axis}]
values = [{value}]
{extra}
"""

# Matching pennies unless q > 1/2, when (arm, restrain) is the only pure equilibrium: welfare
# (2 q + 1 there) is undefined for q < 1/2. r does nothing.
PENNIES = (
    """\
format_version = 1
[scenario]
title = "Pennies"
no_deal = "arms_race"
[parameters.q]
default = 0.8
range = [0.0, 1.0]
prior = "uniform(0.3, 1)"
description = "a's gain from arming alone"
[parameters.r]
default = 0.5
range = [0.0, 1.0]
prior = "uniform(0, 1)"
description = "nothing"
[outcomes.treaty]
label = "deal"
payoffs = { a = 1, b = 0 }
[outcomes.arms_race]
label = "no deal"
payoffs = { a = 1, b = 0 }
[outcomes.a_ahead]
label = "A ahead"
payoffs = { a = "2 * q", b = 1 }
[outcomes.b_ahead]
label = "B ahead"
payoffs = { a = 0, b = 1 }
"""
    + TWO_STATES
)

N = 2**9


def toy_experiment(
    tmp_path: Path, *, chunk: int = 1000, extra: str = "", scenario: str = TOY, axis: str = "x"
):
    """The toy's experiment: a sweep of ``axis`` (at its default), ``extra`` TOML added."""
    (tmp_path / "toy.toml").write_text(scenario)
    path = tmp_path / f"toy_experiment_{chunk}.toml"
    value = load_scenario(tmp_path / "toy.toml").parameters[axis].default
    path.write_text(EXPERIMENT.format(chunk=chunk, extra=extra, axis=axis, value=value))
    return load_experiment(path)


def contains(interval: np.ndarray, value: float, slack: float = 0.0) -> bool:
    return bool(interval[0] - slack <= value <= interval[1] + slack)


# -- the derived experiment ---------------------------------------------------------------------


def test_the_derived_experiment_samples_every_prior_not_fixed_and_its_axes(tmp_path):
    spec = toy_experiment(tmp_path, extra="[fixed]\nz = 0.4")
    derived = sensitivity_experiment(spec, samples=64)
    assert derived.axes == () and derived.frontiers == ()
    assert derived.design.kind == "saltelli" and derived.design.samples == 64
    # x is the swept axis (sampled from its prior), z is fixed, w has no prior.
    assert derived.design.names == ("x", "y")
    assert [str(p) for p in derived.design.priors] == ["uniform(0, 2)", "uniform(0, 0.5)"]
    assert derived.n_points == 64 * 4
    assert derived.fingerprint != spec.fingerprint
    assert sensitivity_experiment(spec).design.samples == DEFAULT_SAMPLES
    own = replace(spec, design=replace(derived.design, samples=128))
    assert sensitivity_experiment(own).design.samples == 128


@pytest.mark.parametrize(
    ("samples", "message"),
    [(100, "power of two, got 100 (try 64 or 128)"), (1, "expected 2 to"), (2.0, "whole number")],
)
def test_bad_sample_sizes_are_located(tmp_path, samples, message):
    spec = toy_experiment(tmp_path)
    with pytest.raises(InputError) as caught:
        sensitivity_experiment(spec, samples=samples)
    (problem,) = caught.value.problems
    assert problem.location == "samples" and message in problem.message


def test_nothing_to_sample_is_located_at_the_priors(tmp_path):
    spec = toy_experiment(tmp_path, extra="[fixed]\nx = 1.0\ny = 0.1\nz = 0.2", axis="w")
    with pytest.raises(InputError, match="priors: no parameter that is not fixed has a prior"):
        sensitivity_experiment(spec)


# -- the rows the runner computes ---------------------------------------------------------------


def test_the_runs_rows_are_saltelli_matrices_of_the_sobol_base_through_the_priors(tmp_path):
    import xarray as xr

    from negotiation_sim.sensitivity import saltelli_matrices
    from negotiation_sim.sweep.design import saltelli_base

    spec = toy_experiment(tmp_path, chunk=333)
    out = tmp_path / "run"
    sobol(spec, samples=64, n_bootstrap=10, out=out)
    with xr.open_dataset(out / "results.nc", engine="scipy") as ds:
        rows = np.column_stack([ds[f"input_{n}"].values for n in ("x", "y", "z")])
        deal = ds["deal_is_equilibrium"].sel(format="all").values
    a, b, ab = saltelli_matrices(saltelli_base(64, 3, seed=3))
    ppfs = [stats.uniform(0, 2).ppf, stats.uniform(0, 0.5).ppf, stats.uniform(0, 1).ppf]
    unit = np.vstack([a, b, *ab])
    expected = np.column_stack([ppf(unit[:, j]) for j, ppf in enumerate(ppfs)])
    np.testing.assert_allclose(rows, expected, rtol=0, atol=1e-12)
    # And scipy's own Sobol' engine gives the base (rng= keyword, scrambled).
    np.testing.assert_array_equal(
        saltelli_base(64, 3, seed=3), qmc.Sobol(6, scramble=True, rng=3).random(64)
    )
    np.testing.assert_array_equal(deal, rows[:, 0] >= 1.0)


# -- indices against closed forms ---------------------------------------------------------------


def test_a_threshold_on_one_input_gives_it_every_index(tmp_path):
    spec = toy_experiment(tmp_path)
    result = sobol(spec, samples=N, n_bootstrap=300)
    assert result.names == ("x", "y", "z") and result.format == "all"
    first, total = result.sobol.first, result.sobol.total
    assert contains(result.sobol.first_interval[0], 1.0, 0.02)
    assert contains(result.sobol.total_interval[0], 1.0, 0.02)
    # y and z never change the outcome: their estimates are exactly zero.
    assert first[1:].tolist() == [0.0, 0.0] and total[1:].tolist() == [0.0, 0.0]
    assert abs(first[0] - 1) < 0.1 and abs(total[0] - 1) < 0.1
    assert result.share == pytest.approx(0.5, abs=0.05)  # P(x >= 1) = 1/2
    assert result.dropped == 0
    # The selected equilibrium is the treaty exactly when it is one: P(deal) is the same 0/1.
    probability = sobol(spec, metric="deal_probability", samples=N, n_bootstrap=300)
    np.testing.assert_array_equal(probability.sobol.total, result.sobol.total)
    assert probability.prim is None and probability.tornado is not None


def test_welfare_with_a_threshold_matches_its_closed_form_indices(tmp_path):
    # W = 2 + 1{x >= 1} (4 + y + z): V = E[I^2 (4+Y+Z)^2] - (E[I] E[4+Y+Z])^2 (module docstring).
    vy, vz, mean = 0.25 / 12, 1 / 12, 4.75
    v = 0.5 * (mean**2 + vy + vz) - 0.25 * mean**2
    expected_first = [0.25 * mean**2 / v, 0.25 * vy / v, 0.25 * vz / v]
    expected_total = [1 - 0.25 * (vy + vz) / v, 0.5 * vy / v, 0.5 * vz / v]
    result = sobol(toy_experiment(tmp_path), metric="welfare", samples=2**10, n_bootstrap=300)
    for i in range(3):
        assert contains(result.sobol.first_interval[i], expected_first[i], 0.01), i
        assert contains(result.sobol.total_interval[i], expected_total[i], 0.01), i


def test_a_linear_welfare_splits_its_variance_by_the_inputs_variances(tmp_path):
    # x fixed above 1: the treaty is always chosen, welfare = 6 + y + z, surplus_a = 2 + y.
    spec = toy_experiment(tmp_path, extra="[fixed]\nx = 1.5", axis="y")
    result = sobol(spec, metric="welfare", samples=2**10, n_bootstrap=300)
    assert result.names == ("y", "z")
    for i, share in enumerate([0.2, 0.8]):  # Var y : Var z = 1 : 4
        assert contains(result.sobol.first_interval[i], share, 0.01)
        assert contains(result.sobol.total_interval[i], share, 0.01)
    surplus = sobol(spec, metric="surplus", actor="a", samples=256, n_bootstrap=100)
    assert surplus.metric == "surplus[a]"
    assert surplus.sobol.first[1] == 0.0 and surplus.sobol.total[1] == 0.0
    # y alone moves it: S_y = S_Ty = 1.
    assert contains(surplus.sobol.first_interval[0], 1.0)
    assert contains(surplus.sobol.total_interval[0], 1.0, 0.01)
    assert surplus.prim is None and surplus.share is None


# -- tornado and PRIM ---------------------------------------------------------------------------


def brute_force_welfare(scenario, params):
    """The largest total payoff over the pure equilibria of one game (solved on its own)."""
    game = scenario.game(params)
    totals = [float(np.sum(e.payoffs)) for e in solve(game, "pure").equilibria]
    return max(totals)


def test_tornado_ends_are_the_priors_quantiles_and_brute_force_values(tmp_path):
    spec = toy_experiment(tmp_path)
    scenario = load_scenario(tmp_path / "toy.toml")
    result = sobol(spec, metric="welfare", samples=64, n_bootstrap=10)
    moved = result.tornado
    assert moved is not None and moved.names == ("x", "y", "z")
    priors = [stats.uniform(0, 2), stats.uniform(0, 0.5), stats.uniform(0, 1)]
    np.testing.assert_allclose(moved.low_inputs, [p.ppf(0.05) for p in priors], atol=1e-12)
    np.testing.assert_allclose(moved.high_inputs, [p.ppf(0.95) for p in priors], atol=1e-12)
    baseline = {"x": 0.5, "y": 0.1, "z": 0.2}  # the scenario's defaults
    assert moved.baseline == pytest.approx(brute_force_welfare(scenario, baseline))
    for i, name in enumerate(("x", "y", "z")):
        for end, values in ((moved.low_inputs, moved.low), (moved.high_inputs, moved.high)):
            point = {**baseline, name: end[i]}
            assert values[i] == pytest.approx(brute_force_welfare(scenario, point)), point


def test_prim_recovers_the_threshold(tmp_path):
    result = sobol(toy_experiment(tmp_path), samples=2**10, n_bootstrap=10)
    boxes = result.prim
    assert boxes is not None
    lower, upper = boxes.box()
    assert 0.8 <= lower[0] <= 1.0  # x >= about 1 ...
    assert boxes.coverage[boxes.chosen] == 1.0 and boxes.density[boxes.chosen] >= 0.9
    np.testing.assert_array_equal(lower[1:], boxes.lower[0, 1:])  # ... and nothing on y, z
    np.testing.assert_array_equal(upper, boxes.upper[0])
    # The first pure box starts at the threshold, within one peel of alpha = 5% of its points.
    pure = int(np.flatnonzero(boxes.density == 1.0)[0])
    assert 1.0 <= boxes.lower[pure, 0] <= 1.1 and boxes.coverage[pure] >= 0.95
    text = describe(result)
    prim_line = next(line for line in text.splitlines() if line.startswith("PRIM"))
    assert "when x >= 0." in prim_line and " y " not in prim_line and " z " not in prim_line
    assert "the box holds 100% of all deal draws" in prim_line


# -- undefined and constant metrics -------------------------------------------------------------


def test_rows_without_a_pure_equilibrium_are_dropped_and_counted(tmp_path):
    import xarray as xr

    spec = toy_experiment(tmp_path, scenario=PENNIES, axis="q")
    out = tmp_path / "run"
    result = sobol(spec, metric="welfare", samples=N, n_bootstrap=100, out=out)
    with xr.open_dataset(out / "results.nc", engine="scipy") as ds:
        q = ds["input_q"].values
    # Base row j needs q >= 1/2 in A_j and B_j (A_B^q takes q from B, A_B^r from A).
    assert result.dropped == int(np.sum((q[:N] < 0.5) | (q[N : 2 * N] < 0.5)))
    assert 0 < result.dropped < N // 2
    assert contains(result.sobol.first_interval[0], 1.0) and result.sobol.total[1] == 0.0
    assert result.tornado is None and "undefined" in result.tornado_note  # q's 5% end < 1/2
    assert f"{result.dropped:,} base rows left out" in describe(result)


def test_a_metric_undefined_in_most_rows_suggests_the_logit_solver(tmp_path):
    extra = '[priors]\nq = "uniform(0, 1)"'
    spec = toy_experiment(tmp_path, scenario=PENNIES, extra=extra, axis="q")
    with pytest.raises(InputError) as caught:
        sobol(spec, metric="welfare", samples=64, n_bootstrap=10)
    (problem,) = caught.value.problems
    assert problem.location == "metric" and 'solver = "pure+logit"' in problem.message


def test_a_constant_metric_is_refused_with_a_located_reason(tmp_path):
    spec = toy_experiment(tmp_path, extra="[fixed]\nx = 1.5", axis="y")
    with pytest.raises(InputError) as caught:
        sobol(spec, samples=64, n_bootstrap=10)
    (problem,) = caught.value.problems
    assert problem.location == "metric"
    assert "deal_is_equilibrium (all) is true in every draw" in problem.message


@pytest.mark.parametrize(
    ("options", "location", "message"),
    [
        ({"metric": "welfar"}, "metric", "did you mean 'welfare'?"),
        ({"metric": "surplus"}, "actor", "name one of a, b"),
        ({"metric": "surplus", "actor": "c"}, "actor", "unknown actor 'c'"),
        ({"actor": "a"}, "actor", "not per actor"),
        ({"format": "al"}, "format", "did you mean 'all'?"),
    ],
)
def test_bad_arguments_are_located_before_anything_runs(tmp_path, options, location, message):
    with pytest.raises(InputError) as caught:
        sobol(toy_experiment(tmp_path), samples=64, out=tmp_path / "never", **options)
    (problem,) = caught.value.problems
    assert problem.location == location and message in problem.message
    assert not (tmp_path / "never").exists()


# -- reproducibility ----------------------------------------------------------------------------


def test_results_do_not_depend_on_the_chunking(tmp_path):
    runs = [
        sobol(toy_experiment(tmp_path, chunk=chunk), metric="welfare", samples=256, n_bootstrap=50)
        for chunk in (37, 10_000)
    ]
    one, two = runs
    for field in ("first", "total", "first_interval", "total_interval"):
        np.testing.assert_array_equal(getattr(one.sobol, field), getattr(two.sobol, field))
    assert one.tornado is not None and two.tornado is not None
    np.testing.assert_array_equal(one.tornado.high, two.tornado.high)
    assert describe(one) == describe(two)


def test_a_run_kept_in_a_directory_resumes_for_another_metric(tmp_path):
    spec = toy_experiment(tmp_path)
    out = tmp_path / "run"
    first = sobol(spec, samples=64, n_bootstrap=10, out=out)
    again = sobol(spec, metric="welfare", samples=64, n_bootstrap=10, out=out, resume=True)
    assert first.metric == "deal_is_equilibrium" and again.metric == "welfare"
    with pytest.raises(RunError, match="already holds a sweep"):
        sobol(spec, samples=64, n_bootstrap=10, out=out)  # a finished run is never replaced
    with pytest.raises(RunError, match="holds a different sweep"):  # another design: refused
        sobol(spec, samples=128, n_bootstrap=10, out=out, resume=True)


def test_describe_ranks_by_total_index_and_reads_it(tmp_path):
    result = sobol(toy_experiment(tmp_path), metric="welfare", samples=N, n_bootstrap=100)
    lines = describe(result).splitlines()
    assert lines[0].startswith("Sobol' indices of welfare (all): N = 512 base rows x 5 = 2,560")
    ranked = [line.split()[1] for line in lines[3:6]]
    assert ranked == ["x", "z", "y"]
    reading = next(line for line in lines if line.startswith("Reading"))
    assert reading.startswith("Reading: x matters most") and "below 0.01" in reading
    tornado_rows = lines[lines.index("") + 1 :]
    assert any(line.startswith("One at a time (tornado)") for line in tornado_rows)
