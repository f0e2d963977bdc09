"""The inspection game: when does a committed inspector deter a violation?

*Inspection game* (Avenhaus, von Stengel & Zamir 2002, 'Inspection games',
Handbook of Game Theory vol. 3, ch. 51). The inspectee gains ``d`` from an
undetected violation and pays ``b`` when caught; detection probability
``1 - beta``; a false alarm (probability ``alpha``) costs a complying
inspectee ``f``. Against an inspector who inspects, violating is worth
``d - (1 - beta)(b + d)`` and complying ``-alpha f``: deterrence is possible
iff ``(1 - beta)(b + d) >= d + f alpha``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...errors import GameError
from ...game import DEFAULT_TOL, FloatArray, Game
from ._common import BoolArray, arrays, probability, require

__all__ = [
    "inspection_detection_threshold",
    "inspection_deters",
    "inspection_game",
    "inspection_payoffs",
    "inspection_rate",
]


def _inspection_arrays(
    d: ArrayLike, b: ArrayLike, beta: ArrayLike, alpha: ArrayLike, f: ArrayLike
) -> tuple[FloatArray, ...]:
    dd, bb, be, al, ff = arrays(d=d, b=b, beta=beta, alpha=alpha, f=f)
    require(dd > 0, "d: expected a positive gain from an undetected violation", d=dd)
    require(bb >= 0, "b: expected a non-negative penalty when caught", b=bb)
    require(ff >= 0, "f: expected a non-negative false-alarm cost", f=ff)
    probability("beta", be)
    probability("alpha", al)
    return dd, bb, be, al, ff


def inspection_payoffs(
    d: ArrayLike, b: ArrayLike, beta: ArrayLike, alpha: ArrayLike, f: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Inspectee's expected payoffs ``(comply, violate)`` when it is inspected.

    ``comply = -alpha f``, ``violate = beta d - (1 - beta) b = d - (1 - beta)(b + d)``
    (Avenhaus, von Stengel & Zamir 2002). Not inspected, complying is worth 0
    and violating ``d``.

    Parameters
    ----------
    d : array_like
        Gain from an undetected violation, ``> 0``.
    b : array_like
        Penalty when caught, ``>= 0``.
    beta : array_like
        Non-detection probability (detection is ``1 - beta``), in [0, 1].
    alpha : array_like
        False-alarm probability, in [0, 1].
    f : array_like
        Cost of a false alarm to a complying inspectee, ``>= 0``.

    Examples
    --------
    >>> comply, violate = inspection_payoffs(d=1, b=3, beta=0.5, alpha=0.1, f=2)
    >>> float(comply), float(violate)
    (-0.2, -1.0)
    """
    dd, bb, be, al, ff = _inspection_arrays(d, b, beta, alpha, f)
    comply = -al * ff
    violate = dd - (1 - be) * (bb + dd)
    return np.asarray(comply, dtype=np.float64), np.asarray(violate, dtype=np.float64)


def inspection_deters(
    d: ArrayLike,
    b: ArrayLike,
    beta: ArrayLike,
    alpha: ArrayLike,
    f: ArrayLike,
    tol: float = DEFAULT_TOL,
) -> BoolArray:
    """Whether a committed inspector deters: ``(1 - beta)(b + d) >= d + f alpha`` (within ``tol``).

    Parameters are those of :func:`inspection_payoffs`.

    Examples
    --------
    Detection 1/2 deters a gain of 1 against a penalty of 3 (1/2 * 4 = 2 >= 1.2),
    detection 1/5 does not (0.8 < 1.2):

    >>> inspection_deters(d=1, b=3, beta=[0.5, 0.8], alpha=0.1, f=2).tolist()
    [True, False]
    """
    dd, bb, be, al, ff = _inspection_arrays(d, b, beta, alpha, f)
    return np.asarray((1 - be) * (bb + dd) >= dd + ff * al - tol, dtype=np.bool_)


