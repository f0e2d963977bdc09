"""All perfect Bayesian equilibria in pure strategies of a sender–receiver game.

A pure strategy pair ``(message, response)`` with beliefs is a perfect Bayesian equilibrium
(Fudenberg and Tirole 1991, ch. 8) iff

1. each message some type of positive prior sends is answered by a best reply to the belief
   Bayes' rule gives (the prior restricted to the types sending it);
2. each other (off-path) message is answered by a best reply to *some* belief over the types
   of positive prior (the belief is free off the path);
3. every type's message is a best reply to the receiver's strategy (all messages, off-path
   ones included, at their responses).

Condition 2 does not depend on the sender, so the search runs over the receiver strategies
whose off-path responses could be supported (each message's *credible* responses,
:func:`~negotiation_sim.signalling.beliefs.credible_responses`), takes each type's best
messages against it (3), and keeps the sender strategies that pass (1). Every pair found is
checked again on regrets before it is returned.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from .._scale import exponents, normalised, tolerances
from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray, frozen_array
from ..solvers._checks import check_count, check_tol
from .beliefs import Credibility
from .game import PerfectBayesianEquilibrium, SignallingGame, classify
from .intuitive import equilibrium_payoffs, judge

__all__ = ["MAX_STRATEGY_PAIRS", "perfect_bayesian_equilibria"]

#: Default work budget: strategy pairs examined at most (receiver strategies with credible
#: off-path responses times the sender's ``M ** T`` strategies, a bound given before the work).
MAX_STRATEGY_PAIRS = 1_000_000


class _Pair(NamedTuple):
    message: tuple[int, ...]
    response: tuple[int, ...]


class _Scaled(NamedTuple):
    """Both actors' payoffs on their power-of-two scales, with their tolerances there."""

    sender: FloatArray
    receiver: FloatArray
    sender_tol: float
    receiver_tol: float
    sender_exponent: int
    receiver_exponent: int


def perfect_bayesian_equilibria(
    game: SignallingGame,
    *,
    tol: float = DEFAULT_TOL,
    max_pairs: int = MAX_STRATEGY_PAIRS,
) -> tuple[PerfectBayesianEquilibrium, ...]:
    """Every perfect Bayesian equilibrium in pure strategies, with its off-path beliefs.

    Parameters
    ----------
    game : SignallingGame
    tol : float
        Payoffs within ``tol`` of the best count as best (on each actor's power-of-two scale,
        never below its rounding: :mod:`negotiation_sim._scale`). Every returned equilibrium
        has regret ``<= tol`` for every type and for the receiver on the path.
    max_pairs : int
        Work budget: a game needing more strategy pairs examined raises :class:`GameError`
        before any work.

    Returns
    -------
    tuple of PerfectBayesianEquilibrium
        Ordered by the sender's strategy, then the receiver's. Each carries its kind
        (pooling, separating, semi-separating), the set of off-path beliefs that support it
        and whether it passes the intuitive criterion.

    Examples
    --------
    Beer–quiche (Cho and Kreps 1987): two pooling equilibria, no separating one; only
    beer-pooling passes the intuitive criterion.

    >>> from negotiation_sim.signalling import beer_quiche
    >>> game = beer_quiche()
    >>> [(e.kind, e.message, e.response, e.intuitive) for e in perfect_bayesian_equilibria(game)]
    [('pooling', (0, 0), (1, 0), True), ('pooling', (1, 1), (0, 1), False)]
    >>> quiche = perfect_bayesian_equilibria(game)[1]
    >>> quiche.off_path[0].interval  # duel after beer iff P(strong | beer) <= 1/2
    (0.0, 0.5)
    >>> quiche.beliefs.tolist()  # after beer: the most convinced belief; after quiche: the prior
    [[0.0, 1.0], [0.9, 0.1]]
    """
    tol = check_tol(tol)
    max_pairs = check_count(max_pairs, "max_pairs")
    n_types, n_messages, _ = game.shape
    support = game.support
    credibility = Credibility(game, tol)
    credible = [credibility.responses(m, support) for m in range(n_messages)]
    work = math.prod(len(c) for c in credible) * n_messages**n_types
    if work > max_pairs:
        raise GameError(
            f"perfect_bayesian_equilibria: {work} strategy pairs to examine, more than "
            f"max_pairs={max_pairs} (a game of shape {game.shape})"
        )
    scaled = _scale(game, tol)
    found = []
    for response in itertools.product(*credible):
        values = scaled.sender[:, np.arange(n_messages), list(response)]
        best = values >= values.max(axis=1, keepdims=True) - scaled.sender_tol
        choices = [np.flatnonzero(row).tolist() for row in best]
        for message in itertools.product(*choices):
            pair = _Pair(tuple(message), tuple(response))
            equilibrium = (
                _equilibrium(scaled, pair, credibility) if _consistent(game, scaled, pair) else None
            )
            if equilibrium is not None:
                found.append(equilibrium)
    found.sort(key=lambda e: (e.message, e.response))
    return tuple(found)


