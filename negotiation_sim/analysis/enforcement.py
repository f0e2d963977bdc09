"""Trust and verification: when is a deal worth entering, or self-enforcing?

The four forms of docs/models.md §4, each as a closed-form threshold and as
the payoff transformation it comes from. Every function is vectorised with
numpy broadcasting: pass arrays to evaluate a whole (trust, verification)
grid in one call. Results are float arrays (0-d for scalar inputs); invalid
inputs raise :class:`~negotiation_sim.GameError` naming the first offending
index of the broadcast arrays.

*Trust as belief* (assurance game, ``R > T > P > S``; Kydd 2005, *Trust and
Mistrust in International Relations*, ch. 1). With belief ``mu`` that the
counterpart keeps the deal, and verification ``pi`` turning the sucker's
payoff ``S`` into ``P`` (violation caught in time), entering is worth
``mu R + (1 - mu)(pi P + (1 - pi) S)``, staying out (defecting) is worth
``mu T + (1 - mu) P``. Entering is a best response iff
``mu >= mu*(pi) = (1 - pi)(P - S) / ((R - T) + (1 - pi)(P - S))``.

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

*Inspection game* (Avenhaus, von Stengel & Zamir 2002, 'Inspection games',
Handbook of Game Theory vol. 3, ch. 51). The inspectee gains ``d`` from an
undetected violation and pays ``b`` when caught; detection probability
``1 - beta``; a false alarm (probability ``alpha``) costs a complying
inspectee ``f``. Against an inspector who inspects, violating is worth
``d - (1 - beta)(b + d)`` and complying ``-alpha f``: deterrence is possible
iff ``(1 - beta)(b + d) >= d + f alpha``.

*Issue linkage* (Lohmann 1997, 'Linkage politics', J. Conflict Resolut. 41).
Pooling tracks ``k`` under one grim trigger (perfect monitoring) gives
``delta*_linked = sum_k (T_k - R_k) / sum_k (T_k - P_k)``, a weighted mean of
the separate thresholds ``(T_k - R_k) / (T_k - P_k)`` with weights
``T_k - P_k``: a slack track carries a tight one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray, Game

__all__ = [
    "Frontier",
    "RepeatedValues",
    "assurance_frontier",
    "assurance_gain",
    "assurance_threshold",
    "assurance_value",
    "inspection_detection_threshold",
    "inspection_deters",
    "inspection_game",
    "inspection_payoffs",
    "inspection_rate",
    "link_tracks",
    "linked_threshold",
    "repeated_frontier",
    "repeated_threshold",
    "repeated_values",
    "track_thresholds",
]

BoolArray: TypeAlias = NDArray[np.bool_]


# -- validation ----------------------------------------------------------------------------------


def _where(index: tuple[int, ...]) -> str:
    return f" at index {index}" if index else ""


def _arrays(**named: ArrayLike) -> tuple[FloatArray, ...]:
    """Convert to float arrays, require finite values, broadcast together."""
    arrays = []
    for name, value in named.items():
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise GameError(
                f"{name}: expected a number or an array of numbers, got {value!r}"
            ) from exc
        bad = ~np.isfinite(array)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise GameError(
                f"{name}: values must be finite, got {array[index]}{_where(index)} "
                f"({int(bad.sum())} non-finite value(s) in all)"
            )
        arrays.append(array)
    try:
        return tuple(np.broadcast_arrays(*arrays))
    except ValueError as exc:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(named, arrays, strict=True))
        raise GameError(f"arguments do not broadcast together: {shapes}") from exc


def _require(ok: BoolArray, message: str, **shown: FloatArray) -> None:
    """Raise ``GameError`` at the first index where ``ok`` is false, showing the values there."""
    if ok.all():
        return
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    values = ", ".join(f"{name}={float(array[index])!r}" for name, array in shown.items())
    raise GameError(
        f"{message}, got {values}{_where(index)} ({int((~ok).sum())} offending value(s) in all)"
    )


def _probability(name: str, p: FloatArray) -> None:
    _require((p >= 0) & (p <= 1), f"{name}: expected a probability in [0, 1]", **{name: p})


def _frozen(array: ArrayLike) -> FloatArray:
    copy = np.array(array, dtype=np.float64)
    copy.setflags(write=False)
    return copy


# -- 1. trust as belief: the assurance game ------------------------------------------------------


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
    r, t, p, s, pi = _arrays(R=R, T=T, P=P, S=S, verification=verification)
    _assurance_order(r, t, p, s)
    _probability("verification", pi)
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
    r, p, s, mu, pi = _arrays(R=R, P=P, S=S, trust=trust, verification=verification)
    _require((r > p) & (p > s), "assurance game: expected R > P > S", R=r, P=p, S=s)
    _probability("trust", mu)
    _probability("verification", pi)
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
    r, t, p, s, mu, pi = _arrays(R=R, T=T, P=P, S=S, trust=trust, verification=verification)
    _assurance_order(r, t, p, s)
    _probability("trust", mu)
    _probability("verification", pi)
    enter = mu * r + (1 - mu) * (pi * p + (1 - pi) * s)
    return np.asarray(enter - (mu * t + (1 - mu) * p), dtype=np.float64)


def _assurance_order(r: FloatArray, t: FloatArray, p: FloatArray, s: FloatArray) -> None:
    _require(
        (r > t) & (t >= p) & (p >= s),
        "assurance game: expected R > T >= P >= S",
        R=r,
        T=t,
        P=p,
        S=s,
    )


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

        >>> assurance_frontier(4, 3, 2, 0, [0, 1]).above([0.5, 0.5]).tolist()
        [False, True]
        """
        return np.asarray(np.asarray(y, dtype=np.float64) >= self.y, dtype=np.bool_)


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
    return Frontier(_frozen(x), _frozen(y), "verification", "trust")


