"""The analysis section of a scenario report: how zero-sum, who gains, bargaining, formats.

Everything here is computed on the *full* game (every actor choosing), at the
given parameter values, with the no-deal outcome's payoffs as the
disagreement point:

* the game's zero-sum share, raw and strategic (:func:`sum_structure`);
* the bargaining solutions (Nash, Kalai–Smorodinsky, egalitarian) over the
  payoff points of the deal outcomes;
* the durability of each format's equilibria once every actor may deviate;
* the Shapley value of the simple games of who must agree (models.md §5): the
  default format's choosers, and the actors who can block a deal alone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from ..game import Game
from ..scenario import Scenario
from ..solvers.pure import pure_equilibria
from .bargaining import egalitarian, kalai_smorodinsky, nash_bargaining
from .coalitions import MAX_ACTORS, shapley_value, unanimity_game, veto_game
from .formats import deal_durability
from .zero_sum import sum_structure

__all__ = ["CHECKED", "analyse_scenario", "blocking_actors", "who_must_agree"]


def _full_game(scenario: Scenario, params: Mapping[str, float]) -> Game:
    return Game(
        scenario.full_payoffs(scenario.values(params)),
        scenario.actor_ids,
        tuple(a.option_ids for a in scenario.actors),
    )


def blocking_actors(scenario: Scenario) -> tuple[str, ...]:
    """Actors who can block every deal alone (veto players), in actor order.

    An actor can when some option of theirs leads to no deal whatever the others choose:
    read off the scenario's profile -> outcome map, not written anywhere by hand.

    Examples
    --------
    In Alaska 2025 the US (pressure or engage), Russia (escalate) and Ukraine (refuse) can;
    the EU cannot: a front-line truce survives its holding out, unguaranteed.

    >>> from negotiation_sim import load_scenario
    >>> blocking_actors(load_scenario("scenarios/alaska_2025_reduced.toml"))
    ('us', 'russia', 'ukraine')
    """
    is_deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    deal = is_deal[scenario.profile_outcomes]
    found = []
    for i, actor in enumerate(scenario.actor_ids):
        others = tuple(a for a in range(deal.ndim) if a != i)
        if not deal.any(axis=others).all():  # an option with no deal in any profile
            found.append(actor)
    return tuple(found)


def _listing(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def who_must_agree(
    actors: Sequence[str], blockers: Collection[str], principals: Sequence[str] = ()
) -> dict[str, dict[str, float]]:
    """Shapley values of the simple games of who must agree to a deal (models.md §5).

    * *principals decide*: every principal must agree (e.g. the choosers of a format
      in which not every actor chooses);
    * *blockers*: every actor who can block a deal alone must agree
      (:func:`blocking_actors`);
    * *principals and one of the rest*: the principals need at least one other actor.

    A game is left out when its coalition would be empty (no principals, no blockers,
    or principals that are every actor).

    Parameters
    ----------
    actors : sequence of str
        Every actor, in order.
    blockers : collection of str
        The actors who can block a deal alone.
    principals : sequence of str, optional
        The actors who make the deal.

    Returns
    -------
    dict
        Game name -> each actor's Shapley value (Shapley–Shubik power).

    Examples
    --------
    >>> games = who_must_agree(["north", "south", "mediator"], {"north"}, ["north", "south"])
    >>> for name, values in games.items():
    ...     print(name, {a: round(v, 3) for a, v in values.items()})
    north and south decide {'north': 0.5, 'south': 0.5, 'mediator': 0.0}
    north can block a deal alone {'north': 1.0, 'south': 0.0, 'mediator': 0.0}
    north, south and one of mediator {'north': 0.333, 'south': 0.333, 'mediator': 0.333}
    """
    ordered = [a for a in actors if a in blockers]
    rest = [a for a in actors if a not in principals]
    games = {}
    if principals and rest:
        games[f"{_listing(principals)} decide"] = unanimity_game(principals)
    if ordered:
        verb = "can" if len(ordered) == 1 else "can each"
        games[f"{_listing(ordered)} {verb} block a deal alone"] = unanimity_game(ordered)
    if principals and rest:
        name = f"{', '.join(principals)} and one of {', '.join(rest)}"
        games[name] = veto_game(principals, rest, at_least=1)
    return {name: shapley_value(actors, value) for name, value in games.items()}


def _principals(scenario: Scenario) -> tuple[str, ...]:
    """The choosers of the default format, when not every actor chooses there."""
    choosers = scenario.format(None).choosers
    return choosers if len(choosers) < len(scenario.actors) else ()


#: Pure equilibria of a format checked for durability (the first in profile order); a
#: note gives the full count when there are more.
CHECKED = 100


def analyse_scenario(
    scenario: Scenario, params: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """The analysis section of ``negotiation-sim solve``, JSON-ready.

    Its work is bounded whatever the scenario: per format at most :data:`CHECKED`
    equilibria are checked for durability, and Shapley values are left out above
    :data:`~negotiation_sim.analysis.coalitions.MAX_ACTORS` actors; ``notes`` says
    what was left out.
    """
    params = dict(params or {})
    game = _full_game(scenario, params)
    structure = sum_structure(game)
    section: dict[str, Any] = {
        "zero_sum_share": structure.zero_sum_share,
        "strategic_zero_sum_share": structure.strategic_zero_sum_share,
        "constant_sum": structure.constant_sum,
    }
    values = scenario.values(params)
    no_deal = (
        None
        if scenario.no_deal_missing
        else dict(zip(scenario.actor_ids, scenario.no_deal_point(values).tolist(), strict=True))
    )
    points = game.payoffs.reshape(game.n_actors, -1).T
    outcome_of_profile = scenario.profile_outcomes.ravel()
    deal_ids = [i for i, o in enumerate(scenario.outcome_ids) if scenario.outcomes[o].is_deal]
    deals = np.isin(outcome_of_profile, deal_ids)
    if no_deal is not None and deals.any():
        d = np.array([no_deal[a] for a in scenario.actor_ids])
        candidates = points[deals]
        labels = [scenario.outcome_ids[int(o)] for o in outcome_of_profile[deals]]
        solutions = {}
        for name, solver in (
            ("nash", nash_bargaining),
            ("kalai_smorodinsky", kalai_smorodinsky),
            ("egalitarian", egalitarian),
        ):
            solution = solver(candidates, d)
            solutions[name] = {
                "feasible": solution.feasible,
                "outcome": labels[solution.index]
                if solution.index is not None and solution.feasible
                else None,
                "payoffs": dict(zip(scenario.actor_ids, solution.payoffs, strict=True)),
            }
        section["bargaining"] = {"disagreement": no_deal, "solutions": solutions}
    section["formats"] = {}
    notes = []
    for name, chosen in scenario.formats.items():
        if len(chosen.choosers) == len(scenario.actors):
            continue
        format_game = scenario.game(params, format=name)
        count = int(pure_equilibria(format_game.payoffs, n_actors=format_game.n_actors).sum())
        if count > CHECKED:
            notes.append(
                f"the {name} format has {count} pure equilibria; the first {CHECKED} "
                "(in profile order) were checked for durability"
            )
        section["formats"][name] = [
            {
                "profile": dict(zip(scenario.actor_ids, d.profile, strict=True)),
                "outcome": scenario.outcomes[d.outcome].label,
                "durable": d.durable,
                "spoilers": [
                    {
                        "actor": s.actor,
                        "deviation": s.option,
                        "gain": s.gain,
                        "leads_to": scenario.outcomes[s.outcome].label,
                        "effect": dict(s.effect),
                    }
                    for s in d.spoilers
                ],
            }
            for d in deal_durability(scenario, name, params, max_equilibria=CHECKED)
            if d.is_deal
        ]
    section["who_must_agree"] = {}
    if len(scenario.actors) <= MAX_ACTORS:
        section["who_must_agree"] = who_must_agree(
            scenario.actor_ids, blocking_actors(scenario), _principals(scenario)
        )
    else:
        notes.append(
            f"Shapley values of who must agree left out: {len(scenario.actors)} actors, more "
            f"than {MAX_ACTORS} (the exact computation evaluates 2^n coalitions)"
        )
    if notes:
        section["notes"] = notes
    return section
