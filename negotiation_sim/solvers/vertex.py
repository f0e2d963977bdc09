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
given (:func:`vertex_enumeration_batch`), singular ones flagged by their pivots.
Larger polytopes go through qhull (:class:`scipy.spatial.HalfspaceIntersection`;
faster from about 6x6 on), each vertex re-solved from its tight constraints and
labelled from tightness again, with brute force as the fallback if qhull fails.
Vertices of ``P`` and ``Q`` are paired by a sorted join on their label masks
(a vertex with exactly its dimension of labels has one possible partner);
only degenerate vertices are tested against all others.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import GameError, UnsupportedGameError
from ..game import DEFAULT_TOL, FloatArray, Game, MixedProfile
from ._bimatrix import (
    DEGENERATE_PREFIX,
    BoolArray,
    IntArray,
    MaskArray,
    all_labels,
    batched_solve,
    bimatrix,
    components,
    finish,
    label_tolerance,
    pack_labels,
    rescale,
    support_blocks,
)
from ._checks import check_tol
from .result import EquilibriumBatch, SolverResult, dropped_warning, verify_bimatrix_batch

__all__ = ["BRUTE_FORCE_LIMIT", "solve_vertex_enumeration", "vertex_enumeration_batch"]

METHOD = "vertex_enumeration"

#: Polytopes with at most this many candidate bases (``C(m + n, m)``) have
#: their vertices found by solving every basis; larger ones go through qhull.
#: Measured crossover: brute force wins up to 5x5 (252 bases), qhull from 6x6
#: (924) on; both give the same equilibria (tested).
BRUTE_FORCE_LIMIT = 500

#: Linear systems solved per numpy pass (bounds the working memory).
_SYSTEMS_PER_BLOCK = 100_000
#: Up to this many systems (bases times games), all support sizes share one
#: padded pass: fewer numpy calls, which is what small games cost.
_ONE_PASS_LIMIT = 4_096


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
    (found,) = _enumerate(np.stack([a, b])[None], tol).split()
    return _result(game, found, tol)


