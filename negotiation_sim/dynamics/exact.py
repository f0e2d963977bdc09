"""Exact results under grim trigger: a recursion over rounds, no randomness (an oracle).

Under grim trigger the deal holds after round t iff every round so far was clean about both
sides, so per type profile S(t) = prod_{r <= t} c_0(r) c_1(r), with c_i(r) = 1 - v pi - (1 - v)
alpha - v (1 - pi) e the probability that side i's round is clean (v its violation probability:
0 when trustworthy, q_{i,r} when an opportunist). A round's expected payoff given the deal in
force at its start is the mixture over both sides' actions; after the breakdown, war.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import GameError
from ..game import FloatArray
from .behaviour import behaviour_probabilities
from .model import Dynamics
from .results import trust_needed

__all__ = ["ExactGrim", "exact_grim"]


@dataclass(frozen=True, eq=False)
class ExactGrim:
    """Exact grim-trigger results (shapes as in :class:`~negotiation_sim.dynamics.DynamicsResult`).

    Attributes
    ----------
    survival : (N + 1, B)
    survival_by_type : (2, 2, N + 1, B)
    causes : (4, B)
        Shares of :data:`~negotiation_sim.dynamics.CAUSES`.
    causes_by_type : (2, 2, 4, B)
    expected_duration : (B,)
    payoff : (n, B)
    payoff_by_type : (n, 2, 2, B)
    trust_needed : (2, B)
    """

    survival: FloatArray
    survival_by_type: FloatArray
    causes: FloatArray
    causes_by_type: FloatArray
    expected_duration: FloatArray
    payoff: FloatArray
    payoff_by_type: FloatArray
    trust_needed: FloatArray


def exact_grim(dynamics: Dynamics) -> ExactGrim:
    """Survival, causes and expected discounted payoffs under grim trigger, exactly.

    Raises
    ------
    GameError
        If the response is not grim trigger.

    Examples
    --------
    Two trustworthy sides with false alarms 0.1 survive t rounds with probability 0.81^t:

    >>> from negotiation_sim.dynamics.examples import two_sided
    >>> exact = exact_grim(two_sided(trust=1.0, false_alarm=0.1, rounds=3))
    >>> exact.survival[:, 0].round(6).tolist()
    [1.0, 0.81, 0.6561, 0.531441]
    >>> exact.causes[:, 0].round(6).tolist()
    [0.0, 0.468559, 0.0, 0.531441]
    """
    if dynamics.response.rule != "grim":
        raise GameError(f"exact_grim: expected grim trigger, got {dynamics.response.rule!r}")
    q = behaviour_probabilities(dynamics)
    n, b, actors = dynamics.rounds, dynamics.size, len(dynamics.actors)
    survival = np.empty((2, 2, n + 1, b))
    causes = np.empty((2, 2, 4, b))
    payoff = np.empty((actors, 2, 2, b))
    for theta0 in range(2):
        for theta1 in range(2):
            v = (theta0 * q[0], theta1 * q[1])
            s, c = _survival_and_causes(dynamics, v)
            survival[theta0, theta1], causes[theta0, theta1] = s, c
            payoff[:, theta0, theta1] = _payoffs(dynamics, v, (theta0, theta1), s)
    prior = dynamics.prior
    return ExactGrim(
        survival=np.einsum("xyb,xytb->tb", prior, survival),
        survival_by_type=survival,
        causes=np.einsum("xyb,xykb->kb", prior, causes),
        causes_by_type=causes,
        expected_duration=np.einsum("xyb,xytb->b", prior, survival[:, :, :-1]),
        payoff=np.einsum("xyb,axyb->ab", prior, payoff),
        payoff_by_type=payoff,
        trust_needed=trust_needed(dynamics, payoff),
    )


def _survival_and_causes(
    dynamics: Dynamics, v: tuple[FloatArray, FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """S(t), t = 0..N, and the cause shares (4, B) at one type profile."""
    m, esc = dynamics.monitoring, [b.escalation for b in dynamics.behaviour]
    caught = [v[i] * m[i].detection for i in range(2)]
    alarm = [caught[i] + (1 - v[i]) * m[i].false_alarm for i in range(2)]
    clean = [1 - alarm[i] - v[i] * (1 - m[i].detection) * esc[i] for i in range(2)]
    passes = clean[0] * clean[1]
    survival = np.concatenate([np.ones((1, dynamics.size)), np.cumprod(passes, axis=0)])
    before = survival[:-1]
    no_caught = (1 - caught[0]) * (1 - caught[1])
    no_alarm = (1 - alarm[0]) * (1 - alarm[1])
    shares = np.stack(
        [
            (before * (1 - no_caught)).sum(axis=0),
            (before * (no_caught - no_alarm)).sum(axis=0),
            (before * (no_alarm - passes)).sum(axis=0),
            survival[-1],
        ]
    )
    return survival, shares


def _payoffs(
    dynamics: Dynamics,
    v: tuple[FloatArray, FloatArray],
    profile: tuple[int, int],
    survival: FloatArray,
) -> FloatArray:
    """Every actor's expected discounted payoff (n, B) at one type profile."""
    stage, m = dynamics.stage, dynamics.monitoring
    at = (slice(None), *profile)
    war = stage.war[at][:, np.newaxis, :]  # (n, 1, B)
    s = dynamics.stakes()[np.newaxis]  # (1, N, B)

    def deal(x: FloatArray) -> FloatArray:
        return np.asarray(s * x[at][:, np.newaxis, :] + (1 - s) * war)

    def violation(i: int) -> FloatArray:
        pi = m[i].detection
        return pi * deal(stage.caught[i]) + (1 - pi) * deal(stage.violated[i])

    v0, v1 = v
    expected = (
        (1 - v0) * (1 - v1) * deal(stage.kept)
        + v0 * (1 - v1) * violation(0)
        + (1 - v0) * v1 * violation(1)
        + v0 * v1 * war
    )
    cost = np.zeros((len(dynamics.actors), 1, dynamics.size))
    for i in range(2):
        cost[dynamics.actors.index(dynamics.sides[1 - i]), 0] += m[i].cost
    held = survival[np.newaxis, :-1]
    discount = dynamics.discount ** np.arange(dynamics.rounds)[:, np.newaxis]
    per_round = held * (expected - cost) + (1 - held) * war
    return np.asarray((discount * per_round).sum(axis=1), dtype=np.float64)
