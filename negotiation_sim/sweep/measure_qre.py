"""What a sweep measures under noisy play: the logit QRE at a given precision, over a grid.

At every grid point the format's game (its choosers; repliers still best-reply exactly) is
solved for its logit quantal response equilibrium at precision ``lam`` on the principal branch,
all points at once (:func:`~negotiation_sim.solvers.logit.logit_qre_batch`, every point
verified on its fixed-point residual, the hard ones redone by the per-game tracer). The mixed
strategies give every outcome a probability: "how likely is a deal under noisy play", a smooth
landscape where the pure-equilibrium picture has sharp edges. ``lam`` may differ per point (an
expression of the parameters, so it can be swept).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..game import DEFAULT_TOL, FloatArray
from ..scenario import Scenario
from ..scenario.build import grid_shape

__all__ = ["QreView", "measure_qre"]


class QreView(NamedTuple):
    """The QRE metrics at ``B`` points (the grid flattened)."""

    #: (B, O): the probability of each outcome (NaN where a point could not be verified).
    outcome_probability: FloatArray
    #: (B,): the probability of a deal (any outcome but the no-deal one).
    deal_probability: FloatArray
    #: (B, n): every actor's expected payoff.
    payoffs: FloatArray
    #: (B,): whether the point's QRE passed its residual check.
    verified: NDArray[np.bool_]


def measure_qre(
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    format: str | None,
    lam: FloatArray,
    *,
    full: FloatArray | None = None,
    tol: float = DEFAULT_TOL,
) -> QreView:
    """The QRE(``lam``) metrics of ``format`` at checked parameter ``values``.

    Parameters
    ----------
    lam : ndarray
        The precision at every point (broadcast to the grid), ``>= 0``.
    full : ndarray, optional
        :meth:`Scenario.full_payoffs` at ``values``, when the caller has it.

    Examples
    --------
    At precision 0 play is uniform: each of the arms race's four profiles has probability 1/4.

    >>> from negotiation_sim import load_scenario
    >>> arms = load_scenario("scenarios/arms_race.toml")
    >>> view = measure_qre(arms, arms.values(), None, np.array([0.0]))
    >>> view.outcome_probability.round(3).tolist(), bool(view.verified[0])
    ([[0.25, 0.25, 0.25, 0.25]], True)
    """
    from ..solvers.logit import logit_qre_batch, outcome_probabilities, profile_probabilities

    size = math.prod(grid_shape(values))
    chosen = scenario.format(format)
    name = None if chosen.id == "all" and not scenario.formats else chosen.id
    payoffs, outcomes, everyone = scenario.resolve(name, values, full=full)
    payoffs = np.broadcast_to(payoffs, (*payoffs.shape[:-1], size))
    everyone = np.broadcast_to(everyone, (*everyone.shape[:-1], size))
    precision = np.broadcast_to(np.asarray(lam, dtype=np.float64), (size,))
    qre = logit_qre_batch(np.ascontiguousarray(payoffs), precision, tol=tol)
    n_outcomes = len(scenario.outcome_ids)
    shares = outcome_probabilities(qre.strategies, outcomes, n_outcomes)  # (B, O)
    is_deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    profiles = profile_probabilities(qre.strategies).reshape(size, -1)  # (B, K)
    n = everyone.shape[0]
    expected = np.einsum("bp,npb->bn", profiles, everyone.reshape(n, -1, size))
    return QreView(shares, shares[:, is_deal].sum(axis=1), expected, qre.verified.copy())
