"""Data preparation of a landscape: a sweep result to 2-D panels, without drawing.

The arguments are checked in :mod:`._options`, the colours chosen in :mod:`._colours`
and the frontiers cut in :mod:`._frontiers`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..game import FloatArray
from ._colours import Colouring, colouring
from ._frontiers import FrontierCurve, frontiers
from ._options import Layout, facet_values, formats, layout, metric_data

if TYPE_CHECKING:
    import xarray as xr


@dataclass(frozen=True, eq=False)
class LandscapePanel:
    """One 2-D picture of a metric: a format and a facet value.

    Attributes
    ----------
    title : str
        E.g. ``"bilateral, rho = 0.5"``.
    metric : str
    label : str
        The metric as a colourbar or legend title, e.g. ``"payoff of us"``.
    format : str or None
        None for a metric without a format dim.
    facet : str or None
        The facet axis, and ``facet_value`` its value in this panel.
    facet_value : float or None
    fixed : mapping of str to float
        Further axes fixed by ``select`` (the swept values actually used).
    row, col : int
        The panel's place in a figure's grid.
    x_name, y_name : str
    x, y : ndarray
        Sorted coordinate values.
    values : ndarray, shape (len(y), len(x))
        ``values[i, j]`` is the metric at ``y[i]``, ``x[j]``: outcome codes
        (int; 0/1 for boolean metrics) if ``categorical``, else float (may be NaN).
    categorical : bool
    category_codes, category_names, category_colours : tuple
        The codes present in this panel (sorted), their names and colours.
    cmap : str or None
        Colormap name of a continuous panel.
    vmin, vmax : float
        The colour range, shared by all panels of a call.
    frontiers : tuple of FrontierCurve
    """

    title: str
    metric: str
    label: str
    format: str | None
    facet: str | None
    facet_value: float | None
    fixed: Mapping[str, float]
    row: int
    col: int
    x_name: str
    x: FloatArray
    y_name: str
    y: FloatArray
    values: NDArray[Any]
    categorical: bool
    category_codes: tuple[int, ...] = ()
    category_names: tuple[str, ...] = ()
    category_colours: tuple[str, ...] = ()
    cmap: str | None = None
    vmin: float = 0.0
    vmax: float = 1.0
    frontiers: tuple[FrontierCurve, ...] = field(default=())

    @property
    def x_edges(self) -> FloatArray:
        """Cell edges along x (see :func:`cell_edges`)."""
        return cell_edges(self.x)

    @property
    def y_edges(self) -> FloatArray:
        """Cell edges along y (see :func:`cell_edges`)."""
        return cell_edges(self.y)


def cell_edges(centres: Sequence[float] | NDArray[Any]) -> FloatArray:
    """Cell edges around sorted cell centres: midpoints, half a step beyond the ends.

    Works for non-uniform grids; a single centre gets a cell of width 1.

    Examples
    --------
    >>> cell_edges([0.0, 1.0, 3.0]).tolist()
    [-0.5, 0.5, 2.0, 4.0]
    >>> cell_edges([2.0]).tolist()
    [1.5, 2.5]
    """
    c = np.asarray(centres, dtype=np.float64)
    if c.ndim != 1 or c.size == 0:
        raise InputError.at("", "centres", "cell_edges needs a non-empty 1-D array of centres")
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def _columns(n_formats: int, n_facets: int) -> int:
    """Columns of the panel grid: facets across and formats down, else about square."""
    n = n_formats * n_facets
    return n_facets if n_formats > 1 and n_facets > 1 else (n if n <= 3 else math.ceil(n**0.5))


def landscape_panels(
    ds: xr.Dataset,
    metric: str = "outcome",
    *,
    x: str | None = None,
    y: str | None = None,
    facet: str | None = None,
    actor: str | None = None,
    format: str | Sequence[str] | None = None,
    select: Mapping[str, float] | None = None,
) -> tuple[LandscapePanel, ...]:
    """Prepare the 2-D panels of ``metric`` in a sweep result (no drawing).

    Parameters
    ----------
    ds : xarray.Dataset
        A sweep result (see the module docstring).
    metric : str
        A data variable: ``outcome``, ``deal_is_equilibrium`` and
        ``no_deal_is_equilibrium`` are categorical, the others continuous.
    x, y : str, optional
        The plotted parameters; by default those of the first frontier whose
        two axes are swept (x = ``frontier_x``), else y = the first swept
        parameter and x = the second.
    facet : str, optional
        A parameter with one panel per value; by default the first swept
        parameter that is neither plotted nor in ``select``.
    actor : str, optional
        Required for a per-actor metric (``payoff``, ``surplus``).
    format : str or sequence of str, optional
        The formats to show (default all, one panel each); ignored for a
        metric without a format dim.
    select : mapping of str to float, optional
        Values of further parameters (the nearest swept value is used).

    Returns
    -------
    tuple of LandscapePanel
        Ordered format by format, facet value by facet value.

    Raises
    ------
    InputError
        Located at the argument: a missing ``metric`` (naming the available
        ones) or one with fewer than two swept parameters, a per-actor metric
        without a known ``actor``, unknown axes (``x``, ``y``, ``facet``,
        ``select``) or ``format``, or a parameter left neither plotted,
        faceted nor fixed (``select``).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset(
    ...     {"welfare": (("format", "trust", "verification"), np.arange(12.0).reshape(2, 2, 3))},
    ...     coords={"format": ["bilateral", "multilateral"], "trust": [0.0, 1.0],
    ...             "verification": [0.0, 0.5, 1.0]},
    ... )
    >>> panels = landscape_panels(ds, "welfare")
    >>> [p.title for p in panels]
    ['bilateral', 'multilateral']
    >>> p = panels[1]
    >>> p.y_name, p.x_name, p.values.shape
    ('trust', 'verification', (2, 3))
    >>> float(p.values[1, 2]) == float(ds.welfare.sel(format="multilateral", trust=1.0,
    ...                                                verification=1.0))
    True
    >>> landscape_panels(ds, "welfare", x="trsut")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.InputError: x: 'trsut' is not a swept parameter (did you mean 'trust'?); ...
    """
    da, label = metric_data(ds, metric, actor)
    plan = layout(ds, da, {"x": x, "y": y, "facet": facet, "select": select})
    shown = formats(da, format)
    if plan.select:
        da = da.sel(plan.select, method="nearest")
    fixed = {name: float(da[name].values) for name in plan.select}
    da = da.sortby([plan.x, plan.y, *([plan.facet] if plan.facet else [])])
    values = facet_values(da, plan.facet, len(shown))
    cells = [(f, v) for f in shown for v in values]
    grids = [_grid(da, plan, f, v) for f, v in cells]
    colours = colouring(metric, da.attrs, grids)
    grids = [g.astype(np.int64 if colours.categorical else np.float64) for g in grids]
    xs = np.asarray(da[plan.x].values, dtype=np.float64)
    ys = np.asarray(da[plan.y].values, dtype=np.float64)
    extent = {
        plan.x: (float(xs.min()), float(xs.max())),
        plan.y: (float(ys.min()), float(ys.max())),
    }
    ncols = _columns(len(shown), len(values))
    panels = []
    for i, ((fmt, value), grid) in enumerate(zip(cells, grids, strict=True)):
        at = dict(fixed) if value is None else {**fixed, str(plan.facet): value}
        parts = [] if fmt is None else [fmt]
        if value is not None:
            parts.append(f"{plan.facet} = {value:g}")
        panels.append(
            LandscapePanel(
                title=", ".join(parts) or label,
                metric=metric,
                label=label,
                format=fmt,
                facet=plan.facet,
                facet_value=value,
                fixed=fixed,
                row=i // ncols,
                col=i % ncols,
                x_name=plan.x,
                x=xs,
                y_name=plan.y,
                y=ys,
                values=grid,
                categorical=colours.categorical,
                category_codes=(codes := _codes(colours, grid)),
                category_names=tuple(colours.name(c) for c in codes),
                category_colours=tuple(colours.colour(c) for c in codes),
                cmap=colours.cmap,
                vmin=colours.vmin,
                vmax=colours.vmax,
                frontiers=frontiers(ds, (plan.x, plan.y), extent, fmt, at),
            )
        )
    return tuple(panels)


def _grid(da: xr.DataArray, plan: Layout, fmt: str | None, value: float | None) -> NDArray[Any]:
    """The metric over the plane (rows: y, columns: x) of one format and facet value."""
    sel: dict[str, Any] = {}
    if fmt is not None:
        sel["format"] = fmt
    if value is not None:
        sel[str(plan.facet)] = value
    return np.asarray(da.sel(sel).transpose(plan.y, plan.x).values)


def _codes(colours: Colouring, grid: NDArray[Any]) -> tuple[int, ...]:
    """The category codes present in a categorical panel (sorted); none for a continuous one."""
    return tuple(int(c) for c in np.unique(grid)) if colours.categorical else ()
