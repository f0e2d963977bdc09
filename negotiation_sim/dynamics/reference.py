"""The plain per-trajectory, per-round loop: the benchmark's baseline and a second oracle.

Types are drawn from the prior (not stratified); every round each side's action, its signal
and any escalation are drawn with :class:`random.Random`, exactly as the model says
(:mod:`negotiation_sim.dynamics.model`), forgiving windows counted from the alarm rounds.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from ..errors import GameError
from ..game import FloatArray
from .behaviour import behaviour_probabilities
from .model import Dynamics

__all__ = ["ReferenceResult", "reference_simulation"]


@dataclass(frozen=True, eq=False)
class ReferenceResult:
    """Plain Monte Carlo at one point.

    Attributes
    ----------
    survival : (N + 1,)
    causes : (4,)
        Shares of :data:`~negotiation_sim.dynamics.CAUSES`.
    payoff, payoff_se : (n,)
        Mean discounted payoff per actor and its standard error.
    """

    survival: FloatArray
    causes: FloatArray
    payoff: FloatArray
    payoff_se: FloatArray


def reference_simulation(
    dynamics: Dynamics, point: int, trajectories: int, seed: int
) -> ReferenceResult:
    """Simulate ``trajectories`` ceasefires at one point, one round at a time.

    Examples
    --------
    >>> from negotiation_sim.dynamics.examples import two_sided
    >>> ref = reference_simulation(two_sided(trust=1.0, false_alarm=0.1, rounds=3), 0, 4000, 1)
    >>> ref.survival.round(2).tolist()
    [1.0, 0.8, 0.66, 0.53]
    """
    if not 0 <= point < dynamics.size:
        raise GameError(f"point: expected an index in [0, {dynamics.size}), got {point!r}")
    rng = random.Random(seed)
    q = behaviour_probabilities(dynamics.select(slice(point, point + 1)))[..., 0].tolist()
    model = _Point(dynamics, point)
    n = dynamics.rounds
    ended_counts = [0] * (n + 2)
    cause_counts = [0] * 4
    payoffs = []
    cumulative = list(np.cumsum(dynamics.prior[..., point].ravel()))
    for _ in range(trajectories):
        draw = rng.random()
        profile = next((s for s in range(4) if draw < cumulative[s]), 3)
        ended, cause, payoff = _trajectory(model, q, divmod(profile, 2), rng)
        ended_counts[ended] += 1
        cause_counts[cause] += 1
        payoffs.append(payoff)
    broken = np.cumsum(ended_counts[1 : n + 1])
    values = np.array(payoffs)
    return ReferenceResult(
        survival=np.concatenate([[1.0], 1 - broken / trajectories]),
        causes=np.array(cause_counts) / trajectories,
        payoff=values.mean(axis=0),
        payoff_se=values.std(axis=0, ddof=1) / math.sqrt(trajectories),
    )


class _Point:
    """One point's numbers as Python floats."""

    def __init__(self, dynamics: Dynamics, b: int) -> None:
        stage = dynamics.stage
        self.rounds = dynamics.rounds
        self.delta = float(dynamics.discount[b])
        self.stakes = dynamics.stakes()[:, b].tolist()
        self.pi = [float(m.detection[b]) for m in dynamics.monitoring]
        self.alpha = [float(m.false_alarm[b]) for m in dynamics.monitoring]
        self.escalation = [float(x.escalation[b]) for x in dynamics.behaviour]
        self.alarms, self.window = dynamics.response.alarms, dynamics.response.window
        self.kept = stage.kept[..., b]
        self.violated = [x[..., b] for x in stage.violated]
        self.caught = [x[..., b] for x in stage.caught]
        self.war = stage.war[..., b]
        self.cost = [0.0] * len(dynamics.actors)
        for i, m in enumerate(dynamics.monitoring):
            self.cost[dynamics.actors.index(dynamics.sides[1 - i])] += float(m.cost[b])


def _trajectory(
    p: _Point, q: list[list[float]], types: tuple[int, int], rng: random.Random
) -> tuple[int, int, list[float]]:
    """One ceasefire: the breakdown round (N + 1 if it held), its cause, discounted payoffs."""
    war = p.war[:, types[0], types[1]].tolist()
    total = [0.0] * len(war)
    alarm_rounds: list[list[int]] = [[], []]
    ended, cause = p.rounds + 1, 3
    for t in range(1, p.rounds + 1):
        weight = p.delta ** (t - 1)
        if ended <= p.rounds:
            total = [x + weight * w for x, w in zip(total, war, strict=True)]
            continue
        violates = [bool(types[i]) and rng.random() < q[i][t - 1] for i in range(2)]
        alarm = [rng.random() < (p.pi[i] if violates[i] else p.alpha[i]) for i in range(2)]
        escalates = [
            violates[i] and not alarm[i] and rng.random() < p.escalation[i] for i in range(2)
        ]
        u = _round_payoff(p, types, t, violates, alarm)
        total = [x + weight * (y - c) for x, y, c in zip(total, u, p.cost, strict=True)]
        hit = []
        for i in range(2):
            if alarm[i]:
                alarm_rounds[i].append(t)
                recent = [r for r in alarm_rounds[i] if r > t - p.window]
                hit.append(len(recent) >= p.alarms)
            else:
                hit.append(False)
        if any(hit) or any(escalates):
            ended = t
            detected = any(hit[i] and violates[i] for i in range(2))
            cause = 0 if detected else 1 if any(hit) else 2
    return ended, cause, total


def _round_payoff(
    p: _Point, types: tuple[int, int], t: int, violates: list[bool], alarm: list[bool]
) -> list[float]:
    """Every actor's payoff of a round of the deal."""
    at = (slice(None), types[0], types[1])
    if violates[0] and violates[1]:
        return list(p.war[at].tolist())
    cell = p.kept
    for i in range(2):
        if violates[i]:
            cell = p.caught[i] if alarm[i] else p.violated[i]
    s = p.stakes[t - 1]
    return [s * x + (1 - s) * w for x, w in zip(cell[at].tolist(), p.war[at].tolist(), strict=True)]
