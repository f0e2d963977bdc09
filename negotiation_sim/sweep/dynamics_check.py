"""Checking an experiment's ``[dynamics]`` table into a :class:`~.dynamics_spec.DynamicsSpec`.

Every problem is recorded with its location in the experiment file (``dynamics.monitoring.a.
detection: ...``) in the experiment's :class:`~negotiation_sim._checking.Problems`, with a
did-you-mean for unknown keys, sides, outcomes, types and rules. Numbers are expressions of the
parameters (the scenario's and the experiment's ``[parameters]``), parsed by the scenario's
expression language with the scenario's ``[definitions]``; what only their values can tell is
checked at the defaults here (:func:`check_at_defaults`) and at every point when the model is
built (:func:`~.dynamics_spec.build_dynamics`). The format is in ``docs/experiment-format.md``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from .._checking import Problems, join, show, suggest
from ..dynamics.model import BEHAVIOUR_RULES, RESPONSE_RULES, Response
from ..errors import ScenarioError
from ..scenario import Expression, Scenario
from ..scenario._check_types import indicator
from ..scenario.expressions import check_expression
from .dynamics_spec import MAX_ROUNDS, DynamicsSpec, SideSpec, evaluate_dynamics

__all__ = [
    "DEFAULT_TRAJECTORIES",
    "MAX_CHUNK_CEASEFIRES",
    "MAX_CHUNK_ROUNDS",
    "MAX_TRAJECTORIES",
    "MIN_TRAJECTORIES",
    "check_at_defaults",
    "check_dynamics",
    "check_dynamics_settings",
]

#: Ceasefires simulated per parameter point, unless ``trajectories`` says otherwise.
DEFAULT_TRAJECTORIES = 10_000
#: The fewest: two per type profile, for the standard errors (the simulator's own minimum).
MIN_TRAJECTORIES = 8
#: The most ceasefires per point: a point's Monte Carlo error falls as 1 / sqrt(trajectories),
#: 10^7 gives at most 1.6e-4 on a probability; more only costs time.
MAX_TRAJECTORIES = 10_000_000
#: The most ceasefires in one chunk (points x trajectories): a chunk is the unit of work and of
#: resuming, and 10^8 ceasefires are minutes of work.
MAX_CHUNK_CEASEFIRES = 100_000_000
#: The most rounds in one chunk (points x rounds): a chunk's results are kept per point and
#: round (survival, hazard, trust quantiles, ...), some tens of 8-byte numbers for each.
MAX_CHUNK_ROUNDS = 1_000_000
#: A dynamics experiment's default chunk: about 10^6 ceasefires (100 points of 10^4), and at
#: most :data:`MAX_CHUNK_ROUNDS` rounds.
DEFAULT_CHUNK_CEASEFIRES = 1_000_000

_REQUIRED = ("sides", "rounds", "discount", "outcomes", "monitoring", "behaviour")
_OPTIONAL = ("trajectories", "phases", "phase_rounds", "response", "prior", "opportunist")
_MONITORING = ("detection", "false_alarm", "cost")
_BEHAVIOUR = ("rule", "violation_probability", "strike_round", "escalation")
_OUTCOMES = ("kept", "violated", "caught", "war")
#: The key of each behaviour rule's own number (refused with the other rules).
_RULE_KEY = {"constant": "violation_probability", "strike": "strike_round"}
#: ``[experiment]`` keys about solving games: a dynamics experiment simulates instead.
_GAME_KEYS = ("formats", "solver", "metrics")


def check_dynamics(
    problems: Problems, given: Any, scenario: Scenario | None
) -> DynamicsSpec | None:
    """The ``[dynamics]`` table (``None`` if anything is wrong: the problems are recorded).

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> problems = Problems("x.toml")
    >>> typed = load_scenario("scenarios/typed_assurance.toml")
    >>> check_dynamics(problems, {"sides": ["a", "bb"], "rounds": 0}, typed)
    >>> for problem in problems.problems[:3]:
    ...     print(problem)
    dynamics.discount: required key is missing
    dynamics.outcomes: required key is missing
    dynamics.monitoring: required key is missing
    >>> print(problems.problems[4])
    dynamics.sides[1]: unknown actor 'bb' (did you mean 'b'?); known: a, b
    """
    count = len(problems.problems)
    table = problems.table(given, "dynamics", _REQUIRED, _OPTIONAL)
    if table is None or scenario is None:
        return None
    sides = _sides(problems, table, scenario)
    read = _Reader(problems, scenario)
    rounds = _whole(problems, table, "rounds", None, MAX_ROUNDS)
    trajectories = _whole(
        problems, table, "trajectories", DEFAULT_TRAJECTORIES, MAX_TRAJECTORIES, MIN_TRAJECTORIES
    )
    phase_rounds = _whole(problems, table, "phase_rounds", 1, MAX_ROUNDS)
    discount = read.expression(table.get("discount", 0), "dynamics.discount")
    phases = read.expression(table.get("phases", 1), "dynamics.phases")
    response = _response(problems, table.get("response", "grim"))
    names = sides or ()
    outcomes = _outcomes(problems, table.get("outcomes", {}), scenario, names)
    beliefs = _beliefs(problems, read, table, scenario, names)
    monitoring = _sided(problems, table.get("monitoring", {}), "dynamics.monitoring", names)
    behaviour = _sided(problems, table.get("behaviour", {}), "dynamics.behaviour", names)
    built = [
        _side(problems, read, actor, monitoring.get(actor), behaviour.get(actor), response)
        for actor in names
    ]
    if len(problems.problems) != count or outcomes is None or sides is None or None in built:
        return None
    assert rounds is not None and trajectories is not None and phase_rounds is not None
    assert discount is not None and phases is not None and response is not None
    kept, war, violated, caught = outcomes
    found = tuple(
        SideSpec(**side, violated=violated[actor], caught=caught[actor], **beliefs[actor])
        for actor, side in zip(sides, built, strict=True)
        if side is not None
    )
    return DynamicsSpec(
        sides=(found[0], found[1]),
        rounds=rounds,
        trajectories=trajectories,
        discount=discount,
        phases=phases,
        phase_rounds=phase_rounds,
        response=response,
        kept=kept,
        war=war,
    )


class _Reader:
    """Expressions of the (scenario + experiment) parameters and the scenario's definitions
    (the type indicators left out: a stage payoff is already per type)."""

    def __init__(self, problems: Problems, scenario: Scenario) -> None:
        self.problems = problems
        self.parameters = tuple(scenario.parameters)
        left_out = {indicator(a, t) for a, names in scenario.types.items() for t in names}
        self.definitions = {n: e for n, e in scenario.definitions.items() if n not in left_out}

    def expression(self, value: Any, location: str) -> Expression | None:
        expression, found = check_expression(
            value, parameters=self.parameters, location=location, definitions=self.definitions
        )
        self.problems.extend(found)
        return expression


def _whole(
    problems: Problems,
    table: Mapping[str, Any],
    key: str,
    default: int | None,
    high: int,
    low: int = 1,
) -> int | None:
    """A literal whole number ``low <= n <= high`` (``None`` if missing: reported as missing)."""
    if key not in table and default is None:
        return None
    return problems.whole(table.get(key, default), join("dynamics", key), low=low, high=high)


def _sides(
    problems: Problems, table: Mapping[str, Any], scenario: Scenario
) -> tuple[str, ...] | None:
    """``sides``: two distinct actors; with types, exactly theirs, two each."""
    if "sides" not in table:
        return None
    where = "dynamics.sides"
    given = table["sides"]
    if not isinstance(given, list) or len(given) != 2:
        problems.add(where, f"expected the ids of two actors of the scenario, got {show(given)}")
        return None
    sides = problems.names(given, where, scenario.actor_ids, "actor")
    if sides is None or not scenario.types:
        return sides
    count = len(problems.problems)
    for k, actor in enumerate(sides):
        types = scenario.types.get(actor, ())
        if len(types) != 2:
            said = f"has the types {', '.join(types)}" if types else "has no types"
            problems.add(
                join(where, k),
                f"{actor!r} {said}; in a scenario with types, each side has exactly two (one "
                "trustworthy, one opportunist)",
            )
    for actor in scenario.types:
        if actor not in sides:
            problems.add(
                where,
                f"{actor!r} has types but is not a side: only the sides' types are simulated",
            )
    return sides if len(problems.problems) == count else None


def _response(problems: Problems, given: Any) -> Response | None:
    """``response``: ``"grim"``, or ``{ rule = "forgiving", alarms = k, window = w }``."""
    where = "dynamics.response"
    table = {"rule": given} if isinstance(given, str) else given
    if problems.table(table, where, ("rule",), ("alarms", "window")) is None:
        return None
    rule = table.get("rule")
    at = where if isinstance(given, str) else join(where, "rule")
    if not _known_rule(problems, rule, RESPONSE_RULES, at, "response"):
        return None
    if rule == "grim":
        for key in ("alarms", "window"):
            if key in table:
                problems.add(join(where, key), "grim trigger ends the deal at the first alarm")
        return Response()
    if isinstance(given, str) or "alarms" not in table or "window" not in table:
        problems.add(where, 'expected { rule = "forgiving", alarms = k, window = w }')
        return None
    alarms = problems.whole(table.get("alarms"), join(where, "alarms"), low=1, high=MAX_ROUNDS)
    window = problems.whole(table.get("window"), join(where, "window"), low=1, high=MAX_ROUNDS)
    if alarms is None or window is None:
        return None
    if alarms > window:
        problems.add(join(where, "alarms"), f"{alarms} alarms cannot fit a window of {window}")
        return None
    return Response("forgiving", alarms, window)


def _known_rule(
    problems: Problems, rule: Any, known: tuple[str, ...], where: str, what: str
) -> bool:
    """Whether ``rule`` is one of ``known``; records the problem (with a hint) if not."""
    if isinstance(rule, str) and rule in known:
        return True
    if isinstance(rule, str):
        problems.add(where, f"unknown {what} rule {rule!r}{suggest(rule, known, listing=True)}")
    else:
        problems.add(where, f"expected a {what} rule ({', '.join(known)}), got {show(rule)}")
    return False


def _sided(
    problems: Problems, given: Any, where: str, sides: tuple[str, ...], *, required: bool = True
) -> dict[str, Any]:
    """A table with one entry per side, keyed by the side's actor id."""
    table = problems.table(given, where, free_keys=True)
    if table is None:
        return {}
    for key in table:
        if sides and key not in sides:
            problems.add(
                join(where, key), f"unknown side {key!r}{suggest(key, sides, listing=True)}"
            )
    for actor in sides:
        if required and actor not in table:
            problems.add(where, f"missing the entry of side {actor!r}")
    return {actor: table[actor] for actor in sides if actor in table}


