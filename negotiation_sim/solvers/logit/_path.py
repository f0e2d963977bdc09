"""The predictor-corrector tracer of the logit principal branch.

Path following
--------------
As in Gambit's ``logit`` (Turocy 2005), the branch is the zero set of ``H(x)``
with ``x = (log sigma, lam)``: for each actor ``i`` one equation
``sum_j sigma_ij - 1`` and, for each option ``j >= 1``,
``log sigma_ij - log sigma_i0 - lam (U_ij - U_i0)``; ``N`` equations in
``N + 1`` unknowns, on payoffs normalised by :func:`._layout.prepare`. Each step (Allgower & Georg 1990,
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
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
from scipy.linalg import lapack

from ...errors import NegotiationSimError
from ...game import FloatArray
from ._layout import IntArray, Layout

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


class Homotopy:
    """``H(x) = 0`` with ``x = (log sigma, lam)`` (normalised payoffs) and its Jacobian."""

    def __init__(self, layout: Layout) -> None:
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


class Tracer:
    """Predictor-corrector path follower for ``H(x) = 0`` from uniform play at ``lam = 0``.

    It keeps the current point ``x``, the unit tangent ``t`` there and the sign of
    ``det([J(x); t])``, its orientation.
    """

    def __init__(self, homotopy: Homotopy, first_step: float, max_accel: float) -> None:
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


def correct_at(homotopy: Homotopy, x: FloatArray, lam: float) -> FloatArray | None:
    """Newton's method on ``H(., lam) = 0`` from ``x``; ``None`` if it does not converge."""
    x = x.copy()
    x[-1] = lam
    with np.errstate(all="ignore"):
        for _ in range(60):
            value, matrix = homotopy.augmented(x, x)
            delta = solve_system(matrix[:-1, :-1], value)
            if delta is None:
                return None
            x[:-1] -= delta
            if float(np.abs(delta).max()) <= 1e-13 * max(1.0, float(np.abs(x[:-1]).max())):
                return x
        final = homotopy.value(x)
    return x if bool(np.isfinite(final).all()) and float(np.abs(final).max()) <= 1e-10 else None


def solve_system(matrix: FloatArray, rhs: FloatArray) -> FloatArray | None:
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
