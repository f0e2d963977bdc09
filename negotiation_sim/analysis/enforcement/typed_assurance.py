"""Assurance with types, verification and a sanction (Kydd 2005; MODEL.md §7).

Each side is trustworthy (a kept deal R beats exploiting a cooperator, T) or an opportunist
(T_o > R_o), trustworthy with probability mu. A defection against a cooperator is caught in
time with probability pi: the victim then gets the no-deal payoff P instead of the sucker's S,
and the cheat P - k instead of T (k: a sanction such as a snapback). So
S_pi = pi P + (1 - pi) S and T_pi = pi (P - k) + (1 - pi) T.

* Deterrence: an opportunist keeps the deal against a cooperator iff
  R_o >= pi (P - k) + (1 - pi) T_o, i.e. pi >= pi_d = (T_o - R_o) / (T_o - P + k).
* Trust: below pi_d opportunists defect, and a trustworthy side cooperates iff
  mu R + (1 - mu) S_pi >= mu T_pi + (1 - mu) P, i.e.
  mu >= mu*(pi) = (P - S_pi) / ((R - T_pi) + (P - S_pi)).
* At or above pi_d everyone keeping is an equilibrium whatever mu. Mutual defection is always one.

So a deal is reached in some pure Bayes–Nash equilibrium iff mu >= mu*(pi) or pi >= pi_d:
:func:`typed_assurance_threshold` is that trust, mu*(pi) below pi_d and 0 from pi_d on.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...game import FloatArray
from ._common import arrays, probability

__all__ = ["deterrence_threshold", "typed_assurance_threshold"]


def deterrence_threshold(R_o: ArrayLike, T_o: ArrayLike, P: ArrayLike, k: ArrayLike) -> FloatArray:
    """pi_d = (T_o - R_o) / (T_o - P + k): the verification at which an opportunist keeps a deal.

    Examples
    --------
    >>> float(deterrence_threshold(0.6, 1.2, 0.3, 0.4))
    0.46153846153846156
    """
    r_o, t_o, p, k = arrays(R_o=R_o, T_o=T_o, P=P, k=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray((t_o - r_o) / (t_o - p + k), dtype=np.float64)


def typed_assurance_threshold(
    R: ArrayLike,
    T: ArrayLike,
    P: ArrayLike,
    S: ArrayLike,
    k: ArrayLike,
    R_o: ArrayLike,
    T_o: ArrayLike,
    verification: ArrayLike,
) -> FloatArray:
    """The trust above which a deal is reached in some pure Bayes–Nash equilibrium.

    ``mu*(pi) = (P - S_pi) / ((R - T_pi) + (P - S_pi))`` below ``pi_d`` (trustworthy sides
    cooperate, opportunists defect), 0 from ``pi_d`` on (opportunists are deterred).

    Examples
    --------
    The numbers of ``scenarios/typed_assurance.toml`` (pi_d = 0.46):

    >>> typed_assurance_threshold(1.0, 0.5, 0.3, -0.5, 0.4, 0.6, 1.2, [0.0, 0.1, 0.5]).round(4).tolist()
    [0.6154, 0.5625, 0.0]
    """
    r, t, p, s, k_, pi = arrays(R=R, T=T, P=P, S=S, k=k, verification=verification)
    probability("verification", pi)
    s_pi = pi * p + (1 - pi) * s
    t_pi = pi * (p - k_) + (1 - pi) * t
    with np.errstate(divide="ignore", invalid="ignore"):
        trust = (p - s_pi) / ((r - t_pi) + (p - s_pi))
    deterred = pi >= deterrence_threshold(R_o, T_o, P, k)
    return np.asarray(np.where(deterred, 0.0, trust), dtype=np.float64)
