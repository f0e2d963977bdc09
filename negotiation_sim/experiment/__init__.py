"""Deprecated alias of :mod:`negotiation_sim.sweep` (kept for one release, removed in 0.4).

Experiments moved into the one sweep package: import ``load_experiment``,
``run_experiment`` and the rest from :mod:`negotiation_sim.sweep`, and ``RunError``
from :mod:`negotiation_sim.errors`.
"""

from ..errors import RunError
from ..sweep import *  # noqa: F403  (the alias re-exports the whole public sweep API)
from ..sweep import __all__ as _SWEEP

__all__ = [*_SWEEP, "RunError"]
