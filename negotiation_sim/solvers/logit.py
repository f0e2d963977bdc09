"""Logit quantal response equilibria and the Nash equilibrium their principal branch selects.

In a logit quantal response equilibrium (QRE) at precision ``lam >= 0``
(McKelvey & Palfrey 1995, "Quantal response equilibria for normal form games",
*Games and Economic Behavior* 10) every actor plays each option with a
probability that grows exponentially with its expected payoff::

    sigma_ij = exp(lam * U_ij(sigma)) / sum_m exp(lam * U_im(sigma)),

where ``U_ij(sigma)`` is the payoff of actor ``i``'s option ``j`` against the
others' mixed strategies. At ``lam = 0`` everyone plays uniformly; as
``lam -> infinity`` QRE approach Nash equilibria. For generic games the QRE
through the uniform profile form one smooth curve, the *principal branch*,
which converges to one Nash equilibrium: the logit selection (Turocy 2005, "A
dynamic homotopy interpretation of the logistic quantal response equilibrium
correspondence", *Games and Economic Behavior* 51).

Path following
--------------
As in Gambit's ``logit`` (Turocy 2005), the branch is the zero set of ``H(x)``
with ``x = (log sigma, lam)``: for each actor ``i`` one equation
``sum_j sigma_ij - 1`` and, for each option ``j >= 1``,
``log sigma_ij - log sigma_i0 - lam (U_ij - U_i0)``; ``N`` equations in
``N + 1`` unknowns. Payoffs are first shifted and divided, per game, by the
largest payoff range of any actor (``lam`` is reported in game units), and
actors with a single option are held fixed. Each step (Allgower & Georg 1990,
*Numerical Continuation Methods*, ch. 6; Keller 1977) is

* an Euler predictor along the unit tangent ``t``, arc-length step ``h``;
* a chord-Newton corrector in the hyperplane normal to ``t``, with the
  Jacobian of the predicted point: the first ``N`` columns of ``[J; t]^-1``
  (one LU factorisation, LAPACK ``getrf``/``getri``);
* at the corrected point, the new tangent solves ``J z = 0, t . z = 1`` (so
  the orientation is kept and folds, where ``lam`` turns back, are passed),
  and the LU factors give the sign of ``det([J; t])``;
* step control as in Gambit's ``path.cc``: the step is refused and shortened
  when the corrector's first move or its contraction is too large or the
  tangent turns by more than 60 degrees, and grows by up to ``max_accel``
  after an easy step.

The Jacobian's entries for every pair of actors (the payoff tensor contracted
with all but two actors' strategies) come from one masked product and one
``bincount`` over the profiles: a few numpy calls whatever the number of actors.

Bifurcations
------------
The sign of ``det([J; t])`` is constant along a branch between bifurcation
points. When it changes within a step, the step either crossed a bifurcation
point or jumped to a nearby branch; the tracer then shortens the step and
accepts the change only with a step shorter than ``1e-5``. So it does not jump
to a branch passing close by (that would select a wrong equilibrium), and at a
true bifurcation point, which only non-generic games have, it goes straight
on along the same smooth branch (counted in ``parameters["bifurcations"]``).
This is what makes Gambit's ``contrib/games/2x2x2.nfg`` work, on which
pygambit 16.7.0 stalls at the bifurcation point (Gambit issue #492). Past an
exact bifurcation the "principal branch" is a convention: slightly perturbed
games may turn either way and select other equilibria. Going straight on keeps
the branch smooth and, at a symmetry-breaking bifurcation of a symmetric game,
the selection symmetric.

Polishing
---------
Options outside the support of the limit equilibrium die out like
``exp(-lam * gap)``, while the others converge like ``1/lam``. Once ``lam`` is
at least 10 (over the payoff range) and the profile moves less than 5% per
unit of ``log lam``, the support is taken as the options with
``lam * sigma > 0.05``: the rest hardly move anyone's payoffs. With
``mu = 1/lam``, the QRE of the game restricted to that support is then
continued from the current ``mu`` to ``mu = 0`` (predictor-corrector in
``mu``), where its equations become the equilibrium conditions on the support
(indifference, probabilities summing to one). The end point is accepted only
if that continuation succeeds (it fails when an option of the guessed support
is dying out, or when the path is only passing by an equilibrium), no option
outside the support pays more, and it passes
:func:`~negotiation_sim.solvers.result.verified_equilibria`. Otherwise tracing
goes on. At the end (``lam`` of ``1e8`` over the payoff range, ``max_lambda``,
``max_steps``, or a stalled tracer), neighbouring supports and then plain
Newton's method are tried as well; unless the end was the default ``lam``, a
result comes with a warning that it may not be the limit of the branch. If
nothing verifies, no equilibrium is returned, with a warning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import lapack

from ..errors import GameError, NegotiationSimError
from ..game import DEFAULT_TOL, FloatArray, Game, MixedProfile
from .result import Equilibrium, SolverResult, verified_equilibria

__all__ = [
    "DEFAULT_FIRST_STEP",
    "DEFAULT_MAX_ACCEL",
    "DEFAULT_MAX_STEPS",
    "LogitPath",
    "logit_path",
    "logit_qre",
    "solve_logit",
]

IntArray = NDArray[np.intp]

#: Arc length of the first predictor step, in normalised (log probability, lambda) units.
DEFAULT_FIRST_STEP = 0.1
#: Largest factor by which the step grows (and shrinks) from one step to the next.
DEFAULT_MAX_ACCEL = 2.0
#: Most accepted predictor-corrector steps before tracing gives up.
DEFAULT_MAX_STEPS = 10_000

# Tracing stops at this lambda (times the payoff range) unless max_lambda says otherwise.
_LAMBDA_CAP = 1e8
# Polishing is first tried at this lambda (times the payoff range) ...
_POLISH_FROM = 10.0
# ... once sigma moves less than this per unit of log lambda.
_SETTLED = 0.05
# Options with lam * sigma at most this are left out of the support when polishing.
_FROZEN = 0.05
# Support thresholds on log(sigma_max / sigma_ij) also tried at the end of the path.
_SUPPORT_CUTS = (4.0, 10.0, 25.0)
# Corrector constants (Allgower & Georg 1990, as in Gambit's path.cc).
_CORRECTOR_TOL = 1e-6
_MAX_DIST = 0.4
_MAX_CONTRACTION = 0.6
_ETA = 0.1
_MAX_CORRECTOR_ITER = 30
_MIN_STEP = 1e-9
_MIN_COS = 0.5  # refuse a step whose tangent turns by more than 60 degrees
# Steps at most this long may change the sign of det([J; t]) (cross a bifurcation point).
_CROSSING_STEP = 1e-5


# -- option payoffs and their derivatives ------------------------------------------------------
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


class _Layout:
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


class _Homotopy:
    """``H(x) = 0`` with ``x = (log sigma, lam)`` (normalised payoffs) and its Jacobian."""

    def __init__(self, layout: _Layout) -> None:
        self.layout = layout
        template = np.zeros((layout.size + 1, layout.size + 1))
        template[layout.ratio, layout.base] = -1.0
        template[layout.ratio, layout.ratio] = 1.0
        self.template = template

    def start(self) -> FloatArray:
        sizes = np.array(self.layout.shape, dtype=np.float64)
        return np.concatenate([-np.log(sizes[self.layout.actor_of]), [0.0]])

    def value(self, x: FloatArray) -> FloatArray:
        lay = self.layout
        logs, lam = x[:-1], x[-1]
        sigma = np.exp(logs)
        values = lay.option_payoffs(sigma)
        out = np.empty(lay.size)
        out[lay.offsets] = lay.actor_sums(sigma) - 1.0
        out[lay.ratio] = (
            logs[lay.ratio] - logs[lay.base] - lam * (values[lay.ratio] - values[lay.base])
        )
        return out

    def augmented(self, x: FloatArray, row: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``H(x)`` and the Jacobian ``J(x)`` with ``row`` appended: ``[J; row]``."""
        lay = self.layout
        logs, lam = x[:-1], x[-1]
        sigma = np.exp(logs)
        values, blocks = lay.derivatives(sigma)
        diff = values[lay.ratio] - values[lay.base]
        out = np.empty(lay.size)
        out[lay.offsets] = lay.actor_sums(sigma) - 1.0
        out[lay.ratio] = logs[lay.ratio] - logs[lay.base] - lam * diff
        matrix = self.template.copy()
        matrix[lay.sum_rows, lay.all_cols] = sigma
        matrix[lay.jac_rows, lay.jac_cols] = (
            -lam * (blocks[lay.jac_src] - blocks[lay.jac_ref]) * sigma[lay.jac_cols]
        )
        matrix[lay.ratio, -1] = -diff
        matrix[-1] = row
        return out, matrix


