"""Which equilibrium each selection rule picks, and why: the part of ``negotiation-sim solve``'s
report on equilibrium selection (:mod:`negotiation_sim.analysis.selection`).

>>> from negotiation_sim import load_scenario
>>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
>>> summary = selection_summary(alaska, "bilateral", {"trust": 0.8, "verification": 0.8})
>>> {rule: entry["selected"] for rule, entry in summary["rules"].items()}
{'welfare': 1, 'payoff_dominance': 1, 'risk_dominance': 1, 'logit': 1}
>>> print(selection_lines(summary)[-4])
      #1 vs #2: deviation losses us 0 x russia 0.05 = 0 against us 0.1678 x russia 0.614 = 0.103: #2 risk-dominates
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .analysis.selection import RULE_DESCRIPTIONS, RULES, explain_selection
from .game import DEFAULT_TOL, Game

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["check_rules", "selection_lines", "selection_summary"]

#: Pairwise comparisons a text report shows per rule (all of them are in ``--json``).
_PAIRS_SHOWN = 6
#: Equilibria a text report lists by number.
_LISTED = 20


def check_rules(rule: str | None, source: str = "negotiation-sim solve") -> tuple[str, ...]:
    """The rules a report shows: ``rule`` (checked), or all of them.

    >>> check_rules(None) == RULES, check_rules("logit")
    (True, ('logit',))
    >>> check_rules("risk")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.InputError: negotiation-sim solve: --select-rule: unknown selection rule 'risk' ...
    """
    from ._checking import Problems, show, suggest
    from .errors import InputError

    if rule is None:
        return RULES
    if rule not in RULES:
        problems = Problems(source, InputError)
        known = suggest(rule, RULES, listing=True)
        problems.add("--select-rule", f"unknown selection rule {show(rule)}{known}")
        problems.raise_if_any()
    return (rule,)


def selection_summary(
    scenario: Scenario,
    format: str | None,
    params: Mapping[str, float],
    rules: Sequence[str] = RULES,
    *,
    tol: float = DEFAULT_TOL,
) -> dict[str, Any]:
    """One format's pure equilibria and each rule's choice among them, in the scenario's words
    (JSON-ready): welfare totals over every actor, the Pareto comparisons, the deviation
    losses and Nash products, the probabilities at the end of the logit path."""
    values = scenario.values(params)
    payoffs, reached, everyone = scenario.resolve(format, values)
    chosen = scenario.format(format)
    game = Game(payoffs[..., 0], chosen.choosers, scenario._chooser_options(chosen))
    record = explain_selection(
        game, totals=everyone[..., 0].sum(axis=0), rules=tuple(rules), tol=tol
    )
    outcomes = reached[..., 0]
    equilibria = []
    for profile in record["profiles"]:
        at = tuple(profile)
        equilibria.append(
            {
                "profile": {
                    a: game.options[i][o]
                    for i, (a, o) in enumerate(zip(game.actors, at, strict=True))
                },
                "outcome": scenario.outcomes[scenario.outcome_ids[int(outcomes[at])]].label,
                "payoffs": dict(
                    zip(
                        scenario.actor_ids, map(float, everyone[(slice(None), *at, 0)]), strict=True
                    )
                ),
            }
        )
    rules_out: dict[str, Any] = {}
    for rule, entry in record["rules"].items():
        entry = dict(entry)
        if "pairs" in entry:
            for pair in entry["pairs"]:
                if "actors" in pair:
                    pair["actors"] = [game.actors[i] for i in pair["actors"]]
        if "strategies" in entry:
            entry["strategies"] = {
                a: dict(zip(game.options[i], map(float, s), strict=True))
                for i, (a, s) in enumerate(zip(game.actors, entry["strategies"], strict=True))
            }
        rules_out[rule] = {"rule": RULE_DESCRIPTIONS[rule], **entry}
    note = {"note": record["note"]} if "note" in record else {}
    return {"equilibria": equilibria, "rules": rules_out, **note}


def selection_lines(summary: Mapping[str, Any]) -> list[str]:
    """The text of :func:`selection_summary`: the pure equilibria numbered from 1, then one
    paragraph per rule (its choice and the numbers behind it)."""
    equilibria = summary["equilibria"]
    if not equilibria:
        return ["  Selection: no pure equilibrium, so no rule selects one."]
    if len(equilibria) == 1:
        return [
            f"  Selection: one pure equilibrium ({equilibria[0]['outcome']}); every rule selects it."
        ]
    lines = [f"  Selection among the {len(equilibria):,} pure equilibria:"]
    for k, eq in enumerate(equilibria[:_LISTED], 1):
        profile = ", ".join(f"{a}: {o}" for a, o in eq["profile"].items())
        lines.append(f"    #{k} {profile} -> {eq['outcome']}")
    if len(equilibria) > _LISTED:
        lines.append(f"    ... {len(equilibria) - _LISTED:,} more (all in --json)")
    if "note" in summary:
        lines.append(f"    {summary['note']}")
    for rule, entry in summary["rules"].items():
        picked = entry["selected"]
        name = "none" if picked is None else f"#{picked + 1} ({equilibria[picked]['outcome']})"
        lines.append(f"  {rule} ({entry['rule']}): {name}")
        lines += [f"      {line}" for line in _why(rule, entry, picked)]
    return lines


def _why(rule: str, entry: Mapping[str, Any], picked: int | None) -> list[str]:
    """The evidence of one rule, briefly."""
    if rule == "welfare":
        shown = entry["totals"][:_LISTED]
        totals = ", ".join(f"#{k + 1} {t:.4g}" for k, t in enumerate(shown))
        more = len(entry["totals"]) - len(shown)
        return [f"total payoffs: {totals}" + (f", ... {more:,} more" if more else "")]
    if rule == "logit":
        if "failed" in entry:
            return [f"the logit tracer failed: {entry['failed']}"]
        if "strategies" not in entry:
            return ["one pure equilibrium: nothing to choose"]
        mixes = "; ".join(
            f"{a}: " + ", ".join(f"{o} {p:.3f}" for o, p in s.items() if p > 5e-4)
            for a, s in entry["strategies"].items()
        )
        listed = [(k, p) for k, p in enumerate(entry["probabilities"]) if p > 5e-4]
        shares = ", ".join(f"#{k + 1} {p:.3f}" for k, p in listed) + (
            "; the others 0" if len(listed) < len(entry["probabilities"]) else ""
        )
        return [
            f"end of the path (lambda {entry['lambda']:.3g}): {mixes}",
            f"probability of each pure equilibrium there: {shares}",
        ]
    if "pairs" not in entry:
        return []
    pairs = [
        p for p in entry["pairs"] if p.get("relation") != "equal" and not p.get("same_payoffs")
    ]
    if not pairs and picked is not None:
        return ["the equilibria pay everyone the same: the first stands for them"]
    focus = picked if picked is not None else _strongest(rule, pairs)
    pairs = [p for p in pairs if focus in p["pair"]]
    if picked is None:  # why the strongest candidate fails: its lost or tied comparisons first
        pairs.sort(key=lambda p: _wins(rule, p) == focus)
    lines = [_pair_line(rule, pair) for pair in pairs[:_PAIRS_SHOWN]]
    if len(pairs) > _PAIRS_SHOWN:
        lines.append(f"... {len(pairs) - _PAIRS_SHOWN} more comparisons (all in --json)")
    return lines


def _wins(rule: str, pair: Mapping[str, Any]) -> int | None:
    """Which equilibrium of a pair the rule prefers (None: neither)."""
    a, b = pair["pair"]
    if rule == "payoff_dominance":
        return {"first dominates": a, "second dominates": b}.get(pair["relation"])
    first, second = pair["products"]
    if np.isclose(first, second, rtol=1e-9, atol=0):
        return None
    return int(a if first > second else b)


def _strongest(rule: str, pairs: Sequence[Mapping[str, Any]]) -> int:
    """The equilibrium preferred in the most comparisons (the first of those)."""
    wins: dict[int, int] = {}
    for pair in pairs:
        for k in pair["pair"]:
            wins.setdefault(int(k), 0)
        winner = _wins(rule, pair)
        if winner is not None:
            wins[winner] += 1
    return max(wins, key=lambda k: (wins[k], -k)) if wins else 0


def _pair_line(rule: str, pair: Mapping[str, Any]) -> str:
    a, b = (f"#{i + 1}" for i in pair["pair"])
    if rule == "payoff_dominance":
        relation = {
            "equal": f"{a} and {b} pay everyone the same",
            "first dominates": f"{a} Pareto-dominates {b}",
            "second dominates": f"{b} Pareto-dominates {a}",
            "incomparable": f"{a} and {b}: neither Pareto-dominates",
        }
        return str(relation[pair["relation"]])
    first, second = pair["products"]
    losses = [
        " x ".join(f"{actor} {x:.4g}" for actor, x in zip(pair["actors"], side, strict=True))
        for side in pair["losses"]
    ]
    verdict = (
        "tie"
        if np.isclose(first, second, rtol=1e-9, atol=0)
        else (f"{a} risk-dominates" if first > second else f"{b} risk-dominates")
    )
    return (
        f"{a} vs {b}: deviation losses {losses[0] or '-'} = {first:.4g} against "
        f"{losses[1] or '-'} = {second:.4g}: {verdict}"
    )
