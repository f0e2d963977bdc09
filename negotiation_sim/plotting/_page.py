"""The Bokeh parts of an interactive landscape: colours, tooltip, frontiers, controls, legend.

Used by :mod:`.interactive`, which imports this module only once Bokeh is known to be there.
The tooltip and the controls are small pieces of JavaScript run by Bokeh in the page: names
of categories are looked up by code (so a page carries each name once, not once a cell), and
the controls copy a panel's columns into the one plotted.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._cells import Field, PageCells
from ._colours import NO_EQUILIBRIUM_COLOUR, SEQUENTIAL_CMAP
from ._panels import LandscapePanel

if TYPE_CHECKING:
    from bokeh.models import ColumnDataSource, LinearColorMapper
    from bokeh.plotting import figure

#: Bokeh's dash pattern for each of matplotlib's line styles (the pictures' frontier styles).
_DASHES = {"-": "solid", "--": "dashed", ":": "dotted", "-.": "dashdot"}

#: A number in the tooltip: three decimals, a dash where there is none (no equilibrium).
_NUMBER = "return Number.isFinite(value) ? value.toFixed(digits) : '\u2013';"
#: A swept parameter's value: as written in the grid (six significant digits at most).
_PARAMETER = "return Number.isFinite(value) ? String(parseFloat(value.toPrecision(6))) : '\u2013';"
#: A category's name by its code (a dash for a code without one, e.g. an outcome without terms).
_NAME = "const t = names[String(Math.round(value))]; return t === undefined ? '\u2013' : t;"

#: Show the panel chosen by the controls: copy its columns (and its frontiers) into the plot.
_SWITCH = """
const f = select === null ? 0 : select.options.indexOf(select.value);
const v = slider === null ? 0 : slider.value;
const k = f * n_facets + v;
source.data = Object.assign({}, source.data, panels[k].data);
for (let i = 0; i < lines.length; i++) { lines[i].data = curves[k][i].data; }
title.text = titles[k];
"""


def palette_codes(panels: Sequence[LandscapePanel]) -> list[int]:
    """The category codes of all panels, sorted: a code's colour is at its index here."""
    return sorted({c for p in panels for c in p.category_codes})


def colour_mapper(panels: Sequence[LandscapePanel], codes: Sequence[int]) -> LinearColorMapper:
    """The colours of the metric: the panels' category colours, or their colormap."""
    from bokeh.models import LinearColorMapper
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    first = panels[0]
    if first.categorical:
        colours = {
            c: col
            for p in panels
            for c, col in zip(p.category_codes, p.category_colours, strict=True)
        }
        return LinearColorMapper(
            palette=[colours[c] for c in codes], low=-0.5, high=len(codes) - 0.5
        )
    cmap = colormaps[first.cmap or SEQUENTIAL_CMAP]
    return LinearColorMapper(
        palette=[to_hex(cmap(i / 255)) for i in range(256)],
        low=first.vmin,
        high=first.vmax,
        nan_color=NO_EQUILIBRIUM_COLOUR,
    )


def tooltip(fields: Sequence[Field]) -> tuple[str, dict[str, Any]]:
    """The tooltip's HTML template (one row a field) and the formatters of its columns."""
    from bokeh.models import CustomJSHover

    rows = []
    formatters: dict[str, Any] = {}
    for field in fields:
        args: dict[str, Any] = {}
        if field.kind == "name":
            args = {"names": {str(k): v for k, v in field.names.items()}}  # Bokeh escapes
            code = _NAME
        elif field.kind == "parameter":
            code = _PARAMETER
        else:
            code = f"const digits = {0 if field.kind == 'count' else 3};" + _NUMBER
        formatters[f"@{{{field.column}}}"] = CustomJSHover(code=code, args=args)
        rows.append(
            f'<div class="ns-row"><span class="ns-label">{html.escape(field.label)}</span>: '
            f'<span class="ns-value" data-column="{field.column}">@{{{field.column}}}{{custom}}'
            "</span></div>"
        )
    style = "max-width: 34em; white-space: normal; font-size: 12px; line-height: 1.35"
    return f'<div class="ns-tooltip" style="{style}">{"".join(rows)}</div>', formatters


