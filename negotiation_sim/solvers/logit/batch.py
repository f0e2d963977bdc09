"""Logit quantal response equilibria of a whole batch of games at once, verified point by point.

:func:`logit_qre_batch` gives, for every game of a batch laid out as sweeps build
them (payoffs ``(n, k_1, ..., k_n, B)``, the points last), the logit QRE at a given
precision on the principal branch: the same point as :func:`~.logit_qre` gives
game by game. The branches are followed in numpy arrays, every point with its own
step size (:mod:`._batch_path`); a point that meets a turning point of its branch,
or whose corrector fails, is redone by the per-game tracer, which passes turning
points. Every point returned is then verified independently of how it was found:
``sigma_i = softmax(lam * U_i(sigma_-i))`` to within ``tol`` (a difference of
probabilities; the option payoffs by ``einsum``, on the payoffs shifted and divided
per point as the path uses them, which leaves ``lam * U`` unchanged).

:mod:`.outcomes` turns the QRE into what noisy play predicts: the probability of
every profile and of every outcome (for instance of a deal).
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import GameError, NegotiationSimError
from ...game import DEFAULT_TOL, FloatArray, Game, MixedProfile, float_array, require_finite
from .._checks import check_count, check_tol
from ._batch_games import BatchGames, softmax
from ._batch_path import NOT_CONVERGED, ON_PATH, RESIDUAL, follow
from ._drive import qre_at
from ._layout import prepare

__all__ = [
    "BATCH_CHUNK",
    "BATCH_FIRST_STEP",
    "BATCH_MAX_STEPS",
    "REASONS",
    "QreBatch",
    "logit_qre_batch",
]

#: Points followed together (bounds the memory: about 20 kB per point for 4 actors of 3-4 options).
BATCH_CHUNK = 4096
#: First step in ``lam``, over each game's largest payoff range.
BATCH_FIRST_STEP = 1.0
#: Steps a point may take on the batched path before the per-game tracer redoes it.
BATCH_MAX_STEPS = 500
#: ``QreBatch.reason`` codes: why a point was redone by the per-game tracer ("" if it was not).
REASONS = (
    "",
    "turning point (det J <= 0, or the branch turned sharply)",
    "the steps vanished before the target (a turning point ahead)",
    "max_steps steps taken",
    "Newton's method did not converge at the target",
    "residual above tol",
)
# The per-game tracer's settings (those of logit_qre) for the points it redoes.
_FIRST_STEP, _MAX_ACCEL, _MAX_STEPS = 0.1, 2.0, 10_000


@dataclass(frozen=True, eq=False)
class QreBatch:
    """The logit QRE of every game of a batch, verified point by point.

    Attributes
    ----------
    lam : ndarray, shape (B,)
        Each point's precision, in its game's payoff units.
    strategies : tuple of ndarray
        One read-only array ``(B, k_i)`` per actor: its QRE strategy at each point
        (NaN where the point could not be verified).
    residual : ndarray, shape (B,)
        ``max |sigma_i - softmax(lam * U_i(sigma_-i))|`` over actors and options.
    verified : ndarray of bool, shape (B,)
        ``residual <= tol``.
    fallback : ndarray of bool, shape (B,)
        Points redone by the per-game tracer (:func:`~.logit_qre`).
    reason : ndarray of int8, shape (B,)
        Why, as an index into :data:`REASONS` (0 where the batched path was used).
    steps : ndarray of int, shape (B,)
        Steps each point took on the batched path.
    tol : float
    warnings : tuple of str
    """

    lam: FloatArray
    strategies: tuple[FloatArray, ...]
    residual: FloatArray
    verified: NDArray[np.bool_]
    fallback: NDArray[np.bool_]
    reason: NDArray[np.int8]
    steps: NDArray[np.intp]
    tol: float
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.lam.shape[0])

    def profile(self, point: int) -> MixedProfile:
        """The QRE at ``point``: one probability vector per actor."""
        return tuple(actor[point] for actor in self.strategies)


def logit_qre_batch(
    payoffs: ArrayLike,
    lam: ArrayLike,
    *,
    tol: float = DEFAULT_TOL,
    first_step: float = BATCH_FIRST_STEP,
    max_accel: float = 2.0,
    max_steps: int = BATCH_MAX_STEPS,
    chunk_size: int = BATCH_CHUNK,
) -> QreBatch:
    """The logit QRE at precision ``lam`` of every game of a batch, on the principal branch.

    Parameters
    ----------
    payoffs : array_like, shape (n, k_1, ..., k_n, B)
        ``B`` games of ``n`` actors, the points last (:meth:`Scenario.resolve`'s layout).
    lam : float or array_like, shape (B,)
        Precision, ``>= 0``, in payoff units (one for all points, or one per point).
    tol : float
        Largest residual ``|sigma_i - softmax(lam * U_i(sigma_-i))|`` accepted.
    first_step : float
        First step in ``lam`` times each game's largest payoff range of an actor.
    max_accel : float
        Largest factor, ``> 1``, by which a step may be longer than the last.
    max_steps : int
        Steps a point may take before the per-game tracer redoes it.
    chunk_size : int
        Points followed together.

    Returns
    -------
    QreBatch

    Examples
    --------
    Asymmetric matching pennies (as in :func:`~.logit_qre`) at ``lam`` 0, 1 and 10:

    >>> import numpy as np
    >>> pennies = np.array([[[9, 0], [0, 1]], [[0, 1], [1, 0]]], dtype=float)
    >>> batch = logit_qre_batch(np.repeat(pennies[..., None], 3, axis=-1), [0.0, 1.0, 10.0])
    >>> batch.strategies[0].round(4).tolist()
    [[0.5, 0.5], [0.8936, 0.1064], [0.6075, 0.3925]]
    >>> batch.strategies[1][1].round(4).tolist(), bool(batch.verified.all())
    ([0.3128, 0.6872], True)
    """
    array, shape, count = _checked_payoffs(payoffs)
    lams = _checked_lam(lam, count)
    tol = check_tol(tol)
    step = _positive("first_step", first_step)
    accel = _positive("max_accel", max_accel, above=1.0)
    steps_allowed = check_count(max_steps, "max_steps")
    chunk = check_count(chunk_size, "chunk_size")
    active = [i for i, k in enumerate(shape) if k > 1]
    index = tuple(slice(None) if k > 1 else 0 for k in shape)
    if len(active) == len(shape):
        reduced = array  # a view: a copy of a large batch would cost as much as a chunk's work
    else:
        reduced = array[(active, *index)] if active else np.zeros((0, count))
    strategies = [np.ones((count, k)) for k in shape]
    reason = np.zeros(count, dtype=np.int8)
    steps = np.zeros(count, dtype=np.intp)
    residual = np.zeros(count)
    settings = _Settings(step, accel, steps_allowed)
    for lo in range(0, count if active else 0, chunk):
        part = slice(lo, min(lo + chunk, count))
        found = _chunk(reduced[..., part], lams[part], settings)
        for position, actor in enumerate(active):
            strategies[actor][part] = found.sigma[position]
        reason[part], steps[part], residual[part] = found.reason, found.steps, found.residual
    reason[(reason == ON_PATH) & ~(residual <= tol)] = RESIDUAL
    redo = np.flatnonzero(reason != ON_PATH)
    for point in redo.tolist():
        _redo(array[..., point], float(lams[point]), point, strategies, active)
    if redo.size:
        normal, target = _normalised(reduced[..., redo], lams[redo])
        residual[redo] = _residual(normal, target, [strategies[i][redo] for i in active])
    verified = residual <= tol
    warnings = _warnings(verified, residual, tol)
    for vector in strategies:
        vector[~verified] = np.nan
        vector.setflags(write=False)
    return QreBatch(
        _frozen(lams), tuple(strategies), _frozen(residual), _frozen(verified),
        _frozen(reason != ON_PATH), _frozen(reason), _frozen(steps), tol, warnings,
    )  # fmt: skip


class _Settings(NamedTuple):
    first_step: float
    max_accel: float
    max_steps: int


class _Found(NamedTuple):
    sigma: list[FloatArray]
    reason: NDArray[np.int8]
    steps: NDArray[np.intp]
    residual: FloatArray


def _chunk(reduced: FloatArray, lams: FloatArray, settings: _Settings) -> _Found:
    """One chunk of points: normalised, followed to its targets, and checked."""
    normal, target = _normalised(reduced, lams)
    finite = np.isfinite(target)
    run = follow(
        BatchGames(normal),
        np.where(finite, target, 0.0),
        first_step=settings.first_step,
        max_accel=settings.max_accel,
        max_steps=settings.max_steps,
    )
    run.status[~finite] = NOT_CONVERGED
    shape = tuple(int(k) for k in reduced.shape[1:-1])
    offsets = [sum(k - 1 for k in shape[:m]) for m in range(len(shape))]
    sigma = softmax(run.z, offsets, shape)
    return _Found(sigma, run.status, run.steps, _residual(normal, target, sigma))


_A = TypeVar("_A", bound=NDArray[Any])


def _frozen(array: _A) -> _A:
    array.setflags(write=False)
    return array


def _positive(name: str, value: object, *, above: float = 0.0) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number > above):
        raise GameError(f"{name}: expected a finite number > {above:g}, got {value!r}")
    return number


def _checked_payoffs(payoffs: ArrayLike) -> tuple[FloatArray, tuple[int, ...], int]:
    expected = "a payoff array of shape (n, k_1, ..., k_n, B)"
    array = float_array(payoffs, "payoffs", expected)
    if array.ndim < 3 or array.shape[0] != array.ndim - 2 or 0 in array.shape[1:-1]:
        raise GameError(f"payoffs: expected {expected}, got shape {array.shape}")
    require_finite(array, "payoffs")
    return array, tuple(int(k) for k in array.shape[1:-1]), int(array.shape[-1])


def _checked_lam(lam: ArrayLike, count: int) -> FloatArray:
    values = float_array(lam, "lam", f"a number or {count} numbers >= 0")
    if values.ndim > 1 or (values.ndim == 1 and values.shape[0] not in (1, count)):
        raise GameError(f"lam: expected a number or {count} numbers, got shape {values.shape}")
    require_finite(values, "lam")
    if bool((values < 0).any()):
        raise GameError(f"lam: expected numbers >= 0, got {float(values.min())}")
    return np.array(np.broadcast_to(values, (count,)), dtype=np.float64)


def _normalised(reduced: FloatArray, lams: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Payoffs shifted and divided, per point, by the largest payoff range of an actor (as
    :func:`._layout.prepare` does per game), and each point's precision in those units."""
    if reduced.shape[0] == 0:
        return reduced, np.zeros_like(lams)
    profiles = tuple(range(1, reduced.ndim - 1))
    highs, lows = reduced.max(axis=profiles), reduced.min(axis=profiles)  # (n, B)
    _, e = np.frexp(np.maximum(np.abs(highs), np.abs(lows)).max(axis=0))
    factor = np.exp2(-(e - 1.0))  # a power of two: multiplying by it is exact
    lows = lows * factor
    span = (highs * factor - lows).max(axis=0)
    span = np.where(span > 0, span, 1.0)
    normal = (reduced * factor - lows.reshape(lows.shape[0], *[1] * len(profiles), -1)) / span
    with np.errstate(over="ignore"):
        target = lams * span / factor
    return normal, target


def _residual(normal: FloatArray, target: FloatArray, sigma: list[FloatArray]) -> FloatArray:
    """``max |sigma_i - softmax(lam * U_i)|`` per point, the option payoffs by ``einsum``."""
    n, count = normal.shape[0], normal.shape[-1]
    worst = np.zeros(count)
    letters = string.ascii_letters[:n]
    for i in range(n):
        others = [m for m in range(n) if m != i]
        spec = ",".join([f"{letters}Z", *(f"Z{letters[m]}" for m in others)]) + f"->Z{letters[i]}"
        values = np.einsum(spec, normal[i], *(sigma[m] for m in others)) * target[:, None]
        with np.errstate(invalid="ignore"):
            values -= values.max(axis=1, keepdims=True)
            weights = np.exp(values)
            gap = np.abs(sigma[i] - weights / weights.sum(axis=1, keepdims=True)).max(axis=1)
        worst = np.fmax(worst, np.where(np.isfinite(gap), gap, np.inf))
    return worst


def _redo(
    game: FloatArray, lam: float, point: int, strategies: list[FloatArray], active: list[int]
) -> None:
    """The per-game tracer's QRE of one point (NaN if it cannot be traced)."""
    try:
        profile, _ = qre_at(
            prepare(Game(game)),
            lam,
            first_step=_FIRST_STEP,
            max_accel=_MAX_ACCEL,
            max_steps=_MAX_STEPS,
        )
    except NegotiationSimError:
        for actor in active:
            strategies[actor][point] = np.nan
        return
    for actor in active:
        strategies[actor][point] = profile[actor]


def _warnings(verified: NDArray[np.bool_], residual: FloatArray, tol: float) -> tuple[str, ...]:
    failed = np.flatnonzero(~verified)
    if not failed.size:
        return ()
    shown = ", ".join(str(int(p)) for p in failed[:5]) + (", ..." if failed.size > 5 else "")
    return (
        f"logit QRE: {failed.size} point(s) not verified (residual above tol {tol:g}, or the "
        f"branch could not be traced), their strategies are NaN: points {shown}; largest "
        f"residual {float(np.max(residual[failed])):.3g}",
    )
