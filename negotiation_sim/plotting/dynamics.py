"""Pictures of ceasefires over time: survival curves with bands and fan charts of trust.

A dynamics sweep (docs/experiment-format.md, ``[dynamics]``) records, at every parameter point,
the probability that the deal still holds after each round (``survival`` over ``round``, with
its Monte Carlo standard error ``survival_se``) and each side's posterior trust in the other
among the ceasefires still holding (``posterior_trust`` over ``side``, ``round`` and ``quantile``).
:func:`plot_survival` draws survival curves, one per value of an axis (``by``), each with its
confidence band; :func:`plot_trust_fan` draws one side's trust as a fan (median, the 25-75% and
5-95% ranges). Landscapes of a scalar (``expected_duration``, ``p_holding``) are ordinary
landscapes (:func:`~negotiation_sim.plotting.plot_landscape`), frontiers included. Every
function draws into ``ax`` (a new figure when None) and returns the Axes; a bad argument raises
an :class:`~negotiation_sim.errors.InputError` located at the argument. Colours: Okabe & Ito's
palette; the bands are the lines' colours, lighter.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checking import Problems, suggest
from ..errors import InputError
from ._checks import axes_or_new
from ._colours import OKABE_ITO

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes

__all__ = ["is_dynamics", "plot_survival", "plot_trust_fan", "point_of", "save_dynamics"]

#: The dimensions of a dynamics variable that are not swept parameters.
_OWN_DIMS = frozenset({"round", "side", "quantile", "cause", "actor", "sample"})


def point_of(
    da: xr.DataArray, select: Mapping[str, float] | None, keep: tuple[str, ...] = ()
) -> xr.DataArray:
    """``da`` at one parameter point: every swept axis not in ``keep`` fixed by ``select``
    (nearest value) or of length 1; a sampled design's samples averaged.

    Raises
    ------
    InputError
        At ``select``: an axis not swept, or a swept axis left free.
    """
    chosen = dict(select or {})
    axes = [str(d) for d in da.dims if d not in _OWN_DIMS]
    problems = Problems("", InputError)
    for name in chosen:
        if name not in axes or name in keep:
            hint = suggest(name, axes)
            problems.add("select", f"{name!r} is not a swept parameter to fix{hint}: {axes}")
    free = [a for a in axes if a not in chosen and a not in keep and da.sizes[a] > 1]
    if free:
        values = "; ".join(f"{a} in {np.asarray(da[a].values).tolist()}" for a in free)
        problems.add("select", f"fix {', '.join(free)} with select={{name: value}}: {values}")
    problems.raise_if_any()
    picked = da.sel({k: v for k, v in chosen.items()}, method="nearest") if chosen else da
    for axis in axes:
        if axis not in chosen and axis not in keep and axis in picked.dims:
            picked = picked.isel({axis: 0})
    return picked.mean("sample") if "sample" in picked.dims else picked


def plot_survival(
    dataset: xr.Dataset,
    *,
    by: str | None = None,
    select: Mapping[str, float] | None = None,
    band: float = 0.95,
    ax: Axes | None = None,
) -> Axes:
    """Survival curves S(t) = P(the deal holds after t rounds), each with its confidence band.

    Parameters
    ----------
    dataset : xarray.Dataset
        A dynamics sweep's results (``survival`` and ``survival_se`` over ``round``).
    by : str, optional
        A swept axis: one curve per value (default: one curve).
    select : mapping, optional
        A value for every other swept axis of more than one value (nearest grid value).
    band : float
        The band's confidence level, in (0, 1): S +- z SE, z the normal quantile (clipped to
        [0, 1]). With a sampled design the curves average the samples, and the band is the
        standard error of that average.
    ax : matplotlib Axes, optional

    Examples
    --------
    >>> import xarray as xr
    >>> rounds = np.arange(4)
    >>> s = np.array([[1, 0.9, 0.81, 0.73], [1, 0.5, 0.25, 0.12]])
    >>> ds = xr.Dataset({"survival": (("trust", "round"), s),
    ...                  "survival_se": (("trust", "round"), np.full((2, 4), 0.01))},
    ...                 coords={"trust": [0.2, 0.8], "round": rounds})
    >>> ax = plot_survival(ds, by="trust")
    >>> [line.get_label() for line in ax.get_lines()]
    ['trust = 0.2', 'trust = 0.8']
    """
    from scipy.stats import norm

    _require(dataset, ("survival", "survival_se"))
    if not 0 < band < 1:
        raise InputError.at("", "band", f"expected a level in (0, 1), got {band!r}")
    ax = axes_or_new(ax, (6.4, 4.2))
    z = float(norm.ppf(0.5 + band / 2))
    curves = _curves(dataset, by, select)
    for k, (label, mean, se) in enumerate(curves):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        rounds = np.asarray(mean["round"].values)
        ax.plot(rounds, mean.values, color=colour, label=label, drawstyle="steps-post")
        low = np.clip(mean.values - z * se, 0, 1)
        high = np.clip(mean.values + z * se, 0, 1)
        ax.fill_between(rounds, low, high, color=colour, alpha=0.25, step="post", linewidth=0)
    ax.set_xlabel("round")
    ax.set_ylabel("P(the deal holds after the round)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(_title(dataset, f"survival, {band:.0%} bands"))
    if by is not None:
        ax.legend(frameon=False)
    return ax


def plot_trust_fan(
    dataset: xr.Dataset,
    side: str,
    *,
    select: Mapping[str, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One side's posterior trust in the other, per round, among the ceasefires still holding:
    the median and the 25-75% and 5-95% ranges.

    Examples
    --------
    >>> import xarray as xr
    >>> q = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    >>> trust = np.linspace(0.3, 0.9, 3)[:, None] + 0.01 * (q - 0.5)
    >>> ds = xr.Dataset({"posterior_trust": (("side", "round", "quantile"), np.stack([trust, trust]))},
    ...                 coords={"side": ["a", "b"], "round": [0, 1, 2], "quantile": q})
    >>> ax = plot_trust_fan(ds, "a")
    >>> ax.get_lines()[0].get_ydata().round(2).tolist()
    [0.3, 0.6, 0.9]
    """
    _require(dataset, ("posterior_trust",))
    sides = [str(s) for s in dataset["side"].values]
    if side not in sides:
        raise InputError.at(
            "", "side", f"{side!r} is not a side of this sweep{suggest(side, sides)}: {sides}"
        )
    da = point_of(dataset["posterior_trust"].sel(side=side), select)
    quantiles = [float(q) for q in da["quantile"].values]
    needed = (0.05, 0.25, 0.5, 0.75, 0.95)
    if not all(any(abs(q - n) < 1e-9 for q in quantiles) for n in needed):
        raise InputError.at(
            "", "posterior_trust", f"expected the quantiles {needed}, got {quantiles}"
        )
    at = {n: da.sel(quantile=n, method="nearest").values for n in needed}
    rounds = np.asarray(da["round"].values)
    ax = axes_or_new(ax, (6.4, 4.2))
    colour = OKABE_ITO[4]
    ax.plot(rounds, at[0.5], color=colour, label="median")
    ax.fill_between(
        rounds, at[0.25], at[0.75], color=colour, alpha=0.35, linewidth=0, label="25-75%"
    )
    ax.fill_between(
        rounds, at[0.05], at[0.95], color=colour, alpha=0.15, linewidth=0, label="5-95%"
    )
    ax.set_xlabel("round")
    ax.set_ylabel(f"{side}'s trust: P(the other side keeps the deal)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(_title(dataset, f"{side}'s trust among the ceasefires still holding"))
    ax.legend(frameon=False, loc="lower right")
    return ax


def _curves(
    dataset: xr.Dataset, by: str | None, select: Mapping[str, float] | None
) -> list[tuple[str, Any, Any]]:
    """(label, mean, standard error) per curve."""
    survival, se = dataset["survival"], dataset["survival_se"]
    axes = [str(d) for d in survival.dims if d not in _OWN_DIMS]
    if by is not None and by not in axes:
        raise InputError.at("", "by", f"{by!r} is not a swept parameter{suggest(by, axes)}: {axes}")
    keep = (by,) if by is not None else ()
    mean, spread = point_of(survival, select, keep), _pooled_se(survival, se, select, keep)
    if by is None:
        return [("", mean, spread)]
    return [
        (f"{by} = {float(v):.3g}", mean.sel({by: v}), spread.sel({by: v}).values)
        for v in mean[by].values
    ]


def _pooled_se(
    survival: xr.DataArray,
    se: xr.DataArray,
    select: Mapping[str, float] | None,
    keep: tuple[str, ...],
) -> Any:
    """The standard error of a point's survival; over a sampled design's samples, of their mean
    (the spread between samples and each sample's own error)."""
    if "sample" not in survival.dims:
        return point_of(se, select, keep)
    n = survival.sizes["sample"]
    between = survival.var("sample", ddof=1) if n > 1 else survival.isel(sample=0) * 0
    within = (se**2).mean("sample")
    pooled = ((between + within) / n) ** 0.5
    return point_of(pooled, select, keep)


def _require(dataset: xr.Dataset, names: tuple[str, ...]) -> None:
    missing = [n for n in names if n not in dataset.data_vars]
    if missing:
        raise InputError.at(
            "",
            "dataset",
            f"not a dynamics sweep's results: no {', '.join(missing)} "
            "(run an experiment with a [dynamics] table)",
        )


def _title(dataset: xr.Dataset, what: str) -> str:
    title = str(dataset.attrs.get("title", ""))
    return f"{title}\n{what}" if title else what


def is_dynamics(dataset: xr.Dataset) -> bool:
    """Whether ``dataset`` holds a dynamics sweep's results (survival curves)."""
    return "survival" in dataset.data_vars and "round" in dataset.dims


def save_dynamics(
    ds_or_path: xr.Dataset | str | Path,
    path: str | Path,
    picture: str = "survival",
    *,
    by: str | None = None,
    side: str | None = None,
    select: Mapping[str, float] | None = None,
    dpi: int = 120,
    overwrite: bool = False,
) -> Path:
    """Draw :func:`plot_survival` (``picture="survival"``) or :func:`plot_trust_fan`
    (``"posterior_trust"``, for ``side``: default the first) and write it to ``path``, under the
    output-file rule of :func:`~negotiation_sim.plotting.save_landscape` (atomic, marked, never
    the results file). A bad argument names the results file when one is read.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ._output import picture_target, write_picture
    from .landscape import load_results

    source = ds_or_path if isinstance(ds_or_path, str | Path) else None
    out, kind = picture_target(path, overwrite=overwrite, inputs=[source] if source else [])
    ds = load_results(ds_or_path) if isinstance(ds_or_path, str | Path) else ds_or_path
    figure = Figure(figsize=(7.0, 4.6), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    try:
        if picture == "survival":
            plot_survival(ds, by=by, select=select, ax=ax)
        elif picture == "posterior_trust":
            chosen = side if side is not None else str(ds["side"].values[0])
            plot_trust_fan(ds, chosen, select=select, ax=ax)
        else:
            raise InputError.at(
                "", "picture", f"expected 'survival' or 'posterior_trust', got {picture!r}"
            )
        return write_picture(figure, out, kind, dpi=dpi)
    except InputError as error:
        if source is None or error.source:
            raise
        raise InputError(str(source), error.problems) from None
    finally:
        figure.clear()
