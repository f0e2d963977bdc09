"""What the simulator looks up: per point, type profile (stratum) and round, the probabilities
of each side's outcome, the expected payoffs given them, and the trust increments.

A round's outcome about side i is one of ``AV`` (its violation raised an alarm), ``FA`` (a
false alarm on a kept round), ``E`` (an undetected violation that escalates to war) and ``CL``
(clean: kept without alarm, or violated undetected without escalation). A round with both
sides clean is not an event; the 15 other joint outcomes are. Given the joint outcome the
round's payoff is taken in expectation over what ``CL`` hides (kept or violated undetected):
the Rao-Blackwellisation of the simulator (it sees only what changes survival and signals).

Strata are ``s = 2 theta_0 + theta_1`` (0 trustworthy, 1 opportunist); every array has the
points first, so one point's tables are contiguous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..game import FloatArray
from .model import Dynamics

__all__ = [
    "AV",
    "CL",
    "DETECTED",
    "ESCALATION",
    "FA",
    "FALSE_ALARM",
    "FLOOR",
    "HELD",
    "E",
    "Tables",
    "logit",
    "make_tables",
]

AV, FA, E, CL = range(4)
#: Probabilities are floored here before logs, so log-survival and log-odds stay finite (a
#: round that cannot pass clean contributes log(FLOOR) = -690.8: exp of it is 0 in practice).
FLOOR = 1e-300
#: The causes of a breakdown, in the simulator's codes.
DETECTED, FALSE_ALARM, ESCALATION, HELD = range(4)


@dataclass(frozen=True)
class Tables:
    """The lookup tables of a batch of points (shapes with B points first, 4 strata, N rounds).

    Attributes
    ----------
    log_survival : (B, 4, N + 1)
        Cumulative log-probability that rounds 1..t pass with no event (floored, non-increasing).
    event_cdf : (B, 4, 16 N)
        Round t's (1-based) conditional CDF of the joint outcomes ``4 o_0 + o_1`` given an
        event (both clean, index 15, excluded), plus t - 1, rounds one after the other: one
        non-decreasing array, so an event in round t is drawn by ``searchsorted`` of t - 1 + u
        (u uniform in (0, 1]) and its outcome is the index modulo 16.
    event_gain : (B, 4, N, 16, n)
        delta^(t-1) (expected payoff given the joint outcome - given a clean round), per actor.
    clean_sum : (B, 4, N + 1, n)
        Discounted payoffs of rounds 1..t if all are clean, monitoring costs included.
    war_tail : (B, 4, N + 1, n)
        Discounted war payoffs of rounds t+1..N.
    trust_clean : (B, 2, N + 1)
        Cumulative log-likelihood-ratio increments of clean signals about side j (t = 0..N).
    trust_jump : (B, 2, N)
        The increment of an alarm about side j in round t minus that of a clean signal.
    initial_logit : (B, 2, 2)
        Side i's prior log-odds that the other is trustworthy, given its own type.
    """

    log_survival: FloatArray
    event_cdf: FloatArray
    event_gain: FloatArray
    clean_sum: FloatArray
    war_tail: FloatArray
    trust_clean: FloatArray
    trust_jump: FloatArray
    initial_logit: FloatArray


def logit(mu: FloatArray) -> FloatArray:
    """log(mu / (1 - mu)), +-inf at 1 and 0."""
    with np.errstate(divide="ignore"):
        return np.asarray(np.log(mu) - np.log1p(-mu), dtype=np.float64)


def make_tables(dynamics: Dynamics, q: FloatArray) -> Tables:
    """The tables of every point of ``dynamics`` given the violation probabilities ``q``
    (2, N, B) of :func:`~negotiation_sim.dynamics.behaviour_probabilities`."""
    probs, hidden = _side_outcomes(dynamics, q)  # (B, 4, N, 2, 4) and (B, 4, N, 2)
    joint = probs[..., 0, :, np.newaxis] * probs[..., 1, np.newaxis, :]
    joint = joint.reshape(*joint.shape[:-2], 16)
    log_p = np.log(np.clip(joint[..., 15], FLOOR, 1.0))
    joint[..., 15] = 0.0
    zero = np.zeros((*log_p.shape[:-1], 1))
    expected = _expected_payoffs(dynamics, hidden)  # (B, 4, N, 16, n)
    discount = _discounts(dynamics)  # (B, N)
    clean = expected[..., 15, :]
    cost = _costs(dynamics)  # (B, n)
    weighted = discount[:, None, :, None] * (clean - cost[:, None, None, :])
    # tail[:, t]: sum of delta^(r-1) over rounds r = t+1..N.
    later = np.cumsum(discount[:, ::-1], axis=1)[:, ::-1]
    tail = np.concatenate([later, np.zeros((later.shape[0], 1))], axis=1)
    war = np.moveaxis(dynamics.stage.war.reshape(len(dynamics.actors), 4, -1), (0, 2), (-1, 0))
    return Tables(
        log_survival=np.concatenate([zero, np.cumsum(log_p, axis=-1)], axis=-1),
        event_cdf=_stacked_cdf(joint),
        event_gain=discount[:, None, :, None, None] * (expected - clean[..., np.newaxis, :]),
        clean_sum=np.concatenate(
            [np.zeros_like(weighted[..., :1, :]), np.cumsum(weighted, axis=2)], axis=2
        ),
        war_tail=tail[:, None, :, None] * war[:, :, None, :],
        **_trust_tables(dynamics, q),
    )


def _stacked_cdf(joint: FloatArray) -> FloatArray:
    """The conditional CDFs of every round, offset by the round (``event_cdf``)."""
    cdf = np.cumsum(joint, axis=-1)
    total = cdf[..., -1:]
    # A round where no event can happen is never drawn: any non-decreasing row will do.
    conditional = np.divide(cdf, total, out=np.ones_like(cdf), where=total > 0)
    conditional[..., -1] = 1.0
    rounds = np.arange(joint.shape[-2], dtype=np.float64)[:, np.newaxis]
    return (rounds + conditional).reshape(*joint.shape[:-2], -1)


def _discounts(dynamics: Dynamics) -> FloatArray:
    """delta^(t-1) for t = 1..N, shape (B, N)."""
    t = np.arange(dynamics.rounds)[np.newaxis, :]
    return np.asarray(dynamics.discount[:, np.newaxis] ** t, dtype=np.float64)


def _costs(dynamics: Dynamics) -> FloatArray:
    """Each actor's monitoring cost per round while the deal holds, shape (B, n)."""
    cost = np.zeros((dynamics.size, len(dynamics.actors)))
    for i, monitoring in enumerate(dynamics.monitoring):
        cost[:, dynamics.actors.index(dynamics.sides[1 - i])] += monitoring.cost
    return cost


