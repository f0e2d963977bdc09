"""Bayesian games: actor types, a common prior, Bayes–Nash equilibria (MODEL.md §7).

Pure functions over arrays: :class:`BayesianGame` holds ``u_i(s; theta)`` and the prior;
:func:`agent_normal_form` (one game) and :func:`agent_form_payoffs` (a batch of parameter
points) are the Harsanyi transformation; :func:`pure_bayes_nash` tests every agent profile of
a batch; :func:`solve_bayesian` solves one game with any method and verifies each equilibrium
on interim regret; :func:`profitable_deviations` says why a profile is not one (which type gains by
deviating, to what, by how much); :mod:`.shares` says what an equilibrium leads to (each outcome's probability,
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
from .deviations import Deviation, deviation_path, profitable_deviations, pure_strategies
from .game import BayesianGame, check_prior
from .solve import BayesianEquilibrium, BayesianResult, solve_bayesian

__all__ = [
    "MAX_AGENT_PROFILES",
    "BayesianEquilibrium",
    "BayesianGame",
    "BayesianResult",
    "Deviation",
    "agent_form_payoffs",
    "agent_labels",
    "agent_normal_form",
    "check_prior",
    "deviation_path",
    "profitable_deviations",
    "pure_bayes_nash",
    "pure_strategies",
    "solve_bayesian",
]