def _factor(matrix: FloatArray) -> tuple[FloatArray, IntArray, int] | None:
    """LU factors of a square matrix (LAPACK ``getrf``) and the sign of its determinant."""
    lu, pivots, info = lapack.dgetrf(matrix, overwrite_a=True)
    if info != 0:
        return None
    diagonal = np.diagonal(lu)
    if not bool(np.isfinite(diagonal).all()):
        return None
    swaps = np.count_nonzero(pivots != np.arange(pivots.size))
    return lu, pivots, -1 if (swaps + np.count_nonzero(diagonal < 0)) % 2 else 1


# -- the tracer ---------------------------------------------------------------------------------
class _Tracer:
    """Predictor-corrector path follower for ``H(x) = 0`` from uniform play at ``lam = 0``.

    It keeps the current point ``x``, the unit tangent ``t`` there and the sign of
    ``det([J(x); t])``, its orientation.
    """

    def __init__(self, homotopy: _Homotopy, first_step: float, max_accel: float) -> None:
        self.homotopy = homotopy
        self.max_accel = max_accel
        self.x = homotopy.start()
        self.unit = np.zeros(self.x.size)
        self.unit[-1] = 1.0
        # Augmenting with e_lam gives the tangent with d lam / ds > 0.
        frame = self._frame(self.x, self.unit)
        if frame is None:  # pragma: no cover - J has full rank at lam = 0
            raise NegotiationSimError("logit: singular Jacobian at lambda = 0")
        self.t, self.orientation = frame
        self.h = first_step
        self.steps = 0
        self.turns = 0
        self.bifurcations = 0
        self.points: list[FloatArray] = [self.x.copy()]

    def _frame(self, x: FloatArray, previous: FloatArray) -> tuple[FloatArray, int] | None:
        """Unit tangent at ``x`` oriented like ``previous``, and the sign of ``det([J; t])``.

        The tangent solves ``J z = 0, previous . z = 1``; ``det([J; t])`` has the sign
        of ``det([J; previous])`` since ``previous . t > 0``.
        """
        _, matrix = self.homotopy.augmented(x, previous)
        factors = _factor(matrix)
        if factors is None:
            return None
        lu, pivots, sign = factors
        tangent, info = lapack.dgetrs(lu, pivots, self.unit)
        if info != 0 or not bool(np.isfinite(tangent).all()):
            return None
        return tangent / math.sqrt(float(tangent @ tangent)), sign

    @property
    def lam(self) -> float:
        return float(self.x[-1])

    def step(self) -> bool:
        """Take one accepted step (see the module docstring); ``False`` if the tracer stalls."""
        accel = self.max_accel
        while self.h >= _MIN_STEP:
            u = self.x + self.h * self.t
            value, matrix = self.homotopy.augmented(u, self.t)
            factors = _factor(matrix)
            if factors is None:
                self.h /= accel
                continue
            # Chord Newton in the hyperplane normal to t, with the Jacobian of the predicted
            # point: the first N columns of [J; t]^-1.
            inverse, info = lapack.dgetri(factors[0], factors[1])
            if info != 0 or not bool(np.isfinite(inverse).all()):
                self.h /= accel
                continue
            corrector = inverse[:, :-1]
            decel = 1.0 / accel
            accepted = False
            previous = 0.0
            for iteration in range(_MAX_CORRECTOR_ITER):
                delta = corrector @ value
                dist = float(np.sqrt(delta @ delta))
                if not dist < _MAX_DIST:
                    break
                u = u - delta
                decel = max(decel, math.sqrt(dist / _MAX_DIST) * accel)
                if iteration > 0:
                    contraction = dist / (previous + _CORRECTOR_TOL * _ETA)
                    if contraction > _MAX_CONTRACTION:
                        break
                    decel = max(decel, math.sqrt(contraction / _MAX_CONTRACTION) * accel)
                if dist <= _CORRECTOR_TOL:
                    accepted = True
                    break
                previous = dist
                value = self.homotopy.value(u)
            frame = self._frame(u, self.t) if accepted else None
            if frame is None:
                self.h /= accel
                continue
            tangent, sign = frame
            crossing = sign != self.orientation
            if (crossing and self.h > _CROSSING_STEP) or float(tangent @ self.t) < _MIN_COS:
                # A bifurcation point or a jump to a nearby branch, or a sharp turn.
                self.h /= accel
                continue
            if (tangent[-1] > 0) != (self.t[-1] > 0):
                self.turns += 1
            if crossing:
                self.orientation = sign
                self.bifurcations += 1
            self.x, self.t = u, tangent
            self.h /= min(decel, accel)
            self.steps += 1
            self.points.append(u.copy())
            return True
        return False

    def settle_rate(self) -> float:
        """How much ``sigma`` moves per unit of ``log lam`` here (infinite if lam is falling)."""
        dlam = float(self.t[-1])
        if dlam <= 0 or self.lam <= 0:
            return math.inf
        moves = np.exp(self.x[:-1]) * self.t[:-1]
        return float(np.abs(moves).max()) * self.lam / dlam


