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

Errors. A bad argument raises an :class:`~negotiation_sim.errors.InputError`
located at the argument (``metric``, ``actor``, ``x``, ``y``, ``facet``,
``format``, ``select``, ``ax``), with a did-you-mean hint for a near miss.

This module draws; the data preparation (:func:`landscape_panels`) lives in
``_panels`` (with the argument checks in ``_options``, the colours in
``_colours`` and the frontiers in ``_frontiers``). xarray and matplotlib are
imported only inside functions.
"""

from __future__ import annotations

import math
import os
import stat
import struct
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np

from .._checking import shorten
from .._files import disk_error
from ..errors import InputError
from ._colours import NO_EQUILIBRIUM_COLOUR, OKABE_ITO, SEQUENTIAL_CMAP
from ._frontiers import FrontierCurve
from ._options import LandscapeOptions
from ._output import naming, picture_target, write_picture
from ._panels import LandscapePanel, cell_edges, landscape_panels

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = [
    "OKABE_ITO",
    "FrontierCurve",
    "LandscapeOptions",
    "LandscapePanel",
    "cell_edges",
    "landscape_panels",
    "plot_landscape",
    "save_landscape",
]


def draw_panel(ax: Axes, panel: LandscapePanel, styles: Mapping[str, str]) -> Any:
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


def legend_handles(panels: Sequence[LandscapePanel], styles: Mapping[str, str]) -> list[Any]:
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


def frontier_styles(panels: Iterable[LandscapePanel]) -> dict[str, str]:
    styles: dict[str, str] = {}
    for panel in panels:
        for curve in panel.frontiers:
            styles.setdefault(curve.name, ("-", "--", ":", "-.")[len(styles) % 4])
    return styles


def axis_label(ds: xr.Dataset, name: str) -> str:
    return str(ds[name].attrs.get("long_name", name)) if name in ds.coords else name


def _suptitle(ds: xr.Dataset, panels: Sequence[LandscapePanel]) -> str:
    title = str(ds.attrs.get("title", ""))
    fixed = ", ".join(f"{k} = {f'{v:g}'}" for k, v in panels[0].fixed.items())
    if panels[0].title != panels[0].label:
        fixed = ", ".join(p for p in (panels[0].label, fixed) if p)
    return " — ".join(p for p in (title, fixed) if p)


def _draw_figure(
    figure: Figure | SubFigure, ds: xr.Dataset, panels: Sequence[LandscapePanel]
) -> None:
    nrows = max(p.row for p in panels) + 1
    ncols = max(p.col for p in panels) + 1
    grid = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    styles = frontier_styles(panels)
    mesh = None
    for panel in panels:
        mesh = draw_panel(grid[panel.row, panel.col], panel, styles)
    used = {(p.row, p.col) for p in panels}
    for r in range(nrows):
        for c in range(ncols):
            if (r, c) not in used:
                grid[r, c].set_visible(False)
    first = panels[0]
    if len(panels) == 1:
        grid[0, 0].set_xlabel(axis_label(ds, first.x_name))
        grid[0, 0].set_ylabel(axis_label(ds, first.y_name))
    else:  # per axes, not supxlabel: an outside legend below would cover a figure label
        for panel in panels:
            ax = grid[panel.row, panel.col]
            if panel.row == nrows - 1 or (panel.row + 1, panel.col) not in used:
                ax.set_xlabel(axis_label(ds, first.x_name))
            if panel.col == 0:
                ax.set_ylabel(axis_label(ds, first.y_name))
    if not first.categorical and mesh is not None:
        figure.colorbar(mesh, ax=[a for a in grid.ravel() if a.get_visible()], label=first.label)
    handles = legend_handles(panels, styles)
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
    if title:  # wrapped: a selected metric's label names its rule, and titles can be long
        figure.suptitle(textwrap.fill(title, 95), fontsize=11)


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
    **options: Unpack[LandscapeOptions],
) -> Figure:
    """Draw the landscape of ``metric`` (``options`` as in :func:`landscape_panels`).

    With ``ax`` the single panel is drawn into it (an :class:`InputError` located at
    ``ax`` if the options give several panels: narrow ``format``, ``facet`` or
    ``select``); otherwise a new figure gets a grid of panels with shared axes,
    one legend (outcome names and frontier labels) or colourbar, and the
    dataset's ``title`` as suptitle. Returns the figure.
    """
    panels = landscape_panels(ds, metric, **options)
    if ax is None:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=_figsize(panels), layout="constrained")
        _draw_figure(figure, ds, panels)
        return figure
    if len(panels) != 1:
        raise InputError.at(
            "",
            "ax",
            f"ax= takes one panel but these options give {len(panels)} "
            f"({'; '.join(p.title for p in panels)}); choose format=, select= or omit ax",
        )
    root = ax.get_figure(root=True)
    if root is None:
        raise InputError.at("", "ax", "ax is not part of a figure")
    _draw_into(root, ax, ds, panels[0])
    return root


def _draw_into(figure: Figure, ax: Axes, ds: xr.Dataset, panel: LandscapePanel) -> None:
    """Draw one panel into a given ``ax``, with its labels, legend and colourbar."""
    styles = frontier_styles([panel])
    mesh = draw_panel(ax, panel, styles)
    ax.set_xlabel(axis_label(ds, panel.x_name))
    ax.set_ylabel(axis_label(ds, panel.y_name))
    title = _suptitle(ds, [panel])
    ax.set_title("\n".join(t for t in (title, panel.title) if t), fontsize=10)
    if not panel.categorical:
        figure.colorbar(mesh, ax=ax, label=panel.label)
    handles = legend_handles([panel], styles)
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)


def save_landscape(
    ds_or_path: xr.Dataset | str | Path,
    path: str | Path,
    metric: str = "outcome",
    *,
    dpi: int = 120,
    overwrite: bool = False,
    **options: Unpack[LandscapeOptions],
) -> Path:
    """Draw the landscape and write it to ``path`` (any format matplotlib writes).

    ``ds_or_path`` is a sweep result or a netCDF file of one; ``options`` are
    those of :func:`landscape_panels`. The format is the suffix's (PNG without
    one); the file is written exactly at ``path``, atomically (a failed write
    leaves the old file or none), with the negotiation_sim mark in its metadata
    (see ``plotting._output``). An existing file is replaced only if
    negotiation_sim wrote it or ``overwrite`` is given, and never when it is
    the results file read. Drawn with the Agg canvas on a figure outside
    pyplot: no screen needed, no global state changed. Returns ``path``.

    Raises
    ------
    InputError
        For bad ``options`` (see :func:`landscape_panels`; named after the
        results file when one is read), and, naming the file, for a results
        file that cannot be read or is not a sweep's, or a picture file that
        may not or cannot be written or whose suffix names no format
        matplotlib writes.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib, xarray as xr
    >>> ds = xr.Dataset({"welfare": (("trust", "verification"), np.eye(2))},
    ...                 coords={"trust": [0.0, 1.0], "verification": [0.0, 1.0]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "welfare.png"
    >>> save_landscape(ds, out, "welfare") == out
    True
    >>> save_landscape(ds, out, "welfare") == out  # its own picture is replaced
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    source = ds_or_path if isinstance(ds_or_path, str | Path) else None
    out, format = picture_target(path, overwrite=overwrite, inputs=[source] if source else [])
    ds = load_results(ds_or_path) if isinstance(ds_or_path, str | Path) else ds_or_path
    with naming(source):
        panels = landscape_panels(ds, metric, **options)
    figure = Figure(figsize=_figsize(panels), layout="constrained")
    FigureCanvasAgg(figure)
    _draw_figure(figure, ds, panels)
    try:
        return write_picture(figure, out, format, dpi=dpi)
    finally:
        figure.clear()


#: What xarray's netCDF readers raise on a file that is not netCDF, or a truncated or
#: corrupt one (found by truncating and flipping bytes of real results).
_CORRUPT = (
    ValueError,
    TypeError,
    LookupError,
    ArithmeticError,
    EOFError,
    RuntimeError,
    struct.error,
)


def load_results(path: str | Path) -> xr.Dataset:
    """A sweep result from its netCDF file; an unreadable file is an :class:`InputError`."""
    import xarray as xr

    source = str(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise disk_error(path, exc, "read the sweep results from") from None
    if not stat.S_ISREG(mode):  # a FIFO would block the reader forever
        raise InputError.at(
            source, "", "cannot read the sweep results: the path is not a regular file"
        )
    try:  # from a handle: scipy then reads without mmap, so no warning about open arrays
        with open(path, "rb") as handle:
            return xr.load_dataset(handle)
    except OSError as exc:
        raise disk_error(path, exc, "read the sweep results from") from None
    except _CORRUPT as exc:
        said = shorten(str(exc).strip().partition("\n")[0] or type(exc).__name__, 100)
        raise InputError.at(
            source,
            "",
            "cannot read the sweep results: the file is not netCDF, or it is truncated or "
            f"corrupt (the reader says: {said})",
        ) from None
