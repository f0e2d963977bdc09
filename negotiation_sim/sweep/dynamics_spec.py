"""An experiment's ``[dynamics]`` table as data, and the ceasefire model it gives at B points.

A dynamics experiment (``docs/experiment-format.md``, "Dynamics experiments") simulates a
ceasefire over time (MODEL.md §8) instead of solving a game. Its ``[dynamics]`` table is
checked when the file is read (:mod:`.dynamics_check`) into a :class:`DynamicsSpec`: the
integers as integers, every other number an :class:`~negotiation_sim.scenario.Expression` of
the parameters (the scenario's and the experiment's own), and the scenario's outcomes that
give the stage payoffs. :func:`build_dynamics` evaluates it at a chunk's parameter values into
the :class:`~negotiation_sim.dynamics.Dynamics` the simulator takes, checking at every point
what only the values can tell (a probability outside [0, 1], a non-whole number of phases),
each with its location and the parameter values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checking import MAX_MAGNITUDE, Problems
from .._transforms import relative_gains_payoffs
from ..dynamics._validate import MAX_ROUNDS
from ..dynamics.model import Behaviour, Dynamics, Monitoring, Response, StagePayoffs
from ..game import FloatArray
from ..scenario import Expression, Scenario
from ..scenario.build import grid_shape, relative_gains_weight, require_bounded
from ..scenario.typed import type_counts, type_prior

if TYPE_CHECKING:
    from .spec import Experiment

__all__ = ["MAX_ROUNDS", "DynamicsSpec", "SideSpec", "build_dynamics", "evaluate_dynamics"]

#: How far a whole number (``phases``, ``strike_round``) may be from an integer (a grid value
#: such as 3.0000000000000004 is 3).
WHOLE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class SideSpec:
    """One side of a dynamics experiment as written: expressions not yet evaluated.

    Attributes
    ----------
    actor : str
        The side's actor id.
    detection, false_alarm, cost : Expression
        How the side is monitored (``[dynamics.monitoring.ACTOR]``).
    rule : str
        What it does as an opportunist (``[dynamics.behaviour.ACTOR]``).
    violation_probability, strike_round : Expression or None
        The ``"constant"`` rule's q and the ``"strike"`` rule's r (``None`` for other rules).
    escalation : Expression
    violated, caught : str
        The scenario's outcomes when the side violates undetected, and when it is caught.
    opportunist : str or None
        A typed scenario: the side's type that is the opportunist (the other is trustworthy).
    trust : Expression or None
        An untyped scenario: the probability that the side is trustworthy.
    """

    actor: str
    detection: Expression
    false_alarm: Expression
    cost: Expression
    rule: str
    violation_probability: Expression | None
    strike_round: Expression | None
    escalation: Expression
    violated: str
    caught: str
    opportunist: str | None = None
    trust: Expression | None = None


@dataclass(frozen=True)
class DynamicsSpec:
    """A checked ``[dynamics]`` table.

    Attributes
    ----------
    sides : tuple of two SideSpec
    rounds, trajectories, phase_rounds : int
    discount, phases : Expression
    response : Response
    kept, war : str
        The scenario's outcomes of a kept round and of war.
    """

    sides: tuple[SideSpec, SideSpec]
    rounds: int
    trajectories: int
    discount: Expression
    phases: Expression
    phase_rounds: int
    response: Response
    kept: str
    war: str


def build_dynamics(experiment: Experiment, values: Mapping[str, ArrayLike]) -> Dynamics:
    """A dynamics experiment's ceasefire model at the points of ``values``.

    Parameters
    ----------
    experiment : Experiment
        A checked experiment with a ``[dynamics]`` table.
    values : mapping of str to array_like
        Every parameter's value, arrays broadcast to ``B`` points (as
        :meth:`Scenario.values` gives them; a grid of several dimensions is flattened in C
        order).

    Raises
    ------
    ScenarioError
        Located in the experiment file (``dynamics.monitoring.a.detection: ...``), naming the
        parameter values of the first point where a probability is outside [0, 1], the
        discount outside [0, 1), a cost negative, a number of phases or a strike round not a
        whole number >= 1; in the scenario file where a payoff is not finite.

    Examples
    --------
    >>> from negotiation_sim.sweep import load_experiment
    >>> experiment = load_experiment("tests/data/experiments/dynamics_ceasefire.toml")
    >>> values = experiment.scenario.values({"detection": [0.5, 0.9]})
    >>> model = build_dynamics(experiment, values)
    >>> model.size, model.monitoring[0].detection.tolist(), model.prior.shape
    (2, [0.5, 0.9], (2, 2, 2))
    """
    spec = experiment.dynamics
    if spec is None:
        raise ValueError(f"{experiment.source}: not a dynamics experiment (no [dynamics] table)")
    return evaluate_dynamics(spec, experiment.scenario, values, experiment.source)


def evaluate_dynamics(
    spec: DynamicsSpec, scenario: Scenario, values: Mapping[str, ArrayLike], source: str
) -> Dynamics:
    """:func:`build_dynamics` from its parts (the experiment's loader checks the defaults
    with it); problems are located in ``source``.

    Examples
    --------
    >>> from negotiation_sim.sweep import load_experiment
    >>> experiment = load_experiment("tests/data/experiments/dynamics_ceasefire.toml")
    >>> values = experiment.scenario.values({"phases": [1, 2.5]})
    >>> evaluate_dynamics(experiment.dynamics, experiment.scenario, values, "x.toml")
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: x.toml: dynamics.phases: expected a whole number in [1, 10000], got 2.5 at phases = 2.5
    """
    at = _Points(values, Problems(source))
    discount = at.number(spec.discount, "dynamics.discount", 0.0, 1.0, open_high=True)
    phases = at.whole(spec.phases, "dynamics.phases", MAX_ROUNDS)
    monitoring, behaviour = [], []
    for side in spec.sides:
        monitoring.append(_monitoring(at, side))
        behaviour.append(_behaviour(at, side, spec.rounds))
    prior = _prior(at, spec, scenario)
    at.problems.raise_if_any()
    return Dynamics(
        actors=scenario.actor_ids,
        sides=(spec.sides[0].actor, spec.sides[1].actor),
        rounds=spec.rounds,
        discount=discount,
        prior=prior,
        monitoring=(monitoring[0], monitoring[1]),
        behaviour=(behaviour[0], behaviour[1]),
        response=spec.response,
        stage=_stage(at, spec, scenario),
        phases=phases.astype(np.int64),
        phase_rounds=spec.phase_rounds,
    )


class _Points:
    """The parameter values at ``B`` points, and the checks of what is evaluated there."""

    def __init__(self, values: Mapping[str, ArrayLike], problems: Problems) -> None:
        self.values = {name: np.asarray(v, dtype=np.float64) for name, v in values.items()}
        self.shape = grid_shape(self.values)
        self.size = math.prod(self.shape)
        self.problems = problems

    def evaluate(self, expression: Expression) -> FloatArray:
        """The expression at every point, shape ``(B,)`` (a new array)."""
        value = expression.evaluate(self.values)
        return np.broadcast_to(value, self.shape).reshape(self.size).astype(np.float64)

    def number(
        self,
        expression: Expression,
        location: str,
        low: float = 0.0,
        high: float = 1.0,
        *,
        open_high: bool = False,
    ) -> FloatArray:
        """The expression's values, each in ``[low, high]`` (``[low, high)``) and finite."""
        value = self.evaluate(expression)
        inside = (value >= low) & ((value < high) if open_high else (value <= high))
        self._report(value, ~inside, expression, location, _interval(low, high, open_high))
        return value

    def whole(
        self, expression: Expression, location: str, high: int, *, cap: bool = False
    ) -> NDArray[np.int64]:
        """The expression's values, whole numbers in ``[1, high]`` (with ``cap``: >= 1, and
        any above ``high`` read as ``high``), as integers."""
        value = self.evaluate(expression)
        rounded = np.round(value)
        whole = (rounded >= 1) & (np.abs(value - rounded) <= WHOLE_TOLERANCE)
        if cap:
            self._report(value, ~whole, expression, location, "a whole number >= 1")
        else:
            whole &= rounded <= high
            self._report(value, ~whole, expression, location, f"a whole number in [1, {high}]")
        return np.where(whole, np.minimum(rounded, high), 1).astype(np.int64)

    def _report(
        self,
        value: FloatArray,
        bad: NDArray[np.bool_],
        expression: Expression,
        where: str,
        what: str,
    ) -> None:
        """One problem at the first bad point, naming the parameter values there."""
        if not bad.any():
            return
        first = int(np.flatnonzero(bad)[0])
        point = np.unravel_index(first, self.shape) if self.shape else ()
        used = sorted(expression.parameters)
        named = ", ".join(
            f"{name} = {float(np.broadcast_to(self.values[name], self.shape)[point]):g}"
            for name in used
        )
        at = f" at {named}" if named else ""
        self.problems.add(where, f"expected {what}, got {value[first]:g}{at}")


