"""The interactive page (negotiation_sim.plotting.interactive) without a browser: what it holds,
the output-file rule, its size, and the command line. tests/test_browser.py opens it in Chromium."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
from bokeh.models.widgets import Div

from negotiation_sim._files import signature
from negotiation_sim.cli import main
from negotiation_sim.errors import InputError
from negotiation_sim.plotting import landscape_panels
from negotiation_sim.plotting._cells import SET_NAMES, page_cells
from negotiation_sim.plotting.interactive import (
    MAX_PAGE_CELLS,
    interactive_landscape,
    save_interactive,
    written_page,
)

ACTORS = ["us", "russia", "ukraine"]
LABELS = ["no deal: war & more", "deal: front line"]


def sweep(n: int = 6, m: int = 5, rho: tuple[float, ...] = (), seed: int = 0) -> xr.Dataset:
    """A sweep-shaped dataset: two formats, trust x verification (x rho), three actors."""
    rng = np.random.default_rng(seed)
    axes = {"trust": np.linspace(0, 1, n), "verification": np.linspace(0, 1, m)}
    if rho:
        axes["rho"] = np.array(rho)
    shape = (2, *(len(v) for v in axes.values()))
    dims = ("format", *axes)
    deal = rng.random(shape) < 0.5
    no_deal = rng.random(shape) < 0.5
    outcome = np.where(deal, 1, np.where(no_deal, 0, -1)).astype(np.int32)
    payoff = rng.normal(size=(*shape, len(ACTORS)))
    attrs = {
        "long_name": "outcome of the selected pure equilibrium (largest total payoff)",
        "flag_values": np.array([-1, 0, 1], dtype=np.int32),
        "flag_meanings": "none war deal",
        "outcome_labels": json.dumps(LABELS),
    }
    return xr.Dataset(
        {
            "outcome": (dims, outcome, attrs),
            "deal_is_equilibrium": (dims, deal),
            "no_deal_is_equilibrium": (dims, no_deal),
            "n_equilibria": (dims, deal.astype(np.int32) + no_deal),
            "payoff": ((*dims, "actor"), payoff),
            "surplus": ((*dims, "actor"), payoff - 0.5),
            "welfare": (dims, payoff.sum(-1)),
            "frontier_a": (
                ("verification",),
                0.5 - 0.3 * axes["verification"],
                {
                    "frontier_x": "verification",
                    "frontier_y": "trust",
                    "label": "A accepts",
                },
            ),
        },
        coords={"format": ["bilateral", "multilateral"], **axes, "actor": ACTORS},
        attrs={
            "title": "A test sweep",
            "scenario_text": '[outcomes.deal]\nterms = { line = "front_line", status = "neutral" }\n',
        },
    )


def test_cells_hold_each_cells_values_as_the_dataset_has_them() -> None:
    ds = sweep(rho=(0.0, 0.5))
    panels = landscape_panels(ds, "outcome")
    cells = page_cells(ds, panels, [-1, 0, 1])
    labels = {f.column: f.label for f in cells.fields}
    assert [labels[c] for c in ("param0", "param1", "param2")] == ["trust", "verification", "rho"]
    names = {f.column: f.names for f in cells.fields}
    assert names["terms"] == {1: "line = front_line, status = neutral"}
    for panel, columns in zip(panels, cells.panels, strict=True):
        row = 0
        for trust in ds.trust.values:  # row-major over y (trust), then x (verification)
            for verification in ds.verification.values:
                cell = ds.sel(
                    format=panel.format,
                    trust=trust,
                    verification=verification,
                    rho=panel.facet_value,
                )
                assert columns["param0"][row] == trust and columns["param1"][row] == verification
                assert columns["param2"][row] == panel.facet_value
                deal, no_deal = bool(cell.deal_is_equilibrium), bool(cell.no_deal_is_equilibrium)
                word = (
                    "deal and no deal"
                    if deal and no_deal
                    else "deal only"
                    if deal
                    else ("no deal only" if no_deal else "no pure equilibrium")
                )
                assert SET_NAMES[int(columns["eqset"][row])] == word
                assert columns["outcome"][row] == int(cell.outcome)
                assert [-1, 0, 1][int(columns["colour"][row])] == int(cell.outcome)
                for i, actor in enumerate(ACTORS):
                    assert columns[f"payoff_{i}"][row] == pytest.approx(
                        float(cell.payoff.sel(actor=actor)), rel=1e-6
                    )
                assert names["format"][int(columns["format"][row])] == panel.format
                row += 1
        left, top = cells.geometry["left"], cells.geometry["top"]
        assert left.size == row and np.all(left < cells.geometry["right"])
        assert np.all(cells.geometry["bottom"] < top)


def test_the_sweeps_equilibrium_set_is_shown_when_it_has_one() -> None:
    ds = sweep()
    codes = ds.deal_is_equilibrium.astype(np.int8)
    ds["equilibrium_set"] = codes.assign_attrs(
        flag_values=np.array([0, 1], dtype=np.int8), flag_meanings="no_deal_only deal_only"
    )
    cells = page_cells(ds, landscape_panels(ds, "welfare"))
    field = next(f for f in cells.fields if f.column == "eqset")
    assert field.names == {0: "no deal only", 1: "deal only"}
    assert np.array_equal(cells.panels[0]["eqset"], codes.sel(format="bilateral").values.ravel())


def test_the_page_is_one_offline_file_with_the_mark(tmp_path: Path) -> None:
    out = save_interactive(sweep(), tmp_path / "page.html")
    text = out.read_text()
    assert text.lstrip().startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']https?:", text, re.IGNORECASE)
    assert f'<meta name="generator" content="{signature()}">' in text
    assert written_page(out)
    for name in ("A test sweep", "A accepts", "ns-tooltip", "deal: front line"):
        assert name in text
    # The legend's heading is the outcome's long name, which names the selection rule.
    divs: Any = interactive_landscape(sweep()).select({"type": Div})
    legend = [d.text for d in divs if "ns-legend" in d.text]
    assert legend and legend[0].startswith(
        '<div class="ns-legend"><b>outcome of the selected pure equilibrium (largest total payoff)'
    )


def test_the_page_has_a_format_menu_and_a_facet_slider() -> None:
    layout = interactive_landscape(sweep(rho=(0.0, 0.25, 0.5)), "outcome")
    menu: Any = layout.select_one({"name": "format"})
    slider: Any = layout.select_one({"name": "facet"})
    assert menu.options == ["bilateral", "multilateral"] and menu.value == "bilateral"
    assert (slider.title, slider.start, slider.end) == ("rho", 0, 2)
    # One set of columns per panel travels with the controls: 2 formats x 3 values of rho.
    callback: Any = slider.js_property_callbacks["change:value"][0]
    assert len(callback.args["panels"]) == 6


def test_the_output_rule(tmp_path: Path) -> None:
    results = tmp_path / "results.nc"
    sweep().to_netcdf(results)
    notes = tmp_path / "notes.html"
    notes.write_text("<!DOCTYPE html><p>my notes</p>")
    with pytest.raises(InputError, match="not written by negotiation_sim: pass --overwrite"):
        save_interactive(results, notes)
    assert notes.read_text() == "<!DOCTYPE html><p>my notes</p>"
    assert save_interactive(results, notes, overwrite=True) == notes and written_page(notes)
    with pytest.raises(InputError, match="is an input of this command"):
        save_interactive(results, results, overwrite=True)
    with pytest.raises(InputError, match=r"results\.nc: metric: 'welfar' is not in this sweep"):
        save_interactive(results, tmp_path / "x.html", "welfar")
    assert not (tmp_path / "x.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.html", "results.nc"]


def test_too_many_cells_is_refused_with_the_way_out() -> None:
    side = int(np.ceil(np.sqrt(MAX_PAGE_CELLS / 2))) + 1
    with pytest.raises(InputError, match=r"select: the page would hold .* choose one format"):
        interactive_landscape(sweep(side, side), "welfare")


def test_a_201_by_201_grid_in_two_formats_is_under_10_mb(tmp_path: Path) -> None:
    # Random payoffs compress worse than a real sweep's (4.5 MB for trust_verification at 201).
    out = save_interactive(sweep(201, 201, seed=1), tmp_path / "big.html")
    assert out.stat().st_size < 10 * 2**20


def test_without_bokeh_one_message_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.nc"
    sweep().to_netcdf(results)
    monkeypatch.setitem(sys.modules, "bokeh", None)  # import bokeh now raises ImportError
    with pytest.raises(InputError, match=re.escape("pip install 'negotiation_sim[interactive]'")):
        interactive_landscape(sweep())
    assert main(["plot", str(results), "--html", str(tmp_path / "page.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "needs Bokeh, an optional extra: pip install 'negotiation_sim[interactive]'" in err
    assert not (tmp_path / "page.html").exists()


def test_the_command_writes_a_picture_a_page_or_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.nc"
    sweep().to_netcdf(results)
    assert main(["plot", str(results)]) == 2
    assert "-o: name a picture to write (-o FILE), an interactive page (--html FILE)" in (
        capsys.readouterr().err
    )
    page, picture = tmp_path / "page.html", tmp_path / "map.png"
    assert main(["plot", str(results), "--html", str(page), "-o", str(picture)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {picture}", f"wrote {page}"]
    assert written_page(page) and picture.stat().st_size > 0
    assert main(["plot", str(results), "--html", str(page), "--format", "multilateral"]) == 0
    assert main(["plot", str(results), "--html", str(page), "-o", str(page)]) == 2
    assert "need different files" in capsys.readouterr().err
