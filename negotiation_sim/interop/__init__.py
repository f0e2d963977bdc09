"""Interoperability with other game-theory software.

:mod:`negotiation_sim.interop.nfg` reads and writes Gambit's strategic-form ``.nfg`` files, in
pure Python (Gambit itself is not needed).
"""

from __future__ import annotations

from . import nfg
from .nfg import *  # noqa: F403  (the package's names are the .nfg module's)

__all__ = nfg.__all__
