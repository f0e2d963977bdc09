"""The metrics a sensitivity analysis decomposes: checked, and read from a run or a batch.

:func:`check_target` checks a metric, actor and format against an experiment;
:func:`metric_values` reads the metric off a sweep's dataset, :func:`measured` computes it at
given input rows in one batched pass of the sweep's own per-format metrics (the sweep package
is imported inside the functions: importing this package stays light).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from negotiation_sim._checking import suggest
from negotiation_sim.errors import InputError

if TYPE_CHECKING:
    import xarray as xr

    from negotiation_sim.sweep.spec import Experiment

__all__ = [
    "BOOLEAN_METRICS",
    "SENSITIVITY_METRICS",
    "Target",
    "check_target",
    "measured",
    "metric_values",
]

Floats = NDArray[np.float64]

#: Metrics with one number per draw that Sobol' indices can decompose.
SENSITIVITY_METRICS: tuple[str, ...] = (
    "deal_is_equilibrium",
    "no_deal_is_equilibrium",
    "deal_probability",
    "welfare",
    "surplus",
    "payoff",
)
#: Yes/no metrics: PRIM looks for boxes where they hold.
BOOLEAN_METRICS: tuple[str, ...] = ("deal_is_equilibrium", "no_deal_is_equilibrium")
_ACTOR_METRICS = ("surplus", "payoff")


class Target(NamedTuple):
    """The checked metric, actor and format."""

    metric: str
    actor: str | None
    format: str

    @property
    def label(self) -> str:
        return f"{self.metric}[{self.actor}]" if self.actor else self.metric


def check_target(
    experiment: Experiment, metric: str, actor: str | None, format: str | None
) -> Target:
    """The metric, actor and format, checked against the experiment."""
    source = experiment.source
    if experiment.dynamics is not None:
        raise InputError.at(
            source,
            "dynamics",
            "a sensitivity analysis ranks what decides an equilibrium metric, and this is a "
            "dynamics experiment (it simulates ceasefires): draw its parameters with a "
            "[design] instead, and read the results over the samples",
        )
    if metric not in SENSITIVITY_METRICS:
        raise InputError.at(
            source,
            "metric",
            f"unknown metric {metric!r}{suggest(str(metric), SENSITIVITY_METRICS, listing=True)}",
        )
    actors = experiment.scenario.actor_ids
    if metric in _ACTOR_METRICS:
        if actor is None:
            raise InputError.at(
                source, "actor", f"{metric} is per actor: name one of {', '.join(actors)}"
            )
        if actor not in actors:
            raise InputError.at(
                source, "actor", f"unknown actor {actor!r}{suggest(actor, actors, listing=True)}"
            )
    elif actor is not None:
        raise InputError.at(source, "actor", f"{metric} is not per actor: drop the actor")
    formats = experiment.formats
    chosen = formats[0] if format is None else format
    if chosen not in formats:
        raise InputError.at(
            source,
            "format",
            f"the experiment measures no format {chosen!r}{suggest(chosen, formats, listing=True)}",
        )
    return Target(metric, actor, chosen)


def metric_values(dataset: xr.Dataset, target: Target) -> Floats:
    """The metric on every row of the design, as floats (NaN where undefined)."""
    array = dataset[target.metric].sel(format=target.format)
    if target.actor is not None:
        array = array.sel(actor=target.actor)
    return np.asarray(array.values, dtype=np.float64).reshape(-1)


def measured(
    experiment: Experiment, target: Target, rows: Floats, names: tuple[str, ...], tol: float
) -> Floats:
    """The metric at the given input rows (other parameters at the baseline), one pass.

    The values are the sweep's own (:mod:`negotiation_sim.sweep.chunk`): the same equilibria
    (pure Nash; pure Bayes-Nash for a scenario with actor types; perfect Bayesian in a
    signalling format), the experiment's format, selection rule and solver (``pure+logit``
    fills the points without a pure equilibrium), so a tornado reads what the Sobol' run read.
    """
    from negotiation_sim.sweep.chunk import format_metrics, tasks

    scenario = experiment.scenario
    points: Mapping[str, Any] = {**experiment.fixed, **dict(zip(names, rows.T, strict=True))}
    values = scenario.values(points)
    # The chunk task carries the experiment's solver, selection and tolerance; the QRE metrics
    # are not analysed here, so they are not computed.
    task = replace(tasks(experiment, tol=tol)[0], qre_lambda=None)
    metrics = format_metrics(task, target.format, values, None)
    array = np.asarray(metrics[target.metric], dtype=np.float64)
    if target.actor is not None:
        array = array[..., scenario.actor_ids.index(target.actor)]
    return np.broadcast_to(array, (rows.shape[0],)).copy()
