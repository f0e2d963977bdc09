"""How sure are we: global sensitivity and scenario discovery (MODEL.md §9).

Estimators are pure functions on arrays: Saltelli designs and Sobol' indices with bootstrap
intervals (:mod:`.indices`), one-at-a-time tornado analysis (:mod:`.tornado`), PRIM boxes for
scenario discovery (:mod:`.prim`); Wilson intervals of probabilities come from
:mod:`negotiation_sim.intervals`. :func:`sobol` runs them on an experiment through the sweep
runner (:mod:`.analysis`) and :func:`describe` prints the result.
"""

from negotiation_sim.intervals import wilson_interval
from negotiation_sim.sensitivity.analysis import (
    Sensitivity,
    describe,
    sensitivity_experiment,
    sobol,
)
from negotiation_sim.sensitivity.indices import SobolResult, saltelli_matrices, sobol_indices
from negotiation_sim.sensitivity.prim import PrimResult, prim
from negotiation_sim.sensitivity.tornado import TornadoResult, tornado

__all__ = [
    "PrimResult",
    "Sensitivity",
    "SobolResult",
    "TornadoResult",
    "describe",
    "prim",
    "saltelli_matrices",
    "sensitivity_experiment",
    "sobol",
    "sobol_indices",
    "tornado",
    "wilson_interval",
]
