"""Plain-text reports of games and solver results, for people.

>>> from negotiation_sim import solve
>>> from negotiation_sim.examples import arms_race
>>> print(format_result(solve(arms_race(), "pure")))
pure: 1 equilibrium
  1. state A: arm | state B: arm  ->  payoffs state A 1, state B 1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .game import FloatArray, Game
from .solvers.result import Equilibrium, SolverResult

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = [
    "SUMMARISED",
    "format_equilibrium",
    "format_game",
    "format_result",
    "scenario_report",
    "scenario_summary",
]


def _number(value: float) -> str:
    return f"{value:.4g}" if abs(value) >= 1e-12 else "0"


#: What a method's list of equilibria is, where that is not "all of them".
_KIND = {
    "logit": " (selected by the logit QRE path)",
    "lemke_howson": " (ends of the Lemke-Howson paths)",
    "minimax": " (optimal strategies)",
    "support_enumeration": " (all, if the game is non-degenerate)",
}


def format_equilibrium(game: Game, equilibrium: Equilibrium) -> str:
    """One line: each actor's options with their probabilities, then payoffs."""
    parts = []
    for actor, options, sigma in zip(
        game.actors, game.options, equilibrium.strategies, strict=True
    ):
        played = [j for j in np.argsort(-sigma, kind="stable") if sigma[j] > 1e-9]
        if len(played) == 1:
            parts.append(f"{actor}: {options[played[0]]}")
        else:
            mix = ", ".join(f"{options[j]} {sigma[j]:.3f}" for j in played)
            parts.append(f"{actor}: {mix}")
    payoffs = ", ".join(
        f"{actor} {_number(v)}" for actor, v in zip(game.actors, equilibrium.payoffs, strict=True)
    )
    return " | ".join(parts) + f"  ->  payoffs {payoffs}"


def _how_many(count: int, exhaustive: bool) -> str:
    """``"3 equilibria"``; a search stopped by its budget found at least that many."""
    words = f"{count} equilibri{'um' if count == 1 else 'a'}"
    return words if exhaustive else f"{words} found before the search stopped (there may be more)"


