"""Checking a scenario file: the names an actor's options define, and the payoffs that use them.

An option may define names for the payoff expressions and ``[definitions]`` to use,
``defines = { pi = "pi_commission", regime_cost = "cost_commission" }``: at a profile, each
name is the expression of the option its actor plays there, so one outcome's payoff serves every
profile. Every option of such an actor defines the same names; a name is defined by one actor
only and is new (not a parameter, a definition, a type indicator or a function); an option's
expression uses parameters and the ``[definitions]`` that do not use option-defined names (one
level: what a name means never depends on another actor's option).

The file is checked once with each option-defined name standing for itself (a *placeholder*:
an expression of a free variable of that name, so nothing is folded or evaluated with a value
it does not have; :func:`read_defines`, :func:`compile_defines`). Then every expression that
uses such a name is compiled again for each combination of the options of the actors whose
names it uses, and each profile takes the one of its own options (:func:`specialise`): only
those actors multiply the work, and a problem only some options have is said once, with the
first options that have it (``(when us plays pressure)``).
"""

from __future__ import annotations

import itertools
import keyword
import math
from collections.abc import Collection, Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._checking import NAME, Problems, join, suggest
from ._check_actors import Actors
from ._check_expressions import Scope, check_finite
from ._check_meta import Parameters, usable_name
from ._check_profiles import ProfileTable
from .expressions import FUNCTIONS, Expression, parse_expression, referenced_names
from .model import Actor

__all__ = [
    "MAX_VARIANTS",
    "OptionNames",
    "compile_defines",
    "option_dependent",
    "read_defines",
    "specialise",
]

#: Options per defining actor, as (actor position, option index) pairs sorted by actor.
Assignment = tuple[tuple[int, int], ...]
#: Payoff expressions and definitions compiled again, one per combination of the options each
#: uses, in one file's check (a type profile's): each takes about 0.1 ms.
MAX_VARIANTS = 20_000


class OptionNames(NamedTuple):
    """The valid option-defined names: the actor defining each (its position among the
    actors) and, per option of that actor, the text and where it is written."""

    owner: dict[str, int]
    texts: dict[str, tuple[tuple[Any, str], ...]]
    #: Names some options define with problems (reported): their uses are not reported again.
    broken: frozenset[str] = frozenset()

    def placeholders(self) -> dict[str, Expression | None]:
        """Each name as an expression of a free variable of the same name (see the module);
        ``None`` for a broken one."""
        found: dict[str, Expression | None] = dict.fromkeys(self.broken)
        found.update({name: parse_expression(name, parameters=[name]) for name in self.owner})
        return found


def option_dependent(expression: Expression | None, names: Collection[str]) -> bool:
    """Whether a placeholder-checked expression uses an option-defined name (directly or
    through a definition).

    >>> pi = parse_expression("pi", parameters=["pi"])
    >>> option_dependent(parse_expression("1 - pi", parameters=[], definitions={"pi": pi}), {"pi"})
    True
    """
    return expression is not None and not expression.parameters.isdisjoint(names)


def read_defines(
    actors: Actors,
    parameters: Parameters,
    definitions: Any,
    reserved: Mapping[str, str],
    problems: Problems,
) -> OptionNames:
    """Every actor's ``defines``: a table per option, the same names in each, each name new.

    ``definitions``: the ``[definitions]`` table as written; ``reserved``: other names taken
    (a type indicator -> what it is).
    """
    taken = {
        **{n: "a parameter" for n in parameters.names},
        **{n: "a [definitions] name" for n in definitions if isinstance(definitions, dict)},
        **reserved,
    }
    owner: dict[str, int] = {}
    texts: dict[str, tuple[tuple[Any, str], ...]] = {}
    for position, actor in enumerate(actors.found):
        if actor.id not in actors.defines:
            continue
        where, given = actors.defines[actor.id]
        tables = _tables(actor, where, given, problems)
        for name, options in tables.items():
            at = options[0][1]
            if not usable_name(name, at, "defined", tuple(FUNCTIONS), problems):
                continue
            if name in taken:
                problems.add(at, f"{name!r} is {taken[name]}: a defined name needs one of its own")
            elif name in owner:
                other = actors.found[owner[name]].id
                problems.add(
                    at,
                    f"{name!r} is defined by {other}'s options: a name has one actor defining it",
                )
            else:
                owner[name], texts[name] = position, options
    # Names to accept quietly where used (a name expressions cannot use is left out).
    broken = {
        n
        for n in actors.defined - owner.keys() - taken.keys()
        if NAME.fullmatch(n) and not keyword.iskeyword(n) and n not in FUNCTIONS
    }
    return OptionNames(owner, texts, frozenset(broken))