def inspection_detection_threshold(
    d: ArrayLike, b: ArrayLike, alpha: ArrayLike, f: ArrayLike
) -> FloatArray:
    """Smallest detection probability ``1 - beta`` that deters: ``(d + f alpha) / (b + d)``.

    ``inf`` where no detection probability in [0, 1] deters, i.e. where
    ``f alpha > b`` (false alarms cost a complier more than being caught costs
    a violator).

    Examples
    --------
    >>> inspection_detection_threshold(d=1, b=3, alpha=[0.1, 0.1], f=[2, 40]).tolist()
    [0.3, inf]
    """
    dd, bb, _, al, ff = _inspection_arrays(d, b, 0.0, alpha, f)
    threshold = (dd + ff * al) / (bb + dd)
    return np.asarray(np.where(threshold <= 1, threshold, np.inf), dtype=np.float64)


def inspection_rate(
    d: ArrayLike, b: ArrayLike, beta: ArrayLike, alpha: ArrayLike, f: ArrayLike
) -> FloatArray:
    """Smallest inspection probability that deters: ``d / ((1 - beta)(b + d) - alpha f)``.

    The inspectee is indifferent at this rate; it is the inspection
    probability in the mixed equilibrium of :func:`inspection_game`, and the
    rate an inspector with leadership commits to (Avenhaus, von Stengel &
    Zamir 2002, §4). ``inf`` where inspection does not deter.

    Examples
    --------
    >>> inspection_rate(d=1, b=3, beta=[0.5, 0.8], alpha=0.1, f=2).round(4).tolist()
    [0.5556, inf]
    """
    dd, bb, be, al, ff = _inspection_arrays(d, b, beta, alpha, f)
    margin = (1 - be) * (bb + dd) - al * ff
    deters = margin >= dd
    return np.asarray(np.where(deters, dd / np.where(deters, margin, 1.0), np.inf), np.float64)


def inspection_game(
    d: float,
    b: float,
    beta: float,
    alpha: float,
    f: float,
    *,
    loss: float = 1.0,
    cost: float = 0.1,
) -> Game:
    """The inspection game as a two-actor normal-form game.

    Inspectee (row: comply, violate) against inspector (column: trust,
    inspect). Inspectee payoffs as in :func:`inspection_payoffs` (0 and ``d``
    when trusted). The inspector loses ``loss`` from an undetected violation
    and pays ``cost`` per inspection::

                      trust         inspect
        comply      (0, 0)        (-alpha f, -cost)
        violate     (d, -loss)    (d - (1 - beta)(b + d), -cost - beta loss)

    With ``0 < cost < (1 - beta) loss`` (inspecting a violator pays) the
    equilibrium matches the closed forms: if inspection strictly deters
    (:func:`inspection_deters`) the unique equilibrium is mixed, the
    inspector inspecting at :func:`inspection_rate` and the inspectee
    violating with probability ``cost / ((1 - beta) loss)``; if it strictly
    fails to deter, the unique equilibrium is (violate, inspect).

    Parameters
    ----------
    d, b, beta, alpha, f : float
        As in :func:`inspection_payoffs`.
    loss : float
        Inspector's loss from an undetected violation, ``> 0``.
    cost : float
        Inspector's cost of an inspection, ``0 < cost < (1 - beta) loss``.

    Examples
    --------
    >>> from negotiation_sim import solve
    >>> game = inspection_game(d=1, b=3, beta=0.5, alpha=0.1, f=2, loss=1, cost=0.1)
    >>> [s.round(4).tolist() for s in solve(game, "vertex_enumeration").equilibria[0].strategies]
    [[0.8, 0.2], [0.4444, 0.5556]]
    """
    if any(np.ndim(v) for v in (d, b, beta, alpha, f, loss, cost)):
        raise GameError("inspection_game: expected scalar parameters (one game)")
    dd, bb, be, al, ff = (float(v) for v in _inspection_arrays(d, b, beta, alpha, f))
    ls, cs = arrays(loss=loss, cost=cost)
    lv, cv = float(ls), float(cs)
    if not 0 < cv < (1 - be) * lv:
        raise GameError(
            "inspection_game: expected 0 < cost < (1 - beta) * loss (inspecting a violator "
            f"must pay off), got cost={cv!r}, beta={be!r}, loss={lv!r}"
        )
    inspectee = [[0.0, -al * ff], [dd, dd - (1 - be) * (bb + dd)]]
    inspector = [[0.0, -cv], [-lv, -cv - be * lv]]
    return Game.from_bimatrix(
        inspectee,
        inspector,
        actors=("inspectee", "inspector"),
        options=(("comply", "violate"), ("trust", "inspect")),
    )
