"""Sender–receiver (signalling) games and their perfect Bayesian equilibria, as data.

A sender of private type ``t`` (drawn from a common ``prior``) sends a message ``m``; the
receiver sees ``m``, not ``t``, and answers with a response ``r``. Payoffs are two arrays of
shape ``(T, M, R)``: ``sender[t, m, r]`` and ``receiver[t, m, r]``. Types of prior 0 cannot
happen: beliefs never weight them, and what they would send does not put a message on the
equilibrium path (they still best-reply, so a strategy is a full plan).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..errors import GameError
from ..game import FloatArray, _labels, float_array, frozen_array, require_finite
from .beliefs import BeliefSet

__all__ = ["PerfectBayesianEquilibrium", "SignallingGame"]

#: How far a prior may be from summing to 1.
_PRIOR_SLACK = 1e-9


@dataclass(frozen=True, eq=False, init=False)
class SignallingGame:
    """An immutable two-stage sender–receiver game.

    Parameters
    ----------
    prior : array_like, shape (T,)
        Probability of each sender type: ``>= 0``, summing to 1 (within 1e-9).
    sender, receiver : array_like, shape (T, M, R)
        Payoff of the sender (of the receiver) when the sender is of type ``t``, sends
        message ``m`` and the receiver answers ``r``. Finite.
    types, messages, responses : sequence of str, optional
        Labels (unique); default ``("0", "1", ...)``.

    Examples
    --------
    >>> game = SignallingGame([0.5, 0.5], np.zeros((2, 2, 3)), np.zeros((2, 2, 3)))
    >>> game.shape, game.types, game.support
    ((2, 2, 3), ('0', '1'), (0, 1))
    >>> SignallingGame([0.5, 0.6], np.zeros((2, 2, 3)), np.zeros((2, 2, 3)))
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: prior: expected probabilities summing to 1, got [0.5, 0.6]
    """

    prior: FloatArray
    sender: FloatArray
    receiver: FloatArray
    types: tuple[str, ...]
    messages: tuple[str, ...]
    responses: tuple[str, ...]

    def __init__(
        self,
        prior: ArrayLike,
        sender: ArrayLike,
        receiver: ArrayLike,
        *,
        types: Sequence[str] | None = None,
        messages: Sequence[str] | None = None,
        responses: Sequence[str] | None = None,
    ) -> None:
        p = _prior(prior)
        payoffs = [_payoffs(sender, "sender"), _payoffs(receiver, "receiver")]
        if payoffs[0].shape != payoffs[1].shape or payoffs[0].shape[0] != len(p):
            raise GameError(
                f"sender, receiver: expected two arrays of shape (T={len(p)}, M, R), "
                f"got {payoffs[0].shape} and {payoffs[1].shape}"
            )
        t, m, r = payoffs[0].shape
        object.__setattr__(self, "prior", frozen_array(p))
        object.__setattr__(self, "sender", frozen_array(payoffs[0]))
        object.__setattr__(self, "receiver", frozen_array(payoffs[1]))
        object.__setattr__(self, "types", _labels(types, t, "types", str))
        object.__setattr__(self, "messages", _labels(messages, m, "messages", str))
        object.__setattr__(self, "responses", _labels(responses, r, "responses", str))

    @property
    def shape(self) -> tuple[int, int, int]:
        """Numbers of types, messages and responses ``(T, M, R)``."""
        t, m, r = self.sender.shape
        return int(t), int(m), int(r)

    @property
    def support(self) -> tuple[int, ...]:
        """The types of positive prior probability."""
        return tuple(int(t) for t in np.flatnonzero(self.prior > 0))

    def __repr__(self) -> str:
        return f"SignallingGame(types={self.types}, shape={self.shape})"


def _prior(value: ArrayLike) -> FloatArray:
    p = float_array(value, "prior", "a vector of probabilities")
    if p.ndim != 1 or len(p) < 1:
        raise GameError(f"prior: expected a vector of probabilities, got shape {p.shape}")
    require_finite(p, "prior")
    if p.min() < 0 or abs(float(p.sum()) - 1.0) > _PRIOR_SLACK:
        raise GameError(f"prior: expected probabilities summing to 1, got {p.tolist()}")
    return p


def _payoffs(value: ArrayLike, name: str) -> FloatArray:
    array = float_array(value, name, "payoffs of shape (T, M, R)")
    if array.ndim != 3 or min(array.shape) < 1:
        raise GameError(f"{name}: expected payoffs of shape (T, M, R), got shape {array.shape}")
    require_finite(array, name, lambda at: f" at type {at[0]}, message {at[1]}, response {at[2]}")
    return array


@dataclass(frozen=True, eq=False)
class PerfectBayesianEquilibrium:
    """One perfect Bayesian equilibrium in pure strategies of a :class:`SignallingGame`.

    Attributes
    ----------
    message : tuple of int
        The sender's strategy: the message of each type.
    response : tuple of int
        The receiver's strategy: the response to each message.
    beliefs : ndarray, shape (M, T)
        The receiver's belief after each message: Bayes' rule on the path; off the path
        one belief at which the response is a best reply (the one that makes it best by
        the widest margin).
    off_path : mapping of int to BeliefSet
        For each message no type of positive prior sends: every belief supporting the
        response (see :class:`BeliefSet`).
    kind : str
        ``"pooling"`` (all types of positive prior send one message), ``"separating"``
        (all send different ones) or ``"semi-separating"`` (some, not all, pool).
    intuitive : bool
        Whether it passes Cho and Kreps' intuitive criterion
        (:func:`~negotiation_sim.signalling.intuitive_criterion`).
    payoffs : ndarray, shape (T,)
        The sender's equilibrium payoff by type.
    regret : float
        The largest regret of a sender type or of the receiver on the path (payoff units).
    tol : float
        The tolerance it was verified with.
    """

    message: tuple[int, ...]
    response: tuple[int, ...]
    beliefs: FloatArray
    off_path: Mapping[int, BeliefSet]
    kind: str
    intuitive: bool
    payoffs: FloatArray
    regret: float
    tol: float

    @property
    def on_path(self) -> tuple[int, ...]:
        """The messages sent by some type (of positive prior), ascending."""
        return tuple(sorted(set(self.message) - set(self.off_path)))

    def describe(self, game: SignallingGame) -> str:
        """The equilibrium in words, with the game's labels.

        Examples
        --------
        >>> from negotiation_sim.signalling import beer_quiche, perfect_bayesian_equilibria
        >>> game = beer_quiche()
        >>> print(perfect_bayesian_equilibria(game)[0].describe(game))
        pooling: strong -> beer, weak -> beer; receiver: beer -> not, quiche -> duel;
        off path: after quiche, duel for P(strong) in [0, 0.5]; passes the intuitive criterion
        """
        sent = ", ".join(
            f"{game.types[t]} -> {game.messages[m]}" for t, m in enumerate(self.message)
        )
        replies = ", ".join(
            f"{game.messages[m]} -> {game.responses[r]}" for m, r in enumerate(self.response)
        )
        lines = [f"{self.kind}: {sent}; receiver: {replies};"]
        if self.off_path:
            beliefs = "; ".join(s.describe(game) for s in self.off_path.values())
            lines.append(f"off path: {beliefs}; ")
        else:
            lines.append("")
        verdict = "passes" if self.intuitive else "fails"
        lines[-1] += f"{verdict} the intuitive criterion"
        return "\n".join(line for line in lines if line)


def classify(message: Sequence[int], support: Sequence[int]) -> str:
    """``"pooling"``, ``"separating"`` or ``"semi-separating"``: how the types' messages split.

    Only types in ``support`` count; one type alone pools.

    >>> classify((0, 0, 1), (0, 1, 2)), classify((0, 1, 1), (0, 1)), classify((2, 1), (0, 1))
    ('semi-separating', 'separating', 'separating')
    """
    sent = {message[t] for t in support}
    if len(sent) == 1:
        return "pooling"
    return "separating" if len(sent) == len(support) else "semi-separating"


def beer_quiche(strong: float = 0.9) -> SignallingGame:
    """Cho and Kreps' (1987) beer–quiche game, with ``P(strong) = strong``.

    The sender gets 1 for its preferred breakfast (beer if strong, quiche if weak) plus 2 if
    the receiver does not duel; the receiver gets 1 for duelling a weak sender or not duelling
    a strong one, else 0.

    >>> game = beer_quiche()
    >>> game.types, game.messages, game.responses
    (('strong', 'weak'), ('beer', 'quiche'), ('duel', 'not'))
    >>> game.sender[1].tolist()  # weak: [beer, quiche] x [duel, not]
    [[0.0, 2.0], [1.0, 3.0]]
    """
    sender = np.zeros((2, 2, 2))
    receiver = np.zeros((2, 2, 2))
    for t, m, r in np.ndindex(2, 2, 2):
        sender[t, m, r] = (m == t) + 2 * (r == 1)
        receiver[t, m, r] = float((t == 1) == (r == 0))
    labels: dict[str, Any] = {
        "types": ("strong", "weak"),
        "messages": ("beer", "quiche"),
        "responses": ("duel", "not"),
    }
    return SignallingGame([strong, 1 - strong], sender, receiver, **labels)
