"""Outcome landscapes of sweep results: data preparation checked numerically, drawing under Agg."""

import json
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from negotiation_sim.errors import InputError
from negotiation_sim.plotting import (
    LandscapePanel,
    landscape_panels,
    plot_landscape,
    save_landscape,
)
from negotiation_sim.plotting.landscape import OKABE_ITO, cell_edges

FORMATS = ["bilateral", "multilateral"]
TRUST = [0.0, 0.2, 0.5, 1.0]  # non-uniform on purpose
VERIFICATION = [0.0, 0.25, 0.5, 0.75, 1.0]
RHO = [0.0, 0.5]
ACTORS = ["us", "russia", "ukraine", "eu"]
LABELS = ["War goes on", "Deal on the front line", "Deal with Donetsk"]
KYIV = "Kyiv accepts the Donetsk deal"
EVERYONE = "Everyone prefers a deal"
PNG = b"\x89PNG\r\n\x1a\n"


def sweep(extra_axis: bool = False, frontiers: bool = True) -> xr.Dataset:
    """A small synthetic sweep: format × trust × verification × rho (× p) × actor."""
    rng = np.random.default_rng(7)
    axes = {"trust": TRUST, "verification": VERIFICATION, "rho": RHO}
    if extra_axis:
        axes["p"] = [0.1, 0.5, 0.9]
    dims = ("format", *axes)
    shape = (len(FORMATS), *(len(v) for v in axes.values()))
    coords = {"format": FORMATS, **axes, "actor": ACTORS}
    outcome = rng.integers(-1, 3, size=shape).astype(np.int32)
    welfare = rng.normal(size=shape)
    welfare.flat[3] = np.nan
    data = {
        "outcome": (dims, outcome),
        "deal_is_equilibrium": (dims, outcome > 0),
        "no_deal_is_equilibrium": (dims, outcome == 0),
        "n_equilibria": (dims, rng.integers(0, 4, size=shape).astype(np.int32)),
        "deal_probability": (dims, rng.uniform(size=shape)),
        "welfare": (dims, welfare),
        "payoff": ((*dims, "actor"), rng.normal(size=(*shape, len(ACTORS)))),
        "surplus": ((*dims, "actor"), rng.normal(size=(*shape, len(ACTORS))) - 0.5),
        "zero_sum_share": (tuple(axes), rng.uniform(size=shape[1:])),
        "strategic_zero_sum_share": (tuple(axes), rng.uniform(size=shape[1:])),
    }
    ds = xr.Dataset(data, coords=coords, attrs={"title": "Alaska 2025 sweep"})
    ds["outcome"].attrs.update(
        flag_values=np.array([-1, 0, 1, 2]),
        flag_meanings="none war deal_front_line deal_donetsk",
        outcome_labels=json.dumps(LABELS),
        deal_flags=np.array([0, 1, 1]),
    )
    if frontiers:
        v = np.array(VERIFICATION)
        # Threshold of trust: inside [0, 1] for some points, above it, below it, and inf.
        kyiv = np.stack([0.3 + 0.5 * v, 0.6 + 0.8 * v], axis=1)
        kyiv[0, 0] = np.inf
        kyiv[1, 1] = -0.2
        ds["frontier_kyiv"] = (("verification", "rho"), kyiv)
        ds["frontier_kyiv"].attrs.update(
            label=KYIV,
            model="assurance",
            frontier_x="verification",
            frontier_y="trust",
            formats="bilateral",
        )
        ds["frontier_all"] = (("verification",), 0.9 - 0.5 * v)
        ds["frontier_all"].attrs.update(
            label=EVERYONE, model="assurance", frontier_x="verification", frontier_y="trust"
        )
        # A frontier in another plane is never drawn here.
        ds["frontier_other"] = (("rho", "trust"), np.zeros((len(RHO), len(TRUST))))
        ds["frontier_other"].attrs.update(
            label="elsewhere", frontier_x="rho", frontier_y="verification", formats=""
        )
    return ds


def at(ds: xr.Dataset, metric: str, panel: LandscapePanel, i: int, j: int, **extra) -> float:
    """The dataset's own value at a panel's cell (y[i], x[j])."""
    sel = {panel.y_name: panel.y[i], panel.x_name: panel.x[j], **panel.fixed, **extra}
    if panel.format is not None:
        sel["format"] = panel.format
    if panel.facet is not None:
        sel[panel.facet] = panel.facet_value
    return float(ds[metric].sel(sel).item())