def _side(
    problems: Problems,
    read: _Reader,
    actor: str,
    monitoring: Any,
    behaviour: Any,
    response: Response | None,
) -> dict[str, Any] | None:
    """One side's monitoring and behaviour, as :class:`SideSpec` fields."""
    out: dict[str, Any] = {"actor": actor}
    where = f"dynamics.monitoring.{actor}"
    if monitoring is not None and problems.table(monitoring, where, ("detection",), _MONITORING):
        for key in _MONITORING:
            out[key] = read.expression(monitoring.get(key, 0), join(where, key))
    where = f"dynamics.behaviour.{actor}"
    if behaviour is None or not problems.table(behaviour, where, ("rule",), _BEHAVIOUR[1:]):
        return None
    rule = behaviour.get("rule")
    if not _known_rule(problems, rule, BEHAVIOUR_RULES, join(where, "rule"), "behaviour"):
        return None
    if rule == "incentive" and response is not None and response.rule != "grim":
        problems.add(
            join(where, "rule"),
            "the incentive rule is computed against grim trigger; with a forgiving response "
            'use "constant" or "strike"',
        )
    out["rule"] = rule
    for key in ("violation_probability", "strike_round"):
        out[key] = None
        if _RULE_KEY.get(rule) == key:
            if key not in behaviour:
                problems.add(where, f"missing {key!r}: the {rule} rule needs it")
            else:
                out[key] = read.expression(behaviour[key], join(where, key))
        elif key in behaviour:
            problems.add(join(where, key), f"not used by the {rule} rule")
    out["escalation"] = read.expression(behaviour.get("escalation", 0), join(where, "escalation"))
    return out if None not in (out.get(k, 0) for k in (*_MONITORING, "escalation")) else None


