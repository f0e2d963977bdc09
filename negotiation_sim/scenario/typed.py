"""A scenario with actor types as a Bayesian game over a parameter grid (MODEL.md §7).

A typed scenario (``types`` and ``prior`` on its actors, ``docs/scenario-format.md``) holds one
untyped scenario per type profile (:attr:`Scenario.typed`). Its Bayesian game at parameter
values is every type profile's payoff table stacked on the types' axes, with the prior the
product of the actors' marginals (independent types): what
:mod:`negotiation_sim.bayesian` solves through the agent normal form. A format's game among
its choosers, and :meth:`Scenario.bayesian_game`, are in :mod:`.typed_formats`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..errors import Problem, ScenarioError
from ..game import FloatArray
from ._check_types import not_distributions
from .build import grid_shape

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["bayesian_payoffs", "ex_ante_no_deal", "type_counts", "type_prior"]


def type_counts(scenario: Scenario) -> tuple[int, ...]:
    """Every actor's number of types (1 for an actor without types), in actor order."""
    return tuple(len(scenario.types.get(actor, ("",))) for actor in scenario.actor_ids)


def type_prior(scenario: Scenario, values: Mapping[str, FloatArray]) -> FloatArray:
    """The common prior over type profiles, shape ``(T_1, ..., T_n, B)`` (B grid points).

    Raises
    ------
    ScenarioError
        Located at the actor's prior, at the first grid point where its probabilities are not a
        distribution (each in [0, 1], summing to 1).
    """
    shape = grid_shape(values)
    size = math.prod(shape)
    counts = type_counts(scenario)
    if scenario.type_joint:
        return _joint_prior(scenario, values, shape, counts)
    prior = np.ones((*counts, size))
    for k, actor in enumerate(scenario.actor_ids):
        if actor not in scenario.types:
            continue
        table = scenario.type_prior[actor]
        marginal = np.array(
            [
                np.broadcast_to(table[t].evaluate(values), shape).ravel()
                for t in scenario.types[actor]
            ]
        )
        _check_distribution(scenario, actor, marginal, values, shape)
        view = [1] * len(counts) + [size]
        view[k] = counts[k]
        prior = prior * marginal.reshape(view)
    return prior


def _joint_prior(
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    shape: tuple[int, ...],
    counts: tuple[int, ...],
) -> FloatArray:
    """``[type_prior]``: the probability of each type profile, checked to be a distribution."""
    size = math.prod(shape)
    typed = list(scenario.types)
    prior = np.zeros((*counts, size))
    for profile, expression in scenario.type_joint.items():
        index = [0] * len(counts)
        for actor, type_id in zip(typed, profile, strict=True):
            k = scenario.actor_ids.index(actor)
            index[k] = scenario.types[actor].index(type_id)
        prior[tuple(index)] = np.broadcast_to(expression.evaluate(values), shape).ravel()
    flat = prior.reshape(-1, size)
    wrong = not_distributions(flat)
    if wrong.size:
        point = np.unravel_index(int(wrong[0]), shape) if shape else ()
        used = sorted({p for e in scenario.type_joint.values() for p in e.parameters})
        at = ", ".join(f"{n} = {float(np.broadcast_to(values[n], shape)[point]):g}" for n in used)
        raise ScenarioError(
            scenario.source,
            [
                Problem(
                    "type_prior",
                    "the type profiles' probabilities are not a distribution at "
                    f"{at or 'these values'} (they sum to {flat[:, wrong[0]].sum():g})",
                )
            ],
        )
    return prior


def _check_distribution(
    scenario: Scenario,
    actor: str,
    marginal: FloatArray,
    values: Mapping[str, FloatArray],
    shape: tuple[int, ...],
) -> None:
    wrong = not_distributions(marginal)
    if not wrong.size:
        return
    point = np.unravel_index(int(wrong[0]), shape) if shape else ()
    used = sorted({p for e in scenario.type_prior[actor].values() for p in e.parameters})
    at = ", ".join(
        f"{name} = {float(np.broadcast_to(values[name], shape)[point]):g}" for name in used
    )
    position = scenario.actor_ids.index(actor)
    said = ", ".join(
        f"{t} = {p:g}" for t, p in zip(scenario.types[actor], marginal[:, wrong[0]], strict=True)
    )
    raise ScenarioError(
        scenario.source,
        [
            Problem(
                f"actors[{position}].prior",
                f"the type probabilities are not a distribution at {at or 'these values'}: {said}",
            )
        ],
    )


def bayesian_payoffs(
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    fulls: Sequence[FloatArray] | None = None,
) -> FloatArray:
    """u_i(s; theta) at every grid point, shape ``(n, T_1..T_n, k_1..k_n, B)``.

    Each type profile's payoffs come from its own untyped scenario (:attr:`Scenario.typed`),
    relative gains applied as in any game; ``fulls``: their :meth:`Scenario.full_payoffs` at
    ``values``, when the caller has them (they are not evaluated again).
    """
    counts = type_counts(scenario)
    shape = grid_shape(values)
    size = math.prod(shape)
    n = len(scenario.actors)
    out = np.empty((n, *counts, *scenario.shape, size))
    for k, (index, one) in enumerate(zip(np.ndindex(*counts), scenario.typed, strict=True)):
        full = one.full_payoffs(values) if fulls is None else fulls[k]  # (*grid, n, k..)
        full = np.broadcast_to(full, (*shape, *full.shape[full.ndim - n - 1 :]))
        table = np.moveaxis(full.reshape(size, n, *scenario.shape), 0, -1)
        out[(slice(None), *index)] = table
    return out


def ex_ante_no_deal(
    scenario: Scenario, values: Mapping[str, FloatArray], prior: FloatArray | None = None
) -> FloatArray:
    """Every actor's ex-ante disagreement point, shape ``(n, B)``: each type profile's no-deal
    payoffs weighted by the prior (:func:`type_prior` at ``values`` unless given).

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> typed = load_scenario("scenarios/typed_assurance.toml")
    >>> ex_ante_no_deal(typed, typed.values()).tolist()  # P = 0.3 for every type
    [[0.3], [0.3]]
    """
    shape = grid_shape(values)
    n, size = len(scenario.actors), math.prod(shape)
    prior = type_prior(scenario, values) if prior is None else prior
    point = np.zeros((n, size))
    for theta, one in zip(np.ndindex(*type_counts(scenario)), scenario.typed, strict=True):
        here = np.broadcast_to(one.no_deal_point(values), (n, *shape)).reshape(n, size)
        point += prior[(*theta, slice(None))] * here
    return point