@pytest.mark.parametrize(
    ("metric", "actor"),
    [("outcome", None), ("welfare", None), ("payoff", "russia"), ("zero_sum_share", None)],
)
def test_grid_orientation_matches_dataset(metric, actor):
    ds = sweep()
    panels = landscape_panels(ds, metric, actor=actor)
    extra = {} if actor is None else {"actor": actor}
    for panel in panels:
        assert panel.values.shape == (len(panel.y), len(panel.x))
        for i in range(len(panel.y)):
            for j in range(len(panel.x)):
                expected = at(ds, metric, panel, i, j, **extra)
                got = panel.values[i, j]
                assert (np.isnan(got) and np.isnan(expected)) or got == expected


def test_default_plane_follows_a_frontier_else_first_two_axes():
    ds = sweep(frontiers=False)
    (panel, *_) = landscape_panels(ds, "welfare")
    assert (panel.y_name, panel.x_name, panel.facet) == ("trust", "verification", "rho")
    assert panel.y.tolist() == TRUST and panel.x.tolist() == VERIFICATION
    # A frontier with x = trust puts trust on the x axis.
    ds["frontier_t"] = (("trust",), np.full(len(TRUST), 0.5))
    ds["frontier_t"].attrs.update(label="t", frontier_x="trust", frontier_y="verification")
    (panel, *_) = landscape_panels(ds, "welfare")
    assert (panel.x_name, panel.y_name) == ("trust", "verification")
    # Explicit axes win; the remaining one becomes the facet.
    (panel, *_) = landscape_panels(ds, "welfare", x="rho", y="trust")
    assert (panel.x_name, panel.y_name, panel.facet) == ("rho", "trust", "verification")


def test_facets_over_formats_and_a_third_axis():
    ds = sweep()
    panels = landscape_panels(ds, "outcome")
    assert [p.title for p in panels] == [
        "bilateral, rho = 0",
        "bilateral, rho = 0.5",
        "multilateral, rho = 0",
        "multilateral, rho = 0.5",
    ]
    assert [(p.row, p.col) for p in panels] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    # A metric without a format dim: one panel per facet value.
    assert [p.title for p in landscape_panels(ds, "zero_sum_share")] == ["rho = 0", "rho = 0.5"]
    # Choosing a format, or fixing rho, narrows the panels.
    assert [p.title for p in landscape_panels(ds, "outcome", format="multilateral")] == [
        "multilateral, rho = 0",
        "multilateral, rho = 0.5",
    ]
    fixed = landscape_panels(ds, "outcome", select={"rho": 0.4})
    assert [p.title for p in fixed] == ["bilateral", "multilateral"]
    assert fixed[0].fixed == {"rho": 0.5}  # the nearest swept value
    assert fixed[0].values[2, 3] == ds.outcome.sel(
        format="bilateral", rho=0.5, trust=0.5, verification=0.75
    )


def test_outcome_categories_names_and_fixed_colours():
    ds = sweep()
    panels = landscape_panels(ds, "outcome")
    names = {-1: "no pure equilibrium", 0: LABELS[0], 1: LABELS[1], 2: LABELS[2]}
    colour_of_code: dict[int, set[str]] = {}
    for panel in panels:
        assert panel.categorical
        assert list(panel.category_codes) == np.unique(panel.values).tolist()
        for code, name, colour in zip(
            panel.category_codes, panel.category_names, panel.category_colours, strict=True
        ):
            assert name == names[code]
            colour_of_code.setdefault(code, set()).add(colour)
    assert all(len(c) == 1 for c in colour_of_code.values())  # panels agree
    assert colour_of_code[-1] == {"#DDDDDD"}
    assert all(colour_of_code[k] <= set(OKABE_ITO) for k in (0, 1, 2))
    assert len({next(iter(colour_of_code[k])) for k in (-1, 0, 1, 2)}) == 4
    # Panels showing only some codes keep the same colours.
    only_two = ds.copy()
    only_two["outcome"] = only_two.outcome.where(only_two.outcome != 1, 2)
    (panel, *_) = landscape_panels(only_two, "outcome")
    assert 1 not in panel.category_codes
    for code, colour in zip(panel.category_codes, panel.category_colours, strict=True):
        assert {colour} == colour_of_code[code]
    # Without human labels the ids of flag_meanings are used.
    del ds.outcome.attrs["outcome_labels"]
    (panel, *_) = landscape_panels(ds, "outcome")
    by_code = dict(zip(panel.category_codes, panel.category_names, strict=True))
    assert by_code[2] == "deal donetsk" and by_code[-1] == "no pure equilibrium"