def _correct_at(homotopy: _Homotopy, x: FloatArray, lam: float) -> FloatArray | None:
    """Newton's method on ``H(., lam) = 0`` from ``x``; ``None`` if it does not converge."""
    x = x.copy()
    x[-1] = lam
    with np.errstate(all="ignore"):
        for _ in range(60):
            value, matrix = homotopy.augmented(x, x)
            delta = _solve(matrix[:-1, :-1], value)
            if delta is None:
                return None
            x[:-1] -= delta
            if float(np.abs(delta).max()) <= 1e-13 * max(1.0, float(np.abs(x[:-1]).max())):
                return x
        final = homotopy.value(x)
    return x if bool(np.isfinite(final).all()) and float(np.abs(final).max()) <= 1e-10 else None


def _solve(matrix: FloatArray, rhs: FloatArray) -> FloatArray | None:
    """``matrix^-1 rhs``, or a least-squares solution if ``matrix`` is (nearly) singular."""
    try:
        solution = cast(FloatArray, np.linalg.solve(matrix, rhs))
        if bool(np.isfinite(solution).all()) and float(np.abs(solution).max()) < 1e8:
            return solution
    except np.linalg.LinAlgError:
        pass
    if not (bool(np.isfinite(matrix).all()) and bool(np.isfinite(rhs).all())):
        return None
    try:
        least = cast(FloatArray, np.linalg.lstsq(matrix, rhs, rcond=None)[0])
    except np.linalg.LinAlgError:
        return None
    return least if bool(np.isfinite(least).all()) else None