def vertex_enumeration_batch(payoffs: ArrayLike, *, tol: float = DEFAULT_TOL) -> EquilibriumBatch:
    """Extreme equilibria of many two-actor games of one shape, work shared.

    The same algorithm and the same arithmetic as
    :func:`solve_vertex_enumeration`, but for games small enough for brute
    force (at most :data:`BRUTE_FORCE_LIMIT` bases, i.e. up to 5x5) the small
    linear systems of all games are stacked and solved in one numpy pass per
    support size, and all candidates are verified (max regret ``<= tol``) in
    one vectorised pass: what a parameter sweep needs. Larger games go
    through qhull one by one, so there is less to share.

    Parameters
    ----------
    payoffs : array_like, shape (..., 2, m, n)
        Payoff tensors of two-actor games; leading axes index the batch
        (e.g. a parameter grid).
    tol : float
        As in :func:`solve_vertex_enumeration`.

    Returns
    -------
    EquilibriumBatch
        Flat arrays of the verified equilibria of every game;
        ``.equilibria(i)`` and ``.result(game, i)`` give those of game ``i``
        exactly as :func:`solve_vertex_enumeration` returns them.

    Raises
    ------
    UnsupportedGameError
        If the payoffs are not of shape ``(..., 2, m, n)``.
    GameError
        If a payoff is not finite.

    Examples
    --------
    Matching pennies and a coordination game, solved together:

    >>> pennies = [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]
    >>> coordination = [[[2, 0], [0, 1]], [[2, 0], [0, 1]]]
    >>> batch = vertex_enumeration_batch([pennies, coordination])
    >>> batch.counts().tolist()
    [1, 3]
    >>> batch.equilibria(1)[1].strategies[0].tolist()
    [0.3333333333333333, 0.6666666666666666]
    """
    tensor = np.asarray(payoffs, dtype=np.float64)
    if tensor.ndim < 3 or tensor.shape[-3] != 2 or min(tensor.shape[-2:]) < 1:
        raise UnsupportedGameError(
            f"payoffs: expected two-actor payoffs of shape (..., 2, m, n), got shape {tensor.shape}"
        )
    tol = check_tol(tol)
    flat = tensor.reshape(-1, *tensor.shape[-3:])
    batch_shape = tensor.shape[:-3]
    if not np.isfinite(flat).all():
        bad = int(np.argwhere(~np.isfinite(flat.reshape(len(flat), -1)))[0, 0])
        where = tuple(int(v) for v in np.unravel_index(bad, batch_shape))
        raise GameError(f"payoffs: values must be finite, got a non-finite value in game {where}")
    m, n = flat.shape[-2:]
    if len(flat) == 0:
        empty = np.zeros((0,), dtype=np.intp)
        return EquilibriumBatch(
            METHOD,
            tol,
            batch_shape,
            empty,
            (np.zeros((0, m)), np.zeros((0, n))),
            np.zeros((0, 2)),
            np.zeros(0),
        )
    found = _enumerate(flat, tol)
    ok, x, y, expected, regret = verify_bimatrix_batch(flat, found.game, found.x, found.y, tol)
    # Same order as the per-game results: by game, then descending lexicographic strategies.
    keys = [-np.round(column, 9) for column in np.concatenate([x, y], axis=1).T[::-1]]
    order = np.lexsort([*keys, found.game])
    order = order[ok[order]]
    warnings: dict[int, tuple[str, ...]] = {}
    bounds = found.bounds()
    for g in np.flatnonzero(found.degenerate).tolist():
        lo, hi = bounds[g], bounds[g + 1]
        warnings[g] = (_degenerate_warning(hi - lo, found.components(g, lo, hi)),)
    for g in np.unique(found.game[~ok]).tolist():
        dropped = int(np.count_nonzero(~ok[found.game == g]))
        worst = float(regret[(found.game == g) & ~ok].max())
        warnings[g] = (*warnings.get(g, ()), dropped_warning(dropped, worst, tol))
    return EquilibriumBatch(
        METHOD,
        tol,
        batch_shape,
        found.game[order],
        (x[order], y[order]),
        expected[order],
        regret[order],
        MappingProxyType(warnings),
    )


# -- per-game outcome ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """Completely labelled vertex pairs of one game, before verification."""

    candidates: tuple[MixedProfile, ...]
    degenerate: bool
    components: int


def _degenerate_warning(count: int, parts: int) -> str:
    if parts < count:
        return (
            f"{DEGENERATE_PREFIX}: equilibria form components; extreme points returned "
            f"({count} extreme equilibria in {parts} component(s))"
        )
    return (
        f"{DEGENERATE_PREFIX}: some mixed strategy has more pure best responses than "
        "its support size; extreme points returned (here each equilibrium is isolated)"
    )


def _result(game: Game, found: _Found, tol: float) -> SolverResult:
    warnings = (
        [_degenerate_warning(len(found.candidates), found.components)] if found.degenerate else []
    )
    return finish(game, METHOD, found.candidates, tol, warnings)


# -- the algorithm on a stack of games ----------------------------------------------------------


def _enumerate(payoffs: FloatArray, tol: float) -> _Pairs:
    """Completely labelled vertex pairs of every game in ``payoffs``, shape (G, 2, m, n)."""
    count, _, m, n = payoffs.shape
    a, scale_a = rescale(payoffs[:, 0])
    b, scale_b = rescale(payoffs[:, 1])
    eps_p = label_tolerance(tol, scale_b)  # P's constraints are the column actor's payoffs
    eps_q = label_tolerance(tol, scale_a)
    if comb(m + n, m) <= BRUTE_FORCE_LIMIT or min(m, n) == 1:
        p_points, q_points = _brute_force(a, b, eps_p, eps_q)
    else:
        p_points = _stack(
            [_qhull_vertices(b[g].T, eps_p[g], m, n, side=0) for g in range(count)], m, m + n
        )
        q_points = _stack(
            [_qhull_vertices(a[g], eps_q[g], m, n, side=1) for g in range(count)], n, m + n
        )
    return _pair_all(_distinct(p_points), _distinct(q_points), count, m, n)


