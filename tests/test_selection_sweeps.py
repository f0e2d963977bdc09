"""Selection rules through experiments, results files, pictures and the command line: the rule is
read, checked (one located message), recorded, named in every selected variable and picture,
and the equilibrium set is the default picture."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from negotiation_sim.cli import main
from negotiation_sim.errors import ScenarioError
from negotiation_sim.plotting import landscape_panels
from negotiation_sim.sweep import load_experiment, parse_experiment
from negotiation_sim.sweep.chunk import compute_chunk, tasks
from negotiation_sim.sweep.dataset import to_dataset

ROOT = Path(__file__).resolve().parent.parent
HEAD = (
    '[experiment]\nscenario = "{scenario}"\n{formats}{extra}\n[axes.trust]\nvalues = [0.2, 0.8]\n'
)
AXES = "[axes.verification]\nvalues = [0.0, 0.8]\n"


def experiment(extra: str = "", scenario: str = "alaska_2025_reduced", axes: str = AXES):
    formats = (
        'formats = ["bilateral", "multilateral"]\n' if scenario == "alaska_2025_reduced" else ""
    )
    text = HEAD.format(scenario=scenario, formats=formats, extra=extra) + axes
    return parse_experiment(text, base=ROOT / "experiments")


def small_dataset(spec) -> xr.Dataset:
    spec = replace(spec, chunk_size=spec.n_points)
    (task,) = tasks(spec)
    return to_dataset(spec, compute_chunk(task), {})


def test_selection_defaults_to_welfare_and_the_fingerprint_is_unchanged():
    assert experiment().selection == "welfare"
    plain = load_experiment(ROOT / "experiments" / "trust_verification.toml")
    assert replace(plain, selection="welfare").fingerprint == plain.fingerprint
    assert plain.with_selection("logit").fingerprint != plain.fingerprint


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('selection = "risk"', "experiment.selection: unknown selection rule 'risk'"),
        ("selection = 3", "experiment.selection: unknown selection rule the number 3"),
    ],
)
def test_a_bad_selection_is_one_located_problem(extra, message):
    with pytest.raises(ScenarioError) as caught:
        experiment(extra)
    assert len(caught.value.problems) == 1 and message in str(caught.value)


def test_typed_scenarios_take_only_the_welfare_rule():
    axes = "[axes.verification]\nvalues = [0.1]\n"
    with pytest.raises(ScenarioError, match=r"experiment\.selection: 'logit' is for games"):
        experiment('selection = "logit"', scenario="typed_assurance", axes=axes)
    typed = experiment(scenario="typed_assurance", axes=axes)
    ds = small_dataset(typed)
    assert ds.equilibrium_set.sel(format=typed.formats[0]).values.tolist() == [[2], [1]]


@pytest.mark.parametrize("rule", ["welfare", "payoff_dominance", "risk_dominance", "logit"])
def test_the_results_record_and_name_the_rule(rule):
    spec = experiment(f'selection = "{rule}"')
    ds = small_dataset(spec)
    assert ds.attrs["selection"] == rule and rule in ds.attrs["selection_rule"]
    for name in ("outcome", "welfare", "payoff", "surplus", "deal_probability"):
        assert ds[name].attrs["selection"] == rule
        assert f"selection: {rule}" in ds[name].attrs["long_name"], name
    assert "selection" not in ds.equilibrium_set.attrs
    flags = ds.equilibrium_set.attrs
    assert flags["flag_values"].tolist() == [0, 1, 2, 3]
    assert flags["flag_meanings"] == "deal_only deal_and_no_deal no_deal_only no_pure_equilibrium"
    # The set does not depend on the rule; the deal and no-deal flags agree with it.
    deal, no_deal = ds.deal_is_equilibrium.values, ds.no_deal_is_equilibrium.values
    expected = np.select([deal & ~no_deal, deal & no_deal, no_deal], [0, 1, 2], 3)
    np.testing.assert_array_equal(ds.equilibrium_set.values, expected)


def test_where_no_equilibrium_dominates_the_outcome_is_none_with_nan_payoffs():
    ds = small_dataset(experiment('selection = "payoff_dominance"'))
    at = ds.sel(format="multilateral", trust=0.8, verification=0.8)
    assert int(at.outcome) == -1 and np.isnan(at.payoff).all() and np.isnan(float(at.welfare))
    panels = landscape_panels(ds, "outcome", format="multilateral")
    names = dict(zip(panels[0].category_codes, panels[0].category_names, strict=True))
    assert names[-1] == "no pure equilibrium, or none selected by payoff dominance"
    assert "selection: payoff_dominance" in panels[0].label


def test_the_equilibrium_set_has_a_fixed_colour_per_category():
    ds = small_dataset(experiment())
    (bilateral, multilateral) = landscape_panels(ds, "equilibrium_set")
    colours: dict[int, tuple[str, str]] = {}
    for panel in (bilateral, multilateral):
        for code, name, colour in zip(
            panel.category_codes, panel.category_names, panel.category_colours, strict=True
        ):
            assert colours.setdefault(code, (name, colour)) == (name, colour)
    assert colours[1] == ("deal and no deal", "#F0E442")
    assert colours[2] == ("no deal only", "#D55E00")
    # Another dataset with other categories present: the same colours by code.
    sets = xr.DataArray(np.array([[0, 3]]), dims=("trust", "verification"))
    other = xr.Dataset({"equilibrium_set": sets}, coords={"trust": [0.0], "verification": [0, 1]})
    (panel,) = landscape_panels(other, "equilibrium_set")
    assert panel.category_colours == ("#009E73", "#DDDDDD")


def test_sweep_select_rule_overrides_the_file_and_plot_defaults_to_the_set(tmp_path, capsys):
    out = tmp_path / "run"
    path = ROOT / "experiments" / "trust_verification.toml"
    argv = ["sweep", str(path), "-o", str(out), "--select-rule", "risk_dominance"]
    assert main([*argv, "--set", "rho=0.5"]) == 0
    ds = xr.load_dataset(out / "results.nc")
    assert ds.attrs["selection"] == "risk_dominance"
    capsys.readouterr()
    from negotiation_sim.cli import _results

    assert _results(out / "results.nc").default_metric == "equilibrium_set"
    assert main(["plot", str(out), "-o", str(tmp_path / "set.png")]) == 0
    assert (tmp_path / "set.png").stat().st_size > 0


def test_a_bad_select_rule_exits_2_with_one_located_message(capsys):
    path = ROOT / "experiments" / "trust_verification.toml"
    assert main(["sweep", str(path), "--select-rule", "riskdominance"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--select-rule: unknown selection rule" in err
    assert main(["solve", "alaska_2025_reduced", "--select-rule", "nash"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--select-rule: unknown selection rule 'nash'" in err


def test_solve_names_what_each_rule_selects_and_why(capsys):
    argv = ["solve", "alaska_2025_reduced", "--set", "trust=0.8", "--set", "verification=0.8"]
    assert main([*argv, "--format", "multilateral"]) == 0
    out = capsys.readouterr().out
    assert "Selection among the 18 pure equilibria:" in out
    for rule in ("welfare", "payoff_dominance", "risk_dominance", "logit"):
        assert f"\n  {rule} (" in out
    assert "neither Pareto-dominates" in out and "deviation losses" in out
    assert "end of the path (lambda" in out
    assert main([*argv, "--format", "bilateral", "--json", "--select-rule", "risk_dominance"]) == 0
    report = json.loads(capsys.readouterr().out)
    selection = report["formats"][0]["selection"]
    assert list(selection["rules"]) == ["risk_dominance"]
    risk = selection["rules"]["risk_dominance"]
    (pair,) = risk["pairs"]
    assert pair["actors"] == ["us", "russia"] and pair["products"][1] > pair["products"][0]
    assert selection["equilibria"][risk["selected"]]["outcome"].startswith("deal")
