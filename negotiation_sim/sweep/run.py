"""Run an experiment: the grid cut into chunks, solved batched, checkpointed, resumable.

The grid is cut into chunks (:mod:`.chunk`: a chunk's task and the metrics it computes).
Tasks run in this process or on a :class:`concurrent.futures` executor (a process pool, or
Dask's ``client.get_executor()``; :mod:`.executors`), in any order; the results are identical
whichever runs them. Before the first chunk, what would stop the results from being written
is refused (:func:`.dataset.check_writable`); while the sweep runs its directory is locked
(:mod:`.lock`). Each finished chunk is checkpointed with its ledger entry
(:mod:`.checkpoints`), so an interrupted run resumes where it stopped, after verifying every
finished chunk; at the end the chunks are assembled into one labelled dataset
(:mod:`.dataset`), saved as netCDF.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import replace
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._files import disk_error, write_atomically
from ..errors import InputError, NegotiationSimError, Problem, RunError, ScenarioError
from ..game import DEFAULT_TOL, FloatArray
from .checkpoints import (
    CHUNK_LAYOUT,
    RESULTS,
    chunk_file,
    load_chunk,
    prepare,
    save_chunk,
    say,
)
from .chunk import ChunkTask, check_values, compute_chunk, tasks
from .dataset import PER_FORMAT, check_writable, to_dataset
from .lock import locked
from .spec import Experiment

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["ChunkTask", "compute_chunk", "run_experiment"]


def _manifest(experiment: Experiment, n_chunks: int) -> dict[str, Any]:
    from .. import __version__

    return {
        "experiment": os.path.normpath(experiment.source),  # for people: not compared
        "fingerprint": experiment.fingerprint,
        "grid_points": experiment.n_points,
        "chunk_size": experiment.chunk_size,
        "chunks": n_chunks,
        "chunk_layout": CHUNK_LAYOUT,
        "negotiation_sim": __version__,
    }


#: What a chunk gives back: its arrays, the sampled rows it reached first (for the results'
#: ``input_*``; None for a grid or a chunk past the first grid point) and its compute seconds.
_Done = tuple[dict[str, NDArray[Any]], FloatArray | None, float]


def _timed(task: ChunkTask) -> _Done:
    """Compute a chunk. A sampled design's rows are drawn once, here, for the chunk's metrics
    and for the rows of the first grid point it covers (what the results store)."""
    start = time.perf_counter()
    first = None
    if task.design.sampled:
        count = task.stop - task.start
        design = task.design.holding(seed=task.seed, first=task.start, count=count)
        task = replace(task, design=design)
        assert design.drawn is not None  # holding() draws them
        first = design.drawn.rows[: max(0, min(task.stop, design.rows) - task.start)]
    arrays = compute_chunk(task)
    return arrays, first, time.perf_counter() - start


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

    Everything that can be checked is checked before the first chunk: the frontiers over
    their whole grid and whether the results can be written (:func:`.dataset.check_writable`).
    The directory is locked while the sweep runs (:mod:`.lock`). On resume every finished
    chunk is verified against its ledger entry (:func:`.checkpoints.load_chunk`); a chunk that
    fails is recomputed, said on standard error and counted (``chunks_rejected`` in the
    timings).

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
        Also written to ``out/results.nc`` (see :func:`.dataset.to_dataset`).

    Raises
    ------
    ScenarioError
        The results could not be written (a frontier not finite somewhere, an attribute
        netCDF3 cannot store), located in the experiment file, before any chunk.
    RunError
        ``out`` holds another sweep, results without a manifest, checkpoints of an
        older chunk layout (rerun with ``overwrite``), or another sweep runs in it.
    InputError
        ``out`` cannot be written (not a directory, read-only, the disk full): one located
        message; when chunks were computed they are kept, and ``resume`` finishes the run.
    """
    started = time.perf_counter()
    out = Path(out)
    _check_chunking(experiment)
    check_writable(experiment)  # before the directory is touched
    chunks = tasks(experiment, tol=tol)
    for task in chunks:  # what only the values can reveal, before any chunk is computed
        check_values(task)
    with locked(out):
        try:
            prepare(out, _manifest(experiment, len(chunks)), resume, overwrite)
        except OSError as exc:
            raise disk_error(exc.filename or out, exc) from None
        data, seconds, rejected = _resume(out, chunks, experiment.fingerprint)
        resumed = len(seconds)
        inputs = _resumed_inputs(experiment, [task for task in chunks if task.index in seconds])
        todo = [task for task in chunks if task.index not in seconds]
        show = sys.stderr.isatty() if progress is None else progress
        bar = _progress(len(chunks), resumed, experiment.n_points, show)
        try:
            for task, (arrays, first, elapsed) in _run(todo, executor, max(1, workers)):
                try:
                    save_chunk(
                        out,
                        task.index,
                        arrays,
                        seconds=elapsed,
                        points=task.stop - task.start,
                        fingerprint=experiment.fingerprint,
                    )
                except OSError as exc:
                    raise _stopped(out, chunk_file(out, task.index), exc, len(seconds)) from None
                _place(data, arrays, task)  # kept: no second read of what was just written
                if inputs is not None and first is not None:
                    inputs[task.start : task.start + len(first)] = first
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
            "chunks_rejected": rejected,
            "executor": "in-process" if executor is None else type(executor).__name__,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return _write_results(experiment, out, data, timings, inputs)


