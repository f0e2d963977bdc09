"""Polishing a point of the logit branch into an exact equilibrium.

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

import numpy as np

from ...game import FloatArray
from ..result import Equilibrium, verified_equilibria
from ._layout import IntArray, Layout, Prepared
from ._path import solve_system

# Options with lam * sigma at most this are left out of the support when polishing.
_FROZEN = 0.05
# Support thresholds on log(sigma_max / sigma_ij) also tried at the end of the path.
_SUPPORT_CUTS = (4.0, 10.0, 25.0)


class _Restricted:
    """The QRE equations of the game restricted to a support, in ``mu = 1 / lam``.

    ``G(p, mu)``: for each actor ``sum_j p_ij - 1`` and, for each support option
    ``j >= 1``, ``U_ij - U_i0 - mu (log p_ij - log p_i0)``. At ``mu = 0`` these are
    the equilibrium conditions on the support.
    """

    def __init__(self, layout: Layout, support: list[IntArray]) -> None:
        payoffs = layout.u.reshape((layout.n, *layout.shape))[np.ix_(np.arange(layout.n), *support)]
        self.sub = sub = Layout(np.ascontiguousarray(payoffs))
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
            delta = solve_system(self.jacobian(p, mu), residual)
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
                slope = solve_system(self.jacobian(p, mu), moves)  # dp/dmu
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
    layout: Layout, x: FloatArray, support: list[IntArray], follow: bool
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


def support_by_mass(layout: Layout, x: FloatArray) -> list[IntArray]:
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


def support_guesses(layout: Layout, logs: FloatArray) -> list[list[IntArray]]:
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


def polish_limit(
    prepared: Prepared,
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
    inner = 0.5 * prepared.path_tol(tol)
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
