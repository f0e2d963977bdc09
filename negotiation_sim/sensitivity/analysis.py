"""Global sensitivity of an experiment: Sobol' indices, a tornado and PRIM from one Saltelli run.

:func:`sensitivity_experiment` turns an experiment into a Saltelli design over every parameter
that has a prior and is not fixed (its swept axes too, drawn from their priors);
:func:`sobol` runs it through the sweep runner (chunked, checkpointed, resumable, any executor),
estimates first-order and total indices with bootstrap intervals (:mod:`.indices`), adds a
one-at-a-time analysis over each prior's 5-95% range (:mod:`.tornado`) and, for a yes/no metric,
PRIM boxes on the independent rows (:mod:`.prim`). :func:`describe` prints the result.

The sweep package is imported inside the functions, so that ``import negotiation_sim.sensitivity``
stays light (the runner brings xarray).
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from negotiation_sim.errors import InputError
from negotiation_sim.game import DEFAULT_TOL
from negotiation_sim.sensitivity._describe import describe
from negotiation_sim.sensitivity._metrics import (
    BOOLEAN_METRICS,
    SENSITIVITY_METRICS,
    Target,
    check_target,
    measured,
    metric_values,
)
from negotiation_sim.sensitivity.indices import SobolResult, sobol_indices
from negotiation_sim.sensitivity.prim import PrimResult, prim
from negotiation_sim.sensitivity.tornado import TornadoResult, tornado

if TYPE_CHECKING:
    import xarray as xr

    from negotiation_sim.sweep.spec import Experiment

__all__ = [
    "DEFAULT_SAMPLES",
    "SENSITIVITY_METRICS",
    "Sensitivity",
    "describe",
    "sensitivity_experiment",
    "sobol",
]

Floats = NDArray[np.float64]

#: The base size N of the Saltelli design when neither the call nor the experiment gives one.
DEFAULT_SAMPLES = 2**12
#: The largest N accepted (the sampled designs' limit).
MAX_SAMPLES = 2**24
#: The prior quantiles a tornado moves each input to.
TORNADO_QUANTILES = (0.05, 0.95)


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """What decides a metric of an experiment, over the priors of its uncertain parameters.

    Attributes
    ----------
    metric : str
        The metric's label (``surplus[ukraine]`` for an actor's).
    format : str
        The format measured.
    names : tuple of str
        The sampled parameters, in the columns' order of every array below.
    samples : int
        N, the Saltelli base size (the design ran ``N (d + 2)`` points).
    sobol : SobolResult
        First-order and total indices with bootstrap intervals.
    tornado : TornadoResult or None
        Each parameter alone at its prior's 5% and 95% quantiles, the others at the baseline
        (the experiment's fixed values and the scenario's defaults); None where the metric is
        undefined at one of those points (no pure equilibrium), see ``tornado_note``.
    prim : PrimResult or None
        PRIM boxes where a yes/no metric holds, on the independent rows (A and B); None for
        other metrics. Its columns follow ``names``.
    share : float or None
        The share of independent rows where a yes/no metric holds.
    dropped : int
        Base rows left out because the metric was undefined (NaN) in one of their runs.
    tornado_note : str
        Why there is no tornado (empty when there is one).
    """

    metric: str
    format: str
    names: tuple[str, ...]
    samples: int
    sobol: SobolResult
    tornado: TornadoResult | None
    prim: PrimResult | None
    share: float | None
    dropped: int
    tornado_note: str = ""


def sensitivity_experiment(experiment: Experiment, *, samples: int | None = None) -> Experiment:
    """``experiment`` as a Saltelli design over every uncertain parameter, without axes.

    Every parameter with a prior (:attr:`Experiment.priors`) that the experiment does not fix
    is sampled, its swept axes included. The text gains a comment naming the design, so the
    derived experiment's fingerprint differs and its checkpoints never mix with the original's.

    Parameters
    ----------
    experiment : Experiment
    samples : int, optional
        The base size N, a power of two >= 2; default: the experiment's own Saltelli ``samples``,
        else :data:`DEFAULT_SAMPLES`.

    Raises
    ------
    InputError
        Located at ``samples`` (not a power of two, out of range), or at ``priors`` when no
        parameter that is not fixed has a prior.

    Examples
    --------
    >>> from negotiation_sim.sweep import load_experiment
    >>> spec = load_experiment("experiments/trust_verification.toml")
    >>> derived = sensitivity_experiment(spec, samples=256)
    >>> derived.axes, derived.design.kind, derived.design.samples, derived.design.names[:3]
    ((), 'saltelli', 256, ('trust', 'verification', 'rho'))
    >>> derived.n_points == 256 * (len(derived.design.names) + 2)
    True
    >>> derived.fingerprint != spec.fingerprint
    True
    """
    from negotiation_sim.sweep.sampling import Design

    size = _samples(experiment, samples)
    names = tuple(
        name
        for name in experiment.scenario.parameters
        if name in experiment.priors and name not in experiment.fixed
    )
    if not names:
        raise InputError.at(
            experiment.source,
            "priors",
            "no parameter that is not fixed has a prior: nothing to sample (give priors in the "
            "scenario or in the experiment's [priors])",
        )
    design = Design("saltelli", size, names, tuple(experiment.priors[name] for name in names))
    note = (
        f"\n# negotiation-sim sensitivity: Saltelli design, N = {size}, seed "
        f"{experiment.seed}, sampled: {', '.join(names)}; no axes\n"
    )
    # Every metric sobol() analyses is recorded (cheap beside the solve), so one output
    # directory serves every metric, actor and format with ``resume``.
    return replace(
        experiment,
        text=experiment.text + note,
        axes=(),
        frontiers=(),
        design=design,
        metrics=SENSITIVITY_METRICS,
    )


def sobol(
    experiment: Experiment,
    *,
    metric: str = "deal_is_equilibrium",
    actor: str | None = None,
    format: str | None = None,
    samples: int | None = None,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    out: str | PathLike[str] | None = None,
    executor: Executor | None = None,
    workers: int = 1,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool | None = None,
    tol: float = DEFAULT_TOL,
) -> Sensitivity:
    """Sobol' indices of a metric over the priors of an experiment's uncertain parameters.

    The experiment is turned into a Saltelli design (:func:`sensitivity_experiment`) and run
    through :func:`~negotiation_sim.sweep.run_experiment`; the metric's values on the rows A,
    B and A_B^i give first-order (Saltelli 2010) and total (Jansen 1999) indices with bootstrap
    intervals. A tornado over each prior's 5-95% range and, for a yes/no metric, PRIM boxes
    come with them.

    Parameters
    ----------
    experiment : Experiment
    metric : str, optional
        One of :data:`SENSITIVITY_METRICS`; ``surplus`` and ``payoff`` need ``actor``.
    actor : str, optional
        The actor of ``surplus`` or ``payoff``.
    format : str, optional
        The format measured; default: the experiment's first.
    samples : int, optional
        N, a power of two (see :func:`sensitivity_experiment`).
    n_bootstrap, confidence : optional
        Bootstrap resamples and the intervals' two-sided level.
    out : path, optional
        Where the run is checkpointed (resumable with ``resume``); default: a temporary
        directory removed afterwards.
    executor, workers, resume, overwrite, progress, tol : optional
        As for :func:`~negotiation_sim.sweep.run_experiment`.

    Returns
    -------
    Sensitivity

    Raises
    ------
    InputError
        Located at the argument: an unknown metric, actor or format (with a did-you-mean), bad
        ``samples``; at ``metric``: a metric that is the same in every draw, or undefined (no
        pure equilibrium) in more than half of the base rows. Besides the runner's errors.

    Examples
    --------
    >>> from negotiation_sim.sweep import load_experiment
    >>> spec = load_experiment("experiments/trust_verification.toml")
    >>> result = sobol(spec, samples=64, n_bootstrap=100)
    >>> result.names[0], result.sobol.total.shape == (len(result.names),)
    ('trust', True)
    """
    target = check_target(experiment, metric, actor, format)
    derived = sensitivity_experiment(experiment, samples=samples)
    with ExitStack() as stack:
        if out is None:
            out = stack.enter_context(tempfile.TemporaryDirectory(prefix="negotiation-sim-"))
        from negotiation_sim.sweep.run import run_experiment

        dataset = run_experiment(
            derived,
            out,
            executor=executor,
            workers=workers,
            resume=resume,
            overwrite=overwrite,
            progress=progress,
            tol=tol,
        )
        values = metric_values(dataset, target)
        inputs = _inputs(dataset, derived.design.names, 2 * derived.design.samples)
    return _analyse(experiment, derived, target, values, inputs, n_bootstrap, confidence, tol)


def _analyse(
    experiment: Experiment,
    derived: Experiment,
    target: Target,
    values: Floats,
    inputs: Floats,
    n_bootstrap: int,
    confidence: float,
    tol: float,
) -> Sensitivity:
    """The indices, tornado and PRIM boxes from the metric's values on every row."""
    names, n = derived.design.names, derived.design.samples
    f_a, f_b, f_ab, dropped = _split(experiment, target, values, n, len(names))
    boolean = target.metric in BOOLEAN_METRICS
    independent = values[: 2 * n]
    indices = sobol_indices(
        f_a,
        f_b,
        f_ab,
        n_bootstrap=n_bootstrap,
        confidence=confidence,
        seed=experiment.seed,
        names=names,
    )
    moved, note = _tornado(experiment, names, target, tol)
    boxes = prim(inputs, independent > 0.5) if boolean else None
    return Sensitivity(
        metric=target.label,
        format=target.format,
        names=names,
        samples=n,
        sobol=indices,
        tornado=moved,
        prim=boxes,
        share=float(np.mean(independent > 0.5)) if boolean else None,
        dropped=dropped,
        tornado_note=note,
    )


