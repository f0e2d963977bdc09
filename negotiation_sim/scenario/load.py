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
``[[profiles]]`` (:mod:`._check_profiles`).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

from .._checking import Problems, parse_toml, read_text
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
from .model import Outcome, Scenario, frozen_mapping

__all__ = ["load_scenario", "parse_scenario"]
__all__ += ["FORMAT_VERSION", "MAX_ACTORS", "MAX_PROFILES", "MAX_RULES", "WILDCARD"]  # limits


def load_scenario(path: str | PathLike[str]) -> Scenario:
    """Read and validate a scenario file.

    A path that exists is read as it is; otherwise a shipped scenario's name
    (``alaska_2025``) or repository-relative path (``scenarios/alaska_2025.toml``)
    reads the shipped file (see :func:`negotiation_sim.resources.find_scenario`).

    Raises
    ------
    ScenarioError
        Listing every problem of the file, each with its location.

    Examples
    --------
    >>> scenario = load_scenario("scenarios/arms_race.toml")  # doctest: +SKIP
    >>> load_scenario("alaska_2025").title == load_scenario("scenarios/alaska_2025.toml").title
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
    """Every step in turn; the scenario if there is no problem."""
    top = check_top(data, problems)
    if top is None:
        return None
    meta = check_meta(top, problems)
    parameters = check_parameters(top.get("parameters", {}), problems)
    scope = check_definitions(top.get("definitions", {}), parameters, problems)
    actors = check_actors(top.get("actors"), problems)
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
        outcomes=_outcomes(outcomes, no_deal),
        formats=frozen_mapping(formats.found),
        profile_outcomes=table.outcomes,
        expressions=table.expressions,
        expression_index=table.expression_index,
        expression_locations=table.locations,
        definitions=_definitions(scope),
    )


def _outcomes(outcomes: Outcomes, no_deal: str) -> Any:
    """The checked outcomes (every payoff valid), the no-deal one marked as no deal."""
    return frozen_mapping(
        {
            name: Outcome(name, label, frozen_mapping(terms), name != no_deal, frozen_mapping(pay))
            for name, (label, terms, pay) in outcomes.found.items()
        }
    )


def _definitions(scope: Scope) -> Any:
    """The checked definitions (every one valid), in dependency order."""
    return frozen_mapping({n: e for n, e in scope.definitions.items() if e is not None})
