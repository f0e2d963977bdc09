"""Nash equilibria of two-actor games by the Lemke-Howson algorithm.

Lemke & Howson (1964), "Equilibrium points of bimatrix games", *Journal of
the Society for Industrial and Applied Mathematics* 12; in the form of von
Stengel (2002), "Computing equilibria for two-person games", *Handbook of
Game Theory* vol. 3, ch. 45, sect. 4. With payoffs rescaled so that
``A, B > 0`` the best-response polytopes are

    P = {x >= 0 : B^T x <= 1}        Q = {y >= 0 : A y <= 1},

written as tableaux ``B^T x + s = 1`` and ``r + A y = 1``. Starting from the
artificial equilibrium ``(0, 0)``, the path for a *missing label* ``k``
drops label ``k`` and then alternately pivots in ``P`` and ``Q``, each time
entering the variable whose label was just picked up twice, until label ``k``
is picked up again: the end is a completely labelled vertex pair, an
equilibrium.

Pivoting is in floating point with proper division (nashpy 0.0.43 pivots
without dividing and overflows from about 10x10 on). The minimum ratio test
is *lexicographic* (ties broken by the rows of the inverse basis, as in
quantecon's ``lemke_howson``), so degenerate games cannot make a path cycle;
``max_pivots`` caps every path anyway, ending it with a warning. The tableaux
are recomputed from the original data every :data:`REFRESH_EVERY` pivots and
the end point is re-solved from its basis, so rounding does not pile up.
Every end point is verified by the regret test; a failed path gives a
warning, never a wrong answer.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import GameError
from ..game import DEFAULT_TOL, FloatArray, Game, MixedProfile
from ._bimatrix import IntArray, bimatrix, finish, rescale
from ._checks import check_count, check_tol
from .result import MAX_EQUILIBRIA, SolverResult, verify

__all__ = ["DEFAULT_MAX_PIVOTS", "REFRESH_EVERY", "solve_lemke_howson"]

METHOD = "lemke_howson"

#: Default cap on the pivots of one path.
DEFAULT_MAX_PIVOTS = 100_000
#: A tableau is recomputed from the original data after this many pivots.
REFRESH_EVERY = 50
#: Tableau entries at or below this do not qualify as pivots.
_PIVOT_TOL = 1e-10
#: Relative difference below which two ratios count as tied.
_TIE_TOL = 1e-11


def solve_lemke_howson(
    game: Game,
    *,
    tol: float = DEFAULT_TOL,
    labels: Sequence[int] | None = None,
    max_pivots: int = DEFAULT_MAX_PIVOTS,
    max_equilibria: int = MAX_EQUILIBRIA,
) -> SolverResult:
    """Equilibria of a two-actor game by Lemke-Howson paths, one per starting label.

    Complementary pivoting (Lemke & Howson 1964; von Stengel 2002, *Handbook
    of Game Theory* vol. 3, ch. 45, sect. 4) with a lexicographic minimum
    ratio test, from the artificial equilibrium with each missing label.
    Every path ends at an extreme equilibrium; different labels may reach
    the same one (duplicates are merged), and some equilibria are reached
    from no label at all, so this is not a way to find all of them (use
    ``vertex_enumeration``).

    Parameters
    ----------
    game : Game
        A game with exactly two actors, ``m`` and ``n`` options.
    tol : float
        Regret tolerance for verifying the end of each path.
    labels : sequence of int, optional
        Missing labels to start from: ``0..m-1`` are the row actor's
        options, ``m..m+n-1`` the column actor's. Default: all ``m + n``.
    max_pivots : int
        Cap on the pivots of each path; a path that reaches it ends with a
        warning and no equilibrium. With at most ``m + n`` paths, this bounds
        the work.
    max_equilibria : int
        List (and verify) at most this many of the distinct path ends.

    Returns
    -------
    SolverResult
        Distinct equilibria found, in descending lexicographic order of the
        strategies; ``parameters`` records ``labels`` and ``max_pivots``.

    Raises
    ------
    UnsupportedGameError
        If the game does not have exactly two actors.
    GameError
        If a label is out of range or ``max_pivots`` is not a positive integer.

    Examples
    --------
    In the battle of the sexes, the paths from labels 0 and 2 end at the pure
    equilibrium where both actors play their first option, those from 1 and 3
    at the other:

    >>> from negotiation_sim import Game
    >>> bos = Game.from_bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    >>> result = solve_lemke_howson(bos)
    >>> [eq.profile for eq in result.equilibria]
    [(0, 0), (1, 1)]
    >>> solve_lemke_howson(bos, labels=[1]).equilibria[0].profile
    (1, 1)
    """
    a, b = bimatrix(game)
    tol = check_tol(tol)
    m, n = game.shape
    starts = _check_labels(labels, m + n)
    cap = check_count(max_pivots, "max_pivots")
    limit = check_count(max_equilibria, "max_equilibria")
    a, _ = rescale(a)
    b, _ = rescale(b)
    # P: [B^T | I_n] (x, s) = 1, variable l has label l; Q: [I_m | A] (r, y) = 1.
    constraints = (np.hstack([b.T, np.eye(n)]), np.hstack([np.eye(m), a]))
    warnings: list[str] = []
    # Paths ending at the same pair of bases end at the same point: verify it once.
    ends: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[MixedProfile, list[int]]] = {}
    for label in starts:
        path = _follow(constraints, label, m, cap)
        if path.end is None:
            warnings.append(f"lemke_howson: the path from label {label} {path.failure}")
            continue
        ends.setdefault(path.bases, (path.end, []))[1].append(label)
    candidates = [end for end, _ in ends.values()]
    result = finish(
        game,
        METHOD,
        candidates,
        tol,
        warnings,
        parameters={"labels": tuple(starts), "max_pivots": cap},
        limit=limit,
        found=len(candidates),
    )
    if len(result.equilibria) < len(candidates) and any("failed" in w for w in result.warnings):
        # Rare: name the paths whose end failed verification (the regret test of verify).
        passed = verify(game, candidates, tol, dedupe_tol=0.0).equilibria
        failed = sorted(
            label
            for end, labels in ends.values()
            if not any(_same(end, eq.strategies) for eq in passed)
            for label in labels
        )
        if failed:
            extra = (
                f"lemke_howson: the path(s) from label(s) {failed} ended at a profile failing "
                "verification (numerical error)"
            )
            result = dataclasses.replace(result, warnings=(*result.warnings, extra))
    return result


def _same(end: MixedProfile, strategies: MixedProfile) -> bool:
    """Whether a path's end is a verified equilibrium's profile (cleaning moves it < 1e-12)."""
    return all(float(np.abs(a - b).max()) <= 1e-12 for a, b in zip(end, strategies, strict=True))


def _check_labels(labels: Sequence[int] | None, count: int) -> tuple[int, ...]:
    if labels is None:
        return tuple(range(count))
    if isinstance(labels, (str, bytes)):
        raise GameError(f"labels: expected a sequence of integers in [0, {count}), got {labels!r}")
    result = []
    for label in labels:
        if (
            isinstance(label, bool)
            or not isinstance(label, (int, np.integer))
            or not 0 <= label < count
        ):
            raise GameError(
                f"labels: expected integers in [0, {count}) (row options first, then column "
                f"options), got {label!r}"
            )
        result.append(int(label))
    if not result:
        raise GameError("labels: expected at least one starting label, got none")
    return tuple(dict.fromkeys(result))


@dataclass(frozen=True)
class _Path:
    end: MixedProfile | None
    pivots: int
    failure: str = ""
    bases: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())


def _follow(constraints: tuple[FloatArray, FloatArray], missing: int, m: int, cap: int) -> _Path:
    """Follow the Lemke-Howson path that drops label ``missing``."""
    n = constraints[0].shape[0]
    # Slack columns: the initial basis, whose inverse the tableau carries (lexicographic test).
    slacks = (np.arange(m, m + n), np.arange(m))
    bases: list[IntArray] = [slacks[0].copy(), slacks[1].copy()]
    tableaux = [np.hstack([c, np.ones((len(c), 1))]) for c in constraints]
    since_refresh = [0, 0]
    side = 0 if missing < m else 1
    entering = missing
    pivots = 0
    while True:
        tableau = tableaux[side]
        row = _lexicographic_min_ratio(tableau, entering, slacks[side])
        if row is None:
            return _Path(None, pivots, f"broke down after {pivots} pivots (no pivot row)")
        leaving = int(bases[side][row])
        _pivot(tableau, row, entering)
        bases[side][row] = entering
        pivots += 1
        since_refresh[side] += 1
        if since_refresh[side] >= REFRESH_EVERY:
            _refresh(tableau, constraints[side], bases[side])
            since_refresh[side] = 0
        if leaving == missing:
            break
        if pivots >= cap:
            return _Path(
                None,
                pivots,
                f"stopped after {cap} pivots (max_pivots) without reaching an equilibrium",
            )
        entering = leaving
        side = 1 - side
    x = _basic_values(tableaux[0], constraints[0], bases[0])[:m]
    y = _basic_values(tableaux[1], constraints[1], bases[1])[m:]
    if x.sum() <= 0 or y.sum() <= 0:
        return _Path(
            None, pivots, f"ended after {pivots} pivots at a zero vector (numerical error)"
        )
    key = (tuple(sorted(bases[0].tolist())), tuple(sorted(bases[1].tolist())))
    return _Path((x / x.sum(), y / y.sum()), pivots, bases=key)


def _lexicographic_min_ratio(tableau: FloatArray, column: int, slacks: IntArray) -> int | None:
    """Row of the leaving variable: lexicographic minimum of ``(rhs, B^-1 rows) / entry``."""
    entries = tableau[:, column]
    rows = np.flatnonzero(entries > _PIVOT_TOL)
    if len(rows) == 0:
        return None
    for values_column in (-1, *slacks.tolist()):
        if len(rows) == 1:
            break
        ratios = tableau[rows, values_column] / entries[rows]
        best = ratios.min()
        rows = rows[ratios <= best + _TIE_TOL * max(1.0, abs(best))]
    return int(rows[0])


def _pivot(tableau: FloatArray, row: int, column: int) -> None:
    pivot_row = tableau[row] / tableau[row, column]
    tableau -= np.outer(tableau[:, column], pivot_row)
    tableau[row] = pivot_row


def _refresh(tableau: FloatArray, constraints: FloatArray, basis: IntArray) -> None:
    """Recompute the tableau from the original constraints and the basis."""
    full = np.hstack([constraints, np.ones((len(constraints), 1))])
    # A basis is never singular in exact terms; if rounding makes it so, keep the tableau.
    with contextlib.suppress(np.linalg.LinAlgError):
        tableau[:] = np.linalg.solve(constraints[:, basis], full)


def _basic_values(tableau: FloatArray, constraints: FloatArray, basis: IntArray) -> FloatArray:
    """Values of all variables at the basic solution, re-solved from the original data."""
    values = np.zeros(constraints.shape[1])
    try:
        solved = np.linalg.solve(constraints[:, basis], np.ones(len(constraints)))
    except np.linalg.LinAlgError:  # pragma: no cover - fall back to the tableau
        solved = tableau[:, -1]
    if not np.all(np.isfinite(solved)) or solved.min() < -1e-9:
        solved = tableau[:, -1]
    values[basis] = np.clip(solved, 0.0, None)
    return values
