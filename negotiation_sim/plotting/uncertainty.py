"""Pictures of how sure the answers are: P(deal) maps, Sobol' bars, tornado charts, PRIM.

:func:`plot_probability_map` draws a probability of a sampled sweep (``p_deal`` by default)
over its two focus axes, with its 50% contour, the model's closed-form frontiers and a PRIM
box; :func:`plot_sobol`, :func:`plot_tornado` and :func:`plot_prim_tradeoff` draw the results
of :mod:`negotiation_sim.sensitivity`. Every function draws into ``ax`` (a new figure when
None) and returns the Axes; a bad argument raises an :class:`~negotiation_sim.errors.InputError`
located at the argument. Colours are colourblind-safe: ``cividis`` for probabilities, Okabe &
Ito's palette for lines and bars. matplotlib is imported only when something is drawn.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checking import Problems, outside_range, range_message, suggest
from ..errors import InputError
from ..sensitivity.prim import PrimResult
from ..sensitivity.sobol import SobolResult
from ..sensitivity.tornado import TornadoResult
from ._colours import OKABE_ITO, SEQUENTIAL_CMAP
from ._frontiers import PREFIX
from ._panels import LandscapePanel, landscape_panels
from .landscape import _axis_label, _draw_panel, _legend_handles, _styles

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes

__all__ = ["plot_prim_tradeoff", "plot_probability_map", "plot_sobol", "plot_tornado"]

_ORANGE, _SKY, _BLUE, _VERMILLION, _PURPLE = (OKABE_ITO[i] for i in (0, 1, 4, 5, 6))
_DESIGNS = {"sobol": "Sobol'", "saltelli": "Saltelli", "monte_carlo": "Monte Carlo"}
_PROBABILITIES = {
    "p_deal": "P(a deal is an equilibrium)",
    "p_no_deal_only": "P(no deal is the only equilibrium)",
}


def _axes(ax: Any, size: tuple[float, float]) -> Axes:
    """``ax`` if it is a matplotlib Axes, else a new figure's (for ``ax=None``)."""
    from matplotlib.axes import Axes

    if ax is None:
        import matplotlib.pyplot as plt

        _, new = plt.subplots(figsize=size, layout="constrained")
        return new
    if not isinstance(ax, Axes):
        raise InputError.at(
            "", "ax", f"expected a matplotlib Axes or None, got {type(ax).__name__}"
        )
    return ax


def _result(value: Any, kind: type, what: str) -> None:
    """``value`` is a result of ``kind``, else an error located at ``result``."""
    if not isinstance(value, kind):
        raise InputError.at(
            "", "result", f"expected a {kind.__name__} ({what}), got {type(value).__name__}"
        )


def _top(top: int | None, d: int) -> int:
    """How many inputs to show: all, or the first ``top`` (a whole number >= 1)."""
    if top is None:
        return d
    problems = Problems("", InputError)
    count = problems.whole(top, "top", low=1)
    problems.raise_if_any()
    return min(int(count or d), d)


def _percent(value: float) -> str:
    return f"{value:.0%}"


# -- the probability map ----------------------------------------------------------------------


