"""Checking a scenario file, step 5: ``[[profiles]]`` rules, matched to every profile.

Rules are checked one by one (:func:`_check_rule`); if they all are valid, they are
applied in file order, the first match deciding each profile's outcome and payoffs
(:class:`_Tables`), and profiles no rule matches are reported.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._checking import Problems, describe, join, show, suggest
from ._check_actors import Actors
from ._check_expressions import Matrix, Payoffs, Scope, check_payoffs
from ._check_outcomes import Outcomes
from .expressions import Expression
from .model import Actor

#: Matches any option in a profiles rule.
WILDCARD = "*"
#: Profiles a scenario may have (the payoff tensor is built in memory).
MAX_PROFILES = 100_000
#: Rules a scenario may have (each is matched against the whole profile table).
MAX_RULES = 1_000


class ProfileTable(NamedTuple):
    """What every profile means: its outcome and, per actor, which payoff expression."""

    #: Outcome index (into the outcome ids) of every profile, shape (k_1, ..., k_n).
    outcomes: NDArray[np.intp]
    #: Per actor: the distinct payoff expressions, which one each profile uses, where each is.
    expressions: tuple[tuple[Expression, ...], ...]
    expression_index: tuple[NDArray[np.intp], ...]
    locations: tuple[tuple[str, ...], ...]


class _Rule(NamedTuple):
    """A valid rule: the option indices it matches per actor, its outcome and payoffs."""

    matches: tuple[tuple[int, ...], ...]
    outcome: str
    payoffs: Payoffs
    location: str


def check_profiles(
    value: Any,
    actors: Actors,
    outcomes: Outcomes,
    matrices: dict[str, Matrix],
    scope: Scope,
    problems: Problems,
) -> ProfileTable | None:
    """``[[profiles]]``: rules that give every profile an outcome and every actor a payoff."""
    if not isinstance(value, list) or not value:
        problems.add("profiles", f"expected a list of [[profiles]] rules, got {describe(value)}")
        return None
    if len(value) > MAX_RULES:
        problems.add("profiles", f"{len(value):,} rules: at most {MAX_RULES:,} are supported")
        return None
    shape = tuple(len(actor.options) for actor in actors.found)
    if actors.complete and math.prod(shape) > MAX_PROFILES:
        problems.add(
            "actors", f"{math.prod(shape):,} profiles: at most {MAX_PROFILES:,} are supported"
        )
        return None
    count = len(problems.problems)
    rules = [
        rule
        for k, item in enumerate(value)
        if (rule := _check_rule(item, join("profiles", k), actors, outcomes, scope, problems))
    ]
    if not actors.complete or len(problems.problems) > count:
        return None  # matching would only add consequences of these problems
    tables = _Tables(actors.found, outcomes, matrices, problems)
    for rule in rules:
        tables.apply(rule)
    _report_unmatched(tables.outcomes, actors.found, problems)
    return None if problems else tables.result()


def _check_rule(
    item: Any, where: str, actors: Actors, outcomes: Outcomes, scope: Scope, problems: Problems
) -> _Rule | None:
    """One rule: an option or ``*`` per actor, an outcome, optional payoffs."""
    ids = [actor.id for actor in actors.found]
    # Actors whose definitions have problems: their keys are accepted, not checked.
    broken = tuple(a for a in actors.ids or () if a not in ids)
    table = problems.table(item, where, (*ids, "outcome"), ("payoffs", *broken))
    if table is None:
        return None
    matches = [_check_choice(table, actor, where, problems) for actor in actors.found]
    outcome = _check_outcome(table, where, outcomes, problems)
    payoffs = check_payoffs(
        table.get("payoffs", {}), f"{where}.payoffs", actors.ids, scope, problems
    )
    if outcome is None or any(match is None for match in matches):
        return None
    return _Rule(tuple(m for m in matches if m is not None), outcome, payoffs, where)


def _check_choice(
    table: dict[str, Any], actor: Actor, where: str, problems: Problems
) -> tuple[int, ...] | None:
    """The option indices a rule matches for one actor (``None``: missing or unknown)."""
    if actor.id not in table:
        return None  # reported as a missing key
    choice = table[actor.id]
    if choice == WILDCARD:
        return tuple(range(len(actor.options)))
    if isinstance(choice, str) and choice in actor.option_ids:
        return (actor.option_ids.index(choice),)
    hint = suggest(choice, actor.option_ids) if isinstance(choice, str) else ""
    problems.add(
        join(where, actor.id),
        f"unknown option {show(choice)}{hint} "
        f"(expected one of {', '.join(actor.option_ids)} or '*')",
    )
    return None


def _check_outcome(
    table: dict[str, Any], where: str, outcomes: Outcomes, problems: Problems
) -> str | None:
    """A rule's outcome (``None``: missing, unknown, or with problems of its own)."""
    if "outcome" not in table:
        return None  # reported as a missing key
    outcome = table["outcome"]
    if not isinstance(outcome, str):
        problems.add(
            f"{where}.outcome", f"expected the name of an outcome, got {describe(outcome)}"
        )
        return None
    if outcome not in outcomes.names:
        problems.add(
            f"{where}.outcome",
            f"unknown outcome {show(outcome)}{suggest(outcome, outcomes.names)}",
        )
        return None
    return outcome if outcome in outcomes.found else None  # else its own problems are reported


