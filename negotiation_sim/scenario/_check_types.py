"""Checking a scenario file, step 0: actor types (incomplete information, MODEL.md §7).

An actor may declare ``types = ["security_seeker", "revisionist"]`` and a prior
``prior = { security_seeker = "trust", revisionist = "1 - trust" }`` (expressions of the
parameters, independent across actors). A payoffs table may then give a payoff for one type,
``"russia.revisionist" = "..."``, which overrides ``russia = "..."`` for that type; and every
expression may use the indicator ``russia_is_revisionist`` (1 for that type, 0 otherwise).

A typed file is checked as one untyped file per type profile (:func:`resolve`): each type
profile's payoffs are the file's with the keys of that profile's types; every step of the
checking runs on each, and a problem that only some type profiles have is said with the first
of them (``(when russia is revisionist)``). This step reads the types, checks them and their
keys, and hands the later steps the file without them.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from .._checking import Problems, join, show, suggest
from .expressions import Expression

__all__ = [
    "MAX_TYPES",
    "MAX_TYPE_PROFILES",
    "TypeDraft",
    "check_prior_sums",
    "indicator",
    "not_distributions",
    "resolve",
    "split_types",
    "type_profiles",
]

#: Types one actor may have.
MAX_TYPES = 8
#: Type profiles a scenario may have (each is checked, and built, as a game of its own).
MAX_TYPE_PROFILES = 64
#: How far a prior may be from summing to 1, or a probability outside [0, 1].
PRIOR_TOLERANCE = 1e-9


class TypeDraft(NamedTuple):
    """The actors' types, their prior texts, and the file without them."""

    types: dict[str, tuple[str, ...]]  # typed actors only, in file order
    prior: dict[str, dict[str, Any]]  # actor -> type -> expression text (independent types)
    stripped: dict[str, Any]  # the file's data without ``types``, ``prior``, ``[type_prior]``
    #: ``[type_prior]`` (correlated types): type profile (typed actors' types) -> text.
    joint: dict[tuple[str, ...], Any] | None = None


def indicator(actor: str, type_id: str) -> str:
    """The name expressions use for "``actor`` is of type ``type_id``" (1 or 0).

    >>> indicator("russia", "revisionist")
    'russia_is_revisionist'
    """
    return f"{actor}_is_{type_id}"


def type_profiles(types: Mapping[str, tuple[str, ...]]) -> Iterator[dict[str, str]]:
    """Every type profile (typed actor -> type), in C order over the actors' types."""
    actors = list(types)
    for combination in itertools.product(*(types[a] for a in actors)):
        yield dict(zip(actors, combination, strict=True))


def split_types(data: dict[str, Any], problems: Problems) -> TypeDraft:
    """Read every actor's ``types`` and ``prior`` (checked), and the file without them."""
    stripped = {k: v for k, v in data.items() if k != "type_prior"}
    actors = data.get("actors")
    types: dict[str, tuple[str, ...]] = {}
    prior: dict[str, dict[str, Any]] = {}
    joint_given = "type_prior" in data
    if not isinstance(actors, list):
        return TypeDraft(types, prior, stripped)
    kept = []
    declared = set()  # actors that declare types, valid or not: their typed keys are not noise
    for k, item in enumerate(actors):
        if not isinstance(item, dict) or ("types" not in item and "prior" not in item):
            kept.append(item)
            continue
        if isinstance(item.get("id"), str):
            declared.add(item["id"])
        where = join("actors", k)
        kept.append({key: v for key, v in item.items() if key not in ("types", "prior")})
        found = _actor_types(item, where, problems, joint=joint_given)
        actor = item.get("id")
        if found is not None and isinstance(actor, str):
            types[actor], prior[actor] = found
    stripped["actors"] = kept
    count = math.prod(len(t) for t in types.values())
    if count > MAX_TYPE_PROFILES:
        problems.add("actors", f"{count} type profiles; at most {MAX_TYPE_PROFILES}")
        types.clear()
    if types:
        _check_reserved(data, types, problems)
    if declared:
        _check_typed_keys(stripped, types, declared, problems)
    joint = _joint(data["type_prior"], types, declared, problems) if joint_given else None
    return TypeDraft(types, prior if joint is None else {}, stripped, joint)


