"""Pictures of sensitivity results (Sobol' bars, tornado, PRIM trade-off), drawn under Agg and read back."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from negotiation_sim.errors import InputError
from negotiation_sim.plotting import (
    plot_prim_tradeoff,
    plot_sobol,
    plot_tornado,
)
from negotiation_sim.sensitivity import SobolResult, tornado
from tests.drawing import discovered_box, legend_texts

# -- Sobol' bars -------------------------------------------------------------------------------


def sobol_result(names: tuple[str, ...] | None = ("rho", "trust", "cost", "verification")) -> Any:
    # ranked by first order it would be trust, rho, verification, cost: not the order wanted
    first = np.array([0.25, 0.55, 0.02, 0.10])
    total = np.array([0.28, 0.70, 0.04, 0.30])
    return SobolResult(
        first=first,
        total=total,
        first_interval=np.stack([first - 0.05, first + 0.03], axis=1),
        total_interval=np.stack([total - 0.02, total + 0.06], axis=1),
        confidence=0.9,
        n_bootstrap=500,
        names=names,
    )


def bars(ax: Axes, label: str) -> list[Rectangle]:
    (container,) = [c for c in ax.containers if c.get_label() == label]
    return [patch for patch in container if isinstance(patch, Rectangle)]


def test_sobol_bars_are_ranked_by_total_index_with_their_heights(ax: Axes) -> None:
    result = sobol_result()
    assert plot_sobol(result, ax=ax) is ax
    ranked = [1, 3, 0, 2]  # totals 0.70, 0.30, 0.28, 0.04
    assert [t.get_text() for t in ax.get_yticklabels()] == [result.names[i] for i in ranked]
    for label, values in (("first order", result.first), ("total", result.total)):
        drawn = bars(ax, label)
        np.testing.assert_allclose([b.get_width() for b in drawn], values[ranked])
        centres = [b.get_y() + b.get_height() / 2 for b in drawn]
        assert centres == sorted(centres)  # rank 0 first ...
    assert ax.yaxis_inverted()  # ... and at the top
    assert "90%" in ax.get_title()


def test_sobol_error_bars_span_the_intervals(ax: Axes) -> None:
    result = sobol_result()
    plot_sobol(result, ax=ax)
    ranked = [1, 3, 0, 2]
    segments = [
        np.array(c.lines[2][0].get_segments()) for c in ax.containers if hasattr(c, "lines")
    ]
    assert len(segments) == 2  # first order, then total
    for segment, interval in zip(
        segments, (result.first_interval, result.total_interval), strict=True
    ):
        np.testing.assert_allclose(segment[:, 0, 0], interval[ranked, 0])
        np.testing.assert_allclose(segment[:, 1, 0], interval[ranked, 1])


def test_sobol_top_keeps_the_most_important_and_names_default(ax: Axes) -> None:
    plot_sobol(sobol_result(names=None), ax=ax, top=2)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x1", "x3"]
    assert len(bars(ax, "total")) == 2


# -- tornado charts ----------------------------------------------------------------------------


def tornado_result() -> Any:
    # welfare = 2 trust - 5 verification + rho^2, from (0.5, 0.4, 0.2): swings 1.6, 2.5, 0.36
    return tornado(
        lambda x: 2 * x[:, 0] - 5 * x[:, 1] + x[:, 2] ** 2,
        ["trust", "verification", "rho"],
        [0.5, 0.4, 0.2],
        [0.1, 0.3, 0.0],
        [0.9, 0.8, 0.6],
        metric="welfare",
    )


def test_tornado_bars_run_from_the_baseline_sorted_by_swing(ax: Axes) -> None:
    result = tornado_result()
    assert plot_tornado(result, ax=ax) is ax
    ranked = [1, 0, 2]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["verification", "trust", "rho"]
    base = 2 * 0.5 - 5 * 0.4 + 0.04
    for label, ends in (
        ("input at its low value", result.low),
        ("input at its high value", result.high),
    ):
        for bar, i in zip(bars(ax, label), ranked, strict=True):
            extent = sorted([bar.get_x(), bar.get_x() + bar.get_width()])
            np.testing.assert_allclose(extent, sorted([base, ends[i]]), atol=1e-12)
    assert ax.yaxis_inverted()
    # every bar end is labelled with the input value that gave it
    texts = [(t.get_text(), t.xy) for t in ax.texts]  # type: ignore[attr-defined]
    assert ("0.8", (pytest.approx(base - 2.0), 0.0)) in texts  # verification high, rank 0
    assert ("0.1", (pytest.approx(base - 0.8), 1.0)) in texts  # trust low, rank 1
    assert ("0.6", (pytest.approx(base + 0.32), 2.0)) in texts  # rho high, rank 2
    assert f"baseline: welfare = {base:.3g}" in legend_texts(ax)


def test_tornado_top(ax: Axes) -> None:
    plot_tornado(tornado_result(), ax=ax, top=1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["verification"]
    assert len(ax.texts) == 2


# -- the PRIM trade-off ------------------------------------------------------------------------


def test_prim_trajectory_and_chosen_box(ax: Axes) -> None:
    box, _ = discovered_box()
    assert plot_prim_tradeoff(box, ax=ax) is ax
    trajectory, chosen = ax.get_lines()
    np.testing.assert_array_equal(trajectory.get_xdata(), box.coverage)
    np.testing.assert_array_equal(trajectory.get_ydata(), box.density)
    k = box.chosen
    point = (np.asarray(chosen.get_xdata()), np.asarray(chosen.get_ydata()))
    assert (point[0].tolist(), point[1].tolist()) == ([box.coverage[k]], [box.density[k]])
    assert f"chosen box {k}: density {box.density[k]:.0%}" in legend_texts(ax)[1]


@pytest.mark.parametrize(
    ("draw", "options", "location"),
    [
        (plot_sobol, {"result": "sobol"}, "result"),
        (plot_sobol, {"top": 0}, "top"),
        (plot_sobol, {"top": "2"}, "top"),
        (plot_sobol, {"ax": 3}, "ax"),
        (plot_tornado, {"result": None}, "result"),
        (plot_tornado, {"top": -1}, "top"),
        (plot_prim_tradeoff, {"result": 1.0}, "result"),
        (plot_prim_tradeoff, {"ax": "ax"}, "ax"),
    ],
)
def test_bad_result_arguments_are_located(
    draw: Any, options: dict[str, Any], location: str
) -> None:
    default = {plot_sobol: sobol_result, plot_tornado: tornado_result}
    result = options.pop("result", None) if "result" in options else None
    if result is None and location != "result":
        result = default[draw]() if draw in default else discovered_box()[0]
    before = plt.get_fignums()
    with pytest.raises(InputError) as caught:
        draw(result, **options)
    assert [p.location for p in caught.value.problems] == [location]
    assert plt.get_fignums() == before
