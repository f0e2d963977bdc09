"""The interval chart of a sampled sweep (mechanisms compared), drawn under Agg and read back.

Small sampled experiments are written in a temporary directory and run once per module: a copy
of experiments/alaska_mechanisms.toml with 8 draws per cell, a grid sweep (no design) and a
sampled sweep of 61 cells. What is drawn is read back from the Axes' artists and compared
with the dataset's values, looked up cell by cell with ``.sel``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D

from negotiation_sim.errors import InputError
from negotiation_sim.plotting import plot_probability_intervals, save_probability_intervals
from negotiation_sim.plotting._colours import OKABE_ITO
from tests.drawing import legend_texts

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ["no_regime", "joint_commission", "monitors"]
LINKAGE = [0.0, 1.0]
GUARANTEE = [0.0, 0.5, 0.8]
TITLE = "tiny mechanisms"

MECHANISMS = """
format_version = 1
[experiment]
title = "{title}"
scenario = "{root}/scenarios/alaska_2025.toml"
formats = ["no_regime", "joint_commission", "monitors"]
solver = "pure"
metrics = ["deal_is_equilibrium", "no_deal_is_equilibrium"]
seed = 20250815
[design]
kind = "sobol"
samples = 8
[axes.linkage]
values = [0, 1]
[axes.guarantee_effect]
values = [0.0, 0.5, 0.8]
"""

GRID = """
format_version = 1
[experiment]
scenario = "{root}/scenarios/alaska_2025_reduced.toml"
formats = ["bilateral"]
solver = "pure"
[axes.trust]
values = [0.2, 0.8]
[axes.verification]
values = [0.0, 0.5]
"""

MANY_CELLS = """
format_version = 1
[experiment]
scenario = "{root}/scenarios/alaska_2025_reduced.toml"
formats = ["bilateral"]
solver = "pure"
metrics = ["deal_is_equilibrium"]
[design]
kind = "sobol"
samples = 8
[axes.trust]
range = [0.0, 1.0]
points = 61
"""


def run(folder: Path, text: str) -> Path:
    """Write the experiment in ``folder``, run it there; the results file."""
    from negotiation_sim.sweep import load_experiment, run_experiment

    experiment = folder / "experiment.toml"
    experiment.write_text(text.format(root=ROOT, title=TITLE))
    run_experiment(load_experiment(experiment), folder / "run", progress=False)
    return folder / "run" / "results.nc"


@pytest.fixture(scope="module")
def mechanisms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(tmp_path_factory.mktemp("mechanisms"), MECHANISMS)


@pytest.fixture(scope="module")
def dataset(mechanisms: Path) -> xr.Dataset:
    return xr.load_dataset(mechanisms)


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(tmp_path_factory.mktemp("grid"), GRID)


@pytest.fixture(scope="module")
def many_cells(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(tmp_path_factory.mktemp("many"), MANY_CELLS)


def drawn(ax: Axes, format: str) -> tuple[Line2D, LineCollection]:
    """The dots and the whiskers of one format."""
    (dots,) = [line for line in ax.lines if line.get_gid() == f"estimate:{format}"]
    (whiskers,) = [c for c in ax.collections if c.get_gid() == f"interval:{format}"]
    assert isinstance(whiskers, LineCollection)
    return dots, whiskers


def cells() -> list[tuple[float, float]]:
    """The cells in the order of the rows: linkage slowest, the first on top."""
    return list(itertools.product(LINKAGE, GUARANTEE))


# -- what is drawn ----------------------------------------------------------------------------


@pytest.mark.parametrize("variable", ["p_deal", "p_no_deal_only"])
def test_every_dot_and_whisker_end_is_the_datasets_value(
    dataset: xr.Dataset, ax: Axes, variable: str
) -> None:
    assert plot_probability_intervals(dataset, variable=variable, ax=ax) is ax
    for format in FORMATS:
        dots, whiskers = drawn(ax, format)
        x, y = (np.asarray(a, dtype=float) for a in dots.get_data())
        segments = [np.asarray(s, dtype=float) for s in whiskers.get_segments()]
        assert x.size == y.size == len(segments) == len(cells())
        for row, (linkage, guarantee) in enumerate(cells()):
            at = {"format": format, "linkage": linkage, "guarantee_effect": guarantee}
            expected = [float(dataset[f"{variable}{end}"].sel(at)) for end in ("", "_low", "_high")]
            assert x[row] == expected[0]
            (low, y_low), (high, y_high) = segments[row]
            assert (low, high) == (expected[1], expected[2])
            assert y_low == y_high == y[row]  # the whisker passes through its dot
            assert row - 0.5 < y[row] < row + 0.5  # inside its own row


def test_rows_name_the_axis_values_first_cell_on_top(dataset: xr.Dataset, ax: Axes) -> None:
    plot_probability_intervals(dataset, ax=ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"linkage {a:g}, guarantee_effect {b:g}" for a, b in cells()]
    assert labels[3] == "linkage 1, guarantee_effect 0"
    np.testing.assert_array_equal(ax.get_yticks(), np.arange(len(cells())))
    bottom, top = ax.get_ylim()
    assert bottom > top  # y runs downwards: row 0 on top


def test_formats_are_offset_within_a_row_so_whiskers_never_overlap(
    dataset: xr.Dataset, ax: Axes
) -> None:
    plot_probability_intervals(dataset, ax=ax)
    heights = np.array([drawn(ax, f)[0].get_ydata() for f in FORMATS], dtype=float)
    gaps = np.diff(heights, axis=0)  # (formats - 1, rows): the same order in every row
    assert (gaps > 0.1).all()
    np.testing.assert_allclose(heights.mean(axis=0), np.arange(len(cells())))  # centred


def test_one_okabe_ito_colour_per_format_and_a_legend_of_formats(
    dataset: xr.Dataset, ax: Axes
) -> None:
    plot_probability_intervals(dataset, ax=ax)
    colours = []
    for format in FORMATS:
        dots, whiskers = drawn(ax, format)
        colour = to_hex(str(dots.get_color()))
        assert {to_hex(c) for c in np.asarray(whiskers.get_colors())} == {colour}
        colours.append(colour.upper())
    assert len(set(colours)) == len(FORMATS) and set(colours) <= set(OKABE_ITO)
    assert legend_texts(ax) == FORMATS


def test_x_runs_from_0_to_1_labelled_with_the_long_name_under_a_title_of_the_design(
    dataset: xr.Dataset, ax: Axes
) -> None:
    plot_probability_intervals(dataset, ax=ax)
    assert tuple(float(x) for x in ax.get_xlim()) == (0.0, 1.0)
    assert ax.get_xlabel() == dataset["p_deal"].attrs["long_name"]
    assert ax.get_xlabel() == "share of draws where some deal is a pure equilibrium"
    assert ax.get_title().split("\n") == [
        TITLE,
        "P(a deal is an equilibrium), with its 95% Wilson interval",
        "8 Sobol' draws per cell",
    ]


def test_chosen_formats_are_drawn_in_their_order_each_in_its_own_colour(
    dataset: xr.Dataset,
) -> None:
    every = plot_probability_intervals(dataset)
    some = plot_probability_intervals(dataset, formats=("monitors", "no_regime"))
    try:
        assert legend_texts(some) == ["monitors", "no_regime"]
        assert not [line for line in some.lines if line.get_gid() == "estimate:joint_commission"]
        for format in ("monitors", "no_regime"):
            assert drawn(some, format)[0].get_color() == drawn(every, format)[0].get_color()
    finally:
        plt.close("all")


# -- bad inputs -------------------------------------------------------------------------------


def test_a_grid_sweep_is_refused_at_the_dataset_naming_its_file(grid: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        plot_probability_intervals(xr.load_dataset(grid))
    ((problem),) = caught.value.problems
    assert problem.location == "dataset" and "not a sampled sweep" in problem.message
    with pytest.raises(InputError) as named:
        save_probability_intervals(grid, tmp_path / "p.png")
    assert named.value.source == str(grid)
    assert str(named.value).startswith(f"{grid}: dataset: not a sampled sweep's results")
    assert not (tmp_path / "p.png").exists()


@pytest.mark.parametrize(
    ("arguments", "location", "said"),
    [
        ({"variable": "p_dael"}, "variable", "(did you mean 'p_deal'?)"),
        ({"variable": "deal_is_equilibrium"}, "variable", "has no interval"),
        ({"variable": 3}, "variable", "expected a variable's name"),
        ({"formats": ["monitor"]}, "formats[0]", "(did you mean 'monitors'?)"),
        ({"formats": ["monitors", "monitors"]}, "formats[1]", "listed twice"),
        ({"formats": "monitors"}, "formats", "expected a non-empty list"),
        ({"ax": "axes"}, "ax", "expected a matplotlib Axes"),
    ],
)
def test_bad_arguments_are_located(
    dataset: xr.Dataset, arguments: dict[str, object], location: str, said: str
) -> None:
    with pytest.raises(InputError) as caught:
        plot_probability_intervals(dataset, **arguments)  # type: ignore[arg-type]
    ((problem),) = caught.value.problems
    assert problem.location == location and said in problem.message


def test_an_unknown_variable_lists_the_probabilities_with_an_interval(
    dataset: xr.Dataset,
) -> None:
    with pytest.raises(InputError, match=r"with an interval here: p_deal, p_no_deal_only$"):
        plot_probability_intervals(dataset, variable="p_dael")


def test_more_than_60_cells_are_refused_pointing_to_the_map(many_cells: Path) -> None:
    with pytest.raises(InputError) as caught:
        plot_probability_intervals(xr.load_dataset(many_cells))
    ((problem),) = caught.value.problems
    assert problem.location == "dataset"
    assert problem.message.startswith("61 cells (trust 61) are too many rows")
    assert "negotiation-sim plot" in problem.message
    # 60 cells are drawn
    ax = plot_probability_intervals(xr.load_dataset(many_cells).isel(trust=slice(60)))
    assert len(ax.get_yticklabels()) == 60
    plt.close("all")


def test_an_estimate_outside_its_interval_is_refused(dataset: xr.Dataset) -> None:
    broken = dataset.copy()
    broken["p_deal_high"] = broken["p_deal"] - 0.01
    with pytest.raises(InputError, match="outside its interval"):
        plot_probability_intervals(broken)
    broken["p_deal"] = broken["p_deal"] + 2.0
    with pytest.raises(InputError, match="is not a probability"):
        plot_probability_intervals(broken)


# -- the picture file and the command line ----------------------------------------------------


def test_save_writes_a_marked_picture_and_never_replaces_the_results(
    mechanisms: Path, tmp_path: Path
) -> None:
    picture = save_probability_intervals(mechanisms, tmp_path / "mechanisms.png")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"negotiation_sim" in picture.read_bytes()[:4096]  # the mark: replaced later
    save_probability_intervals(mechanisms, picture, "p_no_deal_only")
    before = mechanisms.read_bytes()
    with pytest.raises(InputError):
        save_probability_intervals(mechanisms, mechanisms, overwrite=True)
    assert mechanisms.read_bytes() == before
    foreign = tmp_path / "mine.png"
    foreign.write_bytes(b"not ours")
    with pytest.raises(InputError):
        save_probability_intervals(mechanisms, foreign)
    assert foreign.read_bytes() == b"not ours"


def test_plot_intervals_draws_it_from_the_command_line(
    mechanisms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from negotiation_sim.cli import main

    picture = tmp_path / "mechanisms.png"
    assert main(["plot", str(mechanisms.parent), "--intervals", "-o", str(picture)]) == 0
    assert capsys.readouterr().out == f"wrote {picture}\n"
    image = plt.imread(picture)
    assert image.shape[0] > 400  # six rows of three formats
    one = tmp_path / "one.png"
    options = ["--metric", "p_no_deal_only", "--format", "monitors"]
    assert main(["plot", str(mechanisms), "--intervals", "-o", str(one), *options]) == 0


@pytest.mark.parametrize(
    ("results", "options", "location"),
    [
        ("grid", [], "--intervals"),
        ("many_cells", [], "--intervals"),
        ("mechanisms", ["--metric", "p_dael"], "--metric"),
        ("mechanisms", ["--format", "monitor"], "--format"),
        ("mechanisms", ["-x", "linkage"], "-x"),
        ("mechanisms", ["--html", "page.html"], "--html"),
    ],
)
def test_plot_intervals_refuses_with_one_located_message_and_exit_2(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    results: str,
    options: list[str],
    location: str,
) -> None:
    from negotiation_sim.cli import main

    path: Path = request.getfixturevalue(results)
    picture = tmp_path / "p.png"
    assert main(["plot", str(path), "--intervals", "-o", str(picture), *options]) == 2
    error = capsys.readouterr().err
    assert f"results.nc: {location}: " in error and error.count("\n") == 1
    assert "Traceback" not in error and not picture.exists()
