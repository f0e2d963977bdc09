"""Signalling games: a typed sender moves first, the receiver updates by Bayes' rule and replies.

Pure functions over immutable arrays: :class:`SignallingGame` holds the prior and both payoff
arrays ``(T, M, R)``; :func:`perfect_bayesian_equilibria` lists every perfect Bayesian
equilibrium in pure strategies with the off-path beliefs supporting it (:class:`BeliefSet`);
:func:`intuitive_criterion` applies Cho and Kreps' (1987) refinement;
:func:`equilibria_over_priors` finds them at each of a batch of priors. See ``docs/models.md``.
"""

from __future__ import annotations

from .beliefs import BeliefSet, belief_set, credible_responses
from .game import PerfectBayesianEquilibrium, SignallingGame, beer_quiche
from .intuitive import IntuitiveResult, intuitive_criterion
from .pbe import MAX_STRATEGY_PAIRS, PriorBatch, equilibria_over_priors, perfect_bayesian_equilibria

__all__ = [
    "MAX_STRATEGY_PAIRS",
    "BeliefSet",
    "IntuitiveResult",
    "PerfectBayesianEquilibrium",
    "PriorBatch",
    "SignallingGame",
    "beer_quiche",
    "belief_set",
    "credible_responses",
    "equilibria_over_priors",
    "intuitive_criterion",
    "perfect_bayesian_equilibria",
]
