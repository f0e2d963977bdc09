"""Why a profile is not an equilibrium: each type's most profitable deviation from it.

A pure Bayes-Nash equilibrium is a profile where no type of any actor gains by playing another
option (MODEL.md §7). For a profile that is *not* one, :func:`profitable_deviations` says which
types would deviate, to what and by how much: the explanation of a deal that fails ("Kyiv's
rearming kind would break it: its strike is worth 0.205 more than the kept deal"), and
:func:`deviation_path` how it unravels: the largest deviation applied, then the next, until
the profile is an equilibrium.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import GameError
from ..game import DEFAULT_TOL
from .game import BayesianGame

__all__ = ["Deviation", "deviation_path", "profitable_deviations", "pure_strategies"]


@dataclass(frozen=True)
class Deviation:
    """One type's best deviation from a profile.

    Attributes
    ----------
    actor, type : str
        Who deviates.
    plays, best : str
        The option the profile gives that type, and its best reply.
    gain : float
        The interim payoff of ``best`` minus that of ``plays`` (> tol).
    """

    actor: str
    type: str
    plays: str
    best: str
    gain: float


def pure_strategies(game: BayesianGame, plays: Mapping[str, Mapping[str, str]]) -> list[np.ndarray]:
    """The strategy arrays of a pure profile given by labels: ``{actor: {type: option}}``.

    An untyped actor (one type) may be given as ``{actor: {"*": option}}``; every type of a
    typed actor plays the option given for ``"*"`` unless its own is given.

    >>> game = BayesianGame(np.zeros((2, 2, 1, 2, 2)), [[0.5], [0.5]],
    ...                     types=(("weak", "strong"), ("-",)), options=(("a", "b"), ("c", "d")))
    >>> [s.tolist() for s in pure_strategies(game, {"actor 0": {"*": "a", "strong": "b"},
    ...                                              "actor 1": {"*": "d"}})]
    [[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0]]]
    """
    strategies = []
    for i, actor in enumerate(game.actors):
        chosen = plays.get(actor)
        if chosen is None:
            raise GameError(f"no options given for {actor!r}")
        array = np.zeros((game.type_counts[i], game.shape[i]))
        for t, type_name in enumerate(game.types[i]):
            option = chosen.get(type_name, chosen.get("*"))
            if option not in game.options[i]:
                raise GameError(f"{actor!r} ({type_name}): unknown option {option!r}")
            array[t, game.options[i].index(option)] = 1.0
        strategies.append(array)
    return strategies


def profitable_deviations(
    game: BayesianGame, strategies: Sequence[np.ndarray], tol: float = DEFAULT_TOL
) -> tuple[Deviation, ...]:
    """Every type (of positive probability) that gains more than ``tol`` by deviating.

    Parameters
    ----------
    game : BayesianGame
    strategies : sequence of ndarray
        A pure profile, ``strategies[i]`` of shape ``(T_i, k_i)`` (see :func:`pure_strategies`).
    tol : float
        Gains at most ``tol`` do not count (the verification tolerance of equilibria).

    Returns
    -------
    tuple of Deviation
        Empty iff the profile is a pure Bayes-Nash equilibrium.

    Examples
    --------
    A prisoner's dilemma where the second actor may be "kind" (it then prefers to cooperate):
    mutual cooperation fails only on the first actor and on the second's selfish type.

    >>> u = np.zeros((2, 1, 2, 2, 2))
    >>> u[0, 0, :] = [[3, 0], [4, 1]]
    >>> u[1, 0, 0] = [[3, 4], [0, 1]]
    >>> u[1, 0, 1] = [[5, 4], [0, 1]]
    >>> game = BayesianGame(u, [[0.5, 0.5]], types=(("-",), ("selfish", "kind")),
    ...                     options=(("cooperate", "defect"), ("cooperate", "defect")))
    >>> both = pure_strategies(game, {"actor 0": {"*": "cooperate"}, "actor 1": {"*": "cooperate"}})
    >>> for d in profitable_deviations(game, both):
    ...     print(d.actor, d.type, d.plays, "->", d.best, round(d.gain, 3))
    actor 0 - cooperate -> defect 1.0
    actor 1 selfish cooperate -> defect 1.0
    """
    interim = game.interim_payoffs(strategies)
    found = []
    for i, actor in enumerate(game.actors):
        marginal = game.marginal(i)
        for t, type_name in enumerate(game.types[i]):
            if marginal[t] <= 0:
                continue
            plays = int(np.argmax(strategies[i][t]))
            best = int(np.argmax(interim[i][t]))
            gain = float(interim[i][t, best] - interim[i][t, plays])
            if gain > tol:
                options = game.options[i]
                found.append(Deviation(actor, type_name, options[plays], options[best], gain))
    return tuple(found)


def deviation_path(
    game: BayesianGame,
    strategies: Sequence[np.ndarray],
    *,
    max_steps: int = 50,
    tol: float = DEFAULT_TOL,
) -> tuple[tuple[Deviation, ...], list[np.ndarray], bool]:
    """Unravel a pure profile: apply the most profitable deviation, then the next, and so on.

    A best-response path (one type moves at a time, the one that gains most; ties: the first
    listed): how a deal that is not an equilibrium comes apart.

    Returns
    -------
    steps : tuple of Deviation
        The deviations applied, in order.
    strategies : list of ndarray
        The profile reached.
    settled : bool
        True if it is a pure Bayes-Nash equilibrium (no profitable deviation is left); False if
        ``max_steps`` ran out (best-response paths may cycle).

    Examples
    --------
    In the prisoner's dilemma of :func:`profitable_deviations`, mutual cooperation unravels:
    the first actor defects, then the selfish type, then the kind type (against a defector),
    and mutual defection is an equilibrium.

    >>> u = np.zeros((2, 1, 2, 2, 2))
    >>> u[0, 0, :] = [[3, 0], [4, 1]]
    >>> u[1, 0, 0] = [[3, 4], [0, 1]]
    >>> u[1, 0, 1] = [[5, 4], [0, 1]]
    >>> game = BayesianGame(u, [[0.5, 0.5]], types=(("-",), ("selfish", "kind")),
    ...                     options=(("cooperate", "defect"), ("cooperate", "defect")))
    >>> both = pure_strategies(game, {"actor 0": {"*": "cooperate"}, "actor 1": {"*": "cooperate"}})
    >>> steps, reached, settled = deviation_path(game, both)
    >>> [(d.actor, d.type, d.best) for d in steps], settled
    ([('actor 0', '-', 'defect'), ('actor 1', 'selfish', 'defect'), ('actor 1', 'kind', 'defect')], True)
    """
    current = [np.array(s, dtype=np.float64, copy=True) for s in strategies]
    steps: list[Deviation] = []
    for _ in range(max_steps):
        found = profitable_deviations(game, current, tol)
        if not found:
            return tuple(steps), current, True
        move = max(found, key=lambda d: d.gain)  # max keeps the first of equal gains
        i = game.actors.index(move.actor)
        t = game.types[i].index(move.type)
        current[i][t] = 0.0
        current[i][t, game.options[i].index(move.best)] = 1.0
        steps.append(move)
    return tuple(steps), current, not profitable_deviations(game, current, tol)
