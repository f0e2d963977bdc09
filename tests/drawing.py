"""What the picture tests share: legend texts, a PRIM box found on known data (the ``ax``
fixture, an Agg Axes per test, is in conftest.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.axes import Axes

from negotiation_sim.sensitivity import PrimResult, prim


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def discovered_box() -> tuple[PrimResult, list[str]]:
    """PRIM over (rho, verification, trust) where a deal needs trust > 0.55, verification > 0.3."""
    rng = np.random.default_rng(2)
    x = rng.random((4000, 3))
    deal = (x[:, 2] > 0.55) & (x[:, 1] > 0.3) & (x[:, 0] < 0.8)
    return prim(x, deal), ["rho", "verification", "trust"]
