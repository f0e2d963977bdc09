"""What a sweep measures in a signalling format: its perfect Bayesian equilibria.

At every grid point the format's signalling game
(:func:`~negotiation_sim.scenario.signalling_format.format_signalling`, built for the whole
grid at once) is solved for every perfect Bayesian equilibrium in pure strategies
(:func:`~negotiation_sim.signalling.perfect_bayesian_equilibria`, one point at a time: the
off-path beliefs are a small linear feasibility problem per message). The landscape's metrics:

* ``deal_is_equilibrium``: some equilibrium reaches a deal with positive probability;
  ``no_deal_is_equilibrium``: some reaches no deal for sure; ``n_equilibria``: how many;
* the *selected* equilibrium: among those passing the intuitive criterion (all, if none does),
  the largest ex-ante total payoff (ties: the first in the solver's order); ``outcome`` its most
  likely outcome, ``deal_probability`` and ``outcome_probability`` over the sender's types, and
  the ex-ante payoffs, surplus over the ex-ante no-deal point, and welfare.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ..game import DEFAULT_TOL, FloatArray
from ..scenario import Scenario
from ..scenario.build import grid_shape
from ..scenario.signalling_format import PlayedOut, format_signalling, play_out
from ..scenario.typed import ex_ante_no_deal
from .measure import Landscape

__all__ = ["measure_signalling"]


def measure_signalling(
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    format: str | None = None,
    *,
    axes: tuple[tuple[str, FloatArray], ...] = (),
    tol: float = DEFAULT_TOL,
) -> Landscape:
    """The landscape metrics of a signalling ``format`` at checked parameter ``values``.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> signal = load_scenario("scenarios/verification_signal.toml")
    >>> view = measure_signalling(signal, signal.values({"trust": [0.3, 0.8]}))
    >>> view.n_equilibria.tolist(), view.deal_probability.tolist()
    ([2, 3], [0.3, 1.0])

    At trust 0.3 the selected equilibrium separates (only it is intuitive): the security seeker
    accepts inspections and gets the deal, with probability 0.3. At 0.8 both types refuse and
    get a deal all the same (with either reply to an acceptance off the path: two equilibria).
    """
    from ..signalling import SignallingGame, perfect_bayesian_equilibria

    shape = grid_shape(values)
    size = math.prod(shape)
    reach = format_signalling(scenario, format, values)
    ids = scenario.actor_ids
    s, r = ids.index(reach.sender), ids.index(reach.receiver)
    n, n_outcomes = len(ids), len(scenario.outcome_ids)
    is_deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    count = np.zeros(size, dtype=np.intp)
    deal = np.zeros(size, dtype=bool)
    no_deal = np.zeros(size, dtype=bool)
    shares = np.full((size, n_outcomes), np.nan)
    payoffs = np.full((size, n), np.nan)
    for b in range(size):
        game = SignallingGame(reach.prior[:, b], reach.payoffs[s, ..., b], reach.payoffs[r, ..., b])
        found = perfect_bayesian_equilibria(game, tol=tol)
        played = [play_out(reach, b, e.message, e.response, n_outcomes) for e in found]
        count[b] = len(found)
        deal[b] = any(p.shares[is_deal].sum() > 0 for p in played)
        no_deal[b] = any(p.shares[~is_deal].sum() >= 1 - 1e-12 for p in played)
        pool = [p for p, e in zip(played, found, strict=True) if e.intuitive] or played
        if pool:
            best = _largest_total(pool)
            shares[b], payoffs[b] = best.shares, best.ex_ante
    found_any = count > 0
    disagreement = ex_ante_no_deal(scenario, values)  # (n, B)
    return Landscape(
        axes=axes,
        format=scenario.format(format).id,
        actors=ids,
        outcome_ids=scenario.outcome_ids,
        deal_is_equilibrium=deal.reshape(shape),
        no_deal_is_equilibrium=no_deal.reshape(shape),
        n_equilibria=count.reshape(shape),
        outcome=np.where(found_any, np.argmax(np.nan_to_num(shares, nan=-1.0), axis=1), -1)
        .astype(np.intp)
        .reshape(shape),
        payoffs=payoffs.reshape((*shape, n)),
        surplus=(payoffs - disagreement.T).reshape((*shape, n)),
        welfare=payoffs.sum(axis=1).reshape(shape),
        deal_probability=shares[:, is_deal].sum(axis=1).reshape(shape),
        outcome_probability=shares.reshape((*shape, n_outcomes)),
    )


def _largest_total(played: list[PlayedOut]) -> PlayedOut:
    """The first of the largest ex-ante total payoff."""
    totals = [float(p.ex_ante.sum()) for p in played]
    return played[totals.index(max(totals))]
