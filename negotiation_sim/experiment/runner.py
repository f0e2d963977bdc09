"""Run an experiment: the grid cut into chunks, solved batched, checkpointed, resumable.

The flattened grid (C order over the axes) is cut into chunks of
``chunk_size`` points. A chunk is one task: every metric of every format at
its points, computed in one vectorised pass (:func:`landscape_points`) and
returned as *one* float array (fast to ship between processes or Dask
workers). Tasks run in this process, on a :class:`concurrent.futures`
executor (a process pool, or Dask's ``client.get_executor()``), in any
order; the results are identical whichever runs them.

Checkpoints, in the output directory::

    manifest.json          what is being run (resume refuses another experiment)
    chunks/000012.npy      a finished chunk's data, written to a temporary file, then renamed
    chunks/000012.done     its done flag, written after the data (JSON: seconds, points)
    results.nc             the assembled dataset, written at the end (also via a rename)

A chunk counts as done only when its flag exists, so a run killed at any
moment (Ctrl-C, SIGTERM, SIGKILL, power loss after fsync) resumes with
``resume=True``, recomputes no finished chunk and loses none.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import NegotiationSimError, Problem, ScenarioError
from ..game import DEFAULT_TOL, FloatArray, Game
from ..scenario import Scenario
from ..scenario.load import parse_scenario
from ..sweep.metrics import landscape_points
from .spec import SCALAR_METRICS, Experiment

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["ChunkTask", "RunError", "compute_chunk", "run_experiment"]

MANIFEST = "manifest.json"
RESULTS = "results.nc"
CHUNKS = "chunks"
#: Per format: the scalar metrics, then one payoff and one surplus column per actor.
SCALAR_COLUMNS = SCALAR_METRICS


class RunError(NegotiationSimError, RuntimeError):
    """A sweep cannot start or resume (e.g. its output directory holds another run)."""


@dataclass(frozen=True, eq=False)
class ChunkTask:
    """Everything a worker needs to compute one chunk (small, picklable).

    The scenario travels as its text and is parsed once per worker process.
    """

    index: int
    start: int
    stop: int
    scenario_text: str
    scenario_source: str
    axes: tuple[tuple[str, FloatArray], ...]
    fixed: tuple[tuple[str, float], ...]
    formats: tuple[str, ...]
    solver: str
    zero_sum: bool
    tol: float
    threads: int | None


@lru_cache(maxsize=4)
def _scenario(text: str, source: str) -> Scenario:
    return parse_scenario(text, source=source)


def n_columns(n_formats: int, n_actors: int, zero_sum: bool) -> int:
    """Width of a chunk's array."""
    return n_formats * (len(SCALAR_COLUMNS) + 2 * n_actors) + (2 if zero_sum else 0)