# -- games: actors with a choice, normalised payoffs ---------------------------------------------
@dataclass(frozen=True)
class _Prepared:
    game: Game
    active: tuple[int, ...]  # actors with at least two options
    scale: float  # payoff unit: the largest payoff range of an active actor
    layout: _Layout | None  # None when no actor has a choice

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


def _prepare(game: Game) -> _Prepared:
    if not isinstance(game, Game):
        raise GameError(f"game: expected a negotiation_sim.Game, got {type(game).__name__}")
    active = tuple(i for i, k in enumerate(game.shape) if k > 1)
    if not active:
        return _Prepared(game, active, 1.0, None)
    # Fix the actors without a choice (their axis has length 1), keep the others' tensors.
    index = tuple(slice(None) if k > 1 else 0 for k in game.shape)
    reduced = game.payoffs[(list(active), *index)]
    flat = reduced.reshape(len(active), -1)
    lows = flat.min(axis=1)
    scale = float((flat.max(axis=1) - lows).max())
    scale = scale if scale > 0 else 1.0
    normalised = (reduced - lows.reshape((-1,) + (1,) * len(active))) / scale
    return _Prepared(game, active, scale, _Layout(np.ascontiguousarray(normalised)))


def _number(name: str, value: Any, *, above: float = 0.0, strict: bool = True) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and (number > above if strict else number >= above)):
        relation = ">" if strict else ">="
        raise GameError(f"{name}: expected a finite number {relation} {above:g}, got {value!r}")
    return number


def _settings(
    first_step: Any, max_accel: Any, max_steps: Any, max_lambda: Any = None
) -> tuple[float, float, int, float | None]:
    step = _number("first_step", first_step)
    accel = _number("max_accel", max_accel, above=1.0)
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise GameError(f"max_steps: expected a positive integer, got {max_steps!r}")
    top = None if max_lambda is None else _number("max_lambda", max_lambda)
    return step, accel, int(max_steps), top


# -- polishing ----------------------------------------------------------------------------------
class _Restricted:
    """The QRE equations of the game restricted to a support, in ``mu = 1 / lam``.

    ``G(p, mu)``: for each actor ``sum_j p_ij - 1`` and, for each support option
    ``j >= 1``, ``U_ij - U_i0 - mu (log p_ij - log p_i0)``. At ``mu = 0`` these are
    the equilibrium conditions on the support.
    """

    def __init__(self, layout: _Layout, support: list[IntArray]) -> None:
        payoffs = layout.u.reshape((layout.n, *layout.shape))[np.ix_(np.arange(layout.n), *support)]
        self.sub = sub = _Layout(np.ascontiguousarray(payoffs))
        self.template = np.zeros((sub.size, sub.size))
        self.template[sub.sum_rows, sub.all_cols] = 1.0

    def residual(self, p: FloatArray, mu: float) -> FloatArray:
        sub = self.sub
        values = sub.option_payoffs(p)
        out = np.empty(sub.size)
        out[sub.offsets] = sub.actor_sums(p) - 1.0
        out[sub.ratio] = values[sub.ratio] - values[sub.base]
        if mu:
            logs = np.log(p)
            out[sub.ratio] -= mu * (logs[sub.ratio] - logs[sub.base])
        return out

    def jacobian(self, p: FloatArray, mu: float) -> FloatArray:
        sub = self.sub
        _, blocks = sub.derivatives(p)
        jac = self.template.copy()
        jac[sub.jac_rows, sub.jac_cols] = blocks[sub.jac_src] - blocks[sub.jac_ref]
        if mu:
            jac[sub.ratio, sub.ratio] -= mu / p[sub.ratio]
            jac[sub.ratio, sub.base] += mu / p[sub.base]
        return jac

    def newton(self, p: FloatArray, mu: float, iterations: int) -> FloatArray | None:
        """Newton's method on ``G(., mu) = 0``; ``None`` unless it converges in ``iterations``."""
        for _ in range(iterations):
            residual = self.residual(p, mu)
            if not bool(np.isfinite(residual).all()):
                return None
            if float(np.abs(residual).max()) <= 1e-13:
                return p
            delta = _solve(self.jacobian(p, mu), residual)
            if delta is None:
                return None
            p = p - delta
            if mu and float(p.min()) <= 0:
                return None
        final = self.residual(p, mu)
        return p if float(np.abs(final).max()) <= 1e-11 else None

    def follow(self, p: FloatArray, mu: float) -> FloatArray | None:
        """Continue the restricted QRE ``p`` at ``mu`` along its branch to ``mu = 0``.

        Euler predictor in ``mu`` and Newton corrector; the step is halved whenever the
        corrector is slow or lands far from the prediction (a fold, or the branch leaving
        the support). ``None`` if the branch cannot be followed to ``mu = 0``, or if one
        Euler step to ``mu = 0`` does not nearly solve the equilibrium conditions, as it
        does near a regular limit, where the branch is linear in ``mu``; it does not when an
        option of the support is dying out (its payoff gap tends to a positive limit).
        """
        sub = self.sub
        start = self.newton(p, mu, 8)
        if start is None:
            return None
        p = start
        step, smallest = mu / 4, mu / 256
        slope: FloatArray | None = None
        first = True
        for _ in range(40):
            if mu <= 0:
                return p
            if slope is None:
                logs = np.log(p)
                moves = np.zeros(sub.size)
                moves[sub.ratio] = logs[sub.ratio] - logs[sub.base]  # -dG/dmu
                slope = _solve(self.jacobian(p, mu), moves)  # dp/dmu
                if slope is None:
                    return None
                if first:
                    first = False
                    limit = p - mu * slope
                    before = float(np.abs(self.residual(p, 0.0)).max())
                    after = float(np.abs(self.residual(limit, 0.0)).max())
                    if float(limit.min()) < -0.05 or not after <= 0.25 * before + 1e-12:
                        return None
            step = min(step, mu)
            if step < smallest:
                return None
            target = mu - step
            guess = p - step * slope
            if target > 0 and float(guess.min()) <= 0:
                step /= 2
                continue
            found = self.newton(guess, target, 6)
            if found is None or float(np.abs(found - guess).max()) > 0.1 * max(
                float(np.abs(guess - p).max()), 1e-9
            ):
                step /= 2
                continue
            p, mu, slope = found, target, None
            step *= 2
        return None


