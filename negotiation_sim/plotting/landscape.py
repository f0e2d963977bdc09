"""Outcome landscapes of a sweep: one metric over two swept parameters.

A sweep result is an :class:`xarray.Dataset` whose variables have the dims
``format``, then one dim per swept parameter, then (for per-actor metrics)
``actor``. :func:`landscape_panels` turns one metric into a tuple of 2-D
:class:`LandscapePanel` (one per format and facet value), with the analytic
frontiers (``frontier_<id>`` variables) that apply to each panel;
:func:`plot_landscape` draws them and :func:`save_landscape` writes a picture.

Axes. Unless ``x`` and ``y`` are given, the plotted plane is that of the first
frontier whose two axes are swept (``x`` = its ``frontier_x``, ``y`` = its
``frontier_y``), else ``y`` is the first swept parameter and ``x`` the second.
The next remaining parameter is the facet; any further one must be fixed with
``select={name: value}`` (the nearest swept value is used).

Colours are colourblind-safe: Okabe & Ito's palette for categories, with a
fixed colour per outcome code so that panels and figures agree and light grey
for "no pure equilibrium"; ``cividis`` for continuous metrics; and the
diverging ``RdBu`` (ColorBrewer: colourblind safe), centred at 0, for the
signed ``surplus``.

xarray and matplotlib are imported only inside functions.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..game import FloatArray

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = [
    "FrontierCurve",
    "LandscapePanel",
    "cell_edges",
    "landscape_panels",
    "plot_landscape",
    "save_landscape",
]

#: Okabe & Ito's palette without black (frontier lines are black): outcome code k
#: gets ``OKABE_ITO[k % 7]``.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
NO_EQUILIBRIUM_COLOUR = "#DDDDDD"
NO_EQUILIBRIUM_NAME = "no pure equilibrium"
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "RdBu"

_BOOLEAN = {
    "deal_is_equilibrium": ("the deal is not an equilibrium", "the deal is an equilibrium"),
    "no_deal_is_equilibrium": ("no deal is not an equilibrium", "no deal is an equilibrium"),
}
_BOOLEAN_COLOURS = ("#E69F00", "#0072B2")  # False: orange, True: blue
_SIGNED = frozenset({"surplus"})
_UNIT_INTERVAL = frozenset({"deal_probability", "zero_sum_share", "strategic_zero_sum_share"})
_LABELS = {
    "outcome": "selected equilibrium outcome",
    "deal_probability": "deal probability",
    "n_equilibria": "number of equilibria",
    "zero_sum_share": "zero-sum share",
    "strategic_zero_sum_share": "strategic zero-sum share",
}
_FRONTIER_PREFIX = "frontier_"


#: More panels than this in one figure is an error (fix an axis with ``select``).
MAX_PANELS = 24


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
        raise ValueError("cell_edges needs a non-empty 1-D array of centres")
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def _metric_names(ds: xr.Dataset) -> list[str]:
    return sorted(str(n) for n in ds.data_vars if not str(n).startswith(_FRONTIER_PREFIX))


def _frontier_axes(ds: xr.Dataset, axes: Sequence[str]) -> tuple[str, str] | None:
    for name in ds.data_vars:
        if not str(name).startswith(_FRONTIER_PREFIX):
            continue
        fx, fy = ds[name].attrs.get("frontier_x"), ds[name].attrs.get("frontier_y")
        if fx in axes and fy in axes and fx != fy:
            return str(fx), str(fy)
    return None


def _choose_plane(ds: xr.Dataset, axes: list[str], x: str | None, y: str | None) -> tuple[str, str]:
    for name, value in (("x", x), ("y", y)):
        if value is not None and value not in axes:
            raise ValueError(f"{name}={value!r} is not a swept parameter; choose from {axes}")
    if x is not None and y is not None:
        if x == y:
            raise ValueError(f"x and y must differ, both are {x!r}")
        return x, y
    if x is None and y is None:
        plane = _frontier_axes(ds, axes)
        if plane is not None:
            return plane
        return axes[1], axes[0]
    if x is None:
        return next(a for a in axes if a != y), str(y)
    return str(x), next(a for a in axes if a != x)


def _outcome_names(attrs: Mapping[str, Any]) -> dict[int, str]:
    names: dict[int, str] = {-1: NO_EQUILIBRIUM_NAME}
    meanings = str(attrs.get("flag_meanings", "")).split()
    values = [int(v) for v in np.atleast_1d(attrs.get("flag_values", []))]
    for code, meaning in zip(values, meanings, strict=False):
        names[code] = NO_EQUILIBRIUM_NAME if meaning == "none" else meaning.replace("_", " ")
    labels = attrs.get("outcome_labels")
    if labels:
        for code, label in enumerate(json.loads(str(labels))):
            names[code] = str(label)
    return names


def _outcome_colour(code: int) -> str:
    return NO_EQUILIBRIUM_COLOUR if code < 0 else OKABE_ITO[code % len(OKABE_ITO)]


def _fmt(value: float) -> str:
    return f"{value:g}"


def _frontiers(
    ds: xr.Dataset,
    plane: tuple[str, str],
    extent: Mapping[str, tuple[float, float]],
    fmt: str | None,
    at: Mapping[str, float],
) -> tuple[FrontierCurve, ...]:
    """The frontiers drawn in the (x, y) ``plane`` of a panel at the axis values ``at``."""
    x_name, y_name = plane
    curves = []
    for var in ds.data_vars:
        name = str(var)
        if not name.startswith(_FRONTIER_PREFIX):
            continue
        da = ds[name]
        fx, fy = str(da.attrs.get("frontier_x")), str(da.attrs.get("frontier_y"))
        if {fx, fy} != {x_name, y_name} or fx not in da.dims:
            continue
        formats = str(da.attrs.get("formats", "")).split()
        if formats and fmt is not None and fmt not in formats:
            continue
        label = str(da.attrs.get("label", name[len(_FRONTIER_PREFIX) :]))
        if formats and fmt is None:
            label = f"{label} ({', '.join(formats)})"
        others = [str(d) for d in da.dims if d != fx]
        if any(d not in at for d in others):
            continue  # depends on an axis this panel does not pin down
        if others:
            da = da.sel({d: at[d] for d in others}, method="nearest")
        along = np.asarray(da[fx].values, dtype=np.float64)
        threshold = np.asarray(da.values, dtype=np.float64).reshape(along.shape)
        lo, hi = extent[fy]
        threshold = np.where(
            np.isfinite(threshold) & (threshold >= lo) & (threshold <= hi), threshold, np.nan
        )
        lo, hi = extent[fx]
        threshold = np.where((along >= lo) & (along <= hi), threshold, np.nan)
        if np.isnan(threshold).all():
            continue
        xs, ys = (along, threshold) if fx == x_name else (threshold, along)
        curves.append(FrontierCurve(name[len(_FRONTIER_PREFIX) :], label, xs, ys))
    return tuple(curves)


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
    ValueError
        For a missing metric (naming the available ones), a per-actor metric
        without a known ``actor``, unknown axes or formats, fewer than two
        swept parameters, or a parameter left neither plotted, faceted nor fixed.

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
    """
    metrics = _metric_names(ds)
    if metric not in metrics:
        raise ValueError(
            f"metric {metric!r} is not in this sweep; available: {', '.join(metrics) or 'none'}"
        )
    da = ds[metric]
    label = _LABELS.get(metric, str(da.attrs.get("long_name", metric.replace("_", " "))))
    if "actor" in da.dims:
        actors = [str(a) for a in da["actor"].values]
        if actor is None or actor not in actors:
            given = "" if actor is None else f" (got {actor!r})"
            raise ValueError(
                f"metric {metric!r} is per actor: choose actor= one of {', '.join(actors)}{given}"
            )
        da = da.sel(actor=actor)
        label = f"{label} of {actor}"
    axes = [str(d) for d in da.dims if d != "format"]
    if len(axes) < 2:
        raise ValueError(f"a landscape needs two swept parameters; {metric!r} has {axes}")
    x_name, y_name = _choose_plane(ds, axes, x, y)

    select = dict(select or {})
    for name in select:
        if name not in axes:
            raise ValueError(f"select: {name!r} is not a swept parameter; choose from {axes}")
        if name in (x_name, y_name):
            raise ValueError(f"select: {name!r} is plotted on an axis and cannot be fixed")
    if facet is not None and (facet not in axes or facet in (x_name, y_name, *select)):
        raise ValueError(f"facet={facet!r} must be a swept parameter neither plotted nor selected")
    rest = [a for a in axes if a not in (x_name, y_name) and a not in select]
    facet_name = facet if facet is not None else (rest[0] if rest else None)
    unfixed = [a for a in rest if a != facet_name]
    if unfixed:
        values = "; ".join(
            f"{a} in {[float(v) for v in np.asarray(da[a].values)]}" for a in unfixed
        )
        raise ValueError(
            f"fix the parameters {', '.join(unfixed)} with select={{name: value}} "
            f"(only x, y and one facet are shown): {values}"
        )
    fixed: dict[str, float] = {}
    if select:
        da = da.sel(select, method="nearest")
        fixed = {name: float(da[name].values) for name in select}

    formats: list[str | None] = [None]
    if "format" in da.dims:
        available = [str(f) for f in da["format"].values]
        wanted = available if format is None else [format] if isinstance(format, str) else format
        for f in wanted:
            if f not in available:
                raise ValueError(f"format {f!r} is not in this sweep: {', '.join(available)}")
        formats = list(wanted)
        if not formats:
            raise ValueError(f"format: choose at least one of {', '.join(available)}")
    da = da.sortby([x_name, y_name])
    facet_values: list[float | None] = [None]
    if facet_name is not None:
        da = da.sortby(facet_name)
        facet_values = [float(v) for v in np.asarray(da[facet_name].values)]
        if len(facet_values) * len(formats) > MAX_PANELS:
            raise ValueError(
                f"{len(facet_values)} values of {facet_name!r} x {len(formats)} format(s) would "
                f"make more than {MAX_PANELS} panels: fix {facet_name!r} with select "
                f"(--select {facet_name}=VALUE), or choose the plotted axes (x=, y=)"
            )

    xs = np.asarray(da[x_name].values, dtype=np.float64)
    ys = np.asarray(da[y_name].values, dtype=np.float64)
    extent = {
        x_name: (float(xs.min()), float(xs.max())),
        y_name: (float(ys.min()), float(ys.max())),
    }

    grids: list[tuple[str | None, float | None, NDArray[Any]]] = []
    for fmt in formats:
        for value in facet_values:
            sel: dict[str, Any] = {}
            if fmt is not None:
                sel["format"] = fmt
            if facet_name is not None:
                sel[facet_name] = value
            grids.append((fmt, value, np.asarray(da.sel(sel).transpose(y_name, x_name).values)))

    categorical = metric == "outcome" or metric in _BOOLEAN
    cmap: str | None = None
    vmin, vmax = 0.0, 1.0
    names: dict[int, str] = {}
    colours: dict[int, str] = {}
    if categorical:
        if metric == "outcome":
            names = _outcome_names(da.attrs)
            colours = {c: _outcome_colour(c) for c in names}
        else:
            names = dict(enumerate(_BOOLEAN[metric]))
            colours = dict(enumerate(_BOOLEAN_COLOURS))
        grids = [(f, v, g.astype(np.int64)) for f, v, g in grids]
    else:
        grids = [(f, v, g.astype(np.float64)) for f, v, g in grids]
        finite = np.concatenate([g[np.isfinite(g)] for _, _, g in grids])
        if metric in _SIGNED:
            cmap = DIVERGING_CMAP
            bound = float(np.abs(finite).max()) if finite.size else 1.0
            vmin, vmax = -(bound or 1.0), bound or 1.0
        else:
            cmap = SEQUENTIAL_CMAP
            if metric not in _UNIT_INTERVAL and finite.size:
                vmin, vmax = float(finite.min()), float(finite.max())
                if vmin == vmax:
                    vmin, vmax = vmin - 0.5, vmax + 0.5

    n_formats, n_facets = len(formats), len(facet_values)
    n = len(grids)
    ncols = n_facets if n_formats > 1 and n_facets > 1 else (n if n <= 3 else math.ceil(n**0.5))
    panels = []
    for i, (fmt, value, grid) in enumerate(grids):
        parts = [] if fmt is None else [fmt]
        if facet_name is not None and value is not None:
            parts.append(f"{facet_name} = {_fmt(value)}")
        at = dict(fixed)
        if facet_name is not None and value is not None:
            at[facet_name] = value
        codes: tuple[int, ...] = ()
        if categorical:
            codes = tuple(int(c) for c in np.unique(grid))
        row, col = divmod(i, ncols)
        panels.append(
            LandscapePanel(
                title=", ".join(parts) or label,
                metric=metric,
                label=label,
                format=fmt,
                facet=facet_name,
                facet_value=value,
                fixed=fixed,
                row=row,
                col=col,
                x_name=x_name,
                x=xs,
                y_name=y_name,
                y=ys,
                values=grid,
                categorical=categorical,
                category_codes=codes,
                category_names=tuple(names.get(c, f"outcome {c}") for c in codes),
                category_colours=tuple(colours.get(c, _outcome_colour(c)) for c in codes),
                cmap=cmap,
                vmin=vmin,
                vmax=vmax,
                frontiers=_frontiers(ds, (x_name, y_name), extent, fmt, at),
            )
        )
    return tuple(panels)


