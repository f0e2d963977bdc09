"""The Alaska second edition's experiments say what their headers and docs/case-alaska-2025.md
claim: each claim here against the results, with closed forms and brute force as oracles.

The sweeps are the shipped files, run once per module (module-scoped fixtures; about 20 s in all).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from negotiation_sim import load_scenario
from negotiation_sim.bayesian import profitable_deviations, pure_strategies
from negotiation_sim.scenario.priors import parse_prior
from negotiation_sim.sweep import load_experiment, run_experiment

from . import alaska_oracle as oracle
from .alaska_oracle import payoffs


def oracle_payoffs(
    v: Any, us: str, russia: str, ukraine: str, eu: str, kind_r: str, kind_u: str
) -> tuple[float, float, float, float]:
    """The oracle's payoffs at one profile and type profile, positionally."""
    profile = {"us": us, "russia": russia, "ukraine": ukraine, "eu": eu}
    return payoffs(v, profile, {"russia": kind_r, "ukraine": kind_u})


ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
SCENARIO = ROOT / "scenarios" / "alaska_2025.toml"


def _run(name: str, folder: Path) -> Any:
    return run_experiment(
        load_experiment(EXPERIMENTS / f"{name}.toml"), folder / name, progress=False
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("alaska")
    names = ("alaska_landscape", "alaska_mechanisms", "alaska_ceasefire")
    return {name: _run(name, folder) for name in names}


def _deter_kyiv(values: dict[str, float]) -> float:
    """pi_d of Kyiv's rearming kind on the Donetsk deal with guarantees, from the oracle's
    payoffs (independent of the scenario's own definition): (T_o - R_o) / (T_o - P + k)."""
    v = dict(values)
    v["verification"] = 0.0
    t_o = oracle_payoffs(
        v, "broker_monitors", "donetsk_keep", "concede_rearm", "underwrite", "keeps", "rearms"
    )[2]
    r_o = oracle_payoffs(
        v, "broker_monitors", "donetsk_keep", "concede_keep", "underwrite", "keeps", "rearms"
    )[2]
    v["verification"] = 1.0
    caught = oracle_payoffs(
        v, "broker_monitors", "donetsk_keep", "concede_rearm", "underwrite", "keeps", "rearms"
    )[2]
    return (t_o - r_o) / (t_o - caught)


def test_landscape_no_regime_ignores_monitoring_and_needs_trust(runs):
    sets = runs["alaska_landscape"]["deal_is_equilibrium"].sel(format="no_regime")
    by_trust = sets.values  # (trust_russia, verification)
    assert (by_trust == by_trust[:, :1]).all()  # nobody is monitored: the axis changes nothing
    trust = sets["trust_russia"].values
    assert not by_trust[trust <= 0.3].any() and by_trust[trust >= 0.4].all()


def test_landscape_monitors_deal_region_starts_at_the_deterrence_line(runs):
    ds = runs["alaska_landscape"]
    scenario = load_scenario(SCENARIO)
    line = _deter_kyiv(scenario.defaults())
    assert float(ds["frontier_deter_kyiv"].max()) == pytest.approx(line, abs=1e-12)
    deal = ds["deal_is_equilibrium"].sel(format="monitors")
    verification = deal["verification"].values
    low_trust = deal.sel(trust_russia=deal["trust_russia"] <= 0.3)
    # below the line (at low trust) no deal, above it a deal at every trust
    assert not low_trust.sel(verification=verification < line).values.any()
    assert deal.sel(verification=verification > line).values.all()


def test_landscape_over_kyivs_head_a_deal_everywhere(runs):
    assert runs["alaska_landscape"]["deal_is_equilibrium"].sel(format="bilateral").values.all()


def test_mechanisms_monitors_beat_every_other_regime_in_every_cell(runs):
    ds = runs["alaska_mechanisms"]
    for linkage in ds["linkage"].values:
        for guarantee in ds["guarantee_effect"].values:
            cell = {"linkage": linkage, "guarantee_effect": guarantee}
            monitors_low = float(ds["p_deal_low"].sel(format="monitors", **cell))
            for other in ("no_regime", "joint_commission"):
                assert monitors_low > float(ds["p_deal_high"].sel(format=other, **cell))


def test_mechanisms_guarantees_and_linkage_never_lower_p_deal_under_monitors(runs):
    # Common random numbers: the same draws in every cell, so the comparison is exact per draw
    # count; the claim is on the estimates, not on every draw.
    p = runs["alaska_mechanisms"]["p_deal"].sel(format="monitors")
    assert (p.diff("guarantee_effect") >= 0).all()
    assert (p.sel(linkage=1) >= p.sel(linkage=0)).all()


def test_ceasefire_regimes_outlast_no_regime_and_phasing_helps_only_without_one(runs):
    ds = runs["alaska_ceasefire"]
    d, se = ds["expected_duration"], ds["expected_duration_se"]
    for trust in ds["trust"].values:
        at, error = d.sel(trust=trust), se.sel(trust=trust)
        none, monitors = at.sel(verification=0.0), at.sel(verification=0.3)
        assert (monitors > none + 10 * error.sel(verification=0.3)).all()
        gain = none.sel(phases=4) - none.sel(phases=1)
        assert (gain > 5 * error.sel(verification=0.0).max()).all()
    base = {"trust": 0.25, "phases": 1, "sanction": 0.4, "guarantee": 0.0}
    ends = ds["breakdown"].sel(verification=0.3, **base)
    assert float(ends.sel(cause="detected_violation") + ends.sel(cause="escalation")) == 0.0
    assert float(ends.sel(cause="false_alarm")) > 0.5


def test_ceasefire_guarantees_help_without_a_regime_and_linkage_does_not(runs):
    ds = runs["alaska_ceasefire"]
    none = ds["expected_duration"].sel(verification=0.0)
    error = ds["expected_duration_se"].sel(verification=0.0)
    # guarantees shrink what a Russian violation gains: the truce lasts longer without a regime
    gain = none.sel(guarantee=0.5) - none.sel(guarantee=0.0)
    assert (gain > 5 * error.max()).all()
    # with nobody monitoring, a bigger snapback is never paid: linkage changes nothing beyond
    # Monte Carlo noise (4 standard errors of the difference)
    linked = none.sel(sanction=0.45) - none.sel(sanction=0.4)
    assert (abs(linked) < 4 * np.sqrt(2) * error.max()).all()


def _findings() -> Any:
    spec = importlib.util.spec_from_file_location(
        "alaska_findings", EXPERIMENTS / "alaska_findings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_findings_diagnosis_first_step_is_the_closed_form_gain():
    findings = _findings()
    scenario = load_scenario(SCENARIO)
    v = scenario.defaults()
    steps, settled = findings.diagnosis("no_regime")
    assert settled
    first = steps[0]
    assert (first.actor, first.type, first.best) == ("ukraine", "rearms", "concede_rearm")
    t_o = oracle_payoffs(
        v, "broker_unverified", "donetsk_keep", "concede_rearm", "underwrite", "keeps", "rearms"
    )[2]
    r_o = oracle_payoffs(
        v, "broker_unverified", "donetsk_keep", "concede_keep", "underwrite", "keeps", "rearms"
    )[2]
    assert first.gain == pytest.approx(t_o - r_o, abs=1e-12)
    # it ends in no deal: every type refuses or fights on
    assert {s.best for s in steps} >= {"refuse"}
    assert findings.diagnosis("monitors") == ((), True)
    commission, _ = findings.diagnosis("joint_commission")  # shrinks the first gain, leaves it
    assert (commission[0].actor, commission[0].type) == (first.actor, first.type)
    assert 0 < commission[0].gain < first.gain
    count, deal = findings.summit("no_regime")
    assert (
        count == len(oracle.pure_bayes_nash(v, oracle.formats(SCENARIO)["no_regime"])) and not deal
    )


def test_findings_monitors_deter_exactly_above_the_line():
    findings = _findings()
    scenario = load_scenario(SCENARIO)
    line = _deter_kyiv(scenario.defaults())
    for pi, expected in ((line - 1e-6, False), (line + 1e-6, True)):
        steps, _ = findings.diagnosis("monitors", {"verification": pi})
        assert (steps == ()) is expected
    game = scenario.bayesian_game({"verification": line + 1e-6}, format="monitors")
    assert profitable_deviations(game, pure_strategies(game, findings.KEPT_DONETSK)) == ()
    assert np.isclose(line, float(scenario.definitions["deter_kyiv"].evaluate(scenario.values())))


def test_landscape_no_regime_threshold_and_a_non_monotone_column(runs):
    ds = runs["alaska_landscape"]["deal_is_equilibrium"]
    no_regime = ds.sel(format="no_regime", verification=0.0)
    assert not no_regime.sel(trust_russia=0.32) and no_regime.sel(trust_russia=0.34)
    column = ds.sel(format="monitors", trust_russia=0.4)
    v = column["verification"].values
    assert column.sel(verification=v <= 0.14 + 1e-9).values.all()
    assert not column.sel(verification=(v >= 0.16 - 1e-9) & (v <= 0.22 + 1e-9)).values.any()
    assert column.sel(verification=v >= 0.24 - 1e-9).values.all()


@pytest.fixture(scope="module")
def p_deal(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _run("alaska_p_deal", tmp_path_factory.mktemp("p_deal"))


def test_p_deal_by_format(p_deal):
    p = p_deal["p_deal"]
    assert float(p.sel(format="no_regime").max()) < 0.4
    monitors = p.sel(format="monitors")
    assert float(monitors.sel(verification=monitors["verification"] >= 0.45 - 1e-9).min()) > 0.5
    assert float(p.sel(format="bilateral").min()) >= 0.98


def test_mechanisms_levels(runs):
    p = runs["alaska_mechanisms"]["p_deal"]
    assert float(p.sel(format=["no_regime", "joint_commission"]).max()) < 0.2
    monitors = p.sel(format="monitors")
    assert float(monitors.min()) >= 0.45 and float(monitors.max()) <= 0.65


def test_ceasefire_no_violation_ends_a_monitored_truce(runs):
    ends = runs["alaska_ceasefire"]["breakdown"]
    for detection in (0.1, 0.3):
        at = ends.sel(verification=detection)  # every trust, timetable, linkage and guarantee
        violations = at.sel(cause="detected_violation") + at.sel(cause="escalation")
        assert float(violations.max()) == 0.0
        assert float(at.sel(cause="false_alarm").min()) > 0.5


def test_findings_a_us_committing_first_would_choose_monitors():
    findings = _findings()
    v = load_scenario(SCENARIO).defaults()
    us = findings.regime_payoffs()
    # the oracle's US payoffs: the war with no regime or a commission, the kept Donetsk deal
    # (monitors' cost included) with monitors
    war = oracle_payoffs(v, "broker_unverified", "fight_on", "refuse", "veto", "keeps", "keeps")[0]
    kept = oracle_payoffs(
        v, "broker_monitors", "donetsk_keep", "concede_keep", "underwrite", "keeps", "keeps"
    )[0]
    assert us == pytest.approx({"no_regime": war, "joint_commission": war, "monitors": kept})
    assert max(us, key=lambda f: us[f]) == "monitors"


CASE_PAGE = ROOT / "docs" / "case-alaska-2025.md"


def test_the_case_page_quotes_the_files_numbers_and_priors():
    text = CASE_PAGE.read_text(encoding="utf-8")
    parameters = load_scenario(SCENARIO).parameters
    numbers = re.findall(r"`(\w+)` = ([0-9.]+)", text)
    priors = re.findall(r"`(\w+)` ~ `([^`]+)`", text)
    assert len(numbers) >= 15 and len(priors) >= 3
    for name, value in numbers:
        assert parameters[name].default == pytest.approx(float(value)), name
    for name, prior in priors:
        quoted = parse_prior(prior, parameters[name].low, parameters[name].high)
        assert str(quoted) == str(parameters[name].prior), name


def test_findings_rho_limit_is_the_one_crossing_of_the_monitored_deal():
    from negotiation_sim.sweep.measure_typed import measure_typed

    limit = _findings().rho_limit()
    scenario = load_scenario(SCENARIO)
    grid = np.linspace(0.0, 1.0, 201)
    deal = measure_typed(scenario, scenario.values({"rho": grid}), "monitors").deal_is_equilibrium
    assert deal[grid < limit - 1e-6].all() and not deal[grid > limit + 1e-6].any()
    prior = scenario.parameters["rho"].prior
    assert prior is not None and prior.kind == "triangular"
    mode = prior.args[1]
    assert isinstance(mode, float) and 0.1 < limit < mode  # below the prior's mode


def test_landscape_no_regime_deals_are_broken_by_kyiv(runs):
    ds = runs["alaska_landscape"]
    outcome = ds["outcome"].sel(format="no_regime")
    names = dict(
        zip(
            outcome.attrs["flag_values"].tolist(),
            outcome.attrs["flag_meanings"].split(),
            strict=True,
        )
    )
    found = {
        names[int(c)] for c in np.unique(outcome.sel(trust_russia=outcome["trust_russia"] >= 0.34))
    }
    assert found == {"donetsk_broken_by_kyiv", "donetsk_broken_by_both"}