@dataclass(frozen=True)
class _Points:
    """Feasible points of one polytope for a stack of games (vertices, possibly repeated).

    ``game[v]`` is the game of point ``v`` and ``tight[v]`` its label set.
    """

    game: IntArray
    points: FloatArray
    tight: BoolArray


@dataclass(frozen=True)
class _Vertices:
    """Distinct vertices grouped by game (ascending), with label masks and label counts."""

    game: IntArray
    points: FloatArray
    masks: MaskArray
    labels: IntArray


def _stack(per_game: list[_Points], dim: int, labels: int) -> _Points:
    """Concatenate the points of single games (``game`` all 0) into one stack."""
    if not per_game:
        return _Points(
            np.zeros(0, dtype=np.intp), np.zeros((0, dim)), np.zeros((0, labels), dtype=bool)
        )
    return _Points(
        np.concatenate([np.full(len(p.points), g, dtype=np.intp) for g, p in enumerate(per_game)]),
        np.concatenate([p.points for p in per_game]),
        np.concatenate([p.tight for p in per_game]),
    )


def _keys(game: IntArray, masks: MaskArray) -> NDArray[np.void]:
    """One opaque sortable key per (game, label set)."""
    table = np.concatenate([game.astype(np.uint64)[:, None], masks], axis=1)
    return np.ascontiguousarray(table).view(np.dtype((np.void, 8 * table.shape[1]))).ravel()


def _distinct(found: _Points) -> _Vertices:
    """One vertex per game and label set (a vertex is determined by its tight constraints).

    Keeps the first occurrence; games in ascending order and, within a game,
    the order of first appearance (so a batch and a single game agree).
    """
    masks = pack_labels(found.tight)
    _, first = np.unique(_keys(found.game, masks), return_index=True)
    first = first[np.lexsort((first, found.game[first]))]
    return _Vertices(
        found.game[first], found.points[first], masks[first], found.tight[first].sum(axis=1)
    )


def _pair_all(p: _Vertices, q: _Vertices, count: int, m: int, n: int) -> _Pairs:
    """Completely labelled pairs of every game, as candidate equilibria.

    A vertex of ``P`` with exactly ``m`` labels is completely labelled only
    with the vertex of ``Q`` carrying exactly the other ``n`` labels (or with
    a degenerate one carrying more): those pairs come from one sorted join on
    (game, labels) over all games. Pairs involving a degenerate vertex are
    tested exhaustively within their game.
    """
    full = all_labels(m + n)
    simple_p = np.flatnonzero(p.labels == m)
    simple_q = np.flatnonzero(q.labels == n)
    pairs = [
        _join(
            _keys(p.game[simple_p], p.masks[simple_p] ^ full),
            simple_p,
            _keys(q.game[simple_q], q.masks[simple_q]),
            simple_q,
        )
    ]
    degenerate = np.zeros(count, dtype=bool)
    degenerate[p.game[p.labels > m]] = True
    degenerate[q.game[q.labels > n]] = True
    p_bounds = np.searchsorted(p.game, np.arange(count + 1))
    q_bounds = np.searchsorted(q.game, np.arange(count + 1))
    for g in np.flatnonzero(degenerate).tolist():
        in_p = np.arange(p_bounds[g], p_bounds[g + 1])
        in_q = np.arange(q_bounds[g], q_bounds[g + 1])
        odd_p = in_p[p.labels[in_p] > m]
        odd_q = in_q[q.labels[in_q] > n]
        pairs.append(_exhaustive(p.masks, q.masks, full, odd_p, in_q))
        pairs.append(_exhaustive(p.masks, q.masks, full, in_p[p.labels[in_p] == m], odd_q))
    found = np.concatenate(pairs)
    found = found[np.lexsort((found[:, 1], found[:, 0]))]
    x = p.points[found[:, 0]]
    y = q.points[found[:, 1]]
    return _Pairs(
        game=p.game[found[:, 0]],
        pairs=found,
        x=x / x.sum(axis=1, keepdims=True),
        y=y / y.sum(axis=1, keepdims=True),
        degenerate=degenerate,
    )


