"""Normal-form games with any number of actors.

A game with ``n`` actors, actor ``i`` having ``k_i`` options, is a payoff
tensor ``u`` of shape ``(n, k_1, ..., k_n)``: ``u[i, s_1, ..., s_n]`` is what
actor ``i`` gets at the profile ``s``. A *mixed profile* gives each actor a
probability vector over its options; a pure profile is a tuple of option
indices. Expected payoffs are multilinear in the mixed profile.

The regret of actor ``i`` at a mixed profile ``sigma`` is
``max_j u_i(j, sigma_-i) - u_i(sigma)``: what ``i`` could gain by its best
option. ``sigma`` is a Nash equilibrium iff every regret is ``<= tol``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checking import shorten
from ._scale import RESOLUTION, exponents
from .errors import GameError

__all__ = ["DEFAULT_TOL", "Game", "MixedProfile", "Profile"]

#: Default tolerance wherever payoffs or probabilities are compared.
DEFAULT_TOL = 1e-9

FloatArray: TypeAlias = NDArray[np.float64]
#: A pure profile (one option index per actor) or a mixed profile (one
#: probability vector per actor).
Profile: TypeAlias = Sequence[Any]
MixedProfile: TypeAlias = tuple[FloatArray, ...]


def frozen_array(array: ArrayLike) -> FloatArray:
    """A read-only float64 copy: results and games never share writable arrays."""
    copy = np.array(array, dtype=np.float64)
    copy.setflags(write=False)
    return copy


def float_array(value: ArrayLike, name: str, expected: str, *, copy: bool = False) -> FloatArray:
    """``value`` as a float64 array (a new one with ``copy``), or a :class:`GameError`.

    The one coercion of a numeric argument: the error names the argument and
    what it should have been.

    >>> float_array([1, 2], "points", "numbers").tolist()
    [1.0, 2.0]
    >>> float_array("war", "disagreement", "2 numbers")
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: disagreement: expected 2 numbers, got 'war'
    """
    try:
        return (np.array if copy else np.asarray)(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise GameError(f"{name}: expected {expected}, got {shorten(repr(value))}") from exc


def at_index(index: tuple[int, ...]) -> str:
    """Where an entry is, for a message: ``" at index (1, 2)"``, ``""`` for a scalar."""
    return f" at index {index}" if index else ""


def require_finite(
    array: FloatArray, name: str, where: Callable[[tuple[int, ...]], str] = at_index
) -> None:
    """Raise a :class:`GameError` at the first non-finite entry of ``array``.

    ``where`` says where an index is (default :func:`at_index`).

    >>> require_finite(np.array([[1.0, np.inf]]), "payoffs")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: payoffs: values must be finite, got inf at index (0, 1) ...
    """
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise GameError(
            f"{name}: values must be finite, got {array[index]}{where(index)} "
            f"({int(bad.sum())} non-finite value(s) in all)"
        )


@dataclass(frozen=True, eq=False, init=False)
class Game:
    """An immutable normal-form game.

    Parameters
    ----------
    payoffs : array_like, shape (n, k_1, ..., k_n)
        ``payoffs[i][s]`` is actor ``i``'s payoff at profile ``s``. Needs
        ``n >= 2`` actors, each with at least one option, and finite values.
    actors : sequence of str, optional
        Actor names; default ``("actor 0", "actor 1", ...)``.
    options : sequence of sequences of str, optional
        Option names per actor; default ``("0", "1", ...)`` for each.

    Examples
    --------
    The prisoner's dilemma:

    >>> pd = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...                         actors=("row", "column"))
    >>> pd.shape
    (2, 2)
    >>> pd.payoff((1, 1)).tolist()
    [1.0, 1.0]
    >>> pd.is_nash((1, 1)), pd.is_nash((0, 0))
    (True, False)
    >>> pd.best_responses([[0.5, 0.5], [1.0, 0.0]], actor=0)
    (1,)
    """

    payoffs: FloatArray
    actors: tuple[str, ...]
    options: tuple[tuple[str, ...], ...]

    def __init__(
        self,
        payoffs: ArrayLike,
        actors: Sequence[str] | None = None,
        options: Sequence[Sequence[str]] | None = None,
    ) -> None:
        tensor = float_array(
            payoffs, "payoffs", "a numeric array of shape (n, k_1, ..., k_n)", copy=True
        )
        if tensor.ndim < 3:
            raise GameError(
                "payoffs: expected shape (n, k_1, ..., k_n) with n >= 2 actors, "
                f"got shape {tensor.shape}"
            )
        n = tensor.shape[0]
        if tensor.ndim != n + 1:
            raise GameError(
                f"payoffs: {n} actors need a tensor with {n + 1} axes (n, k_1, ..., k_{n}), "
                f"got shape {tensor.shape}"
            )
        if min(tensor.shape[1:]) < 1:
            raise GameError(
                f"payoffs: every actor needs at least one option, got shape {tensor.shape}"
            )
        require_finite(tensor, "payoffs", lambda at: f" at actor {at[0]}, profile {at[1:]}")
        actor_names = _labels(actors, n, "actors", lambda i: f"actor {i}")
        if options is None:
            option_names = tuple(tuple(str(j) for j in range(k)) for k in tensor.shape[1:])
        else:
            if isinstance(options, str) or len(options) != n:
                raise GameError(
                    f"options: expected one list of option names per actor ({n}), got {options!r}"
                )
            option_names = tuple(
                _labels(opts, k, f"options[{actor_names[i]!r}]", str)
                for i, (opts, k) in enumerate(zip(options, tensor.shape[1:], strict=True))
            )
        tensor.setflags(write=False)
        object.__setattr__(self, "payoffs", tensor)
        object.__setattr__(self, "actors", actor_names)
        object.__setattr__(self, "options", option_names)

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_bimatrix(
        cls,
        row: ArrayLike,
        column: ArrayLike,
        *,
        actors: Sequence[str] | None = None,
        options: Sequence[Sequence[str]] | None = None,
    ) -> Game:
        """Two-actor game from the row actor's and the column actor's matrices.

        >>> Game.from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]).payoffs.shape
        (2, 2, 2)
        """
        a = np.asarray(row, dtype=np.float64)
        b = np.asarray(column, dtype=np.float64)
        if a.ndim != 2 or a.shape != b.shape:
            raise GameError(
                "from_bimatrix: expected two matrices of the same shape (k_1, k_2), "
                f"got {a.shape} and {b.shape}"
            )
        return cls(np.stack([a, b]), actors=actors, options=options)

    @classmethod
    def zero_sum(cls, row: ArrayLike, **labels: Any) -> Game:
        """Two-actor zero-sum game whose row actor gets ``row`` and column actor ``-row``.

        >>> Game.zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]]).payoffs[1, 0, 1]
        np.float64(1.0)
        """
        a = np.asarray(row, dtype=np.float64)
        return cls.from_bimatrix(a, -a, **labels)

    # -- shape ------------------------------------------------------------------------
    @property
    def n_actors(self) -> int:
        """Number of actors ``n``."""
        return int(self.payoffs.shape[0])

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of options of each actor, ``(k_1, ..., k_n)``."""
        return tuple(int(k) for k in self.payoffs.shape[1:])

    @property
    def n_profiles(self) -> int:
        """Number of pure profiles, ``prod_i k_i``."""
        return int(np.prod(self.shape))

    def __repr__(self) -> str:
        return f"Game(actors={self.actors}, shape={self.shape})"

    # -- profiles ---------------------------------------------------------------------
    def mixed(self, profile: Profile) -> MixedProfile:
        """Normalise a pure or mixed profile to a tuple of probability vectors.

        Validates lengths and that each vector is a probability vector (up to
        ``1e-6``); pure entries (option indices) become unit vectors.

        >>> [s.tolist() for s in Game(np.zeros((2, 2, 3))).mixed((1, [0.5, 0.5, 0]))]
        [[0.0, 1.0], [0.5, 0.5, 0.0]]
        """
        if isinstance(profile, np.ndarray) and profile.ndim == 1 and profile.dtype.kind in "iu":
            profile = tuple(int(v) for v in profile)
        if len(profile) != self.n_actors:
            raise GameError(
                f"profile: expected one entry per actor ({self.n_actors}), got {len(profile)}"
            )
        result = []
        for i, (entry, k) in enumerate(zip(profile, self.shape, strict=True)):
            if isinstance(entry, (int, np.integer)):
                if not 0 <= int(entry) < k:
                    raise GameError(f"profile[{i}]: option index must be in [0, {k}), got {entry}")
                vector = np.zeros(k)
                vector[int(entry)] = 1.0
            else:
                vector = float_array(entry, f"profile[{i}]", f"{k} probabilities")
                if vector.shape != (k,):
                    raise GameError(
                        f"profile[{i}]: expected {k} probabilities, got shape {vector.shape}"
                    )
                if (
                    not np.all(np.isfinite(vector))
                    or vector.min() < -1e-6
                    or abs(vector.sum() - 1) > 1e-6
                ):
                    raise GameError(
                        f"profile[{i}]: expected a probability vector, got {vector.tolist()}"
                    )
            result.append(vector)
        return tuple(result)

    # -- cheap queries ----------------------------------------------------------------
    def payoff(self, profile: Sequence[int]) -> FloatArray:
        """Payoff vector ``(u_1, ..., u_n)`` at a pure profile."""
        index = tuple(int(s) for s in profile)
        if len(index) != self.n_actors:
            raise GameError(
                f"profile: expected one option per actor ({self.n_actors}), got {len(index)}"
            )
        try:
            flat = int(np.ravel_multi_index(index, self.shape))
        except ValueError as exc:
            raise GameError(
                f"profile: option index out of range for options {self.shape}, got {index}"
            ) from exc
        return np.array(self.payoffs.reshape(self.n_actors, -1)[:, flat], dtype=np.float64)

    def expected_payoffs(self, profile: Profile) -> FloatArray:
        """Expected payoff of every actor at a (pure or mixed) profile, shape ``(n,)``."""
        result: FloatArray = self.payoffs
        for sigma in reversed(self.mixed(profile)):
            result = result @ sigma
        return np.asarray(result, dtype=np.float64)

    def option_payoffs(self, profile: Profile, actor: int) -> FloatArray:
        """Payoff of each of ``actor``'s options against the others' part of ``profile``.

        Returns shape ``(k_actor,)``.
        """
        strategies = self.mixed(profile)
        i = self._actor_index(actor)
        tensor: FloatArray = self.payoffs[i]
        # Contract the other actors' axes from the last one down, so lower axes keep their place.
        for j in reversed(range(self.n_actors)):
            if j != i:
                tensor = np.tensordot(tensor, strategies[j], axes=([j], [0]))
        return np.asarray(tensor, dtype=np.float64)

    def best_responses(
        self, profile: Profile, actor: int, tol: float = DEFAULT_TOL
    ) -> tuple[int, ...]:
        """Options of ``actor`` within its tolerance (:meth:`tolerances`) of its best payoff."""
        values = self.option_payoffs(profile, actor)
        allowed = float(self.tolerances(tol)[self._actor_index(actor)])
        return tuple(int(j) for j in np.flatnonzero(values >= values.max() - allowed))

    def regret(self, profile: Profile) -> FloatArray:
        """Regret of every actor at ``profile``: best option payoff minus expected payoff."""
        strategies = self.mixed(profile)
        out = np.empty(self.n_actors)
        for i in range(self.n_actors):
            values = self.option_payoffs(strategies, i)
            out[i] = values.max() - float(values @ strategies[i])
        return out

    def max_regret(self, profile: Profile) -> float:
        """Largest regret over actors (0 at a pure or exact equilibrium)."""
        return float(self.regret(profile).max())

    def is_nash(self, profile: Profile, tol: float = DEFAULT_TOL) -> bool:
        """Whether ``profile`` is a Nash equilibrium: every regret within the actor's tolerance.

        The test every solver's results pass (:meth:`tolerances`: ``tol``, or more for
        payoffs so large that rounding alone exceeds it).
        """
        return bool(np.all(self.regret(profile) <= self.tolerances(tol)))

    def tolerances(self, tol: float = DEFAULT_TOL) -> FloatArray:
        """Each actor's regret tolerance: ``max(tol, 2**-40 * s_i)``, in payoff units.

        ``s_i`` is the actor's payoff scale, the largest power of two not above its
        largest absolute payoff. Rounding puts an error of about ``2**-52 * s_i`` into a
        computed payoff, so a smaller tolerance would reject exact equilibria of games
        with large payoffs; below about 1,100 (at the default ``tol``) it is ``tol``.

        >>> Game(np.stack([np.full((2, 2), 3.0), np.full((2, 2), 2.0**60)])).tolerances().tolist()
        [1e-09, 1048576.0]
        """
        e = exponents(self.payoffs, axis=tuple(range(1, self.payoffs.ndim)))
        return np.asarray(np.maximum(tol, np.ldexp(RESOLUTION, e)), dtype=np.float64)

    # -- transforms -------------------------------------------------------------------
    def with_payoffs(self, payoffs: ArrayLike) -> Game:
        """Same actors and options, new payoff tensor of the same shape."""
        game = Game(payoffs, self.actors, self.options)
        if game.payoffs.shape != self.payoffs.shape:
            raise GameError(
                f"payoffs: expected shape {self.payoffs.shape}, got {game.payoffs.shape}"
            )
        return game

    def restrict(self, kept: Sequence[Sequence[int]]) -> Game:
        """Subgame keeping, for each actor, the listed options (in that order)."""
        if len(kept) != self.n_actors or any(len(k) == 0 for k in kept):
            raise GameError("restrict: expected a non-empty list of options for every actor")
        tensor = self.payoffs[np.ix_(range(self.n_actors), *[list(k) for k in kept])]
        options = tuple(tuple(self.options[i][j] for j in k) for i, k in enumerate(kept))
        return Game(tensor, self.actors, options)

    def _actor_index(self, actor: int) -> int:
        if not isinstance(actor, (int, np.integer)) or not 0 <= int(actor) < self.n_actors:
            raise GameError(f"actor: expected an index in [0, {self.n_actors}), got {actor!r}")
        return int(actor)


def _labels(given: Sequence[str] | None, count: int, what: str, default: Any) -> tuple[str, ...]:
    if given is None:
        return tuple(default(i) for i in range(count))
    if isinstance(given, str) or len(given) != count:
        raise GameError(f"{what}: expected {count} names, got {given!r}")
    names = tuple(given)
    if not all(isinstance(name, str) and name for name in names):
        raise GameError(f"{what}: names must be non-empty strings, got {names!r}")
    if len(set(names)) != len(names):
        duplicates = sorted({name for name in names if names.count(name) > 1})
        raise GameError(f"{what}: names must be unique, got duplicate(s) {duplicates}")
    return names
