"""The text report of a scenario with actor types: its Bayes–Nash equilibria and what they mean.

For every equilibrium: each actor's type-contingent play ("b, if trustworthy: cooperate; if
opportunist: defect"), whether it pools or separates, each type's interim payoff and every
actor's ex-ante payoff, and the probability of each outcome (over the types and any mixing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from .bayesian import BayesianEquilibrium, BayesianGame, BayesianResult
    from .scenario import Scenario
    from .scenario.typed_formats import FormatBayesian

__all__ = ["bayesian_report", "bayesian_summary"]

#: What ``describe`` says of a type of probability 0: the solver lists its first option, but
#: any is a best reply (it has no beliefs), so the report says so.
_ANY = re.compile(r"\(probability 0\): [^;]+")


def bayesian_summary(
    scenario: Scenario,
    game: BayesianGame,
    result: BayesianResult,
    reach: FormatBayesian | None = None,
) -> dict[str, Any]:
    """The equilibria as plain data (``solve --json``): per equilibrium the type-contingent
    strategies, pooling or separating, interim and ex-ante payoffs, outcome probabilities.

    ``reach``: for a format's game (its choosers only), what each type profile and chooser
    profile lead to (:func:`~negotiation_sim.scenario.typed_formats.format_bayesian`, one point).
    """
    outcome_ids = scenario.outcome_ids
    equilibria = []
    for equilibrium in result.equilibria:
        shares = _outcome_shares(scenario, game, equilibrium, reach)
        actors = {}
        for i, actor in enumerate(game.actors):
            actors[actor] = {
                "play": {  # a type of probability 0 may play anything: None
                    type_id: dict(
                        zip(game.options[i], equilibrium.play(i, t).round(12).tolist(), strict=True)
                    )
                    if equilibrium.positive[i][t]
                    else None
                    for t, type_id in enumerate(game.types[i])
                },
                "pooling": equilibrium.pooling(i),
                "separating": equilibrium.separating(i),
                "interim": {
                    type_id: float(value)
                    for type_id, value, reached in zip(
                        game.types[i],
                        equilibrium.interim[i].round(12),
                        equilibrium.positive[i],
                        strict=True,
                    )
                    if reached
                },
                "ex_ante": float(equilibrium.ex_ante[i]),
            }
        equilibria.append(
            {
                "actors": actors,
                "outcomes": {
                    o: float(p) for o, p in zip(outcome_ids, shares, strict=True) if p > 0
                },
                "regret": equilibrium.regret,
            }
        )
    return {"method": result.method, "complete": result.complete, "equilibria": equilibria}


def _outcome_shares(
    scenario: Scenario,
    game: BayesianGame,
    equilibrium: BayesianEquilibrium,
    reach: FormatBayesian | None,
) -> NDArray[np.float64]:
    """P(outcome): over every actor's types and the choosers' (possibly mixed) play."""
    from .bayesian.shares import outcome_shares

    if reach is None:  # every actor chooses
        choosers = list(range(game.n_actors))
        prior, payoffs = game.prior[..., None], game.payoffs[..., None]
        outcomes = np.broadcast_to(
            scenario.profile_outcomes[..., None], (*game.type_counts, *game.shape, 1)
        )
    else:
        choosers = [scenario.actor_ids.index(actor) for actor in reach.choosers]
        prior, outcomes, payoffs = reach.everyone, reach.outcomes, reach.payoffs_all
    found = outcome_shares(
        equilibrium.strategies, choosers, prior, outcomes, payoffs, len(scenario.outcome_ids)
    )
    return found.probability[:, 0]


def bayesian_report(
    scenario: Scenario,
    params: Mapping[str, float],
    game: BayesianGame,
    result: BayesianResult,
    reach: FormatBayesian | None = None,
) -> str:
    """The report ``negotiation-sim solve`` prints for a scenario with actor types.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> from negotiation_sim.bayesian import solve_bayesian
    >>> typed = load_scenario("scenarios/typed_assurance.toml")
    >>> game = typed.bayesian_game({"trust": 0.8, "verification": 0.1})
    >>> text = bayesian_report(typed, {}, game, solve_bayesian(game, "pure"))
    >>> print(text.splitlines()[4])
    1. a, if trustworthy: cooperate; if opportunist: defect
    """
    summary = bayesian_summary(scenario, game, result, reach)
    labels = {o: scenario.outcomes[o].label for o in scenario.outcome_ids}
    values = scenario.values(params)
    shown = ", ".join(f"{n}={float(v):g}" for n, v in values.items())
    types = "; ".join(
        f"{a}: "
        + ", ".join(f"{t} {p:.3g}" for t, p in zip(game.types[i], game.marginal(i), strict=True))
        for i, a in enumerate(game.actors)
        if a in scenario.types
    )
    count = len(result.equilibria)
    lines = [
        scenario.title,
        f"Parameters: {shown}",
        f"Types (prior): {types}",
        f"Bayes-Nash equilibria ({result.method}): {count}"
        + ("" if result.complete else " (not all)"),
    ]
    for k, (equilibrium, data) in enumerate(
        zip(result.equilibria, summary["equilibria"], strict=True)
    ):
        described = [
            _ANY.sub("(probability 0): any option", line)
            for line in equilibrium.describe(game).splitlines()
        ]
        lines.append(f"{k + 1}. {described[0]}")
        lines += [f"   {line}" for line in described[1:]]
        for actor, facts in data["actors"].items():
            if actor not in scenario.types:
                continue
            kind = "pools" if facts["pooling"] else "separates" if facts["separating"] else "mixes"
            interim = ", ".join(f"{t} {v:.3g}" for t, v in facts["interim"].items())
            lines.append(f"   {actor} {kind}; interim payoffs: {interim}")
        ex_ante = ", ".join(f"{a} {f['ex_ante']:.3g}" for a, f in data["actors"].items())
        lines.append(f"   ex-ante payoffs: {ex_ante}")
        outcomes = ", ".join(f"{labels[o]} {p:.1%}" for o, p in data["outcomes"].items())
        lines.append(f"   outcomes: {outcomes}")
    return "\n".join(lines)
