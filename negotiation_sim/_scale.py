"""Power-of-two payoff scales: arithmetic on payoffs that cannot overflow.

Solvers never subtract or add raw payoffs. Each actor's payoffs (or a whole game's,
where actors must share a unit, as in a zero-sum game) are first divided by their
*scale* ``s = 2**e``, the largest power of two not above the largest absolute payoff
(1 for all zeros). Dividing by a power of two changes only the exponent of every
number, so it is exact, and the normalised payoffs lie in ``(-2, 2)``: no difference
or sum of a few of them overflows, even for payoffs near the largest float
(1.7e308), and scaling a game by a power of two changes nothing but ``e``.

``tol`` stays in payoff units. Floating point rounds every computed payoff by about
``2**-52 * s``, so at large payoffs rounding alone exceeds a small ``tol``; an actor's
tolerance is therefore never below :data:`RESOLUTION` times its scale (this matters
only for payoffs above about ``tol / RESOLUTION``, 1,100 at the default ``tol``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["RESOLUTION", "exponents", "normalised", "tolerances"]

#: Smallest tolerance relative to an actor's payoff scale: ``2**-40``, about 9.1e-13,
#: a thousand times the rounding of one product and sum of payoffs.
RESOLUTION = 2.0**-40
#: Tolerances in normalised units are capped here: payoffs in (-2, 2) differ by less,
#: so anything larger means "every option ties" (and stays finite).
_TOL_CAP = 8.0

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


def exponents(payoffs: FloatArray, axis: int | tuple[int, ...] | None = None) -> IntArray:
    """``e`` with ``2**e <= max |payoffs| < 2**(e + 1)`` over ``axis`` (0 where all are zero).

    >>> exponents(np.array([[3.0, -1.0], [0.0, 0.0]]), axis=1).tolist()
    [1, 0]
    >>> exponents(np.array([1.7e308, -0.25])).tolist()
    1023
    """
    top = np.abs(payoffs).max(axis=axis)
    _, exponent = np.frexp(top)
    return np.where(top > 0, exponent - 1, 0).astype(np.intp)


def normalised(payoffs: FloatArray, exponent: IntArray | int) -> FloatArray:
    """``payoffs / 2**exponent``, exactly; ``exponent`` broadcasts over the leading axes.

    >>> normalised(np.array([[6.0, -8.0], [0.5, 1.0]]), np.array([2, -1])).tolist()
    [[1.5, -2.0], [1.0, 2.0]]
    """
    e = np.asarray(exponent)
    result: FloatArray = np.ldexp(payoffs, -e.reshape(e.shape + (1,) * (payoffs.ndim - e.ndim)))
    return result


def tolerances(tol: float, exponent: IntArray | int) -> FloatArray:
    """The tolerance ``max(tol, RESOLUTION * 2**e)`` in units of ``2**e``.

    >>> tolerances(1e-9, np.array([0, 40])).tolist()
    [1e-09, 9.094947017729282e-13]
    """
    e = np.asarray(exponent)
    scaled = np.ldexp(np.full(e.shape, tol), -e)
    result: FloatArray = np.minimum(np.maximum(scaled, RESOLUTION), _TOL_CAP)
    return result
