"""The one result shape shared by every solver.

Every solver returns a :class:`SolverResult`. Each :class:`Equilibrium` in it
has been checked against the game by the independent regret test (the regret of
:meth:`negotiation_sim.Game.max_regret`) before it was returned: a candidate
whose regret exceeds ``tol`` is dropped with a warning, never returned.

Regrets are computed on each actor's payoffs divided by their power-of-two scale
(:mod:`negotiation_sim._scale`), so they cannot overflow, and an actor's tolerance is never below
its rounding resolution (:data:`negotiation_sim._scale.RESOLUTION` times its scale).

A result lists at most ``max_equilibria`` equilibria (:data:`MAX_EQUILIBRIA` by
default): a degenerate game can have millions. ``count`` says how many the method
found, and ``complete`` whether all of them are listed and the search ran to its end.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._scale import exponents, normalised, tolerances
from ..game import DEFAULT_TOL, FloatArray, Game, MixedProfile, frozen_array

__all__ = [
    "MAX_EQUILIBRIA",
    "Equilibrium",
    "EquilibriumBatch",
    "Reduction",
    "SolverResult",
    "Verified",
    "limit_warning",
    "verified_equilibria",
    "verify",
    "verify_bimatrix_batch",
]

#: Default ``max_equilibria`` of every solver: equilibria listed (and verified) at most.
MAX_EQUILIBRIA = 1_000


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One (possibly mixed) Nash equilibrium of a game.

    Attributes
    ----------
    strategies : tuple of ndarray
        One probability vector per actor (read-only).
    payoffs : ndarray, shape (n,)
        Expected payoff of every actor.
    regret : float
        Largest regret over actors, as measured when the equilibrium was verified.
    tol : float
        The tolerance it was verified with (the result's ``tol``): probabilities
        within ``tol`` of 0 or 1 count as 0 or 1 in :attr:`is_pure`,
        :attr:`profile` and :attr:`supports`.

    Examples
    --------
    >>> import numpy as np
    >>> eq = Equilibrium((np.array([1 - 1e-7, 1e-7]), np.array([0.0, 1.0])), np.zeros(2), 0.0, 1e-6)
    >>> eq.is_pure, eq.profile, eq.supports
    (True, (0, 1), ((0,), (1,)))
    >>> strict = Equilibrium(eq.strategies, eq.payoffs, 0.0, 1e-9)
    >>> strict.is_pure, strict.profile, strict.supports
    (False, None, ((0, 1), (1,)))
    """

    strategies: MixedProfile
    payoffs: FloatArray
    regret: float
    tol: float = DEFAULT_TOL

    @property
    def is_pure(self) -> bool:
        """Whether every actor plays one option with probability 1 (up to :attr:`tol`)."""
        return all(float(s.max()) >= 1 - self.tol for s in self.strategies)

    @property
    def profile(self) -> tuple[int, ...] | None:
        """The pure profile if the equilibrium is pure, else ``None``."""
        if not self.is_pure:
            return None
        return tuple(int(np.argmax(s)) for s in self.strategies)

    @property
    def supports(self) -> tuple[tuple[int, ...], ...]:
        """Options played with positive probability (above :attr:`tol`), per actor."""
        return tuple(tuple(int(j) for j in np.flatnonzero(s > self.tol)) for s in self.strategies)

    def close_to(self, other: Equilibrium, tol: float = 1e-6) -> bool:
        """Whether both equilibria have the same strategies within ``tol`` (max norm)."""
        return all(
            a.shape == b.shape and float(np.abs(a - b).max()) <= tol
            for a, b in zip(self.strategies, other.strategies, strict=True)
        )

    def __repr__(self) -> str:
        strategies = ", ".join(
            np.array2string(s, precision=4, suppress_small=True) for s in self.strategies
        )
        return (
            f"Equilibrium(strategies=({strategies}), payoffs={np.round(self.payoffs, 6).tolist()})"
        )


