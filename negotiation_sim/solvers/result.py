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

from ..game import FloatArray, Game, MixedProfile

__all__ = ["Equilibrium", "Reduction", "SolverResult", "verified_equilibria"]


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
    """

    strategies: MixedProfile
    payoffs: FloatArray
    regret: float

    @property
    def is_pure(self) -> bool:
        """Whether every actor plays one option with probability 1 (up to 1e-9)."""
        return all(float(s.max()) >= 1 - 1e-9 for s in self.strategies)

    @property
    def profile(self) -> tuple[int, ...] | None:
        """The pure profile if the equilibrium is pure, else ``None``."""
        if not self.is_pure:
            return None
        return tuple(int(np.argmax(s)) for s in self.strategies)

    @property
    def supports(self) -> tuple[tuple[int, ...], ...]:
        """Options played with positive probability (above 1e-9), per actor."""
        return tuple(tuple(int(j) for j in np.flatnonzero(s > 1e-9)) for s in self.strategies)

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
        regret = game.max_regret(profile)
        if regret > tol:
            rejected += 1
            worst = max(worst, regret)
            continue
        payoffs = game.expected_payoffs(profile)
        payoffs.setflags(write=False)
        equilibrium = Equilibrium(profile, payoffs, max(regret, 0.0))
        if not any(equilibrium.close_to(other, same) for other in kept):
            kept.append(equilibrium)
    warnings: tuple[str, ...] = ()
    if rejected:
        warnings = (
            f"{rejected} candidate(s) failed verification (largest regret {worst:.3g} > tol {tol:g})"
            " and were dropped",
        )
    return tuple(kept), warnings
