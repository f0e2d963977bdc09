"""A game laid out for the logit path: option payoffs and their derivatives, fast.

Payoffs are first shifted and divided, per game, by the largest payoff range of
any actor (``lam`` is reported in game units), and actors with a single option
are held fixed (:func:`prepare`). The Jacobian's entries for every pair of
actors (the payoff tensor contracted with all but two actors' strategies) come
from one masked product and one ``bincount`` over the profiles: a few numpy
calls whatever the number of actors (:class:`Layout`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np
from numpy.typing import NDArray

from ..._scale import RESOLUTION, exponents, normalised
from ...errors import GameError
from ...game import FloatArray, Game, MixedProfile

IntArray = NDArray[np.intp]


class _Indices:
    """Index arrays that depend only on the numbers of options (cached per shape).

    Options of all actors are numbered globally, actor 0's first. For each ordered
    pair of distinct actors ``(i, l)`` the block ``D_il`` (``k_i x k_l``) is stored
    flat; ``pair_target`` sends every profile to its entry in each block.
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        n = len(shape)
        sizes = np.array(shape, dtype=np.intp)
        profiles = math.prod(shape)
        self.offsets: IntArray = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        self.size = int(sizes.sum())
        self.actor_of: IntArray = np.repeat(np.arange(n), sizes)
        options = np.indices(shape).reshape(n, profiles)
        self.glob: IntArray = options + self.offsets[:, None]
        self.glob_flat: IntArray = self.glob.ravel()
        self.one_mask = np.eye(n, dtype=bool)[:, :, None]
        # Ratio rows: option j >= 1 of an actor, compared with its option 0 (the base).
        first = np.zeros(self.size, dtype=bool)
        first[self.offsets] = True
        self.ratio: IntArray = np.flatnonzero(~first)
        self.base: IntArray = self.offsets[self.actor_of[self.ratio]]
        pairs = [(i, m) for i in range(n) for m in range(n) if i != m]
        self.pair_i: IntArray = np.array([p[0] for p in pairs], dtype=np.intp)
        pair_l = np.array([p[1] for p in pairs], dtype=np.intp)
        actors = np.arange(n)
        self.two_mask = (
            (actors[None, :] == self.pair_i[:, None]) | (actors[None, :] == pair_l[:, None])
        )[:, :, None]
        block = sizes[self.pair_i] * sizes[pair_l]
        block_off = np.concatenate([[0], np.cumsum(block)[:-1]]).astype(np.intp)
        self.dsize = int(block.sum())
        self.pair_target: IntArray = (
            block_off[:, None] + options[self.pair_i] * sizes[pair_l][:, None] + options[pair_l]
        ).ravel()
        # Jacobian entries of the rows U_ij - U_i0 (j >= 1) in the columns of other actors;
        # and one block per actor that gives U_ij = sum_m D_il[j, m] sigma_lm (l = next actor).
        rows, cols, src, ref, u_dest, u_src, u_col = [], [], [], [], [], [], []
        for p, (i, m) in enumerate(pairs):
            ki, km = shape[i], shape[m]
            j, c = np.divmod(np.arange(ki * km), km)
            later = j >= 1
            rows.append(self.offsets[i] + j[later])
            cols.append(self.offsets[m] + c[later])
            src.append(block_off[p] + j[later] * km + c[later])
            ref.append(block_off[p] + c[later])
            if m == (i + 1) % n:
                u_dest.append(self.offsets[i] + j)
                u_src.append(block_off[p] + j * km + c)
                u_col.append(self.offsets[m] + c)

        def join(parts: list[IntArray]) -> IntArray:
            return np.concatenate(parts).astype(np.intp) if parts else np.zeros(0, np.intp)

        self.jac_rows, self.jac_cols = join(rows), join(cols)
        self.jac_src, self.jac_ref = join(src), join(ref)
        self.u_dest, self.u_src, self.u_col = join(u_dest), join(u_src), join(u_col)
        # Sum-to-one rows: row offsets[i] has actor i's columns.
        self.sum_rows: IntArray = self.offsets[self.actor_of]
        self.all_cols: IntArray = np.arange(self.size)


@lru_cache(maxsize=128)
def _indices(shape: tuple[int, ...]) -> _Indices:
    indices = _Indices(shape)
    for array in vars(indices).values():
        if isinstance(array, np.ndarray):
            array.setflags(write=False)  # shared by every game of this shape
    return indices


