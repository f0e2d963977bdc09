"""The swept axes of an experiment file: ``[axes.<parameter>]`` tables checked into :class:`Axis`.

An axis gives its grid either as ``values = [...]`` (strictly increasing) or as
``range = [low, high]`` and ``points = n`` (evenly spaced, both ends included);
every value must lie in the parameter's range. The number of grid points is checked
(with Python integers) before any grid is built.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .._checking import Problems, is_number, join, show
from ..game import FloatArray, frozen_array
from ..scenario import Scenario

__all__ = ["MAX_POINTS", "Axis", "check_axes"]

#: Grid points an experiment may have (the results of every point are kept in memory).
MAX_POINTS = 50_000_000

_AXIS_KEYS = ("values", "range", "points", "description")


@dataclass(frozen=True, eq=False)
class Axis:
    """One swept parameter.

    Attributes
    ----------
    name : str
        A parameter of the scenario.
    values : ndarray
        Strictly increasing grid values (read-only).
    """

    name: str
    values: FloatArray


def check_axes(
    problems: Problems,
    table: Mapping[str, Any],
    scenario: Scenario | None,
    fixed: Mapping[str, float],
    *,
    required: bool = True,
) -> tuple[Axis, ...] | None:
    """The ``[axes]`` table as axes (``None`` if any is wrong; the problems are recorded).

    ``required``: whether an experiment needs an axis (a sampled design does not).

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    >>> problems = Problems("x.toml")
    >>> axes = check_axes(problems, {"trust": {"range": [0, 1], "points": 3}}, alaska, {})
    >>> axes[0].values.tolist()
    [0.0, 0.5, 1.0]
    >>> check_axes(problems, {"trust": {"values": [0.5, 2.0]}}, alaska, {}) is None
    True
    >>> [str(p) for p in problems.problems]
    ["axes.trust: value 2 is outside the range of 'trust', [0, 1]"]
    """
    if not table:
        if not required:  # a sampled design without focus axes: one point, many rows
            return ()
        problems.add("axes", "missing: at least one swept parameter, e.g. [axes.trust]")
        return None
    grids: list[_Grid] = []
    for name, spec in table.items():
        location = join("axes", name)
        if problems.table(spec, location, optional=_AXIS_KEYS) is None:
            continue
        known = scenario is not None and problems.known(
            name, scenario.parameters, location, "parameter"
        )
        if name in fixed:
            problems.add(location, f"{name!r} is also in [fixed]: sweep it or fix it")
        grid = _axis_grid(problems, name, spec, location)
        if grid is None:
            continue
        if known and scenario is not None:
            parameter = scenario.parameters[name]
            ends = grid.listed if grid.listed is not None else (grid.low, grid.high)
            if not problems.in_range(ends, parameter.low, parameter.high, location, name=name):
                continue
        grids.append(grid)
    if len(grids) != len(table):
        return None
    points = math.prod(grid.points for grid in grids)  # Python ints: before any allocation
    if points > MAX_POINTS:
        problems.add("axes", f"{points:,} grid points; at most {MAX_POINTS:,} in one experiment")
        return None
    return tuple(Axis(grid.name, frozen_array(grid.values())) for grid in grids)


class _Grid(NamedTuple):
    """An axis's grid before it is built: listed values, or ``points`` from ``low`` to ``high``."""

    name: str
    listed: FloatArray | None
    low: float
    high: float
    points: int

    def values(self) -> FloatArray:
        if self.listed is not None:
            return self.listed
        # Both ends are at most MAX_MAGNITUDE in size: high - low cannot overflow.
        return np.linspace(self.low, self.high, self.points)


def _axis_grid(
    problems: Problems, name: str, spec: Mapping[str, Any], location: str
) -> _Grid | None:
    """An axis's grid from ``values``, or from ``range`` and ``points``."""
    if "values" in spec:
        if "range" in spec or "points" in spec:
            problems.add(location, "give either values or range and points, not both")
            return None
        listed = _listed_values(problems, spec["values"], join(location, "values"))
        return None if listed is None else _Grid(name, listed, 0.0, 0.0, listed.size)
    if "range" not in spec or "points" not in spec:
        missing = "range" if "range" not in spec else "points"
        problems.add(location, f"missing {missing!r}: give values, or range and points")
        return None
    bounds = _range(problems, spec["range"], join(location, "range"))
    points = problems.whole(spec["points"], join(location, "points"), low=1, high=MAX_POINTS)
    if bounds is None or points is None:
        return None
    if points > 1 and bounds[0] == bounds[1]:
        problems.add(join(location, "points"), "a range of zero width holds one point")
        return None
    return _Grid(name, None, *bounds, points)


def _range(problems: Problems, bounds: Any, location: str) -> tuple[float, float] | None:
    """``range = [low, high]``: two numbers (at most ``MAX_MAGNITUDE`` in size), low <= high."""
    if not isinstance(bounds, list) or len(bounds) != 2 or not all(map(is_number, bounds)):
        problems.add(location, f"expected [low, high] with low <= high, got {show(bounds)}")
        return None
    low, high = (problems.number(b, join(location, k)) for k, b in enumerate(bounds))
    if low is None or high is None:
        return None
    if low > high:
        problems.add(location, f"expected [low, high] with low <= high, got [{low:g}, {high:g}]")
        return None
    return low, high


def _listed_values(problems: Problems, given: Any, location: str) -> FloatArray | None:
    if not isinstance(given, list) or not given:
        problems.add(location, f"expected a non-empty list of numbers, got {show(given)}")
        return None
    count = len(problems.problems)
    numbers = [problems.number(v, join(location, k)) for k, v in enumerate(given)]
    if len(problems.problems) != count:
        return None
    values = np.asarray(numbers, dtype=np.float64)
    if values.size > 1 and not np.all(np.diff(values) > 0):
        problems.add(location, "expected strictly increasing values")
        return None
    return values
