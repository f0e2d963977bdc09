"""A sweep's results as a labelled xarray Dataset (saved as netCDF).

Layout (``docs/experiment-format.md`` has the full description):

* dimensions: ``format``, then one per swept parameter (coordinates = the grid
  values), then ``actor``;
* ``equilibrium_set`` (int): which outcomes are pure equilibria, with CF
  ``flag_values``/``flag_meanings`` (0 deal only, 1 deal and no deal, 2 no deal only, 3 no
  pure equilibrium);
* ``outcome`` (int): the selected pure equilibrium's outcome, with CF
  ``flag_values``/``flag_meanings`` (``-1`` = ``none``: no pure equilibrium, or none selected
  by the rule); its ``selection`` attribute (and the dataset's) names the rule;
* ``deal_is_equilibrium``, ``no_deal_is_equilibrium`` (bool),
  ``n_equilibria`` (int), ``deal_probability``, ``welfare`` (float);
* ``payoff``, ``surplus`` (per actor);
* ``zero_sum_share``, ``strategic_zero_sum_share`` (no format dimension: a
  property of the whole game at that point);
* ``frontier_<id>``: each analytic frontier's threshold (values of its ``y``
  axis) over its ``x`` axis and the other sweep axes (sampled parameters at their defaults);
* a sampled design adds a ``sample`` dimension after the axes, the sampled values as
  ``input_<parameter>`` (``sample``), and the probabilities and quantiles over it
  (:mod:`.summary`: ``p_deal``, ``p_no_deal_only`` with Wilson intervals, ``welfare_*``,
  ``surplus_*`` over a ``quantile`` dimension);
* attributes: the experiment and scenario files as written, package version,
  seed, solver, fixed parameters and timings (JSON text).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._checking import join, shorten
from ..analysis.selection import EQUILIBRIUM_SETS, rule_phrase
from ..errors import GameError, Problem, ScenarioError
from ..game import FloatArray
from .dynamics_data import dynamics_coordinates, dynamics_layout, dynamics_variables
from .frontiers import FrontierSpec, threshold
from .labels import descriptions
from .spec import ACTOR_METRICS, OUTCOME_METRICS, SCALAR_METRICS, Experiment
from .summary import CONFIDENCE, summarise

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "DTYPES",
    "PER_FORMAT",
    "check_writable",
    "chunk_layout",
    "frontier_values",
    "to_dataset",
    "variables",
]

#: The variables a sweep computes, in the dataset's order, with their dtypes.
DTYPES: dict[str, type[np.generic]] = {
    "equilibrium_set": np.int8,
    "outcome": np.int32,
    "deal_is_equilibrium": np.bool_,
    "no_deal_is_equilibrium": np.bool_,
    "n_equilibria": np.int32,
    "deal_probability": np.float64,
    "welfare": np.float64,
    "payoff": np.float64,
    "surplus": np.float64,
    "outcome_probability": np.float64,
    "qre_deal_probability": np.float64,
    "qre_outcome_probability": np.float64,
    "zero_sum_share": np.float64,
    "strategic_zero_sum_share": np.float64,
}
#: The variables with a format axis: ``(formats, points)``, or ``(formats, points, actors)``
#: for the actor metrics. The others (the zero-sum shares) are ``(points,)``.
PER_FORMAT: tuple[str, ...] = (*SCALAR_METRICS, *ACTOR_METRICS, *OUTCOME_METRICS)
#: The variables that depend on the selection rule (they carry a ``selection`` attribute).
SELECTED: tuple[str, ...] = (
    "outcome",
    "deal_probability",
    "welfare",
    "payoff",
    "surplus",
    "outcome_probability",
)


def variables(metrics: tuple[str, ...]) -> tuple[str, ...]:
    """The variables recording ``metrics``, in the dataset's order.

    >>> variables(("welfare", "zero_sum_share", "outcome"))
    ('outcome', 'welfare', 'zero_sum_share', 'strategic_zero_sum_share')
    """
    wanted = {*metrics, *(("strategic_zero_sum_share",) if "zero_sum_share" in metrics else ())}
    return tuple(name for name in DTYPES if name in wanted)


def chunk_layout(
    metrics: tuple[str, ...], formats: int, actors: int, points: int, outcomes: int = 0
) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
    """The arrays recording ``metrics`` at ``points`` grid points: name -> (shape, dtype).

    >>> layout = chunk_layout(("outcome", "payoff", "zero_sum_share"), 2, 4, 10)
    >>> {name: shape for name, (shape, _) in layout.items()}
    {'outcome': (2, 10), 'payoff': (2, 10, 4), 'zero_sum_share': (10,), 'strategic_zero_sum_share': (10,)}
    """
    per_actor = {name: (points, actors) for name in ACTOR_METRICS}
    per_actor.update({name: (points, outcomes) for name in OUTCOME_METRICS})
    return {
        name: (
            (formats, *per_actor.get(name, (points,))) if name in PER_FORMAT else (points,),
            np.dtype(DTYPES[name]),
        )
        for name in variables(metrics)
    }


def frontier_values(
    experiment: Experiment, frontier: FrontierSpec
) -> tuple[tuple[str, ...], FloatArray]:
    """A frontier's threshold over its x axis and the sweep axes other than x and y.

    Returns the dimension names and the values (``inf`` where no threshold exists).

    Raises
    ------
    ScenarioError
        Located at the frontier's coefficients in the experiment file: a coefficient that is
        not finite somewhere on the grid, or values outside the model's conditions.
    """
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
    where = join("frontiers", _position(experiment, frontier))
    _check_coefficients(experiment, frontier, values, dims, join(where, "coefficients"))
    try:
        y = threshold(frontier, values, x)
    except GameError as error:
        raise ScenarioError(
            experiment.source,
            [
                Problem(
                    join(where, "coefficients"), f"{error} (the index runs over {', '.join(dims)})"
                )
            ],
        ) from None
    full = tuple(axes[name].size for name in dims)
    return dims, np.broadcast_to(np.asarray(y, dtype=np.float64), full).copy()


#: The most bytes one variable of a netCDF3 file (64-bit offset, scipy's writer) can hold.
NETCDF3_VARIABLE_BYTES = 2**32 - 4
#: Where in an experiment file the attributes of its results come from.
_ATTRIBUTE_SOURCES = {
    "title": "experiment.title",
    "description": "experiment.description",
    "seed": "experiment.seed",
    "solver": "experiment.solver",
    "selection": "experiment.selection",
    "fixed": "fixed",
}


def check_writable(experiment: Experiment) -> None:
    """Raise now what would stop the results from being written once the whole grid is done.

    Every frontier is evaluated over its whole grid, each variable's size is checked against
    what a netCDF3 file holds, and a one-point version of the results (the real attributes,
    coordinates and types) is written to memory.

    Raises
    ------
    ScenarioError
        Located in the experiment file (``frontiers[0].coefficients.R``, ``experiment.seed``,
        ``axes``).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from negotiation_sim.sweep import load_experiment
    >>> spec = load_experiment("experiments/trust_verification.toml")
    >>> check_writable(spec)
    >>> check_writable(replace(spec, seed=2**31))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: experiments/trust_verification.toml: experiment.seed: the results cannot store 2147483648 as 'seed': a netCDF3 file stores whole numbers from -2147483648 to 2147483647
    """
    for frontier in experiment.frontiers:
        frontier_values(experiment, frontier)
    layout = _layout(experiment, experiment.n_points)
    for name, (shape, dtype) in layout.items():
        size = math.prod(shape) * dtype.itemsize
        if size > NETCDF3_VARIABLE_BYTES:
            raise ScenarioError(
                experiment.source,
                [
                    Problem(
                        "axes",
                        f"{experiment.n_points:,} points make the variable {name!r} of the "
                        f"results {size / 2**30:.1f} GiB, more than a netCDF3 file holds in one "
                        "variable (4 GiB): use fewer points, formats or metrics",
                    )
                ],
            )
    one = replace(
        experiment, axes=tuple(replace(axis, values=axis.values[:1]) for axis in experiment.axes)
    )
    if one.design.sampled:  # the smallest design of the same kind and columns
        one = replace(one, design=replace(one.design, samples=1))
    data = {
        name: np.zeros(shape, dtype) for name, (shape, dtype) in _layout(one, one.n_points).items()
    }
    sample = to_dataset(one, data, {"wall_seconds": 0.0, "chunks": 1, "executor": "in-process"})
    try:
        sample.to_netcdf(engine="scipy")
    except _UNWRITABLE as exc:
        raise _unwritable(experiment, sample, exc) from None


def _layout(
    experiment: Experiment, points: int
) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
    """The arrays of ``points`` points of the experiment's results: name -> (shape, dtype)."""
    n_actors = len(experiment.scenario.actors)
    if experiment.dynamics is not None:
        return dynamics_layout(experiment.dynamics, n_actors, points)
    n_formats, n_outcomes = len(experiment.formats), len(experiment.scenario.outcomes)
    return chunk_layout(experiment.metrics, n_formats, n_actors, points, n_outcomes)


