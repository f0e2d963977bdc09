"""Parameter sweeps: a whole grid of games solved in one vectorised pass.

In memory, :func:`landscape` measures one format over a grid (:func:`landscape_points`
at given points, :func:`measure` at values already checked). Described in a file
(``docs/experiment-format.md``), :func:`load_experiment` reads an experiment and
:func:`run_experiment` runs it chunked and resumable (in this process, on a process
pool or on a Dask cluster), returning an xarray Dataset also saved as netCDF.

Modules: :mod:`.spec` (experiment files; :mod:`.axes`, :mod:`.frontiers`),
:mod:`.measure` (the metrics), :mod:`.chunk` (a chunk's task), :mod:`.run` (the runner;
:mod:`.executors`), :mod:`.checkpoints` (the output directory and its chunk ledger;
:mod:`.lock`), :mod:`.dataset` (the labelled results). xarray is imported only when results
are built.
"""

from .checkpoints import check_output
from .chunk import ChunkTask, compute_chunk
from .measure import Landscape, landscape, landscape_points, measure
from .run import run_experiment
from .spec import (
    FRONTIER_MODELS,
    METRICS,
    SOLVERS,
    Axis,
    Experiment,
    FrontierSpec,
    load_experiment,
    parse_experiment,
)

__all__ = [
    "FRONTIER_MODELS",
    "METRICS",
    "SOLVERS",
    "Axis",
    "ChunkTask",
    "Experiment",
    "FrontierSpec",
    "Landscape",
    "check_output",
    "compute_chunk",
    "landscape",
    "landscape_points",
    "load_experiment",
    "measure",
    "parse_experiment",
    "run_experiment",
]
