"""How sure are we: estimators for sampled runs (MODEL.md §9).

Pure functions on arrays, no files and no runner: Wilson intervals for probabilities
(:mod:`.intervals`), Saltelli designs and Sobol' indices with bootstrap intervals (:mod:`.sobol`),
PRIM boxes for scenario discovery (:mod:`.prim`), one-at-a-time tornado analysis
(:mod:`.tornado`).
"""

from negotiation_sim.sensitivity.intervals import wilson_interval
from negotiation_sim.sensitivity.prim import PrimResult, prim
from negotiation_sim.sensitivity.sobol import SobolResult, saltelli_matrices, sobol_indices
from negotiation_sim.sensitivity.tornado import TornadoResult, tornado

__all__ = [
    "PrimResult",
    "SobolResult",
    "TornadoResult",
    "prim",
    "saltelli_matrices",
    "sobol_indices",
    "tornado",
    "wilson_interval",
]
