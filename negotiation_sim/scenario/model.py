"""The validated, immutable form of a scenario file, and the games it builds.

A :class:`Scenario` knows its actors and options, what each profile means
(its outcome), and each actor's payoff at each profile as an expression of
named parameters. :meth:`Scenario.game` builds one :class:`~negotiation_sim.Game`
at given parameter values; :meth:`Scenario.games` builds a whole parameter grid
as one batch, every expression evaluated once with numpy broadcasting.

A *format* says who chooses: the choosers play simultaneously; every other
actor plays a fixed option or replies with a best reply to what the choosers
did, in the listed order, each anticipating the replies of those after it
(backward induction, ties to the first option). The format's game has the
choosers as its actors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import Problem, ScenarioError
from ..game import FloatArray, Game
from .expressions import Expression

__all__ = [
    "BEST_REPLY",
    "Actor",
    "Format",
    "GameBatch",
    "Issue",
    "Option",
    "Outcome",
    "Parameter",
    "Scenario",
]

#: What a non-chooser does in a format when it is not given a fixed option.
BEST_REPLY = "best_reply"


@dataclass(frozen=True)
class Option:
    """One option of an actor."""

    id: str
    description: str


@dataclass(frozen=True)
class Actor:
    """An actor with its options, in file order."""

    id: str
    name: str
    options: tuple[Option, ...]

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)


@dataclass(frozen=True)
class Parameter:
    """A named number payoffs may depend on."""

    name: str
    default: float
    low: float
    high: float
    description: str


@dataclass(frozen=True)
class Issue:
    """An issue under negotiation and its possible terms (id -> description)."""

    id: str
    description: str
    values: Mapping[str, str]


@dataclass(frozen=True)
class Outcome:
    """What a profile means: a deal on some terms, or no deal."""

    id: str
    label: str
    terms: Mapping[str, str]
    is_deal: bool
    #: Default payoffs (actor id -> expression); rules may override them per profile.
    payoffs: Mapping[str, Expression] = field(default_factory=dict)


@dataclass(frozen=True)
class Format:
    """Who chooses, and what every other actor does (a fixed option or ``best_reply``)."""

    id: str
    description: str
    choosers: tuple[str, ...]
    others: tuple[tuple[str, str], ...]


@dataclass(frozen=True, eq=False)
class GameBatch:
    """Games of one format over a parameter grid.

    Attributes
    ----------
    payoffs : ndarray, shape (*grid, n, k_1, ..., k_n)
        One game per grid point; leading axes follow ``axes``.
    axes : tuple of (name, values)
        The grid axes, in order.
    actors, options
        Labels of the format's game (the choosers).
    """

    payoffs: FloatArray
    axes: tuple[tuple[str, FloatArray], ...]
    actors: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]

    @property
    def grid_shape(self) -> tuple[int, ...]:
        return tuple(len(values) for _, values in self.axes)

    def game(self, index: Sequence[int]) -> Game:
        """The game at one grid point."""
        return Game(self.payoffs[tuple(index)], self.actors, self.options)


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario: use :func:`negotiation_sim.load_scenario` to make one."""

    source: str
    title: str
    date: str
    description: str
    sources: tuple[str, ...]
    no_deal: str
    default_format: str | None
    parameters: Mapping[str, Parameter]
    actors: tuple[Actor, ...]
    issues: Mapping[str, Issue]
    outcomes: Mapping[str, Outcome]
    formats: Mapping[str, Format]
    #: Outcome index (into ``outcome_ids``) of every profile, shape (k_1, ..., k_n).
    profile_outcomes: NDArray[np.intp]
    #: Per actor: the distinct payoff expressions, and which one each profile uses.
    expressions: tuple[tuple[Expression, ...], ...]
    expression_index: tuple[NDArray[np.intp], ...]
    #: Where each expression came from, for error messages.
    expression_locations: tuple[tuple[str, ...], ...] = field(default=())
    #: The parameter rho of the relative-gains transform u'_i = u_i - rho * mean_{j != i} u_j.
    relative_gains: str | None = None
    #: Named sub-expressions of the parameters ([definitions]), in dependency order; payoffs
    #: using them have them inlined, and frontier coefficients may use them by name.
    definitions: Mapping[str, Expression] = field(default_factory=dict)

    # -- labels -----------------------------------------------------------------------------
    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(actor.id for actor in self.actors)

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        return tuple(self.outcomes)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(actor.options) for actor in self.actors)

    def defaults(self) -> dict[str, float]:
        """Every parameter at its default value."""
        return {name: p.default for name, p in self.parameters.items()}

    def format(self, name: str | None = None) -> Format:
        """A format by name; ``None`` gives the default (all actors choose, if none is set)."""
        if name is None:
            name = self.default_format
        if name is None:
            return Format("all", "all actors choose", self.actor_ids, ())
        if name not in self.formats:
            raise ScenarioError(
                self.source,
                [Problem("format", f"unknown format {name!r}{_suggest(name, self.formats)}")],
            )
        return self.formats[name]

    # -- parameters -------------------------------------------------------------------------
    def values(self, params: Mapping[str, ArrayLike] | None = None) -> dict[str, FloatArray]:
        """Defaults overridden by ``params``, each checked against its range."""
        problems = []
        values: dict[str, FloatArray] = {
            n: np.asarray(p.default) for n, p in self.parameters.items()
        }
        for name, given in (params or {}).items():
            if name not in self.parameters:
                problems.append(
                    Problem(
                        f"parameters.{name}", f"unknown parameter{_suggest(name, self.parameters)}"
                    )
                )
                continue
            try:
                array = np.asarray(given, dtype=np.float64)
            except (TypeError, ValueError):
                problems.append(Problem(f"parameters.{name}", f"expected a number, got {given!r}"))
                continue
            spec = self.parameters[name]
            if not np.all(np.isfinite(array)):
                problems.append(Problem(f"parameters.{name}", "expected finite values"))
            elif array.size and (array.min() < spec.low or array.max() > spec.high):
                bad = array[(array < spec.low) | (array > spec.high)].ravel()[0]
                problems.append(
                    Problem(
                        f"parameters.{name}",
                        f"value {bad:g} is outside its range [{spec.low:g}, {spec.high:g}]",
                    )
                )
            values[name] = array
        if problems:
            raise ScenarioError(self.source, problems)
        return values

    def no_deal_payoffs(self, params: Mapping[str, float] | None = None) -> dict[str, float] | None:
        """Payoffs of the no-deal outcome (its default payoffs), the disagreement point.

        ``None`` when the outcome has no default payoff for some actor.
        """
        outcome = self.outcomes[self.no_deal]
        if any(actor not in outcome.payoffs for actor in self.actor_ids):
            return None
        values = self.values(params)
        raw = np.array(
            [float(np.asarray(outcome.payoffs[a].evaluate(values))) for a in self.actor_ids]
        )
        if self.relative_gains is not None and len(raw) > 1:
            rho = float(np.asarray(values[self.relative_gains]))
            raw = raw - rho * (raw.sum() - raw) / (len(raw) - 1)
        return dict(zip(self.actor_ids, map(float, raw), strict=True))

    # -- games ------------------------------------------------------------------------------
    def full_payoffs(self, values: Mapping[str, FloatArray]) -> FloatArray:
        """Payoff tensor of all actors, shape (*broadcast shape of values, n, k_1..k_n)."""
        shape = np.broadcast_shapes(*(np.shape(v) for v in values.values()))
        n = len(self.actors)
        profile_shape = self.shape
        # Built grid-last, (n, k_1..k_n, *grid): each gather copies whole contiguous grid rows
        # (grid-first, the gather would pick single values: measured 5x slower on 90,000 points).
        out = np.empty((n, *profile_shape, *shape))
        for i, (expressions, index) in enumerate(
            zip(self.expressions, self.expression_index, strict=True)
        ):
            # Each expression is evaluated once, on its own (unbroadcast) shape, and written
            # into the whole contiguous grid row of every profile that uses it: no (E_i, *grid)
            # stack and no gather.
            evaluated = [np.asarray(e.evaluate(values)) for e in expressions]
            for k, value in enumerate(evaluated):
                bad = ~np.isfinite(value)
                if bad.any() and np.broadcast_to(bad, shape).any():
                    self._not_finite(i, k, np.broadcast_to(bad, shape), values, shape)
            rows = out[i].reshape(int(np.prod(profile_shape)), *shape)
            for profile, k in enumerate(index.ravel().tolist()):
                rows[profile] = evaluated[k]
        grid_last = out
        # The grid axes move to the front as a view: no copy.
        payoffs = np.moveaxis(
            grid_last, list(range(n + 1, grid_last.ndim)), list(range(len(shape)))
        )
        if (
            self.relative_gains is not None
            and len(self.actors) > 1
            and np.any(values[self.relative_gains] != 0)  # rho = 0: nothing to do
        ):
            # Relative gains (Grieco 1988; Powell 1991): each actor also weighs its rivals' mean.
            rho = np.broadcast_to(values[self.relative_gains], shape)
            rho = rho.reshape(shape + (1,) * (payoffs.ndim - len(shape)))
            total = payoffs.sum(axis=len(shape), keepdims=True)
            others = (total - payoffs) / (len(self.actors) - 1)
            payoffs = payoffs - rho * others
        return payoffs

    def _not_finite(
        self,
        actor: int,
        expression: int,
        bad: NDArray[np.bool_],
        values: Mapping[str, FloatArray],
        shape: tuple[int, ...],
    ) -> None:
        """Raise the error for the first grid point where an expression is not finite."""
        where = tuple(int(w) for w in np.argwhere(bad)[0])
        at = {name: float(np.broadcast_to(v, shape)[where]) for name, v in values.items()}
        location = self.expression_locations[actor][expression] if self.expression_locations else ""
        point = ", ".join(
            f"{k}={v:g}"
            for k, v in at.items()
            if k in self.expressions[actor][expression].parameters
        )
        raise ScenarioError(
            self.source,
            [Problem(location, f"payoff is not finite at {point or 'the given values'}")],
        )

    def game(self, params: Mapping[str, float] | None = None, format: str | None = None) -> Game:
        """The game of ``format`` at the given parameter values (defaults elsewhere)."""
        values = self.values(params)
        for name, value in values.items():
            if np.ndim(value) != 0:
                raise ScenarioError(
                    self.source,
                    [Problem(f"parameters.{name}", "expected one number; use games() for a grid")],
                )
        chosen = self.format(format)
        payoffs, _ = self._reduce(self.full_payoffs(values), chosen)
        return Game(payoffs, chosen.choosers, self._chooser_options(chosen))

    def games(
        self,
        grid: Mapping[str, ArrayLike],
        format: str | None = None,
        params: Mapping[str, float] | None = None,
    ) -> GameBatch:
        """Games over the outer product of ``grid``'s value lists, in one batch.

        Parameters
        ----------
        grid : mapping of name to 1-d values
            The axes of the grid, in order.
        format : str, optional
        params : mapping, optional
            Fixed values of other parameters.
        """
        axes = []
        for name, given in grid.items():
            try:
                array = np.atleast_1d(np.asarray(given, dtype=np.float64))
            except (TypeError, ValueError):
                raise ScenarioError(
                    self.source, [Problem(f"grid.{name}", "expected a list of numbers")]
                ) from None
            if array.ndim != 1:
                raise ScenarioError(
                    self.source, [Problem(f"grid.{name}", "expected a list of values")]
                )
            axes.append((name, array))
        overlap = set(grid) & set(params or {})
        if overlap:
            raise ScenarioError(
                self.source,
                [Problem("grid", f"parameter(s) {sorted(overlap)} both on the grid and fixed")],
            )
        shaped = {}
        for axis, (name, array) in enumerate(axes):
            shape = [1] * len(axes)
            shape[axis] = len(array)
            shaped[name] = array.reshape(shape)
        values = self.values({**(params or {}), **shaped})
        chosen = self.format(format)
        full = self.full_payoffs(values)
        grid_shape = tuple(len(a) for _, a in axes)
        full = np.broadcast_to(
            full, (*grid_shape, *full.shape[len(full.shape) - len(self.shape) - 1 :])
        )
        payoffs, _ = self._reduce(np.ascontiguousarray(full), chosen)
        return GameBatch(payoffs, tuple(axes), chosen.choosers, self._chooser_options(chosen))

    def profile_of(
        self,
        format: str | None,
        profile: Sequence[int],
        params: Mapping[str, float] | None = None,
    ) -> tuple[int, ...]:
        """The full profile (every actor's option) a profile of a format's game leads to."""
        chosen = self.format(format)
        _, replies = self._reduce(self.full_payoffs(self.values(params)), chosen)
        path = self._paths(chosen, (), replies)
        at = tuple(int(o) for o in profile)
        return tuple(
            int(path[a][at]) if isinstance(path[a], np.ndarray) else int(path[a])
            for a in self.actor_ids
        )

    def outcome_of(
        self,
        format: str | None,
        profile: Sequence[int],
        params: Mapping[str, float] | None = None,
    ) -> str:
        """The outcome id a profile of a format's game leads to."""
        full = self.profile_of(format, profile, params)
        return self.outcome_ids[int(self.profile_outcomes[full])]

    # -- formats ----------------------------------------------------------------------------
    def _chooser_options(self, chosen: Format) -> tuple[tuple[str, ...], ...]:
        by_id = {actor.id: actor for actor in self.actors}
        return tuple(by_id[a].option_ids for a in chosen.choosers)

    def _reduce(
        self, full: FloatArray, chosen: Format
    ) -> tuple[FloatArray, list[tuple[str, NDArray[np.intp], tuple[str, ...]]]]:
        """Reduce a full payoff tensor to the format's game.

        Returns the choosers' game payoffs, shape (*lead, c, k_c...), and each
        replier's reply: an array over the profile axes that were left when it
        was resolved, with the actor ids of those axes.
        """
        tensor, axes, replies, lead = self._reduce_grid_last(full, chosen)
        rows = [self.actor_ids.index(a) for a in chosen.choosers]
        return self._grid_first(tensor, rows, axes, chosen, lead), replies

    def _reduce_grid_last(
        self, full: FloatArray, chosen: Format
    ) -> tuple[FloatArray, list[str], list[tuple[str, NDArray[np.intp], tuple[str, ...]]], int]:
        """Every actor's payoff at the full profile each choosers' profile leads to.

        Returns the tensor grid-last, (n, k_remaining.., *lead), the actor id of each
        remaining profile axis (the choosers, in actor order), the replies (as
        :meth:`_reduce`) and the number of lead axes.
        """
        n = len(self.actors)
        lead = full.ndim - n - 1
        ids = list(self.actor_ids)
        axes = list(ids)  # actor id of each remaining profile axis
        # Work grid-last, (n, k.., *grid): every operation then runs over contiguous rows of
        # grid points (full_payoffs builds exactly this layout, so this is a view).
        tensor = np.moveaxis(full, list(range(lead)), list(range(full.ndim - lead, full.ndim)))
        # Fixed options first: index them out (a view, no copy).
        for actor, option in chosen.others:
            if option == BEST_REPLY:
                continue
            axis = axes.index(actor)
            at: list[Any] = [slice(None)] * tensor.ndim
            at[1 + axis] = self._option_index(actor, option)
            tensor = tensor[tuple(at)]
            axes.pop(axis)
        # Replies by backward induction: the last to reply is resolved first.
        replies: list[tuple[str, NDArray[np.intp], tuple[str, ...]]] = []
        repliers = [a for a, o in chosen.others if o == BEST_REPLY]
        for actor in reversed(repliers):
            axis = axes.index(actor)
            tensor, reply = _best_reply(tensor, ids.index(actor), 1 + axis)
            axes.pop(axis)
            grid_first = np.moveaxis(
                reply, list(range(reply.ndim - lead, reply.ndim)), list(range(lead))
            )
            replies.append((actor, grid_first, tuple(axes)))
        return tensor, axes, replies, lead

    @staticmethod
    def _grid_first(
        tensor: FloatArray, rows: Sequence[int], axes: list[str], chosen: Format, lead: int
    ) -> FloatArray:
        """Rows ``rows`` of a grid-last reduced tensor, contiguous grid-first with the
        profile axes in the format's chooser order: shape (*lead, len(rows), k_c...)."""
        order = [axes.index(a) for a in chosen.choosers]
        grid = tensor.shape[tensor.ndim - lead :]
        chooser_shape = tuple(tensor.shape[1 + o] for o in order)
        out = np.empty((*grid, len(rows), *chooser_shape))
        source = list(range(tensor.ndim - 1 - lead, tensor.ndim - 1)) + order
        for j, row in enumerate(rows):
            # One transposing copy per row, straight into the result (no intermediate take).
            out[(slice(None),) * lead + (j,)] = np.transpose(tensor[row], source)
        return out

    def _paths(
        self,
        chosen: Format,
        lead_shape: tuple[int, ...],
        replies: list[tuple[str, NDArray[np.intp], tuple[str, ...]]],
    ) -> dict[str, Any]:
        """Every actor's option along the path of each profile of the format's game.

        Values are arrays of shape (*lead_shape, k_c1, ..., k_cm), choosers in the
        format's order (or plain ints for fixed options), so the whole grid is
        resolved at once.
        """
        chooser_shape = tuple(len(self._actor(a).options) for a in chosen.choosers)
        grids = np.indices(lead_shape + chooser_shape, sparse=True)
        lead_grids = list(grids[: len(lead_shape)])
        path: dict[str, Any] = {
            a: np.broadcast_to(grids[len(lead_shape) + k], lead_shape + chooser_shape)
            for k, a in enumerate(chosen.choosers)
        }
        for actor, option in chosen.others:
            if option != BEST_REPLY:
                path[actor] = self._option_index(actor, option)
        raw = {actor: (reply, axes) for actor, reply, axes in replies}
        for actor, option in chosen.others:  # in the listed order: earlier repliers first
            if option == BEST_REPLY:
                reply, axes = raw[actor]
                index = (*lead_grids, *[path[a] for a in axes])
                path[actor] = np.broadcast_to(reply[index], lead_shape + chooser_shape)
        return path

    def resolve(
        self, format: str | None, values: Mapping[str, FloatArray]
    ) -> tuple[FloatArray, NDArray[np.intp], FloatArray]:
        """The format's game over a grid of values, with what each of its profiles leads to.

        Returns
        -------
        payoffs : ndarray, shape (*grid, c, k_c...)
            The format's game (choosers only).
        outcomes : ndarray of int, shape (*grid, k_c...)
            Index into ``outcome_ids`` of the full profile each profile leads to.
        everyone : ndarray, shape (*grid, n, k_c...)
            Every actor's payoff at that full profile.
        """
        chosen = self.format(format)
        full = self.full_payoffs(values)
        lead_shape = full.shape[: full.ndim - len(self.actors) - 1]
        tensor, axes, replies, lead = self._reduce_grid_last(full, chosen)
        rows = [self.actor_ids.index(a) for a in chosen.choosers]
        payoffs = self._grid_first(tensor, rows, axes, chosen, lead)
        chooser_shape = payoffs.shape[len(lead_shape) + 1 :]
        # Without repliers the path does not depend on the grid: look outcomes up once.
        path = self._paths(chosen, lead_shape if replies else (), replies)
        profile = [path[a] for a in self.actor_ids]
        outcomes = np.broadcast_to(
            self.profile_outcomes[tuple(profile)], lead_shape + tuple(chooser_shape)
        )
        # Everyone's payoff at the full profile reached: the reduced tensor, every row of it.
        everyone = (
            payoffs.copy()
            if rows == list(range(len(self.actors))) and axes == list(chosen.choosers)
            else self._grid_first(tensor, range(len(self.actors)), axes, chosen, lead)
        )
        return payoffs, np.ascontiguousarray(outcomes), everyone

    def resolve_grid_last(
        self, format: str | None, values: Mapping[str, FloatArray]
    ) -> tuple[FloatArray, NDArray[np.intp], FloatArray]:
        """:meth:`resolve` laid out for batched solving: the grid flattened to one *last* axis.

        Returns
        -------
        payoffs : ndarray, shape (c, k_c..., B)
            The format's game, ``B`` the number of grid points.
        outcomes : ndarray of int, shape (k_c..., B) or (k_c..., 1)
            The outcome each profile leads to (the last axis has length 1 when it is the
            same at every grid point, as in a format without repliers).
        everyone : ndarray, shape (n, k_c..., B)
            Every actor's payoff at the full profile reached.

        These are views of the reduced payoff tensor where possible: no transposing copy.
        """
        chosen = self.format(format)
        full = self.full_payoffs(values)
        n = len(self.actors)
        lead_shape = full.shape[: full.ndim - n - 1]
        size = int(np.prod(lead_shape))
        tensor, axes, replies, _ = self._reduce_grid_last(full, chosen)
        order = [axes.index(a) for a in chosen.choosers]
        tensor = np.transpose(
            tensor, [0, *(1 + o for o in order), *range(1 + len(axes), tensor.ndim)]
        )
        chooser_shape = tensor.shape[1 : 1 + len(axes)]
        everyone = tensor.reshape(n, *chooser_shape, size)
        rows = [self.actor_ids.index(a) for a in chosen.choosers]
        payoffs = everyone if rows == list(range(n)) else everyone[rows]
        path = self._paths(chosen, lead_shape if replies else (), replies)
        profile = [path[a] for a in self.actor_ids]
        found = np.asarray(self.profile_outcomes[tuple(profile)])
        if replies:
            outcomes = np.moveaxis(found.reshape(size, *chooser_shape), 0, -1)
        else:
            outcomes = found.reshape(*chooser_shape, 1)
        return payoffs, outcomes, everyone

    def _actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def _option_index(self, actor_id: str, option: str) -> int:
        return self._actor(actor_id).option_ids.index(option)


