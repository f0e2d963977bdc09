"""A signalling format of a scenario: a typed sender chooses, the receiver sees it and replies.

In a format with ``signalling = true`` (docs/scenario-format.md) the one chooser (the sender)
has types; the one replier (the receiver) sees the sender's option, not its type, updates its
belief by Bayes' rule and best-replies; the other actors hold fixed options. The sender knows
its type; neither knows the fixed actors' types, so payoffs are taken in expectation over them
given the sender's type (under the scenario's prior, independent or joint). The result is a
:class:`~negotiation_sim.signalling.SignallingGame` per grid point, whose perfect Bayesian
equilibria are enumerated with :func:`~negotiation_sim.signalling.perfect_bayesian_equilibria`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..errors import UnsupportedGameError
from ..game import FloatArray
from .build import BEST_REPLY, grid_shape
from .typed import bayesian_payoffs, type_counts, type_prior

if TYPE_CHECKING:
    from ..signalling import SignallingGame
    from .model import Scenario

__all__ = [
    "FormatSignalling",
    "PlayedOut",
    "format_signalling",
    "play_out",
    "require_not_signalling",
    "signalling_game",
]


class FormatSignalling(NamedTuple):
    """A signalling format over ``B`` grid points: ``T`` sender types, ``M`` messages (the
    sender's options), ``R`` responses (the receiver's options)."""

    sender: str
    receiver: str
    #: (T, B): the prior over the sender's types.
    prior: FloatArray
    #: (n, T, M, R, B): every actor's expected payoff given the sender's type.
    payoffs: FloatArray
    #: (M, R): the outcome each message and response reach.
    outcomes: NDArray[np.intp]


def format_signalling(
    scenario: Scenario, format: str | None, values: Mapping[str, FloatArray]
) -> FormatSignalling:
    """The signalling ``format`` of a typed scenario over the grid of ``values`` (see the module).

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> signal = load_scenario("scenarios/verification_signal.toml")
    >>> game = format_signalling(signal, "inspections", signal.values({"trust": [0.2, 0.6]}))
    >>> game.sender, game.receiver, game.prior.round(2).tolist()
    ('russia', 'us', [[0.2, 0.6], [0.8, 0.4]])
    >>> game.payoffs.shape  # (actors, types, messages, responses, points)
    (2, 2, 2, 2, 2)
    """
    chosen = scenario.format(format)
    if not chosen.signalling:
        raise UnsupportedGameError(f"format {chosen.id!r} is not a signalling format")
    size = math.prod(grid_shape(values))
    ids = scenario.actor_ids
    sender, receiver = chosen.choosers[0], chosen.repliers[0]
    s, r = ids.index(sender), ids.index(receiver)
    n, counts = len(ids), type_counts(scenario)
    fixed = {ids.index(a): scenario.option_index(a, o) for a, o in chosen.others if o != BEST_REPLY}
    options: list[int | slice] = [fixed.get(j, slice(None)) for j in range(n)]
    payoffs = bayesian_payoffs(scenario, values)  # (n, T.., k.., B)
    payoffs = np.broadcast_to(payoffs, (*payoffs.shape[:-1], size))
    payoffs = payoffs[(slice(None), *([slice(None)] * n), *options, slice(None))]
    prior = np.broadcast_to(type_prior(scenario, values), (*counts, size))  # (T.., B)
    # Expectation over the other actors' types given the sender's (the receiver has none).
    others = tuple(j for j in range(n) if j != s)
    marginal = prior.sum(axis=others)  # (T_s, B)
    below = np.expand_dims(marginal, others)  # the sender's axis kept, in actor order
    # The conditional prior first (exact at tiny priors); a sender type of probability 0 still
    # best-replies: weigh the others' types by their own prior, as no conditional one exists.
    rest = np.broadcast_to(prior.sum(axis=s, keepdims=True), prior.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional = np.where(below > 0, prior / below, rest)
    expected = (payoffs * conditional[np.newaxis, ..., np.newaxis, np.newaxis, :]).sum(
        axis=tuple(1 + j for j in others)
    )  # (n, T_s, k_s, k_r, B) or (n, T_s, k_r, k_s, B) in actor order
    outcomes = scenario.profile_outcomes[tuple(options)]
    if r < s:  # the message axis first
        expected = np.swapaxes(expected, 2, 3)
        outcomes = outcomes.T
    return FormatSignalling(sender, receiver, marginal, expected, np.asarray(outcomes))


def signalling_game(
    scenario: Scenario, params: Mapping[str, float] | None = None, format: str | None = None
) -> SignallingGame:
    """The signalling game of ``format`` at one parameter point (defaults overridden by
    ``params``), labelled with the sender's types and options and the receiver's options.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> from negotiation_sim.signalling import perfect_bayesian_equilibria
    >>> signal = load_scenario("scenarios/verification_signal.toml")
    >>> game = signalling_game(signal, {"trust": 0.3}, "inspections")
    >>> game.types, game.messages, game.responses
    (('security_seeker', 'expansionist'), ('refuse', 'accept'), ('hold', 'deal'))
    >>> [e.kind for e in perfect_bayesian_equilibria(game)]
    ['pooling', 'separating']
    """
    from ..signalling import SignallingGame

    reach = format_signalling(scenario, format, scenario.values(params))
    ids = scenario.actor_ids
    s, r = ids.index(reach.sender), ids.index(reach.receiver)
    by_id = {actor.id: actor for actor in scenario.actors}
    return SignallingGame(
        reach.prior[:, 0],
        reach.payoffs[s, ..., 0],
        reach.payoffs[r, ..., 0],
        types=scenario.types[reach.sender],
        messages=by_id[reach.sender].option_ids,
        responses=by_id[reach.receiver].option_ids,
    )


class PlayedOut(NamedTuple):
    """What a pure strategy pair of a signalling format gives at one grid point."""

    #: (O,): the probability of each outcome of the scenario, over the sender's types.
    shares: FloatArray
    #: (n,): every actor's ex-ante payoff.
    ex_ante: FloatArray


def play_out(
    reach: FormatSignalling,
    point: int,
    message: tuple[int, ...],
    response: tuple[int, ...],
    n_outcomes: int,
) -> PlayedOut:
    """Outcome probabilities and ex-ante payoffs of the sender's ``message`` (per type) and the
    receiver's ``response`` (per message) at grid ``point``.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> signal = load_scenario("scenarios/verification_signal.toml")
    >>> reach = format_signalling(signal, None, signal.values())
    >>> played = play_out(reach, 0, (1, 0), (0, 1), len(signal.outcome_ids))  # separating
    >>> dict(zip(signal.outcome_ids, played.shares.round(2).tolist()))
    {'no_deal': 0.7, 'deal': 0.0, 'verified_deal': 0.3}
    >>> played.ex_ante.round(2).tolist()  # russia: 0.3 * (1 - 0.5); us: 0.3 * 1
    [0.15, 0.3]
    """
    shares = np.zeros(n_outcomes)
    ex_ante = np.zeros(reach.payoffs.shape[0])
    for t, m in enumerate(message):
        weight = float(reach.prior[t, point])
        shares[reach.outcomes[m, response[m]]] += weight
        ex_ante += weight * reach.payoffs[:, t, m, response[m], point]
    return PlayedOut(shares, ex_ante)


def require_not_signalling(scenario: Scenario, format: str | None) -> None:
    """Refuse a signalling format where a Bayesian game among the choosers is asked for."""
    chosen = scenario.format(format)
    if chosen.signalling:
        raise UnsupportedGameError(
            f"{scenario.source}: format {chosen.id!r} is a signalling game ({chosen.repliers[0]!r} "
            f"infers {chosen.choosers[0]!r}'s type from its choice), not a Bayesian game among "
            "choosers: `negotiation-sim solve` finds its perfect Bayesian equilibria (Python: "
            "scenario.signalling_game); choose another format for this"
        )
