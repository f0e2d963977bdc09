"""The analysis section of a scenario report: how zero-sum, who gains, bargaining, formats.

Everything here is computed on the *full* game (every actor choosing), at the
given parameter values, with the no-deal outcome's payoffs as the
disagreement point:

* the game's zero-sum share, raw and strategic (:func:`sum_structure`);
* the bargaining solutions (Nash, Kalai–Smorodinsky, egalitarian) over the
  payoff points of the deal outcomes;
* the durability of each format's equilibria once every actor may deviate;
* the Shapley value of the simple games of who must agree (models.md §5).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..game import Game
from ..scenario import Scenario
from .bargaining import egalitarian, kalai_smorodinsky, nash_bargaining
from .coalitions import shapley_value, unanimity_game, veto_game
from .formats import deal_durability
from .zero_sum import sum_structure

__all__ = ["analyse_scenario", "who_must_agree"]


def _full_game(scenario: Scenario, params: Mapping[str, float]) -> Game:
    return Game(
        scenario.full_payoffs(scenario.values(params)),
        scenario.actor_ids,
        tuple(a.option_ids for a in scenario.actors),
    )


def who_must_agree(actors: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Shapley values of three simple games of who must agree, for a four-actor case.

    The first two actors (the principals) must agree; then Ukraine's veto
    (the third actor); then the third *or* the fourth actor.
    """
    if len(actors) < 3:
        return {}
    first, second, *rest = actors
    games = {
        f"{first} and {second} decide": unanimity_game({first, second}),
        f"{rest[0]} has a veto too": unanimity_game({first, second, rest[0]}),
        f"{first}, {second} and one of {', '.join(rest)}": veto_game(
            {first, second}, set(rest), at_least=1
        ),
    }
    return {name: shapley_value(actors, value) for name, value in games.items()}


def analyse_scenario(
    scenario: Scenario, params: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """The analysis section of ``negotiation-sim solve``, JSON-ready."""
    params = dict(params or {})
    game = _full_game(scenario, params)
    structure = sum_structure(game)
    section: dict[str, Any] = {
        "zero_sum_share": structure.zero_sum_share,
        "strategic_zero_sum_share": structure.strategic_zero_sum_share,
        "constant_sum": structure.constant_sum,
    }
    no_deal = scenario.no_deal_payoffs(params)
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
    for name, chosen in scenario.formats.items():
        if len(chosen.choosers) == len(scenario.actors):
            continue
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
            for d in deal_durability(scenario, name, params)
            if d.is_deal
        ]
    section["who_must_agree"] = who_must_agree(scenario.actor_ids)
    return section
