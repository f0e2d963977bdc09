"""A format of a scenario with actor types, as a Bayesian game among its choosers.

In a format the choosers move at once and the others reply, each best-replying to what the
choosers did (:meth:`Scenario.resolve`). With types, a replier replies *per type*: in each type
profile's scenario (:attr:`Scenario.typed`) the replies are its own type's, and the choosers
anticipate them in expectation over the repliers' types (independent of their own). This is
exact when a replier's payoffs depend on its own type only (private values): it need not infer
the choosers' types from their moves. A replier whose payoffs depend on another actor's type
would have to (a signalling game: a format with ``signalling = true``,
:mod:`.signalling_format`): such a format is refused.
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
from .signalling_format import require_not_signalling
from .typed import bayesian_payoffs, type_counts, type_prior

if TYPE_CHECKING:
    from ..bayesian import BayesianGame
    from .model import Scenario

__all__ = ["FormatBayesian", "bayesian_game", "format_bayesian"]

#: How far a replier's payoffs may move with another actor's type and still count as its own.
_TOLERANCE = 1e-12


class FormatBayesian(NamedTuple):
    """A typed format's game among its choosers, over ``B`` grid points."""

    choosers: tuple[str, ...]
    #: (c, T_c.., k_c.., B): the choosers' payoffs per chooser type profile, replies anticipated.
    payoffs: FloatArray
    #: (T_c.., B): the prior over the choosers' types.
    prior: FloatArray
    #: (T_1..T_n, k_c.., B): the outcome each type profile (all actors) and chooser profile reach.
    outcomes: NDArray[np.intp]
    #: (T_1..T_n, B): the prior over every actor's types.
    everyone: FloatArray
    #: (n, T_1..T_n, k_c.., B): every actor's payoff per type profile and chooser profile.
    payoffs_all: FloatArray


def format_bayesian(
    scenario: Scenario, format: str | None, values: Mapping[str, FloatArray]
) -> FormatBayesian:
    """The typed scenario's ``format`` as a Bayesian game among its choosers (see the module).

    Raises
    ------
    UnsupportedGameError
        When a replier's payoffs depend on another actor's type.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> typed = load_scenario("scenarios/typed_assurance.toml")
    >>> game = format_bayesian(typed, None, typed.values())
    >>> game.choosers, game.payoffs.shape, game.outcomes.shape
    (('a', 'b'), (2, 2, 2, 2, 2, 1), (2, 2, 2, 2, 1))
    """
    require_not_signalling(scenario, format)
    chosen = scenario.format(format)
    shape = grid_shape(values)
    size = math.prod(shape)
    counts = type_counts(scenario)
    everyone_prior = type_prior(scenario, values)  # (T.., B)
    repliers = [actor for actor, does in chosen.others if does == BEST_REPLY]
    fulls = [one.full_payoffs(values) for one in scenario.typed]  # evaluated once
    _check_private_values(scenario, values, repliers, fulls)
    name = None if chosen.id == "all" and not scenario.formats else chosen.id
    tables, outcome_tables, all_tables = [], [], []
    for one, full in zip(scenario.typed, fulls, strict=True):
        payoffs, outcomes, everyone = one.resolve(name, values, full=full)
        tables.append(np.broadcast_to(payoffs, (*payoffs.shape[:-1], size)))
        outcome_tables.append(np.broadcast_to(outcomes, (*outcomes.shape[:-1], size)))
        all_tables.append(np.broadcast_to(everyone, (*everyone.shape[:-1], size)))
    c, n = len(chosen.choosers), len(scenario.actors)
    k = tables[0].shape[1:-1]
    stacked = np.stack(tables, axis=1).reshape(c, *counts, *k, size)
    outcomes = np.stack(outcome_tables).reshape(*counts, *k, size)
    payoffs_all = np.stack(all_tables, axis=1).reshape(n, *counts, *k, size)
    position = [scenario.actor_ids.index(a) for a in chosen.choosers]
    others = [j for j in range(len(counts)) if j not in position]
    # Expectation over the non-choosers' types given the choosers' (their conditional prior:
    # the marginals when types are independent, the joint table's conditional when not).
    prior = everyone_prior.sum(axis=tuple(others)) if others else everyone_prior
    if others:
        k_axes = len(k)
        weights = everyone_prior.reshape(*counts, *([1] * k_axes), size)
        stacked = (stacked * weights[np.newaxis]).sum(axis=tuple(1 + j for j in others))
        below = prior.reshape(*prior.shape[:-1], *([1] * k_axes), size)[np.newaxis]
        with np.errstate(divide="ignore", invalid="ignore"):
            stacked = np.where(below > 0, stacked / below, 0.0)
    # The remaining type axes are the choosers' in actor order: put them in the format's order.
    order = sorted(position)
    permutation = [order.index(p) for p in position]
    stacked = np.moveaxis(stacked, [1 + p for p in range(c)], [1 + q for q in permutation])
    prior = np.moveaxis(prior, list(range(c)), permutation)
    return FormatBayesian(
        tuple(chosen.choosers), stacked, prior, outcomes, everyone_prior, payoffs_all
    )


def _check_private_values(
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    repliers: list[str],
    fulls: list[FloatArray],
) -> None:
    """A replier's payoffs must not move with another actor's type (else it would infer it)."""
    if not repliers:
        return
    payoffs = bayesian_payoffs(scenario, values, fulls)  # (n, T.., k.., B)
    n = len(scenario.actors)
    for actor in repliers:
        r = scenario.actor_ids.index(actor)
        own = payoffs[r]  # (T.., k.., B)
        for j in range(n):
            if j == r or own.shape[j] == 1:
                continue
            first = np.take(own, [0], axis=j)
            if not np.allclose(own, first, rtol=0, atol=_TOLERANCE):
                raise UnsupportedGameError(
                    f"{scenario.source}: in this format {actor!r} replies, but its payoffs depend "
                    f"on the type of {scenario.actor_ids[j]!r}: it would have to infer that type "
                    "from the choosers' moves, a signalling game (with one chooser and one "
                    "replier, declare the format's signalling = true)"
                )


def bayesian_game(
    scenario: Scenario, params: Mapping[str, float] | None = None, format: str | None = None
) -> BayesianGame:
    """The Bayesian game at one parameter point (defaults overridden by ``params``): of every
    actor, or of a format's choosers with the replies anticipated per type
    (:mod:`.typed_formats`; ``None``: the default format).

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> game = bayesian_game(load_scenario("scenarios/typed_assurance.toml"), {"trust": 0.7})
    >>> game.types[0], game.prior.round(2).tolist()
    (('trustworthy', 'opportunist'), [[0.49, 0.21], [0.21, 0.09]])
    """
    from ..bayesian import BayesianGame

    require_not_signalling(scenario, format)
    values = scenario.values(params)
    chosen = scenario.format(format)
    if chosen.others:  # some actors reply or hold a fixed option
        game = format_bayesian(scenario, chosen.id, values)
        actors = game.choosers
        payoffs, prior = game.payoffs[..., 0], game.prior[..., 0]
    else:
        actors = tuple(chosen.choosers)
        payoffs = bayesian_payoffs(scenario, values)[..., 0]
        prior = type_prior(scenario, values)[..., 0]
    by_id = {actor.id: actor for actor in scenario.actors}
    types = tuple(scenario.types.get(a, ("-",)) for a in actors)
    options = tuple(by_id[a].option_ids for a in actors)
    return BayesianGame(payoffs, prior, actors=actors, types=types, options=options)
