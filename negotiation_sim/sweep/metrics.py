"""What a sweep measures at every grid point, computed for the whole grid at once.

For one format of a scenario over a grid of parameter values, the games of
every grid point are built in one batch (:meth:`Scenario.resolve`), their pure
equilibria found in one vectorised pass (:func:`pure_equilibria`), and each
grid point summarised:

* whether some deal outcome is a pure equilibrium, and whether no deal is;
* the number of pure equilibria;
* the *selected* equilibrium: the pure equilibrium with the largest total
  payoff over all actors (ties: the first profile in option order), its
  outcome, every actor's payoff and surplus over the no-deal point, and the
  total (welfare).

Grid points without a pure equilibrium have outcome ``-1`` and NaN payoffs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import Problem, ScenarioError
from ..game import DEFAULT_TOL, FloatArray
from ..scenario import Scenario
from ..solvers.pure import pure_equilibria

__all__ = ["Landscape", "landscape", "landscape_points"]


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


def _no_deal_point(
    scenario: Scenario, values: Mapping[str, FloatArray], shape: tuple[int, ...]
) -> FloatArray:
    outcome = scenario.outcomes[scenario.no_deal]
    missing = [a for a in scenario.actor_ids if a not in outcome.payoffs]
    if missing:
        raise ScenarioError(
            scenario.source,
            [
                Problem(
                    f"outcomes.{scenario.no_deal}.payoffs",
                    f"no payoff for {', '.join(missing)}: surplus needs one",
                )
            ],
        )
    raw = np.stack(
        [np.broadcast_to(outcome.payoffs[a].evaluate(values), shape) for a in scenario.actor_ids],
        axis=-1,
    )
    if scenario.relative_gains is not None and raw.shape[-1] > 1:
        rho = np.broadcast_to(values[scenario.relative_gains], shape)[..., None]
        raw = raw - rho * (raw.sum(axis=-1, keepdims=True) - raw) / (raw.shape[-1] - 1)
    return raw


def landscape(
    scenario: Scenario,
    grid: Mapping[str, ArrayLike],
    format: str | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tol: float = DEFAULT_TOL,
    threads: int | None = None,
) -> Landscape:
    """Pure-equilibrium metrics of one format over the outer product of ``grid``.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> alaska = load_scenario("scenarios/alaska_2025.toml")
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
    grid_shape = tuple(a.size for _, a in axes)
    return _measure(scenario, values, grid_shape, format, tuple(axes), tol, threads)


def landscape_points(
    scenario: Scenario,
    points: Mapping[str, ArrayLike],
    format: str | None = None,
    params: Mapping[str, float] | None = None,
    *,
    tol: float = DEFAULT_TOL,
    threads: int | None = None,
) -> Landscape:
    """The same metrics at ``m`` given points (each parameter an array of length ``m``).

    Chunked sweeps use it: a chunk is any run of points of the flattened grid.
    The result's grid shape is ``(m,)`` and its ``axes`` hold the points' values.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> alaska = load_scenario("scenarios/alaska_2025.toml")
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
    grid_shape = (sizes.pop(),) if sizes else ()
    return _measure(scenario, values, grid_shape, format, axes, tol, threads)


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


def _first_argmax(score: FloatArray) -> NDArray[np.intp]:
    """``np.argmax(score, axis=0)`` (ties: the first), as passes over contiguous rows.

    numpy's argmax along the first axis of a C-ordered (P, B) array walks it with stride B;
    this loop is 2-3x faster for the profile counts of scenarios.
    """
    best = score[0].copy()
    index = np.zeros(score.shape[1:], dtype=np.intp)
    better = np.empty(score.shape[1:], dtype=bool)
    for p in range(1, score.shape[0]):
        np.greater(score[p], best, out=better)
        np.copyto(best, score[p], where=better)
        index[better] = p
    return index


def _measure(
    scenario: Scenario,
    values: Mapping[str, FloatArray],
    grid_shape: tuple[int, ...],
    format: str | None,
    axes: tuple[tuple[str, FloatArray], ...],
    tol: float,
    threads: int | None,
) -> Landscape:
    chosen = scenario.format(format)
    # Grid-last throughout, (…, B): every pass runs over contiguous rows of grid points, and
    # the games are solved in the layout they were built in (no transposing copies).
    payoffs, outcomes, everyone = scenario.resolve_grid_last(format, values)
    size = int(np.prod(grid_shape))
    if payoffs.shape[-1] != size:  # values that do not span the grid: the same game everywhere
        payoffs = np.broadcast_to(payoffs, (*payoffs.shape[:-1], size))
        everyone = np.broadcast_to(everyone, (*everyone.shape[:-1], size))
        if outcomes.shape[-1] != 1:
            outcomes = np.broadcast_to(outcomes, (*outcomes.shape[:-1], size))
    n = everyone.shape[0]
    mask = pure_equilibria(payoffs, tol=tol, threads=threads, batch_axis="last").reshape(-1, size)
    flat_outcomes = outcomes.reshape(mask.shape[0], -1)  # (P, B) or (P, 1)
    flat_everyone = everyone.reshape(n, mask.shape[0], size)
    is_deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    deal_here = is_deal[flat_outcomes]
    total = flat_everyone.sum(axis=0)
    score = np.where(mask, total, -np.inf)
    chosen_profile = _first_argmax(score)
    found: NDArray[np.bool_] = np.asarray(mask.any(axis=0))
    picked = np.take_along_axis(
        np.broadcast_to(flat_outcomes, mask.shape), chosen_profile[None], axis=0
    )[0]
    picked_payoffs = np.take_along_axis(flat_everyone, chosen_profile[None, None], axis=1)[:, 0].T
    picked_payoffs = np.where(found[:, None], picked_payoffs, np.nan)
    deal_is_equilibrium = (mask & deal_here).any(axis=0)
    no_deal_is_equilibrium = (mask & ~deal_here).any(axis=0)
    n_equilibria = mask.sum(axis=0)
    no_deal = _no_deal_point(scenario, values, grid_shape)
    no_deal = no_deal.reshape(size, n)
    return Landscape(
        axes=axes,
        format=chosen.id,
        actors=scenario.actor_ids,
        outcome_ids=scenario.outcome_ids,
        deal_is_equilibrium=deal_is_equilibrium.reshape(grid_shape),
        no_deal_is_equilibrium=no_deal_is_equilibrium.reshape(grid_shape),
        n_equilibria=n_equilibria.reshape(grid_shape),
        outcome=np.where(found, picked, -1).reshape(grid_shape),
        payoffs=picked_payoffs.reshape((*grid_shape, n)),
        surplus=(picked_payoffs - no_deal).reshape((*grid_shape, n)),
        welfare=picked_payoffs.sum(axis=-1).reshape(grid_shape),
    )
