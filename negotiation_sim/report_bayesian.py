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

from .game import DEFAULT_TOL, FloatArray

if TYPE_CHECKING:
    from .bayesian import BayesianEquilibrium, BayesianGame, BayesianResult
    from .bayesian.shares import OutcomeShares
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
    strategies, pooling or separating, interim and ex-ante payoffs, outcome probabilities, and
    ``class``: the index of its class of equivalent equilibria (the same outcome probabilities
    and payoffs), classes ordered by welfare (every actor's ex-ante payoff summed, with actors
    who do not choose), largest first.

    ``reach``: for a format's game (its choosers only), what each type profile and chooser
    profile lead to (:func:`~negotiation_sim.scenario.typed_formats.format_bayesian`, one point).
    """
    return _summarise(scenario, game, result, reach)[0]


def _summarise(
    scenario: Scenario,
    game: BayesianGame,
    result: BayesianResult,
    reach: FormatBayesian | None,
) -> tuple[dict[str, Any], list[float]]:
    """:func:`bayesian_summary` and each class's welfare (the report prints it)."""
    outcome_ids = scenario.outcome_ids
    equilibria = []
    signatures, welfare = [], []
    for equilibrium in result.equilibria:
        found = _outcome_shares(scenario, game, equilibrium, reach)
        shares = found.probability[:, 0]
        signatures.append(_signature(game, equilibrium, found))
        welfare.append(float(found.ex_ante[:, 0].sum()))
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
    classes = _classes(signatures, welfare)
    for c, members in enumerate(classes):
        for k in members:
            equilibria[k]["class"] = c
    summary = {"method": result.method, "complete": result.complete, "equilibria": equilibria}
    return summary, [welfare[members[0]] for members in classes]


def _signature(
    game: BayesianGame, equilibrium: BayesianEquilibrium, found: OutcomeShares
) -> FloatArray:
    """What two equivalent equilibria share: the outcome probabilities, every actor's ex-ante
    payoff (with actors who do not choose) and every positive type's interim payoff."""
    interim = [
        np.where(equilibrium.positive[i], equilibrium.interim[i], 0.0) for i in range(game.n_actors)
    ]
    return np.concatenate([found.probability[:, 0], found.ex_ante[:, 0], *interim])


def _classes(signatures: list[FloatArray], welfare: list[float]) -> list[list[int]]:
    """The equilibria's positions grouped by equal signatures (within ``DEFAULT_TOL`` of the
    class's first), the classes by welfare, largest first (ties: in the order found)."""
    classes: list[list[int]] = []
    for k, signature in enumerate(signatures):
        for members in classes:
            if np.allclose(signatures[members[0]], signature, rtol=0.0, atol=DEFAULT_TOL):
                members.append(k)
                break
        else:
            classes.append([k])
    return sorted(classes, key=lambda members: -welfare[members[0]])


def _outcome_shares(
    scenario: Scenario,
    game: BayesianGame,
    equilibrium: BayesianEquilibrium,
    reach: FormatBayesian | None,
) -> OutcomeShares:
    """P(outcome) and every actor's ex-ante payoff (one point): over every actor's types and the
    choosers' (possibly mixed) play."""
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
    return outcome_shares(
        equilibrium.strategies, choosers, prior, outcomes, payoffs, len(scenario.outcome_ids)
    )