def _outcomes(
    problems: Problems, given: Any, scenario: Scenario, sides: tuple[str, ...]
) -> tuple[str, str, dict[str, str], dict[str, str]] | None:
    """``[dynamics.outcomes]``: the scenario's outcomes of a kept round, of each side's
    violation (and capture: its violation unless given), and of war."""
    where = "dynamics.outcomes"
    table = problems.table(given, where, ("kept", "violated", "war"), ("caught",))
    if table is None:
        return None
    count = len(problems.problems)
    kept = _outcome(problems, table.get("kept"), join(where, "kept"), scenario)
    war = _outcome(problems, table.get("war"), join(where, "war"), scenario)
    violated: dict[str, str | None] = {}
    caught: dict[str, str | None] = {}
    for key, out in (("violated", violated), ("caught", caught)):
        at = join(where, key)
        given_sides = _sided(problems, table.get(key, {}), at, sides, required=key == "violated")
        for actor, name in given_sides.items():
            out[actor] = _outcome(problems, name, join(at, actor), scenario)
    if len(problems.problems) != count or kept is None or war is None:
        return None
    found = {actor: str(violated[actor]) for actor in sides}
    return kept, war, found, {a: str(caught.get(a) or found[a]) for a in sides}


def _outcome(problems: Problems, given: Any, where: str, scenario: Scenario) -> str | None:
    """An outcome of the scenario giving every actor a payoff of its own (in every type
    profile): a payoff set only by ``[[profiles]]`` rules depends on the profile, not on the
    outcome."""
    if given is None:
        return None  # reported as a missing key
    name = problems.string(given, where)
    if name is None:
        return None
    if name not in scenario.outcomes:
        known = suggest(name, scenario.outcomes, listing=True)
        problems.add(where, f"unknown outcome {name!r}{known}")
        return None
    for one, profile in _type_profiles(scenario):
        missing = [a for a in scenario.actor_ids if a not in one.outcomes[name].payoffs]
        if missing:
            problems.add(
                where,
                f"outcome {name!r} gives no payoff of its own to {', '.join(missing)}{profile} "
                f"(set only by [[profiles]] rules): give one in [outcomes.{name}] payoffs",
            )
            return None
    return name