@dataclass(frozen=True, eq=False)
class Reduction:
    """Outcome of iterated elimination of strictly dominated options.

    Attributes
    ----------
    original : Game
        The game before elimination.
    game : Game
        The reduced game (surviving options only, labels kept).
    kept : tuple of tuple of int
        Indices, in the original game, of the surviving options of each actor.
    removed : tuple of (actor, option, dominator) triples
        In elimination order; ``dominator`` is a probability vector over the
        options the actor had at that round (a unit vector for pure dominance).
    """

    original: Game
    game: Game
    kept: tuple[tuple[int, ...], ...]
    removed: tuple[tuple[int, int, FloatArray], ...]

    def lift(self, strategies: MixedProfile) -> MixedProfile:
        """Embed a profile of the reduced game into the original game."""
        lifted = []
        for keep, sigma, k in zip(self.kept, strategies, self.original.shape, strict=True):
            full = np.zeros(k)
            full[list(keep)] = sigma
            lifted.append(full)
        return tuple(lifted)


@dataclass(frozen=True, eq=False)
class SolverResult:
    """What every solver returns.

    Attributes
    ----------
    game : Game
        The game that was solved.
    method : str
        The method name, as given to :func:`negotiation_sim.solve`.
    equilibria : tuple of Equilibrium
        Verified equilibria (max regret ``<= tol``), deduplicated.
    tol : float
        The tolerance used for verification and comparisons.
    warnings : tuple of str
        Anything the user should know: degeneracy, dropped candidates, a path
        that did not converge.
    parameters : mapping
        Method parameters actually used (read-only).
    value : tuple of float or None
        Value of the game to each actor (``minimax`` only).
    reduction : Reduction or None
        Removed options and the reduced game (``dominance`` only).
    count : int
        How many equilibria the method found (default and at least
        ``len(equilibria)``). More than are listed when ``max_equilibria`` cut the
        list: those beyond it were counted, not verified (see each method for what
        its count counts).
    exhaustive : bool
        Whether the search ran to its end. False when a work budget (such as
        ``max_support_pairs``) stopped it: then the game may have equilibria of the
        kind the method finds that are neither listed nor counted; a warning says so.

    Examples
    --------
    >>> from negotiation_sim import Game, solve
    >>> result = solve(Game(np.zeros((2, 3, 3))), "pure", max_equilibria=4)
    >>> len(result), result.count, result.complete
    (4, 9, False)
    """

    game: Game
    method: str
    equilibria: tuple[Equilibrium, ...]
    tol: float
    warnings: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    value: tuple[float, ...] | None = None
    reduction: Reduction | None = None
    count: int = -1
    exhaustive: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "count", max(int(self.count), len(self.equilibria)))

    def __len__(self) -> int:
        return len(self.equilibria)

    @property
    def complete(self) -> bool:
        """Whether every equilibrium the method finds is listed: searched to the end, none cut."""
        return self.exhaustive and self.count == len(self.equilibria)


class Verified(NamedTuple):
    """What :func:`verify` returns."""

    equilibria: tuple[Equilibrium, ...]
    warnings: tuple[str, ...]
    stopped: bool  # ``limit`` equilibria were kept with candidates left unexamined


