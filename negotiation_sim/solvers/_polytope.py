"""Vertices of the best-response polytopes of a stack of two-actor games.

With ``A, B`` rescaled to ``[1, 2]`` the polytopes are ``P = {x >= 0 : B^T x <= 1}``
and ``Q = {y >= 0 : A y <= 1}`` (:mod:`._bimatrix`). Their vertices are found by
brute force over every equal-size support pair (:func:`brute_force`, all games of a
stack at once) or, for larger polytopes, by qhull (:func:`qhull_vertices`, one game
at a time, each vertex re-solved from its tight constraints). Each point carries
its label set: the constraints tight at it within the label tolerance.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from math import comb

import numpy as np

from ..game import FloatArray
from ._bimatrix import BoolArray, IntArray, batched_solve, count_support_pairs, support_blocks

#: Linear systems solved per numpy pass (bounds the working memory).
_SYSTEMS_PER_BLOCK = 100_000
#: Up to this many systems (bases times games), all support sizes share one
#: padded pass: fewer numpy calls, which is what small games cost.
_ONE_PASS_LIMIT = 4_096


@dataclass(frozen=True)
class Points:
    """Feasible points of one polytope for a stack of games (vertices, possibly repeated).

    ``game[v]`` is the game of point ``v`` and ``tight[v]`` its label set;
    ``examined`` the support pairs solved when a limit stopped brute force
    (``None``: every vertex was found).
    """

    game: IntArray
    points: FloatArray
    tight: BoolArray
    examined: int | None = None


def stack_points(per_game: list[Points], dim: int, labels: int) -> Points:
    """Concatenate the points of single games (``game`` all 0) into one stack."""
    if not per_game:
        return Points(
            np.zeros(0, dtype=np.intp), np.zeros((0, dim)), np.zeros((0, labels), dtype=bool)
        )
    stops = [p.examined for p in per_game if p.examined is not None]
    return Points(
        np.concatenate([np.full(len(p.points), g, dtype=np.intp) for g, p in enumerate(per_game)]),
        np.concatenate([p.points for p in per_game]),
        np.concatenate([p.tight for p in per_game]),
        min(stops) if stops else None,
    )


def brute_force(
    a: FloatArray, b: FloatArray, eps_p: FloatArray, eps_q: FloatArray, limit: int | None = None
) -> tuple[Points, Points]:
    """Vertices of P and Q of every game by solving every equal-size support pair.

    ``a, b`` have shape (G, m, n), rescaled to [1, 2]. For a row set ``I`` and
    a column set ``J`` of size ``k``, ``x_I = B[I, J]^{-T} 1`` (zero off ``I``)
    is a vertex of ``P`` if feasible, and ``y_J = A[I, J]^{-1} 1`` a vertex of
    ``Q``; every vertex arises this way from some nonsingular pair. With
    ``limit``, only the first ``limit`` pairs are solved (see
    :func:`~._bimatrix.support_blocks`).
    """
    count, m, n = a.shape
    labels = m + n
    found_p: list[tuple[FloatArray, BoolArray]] = []
    found_q: list[tuple[FloatArray, BoolArray]] = []
    game_ids: list[IntArray] = []
    game_ids_q: list[IntArray] = []
    e_p = eps_p[:, None, None]
    e_q = eps_q[:, None, None]
    blocks = support_blocks(
        a, b, one_pass_limit=_ONE_PASS_LIMIT, per_block=_SYSTEMS_PER_BLOCK, limit=limit
    )
    for block in blocks:
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
        bx = block.row_products(x_part, b)  # (games, systems, n)
        ay = block.column_products(y_part, np.swapaxes(a, 1, 2))  # (games, systems, m)
        feasible_p = ok_p & (x_part >= -e_p).all(axis=2) & (bx <= 1 + e_p).all(axis=2)
        feasible_q = ok_q & (y_part >= -e_q).all(axis=2) & (ay <= 1 + e_q).all(axis=2)
        g, s = np.nonzero(feasible_p)
        x = block.row_vectors(x_part[g, s], m, s)
        tight = np.concatenate([x <= e_p[g, 0], bx[g, s] >= 1 - e_p[g, 0]], axis=1)
        found_p.append((x, tight))
        game_ids.append(g)
        g, s = np.nonzero(feasible_q)
        y = block.column_vectors(y_part[g, s], n, s)
        tight = np.concatenate([ay[g, s] >= 1 - e_q[g, 0], y <= e_q[g, 0]], axis=1)
        found_q.append((y, tight))
        game_ids_q.append(g)
    examined = None if limit is None or limit >= count_support_pairs(m, n) else limit
    return (
        _gather(found_p, game_ids, m, labels, examined),
        _gather(found_q, game_ids_q, n, labels, examined),
    )


def _gather(
    found: list[tuple[FloatArray, BoolArray]],
    ids: list[IntArray],
    dim: int,
    labels: int,
    examined: int | None,
) -> Points:
    """Concatenate the feasible points of all blocks."""
    if not found:
        return dataclasses.replace(stack_points([], dim, labels), examined=examined)
    return Points(
        np.concatenate(ids).astype(np.intp),
        np.concatenate([f[0] for f in found]),
        np.concatenate([f[1] for f in found]),
        examined,
    )


def vertex_bound(dim: int, facets: int) -> int:
    """McMullen's upper bound on the vertices of a ``dim``-polytope with ``facets`` facets.

    The upper bound theorem (McMullen 1970; Ziegler 1995, *Lectures on Polytopes*,
    sect. 8.4): at most ``C(f - ceil(d/2), floor(d/2)) + C(f - floor(d/2) - 1,
    ceil(d/2) - 1)`` vertices, attained by cyclic polytopes. What qhull must build
    grows with it.

    >>> vertex_bound(3, 6), vertex_bound(2, 5)  # the cube, the pentagon
    (8, 5)
    """
    low, high = dim // 2, dim - dim // 2
    return comb(facets - high, low) + comb(facets - low - 1, high - 1)


def qhull_fits(a: FloatArray, b: FloatArray, budget: int) -> bool:
    """Whether McMullen's bound keeps the vertices of every P and Q within ``budget``.

    ``a, b`` (G, m, n); a polytope's facets are its non-negativity constraints and
    its distinct payoff constraints (a game with all payoffs tied has a simplex).
    """
    m, n = a.shape[1:]
    for g in range(len(a)):
        facets_p = m + len(np.unique(b[g].T, axis=0))
        facets_q = n + len(np.unique(a[g], axis=0))
        if max(vertex_bound(m, facets_p), vertex_bound(n, facets_q)) > budget:
            return False
    return True


def qhull_vertices(
    matrix: FloatArray, eps: float, m: int, n: int, side: int, limit: int | None = None
) -> Points:
    """Vertices of ``{z >= 0 : matrix z <= 1}`` by qhull, labelled from tightness.

    ``side = 0``: P with ``matrix = B^T`` (shape (n, m)), labels ``x_i = 0``
    first. ``side = 1``: Q with ``matrix = A`` (shape (m, n)), labels of the
    rows of ``A`` first. Falls back to brute force (over at most ``limit``
    support pairs) if qhull fails.
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
        return _brute_force_one(matrix, eps, m, n, side, limit)
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
    return Points(np.zeros(len(points), dtype=np.intp), points, tight)


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
    residual = np.abs(np.where(tight, points @ constraints.T - bounds, 0.0)).max(axis=1)
    # A degenerate vertex qhull already put on its constraints (to rounding) needs no
    # least squares: with 200 tight constraints in 100 dimensions each costs milliseconds.
    for index in np.flatnonzero((counts > dim) & (residual > 1e-14)).tolist():
        system = constraints[tight[index]]
        rhs = bounds[tight[index]]
        solved, *_ = np.linalg.lstsq(system, rhs, rcond=None)
        if (
            np.abs(system @ solved - rhs).max() <= 1e-12
            and np.abs(solved - points[index]).max() <= 1e-6
        ):
            out[index] = solved
    return out


def _brute_force_one(
    matrix: FloatArray, eps: float, m: int, n: int, side: int, limit: int | None
) -> Points:
    """Brute-force vertices of one polytope (the qhull fallback)."""
    if side == 0:
        b = matrix.T[None]
        a = np.ones_like(b)
        p, _ = brute_force(a, b, np.array([eps]), np.array([eps]), limit)
        return p
    a = matrix[None]
    b = np.ones_like(a)
    _, q = brute_force(a, b, np.array([eps]), np.array([eps]), limit)
    return q
