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
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checking import Problems, outside_range, range_message, suggest
from ..errors import InputError
from ..sensitivity.prim import SIGNIFICANCE, PrimResult
from ._checks import axes_or_new, percent
from ._colours import DESIGN_NAMES, OKABE_ITO, PROBABILITY_LABELS, SEQUENTIAL_CMAP
from ._frontiers import PREFIX
from ._panels import LandscapePanel, landscape_panels
from .landscape import axis_label, draw_panel, frontier_styles, legend_handles

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes

__all__ = ["plot_probability_map", "save_probability_map"]

_ORANGE, _SKY, _BLUE, _VERMILLION, _PURPLE = (OKABE_ITO[i] for i in (0, 1, 4, 5, 6))


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
    ax = axes_or_new(ax, (7.5, 6.5))
    styles = frontier_styles([checked])
    mesh = draw_panel(ax, checked, styles)
    handles = legend_handles([checked], styles)
    if level is not None:
        handles.append(_draw_contour(ax, checked, level))
    if drawn is not None:
        handles.append(_draw_box(ax, *drawn))
    ax.set_xlabel(axis_label(dataset, checked.x_name))
    ax.set_ylabel(axis_label(dataset, checked.y_name))
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
        label=PROBABILITY_LABELS.get(variable, panel.label),
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
    # What is drawn and said: the significant restrictions only. A side the box does not restrict
    # (box 0's limit: the sample's extreme) or restricts weakly runs to the map's edge.
    weak = np.zeros(d, bool) if box.pvalues is None else np.nan_to_num(box.pvalues) > SIGNIFICANCE
    above = (lower > box.lower[0]) & ~weak
    below = (upper < box.upper[0]) & ~weak
    limits = {}
    for axis in plane:
        low, high = float(edges[axis][0]), float(edges[axis][-1])
        if axis in names:
            j = names.index(axis)
            low = float(lower[j]) if above[j] else low
            high = float(upper[j]) if below[j] else high
        limits[axis] = (low, high)
    k = box.chosen
    text = f"PRIM box {k}: density {percent(box.density[k])}, coverage {percent(box.coverage[k])}"
    others = [
        f"{lower[j]:.3g} ≤ {name} ≤ {upper[j]:.3g}"
        if above[j] and below[j]
        else (f"{name} ≥ {lower[j]:.3g}" if above[j] else f"{name} ≤ {upper[j]:.3g}")
        for j, name in enumerate(names)
        if name not in plane and (above[j] or below[j])
    ]
    if others:
        text += f";\nalso {', '.join(others)}"
    if weak.any():
        text += f";\n{int(weak.sum())} weak restrictions (quasi-p > {SIGNIFICANCE:g}) not shown"
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
        design = DESIGN_NAMES.get(design, design.replace("_", " "))
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


def save_probability_map(
    ds_or_path: xr.Dataset | str | Path,
    path: str | Path,
    variable: str = "p_deal",
    *,
    format: str | None = None,
    dpi: int = 120,
    overwrite: bool = False,
) -> Path:
    """Draw :func:`plot_probability_map` for every format (or ``format``) side by side and
    write it to ``path``, under the same output-file rule as
    :func:`~negotiation_sim.plotting.save_landscape` (atomic, marked, never the results file).

    Raises
    ------
    InputError
        Located at the argument (``variable``, ``format``), naming the results file when one is
        read; or naming a results or picture file that cannot be read or written.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ._output import naming, picture_target, write_picture
    from .landscape import load_results

    source = ds_or_path if isinstance(ds_or_path, str | Path) else None
    out, kind = picture_target(path, overwrite=overwrite, inputs=[source] if source else [])
    ds = load_results(ds_or_path) if isinstance(ds_or_path, str | Path) else ds_or_path
    formats: list[str | None] = [None]
    if format is not None:
        formats = [format]
    elif "format" in ds.dims:
        formats = [str(f) for f in ds["format"].values]
    figure = Figure(figsize=(6.4 * len(formats), 5.6), layout="constrained")
    FigureCanvasAgg(figure)
    with naming(source):
        for k, name in enumerate(formats):
            ax = figure.add_subplot(1, len(formats), k + 1)
            plot_probability_map(ds, format=name, variable=variable, ax=ax)
    try:
        return write_picture(figure, out, kind, dpi=dpi)
    finally:
        figure.clear()