def plot_probability_map(
    dataset: xr.Dataset,
    *,
    format: str | None = None,
    variable: str = "p_deal",
    contour: float | None = 0.5,
    frontiers: bool = True,
    box: PrimResult | None = None,
    box_names: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw a probability of a sampled sweep over its two focus axes.

    The plane is chosen as in :func:`~negotiation_sim.plotting.landscape_panels`: the plane of
    the first frontier whose axes are both focus axes, else the first axis up and the second
    across. The ``contour`` level is drawn as a labelled line, the ``frontier_<id>`` variables
    as in a landscape, and the chosen box of ``box`` as a rectangle whose legend entry gives
    its density and coverage (and the limits it puts on inputs not on the map). The title
    names the dataset, the probability, the format, the draws per point and, when the dataset
    has the interval ``<variable>_low``, ``<variable>_high``, its widest half-width.

    Parameters
    ----------
    dataset : xarray.Dataset
        A sampled sweep's summary: ``variable`` over ``format`` (optional) and two axes.
    format : str, optional
        The format drawn; required when the dataset has several.
    variable : str, optional
        A probability in [0, 1] (NaN is drawn grey): ``p_deal`` or ``p_no_deal_only``.
    contour : float or None, optional
        The level of the contour line, in (0, 1); None draws none.
    frontiers : bool, optional
        Draw the dataset's closed-form frontiers.
    box : PrimResult, optional
        PRIM's result over inputs named by ``box_names``; at least one must be a plotted axis
        (the rectangle spans the whole map along a plotted axis that is not one of them).
    box_names : sequence of str, optional
        The names of ``box``'s columns.
    ax : matplotlib Axes, optional
        Where to draw (a new figure when None).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    InputError
        Located at the argument: an unknown ``variable`` (with a hint) or one that is not a
        probability over two axes, an unknown ``format`` or none chosen among several, a
        ``contour`` outside (0, 1), a ``box`` that is not a PrimResult, ``box_names`` that do
        not match it or name no plotted axis, an ``ax`` that is not an Axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np, xarray as xr
    >>> trust = np.linspace(0.0, 1.0, 5)
    >>> p = np.repeat(trust[:, None], 3, axis=1)[None]  # P = trust
    >>> ds = xr.Dataset({"p_deal": (("format", "trust", "verification"), p)},
    ...                 coords={"format": ["bilateral"], "trust": trust,
    ...                         "verification": [0.0, 0.5, 1.0]})
    >>> ax = plot_probability_map(ds)
    >>> ax.get_ylabel(), ax.get_xlabel(), ax.get_title()
    ('trust', 'verification', 'P(a deal is an equilibrium) — bilateral')
    """
    checked = _probability_panel(dataset, variable, format, frontiers)
    level = _contour_level(contour)
    drawn = _box_rectangle(box, box_names, checked)
    ax = _axes(ax, (7.5, 6.5))
    styles = _styles([checked])
    mesh = _draw_panel(ax, checked, styles)
    handles = _legend_handles([checked], styles)
    if level is not None:
        handles.append(_draw_contour(ax, checked, level))
    if drawn is not None:
        handles.append(_draw_box(ax, *drawn))
    ax.set_xlabel(_axis_label(dataset, checked.x_name))
    ax.set_ylabel(_axis_label(dataset, checked.y_name))
    ax.set_title(_map_title(dataset, variable, checked), fontsize=10)
    figure = ax.get_figure(root=True)
    if figure is not None:
        figure.colorbar(mesh, ax=ax, label=checked.label)
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8)
    return ax


def _probability_panel(
    ds: xr.Dataset, variable: str, format: str | None, frontiers: bool
) -> LandscapePanel:
    """The one panel of ``variable``: a probability over two axes of one format."""
    names = sorted(str(n) for n in ds.data_vars if not str(n).startswith(PREFIX))
    if variable not in names:
        raise InputError.at(
            "",
            "variable",
            f"{variable!r} is not in this dataset{suggest(variable, names)}; "
            f"probabilities here: {', '.join(n for n in names if n.startswith('p_')) or 'none'}",
        )
    axes = [str(d) for d in ds[variable].dims if d != "format"]
    if len(axes) != 2:
        raise InputError.at(
            "",
            "variable",
            f"a probability map needs a variable over exactly two axes; {variable!r} has "
            f"{axes} (select the others first, e.g. dataset.sel(...))",
        )
    panels = landscape_panels(ds, variable, format=format)
    if len(panels) != 1:
        shown = ", ".join(str(p.format) for p in panels)
        raise InputError.at("", "format", f"the dataset has several formats: choose one of {shown}")
    panel = panels[0]
    finite = panel.values[~np.isnan(panel.values)] if not panel.categorical else panel.values
    bad = outside_range(finite, 0.0, 1.0)
    if panel.categorical or bad is not None:
        message = "is categorical" if panel.categorical else range_message(float(bad or 0), 0, 1)
        raise InputError.at("", "variable", f"{variable!r} is not a probability: {message}")
    return dataclasses.replace(
        panel,
        label=_PROBABILITIES.get(variable, panel.label),
        cmap=SEQUENTIAL_CMAP,
        vmin=0.0,
        vmax=1.0,
        frontiers=panel.frontiers if frontiers else (),
    )


def _contour_level(contour: float | None) -> float | None:
    """The contour level, a number strictly between 0 and 1 (or None)."""
    if contour is None:
        return None
    problems = Problems("", InputError)
    level = problems.number(contour, "contour")
    if level is not None and not 0.0 < level < 1.0:
        problems.add("contour", f"must be strictly between 0 and 1, got {level:g}")
    problems.raise_if_any()
    return level


def _draw_contour(ax: Axes, panel: LandscapePanel, level: float) -> Any:
    """Draw the ``level`` contour of the panel's cell values; returns its legend handle."""
    from matplotlib import patheffects
    from matplotlib.lines import Line2D

    style: dict[str, Any] = {
        "color": _VERMILLION,
        "lw": 2.2,
        "path_effects": [patheffects.withStroke(linewidth=4.5, foreground="white")],
    }
    shown = f"{level * 100:g}%"
    text = f"P = {shown}"
    values = np.ma.masked_invalid(panel.values)
    low, high = (float(values.min()), float(values.max())) if values.count() else (0.0, 0.0)
    if not values.count():
        text = f"{text}: no values on the map"
    elif low >= level:
        text = f"{text}: P ≥ {shown} everywhere on the map"
    elif high <= level:
        text = f"{text}: P ≤ {shown} everywhere on the map"
    elif panel.x.size < 2 or panel.y.size < 2:
        text = f"{text}: not drawn on a map of a single row or column"
    else:
        lines = ax.contour(
            panel.x, panel.y, values, levels=[level], colors=[_VERMILLION], linewidths=2.2
        )
        lines.set_path_effects(style["path_effects"])
        lines.set_gid("probability-contour")
        ax.clabel(lines, fmt={level: text}, fontsize=8, colors="black")
    return Line2D([], [], label=text, **style)


def _box_rectangle(
    box: PrimResult | None, box_names: Sequence[str] | None, panel: LandscapePanel
) -> tuple[tuple[float, float, float, float], str] | None:
    """The chosen box's (x0, y0, x1, y1) in the panel's plane and its legend text."""
    if box is None:
        if box_names is not None:
            raise InputError.at("", "box", "box_names were given without a box (a PrimResult)")
        return None
    if not isinstance(box, PrimResult):
        raise InputError.at("", "box", f"expected a PrimResult, got {type(box).__name__}")
    d = box.lower.shape[1]
    names = tuple(box_names) if box_names is not None and not isinstance(box_names, str) else ()
    if len(names) != d or not all(isinstance(n, str) for n in names) or len(set(names)) != d:
        raise InputError.at("", "box_names", f"expected {d} distinct names, one per box column")
    plane = (panel.x_name, panel.y_name)
    if not set(plane) & set(names):
        raise InputError.at(
            "", "box_names", f"the box limits none of the plotted axes {', '.join(plane)}"
        )
    lower, upper = box.box()
    edges = {panel.x_name: panel.x_edges, panel.y_name: panel.y_edges}
    limits = {
        axis: (float(lower[names.index(axis)]), float(upper[names.index(axis)]))
        if axis in names
        else (float(edges[axis][0]), float(edges[axis][-1]))
        for axis in plane
    }
    k = box.chosen
    text = f"PRIM box {k}: density {_percent(box.density[k])}, coverage {_percent(box.coverage[k])}"
    others = [
        f"{lower[j]:.3g} ≤ {name} ≤ {upper[j]:.3g}"
        for j, name in enumerate(names)
        if name not in plane and (lower[j] > box.lower[0, j] or upper[j] < box.upper[0, j])
    ]
    if others:
        text += f"; also {', '.join(others)}"
    (x0, x1), (y0, y1) = limits[panel.x_name], limits[panel.y_name]
    return (x0, y0, x1, y1), text


def _draw_box(ax: Axes, corners: tuple[float, float, float, float], text: str) -> Any:
    """Draw the PRIM box as a rectangle; returns it (its own legend handle)."""
    from matplotlib import patheffects
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = corners
    rectangle = Rectangle(
        (x0, y0),
        x1 - x0,
        y1 - y0,
        fill=False,
        edgecolor=_PURPLE,
        lw=2.2,
        ls="--",
        label=text,
        zorder=4,
        gid="prim-box",
        path_effects=[patheffects.withStroke(linewidth=4.5, foreground="white")],
    )
    ax.add_patch(rectangle)
    return rectangle


def _map_title(ds: xr.Dataset, variable: str, panel: LandscapePanel) -> str:
    """The dataset's title; what is drawn and its format; the draws and the widest interval."""
    what = " — ".join(p for p in (panel.label, panel.format) if p)
    details = []
    if "samples" in ds.attrs:
        design = str(ds.attrs.get("design", ""))
        design = _DESIGNS.get(design, design.replace("_", " "))
        details.append(f"{ds.attrs['samples']} {design} draws per point".replace("  ", " "))
    ends = (f"{variable}_low", f"{variable}_high")
    if all(name in ds.data_vars for name in ends):
        low, high = (ds[name] for name in ends)
        if panel.format is not None and "format" in low.dims and "format" in high.dims:
            low, high = low.sel(format=panel.format), high.sel(format=panel.format)
        spread = np.asarray(high.values, dtype=np.float64) - np.asarray(low.values, np.float64)
        if np.isfinite(spread).any():
            details.append(f"widest interval ±{float(np.nanmax(spread)) / 2:.3f}")
    lines = [str(ds.attrs.get("title", "")), what, "; ".join(details)]
    return "\n".join(line for line in lines if line)


# -- sensitivity results ----------------------------------------------------------------------


def plot_sobol(result: SobolResult, *, ax: Axes | None = None, top: int | None = None) -> Axes:
    """Draw first-order and total Sobol' indices as grouped horizontal bars, ranked.

    Inputs are ranked by their total index, the largest at the top; ``top`` keeps the first
    ``top``. Each bar has its bootstrap interval as an error bar.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> result = SobolResult(first=np.array([0.1, 0.6]), total=np.array([0.2, 0.7]),
    ...                      first_interval=np.array([[0.0, 0.2], [0.5, 0.7]]),
    ...                      total_interval=np.array([[0.1, 0.3], [0.6, 0.8]]),
    ...                      confidence=0.95, n_bootstrap=100, names=("rho", "trust"))
    >>> [t.get_text() for t in plot_sobol(result).get_yticklabels()]
    ['trust', 'rho']
    """
    _result(result, SobolResult, "from sensitivity.sobol_indices")
    d = result.total.shape[0]
    names = result.names or tuple(f"x{i}" for i in range(d))
    order = np.argsort(-result.total, kind="stable")[: _top(top, d)]
    ax = _axes(ax, (7.0, 1.2 + 0.5 * order.size))
    rank = np.arange(order.size, dtype=np.float64)
    for shift, label, values, interval, colour in (
        (-0.2, "first order", result.first, result.first_interval, _ORANGE),
        (0.2, "total", result.total, result.total_interval, _BLUE),
    ):
        estimate, ends = values[order], interval[order]
        error = np.nan_to_num(np.clip([estimate - ends[:, 0], ends[:, 1] - estimate], 0, None))
        ax.barh(
            rank + shift,
            estimate,
            height=0.38,
            xerr=error,
            color=colour,
            label=label,
            error_kw={"ecolor": "0.25", "capsize": 3, "lw": 1},
        )
    ax.set_yticks(rank, [names[i] for i in order])
    ax.invert_yaxis()  # the most important input at the top
    ax.axvline(0.0, color="0.3", lw=0.8)
    ax.set_xlabel("Sobol' index (share of the output's variance)")
    ax.set_title(
        f"Sobol' indices by total index ({result.confidence:.0%} bootstrap intervals)", fontsize=10
    )
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_tornado(result: TornadoResult, *, ax: Axes | None = None, top: int | None = None) -> Axes:
    """Draw a tornado chart: per input, bars from the baseline to the metric at its two ends.

    Inputs are sorted by swing, the largest at the top (``top`` keeps the first ``top``); each
    bar end is labelled with the input value that gave it.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from negotiation_sim.sensitivity import tornado
    >>> result = tornado(lambda x: x[:, 0] + 3 * x[:, 1], ["rho", "trust"],
    ...                  [0.5, 0.5], [0.0, 0.0], [1.0, 1.0])
    >>> [t.get_text() for t in plot_tornado(result).get_yticklabels()]
    ['trust', 'rho']
    """
    _result(result, TornadoResult, "from sensitivity.tornado")
    order = result.order()[: _top(top, len(result.names))]
    ax = _axes(ax, (7.0, 1.4 + 0.45 * order.size))
    rank = np.arange(order.size, dtype=np.float64)
    base = result.baseline
    ends = (
        ("low", result.low, result.low_inputs, _ORANGE),
        ("high", result.high, result.high_inputs, _BLUE),
    )
    for side, metric, inputs, colour in ends:
        bars = ax.barh(
            rank,
            metric[order] - base,
            left=base,
            height=0.6,
            color=colour,
            label=f"input at its {side} value",
            edgecolor="0.2",
            lw=0.5,
        )
        other = result.high if side == "low" else result.low
        for bar, i, y in zip(bars, order, rank, strict=True):
            bar.set_zorder(3 if abs(metric[i] - base) <= abs(other[i] - base) else 2)
            leftwards = metric[i] < base or (metric[i] == base and side == "low")
            ax.annotate(
                f"{inputs[i]:.3g}",
                (metric[i], y),
                xytext=(-4 if leftwards else 4, 0),
                textcoords="offset points",
                ha="right" if leftwards else "left",
                va="center",
                fontsize=8,
            )
    ax.axvline(base, color="black", lw=1, label=f"baseline: {result.metric} = {base:.3g}")
    ax.set_yticks(rank, [result.names[i] for i in order])
    ax.invert_yaxis()  # the largest swing at the top
    ax.margins(x=0.18)
    ax.set_xlabel(result.metric)
    ax.set_title(f"{result.metric}, one input at a time (labels: the input's value)", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_prim_tradeoff(result: PrimResult, *, ax: Axes | None = None) -> Axes:
    """Draw PRIM's peeling trajectory, coverage across and density up, with the chosen box.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from negotiation_sim.sensitivity import prim
    >>> x = np.random.default_rng(0).random((500, 2))
    >>> ax = plot_prim_tradeoff(prim(x, x[:, 0] > 0.7))
    >>> ax.get_xlabel().split(":")[0], ax.get_ylabel().split(":")[0]
    ('coverage', 'density')
    """
    _result(result, PrimResult, "from sensitivity.prim")
    ax = _axes(ax, (6.0, 5.0))
    k = result.chosen
    ax.plot(
        result.coverage,
        result.density,
        "-o",
        ms=3,
        color=_BLUE,
        label=f"peeling trajectory ({result.coverage.size} boxes, the first holds every point)",
    )
    ax.plot(
        result.coverage[k],
        result.density[k],
        "*",
        ms=16,
        color=_VERMILLION,
        markeredgecolor="black",
        ls="none",
        label=(
            f"chosen box {k}: density {_percent(result.density[k])}, "
            f"coverage {_percent(result.coverage[k])}, mass {_percent(result.mass[k])}"
        ),
    )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("coverage: share of all outcomes inside the box")
    ax.set_ylabel("density: share of the box's points with the outcome")
    ax.set_title("PRIM: the trade-off of coverage and density", fontsize=10)
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    return ax