def _interval(low: float, high: float, open_high: bool) -> str:
    """``a number in [0, 1]``, ``a number in [0, 1)`` or ``a number >= 0``."""
    if high >= MAX_MAGNITUDE:
        return f"a number >= {low:g}"
    return f"a number in [{low:g}, {high:g}{')' if open_high else ']'}"


def _monitoring(at: _Points, side: SideSpec) -> Monitoring:
    where = f"dynamics.monitoring.{side.actor}"
    return Monitoring(
        detection=at.number(side.detection, f"{where}.detection"),
        false_alarm=at.number(side.false_alarm, f"{where}.false_alarm"),
        cost=at.number(side.cost, f"{where}.cost", 0.0, MAX_MAGNITUDE),
    )


def _behaviour(at: _Points, side: SideSpec, rounds: int) -> Behaviour:
    """What the side does as an opportunist; a strike after the last round is never."""
    where = f"dynamics.behaviour.{side.actor}"
    q = np.zeros(at.size)
    if side.violation_probability is not None:
        q = at.number(side.violation_probability, f"{where}.violation_probability")
    strike = np.full(at.size, rounds + 1, dtype=np.int64)
    if side.strike_round is not None:
        strike = at.whole(side.strike_round, f"{where}.strike_round", rounds + 1, cap=True)
    return Behaviour(
        rule=side.rule,
        violation_probability=q,
        strike_round=strike,
        escalation=at.number(side.escalation, f"{where}.escalation"),
    )