def _type_profiles(scenario: Scenario) -> list[tuple[Scenario, str]]:
    """Each type profile's scenario, with `` when a is x and b is y`` (or the scenario)."""
    if not scenario.types:
        return [(scenario, "")]
    profiles = itertools.product(*scenario.types.values())
    return [
        (
            one,
            " when " + " and ".join(f"{a} is {t}" for a, t in zip(scenario.types, p, strict=True)),
        )
        for one, p in zip(scenario.typed, profiles, strict=True)
    ]


def _beliefs(
    problems: Problems,
    read: _Reader,
    table: Mapping[str, Any],
    scenario: Scenario,
    sides: tuple[str, ...],
) -> dict[str, dict[str, Any]]:
    """Who is trustworthy: the scenario's types (``opportunist`` names each side's opportunist
    type) or, without types, each side's ``prior`` probability of being trustworthy."""
    own, other = ("opportunist", "prior") if scenario.types else ("prior", "opportunist")
    if other in table:
        why = (
            "the scenario's actors have types: the prior is the scenario's"
            if scenario.types
            else "the scenario's actors have no types: give each side's prior instead"
        )
        problems.add(join("dynamics", other), f"not used: {why}")
    where = join("dynamics", own)
    if own not in table:
        what = (
            "each side's opportunist type"
            if scenario.types
            else ("each side's probability of being trustworthy")
        )
        problems.add(where, f"required key is missing: {what}")
        return {}
    out: dict[str, dict[str, Any]] = {}
    for actor, value in _sided(problems, table[own], where, sides).items():
        at = join(where, actor)
        if not scenario.types:
            out[actor] = {"trust": read.expression(value, at)}
        elif value not in scenario.types[actor]:
            types = scenario.types[actor]
            problems.add(
                at,
                f"unknown type {show(value)} of {actor!r}{suggest(str(value), types, listing=True)}",
            )
        else:
            out[actor] = {"opportunist": value}
    return out