def compute_chunk(task: ChunkTask) -> FloatArray:
    """One chunk's metrics: shape ``(stop - start, n_columns)``, float64.

    Examples
    --------
    >>> from negotiation_sim.experiment import load_experiment
    >>> spec = load_experiment("experiments/trust_verification.toml")
    >>> task = tasks(spec, threads=1)[0]
    >>> compute_chunk(task).shape == (task.stop - task.start, 2 * (6 + 2 * 4) + 2)
    True
    """
    scenario = _scenario(task.scenario_text, task.scenario_source)
    shape = tuple(values.size for _, values in task.axes)
    index = np.unravel_index(np.arange(task.start, task.stop), shape)
    points = {name: values[i] for (name, values), i in zip(task.axes, index, strict=True)}
    fixed = dict(task.fixed)
    columns: list[FloatArray] = []
    deal_outcome = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    for name in task.formats:
        format = name if name in scenario.formats else None  # "all": a scenario without formats
        view = landscape_points(scenario, points, format, fixed, tol=task.tol, threads=task.threads)
        found = view.outcome >= 0
        deal_probability = np.where(found, deal_outcome[np.maximum(view.outcome, 0)], np.nan)
        payoffs, surplus = view.payoffs.copy(), view.surplus.copy()
        if task.solver == "pure+logit" and not found.all():
            where = np.flatnonzero(~found)
            logit = _logit_points(scenario, format, {k: v[where] for k, v in points.items()}, fixed)
            deal_probability[where] = logit[0]
            payoffs[where] = logit[1]
            surplus[where] = logit[1] - (view.payoffs - view.surplus)[where]
        columns += [
            view.outcome.astype(np.float64),
            view.deal_is_equilibrium.astype(np.float64),
            view.no_deal_is_equilibrium.astype(np.float64),
            view.n_equilibria.astype(np.float64),
            deal_probability.astype(np.float64),
            payoffs.sum(axis=-1),
        ]
        columns += [payoffs[:, a] for a in range(payoffs.shape[1])]
        columns += [surplus[:, a] for a in range(surplus.shape[1])]
    if task.zero_sum:
        from ..analysis.zero_sum import zero_sum_shares

        values = scenario.values({**fixed, **points})
        full = scenario.full_payoffs(values)
        full = np.broadcast_to(
            full, (task.stop - task.start, *full.shape[full.ndim - len(scenario.actors) - 1 :])
        )
        raw, strategic = zero_sum_shares(full, n_actors=len(scenario.actors), tol=task.tol)
        columns += [raw, strategic]
    return np.ascontiguousarray(np.stack(columns, axis=1), dtype=np.float64)


def _logit_points(
    scenario: Scenario,
    format: str | None,
    points: dict[str, FloatArray],
    fixed: dict[str, float],
) -> tuple[FloatArray, FloatArray]:
    """Deal probability and everyone's expected payoffs under the logit equilibrium, point by point."""
    from ..solvers import solve

    values = scenario.values({**fixed, **points})
    payoffs, outcomes, everyone = scenario.resolve(format, values)
    m = next(iter(points.values())).size
    choosers = len(scenario.format(format).choosers)
    payoffs = np.broadcast_to(payoffs, (m, *payoffs.shape[payoffs.ndim - choosers - 1 :]))
    outcomes = np.broadcast_to(outcomes, (m, *outcomes.shape[outcomes.ndim - choosers :]))
    everyone = np.broadcast_to(everyone, (m, *everyone.shape[everyone.ndim - choosers - 1 :]))
    is_deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids], dtype=float)
    probability = np.empty(m)
    expected = np.empty((m, everyone.shape[1]))
    for j in range(m):
        result = solve(Game(payoffs[j]), method="logit")
        joint = result.equilibria[0].strategies[0]
        for strategy in result.equilibria[0].strategies[1:]:
            joint = np.multiply.outer(joint, strategy)
        probability[j] = float(np.sum(joint * is_deal[outcomes[j]]))
        expected[j] = np.tensordot(everyone[j], joint, axes=joint.ndim)
    return probability, expected


def tasks(
    experiment: Experiment, *, threads: int | None = None, tol: float = DEFAULT_TOL
) -> list[ChunkTask]:
    """The experiment's chunks, in order."""
    size = experiment.chunk_size
    common = {
        "scenario_text": experiment.scenario_text,
        "scenario_source": experiment.scenario_path,
        "axes": tuple((axis.name, axis.values) for axis in experiment.axes),
        "fixed": tuple(experiment.fixed.items()),
        "formats": experiment.formats,
        "solver": experiment.solver,
        "zero_sum": "zero_sum_share" in experiment.metrics,
        "tol": tol,
        "threads": threads,
    }
    n = experiment.n_points
    return [
        ChunkTask(index=k, start=start, stop=min(start + size, n), **common)  # type: ignore[arg-type]
        for k, start in enumerate(range(0, n, size))
    ]


# -- checkpoints -----------------------------------------------------------------------------


