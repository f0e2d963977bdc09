"""Trust as belief: the assurance game and its trust threshold.

*Trust as belief* (assurance game, ``R > T > P > S``; Kydd 2005, *Trust and
Mistrust in International Relations*, ch. 1). With belief ``mu`` that the
counterpart keeps the deal, and verification ``pi`` turning the sucker's
payoff ``S`` into ``P`` (violation caught in time), entering is worth
``mu R + (1 - mu)(pi P + (1 - pi) S)``, staying out (defecting) is worth
``mu T + (1 - mu) P``. Entering is a best response iff
``mu >= mu*(pi) = (1 - pi)(P - S) / ((R - T) + (1 - pi)(P - S))``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...game import FloatArray, frozen_array
from ._common import Frontier, arrays, probability, require

__all__ = [
    "assurance_frontier",
    "assurance_gain",
    "assurance_threshold",
    "assurance_value",
]


def assurance_threshold(
    R: ArrayLike, T: ArrayLike, P: ArrayLike, S: ArrayLike, verification: ArrayLike
) -> FloatArray:
    """Smallest trust at which entering the deal is a best response (Kydd 2005).

    ``mu*(pi) = (1 - pi)(P - S) / ((R - T) + (1 - pi)(P - S))``, in ``[0, 1)``;
    decreasing in ``pi``, 0 at ``pi = 1`` (full verification needs no trust).

    Parameters
    ----------
    R, T, P, S : array_like
        Assurance-game payoffs: deal kept, cheat on a keeper, no deal, kept
        while the other cheats. ``R > T >= P >= S`` elementwise (``T = P``: refusing leaves the no-deal
        payoff, as when the alternative to a ceasefire is the war itself).
    verification : array_like
        ``pi`` in [0, 1], the probability a violation is caught in time.

    Returns
    -------
    ndarray
        Broadcast shape of the arguments (0-d for scalars).

    Examples
    --------
    Kydd's assurance game with R=4, T=3, P=2, S=0: without verification the
    counterpart must be trusted at 2/3; verification at 1/2 lowers it to 1/2.

    >>> assurance_threshold(4, 3, 2, 0, [0.0, 0.5, 1.0]).tolist()
    [0.6666666666666666, 0.5, 0.0]
    """
    r, t, p, s, pi = arrays(R=R, T=T, P=P, S=S, verification=verification)
    _assurance_order(r, t, p, s)
    probability("verification", pi)
    exposure = (1 - pi) * (p - s)
    return np.asarray(exposure / ((r - t) + exposure), dtype=np.float64)


def assurance_value(
    R: ArrayLike, P: ArrayLike, S: ArrayLike, trust: ArrayLike, verification: ArrayLike
) -> FloatArray:
    """Expected value of entering the deal: ``mu R + (1 - mu)(pi P + (1 - pi) S)``.

    The payoff transformation behind :func:`assurance_threshold`: verification
    ``pi`` turns the sucker's payoff ``S`` into ``P``. Compare it with the value
    of staying out, ``mu T + (1 - mu) P`` (see :func:`assurance_gain`), not with
    ``T`` alone.

    Parameters
    ----------
    R, P, S : array_like
        ``R > P > S`` elementwise.
    trust, verification : array_like
        ``mu`` and ``pi``, probabilities in [0, 1].

    Examples
    --------
    >>> float(assurance_value(4, 2, 0, trust=0.5, verification=0.5))
    2.5
    """
    r, p, s, mu, pi = arrays(R=R, P=P, S=S, trust=trust, verification=verification)
    require((r > p) & (p > s), "assurance game: expected R > P > S", R=r, P=p, S=s)
    probability("trust", mu)
    probability("verification", pi)
    return np.asarray(mu * r + (1 - mu) * (pi * p + (1 - pi) * s), dtype=np.float64)


def assurance_gain(
    R: ArrayLike,
    T: ArrayLike,
    P: ArrayLike,
    S: ArrayLike,
    trust: ArrayLike,
    verification: ArrayLike,
) -> FloatArray:
    """Value of entering the deal minus value of staying out (defecting).

    ``[mu R + (1 - mu)(pi P + (1 - pi) S)] - [mu T + (1 - mu) P]``, affine and
    increasing in ``mu``; it is ``>= 0`` iff ``mu >= mu*(pi)``
    (:func:`assurance_threshold`).

    Examples
    --------
    At the threshold 2/3 of R=4, T=3, P=2, S=0 without verification the two
    values are equal:

    >>> round(float(assurance_gain(4, 3, 2, 0, trust=2 / 3, verification=0)), 12)
    0.0
    """
    r, t, p, s, mu, pi = arrays(R=R, T=T, P=P, S=S, trust=trust, verification=verification)
    _assurance_order(r, t, p, s)
    probability("trust", mu)
    probability("verification", pi)
    enter = mu * r + (1 - mu) * (pi * p + (1 - pi) * s)
    return np.asarray(enter - (mu * t + (1 - mu) * p), dtype=np.float64)


def _assurance_order(r: FloatArray, t: FloatArray, p: FloatArray, s: FloatArray) -> None:
    require(
        (r > t) & (t >= p) & (p >= s),
        "assurance game: expected R > T >= P >= S",
        R=r,
        T=t,
        P=p,
        S=s,
    )


def assurance_frontier(
    R: float, T: float, P: float, S: float, verification_values: ArrayLike
) -> Frontier:
    """The trust threshold ``mu*(pi)`` over a range of verification levels.

    Examples
    --------
    >>> frontier = assurance_frontier(4, 3, 2, 0, [0.0, 0.5, 1.0])
    >>> frontier.x_name, frontier.y_name, frontier.y.round(3).tolist()
    ('verification', 'trust', [0.667, 0.5, 0.0])
    """
    x = np.asarray(verification_values, dtype=np.float64)
    y = assurance_threshold(R, T, P, S, x)
    return Frontier(frozen_array(x), frozen_array(y), "verification", "trust")