def _joint(
    given: Any, types: Mapping[str, tuple[str, ...]], declared: set[str], problems: Problems
) -> dict[tuple[str, ...], Any] | None:
    """``[type_prior]``: one probability per type profile, keyed ``"a.trustworthy, b.opportunist"``
    (every typed actor, in file order), each profile exactly once."""
    table = problems.table(given, "type_prior", free_keys=True)
    if table is None:
        return None
    if not declared:
        problems.add("type_prior", "no actor has types: give types = [...] to some actors")
        return None
    if set(declared) != set(types):
        return None  # an actor's types have problems of their own, said already
    actors = list(types)
    found: dict[tuple[str, ...], Any] = {}
    count = len(problems.problems)
    for key, text in table.items():
        where = f'type_prior."{key}"'
        parts = [part.strip() for part in key.split(",")]
        named = dict(part.partition(".")[::2] for part in parts)
        if [part.partition(".")[0] for part in parts] != actors or any(
            named[a] not in types[a] for a in actors
        ):
            listing = ", ".join(f"{a}.{types[a][0]}" for a in actors)
            problems.add(
                where,
                f"expected one type of every typed actor, in file order, such as {listing!r}",
            )
            continue
        profile = tuple(named[a] for a in actors)
        if profile in found:
            problems.add(where, "this type profile is given twice")
            continue
        found[profile] = text
    missing = [p for p in itertools.product(*(types[a] for a in actors)) if p not in found]
    if missing and len(problems.problems) == count:
        said = ", ".join(f"{a}.{t}" for a, t in zip(actors, missing[0], strict=True))
        problems.add("type_prior", f"missing the probability of the type profile {said!r}")
    return found if len(problems.problems) == count else None


def _actor_types(
    item: dict[str, Any], where: str, problems: Problems, *, joint: bool = False
) -> tuple[tuple[str, ...], dict[str, Any]] | None:
    """One actor's types (2 to MAX_TYPES distinct names) and its prior (one text per type)."""
    if "types" not in item:
        problems.add(join(where, "prior"), "a prior needs types: give types = [...]")
        return None
    given = item["types"]
    if not isinstance(given, list) or not 2 <= len(given) <= MAX_TYPES:
        problems.add(
            join(where, "types"),
            f"expected a list of 2 to {MAX_TYPES} type names, got {show(given)}",
        )
        return None
    count = len(problems.problems)
    read = [
        problems.string(t, join(join(where, "types"), j), name=True) for j, t in enumerate(given)
    ]
    names = [n for n in read if n is not None]
    if len(problems.problems) != count or len(names) != len(read):
        return None
    if len(set(names)) != len(names):
        problems.add(join(where, "types"), "a type is listed twice")
        return None
    if joint:  # [type_prior] gives the probabilities of the type profiles
        if "prior" in item:
            problems.add(
                join(where, "prior"),
                "give either each actor's prior (independent types) or [type_prior], not both",
            )
            return None
        return tuple(names), {}
    if "prior" not in item:
        problems.add(join(where, "prior"), "missing: the probability of each type")
        return None
    table = problems.table(item["prior"], join(where, "prior"), free_keys=True)
    if table is None:
        return None
    unknown = [name for name in table if name not in names]
    for name in unknown:
        problems.add(join(join(where, "prior"), name), f"unknown type{suggest(name, names)}")
    for name in names:
        if name not in table and not unknown:  # a misspelt key says it already
            problems.add(join(where, "prior"), f"missing the probability of type {name!r}")
    if len(problems.problems) != count:
        return None
    return tuple(names), dict(table)


def _check_reserved(
    data: dict[str, Any], types: Mapping[str, tuple[str, ...]], problems: Problems
) -> None:
    """The indicator names are the types': a parameter or definition may not take one."""
    taken = {
        **{name: "parameters" for name in _table(data.get("parameters"))},
        **{name: "definitions" for name in _table(data.get("definitions"))},
    }
    for actor, names in types.items():
        for name in names:
            if indicator(actor, name) in taken:
                section = taken[indicator(actor, name)]
                problems.add(
                    join(section, indicator(actor, name)),
                    f"the name is the indicator of {actor!r} being of type {name!r}: choose another",
                )


