"""A dynamics sweep's chunk arrays and their labels: ceasefires simulated at every point.

A dynamics experiment (``[dynamics]``, :mod:`.dynamics_spec`) simulates ceasefires at each of
its points (:func:`negotiation_sim.dynamics.simulate`) instead of solving games. A chunk builds
the model at its points (:func:`~.dynamics_spec.evaluate_dynamics`), simulates it with the
experiment's seed and the chunk's first point (so every point's draws are its own: any chunking
and any executor give bit-identical results) and returns named arrays, points first:

========================  =====================  ==========================================
variable                  after the axes         meaning
========================  =====================  ==========================================
survival, survival_se     round (0..N)           P(the deal holds after round t)
hazard, hazard_se         round (0..N)           P(it breaks in round t | it held before);
                                                 NaN at round 0
expected_duration(_se)    -                      rounds the deal was in force (censored at N)
p_holding, p_holding_se   -                      P(it holds after the last round)
breakdown, breakdown_se   cause                  how the ceasefires ended, or ``held``
posterior_trust           side, round, quantile  each side's trust in the other while holding
payoff, payoff_se         actor                  expected discounted payoffs
payoff_by_type            actor, type_0, type_1  the same given both sides' types
trust_needed              side                   the prior trust a trustworthy side needs to
                                                 start
========================  =====================  ==========================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..game import FloatArray

if TYPE_CHECKING:
    import xarray as xr

    from ..scenario import Scenario
    from .dynamics_spec import DynamicsSpec
    from .spec import Experiment

__all__ = [
    "DYNAMICS_VARIABLES",
    "dynamics_arrays",
    "dynamics_coordinates",
    "dynamics_layout",
    "dynamics_variables",
]

#: Each variable's dimensions after the points (in the chunk) or the axes (in the dataset),
#: and its long name.
DYNAMICS_VARIABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "survival": (("round",), "probability that the deal holds after the round"),
    "survival_se": (("round",), "Monte Carlo standard error of survival"),
    "hazard": (("round",), "probability that the deal breaks in the round, given it held"),
    "hazard_se": (("round",), "Monte Carlo standard error of hazard (delta method)"),
    "expected_duration": ((), "expected duration (rounds in force, at most the last)"),
    "expected_duration_se": ((), "Monte Carlo standard error of expected_duration"),
    "p_holding": ((), "probability that the deal holds after the last round"),
    "p_holding_se": ((), "Monte Carlo standard error of p_holding"),
    "breakdown": (("cause",), "share of the ceasefires by how they ended (or held)"),
    "breakdown_se": (("cause",), "Monte Carlo standard error of breakdown"),
    "posterior_trust": (
        ("side", "round", "quantile"),
        "quantile of a side's posterior that the other keeps the deal, among those holding",
    ),
    "payoff": (("actor",), "expected discounted payoff over the rounds"),
    "payoff_se": (("actor",), "Monte Carlo standard error of payoff"),
    "payoff_by_type": (
        ("actor", "type_0", "type_1"),
        "expected discounted payoff given the type of each side",
    ),
    "trust_needed": (
        ("side",),
        "prior trust in the other side at which a trustworthy side gains from starting",
    ),
}


def dynamics_layout(
    spec: DynamicsSpec, n_actors: int, points: int
) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
    """The arrays of a chunk of ``points`` points: name -> (shape, dtype), points first.

    >>> from negotiation_sim.sweep import load_experiment
    >>> spec = load_experiment("experiments/ceasefire_dynamics.toml")
    >>> layout = dynamics_layout(spec.dynamics, 2, 10)
    >>> layout["survival"][0], layout["posterior_trust"][0], layout["breakdown"][0]
    ((10, 25), (10, 2, 25, 5), (10, 4))
    """
    from ..dynamics import CAUSES, QUANTILES

    sizes = {
        "round": spec.rounds + 1,
        "cause": len(CAUSES),
        "side": 2,
        "quantile": len(QUANTILES),
        "actor": n_actors,
        "type_0": 2,
        "type_1": 2,
    }
    return {
        name: ((points, *(sizes[d] for d in dims)), np.dtype(np.float64))
        for name, (dims, _) in DYNAMICS_VARIABLES.items()
    }


def dynamics_arrays(
    spec: DynamicsSpec,
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    *,
    source: str,
    seed: int,
    first_point: int,
) -> dict[str, NDArray[Any]]:
    """Simulate the chunk's points; the named arrays of :func:`dynamics_layout`."""
    from ..dynamics import simulate
    from .dynamics_spec import evaluate_dynamics

    model = evaluate_dynamics(spec, scenario, values, source)
    result = simulate(model, spec.trajectories, seed, first_point=first_point)
    last = spec.rounds

    def first(array: FloatArray) -> NDArray[Any]:
        """Points (the last axis) first, contiguous."""
        return np.ascontiguousarray(np.moveaxis(array, -1, 0))

    hazard = np.concatenate([np.full((1, model.size), np.nan), result.hazard])
    hazard_se = np.concatenate([np.full((1, model.size), np.nan), result.hazard_se])
    return {
        "survival": first(result.survival),
        "survival_se": first(result.survival_se),
        "hazard": first(hazard),
        "hazard_se": first(hazard_se),
        "expected_duration": first(result.expected_duration),
        "expected_duration_se": first(result.expected_duration_se),
        "p_holding": first(result.survival[last]),
        "p_holding_se": first(result.survival_se[last]),
        "breakdown": first(result.causes),
        "breakdown_se": first(result.causes_se),
        "posterior_trust": first(result.trust),
        "payoff": first(result.payoff),
        "payoff_se": first(result.payoff_se),
        "payoff_by_type": first(result.payoff_by_type),
        "trust_needed": first(result.trust_needed),
    }


def dynamics_variables(
    experiment: Experiment,
    data: Mapping[str, NDArray[Any]],
    grid: tuple[int, ...],
    axis_dims: tuple[str, ...],
) -> dict[str, xr.Variable]:
    """The dataset's variables from the whole sweep's arrays (points in C order over ``grid``)."""
    import xarray as xr

    variables = {}
    for name, (dims, long_name) in DYNAMICS_VARIABLES.items():
        array = data[name]
        shaped = array.reshape((*grid, *array.shape[1:]))
        variables[name] = xr.Variable((*axis_dims, *dims), shaped, {"long_name": long_name})
    return variables


def dynamics_coordinates(experiment: Experiment) -> dict[str, Any]:
    """The coordinates of the dynamics dimensions (the axes' are the sweep's)."""
    from ..dynamics import CAUSES, QUANTILES

    spec = experiment.dynamics
    assert spec is not None  # only called for a dynamics experiment
    sides = [side.actor for side in spec.sides]
    types = [_type_names(experiment.scenario, side.actor, side.opportunist) for side in spec.sides]
    return {
        "round": np.arange(spec.rounds + 1, dtype=np.int32),
        "cause": list(CAUSES),
        "side": sides,
        "quantile": np.asarray(QUANTILES),
        "type_0": types[0],
        "type_1": types[1],
    }


def _type_names(scenario: Scenario, actor: str, opportunist: str | None) -> list[str]:
    """A side's two types, the trustworthy one first: the scenario's names, else generic."""
    names = scenario.types.get(actor)
    if not names or opportunist is None:
        return ["trustworthy", "opportunist"]
    return [next(t for t in names if t != opportunist), opportunist]
