"""Each opportunist's violation probability per round, under its rule (MODEL.md §8).

``constant``: q every round. ``strike``: 1 in round r, else 0. ``incentive``: 0 or 1 by
backward induction over the rounds against grim trigger, the partner keeping the deal: in round
t (stakes s_t; R, T, C the kept, violated and caught payoffs of the side at the profile
(it opportunist, the other trustworthy) scaled by the stakes, c the monitoring cost it pays
while the deal holds, W the war payoff, W_inf = W / (1 - delta)) keeping is worth ::

    R_t - c + delta [p_keep V_{t+1} + (1 - p_keep) W_inf],  p_keep = (1 - alpha_i)(1 - alpha_j)

and violating ::

    pi C_t + (1 - pi) T_t - c + delta [(pi + (1 - pi) e) W_inf
                                       + (1 - pi)(1 - e)((1 - alpha_j) V_{t+1} + alpha_j W_inf)]

with V_t the larger (optimal play) and V_{N+1} the stationary optimal value at full stakes (the
deal goes on beyond the simulated rounds: the larger of keeping forever and violating forever).
The side violates iff violating is better by more than ``tol``. The cost c cancels in the
comparison of one round but not in V (the deal is worth less when monitoring costs).
"""

from __future__ import annotations

import numpy as np

from ..game import DEFAULT_TOL, FloatArray
from ..solvers._checks import check_tol
from .model import Dynamics

__all__ = ["behaviour_probabilities", "side_payoffs"]


def behaviour_probabilities(dynamics: Dynamics, *, tol: float = DEFAULT_TOL) -> FloatArray:
    """q_{i,t}: each side's violation probability per round when it is an opportunist.

    Parameters
    ----------
    dynamics : Dynamics
    tol : float
        The incentive rule violates iff violating is better by more than ``tol``.

    Returns
    -------
    ndarray, shape (2, N, B)
        Side, round t = 1..N, point.

    Examples
    --------
    >>> from negotiation_sim.dynamics.examples import two_sided
    >>> behaviour_probabilities(two_sided(rounds=3, rule="strike", strike=2))[0, :, 0].tolist()
    [0.0, 1.0, 0.0]

    With perfect monitoring, T = 5, R = 3, P = 1 the deal needs delta >= 1/2:

    >>> model = two_sided(rounds=3, rule="incentive", discount=[0.4, 0.6], detection=1.0,
    ...                   false_alarm=0.0)
    >>> behaviour_probabilities(model)[0].T.tolist()
    [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
    """
    check_tol(tol)
    n, b = dynamics.rounds, dynamics.size
    out = np.zeros((2, n, b))
    rounds = np.arange(1, n + 1)[:, np.newaxis]
    for i, behaviour in enumerate(dynamics.behaviour):
        if behaviour.rule == "constant":
            out[i] = behaviour.violation_probability[np.newaxis, :]
        elif behaviour.rule == "strike":
            out[i] = rounds == behaviour.strike_round[np.newaxis, :]
        else:
            out[i] = _incentive(dynamics, i, tol)
    return out


def side_payoffs(dynamics: Dynamics, i: int, profile: tuple[int, int]) -> dict[str, FloatArray]:
    """Side ``i``'s full-stakes payoffs at a type profile: ``R``, ``T``, ``C``, ``W`` (shape
    ``(B,)``) and ``c``, the monitoring cost it pays while the deal holds.

    >>> from negotiation_sim.dynamics.examples import two_sided
    >>> {k: v.tolist() for k, v in side_payoffs(two_sided(), 1, (0, 1)).items()}
    {'R': [3.0], 'T': [5.0], 'C': [5.0], 'W': [1.0], 'c': [0.0]}
    """
    stage = dynamics.stage
    actor = dynamics.actors.index(dynamics.sides[i])
    at = (actor, *profile)
    return {
        "R": stage.kept[at],
        "T": stage.violated[i][at],
        "C": stage.caught[i][at],
        "W": stage.war[at],
        "c": dynamics.monitoring[1 - i].cost,
    }


def _incentive(dynamics: Dynamics, i: int, tol: float) -> FloatArray:
    """The incentive rule's 0/1 violations of side ``i``, shape ``(N, B)`` (the module)."""
    j = 1 - i
    u = side_payoffs(dynamics, i, (1, 0) if i == 0 else (0, 1))
    R, T, C, W, c = u["R"], u["T"], u["C"], u["W"], u["c"]
    delta = dynamics.discount
    pi = dynamics.monitoring[i].detection
    alpha_i, alpha_j = dynamics.monitoring[i].false_alarm, dynamics.monitoring[j].false_alarm
    e = dynamics.behaviour[i].escalation
    w_inf = W / (1 - delta)
    p_keep = (1 - alpha_i) * (1 - alpha_j)
    # The violator's deal survives a violation iff undetected, not escalated, no false alarm
    # about the partner.
    p_on = (1 - pi) * (1 - e) * (1 - alpha_j)
    keep_forever = (R - c + delta * (1 - p_keep) * w_inf) / (1 - delta * p_keep)
    now = pi * C + (1 - pi) * T
    violate_forever = (now - c + delta * (1 - p_on) * w_inf) / (1 - delta * p_on)
    value = np.maximum(keep_forever, violate_forever)
    stakes = dynamics.stakes()
    out = np.zeros((dynamics.rounds, dynamics.size))
    for t in range(dynamics.rounds - 1, -1, -1):
        s = stakes[t]
        r_t, t_t, c_t = (s * x + (1 - s) * W for x in (R, T, C))
        keep = r_t - c + delta * (p_keep * value + (1 - p_keep) * w_inf)
        violate = pi * c_t + (1 - pi) * t_t - c + delta * ((1 - p_on) * w_inf + p_on * value)
        out[t] = violate - keep > tol
        value = np.maximum(keep, violate)
    return out
