"""Deprecated alias of :mod:`negotiation_sim.sweep` (kept for one release, removed in 0.4).

Experiments moved into the one sweep package: import ``load_experiment``,
``run_experiment`` and the rest from :mod:`negotiation_sim.sweep`, and ``RunError``
from :mod:`negotiation_sim.errors`.
"""

from ..errors import RunError
from ..sweep import (
    FRONTIER_MODELS,
    METRICS,
    SOLVERS,
    Axis,
    ChunkTask,
    Experiment,
    FrontierSpec,
    compute_chunk,
    load_experiment,
    parse_experiment,
    run_experiment,
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
