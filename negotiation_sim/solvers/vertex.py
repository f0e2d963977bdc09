"""All extreme Nash equilibria of two-actor games by vertex enumeration.

Method of Avis, Rosenberg, Savani & von Stengel (2010), "Enumeration of Nash
equilibria for two-player games", *Economic Theory* 42:9-37, and von Stengel
(2002), "Computing equilibria for two-person games", *Handbook of Game Theory*
vol. 3, ch. 45, sect. 3. With payoffs rescaled so that ``A, B > 0`` (each
matrix mapped affinely onto ``[1, 2]``, which changes no equilibrium), the
best-response polytopes are

    P = {x >= 0 : B^T x <= 1}        Q = {y >= 0 : A y <= 1}.

The extreme equilibria are exactly the completely labelled vertex pairs
``(x, y) != (0, 0)`` of ``P x Q``, rescaled to probability vectors.

Degenerate games (ties, equilibrium components) are handled by giving each
vertex the labels of *all* constraints tight at it within a tolerance, never
only those of the basis that produced it, and by keeping one vertex per label
set (distinct vertices have distinct tight sets). A vertex with more labels
than its dimension means the game is degenerate, and the result says so.

Vertices are found by brute force when the polytope has at most
:data:`BRUTE_FORCE_LIMIT` candidate bases: every vertex of ``P`` solves
``B[I, J]^T x_I = 1`` for a row set ``I`` and a column set ``J`` of equal size,
and every vertex of ``Q`` solves ``A[I, J] y_J = 1`` for such a pair; all these
small systems are solved at once, over a whole batch of games of one shape if
given (:func:`vertex_enumeration_batch`). Larger polytopes go through qhull
(:class:`scipy.spatial.HalfspaceIntersection`), with labels again recomputed
from tightness and brute force as the fallback if qhull fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UnsupportedGameError
from ..game import DEFAULT_TOL, FloatArray, Game, MixedProfile
from ._bimatrix import (
    DEGENERATE_PREFIX,
    BoolArray,
    IntArray,
    MaskArray,
    all_labels,
    batched_solve,
    bimatrix,
    check_tol,
    complete_pairs,
    components,
    finish,
    label_tolerance,
    pack_labels,
    rescale,
    support_pairs,
)
from .result import SolverResult

__all__ = ["BRUTE_FORCE_LIMIT", "solve_vertex_enumeration", "vertex_enumeration_batch"]

METHOD = "vertex_enumeration"

#: Polytopes with at most this many candidate bases (``C(m + n, m)``) have
#: their vertices found by solving every basis; larger ones go through qhull.
BRUTE_FORCE_LIMIT = 20_000

#: Linear systems solved per numpy pass (bounds the working memory).
_SYSTEMS_PER_BLOCK = 100_000


def solve_vertex_enumeration(game: Game, *, tol: float = DEFAULT_TOL) -> SolverResult:
    """All extreme Nash equilibria of a two-actor game, degenerate games included.

    Vertex enumeration of the best-response polytopes (Avis, Rosenberg, Savani
    & von Stengel 2010, *Economic Theory* 42; von Stengel 2002, *Handbook of
    Game Theory* vol. 3, ch. 45). Every equilibrium of the game is a convex
    combination of extreme equilibria that lie in one component; in a
    degenerate game the result carries a warning starting with
    ``"degenerate game"``.

    Parameters
    ----------
    game : Game
        A game with exactly two actors.
    tol : float
        Regret tolerance for verification; constraints with slack below about
        ``tol / 2`` (relative to each actor's payoff range) count as tight.

    Returns
    -------
    SolverResult
        Extreme equilibria in descending lexicographic order of the strategies.

    Raises
    ------
    UnsupportedGameError
        If the game does not have exactly two actors.

    Examples
    --------
    The battle of the sexes has two pure equilibria and one mixed:

    >>> from negotiation_sim import Game
    >>> bos = Game.from_bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    >>> result = solve_vertex_enumeration(bos)
    >>> [[s.round(3).tolist() for s in eq.strategies] for eq in result.equilibria]
    [[[1.0, 0.0], [1.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]], [[0.0, 1.0], [0.0, 1.0]]]

    A degenerate game: the row actor's first option is dominant and the column
    actor is indifferent once it is played, so every ``((1, 0), y)`` is an
    equilibrium; the two extreme ones are returned, with a warning:

    >>> tie = Game.from_bimatrix([[1, 1], [0, 0]], [[1, 1], [0, 2]])
    >>> result = solve_vertex_enumeration(tie)
    >>> [[s.tolist() for s in eq.strategies] for eq in result.equilibria]
    [[[1.0, 0.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]]
    >>> result.warnings[0][:56]
    'degenerate game: equilibria form components; extreme poi'
    """
    a, b = bimatrix(game)
    tol = check_tol(tol)
    (found,) = _enumerate(np.stack([a, b])[None], tol)
    return _result(game, found, tol)


def vertex_enumeration_batch(payoffs: ArrayLike, *, tol: float = DEFAULT_TOL) -> list[SolverResult]:
    """Extreme equilibria of many two-actor games of one shape, work shared.

    The same algorithm and the same arithmetic as
    :func:`solve_vertex_enumeration` (that function is this one on a batch of
    one), but the small linear systems of all games are stacked and solved in
    one numpy pass per support size, so per-game overhead is paid once. Worth
    it for many small games (a parameter sweep); for a single large game there
    is nothing to share. Every candidate is still verified game by game.

    Parameters
    ----------
    payoffs : array_like, shape (..., 2, m, n)
        Payoff tensors of two-actor games; leading axes index the batch
        (e.g. a parameter grid).
    tol : float
        As in :func:`solve_vertex_enumeration`.

    Returns
    -------
    list of SolverResult
        One per game, in C order of the leading axes; each equal to what
        :func:`solve_vertex_enumeration` returns for that game.

    Raises
    ------
    UnsupportedGameError
        If the payoffs are not of shape ``(..., 2, m, n)``.

    Examples
    --------
    Matching pennies and a coordination game, solved together:

    >>> pennies = [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]
    >>> coordination = [[[2, 0], [0, 1]], [[2, 0], [0, 1]]]
    >>> results = vertex_enumeration_batch([pennies, coordination])
    >>> [len(r.equilibria) for r in results]
    [1, 3]
    >>> results[1].equilibria[1].strategies[0].tolist()
    [0.3333333333333333, 0.6666666666666666]
    """
    tensor = np.asarray(payoffs, dtype=np.float64)
    if tensor.ndim < 3 or tensor.shape[-3] != 2:
        raise UnsupportedGameError(
            f"payoffs: expected two-actor payoffs of shape (..., 2, m, n), got shape {tensor.shape}"
        )
    tol = check_tol(tol)
    flat = tensor.reshape(-1, *tensor.shape[-3:])
    games = [Game(p) for p in flat]  # validates every game (finite values, options)
    if not games:
        return []
    found = _enumerate(flat, tol)
    return [_result(game, item, tol) for game, item in zip(games, found, strict=True)]


# -- per-game outcome ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """Completely labelled vertex pairs of one game, before verification."""

    candidates: tuple[MixedProfile, ...]
    degenerate: bool
    components: int


def _result(game: Game, found: _Found, tol: float) -> SolverResult:
    warnings: list[str] = []
    if found.degenerate:
        count = len(found.candidates)
        if found.components < count:
            warnings.append(
                f"{DEGENERATE_PREFIX}: equilibria form components; extreme points returned "
                f"({count} extreme equilibria in {found.components} component(s))"
            )
        else:
            warnings.append(
                f"{DEGENERATE_PREFIX}: some mixed strategy has more pure best responses than "
                "its support size; extreme points returned (here each equilibrium is isolated)"
            )
    return finish(game, METHOD, found.candidates, tol, warnings)


# -- the algorithm on a stack of games ----------------------------------------------------------


def _enumerate(payoffs: FloatArray, tol: float) -> list[_Found]:
    """Completely labelled vertex pairs of every game in ``payoffs``, shape (G, 2, m, n)."""
    count, _, m, n = payoffs.shape
    a, scale_a = rescale(payoffs[:, 0])
    b, scale_b = rescale(payoffs[:, 1])
    eps_p = label_tolerance(tol, scale_b)  # P's constraints are the column actor's payoffs
    eps_q = label_tolerance(tol, scale_a)
    if comb(m + n, m) <= BRUTE_FORCE_LIMIT or min(m, n) == 1:
        p_vertices, q_vertices = _brute_force(a, b, eps_p, eps_q)
    else:
        p_vertices = [_qhull_vertices(b[g].T, eps_p[g], m, n, side=0) for g in range(count)]
        q_vertices = [_qhull_vertices(a[g], eps_q[g], m, n, side=1) for g in range(count)]
    full = all_labels(m + n)
    return [_pair_up(p, q, full, m, n) for p, q in zip(p_vertices, q_vertices, strict=True)]


@dataclass(frozen=True)
class _Vertices:
    """Distinct nonzero vertices of one polytope: points, label masks, label counts."""

    points: FloatArray
    masks: MaskArray
    labels: IntArray


def _pair_up(p: _Vertices, q: _Vertices, full: MaskArray, m: int, n: int) -> _Found:
    pairs = complete_pairs(p.masks, q.masks, full)
    candidates = tuple(
        (p.points[i] / p.points[i].sum(), q.points[j] / q.points[j].sum()) for i, j in pairs.tolist()
    )
    degenerate = bool((p.labels > m).any() or (q.labels > n).any())
    return _Found(candidates, degenerate, components(pairs) if degenerate else len(candidates))


def _distinct(points: FloatArray, tight: BoolArray) -> _Vertices:
    """One vertex per label set (a vertex is determined by its tight constraints)."""
    masks = pack_labels(tight)
    if len(masks) == 0:
        return _Vertices(points, masks, np.zeros(0, dtype=np.intp))
    _, first = np.unique(masks, axis=0, return_index=True)
    first = np.sort(first)
    return _Vertices(points[first], masks[first], tight[first].sum(axis=1))


def _brute_force(
    a: FloatArray, b: FloatArray, eps_p: FloatArray, eps_q: FloatArray
) -> tuple[list[_Vertices], list[_Vertices]]:
    """Vertices of P and Q of every game by solving every equal-size support pair.

    ``a, b`` have shape (G, m, n), rescaled to [1, 2]. For a row set ``I`` and
    a column set ``J`` of size ``k``, ``x_I = B[I, J]^{-T} 1`` (zero off ``I``)
    is a vertex of ``P`` if feasible, and ``y_J = A[I, J]^{-1} 1`` a vertex of
    ``Q``; every vertex arises this way from some nonsingular pair.
    """
    count, m, n = a.shape
    labels = m + n
    found_p: list[tuple[FloatArray, BoolArray]] = []
    found_q: list[tuple[FloatArray, BoolArray]] = []
    game_ids: list[IntArray] = []
    game_ids_q: list[IntArray] = []
    e_p = eps_p[:, None, None]
    e_q = eps_q[:, None, None]
    for k in range(1, min(m, n) + 1):
        all_rows, all_columns = support_pairs(m, n, k)
        block = max(1, _SYSTEMS_PER_BLOCK // count)
        for start in range(0, len(all_rows), block):
            rows = all_rows[start : start + block]
            columns = all_columns[start : start + block]
            size = len(rows)
            sub_a = a[:, rows[:, :, None], columns[:, None, :]]  # (G, N, k, k): A[I, J]
            sub_b = b[:, rows[:, :, None], columns[:, None, :]]
            ones = np.ones((count * size, k))
            x_part, ok_p = batched_solve(sub_b.transpose(0, 1, 3, 2).reshape(-1, k, k), ones)
            y_part, ok_q = batched_solve(sub_a.reshape(-1, k, k), ones)
            x_part = x_part.reshape(count, size, k)
            y_part = y_part.reshape(count, size, k)
            where = np.arange(size)[:, None]
            x = np.zeros((count, size, m))
            x[:, where, rows] = x_part
            y = np.zeros((count, size, n))
            y[:, where, columns] = y_part
            bx = np.einsum("gmn,gsm->gsn", b, x)
            ay = np.einsum("gmn,gsn->gsm", a, y)
            feasible_p = (
                ok_p.reshape(count, size)
                & (x_part >= -e_p).all(axis=2)
                & (bx <= 1 + e_p).all(axis=2)
            )
            feasible_q = (
                ok_q.reshape(count, size)
                & (y_part >= -e_q).all(axis=2)
                & (ay <= 1 + e_q).all(axis=2)
            )
            g, s = np.nonzero(feasible_p)
            tight = np.concatenate([x[g, s] <= e_p[g, 0], bx[g, s] >= 1 - e_p[g, 0]], axis=1)
            found_p.append((x[g, s], tight))
            game_ids.append(g)
            g, s = np.nonzero(feasible_q)
            tight = np.concatenate([ay[g, s] >= 1 - e_q[g, 0], y[g, s] <= e_q[g, 0]], axis=1)
            found_q.append((y[g, s], tight))
            game_ids_q.append(g)
    return (
        _split(found_p, game_ids, count, m, labels),
        _split(found_q, game_ids_q, count, n, labels),
    )


def _split(
    found: list[tuple[FloatArray, BoolArray]], ids: list[IntArray], count: int, dim: int, labels: int
) -> list[_Vertices]:
    """Group the feasible points of all blocks by game and keep distinct vertices."""
    if not found:
        empty = _distinct(np.zeros((0, dim)), np.zeros((0, labels), dtype=bool))
        return [empty] * count
    points = np.concatenate([f[0] for f in found])
    tight = np.concatenate([f[1] for f in found])
    game = np.concatenate(ids)
    order = np.argsort(game, kind="stable")
    bounds = np.searchsorted(game[order], np.arange(count + 1))
    return [
        _distinct(points[order[lo:hi]], tight[order[lo:hi]])
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def _qhull_vertices(matrix: FloatArray, eps: float, m: int, n: int, side: int) -> _Vertices:
    """Vertices of ``{z >= 0 : matrix z <= 1}`` by qhull, labelled from tightness.

    ``side = 0``: P with ``matrix = B^T`` (shape (n, m)), labels ``x_i = 0``
    first. ``side = 1``: Q with ``matrix = A`` (shape (m, n)), labels of the
    rows of ``A`` first. Falls back to brute force if qhull fails.
    """
    from scipy.spatial import HalfspaceIntersection, QhullError

    dim = matrix.shape[1]
    unique_rows = np.unique(matrix, axis=0)
    halfspaces = np.vstack(
        [
            np.hstack([-np.eye(dim), np.zeros((dim, 1))]),
            np.hstack([unique_rows, -np.ones((len(unique_rows), 1))]),
        ]
    )
    interior = np.full(dim, 0.5 / matrix.sum(axis=1).max())
    try:
        points = HalfspaceIntersection(halfspaces, interior).intersections
    except (QhullError, ValueError):
        return _brute_force_one(matrix, eps, m, n, side)
    points = points[points.sum(axis=1) > 0.25 / matrix.max()]  # drop the vertex 0
    points = _polish(points, matrix)
    values = points @ matrix.T
    feasible = (points >= -eps).all(axis=1) & (values <= 1 + eps).all(axis=1)
    points, values = points[feasible], values[feasible]
    zeros = points <= eps
    tight_rows = values >= 1 - eps
    tight = np.concatenate([zeros, tight_rows] if side == 0 else [tight_rows, zeros], axis=1)
    return _distinct(points, tight)


def _polish(points: FloatArray, matrix: FloatArray) -> FloatArray:
    """Re-solve each qhull vertex from the constraints tight at it (qhull rounds)."""
    dim = matrix.shape[1]
    loose = 1e-8
    out = points.copy()
    for index, point in enumerate(points):
        zero = point <= loose
        rows = np.abs(matrix @ point - 1) <= loose
        system = np.vstack([np.eye(dim)[zero], matrix[rows]])
        rhs = np.concatenate([np.zeros(int(zero.sum())), np.ones(int(rows.sum()))])
        if len(system) < dim:
            continue
        solution, *_ = np.linalg.lstsq(system, rhs, rcond=None)
        if np.abs(system @ solution - rhs).max() <= 1e-12 and np.abs(solution - point).max() <= 1e-6:
            out[index] = solution
    return out


def _brute_force_one(matrix: FloatArray, eps: float, m: int, n: int, side: int) -> _Vertices:
    """Brute-force vertices of one polytope (the qhull fallback)."""
    if side == 0:
        b = matrix.T[None]
        a = np.ones_like(b)
        p, _ = _brute_force(a, b, np.array([eps]), np.array([eps]))
        return p[0]
    a = matrix[None]
    b = np.ones_like(a)
    _, q = _brute_force(a, b, np.array([eps]), np.array([eps]))
    return q[0]

