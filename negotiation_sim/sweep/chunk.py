"""One chunk of a sweep: the task a worker receives and the metrics it computes.

The flattened grid (C order over the axes, then the sampled rows of a sampled design) is cut
into chunks of ``chunk_size`` points (:func:`tasks`). A chunk is one task (:class:`ChunkTask`, picklable: the validated scenario
travels with it): every requested metric of every format at its points, computed in one
vectorised pass per format (:func:`~negotiation_sim.sweep.measure.measure`) and returned as
named arrays (:func:`compute_chunk`), the same whichever process or machine runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..game import DEFAULT_TOL, FloatArray, Game
from ..scenario import Scenario
from ..scenario.expressions import Expression
from .dataset import PER_FORMAT, chunk_layout, variables
from .dynamics_data import dynamics_arrays, dynamics_layout
from .dynamics_spec import DynamicsSpec
from .measure import measure
from .measure_qre import measure_qre
from .measure_signalling import measure_signalling
from .measure_typed import measure_typed
from .qre_spec import qre_precision
from .sampling import Design
from .spec import Experiment

__all__ = ["ChunkTask", "check_values", "compute_chunk", "format_metrics", "tasks"]


@dataclass(frozen=True, eq=False)
class ChunkTask:
    """Everything a worker needs to compute one chunk (picklable).

    The validated scenario travels with it: a worker parses nothing again.
    """

    index: int
    start: int
    stop: int
    scenario: Scenario
    axes: tuple[tuple[str, FloatArray], ...]
    fixed: tuple[tuple[str, float], ...]
    formats: tuple[str, ...]
    metrics: tuple[str, ...]
    solver: str
    tol: float
    design: Design
    seed: int
    #: A dynamics experiment's ``[dynamics]`` (its chunks simulate ceasefires), and the
    #: experiment file it is located in.
    dynamics: DynamicsSpec | None = None
    source: str = ""
    #: The equilibrium selection rule (:mod:`negotiation_sim.analysis.selection`).
    selection: str = "welfare"
    #: ``[experiment] qre_lambda``, when the QRE metrics are asked for.
    qre_lambda: Expression | None = None

    @property
    def layout(self) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
        """The chunk's arrays: name -> (shape, dtype)."""
        n_actors, points = len(self.scenario.actors), self.stop - self.start
        if self.dynamics is not None:
            return dynamics_layout(self.dynamics, n_actors, points)
        outcomes = len(self.scenario.outcomes)
        return chunk_layout(self.metrics, len(self.formats), n_actors, points, outcomes)


def compute_chunk(task: ChunkTask) -> dict[str, NDArray[Any]]:
    """One chunk's metrics as named arrays (see :attr:`ChunkTask.layout`).

    Examples
    --------
    >>> from negotiation_sim.sweep.spec import load_experiment
    >>> spec = load_experiment("experiments/trust_verification.toml")
    >>> task = tasks(spec)[0]
    >>> arrays = compute_chunk(task)
    >>> arrays["outcome"].shape, arrays["payoff"].shape, arrays["zero_sum_share"].shape
    ((2, 2000), (2, 2000, 4), (2000,))
    >>> {name: (a.shape, a.dtype) for name, a in arrays.items()} == task.layout
    True
    """
    scenario = task.scenario
    values = scenario.values({**dict(task.fixed), **_points(task)})
    if task.dynamics is not None:
        return dynamics_arrays(
            task.dynamics,
            scenario,
            values,
            source=task.source,
            seed=task.seed,
            first_point=task.start,
        )
    zero_sum = "zero_sum_share" in task.metrics
    # The zero-sum share needs every actor's payoff at every profile: build that table once
    # and let every format read its game off it.
    full = scenario.full_payoffs(values) if zero_sum else None
    per_format = [format_metrics(task, name, values, full) for name in task.formats]
    arrays = {
        name: np.stack([f[name] for f in per_format])
        for name in variables(task.metrics)
        if name in PER_FORMAT
    }
    if full is not None:
        from ..analysis.zero_sum import zero_sum_shares

        n = len(scenario.actors)
        m = task.stop - task.start
        # Games first and contiguous: each game's payoffs are then summed in one order, whatever
        # the chunk's size, so the shares do not change in the last bit with the chunking.
        full = np.ascontiguousarray(np.broadcast_to(full, (m, *full.shape[full.ndim - n - 1 :])))
        raw, strategic = zero_sum_shares(full, n_actors=n, tol=task.tol)
        arrays["zero_sum_share"], arrays["strategic_zero_sum_share"] = raw, strategic
    return arrays


def check_values(task: ChunkTask) -> None:
    """Raise now what the chunk's parameter values alone would stop it with later: a dynamics
    model not valid at some point (a whole number that is not one, a probability outside [0,
    1]), a QRE precision below 0. Nothing is solved or simulated: cheap enough to run on every
    chunk before the first is computed.

    Raises
    ------
    ScenarioError
        Located in the experiment file, naming the parameter values.
    """
    if task.dynamics is None and task.qre_lambda is None:
        return
    values = task.scenario.values({**dict(task.fixed), **_points(task)})
    if task.dynamics is not None:
        from .dynamics_spec import evaluate_dynamics

        evaluate_dynamics(task.dynamics, task.scenario, values, task.source)
    if task.qre_lambda is not None:
        qre_precision(task.qre_lambda, values, task.stop - task.start, task.source)


