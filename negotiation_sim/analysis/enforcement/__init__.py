"""Trust and verification: when is a deal worth entering, or self-enforcing?

The four forms of docs/models.md §4, each as a closed-form threshold and as
the payoff transformation it comes from. Every function is vectorised with
numpy broadcasting: pass arrays to evaluate a whole (trust, verification)
grid in one call. Results are float arrays (0-d for scalar inputs); invalid
inputs raise :class:`~negotiation_sim.GameError` naming the first offending
index of the broadcast arrays.

============================  ===============================================================
module                        model
============================  ===============================================================
:mod:`.assurance`             trust as belief: the assurance game (Kydd 2005)
:mod:`.repeated`              the shadow of the future: grim trigger with imperfect monitoring
:mod:`.inspection`            the inspection game (Avenhaus, von Stengel & Zamir 2002)
:mod:`.linkage`               issue linkage: tracks pooled under one trigger (Lohmann 1997)
:mod:`.typed_assurance`       assurance with types: deterrence pi_d and trust mu*(pi) (MODEL §7)
============================  ===============================================================

Each module's docstring derives its threshold; every public name is importable from here.
"""

from __future__ import annotations

from ._common import Frontier
from .assurance import assurance_frontier, assurance_gain, assurance_threshold, assurance_value
from .inspection import (
    inspection_detection_threshold,
    inspection_deters,
    inspection_game,
    inspection_payoffs,
    inspection_rate,
)
from .linkage import link_tracks, linked_threshold, track_thresholds
from .repeated import RepeatedValues, repeated_frontier, repeated_threshold, repeated_values
from .typed_assurance import deterrence_threshold, typed_assurance_threshold

__all__ = [
    "Frontier",
    "RepeatedValues",
    "assurance_frontier",
    "assurance_gain",
    "assurance_threshold",
    "assurance_value",
    "deterrence_threshold",
    "inspection_detection_threshold",
    "inspection_deters",
    "inspection_game",
    "inspection_payoffs",
    "inspection_rate",
    "link_tracks",
    "linked_threshold",
    "repeated_frontier",
    "repeated_threshold",
    "repeated_values",
    "track_thresholds",
    "typed_assurance_threshold",
]