# -- 2. shadow of the future: repeated game with imperfect monitoring ----------------------------


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
    t, r, p, pi, alpha = _arrays(T=T, R=R, P=P, detection=detection, false_alarm=false_alarm)
    _require((t > r) & (r > p), "repeated game: expected T > R > P", T=t, R=r, P=p)
    _probability("detection", pi)
    _probability("false_alarm", alpha)
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
    t, r, p, delta, pi, alpha = _arrays(
        T=T, R=R, P=P, discount=discount, detection=detection, false_alarm=false_alarm
    )
    _require((t > r) & (r > p), "repeated game: expected T > R > P", T=t, R=r, P=p)
    _require((delta >= 0) & (delta < 1), "discount: expected a number in [0, 1)", discount=delta)
    _probability("detection", pi)
    _probability("false_alarm", alpha)
    punish = p / (1 - delta)
    cooperate = (r + delta * alpha * punish) / (1 - delta * (1 - alpha))
    deviate = t + delta * ((1 - pi) * cooperate + pi * punish)
    return RepeatedValues(_frozen(cooperate), _frozen(deviate), _frozen(punish))


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
    return Frontier(_frozen(x), _frozen(y), "detection", "discount")


# -- 3. the inspection game ----------------------------------------------------------------------


def _inspection_arrays(
    d: ArrayLike, b: ArrayLike, beta: ArrayLike, alpha: ArrayLike, f: ArrayLike
) -> tuple[FloatArray, ...]:
    dd, bb, be, al, ff = _arrays(d=d, b=b, beta=beta, alpha=alpha, f=f)
    _require(dd > 0, "d: expected a positive gain from an undetected violation", d=dd)
    _require(bb >= 0, "b: expected a non-negative penalty when caught", b=bb)
    _require(ff >= 0, "f: expected a non-negative false-alarm cost", f=ff)
    _probability("beta", be)
    _probability("alpha", al)
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
    ls, cs = _arrays(loss=loss, cost=cost)
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


# -- 4. issue linkage ----------------------------------------------------------------------------


def _track_arrays(T: ArrayLike, R: ArrayLike, P: ArrayLike) -> tuple[FloatArray, ...]:
    t, r, p = _arrays(T=T, R=R, P=P)
    _require(
        (t >= r) & (r > p),
        "linked tracks: expected T >= R > P on every track",
        T=t,
        R=r,
        P=p,
    )
    return t, r, p


def track_thresholds(T: ArrayLike, R: ArrayLike, P: ArrayLike) -> FloatArray:
    """Separate (unlinked) thresholds ``(T_k - R_k) / (T_k - P_k)``, elementwise.

    ``T_k = R_k`` (no temptation, a slack track) gives 0.

    Examples
    --------
    >>> track_thresholds([5, 4], [3, 4], [1, 0]).tolist()
    [0.5, 0.0]
    """
    t, r, p = _track_arrays(T, R, P)
    return np.asarray((t - r) / (t - p), dtype=np.float64)


def link_tracks(
    T: ArrayLike, R: ArrayLike, P: ArrayLike, axis: int = -1
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The payoff transformation of linkage: the pooled stage game ``(sum T, sum R, sum P)``.

    Tracks run along ``axis`` (after broadcasting); ``T_k >= R_k > P_k``.

    Examples
    --------
    >>> [float(v) for v in link_tracks([5, 4], [3, 4], [1, 0])]
    [9.0, 7.0, 1.0]
    """
    t, r, p = _track_arrays(T, R, P)
    if t.ndim == 0:
        raise GameError("linked tracks: expected an array of tracks, got scalars")
    try:
        pooled = tuple(np.asarray(v.sum(axis=axis), dtype=np.float64) for v in (t, r, p))
    except np.exceptions.AxisError as exc:
        raise GameError(
            f"axis: expected an axis of the {t.ndim}-d track arrays, got {axis}"
        ) from exc
    return pooled[0], pooled[1], pooled[2]


def linked_threshold(T: ArrayLike, R: ArrayLike, P: ArrayLike, axis: int = -1) -> FloatArray:
    """Discount threshold of the linked deal: ``sum_k (T_k - R_k) / sum_k (T_k - P_k)``.

    Perfect monitoring, one grim trigger over all tracks (Lohmann 1997). It is
    the ``(T_k - P_k)``-weighted mean of :func:`track_thresholds`, so it lies
    between their minimum and maximum.

    Parameters
    ----------
    T, R, P : array_like
        Per-track stage payoffs, tracks along ``axis``; ``T_k >= R_k > P_k``.
    axis : int
        The track axis; the result has the broadcast shape without it.

    Examples
    --------
    A tight security track (threshold 0.9) linked with a slack economic track
    (threshold 0.1) needs only delta >= 0.5:

    >>> track_thresholds([10, 10], [1, 9], [0, 0]).tolist()
    [0.9, 0.1]
    >>> float(linked_threshold([10, 10], [1, 9], [0, 0]))
    0.5
    """
    t, r, p = link_tracks(T, R, P, axis)
    return np.asarray((t - r) / (t - p), dtype=np.float64)
