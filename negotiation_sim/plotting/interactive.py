"""A landscape as one self-contained HTML page: hover a cell to see what happens there.

:func:`interactive_landscape` returns the page as a Bokeh layout (for a notebook:
``bokeh.io.show``); :func:`save_interactive` writes it as one HTML file with Bokeh's JavaScript
inlined, which opens offline from disk: no server, no network. The page shows the panels of
:func:`~negotiation_sim.plotting.landscape_panels` (the same metric, colours and frontiers as the
pictures), one at a time: a menu chooses the format and a slider the facet's value. Hovering a
cell shows its parameter values, the format, the equilibrium set, the number of pure equilibria,
the selected outcome (its label names the selection rule) with its terms, the deal probability,
each actor's payoff and surplus, and the welfare, as far as the sweep has them
(:mod:`._cells`).

Bokeh is an optional extra (``pip install 'negotiation_sim[interactive]'``), imported only
here; without it these functions raise one :class:`~negotiation_sim.errors.InputError` saying
how to install it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from .._files import MARK, check_output_file, disk_error, signature, write_atomically
from ..errors import InputError
from ._cells import PageCells, page_cells
from ._options import LandscapeOptions
from ._output import naming
from ._page import (
    colour_mapper,
    frontier_renderers,
    legend_html,
    palette_codes,
    switcher,
    tooltip,
)
from ._panels import LandscapePanel, landscape_panels

if TYPE_CHECKING:
    import xarray as xr
    from bokeh.models import LayoutDOM

__all__ = ["MAX_PAGE_CELLS", "default_metric", "interactive_landscape", "save_interactive"]

#: The most cells (over all panels) one page holds: about 12 MB of HTML. Fix an axis or a
#: format (``select``, ``format``) for more.
MAX_PAGE_CELLS = 200_000
#: How to get the optional plotting library.
INSTALL = "pip install 'negotiation_sim[interactive]'"
_GENERATOR = '<meta name="generator" content="{}">'


def default_metric(ds: xr.Dataset) -> str:
    """The metric a page shows unless told: the equilibrium set, else the selected outcome.

    >>> import xarray as xr
    >>> default_metric(xr.Dataset({"outcome": ((), 0)}))
    'outcome'
    """
    return "equilibrium_set" if "equilibrium_set" in ds else "outcome"


def interactive_landscape(
    ds: xr.Dataset, metric: str | None = None, **options: Unpack[LandscapeOptions]
) -> LayoutDOM:
    """The landscape of ``metric`` as an interactive Bokeh layout (``options`` as in
    :func:`~negotiation_sim.plotting.landscape_panels`; ``metric`` by :func:`default_metric`).

    Raises
    ------
    InputError
        For bad ``options`` (see ``landscape_panels``), more than :data:`MAX_PAGE_CELLS` cells,
        or Bokeh missing.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"welfare": (("trust", "verification"), np.eye(2))},
    ...                 coords={"trust": [0.0, 1.0], "verification": [0.0, 1.0]})
    >>> type(interactive_landscape(ds, "welfare")).__name__
    'Column'
    """
    _require_bokeh()
    panels = landscape_panels(ds, metric or default_metric(ds), **options)
    cells = sum(p.values.size for p in panels)
    if cells > MAX_PAGE_CELLS:
        raise InputError.at(
            "",
            "select",
            f"the page would hold {cells:,} cells in {len(panels)} panels, more than "
            f"{MAX_PAGE_CELLS:,}: choose one format (format=) or fix an axis (select=)",
        )
    return _page(ds, panels)


def save_interactive(
    ds_or_path: xr.Dataset | str | Path,
    path: str | Path,
    metric: str | None = None,
    *,
    overwrite: bool = False,
    **options: Unpack[LandscapeOptions],
) -> Path:
    """Write the page of :func:`interactive_landscape` to ``path``: one HTML file, offline.

    ``ds_or_path`` is a sweep result or its netCDF file. The file follows the project's output
    rule (``negotiation_sim._files``): written atomically, with the negotiation_sim mark (a
    ``generator`` meta tag); an existing file is replaced only if negotiation_sim wrote it or
    ``overwrite`` is given, and never when it is the results file read. Returns ``path``.

    Raises
    ------
    InputError
        As :func:`interactive_landscape` (named after the results file when one is read), and,
        naming the file, for an output file that may not or cannot be written.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib, xarray as xr
    >>> ds = xr.Dataset({"welfare": (("trust", "verification"), np.eye(2))},
    ...                 coords={"trust": [0.0, 1.0], "verification": [0.0, 1.0]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "welfare.html"
    >>> save_interactive(ds, out, "welfare") == out
    True
    >>> "<script src=" in out.read_text()  # the JavaScript is inlined
    False
    >>> save_interactive(ds, out, "welfare") == out  # its own page is replaced
    True
    """
    from bokeh.embed import file_html
    from bokeh.resources import INLINE

    from .landscape import load_results

    _require_bokeh(path)
    source = ds_or_path if isinstance(ds_or_path, str | Path) else None
    out = check_output_file(
        path, overwrite=overwrite, inputs=[source] if source else [], ours=written_page
    )
    ds = load_results(ds_or_path) if isinstance(ds_or_path, str | Path) else ds_or_path
    with naming(source):
        layout = interactive_landscape(ds, metric, **options)
    title = str(ds.attrs.get("title", "")) or "negotiation_sim landscape"
    page = file_html(layout, INLINE, title)
    page = page.replace("<head>", "<head>\n    " + _GENERATOR.format(signature()), 1)
    try:
        write_atomically(out, lambda handle: handle.write(page.encode("utf-8")))
    except OSError as exc:
        raise disk_error(out, exc) from None
    return out


def written_page(path: Path) -> bool:
    """Whether ``path`` is a page this module wrote: HTML with the mark in its head.

    >>> import tempfile, pathlib
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "p.html"
    >>> _ = page.write_text('<!DOCTYPE html><head><meta name="generator" content="negotiation_sim 1">')
    >>> written_page(page), written_page(page.parent / "missing.html")
    (True, False)
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return False
    mark = _GENERATOR.format(MARK).encode("ascii")[:-2]  # the tag up to the version
    return head.lstrip().lower().startswith(b"<!doctype html") and mark in head


def _require_bokeh(path: str | Path = "") -> None:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        raise InputError.at(
            str(path),
            "",
            f"an interactive page needs Bokeh, an optional extra: {INSTALL}",
        ) from None


def _page(ds: xr.Dataset, panels: Sequence[LandscapePanel]) -> LayoutDOM:
    """The page: controls, the plot with its hover and frontiers, the legend."""
    from bokeh.layouts import column
    from bokeh.models import ColumnDataSource, HoverTool, Range1d
    from bokeh.models.widgets import Div
    from bokeh.plotting import figure

    from .landscape import axis_label

    first = panels[0]
    codes = palette_codes(panels)
    cells: PageCells = page_cells(ds, panels, codes)
    source = ColumnDataSource({**cells.geometry, **cells.panels[0]})
    plot = figure(
        width=760,
        height=680,
        title=first.title,
        name="landscape",
        x_range=Range1d(
            start=float(cells.geometry["left"].min()), end=float(cells.geometry["right"].max())
        ),
        y_range=Range1d(
            start=float(cells.geometry["bottom"].min()), end=float(cells.geometry["top"].max())
        ),
        x_axis_label=axis_label(ds, first.x_name),
        y_axis_label=axis_label(ds, first.y_name),
        tools="pan,wheel_zoom,box_zoom,reset,save",
        toolbar_location="right",
    )
    mapper = colour_mapper(panels, codes)
    quads = plot.quad(
        left="left",
        right="right",
        bottom="bottom",
        top="top",
        source=source,
        fill_color={"field": "colour", "transform": mapper},
        # An outline in the fill colour: without it anti-aliasing shows seams between cells.
        line_color={"field": "colour", "transform": mapper},
        line_width=0.6,
    )
    template, formatters = tooltip(cells.fields)
    plot.add_tools(HoverTool(renderers=[quads], tooltips=template, formatters=formatters))
    lines = frontier_renderers(plot, panels)
    if not first.categorical:
        from bokeh.models.annotations import ColorBar

        plot.add_layout(ColorBar(color_mapper=mapper, title=first.label), "right")
    controls = switcher(panels, source, cells, plot, lines)
    heading = html.escape(str(ds.attrs.get("title", "")))
    parts: list[Any] = [Div(text=f"<h2 class='ns-title'>{heading}</h2>")] if heading else []
    parts += [*controls, plot]
    if first.categorical:
        # The variable's long name says what it is (the outcome's names the selection rule).
        heading = str(ds[first.metric].attrs.get("long_name", "")) or first.label
        parts.append(Div(text=legend_html(panels, codes, heading), width=760))
    return column(*parts)
