"""Bayes–Nash equilibria: solve the agent normal form, verify on interim regret.

:func:`solve_bayesian` builds the agent normal form (:mod:`.agent_form`), solves it with any
method of :func:`negotiation_sim.solve`, and then checks every equilibrium again on the
Bayesian game itself: each type of positive prior probability must have interim regret (its
best option's interim payoff minus its strategy's) within tolerance. The interim payoffs come
from :meth:`BayesianGame.interim_payoffs`, a computation separate from the agent form's.

A type of prior probability 0 has no beliefs, so every option is a best reply for it and the
agent normal form has one equilibrium per option it could take: they are one answer. Each is
listed once, the type given its first option (see :func:`solve_bayesian`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import GameError, UnsupportedGameError
from ..game import DEFAULT_TOL, FloatArray, Game, frozen_array
from ..solvers import solve
from ..solvers._checks import check_tol
from ..solvers.result import Equilibrium, dropped_warning, verify
from .agent_form import agent_normal_form
from .game import BayesianGame

__all__ = ["BayesianEquilibrium", "BayesianResult", "solve_bayesian"]


@dataclass(frozen=True, eq=False)
class BayesianEquilibrium:
    """One Bayes–Nash equilibrium: a (mixed) strategy per actor and type, with its payoffs.

    Attributes
    ----------
    strategies : tuple of ndarray
        Per actor, shape ``(T_i, k_i)``: the probability vector each type plays.
    interim : tuple of ndarray
        Per actor, shape ``(T_i,)``: each type's expected payoff given its type (0 for a type
        of prior probability 0).
    ex_ante : ndarray, shape (n,)
        Each actor's expected payoff before types are drawn.
    regret : float
        The largest interim regret over the types of positive probability.
    positive : tuple of tuple of bool
        Per actor and type, whether the type has positive prior probability.
    tol : float
        The tolerance it was verified with; probabilities within it of 1 count as pure.

    Examples
    --------
    >>> eq = BayesianEquilibrium(
    ...     (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.0, 1.0]])),
    ...     (np.zeros(2), np.zeros(1)), np.zeros(2), 0.0, ((True, True), (True,)))
    >>> eq.play(0, 1).tolist(), eq.separating(0), eq.pooling(0), eq.pooling(1)
    ([0.0, 1.0], True, False, True)
    """

    strategies: tuple[FloatArray, ...]
    interim: tuple[FloatArray, ...]
    ex_ante: FloatArray
    regret: float
    positive: tuple[tuple[bool, ...], ...]
    tol: float = DEFAULT_TOL

    def play(self, actor: int, type: int) -> FloatArray:
        """The probability vector type ``type`` of ``actor`` plays."""
        return np.array(self.strategies[actor][type], dtype=np.float64)

    def pure_option(self, actor: int, type: int) -> int | None:
        """The option type ``type`` of ``actor`` plays for sure (up to :attr:`tol`), or None."""
        vector = self.strategies[actor][type]
        return int(np.argmax(vector)) if float(vector.max()) >= 1 - self.tol else None

    def _played(self, actor: int) -> list[int | None]:
        return [
            self.pure_option(actor, t) for t, reached in enumerate(self.positive[actor]) if reached
        ]

    def pooling(self, actor: int) -> bool:
        """Whether every type of positive probability plays the same pure option.

        An actor with one such type pools (and separates) trivially.
        """
        played = self._played(actor)
        return None not in played and len(set(played)) <= 1

    def separating(self, actor: int) -> bool:
        """Whether the types of positive probability play distinct pure options."""
        played = self._played(actor)
        return None not in played and len(set(played)) == len(played)

    def distribution(self, game: BayesianGame) -> FloatArray:
        """The joint probability of each type profile and option profile under this equilibrium.

        ``p(theta) * prod_i sigma_i(s_i | theta_i)``, shape ``(T_1..T_n, k_1..k_n)``; summed
        over the type axes it is the probability of each option profile (of each outcome).

        Examples
        --------
        >>> game = BayesianGame(np.zeros((2, 2, 1, 2, 2)), [[0.25], [0.75]])
        >>> eq = BayesianEquilibrium(
        ...     (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.5, 0.5]])),
        ...     (np.zeros(2), np.zeros(1)), np.zeros(2), 0.0, ((True, True), (True,)))
        >>> eq.distribution(game).sum(axis=(0, 1)).tolist()  # option profiles
        [[0.125, 0.125], [0.375, 0.375]]
        """
        n = game.n_actors
        if tuple(s.shape for s in self.strategies) != tuple(
            zip(game.type_counts, game.shape, strict=True)
        ):
            raise GameError(
                "distribution: the equilibrium is not one of this game's (shapes differ)"
            )
        operands: list[Any] = [game.prior, list(range(n))]
        for i, sigma in enumerate(self.strategies):
            operands += [sigma, [i, n + i]]
        return np.asarray(np.einsum(*operands, list(range(2 * n))), dtype=np.float64)

    def describe(self, game: BayesianGame) -> str:
        """Type-contingent strategies in words, one line per actor.

        ``"russia, if revisionist: escalate; if security_seeker: front_line_truce"``; an
        untyped actor reads ``"usa: deal"``; a mixed strategy lists its options with their
        probabilities; a type of prior probability 0 is marked so.

        Examples
        --------
        >>> game = BayesianGame(np.zeros((2, 2, 1, 2, 2)), [[1.0], [0.0]], actors=("a", "b"),
        ...                     types=(("weak", "strong"), ("-",)), options=(("x", "y"),) * 2)
        >>> eq = BayesianEquilibrium(
        ...     (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.25, 0.75]])),
        ...     (np.zeros(2), np.zeros(1)), np.zeros(2), 0.0, ((True, False), (True,)))
        >>> print(eq.describe(game))
        a, if weak: x; if strong (probability 0): y
        b: 0.25 x + 0.75 y
        """
        lines = []
        for i, actor in enumerate(game.actors):
            plays = [
                self._words(game.options[i], self.strategies[i][t])
                for t in range(len(game.types[i]))
            ]
            if len(plays) == 1:
                lines.append(f"{actor}: {plays[0]}")
                continue
            parts = [
                f"if {kind}{'' if self.positive[i][t] else ' (probability 0)'}: {plays[t]}"
                for t, kind in enumerate(game.types[i])
            ]
            lines.append(f"{actor}, " + "; ".join(parts))
        return "\n".join(lines)

    def _words(self, options: Sequence[str], vector: FloatArray) -> str:
        if float(vector.max()) >= 1 - self.tol:
            return options[int(np.argmax(vector))]
        return " + ".join(
            f"{float(p):.3g} {name}"
            for name, p in zip(options, vector, strict=True)
            if p > self.tol
        )


@dataclass(frozen=True)
class BayesianResult:
    """What :func:`solve_bayesian` returns.

    Attributes
    ----------
    equilibria : tuple of BayesianEquilibrium
        Verified on interim regret.
    method : str
        The agent-form method used (``"auto"`` resolved).
    complete : bool
        Whether the method's search of the agent form was complete (all it finds listed, no
        budget hit) and no equilibrium failed the interim check.
    tol : float
    warnings : tuple of str
        The agent-form solver's warnings, and any equilibrium dropped by the interim check.
    """

    equilibria: tuple[BayesianEquilibrium, ...]
    method: str
    complete: bool
    tol: float = DEFAULT_TOL
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.equilibria)


def solve_bayesian(
    game: BayesianGame, method: str = "auto", *, tol: float = DEFAULT_TOL, **options: Any
) -> BayesianResult:
    """Bayes–Nash equilibria of ``game`` through its agent normal form.

    Parameters
    ----------
    game : BayesianGame
    method : str
        Any method of :func:`negotiation_sim.solve`, applied to the agent normal form
        (``"auto"``: :func:`~negotiation_sim.solvers.auto_method`'s choice for it). ``pure``
        lists all pure equilibria; the two-actor methods (``vertex_enumeration``,
        ``support_enumeration``, ``lemke_howson``) need an agent form of two agents (two
        untyped actors); ``logit`` works for any.
    tol : float
        Regret tolerance, of the agent-form solver and of the interim check.
    **options
        Passed to the agent-form solver (e.g. ``max_equilibria``).

    Returns
    -------
    BayesianResult
        Equilibria whose interim regret is within ``tol`` (scaled up for large payoffs, as
        :meth:`Game.tolerances`) for every type of positive probability, each listed once. A
        type of probability 0 may play anything: every equilibrium gives it its first option
        (a best reply: it has no beliefs, so all its options pay the same), and equilibria
        that differ only in what such types play are one, listed where the method first
        finds one of them (for ``pure``: in the order of the agent profiles).

    Examples
    --------
    Entry against an incumbent whose cost of fighting is private: a "high" cost incumbent
    (prior 0.7) would rather accommodate an entrant, a "low" cost one fight; both are
    indifferent if nobody enters. The entrant gains 1 if accommodated, loses 1 if fought.

    >>> u = np.zeros((2, 2, 1, 2, 2))
    >>> u[0, 0, 0] = [[0, 3], [1, 3]]    # high cost: (fight, accommodate) x (enter, out)
    >>> u[0, 1, 0] = [[2, 3], [1, 3]]    # low cost
    >>> u[1, :, 0] = [[-1, 0], [1, 0]]   # the entrant, whatever the type
    >>> game = BayesianGame(u, [[0.7], [0.3]], actors=("incumbent", "entrant"),
    ...                     types=(("high", "low"), ("-",)),
    ...                     options=(("fight", "accommodate"), ("enter", "out")))
    >>> result = solve_bayesian(game, "pure")
    >>> for eq in result.equilibria:
    ...     print(eq.describe(game), "| pools:", eq.pooling(0), "| ex ante:", eq.ex_ante.tolist())
    incumbent, if high: fight; if low: fight
    entrant: out | pools: True | ex ante: [3.0, 0.0]
    incumbent, if high: fight; if low: accommodate
    entrant: out | pools: False | ex ante: [3.0, 0.0]
    incumbent, if high: accommodate; if low: fight
    entrant: enter | pools: False | ex ante: [1.3, 0.4]

    If the cost is surely high, the low type's play is moot: each answer is listed once, the
    low type given its first option.

    >>> sure = BayesianGame(u, [[1.0], [0.0]], actors=game.actors, types=game.types,
    ...                     options=game.options)
    >>> for eq in solve_bayesian(sure, "pure").equilibria:
    ...     print(eq.describe(sure))
    incumbent, if high: fight; if low (probability 0): fight
    entrant: out
    incumbent, if high: accommodate; if low (probability 0): fight
    entrant: enter
    """
    if not isinstance(game, BayesianGame):
        raise GameError(f"game: expected a BayesianGame, got {type(game).__name__}")
    tol = check_tol(tol)
    anf = agent_normal_form(game)
    try:
        result = solve(anf, method, tol=tol, **options)
    except UnsupportedGameError as exc:
        raise UnsupportedGameError(
            f"the agent normal form has {anf.n_actors} agents ({', '.join(anf.actors)}): {exc}"
        ) from exc
    allowed = anf.tolerances(tol)
    marginals = [game.marginal(i) for i in range(game.n_actors)]
    positive = tuple(tuple(bool(p > 0) for p in m) for m in marginals)
    listed, pinning = _once(anf, result.equilibria, positive, tol)
    kept = []
    worst = 0.0
    for equilibrium in listed:
        found = _checked(game, equilibrium, marginals, positive, allowed, tol)
        if isinstance(found, float):
            worst = max(worst, found)
        else:
            kept.append(found)
    rejected = len(listed) - len(kept)
    warnings = result.warnings + pinning
    warnings += (dropped_warning(rejected, worst, tol),) if rejected else ()
    complete = result.complete and not rejected and not pinning
    return BayesianResult(tuple(kept), result.method, complete, tol, warnings)


def _once(
    anf: Game,
    equilibria: tuple[Equilibrium, ...],
    positive: tuple[tuple[bool, ...], ...],
    tol: float,
) -> tuple[tuple[Equilibrium, ...], tuple[str, ...]]:
    """The agent-form equilibria with every agent of probability 0 playing its first option,
    each once (the first of those within ``tol``), and the warnings of that second check.

    The check is the solvers' own (:func:`~negotiation_sim.solvers.result.verify`); nothing
    should fail it, since an agent of probability 0 gets 0 whatever is played.
    """
    unreached = [a for a, reached in enumerate(itertools.chain(*positive)) if not reached]
    if not unreached:
        return equilibria, ()
    pinned = []
    for equilibrium in equilibria:
        strategies = list(equilibrium.strategies)
        for a in unreached:
            strategies[a] = np.eye(len(strategies[a]))[0]
        pinned.append(tuple(strategies))
    found = verify(anf, pinned, tol)
    return found.equilibria, found.warnings


def _checked(
    game: BayesianGame,
    equilibrium: Equilibrium,
    marginals: list[FloatArray],
    positive: tuple[tuple[bool, ...], ...],
    allowed: FloatArray,
    tol: float,
) -> BayesianEquilibrium | float:
    """The Bayesian equilibrium of an agent-form one, or its interim regret if that is too big."""
    strategies = _per_actor(equilibrium.strategies, game.type_counts)
    values = game.interim_payoffs(strategies)
    interim = tuple(
        frozen_array((v * s).sum(axis=1)) for v, s in zip(values, strategies, strict=True)
    )
    regrets = np.concatenate([v.max(axis=1) - u for v, u in zip(values, interim, strict=True)])
    reached: NDArray[np.bool_] = np.concatenate([np.array(p, dtype=bool) for p in positive])
    worst = float(np.max(regrets[reached], initial=0.0))
    if np.any(regrets[reached] > allowed[reached]):
        return worst
    ex_ante = frozen_array([float(m @ u) for m, u in zip(marginals, interim, strict=True)])
    return BayesianEquilibrium(
        tuple(frozen_array(s) for s in strategies), interim, ex_ante, max(worst, 0.0), positive, tol
    )


def _per_actor(agents: Sequence[FloatArray], type_counts: Sequence[int]) -> list[FloatArray]:
    """Agent strategies (actor-major) stacked into one ``(T_i, k_i)`` array per actor."""
    result = []
    start = 0
    for count in type_counts:
        result.append(np.stack(agents[start : start + count]))
        start += count
    return result
