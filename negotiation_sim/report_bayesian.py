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

__all__ = ["bayesian_report", "bayesian_summary", "distinct"]

#: What ``describe`` says of a type of probability 0, whose play is not pinned down.
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
    for equilibrium in distinct(result):
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
    shares = np.zeros(len(scenario.outcome_ids))
    if reach is None:
        joint = equilibrium.distribution(game).sum(axis=tuple(range(game.n_actors)))
        np.add.at(shares, scenario.profile_outcomes.ravel(), joint.ravel())
        return shares
    n, c = len(scenario.actors), len(reach.choosers)
    # einsum: type axes 0..n-1 of every actor, option axes n..n+c-1 of the choosers
    operands: list[Any] = [reach.everyone[..., 0], list(range(n))]
    for k, actor in enumerate(reach.choosers):
        operands += [equilibrium.strategies[k], [scenario.actor_ids.index(actor), n + k]]
    joint = np.einsum(*operands, list(range(n + c)))
    np.add.at(shares, reach.outcomes[..., 0].ravel(), joint.ravel())
    return shares


def distinct(result: BayesianResult) -> list[BayesianEquilibrium]:
    """The equilibria that differ in what some type of positive probability plays (a type of
    probability 0 may play anything: one equilibrium per option it could take is one answer)."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for equilibrium in result.equilibria:
        key = tuple(
            tuple(equilibrium.strategies[i][t].round(12).tolist())
            for i, reached in enumerate(equilibrium.positive)
            for t, positive in enumerate(reached)
            if positive
        )
        if key not in seen:
            seen.add(key)
            kept.append(equilibrium)
    return kept


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
    kept = distinct(result)
    count = len(kept)
    lines = [
        scenario.title,
        f"Parameters: {shown}",
        f"Types (prior): {types}",
        f"Bayes-Nash equilibria ({result.method}): {count}"
        + ("" if result.complete else " (not all)"),
    ]
    for k, (equilibrium, data) in enumerate(zip(kept, summary["equilibria"], strict=True)):
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