def verify(
    game: Game,
    candidates: Iterable[MixedProfile],
    tol: float,
    *,
    dedupe_tol: float | None = None,
    limit: int | None = None,
) -> Verified:
    """Check candidates by the regret test, clean them, drop duplicates, stop at ``limit``.

    Tiny negative probabilities from floating point are clipped and vectors
    renormalised before checking. Candidates failing the check are dropped and
    counted in the returned warnings. A candidate within ``dedupe_tol`` (default
    ``tol``, max norm) of one kept earlier is a duplicate; it is looked for among
    the kept equilibria with a nearby projection only, so the cost grows as
    ``n log n``, not ``n**2``. Once ``limit`` equilibria are kept, no further
    candidate is consumed.

    Regrets are computed on payoffs divided by each actor's power-of-two scale
    (exact; no overflow) against ``max(tol, RESOLUTION * scale)`` (:mod:`negotiation_sim._scale`);
    ``Equilibrium.payoffs`` and ``regret`` are in payoff units.

    Examples
    --------
    >>> from negotiation_sim import Game
    >>> ties = Game(np.zeros((2, 2, 2)))
    >>> pure = [(np.eye(2)[i], np.eye(2)[j]) for i in range(2) for j in range(2)]
    >>> found = verify(ties, [*pure, pure[0]], 1e-9, limit=3)
    >>> len(found.equilibria), found.stopped
    (3, True)
    """
    same = tol if dedupe_tol is None else dedupe_tol
    e = exponents(game.payoffs, axis=tuple(range(1, game.payoffs.ndim)))
    scaled = normalised(game.payoffs, e)
    allowed = tolerances(tol, e)
    kept = _Distinct(same)
    rejected = 0
    worst = 0.0
    for candidate in candidates:
        if limit is not None and len(kept.kept) >= limit:
            return Verified(tuple(kept.kept), _dropped(rejected, worst, tol), True)
        profile = _cleaned(candidate, game.n_actors, tol)
        if profile is None:
            rejected += 1
            continue
        values = _option_values(scaled, profile)
        expected = np.array([float(v @ sigma) for v, sigma in zip(values, profile, strict=True)])
        regrets = np.array([float(v.max()) for v in values]) - expected
        with np.errstate(over="ignore"):
            in_units = np.ldexp(np.maximum(regrets, 0.0), e)
            payoffs = np.clip(np.ldexp(expected, e), -_LARGEST, _LARGEST)
        if not np.all(regrets <= allowed):
            rejected += 1
            worst = max(worst, float(in_units.max()))
            continue
        payoffs.setflags(write=False)
        kept.add(Equilibrium(profile, payoffs, float(in_units.max()), tol))
    return Verified(tuple(kept.kept), _dropped(rejected, worst, tol), False)


def verified_equilibria(
    game: Game,
    candidates: Iterable[MixedProfile],
    tol: float,
    *,
    dedupe_tol: float | None = None,
) -> tuple[tuple[Equilibrium, ...], tuple[str, ...]]:
    """:func:`verify` without a limit: the equilibria and the warnings."""
    found = verify(game, candidates, tol, dedupe_tol=dedupe_tol)
    return found.equilibria, found.warnings


_LARGEST = float(np.finfo(np.float64).max)


def _cleaned(candidate: MixedProfile, n_actors: int, tol: float) -> MixedProfile | None:
    """Probability vectors, read-only: clipped at zero, renormalised, dust set to 0; or None."""
    strategies = []
    for sigma in candidate:
        vector = np.asarray(sigma, dtype=np.float64).copy()
        if not np.all(np.isfinite(vector)) or vector.min() < -max(tol, 1e-9) * 10:
            return None
        vector = np.clip(vector, 0.0, None)
        total = vector.sum()
        if total <= 0:
            return None
        vector /= total
        vector[vector < 1e-15] = 0.0
        vector.setflags(write=False)
        strategies.append(vector)
    return tuple(strategies) if len(strategies) == n_actors else None


class _Distinct:
    """Equilibria kept so far, none within ``same`` (max norm) of another.

    Each is filed under a projection ``w . x`` of its strategies (fixed weights in
    [1, 2)); two profiles within ``same`` have projections within ``|w|_1 * same``,
    so a new one is compared only with those filed that close.
    """

    def __init__(self, same: float) -> None:
        self.same = same
        self.kept: list[Equilibrium] = []
        self._keys: list[float] = []
        self._index: list[int] = []
        self._weights = np.zeros(0)
        self._reach = 0.0

    def add(self, equilibrium: Equilibrium) -> bool:
        """Keep ``equilibrium`` unless it duplicates one kept; whether it was kept."""
        flat = np.concatenate(equilibrium.strategies)
        if len(self._weights) != len(flat):
            self._weights = _projection(len(flat))
            # The projection's own rounding (entries <= 1, weights < 2) is far below 1e-12.
            self._reach = float(self._weights.sum()) * (self.same + 1e-12)
        key = float(flat @ self._weights)
        lo = bisect.bisect_left(self._keys, key - self._reach)
        hi = bisect.bisect_right(self._keys, key + self._reach)
        if any(equilibrium.close_to(self.kept[self._index[j]], self.same) for j in range(lo, hi)):
            return False
        at = bisect.bisect_right(self._keys, key)
        self._keys.insert(at, key)
        self._index.insert(at, len(self.kept))
        self.kept.append(equilibrium)
        return True


