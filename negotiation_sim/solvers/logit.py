"""Logit quantal response equilibria and the Nash equilibrium their principal branch selects.

In a logit quantal response equilibrium (QRE) at precision ``lam >= 0``
(McKelvey & Palfrey 1995, "Quantal response equilibria for normal form games",
*Games and Economic Behavior* 10) every actor plays each option with a
probability that grows exponentially with its expected payoff against the
others::

    sigma_ij = exp(lam * U_ij(sigma)) / sum_m exp(lam * U_im(sigma)),

where ``U_ij(sigma)`` is the payoff of actor ``i``'s option ``j`` against the
others' mixed strategies. At ``lam = 0`` everyone plays uniformly; as
``lam -> infinity`` QRE approach Nash equilibria. For generic games the QRE
form a unique smooth curve from the uniform profile at ``lam = 0``, the
*principal branch*, that converges to one Nash equilibrium: the logit
selection (Turocy 2005, "A dynamic homotopy interpretation of the logistic
quantal response equilibrium correspondence", *Games and Economic Behavior* 51).

Path following
--------------
As in Gambit's ``logit`` (Turocy 2005), the branch is traced in the space of
``x = (log sigma, lam)`` as the zero set of ``H(x) = 0`` with, for each actor
``i``, one equation ``sum_j sigma_ij - 1`` and, for each option ``j >= 1``,
``log sigma_ij - log sigma_i0 - lam (U_ij - U_i0)``: ``N`` equations in
``N + 1`` unknowns, a curve. An Euler predictor along the unit tangent (the
null vector of the Jacobian, from a QR decomposition) is followed by a
Gauss-Newton corrector with the Jacobian of the predicted point (Allgower &
Georg 1990, *Numerical Continuation Methods*, ch. 6); the arc-length step
grows by up to ``max_accel`` after an easy correction and shrinks after a
hard or rejected one. Arc length lets the path turn back in ``lam`` (a fold),
and the tangent is oriented to agree with the previous one, so the tracer
also steps straight over a simple bifurcation point instead of turning round
(the failure of pygambit 16.7.0 on Gambit's ``contrib/games/2x2x2.nfg``,
Gambit issue #492). Payoffs are first normalised by the largest payoff range
of any actor, so steps and thresholds do not depend on the payoff unit, and
actors with a single option are fixed.

Polishing
---------
Probabilities of options outside the limiting equilibrium's support decay like
``exp(-lam * gap)``; those inside converge like ``1/lam``. Once the path has
settled (``sigma`` changes by less than 5% per unit of ``log lam``, with
``lam`` at least 10 over the payoff range), the support is read off the log
probabilities and the equilibrium conditions on that support (indifference
between the support options, probabilities summing to one) are solved by
Newton's method. The result is kept only if it is within four times that rate
of the QRE point, has no option outside the support that pays more, and
passes :func:`~negotiation_sim.solvers.result.verified_equilibria`. Otherwise
tracing continues; at the end (``max_lambda`` or a stalled tracer) neighbouring
supports are tried too, and if nothing verifies no equilibrium is returned,
with a warning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import GameError
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
# Polishing is first tried at this lambda (times the payoff range).
_POLISH_FROM = 10.0
# ... once sigma moves less than this per unit of log lambda.
_SETTLED = 0.05
# Corrector constants (Allgower & Georg 1990, as in Gambit's path.cc).
_CORRECTOR_TOL = 1e-7
_MAX_DIST = 0.4
_MAX_CONTRACTION = 0.6
_ETA = 0.1
_MAX_CORRECTOR_ITER = 30
_MIN_STEP = 1e-9
_MIN_COS = 0.5  # reject a step whose tangent turns by more than 60 degrees
# Support thresholds on log(sigma_max / sigma_ij) tried when polishing.
_SUPPORT_CUTS = (4.0, 10.0, 25.0)


# -- evaluation of option payoffs and their derivatives -----------------------------------------
class _Layout:
    """Index arrays for a payoff tensor: option payoffs, their derivatives, the Jacobian.

    Options of all actors are numbered globally (actor 0's first, ...). For the
    ordered pair of actors ``(i, l)``, ``D_il[j, m]`` is the derivative of
    ``U_ij`` with respect to ``sigma_lm``: the payoff tensor of ``i``
    contracted with every actor's strategy but ``i``'s and ``l``'s. All pairs
    are computed by one masked product and one ``bincount`` over the profiles,
    so the cost is a handful of numpy calls whatever the number of actors.
    """

    def __init__(self, payoffs: FloatArray) -> None:
        n = int(payoffs.shape[0])
        shape = tuple(int(k) for k in payoffs.shape[1:])
        sizes = np.array(shape, dtype=np.intp)
        profiles = math.prod(shape)
        self.n = n
        self.shape = shape
        self.offsets: IntArray = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        self.size = int(sizes.sum())
        self.actor_of: IntArray = np.repeat(np.arange(n), sizes)
        options = np.indices(shape).reshape(n, profiles)
        self.glob: IntArray = options + self.offsets[:, None]
        self.u: FloatArray = np.ascontiguousarray(payoffs.reshape(n, profiles))
        self.one_mask = np.eye(n, dtype=bool)[:, :, None]
        self.glob_flat: IntArray = self.glob.ravel()
        # Ratio rows: option j >= 1 of actor i, compared with option 0 of i.
        first = np.zeros(self.size, dtype=bool)
        first[self.offsets] = True
        self.ratio: IntArray = np.flatnonzero(~first)
        self.base: IntArray = self.offsets[self.actor_of[self.ratio]]
        # Ordered pairs of distinct actors and the blocks D_il, stored flat.
        pairs = [(i, m) for i in range(n) for m in range(n) if i != m]
        self.pair_i: IntArray = np.array([p[0] for p in pairs], dtype=np.intp)
        self.pair_l: IntArray = np.array([p[1] for p in pairs], dtype=np.intp)
        arange = np.arange(n)
        self.two_mask = (
            (arange[None, :] == self.pair_i[:, None]) | (arange[None, :] == self.pair_l[:, None])
        )[:, :, None]
        block = sizes[self.pair_i] * sizes[self.pair_l]
        block_off = np.concatenate([[0], np.cumsum(block)[:-1]]).astype(np.intp)
        self.dsize = int(block.sum())
        self.pair_target: IntArray = (
            block_off[:, None]
            + options[self.pair_i] * sizes[self.pair_l][:, None]
            + options[self.pair_l]
        ).ravel()
        self.pair_u: FloatArray = self.u[self.pair_i]
        # Entries of the Jacobian rows of U_ij - U_i0 (j >= 1) in the columns of other actors.
        rows, cols, src, ref = [], [], [], []
        for p, (i, m) in enumerate(pairs):
            ki, km = shape[i], shape[m]
            j, c = np.meshgrid(np.arange(1, ki), np.arange(km), indexing="ij")
            rows.append((self.offsets[i] + j).ravel())
            cols.append((self.offsets[m] + c).ravel())
            src.append((block_off[p] + j * km + c).ravel())
            ref.append((block_off[p] + c).ravel())
        empty = np.zeros(0, dtype=np.intp)
        self.jac_rows: IntArray = np.concatenate(rows) if rows else empty
        self.jac_cols: IntArray = np.concatenate(cols) if cols else empty
        self.jac_src: IntArray = np.concatenate(src) if src else empty
        self.jac_ref: IntArray = np.concatenate(ref) if ref else empty
        # Option payoffs from one block per actor: U_ij = sum_m D_il[j, m] sigma_lm, l = next actor.
        u_dest, u_src, u_col = [], [], []
        for i in range(n if n > 1 else 0):
            m = (i + 1) % n
            p = pairs.index((i, m))
            ki, km = shape[i], shape[m]
            j, c = np.meshgrid(np.arange(ki), np.arange(km), indexing="ij")
            u_dest.append((self.offsets[i] + j).ravel())
            u_src.append((block_off[p] + j * km + c).ravel())
            u_col.append((self.offsets[m] + c).ravel())
        self.u_dest: IntArray = np.concatenate(u_dest) if u_dest else empty
        self.u_src: IntArray = np.concatenate(u_src) if u_src else empty
        self.u_col: IntArray = np.concatenate(u_col) if u_col else empty
        # Sum-to-one rows: row offsets[i], columns of actor i.
        self.sum_rows: IntArray = self.offsets[self.actor_of]
        self.all_cols: IntArray = np.arange(self.size)

    def option_payoffs(self, sigma: FloatArray) -> FloatArray:
        """``U`` (global option order) at the flat profile ``sigma``."""
        if self.n == 1:
            return self.u[0].copy()
        weights = np.where(self.one_mask, 1.0, sigma[self.glob][None]).prod(axis=1)
        values: FloatArray = np.bincount(
            self.glob_flat, weights=(self.u * weights).ravel(), minlength=self.size
        )
        return values

    def derivatives(self, sigma: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(U, D)``: option payoffs and the flat blocks ``D_il``."""
        if self.n == 1:
            return self.u[0].copy(), np.zeros(0)
        weights = np.where(self.two_mask, 1.0, sigma[self.glob][None]).prod(axis=1)
        blocks: FloatArray = np.bincount(
            self.pair_target, weights=(self.pair_u * weights).ravel(), minlength=self.dsize
        )
        values: FloatArray = np.bincount(
            self.u_dest, weights=blocks[self.u_src] * sigma[self.u_col], minlength=self.size
        )
        return values, blocks

    def actor_sums(self, sigma: FloatArray) -> FloatArray:
        sums: FloatArray = np.bincount(self.actor_of, weights=sigma, minlength=self.n)
        return sums

    def regret(self, sigma: FloatArray) -> float:
        values = self.option_payoffs(sigma)
        best = np.maximum.reduceat(values, self.offsets)
        expected = np.bincount(self.actor_of, weights=values * sigma, minlength=self.n)
        return float((best - expected).max())


class _Homotopy:
    """``H(x) = 0`` with ``x = (log sigma, lam)`` on normalised payoffs, and its Jacobian."""

    def __init__(self, layout: _Layout) -> None:
        self.layout = layout
        size = layout.size
        template = np.zeros((size, size + 1))
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

    def value_and_jacobian(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        lay = self.layout
        logs, lam = x[:-1], x[-1]
        sigma = np.exp(logs)
        values, blocks = lay.derivatives(sigma)
        diff = values[lay.ratio] - values[lay.base]
        out = np.empty(lay.size)
        out[lay.offsets] = lay.actor_sums(sigma) - 1.0
        out[lay.ratio] = logs[lay.ratio] - logs[lay.base] - lam * diff
        jac = self.template.copy()
        jac[lay.sum_rows, lay.all_cols] = sigma
        jac[lay.jac_rows, lay.jac_cols] = (
            -lam * (blocks[lay.jac_src] - blocks[lay.jac_ref]) * sigma[lay.jac_cols]
        )
        jac[lay.ratio, -1] = -diff
        return out, jac


def _augmented_inverse(jac: FloatArray, tangent: FloatArray) -> FloatArray | None:
    """Inverse of ``[jac; tangent]``, or ``None`` if it is singular or not finite."""
    try:
        inverse = np.linalg.inv(np.vstack([jac, tangent]))
    except np.linalg.LinAlgError:
        return None
    return inverse if bool(np.isfinite(inverse).all()) else None


# -- the tracer ----------------------------------------------------------------------------------
class _Tracer:
    """Predictor-corrector path follower for ``H(x) = 0`` from ``x = start``, lambda increasing."""

    def __init__(self, homotopy: _Homotopy, first_step: float, max_accel: float) -> None:
        self.homotopy = homotopy
        self.max_accel = max_accel
        self.x = homotopy.start()
        _, jac = homotopy.value_and_jacobian(self.x)
        # At lam = 0 the Jacobian's last column is the only one not fixed by the start, so
        # augmenting with e_lam gives the tangent pointing towards increasing lam.
        direction = np.zeros(self.x.size)
        direction[-1] = 1.0
        inverse = _augmented_inverse(jac, direction)
        assert inverse is not None
        tangent = inverse[:, -1]
        self.t = tangent / np.sqrt(tangent @ tangent)
        self.h = first_step
        self.steps = 0
        self.turns = 0
        self.points: list[FloatArray] = [self.x.copy()]

    @property
    def lam(self) -> float:
        return float(self.x[-1])

    def step(self) -> bool:
        """Take one accepted step; ``False`` if the step size fell below the minimum.

        Predictor along the tangent, then a chord-Newton corrector in the hyperplane
        orthogonal to the tangent (pseudo-arclength, Keller 1977), with the Jacobian of the
        predicted point. The new tangent solves ``J z = 0, t . z = 1``, so it keeps the old
        orientation: the tracer goes round folds and straight over simple bifurcations.
        """
        accel = self.max_accel
        while self.h >= _MIN_STEP:
            u = self.x + self.h * self.t
            value, jac = self.homotopy.value_and_jacobian(u)
            inverse = _augmented_inverse(jac, self.t)
            if inverse is None:
                self.h /= accel
                continue
            tangent = inverse[:, -1]
            norm = float(np.sqrt(tangent @ tangent))
            if 1.0 / norm < _MIN_COS:  # cosine of the angle between old and new tangents
                self.h /= accel
                continue
            tangent = tangent / norm
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
            if not accepted:
                self.h /= accel
                continue
            if (tangent[-1] > 0) != (self.t[-1] > 0):
                self.turns += 1
            self.x = u
            self.t = tangent
            self.h /= min(decel, accel)
            self.steps += 1
            self.points.append(u.copy())
            return True
        return False

    def settle_rate(self) -> float:
        """How fast ``sigma`` moves per unit of ``log lam`` here (infinite if lam is falling)."""
        dlam = float(self.t[-1])
        if dlam <= 0 or self.lam <= 0:
            return math.inf
        moves = np.exp(self.x[:-1]) * self.t[:-1]
        return float(np.abs(moves).max()) * self.lam / dlam


def _correct_at(homotopy: _Homotopy, x: FloatArray, lam: float) -> FloatArray | None:
    """Newton's method on ``H(., lam) = 0`` from ``x``; ``None`` if it does not converge."""
    x = x.copy()
    x[-1] = lam
    for _ in range(60):
        value, jac = homotopy.value_and_jacobian(x)
        try:
            delta = np.linalg.solve(jac[:, :-1], value)
        except np.linalg.LinAlgError:
            delta = np.linalg.lstsq(jac[:, :-1], value, rcond=None)[0]
        if not np.all(np.isfinite(delta)):
            return None
        x[:-1] -= delta
        if float(np.abs(delta).max()) <= 1e-13 * max(1.0, float(np.abs(x[:-1]).max())):
            return x
    final = homotopy.value(x)
    return x if float(np.abs(final).max()) <= 1e-10 else None


# -- games: reduction to actors with a choice, normalisation -------------------------------------
@dataclass(frozen=True)
class _Prepared:
    game: Game
    active: tuple[int, ...]  # actors with at least two options
    scale: float  # payoffs were divided by this (largest payoff range of any actor)
    layout: _Layout | None  # None when no actor has a choice

    def lift(self, sigma: FloatArray) -> MixedProfile:
        """Full profile (inactive actors play their only option) from the flat active one."""
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
    payoffs = game.payoffs
    spans = payoffs.reshape(game.n_actors, -1)
    ranges = spans.max(axis=1) - spans.min(axis=1)
    scale = float(ranges[list(active)].max()) if active else 0.0
    if not scale > 0:
        scale = 1.0
    if not active:
        return _Prepared(game, active, scale, None)
    # Drop the axes of actors without a choice, then keep the active actors' tensors.
    index = tuple(slice(None) if k > 1 else 0 for k in game.shape)
    reduced = payoffs[(list(active), *index)]
    lows = reduced.reshape(len(active), -1).min(axis=1)
    normalised = (reduced - lows.reshape((-1,) + (1,) * len(active))) / scale
    return _Prepared(game, active, scale, _Layout(np.ascontiguousarray(normalised)))


def _check_positive(name: str, value: Any, *, minimum: float = 0.0, strict: bool = True) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    ok = number > minimum if strict else number >= minimum
    if not (ok and math.isfinite(number)):
        relation = ">" if strict else ">="
        raise GameError(f"{name}: expected a finite number {relation} {minimum:g}, got {value!r}")
    return number


def _check_steps(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise GameError(f"max_steps: expected a positive integer, got {value!r}")
    return int(value)


# -- polishing -----------------------------------------------------------------------------------
def _support_guesses(layout: _Layout, logs: FloatArray, neighbours: bool) -> list[list[IntArray]]:
    """Candidate supports (per actor, best option first) from log probabilities."""
    per_actor = []
    for i in range(layout.n):
        start, k = int(layout.offsets[i]), layout.shape[i]
        own = logs[start : start + k]
        order = np.argsort(-own, kind="stable")
        per_actor.append((order, own[order[0]] - own[order]))
    guesses: list[list[IntArray]] = []
    seen: set[tuple[tuple[int, ...], ...]] = set()

    def add(sizes: Sequence[int]) -> None:
        support = [np.sort(order[:s]) for (order, _), s in zip(per_actor, sizes, strict=True)]
        # The best option first: the reference of the indifference equations.
        support = [
            np.concatenate([[order[0]], sup[sup != order[0]]]).astype(np.intp)
            for (order, _), sup in zip(per_actor, support, strict=True)
        ]
        key = tuple(tuple(int(j) for j in s) for s in support)
        if key not in seen:
            seen.add(key)
            guesses.append(support)

    base = None
    for cut in _SUPPORT_CUTS:
        sizes = [int(np.count_nonzero(gaps <= cut)) for _, gaps in per_actor]
        base = base if base is not None else sizes
        add(sizes)
    if neighbours:
        middle = [int(np.count_nonzero(gaps <= _SUPPORT_CUTS[1])) for _, gaps in per_actor]
        for i in range(layout.n):
            for change in (-1, 1):
                sizes = list(middle)
                sizes[i] += change
                if 1 <= sizes[i] <= layout.shape[i]:
                    add(sizes)
        add([1] * layout.n)
    return guesses


def _polish_on(layout: _Layout, sigma: FloatArray, support: list[IntArray]) -> FloatArray | None:
    """Solve the equilibrium conditions on ``support`` by Newton's method from ``sigma``."""
    kept = [layout.offsets[i] + s for i, s in enumerate(support)]
    if all(s.size == 1 for s in support):
        pure = np.zeros(layout.size)
        pure[np.concatenate(kept)] = 1.0
        return pure
    payoffs = layout.u.reshape((layout.n, *layout.shape))[np.ix_(range(layout.n), *support)]
    sub = _Layout(payoffs)
    p = np.concatenate([sigma[k] for k in kept])
    p = p / sub.actor_sums(p)[sub.actor_of]
    if sub.ratio.size:
        template = np.zeros((sub.size, sub.size))
        template[sub.sum_rows, sub.all_cols] = 1.0
        residual = math.inf
        for _ in range(40):
            values, blocks = sub.derivatives(p)
            f = np.empty(sub.size)
            f[sub.offsets] = sub.actor_sums(p) - 1.0
            f[sub.ratio] = values[sub.ratio] - values[sub.base]
            residual = float(np.abs(f).max())
            if residual <= 1e-14:
                break
            jac = template.copy()
            jac[sub.jac_rows, sub.jac_cols] = blocks[sub.jac_src] - blocks[sub.jac_ref]
            delta = np.linalg.lstsq(jac, f, rcond=None)[0]
            if not np.all(np.isfinite(delta)) or float(np.abs(delta).max()) > 10:
                return None
            p = p - delta
        if residual > 1e-11:
            return None
    if float(p.min()) < -1e-12:
        return None
    full = np.zeros(layout.size)
    for k, start, stop in zip(kept, sub.offsets, [*sub.offsets[1:], sub.size], strict=True):
        full[k] = np.clip(p[start:stop], 0.0, None)
    full /= layout.actor_sums(full)[layout.actor_of]
    return full


def _polish(
    prepared: _Prepared, x: FloatArray, tol: float, *, reach: float, neighbours: bool
) -> tuple[Equilibrium, tuple[str, ...]] | None:
    """A verified equilibrium within ``reach`` (max norm) of the QRE point ``x``, if one is found."""
    layout = prepared.layout
    assert layout is not None
    sigma = np.exp(x[:-1])
    inner = 0.5 * tol / prepared.scale
    for support in _support_guesses(layout, x[:-1], neighbours):
        candidate = _polish_on(layout, sigma, support)
        if candidate is None or float(np.abs(candidate - sigma).max()) > reach:
            continue
        if layout.regret(candidate) > inner:
            continue
        profile = prepared.lift(candidate)
        equilibria, warnings = verified_equilibria(prepared.game, [profile], tol)
        if equilibria:
            return equilibria[0], warnings
    return None


# -- public API ----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LogitPath:
    """Points of the principal branch of the logit QRE correspondence, for plotting.

    Attributes
    ----------
    game : Game
        The game whose branch was traced.
    lambdas : ndarray, shape (m,)
        Precision ``lam`` of each point, in the game's payoff units (read-only).
        Starts at 0; mostly increasing, but it falls back where the branch
        folds.
    profiles : tuple of ndarray
        One array per actor, shape ``(m, k_i)``: ``profiles[i][p]`` is actor
        ``i``'s QRE strategy at point ``p`` (read-only).
    """

    game: Game
    lambdas: FloatArray
    profiles: tuple[FloatArray, ...]

    def __len__(self) -> int:
        return int(self.lambdas.shape[0])

    def profile(self, point: int) -> MixedProfile:
        """The QRE profile at point ``point`` (one probability vector per actor)."""
        return tuple(p[point] for p in self.profiles)


@dataclass
class _Run:
    prepared: _Prepared
    tracer: _Tracer | None
    equilibrium: Equilibrium | None
    warnings: tuple[str, ...]
    reason: str


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
    """Trace the principal branch up to ``cap`` (normalised lambda), polishing on the way."""
    layout = prepared.layout
    if layout is None:
        profile = prepared.lift(np.zeros(0))
        equilibria, warnings = verified_equilibria(prepared.game, [profile], tol)
        found = equilibria[0] if equilibria else None
        return _Run(prepared, None, found, warnings, "no actor has a choice")
    tracer = _Tracer(_Homotopy(layout), first_step, max_accel)
    last_lam = 0.0
    last_guess: list[tuple[int, ...]] | None = None
    reason = f"lambda reached {cap / prepared.scale:.6g}"
    while tracer.lam < cap:
        if tracer.steps >= max_steps:
            reason = f"stopped after max_steps={max_steps} steps"
            break
        if not tracer.step():
            reason = "the step size fell below its minimum (the tracer stalled)"
            break
        if tracer.lam < 0:
            reason = "the branch turned back below lambda = 0"
            break
        if not polish or tracer.lam < _POLISH_FROM:
            continue
        rate = tracer.settle_rate()
        if rate > _SETTLED:
            continue
        guess = _support_key(layout, tracer.x)
        if guess == last_guess and tracer.lam < 2 * last_lam:
            continue
        last_guess, last_lam = guess, tracer.lam
        found = _polish(prepared, tracer.x, tol, reach=4 * rate + 1e-9, neighbours=False)
        if found is not None:
            return _Run(prepared, tracer, found[0], found[1], "polished")
    if not polish:
        return _Run(prepared, tracer, None, (), reason)
    found = _polish(prepared, tracer.x, tol, reach=0.05, neighbours=True)
    if found is not None:
        return _Run(prepared, tracer, found[0], found[1], "polished at the end of the path")
    warning = (
        f"logit: no verified equilibrium near the end of the principal branch ({reason}, "
        f"lambda = {tracer.lam / prepared.scale:.6g}, regret there "
        f"{layout.regret(np.exp(tracer.x[:-1])) * prepared.scale:.3g} > tol {tol:g})"
    )
    return _Run(prepared, tracer, None, (warning,), reason)


def _support_key(layout: _Layout, x: FloatArray) -> list[tuple[int, ...]]:
    logs = x[:-1]
    key = []
    for i in range(layout.n):
        start, k = int(layout.offsets[i]), layout.shape[i]
        own = logs[start : start + k]
        key.append(tuple(int(j) for j in np.flatnonzero(own >= own.max() - _SUPPORT_CUTS[1])))
    return key


def _qre_at(
    prepared: _Prepared, lam: float, *, first_step: float, max_accel: float, max_steps: int
) -> tuple[MixedProfile, int]:
    """QRE on the principal branch at ``lam`` (game units): first crossing of that lambda."""
    layout = prepared.layout
    target = lam * prepared.scale
    if layout is None or target == 0:
        sizes = prepared.game.shape
        uniform = tuple(np.full(k, 1.0 / k) for k in sizes)
        for vector in uniform:
            vector.setflags(write=False)
        return uniform, 0
    homotopy = _Homotopy(layout)
    tracer = _Tracer(homotopy, first_step, max_accel)
    while tracer.lam < target:
        previous, before = tracer.x.copy(), tracer.lam
        if tracer.steps >= max_steps or not tracer.step():
            raise GameError(
                f"lam: the principal branch could not be traced to lambda = {lam:g} "
                f"(stopped at lambda = {tracer.lam / prepared.scale:.6g} after {tracer.steps} steps)"
            )
        if tracer.lam >= target:
            # Start Newton at fixed lambda from the chord between the two points.
            share = (target - before) / (tracer.lam - before)
            start = previous + share * (tracer.x - previous)
            point = _correct_at(homotopy, start, target)
            if point is None:
                point = _correct_at(homotopy, tracer.x, target)
            if point is None:
                raise GameError(f"lam: Newton's method failed at lambda = {lam:g}")
            return prepared.lift(np.exp(point[:-1])), tracer.steps
    raise AssertionError("unreachable")  # pragma: no cover


def _options(
    first_step: Any, max_accel: Any, max_steps: Any, max_lambda: Any
) -> tuple[float, float, int, float | None]:
    step = _check_positive("first_step", first_step)
    accel = _check_positive("max_accel", max_accel, minimum=1.0)
    steps = _check_steps(max_steps)
    top = None if max_lambda is None else _check_positive("max_lambda", max_lambda)
    return step, accel, steps, top


def logit_qre(
    game: Game,
    lam: float,
    *,
    first_step: float = DEFAULT_FIRST_STEP,
    max_accel: float = DEFAULT_MAX_ACCEL,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> MixedProfile:
    """The logit QRE at precision ``lam`` on the principal branch.

    Traces the branch from ``lam = 0`` and solves the QRE equations at ``lam``
    exactly (Newton's method, to machine precision). Where the branch folds
    back, several QRE on it share one ``lam``; this returns the first one
    reached from ``lam = 0``.

    Parameters
    ----------
    game : Game
    lam : float
        Precision, ``>= 0``, in inverse payoff units (multiplying every payoff
        by ``c`` has the same effect as multiplying ``lam`` by ``c``).
    first_step, max_accel, max_steps
        Tracer settings, as in :func:`solve_logit`.

    Returns
    -------
    tuple of ndarray
        One probability vector per actor (read-only), with
        ``sigma_i = softmax(lam * game.option_payoffs(sigma, i))``.

    Raises
    ------
    GameError
        If ``lam`` is negative or not finite, or the branch cannot be traced
        that far.

    Examples
    --------
    In the stag hunt, noisy players lean towards the safe option (hare) more
    and more as ``lam`` grows:

    >>> from negotiation_sim import Game
    >>> stag_hunt = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> [s.round(4).tolist() for s in logit_qre(stag_hunt, 0.0)]
    [[0.5, 0.5], [0.5, 0.5]]
    >>> [s.round(4).tolist() for s in logit_qre(stag_hunt, 2.0)]
    [[0.0751, 0.9249], [0.0751, 0.9249]]
    """
    prepared = _prepare(game)
    target = _check_positive("lam", lam, strict=False)
    step, accel, steps, _ = _options(first_step, max_accel, max_steps, None)
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
        Trace until ``lam`` reaches this value (the last point is solved at
        exactly ``max_lambda``). By default trace until :func:`solve_logit`
        would stop: once the limit equilibrium is identified, or at
        ``1e8`` over the largest payoff range of any actor.
    tol : float
        Regret tolerance of the polished equilibrium that ends the default trace.
    first_step, max_accel, max_steps
        Tracer settings, as in :func:`solve_logit`.

    Returns
    -------
    LogitPath

    Examples
    --------
    >>> from negotiation_sim import Game
    >>> stag_hunt = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> path = logit_path(stag_hunt, max_lambda=5.0)
    >>> float(path.lambdas[0]), float(path.lambdas[-1])
    (0.0, 5.0)
    >>> path.profiles[0][0].tolist(), path.profiles[0][-1].round(4).tolist()
    ([0.5, 0.5], [0.0, 1.0])
    """
    prepared = _prepare(game)
    step, accel, steps, top = _options(first_step, max_accel, max_steps, max_lambda)
    tol = _check_positive("tol", tol, strict=False)
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
            homotopy = run.tracer.homotopy
            before, after = points[-2], points[-1]
            share = (cap - before[-1]) / (after[-1] - before[-1])
            exact = _correct_at(homotopy, before + share * (after - before), cap)
            if exact is not None:
                points[-1] = exact
    lambdas = np.array([p[-1] for p in points]) / prepared.scale
    lambdas.setflags(write=False)
    per_point = [prepared.lift(np.exp(p[:-1])) for p in points]
    profiles = []
    for i in range(game.n_actors):
        stacked = np.array([prof[i] for prof in per_point])
        stacked.setflags(write=False)
        profiles.append(stacked)
    return LogitPath(game, lambdas, tuple(profiles))


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
    """The Nash equilibrium selected by the logit QRE principal branch (any number of actors).

    Traces the principal branch from uniform play at ``lam = 0`` (see the
    module docstring) and polishes its limit into an exact equilibrium, which
    is returned only if it passes the regret check. Works for any number of
    actors, including actors with a single option.

    Parameters
    ----------
    game : Game
    tol : float
        Regret tolerance of the returned equilibrium.
    lam : float, optional
        If given, compute the quantal response equilibrium at this precision
        instead (see :func:`logit_qre`). It is not a Nash equilibrium, so it is
        returned as ``parameters["qre"]`` (a tuple of probability vectors) with
        ``equilibria == ()`` and a warning saying so.
    max_lambda : float, optional
        Give up at this precision (game payoff units). Default ``1e8`` over the
        largest payoff range of any actor.
    first_step : float
        Arc length of the first step, in normalised units.
    max_accel : float
        Largest factor, ``> 1``, by which the step may grow from one step to the next.
    max_steps : int
        Most accepted steps.

    Returns
    -------
    SolverResult
        Method ``"logit"``, at most one equilibrium. ``parameters`` holds the
        settings used and ``lambda`` (the precision where tracing stopped, game
        units), ``steps`` (accepted predictor-corrector steps), ``turns``
        (times the branch turned back in ``lam``) and ``stop`` (why it stopped).

    Examples
    --------
    The logit selection in the stag hunt is the risk-dominant equilibrium
    (hare, hare), not the payoff-dominant one (Turocy 2005):

    >>> from negotiation_sim import Game
    >>> stag_hunt = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> result = solve_logit(stag_hunt)
    >>> result.equilibria[0].profile
    (1, 1)

    Three actors; player 3 has a single option:

    >>> import numpy as np
    >>> u = np.zeros((3, 2, 2, 1))
    >>> u[0, :, :, 0] = [[1, -1], [-1, 1]]
    >>> u[1, :, :, 0] = [[-1, 1], [1, -1]]
    >>> [s.tolist() for s in solve_logit(Game(u)).equilibria[0].strategies]
    [[0.5, 0.5], [0.5, 0.5], [1.0]]

    The QRE at a finite precision is reported apart from the equilibria:

    >>> qre = solve_logit(stag_hunt, lam=2.0)
    >>> qre.equilibria, [s.round(4).tolist() for s in qre.parameters["qre"]]
    ((), [[0.0751, 0.9249], [0.0751, 0.9249]])
    """
    prepared = _prepare(game)
    tol = _check_positive("tol", tol, strict=False)
    step, accel, steps, top = _options(first_step, max_accel, max_steps, max_lambda)
    parameters: dict[str, Any] = {
        "first_step": step,
        "max_accel": accel,
        "max_steps": steps,
        "max_lambda": (_LAMBDA_CAP / prepared.scale) if top is None else top,
    }
    if lam is not None:
        target = _check_positive("lam", lam, strict=False)
        profile, used = _qre_at(
            prepared, target, first_step=step, max_accel=accel, max_steps=steps
        )
        parameters.update(lam=target, qre=profile, steps=used)
        note = (
            f"logit: lam={target:g} given, so the quantal response equilibrium is returned in "
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
            "stop": run.reason,
        }
    )
    # run.equilibrium, if any, has passed verified_equilibria in _polish (or _trace).
    equilibria = () if run.equilibrium is None else (run.equilibrium,)
    return SolverResult(game, "logit", equilibria, tol, run.warnings, parameters)