class Layout:
    """A payoff tensor ``(n, k_1, ..., k_n)`` with fast option payoffs and derivatives.

    For the ordered pair of actors ``(i, l)``, ``D_il[j, m]`` is the derivative of
    ``U_ij`` with respect to ``sigma_lm``: actor ``i``'s payoff tensor contracted with
    every strategy but ``i``'s and ``l``'s. All blocks come from one masked product of
    the strategies over the profiles and one ``bincount``, so the cost is a handful of
    numpy calls for any number of actors (two actors: matrix-vector products).
    """

    def __init__(self, payoffs: FloatArray) -> None:
        n = int(payoffs.shape[0])
        shape = tuple(int(k) for k in payoffs.shape[1:])
        ix = _indices(shape)
        self.n = n
        self.shape = shape
        self.offsets, self.size, self.actor_of = ix.offsets, ix.size, ix.actor_of
        self.glob, self.glob_flat, self.one_mask = ix.glob, ix.glob_flat, ix.one_mask
        self.ratio, self.base = ix.ratio, ix.base
        self.two_mask, self.dsize, self.pair_target = ix.two_mask, ix.dsize, ix.pair_target
        self.jac_rows, self.jac_cols = ix.jac_rows, ix.jac_cols
        self.jac_src, self.jac_ref = ix.jac_src, ix.jac_ref
        self.u_dest, self.u_src, self.u_col = ix.u_dest, ix.u_src, ix.u_col
        self.sum_rows, self.all_cols = ix.sum_rows, ix.all_cols
        self.u: FloatArray = np.ascontiguousarray(payoffs.reshape(n, -1))
        self.pair_u: FloatArray = self.u[ix.pair_i]
        if n == 2:
            self.row_matrix: FloatArray = np.ascontiguousarray(payoffs[0])
            self.column_matrix: FloatArray = np.ascontiguousarray(payoffs[1].T)
            self.fixed_blocks: FloatArray = np.concatenate(
                [self.row_matrix.ravel(), self.column_matrix.ravel()]
            )
            self.split = shape[0]

    def option_payoffs(self, sigma: FloatArray) -> FloatArray:
        """``U`` in global option order at the flat profile ``sigma``."""
        if self.n == 2:
            return np.concatenate(
                [self.row_matrix @ sigma[self.split :], self.column_matrix @ sigma[: self.split]]
            )
        if self.n == 1:
            return cast(FloatArray, self.u[0].copy())
        weights = np.where(self.one_mask, 1.0, sigma[self.glob][None]).prod(axis=1)
        values = np.bincount(
            self.glob_flat, weights=(self.u * weights).ravel(), minlength=self.size
        )
        return cast(FloatArray, values)

    def derivatives(self, sigma: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(U, D)``: option payoffs and the flat blocks ``D_il``."""
        if self.n == 2:
            return self.option_payoffs(sigma), self.fixed_blocks
        if self.n == 1:
            return cast(FloatArray, self.u[0].copy()), np.zeros(0)
        weights = np.where(self.two_mask, 1.0, sigma[self.glob][None]).prod(axis=1)
        blocks = np.bincount(
            self.pair_target, weights=(self.pair_u * weights).ravel(), minlength=self.dsize
        )
        values = np.bincount(
            self.u_dest, weights=blocks[self.u_src] * sigma[self.u_col], minlength=self.size
        )
        return cast(FloatArray, values), cast(FloatArray, blocks)

    def actor_sums(self, sigma: FloatArray) -> FloatArray:
        return cast(FloatArray, np.bincount(self.actor_of, weights=sigma, minlength=self.n))

    def regret(self, sigma: FloatArray) -> float:
        values = self.option_payoffs(sigma)
        best = np.maximum.reduceat(values, self.offsets)
        expected = np.bincount(self.actor_of, weights=values * sigma, minlength=self.n)
        return float((best - expected).max())


# -- games: actors with a choice, normalised payoffs ---------------------------------------------
@dataclass(frozen=True)
class Prepared:
    """A game ready for the path: its active actors and their payoffs in path units.

    The path's payoff unit is the largest payoff range of an active actor,
    ``span * 2**exponent`` (kept apart so that payoffs near the largest float
    neither overflow nor lose their unit); ``floor`` is the smallest power-of-two
    exponent of an active actor's payoffs, which sets the smallest tolerance.
    """

    game: Game
    active: tuple[int, ...]  # actors with at least two options
    exponent: int
    span: float
    layout: Layout | None  # None when no actor has a choice
    floor: int = 0

    def to_game(self, lam: float) -> float:
        """A precision (or any quantity per payoff unit) in game units."""
        return float(np.ldexp(lam / self.span, -self.exponent))

    def from_game(self, lam: float) -> float:
        """A precision in game units in path units (``inf`` if that overflows)."""
        with np.errstate(over="ignore"):
            return float(np.ldexp(lam, self.exponent) * self.span)

    def in_payoffs(self, value: float) -> float:
        """A payoff difference in path units in game units."""
        with np.errstate(over="ignore"):
            return float(np.ldexp(value * self.span, self.exponent))

    def path_tol(self, tol: float) -> float:
        """The regret tolerance of every actor (:mod:`negotiation_sim._scale`), in path units."""
        allowed = max(tol, float(np.ldexp(RESOLUTION, self.floor)))
        return float(np.ldexp(allowed, -self.exponent)) / self.span

    def lift(self, sigma: FloatArray) -> MixedProfile:
        """The full profile (read-only vectors) from the flat profile of the active actors."""
        out: list[FloatArray] = [np.ones(1) for _ in range(self.game.n_actors)]
        if self.layout is not None:
            for position, actor in enumerate(self.active):
                start = int(self.layout.offsets[position])
                vector = sigma[start : start + self.layout.shape[position]].copy()
                vector /= vector.sum()
                out[actor] = vector
        for vector in out:
            vector.setflags(write=False)
        return tuple(out)


def prepare(game: Game) -> Prepared:
    if not isinstance(game, Game):
        raise GameError(f"game: expected a negotiation_sim.Game, got {type(game).__name__}")
    active = tuple(i for i, k in enumerate(game.shape) if k > 1)
    if not active:
        return Prepared(game, active, 0, 1.0, None)
    # Fix the actors without a choice (their axis has length 1), keep the others' tensors.
    index = tuple(slice(None) if k > 1 else 0 for k in game.shape)
    reduced = game.payoffs[(list(active), *index)]
    flat = reduced.reshape(len(active), -1)
    # Divided by the common power-of-two scale first (exact): ranges cannot overflow.
    own = exponents(flat, axis=1)
    exponent = int(own.max())
    flat = normalised(flat, exponent)
    lows = flat.min(axis=1)
    span = float((flat.max(axis=1) - lows).max())
    span = span if span > 0 else 1.0
    shifted = (flat - lows[:, None]) / span
    layout = Layout(np.ascontiguousarray(shifted.reshape(reduced.shape)))
    return Prepared(game, active, exponent, span, layout, int(own.min()))