def _scale(game: SignallingGame, tol: float) -> _Scaled:
    es, er = int(exponents(game.sender)), int(exponents(game.receiver))
    return _Scaled(
        normalised(game.sender, es),
        normalised(game.receiver, er),
        float(tolerances(tol, es)),
        float(tolerances(tol, er)),
        es,
        er,
    )


def _posterior(prior: FloatArray, message: Sequence[int], m: int) -> FloatArray | None:
    """Bayes' rule: the prior on the types sending ``m``, renormalised; None off the path."""
    weights = np.where(np.asarray(message) == m, prior, 0.0)
    total = float(weights.sum())
    return weights / total if total > 0 else None


def _receiver_regrets(game: SignallingGame, scaled: _Scaled, pair: _Pair) -> FloatArray:
    """The receiver's regret after each on-path message at its Bayes belief (scaled units)."""
    regrets = np.zeros(game.shape[1])
    for m in set(pair.message):
        belief = _posterior(game.prior, pair.message, m)
        if belief is None:
            continue
        values = belief @ scaled.receiver[:, m, :]
        regrets[m] = float(values.max() - values[pair.response[m]])
    return regrets


def _consistent(game: SignallingGame, scaled: _Scaled, pair: _Pair) -> bool:
    return bool(np.all(_receiver_regrets(game, scaled, pair) <= scaled.receiver_tol))


def _equilibrium(
    scaled: _Scaled, pair: _Pair, credibility: Credibility
) -> PerfectBayesianEquilibrium | None:
    """The equilibrium of a pair that passed the search (verified on regrets), or None."""
    game = credibility.game
    n_types, n_messages, _ = game.shape
    values = scaled.sender[:, np.arange(n_messages), list(pair.response)]
    chosen = values[np.arange(n_types), list(pair.message)]
    sender_regret = float((values.max(axis=1) - chosen).max())
    receiver_regret = float(_receiver_regrets(game, scaled, pair).max())
    if sender_regret > scaled.sender_tol or receiver_regret > scaled.receiver_tol:
        return None  # the search's own conditions, checked again: never happens
    regret = max(
        float(np.ldexp(max(sender_regret, 0.0), scaled.sender_exponent)),
        float(np.ldexp(max(receiver_regret, 0.0), scaled.receiver_exponent)),
    )
    beliefs = np.zeros((n_messages, n_types))
    off_path = {}
    for m in range(n_messages):
        posterior = _posterior(game.prior, pair.message, m)
        if posterior is None:
            off_path[m] = credibility.belief_set(m, pair.response[m])
            posterior = credibility.belief(m, pair.response[m], game.support)
        assert posterior is not None  # off-path responses were chosen among credible ones
        beliefs[m] = posterior
    return PerfectBayesianEquilibrium(
        message=pair.message,
        response=pair.response,
        beliefs=frozen_array(beliefs),
        off_path=MappingProxyType(off_path),
        kind=classify(pair.message, game.support),
        intuitive=judge(pair, credibility).passes,
        payoffs=frozen_array(equilibrium_payoffs(game, pair.message, pair.response)),
        regret=regret,
        tol=credibility.tol,
    )
