"""Cho and Kreps' (1987) intuitive criterion for pure perfect Bayesian equilibria.

For an off-path message ``m``, type ``t`` is *equilibrium-dominated* if even the receiver's
most favourable reasonable answer to ``m`` leaves it worse off than its equilibrium payoff
``u*(t)``: ``max over r in BR(Delta(T), m) of sender[t, m, r] < u*(t)``, where
``BR(Delta(T), m)`` are the responses that are best replies to *some* belief. ``D(m)`` is the
set of such types. The equilibrium *fails* the criterion if some type ``t`` outside ``D(m)``
would gain from ``m`` whatever the receiver answers once it believes the sender is not in
``D(m)``: ``min over r in BR(Delta(T \\ D(m)), m) of sender[t, m, r] > u*(t)``. If every type
is dominated (``D(m) = T``) the message puts no restriction.

Pure responses suffice: a mixed best reply to a belief mixes pure best replies to it, so the
max (min) over mixed best replies is attained at a pure one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

import numpy as np

from .._scale import exponents, normalised, tolerances
from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray
from ..solvers._checks import check_tol
from .beliefs import Credibility, check_index
from .game import SignallingGame

__all__ = ["IntuitiveResult", "Strategies", "intuitive_criterion"]


class Strategies(Protocol):
    """A pure strategy pair: the message of each type, the response to each message."""

    @property
    def message(self) -> tuple[int, ...]: ...

    @property
    def response(self) -> tuple[int, ...]: ...


@dataclass(frozen=True)
class IntuitiveResult:
    """The verdict of the intuitive criterion on one equilibrium.

    Attributes
    ----------
    passes : bool
        Whether the equilibrium survives.
    dominated : mapping of int to tuple of int
        ``D(m)`` for each off-path message ``m``: the types for which ``m`` is
        equilibrium-dominated.
    breaks : tuple of (int, int)
        The ``(message, type)`` pairs that break the equilibrium: the type, outside ``D(m)``,
        gains from the message under every best reply to beliefs on the other types.
    """

    passes: bool
    dominated: Mapping[int, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))
    breaks: tuple[tuple[int, int], ...] = ()

    def describe(self, game: SignallingGame) -> str:
        """The verdict in words: which message and type break the equilibrium."""
        if self.passes:
            return "passes the intuitive criterion"
        parts = [
            f"{game.types[t]} would send {game.messages[m]}, which "
            + (", ".join(game.types[d] for d in self.dominated[m]) or "no type")
            + " would never gain from"
            for m, t in self.breaks
        ]
        return "fails the intuitive criterion: " + "; ".join(parts)


def intuitive_criterion(
    game: SignallingGame, equilibrium: Strategies, *, tol: float = DEFAULT_TOL
) -> IntuitiveResult:
    """Apply Cho and Kreps' intuitive criterion to a pure perfect Bayesian equilibrium.

    Parameters
    ----------
    game : SignallingGame
    equilibrium : PerfectBayesianEquilibrium or Strategies
        Its ``message`` (by type) and ``response`` (by message) are used.
    tol : float
        Payoffs within ``tol`` count as equal: a type is dominated only if it loses more
        than ``tol``, and breaks the equilibrium only if it gains more than ``tol``.

    Returns
    -------
    IntuitiveResult

    Examples
    --------
    Quiche-pooling in beer–quiche fails: beer is dominated for the weak type, and a strong
    type known to be strong gains from it:

    >>> from negotiation_sim.signalling import beer_quiche, perfect_bayesian_equilibria
    >>> game = beer_quiche()
    >>> beer, quiche = perfect_bayesian_equilibria(game)
    >>> verdict = intuitive_criterion(game, quiche)
    >>> verdict.passes, dict(verdict.dominated), verdict.breaks
    (False, {0: (1,)}, ((0, 0),))
    >>> print(verdict.describe(game))
    fails the intuitive criterion: strong would send beer, which weak would never gain from
    >>> intuitive_criterion(game, beer).passes
    True
    """
    tol = check_tol(tol)
    message, response = equilibrium.message, equilibrium.response
    if len(message) != game.shape[0] or len(response) != game.shape[1]:
        raise GameError(
            f"equilibrium: expected a message for each of {game.shape[0]} types and a response "
            f"to each of {game.shape[1]} messages, got {message!r} and {response!r}"
        )
    for t, m in enumerate(message):
        check_index(m, game.shape[1], f"equilibrium.message[{t}]")
    for m, r in enumerate(response):
        check_index(r, game.shape[2], f"equilibrium.response[{m}]")
    return judge(equilibrium, Credibility(game, tol))


def judge(equilibrium: Strategies, credibility: Credibility) -> IntuitiveResult:
    """:func:`intuitive_criterion` with the game's memoised credible responses."""
    game, tol = credibility.game, credibility.tol
    message, response = equilibrium.message, equilibrium.response
    support = game.support
    sent = {int(message[t]) for t in support}
    e = exponents(game.sender)
    sender = normalised(game.sender, e)
    slack = float(tolerances(tol, e))
    types = np.arange(game.shape[0])
    value = sender[types, list(message), [response[m] for m in message]]
    dominated: dict[int, tuple[int, ...]] = {}
    breaks: list[tuple[int, int]] = []
    for m in range(game.shape[1]):
        if m in sent:
            continue
        best = list(credibility.responses(m, support))
        dominated[m] = tuple(t for t in support if sender[t, m, best].max() < value[t] - slack)
        rest = [t for t in support if t not in dominated[m]]
        if not rest:
            continue
        credible = list(credibility.responses(m, rest))
        breaks.extend((m, t) for t in rest if sender[t, m, credible].min() > value[t] + slack)
    return IntuitiveResult(not breaks, MappingProxyType(dominated), tuple(breaks))


def equilibrium_payoffs(
    game: SignallingGame, message: Sequence[int], response: Sequence[int]
) -> FloatArray:
    """The sender's payoff by type when types send ``message`` and the receiver answers ``response``.

    >>> from negotiation_sim.signalling import beer_quiche
    >>> equilibrium_payoffs(beer_quiche(), (0, 0), (1, 0)).tolist()
    [3.0, 2.0]
    """
    types = np.arange(game.shape[0])
    result: FloatArray = game.sender[types, list(message), [response[m] for m in message]]
    return result
