"""Beliefs at which a response is a best reply: a polytope in the simplex over types.

After message ``m`` the receiver's response ``r`` is a best reply to the belief ``mu`` iff
``mu . (receiver[:, m, r'] - receiver[:, m, r]) <= tol`` for every other response ``r'``:
linear inequalities, so the supporting beliefs form a polytope. Whether it is empty is the
one maximin program (:func:`negotiation_sim.solvers._lp.maximin`): the largest margin by which
``r`` beats its best rival over beliefs; the polytope is non-empty iff that margin is
``>= -tol``, and the maximiser is a belief inside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb
from typing import TYPE_CHECKING

import numpy as np

from .._scale import exponents, normalised, tolerances
from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray, float_array, frozen_array
from ..solvers._checks import check_tol

if TYPE_CHECKING:
    from .game import SignallingGame

__all__ = ["BeliefSet", "belief_set", "credible_responses", "supporting_belief"]

#: Vertices are listed when choosing the active constraints takes at most this many systems.
MAX_VERTEX_SYSTEMS = 20_000


@dataclass(frozen=True, eq=False)
class BeliefSet:
    """The beliefs after ``message`` at which ``response`` is a best reply of the receiver.

    The set is ``{mu : mu >= 0, sum(mu) = 1, mu[t] = 0 off types, inequalities @ mu <= bound}``.

    Attributes
    ----------
    message, response : int
    types : tuple of int
        The types a belief may weight (those of positive prior).
    inequalities : ndarray, shape (R - 1, T)
        Row ``r'``: ``receiver[:, m, r'] - receiver[:, m, r]``, one per rival response.
    bound : float
        The right-hand side, the tolerance in payoff units.
    vertices : ndarray, shape (V, T), or None
        The vertices of the set with bound 0 (exact best replies), or with ``bound`` when only
        ties within it support the response; ``None`` when finding them would solve more than
        :data:`MAX_VERTEX_SYSTEMS` linear systems.

    Examples
    --------
    >>> from negotiation_sim.signalling import beer_quiche
    >>> duel_after_quiche = belief_set(beer_quiche(), 1, 0)
    >>> duel_after_quiche.interval  # P(strong): duel is best iff the sender is likely weak
    (0.0, 0.5)
    >>> duel_after_quiche.contains([0.3, 0.7]), duel_after_quiche.contains([0.9, 0.1])
    (True, False)
    """

    message: int
    response: int
    types: tuple[int, ...]
    inequalities: FloatArray
    bound: float
    vertices: FloatArray | None

    @property
    def interval(self) -> tuple[float, float] | None:
        """With two types, the range ``(lo, hi)`` of ``P(type 0)`` in the set; else ``None``."""
        if self.inequalities.shape[1] != 2 or self.vertices is None or not len(self.vertices):
            return None
        first = self.vertices[:, 0]
        return round(float(first.min()), 12), round(float(first.max()), 12)

    def contains(self, belief: Sequence[float] | FloatArray) -> bool:
        """Whether ``belief`` (a probability vector over all types) is in the set."""
        mu = float_array(belief, "belief", "a probability vector over the types")
        if mu.shape != (self.inequalities.shape[1],):
            raise GameError(
                f"belief: expected {self.inequalities.shape[1]} probabilities, got shape {mu.shape}"
            )
        outside = np.ones(len(mu), dtype=bool)
        outside[list(self.types)] = False
        return bool(
            abs(float(mu.sum()) - 1.0) <= 1e-9
            and mu.min() >= -1e-12
            and not mu[outside].any()
            and np.all(self.inequalities @ mu <= self.bound)
        )

    def describe(self, game: SignallingGame) -> str:
        """``"after quiche, duel for P(strong) in [0, 0.5]"``, or the vertices' count."""
        head = f"after {game.messages[self.message]}, {game.responses[self.response]}"
        interval = self.interval
        if interval is not None:
            lo, hi = (f"{v:.6g}" for v in interval)
            return f"{head} for P({game.types[0]}) in [{lo}, {hi}]"
        if self.vertices is None:
            return f"{head} for some beliefs"
        return f"{head} for beliefs in the hull of {len(self.vertices)} vertices"


