"""A ceasefire over time, as data: what :func:`negotiation_sim.dynamics.simulate` simulates.

Two *sides* (two actors of a scenario) keep a deal round after round (docs/models.md §8,
MODEL.md §8). Each side is trustworthy (type 0: it always keeps the deal) or an opportunist
(type 1: it violates by its :class:`Behaviour` rule); types are drawn once, from ``prior``.
Each round each side's conduct is monitored: a violation by side ``i`` raises an alarm with
probability ``detection[i]`` (pi), a kept round with probability ``false_alarm[i]`` (alpha). A
:class:`Response` rule turns alarms into a breakdown (grim trigger: the first alarm; forgiving:
``alarms`` alarms about one side within ``window`` rounds). An undetected violation becomes war
with probability ``escalation``. After a breakdown every round pays the war payoff.

Each side's trust in the other is updated by Bayes' rule after every round's signal:
mu' = mu L_t(y) / (mu L_t(y) + (1 - mu) L_o(y)), L_t(clean) = 1 - alpha, L_t(alarm) = alpha,
L_o(clean) = q (1 - pi)(1 - e) + (1 - q)(1 - alpha), L_o(alarm) = q pi + (1 - q) alpha, with q
the opportunist's violation probability that round under its rule and e its escalation (the
deal still holding rules out an escalated violation).

A *timetable* moves the deal's stakes in ``phases`` steps of ``phase_rounds`` rounds: in round
t (1-based) the stake is s_t = min(ceil(t / phase_rounds), K) / K, and every deal payoff of the
round is war + s_t (payoff - war) (Watson 1999, "Starting small"). K = 1 is the deal at full
stakes from the first round.

Every array has a last axis of ``B`` parameter points (one ceasefire model per point); a
:class:`Dynamics` is immutable and checked when made (:mod:`._validate`: shapes, dtypes, ranges,
NaN, rule names, ``alarms <= window``, a prior summing to 1, the incentive rule only under grim
trigger; a :class:`~negotiation_sim.errors.GameError` naming the field). Its arrays are not
copied: do not change them afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..game import FloatArray
from ._validate import check_dynamics, check_rule, check_whole, require

__all__ = [
    "BEHAVIOUR_RULES",
    "RESPONSE_RULES",
    "Behaviour",
    "Dynamics",
    "Monitoring",
    "Response",
    "StagePayoffs",
]

#: What an opportunist does: violate each round with probability q (``"constant"``); keep the
#: deal until round r and violate then (``"strike"``, after rearming: Minsk II); or violate in a
#: round iff that beats keeping it, given the monitoring and what the rest of the deal is worth
#: (``"incentive"``: optimal play against grim trigger by backward induction over the rounds,
#: the partner keeping the deal, the deal at full stakes beyond the last round).
BEHAVIOUR_RULES = ("constant", "strike", "incentive")
#: How alarms end the deal: the first one (``"grim"``), or ``alarms`` about one side within
#: ``window`` rounds (``"forgiving"``).
RESPONSE_RULES = ("grim", "forgiving")

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Monitoring:
    """How one side's conduct is monitored (by the other side), at ``B`` points.

    Attributes
    ----------
    detection : ndarray, shape (B,)
        pi: the probability that a violation raises an alarm, in [0, 1].
    false_alarm : ndarray, shape (B,)
        alpha: the probability that a kept round raises an alarm, in [0, 1].
    cost : ndarray, shape (B,)
        What the monitoring costs the *other* side per round while the deal holds (>= 0).
    """

    detection: FloatArray
    false_alarm: FloatArray
    cost: FloatArray


@dataclass(frozen=True)
class Behaviour:
    """What one side does when it is an opportunist, at ``B`` points.

    Attributes
    ----------
    rule : str
        One of :data:`BEHAVIOUR_RULES`.
    violation_probability : ndarray, shape (B,)
        q of the ``"constant"`` rule, in [0, 1] (ignored by the others).
    strike_round : ndarray of int, shape (B,)
        r of the ``"strike"`` rule, >= 1 (ignored by the others; beyond the last round: never).
    escalation : ndarray, shape (B,)
        The probability that an undetected violation becomes war, in [0, 1] (every rule).
    """

    rule: str
    violation_probability: FloatArray
    strike_round: IntArray
    escalation: FloatArray

    def __post_init__(self) -> None:
        check_rule(self.rule, BEHAVIOUR_RULES, "behaviour.rule")


@dataclass(frozen=True)
class Response:
    """How alarms end the deal (the same for every point).

    Attributes
    ----------
    rule : str
        One of :data:`RESPONSE_RULES`.
    alarms, window : int
        ``"forgiving"``: the deal ends at the ``alarms``-th alarm about one side within the last
        ``window`` rounds (this round included); ``alarms <= window``. Grim trigger is
        ``alarms = window = 1``.
    """

    rule: str = "grim"
    alarms: int = 1
    window: int = 1

    def __post_init__(self) -> None:
        check_rule(self.rule, RESPONSE_RULES, "response.rule")
        check_whole(self.alarms, "response.alarms", 1, 2**31)
        check_whole(self.window, "response.window", self.alarms, 2**31)
        require(
            self.rule != "grim" or (self.alarms, self.window) == (1, 1),
            f"response: grim trigger has alarms = window = 1, got {self.alarms} and {self.window}",
        )


@dataclass(frozen=True)
class StagePayoffs:
    """Every actor's payoff in one round, at full stakes, shape ``(n, 2, 2, B)``: actor, type of
    side 0, type of side 1 (0 trustworthy, 1 opportunist), point.

    Attributes
    ----------
    kept : ndarray
        Both sides keep the deal.
    violated : tuple of two ndarrays
        ``violated[i]``: side ``i`` violates undetected while the other keeps it (its gain, the
        other's loss).
    caught : tuple of two ndarrays
        ``caught[i]``: side ``i``'s violation is detected this round (caught in time: the victim
        insured, the violator sanctioned; detection after the fact: equal to ``violated[i]``).
    war : ndarray
        No deal: every round after a breakdown, and a round in which both sides violate.
    """

    kept: FloatArray
    violated: tuple[FloatArray, FloatArray]
    caught: tuple[FloatArray, FloatArray]
    war: FloatArray


@dataclass(frozen=True)
class Dynamics:
    """A ceasefire model at ``B`` parameter points (see the module).

    Attributes
    ----------
    actors : tuple of str
        Every actor of the scenario (the payoffs' first axis).
    sides : tuple of two str
        The two actors that keep or break the deal (each in ``actors``).
    rounds : int
        N >= 1, the rounds simulated.
    discount : ndarray, shape (B,)
        delta in [0, 1): round t's payoff counts delta ** (t - 1).
    prior : ndarray, shape (2, 2, B)
        The joint prior over (type of side 0, type of side 1); each point's sums to 1. Each
        side's initial trust in the other is the other's probability of type 0 given its own
        type.
    monitoring : tuple of two Monitoring
        ``monitoring[i]``: how side ``i`` is monitored.
    behaviour : tuple of two Behaviour
        ``behaviour[i]``: what side ``i`` does as an opportunist.
    response : Response
    stage : StagePayoffs
    phases : ndarray of int, shape (B,)
        K >= 1: the timetable's number of phases.
    phase_rounds : int
        Rounds per phase (>= 1).
    """

    actors: tuple[str, ...]
    sides: tuple[str, str]
    rounds: int
    discount: FloatArray
    prior: FloatArray
    monitoring: tuple[Monitoring, Monitoring]
    behaviour: tuple[Behaviour, Behaviour]
    response: Response
    stage: StagePayoffs
    phases: IntArray
    phase_rounds: int = 1

    def __post_init__(self) -> None:
        check_dynamics(self)

    def select(self, points: slice) -> Dynamics:
        """The model at a slice of its points (every array's last axis sliced).

        >>> from negotiation_sim.dynamics.examples import two_sided
        >>> two_sided(discount=[0.5, 0.6, 0.7]).select(slice(1, 3)).discount.tolist()
        [0.6, 0.7]
        """

        def cut(array: NDArray[Any]) -> NDArray[Any]:
            return array[..., points]

        def pair(arrays: tuple[FloatArray, FloatArray]) -> tuple[NDArray[Any], NDArray[Any]]:
            return cut(arrays[0]), cut(arrays[1])

        stage = self.stage
        return replace(
            self,
            discount=cut(self.discount),
            prior=cut(self.prior),
            monitoring=tuple(  # type: ignore[arg-type]
                Monitoring(cut(m.detection), cut(m.false_alarm), cut(m.cost))
                for m in self.monitoring
            ),
            behaviour=tuple(  # type: ignore[arg-type]
                replace(
                    b,
                    violation_probability=cut(b.violation_probability),
                    strike_round=cut(b.strike_round),
                    escalation=cut(b.escalation),
                )
                for b in self.behaviour
            ),
            stage=StagePayoffs(
                cut(stage.kept), pair(stage.violated), pair(stage.caught), cut(stage.war)
            ),
            phases=cut(self.phases),
        )

    @property
    def size(self) -> int:
        """B, the number of parameter points."""
        return int(self.discount.shape[-1])

    def stakes(self) -> FloatArray:
        """s_t for rounds t = 1..N at every point, shape ``(N, B)``.

        >>> model = Dynamics.__new__(Dynamics)
        >>> object.__setattr__(model, "rounds", 6)
        >>> object.__setattr__(model, "phases", np.array([1, 3]))
        >>> object.__setattr__(model, "phase_rounds", 2)
        >>> model.stakes().T.round(3).tolist()
        [[1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.333, 0.333, 0.667, 0.667, 1.0, 1.0]]
        """
        t = np.arange(1, self.rounds + 1)[:, np.newaxis]
        step = np.ceil(t / self.phase_rounds)
        k = self.phases[np.newaxis, :].astype(np.float64)
        return np.minimum(step, k) / k
