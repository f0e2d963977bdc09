"""A scenario's payoffs and its formats' games over whole parameter grids.

*Cells.* A profile's payoffs are one expression per actor, and the profile leads
to one outcome; profiles with the same expressions and the same outcome form a
*cell* (Alaska 2025: 144 profiles, 9 cells). Each distinct expression is
evaluated once, each cell's payoffs are written once, shape ``(n, D, B)`` with
the ``B`` grid points last, and a format's game is read off them through the
fixed map profile -> cell: the full ``(n, k_1..k_n, B)`` table is never built
unless asked for (:func:`full_payoffs`).

*Formats.* Fixed options slice the map. A replier's best reply (ties: the first
option) depends only on the cells its options lead to, so each distinct tuple of
candidate cells is resolved once, comparing the replier's own payoff rows; it
becomes a *node* holding, per grid point, the cell reached. Earlier repliers
compare nodes the same way (backward induction, the last replier first). Every
profile of the format's game then maps to a cell or a node, and everyone's
payoffs are gathered there once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .._checking import MAX_MAGNITUDE, magnitude_message
from .._transforms import relative_gains_payoffs
from ..errors import Problem, ScenarioError, UnsupportedGameError
from ..game import DEFAULT_TOL, FloatArray
from ..solvers.pure import node_pure_equilibria

if TYPE_CHECKING:
    from .expressions import Expression
    from .model import Format, Scenario

__all__ = [
    "BEST_REPLY",
    "Cells",
    "FormatGames",
    "cell_payoffs",
    "format_games",
    "full_payoffs",
    "require_untyped",
]

#: What a non-chooser does in a format when it is not given a fixed option.
BEST_REPLY = "best_reply"

IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Cells:
    """The profiles of a scenario grouped by (outcome, every actor's payoff expression).

    Attributes
    ----------
    of_profile : ndarray of int, shape (k_1, ..., k_n)
        The cell of every profile.
    expression : ndarray of int, shape (n, D)
        Each actor's expression (index into ``Scenario.expressions[i]``) in each cell.
    outcome : ndarray of int, shape (D,)
        Each cell's outcome (index into ``Scenario.outcome_ids``).
    profile : ndarray of int, shape (D,)
        The flat index of one profile of each cell (to read cells off a full table).
    """

    of_profile: IntArray
    expression: IntArray
    outcome: IntArray
    profile: IntArray

    @classmethod
    def of(cls, profile_outcomes: IntArray, expression_index: tuple[IntArray, ...]) -> Cells:
        """Group the profiles; cells are numbered in order of their first profile."""
        keys = np.stack([profile_outcomes.ravel(), *(e.ravel() for e in expression_index)], 1)
        _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        return cls(
            of_profile=rank[inverse.ravel()].reshape(profile_outcomes.shape),
            expression=keys[first[order], 1:].T.copy(),
            outcome=keys[first[order], 0].copy(),
            profile=first[order].astype(np.intp),
        )


def grid_shape(values: Mapping[str, FloatArray]) -> tuple[int, ...]:
    """The broadcast shape of the parameter values (``()`` for one point)."""
    return np.broadcast_shapes(*(np.shape(v) for v in values.values()))


def require_untyped(scenario: Scenario, what: str) -> None:
    """Refuse ``what`` (a complete-information game) for a scenario with actor types."""
    if scenario.types:
        typed = ", ".join(f"{a} ({', '.join(t)})" for a, t in scenario.types.items())
        raise UnsupportedGameError(
            f"{scenario.source}: {what} is a game of complete information, but the actors "
            f"{typed} have types: use scenario.bayesian_game(...) (its agent normal form is a "
            "game), or scenario.typed[k], the game of one type profile"
        )


def cell_payoffs(scenario: Scenario, values: Mapping[str, FloatArray]) -> FloatArray:
    """Every actor's payoff in every cell, shape (n, D, B), relative gains applied.

    ``B`` is the number of grid points (the broadcast shape of ``values``, flattened).
    """
    require_untyped(scenario, "a payoff table")
    cells = scenario.cells
    shape = grid_shape(values)
    n, size = len(scenario.actors), int(np.prod(shape))
    out = np.empty((n, cells.outcome.size, *shape))
    for i, expressions in enumerate(scenario.expressions):
        # Each expression once, on its own (unbroadcast) shape; written into every cell using it.
        evaluated = [np.asarray(e.evaluate(values)) for e in expressions]
        for k, value in enumerate(evaluated):
            locations = scenario.expression_locations
            location = locations[i][k] if locations else ""
            require_bounded(value, expressions[k], location, scenario.source, values)
        for d, k in enumerate(cells.expression[i].tolist()):
            out[i, d] = evaluated[k]
    rho = relative_gains_weight(scenario, values)
    if rho is not None:
        out = relative_gains_payoffs(out, np.broadcast_to(rho, shape)[None, None])
    return out.reshape(n, cells.outcome.size, size)


def relative_gains_weight(
    scenario: Scenario, values: Mapping[str, FloatArray]
) -> FloatArray | None:
    """The relative-gains weight, or ``None`` when the transform changes nothing."""
    if scenario.relative_gains is None or len(scenario.actors) < 2:
        return None
    rho = values[scenario.relative_gains]
    return rho if np.any(rho != 0) else None


def require_bounded(
    value: FloatArray,
    expression: Expression,
    location: str,
    source: str,
    values: Mapping[str, FloatArray],
) -> None:
    """Raise the located error at the first grid point where a payoff is not finite, or is
    beyond :data:`~negotiation_sim._checking.MAX_MAGNITUDE` in size."""
    bad = ~(np.abs(value) <= MAX_MAGNITUDE)  # NaN too
    shape = grid_shape(values)
    if not (bad.any() and np.broadcast_to(bad, shape).any()):
        return
    where = tuple(int(w) for w in np.argwhere(np.broadcast_to(bad, shape))[0])
    found = float(np.broadcast_to(value, shape)[where])
    at = {name: float(np.broadcast_to(v, shape)[where]) for name, v in values.items()}
    point = ", ".join(f"{k}={v:g}" for k, v in at.items() if k in expression.parameters)
    point = point or "the given values"
    message = (
        f"payoff is not finite at {point}"
        if not np.isfinite(found)
        else f"payoff at {point}: {magnitude_message(found)}"
    )
    raise ScenarioError(source, [Problem(location, message)])


def full_payoffs(scenario: Scenario, values: Mapping[str, FloatArray]) -> FloatArray:
    """Every actor's payoff at every profile, shape (*grid, n, k_1..k_n).

    A grid-first view of a grid-last array (each payoff a contiguous row over the grid).
    """
    shape = grid_shape(values)
    cells = cell_payoffs(scenario, values)
    table = np.take(cells, scenario.cells.of_profile, axis=1).reshape(
        len(scenario.actors), *scenario.shape, *shape
    )
    lead = list(range(table.ndim - len(shape), table.ndim))
    return np.moveaxis(table, lead, list(range(len(shape))))


def _cells_from_full(scenario: Scenario, full: FloatArray) -> FloatArray:
    """The cells' payoffs (n, D, B) read off a full table (*grid, n, k_1..k_n)."""
    n = len(scenario.actors)
    lead = full.ndim - n - 1
    table = np.moveaxis(full, list(range(lead)), list(range(full.ndim - lead, full.ndim)))
    flat = table.reshape(n, int(np.prod(scenario.shape)), -1)
    return np.take(flat, scenario.cells.profile, axis=1)


@dataclass(eq=False)
class _State:
    """A format's game part-way through its reduction.

    ``map`` sends each remaining profile (axes ``axes``, in actor order) to a cell, or,
    once a replier is resolved, to a node; ``reached`` (nodes, B) is the cell each node
    reaches at each grid point (``None`` while the map still holds cells).
    """

    map: IntArray
    axes: list[str]
    reached: IntArray | None = None
    #: Per resolved replier: (actor, its option per (node tuple, B), map to that tuple, axes).
    replies: list[tuple[str, IntArray, IntArray, tuple[str, ...]]] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class FormatGames:
    """A format's games over a grid, each profile pointing at a *node* (a cell, or what a
    replier's reply reaches) instead of a payoff table laid out per profile.

    Attributes
    ----------
    node : ndarray of int, shape (k_c...)
        The node each profile of the format's game leads to (choosers in the format's order).
    payoffs : ndarray, shape (n, V, B)
        Every actor's payoff at every node and grid point.
    outcomes : ndarray of int, shape (V, B) or (V, 1)
        The outcome reached at every node (one column when it is the same at every point).
    rows : tuple of int
        The choosers' rows of ``payoffs`` (actor indices, in the format's order).

    Everyone's payoffs at profile ``s`` are ``payoffs[:, node[s]]`` (a view, no copy).
    """

    node: IntArray
    payoffs: FloatArray
    outcomes: IntArray
    rows: tuple[int, ...]
    replies: list[tuple[str, IntArray, IntArray, tuple[str, ...]]] = field(default_factory=list)

    def expand(self) -> tuple[FloatArray, IntArray, FloatArray]:
        """The games laid out per profile: :meth:`Scenario.resolve`'s three arrays."""
        everyone = np.take(self.payoffs, self.node, axis=1)
        outcomes = np.take(self.outcomes, self.node, axis=0)
        n = self.payoffs.shape[0]
        payoffs = everyone if self.rows == tuple(range(n)) else everyone[list(self.rows)]
        return payoffs, outcomes, everyone

    def pure_equilibria(self, tol: float = DEFAULT_TOL) -> NDArray[np.bool_]:
        """Which profiles are pure equilibria at each grid point, shape (k_c..., B).

        The same as :func:`~negotiation_sim.pure_equilibria` on the expanded games, bit for
        bit, computed on the node form (:func:`~negotiation_sim.solvers.pure.node_pure_equilibria`).
        """
        return node_pure_equilibria(self.node, self.payoffs, self.rows, tol=tol)


def reduce(
    scenario: Scenario, chosen: Format, cells: FloatArray, *, keep_replies: bool = False
) -> FormatGames:
    """Reduce the cells' payoffs (n, D, B) to the format's games."""
    ids = list(scenario.actor_ids)
    state = _State(scenario.cells.of_profile, list(ids))
    for actor, option in chosen.others:
        if option != BEST_REPLY:  # fixed options first: slice the map
            axis = state.axes.index(actor)
            state.map = np.take(state.map, scenario.option_index(actor, option), axis=axis)
            state.axes.pop(axis)
    repliers = [a for a, o in chosen.others if o == BEST_REPLY]
    for actor in reversed(repliers):  # backward induction: the last to reply first
        _reply(state, cells[ids.index(actor)], actor, keep_replies)
    order = [state.axes.index(a) for a in chosen.choosers]
    node = np.transpose(state.map, order)
    rows = tuple(ids.index(a) for a in chosen.choosers)
    outcome = scenario.cells.outcome
    if state.reached is None:
        return FormatGames(node, cells, outcome[:, None], rows, state.replies)
    size = cells.shape[-1]
    # Gather everyone's payoffs at the cell each node reaches: flat indices into (D * B).
    flat = state.reached * size + np.arange(size)
    payoffs = np.take(cells.reshape(cells.shape[0], -1), flat, axis=1)
    return FormatGames(node, payoffs, outcome[state.reached], rows, state.replies)


def _reply(state: _State, own: FloatArray, actor: str, keep_replies: bool) -> None:
    """Resolve one replier (its payoffs ``own``, shape (D, B)): its best option, ties first."""
    axis = state.axes.index(actor)
    moved = np.moveaxis(state.map, axis, -1)
    options = moved.shape[-1]
    tuples, inverse = np.unique(moved.reshape(-1, options), axis=0, return_inverse=True)
    size = own.shape[-1]
    reached = state.reached
    flat_own = own.reshape(-1)
    seen: dict[int, FloatArray] = {}

    def value(node: int) -> FloatArray:
        """The replier's payoff at a node, per grid point (a row of ``own`` for a cell)."""
        if node not in seen:
            if reached is None:
                seen[node] = own[node]
            else:
                seen[node] = np.take(flat_own, reached[node] * size + np.arange(size))
        return seen[node]

    new_reached = np.empty((len(tuples), size), dtype=np.intp)
    replies = np.zeros((len(tuples), size), dtype=np.intp)
    for u, candidates in enumerate(tuples.tolist()):
        reply = replies[u]
        best = value(candidates[0]).copy()
        for j in range(1, options):
            if candidates[j] in candidates[:j]:
                continue  # the same payoffs as an earlier option: never strictly better
            candidate = value(candidates[j])
            better = candidate > best  # strict: ties keep the first option, as argmax
            reply[better] = j
            np.copyto(best, candidate, where=better)
        node = np.take(np.asarray(candidates, dtype=np.intp), reply)
        new_reached[u] = (
            node if reached is None else np.take(reached, node * size + np.arange(size))
        )
    rest = tuple(a for a in state.axes if a != actor)
    state.map = inverse.reshape(moved.shape[:-1])
    state.axes = list(rest)
    state.reached = new_reached
    if keep_replies:
        state.replies.append((actor, replies, state.map, rest))


def format_games(
    scenario: Scenario,
    format: str | None,
    values: Mapping[str, FloatArray],
    full: FloatArray | None,
) -> FormatGames:
    """:meth:`Scenario.format_games` (documented there)."""
    cells = cell_payoffs(scenario, values) if full is None else _cells_from_full(scenario, full)
    return reduce(scenario, scenario.format(format), cells)


def path(
    scenario: Scenario,
    format: str | None,
    profile: tuple[int, ...],
    values: Mapping[str, FloatArray],
) -> tuple[int, ...]:
    """Every actor's option on the path of one profile of a format's game (one grid point)."""
    chosen = scenario.format(format)
    done = reduce(scenario, chosen, cell_payoffs(scenario, values), keep_replies=True)
    options = dict(zip(chosen.choosers, profile, strict=True))
    for actor, option in chosen.others:
        if option != BEST_REPLY:
            options[actor] = scenario.option_index(actor, option)
    replies = {actor: (reply, to, axes) for actor, reply, to, axes in done.replies}
    for actor, option in chosen.others:  # in the listed order: earlier repliers first
        if option == BEST_REPLY:
            reply, to, axes = replies[actor]
            options[actor] = int(reply[to[tuple(options[a] for a in axes)], 0])
    return tuple(options[a] for a in scenario.actor_ids)
