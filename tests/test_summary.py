"""The summaries of a sampled sweep (``negotiation_sim.sweep.summary``): probabilities with
Wilson intervals, means and quantiles over ``sample``.

Oracles: counts and means by hand, scipy's ``binomtest(...).proportion_ci(method="wilson")``
for the intervals, numpy's ``nanquantile``/``nanmean`` slice by slice for the spreads.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from scipy import stats

from negotiation_sim.sweep import parse_experiment, run_experiment
from negotiation_sim.sweep.summary import CONFIDENCE, QUANTILES, nan_quantiles, summarise

CEASEFIRE = Path(__file__).resolve().parent / "data" / "experiments" / "ceasefire.toml"


def wilson(k: int, n: int, level: float = CONFIDENCE) -> tuple[float, float]:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    return ci.low, ci.high


def synthetic(seed: int = 0, rows: int = 37) -> xr.Dataset:
    """A sampled sweep's metrics over (format 2, trust 3, sample rows[, actor 2]), with NaN
    welfare and surplus where there is no equilibrium, and one point with none at all."""
    rng = np.random.default_rng(seed)
    shape = (2, 3, rows)
    deal = rng.random(shape) < rng.random((2, 3, 1))  # a probability per grid point
    deal[0, 0] = False  # never a deal
    deal[1, 2] = True  # always a deal
    no_deal = rng.random(shape) < 0.5
    welfare = rng.normal(size=shape)
    welfare[rng.random(shape) < 0.2] = np.nan
    welfare[0, 1] = np.nan  # no draw with an equilibrium at this point
    surplus = rng.normal(size=(*shape, 2))
    surplus[np.isnan(welfare)] = np.nan
    dims = ("format", "trust", "sample")
    return xr.Dataset(
        {
            "deal_is_equilibrium": (dims, deal),
            "no_deal_is_equilibrium": (dims, no_deal),
            "welfare": (dims, welfare),
            "surplus": ((*dims, "actor"), surplus),
        },
        coords={"trust": [0.1, 0.5, 0.9], "sample": np.arange(rows)},
    )


def test_probabilities_are_shares_of_draws_with_scipys_wilson_intervals():
    ds = synthetic()
    out = summarise(ds)
    deal = ds["deal_is_equilibrium"].values
    only = ds["no_deal_is_equilibrium"].values & ~deal
    n = ds.sizes["sample"]
    for name, event in (("p_deal", deal), ("p_no_deal_only", only)):
        assert out[name].dims == ("format", "trust")
        for f in range(2):
            for t in range(3):
                k = int(event[f, t].sum())
                assert float(out[name][f, t]) == k / n
                low, high = wilson(k, n)
                assert float(out[f"{name}_low"][f, t]) == pytest.approx(low, rel=1e-12, abs=0)
                assert float(out[f"{name}_high"][f, t]) == pytest.approx(high, rel=1e-12, abs=0)
    # The edges: no deal at all starts at exactly 0, always a deal ends at exactly 1.
    assert float(out["p_deal_low"][0, 0]) == 0.0 and float(out["p_deal"][0, 0]) == 0.0
    assert float(out["p_deal_high"][1, 2]) == 1.0 and float(out["p_deal"][1, 2]) == 1.0
    assert "95%" in out["p_deal_low"].attrs["long_name"]


def nan_reference(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """numpy's nanmean and nanquantile, one slice at a time (NaN for an all-NaN slice)."""
    lead = data.shape[:-1]
    mean = np.full(lead, np.nan)
    quantiles = np.full((*lead, len(QUANTILES)), np.nan)
    for index in np.ndindex(*lead):
        row = data[index]
        if np.isnan(row).all():
            continue
        mean[index] = np.nanmean(row)
        quantiles[index] = np.nanquantile(row, QUANTILES)
    return mean, quantiles


