"""QRE metrics in experiments: ``qre_deal_probability``, ``qre_outcome_probability`` and
``[experiment] qre_lambda`` (a number or an expression, so it can be swept).

Oracle: the per-game logit tracer (``logit_qre``) at each point, outcome probabilities summed by
brute force over the profiles in the test.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from negotiation_sim import load_scenario
from negotiation_sim.errors import ScenarioError
from negotiation_sim.solvers.logit import logit_qre
from negotiation_sim.sweep import parse_experiment, run_experiment
from negotiation_sim.sweep.spec import DEFAULT_METRICS

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASE = """format_version = 1

[experiment]
title = "QRE"
scenario = "{scenario}"
{head}

{rest}
"""
GRID = """[axes.trust]
values = [0.2, 0.8]

[axes.verification]
values = [0.0, 0.7]
"""


def _spec(head: str, rest: str = GRID, scenario: str = "alaska_2025_reduced.toml"):
    text = BASE.format(scenario=SCENARIOS / scenario, head=head, rest=rest)
    return parse_experiment(text, source="qre.toml", base=ROOT)


def _deal_share(scenario, params, format, lam):
    game = scenario.game(params, format=format)
    sigma = logit_qre(game, lam)
    _, outcomes, _ = scenario.resolve(format, scenario.values(params))
    deal = 0.0
    for profile in itertools.product(*(range(len(s)) for s in sigma)):
        if scenario.outcomes[scenario.outcome_ids[outcomes[(*profile, 0)]]].is_deal:
            deal += float(np.prod([s[k] for s, k in zip(sigma, profile, strict=True)]))
    return deal


def test_a_sweep_records_the_qre_and_it_agrees_with_the_per_game_tracer(tmp_path):
    spec = _spec('metrics = ["qre_deal_probability", "qre_outcome_probability"]\nqre_lambda = 30')
    ds = run_experiment(spec, tmp_path / "run")
    alaska = load_scenario(SCENARIOS / "alaska_2025_reduced.toml")
    for format, trust, verification in itertools.product(ds["format"].values, [0.2, 0.8], [0, 0.7]):
        got = ds["qre_deal_probability"].sel(format=format, trust=trust, verification=verification)
        params = {"trust": trust, "verification": verification}
        assert float(got) == pytest.approx(_deal_share(alaska, params, str(format), 30.0), abs=1e-9)
    shares = ds["qre_outcome_probability"]
    assert shares.dims[-1] == "outcome_id"
    np.testing.assert_allclose(shares.sum("outcome_id"), 1.0, rtol=0, atol=1e-12)
    assert "lambda = 30" in ds["qre_deal_probability"].attrs["long_name"]


def test_lambda_can_be_swept_and_zero_is_uniform_play(tmp_path):
    rest = (
        '[parameters.lam]\ndefault = 10\nrange = [0, 100]\ndescription = "logit precision"\n\n'
        "[axes.lam]\nvalues = [0, 30]\n\n[axes.trust]\nvalues = [0.8]\n"
    )
    spec = _spec(
        'metrics = ["qre_outcome_probability"]\nqre_lambda = "lam"\nformats = ["multilateral"]',
        rest,
    )
    ds = run_experiment(spec, tmp_path / "run")
    alaska = load_scenario(SCENARIOS / "alaska_2025_reduced.toml")
    _, outcomes, _ = alaska.resolve("multilateral", alaska.values({"trust": 0.8}))
    uniform = np.bincount(outcomes.ravel(), minlength=len(alaska.outcome_ids)) / outcomes.size
    at_zero = ds["qre_outcome_probability"].sel(format="multilateral", lam=0, trust=0.8)
    np.testing.assert_allclose(at_zero, uniform, rtol=0, atol=1e-12)
    deal = ds["qre_outcome_probability"].sel(format="multilateral", lam=30, trust=0.8)
    is_deal = [alaska.outcomes[o].is_deal for o in alaska.outcome_ids]
    share = float(deal.values[is_deal].sum())
    expected = _deal_share(alaska, {"trust": 0.8}, "multilateral", 30.0)
    assert share == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("head", "scenario", "location", "message"),
    [
        (
            'metrics = ["qre_deal_probability"]',
            "alaska_2025_reduced.toml",
            "experiment.qre_lambda",
            "missing",
        ),
        ("qre_lambda = 5", "alaska_2025_reduced.toml", "experiment.qre_lambda", "set only with"),
        (
            'metrics = ["qre_deal_probability"]\nqre_lambda = "lamda"',
            "alaska_2025_reduced.toml",
            "experiment.qre_lambda",
            "undefined parameter",
        ),
        (
            'metrics = ["qre_deal_probability"]\nqre_lambda = 5',
            "typed_assurance.toml",
            "experiment.metrics",
            "complete information",
        ),
    ],
)
def test_bad_qre_settings_are_located(head, scenario, location, message):
    with pytest.raises(ScenarioError) as caught:
        _spec(head, scenario=scenario)
    assert any(p.location == location and message in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_a_negative_precision_at_some_point_is_a_located_error(tmp_path):
    rest = (
        '[parameters.lam]\ndefault = 10\nrange = [-5, 100]\ndescription = "logit precision"\n\n'
        "[axes.lam]\nvalues = [-1, 30]\n"
    )
    spec = _spec('metrics = ["qre_deal_probability"]\nqre_lambda = "lam"', rest)
    with pytest.raises(
        ScenarioError, match=r"qre_lambda: expected a precision >= 0, got -1.0 at lam = -1"
    ):
        run_experiment(spec, tmp_path / "run")


def test_the_qre_is_not_recorded_unless_asked_for():
    assert not {"qre_deal_probability", "qre_outcome_probability"} & set(DEFAULT_METRICS)


def test_a_bad_precision_stops_the_sweep_before_any_chunk(tmp_path):
    rest = (
        '[parameters.lam]\ndefault = 10\nrange = [-5, 100]\ndescription = "logit precision"\n\n'
        "[axes.lam]\nvalues = [0, 10, 20, 30]\n"
    )
    spec = _spec('metrics = ["qre_deal_probability"]\nqre_lambda = "30 - 2 * lam"', rest)
    with pytest.raises(ScenarioError, match="qre_lambda"):
        run_experiment(replace(spec, chunk_size=1), tmp_path / "run")
    assert not list(tmp_path.glob("run/chunks/*"))
