"""A ceasefire over time: many ceasefires simulated at once, with Bayesian trust (MODEL.md §8).

:class:`Dynamics` (:mod:`.model`) describes the model at a batch of parameter points.
"""

from __future__ import annotations

from .model import (
    BEHAVIOUR_RULES,
    RESPONSE_RULES,
    Behaviour,
    Dynamics,
    Monitoring,
    Response,
    StagePayoffs,
)

__all__ = [
    "BEHAVIOUR_RULES",
    "RESPONSE_RULES",
    "Behaviour",
    "Dynamics",
    "Monitoring",
    "Response",
    "StagePayoffs",
]
