"""What an interactive landscape shows when a cell is hovered: columns of numbers, one row a cell.

:func:`page_cells` turns a sweep result and the panels of a landscape
(:func:`~negotiation_sim.plotting.landscape_panels`) into plain arrays, without any plotting
library: the cells' rectangles (shared by every panel), and per panel one column per hovered
quantity (the swept parameters, the format, the equilibrium set, the selected outcome and its
terms, the number of equilibria, the deal probability, each actor's payoff and surplus, the
welfare). Categories travel as codes with their names beside them, so a 201 x 201 grid stays
small; the page looks the names up when it shows a cell.

The equilibrium set is the sweep's ``equilibrium_set`` variable when it has one, else it is
read from ``deal_is_equilibrium`` and ``no_deal_is_equilibrium`` (:data:`SET_NAMES`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..game import FloatArray
from ._colours import metric_label, outcome_names
from ._panels import LandscapePanel, cell_edges

if TYPE_CHECKING:
    import xarray as xr

#: The equilibrium set read from ``deal_is_equilibrium`` and ``no_deal_is_equilibrium``, with the
#: codes of a sweep's ``equilibrium_set``.
SET_NAMES = {0: "deal only", 1: "deal and no deal", 2: "no deal only", 3: "no pure equilibrium"}


@dataclass(frozen=True)
class Field:
    """One row of a cell's tooltip.

    Attributes
    ----------
    column : str
        The column holding it (a name the page's JavaScript can use).
    label : str
        What the tooltip calls it.
    kind : str
        How its value is shown: ``"number"`` (three decimals), ``"count"``, ``"parameter"``
        (as swept) or ``"name"`` (the column holds codes, ``names`` their text).
    names : mapping of int to str
        For a ``"name"``: the text of each code.
    """

    column: str
    label: str
    kind: str = "number"
    names: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageCells:
    """The cells of a landscape, ready for a page.

    Attributes
    ----------
    geometry : dict of str to ndarray
        ``left``, ``right``, ``bottom``, ``top`` of every cell (row-major over y, then x), the
        same in every panel.
    panels : tuple of dict of str to ndarray
        Per panel: ``colour`` (the index of a category's colour, or the metric's value) and one
        column per :class:`Field`, in the order of the geometry.
    fields : tuple of Field
        The tooltip's rows, in order.
    """

    geometry: dict[str, FloatArray]
    panels: tuple[dict[str, NDArray[Any]], ...]
    fields: tuple[Field, ...]


def page_cells(
    ds: xr.Dataset, panels: Sequence[LandscapePanel], colour_codes: Sequence[int] = ()
) -> PageCells:
    """The cells of ``panels`` (all of one call of ``landscape_panels``) with their hover data.

    ``colour_codes`` are the category codes of a categorical metric in the order of the page's
    palette: the ``colour`` column holds a code's index there.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from negotiation_sim.plotting import landscape_panels
    >>> ds = xr.Dataset(
    ...     {"welfare": (("trust", "verification"), [[1.0, 2.0], [3.0, 4.0]]),
    ...      "deal_is_equilibrium": (("trust", "verification"), [[False, True], [True, True]]),
    ...      "no_deal_is_equilibrium": (("trust", "verification"), [[True, True], [False, True]])},
    ...     coords={"trust": [0.0, 1.0], "verification": [0.0, 0.5]})
    >>> cells = page_cells(ds, landscape_panels(ds, "welfare"))
    >>> [f.label for f in cells.fields]
    ['trust', 'verification', 'equilibrium set', 'total payoff (welfare)']
    >>> cells.geometry["left"].tolist(), cells.geometry["top"].tolist()
    ([-0.25, 0.25, -0.25, 0.25], [0.5, 0.5, 1.5, 1.5])
    >>> [SET_NAMES[int(c)] for c in cells.panels[0]["eqset"]]
    ['no deal only', 'deal and no deal', 'deal only', 'deal and no deal']
    """
    first = panels[0]
    x_edges, y_edges = cell_edges(first.x), cell_edges(first.y)
    grid = np.meshgrid(np.arange(first.x.size), np.arange(first.y.size))
    cols, rows = grid[0].ravel(), grid[1].ravel()
    geometry = {
        "left": x_edges[cols],
        "right": x_edges[cols + 1],
        "bottom": y_edges[rows],
        "top": y_edges[rows + 1],
    }
    fields = _fields(ds, first)
    columns = tuple(_panel_columns(ds, panel, fields, colour_codes) for panel in panels)
    return PageCells(geometry, columns, tuple(row for row, _ in fields))


#: A field and how to compute its column for a panel.
_Source = tuple[Field, Any]


def _fields(ds: xr.Dataset, panel: LandscapePanel) -> list[_Source]:
    """The tooltip's rows for the panels of a call, each with what fills its column."""
    fields: list[_Source] = []
    parameters = [panel.y_name, panel.x_name, *([panel.facet] if panel.facet else [])]
    parameters += [name for name in panel.fixed if name not in parameters]
    for i, name in enumerate(parameters):
        fields.append((Field(f"param{i}", name, "parameter"), ("parameter", name)))
    if panel.format is not None:
        names = {i: str(f) for i, f in enumerate(ds["format"].values)}
        fields.append((Field("format", "format", "name", names), ("format", None)))
    data: list[tuple[Field, xr.DataArray]] = []
    equilibrium_set = _equilibrium_set(ds)
    if equilibrium_set is not None:
        da, names = equilibrium_set
        data.append((Field("eqset", "equilibrium set", "name", names), da))
    if "n_equilibria" in ds:
        data.append((Field("n_eq", "pure equilibria", "count"), ds["n_equilibria"]))
    if "outcome" in ds:
        attrs = ds["outcome"].attrs
        label = str(attrs.get("long_name", "selected outcome"))
        rule = str(attrs.get("selection", ""))
        if rule and rule not in label:  # the label names the selection rule
            label = f"{label} (selection: {rule})"
        data.append((Field("outcome", label, "name", outcome_names(attrs)), ds["outcome"]))
        terms = outcome_terms(ds)
        if terms:
            data.append((Field("terms", "its terms", "name", terms), ds["outcome"]))
    for name in ("deal_probability", "payoff", "surplus", "welfare"):
        data.extend(_numbers(ds, name))
    data = [(row, da) for row, da in data if _fits(da, panel)]
    fields.extend((row, ("data", da)) for row, da in data)
    shown = {str(da.name) for _, da in data}
    if panel.metric not in shown and not panel.categorical:
        fields.append((Field("metric", panel.label), ("metric", None)))
    return fields


def _fits(da: xr.DataArray, panel: LandscapePanel) -> bool:
    """Whether a variable has one value per cell of the panel (after picking its format)."""
    axes = {panel.x_name, panel.y_name, *([panel.facet] if panel.facet else []), *panel.fixed}
    dims = {str(d) for d in da.dims}
    if "format" in dims and panel.format is None:
        return False  # a metric without a format shown: a per-format value would be a guess
    return {panel.x_name, panel.y_name} <= dims and dims - {"format"} <= axes


def _numbers(ds: xr.Dataset, name: str) -> list[tuple[Field, xr.DataArray]]:
    """One field per actor of a per-actor variable, else one field."""
    if name not in ds:
        return []
    da = ds[name]
    label = metric_label(name, da.attrs) if name != "welfare" else "total payoff (welfare)"
    if "actor" not in da.dims:
        return [(Field(name, label), da)]
    short = {"payoff": "payoff", "surplus": "surplus over no deal"}.get(name, name)
    return [
        (Field(f"{name}_{i}", f"{short} of {actor}"), da.sel(actor=actor, drop=True).rename(name))
        for i, actor in enumerate(str(a) for a in da["actor"].values)
    ]


def _equilibrium_set(ds: xr.Dataset) -> tuple[xr.DataArray, dict[int, str]] | None:
    """The equilibrium set per cell and its names: the sweep's, or read from the two flags."""
    if "equilibrium_set" in ds:
        da = ds["equilibrium_set"]
        names = outcome_names(da.attrs)
        names.pop(-1, None)
        if not names:  # no names in the file: its codes would say nothing
            return None
        return da, names
    if "deal_is_equilibrium" in ds and "no_deal_is_equilibrium" in ds:
        flags = ds["deal_is_equilibrium"]
        deal, no_deal = (
            np.asarray(flags.values, bool),
            np.asarray(ds["no_deal_is_equilibrium"], bool),
        )
        codes = np.where(deal, np.where(no_deal, 1, 0), np.where(no_deal, 2, 3))
        return flags.copy(data=codes.astype(np.int8)), dict(SET_NAMES)
    return None


def outcome_terms(ds: xr.Dataset) -> dict[int, str]:
    """Each outcome code's terms, from the scenario file the sweep keeps (empty if unknown).

    >>> import xarray as xr
    >>> ds = xr.Dataset({"outcome": ((), 0, {"flag_meanings": "none war deal"})},
    ...                 attrs={"scenario_text": '[outcomes.deal]\\nterms = {line = "front"}'})
    >>> outcome_terms(ds)
    {1: 'line = front'}
    """
    meanings = str(ds["outcome"].attrs.get("flag_meanings", "")).split()
    try:
        outcomes = tomllib.loads(str(ds.attrs.get("scenario_text", ""))).get("outcomes", {})
    except tomllib.TOMLDecodeError:
        return {}
    terms: dict[int, str] = {}
    for code, name in enumerate(meanings[1:]):  # flag_meanings starts with "none" (-1)
        table = outcomes.get(name, {}) if isinstance(outcomes, dict) else {}
        given = table.get("terms") if isinstance(table, dict) else None
        if isinstance(given, dict) and given:
            terms[code] = ", ".join(f"{k} = {v}" for k, v in given.items())
    return terms


def _panel_columns(
    ds: xr.Dataset, panel: LandscapePanel, fields: list[_Source], colour_codes: Sequence[int]
) -> dict[str, NDArray[Any]]:
    """One panel's columns (row-major over its y, then x values)."""
    shape = (panel.y.size, panel.x.size)
    columns: dict[str, NDArray[Any]] = {"colour": _colour(panel, colour_codes).ravel()}
    for row, (kind, what) in fields:
        if kind == "parameter":
            columns[row.column] = _parameter(panel, what, shape).ravel()
        elif kind == "format":
            codes = [v for v, name in row.names.items() if name == panel.format]
            columns[row.column] = np.full(shape, codes[0] if codes else -1, np.int8).ravel()
        elif kind == "metric":
            columns[row.column] = panel.values.astype(np.float32).ravel()
        else:
            columns[row.column] = _select(what, panel).astype(np.float32).ravel()
    return columns


def _colour(panel: LandscapePanel, colour_codes: Sequence[int]) -> NDArray[Any]:
    """What the colour mapper reads: a category's palette index, or the metric's value."""
    if not panel.categorical:
        return panel.values.astype(np.float32)
    index = np.searchsorted(np.asarray(colour_codes), panel.values)
    return index.astype(np.int16)


def _parameter(panel: LandscapePanel, name: str, shape: tuple[int, int]) -> FloatArray:
    """A swept parameter's value in every cell of a panel."""
    if name == panel.x_name:
        return np.broadcast_to(panel.x, shape).astype(np.float64)
    if name == panel.y_name:
        return np.broadcast_to(panel.y[:, None], shape).astype(np.float64)
    value = panel.facet_value if name == panel.facet else panel.fixed[name]
    return np.full(shape, np.nan if value is None else value)


def _select(da: xr.DataArray, panel: LandscapePanel) -> NDArray[Any]:
    """A variable over a panel's plane, picked as the panel's metric was (sorted, nearest)."""
    if "format" in da.dims:
        da = da.sel(format=panel.format)
    at: dict[str, Any] = {k: v for k, v in panel.fixed.items() if k in da.dims}
    if panel.facet is not None and panel.facet in da.dims:
        at[panel.facet] = panel.facet_value
    picked = da.sel(at, method="nearest") if at else da
    picked = picked.sortby([panel.y_name, panel.x_name]).transpose(panel.y_name, panel.x_name)
    return np.asarray(picked.values)
