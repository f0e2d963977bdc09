"""Formats of a negotiation: does a deal made by some actors hold once all may deviate?

A deal reached in a format where only some actors choose (e.g. the US and
Russia, with Ukraine and the EU replying) is *durable* if its full profile —
the choosers' options and the others' replies — is still a Nash equilibrium
when every actor chooses at once. Otherwise some actor would spoil it: the
report names each actor with a profitable deviation, what it gains, the
outcome its deviation leads to, and what that deviation does to every other
actor (models.md §5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..game import DEFAULT_TOL, FloatArray
from ..scenario import Scenario
from ..solvers._checks import check_count, check_tol
from ..solvers.pure import pure_equilibria
from ..solvers.result import MAX_EQUILIBRIA

__all__ = ["Deviation", "Durability", "deal_durability"]


@dataclass(frozen=True)
class Deviation:
    """An actor's best unilateral deviation from a profile of the full game."""

    actor: str
    option: str
    gain: float  # what the deviator gains (> tol: it would spoil the deal)
    outcome: str  # the outcome id the deviation leads to
    effect: Mapping[str, float]  # payoff change of every actor, the deviator included


@dataclass(frozen=True)
class Durability:
    """Whether one equilibrium of a format survives when every actor may deviate."""

    format: str
    profile: tuple[str, ...]  # every actor's option id
    outcome: str
    is_deal: bool
    durable: bool
    spoilers: tuple[Deviation, ...]  # actors with a profitable deviation, largest gain first


def deal_durability(
    scenario: Scenario,
    format: str,
    params: Mapping[str, float] | None = None,
    *,
    tol: float = DEFAULT_TOL,
    max_equilibria: int = MAX_EQUILIBRIA,
) -> tuple[Durability, ...]:
    """Check the pure equilibria of ``format`` against deviations by all actors.

    Parameters
    ----------
    scenario : Scenario
    format : str
        A format in which not every actor chooses (e.g. ``"bilateral"``).
    params : mapping, optional
        Parameter values (defaults elsewhere).
    tol : float
    max_equilibria : int
        Check at most this many, the first in profile order: a format of many
        choosers with ties everywhere has a pure equilibrium per profile (count them
        with :func:`~negotiation_sim.pure_equilibria` on ``scenario.game(params, format)``).

    Returns
    -------
    tuple of Durability
        One per pure equilibrium checked, deals first.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    >>> [(d.outcome, d.is_deal, d.durable) for d in deal_durability(alaska, "bilateral")]
    [('war', False, True), ('war', False, True)]
    >>> len(deal_durability(alaska, "multilateral", max_equilibria=5))
    5
    """
    tol = check_tol(tol)
    limit = check_count(max_equilibria, "max_equilibria")
    values = scenario.values(params)
    full = scenario.full_payoffs(values)
    game = scenario.game(params, format=format)
    mask = pure_equilibria(game.payoffs, n_actors=game.n_actors, tol=tol)
    found = []
    for flat in np.flatnonzero(mask)[:limit].tolist():
        chooser_profile = tuple(int(v) for v in np.unravel_index(flat, game.shape))
        profile = scenario.profile_of(format, chooser_profile, params)
        found.append(_durability(scenario, format, full, profile, tol))
    found.sort(key=lambda d: (not d.is_deal, not d.durable))
    return tuple(found)


def _durability(
    scenario: Scenario, format: str, full: FloatArray, profile: tuple[int, ...], tol: float
) -> Durability:
    """Every actor's best unilateral deviation from ``profile`` of the full game ``full``."""
    outcome = scenario.outcome_ids[int(scenario.profile_outcomes[profile])]
    at: tuple[Any, ...] = profile
    here = full[(slice(None), *at)]
    deviations = []
    for i, actor in enumerate(scenario.actors):
        # The actor's payoff at each of its options, the others fixed: one slice.
        along = full[(i, *at[:i], slice(None), *at[i + 1 :])]
        gains = along - here[i]
        best_option = int(np.argmax(gains))  # the first of the best, as a loop would find it
        best_gain = float(gains[best_option])
        if best_gain > tol:
            moved = (*profile[:i], best_option, *profile[i + 1 :])
            there = full[(slice(None), *at[:i], best_option, *at[i + 1 :])]
            deviations.append(
                Deviation(
                    actor.id,
                    actor.option_ids[best_option],
                    best_gain,
                    scenario.outcome_ids[int(scenario.profile_outcomes[moved])],
                    dict(zip(scenario.actor_ids, map(float, there - here), strict=True)),
                )
            )
    deviations.sort(key=lambda d: -d.gain)
    return Durability(
        format,
        tuple(a.option_ids[o] for a, o in zip(scenario.actors, profile, strict=True)),
        outcome,
        scenario.outcomes[outcome].is_deal,
        not deviations,
        tuple(deviations),
    )