@pytest.mark.parametrize("metric", ["deal_is_equilibrium", "no_deal_is_equilibrium"])
def test_boolean_metrics_are_two_categories(metric):
    ds = sweep()
    for panel in landscape_panels(ds, metric):
        assert panel.categorical and set(panel.category_codes) <= {0, 1}
        assert panel.values[1, 2] == int(at(ds, metric, panel, 1, 2))
        assert all("equilibrium" in n for n in panel.category_names)
        assert len(set(panel.category_colours)) == len(panel.category_codes)


def test_continuous_colour_scales():
    ds = sweep()
    surplus = landscape_panels(ds, "surplus", actor="ukraine")
    values = ds.surplus.sel(actor="ukraine").values
    bound = np.nanmax(np.abs(values))
    for panel in surplus:
        assert not panel.categorical and panel.cmap == "RdBu"
        assert (panel.vmin, panel.vmax) == pytest.approx((-bound, bound))
        assert panel.label == "surplus of ukraine"
    welfare = landscape_panels(ds, "welfare")
    assert {p.cmap for p in welfare} == {"cividis"}
    assert (welfare[0].vmin, welfare[0].vmax) == (np.nanmin(ds.welfare), np.nanmax(ds.welfare))
    assert (landscape_panels(ds, "deal_probability")[0].vmin, 1.0) == (0.0, 1.0)


def test_frontiers_are_selected_per_format_and_facet_and_clipped():
    ds = sweep()
    panels = {p.title: p for p in landscape_panels(ds, "outcome")}
    v = np.array(VERIFICATION)
    for rho_index, rho in enumerate(RHO):
        title = f"bilateral, rho = {rho:g}"
        curves = {c.name: c for c in panels[title].frontiers}
        assert set(curves) == {"kyiv", "all"}  # never "other": another plane
        kyiv = curves["kyiv"]
        assert kyiv.label == KYIV
        raw = ds.frontier_kyiv.sel(rho=rho).values
        expected = np.where(np.isfinite(raw) & (raw >= 0.0) & (raw <= 1.0), raw, np.nan)
        np.testing.assert_array_equal(kyiv.x, v)
        np.testing.assert_array_equal(kyiv.y, expected)
        assert np.isnan(kyiv.y).any() and not np.isnan(kyiv.y).all()
        if rho_index == 0:
            assert np.isnan(kyiv.y[0])  # inf: no threshold
        np.testing.assert_allclose(curves["all"].y, 0.9 - 0.5 * v)
        # Multilateral panels only get the frontier that applies to every format.
        other = panels[f"multilateral, rho = {rho:g}"]
        assert [c.name for c in other.frontiers] == ["all"]
    # Plotted with swapped axes the curve is swapped too.
    (swapped, *_) = landscape_panels(ds, "outcome", x="trust", y="verification", format="bilateral")
    curves = {c.name: c for c in swapped.frontiers}
    np.testing.assert_array_equal(curves["kyiv"].y, v)
    assert curves["kyiv"].x[2] == pytest.approx(0.3 + 0.5 * 0.5)
    # A metric without a format dim names the formats a frontier belongs to.
    (share, *_) = landscape_panels(ds, "zero_sum_share")
    labels = {c.name: c.label for c in share.frontiers}
    assert labels == {"kyiv": f"{KYIV} (bilateral)", "all": EVERYONE}


def test_cell_edges_of_a_non_uniform_grid():
    (panel, *_) = landscape_panels(sweep(), "welfare")
    np.testing.assert_allclose(panel.y_edges, [-0.1, 0.1, 0.35, 0.75, 1.25])
    np.testing.assert_allclose(panel.x_edges, [-0.125, 0.125, 0.375, 0.625, 0.875, 1.125])


def test_descending_coordinates_are_sorted():
    ds = sweep().isel(trust=slice(None, None, -1))
    (panel, *_) = landscape_panels(ds, "welfare")
    assert panel.y.tolist() == TRUST
    assert panel.values[3, 1] == at(ds, "welfare", panel, 3, 1)


def _input_error(call, *args, **kwargs) -> list[tuple[str, str]]:
    """The (location, message) pairs of the InputError ``call`` raises."""
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    assert caught.value.source == ""
    return [(p.location, p.message) for p in caught.value.problems]


