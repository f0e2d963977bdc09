"""Experiments: parameter sweeps described in a file, run chunked and resumable.

``load_experiment`` reads an experiment file; ``run_experiment`` runs it (in
this process, on a process pool or on a Dask cluster) and returns an xarray
Dataset, also saved as netCDF. xarray is imported only when results are built.
"""

from .runner import ChunkTask, RunError, compute_chunk, run_experiment
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
    "RunError",
    "compute_chunk",
    "load_experiment",
    "parse_experiment",
    "run_experiment",
]