def _draw_panel(ax: Axes, panel: LandscapePanel, styles: Mapping[str, str]) -> Any:
    """Draw one panel on ``ax``; returns the mesh (for a colourbar)."""
    from matplotlib import colormaps, patheffects
    from matplotlib.colors import BoundaryNorm, ListedColormap

    if panel.categorical:
        index = np.searchsorted(np.array(panel.category_codes), panel.values)
        k = len(panel.category_codes)
        mesh = ax.pcolormesh(
            panel.x_edges,
            panel.y_edges,
            index,
            cmap=ListedColormap(list(panel.category_colours)),
            norm=BoundaryNorm(np.arange(k + 1) - 0.5, k),
            shading="flat",
        )
    else:
        mesh = ax.pcolormesh(
            panel.x_edges,
            panel.y_edges,
            np.ma.masked_invalid(panel.values),
            cmap=colormaps[panel.cmap or SEQUENTIAL_CMAP].with_extremes(bad=NO_EQUILIBRIUM_COLOUR),
            vmin=panel.vmin,
            vmax=panel.vmax,
            shading="flat",
        )
    for curve in panel.frontiers:
        ax.plot(
            curve.x,
            curve.y,
            color="black",
            lw=1.8,
            ls=styles.get(curve.name, "-"),
            path_effects=[patheffects.withStroke(linewidth=4, foreground="white")],
            label=curve.label,
            zorder=3,
        )
        # A point with hidden neighbours on both sides would draw no line: mark it.
        shown = np.isfinite(curve.x) & np.isfinite(curve.y)
        padded = np.concatenate([[False], shown, [False]])
        alone = shown & ~padded[:-2] & ~padded[2:]
        if alone.any():
            ax.plot(
                curve.x[alone],
                curve.y[alone],
                "o",
                ms=4,
                color="black",
                path_effects=[patheffects.withStroke(linewidth=3, foreground="white")],
                zorder=3,
            )
    ax.set_xlim(panel.x_edges[0], panel.x_edges[-1])
    ax.set_ylim(panel.y_edges[0], panel.y_edges[-1])
    ax.set_title(panel.title, fontsize=10)
    return mesh