def test_clear_errors():
    """Every bad argument is an InputError located at that argument, with a did-you-mean."""
    ds = sweep().drop_vars(["welfare", "payoff"])
    ((where, message),) = _input_error(landscape_panels, ds, "welfare")
    assert where == "metric"
    assert re.search(r"'welfare' is not in this sweep.*deal_probability", message)
    ((where, message),) = _input_error(landscape_panels, ds, "deal_probabilty")
    assert "(did you mean 'deal_probability'?)" in message
    ((where, message),) = _input_error(landscape_panels, ds, "frontier_kyiv")
    assert where == "metric" and "not in this sweep" in message
    ((where, message),) = _input_error(landscape_panels, ds, "surplus")
    assert where == "actor" and "actor= one of us, russia, ukraine, eu" in message
    ((where, message),) = _input_error(landscape_panels, ds, "surplus", actor="ukriane")
    assert where == "actor" and "got 'ukriane' (did you mean 'ukraine'?)" in message
    ((where, message),) = _input_error(landscape_panels, ds, "surplus", actor="china")
    assert "got 'china'" in message
    big = sweep(extra_axis=True)
    ((where, message),) = _input_error(landscape_panels, big, "outcome")
    assert where == "select" and re.search(r"fix the parameters p with select", message)
    panels = landscape_panels(big, "outcome", select={"p": 0.8})
    assert {p.fixed["p"] for p in panels} == {0.9}
    assert len(panels) == 4
    ((where, message),) = _input_error(landscape_panels, ds, "outcome", x="speed")
    assert where == "x" and "'speed' is not a swept parameter" in message
    # Both axes wrong: both reported at once.
    problems = _input_error(landscape_panels, ds, "outcome", x="trsut", y="speed")
    assert [w for w, _ in problems] == ["x", "y"]
    assert "(did you mean 'trust'?)" in problems[0][1]
    ((where, message),) = _input_error(landscape_panels, ds, "outcome", x="rho", y="rho")
    assert where == "y" and "x and y must differ" in message
    ((where, message),) = _input_error(landscape_panels, ds, "outcome", format="trilateral")
    assert where == "format" and "format 'trilateral'" in message
    ((where, message),) = _input_error(landscape_panels, ds, "outcome", format="bilaterl")
    assert "(did you mean 'bilateral'?)" in message
    ((where, message),) = _input_error(landscape_panels, ds, "outcome", format=[])
    assert where == "format" and "at least one" in message
    problems = _input_error(landscape_panels, ds, "outcome", select={"rh": 0.5, "trust": 1.0})
    assert problems == [
        ("select", "'rh' is not a swept parameter (did you mean 'rho'?); "
         "choose from ['trust', 'verification', 'rho']"),
        ("select", "'trust' is plotted on an axis and cannot be fixed"),
    ]  # fmt: skip
    ((where, message),) = _input_error(landscape_panels, ds, "outcome", select={"rho": "high"})
    assert where == "select.rho" and "expected a number" in message
    ((where, message),) = _input_error(landscape_panels, ds, "outcome", facet="trust")
    assert where == "facet" and "neither plotted nor selected" in message
    ((where, message),) = _input_error(landscape_panels, ds, "outcome", facet="rhoo")
    assert where == "facet" and "(did you mean 'rho'?)" in message
    ((where, message),) = _input_error(
        landscape_panels, ds.isel(verification=0, rho=0, drop=True), "outcome"
    )
    assert where == "metric" and "two swept parameters" in message
    _, ax = plt.subplots()
    ((where, message),) = _input_error(plot_landscape, ds, "outcome", ax=ax)
    assert where == "ax" and "ax= takes one panel" in message
    plt.close("all")
    ((where, message),) = _input_error(cell_edges, [])
    assert where == "centres"


def test_file_errors_name_the_file(tmp_path):
    """Unreadable results, unknown picture formats and unwritable pictures: InputErrors."""
    ds = sweep()
    bad = tmp_path / "not_a_sweep.nc"
    bad.write_text("hello")
    for path, fragment in [
        (bad, "cannot read the sweep results"),
        (tmp_path / "missing.nc", "cannot read the sweep results"),
    ]:
        with pytest.raises(InputError) as caught:
            save_landscape(path, tmp_path / "x.png")
        assert caught.value.source == str(path) and fragment in str(caught.value)
    with pytest.raises(InputError) as caught:
        save_landscape(ds, tmp_path / "x.pgn")
    assert caught.value.source == str(tmp_path / "x.pgn")
    assert "matplotlib cannot write a 'pgn' picture (did you mean 'png'?)" in str(caught.value)
    assert not (tmp_path / "x.pgn").exists()
    with pytest.raises(InputError, match="cannot write the file"):
        save_landscape(ds, tmp_path / "no" / "such" / "dir" / "x.png")