def _side_outcomes(dynamics: Dynamics, q: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each side's outcome probabilities (B, 4, N, 2, 4) and the probability that a clean
    outcome hides a violation (B, 4, N, 2)."""
    theta = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)  # stratum, side
    v = theta[np.newaxis, :, np.newaxis, :] * q.transpose(2, 1, 0)[:, np.newaxis]
    pi = np.stack([m.detection for m in dynamics.monitoring], axis=-1)[:, None, None, :]
    alpha = np.stack([m.false_alarm for m in dynamics.monitoring], axis=-1)[:, None, None, :]
    e = np.stack([b.escalation for b in dynamics.behaviour], axis=-1)[:, None, None, :]
    av, fa, esc = v * pi, (1 - v) * alpha, v * (1 - pi) * e
    hidden_violation = v * (1 - pi) * (1 - e)
    clean = np.clip(1 - av - fa - esc, 0.0, 1.0)
    share = np.divide(hidden_violation, clean, out=np.zeros_like(clean), where=clean > 0)
    return np.stack([av, fa, esc, clean], axis=-1), np.minimum(share, 1.0)


def _expected_payoffs(dynamics: Dynamics, hidden: FloatArray) -> FloatArray:
    """Expected payoffs per joint outcome (B, 4, N, 16, n), at the round's stakes."""
    # What each outcome says a side did: keep, violated detected, violated undetected.
    acts = np.zeros((*hidden.shape, 4, 3))
    acts[..., AV, 1] = 1.0
    acts[..., FA, 0] = 1.0
    acts[..., E, 2] = 1.0
    acts[..., CL, 0] = 1 - hidden
    acts[..., CL, 2] = hidden
    cells = _action_payoffs(dynamics)  # (B, 4, N, 3, 3, n)
    first, second = acts[..., 0, :, :], acts[..., 1, :, :]  # (B, 4, N, 4 outcomes, 3 acts)
    out = np.zeros((*first.shape[:3], 4, 4, cells.shape[-1]))
    # Elementwise in a fixed order (not einsum), so a point's tables do not depend on the
    # other points built with it: chunks stay bit-identical.
    for a in range(3):
        for c in range(3):
            weight = first[..., :, np.newaxis, a] * second[..., np.newaxis, :, c]
            out += weight[..., np.newaxis] * cells[..., np.newaxis, np.newaxis, a, c, :]
    return out.reshape(*out.shape[:3], 16, out.shape[-1])


def _action_payoffs(dynamics: Dynamics) -> FloatArray:
    """Payoffs per (action of side 0, action of side 1), (B, 4, N, 3, 3, n), at the stakes:
    a deal payoff x pays s x + (1 - s) war; both violating pays war."""
    stage = dynamics.stage
    n = len(dynamics.actors)

    def flat(array: FloatArray) -> FloatArray:
        return np.moveaxis(array.reshape(n, 4, -1), (0, 2), (-1, 0))  # (B, 4, n)

    war = flat(stage.war)
    stakes = dynamics.stakes().T[:, None, :, None]  # (B, 1, N, 1)

    def scaled(array: FloatArray) -> FloatArray:
        return stakes * flat(array)[:, :, None, :] + (1 - stakes) * war[:, :, None, :]

    cells = np.empty((war.shape[0], 4, dynamics.rounds, 3, 3, n))
    cells[...] = war[:, :, None, None, None, :]
    cells[..., 0, 0, :] = scaled(stage.kept)
    cells[..., 1, 0, :] = scaled(stage.caught[0])
    cells[..., 2, 0, :] = scaled(stage.violated[0])
    cells[..., 0, 1, :] = scaled(stage.caught[1])
    cells[..., 0, 2, :] = scaled(stage.violated[1])
    return cells


def _trust_tables(dynamics: Dynamics, q: FloatArray) -> dict[str, FloatArray]:
    """Trust increments (MODEL.md §8, escalation ruled out while the deal holds)."""
    pi = np.stack([m.detection for m in dynamics.monitoring])[:, None, :]  # (2, 1, B)
    alpha = np.stack([m.false_alarm for m in dynamics.monitoring])[:, None, :]
    e = np.stack([b.escalation for b in dynamics.behaviour])[:, None, :]
    opp_clean = q * (1 - pi) * (1 - e) + (1 - q) * (1 - alpha)
    opp_alarm = q * pi + (1 - q) * alpha

    def log(x: FloatArray) -> FloatArray:
        return np.log(np.clip(x, FLOOR, None))

    clean = log(1 - alpha) - log(opp_clean)  # (2, N, B)
    alarm = log(alpha) - log(opp_alarm)
    cum = np.concatenate([np.zeros((2, 1, dynamics.size)), np.cumsum(clean, axis=1)], axis=1)
    p = dynamics.prior
    with np.errstate(invalid="ignore", divide="ignore"):
        trust0 = p[:, 0, :] / p.sum(axis=1)  # side 0's trust given its type (2, B)
        trust1 = p[0, :, :] / p.sum(axis=0)
    initial = np.nan_to_num(np.stack([trust0, trust1]), nan=0.5)  # (side, own type, B)
    return {
        "trust_clean": np.ascontiguousarray(np.moveaxis(cum, -1, 0)),
        "trust_jump": np.ascontiguousarray(np.moveaxis(alarm - clean, -1, 0)),
        "initial_logit": np.ascontiguousarray(np.moveaxis(logit(initial), -1, 0)),
    }
