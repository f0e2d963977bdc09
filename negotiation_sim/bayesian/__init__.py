"""Bayesian games: actor types, a common prior, Bayes–Nash equilibria (MODEL.md §7).

Pure functions over arrays: :class:`BayesianGame` holds ``u_i(s; theta)`` and the prior;
:func:`agent_normal_form` (one game) and :func:`agent_form_payoffs` (a batch of parameter
points) are the Harsanyi transformation; :func:`pure_bayes_nash` tests every agent profile of
a batch; :func:`solve_bayesian` solves one game with any method and verifies each equilibrium
on interim regret; :mod:`.shares` says what an equilibrium leads to (each outcome's probability,
each actor's ex-ante payoff), for the report and for sweeps.
"""

from __future__ import annotations

from .agent_form import (
    MAX_AGENT_PROFILES,
    agent_form_payoffs,
    agent_labels,
    agent_normal_form,
    pure_bayes_nash,
)
from .game import BayesianGame, check_prior
from .solve import BayesianEquilibrium, BayesianResult, solve_bayesian

__all__ = [
    "MAX_AGENT_PROFILES",
    "BayesianEquilibrium",
    "BayesianGame",
    "BayesianResult",
    "agent_form_payoffs",
    "agent_labels",
    "agent_normal_form",
    "check_prior",
    "pure_bayes_nash",
    "solve_bayesian",
]
