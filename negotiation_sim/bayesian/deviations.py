"""Why a profile is not an equilibrium: each type's most profitable deviation from it.

A pure Bayes-Nash equilibrium is a profile where no type of any actor gains by playing another
option (MODEL.md §7). For a profile that is *not* one, :func:`profitable_deviations` says which
types would deviate, to what and by how much: the explanation of a deal that fails ("Kyiv's
rearming kind would break it: its strike is worth 0.205 more than the kept deal").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import GameError
from ..game import DEFAULT_TOL
from .game import BayesianGame

__all__ = ["Deviation", "profitable_deviations", "pure_strategies"]


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