@dataclass(frozen=True)
class _Pairs:
    """Completely labelled vertex pairs of a stack of games, as flat arrays (games ascending)."""

    game: IntArray
    pairs: IntArray
    x: FloatArray
    y: FloatArray
    degenerate: BoolArray

    def bounds(self) -> list[int]:
        return np.searchsorted(self.game, np.arange(len(self.degenerate) + 1)).tolist()  # type: ignore[no-any-return]

    def components(self, g: int, lo: int, hi: int) -> int:
        return components(self.pairs[lo:hi]) if self.degenerate[g] else hi - lo

    def split(self) -> list[_Found]:
        """Per-game candidates, for results built game by game."""
        results = []
        for g, (lo, hi) in enumerate(itertools.pairwise(self.bounds())):
            candidates = tuple(zip(self.x[lo:hi], self.y[lo:hi], strict=True))
            results.append(_Found(candidates, bool(self.degenerate[g]), self.components(g, lo, hi)))
        return results


def _join(
    left_keys: NDArray[np.void], left: IntArray, right_keys: NDArray[np.void], right: IntArray
) -> IntArray:
    """Pairs ``(left[a], right[b])`` with equal keys (right keys unique)."""
    if len(left_keys) == 0 or len(right_keys) == 0:
        return np.empty((0, 2), dtype=np.intp)
    order = np.argsort(right_keys)
    ordered = right_keys[order]
    position = np.searchsorted(ordered, left_keys).clip(max=len(ordered) - 1)
    hit = ordered[position] == left_keys
    return np.stack([left[hit], right[order[position[hit]]]], axis=1).astype(np.intp)