_UNWRITABLE = (ValueError, TypeError, OverflowError, UnicodeError)


def _unwritable(experiment: Experiment, sample: xr.Dataset, exc: Exception) -> ScenarioError:
    """The located error of results that netCDF3 cannot store: which attribute or variable."""
    import xarray as xr

    def fails(part: xr.Dataset) -> str | None:
        try:
            part.to_netcdf(engine="scipy")
        except _UNWRITABLE as found:
            return str(found).split(". ")[0]
        return None

    for key, value in sample.attrs.items():
        reason = fails(xr.Dataset(attrs={key: value}))
        if reason is None:
            continue
        if isinstance(value, int):  # the usual case: netCDF3 has no 64-bit integers
            reason = f"a netCDF3 file stores whole numbers from {-(2**31)} to {2**31 - 1}"
        message = f"the results cannot store {shorten(str(value))} as {key!r}: {reason}"
        return ScenarioError(experiment.source, [Problem(_ATTRIBUTE_SOURCES.get(key, ""), message)])
    places = {
        f"frontier_{f.id}": join(join("frontiers", k), "id")
        for k, f in enumerate(experiment.frontiers)
    }
    places.update({axis.name: join("axes", axis.name) for axis in experiment.axes})
    for name, variable in sample.variables.items():
        reason = fails(xr.Dataset({str(name): variable}))
        if reason:
            where = places.get(str(name), "")
            return ScenarioError(
                experiment.source,
                [Problem(where, f"the results cannot store the variable {str(name)!r}: {reason}")],
            )
    return ScenarioError(
        experiment.source, [Problem("", f"the results cannot be written as netCDF3: {exc}")]
    )


