"""The one maximin linear program, shared by minimax, dominance and bargaining.

For a matrix ``A`` of shape ``(m, n)`` it finds a probability vector ``x`` over
the rows maximising the worst column, ``min_j (A^T x)_j``:

    maximise v  subject to  A^T x >= v 1,  sum(x) = 1,  x >= 0.

Zero-sum games (the row actor's security level), mixed dominance (the largest
margin by which a mix of options beats another) and egalitarian bargaining (the
largest smallest gain over lotteries) are all this program. It is solved by
HiGHS's dual simplex (a vertex of the feasible set) through
:func:`scipy.optimize.linprog`, whose status is checked.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linprog

from ..errors import NegotiationSimError
from ..game import FloatArray

__all__ = ["maximin"]


def maximin(matrix: ArrayLike, *, who: str = "minimax") -> tuple[float, FloatArray]:
    """``max_x min_j (A^T x)_j`` over probability vectors ``x``, and an optimal ``x``.

    Parameters
    ----------
    matrix : array_like, shape (m, n)
        ``A``: row ``i`` is what choosing ``i`` gives against each column.
    who : str
        The caller's name, to begin the error message with.

    Returns
    -------
    value : float
        ``min_j (A^T x)_j`` of the returned ``x`` (recomputed from the cleaned
        vector, so a claim made from it does not rest on the solver's tolerances).
    x : ndarray, shape (m,)
        An optimal probability vector (clipped at zero and renormalised).

    Raises
    ------
    NegotiationSimError
        If HiGHS does not report an optimum.

    Examples
    --------
    The row actor's maximin strategy in a zero-sum game, value 1/5:

    >>> value, x = maximin([[2.0, -1.0], [-1.0, 1.0]])
    >>> round(value, 12), np.round(x, 12).tolist()
    (0.2, [0.4, 0.6])
    """
    a = np.asarray(matrix, dtype=np.float64)
    m, n = a.shape
    # Variables (x_1..x_m, v); minimise -v subject to v - (A^T x)_j <= 0.
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    upper = np.hstack([-a.T, np.ones((n, 1))])
    equal = np.hstack([np.ones((1, m)), np.zeros((1, 1))])
    bounds = [(0.0, None)] * m + [(None, None)]
    solution = linprog(
        cost, A_ub=upper, b_ub=np.zeros(n), A_eq=equal, b_eq=[1.0], bounds=bounds, method="highs-ds"
    )
    if solution.status != 0:
        raise NegotiationSimError(f"{who}: the maximin linear program failed: {solution.message}")
    x = np.clip(solution.x[:m], 0.0, None)
    x /= x.sum()
    return float((a.T @ x).min()), x