@lru_cache(maxsize=32)
def _projection(length: int) -> FloatArray:
    """Fixed weights in [1, 2) for :class:`_Distinct` (read-only, cached per length)."""
    weights = np.random.default_rng(0).uniform(1.0, 2.0, length)
    weights.setflags(write=False)
    return weights


def _dropped(count: int, worst: float, tol: float) -> tuple[str, ...]:
    return (dropped_warning(count, worst, tol),) if count else ()


def dropped_warning(count: int, worst: float, tol: float) -> str:
    """The warning for candidates that failed verification."""
    return (
        f"{count} candidate(s) failed verification (largest regret {worst:.3g} > tol {tol:g})"
        " and were dropped"
    )


def limit_warning(count: int | str, limit: int, which: str) -> str:
    """The warning of a result that lists ``limit`` of ``count`` equilibria found.

    >>> limit_warning(65536, 1000, "in profile order")
    '65536 equilibria found, more than max_equilibria=1000: the first 1000 in profile order are listed; the others were counted, not verified'
    """
    return (
        f"{count} equilibria found, more than max_equilibria={limit}: the first {limit} "
        f"{which} are listed; the others were counted, not verified"
    )


def _option_values(payoffs: FloatArray, strategies: MixedProfile) -> list[FloatArray]:
    """Payoff of each option of each actor against the others' strategies.

    The same quantity as :meth:`Game.option_payoffs`, without its input checks:
    candidates are cleaned above, and this runs once per candidate. At a pure
    profile (each vector a unit vector once cleaned) it reads the payoffs along each
    actor's axis instead of contracting the tensor: the same numbers (a product with
    1 and a sum with zeros are exact), at a cost independent of the number of profiles.
    """
    n = len(strategies)
    if all(np.count_nonzero(s) == 1 for s in strategies):
        at: list[Any] = [int(np.argmax(s)) for s in strategies]
        return [payoffs[(i, *at[:i], slice(None), *at[i + 1 :])] for i in range(n)]
    if n == 2:
        x, y = strategies
        return [payoffs[0] @ y, x @ payoffs[1]]
    values = []
    for i in range(n):
        tensor = payoffs[i]
        for j in reversed(range(n)):
            if j != i:
                tensor = np.tensordot(tensor, strategies[j], axes=([j], [0]))
        values.append(tensor)
    return values