def _write_atomically(path: Path, write: Callable[[Any], None], *, binary: bool = True) -> None:
    """Write through a temporary file in the same directory, fsync it, rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb" if binary else "w") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # not every platform opens directories
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _manifest(experiment: Experiment, width: int, n_chunks: int) -> dict[str, Any]:
    from .. import __version__

    return {
        "experiment": experiment.source,
        "fingerprint": experiment.fingerprint,
        "grid_points": experiment.n_points,
        "chunk_size": experiment.chunk_size,
        "chunks": n_chunks,
        "columns": width,
        "negotiation_sim": __version__,
    }


def _clear(out: Path) -> None:
    """Remove a previous sweep's files (and only those) from ``out``."""
    if not (out / MANIFEST).exists():
        return
    for pattern in ("*.npy", "*.done", ".*.tmp"):
        for chunk in (out / CHUNKS).glob(pattern):
            chunk.unlink()
    for name in (RESULTS, MANIFEST):
        (out / name).unlink(missing_ok=True)


def _prepare(out: Path, manifest: dict[str, Any], resume: bool, overwrite: bool) -> None:
    """Create the output directory, or check that it holds this very experiment."""
    path = out / MANIFEST
    if overwrite:
        _clear(out)
    if path.exists():
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunError(
                f"{path}: unreadable manifest ({exc}); choose another output directory"
            ) from None
        if not resume:
            raise RunError(
                f"{out} already holds a sweep of {found.get('experiment', '?')}: pass --resume to "
                "finish it, --overwrite to replace it, or choose another output directory (-o)"
            )
        same = {k: found.get(k) for k in manifest if k != "negotiation_sim"} == {
            k: v for k, v in manifest.items() if k != "negotiation_sim"
        }
        if not same:
            raise RunError(
                f"{out} holds a different sweep (experiment, scenario or grid changed since it "
                "started); resume needs the same files, or choose another output directory (-o)"
            )
        return
    clashes = [out / RESULTS] + (list((out / CHUNKS).iterdir()) if (out / CHUNKS).is_dir() else [])
    if any(p.exists() for p in clashes):  # another tool's or a broken run's files: never overwrite
        raise RunError(
            f"{out} holds results without a manifest: choose another output directory (-o)"
        )
    (out / CHUNKS).mkdir(parents=True, exist_ok=True)
    _write_atomically(path, lambda h: h.write(json.dumps(manifest, indent=2).encode("utf-8")))


def _chunk_paths(out: Path, index: int) -> tuple[Path, Path]:
    stem = out / CHUNKS / f"{index:06d}"
    return stem.with_suffix(".npy"), stem.with_suffix(".done")