def _polish_on(
    layout: _Layout, x: FloatArray, support: list[IntArray], follow: bool
) -> FloatArray | None:
    """An equilibrium on ``support`` (flat profile), reached from the QRE point ``x``.

    With ``follow``, the restricted QRE through ``x`` is followed to its limit
    (:meth:`_Restricted.follow`); otherwise the equilibrium conditions are solved by
    Newton's method from ``x``.
    """
    kept = [layout.offsets[i] + s for i, s in enumerate(support)]
    if all(s.size == 1 for s in support):
        pure = np.zeros(layout.size)
        pure[np.concatenate(kept)] = 1.0
        return pure
    restricted = _Restricted(layout, support)
    sub = restricted.sub
    p = np.exp(np.concatenate([x[:-1][k] for k in kept]))
    p = p / sub.actor_sums(p)[sub.actor_of]
    with np.errstate(all="ignore"):
        if follow and x[-1] > 0:
            limit = restricted.follow(p, 1.0 / float(x[-1]))
        else:
            limit = restricted.newton(p, 0.0, 40)
    if limit is None or float(limit.min()) < -1e-12:
        return None
    full = np.zeros(layout.size)
    for k, start, stop in zip(kept, sub.offsets, [*sub.offsets[1:], sub.size], strict=True):
        full[k] = np.clip(limit[start:stop], 0.0, None)
    full /= layout.actor_sums(full)[layout.actor_of]
    return full


def _support_by_mass(layout: _Layout, x: FloatArray) -> list[IntArray]:
    """Per actor, its most likely option, then the others with ``lam * sigma > _FROZEN``.

    Each option left out moves the payoffs, hence the Jacobian, by at most
    ``lam * sigma`` (normalised payoffs), so from ``x`` on the branch is that of the
    game restricted to the rest.
    """
    logs = x[:-1]
    floor = math.log(_FROZEN / max(float(x[-1]), 1e-300))
    support = []
    for i in range(layout.n):
        start, k = int(layout.offsets[i]), layout.shape[i]
        own = logs[start : start + k]
        best = int(np.argmax(own))
        others = [int(j) for j in np.flatnonzero(own > floor) if j != best]
        support.append(np.array([best, *others], dtype=np.intp))
    return support


def _support_guesses(layout: _Layout, logs: FloatArray) -> list[list[IntArray]]:
    """More supports to try at the end: cuts on ``log(sigma_max / sigma)``, and neighbours."""
    per_actor = []
    for i in range(layout.n):
        start, k = int(layout.offsets[i]), layout.shape[i]
        own = logs[start : start + k]
        order = np.argsort(-own, kind="stable")
        per_actor.append((order, own[order[0]] - own[order]))
    guesses: list[list[IntArray]] = []
    seen: set[tuple[tuple[int, ...], ...]] = set()

    def add(sizes: Sequence[int]) -> None:
        support = [
            order[:s].astype(np.intp) for (order, _), s in zip(per_actor, sizes, strict=True)
        ]
        key = tuple(tuple(sorted(int(j) for j in s)) for s in support)
        if key not in seen:
            seen.add(key)
            guesses.append(support)

    for cut in _SUPPORT_CUTS:
        add([int(np.count_nonzero(gaps <= cut)) for _, gaps in per_actor])
    middle = [int(np.count_nonzero(gaps <= _SUPPORT_CUTS[1])) for _, gaps in per_actor]
    for i in range(layout.n):
        for change in (-1, 1):
            sizes = list(middle)
            sizes[i] += change
            if 1 <= sizes[i] <= layout.shape[i]:
                add(sizes)
    add([1] * layout.n)
    return guesses


