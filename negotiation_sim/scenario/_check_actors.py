"""Checking a scenario file, step 3: ``[[actors]]`` with their options, and ``[formats]``."""

from __future__ import annotations

from typing import Any, NamedTuple

from .._checking import Problems, describe, join, show, suggest
from .model import BEST_REPLY, Actor, Format, Option

#: The keys of a profiles rule besides the actor ids: no actor can have these ids.
RULE_KEYS = ("outcome", "payoffs")
#: Actors a scenario may have (each is an axis of the payoff arrays; numpy allows 64).
MAX_ACTORS = 32


class Actors(NamedTuple):
    """The valid actors, every declared id, and whether the list is free of problems.

    ``ids`` includes actors with problems (a reference to one is not reported again);
    it is ``None`` when there is no usable actor list (references are not checked).
    """

    found: tuple[Actor, ...]
    ids: tuple[str, ...] | None
    complete: bool
    #: Per valid actor id: where its options are, and each option's ``defines`` as written
    #: (``None`` when the option has none), checked by :mod:`._option_defines`.
    defines: dict[str, tuple[str, tuple[Any, ...]]]
    #: Every name some option of some actor (valid or not) defines: not reported where used.
    defined: frozenset[str] = frozenset()


class Formats(NamedTuple):
    """The valid formats, and every declared name."""

    found: dict[str, Format]
    names: frozenset[str]


def check_actors(value: Any, problems: Problems) -> Actors:
    """``[[actors]]``: 2 to 32 actors, each with a unique id, a name and options."""
    if value is None:
        return Actors((), None, False, {})  # reported as a missing key
    if not isinstance(value, list):
        problems.add(
            "actors", f"expected a list of actors ([[actors]] tables), got {describe(value)}"
        )
        return Actors((), None, False, {})
    count = len(problems.problems)
    if len(value) < 2:
        problems.add("actors", f"expected at least two actors, got {len(value)}")
    if len(value) > MAX_ACTORS:
        problems.add("actors", f"at most {MAX_ACTORS} actors are supported, got {len(value)}")
    actors: list[Actor] = []
    seen: list[str] = []
    defines: dict[str, tuple[str, tuple[Any, ...]]] = {}
    defined: set[str] = set()
    for k, item in enumerate(value):
        where = join("actors", k)
        table = problems.table(item, where, ("id", "name", "options"))
        if table is None:
            continue
        actor_id = problems.string(table["id"], f"{where}.id", name=True) if "id" in table else None
        name = problems.string(table["name"], f"{where}.name") if "name" in table else None
        usable = actor_id not in seen and actor_id not in RULE_KEYS
        if actor_id in seen:
            problems.add(f"{where}.id", f"duplicate actor id {actor_id!r}")
        elif actor_id in RULE_KEYS:
            problems.add(f"{where}.id", f"{actor_id!r} is reserved: profiles rules use it as a key")
        if actor_id and actor_id not in seen:
            seen.append(actor_id)
        options = (
            _check_options(table["options"], f"{where}.options", problems)
            if "options" in table
            else ()
        )
        written = _written_defines(table.get("options"))
        defined.update(n for d in written if isinstance(d, dict) for n in d)
        if actor_id and name and options and usable:
            actors.append(Actor(actor_id, name, options))
            if any(d is not None for d in written):
                defines[actor_id] = (f"{where}.options", written)
    complete = len(problems.problems) == count and len(actors) == len(value)
    return Actors(
        tuple(actors), tuple(seen) if value else None, complete, defines, frozenset(defined)
    )


def _written_defines(options: Any) -> tuple[Any, ...]:
    """Each option's ``defines`` as written (``None`` where it has none)."""
    if not isinstance(options, list):
        return ()
    return tuple(o.get("defines") if isinstance(o, dict) else None for o in options)


def _check_options(value: Any, where: str, problems: Problems) -> tuple[Option, ...]:
    """An actor's options: ``{ id, description }`` tables with unique ids (all valid, or none);
    an option's ``defines`` is checked by :mod:`._option_defines`."""
    if not isinstance(value, list) or not value:
        problems.add(
            where, f"expected a non-empty list of {{ id, description }}, got {describe(value)}"
        )
        return ()
    options: list[Option] = []
    seen: set[str] = set()
    for k, item in enumerate(value):
        at = join(where, k)
        table = problems.table(item, at, ("id", "description"), ("defines",))
        if table is None:
            continue
        option_id = problems.string(table["id"], f"{at}.id", name=True) if "id" in table else None
        description = (
            problems.string(table["description"], f"{at}.description")
            if "description" in table
            else None
        )
        if option_id in seen:
            problems.add(f"{at}.id", f"duplicate option id {option_id!r}")
            continue
        if option_id and description:
            seen.add(option_id)
            options.append(Option(option_id, description))
    return tuple(options) if len(options) == len(value) else ()


