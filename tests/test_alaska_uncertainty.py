"""The claims of the shipped experiment ``experiments/alaska_uncertainty.toml`` and its header."""

from __future__ import annotations

import numpy as np

from negotiation_sim.sweep import load_experiment
from negotiation_sim.sweep.dataset import frontier_values

EXPERIMENT = "experiments/alaska_uncertainty.toml"


def test_its_size_is_what_the_header_says():
    spec = load_experiment(EXPERIMENT)
    # "41 x 41 points x 256 draws = 430,336 points in 9 checkpointed chunks"
    assert spec.shape == (41, 41)
    assert spec.design.kind == "sobol" and spec.design.rows == 256
    assert spec.n_points == 41 * 41 * 256 == 430_336
    assert -(-spec.n_points // spec.chunk_size) == 9


def test_every_parameter_but_the_axes_is_drawn_from_its_scenario_prior():
    spec = load_experiment(EXPERIMENT)
    scenario = spec.scenario
    expected = [n for n in scenario.parameters if n not in ("trust", "verification")]
    assert list(spec.design.names) == expected
    for name, prior in zip(spec.design.names, spec.design.priors, strict=True):
        assert prior == scenario.parameters[name].prior


def test_the_frontier_is_kyivs_threshold_of_the_flagship_at_the_defaults():
    # The same closed form as experiments/trust_verification.toml draws, on this grid: its
    # coefficients are evaluated at the scenario's defaults, not at sampled values.
    spec = load_experiment(EXPERIMENT)
    flagship = load_experiment("experiments/trust_verification.toml")
    (frontier,) = spec.frontiers
    reference = next(f for f in flagship.frontiers if f.id == frontier.id)
    _, ours = frontier_values(spec, frontier)
    _, theirs = frontier_values(flagship, reference)
    # Both grids run over verification in [0, 1]: 41 points here, 101 there; they share
    # verification = 0, 0.1, ..., 1.
    assert np.allclose(spec.axes[1].values[::4], flagship.axes[1].values[::10])
    assert np.allclose(ours[::4], theirs[::10], rtol=0, atol=1e-12)


def test_the_zero_sum_share_is_left_out():
    assert "zero_sum_share" not in load_experiment(EXPERIMENT).metrics