class _Tables:
    """The profile tables under construction, filled by the first rule matching each profile."""

    def __init__(
        self,
        actors: tuple[Actor, ...],
        outcomes: Outcomes,
        matrices: dict[str, Matrix],
        problems: Problems,
    ) -> None:
        shape = tuple(len(actor.options) for actor in actors)
        self.actors = actors
        self.drafts = outcomes.found
        self.outcome_ids = list(outcomes.found)
        self.matrices = matrices
        self.problems = problems
        self.outcomes = np.full(shape, -1, dtype=np.intp)
        self.index = [np.full(shape, -1, dtype=np.intp) for _ in actors]
        # Per actor: location -> position in its list of distinct expressions.
        self.positions: list[dict[str, int]] = [{} for _ in actors]
        self.expressions: list[list[Expression]] = [[] for _ in actors]

    def apply(self, rule: _Rule) -> None:
        """Give the rule's outcome and payoffs to the profiles it matches that no earlier rule
        decided: whole blocks of the tables at once (a rule may match every profile)."""
        block = np.ix_(*rule.matches)
        outcomes = self.outcomes[block]  # a copy: written back below
        new = outcomes < 0
        if not new.any():
            return
        outcomes[new] = self.outcome_ids.index(rule.outcome)
        self.outcomes[block] = outcomes
        decided = np.argwhere(new)  # in profile order, as the rule lists them
        for i, actor in enumerate(self.actors):
            if actor.id in self.matrices:  # a payoff of its own at every profile
                for at in decided.tolist():
                    profile = tuple(m[k] for m, k in zip(rule.matches, at, strict=True))
                    r, c = profile
                    where = f"matrices.{actor.id}[{r}][{c}]"
                    self.place(i, self.matrices[actor.id][r][c], where, profile)
                continue
            found = self.payoff(actor, rule, decided[0])
            if found is not None and found[0] is not None:
                index = self.index[i][block]
                index[new] = self.position(i, found[0], found[1])
                self.index[i][block] = index

    def place(
        self, actor: int, expression: Expression | None, location: str, profile: tuple[int, ...]
    ) -> None:
        """One profile's payoff for one actor (a matrix entry)."""
        if expression is not None:  # else its problems are reported
            self.index[actor][profile] = self.position(actor, expression, location)

    def position(self, actor: int, expression: Expression, location: str) -> int:
        """The index of the expression at ``location`` among the actor's distinct ones."""
        if location not in self.positions[actor]:
            self.positions[actor][location] = len(self.expressions[actor])
            self.expressions[actor].append(expression)
        return self.positions[actor][location]

    def payoff(
        self, actor: Actor, rule: _Rule, first: NDArray[np.intp]
    ) -> tuple[Expression | None, str] | None:
        """An actor's payoff under a rule and where it is written: the rule's, then the
        outcome's; ``None`` after reporting that there is none (at the ``first`` profile)."""
        defaults = self.drafts[rule.outcome].payoffs
        if actor.id in rule.payoffs:
            return rule.payoffs[actor.id], f"{rule.location}.payoffs.{actor.id}"
        if actor.id in defaults:
            return defaults[actor.id], f"outcomes.{rule.outcome}.payoffs.{actor.id}"
        profile = tuple(m[k] for m, k in zip(rule.matches, first.tolist(), strict=True))
        self.problems.add(
            rule.location,
            f"no payoff for {actor.id} at profile ({_named(self.actors, profile)}): "
            f"give one in outcomes.{rule.outcome}.payoffs or in this rule's payoffs",
        )
        return None

    def result(self) -> ProfileTable:
        return ProfileTable(
            self.outcomes,
            tuple(tuple(e) for e in self.expressions),
            tuple(self.index),
            tuple(tuple(self.positions[i]) for i in range(len(self.actors))),
        )


def _report_unmatched(
    profile_outcomes: NDArray[np.intp], actors: tuple[Actor, ...], problems: Problems
) -> None:
    """Record the profiles no rule matched (the first five)."""
    missing = np.argwhere(profile_outcomes < 0)
    if len(missing):
        named = [f"({_named(actors, row)})" for row in missing[:5]]
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        problems.add(
            "profiles",
            f"no rule matches profile(s) {', '.join(named)}{more}; add a rule or a catch-all with '*'",
        )


def _named(actors: tuple[Actor, ...], profile: Any) -> str:
    """A profile by its option ids: ``restrain, arm``."""
    return ", ".join(a.option_ids[s] for a, s in zip(actors, profile, strict=True))
