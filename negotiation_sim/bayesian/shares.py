"""What a Bayes–Nash equilibrium leads to: each outcome's probability, each actor's ex-ante payoff.

One computation for the report of one point (:mod:`negotiation_sim.report_bayesian`) and for a
sweep's chunk of points (:mod:`negotiation_sim.sweep.measure_typed`): the *choosers* (every
actor, or a format's choosers) play type-contingent strategies, the types of *every* actor are
drawn from the prior, and each type profile and chooser profile reaches one outcome (a format's
repliers answer by type). Over ``B`` points::

    P(o) = sum_{theta, s : outcome(theta, s) = o} p(theta) prod_c sigma_c(s_c | theta_{a_c})

and the ex-ante payoff of actor ``i`` is the same sum of ``p(theta) prod_c sigma_c(...)`` times
``u_i(theta, s)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import GameError
from ..game import FloatArray, float_array

__all__ = ["OutcomeShares", "outcome_shares"]


class OutcomeShares(NamedTuple):
    """What :func:`outcome_shares` returns, at ``B`` points."""

    #: (outcomes, B): each outcome's probability.
    probability: FloatArray
    #: (n, B): each actor's ex-ante payoff.
    ex_ante: FloatArray


def outcome_shares(
    strategies: Sequence[ArrayLike],
    choosers: Sequence[int],
    prior: ArrayLike,
    outcomes: NDArray[np.intp],
    payoffs: ArrayLike,
    n_outcomes: int,
) -> OutcomeShares:
    """Each outcome's probability and each actor's ex-ante payoff under type-contingent play.

    Parameters
    ----------
    strategies : sequence of array_like
        Per chooser ``c``, shape ``(T_{a_c}, k_c)``: the probability vector each type of its
        actor plays (pure: one-hot rows), the same at every point.
    choosers : sequence of int
        ``a_c``: the position of each chooser among the ``n`` actors.
    prior : array_like, shape (T_1, ..., T_n, B)
        The prior over every actor's types at each point.
    outcomes : ndarray of int, shape (T_1, ..., T_n, k_1, ..., k_c, B or 1)
        The outcome each type profile and chooser profile reaches (a last axis of 1: the same
        at every point).
    payoffs : array_like, shape (n, T_1, ..., T_n, k_1, ..., k_c, B or 1)
        Every actor's payoff there.
    n_outcomes : int
        How many outcomes there are (the first axis of the probabilities).

    Returns
    -------
    OutcomeShares
        ``probability`` ``(n_outcomes, B)`` and ``ex_ante`` ``(n, B)``. Only the chooser
        profiles each type profile plays with positive probability are visited, so pure play
        costs one profile per type profile; the terms are added type profile by type profile,
        then chooser profile by chooser profile (C order).

    Examples
    --------
    Two actors of two types each (independent, each type 0 with probability 0.8 at the
    first point, 0.5 at the second); both choose; outcome = number of actors playing option 1,
    and everyone's payoff is the outcome's number:

    >>> marginal = np.array([[0.8, 0.5], [0.2, 0.5]])
    >>> prior = marginal[:, None, :] * marginal[None, :, :]
    >>> reached = np.add.outer(np.arange(2), np.arange(2))            # (k_1, k_2)
    >>> outcomes = np.broadcast_to(reached[None, None, :, :, None], (2, 2, 2, 2, 1))
    >>> payoffs = np.broadcast_to(outcomes.astype(float), (2, 2, 2, 2, 2, 1))
    >>> type_1_defects = np.array([[1.0, 0.0], [0.0, 1.0]])           # type t plays option t
    >>> found = outcome_shares([type_1_defects, type_1_defects], [0, 1], prior, outcomes,
    ...                        payoffs, 3)
    >>> found.probability.round(4).tolist()
    [[0.64, 0.25], [0.32, 0.5], [0.04, 0.25]]
    >>> found.ex_ante.round(4).tolist()
    [[0.4, 1.0], [0.4, 1.0]]
    """
    table = float_array(prior, "prior", "a probability per type profile and point")
    values = float_array(payoffs, "payoffs", "a payoff per actor, type and chooser profile")
    sigma = [float_array(s, f"strategies[{c}]", "probabilities") for c, s in enumerate(strategies)]
    types, points = table.shape[:-1], table.shape[-1]
    if len(sigma) != len(choosers) or any(
        s.ndim != 2 or s.shape[0] != types[a] for s, a in zip(sigma, choosers, strict=False)
    ):
        raise GameError(
            f"strategies: expected one (types, options) array per chooser {tuple(choosers)} "
            f"of actors with types {types}, got shapes {[s.shape for s in sigma]}"
        )
    # Per chooser and type: the options played with positive probability.
    support = [[np.flatnonzero(row).tolist() for row in s] for s in sigma]
    probability = np.zeros((n_outcomes, points))
    ex_ante = np.zeros((values.shape[0], points))
    at = np.arange(points)
    for theta in np.ndindex(*types):
        weight = table[theta]
        played = [support[c][theta[a]] for c, a in enumerate(choosers)]
        for profile in itertools.product(*played):
            chance = weight
            for c, (a, option) in enumerate(zip(choosers, profile, strict=True)):
                chance = chance * sigma[c][theta[a], option]
            reached = np.broadcast_to(outcomes[(*theta, *profile)], (points,))
            np.add.at(probability, (reached, at), chance)
            ex_ante += chance * values[(slice(None), *theta, *profile)]
    return OutcomeShares(probability, ex_ante)
