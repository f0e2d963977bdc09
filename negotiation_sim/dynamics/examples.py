"""A small two-actor ceasefire model built from a few numbers: for examples, tests and benchmarks.

:func:`two_sided` makes a :class:`~negotiation_sim.dynamics.Dynamics` of two actors ``a`` and
``b`` (the sides) whose stage payoffs do not depend on the types: R when both keep the deal, T
to a violator and S to its victim, P in war, and (violator, victim) when a violation is caught.
Every numeric argument is a scalar or an array of ``B`` points (broadcast).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..game import FloatArray
from .model import Behaviour, Dynamics, Monitoring, Response, StagePayoffs

__all__ = ["two_sided"]


def two_sided(
    *,
    rounds: int = 10,
    discount: ArrayLike = 0.9,
    trust: ArrayLike = 0.5,
    payoffs: tuple[float, float, float, float] = (3.0, 5.0, 1.0, 0.0),
    caught: tuple[float, float] | None = None,
    detection: ArrayLike = 0.5,
    false_alarm: ArrayLike = 0.05,
    cost: ArrayLike = 0.0,
    rule: str = "constant",
    q: ArrayLike = 0.2,
    strike: ArrayLike = 1,
    escalation: ArrayLike = 0.0,
    response: Response | None = None,
    phases: ArrayLike = 1,
    phase_rounds: int = 1,
) -> Dynamics:
    """A symmetric two-sided ceasefire model (see the module).

    Parameters
    ----------
    rounds, phase_rounds : int
        N and the rounds per phase.
    discount, trust : array_like
        delta, and each side's independent prior probability of being trustworthy.
    payoffs : (R, T, P, S)
        Kept, violating undetected, war, violated against.
    caught : (violator, victim), optional
        The payoffs of a detected violation (default: as if undetected, (T, S)).
    detection, false_alarm, cost : array_like
        Both sides' monitoring (pi, alpha, cost to the monitor).
    rule, q, strike, escalation : str and array_like
        Both sides' behaviour as opportunists.
    response : Response, optional
        Default grim trigger.
    phases : array_like of int
        K.

    Examples
    --------
    >>> model = two_sided(trust=[0.2, 0.8], rounds=4)
    >>> model.size, model.prior[:, :, 1].round(2).tolist()
    (2, [[0.64, 0.16], [0.16, 0.04]])
    """
    columns = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (discount, trust, detection, false_alarm)),
        *(np.asarray(v, dtype=np.float64) for v in (cost, q, strike, escalation, phases)),
    )
    delta, mu, pi, alpha, c, qq, r, e, k = (np.atleast_1d(v).astype(np.float64) for v in columns)
    prior = np.stack([np.stack([mu * mu, mu * (1 - mu)]), np.stack([(1 - mu) * mu, (1 - mu) ** 2])])
    monitoring = Monitoring(pi, alpha, c)
    behaviour = Behaviour(rule, qq, r.astype(np.int64), e)
    return Dynamics(
        actors=("a", "b"),
        sides=("a", "b"),
        rounds=rounds,
        discount=delta,
        prior=prior,
        monitoring=(monitoring, monitoring),
        behaviour=(behaviour, behaviour),
        response=response or Response(),
        stage=_stage(payoffs, caught, delta.size),
        phases=k.astype(np.int64),
        phase_rounds=phase_rounds,
    )


def _stage(
    payoffs: tuple[float, float, float, float], caught: tuple[float, float] | None, points: int
) -> StagePayoffs:
    """Type-independent stage payoffs ``(2, 2, 2, B)``."""
    R, T, P, S = payoffs
    cv, cw = caught if caught is not None else (T, S)

    def cell(first: float, second: float) -> FloatArray:
        return np.broadcast_to(
            np.array([first, second])[:, None, None, None], (2, 2, 2, points)
        ).copy()

    return StagePayoffs(
        kept=cell(R, R),
        violated=(cell(T, S), cell(S, T)),
        caught=(cell(cv, cw), cell(cw, cv)),
        war=cell(P, P),
    )