def _points(task: ChunkTask) -> dict[str, FloatArray]:
    """Every swept and sampled parameter's value at the chunk's points.

    Point ``i`` is grid point ``i // rows`` and sampled row ``i % rows``; the rows a chunk
    needs are computed from (design, seed, rows) alone, so any chunking gives the same values,
    and only those rows are computed (a chunk costs its own size, not the design's).
    """
    grid = np.arange(task.start, task.stop) // task.design.rows
    shape = tuple(values.size for _, values in task.axes)
    index = np.unravel_index(grid, shape) if shape else ()  # no axes: one grid point
    points = {name: values[i] for (name, values), i in zip(task.axes, index, strict=True)}
    if task.design.sampled:
        # A chunk's rows run on from one grid point to the next: fetch only those rows.
        count = task.stop - task.start
        inputs = task.design.cycle(seed=task.seed, first=task.start, count=count)
        points.update(zip(task.design.names, inputs.T, strict=True))
    return points


def format_metrics(
    task: ChunkTask, name: str, values: dict[str, FloatArray], full: FloatArray | None
) -> dict[str, NDArray[Any]]:
    """One format's metrics at the chunk's points (logit fills the points without a pure
    equilibrium when the solver says so): the per-point measure every sweep uses, and
    :mod:`negotiation_sim.sensitivity`'s tornado too, so both read the same metric."""
    scenario = task.scenario
    format = name if name in scenario.formats else None  # "all": a scenario without formats
    if scenario.format(format).signalling:
        view = measure_signalling(scenario, values, format, tol=task.tol)
    elif scenario.types:
        view = measure_typed(scenario, values, format, tol=task.tol)
    else:
        view = measure(scenario, values, format, full=full, tol=task.tol, selection=task.selection)
    found = view.outcome >= 0
    deal_outcome = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    deal_probability = (
        np.where(found, deal_outcome[np.maximum(view.outcome, 0)], np.nan)
        if view.deal_probability is None
        else view.deal_probability.copy()
    )
    payoffs, surplus = view.payoffs, view.surplus
    shares = view.outcome_probability
    if shares is None:  # a pure equilibrium reaches its outcome for sure
        count = len(scenario.outcome_ids)
        shares = np.where(found[:, None], np.eye(count)[np.maximum(view.outcome, 0)], np.nan)
    if task.solver == "pure+logit" and not found.all():
        where = np.flatnonzero(~found)
        at = {k: v[where] if np.ndim(v) else v for k, v in values.items()}
        at_shares, expected = _logit_points(scenario, format, at)
        payoffs, surplus, shares = payoffs.copy(), surplus.copy(), shares.copy()
        deal_probability[where] = at_shares[:, deal_outcome].sum(axis=1)
        shares[where] = at_shares
        payoffs[where] = expected
        surplus[where] = expected - scenario.no_deal_point(at).T
    return {
        **_qre_metrics(task, format, values, full),
        "equilibrium_set": view.equilibrium_set,
        "outcome": view.outcome.astype(np.int32),
        "deal_is_equilibrium": view.deal_is_equilibrium,
        "no_deal_is_equilibrium": view.no_deal_is_equilibrium,
        "n_equilibria": view.n_equilibria.astype(np.int32),
        "deal_probability": deal_probability,
        "welfare": payoffs.sum(axis=-1),
        "payoff": payoffs,
        "surplus": surplus,
        "outcome_probability": shares,
    }


def _qre_metrics(
    task: ChunkTask, format: str | None, values: dict[str, FloatArray], full: FloatArray | None
) -> dict[str, NDArray[Any]]:
    """The logit QRE metrics at ``qre_lambda``, when asked for (:mod:`.measure_qre`)."""
    if task.qre_lambda is None:
        return {}
    size = task.stop - task.start
    lam = qre_precision(task.qre_lambda, values, size, task.source)
    view = measure_qre(task.scenario, values, format, lam, full=full, tol=task.tol)
    return {
        "qre_deal_probability": view.deal_probability,
        "qre_outcome_probability": view.outcome_probability,
    }


def _logit_points(
    scenario: Scenario, format: str | None, values: dict[str, FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """Each outcome's probability and everyone's expected payoffs under the logit equilibrium,
    point by point: shapes (m, outcomes) and (m, actors)."""
    from ..solvers import solve

    payoffs, outcomes, everyone = scenario.resolve(format, values)
    m = payoffs.shape[-1]
    shares = np.zeros((m, len(scenario.outcome_ids)))
    expected = np.empty((m, everyone.shape[0]))
    for j in range(m):
        result = solve(Game(payoffs[..., j]), method="logit")
        joint = result.equilibria[0].strategies[0]
        for strategy in result.equilibria[0].strategies[1:]:
            joint = np.multiply.outer(joint, strategy)
        reached = outcomes[..., j if outcomes.shape[-1] > 1 else 0]
        np.add.at(shares[j], reached.ravel(), joint.ravel())
        expected[j] = np.tensordot(everyone[..., j], joint, axes=joint.ndim)
    return shares, expected


def tasks(experiment: Experiment, *, tol: float = DEFAULT_TOL) -> list[ChunkTask]:
    """The experiment's chunks, in order."""
    size = experiment.chunk_size
    n = experiment.n_points
    return [
        ChunkTask(
            index=k,
            start=start,
            stop=min(start + size, n),
            scenario=experiment.scenario,
            axes=tuple((axis.name, axis.values) for axis in experiment.axes),
            fixed=tuple(experiment.fixed.items()),
            formats=experiment.formats,
            metrics=experiment.metrics,
            solver=experiment.solver,
            tol=tol,
            design=experiment.design,
            seed=experiment.seed,
            dynamics=experiment.dynamics,
            source=experiment.source,
            selection=experiment.selection,
            qre_lambda=experiment.qre_lambda,
        )
        for k, start in enumerate(range(0, n, size))
    ]