def check_dynamics_settings(
    problems: Problems, data: Mapping[str, Any], spec: DynamicsSpec | None
) -> int | None:
    """What a dynamics experiment refuses of a game sweep (``formats``, ``solver``,
    ``metrics``, a frontier's ``formats``), and its chunk size: given, or about
    :data:`DEFAULT_CHUNK_CEASEFIRES` ceasefires; at most :data:`MAX_CHUNK_CEASEFIRES` and
    :data:`MAX_CHUNK_ROUNDS` rounds. Returns the default chunk size, when none is given.

    Examples
    --------
    >>> problems = Problems("x.toml")
    >>> check_dynamics_settings(problems, {"experiment": {"solver": "pure"}}, None)
    >>> print(problems.problems[0])
    experiment.solver: a dynamics experiment simulates ceasefires and solves no game: remove it
    """
    head = data.get("experiment")
    head = head if isinstance(head, dict) else {}
    for key in _GAME_KEYS:
        if key in head:
            problems.add(
                join("experiment", key),
                "a dynamics experiment simulates ceasefires and solves no game: remove it",
            )
    frontiers = data.get("frontiers")
    for k, item in enumerate(frontiers if isinstance(frontiers, list) else []):
        if isinstance(item, dict) and "formats" in item:
            problems.add(
                join(join("frontiers", k), "formats"), "a dynamics experiment has no formats"
            )
    if spec is None:
        return None
    chunk = head.get("chunk_size")
    if chunk is None:
        fits = min(DEFAULT_CHUNK_CEASEFIRES // spec.trajectories, MAX_CHUNK_ROUNDS // spec.rounds)
        return max(1, fits)
    if not isinstance(chunk, int) or isinstance(chunk, bool):
        return None  # said by [experiment]'s own check
    for each, what, most in (
        (spec.trajectories, "trajectories", MAX_CHUNK_CEASEFIRES),
        (spec.rounds, "rounds", MAX_CHUNK_ROUNDS),
    ):
        if chunk * each > most:
            total = "ceasefires" if what == "trajectories" else "rounds"
            problems.add(
                "experiment.chunk_size",
                f"{chunk:,} points x {each:,} {what} = {chunk * each:,} {total} in one chunk; "
                f"at most {most:,}",
            )
            break
    return None


def check_at_defaults(
    problems: Problems,
    spec: DynamicsSpec,
    scenario: Scenario,
    fixed: Mapping[str, float],
    source: str,
) -> None:
    """The model built at the parameters' defaults (``[fixed]`` applied): a probability
    outside [0, 1] there is said now, not when the first chunk runs.

    Examples
    --------
    >>> from negotiation_sim.sweep import load_experiment
    >>> experiment = load_experiment("tests/data/experiments/dynamics_ceasefire.toml")
    >>> problems = Problems("x.toml")
    >>> spec, scenario = experiment.dynamics, experiment.scenario
    >>> check_at_defaults(problems, spec, scenario, {"discount": 0.95}, "x.toml")
    >>> problems.problems
    []
    """
    try:
        evaluate_dynamics(spec, scenario, scenario.values(fixed), source)
    except ScenarioError as error:
        if error.source == source:
            problems.extend(error.problems)
        else:  # a payoff of the scenario file
            for problem in error.problems:
                problems.add("dynamics.outcomes", f"{error.source}: {problem}")
