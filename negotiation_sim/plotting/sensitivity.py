"""Pictures of a sensitivity analysis: Sobol' indices, one-at-a-time swings, PRIM's trade-off.

Each function takes ``ax=`` (a new figure's Axes when omitted) and returns the Axes it drew on;
matplotlib is imported only when something is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._checking import Problems
from ..errors import InputError
from ..sensitivity.indices import SobolResult
from ..sensitivity.prim import PrimResult
from ..sensitivity.tornado import TornadoResult
from ._checks import axes_or_new, percent
from ._colours import OKABE_ITO

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_prim_tradeoff", "plot_sobol", "plot_tornado"]

_ORANGE, _BLUE, _VERMILLION = (OKABE_ITO[i] for i in (0, 4, 5))


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
    ax = axes_or_new(ax, (7.0, 1.2 + 0.5 * order.size))
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
    ax = axes_or_new(ax, (7.0, 1.4 + 0.45 * order.size))
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
    # Room for the end labels on both sides (bars' sticky edges would defeat ax.margins).
    shown = np.concatenate([result.low[order], result.high[order], [base]])
    low, high = float(shown.min()), float(shown.max())
    pad = 0.2 * ((high - low) or max(abs(base), 1.0))
    ax.set_xlim(low - pad, high + pad)
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
    ax = axes_or_new(ax, (6.0, 5.0))
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
            f"chosen box {k}: density {percent(result.density[k])}, "
            f"coverage {percent(result.coverage[k])}, mass {percent(result.mass[k])}"
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
