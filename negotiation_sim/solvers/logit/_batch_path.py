"""Following the principal branch of many games at once, each with its own step size.

The branch of every game is followed in ``lam`` (natural-parameter continuation)
from uniform play at ``lam = 0`` to its own target, in the logit coordinates of
:mod:`._batch_games`. On the principal branch up to its first turning point
``det(I - lam A)`` is positive (it is 1 at ``lam = 0`` and vanishes where ``lam``
turns back), so the branch is a function of ``lam`` there and is the only branch
point reached by continuation in ``lam``. Each step of each point is

* an Euler predictor along ``dz/dlam = J^-1 dU`` (``J = I - lam A``), of length
  ``min(h, target - lam)``;
* a chord-Newton corrector with the inverse Jacobian of the predicted point (one
  batched inversion per step), with the step control of the per-game tracer
  (:mod:`._path`, as in Gambit's ``path.cc``, and its constants): a step is
  refused and ``h`` shortened when the corrector's first move or its contraction
  is too large, it does not converge, ``det J <= 0`` at the predicted point, or
  the tangent turns by more than 60 degrees. After an accepted step ``h`` is
  divided by ``sqrt(move / largest move)`` and ``sqrt(contraction / largest
  contraction)`` (the tracer divides by twice these: in ``lam`` alone the
  predictor's error is smaller, and this takes a fifth fewer steps on the Alaska
  game with the same answers), growing by at most ``max_accel``.

A point whose step falls below ``1e-7 (1 + lam)`` or which takes ``max_steps``
steps is given up: near a turning point the steps shrink towards zero, since
``dz/dlam`` grows without bound. Such points are reported with why (a turning
point if ``det J`` changed sign or the tangent turned sharply; otherwise the steps
vanished, in practice because a turning point is just ahead, or ``max_steps``),
for the caller to redo with the per-game tracer, which passes turning points. At
its target a point is polished by full Newton steps to machine precision (or
given up as not converged).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import NDArray

from ...game import FloatArray
from ._batch_games import BatchGames, softmax
from ._path import _CORRECTOR_TOL, _ETA, _MAX_CONTRACTION, _MAX_DIST, _MIN_COS

#: Why a point left the batched path (``QreBatch.reason``).
ON_PATH, TURNING_POINT, VANISHED, MAX_STEPS, NOT_CONVERGED, RESIDUAL = 0, 1, 2, 3, 4, 5
# A point whose step falls below this times (1 + lam) is given up.
_SMALLEST_STEP = 1e-7
_CHORD_ITERATIONS = 8
_POLISH_ITERATIONS = 6


@dataclass
class _Live:
    """The points still on their way, and where each one is."""

    rows: NDArray[np.intp]  # index of each point in the chunk
    games: BatchGames
    target: FloatArray
    lam: FloatArray
    z: FloatArray
    tangent: FloatArray
    step: FloatArray
    steps: NDArray[np.intp]
    turned: NDArray[np.bool_]  # det J <= 0 or a sharp turn was met

    def keep(self, kept: NDArray[np.bool_]) -> _Live:
        games = self.games if bool(kept.all()) else self.games.take(np.flatnonzero(kept))
        return _Live(
            self.rows[kept],
            games,
            *(getattr(self, name)[kept] for name in _STATE),
        )


_STATE = ("target", "lam", "z", "tangent", "step", "steps", "turned")


@dataclass
class ChunkResult:
    """Per point of a chunk: the logit coordinates at the target, why it left, its steps."""

    z: FloatArray
    status: NDArray[np.int8]
    steps: NDArray[np.intp]


def inverse(matrix: FloatArray) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Batched inverses, and which matrices had a positive determinant (the others: identity)."""
    sign, logdet = np.linalg.slogdet(matrix)
    good = (sign > 0) & np.isfinite(logdet)
    safe = np.where(good[:, None, None], matrix, np.eye(matrix.shape[-1]))
    with np.errstate(all="ignore"):
        out = np.linalg.inv(safe)
    good &= np.isfinite(out).all(axis=(1, 2))
    return out, good


def _times(matrix: FloatArray, vector: FloatArray) -> FloatArray:
    return cast(FloatArray, np.matmul(matrix, vector[:, :, None])[:, :, 0])


