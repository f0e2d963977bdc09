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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

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
        per_actor = []
        for i, (expressions, index) in enumerate(
            zip(self.expressions, self.expression_index, strict=True)
        ):
            evaluated = np.stack(
                [np.broadcast_to(e.evaluate(values), shape) for e in expressions], axis=-1
            )  # (*shape, E_i)
            bad = ~np.isfinite(evaluated)
            if bad.any():
                where = np.argwhere(bad)[0]
                at = {
                    name: float(np.broadcast_to(v, shape)[tuple(where[:-1])])
                    for name, v in values.items()
                }
                location = (
                    self.expression_locations[i][int(where[-1])]
                    if self.expression_locations
                    else ""
                )
                point = ", ".join(
                    f"{k}={v:g}"
                    for k, v in at.items()
                    if k in expressions[int(where[-1])].parameters
                )
                raise ScenarioError(
                    self.source,
                    [Problem(location, f"payoff is not finite at {point or 'the given values'}")],
                )
            per_actor.append(evaluated[..., index])  # (*shape, k_1..k_n)
        payoffs = np.stack(per_actor, axis=len(shape))
        if self.relative_gains is not None and len(self.actors) > 1:
            # Relative gains (Grieco 1988; Powell 1991): each actor also weighs its rivals' mean.
            rho = np.broadcast_to(values[self.relative_gains], shape)
            rho = rho.reshape(shape + (1,) * (payoffs.ndim - len(shape)))
            total = payoffs.sum(axis=len(shape), keepdims=True)
            others = (total - payoffs) / (len(self.actors) - 1)
            payoffs = payoffs - rho * others
        return payoffs

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
        full = [-1] * len(self.actors)
        ids = self.actor_ids
        for actor, option in zip(chosen.choosers, profile, strict=True):
            full[ids.index(actor)] = int(option)
        for actor, option_id in chosen.others:
            if option_id != BEST_REPLY:
                full[ids.index(actor)] = self._option_index(actor, option_id)
        for actor, reply in replies:
            full[ids.index(actor)] = int(reply[tuple(int(o) for o in profile)])
        return tuple(full)

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
    ) -> tuple[FloatArray, list[tuple[str, NDArray[np.intp]]]]:
        """Reduce a full payoff tensor to the format's game.

        Returns the choosers' game payoffs, shape (*lead, c, k_c...), and each
        replying actor's reply as an array over the choosers' profiles
        (single games only: with leading axes the replies are not kept).
        """
        n = len(self.actors)
        lead = full.ndim - n - 1
        ids = list(self.actor_ids)
        axes = list(ids)  # actor id of each remaining profile axis
        tensor = full
        # Fixed options first: index them out.
        for actor, option in chosen.others:
            if option == BEST_REPLY:
                continue
            axis = axes.index(actor)
            option_index = self._option_index(actor, option)
            tensor = np.take(tensor, option_index, axis=lead + 1 + axis)
            axes.pop(axis)
        # Replies by backward induction: the last to reply is resolved first.
        replies: list[tuple[str, NDArray[np.intp]]] = []
        repliers = [a for a, o in chosen.others if o == BEST_REPLY]
        for actor in reversed(repliers):
            axis = axes.index(actor)
            own = tensor[(Ellipsis, ids.index(actor)) + (slice(None),) * len(axes)]
            best = np.argmax(own, axis=lead + axis, keepdims=True)  # ties: first option
            picked = np.take_along_axis(tensor, np.expand_dims(best, lead), axis=lead + 1 + axis)
            tensor = np.squeeze(picked, axis=lead + 1 + axis)
            reply = np.squeeze(best, axis=lead + axis)
            axes.pop(axis)
            replies.append((actor, reply))
        # Earlier replies were computed over profiles that include later repliers' axes;
        # after the later ones are resolved, index them along the path (single games only).
        resolved = self._resolve_replies(replies, repliers, axes, lead)
        order = [axes.index(a) for a in chosen.choosers]
        rows = [ids.index(a) for a in chosen.choosers]
        tensor = np.take(tensor, rows, axis=lead)
        if order != sorted(order):
            tensor = np.moveaxis(
                tensor, [lead + 1 + o for o in order], list(range(lead + 1, lead + 1 + len(order)))
            )
        return np.ascontiguousarray(tensor), resolved

    def _resolve_replies(
        self,
        replies: list[tuple[str, NDArray[np.intp]]],
        repliers: list[str],
        chooser_axes: list[str],
        lead: int,
    ) -> list[tuple[str, NDArray[np.intp]]]:
        if lead or not replies:
            return []
        # replies[j] belongs to repliers[-1 - j]; its array is over (choosers..., repliers before it).
        resolved: dict[str, NDArray[np.intp]] = {}
        for position, actor in enumerate(repliers):
            reply = dict(replies)[actor]
            # Axes of this reply: chooser axes in their remaining order, then earlier repliers.
            earlier = repliers[:position]
            profiles = np.indices(tuple(len(self._actor(a).options) for a in chooser_axes))
            index = [profiles[k] for k in range(len(chooser_axes))]
            index += [resolved[a] for a in earlier]
            resolved[actor] = reply[tuple(index)] if index else reply
        return [(a, resolved[a]) for a in repliers]

    def _actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def _option_index(self, actor_id: str, option: str) -> int:
        return self._actor(actor_id).option_ids.index(option)


def _suggest(name: str, known: Mapping[str, Any] | Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def frozen_mapping(items: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy."""
    return MappingProxyType(dict(items))