def _position(experiment: Experiment, frontier: FrontierSpec) -> int:
    return next(k for k, f in enumerate(experiment.frontiers) if f is frontier)


def _check_coefficients(
    experiment: Experiment,
    frontier: FrontierSpec,
    values: Mapping[str, FloatArray],
    dims: tuple[str, ...],
    location: str,
) -> None:
    """Every coefficient finite over the frontier's whole grid, or the first point where not."""
    axes = {axis.name: axis.values for axis in experiment.axes}
    problems = []
    for name, expression in frontier.coefficients.items():
        c = np.asarray(expression.evaluate(values), dtype=np.float64)
        bad = np.argwhere(~np.isfinite(c))
        if not bad.size:
            continue
        at = tuple(bad[0])
        # c broadcasts against the frontier grid (dims): the axes it varies along are those
        # of length > 1, aligned from the right.
        index = (0,) * (len(dims) - c.ndim) + at
        point = ", ".join(
            f"{dim} = {axes[dim][i]:g}"
            for dim, i, n in zip(dims, index, (1,) * (len(dims) - c.ndim) + c.shape, strict=True)
            if n > 1
        )
        problems.append(
            Problem(
                join(location, name),
                f"{expression.text!r} is {c[at]} at {point or 'the fixed values'}: "
                "a frontier's coefficients must be finite on the whole grid",
            )
        )
    if problems:
        raise ScenarioError(experiment.source, problems)


def to_dataset(
    experiment: Experiment,
    data: Mapping[str, NDArray[Any]],
    timings: Mapping[str, Any],
    *,
    inputs: FloatArray | None = None,
) -> xr.Dataset:
    """Label a sweep's named arrays, points flattened in C order over the axes.

    ``data`` holds the dataset's variables: ``(formats, points)`` or
    ``(formats, points, actors)`` for the per-format metrics, ``(points,)`` for the
    zero-sum shares (what :func:`~negotiation_sim.sweep.run.compute_chunk` computes,
    for the whole grid). ``inputs``: a sampled design's rows ``(rows, d)`` as the chunks drew
    them (drawn from the seed when omitted).
    """
    import xarray as xr

    scenario = experiment.scenario
    design = experiment.design
    grid = (*experiment.shape, *((design.rows,) if design.sampled else ()))
    axis_dims = (*(axis.name for axis in experiment.axes), *(("sample",) if design.sampled else ()))
    dims = ("format", *axis_dims)
    long_names = {} if experiment.dynamics is not None else descriptions(experiment)
    variables: dict[str, Any] = {}
    if experiment.dynamics is not None:
        variables.update(dynamics_variables(experiment, data, grid, axis_dims))
    for name in (name for name in DTYPES if name in data and experiment.dynamics is None):
        array = data[name]
        if array.ndim == 1:  # a property of the whole game: no format axis
            variables[name] = xr.Variable(
                axis_dims, array.reshape(grid), {"long_name": long_names[name]}
            )
        else:
            shaped = array.reshape((array.shape[0], *grid, *array.shape[2:]))
            variables[name] = xr.Variable(
                dims
                + (
                    (("outcome_id",) if name in OUTCOME_METRICS else ("actor",))
                    if array.ndim == 3
                    else ()
                ),
                shaped,
                {"long_name": long_names[name]},
            )
    if "equilibrium_set" in variables:
        variables["equilibrium_set"].attrs.update(
            {
                "flag_values": np.arange(len(EQUILIBRIUM_SETS), dtype=np.int8),
                "flag_meanings": " ".join(EQUILIBRIUM_SETS),
            }
        )
    for name in SELECTED:
        if name in variables:
            variables[name].attrs["selection"] = experiment.selection
    if "outcome" in variables:
        outcome_ids = scenario.outcome_ids
        variables["outcome"].attrs.update(
            {
                "flag_values": np.arange(-1, len(outcome_ids), dtype=np.int32),
                "flag_meanings": " ".join(("none", *outcome_ids)),
                "outcome_labels": json.dumps([scenario.outcomes[o].label for o in outcome_ids]),
                "deal_flags": np.array(
                    [scenario.outcomes[o].is_deal for o in outcome_ids], dtype=np.int32
                ),
            }
        )
    for frontier in experiment.frontiers:
        variables[f"frontier_{frontier.id}"] = _frontier_variable(experiment, frontier)
    if design.sampled:
        variables.update(_inputs(experiment, inputs))
    dataset = xr.Dataset(
        variables, coords=_coordinates(experiment), attrs=_attributes(experiment, timings)
    )
    if not design.sampled or experiment.dynamics is not None:
        return dataset
    return summarise(dataset, reduced_rows=design.reduced_rows)


