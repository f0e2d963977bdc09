"""The one result shape shared by every solver.

Every solver returns a :class:`SolverResult`. Each :class:`Equilibrium` in it
has been checked against the game by the independent regret test
(:meth:`negotiation_sim.Game.max_regret`) before it was returned: a candidate
whose regret exceeds ``tol`` is dropped with a warning, never returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..game import DEFAULT_TOL, FloatArray, Game, MixedProfile, frozen_array

__all__ = [
    "Equilibrium",
    "EquilibriumBatch",
    "Reduction",
    "SolverResult",
    "verified_equilibria",
    "verify_bimatrix_batch",
]


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
    """

    game: Game
    method: str
    equilibria: tuple[Equilibrium, ...]
    tol: float
    warnings: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    value: tuple[float, ...] | None = None
    reduction: Reduction | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))

    def __len__(self) -> int:
        return len(self.equilibria)


def verified_equilibria(
    game: Game,
    candidates: Iterable[MixedProfile],
    tol: float,
    *,
    dedupe_tol: float | None = None,
) -> tuple[tuple[Equilibrium, ...], tuple[str, ...]]:
    """Check candidates by the regret test, clean them, drop duplicates.

    Tiny negative probabilities from floating point are clipped and vectors
    renormalised before checking. Candidates failing the check are dropped and
    counted in the returned warnings.

    Returns
    -------
    equilibria, warnings
    """
    same = tol if dedupe_tol is None else dedupe_tol
    kept: list[Equilibrium] = []
    rejected = 0
    worst = 0.0
    for candidate in candidates:
        strategies = []
        valid = True
        for sigma in candidate:
            vector = np.asarray(sigma, dtype=np.float64).copy()
            if not np.all(np.isfinite(vector)) or vector.min() < -max(tol, 1e-9) * 10:
                valid = False
                break
            vector = np.clip(vector, 0.0, None)
            total = vector.sum()
            if total <= 0:
                valid = False
                break
            vector /= total
            vector[vector < 1e-15] = 0.0
            vector.setflags(write=False)
            strategies.append(vector)
        if not valid or len(strategies) != game.n_actors:
            rejected += 1
            continue
        profile = tuple(strategies)
        values = _option_values(game.payoffs, profile)
        expected = np.array([float(v @ sigma) for v, sigma in zip(values, profile, strict=True)])
        regret = max(float(v.max()) - e for v, e in zip(values, expected, strict=True))
        if regret > tol:
            rejected += 1
            worst = max(worst, regret)
            continue
        expected.setflags(write=False)
        equilibrium = Equilibrium(profile, expected, max(regret, 0.0), tol)
        if not any(equilibrium.close_to(other, same) for other in kept):
            kept.append(equilibrium)
    warnings = (dropped_warning(rejected, worst, tol),) if rejected else ()
    return tuple(kept), warnings


def dropped_warning(count: int, worst: float, tol: float) -> str:
    """The warning for candidates that failed verification."""
    return (
        f"{count} candidate(s) failed verification (largest regret {worst:.3g} > tol {tol:g})"
        " and were dropped"
    )


def _option_values(payoffs: FloatArray, strategies: MixedProfile) -> list[FloatArray]:
    """Payoff of each option of each actor against the others' strategies.

    The same quantity as :meth:`Game.option_payoffs`, without its input checks:
    candidates are cleaned above, and this runs once per candidate.
    """
    if len(strategies) == 2:
        x, y = strategies
        return [payoffs[0] @ y, x @ payoffs[1]]
    values = []
    for i in range(len(strategies)):
        tensor = payoffs[i]
        for j in reversed(range(len(strategies))):
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
        Which candidates pass (max regret <= tol), the cleaned strategies, the
        expected payoffs ``(E, 2)`` and the regrets ``(E,)`` of all candidates.
    """
    slack = -10 * max(tol, 1e-9)
    valid = (x.min(axis=1, initial=0.0) >= slack) & (y.min(axis=1, initial=0.0) >= slack)
    x = _clean(x)
    y = _clean(y)
    a = payoffs[game, 0]
    b = payoffs[game, 1]
    # Broadcast products: for these small matrices faster than einsum or matmul.
    row_values = (a * y[:, None, :]).sum(axis=2)
    column_values = (x[:, :, None] * b).sum(axis=1)
    expected = np.stack([(x * row_values).sum(axis=1), (y * column_values).sum(axis=1)], axis=1)
    regret = np.maximum(
        row_values.max(axis=1) - expected[:, 0], column_values.max(axis=1) - expected[:, 1]
    )
    valid &= np.isfinite(regret)
    return valid & (regret <= tol), x, y, expected, np.maximum(regret, 0.0)


def _clean(strategies: FloatArray) -> FloatArray:
    vectors = np.clip(strategies, 0.0, None)
    vectors /= vectors.sum(axis=1, keepdims=True)
    vectors[vectors < 1e-15] = 0.0
    return vectors