def _legend_handles(panels: Sequence[LandscapePanel], styles: Mapping[str, str]) -> list[Any]:
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    categories: dict[int, tuple[str, str]] = {}
    curves: dict[str, str] = {}
    for panel in panels:
        for code, name, colour in zip(
            panel.category_codes, panel.category_names, panel.category_colours, strict=True
        ):
            categories.setdefault(code, (name, colour))
        for curve in panel.frontiers:
            curves.setdefault(curve.label, curve.name)
    # Outcome labels are sentences: wrap them so the legend fits under the panels.
    handles: list[Any] = [
        Patch(facecolor=colour, edgecolor="0.4", label=textwrap.fill(name, 70))
        for _, (name, colour) in sorted(categories.items())
    ]
    for text, name in curves.items():
        handles.append(
            Line2D(
                [],
                [],
                color="black",
                lw=1.8,
                ls=styles.get(name, "-"),
                path_effects=[patheffects.withStroke(linewidth=4, foreground="white")],
                label=textwrap.fill(text, 70),
            )
        )
    return handles


def _styles(panels: Iterable[LandscapePanel]) -> dict[str, str]:
    styles: dict[str, str] = {}
    for panel in panels:
        for curve in panel.frontiers:
            styles.setdefault(curve.name, ("-", "--", ":", "-.")[len(styles) % 4])
    return styles


