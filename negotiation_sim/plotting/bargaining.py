"""The bargaining picture of a scenario for a pair of actors.

The outcomes of the game as points in the plane of two actors' payoffs, the
Pareto frontier of their convex hull (lotteries over outcomes), the no-deal
point, and the Nash, Kalai–Smorodinsky and egalitarian solutions of that
two-actor bargaining problem.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..analysis.bargaining import egalitarian, kalai_smorodinsky, nash_bargaining
from ..analysis.outcomes import pareto_frontier
from ..errors import Problem, ScenarioError
from ..game import FloatArray
from ..scenario import Scenario
from ._output import picture_target, write_picture

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["BargainingPicture", "bargaining_picture", "plot_bargaining", "save_bargaining"]


@dataclass(frozen=True, eq=False)
class BargainingPicture:
    """What the bargaining picture shows (all in the two actors' payoffs).

    Attributes
    ----------
    actors : (str, str)
    points : ndarray, shape (m, 2)
        Distinct outcome points.
    outcomes : tuple of str
        The outcome id of each point.
    is_deal : ndarray of bool, shape (m,)
    frontier : ndarray, shape (f, 2)
        Pareto-efficient points among lotteries, sorted by the first actor's payoff.
    no_deal : ndarray, shape (2,)
    solutions : mapping of str to ndarray (2,)
        The bargaining solutions over lotteries of deal outcomes (empty when no
        deal beats no deal for both).
    """

    actors: tuple[str, str]
    points: FloatArray
    outcomes: tuple[str, ...]
    is_deal: np.ndarray
    frontier: FloatArray
    no_deal: FloatArray
    solutions: Mapping[str, FloatArray]


def bargaining_picture(
    scenario: Scenario,
    actors: Sequence[str] | None = None,
    params: Mapping[str, float] | None = None,
) -> BargainingPicture:
    """Prepare the bargaining picture of ``scenario`` for two of its actors.

    ``actors`` defaults to the first two. Raises :class:`ScenarioError` for
    unknown actors or a no-deal outcome without payoffs for them.
    """
    ids = scenario.actor_ids
    pair = tuple(actors) if actors is not None else ids[:2]
    if len(pair) != 2 or any(a not in ids for a in pair) or pair[0] == pair[1]:
        raise ScenarioError(
            scenario.source,
            [Problem("--actors", f"expected two different actors of {', '.join(ids)}, got {pair}")],
        )
    rows = [ids.index(a) for a in pair]
    values = scenario.values(params)
    full = scenario.full_payoffs(values)
    flat = full.reshape(len(ids), -1)[rows].T  # (profiles, 2)
    outcome_index = scenario.profile_outcomes.ravel()
    keyed: dict[tuple[float, float, int], None] = {}
    for point, outcome in zip(flat, outcome_index, strict=True):
        keyed.setdefault((round(float(point[0]), 12), round(float(point[1]), 12), int(outcome)))
    points = np.array([[k[0], k[1]] for k in keyed], dtype=np.float64)
    outcomes = tuple(scenario.outcome_ids[k[2]] for k in keyed)
    is_deal = np.array([scenario.outcomes[o].is_deal for o in outcomes])
    frontier = pareto_frontier(points, lotteries=True).points
    frontier = frontier[np.argsort(frontier[:, 0], kind="stable")]
    no_deal = scenario.no_deal_point(values)[rows]
    solutions: dict[str, FloatArray] = {}
    if is_deal.any():
        for name, solver in (
            ("Nash", nash_bargaining),
            ("Kalai-Smorodinsky", kalai_smorodinsky),
            ("egalitarian", egalitarian),
        ):
            solution = solver(points[is_deal], no_deal, lotteries=True)
            if solution.feasible:
                solutions[name] = np.array(solution.payoffs)
    return BargainingPicture(
        (pair[0], pair[1]), points, outcomes, is_deal, frontier, no_deal, solutions
    )


# Okabe & Ito's colourblind-safe palette.
_COLOURS = {"deal": "#0072B2", "no deal": "#D55E00", "frontier": "#555555"}
_MARKERS = {
    "Nash": ("*", "#009E73"),
    "Kalai-Smorodinsky": ("D", "#CC79A7"),
    "egalitarian": ("s", "#E69F00"),
}


def plot_bargaining(
    picture: BargainingPicture, ax: Axes | None = None, *, title: str | None = None
) -> Axes:
    """Draw a :class:`BargainingPicture` on ``ax`` (a new figure if ``None``)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    deal = picture.is_deal
    deals, others = picture.points[deal], picture.points[~deal]
    ax.scatter(
        deals[:, 0], deals[:, 1], s=28, color=_COLOURS["deal"], label="deal outcomes", zorder=3
    )
    ax.scatter(
        others[:, 0],
        others[:, 1],
        s=28,
        marker="x",
        color=_COLOURS["no deal"],
        label="no-deal outcomes",
        zorder=3,
    )
    ax.plot(
        *picture.frontier.T,
        color=_COLOURS["frontier"],
        lw=1.5,
        label="Pareto frontier (lotteries)",
        zorder=2,
    )
    ax.scatter(
        picture.no_deal[0],
        picture.no_deal[1],
        s=90,
        marker="o",
        facecolor="none",
        edgecolor="black",
        lw=1.5,
        label="no deal",
        zorder=4,
    )
    ax.axvline(picture.no_deal[0], color="black", lw=0.6, ls=":")
    ax.axhline(picture.no_deal[1], color="black", lw=0.6, ls=":")
    for name, point in picture.solutions.items():
        marker, colour = _MARKERS[name]
        ax.scatter(
            point[0],
            point[1],
            s=110,
            marker=marker,
            color=colour,
            edgecolor="black",
            lw=0.6,
            label=name,
            zorder=5,
        )
    ax.set_xlabel(f"payoff of {picture.actors[0]}")
    ax.set_ylabel(f"payoff of {picture.actors[1]}")
    if title:
        ax.set_title(textwrap.fill(title, 60), fontsize=10)
    ax.legend(loc="best", fontsize=8, frameon=True)
    ax.grid(alpha=0.3)
    return ax


def save_bargaining(
    picture: BargainingPicture,
    path: str | PathLike[str],
    *,
    title: str | None = None,
    dpi: int = 120,
    overwrite: bool = False,
) -> Path:
    """Draw ``picture`` and write it to ``path`` (any format matplotlib writes; PNG by default).

    Drawn with the Agg canvas on a figure outside pyplot (no screen needed, no global state
    changed) and written as :func:`~negotiation_sim.plotting.save_landscape` writes: atomically,
    with the negotiation_sim mark, replacing an existing file only if negotiation_sim wrote
    it or ``overwrite`` is given. Returns the path.

    Raises
    ------
    InputError
        Naming the file: a suffix naming no format matplotlib writes, a file that may not be
        replaced, or a failed write (a missing or read-only directory, a full disk).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from negotiation_sim import load_scenario
    >>> picture = bargaining_picture(load_scenario("alaska_2025_reduced"), ["russia", "ukraine"])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "bargaining.png"
    >>> save_bargaining(picture, out) == out
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    out, format = picture_target(path, overwrite=overwrite)
    figure = Figure(figsize=(7, 6))
    FigureCanvasAgg(figure)
    plot_bargaining(picture, figure.subplots(), title=title)
    figure.tight_layout()
    try:
        return write_picture(figure, out, format, dpi=dpi)
    finally:
        figure.clear()