def _tables(
    actor: Actor, where: str, given: tuple[Any, ...], problems: Problems
) -> dict[str, tuple[tuple[Any, str], ...]]:
    """One actor's names, each with (text, location) per option; only the names every option
    defines (a missing or extra one is reported at its option)."""
    read = [
        None if d is None else problems.table(d, f"{where}[{j}].defines", free_keys=True)
        for j, d in enumerate(given)
    ]
    first = next((j for j, table in enumerate(read) if table is not None), None)
    if first is None:
        return {}
    names = list(read[first] or {})
    named = ", ".join(names)
    for j, table in enumerate(read):
        at = f"{where}[{j}]"
        option = actor.option_ids[j]
        if given[j] is None:
            problems.add(at, f"missing defines: every option of {actor.id} defines {named}")
        for name in [] if table is None else [n for n in table if n not in names]:
            problems.add(
                join(f"{at}.defines", name),
                f"{option} defines {name!r}, {actor.option_ids[first]} does not: every option "
                f"of {actor.id} defines the same names{suggest(name, names, listing=True)}",
            )
        missing = [] if table is None else [n for n in names if n not in table]
        if missing:
            problems.add(
                f"{at}.defines",
                f"missing {', '.join(missing)}: every option of {actor.id} defines {named}",
            )
    complete = [table for table in read if table is not None]
    if len(complete) < len(read):
        return {}
    return {
        name: tuple(
            (table[name], join(f"{where}[{j}].defines", name)) for j, table in enumerate(complete)
        )
        for name in names
        if all(name in table for table in complete)
    }


def compile_defines(
    names: OptionNames, scope: Scope, parameters: Parameters, problems: Problems
) -> dict[str, tuple[Expression | None, ...]]:
    """Each option's expression of each name: parameters and option-free definitions only,
    finite at the parameters' defaults. ``scope``: after :func:`check_definitions` with the
    placeholders."""
    owned = names.owner.keys()
    dependent = {n for n, e in scope.definitions.items() if option_dependent(e, owned)}
    free = Scope(scope.parameters, _free(scope, owned))
    found: dict[str, tuple[Expression | None, ...]] = {}
    for name, options in names.texts.items():
        compiled: list[Expression | None] = []
        for text, at in options:
            used = sorted(referenced_names(text) & (owned | dependent))
            if used:
                kind = "is defined by options" if used[0] in owned else "uses option-defined names"
                problems.add(
                    at,
                    f"{used[0]!r} {kind}: an option's definitions use parameters and "
                    "[definitions] that do not depend on options",
                )
                compiled.append(None)
                continue
            expression = free.check(text, at, problems)
            if expression is not None:
                check_finite(name, expression, parameters, at, problems)
            compiled.append(expression)
        found[name] = tuple(compiled)
    return found


def _free(scope: Scope, owned: Collection[str]) -> dict[str, Expression | None]:
    """The definitions that use no option-defined name (nor are one)."""
    return {
        n: e
        for n, e in scope.definitions.items()
        if n not in owned and not option_dependent(e, owned)
    }


class _Variants:
    """Expressions compiled again for given options of the actors they depend on, cached, with
    the problems found and the first options that had each."""

    def __init__(
        self,
        actors: tuple[Actor, ...],
        names: OptionNames,
        values: Mapping[str, tuple[Expression | None, ...]],
        scope: Scope,
        parameters: Parameters,
    ) -> None:
        self.actors, self.names, self.values, self.parameters = actors, names, values, parameters
        owned = names.owner.keys()
        self.free = _free(scope, owned)
        #: The definitions using option-defined names, in dependency order, with their actors.
        self.dependent = {
            n: (e, _users(e, names.owner))
            for n, e in scope.definitions.items()
            if n not in owned and e is not None and option_dependent(e, owned)
        }
        self.compiled: dict[tuple[str, Assignment], Expression | None] = {}
        self.said: dict[str, tuple[str, Assignment]] = {}

    def definitions(self, assignment: Assignment) -> dict[str, Expression | None]:
        """The definitions in scope when the actors of ``assignment`` play its options."""
        chosen = dict(assignment)
        found = dict(self.free)
        for name, actor in self.names.owner.items():
            if actor in chosen:
                found[name] = self.values[name][chosen[actor]]
        for name, (expression, users) in self.dependent.items():
            if not set(users) <= chosen.keys():
                continue
            key = (name, tuple((a, chosen[a]) for a in users))
            if key not in self.compiled:
                where = join("definitions", name)
                compiled = self.compile(expression.text, where, found, key[1])
                if compiled is not None:
                    problems = Problems()
                    check_finite(name, compiled, self.parameters, where, problems)
                    self.note(problems, key[1])
                self.compiled[key] = compiled
            found[name] = self.compiled[key]
        return found

    def compile(
        self,
        text: str,
        location: str,
        definitions: Mapping[str, Expression | None],
        assignment: Assignment,
    ) -> Expression | None:
        problems = Problems()
        expression = Scope(self.parameters.names, definitions).check(text, location, problems)
        self.note(problems, assignment)
        return expression

    def note(self, problems: Problems, assignment: Assignment) -> None:
        """Keep the first problem at each location: the names were checked once already, so
        what remains is a value of some options (the same defect, said once)."""
        for problem in problems.problems:
            self.said.setdefault(problem.location, (problem.message, assignment))

    def when(self, assignment: Assignment) -> str:
        """``us plays pressure and eu plays veto``."""
        return " and ".join(
            f"{self.actors[a].id} plays {self.actors[a].option_ids[o]}" for a, o in assignment
        )

    def count(self) -> int:
        """How many definitions :meth:`check_definitions` compiles."""
        return sum(
            math.prod(len(self.actors[a].options) for a in users)
            for _, users in self.dependent.values()
        )

    def check_definitions(self) -> None:
        """Every option-dependent definition under every combination of its actors' options."""
        for _, users in self.dependent.values():
            for combination in itertools.product(
                *(range(len(self.actors[a].options)) for a in users)
            ):
                self.definitions(tuple(zip(users, combination, strict=True)))