def test_cli_plot_bad_arguments_exit_2_with_one_message(tmp_path, capsys):
    from negotiation_sim.cli import main

    path = tmp_path / "results.nc"
    sweep().to_netcdf(path)
    out = tmp_path / "x.png"
    cases = [
        (["--metric", "welfair"], "metric: 'welfair' is not in this sweep (did you mean 'welfare'?)"),
        (["--metric", "surplus"], "actor: metric 'surplus' is per actor"),
        (["-x", "trsut"], "x: 'trsut' is not a swept parameter (did you mean 'trust'?)"),
        (["--format", "bilaterl"], "format: format 'bilaterl' is not in this sweep (did you mean"),
        (["--select", "rh=0.5"], "select: 'rh' is not a swept parameter (did you mean 'rho'?)"),
    ]  # fmt: skip
    for argv, start in cases:
        assert main(["plot", str(path), "-o", str(out), *argv]) == 2
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert line.startswith(f"negotiation-sim: error: {path}: {start}"), line  # names the file
        assert not out.exists()
    assert main(["plot", str(path), "-o", str(tmp_path / "x.pgn")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "(did you mean 'png'?)" in line
    assert main(["plot", str(path), "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == PNG


def _legend_texts(figure) -> list[str]:
    legends = [*figure.legends, *(a.get_legend() for a in figure.axes)]
    return [t.get_text() for leg in legends if leg is not None for t in leg.get_texts()]


def test_figure_legend_axes_labels_and_titles():
    ds = sweep()
    figure = plot_landscape(ds, "outcome")
    texts = _legend_texts(figure)
    present = {int(c) for c in np.unique(ds.outcome.values)}
    names = {-1: "no pure equilibrium", **dict(enumerate(LABELS))}
    assert {names[c] for c in present} <= set(texts)
    assert KYIV in texts and EVERYONE in texts
    assert figure.get_suptitle().startswith("Alaska 2025 sweep")
    titles = [a.get_title() for a in figure.axes if a.get_title()]
    assert "multilateral, rho = 0.5" in titles
    plt.close(figure)
    # One panel into a given ax: labels, legend and colourbar go there.
    figure, ax = plt.subplots()
    out = plot_landscape(ds, "welfare", ax=ax, format="bilateral", select={"rho": 0.5})
    assert out is figure
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("verification", "trust")
    assert KYIV in _legend_texts(figure)
    assert len(figure.axes) == 2  # the panel and its colourbar
    assert figure.axes[1].get_ylabel() == "welfare"
    plt.close(figure)


METRICS = [
    ("outcome", None),
    ("deal_is_equilibrium", None),
    ("no_deal_is_equilibrium", None),
    ("n_equilibria", None),
    ("deal_probability", None),
    ("welfare", None),
    ("payoff", "us"),
    ("surplus", "eu"),
    ("zero_sum_share", None),
    ("strategic_zero_sum_share", None),
]


@pytest.mark.parametrize(("metric", "actor"), METRICS)
def test_every_metric_renders_to_png(tmp_path, metric, actor):
    out = save_landscape(sweep(), tmp_path / f"{metric}.png", metric, actor=actor)
    assert out == tmp_path / f"{metric}.png"
    data = out.read_bytes()
    assert data[:8] == PNG and len(data) > 5_000


def test_save_from_a_netcdf_file(tmp_path):
    ds = sweep()
    path = tmp_path / "sweep.nc"
    ds.to_netcdf(path)
    out = save_landscape(path, tmp_path / "outcome.svg", "outcome")
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") and KYIV in text
    # The file round trip gives the same panels.
    for a, b in zip(landscape_panels(xr.load_dataset(path)), landscape_panels(ds), strict=True):
        np.testing.assert_array_equal(a.values, b.values)
        assert a.category_names == b.category_names


def test_importing_the_package_stays_light():
    code = (
        "import sys, negotiation_sim, negotiation_sim.plotting;"
        "print(sorted(m for m in ('xarray', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_too_many_panels_ask_for_a_selection():
    """A third axis with many values would make a wall of panels: the user must choose."""
    import xarray as xr

    rng = np.random.default_rng(3)
    ds = xr.Dataset(
        {"welfare": (("format", "a", "b", "c"), rng.normal(size=(2, 3, 4, 13)))},
        coords={
            "format": ["x", "y"],
            "a": [0.0, 1.0, 2.0],
            "b": np.arange(4.0),
            "c": np.arange(13.0),
        },
    )
    with pytest.raises(InputError, match=r"select: .*more than 24 panels.*--select c=VALUE"):
        landscape_panels(ds, "welfare")
    assert len(landscape_panels(ds, "welfare", select={"c": 4.0})) == 2
