"""Read a scenario file: TOML -> every problem found, or a frozen :class:`Scenario`.

Validation is hand-written and collects problems instead of stopping at the
first: a user fixes a file in one pass. Each problem names its location as a
path into the file's data (``profiles[3].russia``); a TOML syntax error keeps
tomllib's line and column. The format is documented in
``docs/scenario-format.md``.

The checks run in named steps, each recording its problems in one
:class:`~negotiation_sim._checking.Problems` collector and returning what the
later steps refer to: the top level, ``[scenario]`` and ``[parameters]``
(:mod:`._check_meta`); ``[definitions]`` and every payoff expression
(:mod:`._check_expressions`); ``[[actors]]`` and ``[formats]``
(:mod:`._check_actors`); ``[issues]`` and ``[outcomes]`` (:mod:`._check_outcomes`);
``[[profiles]]`` (:mod:`._check_profiles`); the names options define, and the payoffs
using them compiled per profile (:mod:`._option_defines`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any

from .._checking import Problems, join, parse_toml, read_text
from ..errors import ScenarioError
from ._check_actors import MAX_ACTORS, check_actors, check_formats
from ._check_expressions import Scope, check_definitions, check_matrices
from ._check_meta import (
    FORMAT_VERSION,
    check_default_format,
    check_meta,
    check_no_deal,
    check_parameters,
    check_relative_gains,
    check_top,
)
from ._check_outcomes import Outcomes, check_issues, check_outcomes
from ._check_profiles import MAX_PROFILES, MAX_RULES, WILDCARD, check_profiles
from ._check_types import (
    TypeDraft,
    check_prior_sums,
    indicator,
    resolve,
    split_types,
    type_profiles,
)
from ._option_defines import compile_defines, option_dependent, read_defines, specialise
from .expressions import Expression, check_expression
from .model import BEST_REPLY, FrozenMapping, Outcome, Scenario, frozen_mapping

__all__ = ["load_scenario", "parse_scenario"]
__all__ += ["FORMAT_VERSION", "MAX_ACTORS", "MAX_PROFILES", "MAX_RULES", "WILDCARD"]  # limits


def load_scenario(path: str | PathLike[str]) -> Scenario:
    """Read and validate a scenario file.

    A path that exists is read as it is; otherwise a shipped scenario's name
    (``alaska_2025_reduced``) or repository-relative path (``scenarios/alaska_2025_reduced.toml``)
    reads the shipped file (see :func:`negotiation_sim.resources.find_scenario`).

    Raises
    ------
    ScenarioError
        Listing every problem of the file, each with its location.

    Examples
    --------
    >>> scenario = load_scenario("scenarios/arms_race.toml")  # doctest: +SKIP
    >>> load_scenario("alaska_2025_reduced").title == load_scenario("scenarios/alaska_2025_reduced.toml").title
    True
    """
    from ..resources import find_scenario

    found = find_scenario(path)
    return parse_scenario(read_text(found), source=str(path if found == Path(path) else found))


def parse_scenario(text: str, *, source: str = "<scenario>") -> Scenario:
    """Validate scenario TOML text (see :func:`load_scenario`).

    >>> parse_scenario("format_version = 1", source="x.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: x.toml: scenario: required key is missing
    ...
    """
    problems = Problems(source)
    scenario = _check(parse_toml(text, source), source, problems)
    if problems or scenario is None:
        raise ScenarioError(source, problems.problems)
    return scenario


def _check(data: dict[str, Any], source: str, problems: Problems) -> Scenario | None:
    """Every step in turn; the scenario if there is no problem. A file with actor types is
    checked as one untyped file per type profile (:mod:`._check_types`)."""
    draft = split_types(data, problems)
    if not draft.types:
        scenario = _check_untyped(draft.stripped, source, problems)
        if scenario is not None:
            _check_senders(scenario, {}, problems)
        return None if problems else scenario
    return _check_typed(draft, source, problems)


def _check_typed(draft: TypeDraft, source: str, problems: Problems) -> Scenario | None:
    """Each type profile's file checked; its problems said once, with the first type profile
    that has it unless all do; then the priors."""
    profiles = list(type_profiles(draft.types))
    reserved = {
        indicator(a, t): f"the indicator of {a!r} being of type {t!r}"
        for a, names in draft.types.items()
        for t in names
    }
    found: list[Scenario | None] = []
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], dict[str, str]] = {}
    for profile in profiles:
        own = Problems(source)
        data = resolve(draft.stripped, draft.types, profile)
        found.append(_check_untyped(data, source, own, reserved))
        for problem in own.problems:
            key = (problem.location, problem.message)
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, profile)
    for (location, message), count in counts.items():
        when = " and ".join(f"{a} is {t}" for a, t in first[(location, message)].items())
        problems.add(location, message if count == len(profiles) else f"{message} (when {when})")
    scenarios = [s for s in found if s is not None]
    if problems or len(scenarios) != len(found):
        return None
    return _with_types(scenarios, draft, problems)


def _with_types(scenarios: list[Scenario], draft: TypeDraft, problems: Problems) -> Scenario | None:
    """The first type profile's scenario carrying the types, their prior and every profile's."""
    base = scenarios[0]
    position = {actor.id: k for k, actor in enumerate(base.actors)}
    locations = {a: f"actors[{position[a]}].prior" for a in draft.types}
    indicators = {indicator(a, t) for a, names in draft.types.items() for t in names}
    definitions = {n: e for n, e in base.definitions.items() if n not in indicators}
    texts: dict[str, dict[str, Any]] = dict(draft.prior)
    if draft.joint is not None:  # [type_prior]: one table over the type profiles
        texts = {_JOINT: {", ".join(p): t for p, t in draft.joint.items()}}
        locations[_JOINT] = "type_prior"
    prior: dict[str, dict[str, Expression]] = {}
    for actor, table in texts.items():
        prior[actor] = {}
        for key, text in table.items():
            where = f'type_prior."{key}"' if actor == _JOINT else join(locations[actor], key)
            expression, found = check_expression(
                text, parameters=base.parameters, location=where, definitions=definitions
            )
            problems.extend(found)
            if expression is not None:
                prior[actor][key] = expression
    _check_moves(base, draft.types, position, problems)
    if problems:
        return None
    bounds = {n: (p.default, p.low, p.high) for n, p in base.parameters.items()}
    check_prior_sums(prior, bounds, problems, locations=locations)
    if problems:
        return None
    joint = prior.pop(_JOINT, {})
    profiles = {tuple(k.split(", ")): e for k, e in joint.items()}
    return replace(
        base,
        types=frozen_mapping(draft.types),
        type_prior=frozen_mapping({a: frozen_mapping(t) for a, t in prior.items()}),
        type_joint=FrozenMapping(profiles),
        typed=tuple(scenarios),
    )


#: The key of the ``[type_prior]`` table among the actors' priors while they are checked.
_JOINT = "[type_prior]"


def _check_moves(
    base: Scenario, types: dict[str, tuple[str, ...]], position: dict[str, int], problems: Problems
) -> None:
    """An actor with types must move in some format: a fixed option has no type to reveal."""
    if not base.formats:
        return
    for actor in types:
        moves = any(
            actor in f.choosers or dict(f.others).get(actor) == BEST_REPLY
            for f in base.formats.values()
        )
        if not moves:
            problems.add(
                f"actors[{position[actor]}].types",
                f"{actor!r} has a fixed option in every format: its types would change nothing",
            )
    _check_senders(base, types, problems)


def _check_senders(
    base: Scenario, types: Mapping[str, tuple[str, ...]], problems: Problems
) -> None:
    """A signalling format's chooser has types to signal; its replier has none (it would
    reply per type while inferring the sender's: not modelled)."""
    for name, chosen in base.formats.items():
        if not chosen.signalling:
            continue
        sender, receiver = chosen.choosers[0], chosen.repliers[0]
        if sender not in types:
            problems.add(
                join(join("formats", name), "choosers"),
                f"in a signalling format the chooser (the sender) must have types; {sender!r} "
                "has none",
            )
        if receiver in types:
            problems.add(
                join(join(join("formats", name), "others"), receiver),
                f"in a signalling format the replier (the receiver) must not have types; "
                f"{receiver!r} has {', '.join(types[receiver])}",
            )


def _check_untyped(
    data: dict[str, Any], source: str, problems: Problems, reserved: Mapping[str, str] | None = None
) -> Scenario | None:
    """Every step in turn on a file without types; the scenario if there is no problem.
    ``reserved``: the type indicators' names (what each is), which options may not define."""
    reserved = reserved or {}
    top = check_top(data, problems)
    if top is None:
        return None
    meta = check_meta(top, problems)
    parameters = check_parameters(top.get("parameters", {}), problems)
    actors = check_actors(top.get("actors"), problems)
    definitions = top.get("definitions", {})
    names = read_defines(actors, parameters, definitions, reserved, problems)
    scope = check_definitions(definitions, parameters, problems, names.placeholders())
    values = compile_defines(names, scope, parameters, problems)
    issues = check_issues(top.get("issues", {}), problems)
    outcomes = check_outcomes(top.get("outcomes"), issues, actors.ids, scope, problems)
    no_deal = check_no_deal(meta, outcomes.names if outcomes else None, problems)
    formats = check_formats(top.get("formats", {}), actors, problems)
    default_format = check_default_format(meta, formats.names, problems)
    relative_gains = check_relative_gains(meta, parameters, problems)
    table = None
    if actors.ids is not None and outcomes is not None and "profiles" in top:
        matrices = check_matrices(top.get("matrices", {}), actors, scope, problems)
        table = check_profiles(top["profiles"], actors, outcomes, matrices, scope, problems)
    if table is not None and names.owner and not problems:
        table = specialise(table, actors.found, names, values, scope, parameters, problems)
    if problems or table is None or no_deal is None or outcomes is None:
        return None
    return Scenario(
        source=source,
        title=meta.title,
        date=meta.date,
        description=meta.description,
        sources=meta.sources,
        no_deal=no_deal,
        default_format=default_format,
        relative_gains=relative_gains,
        parameters=frozen_mapping(parameters.found),
        actors=actors.found,
        issues=frozen_mapping(issues.found),
        outcomes=_outcomes(outcomes, no_deal, names.owner),
        formats=frozen_mapping(formats.found),
        profile_outcomes=table.outcomes,
        expressions=table.expressions,
        expression_index=table.expression_index,
        expression_locations=table.locations,
        definitions=_definitions(scope, names.owner),
    )


def _outcomes(outcomes: Outcomes, no_deal: str, owned: Collection[str]) -> Any:
    """The checked outcomes (every payoff valid), the no-deal one marked as no deal. A payoff
    using an option-defined name is the profile's, not the outcome's: it is left out."""
    return frozen_mapping(
        {
            name: Outcome(
                name,
                label,
                frozen_mapping(terms),
                name != no_deal,
                frozen_mapping(
                    {
                        a: e
                        for a, e in pay.items()
                        if e is not None and not option_dependent(e, owned)
                    }
                ),
            )
            for name, (label, terms, pay) in outcomes.found.items()
        }
    )


def _definitions(scope: Scope, owned: Collection[str]) -> Any:
    """The checked definitions (every one valid), in dependency order; not the option-defined
    names nor the definitions using them (their values depend on the profile)."""
    return frozen_mapping(
        {
            n: e
            for n, e in scope.definitions.items()
            if e is not None and n not in owned and not option_dependent(e, owned)
        }
    )