def bayesian_report(
    scenario: Scenario,
    params: Mapping[str, float],
    game: BayesianGame,
    result: BayesianResult,
    reach: FormatBayesian | None = None,
) -> str:
    """The report ``negotiation-sim solve`` prints for a scenario with actor types.

    When some equilibria are equivalent (the same outcome probabilities and payoffs; see
    :func:`bayesian_summary`), the report lists the classes by welfare, largest first, and shows
    each class once, by its first equilibrium (with the numbers of the others); otherwise every
    equilibrium, in the solver's order.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> from negotiation_sim.bayesian import solve_bayesian
    >>> typed = load_scenario("scenarios/typed_assurance.toml")
    >>> game = typed.bayesian_game({"trust": 0.8, "verification": 0.1})
    >>> text = bayesian_report(typed, {}, game, solve_bayesian(game, "pure"))
    >>> print(text.splitlines()[4])
    1. a, if trustworthy: cooperate; if opportunist: defect

    The second Alaska scenario with monitors: 29 of its 30 equilibria are the same war.

    >>> from negotiation_sim.scenario.typed_formats import format_bayesian
    >>> alaska = load_scenario("scenarios/alaska_2025.toml")
    >>> game = alaska.bayesian_game({}, format="monitors")
    >>> reach = format_bayesian(alaska, "monitors", alaska.values({}))
    >>> text = bayesian_report(alaska, {}, game, solve_bayesian(game, "pure"), reach)
    >>> print("\\n".join(text.splitlines()[3:9]))
    Bayes-Nash equilibria (pure): 30
    Classes (same outcomes and payoffs): 2
      Donetsk withdrawal and truce, kept 100.0%; all actors' welfare 1.1; 1 equilibrium: 14
      no deal: the war goes on 100.0%; all actors' welfare -0.29; 29 equilibria: 1-13, 15-30
    Each class once, by its first equilibrium (--json lists all 30):
    14. russia, if keeps: donetsk_keep; if regroups: donetsk_keep
    """
    summary, welfare = _summarise(scenario, game, result, reach)
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
    data = summary["equilibria"]
    classes: list[list[int]] = [[] for _ in welfare]
    for k, equilibrium in enumerate(data):
        classes[equilibrium["class"]].append(k)
    if len(classes) == count:  # no two equivalent: every equilibrium, as found
        classes = [[k] for k in range(count)]
    else:
        lines.append(f"Classes (same outcomes and payoffs): {len(classes)}")
        for members, total in zip(classes, welfare, strict=True):
            many = f"{len(members)} equilibri{'um' if len(members) == 1 else 'a'}"
            outcomes = _outcomes(data[members[0]], labels)
            lines.append(
                f"  {outcomes}; all actors' welfare {total:.3g}; {many}: {_numbers(members)}"
            )
        lines.append(f"Each class once, by its first equilibrium (--json lists all {count}):")
    for first, *others in classes:
        described = [
            _ANY.sub("(probability 0): any option", line)
            for line in result.equilibria[first].describe(game).splitlines()
        ]
        if others:
            lines.append(f"{first + 1}. (and {len(others)} more like it: {_numbers(others)})")
            lines += [f"   {line}" for line in described]
        else:
            lines.append(f"{first + 1}. {described[0]}")
            lines += [f"   {line}" for line in described[1:]]
        lines += _facts(scenario, data[first], labels)
    return "\n".join(lines)


def _facts(scenario: Scenario, data: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """An equilibrium's pooling or separating, interim and ex-ante payoffs, and outcomes."""
    lines = []
    for actor, facts in data["actors"].items():
        if actor not in scenario.types:
            continue
        kind = "pools" if facts["pooling"] else "separates" if facts["separating"] else "mixes"
        interim = ", ".join(f"{t} {v:.3g}" for t, v in facts["interim"].items())
        lines.append(f"   {actor} {kind}; interim payoffs: {interim}")
    ex_ante = ", ".join(f"{a} {f['ex_ante']:.3g}" for a, f in data["actors"].items())
    lines.append(f"   ex-ante payoffs: {ex_ante}")
    lines.append(f"   outcomes: {_outcomes(data, labels)}")
    return lines


def _outcomes(data: dict[str, Any], labels: dict[str, str]) -> str:
    """Each outcome's probability under an equilibrium: "no deal 60.0%, deal 40.0%"."""
    return ", ".join(f"{labels[o]} {p:.1%}" for o, p in data["outcomes"].items())


def _numbers(positions: list[int]) -> str:
    """Positions as the report numbers them (from 1), runs shortened.

    >>> _numbers([0, 1, 2, 4, 6, 7])
    '1-3, 5, 7-8'
    """
    runs: list[list[int]] = []
    for k in positions:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return ", ".join(
        f"{run[0] + 1}" if len(run) == 1 else f"{run[0] + 1}-{run[-1] + 1}" for run in runs
    )