def _payoff_tables(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every payoffs table of the file, with its location: outcomes' and profiles rules'."""
    for name, outcome in _table(data.get("outcomes")).items():
        if isinstance(outcome, dict) and isinstance(outcome.get("payoffs"), dict):
            yield join(join("outcomes", name), "payoffs"), outcome["payoffs"]
    rules = data.get("profiles")
    for k, rule in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(rule, dict) and isinstance(rule.get("payoffs"), dict):
            yield join(join("profiles", k), "payoffs"), rule["payoffs"]


def _check_typed_keys(
    data: dict[str, Any],
    types: Mapping[str, tuple[str, ...]],
    declared: set[str],
    problems: Problems,
) -> None:
    """``"actor.type"`` keys: a typed actor and one of its types (not said again for an actor
    whose types have problems of their own)."""
    for where, table in _payoff_tables(data):
        for key in table:
            if "." not in key:
                continue
            actor, _, type_id = key.partition(".")
            at = f'{where}."{key}"'
            if actor in declared and actor not in types:
                continue
            if actor not in types:
                problems.add(at, f"{actor!r} has no types{suggest(actor, list(types))}")
            elif type_id not in types[actor]:
                problems.add(
                    at, f"unknown type of {actor!r}{suggest(type_id, types[actor], listing=True)}"
                )


def resolve(
    data: dict[str, Any], types: Mapping[str, tuple[str, ...]], profile: Mapping[str, str]
) -> dict[str, Any]:
    """The untyped file of one type profile: typed keys of its types become the actors' keys
    (overriding an actor's key for all types), other types' keys go, and each indicator is a
    definition worth 1 or 0."""
    out = copy.deepcopy(data)
    for _, table in _payoff_tables(out):
        typed = {k: v for k, v in table.items() if "." in k}
        for key in typed:
            del table[key]
        for key, value in typed.items():
            actor, _, type_id = key.partition(".")
            if profile.get(actor) == type_id:
                table[actor] = value
    indicators = {
        indicator(actor, name): "1" if profile[actor] == name else "0"
        for actor, names in types.items()
        for name in names
    }
    out["definitions"] = {**indicators, **_table(out.get("definitions"))}
    return out


def not_distributions(probabilities: np.ndarray[Any, np.dtype[np.float64]]) -> Any:
    """The columns of ``probabilities`` (one row per type or type profile) that are not a
    distribution: a value outside [0, 1] or not finite, or a sum other than 1 (to
    ``PRIOR_TOLERANCE``). The one test of the loader's check and of every built game.

    >>> not_distributions(np.array([[0.3, 0.5, 1.2], [0.7, 0.4, -0.2]])).tolist()
    [1, 2]
    """
    t = PRIOR_TOLERANCE
    bad = (probabilities < -t) | (probabilities > 1 + t) | ~np.isfinite(probabilities)
    return np.flatnonzero(bad.any(axis=0) | (np.abs(probabilities.sum(axis=0) - 1.0) > t))


def check_prior_sums(
    prior: Mapping[str, Mapping[str, Expression]],
    bounds: Mapping[str, tuple[float, float, float]],
    problems: Problems,
    *,
    locations: Mapping[str, str],
    seed: int = 0,
) -> None:
    """Every actor's type probabilities in [0, 1] and summing to 1, at the defaults, at every
    corner of the ranges of the parameters they use (up to 10 of them) and at 256 points drawn
    in those ranges; the first point where not is reported with its values.

    ``bounds``: parameter -> (default, low, high); ``locations``: actor -> where its prior is.
    """
    rng = np.random.default_rng(seed)
    for actor, table in prior.items():
        used = sorted({p for e in table.values() for p in e.parameters})
        points = _points(used, bounds, rng)
        values = {p: points[:, j] for j, p in enumerate(used)}
        each = np.array(
            [np.broadcast_to(e.evaluate(values), (len(points),)) for e in table.values()]
        )
        wrong = not_distributions(each)
        if wrong.size:
            i = int(wrong[0])
            at = ", ".join(f"{p} = {points[i, j]:g}" for j, p in enumerate(used)) or "any values"
            said = ", ".join(f"{t} = {v:g}" for t, v in zip(table, each[:, i], strict=True))
            problems.add(
                locations[actor],
                f"the type probabilities must each be in [0, 1] and sum to 1 for every parameter "
                f"value in range; at {at} they are {said}",
            )


def _points(
    used: list[str], bounds: Mapping[str, tuple[float, float, float]], rng: np.random.Generator
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The defaults, the corners of the ranges (up to 10 parameters), 256 random points."""
    defaults = np.array([[bounds[p][0] for p in used]])
    low = np.array([bounds[p][1] for p in used])
    high = np.array([bounds[p][2] for p in used])
    corners = (
        np.array(list(itertools.product(*zip(low, high, strict=True))))
        if 0 < len(used) <= 10
        else np.empty((0, len(used)))
    )
    drawn = low + (high - low) * rng.random((256, len(used)))
    return np.vstack([defaults, corners.reshape(len(corners), len(used)), drawn])


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
