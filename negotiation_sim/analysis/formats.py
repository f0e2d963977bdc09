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

import numpy as np

from ..game import DEFAULT_TOL, Game
from ..scenario import Scenario
from ..solvers.pure import pure_equilibria

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
) -> tuple[Durability, ...]:
    """Check every pure equilibrium of ``format`` against deviations by all actors.

    Parameters
    ----------
    scenario : Scenario
    format : str
        A format in which not every actor chooses (e.g. ``"bilateral"``).
    params : mapping, optional
        Parameter values (defaults elsewhere).
    tol : float

    Returns
    -------
    tuple of Durability
        One per pure equilibrium of the format, deals first.
    """
    values = scenario.values(params)
    full = Game(
        scenario.full_payoffs(values),
        scenario.actor_ids,
        tuple(a.option_ids for a in scenario.actors),
    )
    game = scenario.game(params, format=format)
    mask = pure_equilibria(game.payoffs, n_actors=game.n_actors, tol=tol)
    found = []
    for chooser_profile in np.argwhere(mask):
        profile = scenario.profile_of(format, tuple(int(v) for v in chooser_profile), params)
        outcome = scenario.outcome_ids[int(scenario.profile_outcomes[profile])]
        here = full.payoff(profile)
        deviations = []
        for i, actor in enumerate(scenario.actors):
            best_gain, best_option = 0.0, profile[i]
            for option in range(len(actor.options)):
                moved = (*profile[:i], option, *profile[i + 1 :])
                gain = float(full.payoff(moved)[i] - here[i])
                if gain > best_gain:
                    best_gain, best_option = gain, option
            if best_gain > tol:
                moved = (*profile[:i], best_option, *profile[i + 1 :])
                there = full.payoff(moved)
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
        found.append(
            Durability(
                format,
                tuple(a.option_ids[o] for a, o in zip(scenario.actors, profile, strict=True)),
                outcome,
                scenario.outcomes[outcome].is_deal,
                not deviations,
                tuple(deviations),
            )
        )
    found.sort(key=lambda d: (not d.is_deal, not d.durable))
    return tuple(found)
