"""The validated, immutable form of a scenario file, and the games it builds.

A :class:`Scenario` knows its actors and options, what each profile means
(its outcome), and each actor's payoff at each profile as an expression of
named parameters. :meth:`Scenario.game` builds one :class:`~negotiation_sim.Game`
at given parameter values; :meth:`Scenario.resolve` builds a format's games over a
whole parameter grid in one batch (how: :mod:`negotiation_sim.scenario.build`).

A *format* says who chooses: the choosers play simultaneously; every other
actor plays a fixed option or replies with a best reply to what the choosers
did, in the listed order, each anticipating the replies of those after it
(backward induction, ties to the first option). The format's game has the
choosers as its actors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checking import Problems, suggest
from .._transforms import relative_gains_payoffs
from ..errors import Problem, ScenarioError, UnsupportedGameError
from ..game import FloatArray, Game
from . import build
from ._frozen import FrozenMapping, frozen_mapping
from .build import BEST_REPLY, Cells, FormatGames, grid_shape, relative_gains_weight
from .expressions import Expression
from .priors import Prior

if TYPE_CHECKING:
    from ..bayesian import BayesianGame
    from ..signalling import SignallingGame

__all__ = [
    "BEST_REPLY",
    "Actor",
    "Format",
    "FrozenMapping",
    "Issue",
    "Option",
    "Outcome",
    "Parameter",
    "Scenario",
    "frozen_mapping",
]


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
    """A named number payoffs may depend on, and how sure the file is of it (its prior)."""

    name: str
    default: float
    low: float
    high: float
    description: str
    prior: Prior | None = None


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
    """Who chooses, and what every other actor does (a fixed option or ``best_reply``).

    In a signalling format (``signalling``) the one chooser has types and the one replier
    infers its type from its choice by Bayes' rule (:mod:`.signalling_format`).
    """

    id: str
    description: str
    choosers: tuple[str, ...]
    others: tuple[tuple[str, str], ...]
    signalling: bool = False

    @property
    def repliers(self) -> tuple[str, ...]:
        """The actors that best-reply, in the order they reply."""
        return tuple(actor for actor, does in self.others if does == "best_reply")


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario: use :func:`negotiation_sim.load_scenario` to make one.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> arms = load_scenario("scenarios/arms_race.toml")
    >>> arms.actor_ids, arms.shape
    (('a', 'b'), (2, 2))
    >>> arms.game().payoff((1, 1)).tolist()  # both arm: each pays the cost, 0.5 by default
    [-0.5, -0.5]
    """

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
    #: Incomplete information (MODEL.md §7): each typed actor's types, in file order.
    types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Each typed actor's prior: type -> probability expression (independent across actors).
    type_prior: Mapping[str, Mapping[str, Expression]] = field(default_factory=dict)
    #: Or ``[type_prior]`` (correlated types): the typed actors' types -> probability expression.
    type_joint: Mapping[tuple[str, ...], Expression] = field(default_factory=dict)
    #: One untyped scenario per type profile, in C order over the typed actors' types.
    typed: tuple[Scenario, ...] = ()

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

    @cached_property
    def cells(self) -> Cells:
        """The profiles grouped by outcome and payoff expressions (see :mod:`.build`)."""
        return Cells.of(self.profile_outcomes, self.expression_index)

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
                [Problem("format", f"unknown format {name!r}{suggest(name, self.formats)}")],
            )
        return self.formats[name]

    def option_index(self, actor: str, option: str) -> int:
        """The index of ``actor``'s option ``option``."""
        return next(a for a in self.actors if a.id == actor).option_ids.index(option)

    # -- parameters -------------------------------------------------------------------------
    def values(self, params: Mapping[str, ArrayLike] | None = None) -> dict[str, FloatArray]:
        """Defaults overridden by ``params``, each checked against its range.

        Values may be arrays (a grid): every method taking ``values`` broadcasts them.
        """
        problems = Problems(self.source)
        values: dict[str, FloatArray] = {
            n: np.asarray(p.default) for n, p in self.parameters.items()
        }
        for name, given in (params or {}).items():
            where = f"parameters.{name}"
            if not problems.known(name, self.parameters, where, "parameter"):
                continue
            array = problems.float_array(given, where)
            if array is None:
                continue
            spec = self.parameters[name]
            if array.size:
                problems.in_range(array, spec.low, spec.high, where)
            values[name] = array
        problems.raise_if_any()
        return values

    # -- the disagreement point ---------------------------------------------------------------
    @property
    def no_deal_missing(self) -> tuple[str, ...]:
        """Actors the no-deal outcome gives no default payoff (then it has no point)."""
        payoffs = self.outcomes[self.no_deal].payoffs
        return tuple(a for a in self.actor_ids if a not in payoffs)

    def no_deal_point(self, values: Mapping[str, FloatArray]) -> FloatArray:
        """The disagreement point: the no-deal outcome's default payoffs, relative gains applied.

        Parameters
        ----------
        values : mapping
            Parameter values, from :meth:`values` (arrays broadcast: a grid).

        Returns
        -------
        ndarray, shape (n, *broadcast shape of values)
            Actors first, in ``actor_ids`` order.

        Raises
        ------
        ScenarioError
            When the no-deal outcome has no default payoff for some actor.

        Examples
        --------
        >>> from negotiation_sim import load_scenario
        >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
        >>> alaska.no_deal_point(alaska.values()).round(3).tolist()
        [-0.315, 0.32, 0.03, -0.425]
        >>> alaska.no_deal_point(alaska.values({"trust": [0.1, 0.9]})).shape
        (4, 2)
        """
        build.require_untyped(self, "the no-deal point")
        if self.no_deal_missing:
            raise ScenarioError(
                self.source,
                [
                    Problem(
                        f"outcomes.{self.no_deal}.payoffs",
                        f"no payoff for {', '.join(self.no_deal_missing)}: the disagreement "
                        "point (surplus, bargaining) needs one for every actor (of the outcome's "
                        "own: not set by [[profiles]] rules, nor using names options define)",
                    )
                ],
            )
        shape = grid_shape(values)
        payoffs = self.outcomes[self.no_deal].payoffs
        evaluated = [payoffs[a].evaluate(values) for a in self.actor_ids]
        for actor, value in zip(self.actor_ids, evaluated, strict=True):
            where = f"outcomes.{self.no_deal}.payoffs.{actor}"
            build.require_bounded(value, payoffs[actor], where, self.source, values)
        point = np.stack([np.broadcast_to(value, shape) for value in evaluated])
        rho = relative_gains_weight(self, values)
        if rho is not None:
            point = relative_gains_payoffs(point, np.broadcast_to(rho, shape))
        return point

    # -- games ------------------------------------------------------------------------------
    def full_payoffs(self, values: Mapping[str, FloatArray]) -> FloatArray:
        """Every actor's payoff at every profile, shape (*broadcast shape of values, n, k_1..k_n).

        Relative gains applied. Only for metrics that need every profile (the zero-sum
        share); a format's game comes from :meth:`resolve` without this table.
        """
        return build.full_payoffs(self, values)

    def game(self, params: Mapping[str, float] | None = None, format: str | None = None) -> Game:
        """The game of ``format`` at the given parameter values (defaults elsewhere)."""
        values = self.values(params)
        for name, value in values.items():
            if np.ndim(value) != 0:
                raise ScenarioError(
                    self.source,
                    [
                        Problem(
                            f"parameters.{name}", "expected one number; use resolve() for a grid"
                        )
                    ],
                )
        chosen = self.format(format)
        payoffs, _, _ = self.resolve(format, values)
        return Game(payoffs[..., 0], chosen.choosers, self._chooser_options(chosen))

    def bayesian_game(
        self, params: Mapping[str, float] | None = None, format: str | None = None
    ) -> BayesianGame:
        """The Bayesian game of a scenario with actor types at one parameter point (see
        :mod:`.typed`): u_i(s; theta) for every type profile and the prior over them; in a
        format, the choosers' game with the repliers' replies anticipated per type.

        Examples
        --------
        >>> from negotiation_sim import load_scenario
        >>> from negotiation_sim.bayesian import solve_bayesian
        >>> typed = load_scenario("scenarios/typed_assurance.toml")
        >>> game = typed.bayesian_game({"trust": 0.8, "verification": 0.1})
        >>> print(solve_bayesian(game, "pure").equilibria[0].describe(game))
        a, if trustworthy: cooperate; if opportunist: defect
        b, if trustworthy: cooperate; if opportunist: defect
        """
        from .typed_formats import bayesian_game

        if not self.types:
            raise UnsupportedGameError(
                f"{self.source}: no actor has types: use scenario.game(...) for its game"
            )
        return bayesian_game(self, params, format)

    def signalling_game(
        self, params: Mapping[str, float] | None = None, format: str | None = None
    ) -> SignallingGame:
        """The signalling game of a signalling format (``signalling = true``) at one parameter
        point: the sender's types and options, the receiver's options, payoffs in expectation
        over the other actors' types (:mod:`.signalling_format`).

        Examples
        --------
        >>> from negotiation_sim import load_scenario
        >>> from negotiation_sim.signalling import perfect_bayesian_equilibria
        >>> signal = load_scenario("scenarios/verification_signal.toml")
        >>> game = signal.signalling_game({"trust": 0.3})
        >>> print(perfect_bayesian_equilibria(game)[1].describe(game))
        separating: security_seeker -> accept, expansionist -> refuse; receiver: refuse -> hold, accept -> deal;
        passes the intuitive criterion
        """
        from .signalling_format import signalling_game

        return signalling_game(self, params, format)

    def resolve(
        self,
        format: str | None,
        values: Mapping[str, FloatArray],
        *,
        full: FloatArray | None = None,
    ) -> tuple[FloatArray, NDArray[np.intp], FloatArray]:
        """The format's game over a grid of values, with what each of its profiles leads to.

        Laid out for batched solving: the grid flattened to one *last* axis.

        Parameters
        ----------
        format : str or None
            A format name (``None``: the default format).
        values : mapping
            Parameter values, from :meth:`values`; arrays broadcast to a grid of ``B`` points.
        full : ndarray, optional
            :meth:`full_payoffs` at the same values, when the caller has it: the game is
            read off it instead of evaluating the payoffs again.

        Returns
        -------
        payoffs : ndarray, shape (c, k_c..., B)
            The format's game (choosers only, in the format's order).
        outcomes : ndarray of int, shape (k_c..., B) or (k_c..., 1)
            Index into ``outcome_ids`` of the full profile each profile leads to (the last
            axis has length 1 when it is the same at every grid point, as in a format
            without repliers).
        everyone : ndarray, shape (n, k_c..., B)
            Every actor's payoff at that full profile.

        Examples
        --------
        >>> from negotiation_sim import load_scenario
        >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
        >>> values = alaska.values({"trust": [0.2, 0.8], "verification": [0.0, 0.8]})
        >>> payoffs, outcomes, everyone = alaska.resolve("bilateral", values)
        >>> payoffs.shape, outcomes.shape, everyone.shape
        ((2, 3, 4, 2), (3, 4, 2), (4, 3, 4, 2))
        >>> [alaska.outcome_ids[o] for o in outcomes[2, 1]]  # broker_deal, demand_donetsk
        ['war', 'deal_donetsk']
        """
        return self.format_games(format, values, full=full).expand()

    def format_games(
        self,
        format: str | None,
        values: Mapping[str, FloatArray],
        *,
        full: FloatArray | None = None,
    ) -> FormatGames:
        """:meth:`resolve` before its layout per profile: what sweeps measure on.

        Every profile of the format's game points at a *node*; everyone's payoffs and the
        outcome are stored once per node, (n, V, B) and (V, B), not once per profile.
        :meth:`FormatGames.pure_equilibria` finds the pure equilibria on that form, and
        :meth:`FormatGames.expand` lays it out as :meth:`resolve` returns it.

        Examples
        --------
        >>> from negotiation_sim import load_scenario, pure_equilibria
        >>> alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
        >>> values = alaska.values({"trust": [0.2, 0.8], "verification": [0.0, 0.8]})
        >>> games = alaska.format_games("multilateral", values)
        >>> games.node.shape, games.payoffs.shape  # 144 profiles, 9 distinct payoff cells
        ((3, 4, 4, 3), (4, 9, 2))
        >>> payoffs, _, _ = games.expand()
        >>> mask = games.pure_equilibria()
        >>> bool((mask == pure_equilibria(payoffs, batch_axis="last")).all())
        True
        """
        return build.format_games(self, format, values, full)

    def profile_of(
        self,
        format: str | None,
        profile: Sequence[int],
        params: Mapping[str, float] | None = None,
    ) -> tuple[int, ...]:
        """The full profile (every actor's option) a profile of a format's game leads to."""
        at = tuple(int(o) for o in profile)
        return build.path(self, format, at, self.values(params))

    def outcome_of(
        self,
        format: str | None,
        profile: Sequence[int],
        params: Mapping[str, float] | None = None,
    ) -> str:
        """The outcome id a profile of a format's game leads to."""
        full = self.profile_of(format, profile, params)
        return self.outcome_ids[int(self.profile_outcomes[full])]

    def _chooser_options(self, chosen: Format) -> tuple[tuple[str, ...], ...]:
        by_id = {actor.id: actor for actor in self.actors}
        return tuple(by_id[a].option_ids for a in chosen.choosers)
