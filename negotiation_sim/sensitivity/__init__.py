"""How sure are we: estimators for sampled runs (MODEL.md §9).

Pure functions on arrays, no files and no runner: Wilson intervals for probabilities
(:mod:`.intervals`), Saltelli designs and Sobol' indices with bootstrap intervals (:mod:`.sobol`).
"""

from negotiation_sim.sensitivity.intervals import wilson_interval

__all__ = ["wilson_interval"]
