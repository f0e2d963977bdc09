"""Payoff transforms shared by games, scenarios and sweeps (one implementation each).

*Relative gains* (Grieco 1988; Powell 1991, 'Absolute and relative gains in
international relations theory', APSR 85): actor ``i`` cares about
``u'_i = u_i - rho * mean_{j != i} u_j``. ``rho = 0`` is the game itself;
``rho = 1`` makes any game zero-sum.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["relative_gains_payoffs"]


def relative_gains_payoffs(
    payoffs: ArrayLike, rho: ArrayLike, *, actor_axis: int = 0
) -> NDArray[np.float64]:
    """``u_i - rho * mean_{j != i} u_j`` along ``actor_axis``, elementwise over everything else.

    Parameters
    ----------
    payoffs : array_like
        Payoffs with the actors on ``actor_axis`` (at least two of them): one game
        ``(n, k_1, ..., k_n)``, a batch, or the payoffs of a few outcomes.
    rho : array_like
        Weight of relative gains; broadcast against ``payoffs`` (e.g. one value per
        grid point, shaped to the grid axes).
    actor_axis : int
        Where the actors are.

    Returns
    -------
    ndarray
        A new array of the broadcast shape. Every caller goes through this one
        function, so the same payoffs give bit-identical results everywhere (a
        game's payoffs at a no-deal profile equal the no-deal point).

    Examples
    --------
    The prisoner's dilemma at ``rho = 1``: each actor gets its payoff minus the other's.

    >>> pd = [[[3, 0], [5, 1]], [[3, 5], [0, 1]]]
    >>> relative_gains_payoffs(pd, 1.0)[0].tolist()
    [[0.0, -5.0], [5.0, 0.0]]
    >>> relative_gains_payoffs([2.0, 4.0, 6.0], 0.5).tolist()
    [-0.5, 2.0, 4.5]
    """
    u = np.asarray(payoffs, dtype=np.float64)
    n = u.shape[actor_axis]
    total = u.sum(axis=actor_axis, keepdims=True)
    others = (total - u) / (n - 1)
    transformed: NDArray[np.float64] = u - np.asarray(rho, dtype=np.float64) * others
    return transformed
