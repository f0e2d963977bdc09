"""The analytic frontiers of a sweep (``frontier_<id>`` variables), cut to a panel's plane.

A frontier variable holds a threshold ``y*(x)``: its attributes ``frontier_x`` and
``frontier_y`` name the two axes, ``label`` describes it and ``formats`` (optional,
space-separated) the formats it applies to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..game import FloatArray
from ._checks import check_data

if TYPE_CHECKING:
    import xarray as xr

PREFIX = "frontier_"


@dataclass(frozen=True, eq=False)
class FrontierCurve:
    """An analytic frontier in a panel's plane, ready to draw.

    Attributes
    ----------
    name : str
        The frontier id (the variable name without ``frontier_``).
    label : str
    x, y : ndarray, shape (n,)
        Points in the panel's (x, y) plane; NaN where the threshold is infinite
        or outside the swept range of its axis (the line is hidden there).
    """

    name: str
    label: str
    x: FloatArray
    y: FloatArray


def frontier_plane(ds: xr.Dataset, axes: Sequence[str]) -> tuple[str, str] | None:
    """The (x, y) axes of the first frontier whose two axes are both in ``axes``."""
    for name in ds.data_vars:
        if not str(name).startswith(PREFIX):
            continue
        fx, fy = (str(ds[name].attrs.get(key)) for key in ("frontier_x", "frontier_y"))
        if fx in axes and fy in axes and fx != fy:
            return str(fx), str(fy)
    return None


def _within(values: FloatArray, extent: tuple[float, float]) -> FloatArray:
    """``values`` with NaN where they are infinite or outside ``extent``."""
    lo, hi = extent
    return np.where(np.isfinite(values) & (values >= lo) & (values <= hi), values, np.nan)


def frontiers(
    ds: xr.Dataset,
    plane: tuple[str, str],
    extent: Mapping[str, tuple[float, float]],
    fmt: str | None,
    at: Mapping[str, float],
) -> tuple[FrontierCurve, ...]:
    """The frontiers drawn in the (x, y) ``plane`` of a panel at the axis values ``at``.

    ``extent`` gives the swept range of both axes; ``fmt`` is the panel's format
    (None: the metric has no format dim, and a frontier's formats join its label).
    """
    x_name, y_name = plane
    curves = []
    for var in ds.data_vars:
        name = str(var)
        if not name.startswith(PREFIX):
            continue
        da = ds[name]
        fx, fy = str(da.attrs.get("frontier_x")), str(da.attrs.get("frontier_y"))
        if {fx, fy} != {x_name, y_name} or fx not in da.dims:
            continue
        check_data(da, name)
        formats = str(da.attrs.get("formats", "")).split()
        if formats and fmt is not None and fmt not in formats:
            continue
        label = str(da.attrs.get("label", name[len(PREFIX) :]))
        if formats and fmt is None:
            label = f"{label} ({', '.join(formats)})"
        others = [str(d) for d in da.dims if d != fx]
        if any(d not in at for d in others):
            continue  # depends on an axis this panel does not pin down
        if others:
            da = da.sel({d: at[d] for d in others}, method="nearest")
        along = np.asarray(da[fx].values, dtype=np.float64)
        threshold = _within(
            np.asarray(da.values, dtype=np.float64).reshape(along.shape), extent[fy]
        )
        threshold = np.where(np.isfinite(_within(along, extent[fx])), threshold, np.nan)
        if np.isnan(threshold).all():
            continue
        xs, ys = (along, threshold) if fx == x_name else (threshold, along)
        curves.append(FrontierCurve(name[len(PREFIX) :], label, xs, ys))
    return tuple(curves)
