"""The arguments of a landscape, checked against a sweep result: which metric, axes and formats.

Every mistake is an :class:`~negotiation_sim.errors.InputError` located at the
argument (``metric``, ``actor``, ``x``, ``y``, ``facet``, ``format``, ``select``),
with a did-you-mean hint where a name is close to a known one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

import numpy as np

from .._checking import Problems, join, suggest
from ..errors import InputError
from ._checks import check_data
from ._colours import metric_label
from ._frontiers import PREFIX, frontier_plane

if TYPE_CHECKING:
    import xarray as xr

#: More panels than this in one figure is an error (fix an axis with ``select``).
MAX_PANELS = 24


class LandscapeOptions(TypedDict, total=False):
    """The options of :func:`landscape_panels`, passed on by the drawing functions."""

    x: str | None
    y: str | None
    facet: str | None
    actor: str | None
    format: str | Sequence[str] | None
    select: Mapping[str, float] | None


@dataclass(frozen=True)
class Layout:
    """Which axes a call shows: the plane, the facet, and the axes fixed by ``select``."""

    x: str
    y: str
    facet: str | None
    select: dict[str, float]


def metric_data(ds: xr.Dataset, metric: str, actor: str | None) -> tuple[xr.DataArray, str]:
    """The metric's data (one actor's, for a per-actor metric) and its label."""
    metrics = sorted(str(n) for n in ds.data_vars if not str(n).startswith(PREFIX))
    if metric not in metrics:
        raise InputError.at(
            "",
            "metric",
            f"{metric!r} is not in this sweep{suggest(metric, metrics)}; "
            f"available: {', '.join(metrics) or 'none'}",
        )
    da = ds[metric]
    check_data(da, metric)
    label = metric_label(metric, da.attrs)
    if "sample" in da.dims and "round" in ds.dims:  # a dynamics sweep's draws: their mean
        label = f"{label}, mean over {da.sizes['sample']:,} draws"
        da = da.mean("sample", keep_attrs=True)
    if "actor" not in da.dims:
        return da, label
    actors = [str(a) for a in da["actor"].values]
    if actor is None or actor not in actors:
        given = "" if actor is None else f" (got {actor!r}{suggest(actor, actors)})"
        raise InputError.at(
            "",
            "actor",
            f"metric {metric!r} is per actor: choose actor= one of {', '.join(actors)}{given}",
        )
    return da.sel(actor=actor), f"{label} of {actor}"


def _not_swept(name: str, axes: Sequence[str]) -> str:
    return f"{name!r} is not a swept parameter{suggest(name, axes)}; choose from {list(axes)}"


def _plane(ds: xr.Dataset, axes: list[str], x: str | None, y: str | None) -> tuple[str, str]:
    """The plotted (x, y): as given, else a frontier's plane, else the second and first axes."""
    problems = Problems("", InputError)
    for where, value in (("x", x), ("y", y)):
        if value is not None and value not in axes:
            problems.add(where, _not_swept(value, axes))
    if x is not None and x == y:
        problems.add("y", f"x and y must differ, both are {x!r}")
    problems.raise_if_any()
    if x is not None and y is not None:
        return x, y
    if x is None and y is None:
        return frontier_plane(ds, axes) or (axes[1], axes[0])
    if x is None:
        return next(a for a in axes if a != y), str(y)
    return str(x), next(a for a in axes if a != x)


def layout(ds: xr.Dataset, da: xr.DataArray, options: LandscapeOptions) -> Layout:
    """Check the axes options against the metric's swept axes and choose the layout."""
    axes = [str(d) for d in da.dims if d != "format"]
    if len(axes) < 2:
        raise InputError.at(
            "", "metric", f"a landscape needs two swept parameters; {da.name!r} has {axes}"
        )
    x, y = _plane(ds, axes, options.get("x"), options.get("y"))
    select = dict(options.get("select") or {})
    problems = Problems("", InputError)
    for name, value in select.items():
        if name not in axes:
            problems.add("select", _not_swept(name, axes))
        elif name in (x, y):
            problems.add("select", f"{name!r} is plotted on an axis and cannot be fixed")
        else:
            problems.number(value, join("select", name))
    facet = options.get("facet")
    if facet is not None and (facet not in axes or facet in (x, y, *select)):
        hint = suggest(facet, axes) if facet not in axes else ""
        problems.add(
            "facet", f"{facet!r} must be a swept parameter neither plotted nor selected{hint}"
        )
    problems.raise_if_any()
    rest = [a for a in axes if a not in (x, y) and a not in select]
    facet = facet if facet is not None else (rest[0] if rest else None)
    unfixed = [a for a in rest if a != facet]
    if unfixed:
        values = "; ".join(
            f"{a} in {[float(v) for v in np.asarray(da[a].values)]}" for a in unfixed
        )
        raise InputError.at(
            "",
            "select",
            f"fix the parameters {', '.join(unfixed)} with select={{name: value}} "
            f"(only x, y and one facet are shown): {values}",
        )
    return Layout(x, y, facet, select)


def formats(da: xr.DataArray, format: str | Sequence[str] | None) -> list[str | None]:
    """The formats shown, one panel each (``[None]`` for a metric without a format dim)."""
    if "format" not in da.dims:
        return [None]
    available = [str(f) for f in da["format"].values]
    wanted = available if format is None else [format] if isinstance(format, str) else format
    problems = Problems("", InputError)
    for f in wanted:
        if f not in available:
            problems.add(
                "format",
                f"format {f!r} is not in this sweep{suggest(f, available)}: {', '.join(available)}",
            )
    if not wanted:
        problems.add("format", f"choose at least one of {', '.join(available)}")
    problems.raise_if_any()
    return list(wanted)


def facet_values(da: xr.DataArray, facet: str | None, n_formats: int) -> list[float | None]:
    """The facet's values, one panel each (``[None]`` without a facet); not too many panels."""
    if facet is None:
        return [None]
    values: list[float | None] = [float(v) for v in np.asarray(da[facet].values)]
    if len(values) * n_formats > MAX_PANELS:
        raise InputError.at(
            "",
            "select",
            f"{len(values)} values of {facet!r} x {n_formats} format(s) would "
            f"make more than {MAX_PANELS} panels: fix {facet!r} with select "
            f"(--select {facet}=VALUE), or choose the plotted axes (x=, y=)",
        )
    return values
