"""Driving the tracer: to the limit equilibrium (polishing on the way), or to a given lambda."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import NegotiationSimError
from ...game import MixedProfile
from ..result import Equilibrium, verified_equilibria
from ._layout import Prepared
from ._path import Homotopy, Tracer, correct_at
from ._polish import polish_limit, support_by_mass, support_guesses

# Tracing stops at this lambda (times the payoff range) unless max_lambda says otherwise.
LAMBDA_CAP = 1e8
# Polishing is first tried at this lambda (times the payoff range) ...
_POLISH_FROM = 10.0
# ... once sigma moves less than this per unit of log lambda.
_SETTLED = 0.05


@dataclass
class Run:
    tracer: Tracer | None
    equilibrium: Equilibrium | None
    warnings: tuple[str, ...]
    stop: str


def trace(
    prepared: Prepared,
    tol: float,
    *,
    first_step: float,
    max_accel: float,
    max_steps: int,
    cap: float,
    polish: bool,
) -> Run:
    """Trace the principal branch to ``cap`` (normalised lambda), polishing on the way."""
    layout = prepared.layout
    if layout is None:
        equilibria, warnings = verified_equilibria(prepared.game, [prepared.lift(np.zeros(0))], tol)
        return Run(None, equilibria[0] if equilibria else None, warnings, "no actor has a choice")
    tracer = Tracer(Homotopy(layout), first_step, max_accel)
    last_lam = 0.0
    last_guess: list[tuple[int, ...]] = []
    stop = f"lambda reached {prepared.to_game(cap):.6g}"
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
        support = support_by_mass(layout, tracer.x)
        guess = [tuple(sorted(int(j) for j in own)) for own in support]
        if guess == last_guess and tracer.lam < 2 * last_lam:
            continue
        last_guess, last_lam = guess, tracer.lam
        found = polish_limit(prepared, tracer.x, tol, [support], follow=True)
        if found is not None:
            return Run(tracer, found[0], found[1], "polished")
    if not polish:
        return Run(tracer, None, (), stop)
    at = prepared.to_game(tracer.lam)
    caveat = (
        f"logit: tracing stopped at lambda = {at:.6g} ({stop}) before the limit was identified; "
        "the equilibrium returned was reached from there and may not be the limit of the "
        "principal branch"
    )
    supports = [support_by_mass(layout, tracer.x), *support_guesses(layout, tracer.x[:-1])]
    found = polish_limit(prepared, tracer.x, tol, supports, follow=True)
    if found is not None:
        notes = found[1] if tracer.lam >= LAMBDA_CAP else (caveat, *found[1])
        return Run(tracer, found[0], notes, f"polished at the end of the path ({stop})")
    found = polish_limit(prepared, tracer.x, tol, supports, follow=False, reach=0.05)
    if found is not None:
        return Run(tracer, found[0], (caveat, *found[1]), f"nearest equilibrium ({stop})")
    regret = prepared.in_payoffs(layout.regret(np.exp(tracer.x[:-1])))
    warning = (
        f"logit: no verified equilibrium at the end of the principal branch ({stop}; "
        f"lambda = {at:.6g}, where the QRE has regret {regret:.3g} > tol {tol:g})"
    )
    return Run(tracer, None, (warning,), stop)


def qre_at(
    prepared: Prepared, lam: float, *, first_step: float, max_accel: float, max_steps: int
) -> tuple[MixedProfile, int]:
    """The QRE where the principal branch first reaches ``lam`` (game units), and the steps."""
    layout = prepared.layout
    target = prepared.from_game(lam)
    if layout is None or target == 0:
        uniform = tuple(np.full(k, 1.0 / k) for k in prepared.game.shape)
        for vector in uniform:
            vector.setflags(write=False)
        return uniform, 0
    homotopy = Homotopy(layout)
    tracer = Tracer(homotopy, first_step, max_accel)
    while True:
        previous = tracer.x.copy()
        if tracer.steps >= max_steps or not tracer.step() or tracer.lam < 0:
            raise NegotiationSimError(
                f"logit: the principal branch could not be traced to lambda = {lam:g} "
                f"(stopped at lambda = {prepared.to_game(tracer.lam):.6g} after "
                f"{tracer.steps} steps)"
            )
        if tracer.lam >= target:
            # Newton's method at lambda = target, from the chord between the last two points.
            share = (target - previous[-1]) / (tracer.lam - previous[-1])
            point = correct_at(homotopy, previous + share * (tracer.x - previous), target)
            if point is None:
                point = correct_at(homotopy, tracer.x, target)
            if point is None:
                raise NegotiationSimError(f"logit: Newton's method failed at lambda = {lam:g}")
            return prepared.lift(np.exp(point[:-1])), tracer.steps