def _axis_label(ds: xr.Dataset, name: str) -> str:
    return str(ds[name].attrs.get("long_name", name)) if name in ds.coords else name


def _suptitle(ds: xr.Dataset, panels: Sequence[LandscapePanel]) -> str:
    title = str(ds.attrs.get("title", ""))
    fixed = ", ".join(f"{k} = {_fmt(v)}" for k, v in panels[0].fixed.items())
    if panels[0].title != panels[0].label:
        fixed = ", ".join(p for p in (panels[0].label, fixed) if p)
    return " — ".join(p for p in (title, fixed) if p)


def _draw_figure(
    figure: Figure | SubFigure, ds: xr.Dataset, panels: Sequence[LandscapePanel]
) -> None:
    nrows = max(p.row for p in panels) + 1
    ncols = max(p.col for p in panels) + 1
    grid = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    styles = _styles(panels)
    mesh = None
    for panel in panels:
        mesh = _draw_panel(grid[panel.row, panel.col], panel, styles)
    used = {(p.row, p.col) for p in panels}
    for r in range(nrows):
        for c in range(ncols):
            if (r, c) not in used:
                grid[r, c].set_visible(False)
    first = panels[0]
    if len(panels) == 1:
        grid[0, 0].set_xlabel(_axis_label(ds, first.x_name))
        grid[0, 0].set_ylabel(_axis_label(ds, first.y_name))
    else:  # per axes, not supxlabel: an outside legend below would cover a figure label
        for panel in panels:
            ax = grid[panel.row, panel.col]
            if panel.row == nrows - 1 or (panel.row + 1, panel.col) not in used:
                ax.set_xlabel(_axis_label(ds, first.x_name))
            if panel.col == 0:
                ax.set_ylabel(_axis_label(ds, first.y_name))
    if not first.categorical and mesh is not None:
        figure.colorbar(mesh, ax=[a for a in grid.ravel() if a.get_visible()], label=first.label)
    handles = _legend_handles(panels, styles)
    if handles:
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=2 if len(handles) > 3 else 1,
            fontsize=8,
            title=first.label if first.categorical else None,
            title_fontsize=8,
        )
    title = _suptitle(ds, panels)
    if title:
        figure.suptitle(title, fontsize=11)