def _users(expression: Expression, owner: Mapping[str, int]) -> tuple[int, ...]:
    """The actors whose option-defined names an expression uses, in actor order."""
    return tuple(sorted({owner[n] for n in expression.parameters if n in owner}))


class _Split(NamedTuple):
    """One actor's payoff expression split by options: the actors whose names it uses, the
    profiles using it, the combinations of those actors' options there, and each profile's."""

    users: tuple[int, ...]
    at: tuple[NDArray[np.intp], ...]
    combinations: list[list[int]]
    inverse: NDArray[np.intp]


def _split(table: ProfileTable, owner: Mapping[str, int]) -> list[list[_Split]]:
    """Every actor's expressions split by the options of the profiles using each."""
    found = []
    for i, expressions in enumerate(table.expressions):
        own = []
        for j, expression in enumerate(expressions):
            at = np.nonzero(table.expression_index[i] == j)
            users = _users(expression, owner)
            if not users:
                own.append(_Split((), at, [[]], np.zeros(at[0].size, dtype=np.intp)))
                continue
            combinations, inverse = np.unique(
                np.stack([at[a] for a in users], axis=1), axis=0, return_inverse=True
            )
            own.append(_Split(users, at, combinations.tolist(), inverse.ravel()))
        found.append(own)
    return found


def specialise(
    table: ProfileTable,
    actors: tuple[Actor, ...],
    names: OptionNames,
    values: Mapping[str, tuple[Expression | None, ...]],
    scope: Scope,
    parameters: Parameters,
    problems: Problems,
) -> ProfileTable | None:
    """The profile table with every option-dependent payoff compiled for the options of each
    profile (``None`` after reporting problems, each once)."""
    variants = _Variants(actors, names, values, scope, parameters)
    splits = _split(table, names.owner)
    count = variants.count() + sum(len(s.combinations) for own in splits for s in own if s.users)
    if count > MAX_VARIANTS:
        problems.add(
            "actors",
            f"the options' defined names make {count:,} payoff expressions and definitions to "
            f"compile (one per combination of the options each uses); at most "
            f"{MAX_VARIANTS:,}: let each payoff use the names of fewer actors",
        )
        return None
    variants.check_definitions()
    expressions: list[tuple[Expression, ...]] = []
    indices = []
    locations: list[tuple[str, ...]] = []
    for i, own in enumerate(splits):
        compiled: list[Expression | None] = []
        where: list[str] = []
        index = np.empty_like(table.expression_index[i])
        for j, split in enumerate(own):
            expression, location = table.expressions[i][j], table.locations[i][j]
            index[split.at] = len(compiled) + split.inverse
            if not split.users:
                compiled.append(expression)
                where.append(location)
                continue
            for combination in split.combinations:
                assignment = tuple(zip(split.users, combination, strict=True))
                definitions = variants.definitions(assignment)
                compiled.append(
                    variants.compile(expression.text, location, definitions, assignment)
                )
                where.append(f"{location} (when {variants.when(assignment)})")
        expressions.append(tuple(e for e in compiled if e is not None))
        indices.append(index)
        locations.append(tuple(where))
    for location, (message, assignment) in variants.said.items():
        problems.add(location, f"{message} (when {variants.when(assignment)})")
    if variants.said:
        return None
    return ProfileTable(table.outcomes, tuple(expressions), tuple(indices), tuple(locations))
