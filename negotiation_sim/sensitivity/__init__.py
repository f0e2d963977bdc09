"""How sure are we: estimators for sampled runs (MODEL.md §9).

Pure functions on arrays, no files and no runner: Wilson intervals for probabilities
(:mod:`.intervals`), Saltelli designs and Sobol' indices with bootstrap intervals (:mod:`.sobol`),
PRIM boxes for scenario discovery (:mod:`.prim`).
"""

from negotiation_sim.sensitivity.intervals import wilson_interval
from negotiation_sim.sensitivity.prim import PrimResult, prim
from negotiation_sim.sensitivity.sobol import SobolResult, saltelli_matrices, sobol_indices

__all__ = [
    "PrimResult",
    "SobolResult",
    "prim",
    "saltelli_matrices",
    "sobol_indices",
    "wilson_interval",
]
