"""What a sweep measures for a scenario with actor types: its pure Bayes–Nash equilibria.

At every grid point the Bayesian game (:mod:`negotiation_sim.scenario.typed`) is solved for all
pure Bayes–Nash equilibria at once (:func:`~negotiation_sim.bayesian.pure_bayes_nash`, through
the agent normal form). A pure equilibrium gives each type one option, so with the prior it
gives a probability to every outcome. The landscape's metrics then read:

* ``deal_is_equilibrium``: some pure Bayes–Nash equilibrium reaches a deal with positive
  probability; ``no_deal_is_equilibrium``: some reaches no deal for sure;
* ``n_equilibria``: the number of pure Bayes–Nash equilibria, each counted once: a type of
  probability 0 (which types have it may vary from point to point) may play anything, and
  equilibria that differ only in what such types play are one (as
  :func:`~negotiation_sim.bayesian.solve_bayesian` lists them);
* the *selected* equilibrium: the largest ex-ante total payoff (ties: the first agent profile);
  ``outcome`` its most likely outcome, ``deal_probability`` its probability of a deal, and the
  ex-ante payoffs, surplus over the ex-ante no-deal point, and welfare.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from ..game import DEFAULT_TOL, FloatArray
from ..scenario import Scenario
from ..scenario.build import grid_shape
from ..scenario.typed import bayesian_payoffs, ex_ante_no_deal, type_counts, type_prior
from ..scenario.typed_formats import FormatBayesian, format_bayesian
from .measure import Landscape

__all__ = ["measure_typed"]


def measure_typed(
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    format: str | None = None,
    *,
    axes: tuple[tuple[str, FloatArray], ...] = (),
    tol: float = DEFAULT_TOL,
) -> Landscape:
    """The landscape metrics of a scenario with actor types at checked parameter ``values``
    (in ``format``: its choosers' Bayesian game, replies anticipated per type).

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> typed = load_scenario("scenarios/typed_assurance.toml")
    >>> view = measure_typed(typed, typed.values({"trust": [0.3, 0.8], "verification": 0.1}))
    >>> view.deal_is_equilibrium.tolist(), view.n_equilibria.tolist()
    ([False, True], [1, 2])

    At trust 0.8 the selected equilibrium separates: the deal is entered unless both sides are
    opportunists (every outcome but ``no_deal`` is a deal, kept or broken):

    >>> round(float(view.deal_probability[1]), 2), typed.outcome_ids[view.outcome[1]]
    (0.96, 'deal')
    """
    from ..bayesian import pure_bayes_nash

    shape = grid_shape(values)
    size = math.prod(shape)
    reach = _reach(scenario, values, format, size)
    mask = pure_bayes_nash(reach.payoffs, reach.prior, tol=tol)  # (k per chooser agent.., B)
    picked = _select(scenario, reach, mask.reshape(-1, size))
    no_deal = ex_ante_no_deal(scenario, values, reach.everyone)  # (n, B)
    found = picked.count > 0
    chosen = np.where(found[:, None], picked.payoffs.T, np.nan)  # (B, n)
    n = len(scenario.actors)
    return Landscape(
        axes=axes,
        format=scenario.format(format).id,
        actors=scenario.actor_ids,
        outcome_ids=scenario.outcome_ids,
        deal_is_equilibrium=picked.deal.reshape(shape),
        no_deal_is_equilibrium=picked.no_deal.reshape(shape),
        n_equilibria=picked.count.reshape(shape),
        outcome=np.where(found, picked.outcome, -1).reshape(shape),
        payoffs=chosen.reshape((*shape, n)),
        surplus=(chosen - no_deal.T).reshape((*shape, n)),
        welfare=chosen.sum(axis=-1).reshape(shape),
        deal_probability=np.where(found, picked.deal_probability, np.nan).reshape(shape),
        outcome_probability=np.where(found[:, None], picked.shares.T, np.nan).reshape(
            (*shape, len(scenario.outcome_ids))
        ),
    )


def _reach(
    scenario: Scenario, values: Mapping[str, FloatArray], format: str | None, size: int
) -> FormatBayesian:
    """The choosers' Bayesian game and what every type and chooser profile leads to: every
    actor choosing, or a format's choosers (:func:`format_bayesian`)."""
    chosen = scenario.format(format)
    if chosen.others:
        return format_bayesian(scenario, chosen.id, values)
    payoffs = bayesian_payoffs(scenario, values)  # (n, T.., k.., B)
    prior = type_prior(scenario, values)  # (T.., B)
    counts = type_counts(scenario)
    outcomes = np.broadcast_to(scenario.profile_outcomes[..., None], (*counts, *scenario.shape, 1))
    return FormatBayesian(scenario.actor_ids, payoffs, prior, outcomes, prior, payoffs)


class _Picked:
    """Per grid point: the equilibria counted and classified, and the selected one."""

    def __init__(self, size: int, n: int, outcomes: int) -> None:
        self.count = np.zeros(size, dtype=np.intp)
        self.deal = np.zeros(size, dtype=bool)
        self.no_deal = np.zeros(size, dtype=bool)
        self.best = np.full(size, -np.inf)
        self.outcome = np.zeros(size, dtype=np.intp)
        self.deal_probability = np.zeros(size)
        self.payoffs = np.zeros((n, size))
        self.shares = np.zeros((outcomes, size))


def _select(scenario: Scenario, reach: FormatBayesian, mask: NDArray[np.bool_]) -> _Picked:
    """Visit the chooser-agent profiles that are an equilibrium somewhere: each gives every type
    profile one chooser profile, hence outcome shares and ex-ante payoffs per point.

    Profiles that differ only in what types of probability 0 play are one equilibrium: at each
    point only the one where those types play their first option counts (as
    :func:`~negotiation_sim.bayesian.solve_bayesian` lists it).
    """
    from ..bayesian.shares import outcome_shares

    n = len(scenario.actors)
    counts = type_counts(scenario)
    size = mask.shape[1]
    is_deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    position = [scenario.actor_ids.index(a) for a in reach.choosers]
    owner = [k for k, p in enumerate(position) for _ in range(counts[p])]  # each agent's chooser
    options = reach.payoffs.shape[1 + len(position) : -1]
    reached = _reached(reach.prior)  # (agents, B)
    picked = _Picked(size, n, len(scenario.outcome_ids))
    better = np.empty(size, dtype=bool)
    for flat in np.flatnonzero(mask.any(axis=1)).tolist():
        plays = np.array(np.unravel_index(flat, [options[k] for k in owner]))
        here = mask[flat] & reached[plays != 0].all(axis=0)
        if not here.any():
            continue
        strategies = [np.eye(options[k])[plays[np.equal(owner, k)]] for k in range(len(position))]
        found = outcome_shares(
            strategies,
            position,
            reach.everyone,
            reach.outcomes,
            reach.payoffs_all,
            len(scenario.outcome_ids),
        )
        shares, ex_ante = found.probability, found.ex_ante
        deal_share = shares[is_deal].sum(axis=0)
        picked.count += here
        picked.deal |= here & (deal_share > 0)
        picked.no_deal |= here & (shares[~is_deal].sum(axis=0) >= 1 - 1e-12)
        total = ex_ante.sum(axis=0)
        np.greater(total, picked.best, out=better)  # strict: ties keep the first profile
        better &= here
        np.copyto(picked.best, total, where=better)
        picked.outcome[better] = np.argmax(shares, axis=0)[better]
        picked.deal_probability[better] = deal_share[better]
        picked.payoffs[:, better] = ex_ante[:, better]
        picked.shares[:, better] = shares[:, better]
    return picked


def _reached(prior: FloatArray) -> NDArray[np.bool_]:
    """Per chooser agent (actor-major) and point: whether its type has positive probability
    (the prior clipped at 0, as :func:`~negotiation_sim.bayesian.pure_bayes_nash` reads it)."""
    table = np.clip(prior, 0.0, None)
    axes = range(table.ndim - 1)
    return np.concatenate([table.sum(axis=tuple(j for j in axes if j != k)) > 0 for k in axes])