def _polish(
    prepared: _Prepared,
    x: FloatArray,
    tol: float,
    supports: Sequence[list[IntArray]],
    *,
    follow: bool,
    reach: float = math.inf,
) -> tuple[Equilibrium, tuple[str, ...]] | None:
    """The first support giving a verified equilibrium within ``reach`` (max norm) of ``x``."""
    layout = prepared.layout
    assert layout is not None
    sigma = np.exp(x[:-1])
    inner = 0.5 * tol / prepared.scale
    for support in supports:
        candidate = _polish_on(layout, x, support, follow)
        if candidate is None or float(np.abs(candidate - sigma).max()) > reach:
            continue
        if layout.regret(candidate) > inner:
            continue
        equilibria, warnings = verified_equilibria(prepared.game, [prepared.lift(candidate)], tol)
        if equilibria:
            return equilibria[0], warnings
    return None


# -- driving the tracer -------------------------------------------------------------------------
@dataclass
class _Run:
    tracer: _Tracer | None
    equilibrium: Equilibrium | None
    warnings: tuple[str, ...]
    stop: str


def _trace(
    prepared: _Prepared,
    tol: float,
    *,
    first_step: float,
    max_accel: float,
    max_steps: int,
    cap: float,
    polish: bool,
) -> _Run:
    """Trace the principal branch to ``cap`` (normalised lambda), polishing on the way."""
    layout = prepared.layout
    if layout is None:
        equilibria, warnings = verified_equilibria(prepared.game, [prepared.lift(np.zeros(0))], tol)
        return _Run(None, equilibria[0] if equilibria else None, warnings, "no actor has a choice")
    tracer = _Tracer(_Homotopy(layout), first_step, max_accel)
    last_lam = 0.0
    last_guess: list[tuple[int, ...]] = []
    stop = f"lambda reached {cap / prepared.scale:.6g}"
    while tracer.lam < cap:
        if tracer.steps >= max_steps:
            stop = f"max_steps={max_steps} steps taken"
            break
        if not tracer.step():
            stop = "the tracer stalled (step size below its minimum)"
            break
        if tracer.lam < 0:
            stop = "the branch turned back below lambda = 0"
            break
        if not polish or tracer.lam < _POLISH_FROM or tracer.settle_rate() > _SETTLED:
            continue
        support = _support_by_mass(layout, tracer.x)
        guess = [tuple(sorted(int(j) for j in own)) for own in support]
        if guess == last_guess and tracer.lam < 2 * last_lam:
            continue
        last_guess, last_lam = guess, tracer.lam
        found = _polish(prepared, tracer.x, tol, [support], follow=True)
        if found is not None:
            return _Run(tracer, found[0], found[1], "polished")
    if not polish:
        return _Run(tracer, None, (), stop)
    at = tracer.lam / prepared.scale
    caveat = (
        f"logit: tracing stopped at lambda = {at:.6g} ({stop}) before the limit was identified; "
        "the equilibrium returned was reached from there and may not be the limit of the "
        "principal branch"
    )
    supports = [_support_by_mass(layout, tracer.x), *_support_guesses(layout, tracer.x[:-1])]
    found = _polish(prepared, tracer.x, tol, supports, follow=True)
    if found is not None:
        notes = found[1] if tracer.lam >= _LAMBDA_CAP else (caveat, *found[1])
        return _Run(tracer, found[0], notes, f"polished at the end of the path ({stop})")
    found = _polish(prepared, tracer.x, tol, supports, follow=False, reach=0.05)
    if found is not None:
        return _Run(tracer, found[0], (caveat, *found[1]), f"nearest equilibrium ({stop})")
    regret = layout.regret(np.exp(tracer.x[:-1])) * prepared.scale
    warning = (
        f"logit: no verified equilibrium at the end of the principal branch ({stop}; "
        f"lambda = {at:.6g}, where the QRE has regret {regret:.3g} > tol {tol:g})"
    )
    return _Run(tracer, None, (warning,), stop)


def _qre_at(
    prepared: _Prepared, lam: float, *, first_step: float, max_accel: float, max_steps: int
) -> tuple[MixedProfile, int]:
    """The QRE where the principal branch first reaches ``lam`` (game units), and the steps."""
    layout = prepared.layout
    target = lam * prepared.scale
    if layout is None or target == 0:
        uniform = tuple(np.full(k, 1.0 / k) for k in prepared.game.shape)
        for vector in uniform:
            vector.setflags(write=False)
        return uniform, 0
    homotopy = _Homotopy(layout)
    tracer = _Tracer(homotopy, first_step, max_accel)
    while True:
        previous = tracer.x.copy()
        if tracer.steps >= max_steps or not tracer.step() or tracer.lam < 0:
            raise NegotiationSimError(
                f"logit: the principal branch could not be traced to lambda = {lam:g} "
                f"(stopped at lambda = {tracer.lam / prepared.scale:.6g} after "
                f"{tracer.steps} steps)"
            )
        if tracer.lam >= target:
            # Newton's method at lambda = target, from the chord between the last two points.
            share = (target - previous[-1]) / (tracer.lam - previous[-1])
            point = _correct_at(homotopy, previous + share * (tracer.x - previous), target)
            if point is None:
                point = _correct_at(homotopy, tracer.x, target)
            if point is None:
                raise NegotiationSimError(f"logit: Newton's method failed at lambda = {lam:g}")
            return prepared.lift(np.exp(point[:-1])), tracer.steps


