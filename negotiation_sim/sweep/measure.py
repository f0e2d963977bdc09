"""What a sweep measures at every grid point, computed for the whole grid at once.

For one format of a scenario over a grid of parameter values, the games of
every grid point are built in one batch (:meth:`Scenario.format_games`: each
profile points at a node, everyone's payoffs stored once per node), their pure
equilibria found in one vectorised pass (:meth:`FormatGames.pure_equilibria`,
the same test as :func:`~negotiation_sim.pure_equilibria`), and each grid point
summarised:

* whether some deal outcome is a pure equilibrium, and whether no deal is;
* the number of pure equilibria;
* the equilibrium set (:attr:`Landscape.equilibrium_set`): deal only, deal and no deal, no
  deal only, no pure equilibrium;
* the *selected* equilibrium under a rule of :mod:`negotiation_sim.analysis.selection`
  (``welfare`` by default: the largest total payoff over all actors, ties to the first profile
  in option order), its outcome, every actor's payoff and surplus over the no-deal point, and
  the total (welfare).

Grid points without a pure equilibrium, or where the rule selects none, have outcome ``-1`` and
NaN payoffs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..analysis.selection import DEFAULT_RULE, equilibrium_set, logit_select, select_pure
from ..errors import Problem, ScenarioError
from ..game import DEFAULT_TOL, FloatArray, Game
from ..scenario import Scenario

__all__ = ["Landscape", "landscape", "landscape_points", "measure"]


@dataclass(frozen=True, eq=False)
class Landscape:
    """Equilibrium metrics over a parameter grid (arrays have the grid's shape first).

    Attributes
    ----------
    axes : tuple of (name, values)
    format : str
    actors : tuple of str
        Every actor of the scenario (payoff and surplus columns).
    outcome_ids : tuple of str
    deal_is_equilibrium, no_deal_is_equilibrium : ndarray of bool, shape (*grid,)
    n_equilibria : ndarray of int, shape (*grid,)
    outcome : ndarray of int, shape (*grid,)
        Index into ``outcome_ids`` of the selected equilibrium; -1 where none.
    payoffs, surplus : ndarray, shape (*grid, n)
    welfare : ndarray, shape (*grid,)
    """

    axes: tuple[tuple[str, FloatArray], ...]
    format: str
    actors: tuple[str, ...]
    outcome_ids: tuple[str, ...]
    deal_is_equilibrium: NDArray[np.bool_]
    no_deal_is_equilibrium: NDArray[np.bool_]
    n_equilibria: NDArray[np.intp]
    outcome: NDArray[np.intp]
    payoffs: FloatArray
    surplus: FloatArray
    welfare: FloatArray
    #: The selected equilibrium's probability of a deal, where it is not 0 or 1 (a scenario
    #: with actor types: :mod:`.measure_typed`); ``None``: read it off ``outcome``.
    deal_probability: FloatArray | None = None
    #: The selected equilibrium's probability of each outcome, shape (*grid, outcomes), where it
    #: is not one outcome for sure (:mod:`.measure_typed`); ``None``: read it off ``outcome``.
    outcome_probability: FloatArray | None = None
    #: The selection rule of ``outcome``, ``payoffs``, ``surplus`` and ``welfare``.
    selection: str = DEFAULT_RULE

    @property
    def equilibrium_set(self) -> NDArray[np.int8]:
        """Per point: 0 deal only, 1 deal and no deal, 2 no deal only, 3 no pure equilibrium
        (:data:`~negotiation_sim.analysis.selection.EQUILIBRIUM_SETS`)."""
        return equilibrium_set(self.deal_is_equilibrium, self.no_deal_is_equilibrium)


def landscape(
    scenario: Scenario,
    grid: Mapping[str, ArrayLike],
    format: str | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tol: float = DEFAULT_TOL,
    selection: str = DEFAULT_RULE,
) -> Landscape:
    """Pure-equilibrium metrics of one format over the outer product of ``grid``.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    >>> view = landscape(alaska, {"trust": [0.2, 0.8], "verification": [0.0, 0.8]}, "bilateral")
    >>> view.deal_is_equilibrium.tolist()
    [[False, False], [True, True]]
    """
    axes: list[tuple[str, FloatArray]] = []
    shaped: dict[str, FloatArray] = {}
    for k, (name, given) in enumerate(grid.items()):
        array = _axis_values(scenario, f"grid.{name}", given)
        axes.append((name, array))
        shape = [1] * len(grid)
        shape[k] = array.size
        shaped[name] = array.reshape(shape)
    values = scenario.values({**(params or {}), **shaped})
    return measure(scenario, values, format, axes=tuple(axes), tol=tol, selection=selection)


def landscape_points(
    scenario: Scenario,
    points: Mapping[str, ArrayLike],
    format: str | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tol: float = DEFAULT_TOL,
    selection: str = DEFAULT_RULE,
) -> Landscape:
    """The same metrics at ``m`` given points (each parameter an array of length ``m``).

    Chunked sweeps use it: a chunk is any run of points of the flattened grid.
    The result's grid shape is ``(m,)`` and its ``axes`` hold the points' values.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    >>> view = landscape_points(alaska, {"trust": [0.2, 0.8], "verification": [0.0, 0.8]})
    >>> view.deal_is_equilibrium.tolist()
    [False, True]
    """
    axes = tuple(
        (name, _axis_values(scenario, f"points.{name}", given)) for name, given in points.items()
    )
    sizes = {a.size for _, a in axes}
    if len(sizes) > 1:
        raise ScenarioError(
            scenario.source,
            [Problem("points", f"every parameter needs as many values; got {sorted(sizes)}")],
        )
    values = scenario.values({**(params or {}), **dict(axes)})
    return measure(scenario, values, format, axes=axes, tol=tol, selection=selection)


def _axis_values(scenario: Scenario, where: str, given: ArrayLike) -> FloatArray:
    try:
        array = np.atleast_1d(np.asarray(given, dtype=np.float64))
    except (TypeError, ValueError):
        raise ScenarioError(
            scenario.source, [Problem(where, "expected a list of numbers")]
        ) from None
    if array.ndim != 1 or array.size == 0:
        raise ScenarioError(
            scenario.source, [Problem(where, "expected a non-empty list of values")]
        )
    return array


def measure(
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    format: str | None = None,
    *,
    axes: tuple[tuple[str, FloatArray], ...] = (),
    full: FloatArray | None = None,
    tol: float = DEFAULT_TOL,
    selection: str = DEFAULT_RULE,
) -> Landscape:
    """The same metrics at parameter values already checked by :meth:`Scenario.values`.

    The grid is the broadcast shape of ``values``. :func:`landscape` and
    :func:`landscape_points` call it; a sweep calls it once per format on the same
    values, with ``full`` (:meth:`Scenario.full_payoffs` at these values) when it
    has built that table anyway (for the zero-sum share), so it is not built again.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    >>> values = alaska.values({"trust": [0.2, 0.8], "verification": [0.0, 0.8]})
    >>> full = alaska.full_payoffs(values)
    >>> view = measure(alaska, values, "multilateral", full=full)
    >>> view.deal_is_equilibrium.tolist(), view.payoffs.shape
    ([False, True], (2, 4))
    """
    grid_shape = np.broadcast_shapes(*(np.shape(v) for v in values.values()))
    size = math.prod(grid_shape)
    chosen = scenario.format(format)
    games = scenario.format_games(format, values, full=full)
    payoffs, outcomes = games.payoffs, games.outcomes
    if payoffs.shape[-1] != size:  # values that do not span the grid: the same game everywhere
        payoffs = np.broadcast_to(payoffs, (*payoffs.shape[:-1], size))
    mask = games.pure_equilibria(tol)
    mask = np.broadcast_to(mask, (*mask.shape[:-1], size)).reshape(-1, size)
    is_deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    picked = _select(mask, games.node.ravel(), payoffs, outcomes, is_deal)
    found = picked.n_equilibria > 0
    if selection != DEFAULT_RULE:
        picked, found = _reselect(selection, games, mask, payoffs, outcomes, picked, tol)
    n = payoffs.shape[0]
    chosen_payoffs = np.where(found[:, None], picked.payoffs.T, np.nan)
    no_deal = np.broadcast_to(scenario.no_deal_point(values), (n, *grid_shape)).reshape(n, size).T
    return Landscape(
        axes=axes,
        format=chosen.id,
        actors=scenario.actor_ids,
        outcome_ids=scenario.outcome_ids,
        deal_is_equilibrium=picked.deal.reshape(grid_shape),
        no_deal_is_equilibrium=picked.no_deal.reshape(grid_shape),
        n_equilibria=picked.n_equilibria.reshape(grid_shape),
        outcome=np.where(found, picked.outcome, -1).reshape(grid_shape),
        payoffs=chosen_payoffs.reshape((*grid_shape, n)),
        surplus=(chosen_payoffs - no_deal).reshape((*grid_shape, n)),
        welfare=chosen_payoffs.sum(axis=-1).reshape(grid_shape),
        selection=selection,
    )


@dataclass(frozen=True)
class _Picked:
    """Per grid point: the equilibria counted and classified, and the one selected."""

    n_equilibria: NDArray[np.intp]
    deal: NDArray[np.bool_]
    no_deal: NDArray[np.bool_]
    outcome: NDArray[np.intp]  # the selected profile's outcome (any value where none)
    payoffs: FloatArray  # (n, B): everyone's payoff at the selected profile


def _select(
    mask: NDArray[np.bool_],
    node: NDArray[np.intp],
    payoffs: FloatArray,
    outcomes: NDArray[np.intp],
    is_deal: NDArray[np.bool_],
) -> _Picked:
    """Count, classify and select the pure equilibria of every grid point.

    ``mask`` (P, B): which of the P profiles are equilibria at each of the B points;
    ``node`` (P,): the node each profile leads to; ``payoffs`` (n, V, B): everyone's
    payoff at each node; ``outcomes`` (V, B) or (V, 1): the outcome reached there. The
    selected equilibrium has the largest total payoff, ties to the first profile.

    Only the profiles that are an equilibrium somewhere are visited, one contiguous row
    of B points at a time, and a node's total payoff is summed once, however many
    profiles lead to it.
    """
    size = mask.shape[1]
    count = np.zeros(size, dtype=np.intp)
    deal = np.zeros(size, dtype=bool)
    no_deal = np.zeros(size, dtype=bool)
    best = np.full(size, -np.inf)
    chosen = np.zeros(size, dtype=np.intp)
    better = np.empty(size, dtype=bool)
    totals: dict[int, FloatArray] = {}
    for p in np.flatnonzero(mask.any(axis=1)).tolist():
        here, v = mask[p], int(node[p])
        count += here
        if outcomes.shape[1] == 1:  # the same outcome at every point
            target = deal if is_deal[outcomes[v, 0]] else no_deal
            target |= here
        else:
            deal_here = is_deal[outcomes[v]]
            deal |= here & deal_here
            no_deal |= here & ~deal_here
        if v not in totals:
            totals[v] = payoffs[:, v].sum(axis=0)
        np.greater(totals[v], best, out=better)  # strict: ties keep the first profile
        better &= here
        np.copyto(best, totals[v], where=better)
        chosen[better] = p
    points = np.arange(size)
    reached = node[chosen]
    outcome = outcomes[reached, 0] if outcomes.shape[1] == 1 else outcomes[reached, points]
    return _Picked(count, deal, no_deal, outcome, payoffs[:, reached, points])


def _reselect(
    rule: str,
    games: Any,
    mask: NDArray[np.bool_],
    payoffs: FloatArray,
    outcomes: NDArray[np.intp],
    picked: _Picked,
    tol: float,
) -> tuple[_Picked, NDArray[np.bool_]]:
    """The equilibrium another rule selects (:mod:`negotiation_sim.analysis.selection`): the
    games laid out per profile, the rule applied to all points at once (``logit``: one game at
    a time, only where there is more than one pure equilibrium). Returns the picked record with
    the selected outcome and payoffs, and where one is selected."""
    size = mask.shape[1]
    node = games.node.ravel()
    shape = games.node.shape
    everyone = payoffs[:, node]  # (n, P, B)
    players = everyone[list(games.rows)].reshape((len(games.rows), *shape, size))
    totals = everyone.sum(axis=0)
    if rule == "logit":
        chosen = select_pure("welfare", players, mask.reshape((*shape, size)), totals=totals)
        for b in np.flatnonzero(picked.n_equilibria > 1).tolist():
            profiles = np.flatnonzero(mask[:, b])
            listed = [tuple(int(i) for i in np.unravel_index(p, shape)) for p in profiles]
            index, _ = logit_select(Game(players[..., b]), listed, tol=tol)
            chosen[b] = profiles[index] if index >= 0 else -1
    else:
        chosen = select_pure(rule, players, mask.reshape((*shape, size)), totals=totals, tol=tol)
    found = chosen >= 0
    points = np.arange(size)
    reached = node[np.maximum(chosen, 0)]
    outcome = outcomes[reached, 0] if outcomes.shape[1] == 1 else outcomes[reached, points]
    return replace(picked, outcome=outcome, payoffs=payoffs[:, reached, points]), found