def check_formats(value: Any, actors: Actors, problems: Problems) -> Formats:
    """``[formats.NAME]``: choosers, and what every other actor does."""
    found: dict[str, Format] = {}
    names: set[str] = set()
    for name, spec in (problems.table(value, "formats", free_keys=True) or {}).items():
        names.add(name)
        where = join("formats", name)
        table = problems.table(spec, where, ("choosers",), ("description", "others", "signalling"))
        if table is None:
            continue
        count = len(problems.problems)
        signalling = table.get("signalling", False)
        fewest = 1 if signalling is True else 2
        if not isinstance(signalling, bool):
            problems.add(
                f"{where}.signalling", f"expected true or false, got {describe(signalling)}"
            )
            fewest = 0  # either kind: the count of choosers would be a second, guessed problem
        choosers = _check_choosers(
            table.get("choosers", []), f"{where}.choosers", actors, problems, fewest
        )
        others = _check_others(
            table.get("others", {}), f"{where}.others", choosers, actors, problems
        )
        missing = [a for a in actors.ids or () if a not in choosers and a not in dict(others)]
        if len(problems.problems) == count and missing:
            problems.add(
                f"{where}.others",
                f"say what {', '.join(missing)} do(es): an option or {BEST_REPLY!r}",
            )
        if len(problems.problems) == count and signalling is True:
            _check_signalling(others, where, problems)
        ok = len(problems.problems) == count
        description = table.get("description", "")
        if not isinstance(description, str):
            problems.add(f"{where}.description", f"expected a string, got {describe(description)}")
        if ok:
            found[name] = Format(name, str(description), choosers, others, signalling is True)
    return Formats(found, frozenset(names))


def _check_signalling(others: tuple[tuple[str, str], ...], where: str, problems: Problems) -> None:
    """A signalling format: one replier, who sees the one chooser's move (its types are
    checked with the actors' types, :func:`negotiation_sim.scenario.load`)."""
    repliers = [actor for actor, does in others if does == BEST_REPLY]
    if len(repliers) != 1:
        problems.add(
            f"{where}.others",
            f"a signalling format needs exactly one actor that replies ({BEST_REPLY!r}), "
            f"got {len(repliers)}{': ' + ', '.join(repliers) if repliers else ''}",
        )


def _check_choosers(
    value: Any, where: str, actors: Actors, problems: Problems, fewest: int = 2
) -> tuple[str, ...]:
    """A format's choosers: at least two distinct actors (exactly one, the sender, in a
    signalling format)."""
    choosers = problems.strings(value, where)
    if fewest == 1 and len(choosers) != 1:
        problems.add(
            where, f"a signalling format has exactly one chooser (the sender), got {len(choosers)}"
        )
    elif len(choosers) < fewest:
        problems.add(where, f"expected at least two actors, got {len(choosers)}")
    for k, actor in enumerate(choosers):
        if actors.ids is not None and actor not in actors.ids:
            problems.add(join(where, k), f"unknown actor {show(actor)}{suggest(actor, actors.ids)}")
    if len(set(choosers)) != len(choosers):
        problems.add(where, "an actor is listed twice")
    return choosers


def _check_others(
    value: Any, where: str, choosers: tuple[str, ...], actors: Actors, problems: Problems
) -> tuple[tuple[str, str], ...]:
    """A format's ``others``: each non-chooser's fixed option or ``best_reply``, in order."""
    by_id = {actor.id: actor for actor in actors.found}
    others: list[tuple[str, str]] = []
    for actor, what in (problems.table(value, where, free_keys=True) or {}).items():
        at = join(where, actor)
        if actors.ids is not None and actor not in actors.ids:
            problems.add(at, f"unknown actor{suggest(actor, actors.ids)}")
        elif actor in choosers:
            problems.add(at, "this actor is already a chooser")
        elif not isinstance(what, str) or (
            actor in by_id and what != BEST_REPLY and what not in by_id[actor].option_ids
        ):
            listed = f" ({', '.join(by_id[actor].option_ids)})" if actor in by_id else ""
            problems.add(
                at,
                f"expected {BEST_REPLY!r} or one of {actor}'s options{listed}, "
                f"got {describe(what)}",
            )
        else:
            others.append((actor, what))
    return tuple(others)