@dataclass(frozen=True, eq=False)
class EquilibriumBatch:
    """Verified equilibria of a batch of games of one shape, as flat arrays.

    What a batched solver returns for a parameter grid: no Python object per
    equilibrium, so a million games stay cheap. Equilibrium ``e`` belongs to
    game ``game[e]`` (a flat, C-order index into ``batch_shape``); games are in
    ascending order and, within a game, equilibria in the order the per-game
    solver returns them.

    Attributes
    ----------
    method : str
    tol : float
    batch_shape : tuple of int
        Leading axes of the payoff array that was solved.
    game : ndarray of int, shape (E,)
    strategies : tuple of ndarray
        One array of shape ``(E, k_i)`` per actor.
    payoffs : ndarray, shape (E, n)
    regret : ndarray, shape (E,)
    warnings : mapping of int to tuple of str
        Warnings of the games that have any, by flat game index.
    """

    method: str
    tol: float
    batch_shape: tuple[int, ...]
    game: NDArray[np.intp]
    strategies: tuple[FloatArray, ...]
    payoffs: FloatArray
    regret: FloatArray
    warnings: Mapping[int, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def n_games(self) -> int:
        """Number of games in the batch."""
        return int(np.prod(self.batch_shape))

    def counts(self) -> NDArray[np.intp]:
        """Number of equilibria of each game, shape ``batch_shape``."""
        return np.bincount(self.game, minlength=self.n_games).reshape(self.batch_shape)

    def _flat(self, index: int | tuple[int, ...]) -> int:
        if isinstance(index, tuple):
            return int(np.ravel_multi_index(index, self.batch_shape))
        return int(index)

    def equilibria(self, index: int | tuple[int, ...]) -> tuple[Equilibrium, ...]:
        """The equilibria of one game (flat index or index into ``batch_shape``)."""
        flat = self._flat(index)
        lo, hi = np.searchsorted(self.game, [flat, flat + 1])
        return tuple(
            Equilibrium(
                tuple(frozen_array(s[e]) for s in self.strategies),
                frozen_array(self.payoffs[e]),
                float(self.regret[e]),
                self.tol,
            )
            for e in range(int(lo), int(hi))
        )

    def result(self, game: Game, index: int | tuple[int, ...]) -> SolverResult:
        """The :class:`SolverResult` of one game, as its per-game solver would give it."""
        flat = self._flat(index)
        return SolverResult(
            game, self.method, self.equilibria(flat), self.tol, self.warnings.get(flat, ())
        )


def verify_bimatrix_batch(
    payoffs: FloatArray, game: NDArray[np.intp], x: FloatArray, y: FloatArray, tol: float
) -> tuple[NDArray[np.bool_], FloatArray, FloatArray, FloatArray, FloatArray]:
    """Clean and verify candidates of many two-actor games at once.

    The test of :func:`verify` (on payoffs divided by each actor's power-of-two
    scale, against the same tolerances), vectorised over the candidates.

    Parameters
    ----------
    payoffs : ndarray, shape (G, 2, m, n)
    game : ndarray of int, shape (E,)
        The game of each candidate.
    x, y : ndarray, shapes (E, m) and (E, n)
        Candidate strategies (non-negative up to rounding).

    Returns
    -------
    ok, x, y, payoffs, regret
        Which candidates pass, the cleaned strategies, the expected payoffs
        ``(E, 2)`` and the largest regrets ``(E,)`` of all candidates, in payoff units.
    """
    slack = -10 * max(tol, 1e-9)
    valid = (x.min(axis=1, initial=0.0) >= slack) & (y.min(axis=1, initial=0.0) >= slack)
    x = _clean(x)
    y = _clean(y)
    e = exponents(payoffs, axis=(2, 3))
    allowed = tolerances(tol, e)
    scaled = normalised(payoffs, e)
    m, n = payoffs.shape[2:]
    count = len(game)
    expected = np.empty((count, 2))
    regrets = np.empty((count, 2))
    step = max(1, _BATCH_ENTRIES // max(1, m * n))  # bounds the (E, m, n) products' memory
    for lo in range(0, count, step):
        part = slice(lo, lo + step)
        a = scaled[game[part], 0]
        b = scaled[game[part], 1]
        # Broadcast products: for these small matrices faster than einsum or matmul.
        row_values = (a * y[part, None, :]).sum(axis=2)
        column_values = (x[part, :, None] * b).sum(axis=1)
        expected[part, 0] = (x[part] * row_values).sum(axis=1)
        expected[part, 1] = (y[part] * column_values).sum(axis=1)
        regrets[part, 0] = row_values.max(axis=1, initial=-np.inf) - expected[part, 0]
        regrets[part, 1] = column_values.max(axis=1, initial=-np.inf) - expected[part, 1]
    valid &= np.isfinite(regrets).all(axis=1) & (regrets <= allowed[game]).all(axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        in_units = np.ldexp(np.maximum(regrets, 0.0), e[game]).max(axis=1, initial=0.0)
        expected = np.clip(np.ldexp(expected, e[game]), -_LARGEST, _LARGEST)
    return valid, x, y, expected, in_units


#: Entries of the (candidates, m, n) products computed at once.
_BATCH_ENTRIES = 4_000_000


def _clean(strategies: FloatArray) -> FloatArray:
    vectors = np.clip(strategies, 0.0, None)
    vectors /= vectors.sum(axis=1, keepdims=True)
    vectors[vectors < 1e-15] = 0.0
    return vectors
