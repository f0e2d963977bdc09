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
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._scale import exponents, normalised, tolerances
from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray, float_array, frozen_array, require_finite
from ..solvers._checks import check_count, check_tol
from .beliefs import Credibility
from .game import PerfectBayesianEquilibrium, SignallingGame, classify
from .intuitive import equilibrium_payoffs, judge

__all__ = [
    "MAX_STRATEGY_PAIRS",
    "PriorBatch",
    "equilibria_over_priors",
    "perfect_bayesian_equilibria",
]

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
    credibility = Credibility(game, tol)
    scaled = _scale(game, tol)
    found = []
    for pair in _candidates(credibility, scaled, check_count(max_pairs, "max_pairs")):
        if _consistent(game, scaled, pair):
            equilibrium = _equilibrium(scaled, pair, credibility)
            if equilibrium is not None:
                found.append(equilibrium)
    found.sort(key=lambda e: (e.message, e.response))
    return tuple(found)


def _candidates(credibility: Credibility, scaled: _Scaled, max_pairs: int) -> list[_Pair]:
    """The pairs passing the tests that do not involve the prior: every response credible
    (a best reply to some belief over the support), every type's message a best reply."""
    game = credibility.game
    n_types, n_messages, _ = game.shape
    credible = [credibility.responses(m, game.support) for m in range(n_messages)]
    work = math.prod(len(c) for c in credible) * n_messages**n_types
    if work > max_pairs:
        raise GameError(
            f"perfect_bayesian_equilibria: {work} strategy pairs to examine, more than "
            f"max_pairs={max_pairs} (a game of shape {game.shape})"
        )
    pairs: list[_Pair] = []
    for response in itertools.product(*credible):
        values = scaled.sender[:, np.arange(n_messages), list(response)]
        best = values >= values.max(axis=1, keepdims=True) - scaled.sender_tol
        choices = [np.flatnonzero(row).tolist() for row in best]
        pairs.extend(_Pair(tuple(m), tuple(response)) for m in itertools.product(*choices))
    return pairs


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


@dataclass(frozen=True, eq=False)
class PriorBatch:
    """Which pure strategy pairs are perfect Bayesian equilibria at each prior of a batch.

    Only what depends on the prior is computed per point: with every type possible, which
    responses are credible, the sender's best replies, the equilibria's kinds and their
    intuitive verdicts do not depend on it; Bayes' rule on the path does.

    Attributes
    ----------
    message : ndarray of int, shape (K, T)
        The sender's strategy of each of the ``K`` pairs that are an equilibrium somewhere.
    response : ndarray of int, shape (K, M)
    kind : tuple of str
        Pooling, separating or semi-separating, per pair.
    intuitive : ndarray of bool, shape (K,)
        Whether the pair passes the intuitive criterion (wherever it is an equilibrium).
    holds : ndarray of bool, shape (*batch, K)
        Whether pair ``k`` is a perfect Bayesian equilibrium at each prior.
    tol : float
    """

    message: NDArray[np.intp]
    response: NDArray[np.intp]
    kind: tuple[str, ...]
    intuitive: NDArray[np.bool_]
    holds: NDArray[np.bool_]
    tol: float

    def counts(self) -> NDArray[np.intp]:
        """The number of pure perfect Bayesian equilibria at each prior, shape ``batch``."""
        result: NDArray[np.intp] = self.holds.sum(axis=-1)
        return result


def equilibria_over_priors(
    game: SignallingGame,
    priors: ArrayLike,
    *,
    tol: float = DEFAULT_TOL,
    max_pairs: int = MAX_STRATEGY_PAIRS,
) -> PriorBatch:
    """The pure perfect Bayesian equilibria of ``game`` at each of a batch of priors.

    The same equilibria as :func:`perfect_bayesian_equilibria` on the game with each prior
    (``game.prior`` is not used), searched once: only Bayes' rule on the path is evaluated
    per point, vectorised over the points.

    Parameters
    ----------
    game : SignallingGame
    priors : array_like, shape (..., T)
        One prior per point: every type of positive probability (then the credible off-path
        answers are the same at every point), summing to 1 (within 1e-9).
    tol, max_pairs
        As for :func:`perfect_bayesian_equilibria`.

    Returns
    -------
    PriorBatch

    Examples
    --------
    Beer–quiche needs a strong majority for its pooling equilibria:

    >>> from negotiation_sim.signalling import beer_quiche
    >>> strong = np.array([0.3, 0.5, 0.9])
    >>> batch = equilibria_over_priors(beer_quiche(), np.stack([strong, 1 - strong], axis=-1))
    >>> batch.message.tolist(), batch.intuitive.tolist(), batch.counts().tolist()
    ([[0, 0], [1, 1]], [True, False], [0, 2, 2])
    """
    tol = check_tol(tol)
    n_types = game.shape[0]
    p = _priors(priors, n_types)
    labels = {"types": game.types, "messages": game.messages, "responses": game.responses}
    base = SignallingGame(np.full(n_types, 1.0 / n_types), game.sender, game.receiver, **labels)
    credibility = Credibility(base, tol)
    scaled = _scale(base, tol)
    pairs = sorted(_candidates(credibility, scaled, check_count(max_pairs, "max_pairs")))
    holds = np.ones((*p.shape[:-1], len(pairs)), dtype=bool)
    for k, pair in enumerate(pairs):
        sent = np.asarray(pair.message)
        for m in set(pair.message):
            weights = p * (sent == m)  # Bayes' rule before normalising: the same argmax
            values = weights @ scaled.receiver[:, m, :]
            regret = values.max(axis=-1) - values[..., pair.response[m]]
            holds[..., k] &= regret <= scaled.receiver_tol * weights.sum(axis=-1)
    somewhere: NDArray[np.bool_] = np.any(holds.reshape(-1, len(pairs)), axis=0)
    kept = [pair for k, pair in enumerate(pairs) if somewhere[k]]
    t, m_, _ = game.shape
    return PriorBatch(
        message=np.array([pair.message for pair in kept], dtype=np.intp).reshape(-1, t),
        response=np.array([pair.response for pair in kept], dtype=np.intp).reshape(-1, m_),
        kind=tuple(classify(pair.message, base.support) for pair in kept),
        intuitive=np.array([judge(pair, credibility).passes for pair in kept], dtype=bool),
        holds=holds[..., somewhere],
        tol=tol,
    )


def _priors(value: ArrayLike, n_types: int) -> FloatArray:
    """Priors of shape (..., T), each of full support and summing to 1, or a GameError."""
    p = float_array(value, "priors", f"an array of priors over {n_types} types")
    if p.ndim < 1 or p.shape[-1] != n_types:
        raise GameError(f"priors: expected shape (..., {n_types}), got shape {p.shape}")
    require_finite(p, "priors")
    bad = (p.min(axis=-1) <= 0) | (np.abs(p.sum(axis=-1) - 1.0) > 1e-9)
    if bad.any():
        at = tuple(int(i) for i in np.argwhere(bad)[0])
        raise GameError(
            f"priors: expected positive probabilities summing to 1 at every point, got "
            f"{p[at].tolist()} at point {at} (a type of prior 0: use perfect_bayesian_equilibria)"
        )
    return p