def supporting_belief(
    receiver: FloatArray, message: int, response: int, types: Sequence[int], tol: float
) -> FloatArray | None:
    """A belief over ``types`` at which ``response`` is a best reply after ``message``, or None.

    The belief makes ``response`` best by the widest margin (the maximin program). ``receiver``
    is the receiver's payoffs ``(T, M, R)``; the belief is over all ``T`` types, zero outside
    ``types``.

    >>> from negotiation_sim.signalling import beer_quiche
    >>> supporting_belief(beer_quiche().receiver, 0, 1, [0, 1], 1e-9).tolist()  # not: strong
    [1.0, 0.0]
    >>> supporting_belief(beer_quiche().receiver, 0, 1, [1], 1e-9) is None
    True
    """
    from ..solvers._lp import maximin  # scipy is heavy: loaded on first use

    rows = list(types)
    values = receiver[rows, message, :]
    margins = values[:, [response]] - np.delete(values, response, axis=1)
    belief = np.zeros(receiver.shape[0])
    if margins.shape[1] == 0:
        belief[rows] = 1.0 / len(rows)
        return belief
    if len(rows) <= 2:  # most games: the exact vertices, without a linear program
        value, x = _maximin_small(margins)
    else:
        value, x = maximin(margins, who="signalling")
    if value < -tol:
        return None
    belief[rows] = x
    return belief


def _maximin_small(margins: FloatArray) -> tuple[float, FloatArray]:
    """``max_x min_j (margins^T x)_j`` over probability vectors on one or two rows, exactly.

    The objective is concave and piecewise linear in ``x_0``: its maximum is at 0, at 1 or where
    two columns cross, so those candidates are compared (the first of the best wins).

    >>> value, x = _maximin_small(np.array([[2.0, -1.0], [-1.0, 1.0]]))
    >>> round(value, 12), x.round(12).tolist()
    (0.2, [0.4, 0.6])
    """
    if margins.shape[0] == 1:
        return float(margins.min()), np.ones(1)
    top, bottom = margins
    slope = top - bottom  # column j at x_0 = p: bottom_j + p * slope_j
    candidates = [0.0, 1.0]
    for j in range(len(slope)):
        for k in range(j + 1, len(slope)):
            if slope[j] != slope[k]:
                p = (bottom[k] - bottom[j]) / (slope[j] - slope[k])
                if 0.0 < p < 1.0:
                    candidates.append(float(p))
    values = [float((bottom + p * slope).min()) for p in candidates]
    best = candidates[int(np.argmax(values))]
    x = np.array([best, 1.0 - best])
    return float((margins.T @ x).min()), x


def belief_set(
    game: SignallingGame, message: int, response: int, *, tol: float = DEFAULT_TOL
) -> BeliefSet:
    """Every belief over the types of positive prior at which ``response`` answers ``message`` best.

    Parameters
    ----------
    game : SignallingGame
    message, response : int
    tol : float
        A response within ``tol`` of the best counts as a best reply.

    Examples
    --------
    >>> from negotiation_sim.signalling import beer_quiche
    >>> belief_set(beer_quiche(), 0, 1).vertices.tolist()  # not duelling after beer
    [[0.5, 0.5], [1.0, 0.0]]
    """
    tol = check_tol(tol)
    check_index(message, game.shape[1], "message")
    check_index(response, game.shape[2], "response")
    receiver = game.receiver
    rows = np.delete(receiver[:, message, :], response, axis=1).T
    inequalities = frozen_array(rows - receiver[:, message, response])
    types = game.support
    e = exponents(receiver)
    tol = float(np.ldexp(tolerances(tol, e), e))  # never below the payoffs' rounding
    # The exact set's vertices (clean numbers), or the widened set's when only ties within
    # ``tol`` make the response a best reply.
    vertices = _vertices(inequalities, types, 0.0)
    if vertices is not None and not len(vertices):
        vertices = _vertices(inequalities, types, tol)
    return BeliefSet(message, response, types, inequalities, tol, vertices)


