"""What the enforcement models share: argument checks and the :class:`Frontier` curve.

Every model function takes array-like arguments, converts them with :func:`arrays`
(finite floats, broadcast together) and checks its conditions with :func:`require`,
which names the first offending index of the broadcast arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import GameError
from ...game import FloatArray, at_index, float_array, require_finite

BoolArray: TypeAlias = NDArray[np.bool_]


def arrays(**named: ArrayLike) -> tuple[FloatArray, ...]:
    """Convert to float arrays, require finite values, broadcast together.

    >>> [a.tolist() for a in arrays(R=4, pi=[0.0, 0.5])]
    [[4.0, 4.0], [0.0, 0.5]]
    >>> arrays(pi=[0.0, float("nan")])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: pi: values must be finite, got nan at index (1,) ...
    """
    converted = []
    for name, value in named.items():
        array = float_array(value, name, "a number or an array of numbers")
        require_finite(array, name)
        converted.append(array)
    try:
        return tuple(np.broadcast_arrays(*converted))
    except ValueError as exc:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(named, converted, strict=True))
        raise GameError(f"arguments do not broadcast together: {shapes}") from exc


def require(ok: BoolArray, message: str, **shown: FloatArray) -> None:
    """Raise ``GameError`` at the first index where ``ok`` is false, showing the values there.

    >>> p = np.array([0.5, 2.0])
    >>> require((p >= 0) & (p <= 1), "p: expected a probability", p=p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: p: expected a probability, got p=2.0 at index (1,) ...
    """
    if ok.all():
        return
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    values = ", ".join(f"{name}={float(array[index])!r}" for name, array in shown.items())
    raise GameError(
        f"{message}, got {values}{at_index(index)} ({int((~ok).sum())} offending value(s) in all)"
    )


def probability(name: str, p: FloatArray) -> None:
    """Require every ``p`` in [0, 1]."""
    require((p >= 0) & (p <= 1), f"{name}: expected a probability in [0, 1]", **{name: p})


@dataclass(frozen=True, eq=False)
class Frontier:
    """An analytic threshold curve over a sweep axis, for drawing over a landscape.

    Attributes
    ----------
    x : ndarray
        The sweep values (read-only), e.g. verification ``pi``.
    y : ndarray
        The threshold at each ``x`` (read-only); ``inf`` where none exists.
    x_name, y_name : str
        Axis names, e.g. ``"verification"`` and ``"trust"``.
    """

    x: FloatArray
    y: FloatArray
    x_name: str
    y_name: str

    def above(self, y: ArrayLike) -> BoolArray:
        """Whether each ``y`` (broadcast against :attr:`x`) is on or above the frontier.

        >>> from negotiation_sim.analysis.enforcement import assurance_frontier
        >>> assurance_frontier(4, 3, 2, 0, [0, 1]).above([0.5, 0.5]).tolist()
        [False, True]
        """
        return np.asarray(np.asarray(y, dtype=np.float64) >= self.y, dtype=np.bool_)