def _exhaustive(
    masks_p: MaskArray, masks_q: MaskArray, full: MaskArray, left: IntArray, right: IntArray
) -> IntArray:
    """Pairs ``(a, b)``, ``a`` in ``left`` and ``b`` in ``right``, whose masks cover ``full``."""
    if len(left) == 0 or len(right) == 0:
        return np.empty((0, 2), dtype=np.intp)
    block = max(1, 4_000_000 // (len(right) * masks_q.shape[1]))
    found = []
    for start in range(0, len(left), block):
        chunk = left[start : start + block]
        ok = np.all((masks_p[chunk][:, None, :] | masks_q[right][None, :, :]) == full, axis=2)
        a, b = np.nonzero(ok)
        found.append(np.stack([chunk[a], right[b]], axis=1))
    return np.concatenate(found).astype(np.intp)


def _brute_force(
    a: FloatArray, b: FloatArray, eps_p: FloatArray, eps_q: FloatArray
) -> tuple[_Points, _Points]:
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
    for block in support_blocks(a, b, one_pass_limit=_ONE_PASS_LIMIT, per_block=_SYSTEMS_PER_BLOCK):
        k, size = block.rows.shape[1], len(block.rows)
        # P: B[I, J]^T x_I = 1; Q: A[I, J] y_J = 1; one elimination pass for both.
        systems = np.stack(
            [np.moveaxis(block.b_t, 0, 2), np.moveaxis(block.a, 0, 2)], axis=2
        ).reshape(k, k, 2 * count * size)
        solution, ok = batched_solve(systems, np.ones((k, 2 * count * size)))
        solution = solution.reshape(k, 2, count, size).transpose(1, 2, 3, 0)
        ok = ok.reshape(2, count, size)
        x_part, y_part = solution[0], solution[1]
        ok_p, ok_q = ok[0], ok[1]
        x = block.row_vectors(x_part, m)
        y = block.column_vectors(y_part, n)
        bx = np.matmul(x, b)  # (games, systems, n)
        ay = np.matmul(y, np.swapaxes(a, 1, 2))  # (games, systems, m)
        feasible_p = ok_p & (x_part >= -e_p).all(axis=2) & (bx <= 1 + e_p).all(axis=2)
        feasible_q = ok_q & (y_part >= -e_q).all(axis=2) & (ay <= 1 + e_q).all(axis=2)
        g, s = np.nonzero(feasible_p)
        tight = np.concatenate([x[g, s] <= e_p[g, 0], bx[g, s] >= 1 - e_p[g, 0]], axis=1)
        found_p.append((x[g, s], tight))
        game_ids.append(g)
        g, s = np.nonzero(feasible_q)
        tight = np.concatenate([ay[g, s] >= 1 - e_q[g, 0], y[g, s] <= e_q[g, 0]], axis=1)
        found_q.append((y[g, s], tight))
        game_ids_q.append(g)
    return _gather(found_p, game_ids, m, labels), _gather(found_q, game_ids_q, n, labels)


def _gather(
    found: list[tuple[FloatArray, BoolArray]], ids: list[IntArray], dim: int, labels: int
) -> _Points:
    """Concatenate the feasible points of all blocks."""
    if not found:
        return _stack([], dim, labels)
    return _Points(
        np.concatenate(ids).astype(np.intp),
        np.concatenate([f[0] for f in found]),
        np.concatenate([f[1] for f in found]),
    )


def _qhull_vertices(matrix: FloatArray, eps: float, m: int, n: int, side: int) -> _Points:
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
    # qhull repeats a degenerate vertex once per simplex of its triangulation.
    _, first = np.unique(np.round(points, 9), axis=0, return_index=True)
    points = _polish(points[np.sort(first)], matrix)
    values = points @ matrix.T
    feasible = (points >= -eps).all(axis=1) & (values <= 1 + eps).all(axis=1)
    points, values = points[feasible], values[feasible]
    zeros = points <= eps
    tight_rows = values >= 1 - eps
    tight = np.concatenate([zeros, tight_rows] if side == 0 else [tight_rows, zeros], axis=1)
    return _Points(np.zeros(len(points), dtype=np.intp), points, tight)


def _polish(points: FloatArray, matrix: FloatArray) -> FloatArray:
    """Re-solve each qhull vertex from the constraints tight at it (qhull rounds).

    Vertices with exactly ``dim`` nearly tight constraints (all of them in a
    generic game) are re-solved in one batched pass, the others one by one by
    least squares. A re-solved point is kept only if it is that close to
    qhull's.
    """
    dim = matrix.shape[1]
    loose = 1e-8
    constraints = np.vstack([np.eye(dim), matrix])
    bounds = np.concatenate([np.zeros(dim), np.ones(len(matrix))])
    tight = np.concatenate([points <= loose, np.abs(points @ matrix.T - 1) <= loose], axis=1)
    counts = tight.sum(axis=1)
    out = points.copy()
    simple = np.flatnonzero(counts == dim)
    if len(simple):
        chosen = np.argsort(~tight[simple], axis=1, kind="stable")[:, :dim]  # the tight ones
        systems = np.moveaxis(constraints[chosen], 0, 2)  # (dim, dim, V)
        solution, ok = batched_solve(systems, bounds[chosen].T)
        solution = solution.T
        keep = ok & (np.abs(solution - points[simple]).max(axis=1) <= 1e-6)
        out[simple[keep]] = solution[keep]
    for index in np.flatnonzero(counts > dim).tolist():
        system = constraints[tight[index]]
        rhs = bounds[tight[index]]
        solved, *_ = np.linalg.lstsq(system, rhs, rcond=None)
        if (
            np.abs(system @ solved - rhs).max() <= 1e-12
            and np.abs(solved - points[index]).max() <= 1e-6
        ):
            out[index] = solved
    return out


def _brute_force_one(matrix: FloatArray, eps: float, m: int, n: int, side: int) -> _Points:
    """Brute-force vertices of one polytope (the qhull fallback)."""
    if side == 0:
        b = matrix.T[None]
        a = np.ones_like(b)
        p, _ = _brute_force(a, b, np.array([eps]), np.array([eps]))
        return p
    a = matrix[None]
    b = np.ones_like(a)
    _, q = _brute_force(a, b, np.array([eps]), np.array([eps]))
    return q
