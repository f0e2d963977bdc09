"""Shapley values of coalition games, and the simple games of "who must agree".

A *coalition game* (transferable utility) gives every coalition ``S`` of the
actors a value ``v(S)``. The Shapley value (Shapley 1953, *Contributions to
the Theory of Games* II) pays actor ``i`` its average marginal contribution
over all orders in which the actors may arrive:

    phi_i = sum_{S ⊆ N \\ {i}} |S|! (n - |S| - 1)! / n! · (v(S ∪ {i}) - v(S)).

It is the only rule that is efficient (``sum_i phi_i = v(N) - v(∅)``),
symmetric, gives null actors 0 and is additive. In a *simple game*
(``v(S)`` is 1 if ``S`` wins, else 0) it is the Shapley–Shubik power index
(Shapley & Shubik 1954, *APSR* 48): the share of arrival orders in which an
actor is pivotal. models.md §5 asks for it on the simple games of who must
agree to a deal: :func:`unanimity_game`, :func:`veto_game`,
:func:`weighted_majority`.

:func:`shapley_value` is exact: it evaluates ``v`` once on each of the
``2^n`` coalitions, so it is limited to :data:`MAX_ACTORS` actors unless
``max_actors`` is raised.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from ..errors import GameError

__all__ = [
    "MAX_ACTORS",
    "CoalitionValue",
    "shapley_value",
    "unanimity_game",
    "veto_game",
    "weighted_majority",
]

#: A coalition value function: ``value(frozenset_of_actor_names) -> float``.
CoalitionValue = Callable[[frozenset[str]], float]

#: Default largest number of actors of :func:`shapley_value` (``2^12 = 4096`` coalitions).
MAX_ACTORS = 12


def _names(actors: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(actors, str):
        raise GameError(f"{what}: expected a collection of actor names, got the string {actors!r}")
    names = tuple(actors)
    for name in names:
        if not isinstance(name, str) or not name:
            raise GameError(f"{what}: expected non-empty actor names, got {name!r}")
    if len(set(names)) != len(names):
        raise GameError(f"{what}: actor names must be distinct, got {names!r}")
    return names


def shapley_value(
    actors: Sequence[str], value: CoalitionValue, *, max_actors: int = MAX_ACTORS
) -> dict[str, float]:
    """Exact Shapley value of the coalition game ``value`` on ``actors``.

    Parameters
    ----------
    actors : sequence of str
        Distinct actor names, at most ``max_actors`` of them.
    value : callable
        ``value(coalition) -> float`` for every ``frozenset`` of actor names,
        the empty set included; called once per coalition.
    max_actors : int
        Refuse larger games (the cost is ``2^n`` calls of ``value`` and
        ``O(n 2^n)`` arithmetic).

    Returns
    -------
    dict of str to float
        Each actor's Shapley value, in the order of ``actors``. They sum to
        ``value(all) - value(empty)``.

    Raises
    ------
    GameError
        On repeated or empty names, too many actors, or a non-finite value.

    Examples
    --------
    The glove game (Maschler, Solan & Zamir 2013, *Game
    Theory*, on the Shapley value): one left glove, two right gloves, a pair is worth 1.
    The scarce left glove gets 2/3:

    >>> def gloves(s):
    ...     return float(min(len(s & {"L"}), len(s & {"R1", "R2"})))
    >>> {k: round(v, 6) for k, v in shapley_value(["L", "R1", "R2"], gloves).items()}
    {'L': 0.666667, 'R1': 0.166667, 'R2': 0.166667}
    """
    names = _names(actors, "actors")
    n = len(names)
    if n > max_actors:
        raise GameError(
            f"shapley_value: exact computation evaluates 2^n coalitions; got {n} actors, "
            f"more than max_actors={max_actors}"
        )
    if n == 0:
        return {}
    size = 1 << n
    values = np.empty(size)
    for mask in range(size):
        coalition = frozenset(names[i] for i in range(n) if mask >> i & 1)
        raw = value(coalition)
        try:
            v = float(raw)
        except (TypeError, ValueError) as exc:
            raise GameError(
                f"value: expected a number for coalition {sorted(coalition)}, got {raw!r}"
            ) from exc
        if not math.isfinite(v):
            raise GameError(f"value: expected a finite number for {sorted(coalition)}, got {v}")
        values[mask] = v
    masks = np.arange(size)
    sizes = np.zeros(size, dtype=np.int64)
    for i in range(n):
        sizes += (masks >> i) & 1
    # weight(|S|) = |S|! (n - |S| - 1)! / n!
    weight = np.array(
        [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
    )
    result: dict[str, float] = {}
    for i, name in enumerate(names):
        without = masks[(masks >> i & 1) == 0]
        marginal = values[without | (1 << i)] - values[without]
        result[name] = math.fsum(weight[sizes[without]] * marginal)
    return result


def unanimity_game(required: Iterable[str]) -> CoalitionValue:
    """Simple game won exactly by coalitions containing every ``required`` actor.

    Its Shapley value is ``1/|T|`` to each of the ``|T|`` required actors and 0
    to everyone else (Shapley 1953, the basis of his uniqueness proof).

    Examples
    --------
    The US and Russia must both agree (models.md §5):

    >>> v = unanimity_game({"US", "Russia"})
    >>> shapley_value(["US", "Russia", "Ukraine", "EU"], v)
    {'US': 0.5, 'Russia': 0.5, 'Ukraine': 0.0, 'EU': 0.0}
    """
    members = frozenset(_names(tuple(required), "required"))
    if not members:
        raise GameError("required: expected at least one required actor")

    def value(coalition: frozenset[str]) -> float:
        return 1.0 if members <= coalition else 0.0

    return value


def veto_game(
    vetoes: Iterable[str], others: Iterable[str] = (), *, at_least: int = 0
) -> CoalitionValue:
    """Simple game: every veto actor must agree, and at least ``at_least`` of ``others``.

    With ``at_least=0`` this is :func:`unanimity_game`. The UN Security
    Council is ``veto_game(P5, ten_elected, at_least=4)`` (nine votes with no
    permanent veto).

    Examples
    --------
    US and Russia must agree, plus Ukraine or the EU (models.md §5). Each of
    Ukraine and the EU is pivotal in 2 of the 24 arrival orders (after both
    the US and Russia, before the other), so gets 1/12; the US and Russia
    share the rest:

    >>> v = veto_game({"US", "Russia"}, {"Ukraine", "EU"}, at_least=1)
    >>> {k: round(x, 6) for k, x in shapley_value(["US", "Russia", "Ukraine", "EU"], v).items()}
    {'US': 0.416667, 'Russia': 0.416667, 'Ukraine': 0.083333, 'EU': 0.083333}
    """
    veto = frozenset(_names(tuple(vetoes), "vetoes"))
    rest = frozenset(_names(tuple(others), "others"))
    if veto & rest:
        raise GameError(f"veto_game: actors both vetoing and not: {sorted(veto & rest)}")
    if not veto and at_least == 0:
        raise GameError("veto_game: expected at least one veto actor or at_least >= 1")
    if not 0 <= at_least <= len(rest):
        raise GameError(f"at_least: expected an integer in [0, {len(rest)}], got {at_least!r}")

    def value(coalition: frozenset[str]) -> float:
        return 1.0 if veto <= coalition and len(coalition & rest) >= at_least else 0.0

    return value


def weighted_majority(weights: Mapping[str, float], quota: float) -> CoalitionValue:
    """Weighted voting game ``[quota; w_1, ..., w_n]``: won iff the coalition's weight ``>= quota``.

    Examples
    --------
    Three-actor majority (any two of three win): 1/3 each, by symmetry and
    efficiency (Shapley & Shubik 1954):

    >>> v = weighted_majority({"a": 1, "b": 1, "c": 1}, 2)
    >>> {k: round(x, 6) for k, x in shapley_value(["a", "b", "c"], v).items()}
    {'a': 0.333333, 'b': 0.333333, 'c': 0.333333}

    Weights do not measure power: in ``[51; 49, 49, 2]`` the small party is
    as pivotal as the large ones.

    >>> v = weighted_majority({"A": 49, "B": 49, "C": 2}, 51)
    >>> {k: round(x, 6) for k, x in shapley_value(["A", "B", "C"], v).items()}
    {'A': 0.333333, 'B': 0.333333, 'C': 0.333333}
    """
    names = _names(tuple(weights), "weights")
    table = {name: float(weights[name]) for name in names}
    if not all(math.isfinite(w) and w >= 0 for w in table.values()):
        raise GameError(f"weights: expected finite weights >= 0, got {table!r}")
    if not (math.isfinite(float(quota)) and float(quota) > 0):
        raise GameError(f"quota: expected a finite number > 0, got {quota!r}")

    def value(coalition: frozenset[str]) -> float:
        return 1.0 if math.fsum(table.get(a, 0.0) for a in coalition) >= quota else 0.0

    return value