def _resumed_inputs(experiment: Experiment, resumed: list[ChunkTask]) -> FloatArray | None:
    """A sampled design's rows ``(rows, d)`` for the results' ``input_*``, those of resumed
    chunks drawn now (each computed chunk gives back its own: :func:`_timed`); None for a grid.
    """
    design = experiment.design
    if not design.sampled:
        return None
    inputs = np.empty((design.rows, len(design.names)))
    for task in resumed:
        if task.start < design.rows:
            stop = min(task.stop, design.rows)
            inputs[task.start : stop] = design.inputs(
                seed=experiment.seed, start=task.start, stop=stop
            )
    return inputs


def _write_results(
    experiment: Experiment,
    out: Path,
    data: dict[str, NDArray[Any]],
    timings: dict[str, Any],
    inputs: FloatArray | None,
) -> xr.Dataset:
    """The dataset, written to ``out/results.nc``; a failure keeps the chunks and says how to
    finish (what :func:`.dataset.check_writable` could foresee was refused before the grid)."""
    try:
        dataset = to_dataset(experiment, data, timings, inputs=inputs)
        # Straight into the file (scipy's writer takes a file object): no copy in memory.
        write_atomically(out / RESULTS, lambda h: dataset.to_netcdf(h, engine="scipy"))
    except OSError as exc:
        raise _stopped(out, out / RESULTS, exc, timings["chunks"]) from None
    except NegotiationSimError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise RunError(
            f"{out / RESULTS}: cannot write the results ({exc}); the {timings['chunks']} "
            f"finished chunks are kept in {out}: once fixed, run the same command with --resume"
        ) from None
    return dataset


#: The most chunks a sweep may have (each is two files in ``chunks/``).
MAX_CHUNKS = 100_000


def _check_chunking(experiment: Experiment) -> None:
    n_chunks = -(-experiment.n_points // experiment.chunk_size)
    if n_chunks > MAX_CHUNKS:
        raise ScenarioError(
            experiment.source,
            [
                Problem(
                    "experiment.chunk_size",
                    f"{experiment.n_points:,} points in chunks of {experiment.chunk_size:,} make "
                    f"{n_chunks:,} chunks, more than {MAX_CHUNKS:,} (each is two files): use a "
                    f"larger chunk_size (at least {-(-experiment.n_points // MAX_CHUNKS):,})",
                )
            ],
        )


def _resume(
    out: Path, chunks: list[ChunkTask], fingerprint: str
) -> tuple[dict[str, NDArray[Any]], dict[int, float], int]:
    """The whole sweep's arrays with the verified finished chunks in place, their compute
    seconds by index, and how many chunks marked done were rejected (each one said)."""
    data = _allocate(chunks)
    seconds: dict[int, float] = {}
    rejected = []
    for task in chunks:
        points = task.stop - task.start
        stored = load_chunk(out, task.index, task.layout, fingerprint=fingerprint, points=points)
        if stored.arrays is not None:
            _place(data, stored.arrays, task)
            seconds[task.index] = stored.seconds
        elif stored.rejected:
            rejected.append(stored.rejected)
    for message in rejected[:_SAID]:
        say(f"{message}: recomputing the chunk")
    if len(rejected) > _SAID:
        say(f"... and {len(rejected) - _SAID} more chunks rejected: recomputing them")
    return data, seconds, len(rejected)


#: Rejected chunks said one by one; the rest are counted.
_SAID = 10


def _stopped(out: Path, path: Path, exc: OSError, finished: int) -> InputError:
    """A write that failed mid-sweep: what failed, and that ``--resume`` finishes the run."""
    said = disk_error(path, exc).problems[0].message
    return InputError.at(
        str(path),
        "",
        f"{said}; the {finished} finished chunks are kept in {out}: once fixed, run the same "
        "command with --resume to finish",
    )


def _per_format(name: str, task: ChunkTask) -> bool:
    """Whether a chunk's array has the formats first (a game sweep's metrics; a dynamics sweep
    has no formats)."""
    return name in PER_FORMAT and task.dynamics is None


def _allocate(chunks: list[ChunkTask]) -> dict[str, NDArray[Any]]:
    """The whole sweep's arrays, the points axis as long as the grid."""
    last = chunks[-1]
    data = {}
    for name, (shape, dtype) in last.layout.items():
        at = 1 if _per_format(name, last) else 0
        whole = (*shape[:at], last.stop, *shape[at + 1 :])
        data[name] = np.empty(whole, dtype=dtype)
    return data


def _place(data: dict[str, NDArray[Any]], arrays: dict[str, NDArray[Any]], task: ChunkTask) -> None:
    for name, array in arrays.items():
        if _per_format(name, task):
            data[name][:, task.start : task.stop] = array
        else:
            data[name][task.start : task.stop] = array


def _run(
    todo: list[ChunkTask], executor: Executor | None, workers: int
) -> Iterator[tuple[ChunkTask, _Done]]:
    """Results as they finish; at most ``2 * workers`` chunks in flight (bounded memory)."""
    if executor is None:
        for task in todo:
            yield task, _timed(task)
        return
    pending: dict[Future[_Done], ChunkTask] = {}
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
