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

The branch is traced as in Gambit's ``logit`` (Turocy 2005) by a
predictor-corrector path follower in ``(log sigma, lam)`` that passes folds and
goes straight on through bifurcation points (:mod:`._path`), and its limit is
polished into an exact equilibrium on the support it settles on
(:mod:`._polish`), returned only if it passes
:func:`~negotiation_sim.solvers.result.verified_equilibria`. Those modules'
docstrings give the details.

Public API: :func:`solve_logit` (the limit equilibrium, through
:func:`negotiation_sim.solve`), :func:`logit_qre` (the QRE at a given ``lam``),
:func:`logit_path` and :class:`LogitPath` (the branch's points, for plots);
:func:`logit_qre_batch` (the QRE of a whole batch of games at once, :mod:`.batch`)
with :func:`profile_probabilities` and :func:`outcome_probabilities` (:mod:`.outcomes`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import GameError
from ...game import DEFAULT_TOL, FloatArray, Game, MixedProfile
from .._checks import check_count, check_tol
from ..result import MAX_EQUILIBRIA, SolverResult
from ._drive import LAMBDA_CAP, qre_at, trace
from ._layout import prepare
from ._path import correct_at
from .batch import REASONS, QreBatch, logit_qre_batch
from .outcomes import outcome_probabilities, profile_probabilities

__all__ = [
    "DEFAULT_FIRST_STEP",
    "DEFAULT_MAX_ACCEL",
    "DEFAULT_MAX_STEPS",
    "REASONS",
    "LogitPath",
    "QreBatch",
    "logit_path",
    "logit_qre",
    "logit_qre_batch",
    "outcome_probabilities",
    "profile_probabilities",
    "solve_logit",
]

#: Arc length of the first predictor step, in normalised (log probability, lambda) units.
DEFAULT_FIRST_STEP = 0.1
#: Largest factor by which the step grows (and shrinks) from one step to the next.
DEFAULT_MAX_ACCEL = 2.0
#: Most accepted predictor-corrector steps before tracing gives up.
DEFAULT_MAX_STEPS = 10_000


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
    prepared = prepare(game)
    target = _number("lam", lam, strict=False)
    step, accel, steps, _ = _settings(first_step, max_accel, max_steps)
    profile, _ = qre_at(prepared, target, first_step=step, max_accel=accel, max_steps=steps)
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
    prepared = prepare(game)
    step, accel, steps, top = _settings(first_step, max_accel, max_steps, max_lambda)
    tol = check_tol(tol)
    cap = LAMBDA_CAP if top is None else prepared.from_game(top)
    run = trace(
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
            exact = correct_at(run.tracer.homotopy, before + share * (after - before), cap)
            if exact is not None:
                points[-1] = exact
    lambdas = np.array([prepared.to_game(p[-1]) for p in points])
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
    max_lambda: float | None = None,
    first_step: float = DEFAULT_FIRST_STEP,
    max_accel: float = DEFAULT_MAX_ACCEL,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_equilibria: int = MAX_EQUILIBRIA,
) -> SolverResult:
    """The Nash equilibrium selected by the logit QRE principal branch, any number of actors.

    Traces the principal branch from uniform play at ``lam = 0`` and polishes
    its limit into an exact equilibrium (see the package docstring), returned
    only if it passes the regret check. Actors with a single option are fine.
    For the quantal response equilibrium at a finite precision, which is not a
    Nash equilibrium, use :func:`logit_qre`.

    Parameters
    ----------
    game : Game
    tol : float
        Regret tolerance of the returned equilibrium.
    max_lambda : float, optional
        Give up at this precision (game payoff units); default ``1e8`` over the
        largest payoff range of any actor.
    first_step : float
        Arc length of the first step (in log probabilities and ``lam`` times the
        payoff range).
    max_accel : float
        Largest factor, ``> 1``, by which one step may be longer than the last.
    max_steps : int
        Most accepted steps (this bounds the work).
    max_equilibria : int
        Accepted as every method does; logit returns at most one equilibrium.

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
    """
    prepared = prepare(game)
    tol = check_tol(tol)
    check_count(max_equilibria, "max_equilibria")
    step, accel, steps, top = _settings(first_step, max_accel, max_steps, max_lambda)
    parameters: dict[str, Any] = {
        "first_step": step,
        "max_accel": accel,
        "max_steps": steps,
        "max_lambda": prepared.to_game(LAMBDA_CAP) if top is None else top,
    }
    cap = LAMBDA_CAP if top is None else prepared.from_game(top)
    run = trace(
        prepared, tol, first_step=step, max_accel=accel, max_steps=steps, cap=cap, polish=True
    )
    tracer = run.tracer
    parameters.update(
        {
            "lambda": 0.0 if tracer is None else prepared.to_game(tracer.lam),
            "steps": 0 if tracer is None else tracer.steps,
            "turns": 0 if tracer is None else tracer.turns,
            "bifurcations": 0 if tracer is None else tracer.bifurcations,
            "stop": run.stop,
        }
    )
    # run.equilibrium, if any, has passed verified_equilibria (in polish_limit or trace).
    equilibria = () if run.equilibrium is None else (run.equilibrium,)
    return SolverResult(game, "logit", equilibria, tol, run.warnings, parameters)