def _figsize(panels: Sequence[LandscapePanel]) -> tuple[float, float]:
    nrows = max(p.row for p in panels) + 1
    ncols = max(p.col for p in panels) + 1
    entries = len({n for p in panels for n in p.category_names}) + len(
        {c.label for p in panels for c in p.frontiers}
    )
    legend = 0.45 * math.ceil(entries / (2 if entries > 3 else 1))
    return max(3.6 * ncols + 1.6, 9.0), 3.4 * nrows + 1.2 + legend


def plot_landscape(
    ds: xr.Dataset,
    metric: str = "outcome",
    ax: Axes | None = None,
    *,
    x: str | None = None,
    y: str | None = None,
    facet: str | None = None,
    actor: str | None = None,
    format: str | Sequence[str] | None = None,
    select: Mapping[str, float] | None = None,
) -> Figure:
    """Draw the landscape of ``metric`` (options as in :func:`landscape_panels`).

    With ``ax`` the single panel is drawn into it (a :class:`ValueError` if
    the options give several panels: narrow ``format``, ``facet`` or
    ``select``); otherwise a new figure gets a grid of panels with shared axes,
    one legend (outcome names and frontier labels) or colourbar, and the
    dataset's ``title`` as suptitle. Returns the figure.
    """
    panels = landscape_panels(
        ds, metric, x=x, y=y, facet=facet, actor=actor, format=format, select=select
    )
    if ax is not None:
        if len(panels) != 1:
            raise ValueError(
                f"ax= takes one panel but these options give {len(panels)} "
                f"({'; '.join(p.title for p in panels)}); choose format=, select= or omit ax"
            )
        figure = ax.get_figure(root=True)
        if figure is None:
            raise ValueError("ax is not part of a figure")
        panel = panels[0]
        styles = _styles(panels)
        mesh = _draw_panel(ax, panel, styles)
        ax.set_xlabel(_axis_label(ds, panel.x_name))
        ax.set_ylabel(_axis_label(ds, panel.y_name))
        title = _suptitle(ds, panels)
        ax.set_title("\n".join(t for t in (title, panel.title) if t), fontsize=10)
        if not panel.categorical:
            figure.colorbar(mesh, ax=ax, label=panel.label)
        handles = _legend_handles(panels, styles)
        if handles:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
        return figure
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=_figsize(panels), layout="constrained")
    _draw_figure(figure, ds, panels)
    return figure


def save_landscape(
    ds_or_path: xr.Dataset | str | Path,
    path: str | Path,
    metric: str = "outcome",
    *,
    x: str | None = None,
    y: str | None = None,
    facet: str | None = None,
    actor: str | None = None,
    format: str | Sequence[str] | None = None,
    select: Mapping[str, float] | None = None,
    dpi: int = 120,
) -> Path:
    """Draw the landscape and write it to ``path`` (any format matplotlib writes).

    ``ds_or_path`` is a sweep result or a netCDF file of one. Drawn with the
    Agg canvas on a figure outside pyplot: no screen needed, no global state
    changed. Returns ``path``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if isinstance(ds_or_path, str | Path):
        import xarray as xr

        ds = xr.load_dataset(ds_or_path)
    else:
        ds = ds_or_path
    panels = landscape_panels(
        ds, metric, x=x, y=y, facet=facet, actor=actor, format=format, select=select
    )
    figure = Figure(figsize=_figsize(panels), layout="constrained")
    FigureCanvasAgg(figure)
    _draw_figure(figure, ds, panels)
    out = Path(path)
    figure.savefig(out, dpi=dpi)
    figure.clear()
    return out
