"""Pictures of sampled sweeps (the probability map), drawn under Agg and read back."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
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
    plot_probability_map,
    save_probability_map,
)
from negotiation_sim.sensitivity import prim
from tests.drawing import discovered_box, legend_texts

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


def contour_vertices(ax: Axes) -> np.ndarray:
    """Every vertex of the probability contour drawn on ``ax``, shape (n, 2) as (x, y)."""
    (contour,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert contour.get_gid() == "probability-contour"
    vertices = [np.asarray(path.vertices, dtype=float) for path in contour.get_paths()]
    return np.concatenate([v for v in vertices if v.size])


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


def test_the_prim_box_is_drawn_at_its_limits(ax: Axes) -> None:
    box, names = discovered_box()
    lower, upper = box.box()
    plot_probability_map(sampled_sweep(), format="bilateral", box=box, box_names=names, ax=ax)
    (rectangle,) = [p for p in ax.patches if p.get_gid() == "prim-box"]
    assert isinstance(rectangle, Rectangle)
    # x is verification (column 1), y is trust (column 2): restricted from below only, so the
    # rectangle starts at the box's lower limits and runs to the map's edge above (the box's
    # upper limit there is only the largest draw, not a restriction).
    assert lower[1] > box.lower[0, 1] and lower[2] > box.lower[0, 2]
    assert upper[1] == box.upper[0, 1] and upper[2] == box.upper[0, 2]
    assert rectangle.get_x() == pytest.approx(lower[1])
    assert rectangle.get_x() + rectangle.get_width() == pytest.approx(ax.get_xlim()[1])
    assert rectangle.get_y() == pytest.approx(lower[2])
    assert rectangle.get_y() + rectangle.get_height() == pytest.approx(ax.get_ylim()[1])
    k = box.chosen
    (entry,) = [t for t in legend_texts(ax) if t.startswith("PRIM box")]
    assert f"density {box.density[k]:.0%}, coverage {box.coverage[k]:.0%}" in entry
    # rho is limited too (from above only), off the map: the entry says so
    assert upper[0] < box.upper[0, 0] and lower[0] == box.lower[0, 0]
    assert f"also rho ≤ {upper[0]:.3g}" in entry


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


# -- a real sampled sweep, through the command line ----------------------------------------------

SMALL_SAMPLED = """format_version = 1
[experiment]
scenario = "{scenario}"
formats = ["bilateral", "multilateral"]
metrics = ["deal_is_equilibrium", "no_deal_is_equilibrium", "welfare"]
seed = 3
[design]
kind = "sobol"
samples = 16
[axes.trust]
values = [0.2, 0.6, 1.0]
[axes.verification]
values = [0.0, 0.5]
"""


@pytest.fixture(scope="module")
def sampled_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from negotiation_sim.sweep import parse_experiment, run_experiment

    root = Path(__file__).resolve().parents[1]
    text = SMALL_SAMPLED.format(scenario=root / "scenarios" / "alaska_2025_reduced.toml")
    out = tmp_path_factory.mktemp("sampled") / "run"
    run_experiment(parse_experiment(text), out)
    return out


def test_plot_draws_a_sampled_sweep_as_one_probability_map_per_format(
    sampled_results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from negotiation_sim.cli import main

    picture = tmp_path / "map.png"
    assert main(["plot", str(sampled_results), "-o", str(picture)]) == 0
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = plt.imread(picture)
    assert image.shape[1] > 1.8 * image.shape[0]  # two panels side by side
    one = tmp_path / "one.png"
    assert main(["plot", str(sampled_results), "-o", str(one), "--format", "multilateral"]) == 0
    assert plt.imread(one).shape[1] < image.shape[1]
    capsys.readouterr()


@pytest.mark.parametrize(
    ("options", "location"),
    [
        (["--metric", "welfare"], "--metric"),
        (["--metric", "p_dael"], "--metric"),
        (["--format", "trilateral"], "--format"),
        (["--actor", "us"], "--actor"),
        (["--facet", "trust"], "--facet"),
    ],
)
def test_plot_options_a_probability_map_cannot_use_are_located(
    sampled_results: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    location: str,
) -> None:
    from negotiation_sim.cli import main

    picture = tmp_path / "map.png"
    assert main(["plot", str(sampled_results), "-o", str(picture), *options]) == 2
    error = capsys.readouterr().err
    assert f"results.nc: {location}: " in error and error.count("\n") == 1
    assert not picture.exists()


def test_save_probability_map_never_replaces_the_results_it_reads(sampled_results: Path) -> None:
    results = sampled_results / "results.nc"
    before = results.read_bytes()
    with pytest.raises(InputError):
        save_probability_map(results, results, overwrite=True)
    assert results.read_bytes() == before


def test_a_weak_restriction_is_neither_drawn_nor_said(ax: Axes) -> None:
    # The same box, its verification limit marked not significant (quasi-p-value 0.5):
    # the rectangle spans the whole map across, and the legend counts it as weak.
    found, names = discovered_box()
    assert found.pvalues is not None
    pvalues = found.pvalues.copy()
    pvalues[1] = 0.5
    box = dataclasses.replace(found, pvalues=pvalues)
    plot_probability_map(sampled_sweep(), format="bilateral", box=box, box_names=names, ax=ax)
    (rectangle,) = [p for p in ax.patches if p.get_gid() == "prim-box"]
    assert isinstance(rectangle, Rectangle)
    assert rectangle.get_x() == pytest.approx(ax.get_xlim()[0])
    assert rectangle.get_x() + rectangle.get_width() == pytest.approx(ax.get_xlim()[1])
    assert rectangle.get_y() == pytest.approx(box.box()[0][2])
    (entry,) = [t for t in legend_texts(ax) if t.startswith("PRIM box")]
    assert "1 weak restrictions (quasi-p > 0.05) not shown" in entry
