"""Pictures of sampled sweeps and sensitivity results, drawn under Agg and read back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.contour import ContourSet
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from negotiation_sim.errors import InputError
from negotiation_sim.plotting import (
    plot_prim_tradeoff,
    plot_probability_map,
    plot_sobol,
    plot_tornado,
)
from negotiation_sim.sensitivity import PrimResult, SobolResult, prim, tornado

FORMATS = ["bilateral", "multilateral"]
TRUST = np.array([0.0, 0.1, 0.25, 0.5, 0.6, 0.8, 1.0])  # non-uniform on purpose
VERIFICATION = np.linspace(0.0, 1.0, 6)
ACTORS = ["us", "russia", "ukraine", "eu"]
QUANTILES = [0.05, 0.5, 0.95]
SAMPLED = ["rho", "cost"]
KYIV = "Kyiv accepts the Donetsk deal"
SAMPLES = 8


def sampled_sweep(p: np.ndarray | None = None, *, spread: np.ndarray | None = None) -> xr.Dataset:
    """A synthetic sampled sweep in the layout of sampled runs: P(deal) given per grid point."""
    rng = np.random.default_rng(5)
    shape = (len(FORMATS), TRUST.size, VERIFICATION.size)
    if p is None:
        p = np.broadcast_to(TRUST[None, :, None], shape)  # P = trust in every format
    half = np.full(shape, 0.01) if spread is None else spread
    axes = ("format", "trust", "verification")
    data: dict[str, Any] = {
        "deal_is_equilibrium": ((*axes, "sample"), rng.random((*shape, SAMPLES)) < 0.5),
        "p_deal": (axes, p),
        "p_deal_low": (axes, np.clip(p - half, 0, 1)),
        "p_deal_high": (axes, np.clip(p + half, 0, 1)),
        "p_no_deal_only": (axes, 1.0 - p),
        "p_no_deal_only_low": (axes, np.clip(1.0 - p - 0.02, 0, 1)),
        "p_no_deal_only_high": (axes, np.clip(1.0 - p + 0.02, 0, 1)),
        "welfare_mean": (axes, rng.normal(size=shape) + 3.0),
        "welfare_quantile": ((*axes, "quantile"), rng.normal(size=(*shape, len(QUANTILES)))),
        "surplus_mean": ((*axes, "actor"), rng.normal(size=(*shape, len(ACTORS)))),
        "surplus_quantile": (
            (*axes, "actor", "quantile"),
            rng.normal(size=(*shape, len(ACTORS), len(QUANTILES))),
        ),
        **{f"input_{name}": (("sample",), rng.random(SAMPLES)) for name in SAMPLED},
        # a threshold of trust over verification, as landscape sweeps store frontiers
        "frontier_kyiv": (("verification",), 0.2 + 0.5 * VERIFICATION),
    }
    coords = {
        "format": FORMATS,
        "trust": TRUST,
        "verification": VERIFICATION,
        "sample": np.arange(SAMPLES),
        "actor": ACTORS,
        "quantile": QUANTILES,
    }
    attrs = {
        "design": "sobol",
        "samples": SAMPLES,
        "sampled": json.dumps(SAMPLED),
        "title": "Alaska 2025 under uncertainty",
    }
    ds = xr.Dataset(data, coords=coords, attrs=attrs)
    ds["frontier_kyiv"].attrs.update(
        label=KYIV,
        model="assurance",
        frontier_x="verification",
        frontier_y="trust",
        formats="bilateral",
    )
    return ds


@pytest.fixture
def ax() -> Iterator[Axes]:
    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)


def contour_vertices(ax: Axes) -> np.ndarray:
    """Every vertex of the probability contour drawn on ``ax``, shape (n, 2) as (x, y)."""
    (contour,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert contour.get_gid() == "probability-contour"
    vertices = [np.asarray(path.vertices, dtype=float) for path in contour.get_paths()]
    return np.concatenate([v for v in vertices if v.size])


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


# -- the probability map ----------------------------------------------------------------------


def test_map_draws_the_probability_over_trust_up_and_verification_across(ax: Axes) -> None:
    p = np.random.default_rng(1).random((2, TRUST.size, VERIFICATION.size))
    assert plot_probability_map(sampled_sweep(p), format="multilateral", ax=ax) is ax
    (mesh,) = [c for c in ax.collections if not isinstance(c, ContourSet)]
    # rows are trust, columns verification: the multilateral values as stored
    np.testing.assert_array_equal(np.asarray(mesh.get_array()).reshape(p.shape[1:]), p[1])
    assert mesh.get_clim() == (0.0, 1.0)
    assert mesh.get_cmap().name.startswith("cividis")
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("trust", "verification")
    figure = ax.get_figure(root=True)
    assert figure is not None
    labels = [a.get_ylabel() for a in figure.axes if a is not ax]
    assert labels == ["P(a deal is an equilibrium)"]  # the colourbar


def test_the_50_percent_contour_of_p_equal_trust_is_the_line_trust_half(ax: Axes) -> None:
    plot_probability_map(sampled_sweep(), format="bilateral", ax=ax)
    vertices = contour_vertices(ax)
    np.testing.assert_allclose(vertices[:, 1], 0.5, atol=1e-12)
    assert vertices[:, 0].min() == pytest.approx(0.0) and vertices[:, 0].max() == pytest.approx(1)
    assert "P = 50%" in legend_texts(ax)
    assert "P = 50%" in [t.get_text() for t in ax.texts]  # the line's own label


def test_a_contour_of_a_linear_map_lies_on_its_level_line(ax: Axes) -> None:
    # P = (trust + verification) / 2 interpolates exactly: its 30% contour is t + v = 0.6
    grid = (TRUST[:, None] + VERIFICATION[None, :]) / 2
    p = np.broadcast_to(grid, (2, *grid.shape))
    plot_probability_map(sampled_sweep(p), format="bilateral", contour=0.3, ax=ax)
    vertices = contour_vertices(ax)
    np.testing.assert_allclose(vertices.sum(axis=1), 0.6, atol=1e-12)
    assert np.ptp(vertices[:, 0]) == pytest.approx(0.6)  # from (0, 0.6) to (0.6, 0)
    assert "P = 30%" in legend_texts(ax)


def test_a_level_the_map_never_crosses_is_said_not_drawn(ax: Axes) -> None:
    p = np.full((2, TRUST.size, VERIFICATION.size), 0.8)
    plot_probability_map(sampled_sweep(p), format="bilateral", ax=ax)
    assert not [c for c in ax.collections if isinstance(c, ContourSet)]
    assert "P = 50%: P ≥ 50% everywhere on the map" in legend_texts(ax)


def test_missing_cells_are_masked_and_the_contour_drawn_where_defined(ax: Axes) -> None:
    p = np.broadcast_to(TRUST[None, :, None], (2, TRUST.size, VERIFICATION.size)).copy()
    p[0, 0, 0] = p[0, -1, -1] = np.nan  # no draw with an answer there
    plot_probability_map(sampled_sweep(p), format="bilateral", contour=0.55, ax=ax)
    (mesh,) = [c for c in ax.collections if not isinstance(c, ContourSet)]
    masked = np.ma.getmaskarray(np.ma.asarray(mesh.get_array())).reshape(p.shape[1:])
    assert masked.sum() == 2 and masked[0, 0] and masked[-1, -1]
    np.testing.assert_allclose(contour_vertices(ax)[:, 1], 0.55, atol=1e-12)
    assert "P = 55%" in legend_texts(ax)


def test_no_contour_when_none_is_asked(ax: Axes) -> None:
    plot_probability_map(sampled_sweep(), format="bilateral", contour=None, ax=ax)
    assert not [c for c in ax.collections if isinstance(c, ContourSet)]
    assert not any(text.startswith("P =") for text in legend_texts(ax))


def frontier_lines(ax: Axes) -> list[Line2D]:
    return [line for line in ax.get_lines() if line.get_label() == KYIV]


def test_frontiers_are_drawn_in_their_formats_only(ax: Axes) -> None:
    plot_probability_map(sampled_sweep(), format="bilateral", ax=ax)
    (line,) = frontier_lines(ax)
    np.testing.assert_allclose(np.asarray(line.get_xdata(), dtype=float), VERIFICATION)
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), 0.2 + 0.5 * VERIFICATION)
    assert KYIV in legend_texts(ax)
    figure, other = plt.subplots(1, 2)
    plot_probability_map(sampled_sweep(), format="multilateral", ax=other[0])
    plot_probability_map(sampled_sweep(), format="bilateral", frontiers=False, ax=other[1])
    assert not frontier_lines(other[0]) and not frontier_lines(other[1])
    plt.close(figure)


def discovered_box() -> tuple[PrimResult, list[str]]:
    """PRIM over (rho, verification, trust) where a deal needs trust > 0.55, verification > 0.3."""
    rng = np.random.default_rng(2)
    x = rng.random((4000, 3))
    deal = (x[:, 2] > 0.55) & (x[:, 1] > 0.3) & (x[:, 0] < 0.8)
    return prim(x, deal), ["rho", "verification", "trust"]


def test_the_prim_box_is_drawn_at_its_limits(ax: Axes) -> None:
    box, names = discovered_box()
    lower, upper = box.box()
    plot_probability_map(sampled_sweep(), format="bilateral", box=box, box_names=names, ax=ax)
    (rectangle,) = [p for p in ax.patches if p.get_gid() == "prim-box"]
    assert isinstance(rectangle, Rectangle)
    # x is verification (column 1), y is trust (column 2)
    assert rectangle.get_x() == pytest.approx(lower[1])
    assert rectangle.get_x() + rectangle.get_width() == pytest.approx(upper[1])
    assert rectangle.get_y() == pytest.approx(lower[2])
    assert rectangle.get_y() + rectangle.get_height() == pytest.approx(upper[2])
    k = box.chosen
    (entry,) = [t for t in legend_texts(ax) if t.startswith("PRIM box")]
    assert f"density {box.density[k]:.0%}, coverage {box.coverage[k]:.0%}" in entry
    # rho is limited too, off the map: the entry says so
    assert upper[0] < box.upper[0, 0]
    assert f"≤ rho ≤ {upper[0]:.3g}" in entry


def test_a_box_over_one_plotted_axis_spans_the_other(ax: Axes) -> None:
    rng = np.random.default_rng(3)
    x = rng.random((2000, 1))
    box = prim(x, x[:, 0] > 0.6)
    plot_probability_map(sampled_sweep(), format="bilateral", box=box, box_names=["trust"], ax=ax)
    (rectangle,) = [p for p in ax.patches if p.get_gid() == "prim-box"]
    assert isinstance(rectangle, Rectangle)
    assert rectangle.get_y() == pytest.approx(box.box()[0][0])
    # verification is not a box column: the whole map across, cell edges included
    assert rectangle.get_x() == pytest.approx(-0.1)
    assert rectangle.get_width() == pytest.approx(1.2)


def test_the_title_names_the_variable_format_draws_and_widest_interval(ax: Axes) -> None:
    spread = np.full((2, TRUST.size, VERIFICATION.size), 0.01)
    spread[0, 3, 2] = 0.042  # the widest bilateral half-width; P = 0.5 there, so no clipping
    spread[1, 3, 2] = 0.2  # a wider multilateral one must not count
    plot_probability_map(sampled_sweep(spread=spread), format="bilateral", ax=ax)
    title = ax.get_title()
    assert title.splitlines() == [
        "Alaska 2025 under uncertainty",
        "P(a deal is an equilibrium) — bilateral",
        f"{SAMPLES} Sobol' draws per point; widest interval ±0.042",
    ]


def test_other_probabilities_and_datasets_without_formats(ax: Axes) -> None:
    ds = sampled_sweep().sel(format="bilateral", drop=True)
    plot_probability_map(ds, variable="p_no_deal_only", ax=ax)
    assert "P(no deal is the only equilibrium)" in ax.get_title()
    # 1 - trust crosses 50% at trust = 0.5 too
    np.testing.assert_allclose(contour_vertices(ax)[:, 1], 0.5, atol=1e-12)


def test_without_ax_a_new_figure_is_made() -> None:
    ax = plot_probability_map(sampled_sweep(), format="bilateral")
    try:
        assert isinstance(ax, Axes) and ax.get_title()
    finally:
        plt.close(ax.get_figure(root=True))


@pytest.mark.parametrize(
    ("options", "location", "words"),
    [
        ({}, "format", "bilateral, multilateral"),
        ({"format": "bilaterl"}, "format", "did you mean 'bilateral'"),
        ({"variable": "p_dael"}, "variable", "did you mean 'p_deal'"),
        ({"variable": "deal_is_equilibrium"}, "variable", "exactly two axes"),
        ({"variable": "welfare_quantile"}, "variable", "exactly two axes"),
        ({"variable": "welfare_mean"}, "variable", "not a probability"),
        ({"contour": 1.5}, "contour", "between 0 and 1"),
        ({"contour": 0.0}, "contour", "between 0 and 1"),
        ({"contour": "half"}, "contour", "expected a number"),
        ({"box": "trust > 0.5"}, "box", "PrimResult"),
        ({"box_names": ["trust"]}, "box", "without a box"),
        ({"box": True, "box_names": ["trust", "rho"]}, "box_names", "3 distinct names"),
        ({"box": True, "box_names": ["rho", "rho", "trust"]}, "box_names", "distinct"),
        ({"box": True, "box_names": ["rho", "cost", "deadline"]}, "box_names", "none of"),
        ({"ax": "left"}, "ax", "matplotlib Axes"),
    ],
)
def test_bad_map_arguments_are_located(options: dict[str, Any], location: str, words: str) -> None:
    if options.get("box") is True:
        options["box"] = discovered_box()[0]
    if options and "format" not in options:  # only the first case leaves the format open
        options["format"] = "bilateral"
    before = plt.get_fignums()
    with pytest.raises(InputError) as caught:
        plot_probability_map(sampled_sweep(), **options)
    (problem,) = caught.value.problems
    assert problem.location == location
    assert words in problem.message
    assert plt.get_fignums() == before  # checked before a figure is made


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