# -- public API ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LogitPath:
    """Points of the principal branch of the logit QRE correspondence, for plotting.

    Attributes
    ----------
    game : Game
        The game whose branch was traced.
    lambdas : ndarray, shape (m,)
        Precision of each point, in the game's payoff units (read-only). Starts
        at 0 and increases, except where the branch folds back.
    profiles : tuple of ndarray
        One read-only array per actor, shape ``(m, k_i)``: ``profiles[i][p]`` is
        actor ``i``'s QRE strategy at point ``p``.
    stop : str
        Why tracing stopped.
    """

    game: Game
    lambdas: FloatArray
    profiles: tuple[FloatArray, ...]
    stop: str = ""

    def __len__(self) -> int:
        return int(self.lambdas.shape[0])

    def profile(self, point: int) -> MixedProfile:
        """The QRE at point ``point``: one probability vector per actor."""
        return tuple(actor[point] for actor in self.profiles)


def logit_qre(
    game: Game,
    lam: float,
    *,
    first_step: float = DEFAULT_FIRST_STEP,
    max_accel: float = DEFAULT_MAX_ACCEL,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> MixedProfile:
    """The logit quantal response equilibrium at precision ``lam`` on the principal branch.

    Traces the branch from uniform play at ``lam = 0`` and solves the QRE
    equations at ``lam`` by Newton's method, to machine precision. Where the
    branch folds back several of its points share one ``lam``; this returns the
    first one reached from ``lam = 0``.

    Parameters
    ----------
    game : Game
    lam : float
        Precision, ``>= 0``, in inverse payoff units: multiplying every payoff by
        ``c > 0`` has the same effect as multiplying ``lam`` by ``c``.
    first_step, max_accel, max_steps
        Tracer settings, as in :func:`solve_logit`.

    Returns
    -------
    tuple of ndarray
        One read-only probability vector per actor, with
        ``sigma_i = softmax(lam * game.option_payoffs(sigma, i))``.

    Raises
    ------
    GameError
        If an argument is invalid (``lam`` negative or not finite, ...).
    NegotiationSimError
        If the branch cannot be traced as far as ``lam``.

    Examples
    --------
    Asymmetric matching pennies (McKelvey & Palfrey 1995; Goeree & Holt 2001,
    "Ten little treasures of game theory", *American Economic Review* 91): the
    row actor wins 9 on (top, left), 1 on (bottom, right). In the unique
    equilibrium the row actor mixes (1/2, 1/2), but noisy row actors lean to the
    top, and the column actor guards against it:

    >>> from negotiation_sim import Game
    >>> pennies = Game.from_bimatrix([[9, 0], [0, 1]], [[0, 1], [1, 0]])
    >>> [s.round(4).tolist() for s in logit_qre(pennies, 1.0)]
    [[0.8936, 0.1064], [0.3128, 0.6872]]
    >>> [s.round(4).tolist() for s in logit_qre(pennies, 0.0)]
    [[0.5, 0.5], [0.5, 0.5]]
    """
    prepared = _prepare(game)
    target = _number("lam", lam, strict=False)
    step, accel, steps, _ = _settings(first_step, max_accel, max_steps)
    profile, _ = _qre_at(prepared, target, first_step=step, max_accel=accel, max_steps=steps)
    return profile


def logit_path(
    game: Game,
    *,
    max_lambda: float | None = None,
    tol: float = DEFAULT_TOL,
    first_step: float = DEFAULT_FIRST_STEP,
    max_accel: float = DEFAULT_MAX_ACCEL,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> LogitPath:
    """The points the tracer visits on the principal branch, for plots.

    Parameters
    ----------
    game : Game
    max_lambda : float, optional
        Trace until the precision reaches ``max_lambda`` (the last point is solved
        at exactly ``max_lambda``). By default trace as far as
        :func:`solve_logit` does: until the limit equilibrium is identified.
    tol : float
        Regret tolerance of the equilibrium that ends the default trace.
    first_step, max_accel, max_steps
        Tracer settings, as in :func:`solve_logit`.

    Returns
    -------
    LogitPath

    Examples
    --------
    >>> from negotiation_sim import Game
    >>> stag_hunt = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> path = logit_path(stag_hunt, max_lambda=1.0)
    >>> float(path.lambdas[0]), float(path.lambdas[-1])
    (0.0, 1.0)
    >>> path.profiles[0][0].tolist(), path.profiles[0][-1].round(4).tolist()
    ([0.5, 0.5], [0.0594, 0.9406])
    """
    prepared = _prepare(game)
    step, accel, steps, top = _settings(first_step, max_accel, max_steps, max_lambda)
    tol = _number("tol", tol, strict=False)
    cap = _LAMBDA_CAP if top is None else top * prepared.scale
    run = _trace(
        prepared,
        tol,
        first_step=step,
        max_accel=accel,
        max_steps=steps,
        cap=cap,
        polish=top is None,
    )
    if run.tracer is None:
        points = [np.zeros(1)]
    else:
        points = list(run.tracer.points)
        if top is not None and run.tracer.lam >= cap and len(points) >= 2:
            before, after = points[-2], points[-1]
            share = (cap - before[-1]) / (after[-1] - before[-1])
            exact = _correct_at(run.tracer.homotopy, before + share * (after - before), cap)
            if exact is not None:
                points[-1] = exact
    lambdas = np.array([p[-1] for p in points]) / prepared.scale
    lambdas.setflags(write=False)
    per_point = [prepared.lift(np.exp(p[:-1])) for p in points]
    profiles = []
    for i in range(game.n_actors):
        stacked = np.array([profile[i] for profile in per_point])
        stacked.setflags(write=False)
        profiles.append(stacked)
    return LogitPath(game, lambdas, tuple(profiles), run.stop)


def solve_logit(
    game: Game,
    *,
    tol: float = DEFAULT_TOL,
    lam: float | None = None,
    max_lambda: float | None = None,
    first_step: float = DEFAULT_FIRST_STEP,
    max_accel: float = DEFAULT_MAX_ACCEL,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> SolverResult:
    """The Nash equilibrium selected by the logit QRE principal branch, any number of actors.

    Traces the principal branch from uniform play at ``lam = 0`` and polishes
    its limit into an exact equilibrium (see the module docstring), returned
    only if it passes the regret check. Actors with a single option are fine.

    Parameters
    ----------
    game : Game
    tol : float
        Regret tolerance of the returned equilibrium.
    lam : float, optional
        Compute the quantal response equilibrium at this precision instead (as
        :func:`logit_qre`). A QRE is not a Nash equilibrium, so it is returned as
        ``parameters["qre"]`` (one probability vector per actor), with
        ``equilibria == ()`` and a warning saying so.
    max_lambda : float, optional
        Give up at this precision (game payoff units); default ``1e8`` over the
        largest payoff range of any actor.
    first_step : float
        Arc length of the first step (in log probabilities and ``lam`` times the
        payoff range).
    max_accel : float
        Largest factor, ``> 1``, by which one step may be longer than the last.
    max_steps : int
        Most accepted steps.

    Returns
    -------
    SolverResult
        Method ``"logit"``, at most one equilibrium. ``parameters`` holds the
        settings and ``lambda`` (the precision where tracing stopped, game
        units), ``steps`` (accepted predictor-corrector steps), ``turns`` (times
        the branch turned back in ``lam``), ``bifurcations`` (bifurcation points
        crossed) and ``stop`` (why tracing stopped).

    Examples
    --------
    The stag hunt: the logit selection is the risk-dominant equilibrium (hare,
    hare), not the payoff-dominant (stag, stag) (Turocy 2005, §5):

    >>> from negotiation_sim import Game
    >>> stag_hunt = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> solve_logit(stag_hunt).equilibria[0].profile
    (1, 1)

    Three actors, the third with a single option:

    >>> import numpy as np
    >>> u = np.zeros((3, 2, 2, 1))
    >>> u[0, :, :, 0] = [[1, -1], [-1, 1]]
    >>> u[1, :, :, 0] = [[-1, 1], [1, -1]]
    >>> [s.tolist() for s in solve_logit(Game(u)).equilibria[0].strategies]
    [[0.5, 0.5], [0.5, 0.5], [1.0]]

    The QRE at a finite precision is reported apart from the equilibria:

    >>> qre = solve_logit(stag_hunt, lam=1.0)
    >>> qre.equilibria, [s.round(4).tolist() for s in qre.parameters["qre"]]
    ((), [[0.0594, 0.9406], [0.0594, 0.9406]])
    """
    prepared = _prepare(game)
    tol = _number("tol", tol, strict=False)
    step, accel, steps, top = _settings(first_step, max_accel, max_steps, max_lambda)
    parameters: dict[str, Any] = {
        "first_step": step,
        "max_accel": accel,
        "max_steps": steps,
        "max_lambda": _LAMBDA_CAP / prepared.scale if top is None else top,
    }
    if lam is not None:
        target = _number("lam", lam, strict=False)
        profile, used = _qre_at(prepared, target, first_step=step, max_accel=accel, max_steps=steps)
        parameters.update({"lambda": target, "steps": used, "qre": profile})
        note = (
            f"logit: lam={target:g} given, so the quantal response equilibrium is in "
            "parameters['qre']; it is not a Nash equilibrium, so equilibria is empty"
        )
        return SolverResult(game, "logit", (), tol, (note,), parameters)
    cap = _LAMBDA_CAP if top is None else top * prepared.scale
    run = _trace(
        prepared, tol, first_step=step, max_accel=accel, max_steps=steps, cap=cap, polish=True
    )
    tracer = run.tracer
    parameters.update(
        {
            "lambda": 0.0 if tracer is None else tracer.lam / prepared.scale,
            "steps": 0 if tracer is None else tracer.steps,
            "turns": 0 if tracer is None else tracer.turns,
            "bifurcations": 0 if tracer is None else tracer.bifurcations,
            "stop": run.stop,
        }
    )
    # run.equilibrium, if any, has passed verified_equilibria (in _polish or _trace).
    equilibria = () if run.equilibrium is None else (run.equilibrium,)
    return SolverResult(game, "logit", equilibria, tol, run.warnings, parameters)