def test_means_and_quantiles_are_numpys_over_the_draws_with_an_equilibrium():
    ds = synthetic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an all-NaN point must not warn
        out = summarise(ds)
    assert out["quantile"].values.tolist() == list(QUANTILES)
    welfare_mean, welfare_q = nan_reference(ds["welfare"].values)
    assert out["welfare_mean"].dims == ("format", "trust")
    assert out["welfare_quantile"].dims == ("format", "trust", "quantile")
    np.testing.assert_allclose(out["welfare_mean"].values, welfare_mean, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(out["welfare_quantile"].values, welfare_q, rtol=1e-13, atol=1e-15)
    assert np.isnan(out["welfare_mean"][0, 1]) and np.isnan(out["welfare_quantile"][0, 1]).all()
    surplus = ds["surplus"].transpose("format", "trust", "actor", "sample").values
    surplus_mean, surplus_q = nan_reference(surplus)
    assert out["surplus_quantile"].dims == ("format", "trust", "actor", "quantile")
    np.testing.assert_allclose(out["surplus_mean"].values, surplus_mean, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(out["surplus_quantile"].values, surplus_q, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("rows", [1, 2, 5, 64])
def test_nan_quantiles_equal_numpys(rows):
    rng = np.random.default_rng(rows)
    data = rng.normal(size=(4, 3, rows)) * 10.0 ** rng.integers(-3, 4, size=(4, 3, 1))
    data[rng.random(data.shape) < 0.3] = np.nan
    data[0, 0] = np.nan
    data[1, 1] = 2.5  # ties
    q = (0.0, 0.05, 0.5, 0.95, 1.0)
    got = nan_quantiles(data, q)
    for index in np.ndindex(4, 3):
        row = data[index]
        if np.isnan(row).all():
            assert np.isnan(got[index]).all()
        else:
            np.testing.assert_allclose(got[index], np.nanquantile(row, q), rtol=1e-14, atol=0)


def test_only_the_reduced_rows_count():
    """Saltelli's AB rows repeat A's columns but one: not independent draws, left out."""
    ds = synthetic(rows=12)
    deal = ds["deal_is_equilibrium"].values.copy()
    deal[..., :4] = False
    deal[..., 4:] = True
    ds["deal_is_equilibrium"] = (ds["deal_is_equilibrium"].dims, deal)
    assert float(summarise(ds, reduced_rows=4)["p_deal"].max()) == 0.0
    ds.attrs["reduced_rows"] = 4
    assert float(summarise(ds)["p_deal"].max()) == 0.0
    assert float(summarise(ds, reduced_rows=12)["p_deal"].min()) == 8 / 12
    reference = summarise(ds.isel(sample=slice(0, 4)))
    for name in ("p_deal_high", "welfare_mean", "surplus_quantile"):
        np.testing.assert_array_equal(summarise(ds)[name].values, reference[name].values)


def test_a_dataset_without_the_metrics_is_returned_unchanged():
    ds = xr.Dataset({"outcome": (("format", "sample"), np.zeros((1, 3), dtype=np.int32))})
    assert summarise(ds).identical(ds)


def test_a_saltelli_run_summarises_rows_a_and_b_only(tmp_path):
    text = (
        f'format_version = 1\n[experiment]\nscenario = "{CEASEFIRE}"\nseed = 5\n'
        "[axes.trust]\nvalues = [0.2, 0.6, 0.9]\n"
        '[design]\nkind = "saltelli"\nsamples = 16\n'
        '[priors]\nverification = "uniform(0, 1)"\nr_north = "uniform(1.5, 4)"\n'
    )
    spec = parse_experiment(text, source="saltelli.toml")
    assert spec.design.names == ("verification", "r_north") and spec.design.rows == 64
    ds = run_experiment(spec, tmp_path / "run", progress=False)
    assert ds.attrs["reduced_rows"] == 32
    deal = ds["deal_is_equilibrium"].values[..., :32]  # A then B
    np.testing.assert_array_equal(ds["p_deal"].values, deal.sum(-1) / 32)
    for index in np.ndindex(*deal.shape[:-1]):
        low, high = wilson(int(deal[index].sum()), 32)
        assert float(ds["p_deal_low"].values[index]) == pytest.approx(low, rel=1e-12, abs=0)
        assert float(ds["p_deal_high"].values[index]) == pytest.approx(high, rel=1e-12, abs=0)
    welfare = ds["welfare"].values[..., :32]
    mean, quantiles = nan_reference(welfare)
    np.testing.assert_allclose(ds["welfare_mean"].values, mean, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ds["welfare_quantile"].values, quantiles, rtol=1e-13, atol=1e-15)