def format_result(result: SolverResult) -> str:
    """Method, equilibria (at most :data:`SUMMARISED`), value, removed options, warnings.

    >>> from negotiation_sim import Game, solve
    >>> text = format_result(solve(Game(np.zeros((2, 20, 20))), "pure"))
    >>> text.splitlines()[0], text.splitlines()[-1].split("... ")[1]
    ('pure: 400 equilibria', '300 more (listed in the result: 400)')
    """
    kind = _KIND.get(result.method, "")
    lines = [f"{result.method}: {_how_many(result.count, result.exhaustive)}{kind}"]
    shown = result.equilibria[:SUMMARISED]
    lines += [f"  {k}. {format_equilibrium(result.game, eq)}" for k, eq in enumerate(shown, 1)]
    if result.count > len(shown):
        lines.append(
            f"  ... {result.count - len(shown)} more (listed in the result: {len(result)})"
        )
    if result.value is not None:
        lines.append(
            "  value: "
            + ", ".join(
                f"{a} {_number(v)}" for a, v in zip(result.game.actors, result.value, strict=True)
            )
        )
    if result.reduction is not None:
        then = result.parameters.get("then")
        lines.append(f"  the game left after elimination was solved with {then}")
    if result.reduction is not None and result.reduction.removed:
        removed = ", ".join(
            f"{result.game.actors[i]}: {result.game.options[i][j]}"
            for i, j, _ in result.reduction.removed
        )
        lines.append(f"  removed as strictly dominated: {removed}")
    lines += [f"  warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def format_game(game: Game, title: str | None = None) -> str:
    """Actors with their options, and for two actors the payoff bimatrix."""
    lines = [title] if title else []
    lines += [
        f"  {actor}: {', '.join(options)}"
        for actor, options in zip(game.actors, game.options, strict=True)
    ]
    if game.n_actors == 2:
        width = max(len(o) for o in game.options[0])
        header = " " * (width + 4) + "  ".join(f"{o:>12}" for o in game.options[1])
        lines.append(header)
        for i, option in enumerate(game.options[0]):
            cells = "  ".join(
                f"{_number(game.payoffs[0, i, j]) + ', ' + _number(game.payoffs[1, i, j]):>12}"
                for j in range(game.shape[1])
            )
            lines.append(f"    {option:<{width}}{cells}")
    return "\n".join(lines)


#: Equilibria of one format that a report analyses (outcomes, surplus, efficiency): the
#: first the solver lists. A solver lists at most ``max_equilibria`` (1,000 by default);
#: an all-ties game of 16 actors has 65,536. The report gives the full count.
SUMMARISED = 100


def scenario_summary(
    scenario: Scenario, format: str | None, params: Mapping[str, float], result: SolverResult
) -> dict[str, Any]:
    """A JSON-ready account of one format's equilibria, in the scenario's words.

    The first :data:`SUMMARISED` equilibria of ``result`` are analysed and listed;
    ``count`` is how many the solver found (``result.count``), ``complete`` whether
    it listed them all and searched to the end.
    """
    game = result.game
    no_deal = _no_deal_payoffs(scenario, params, scenario.actor_ids)
    values = scenario.values(params)
    # What every profile of the format's game leads to, and everyone's payoffs there.
    _, reached, everyone = scenario.resolve(format, values)
    full_game = Game(scenario.full_payoffs(values), scenario.actor_ids)
    equilibria = []
    for eq in result.equilibria[:SUMMARISED]:
        outcomes = {
            scenario.outcome_ids[o]: p for o, p in _outcome_shares(eq, reached[..., 0]).items()
        }
        entry: dict[str, Any] = {
            "strategies": {
                actor: {o: float(p) for o, p in zip(options, s, strict=True) if p > 1e-12}
                for actor, options, s in zip(game.actors, game.options, eq.strategies, strict=True)
            },
            "outcomes": {scenario.outcomes[o].label: round(p, 12) for o, p in outcomes.items()},
            "payoffs": dict(zip(game.actors, map(float, eq.payoffs), strict=True)),
        }
        if eq.profile is not None and len(game.actors) < len(scenario.actors):
            # The others' replies, and what everyone gets, in a format where not all choose.
            full = scenario.profile_of(format, eq.profile, params)
            entry["replies"] = {
                actor.id: actor.option_ids[o]
                for actor, o in zip(scenario.actors, full, strict=True)
                if actor.id not in game.actors
            }
            index: tuple[Any, ...] = (slice(None), *eq.profile, 0)
            at = everyone[index]
            entry["payoffs_all_actors"] = dict(zip(scenario.actor_ids, map(float, at), strict=True))
        full_strategies = _full_strategies(scenario, format, game, eq, params)
        if no_deal is not None and full_strategies is not None:
            from .analysis.outcomes import analyse_equilibrium

            verdict = analyse_equilibrium(full_game, full_strategies, no_deal)
            entry["pareto_improvement"] = verdict.pareto_improvement
            entry["pareto_efficient"] = verdict.pareto_efficient
            entry["gainers"] = list(verdict.gainers)
            entry["losers"] = list(verdict.losers)
        if no_deal is not None:
            reference = dict(zip(scenario.actor_ids, no_deal, strict=True))
            got = entry.get("payoffs_all_actors", entry["payoffs"])
            surplus = {a: float(v - reference[a]) for a, v in got.items()}
            entry["surplus_over_no_deal"] = surplus
            entry["total_surplus"] = float(sum(surplus.values()))
        entry["_order"] = (outcomes.get(scenario.no_deal, 0.0), -float(np.sum(eq.payoffs)))
        equilibria.append(entry)
    # Deals first (least no-deal probability), then by total payoff: what a reader looks for.
    equilibria.sort(key=lambda e: e.pop("_order"))
    return {
        "format": format or "all actors choose",
        "parameters": {**scenario.defaults(), **params},
        "method": result.method,
        "tol": result.tol,
        "count": result.count,
        "complete": result.complete,
        "exhaustive": result.exhaustive,
        "equilibria": equilibria,
        "warnings": list(result.warnings),
    }


def _outcome_shares(eq: Equilibrium, reached: NDArray[np.intp]) -> dict[int, float]:
    """Probability of each outcome (index) at ``eq``, in the order of the first profile
    leading to it; profiles of probability at most 1e-12 left out.

    One product over the profiles (not a loop in Python): a 16-actor game has 65,536.
    """
    if eq.profile is not None:
        return {int(reached[eq.profile]): 1.0}
    weights = eq.strategies[0]
    for sigma in eq.strategies[1:]:
        weights = np.multiply.outer(weights, sigma)
    flat = weights.ravel()
    played = np.flatnonzero(flat > 1e-12)
    ids = reached.ravel()[played]
    found, first = np.unique(ids, return_index=True)
    totals = np.bincount(ids, weights=flat[played], minlength=int(found.max(initial=0)) + 1)
    return {int(o): float(totals[o]) for o in found[np.argsort(first)]}


def _full_strategies(
    scenario: Scenario,
    format: str | None,
    game: Game,
    eq: Equilibrium,
    params: Mapping[str, float],
) -> tuple[FloatArray, ...] | None:
    """Every actor's strategy at an equilibrium of a format's game, where it is defined.

    Pure equilibria lift through the others' replies; mixed ones only when
    every actor chooses.
    """
    if len(game.actors) == len(scenario.actors):
        order = [game.actors.index(a) for a in scenario.actor_ids]
        return tuple(eq.strategies[i] for i in order)
    if eq.profile is None:
        return None
    full = scenario.profile_of(format, eq.profile, params)
    return tuple(np.eye(len(a.options))[o] for a, o in zip(scenario.actors, full, strict=True))


def _no_deal_payoffs(
    scenario: Scenario, params: Mapping[str, float], actors: Sequence[str]
) -> list[float] | None:
    """The disagreement point: the no-deal outcome's default payoffs, or its common payoffs."""
    values = scenario.values(params)
    ids = scenario.actor_ids
    if not scenario.no_deal_missing:
        point = scenario.no_deal_point(values)
        return [float(point[ids.index(a)]) for a in actors]
    full = scenario.full_payoffs(values)
    points = full[:, scenario.profile_outcomes == scenario.outcome_ids.index(scenario.no_deal)]
    if points.size == 0 or not np.allclose(points, points[:, :1]):
        return None
    return [float(points[ids.index(a), 0]) for a in actors]


#: Equilibria a text report lists in full, per format (the rest are counted and tallied).
_SHOWN = 6


def scenario_report(
    scenario: Scenario,
    params: Mapping[str, float],
    summaries: Sequence[Mapping[str, Any]],
    analysis: Mapping[str, Any] | None = None,
) -> str:
    """The text report of ``negotiation-sim solve``."""
    lines = [scenario.title]
    if scenario.date:
        lines[0] += f" ({scenario.date})"
    lines.append("")
    lines.append("Actors and options:")
    for actor in scenario.actors:
        lines.append(f"  {actor.name} [{actor.id}]")
        lines += [f"    {o.id}: {o.description}" for o in actor.options]
    changed = {k: v for k, v in params.items()}
    settings = ", ".join(f"{k}={v:g}" for k, v in {**scenario.defaults(), **changed}.items())
    lines += ["", f"Parameters: {settings}" if settings else "Parameters: none"]
    no_deal = scenario.outcomes[scenario.no_deal].label
    lines.append(f"No deal (the disagreement point): {no_deal}")
    for summary in summaries:
        listed = summary["equilibria"]
        count = summary.get("count", len(listed))
        how_many = _how_many(count, summary.get("exhaustive", True))
        lines += ["", f"Format: {summary['format']} — {summary['method']}: {how_many}"]
        shown = listed[:_SHOWN]
        for k, eq in enumerate(shown, 1):
            outcomes = "; ".join(
                label if p > 1 - 1e-9 else f"{label} (p={p:.3f})"
                for label, p in eq["outcomes"].items()
            )
            lines.append(f"  {k}. {outcomes}")
            for actor, mix in eq["strategies"].items():
                played = ", ".join(o if p > 1 - 1e-9 else f"{o} {p:.3f}" for o, p in mix.items())
                lines.append(f"       {actor}: {played}")
            for actor, reply in eq.get("replies", {}).items():
                lines.append(f"       {actor} replies: {reply}")
            payoffs = ", ".join(
                f"{a} {_number(v)}" for a, v in eq.get("payoffs_all_actors", eq["payoffs"]).items()
            )
            lines.append(f"       payoffs: {payoffs}")
            if "surplus_over_no_deal" in eq:
                surplus = ", ".join(f"{a} {v:+.4g}" for a, v in eq["surplus_over_no_deal"].items())
                lines.append(
                    f"       surplus over no deal: {surplus} (total {eq['total_surplus']:+.4g})"
                )
            if "pareto_improvement" in eq:
                better = "yes" if eq["pareto_improvement"] else "no"
                efficient = "yes" if eq["pareto_efficient"] else "no"
                lines.append(
                    f"       everyone at least as well off as with no deal: {better}; "
                    f"Pareto efficient: {efficient}; gain: {', '.join(eq['gainers']) or 'nobody'}; "
                    f"lose: {', '.join(eq['losers']) or 'nobody'}"
                )
        if count > len(shown):
            tally: dict[str, int] = {}
            for eq in listed:
                for label in eq["outcomes"]:
                    tally[label] = tally.get(label, 0) + 1
            counts = "; ".join(f"{label}: {n}" for label, n in tally.items())
            among = "" if len(listed) == count else f" (of the first {len(listed)} found)"
            lines.append(f"  ... {count - len(shown)} more; equilibria by outcome{among}: {counts}")
        lines += [f"  warning: {w}" for w in summary["warnings"]]
        if "selection" in summary:
            from .report_selection import selection_lines

            lines += selection_lines(summary["selection"])
    if analysis is not None:
        lines += ["", *_analysis_lines(scenario, analysis)]
    return "\n".join(lines)


def _analysis_lines(scenario: Scenario, analysis: Mapping[str, Any]) -> list[str]:
    lines = [
        "Analysis (every actor choosing):",
        f"  zero-sum share of the game: {analysis['zero_sum_share']:.2f} "
        f"(strategic, what drives choices: {analysis['strategic_zero_sum_share']:.2f})",
    ]
    bargaining = analysis.get("bargaining")
    if bargaining:
        lines.append("  bargaining over the deal outcomes, from no deal:")
        for name, solution in bargaining["solutions"].items():
            if not solution["feasible"]:
                lines.append(f"    {name}: none of the deal outcomes beats no deal for every actor")
                continue
            label = (
                scenario.outcomes[solution["outcome"]].label if solution["outcome"] else "a lottery"
            )
            payoffs = ", ".join(f"{a} {_number(v)}" for a, v in solution["payoffs"].items())
            lines.append(f"    {name}: {label} ({payoffs})")
    for name, deals in analysis.get("formats", {}).items():
        if not deals:
            lines.append(f"  {name} format: none of its equilibria is a deal")
        for deal in deals[:_SHOWN]:
            if deal["durable"]:
                lines.append(f"  {name} deal holds when every actor may deviate: {deal['outcome']}")
            else:
                spoilers = "; ".join(
                    f"{s['actor']} by {s['deviation']} (gains {s['gain']:.3g}, leads to {s['leads_to']})"
                    for s in deal["spoilers"]
                )
                lines.append(f"  {name} deal is spoiled: {deal['outcome']}: {spoilers}")
        if len(deals) > _SHOWN:
            lines.append(f"  ... {len(deals) - _SHOWN} more deals of the {name} format checked")
    for game, values in analysis.get("who_must_agree", {}).items():
        shares = ", ".join(f"{a} {v:.3f}" for a, v in values.items())
        lines.append(f"  Shapley value, {game}: {shares}")
    lines += [f"  note: {note}" for note in analysis.get("notes", [])]
    return lines
