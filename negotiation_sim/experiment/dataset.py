"""A sweep's results as a labelled xarray Dataset (saved as netCDF).

Layout (``docs/experiment-format.md`` has the full description):

* dimensions: ``format``, then one per swept parameter (coordinates = the grid
  values), then ``actor``;
* ``outcome`` (int): the selected pure equilibrium's outcome, with CF
  ``flag_values``/``flag_meanings`` (``-1`` = ``none``: no pure equilibrium);
* ``deal_is_equilibrium``, ``no_deal_is_equilibrium`` (bool),
  ``n_equilibria`` (int), ``deal_probability``, ``welfare`` (float);
* ``payoff``, ``surplus`` (per actor);
* ``zero_sum_share``, ``strategic_zero_sum_share`` (no format dimension: a
  property of the whole game at that point);
* ``frontier_<id>``: each analytic frontier's threshold (values of its ``y``
  axis) over its ``x`` axis and the other sweep axes;
* attributes: the experiment and scenario files as written, package version,
  seed, solver, fixed parameters and timings (JSON text).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..game import FloatArray
from .runner import SCALAR_COLUMNS
from .spec import Experiment, FrontierSpec

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["frontier_values", "to_dataset"]


def frontier_values(
    experiment: Experiment, frontier: FrontierSpec
) -> tuple[tuple[str, ...], FloatArray]:
    """A frontier's threshold over its x axis and the sweep axes other than x and y.

    Returns the dimension names and the values (``inf`` where no threshold exists).
    """
    from ..analysis import enforcement

    axes = {axis.name: axis.values for axis in experiment.axes}
    dims = (
        frontier.x,
        *(a.name for a in experiment.axes if a.name not in (frontier.x, frontier.y)),
    )
    shaped: dict[str, FloatArray] = {}
    for k, name in enumerate(dims):
        shape = [1] * len(dims)
        shape[k] = axes[name].size
        shaped[name] = axes[name].reshape(shape)
    x = shaped.pop(frontier.x)
    values = experiment.scenario.values({**experiment.fixed, **shaped})
    c = {name: expression.evaluate(values) for name, expression in frontier.coefficients.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        if frontier.model == "assurance":
            y = enforcement.assurance_threshold(c["R"], c["T"], c["P"], c["S"], x)
        elif frontier.model == "repeated":
            y = enforcement.repeated_threshold(c["T"], c["R"], c["P"], x, c["false_alarm"])
        else:  # inspection: detection needed as a function of the false-alarm rate
            y = enforcement.inspection_detection_threshold(c["d"], c["b"], x, c["f"])
    full = tuple(axes[name].size for name in dims)
    return dims, np.broadcast_to(np.asarray(y, dtype=np.float64), full).copy()


def to_dataset(experiment: Experiment, data: FloatArray, timings: Mapping[str, Any]) -> xr.Dataset:
    """Label a sweep's flat results ``(n_points, n_columns)`` (see :mod:`.runner`)."""
    import xarray as xr

    from .. import __version__

    scenario = experiment.scenario
    actors = scenario.actor_ids
    grid = experiment.shape
    axis_dims = tuple(axis.name for axis in experiment.axes)
    n = len(actors)
    width = len(SCALAR_COLUMNS) + 2 * n
    per_format: dict[str, list[FloatArray]] = {}
    for f in range(len(experiment.formats)):
        block = data[:, f * width : (f + 1) * width]
        for c, name in enumerate(SCALAR_COLUMNS):
            per_format.setdefault(name, []).append(block[:, c].reshape(grid))
        base = len(SCALAR_COLUMNS)
        per_format.setdefault("payoff", []).append(block[:, base : base + n].reshape((*grid, n)))
        per_format.setdefault("surplus", []).append(
            block[:, base + n : base + 2 * n].reshape((*grid, n))
        )
    dims = ("format", *axis_dims)
    variables: dict[str, Any] = {}
    wanted = set(experiment.metrics)
    outcome_ids = scenario.outcome_ids
    if "outcome" in wanted:
        variables["outcome"] = xr.Variable(
            dims,
            np.stack(per_format["outcome"]).astype(np.int32),
            {
                "long_name": "outcome of the selected pure equilibrium (largest total payoff)",
                "flag_values": np.arange(-1, len(outcome_ids), dtype=np.int32),
                "flag_meanings": " ".join(("none", *outcome_ids)),
                "outcome_labels": json.dumps([scenario.outcomes[o].label for o in outcome_ids]),
                "deal_flags": np.array(
                    [scenario.outcomes[o].is_deal for o in outcome_ids], dtype=np.int32
                ),
            },
        )
    descriptions = {
        "deal_is_equilibrium": ("some deal outcome is a pure equilibrium", bool),
        "no_deal_is_equilibrium": ("some no-deal outcome is a pure equilibrium", bool),
        "n_equilibria": ("number of pure equilibria", np.int32),
        "deal_probability": (
            "probability of a deal under the selected equilibrium"
            + (
                " (logit equilibrium where there is no pure one)"
                if experiment.solver == "pure+logit"
                else ""
            ),
            np.float64,
        ),
        "welfare": ("total payoff of all actors under the selected equilibrium", np.float64),
    }
    for name, (long_name, dtype) in descriptions.items():
        if name in wanted:
            variables[name] = xr.Variable(
                dims, np.stack(per_format[name]).astype(dtype), {"long_name": long_name}
            )
    if "payoff" in wanted:
        variables["payoff"] = xr.Variable(
            (*dims, "actor"),
            np.stack(per_format["payoff"]),
            {"long_name": "each actor's payoff under the selected equilibrium"},
        )
    if "surplus" in wanted:
        variables["surplus"] = xr.Variable(
            (*dims, "actor"),
            np.stack(per_format["surplus"]),
            {
                "long_name": f"each actor's payoff minus its payoff at the no-deal outcome ({scenario.no_deal})"
            },
        )
    if "zero_sum_share" in wanted:
        tail = data[:, len(experiment.formats) * width :]
        variables["zero_sum_share"] = xr.Variable(
            axis_dims,
            tail[:, 0].reshape(grid),
            {"long_name": "zero-sum share of the game (raw, docs/models.md §2)"},
        )
        variables["strategic_zero_sum_share"] = xr.Variable(
            axis_dims,
            tail[:, 1].reshape(grid),
            {"long_name": "zero-sum share of the game's strategic part"},
        )
    for frontier in experiment.frontiers:
        frontier_dims, values = frontier_values(experiment, frontier)
        variables[f"frontier_{frontier.id}"] = xr.Variable(
            frontier_dims,
            values,
            {
                "long_name": f"{frontier.y} threshold of the {frontier.model} model",
                "label": frontier.label,
                "model": frontier.model,
                "frontier_x": frontier.x,
                "frontier_y": frontier.y,
                "formats": " ".join(frontier.formats),
            },
        )
    coords: dict[str, Any] = {"format": list(experiment.formats), "actor": list(actors)}
    for axis in experiment.axes:
        description = scenario.parameters[axis.name].description
        coords[axis.name] = xr.Variable(
            axis.name, np.asarray(axis.values), {"long_name": axis.name, "description": description}
        )
    attrs = {
        "title": experiment.title,
        "description": experiment.description,
        "experiment": experiment.source,
        "experiment_text": experiment.text,
        "scenario": experiment.scenario_path,
        "scenario_text": experiment.scenario_text,
        "fingerprint": experiment.fingerprint,
        "negotiation_sim_version": __version__,
        "seed": experiment.seed,
        "solver": experiment.solver,
        "no_deal": scenario.no_deal,
        "fixed": json.dumps(dict(experiment.fixed)),
        "timings": json.dumps(dict(timings)),
        "Conventions": "CF-1.8",
    }
    return xr.Dataset(variables, coords=coords, attrs=attrs)
