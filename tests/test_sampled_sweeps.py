"""Sampled sweeps (``[design]``, ``[priors]``): reproducible samples, inputs from the priors,
metrics equal to solving each sampled game, and P(deal) equal to a closed-form area.

Oracles: scipy.stats inverse CDFs and :func:`negotiation_sim.sensitivity.saltelli_matrices` on
:mod:`negotiation_sim.sweep.design`'s unit rows (the inputs); the brute-force
:func:`tests.oracles.landscape_point` (the metrics); integrals done by hand (P(deal)); scipy's
``binomtest(...).proportion_ci(method="wilson")`` (the intervals). Monte Carlo tests fix their
seeds and state their confidence.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from scipy import stats

from negotiation_sim.cli import main
from negotiation_sim.errors import ScenarioError
from negotiation_sim.sensitivity import saltelli_matrices
from negotiation_sim.sweep import (
    Experiment,
    compute_chunk,
    landscape_points,
    parse_experiment,
    run_experiment,
)
from negotiation_sim.sweep import run as runner_module
from negotiation_sim.sweep import sampling as sampling_module
from negotiation_sim.sweep.chunk import tasks
from negotiation_sim.sweep.design import saltelli_base, unit_samples
from tests.oracles import landscape_point

ROOT = Path(__file__).resolve().parents[1]
CEASEFIRE = ROOT / "tests" / "data" / "experiments" / "ceasefire.toml"
KINDS = ("monte_carlo", "latin_hypercube", "sobol", "saltelli")

#: The sampled parameters of the ceasefire experiments below, with their priors as scipy
#: distributions written out by hand (beta rescaled to r_south's range [-10, 10]).
PRIORS = {
    "verification": ("uniform(0, 1)", stats.uniform(0.0, 1.0)),
    "r_north": ("uniform(2, 4)", stats.uniform(2.0, 2.0)),
    "p_south": ("triangular(0, 0.5, 1)", stats.triang(0.5, loc=0.0, scale=1.0)),
    "r_south": ("beta(2, 5)", stats.beta(2.0, 5.0, loc=-10.0, scale=20.0)),
}


def ceasefire_experiment(
    kind: str,
    samples: int = 4,
    *,
    seed: int = 11,
    chunk_size: int = 7,
    axes: str = "[axes.trust]\nvalues = [0.3, 0.8]\n",
    sample: tuple[str, ...] = ("verification", "r_north", "p_south", "r_south"),
) -> Experiment:
    """A sampled experiment over the ceasefire assurance game (tests/data/experiments)."""
    priors = "".join(f'{name} = "{text}"\n' for name, (text, _) in PRIORS.items())
    text = (
        f'format_version = 1\n[experiment]\nscenario = "{CEASEFIRE}"\nseed = {seed}\n{axes}'
        f'[design]\nkind = "{kind}"\nsamples = {samples}\nsample = {json.dumps(list(sample))}\n'
        f"[priors]\n{priors}"
    )
    # The chunk size is not in the text: experiments of any chunking have the same text.
    return replace(parse_experiment(text, source="sampled.toml"), chunk_size=chunk_size)


def assert_same_results(got: xr.Dataset, reference: xr.Dataset) -> None:
    """Bit for bit: every variable, coordinate and attribute but the timings."""
    assert got.drop_attrs().identical(reference.drop_attrs())
    for key in set(got.attrs) | set(reference.attrs):
        if key != "timings":
            assert np.array_equal(got.attrs[key], reference.attrs[key]), key
    for variable in got.variables:  # drop_attrs dropped the variables' attributes too
        assert got[variable].attrs.keys() == reference[variable].attrs.keys(), variable
        for key, value in reference[variable].attrs.items():
            assert np.array_equal(got[variable].attrs[key], value), (variable, key)


# -- 1. reproducibility ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, xr.Dataset]:
    """Each kind run in this process in one chunk (the whole design)."""
    out = tmp_path_factory.mktemp("sampled")
    return {
        kind: run_experiment(
            replace(ceasefire_experiment(kind), chunk_size=10_000), out / kind, progress=False
        )
        for kind in KINDS
    }


@pytest.mark.parametrize("kind", KINDS)
def test_chunk_size_does_not_change_the_samples_or_the_results(kind, references, tmp_path):
    spec = ceasefire_experiment(kind)
    reference = references[kind]
    assert reference.sizes["sample"] == spec.design.rows
    for size in (1, 7):
        got = run_experiment(replace(spec, chunk_size=size), tmp_path / str(size), progress=False)
        assert json.loads(got.attrs["timings"])["chunks"] == math.ceil(spec.n_points / size)
        assert_same_results(got, reference)


def test_a_process_pool_gives_the_same_results(references, tmp_path):
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        for kind in KINDS:
            spec = ceasefire_experiment(kind, chunk_size=3)
            got = run_experiment(spec, tmp_path / kind, executor=pool, workers=2, progress=False)
            assert_same_results(got, references[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_an_interrupted_sampled_sweep_resumes_to_the_same_results(
    kind, references, tmp_path, monkeypatch
):
    spec = ceasefire_experiment(kind, chunk_size=3)
    real = runner_module.compute_chunk
    calls: list[int] = []

    def interrupted(task):
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C during the third chunk
        calls.append(task.index)
        return real(task)

    monkeypatch.setattr(runner_module, "compute_chunk", interrupted)
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        run_experiment(spec, out, progress=False)
    assert len(list(out.glob("chunks/*.done"))) == 2
    monkeypatch.setattr(runner_module, "compute_chunk", real)
    resumed = run_experiment(spec, out, resume=True, progress=False)
    assert json.loads(resumed.attrs["timings"])["chunks_resumed"] == 2
    assert_same_results(resumed, references[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_other_seeds_draw_other_samples(kind):
    one, other = ceasefire_experiment(kind, seed=11), ceasefire_experiment(kind, seed=12)
    a, b = one.design.inputs(seed=one.seed), other.design.inputs(seed=other.seed)
    assert a.shape == b.shape
    # Continuous priors: two seeds sharing a value has probability zero.
    assert not np.isin(a, b).any()
    assert np.array_equal(a, one.design.inputs(seed=11))


def spy_rows(monkeypatch) -> list[int]:
    """Record how many rows every unit-design call of the sampled designs computes."""
    sizes: list[int] = []

    def wrap(real):
        def spied(*args, start=0, stop=None, **kwargs):
            out = real(*args, start=start, stop=stop, **kwargs)
            sizes.append(out.shape[0])
            return out

        return spied

    monkeypatch.setattr(sampling_module, "unit_samples", wrap(unit_samples))
    monkeypatch.setattr(sampling_module, "saltelli_base", wrap(saltelli_base))
    return sizes


@pytest.mark.parametrize("kind", ["latin_hypercube", "saltelli"])
def test_a_chunk_across_two_grid_points_computes_only_its_own_rows(kind, monkeypatch):
    """Rows of a chunk run on from one grid point to the next (row r, then row 0): the chunk
    computes those rows, not every row between (which was the whole design)."""
    spec = replace(ceasefire_experiment(kind, samples=2**12, sample=("verification",)))
    rows = spec.design.rows  # 4096, or 3 x 4096 for Saltelli (d = 1)
    whole = spec.design.inputs(seed=spec.seed)
    spec = replace(spec, chunk_size=100)
    task = next(t for t in tasks(spec) if t.start < rows < t.stop)  # straddles the grid points
    sizes = spy_rows(monkeypatch)
    got = compute_chunk(task)
    assert 0 < sum(sizes) <= 100, sizes
    expected_rows = np.arange(task.start, task.stop) % rows
    trust = np.where(np.arange(task.start, task.stop) < rows, 0.3, 0.8)
    direct = landscape_points(
        spec.scenario, {"trust": trust, "verification": whole[expected_rows, 0]}
    )
    assert np.array_equal(got["deal_is_equilibrium"][0], direct.deal_is_equilibrium)
    # Rows 4090..4101: past the design's end (LHS), or across Saltelli's blocks A and B
    # within one grid point, whose base rows 4090..4095 and 0..5 are all it needs.
    sizes.clear()
    part = spec.design.cycle(seed=spec.seed, first=4090, count=12)
    assert np.array_equal(part, whole[(4090 + np.arange(12)) % rows]) and sum(sizes) <= 12


# -- 2. the inputs are the priors' draws; the metrics are the sampled games' ------------------


def expected_inputs(kind: str, n: int, seed: int, names: tuple[str, ...]) -> np.ndarray:
    """The design's unit rows through scipy's inverse CDFs, column by column."""
    d = len(names)
    if kind == "saltelli":
        a, b, ab = saltelli_matrices(saltelli_base(n, d, seed=seed))
        unit = np.vstack([a, b, *ab])
    else:
        unit = unit_samples(kind, n, d, seed=seed)
    return np.column_stack([PRIORS[name][1].ppf(unit[:, j]) for j, name in enumerate(names)])


@pytest.mark.parametrize("kind", KINDS)
def test_sampled_inputs_are_the_priors_inverse_cdfs_of_the_design(kind, references):
    ds = references[kind]
    names = tuple(PRIORS)
    assert json.loads(ds.attrs["sampled"]) == list(names)
    expected = expected_inputs(kind, 4, 11, names)
    assert ds.sizes["sample"] == expected.shape[0]
    for j, name in enumerate(names):
        variable = ds[f"input_{name}"]
        assert variable.dims == ("sample",) and variable.attrs["prior"] == PRIORS[name][0]
        np.testing.assert_allclose(variable.values, expected[:, j], rtol=1e-13, atol=0)


@pytest.mark.parametrize("kind", KINDS)
def test_each_sampled_point_is_the_game_at_its_inputs(kind, references):
    """Every (grid point, sample): the recorded metrics equal solving the game at the sampled
    values by brute force (tests.oracles), and one batched landscape_points call."""
    ds = references[kind].isel(format=0)
    spec = ceasefire_experiment(kind)
    inputs = {name: ds[f"input_{name}"].values for name in PRIORS}
    for trust in ds.trust.values:
        at = ds.sel(trust=trust)
        points = {"trust": np.full(ds.sizes["sample"], trust), **inputs}
        batched = landscape_points(spec.scenario, points)
        assert np.array_equal(at["deal_is_equilibrium"].values, batched.deal_is_equilibrium)
        np.testing.assert_array_equal(at["surplus"].values, batched.surplus)
        for s in range(ds.sizes["sample"]):
            params = {name: float(values[s]) for name, values in points.items()}
            oracle = landscape_point(spec.scenario, None, params)
            point = at.isel(sample=s)
            assert bool(point["deal_is_equilibrium"]) == oracle["deal_is_equilibrium"]
            assert bool(point["no_deal_is_equilibrium"]) == oracle["no_deal_is_equilibrium"]
            assert int(point["n_equilibria"]) == oracle["n_equilibria"]
            _, payoffs, surplus = oracle["selected"][0]
            np.testing.assert_allclose(point["payoff"].values, payoffs, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(point["surplus"].values, surplus, rtol=1e-12, atol=1e-12)


def test_fixing_a_sampled_parameter_samples_the_others():
    spec = ceasefire_experiment("monte_carlo")
    fixed = spec.with_fixed({"r_north": 3.0})
    assert fixed.design.names == ("verification", "p_south", "r_south")
    assert dict(fixed.fixed) == {"r_north": 3.0}
    names = fixed.design.names
    expected = expected_inputs("monte_carlo", 4, 11, names)
    np.testing.assert_allclose(fixed.design.inputs(seed=11), expected, rtol=1e-13, atol=0)


def test_set_fixing_every_sampled_parameter_is_one_located_message(tmp_path, capsys):
    path = tmp_path / "one.toml"
    path.write_text(
        f'format_version = 1\n[experiment]\nscenario = "{CEASEFIRE}"\n'
        '[axes.trust]\nvalues = [0.5]\n[design]\nkind = "sobol"\nsamples = 4\n'
        '[priors]\nverification = "uniform(0, 1)"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["sweep", str(path), "-o", str(out), "--set", "verification=0.5"]) == 2
    printed, err = capsys.readouterr()
    assert printed == "" and err.count("negotiation-sim: error: ") == 1
    assert err.startswith(f"negotiation-sim: error: {path}: --set: every sampled parameter")
    assert not out.exists()


def test_a_sampled_design_without_axes_is_one_point_of_many_rows(tmp_path):
    spec = ceasefire_experiment("latin_hypercube", samples=16, axes="")
    assert spec.axes == () and spec.shape == () and spec.n_points == 16
    ds = run_experiment(spec, tmp_path / "run", progress=False)
    assert ds["deal_is_equilibrium"].dims == ("format", "sample")
    assert ds["p_deal"].dims == ("format",)
    assert ds["welfare_quantile"].dims == ("format", "quantile")
    deal = ds["deal_is_equilibrium"].values[0]
    assert float(ds["p_deal"][0]) == deal.sum() / 16


def test_too_many_points_are_refused_before_anything_is_drawn(monkeypatch):
    sizes = spy_rows(monkeypatch)
    with pytest.raises(ScenarioError) as caught:
        ceasefire_experiment(
            "monte_carlo", samples=2**24, axes="[axes.trust]\npoints = 3\nrange = [0.0, 1.0]\n"
        )
    (problem,) = caught.value.problems
    assert problem.location == "design.samples"
    assert "3 grid points x 16,777,216 rows = 50,331,648 points" in problem.message
    assert sizes == []


# -- 3. P(deal) on a toy scenario against the closed-form area ---------------------------------

#: Two sides either keep a deal or refuse it; the deal holds if both keep. Keeping pays 1 if
#: the other side honours it (probability ``trust``) and ``-cost`` if not; refusing, or being
#: refused, pays 0. Keeping is a best reply to keeping iff trust - (1 - trust) cost >= 0, i.e.
#:     trust >= cost / (1 + cost),
#: and refusing is always an equilibrium (a lone keeper gets the no-deal 0 too).
TOY = """\
format_version = 1
[scenario]
title = "Toy assurance game"
no_deal = "none"
[parameters.trust]
default = 0.5
range = [0.0, 1.0]
prior = "uniform(0, 1)"
description = "belief that the other side keeps the deal"
[parameters.cost]
default = 0.5
range = [0.0, 1.0]
prior = "uniform(0, 1)"
description = "what keeping costs when the other side refuses"
[[actors]]
id = "a"
name = "A"
options = [{ id = "keep", description = "keep" }, { id = "refuse", description = "refuse" }]
[[actors]]
id = "b"
name = "B"
options = [{ id = "keep", description = "keep" }, { id = "refuse", description = "refuse" }]
[outcomes.none]
label = "no deal"
payoffs = { a = "0", b = "0" }
[outcomes.deal]
label = "the deal holds"
payoffs = { a = "trust - (1 - trust) * cost", b = "trust - (1 - trust) * cost" }
[[profiles]]
a = "keep"
b = "keep"
outcome = "deal"
[[profiles]]
a = "*"
b = "*"
outcome = "none"
"""


def toy_experiment(tmp_path: Path, body: str) -> Experiment:
    (tmp_path / "toy.toml").write_text(TOY, encoding="utf-8")
    text = f'format_version = 1\n[experiment]\nscenario = "toy.toml"\nseed = 2026\n{body}'
    return parse_experiment(text, source="toy_experiment.toml", base=tmp_path)


def wilson(k: int, n: int, level: float) -> tuple[float, float]:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    return ci.low, ci.high


def test_p_deal_of_the_toy_is_the_exact_area_under_its_frontier(tmp_path):
    """P(trust >= cost / (1 + cost)) with both U(0, 1) is
    int_0^1 (1 - c / (1 + c)) dc = int_0^1 dc / (1 + c) = ln 2.
    With 20,000 Monte Carlo draws, ln 2 lies in the 99% Wilson interval for 99% of seeds."""
    spec = toy_experiment(tmp_path, '[design]\nkind = "monte_carlo"\nsamples = 20000\n')
    assert spec.design.names == ("trust", "cost")
    ds = run_experiment(spec, tmp_path / "run", progress=False)
    deal = int(ds["deal_is_equilibrium"].sum())
    low, high = wilson(deal, 20_000, 0.99)
    assert low <= math.log(2) <= high, (low, high)
    # The draws themselves: the deal holds exactly where the frontier says (ties have
    # probability zero).
    trust, cost = ds["input_trust"].values, ds["input_cost"].values
    np.testing.assert_array_equal(ds["deal_is_equilibrium"].values[0], trust >= cost / (1 + cost))
    # Refusing is always an equilibrium: "no deal is the only one" is "the deal is not one".
    assert float(ds["p_no_deal_only"][0]) == 1 - deal / 20_000
    assert float(ds["p_deal"][0]) == deal / 20_000
    np.testing.assert_allclose(
        [float(ds["p_deal_low"][0]), float(ds["p_deal_high"][0])],
        wilson(deal, 20_000, 0.95),
        rtol=1e-12,
    )


def test_p_deal_at_each_trust_is_the_conditional_probability_over_the_cost_prior(tmp_path):
    """A grid over trust, cost from beta(2, 2) (CDF 3x^2 - 2x^3) at each: P(deal | t) =
    P(cost <= t / (1 - t)) = F(min(1, t / (1 - t))). Six points, each at 99.9%: all six in
    their intervals with probability >= 99.4% (Bonferroni)."""
    spec = toy_experiment(
        tmp_path,
        "[axes.trust]\nvalues = [0.05, 0.1, 0.2, 0.3, 0.4, 0.6]\n"
        '[design]\nkind = "monte_carlo"\nsamples = 4000\n[priors]\ncost = "beta(2, 2)"\n',
    )
    assert spec.design.names == ("cost",)
    ds = run_experiment(spec, tmp_path / "run", progress=False)
    assert ds["p_deal"].dims == ("format", "trust")
    for t in ds.trust.values:
        x = min(1.0, t / (1 - t))
        exact = 3 * x**2 - 2 * x**3
        deal = int(ds["deal_is_equilibrium"].sel(trust=t).sum())
        low, high = wilson(deal, 4000, 0.999)
        assert low <= exact <= high, (t, exact, low, high)
        assert float(ds["p_deal"].sel(trust=t)[0]) == deal / 4000
    assert float(ds["p_deal"].sel(trust=0.6)[0]) == 1.0  # t / (1 - t) > 1: every cost


# -- the documentation ---------------------------------------------------------------------------


def test_the_experiment_reference_lists_every_key_and_design_kind():
    from negotiation_sim.sweep import spec as spec_module

    text = (ROOT / "docs" / "experiment-format.md").read_text(encoding="utf-8")
    section = text.split("## Sampled designs and priors", 1)[1].split("\n## ", 1)[0]
    for key in sampling_module._DESIGN_KEYS:
        assert f"| `{key}` |" in section, key
    for kind in sampling_module.DESIGN_KINDS:
        assert f"`{kind}`" in section, kind
    for key in spec_module._TOP_KEYS:
        assert f"`{key}`" in text or f"`[{key}]`" in text or f"`[[{key}]]`" in text, key
    for key in spec_module._EXPERIMENT_KEYS:
        assert f"| `{key}` |" in text, key
    assert f"{sampling_module.MAX_SAMPLES:,}" in section
