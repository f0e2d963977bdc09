"""A ceasefire over time: many ceasefires simulated at once, with Bayesian trust (MODEL.md §8).

:class:`Dynamics` (:mod:`.model`) describes the model at a batch of parameter points;
:func:`behaviour_probabilities` gives each opportunist's violation probability per round
(:mod:`.behaviour`); :func:`simulate` runs the Monte Carlo (:mod:`.simulate`) into a
:class:`DynamicsResult` (:mod:`.results`); :func:`exact_grim` is the exact recursion under grim
trigger and :func:`reference_simulation` the plain per-round loop, both oracles;
:func:`two_sided` builds a small model from a few numbers (:mod:`.examples`).
"""

from __future__ import annotations

from .behaviour import behaviour_probabilities
from .exact import ExactGrim, exact_grim
from .examples import two_sided
from .model import (
    BEHAVIOUR_RULES,
    RESPONSE_RULES,
    Behaviour,
    Dynamics,
    Monitoring,
    Response,
    StagePayoffs,
)
from .reference import ReferenceResult, reference_simulation
from .results import CAUSES, QUANTILES, DynamicsResult, trust_needed
from .simulate import simulate, stratum_sizes

__all__ = [
    "BEHAVIOUR_RULES",
    "CAUSES",
    "QUANTILES",
    "RESPONSE_RULES",
    "Behaviour",
    "Dynamics",
    "DynamicsResult",
    "ExactGrim",
    "Monitoring",
    "ReferenceResult",
    "Response",
    "StagePayoffs",
    "behaviour_probabilities",
    "exact_grim",
    "reference_simulation",
    "simulate",
    "stratum_sizes",
    "trust_needed",
    "two_sided",
]