def _vertices(inequalities: FloatArray, types: tuple[int, ...], tol: float) -> FloatArray | None:
    """Vertices of the set: each solves ``len(types) - 1`` active constraints and sum = 1."""
    k = len(types)
    a = inequalities[:, list(types)]
    # Each row divided by its largest entry, so the tests below do not depend on the payoffs' unit.
    scale = np.abs(a).max(axis=1, initial=0.0)
    scale[scale == 0] = 1.0
    # Constraints g . mu <= h on the types' beliefs: the rival responses, then mu >= 0.
    g = np.vstack([a / scale[:, None], -np.eye(k)])
    h = np.concatenate([tol / scale, np.zeros(k)])
    choices = itertools.combinations(range(len(g)), k - 1)
    if comb(len(g), k - 1) > MAX_VERTEX_SYSTEMS:
        return None
    found: list[FloatArray] = []
    for active in choices:
        system = np.vstack([g[list(active)], np.ones((1, k))])
        rhs = np.concatenate([h[list(active)], [1.0]])
        if np.linalg.cond(system) > 1e12:
            continue  # the active constraints do not pin down one point
        mu = np.linalg.solve(system, rhs)
        if np.all(g @ mu <= h + 1e-12) and not any(np.allclose(mu, v) for v in found):
            found.append(mu)
    full = np.zeros((len(found), inequalities.shape[1]))
    if found:
        full[:, list(types)] = np.clip(np.array(found), 0.0, None)
    order = np.lexsort(full.T[::-1])
    return frozen_array(full[order])


def credible_responses(
    game: SignallingGame, message: int, types: Sequence[int], *, tol: float = DEFAULT_TOL
) -> tuple[int, ...]:
    """The responses to ``message`` that are best replies to some belief over ``types``.

    Payoffs are compared on the receiver's power-of-two scale (:mod:`negotiation_sim._scale`).

    >>> from negotiation_sim.signalling import beer_quiche
    >>> credible_responses(beer_quiche(), 0, [0, 1]), credible_responses(beer_quiche(), 0, [0])
    ((0, 1), (1,))
    """
    check_index(message, game.shape[1], "message")
    chosen = sorted({check_index(t, game.shape[0], "types") for t in types})
    if not chosen:
        raise GameError("types: expected at least one type")
    return Credibility(game, check_tol(tol)).responses(message, chosen)


def check_index(value: object, count: int, name: str) -> int:
    """``value`` as an index below ``count``, or a GameError naming the argument.

    >>> check_index(3, 2, "message")
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: message: expected an index in [0, 2), got 3
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or not 0 <= value < count
    ):
        raise GameError(f"{name}: expected an index in [0, {count}), got {value!r}")
    return int(value)


class Credibility:
    """One game's answers to "could the receiver answer so?", memoised for one ``tol``.

    A search asks the same questions for many strategy pairs; each is one linear program.
    """

    def __init__(self, game: SignallingGame, tol: float) -> None:
        self.game = game
        self.tol = tol
        e = exponents(game.receiver)
        self.receiver = normalised(game.receiver, e)
        self.slack = float(tolerances(tol, e))
        self._beliefs: dict[tuple[int, int, tuple[int, ...]], FloatArray | None] = {}
        self._sets: dict[tuple[int, int], BeliefSet] = {}

    def belief(self, message: int, response: int, types: Sequence[int]) -> FloatArray | None:
        """:func:`supporting_belief` on the receiver's scale."""
        key = (message, response, tuple(types))
        if key not in self._beliefs:
            self._beliefs[key] = supporting_belief(
                self.receiver, message, response, types, self.slack
            )
        return self._beliefs[key]

    def responses(self, message: int, types: Sequence[int]) -> tuple[int, ...]:
        """:func:`credible_responses`."""
        answers = range(self.game.shape[2])
        return tuple(r for r in answers if self.belief(message, r, types) is not None)

    def belief_set(self, message: int, response: int) -> BeliefSet:
        """:func:`belief_set`."""
        key = (message, response)
        if key not in self._sets:
            self._sets[key] = belief_set(self.game, message, response, tol=self.tol)
        return self._sets[key]