def _finished(out: Path, task: ChunkTask, width: int) -> tuple[FloatArray, float] | None:
    """A finished chunk's data and compute seconds, or None if it must be (re)computed."""
    data, flag = _chunk_paths(out, task.index)
    if not flag.exists() or not data.exists():
        return None
    try:
        seconds = float(json.loads(flag.read_text(encoding="utf-8"))["seconds"])
        array = np.load(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (array, seconds) if array.shape == (task.stop - task.start, width) else None


def _save_chunk(out: Path, task: ChunkTask, array: FloatArray, seconds: float) -> None:
    data, flag = _chunk_paths(out, task.index)
    _write_atomically(data, lambda h: np.save(h, array, allow_pickle=False))
    note = {"seconds": seconds, "points": task.stop - task.start}
    _write_atomically(flag, lambda h: h.write(json.dumps(note).encode("utf-8")))


def _timed(task: ChunkTask) -> tuple[FloatArray, float]:
    start = time.perf_counter()
    array = compute_chunk(task)
    return array, time.perf_counter() - start


# -- the run ---------------------------------------------------------------------------------


def run_experiment(
    experiment: Experiment,
    out: str | PathLike[str],
    *,
    executor: Executor | None = None,
    workers: int = 1,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool | None = None,
    tol: float = DEFAULT_TOL,
) -> xr.Dataset:
    """Run ``experiment``, checkpointing into ``out``; return and save the dataset.

    Parameters
    ----------
    experiment : Experiment
    out : path
        Output directory: checkpoints and ``results.nc``. It must be new (or
        empty) unless ``resume``.
    executor : concurrent.futures.Executor, optional
        Where chunks run (a ``ProcessPoolExecutor``, Dask's
        ``client.get_executor()``); in this process when omitted.
    workers : int
        How many chunks to keep in flight per worker is derived from it
        (ignored without ``executor``).
    resume : bool
        Continue a run in ``out``: finished chunks are read, not recomputed.
    overwrite : bool
        Replace a previous sweep in ``out`` (its chunks, manifest and
        results; no other file is touched).
    progress : bool, optional
        Show a tqdm bar; default: when standard error is a terminal.
    tol : float

    Returns
    -------
    xarray.Dataset
        Also written to ``out/results.nc`` (see :func:`to_dataset`).
    """
    from .dataset import to_dataset

    started = time.perf_counter()
    out = Path(out)
    threads = None if executor is None else 1  # processes already use the cores
    chunks = tasks(experiment, threads=threads, tol=tol)
    width = n_columns(len(experiment.formats), len(experiment.scenario.actors), chunks[0].zero_sum)
    _prepare(out, _manifest(experiment, width, len(chunks)), resume, overwrite)
    data = np.empty((experiment.n_points, width))
    seconds: dict[int, float] = {}
    for task in chunks:
        done = _finished(out, task, width)
        if done is not None:
            data[task.start : task.stop], seconds[task.index] = done
    resumed = len(seconds)
    todo = [task for task in chunks if task.index not in seconds]
    show = sys.stderr.isatty() if progress is None else progress
    bar = _progress(len(chunks), resumed, experiment.n_points, show)
    try:
        for task, (array, elapsed) in _run(todo, executor, max(1, workers)):
            _save_chunk(out, task, array, elapsed)
            data[task.start : task.stop] = array  # kept: no second read of what was just written
            seconds[task.index] = elapsed
            bar.update(1)
    finally:
        bar.close()
    timings = {
        "wall_seconds": round(time.perf_counter() - started, 6),
        "compute_seconds": round(sum(seconds.values()), 6),
        "chunks": len(chunks),
        "chunks_resumed": resumed,
        "chunks_computed": len(todo),
        "executor": "in-process" if executor is None else type(executor).__name__,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    dataset = to_dataset(experiment, data, timings)
    _write_atomically(out / RESULTS, lambda h: h.write(dataset.to_netcdf(engine="scipy")))
    return dataset


def _run(
    todo: list[ChunkTask], executor: Executor | None, workers: int
) -> Iterator[tuple[ChunkTask, tuple[FloatArray, float]]]:
    """Results as they finish; at most ``2 * workers`` chunks in flight (bounded memory)."""
    if executor is None:
        for task in todo:
            yield task, _timed(task)
        return
    pending: dict[Future[tuple[FloatArray, float]], ChunkTask] = {}
    queue = iter(todo)
    try:
        while True:
            while len(pending) < 2 * workers:
                following = next(queue, None)
                if following is None:
                    break
                pending[executor.submit(_timed, following)] = following
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield pending.pop(future), future.result()
    finally:
        for future in pending:
            future.cancel()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, done: int, points: int, show: bool) -> Any:
    if not show:
        return _NoBar()
    from tqdm import tqdm

    per_chunk = math.ceil(points / max(total, 1))
    return tqdm(
        total=total,
        initial=done,
        unit="chunk",
        desc=f"sweep ({points:,} points, {per_chunk:,} per chunk)",
        file=sys.stderr,
    )


def check_output(out: str | PathLike[str]) -> Path:
    """The results file of a sweep directory (or the file itself), or a located error."""
    path = Path(out)
    if path.is_dir():
        path = path / RESULTS
    if not path.exists():
        raise ScenarioError(
            str(path), [Problem("", "no such results file (has the sweep finished?)")]
        )
    return path
