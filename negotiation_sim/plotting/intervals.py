"""A sampled sweep's probabilities with their intervals, one row per cell: mechanisms compared.

A sweep whose axes take a few discrete values (a mechanism on or off, a guarantee of none, half
or most) asks which cell, and which format, makes a deal likely, and whether the difference
is larger than the sampling error. A heat map of 2 x 3 cells hides the intervals that answer
the second half; :func:`plot_probability_intervals` draws each cell as a row, each format as
a dot (the estimate) on a whisker (its Wilson interval, ``<variable>_low`` to
``<variable>_high``), the formats of a row side by side in Okabe & Ito's colours.
:func:`save_probability_intervals` writes it under the project's output-file rule. A bad
argument raises an :class:`~negotiation_sim.errors.InputError` located at the argument;
matplotlib is imported only when something is drawn.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._checking import Problems, outside_range, range_message, suggest
from ..errors import InputError
from ._checks import axes_or_new, check_data, percent
from ._colours import DESIGN_NAMES, OKABE_ITO, PROBABILITY_LABELS

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes

__all__ = ["MAX_CELLS", "plot_probability_intervals", "save_probability_intervals"]

#: The most cells (rows) an interval chart draws; more is a map's job.
MAX_CELLS = 60
#: Formats in this order of Okabe & Ito's palette: blue, orange, bluish green, vermillion,
#: reddish purple, sky blue; yellow, faint on white, last.
_COLOURS = tuple(OKABE_ITO[i] for i in (4, 0, 2, 5, 6, 1, 3))
_ROW_SPAN = 0.66  # the share of a row's height its formats' whiskers spread over
_NOT_SAMPLED = (
    "not a sampled sweep's results (no design attribute): only a sampled sweep, of an "
    "experiment with a [design] table, has probabilities with intervals; draw its landscape "
    "instead (negotiation-sim plot RESULTS -o landscape.png, or save_landscape)"
)


class _Rows(NamedTuple):
    """What the chart shows: one row per cell of the axes, one column per format."""

    #: Each cell's axis values, ``"linkage 1, guarantee_effect 0.5"``.
    labels: tuple[str, ...]
    #: The formats drawn (``(None,)`` for a dataset without a format axis).
    formats: tuple[str | None, ...]
    #: The estimate and the interval's ends, shape ``(formats, cells)``.
    value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]


def plot_probability_intervals(
    dataset: xr.Dataset,
    *,
    variable: str = "p_deal",
    formats: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw a probability of a sampled sweep with its interval, one row per cell.

    Each cell of the sweep's axes is a row labelled with its axis values (the first cell on
    top, the last axis varying fastest); each format a colour (by its place in the dataset's
    formats), offset within the row so that whiskers do not overlap: a dot at ``variable``, a whisker from ``<variable>_low`` to
    ``<variable>_high``. x runs from 0 to 1, labelled with the variable's long name; the title
    names the experiment, the probability, its interval and the draws per cell.

    Parameters
    ----------
    dataset : xarray.Dataset
        A sampled sweep's results (its ``design`` attribute): ``variable``, ``<variable>_low``
        and ``<variable>_high`` over ``format`` (optional) and at most :data:`MAX_CELLS`
        cells of the axes.
    variable : str, optional
        A probability with an interval: ``p_deal`` or ``p_no_deal_only``.
    formats : sequence of str, optional
        The formats drawn, in this order (default: every format, in the dataset's order).
    ax : matplotlib Axes, optional
        Where to draw (a new figure when None).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    InputError
        Located at the argument: a ``dataset`` that is not a sampled sweep's or has more than
        :data:`MAX_CELLS` cells (the probability map draws those), an unknown ``variable`` (with
        a hint) or one without an interval, values that are not probabilities in their interval,
        unknown or repeated ``formats``, an ``ax`` that is not an Axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np, xarray as xr
    >>> p = np.array([[[0.1, 0.2], [0.3, 0.4]]])
    >>> axes = ("format", "linkage", "guarantee")
    >>> ds = xr.Dataset(
    ...     {"p_deal": (axes, p), "p_deal_low": (axes, p - 0.05), "p_deal_high": (axes, p + 0.05)},
    ...     coords={"format": ["monitors"], "linkage": [0, 1], "guarantee": [0.0, 0.5]},
    ...     attrs={"design": "sobol", "reduced_rows": 64, "confidence": 0.95},
    ... )
    >>> ax = plot_probability_intervals(ds)
    >>> [t.get_text() for t in ax.get_yticklabels()][:2], [float(x) for x in ax.get_xlim()]
    (['linkage 0, guarantee 0', 'linkage 0, guarantee 0.5'], [0.0, 1.0])
    >>> ax.get_title()
    "P(a deal is an equilibrium), with its 95% Wilson interval\\n64 Sobol' draws per cell"
    """
    rows = _interval_rows(dataset, variable, formats)
    ax = axes_or_new(ax, _size(rows))
    _draw(ax, dataset, variable, rows)
    return ax


