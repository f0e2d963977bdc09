"""Checking a scenario file, step 2: ``[definitions]``, and payoff expressions wherever they are.

A definition names a sub-expression of parameters (and of other definitions) for use
in every payoff: ``q_up = "clip(p + rearm, 0, 1)"``. Definitions may be written in any
order; they are compiled in dependency order and inlined where they are used
(:mod:`negotiation_sim.scenario.expressions`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple, TypeAlias

from .._checking import Problems, describe, join, suggest
from ._check_actors import Actors
from ._check_meta import Parameters, usable_name
from .expressions import FUNCTIONS, Expression, check_expression, referenced_names

#: Payoffs given for actors: an expression, or ``None`` when it has problems (reported).
Payoffs: TypeAlias = dict[str, Expression | None]
#: A two-actor payoff matrix: rows are the first actor's options.
Matrix: TypeAlias = list[list[Expression | None]]


class Scope(NamedTuple):
    """The names a payoff expression may use: parameters and definitions.

    A definition with problems maps to ``None``: using it is not reported again.
    """

    parameters: frozenset[str]
    definitions: Mapping[str, Expression | None]

    def check(self, text: Any, location: str, problems: Problems) -> Expression | None:
        """Check one expression, recording its problems."""
        expression, found = check_expression(
            text, parameters=self.parameters, location=location, definitions=self.definitions
        )
        problems.extend(found)
        return expression


def check_definitions(
    value: Any,
    parameters: Parameters,
    problems: Problems,
    given: Mapping[str, Expression | None] | None = None,
) -> Scope:
    """``[definitions]``: each name (a new one) and expression, without cycles, finite at defaults.

    ``given``: names defined elsewhere that definitions may use (the options' defined names,
    :mod:`._option_defines`; their names are checked there). Returns the scope of the payoffs,
    ``given`` first, then the definitions in dependency order.
    """
    given = dict(given or {})
    texts: dict[str, Any] = {}
    for name, text in (problems.table(value, "definitions", free_keys=True) or {}).items():
        where = join("definitions", name)
        if not usable_name(name, where, "definition", tuple(FUNCTIONS), problems):
            continue
        if name in parameters.names:
            problems.add(where, f"{name!r} is a parameter: a definition needs a name of its own")
        elif name not in given:  # else the option that defines it says the clash
            texts[name] = text
    position = {name: k for k, name in enumerate(texts)}
    order, cycles = dependency_order(
        {
            name: sorted(
                (n for n in referenced_names(text) if n in texts), key=position.__getitem__
            )
            for name, text in texts.items()
        }
    )
    for cycle in cycles:
        problems.add(
            join("definitions", cycle[0]), f"definitions form a cycle: {' -> '.join(cycle)}"
        )
    broken = {name for cycle in cycles for name in cycle}
    # Every name is known from the start (None until compiled): the order puts what a
    # definition uses before it, so a None it meets is a definition with problems.
    definitions: dict[str, Expression | None] = {**given, **dict.fromkeys(texts)}
    scope = Scope(parameters.names, definitions)
    for name in order:
        where = join("definitions", name)
        expression = None if name in broken else scope.check(texts[name], where, problems)
        if expression is not None:
            check_finite(name, expression, parameters, where, problems)
        definitions[name] = expression
    return Scope(parameters.names, {**given, **{name: definitions[name] for name in order}})


def dependency_order(uses: Mapping[str, list[str]]) -> tuple[list[str], list[list[str]]]:
    """Names with each one after the names it uses (otherwise in the given order), and cycles.

    Iterative depth-first search (a file may chain thousands of definitions).
    A cycle is given as a path back to its start, ``[a, b, a]``, once.

    >>> dependency_order({"a": ["b"], "b": [], "c": ["a", "b"]})
    (['b', 'a', 'c'], [])
    >>> dependency_order({"a": ["b"], "b": ["a"], "c": ["c"]})
    (['b', 'a', 'c'], [['a', 'b', 'a'], ['c', 'c']])
    """
    order: list[str] = []
    cycles: list[list[str]] = []
    done: set[str] = set()
    for root in uses:
        if root in done:
            continue
        path = [root]
        pending = [iter(uses[root])]
        while path:
            step = next(pending[-1], None)
            if step is None:
                pending.pop()
                name = path.pop()
                done.add(name)
                order.append(name)
            elif step in path:
                cycles.append([*path[path.index(step) :], step])
            elif step not in done:
                path.append(step)
                pending.append(iter(uses[step]))
    return order, cycles


def check_finite(
    name: str, expression: Expression, parameters: Parameters, where: str, problems: Problems
) -> None:
    """Record a definition that is not finite at the parameters' defaults (not checked when
    it uses a name other than the parameters, such as an option-defined one)."""
    if not expression.parameters <= parameters.found.keys():
        return  # a parameter it uses has problems (reported)
    defaults = {p: parameters.found[p].default for p in sorted(expression.parameters)}
    value = float(expression.evaluate(defaults))
    if not math.isfinite(value):
        at = ", ".join(f"{p} = {v:g}" for p, v in defaults.items())
        problems.add(where, f"definition {name!r} is {value} at the parameter defaults ({at})")


def check_payoffs(
    value: Any, where: str, actor_ids: tuple[str, ...] | None, scope: Scope, problems: Problems
) -> Payoffs:
    """A payoffs table ``actor = number or "expression"`` (an outcome's or a rule's)."""
    table = problems.table(value, where, free_keys=True)
    if table is None:  # counts as given (with problems) for every actor
        return dict.fromkeys(actor_ids or ())
    found: Payoffs = {}
    for actor, text in table.items():
        if actor_ids is not None and actor not in actor_ids:
            problems.add(join(where, actor), f"unknown actor{suggest(actor, actor_ids)}")
            continue
        found[actor] = scope.check(text, join(where, actor), problems)
    return found


def check_matrices(
    value: Any, actors: Actors, scope: Scope, problems: Problems
) -> dict[str, Matrix]:
    """``[matrices]``: per-actor payoff matrices of a two-actor scenario."""
    table = problems.table(value, "matrices", free_keys=True)
    if not table:
        return {}
    if len(actors.found) != 2 or not actors.complete:
        if len(actors.found) != 2:
            problems.add(
                "matrices",
                f"payoff matrices are for two actors, this scenario has {len(actors.found)}",
            )
        return {}
    rows, columns = (len(actor.options) for actor in actors.found)
    ids = [actor.id for actor in actors.found]
    found: dict[str, Matrix] = {}
    for actor, matrix in table.items():
        where = join("matrices", actor)
        if actor not in ids:
            problems.add(where, f"unknown actor{suggest(actor, ids)}")
            continue
        shape_ok = (
            isinstance(matrix, list)
            and len(matrix) == rows
            and all(isinstance(row, list) and len(row) == columns for row in matrix)
        )
        if not shape_ok:
            problems.add(
                where,
                f"expected {rows} rows ({ids[0]}'s options) of {columns} entries "
                f"({ids[1]}'s options), got {describe(matrix)}",
            )
            continue
        found[actor] = [
            [scope.check(text, f"{where}[{r}][{c}]", problems) for c, text in enumerate(row)]
            for r, row in enumerate(matrix)
        ]
    return found
