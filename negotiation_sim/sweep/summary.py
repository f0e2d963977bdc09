"""What a sampled sweep says over its ``sample`` dimension: probabilities and quantiles.

At every grid point of the axes (and for every format), over the independent draws of the
sampled parameters (every row, or rows A and B of a Saltelli design):

* ``p_deal``: the share of draws where some deal is a pure equilibrium, with its Wilson
  interval ``p_deal_low``, ``p_deal_high``;
* ``p_no_deal_only``: the share where no deal is, but some no-deal outcome is (war is the only
  answer), with its interval;
* ``welfare_mean``, ``welfare_quantile`` and ``surplus_mean``, ``surplus_quantile`` (per actor),
  over the draws with a selected equilibrium (NaN draws, without a pure equilibrium, left out).

The intervals treat the draws as independent: exact for Monte Carlo, conservative for Latin
hypercube and Sobol' designs (whose estimates vary less than independent draws').
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..intervals import wilson_interval

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["CONFIDENCE", "QUANTILES", "nan_quantiles", "summarise"]

#: The quantiles of welfare and surplus recorded.
QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
#: The level of the probabilities' intervals.
CONFIDENCE = 0.95


def summarise(dataset: xr.Dataset, *, reduced_rows: int | None = None) -> xr.Dataset:
    """``dataset`` with its probabilities and quantiles over ``sample`` (see the module).

    Parameters
    ----------
    dataset : xarray.Dataset
        A sampled sweep's results (a ``sample`` dimension, the last of every metric's grid).
    reduced_rows : int, optional
        Use rows ``[0, reduced_rows)`` of ``sample`` (rows A and B of a Saltelli design);
        default: the dataset's ``reduced_rows`` attribute, else every row.

    Examples
    --------
    >>> import xarray as xr
    >>> deal = xr.DataArray([[True, False, True, True]], dims=("format", "sample"))
    >>> out = summarise(xr.Dataset({"deal_is_equilibrium": deal}))
    >>> float(out.p_deal[0]), [round(float(out[v][0]), 3) for v in ("p_deal_low", "p_deal_high")]
    (0.75, [0.301, 0.954])
    """

    rows = int(reduced_rows or dataset.attrs.get("reduced_rows", dataset.sizes["sample"]))
    part = dataset.isel(sample=slice(0, rows))
    out: dict[str, Any] = {}
    if "deal_is_equilibrium" in part:
        deal = part["deal_is_equilibrium"]
        out.update(_probability("p_deal", deal, "some deal is a pure equilibrium"))
        if "no_deal_is_equilibrium" in part:
            only = part["no_deal_is_equilibrium"] & ~deal
            out.update(_probability("p_no_deal_only", only, "no deal is the only equilibrium"))
    for name in ("welfare", "surplus"):
        if name in part:
            out.update(_spread(name, part[name]))
    if not out:
        return dataset.copy()
    summary = dataset.assign(out)
    if "quantile" in summary.dims:
        summary = summary.assign_coords(quantile=np.array(QUANTILES))
    return summary


def _probability(name: str, event: xr.DataArray, what: str) -> dict[str, xr.DataArray]:
    """The share of draws where ``event`` holds, and its Wilson interval."""
    counts = event.sum("sample")
    trials = event.sizes["sample"]
    low, high = wilson_interval(counts.values, trials, CONFIDENCE)
    level = f"{CONFIDENCE:.0%}"
    share = (counts / trials).assign_attrs(long_name=f"share of draws where {what}")
    return {
        name: share,
        f"{name}_low": counts.copy(data=low).assign_attrs(
            long_name=f"{level} Wilson interval of {name}: low end"
        ),
        f"{name}_high": counts.copy(data=high).assign_attrs(
            long_name=f"{level} Wilson interval of {name}: high end"
        ),
    }


def nan_quantiles(data: NDArray[np.float64], q: tuple[float, ...]) -> NDArray[np.float64]:
    """Quantiles ``q`` over the last axis, NaNs left out (numpy's default, linear method),
    shape ``(*data.shape[:-1], len(q))``: one sort, not one call per slice.

    Examples
    --------
    >>> data = np.array([[1.0, np.nan, 3.0, 2.0], [np.nan] * 4])
    >>> nan_quantiles(data, (0.0, 0.5, 0.75)).tolist()
    [[1.0, 2.0, 2.5], [nan, nan, nan]]
    """
    ordered = np.sort(data, axis=-1)  # NaNs last
    valid = np.sum(~np.isnan(data), axis=-1)[..., np.newaxis]
    position = np.asarray(q) * np.maximum(valid - 1, 0)
    below = np.floor(position).astype(np.intp)
    above = np.minimum(below + 1, np.maximum(valid - 1, 0))
    low = np.take_along_axis(ordered, below, axis=-1)
    high = np.take_along_axis(ordered, above, axis=-1)
    out = low + (high - low) * (position - below)
    return np.where(valid > 0, out, np.nan)


def _spread(name: str, values: xr.DataArray) -> dict[str, xr.DataArray]:
    """Mean and quantiles over the draws with a selected equilibrium."""
    import xarray as xr

    moved = values.transpose(*(d for d in values.dims if d != "sample"), "sample")
    data: NDArray[np.float64] = np.asarray(moved.values, dtype=np.float64)
    with warnings.catch_warnings():  # a point where no draw has an equilibrium: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(data, axis=-1)
    quantiles = nan_quantiles(data, QUANTILES)
    dims = moved.dims[:-1]
    what = "total payoff" if name == "welfare" else "payoff minus the no-deal payoff"
    return {
        f"{name}_mean": xr.DataArray(
            mean, dims=dims, attrs={"long_name": f"mean {what} over the draws with an equilibrium"}
        ),
        f"{name}_quantile": xr.DataArray(
            quantiles,
            dims=(*dims, "quantile"),
            attrs={"long_name": f"quantiles of the {what} over the draws with an equilibrium"},
        ),
    }