def _interval_rows(ds: xr.Dataset, variable: str, formats: Sequence[str] | None) -> _Rows:
    """The estimates and intervals of ``variable`` per format and cell, checked."""
    if "design" not in ds.attrs:
        raise InputError.at("", "dataset", _NOT_SAMPLED)
    _check_variable(ds, variable)
    ends = [ds[f"{variable}_{end}"] for end in ("low", "high")]
    da = ds[variable]
    for end in ends:
        if set(end.dims) != set(da.dims):
            raise InputError.at(
                "", str(end.name), f"expected the axes of {variable!r}, {list(da.dims)}"
            )
    for each in (da, *ends):
        check_data(each, str(each.name))
    axes = [str(d) for d in da.dims if d != "format"]
    cells = int(np.prod([da.sizes[a] for a in axes]))
    if cells > MAX_CELLS:
        sizes = " x ".join(f"{a} {da.sizes[a]}" for a in axes)
        raise InputError.at(
            "",
            "dataset",
            f"{cells} cells ({sizes}) are too many rows for an interval chart (at most "
            f"{MAX_CELLS}); draw the probability map instead (negotiation-sim plot RESULTS "
            "-o map.png, or save_probability_map), or select fewer cells with dataset.sel(...)",
        )
    chosen = _formats(ds, formats)
    order = (*(["format"] if "format" in da.dims else []), *axes)

    def table(array: xr.DataArray) -> NDArray[np.float64]:
        if chosen != (None,):
            array = array.sel(format=list(chosen))
        return np.asarray(array.transpose(*order).values, np.float64).reshape(len(chosen), cells)

    value, low, high = table(da), table(ends[0]), table(ends[1])
    _check_probabilities(variable, value, low, high)
    values = [[_show(v) for v in da[a].values] for a in axes]
    labels = tuple(
        ", ".join(f"{a} {v}" for a, v in zip(axes, cell, strict=True))
        for cell in itertools.product(*values)
    )
    return _Rows(labels or ("all draws",), chosen, value, low, high)


def _check_variable(ds: xr.Dataset, variable: Any) -> None:
    """``variable`` is in the dataset, with both ends of its interval."""
    names = sorted(str(n) for n in ds.data_vars)
    known = [n for n in names if f"{n}_low" in ds.data_vars and f"{n}_high" in ds.data_vars]
    listed = f"probabilities with an interval here: {', '.join(known) or 'none'}"
    if not isinstance(variable, str):
        raise InputError.at("", "variable", f"expected a variable's name, got {variable!r}")
    if variable not in names:
        raise InputError.at(
            "",
            "variable",
            f"{variable!r} is not in this dataset{suggest(variable, known or names)}; {listed}",
        )
    if variable not in known:
        raise InputError.at(
            "",
            "variable",
            f"{variable!r} has no interval (no {variable}_low and {variable}_high); {listed}",
        )


def _formats(ds: xr.Dataset, formats: Sequence[str] | None) -> tuple[str | None, ...]:
    """The formats drawn: ``formats`` checked against the dataset's, else all of them."""
    known = [str(f) for f in ds["format"].values] if "format" in ds.dims else []
    if formats is None:
        return tuple(known) or (None,)
    if not known:
        raise InputError.at("", "formats", "the dataset has no format axis to choose from")
    problems = Problems("", InputError)
    given = list(formats) if isinstance(formats, list | tuple) else formats
    chosen = problems.names(given, "formats", known, "format")
    problems.raise_if_any()
    return tuple(chosen or ())


def _check_probabilities(
    variable: str, value: NDArray[np.float64], low: NDArray[np.float64], high: NDArray[np.float64]
) -> None:
    """Probabilities in [0, 1] (NaN: not drawn), each estimate inside its interval."""
    for name, array in ((variable, value), (f"{variable}_low", low), (f"{variable}_high", high)):
        bad = outside_range(array[~np.isnan(array)], 0.0, 1.0)
        if bad is not None:
            message = f"is not a probability: {range_message(bad, 0.0, 1.0)}"
            raise InputError.at("", "variable", f"{name!r} {message}")
    with np.errstate(invalid="ignore"):
        outside = (low > value) | (value > high)
    if outside.any():
        k = np.unravel_index(int(np.argmax(outside)), outside.shape)
        raise InputError.at(
            "",
            "variable",
            f"{variable!r} is {value[k]:g} outside its interval [{low[k]:g}, {high[k]:g}]",
        )