def frontier_renderers(plot: figure, panels: Sequence[LandscapePanel]) -> list[ColumnDataSource]:
    """Draw every frontier of any panel (black over a white halo); their sources, in order.

    The sources hold the first panel's curves; :func:`switcher` fills them for the others.
    """
    from bokeh.models import ColumnDataSource
    from bokeh.models.annotations import Legend, LegendItem

    from .landscape import frontier_styles

    styles = frontier_styles(panels)
    labels = {c.name: c.label for p in panels for c in p.frontiers}
    sources = []
    items = []
    for name in styles:
        source = ColumnDataSource(_curve(panels[0], name))
        plot.line("x", "y", source=source, line_color="white", line_width=4)
        line = plot.line(
            "x",
            "y",
            source=source,
            line_color="black",
            line_width=1.8,
            line_dash=_DASHES.get(styles[name], "solid"),
        )
        sources.append(source)
        shown: list[Any] = [line]  # Bokeh's list is invariant in the glyph type
        items.append(LegendItem(label=labels[name], renderers=shown))
    if items:
        plot.add_layout(Legend(items=items, location="left"), "below")
    return sources


def _curve(panel: LandscapePanel, name: str) -> dict[str, list[float]]:
    """A frontier's points in a panel (NaN breaks the line; none where the panel lacks it)."""
    for curve in panel.frontiers:
        if curve.name == name:
            return {"x": curve.x.tolist(), "y": curve.y.tolist()}
    return {"x": [], "y": []}


def switcher(
    panels: Sequence[LandscapePanel],
    source: ColumnDataSource,
    cells: PageCells,
    plot: figure,
    lines: Sequence[ColumnDataSource],
) -> list[Any]:
    """The controls choosing the panel: a format menu and a facet slider, where there are
    several; each copies the chosen panel's columns and frontiers into the plot."""
    from bokeh.models import ColumnDataSource, CustomJS, CustomJSTickFormatter
    from bokeh.models.widgets import Select, Slider

    from .landscape import frontier_styles

    formats = list(dict.fromkeys(p.format for p in panels))
    facets = list(dict.fromkeys(p.facet_value for p in panels))
    select = None
    if len(formats) > 1:
        options: list[Any] = [str(f) for f in formats]
        select = Select(title="format", options=options, value=str(formats[0]), name="format")
    slider = None
    if len(facets) > 1:
        slider = Slider(
            name="facet",
            title=str(panels[0].facet),
            start=0,
            end=len(facets) - 1,
            value=0,
            step=1,
            format=CustomJSTickFormatter(
                args={"values": [f"{v:g}" for v in facets if v is not None]},
                code="return values[tick];",
            ),
            width=400,
        )
    if select is None and slider is None:
        return []
    names = list(frontier_styles(panels))
    callback = CustomJS(
        args={
            "source": source,
            "panels": [ColumnDataSource(columns) for columns in cells.panels],
            "lines": list(lines),
            "curves": [[ColumnDataSource(_curve(p, n)) for n in names] for p in panels],
            "titles": [p.title for p in panels],
            "title": plot.title,
            "n_facets": len(facets),
            "select": select,
            "slider": slider,
        },
        code=_SWITCH,
    )
    controls: list[Any] = []
    if select is not None:
        select.js_on_change("value", callback)
        controls.append(select)
    if slider is not None:
        slider.js_on_change("value", callback)
        controls.append(slider)
    return controls


def legend_html(panels: Sequence[LandscapePanel], codes: Sequence[int], heading: str) -> str:
    """The categories' colours and names under a heading, below the plot (names can be long
    sentences)."""
    names = {c: n for p in panels for c, n in zip(p.category_codes, p.category_names, strict=True)}
    colours = {
        c: col for p in panels for c, col in zip(p.category_codes, p.category_colours, strict=True)
    }
    rows = "".join(
        f'<div class="ns-legend-row"><span style="display:inline-block;width:1em;height:1em;'
        f'background:{colours[c]};border:1px solid #666;margin-right:0.5em"></span>'
        f"{html.escape(names[c])}</div>"
        for c in codes
    )
    return f'<div class="ns-legend"><b>{html.escape(heading)}</b>{rows}</div>'
