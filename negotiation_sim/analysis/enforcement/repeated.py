"""The shadow of the future: a repeated deal under grim trigger with imperfect monitoring.

*Shadow of the future* (grim trigger with imperfect monitoring; Green &
Porter 1984, Econometrica 52; Abreu, Pearce & Stacchetti 1990). Stage payoffs
``T > R > P``; a violation is detected with probability ``pi``; a false alarm
(punishment although both complied) occurs with probability ``alpha``;
punishment is ``P`` forever. The value recursion is ::

    V_punish = P / (1 - delta)
    V_coop   = R + delta ((1 - alpha) V_coop + alpha V_punish)
    V_dev    = T + delta ((1 - pi) V_coop + pi V_punish)   (one-shot deviation)

so ``V_coop - V_punish = (R - P) / (1 - delta (1 - alpha))`` and
``V_coop >= V_dev`` iff ``delta (pi - alpha)(V_coop - V_punish) >= T - R`` iff
``delta >= delta* = (T - R) / ((T - R)(1 - alpha) + (pi - alpha)(R - P))``.
By the one-shot deviation principle this is the self-enforcement condition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ...game import DEFAULT_TOL, FloatArray, frozen_array
from ._common import BoolArray, Frontier, arrays, probability, require

__all__ = [
    "RepeatedValues",
    "repeated_frontier",
    "repeated_threshold",
    "repeated_values",
]


def repeated_threshold(
    T: ArrayLike, R: ArrayLike, P: ArrayLike, detection: ArrayLike, false_alarm: ArrayLike
) -> FloatArray:
    """Smallest discount factor at which the deal is self-enforcing under grim trigger.

    ``delta* = (T - R) / ((T - R)(1 - alpha) + (pi - alpha)(R - P))`` (module
    docstring for the derivation). It is ``inf`` where no ``delta in [0, 1)``
    works, which is exactly where ``(pi - alpha)(R - P) <= alpha (T - R)``; in
    particular wherever ``pi <= alpha`` (detection no better than noise).
    Otherwise ``0 < delta* < 1``, non-increasing in ``pi``.

    Parameters
    ----------
    T, R, P : array_like
        Stage payoffs: temptation, reward of the kept deal, punishment;
        ``T > R > P`` elementwise.
    detection, false_alarm : array_like
        ``pi`` and ``alpha``, probabilities in [0, 1].

    Examples
    --------
    Perfect monitoring gives the textbook ``(T - R)/(T - P)`` (Axelrod 1984:
    T=5, R=3, P=1 needs delta >= 1/2); noisier monitoring needs more patience
    (10/13 with detection 1/2 and false alarms 1/10), and detection no better
    than the false-alarm rate never suffices:

    >>> repeated_threshold(5, 3, 1, detection=[1.0, 0.5, 0.1], false_alarm=[0.0, 0.1, 0.1]).tolist()
    [0.5, 0.7692307692307692, inf]
    """
    t, r, p, pi, alpha = arrays(T=T, R=R, P=P, detection=detection, false_alarm=false_alarm)
    require((t > r) & (r > p), "repeated game: expected T > R > P", T=t, R=r, P=p)
    probability("detection", pi)
    probability("false_alarm", alpha)
    feasible = (pi - alpha) * (r - p) > alpha * (t - r)
    denominator = (t - r) * (1 - alpha) + (pi - alpha) * (r - p)
    threshold = (t - r) / np.where(feasible, denominator, 1.0)
    # ``< 1`` also catches a threshold that rounds up to 1 when it is barely feasible.
    finite = feasible & (threshold < 1)
    return np.asarray(np.where(finite, threshold, np.inf), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class RepeatedValues:
    """Discounted values of the repeated game under grim trigger (module docstring).

    Attributes
    ----------
    cooperate : ndarray
        ``V_coop = (R + delta alpha V_punish) / (1 - delta (1 - alpha))``.
    deviate : ndarray
        ``V_dev = T + delta ((1 - pi) V_coop + pi V_punish)``, one-shot deviation.
    punish : ndarray
        ``V_punish = P / (1 - delta)``.
    """

    cooperate: FloatArray
    deviate: FloatArray
    punish: FloatArray

    @property
    def self_enforcing(self) -> BoolArray:
        """``V_coop >= V_dev`` (within ``DEFAULT_TOL`` times the values' scale)."""
        scale = np.maximum(1.0, np.abs(self.cooperate))
        return np.asarray(self.cooperate >= self.deviate - DEFAULT_TOL * scale, dtype=np.bool_)


def repeated_values(
    T: ArrayLike,
    R: ArrayLike,
    P: ArrayLike,
    discount: ArrayLike,
    detection: ArrayLike,
    false_alarm: ArrayLike,
) -> RepeatedValues:
    """The payoff transformation of the shadow of the future: stage game to repeated values.

    Parameters
    ----------
    T, R, P : array_like
        ``T > R > P`` elementwise.
    discount : array_like
        ``delta`` in [0, 1).
    detection, false_alarm : array_like
        ``pi`` and ``alpha`` in [0, 1].

    Examples
    --------
    At the textbook threshold delta = 1/2 of T=5, R=3, P=1, cooperating and
    deviating are worth the same (Axelrod 1984):

    >>> v = repeated_values(5, 3, 1, discount=0.5, detection=1, false_alarm=0)
    >>> float(v.cooperate), float(v.deviate), float(v.punish), bool(v.self_enforcing)
    (6.0, 6.0, 2.0, True)
    """
    t, r, p, delta, pi, alpha = arrays(
        T=T, R=R, P=P, discount=discount, detection=detection, false_alarm=false_alarm
    )
    require((t > r) & (r > p), "repeated game: expected T > R > P", T=t, R=r, P=p)
    require((delta >= 0) & (delta < 1), "discount: expected a number in [0, 1)", discount=delta)
    probability("detection", pi)
    probability("false_alarm", alpha)
    punish = p / (1 - delta)
    cooperate = (r + delta * alpha * punish) / (1 - delta * (1 - alpha))
    deviate = t + delta * ((1 - pi) * cooperate + pi * punish)
    return RepeatedValues(frozen_array(cooperate), frozen_array(deviate), frozen_array(punish))


def repeated_frontier(
    T: float, R: float, P: float, detection_values: ArrayLike, false_alarm: float = 0.0
) -> Frontier:
    """The discount threshold ``delta*(pi)`` over a range of detection probabilities.

    Examples
    --------
    >>> repeated_frontier(5, 3, 1, [0.5, 1.0]).y.round(4).tolist()
    [0.6667, 0.5]
    """
    x = np.asarray(detection_values, dtype=np.float64)
    y = repeated_threshold(T, R, P, x, false_alarm)
    return Frontier(frozen_array(x), frozen_array(y), "detection", "discount")