def follow(
    games: BatchGames,
    target: FloatArray,
    *,
    first_step: float,
    max_accel: float,
    max_steps: int,
) -> ChunkResult:
    """Follow every game's branch to ``target`` (path units, one per game)."""
    count, size = games.count, games.size
    result = ChunkResult(
        np.full((count, size), np.nan),
        np.full(count, NOT_CONVERGED, dtype=np.int8),
        np.zeros(count, dtype=np.intp),
    )
    start = np.zeros((count, size))
    uniform = [np.full((count, k), 1.0 / k) for k in games.shape]
    live = _Live(
        np.arange(count),
        games,
        target,
        np.zeros(count),
        start,
        games.gains(uniform),  # dz/dlam at lam = 0, where J = I
        np.minimum(first_step, target),
        np.zeros(count, dtype=np.intp),
        np.zeros(count, dtype=bool),
    )
    done = live.target <= 0
    result.z[live.rows[done]] = 0.0
    result.status[live.rows[done]] = ON_PATH
    live = live.keep(~done)
    while live.rows.size:
        arrived = _advance(live, max_accel)
        if arrived.any():
            _polish(live.keep(arrived), result)
        small = live.step < _SMALLEST_STEP * (1.0 + live.lam)
        stuck = ~arrived & (small | (live.steps >= max_steps))
        why = np.where(live.turned, TURNING_POINT, np.where(small, VANISHED, MAX_STEPS))[stuck]
        result.status[live.rows[stuck]] = why
        result.steps[live.rows[stuck]] = live.steps[stuck]
        live = live.keep(~(arrived | stuck))
    return result


def _advance(live: _Live, accel: float) -> NDArray[np.bool_]:
    """One predictor-corrector step of every live point; which points reached their target."""
    dl = np.minimum(live.step, live.target - live.lam)
    lam = live.lam + dl
    z = live.z + dl[:, None] * live.tangent
    gains, jacobian = live.games.jacobian(softmax(z, live.games.offsets, live.games.shape), lam)
    corrector, good = inverse(jacobian)
    live.turned |= ~good
    value = z - lam[:, None] * gains
    failed = ~good
    converged = np.zeros(lam.size, dtype=bool)
    decel = np.full(lam.size, 1.0 / accel)
    previous = np.zeros(lam.size)
    for iteration in range(_CHORD_ITERATIONS):
        delta = _times(corrector, value)
        dist = np.sqrt((delta * delta).sum(axis=1))
        running = ~(converged | failed)
        failed |= running & ~(dist < _MAX_DIST)
        if iteration > 0:
            contraction = dist / (previous + _CORRECTOR_TOL * _ETA)
            failed |= running & (contraction > _MAX_CONTRACTION)
            decel = np.where(
                running, np.maximum(decel, np.sqrt(contraction / _MAX_CONTRACTION)), decel
            )
        running &= ~failed
        z[running] -= delta[running]
        decel = np.where(running, np.maximum(decel, np.sqrt(dist / _MAX_DIST)), decel)
        converged |= running & (dist <= _CORRECTOR_TOL)
        previous = dist
        if not bool((~(converged | failed)).any()):
            break
        sigma = softmax(z, live.games.offsets, live.games.shape)
        value = z - lam[:, None] * live.games.gains(sigma)
    accepted = converged & ~failed
    tangent = _times(corrector, live.games.gains(softmax(z, live.games.offsets, live.games.shape)))
    cosine = (np.einsum("ij,ij->i", tangent, live.tangent) + 1.0) / np.sqrt(
        ((tangent * tangent).sum(axis=1) + 1.0) * ((live.tangent**2).sum(axis=1) + 1.0)
    )
    sharp = accepted & ~(cosine >= _MIN_COS)
    live.turned |= sharp
    accepted &= ~sharp
    live.lam[accepted] = lam[accepted]
    live.z[accepted] = z[accepted]
    live.tangent[accepted] = tangent[accepted]
    live.steps += accepted
    live.step = np.where(accepted, live.step / np.minimum(decel, accel), live.step / accel)
    return accepted & (lam >= live.target)


def _polish(arrived: _Live, result: ChunkResult) -> None:
    """Full Newton steps at the target; points that do not converge are given up."""
    games, lam, z = arrived.games, arrived.lam, arrived.z.copy()
    converged = np.zeros(lam.size, dtype=bool)
    for _ in range(_POLISH_ITERATIONS):
        gains, jacobian = games.jacobian(softmax(z, games.offsets, games.shape), lam)
        corrector, good = inverse(jacobian)
        delta = np.where(good[:, None], _times(corrector, z - lam[:, None] * gains), np.nan)
        z -= np.where(converged[:, None], 0.0, delta)
        scale = np.maximum(1.0, np.abs(z).max(axis=1, initial=0.0))
        converged |= np.abs(delta).max(axis=1, initial=0.0) <= 1e-13 * scale
        if bool(converged.all()):
            break
    final = z - lam[:, None] * games.gains(softmax(z, games.offsets, games.shape))
    scale = np.maximum(1.0, np.abs(z).max(axis=1, initial=0.0))
    ok = np.isfinite(final).all(axis=1) & (np.abs(final).max(axis=1, initial=0.0) <= 1e-10 * scale)
    result.z[arrived.rows] = np.where(ok[:, None], z, np.nan)
    result.status[arrived.rows] = np.where(ok, ON_PATH, NOT_CONVERGED)
    result.steps[arrived.rows] = arrived.steps