def _samples(experiment: Experiment, samples: int | None) -> int:
    """N: given, the experiment's own Saltelli size, or the default; a power of two >= 2."""
    if samples is None:
        design = experiment.design
        return design.samples if design.kind == "saltelli" else DEFAULT_SAMPLES
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer):
        raise InputError.at(
            experiment.source, "samples", f"expected a whole number, got {samples!r}"
        )
    size = int(samples)
    if not 2 <= size <= MAX_SAMPLES:
        raise InputError.at(
            experiment.source, "samples", f"expected 2 to {MAX_SAMPLES:,} base rows, got {size}"
        )
    if size & (size - 1):
        below = 1 << (size.bit_length() - 1)
        raise InputError.at(
            experiment.source,
            "samples",
            f"a Saltelli design needs a power of two, got {size} (try {below} or {2 * below})",
        )
    return size


def _inputs(dataset: xr.Dataset, names: tuple[str, ...], rows: int) -> Floats:
    """The sampled inputs of the first ``rows`` rows (A and B), columns in ``names`` order."""
    return np.column_stack([dataset[f"input_{name}"].values[:rows] for name in names])


def _split(
    experiment: Experiment, target: Target, values: Floats, n: int, d: int
) -> tuple[Floats, Floats, Floats, int]:
    """f(A), f(B), f(A_B^i) over the base rows where all are defined, and how many were not.

    Raises the located error of a metric undefined in most base rows or constant over them.
    """
    f_a, f_b, f_ab = values[:n], values[n : 2 * n], values[2 * n :].reshape(d, n)
    kept = np.isfinite(f_a) & np.isfinite(f_b) & np.isfinite(f_ab).all(axis=0)
    dropped = int(n - kept.sum())
    where = f"{target.label} ({target.format})"
    if 2 * dropped > n:
        # A scenario with actor types is solved for pure Bayes-Nash equilibria only (its
        # experiments refuse the logit fallback): suggest only what it can do.
        typed = bool(experiment.scenario.types)
        kind = "pure Bayes-Nash equilibrium" if typed else "pure equilibrium"
        fallback = "" if typed else 'solver = "pure+logit" in [experiment], or '
        raise InputError.at(
            experiment.source,
            "metric",
            f"{where} is undefined (no {kind}) in {dropped} of {n} base rows: use "
            f"{fallback}a metric defined everywhere such as deal_is_equilibrium",
        )
    pooled = np.concatenate([f_a[kept], f_b[kept]])
    if np.all(pooled == pooled[0]):
        shown = f"{pooled[0]:g}"
        if target.metric in BOOLEAN_METRICS:
            shown = "true" if pooled[0] else "false"
        raise InputError.at(
            experiment.source,
            "metric",
            f"{where} is {shown} in every draw of the design: no input changes it, so there "
            "is no variance to attribute (choose another metric or format, or widen the priors)",
        )
    return f_a[kept], f_b[kept], f_ab[:, kept], dropped


def _tornado(
    experiment: Experiment, names: tuple[str, ...], target: Target, tol: float
) -> tuple[TornadoResult | None, str]:
    """Each input alone at its prior's 5% and 95% quantiles, in one batched ``measure`` call."""
    scenario = experiment.scenario
    baseline_values = {**scenario.defaults(), **experiment.fixed}
    baseline = np.array([baseline_values[name] for name in names], dtype=np.float64)
    ends = np.array(
        [experiment.priors[name].ppf(np.array(TORNADO_QUANTILES)) for name in names],
        dtype=np.float64,
    )
    undefined: list[str] = []

    def evaluate(rows: Floats) -> Floats:
        values = measured(experiment, target, rows, names, tol)
        if not np.all(np.isfinite(values)):
            undefined.append("undefined")
            return np.zeros_like(values)  # replaced by None below
        return values

    result = tornado(evaluate, names, baseline, ends[:, 0], ends[:, 1], metric=target.label)
    if undefined:
        return None, (
            f"{target.label} is undefined (no pure equilibrium) at the baseline or at an end "
            "of some input's 5-95% range, so there is no tornado"
        )
    return result, ""
