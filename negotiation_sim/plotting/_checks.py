"""What a variable of a sweep result must be for a picture: numbers over labelled axes.

A results file that is not a sweep's (variables or coordinates missing, repeated or not
numbers) gets an :class:`~negotiation_sim.errors.InputError` located at the variable and
axis, never an error from deep inside xarray or matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._checking import Problems, join
from ..errors import InputError
from ._colours import is_categorical

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes

__all__ = ["axes_or_new", "check_data", "percent"]


def check_data(da: xr.DataArray, name: str) -> None:
    """A variable of a sweep result is what a sweep writes: numbers over labelled axes.

    Each axis has coordinate values, none repeated (``format`` and ``actor`` names, the
    swept parameters finite numbers); the values are numbers, whole numbers for a
    categorical metric. A file that is not a sweep's raises an :class:`InputError`
    located at the variable and axis.

    >>> import xarray as xr
    >>> check_data(xr.DataArray([[1.0, 2.0]], coords={"a": [0.0], "b": [0.0, 0.0]}), "welfare")
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.InputError: welfare.b: the axis has repeated values
    """
    problems = Problems("", InputError)
    for dim in (str(d) for d in da.dims):
        problem = _axis_problem(da, dim)
        if problem:
            problems.add(join(name, dim), problem)
    values = np.asarray(da.values)
    if values.dtype.kind not in "biuf":
        problems.add(name, f"expected numbers, found {_kind(values.dtype)}")
    elif is_categorical(name) and values.dtype.kind == "f" and not _whole(values):
        problems.add(name, "expected whole-number codes, found other numbers")
    problems.raise_if_any()


def _kind(dtype: np.dtype[Any]) -> str:
    """What values of ``dtype`` are, for a message."""
    if dtype.kind in "OUS":
        return "text"
    return "complex numbers" if dtype.kind == "c" else f"values of type {dtype}"


def _whole(values: np.ndarray) -> bool:
    return bool((np.isfinite(values) & (values == np.round(values))).all())


def _axis_problem(da: xr.DataArray, dim: str) -> str | None:
    """What is wrong with one axis of a variable (``None``: nothing)."""
    if dim not in da.indexes:
        return "the axis has no coordinate values"
    index = da.indexes[dim]
    if len(index) == 0:
        return "the axis has no values"
    if not index.is_unique:
        return "the axis has repeated values"
    if dim in ("format", "actor"):  # names: selected by their text
        names = all(isinstance(value, str) for value in index)
        return None if names else f"expected names as the axis's values, found {index.dtype}"
    values = np.asarray(index)
    if values.dtype.kind not in "iuf":
        return f"expected numbers as the axis's values, found {_kind(values.dtype)}"
    if not np.isfinite(values).all():
        return "the axis has values that are not finite numbers"
    return None


def axes_or_new(ax: Any, size: tuple[float, float]) -> Axes:
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


def percent(value: float) -> str:
    return f"{value:.0%}"