def _inputs(experiment: Experiment, values: FloatArray | None) -> dict[str, xr.Variable]:
    """The sampled parameters' values, ``input_<name>`` over ``sample`` (``values``, or
    recomputed from the seed: the same rows every chunk used)."""
    import xarray as xr

    design = experiment.design
    if values is None:
        # Block by block (rows are a pure function of the seed): the transient arrays of the
        # inverse CDFs stay the size of a chunk, not of the design.
        values = np.empty((design.rows, len(design.names)))
        for start in range(0, design.rows, experiment.chunk_size):
            stop = min(start + experiment.chunk_size, design.rows)
            values[start:stop] = design.inputs(seed=experiment.seed, start=start, stop=stop)
    parameters = experiment.scenario.parameters
    return {
        f"input_{name}": xr.Variable(
            ("sample",),
            values[:, j],
            {
                "long_name": f"sampled {name}",
                "description": parameters[name].description,
                "prior": str(prior),
            },
        )
        for j, (name, prior) in enumerate(zip(design.names, design.priors, strict=True))
    }


def _frontier_variable(experiment: Experiment, frontier: FrontierSpec) -> xr.Variable:
    import xarray as xr

    frontier_dims, values = frontier_values(experiment, frontier)
    return xr.Variable(
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


def _coordinates(experiment: Experiment) -> dict[str, Any]:
    import xarray as xr

    scenario = experiment.scenario
    coords: dict[str, Any] = {"format": list(experiment.formats), "actor": list(scenario.actor_ids)}
    if experiment.dynamics is not None:  # ceasefires simulated: no formats
        coords = {"actor": list(scenario.actor_ids), **dynamics_coordinates(experiment)}
    if any(m in experiment.metrics for m in OUTCOME_METRICS):
        coords["outcome_id"] = list(scenario.outcome_ids)
    for axis in experiment.axes:
        description = scenario.parameters[axis.name].description
        coords[axis.name] = xr.Variable(
            axis.name, np.asarray(axis.values), {"long_name": axis.name, "description": description}
        )
    if experiment.design.sampled:
        coords["sample"] = np.arange(experiment.design.rows, dtype=np.int32)
    return coords


def _attributes(experiment: Experiment, timings: Mapping[str, Any]) -> dict[str, Any]:
    from .. import __version__

    return {
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
        "selection": experiment.selection,
        "selection_rule": rule_phrase(experiment.selection),
        "no_deal": experiment.scenario.no_deal,
        "fixed": json.dumps(dict(experiment.fixed)),
        "timings": json.dumps(dict(timings)),
        "Conventions": "CF-1.8",
        **_design_attributes(experiment),
    }


def _design_attributes(experiment: Experiment) -> dict[str, Any]:
    """How the rows of ``sample`` were drawn (nothing for a grid)."""
    design = experiment.design
    if not design.sampled:
        return {}
    layout = (
        f"rows [0, N) are A, [N, 2N) are B, [(2 + i) N, (3 + i) N) are A with column i "
        f"from B, N = {design.samples}, columns in the order of 'sampled'"
        if design.kind == "saltelli"
        else "independent rows of one design"
    )
    return {
        "design": design.kind,
        "samples": design.samples,
        "reduced_rows": design.reduced_rows,
        "sampled": json.dumps(list(design.names)),
        "priors": json.dumps({n: str(p) for n, p in zip(design.names, design.priors, strict=True)}),
        "sample_layout": layout,
        "confidence": CONFIDENCE,
    }