def _best_reply(tensor: FloatArray, actor: int, axis: int) -> tuple[FloatArray, NDArray[np.intp]]:
    """Resolve one replier: its best option on ``axis`` (ties: the first), and the tensor there.

    Same as ``np.argmax`` then ``np.take_along_axis``, done as a few elementwise passes over
    contiguous grid rows instead of a generic gather.
    """
    k = tensor.shape[axis]

    def option(j: int, array: FloatArray, at: int) -> FloatArray:
        index: list[Any] = [slice(None)] * array.ndim
        index[at] = j
        view: FloatArray = array[tuple(index)]
        return view

    own = tensor[actor]
    best_value = option(0, own, axis - 1)
    reply = np.zeros(best_value.shape, dtype=np.intp)
    picked = np.array(option(0, tensor, axis))
    for j in range(1, k):
        candidate = option(j, own, axis - 1)
        better = candidate > best_value  # strict: ties keep the first option, as argmax
        reply[better] = j
        best_value = np.where(better, candidate, best_value)
        np.copyto(picked, option(j, tensor, axis), where=better)
    return picked, reply


def _suggest(name: str, known: Mapping[str, Any] | Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenMapping(Mapping[_K, _V]):
    """A read-only mapping that pickles (``types.MappingProxyType`` does not).

    Scenarios travel to worker processes pickled, so every mapping they hold is one of these.

    >>> import pickle
    >>> frozen = FrozenMapping({"a": 1})
    >>> pickle.loads(pickle.dumps(frozen)) == {"a": 1}, frozen["a"]
    (True, 1)
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[_K, _V]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: _K) -> _V:
        return self._items[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._items!r})"

    def __reduce__(self) -> tuple[type[FrozenMapping[_K, _V]], tuple[dict[_K, _V]]]:
        return FrozenMapping, (self._items,)


def frozen_mapping(items: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy (picklable)."""
    return FrozenMapping(items)