def _show(value: Any) -> str:
    """An axis value in a row label: a number in its shortest form."""
    return f"{value:g}" if isinstance(value, int | float | np.number) else str(value)


def _size(rows: _Rows) -> tuple[float, float]:
    """A figure's size in inches: a row needs room for its label and its formats' whiskers."""
    return 8.0, 2.2 + len(rows.labels) * max(0.32, 0.15 * len(rows.formats))


def _draw(ax: Axes, ds: xr.Dataset, variable: str, rows: _Rows) -> None:
    """Draw every format's dots and whiskers, the row labels, the axis and the title."""
    y = np.arange(len(rows.labels), dtype=np.float64)
    step = _ROW_SPAN / len(rows.formats)
    known = [str(f) for f in ds["format"].values] if "format" in ds.dims else []
    for k, name in enumerate(rows.formats):
        # a format's colour follows its place in the dataset, whichever formats are drawn
        colour = _COLOURS[known.index(name) % len(_COLOURS) if name in known else 0]
        at = y + (k - (len(rows.formats) - 1) / 2) * step
        ax.hlines(at, rows.low[k], rows.high[k], colors=colour, lw=2.0, gid=f"interval:{name}")
        ax.plot(
            rows.value[k], at, "o", color=colour, ms=6, mec="white", mew=0.8, zorder=3,
            label=name or variable, gid=f"estimate:{name}",
        )  # fmt: skip
    ax.set_yticks(y, rows.labels)
    ax.set_ylim(len(rows.labels) - 0.5, -0.5)  # the first cell on top
    for boundary in y[1:] - 0.5:
        ax.axhline(boundary, color="#DDDDDD", lw=0.8, zorder=0)
    ax.set_xlim(0.0, 1.0)
    ax.grid(axis="x", color="#EEEEEE", zorder=0)
    ax.set_axisbelow(True)
    ax.set_xlabel(str(ds[variable].attrs.get("long_name", variable)))
    ax.set_title(_title(ds, variable), fontsize=10)
    if rows.formats != (None,):
        ax.legend(title="format", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)


def _title(ds: xr.Dataset, variable: str) -> str:
    """The experiment's title; the probability and its interval; the draws per cell."""
    what = PROBABILITY_LABELS.get(variable, variable)
    confidence = ds.attrs.get("confidence")
    if confidence is not None:
        what += f", with its {percent(float(confidence))} Wilson interval"
    design = str(ds.attrs.get("design", ""))
    design = DESIGN_NAMES.get(design, design.replace("_", " "))
    draws = ds.attrs.get("reduced_rows", ds.attrs.get("samples"))
    per_cell = f"{int(draws):,} {design} draws per cell" if draws is not None else ""
    lines = [str(ds.attrs.get("title", "")), what, per_cell]
    return "\n".join(line for line in lines if line)


def save_probability_intervals(
    ds_or_path: xr.Dataset | str | Path,
    path: str | Path,
    variable: str = "p_deal",
    *,
    formats: Sequence[str] | None = None,
    dpi: int = 120,
    overwrite: bool = False,
) -> Path:
    """Draw :func:`plot_probability_intervals` and write it to ``path``.

    Any format matplotlib writes; the figure's height follows its rows. The output-file rule is that of
    :func:`~negotiation_sim.plotting.save_landscape`: atomic, marked, never the results file,
    a file negotiation_sim did not write replaced only with ``overwrite``.

    Raises
    ------
    InputError
        Located at the argument (``dataset``, ``variable``, ``formats``), naming the results
        file when one is read; or naming a results or picture file that cannot be read or
        written.

    Examples
    --------
    >>> import tempfile, pathlib, xarray as xr
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> grid = xr.Dataset({"outcome": ("trust", [0, 1])}, coords={"trust": [0.0, 1.0]})
    >>> grid.to_netcdf(folder / "results.nc")
    >>> save_probability_intervals(folder / "results.nc", folder / "p.png")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.InputError: .../results.nc: dataset: not a sampled sweep's results ...
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ._output import naming, picture_target, write_picture
    from .landscape import load_results

    source = ds_or_path if isinstance(ds_or_path, str | Path) else None
    out, kind = picture_target(path, overwrite=overwrite, inputs=[source] if source else [])
    ds = load_results(ds_or_path) if isinstance(ds_or_path, str | Path) else ds_or_path
    with naming(source):
        rows = _interval_rows(ds, variable, formats)
    figure = Figure(figsize=_size(rows), layout="constrained")
    FigureCanvasAgg(figure)
    try:
        _draw(figure.add_subplot(), ds, variable, rows)
        return write_picture(figure, out, kind, dpi=dpi)
    finally:
        figure.clear()