def _prior(at: _Points, spec: DynamicsSpec, scenario: Scenario) -> FloatArray:
    """The joint prior over (type of side 0, type of side 1), trustworthy first, ``(2, 2, B)``."""
    if not scenario.types:
        trust = []
        for side in spec.sides:
            assert side.trust is not None  # an untyped scenario's sides have one (checked)
            trust.append(at.number(side.trust, f"dynamics.prior.{side.actor}"))
        marginals = [np.stack([p, 1.0 - p]) for p in trust]
        return marginals[0][:, np.newaxis, :] * marginals[1][np.newaxis, :, :]
    joint = type_prior(scenario, at.values).reshape(*type_counts(scenario), at.size)
    positions = [scenario.actor_ids.index(side.actor) for side in spec.sides]
    # Only the sides have types (checked): drop the other actors' axes of length 1.
    others = tuple(k for k in range(len(scenario.actors)) if k not in positions)
    joint = joint.reshape(*(joint.shape[k] for k in range(joint.ndim) if k not in others))
    if positions[0] > positions[1]:
        joint = joint.transpose(1, 0, 2)
    order = [_type_order(scenario, side) for side in spec.sides]
    return np.ascontiguousarray(joint[order[0]][:, order[1]])


def _type_order(scenario: Scenario, side: SideSpec) -> list[int]:
    """The scenario's indices of the side's (trustworthy, opportunist) types."""
    opportunist = scenario.types[side.actor].index(str(side.opportunist))
    return [1 - opportunist, opportunist]


def _stage(at: _Points, spec: DynamicsSpec, scenario: Scenario) -> StagePayoffs:
    """Every actor's payoff of the kept deal, each side's violation and capture, and war, per
    type profile of the sides (trustworthy first): shape ``(n, 2, 2, B)`` each."""
    profiles = _profile_scenarios(spec, scenario)
    rho = relative_gains_weight(scenario, at.values)

    def payoffs(outcome: str) -> FloatArray:
        out = np.empty((len(scenario.actors), 2, 2, at.size))
        for (t0, t1), one in profiles.items():
            table = one.outcomes[outcome].payoffs
            for i, actor in enumerate(scenario.actor_ids):
                value = table[actor].evaluate(at.values)
                where = f"outcomes.{outcome}.payoffs.{actor}"
                require_bounded(value, table[actor], where, scenario.source, at.values)
                out[i, t0, t1] = np.broadcast_to(value, at.shape).reshape(at.size)
        if rho is not None:
            weight = np.broadcast_to(rho, at.shape).reshape(at.size)
            out = relative_gains_payoffs(out, weight)
        return out

    violated = tuple(payoffs(side.violated) for side in spec.sides)
    caught = tuple(payoffs(side.caught) for side in spec.sides)
    return StagePayoffs(
        kept=payoffs(spec.kept),
        violated=(violated[0], violated[1]),
        caught=(caught[0], caught[1]),
        war=payoffs(spec.war),
    )


def _profile_scenarios(spec: DynamicsSpec, scenario: Scenario) -> dict[tuple[int, int], Scenario]:
    """The untyped scenario of each (type of side 0, type of side 1), trustworthy first."""
    both = [(t0, t1) for t0 in (0, 1) for t1 in (0, 1)]
    if not scenario.types:
        return {pair: scenario for pair in both}
    typed = list(scenario.types)
    counts = [len(scenario.types[actor]) for actor in typed]
    order = [_type_order(scenario, side) for side in spec.sides]
    out = {}
    for pair in both:
        index = [0] * len(typed)
        for side, t, o in zip(spec.sides, pair, order, strict=True):
            index[typed.index(side.actor)] = o[t]
        flat = int(np.ravel_multi_index(index, counts))
        out[pair] = scenario.typed[flat]
    return out
