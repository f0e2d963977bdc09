"""Shared machinery of the two-actor solvers (vertex, support, Lemke-Howson).

Notation (von Stengel 2002, "Computing equilibria for two-person games",
Handbook of Game Theory vol. 3, ch. 45): the row actor has ``m`` options, the
column actor ``n``; ``A`` and ``B`` are their ``(m, n)`` payoff matrices.
After a positive affine change of each matrix (which changes no equilibrium)
``A, B > 0`` and the best-response polytopes are

    P = {x in R^m : x >= 0, B^T x <= 1}     Q = {y in R^n : A y <= 1, y >= 0}.

Labels ``0..m-1`` belong to the row actor's options, ``m..m+n-1`` to the
column actor's. A point ``x`` of ``P`` has label ``i`` if ``x_i = 0`` and
label ``m + j`` if ``(B^T x)_j = 1``; a point ``y`` of ``Q`` has label ``i`` if
``(A y)_i = 1`` and label ``m + j`` if ``y_j = 0``. A pair ``(x, y) != (0, 0)``
whose labels cover all ``m + n`` labels, rescaled to probability vectors, is a
Nash equilibrium; the vertex pairs are the extreme equilibria.

Label sets are stored as bitmasks: one row of ``uint64`` words per point
(``ceil((m + n) / 64)`` words), so a whole set of pairs is tested at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, islice
from math import comb
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._scale import exponents, normalised
from ..errors import UnsupportedGameError
from ..game import FloatArray, Game, MixedProfile
from .result import Equilibrium, SolverResult, limit_warning, verify

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
MaskArray = NDArray[np.uint64]

#: Below this (on payoffs rescaled to [1, 2]) a pivot is treated as zero: the
#: linear system is singular for our purposes.
PIVOT_TOL = 1e-10
#: Smallest tolerance used to decide that a constraint is tight (floating noise).
LABEL_TOL_FLOOR = 1e-12

DEGENERATE_PREFIX = "degenerate game"

#: Default work budget of support and vertex enumeration: support pairs (bases) examined.
#: Every pair of a 10 x 10 game (184,755); a few seconds' work on a 100 x 100 one.
MAX_SUPPORT_PAIRS = 1_000_000


def bimatrix(game: Game) -> tuple[FloatArray, FloatArray]:
    """The row and column payoff matrices ``(A, B)`` of a two-actor game.

    Raises
    ------
    UnsupportedGameError
        If ``game`` does not have exactly two actors.
    """
    if game.n_actors != 2:
        raise UnsupportedGameError(f"expected a two-actor game, got {game.n_actors} actors")
    return np.array(game.payoffs[0]), np.array(game.payoffs[1])


def rescale(matrices: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Map each matrix affinely onto ``[1, 2]`` (constant matrices to all ones).

    The matrix is first divided by its power-of-two scale (:mod:`negotiation_sim._scale`), exactly,
    so that ``max M - min M`` cannot overflow; the result is the same, bit for bit.

    Parameters
    ----------
    matrices : ndarray, shape (..., r, c)

    Returns
    -------
    rescaled : ndarray, shape (..., r, c)
        ``1 + (M - min M) / scale``, entries in ``[1, 2]``.
    scale : ndarray, shape (...)
        ``max M - min M`` (``1`` for a constant matrix): a payoff difference
        ``d`` in the original units is ``d / scale`` after rescaling. Infinite
        when the range itself exceeds the largest float.

    Examples
    --------
    >>> rescaled, scale = rescale(np.array([[1.7e308, -1.7e308]]))
    >>> rescaled.tolist(), scale.tolist()
    ([[2.0, 1.0]], inf)
    """
    e = exponents(matrices, axis=(-2, -1))
    unit = normalised(matrices, e)
    low = unit.min(axis=(-2, -1))
    span = unit.max(axis=(-2, -1)) - low
    span = np.where(span > 0, span, 1.0)
    rescaled = 1.0 + (unit - low[..., None, None]) / span[..., None, None]
    with np.errstate(over="ignore"):
        return rescaled, np.ldexp(span, e)


def label_tolerance(tol: float, scale: FloatArray) -> FloatArray:
    """Tightness tolerance on payoffs rescaled to ``[1, 2]``.

    A constraint with slack below it counts as tight (the point has that
    label). Half of ``tol`` in rescaled units, so that a pair completely
    labelled within it has regret at most ``tol``; never below
    :data:`LABEL_TOL_FLOOR`.
    """
    return np.maximum(0.5 * tol / scale, LABEL_TOL_FLOOR)


def batched_solve(matrices: FloatArray, rhs: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Solve a stack of small square systems by Gauss-Jordan elimination.

    Vectorised over the stack (one numpy pass per column, partial pivoting),
    which beats a loop of LAPACK calls for many tiny systems and reports
    singular systems instead of raising. The stack is the *last* axis, so
    every numpy pass runs over contiguous memory.

    Parameters
    ----------
    matrices : ndarray, shape (k, k, N)
        ``matrices[:, :, s]`` is system ``s``; entries of order one (the
        callers rescale payoffs to ``[1, 2]``).
    rhs : ndarray, shape (k, N)

    Returns
    -------
    solutions : ndarray, shape (k, N)
        Meaningless where ``ok`` is false.
    ok : ndarray of bool, shape (N,)
        False where some pivot fell below :data:`PIVOT_TOL` (singular or
        nearly singular system).

    Examples
    --------
    >>> m = np.array([[[2.0], [1.0]], [[1.0], [3.0]]])  # one system [[2, 1], [1, 3]]
    >>> x, ok = batched_solve(m, np.array([[3.0], [5.0]]))
    >>> x[:, 0].round(12).tolist(), ok.tolist()
    ([0.8, 1.4], [True])
    """
    k, count = rhs.shape
    work = np.empty((k, k + 1, count))
    work[:, :k, :] = matrices
    work[:, k, :] = rhs
    ok = np.ones(count, dtype=bool)
    free = np.ones((k, count), dtype=bool)
    pivots = np.empty((k, count))
    pivot_rows = np.empty((k, count), dtype=np.intp)
    index = np.arange(k)[:, None]
    systems = np.arange(count)
    for c in range(k):
        column = work[:, c, :]
        chosen = np.argmax(np.where(free, np.abs(column), -1.0), axis=0)  # used rows: -1
        onehot = index == chosen
        pivot = column[chosen, systems]
        small = np.abs(pivot) <= PIVOT_TOL
        ok &= ~small
        pivot = np.where(small, 1.0, pivot)
        # The pivot row is left unscaled (its column c entry stays ``pivot``);
        # the other rows lose their column c entry.
        row = np.take_along_axis(work[:, c + 1 :, :], chosen[None, None, :], axis=0)[0] / pivot
        factors = np.where(onehot, 0.0, column)
        work[:, c + 1 :, :] -= factors[:, None, :] * row[None, :, :]
        free[chosen, systems] = False
        pivots[c] = pivot
        pivot_rows[c] = chosen
    solution: FloatArray = work[pivot_rows, k, systems[None, :]] / pivots
    return solution, ok


@lru_cache(maxsize=64)
def support_pairs(m: int, n: int, sizes: tuple[int, ...]) -> tuple[IntArray, IntArray]:
    """Every pair ``(I, J)`` of a ``k``-subset of ``range(m)`` and one of ``range(n)``, ``k`` in ``sizes``.

    Pairs of every size are padded to ``K = max(sizes)`` so that all of them
    can be solved in one pass: padding position ``p`` of a pair of size ``k``
    (``k <= p < K``) holds row ``m + p`` and column ``n + p``, which index an
    identity block appended to the payoff matrix (see :func:`padded`).

    Returns
    -------
    rows, columns : ndarray, shape (N, K)
        ``N = sum_k C(m, k) * C(n, k)`` pairs, by size, then row subset, then
        column subset. Read-only (cached).

    Examples
    --------
    >>> rows, columns = support_pairs(2, 2, (1, 2))
    >>> rows.tolist(), columns.tolist()
    ([[0, 3], [0, 3], [1, 3], [1, 3], [0, 1]], [[0, 3], [1, 3], [0, 3], [1, 3], [0, 1]])
    """
    top = max(sizes)
    all_rows = []
    all_columns = []
    for k in sizes:
        row_sets = np.array(list(combinations(range(m), k)), dtype=np.intp).reshape(-1, k)
        column_sets = np.array(list(combinations(range(n), k)), dtype=np.intp).reshape(-1, k)
        pairs = len(row_sets) * len(column_sets)
        rows = np.empty((pairs, top), dtype=np.intp)
        columns = np.empty((pairs, top), dtype=np.intp)
        rows[:, :k] = np.repeat(row_sets, len(column_sets), axis=0)
        columns[:, :k] = np.tile(column_sets, (len(row_sets), 1))
        rows[:, k:] = m + np.arange(k, top)
        columns[:, k:] = n + np.arange(k, top)
        all_rows.append(rows)
        all_columns.append(columns)
    rows = np.concatenate(all_rows)
    columns = np.concatenate(all_columns)
    for array in (rows, columns):
        array.setflags(write=False)
    return rows, columns


def padded(matrices: FloatArray, size: int) -> FloatArray:
    """Append ``size`` rows and columns to each ``(m, n)`` matrix: zeros and an identity block.

    The companion of :func:`support_pairs`; shape ``(..., m + size, n + size)``.
    """
    *lead, m, n = matrices.shape
    out = np.zeros((*lead, m + size, n + size))
    out[..., :m, :n] = matrices
    out[..., m:, n:] = np.eye(size)
    return out


@dataclass(frozen=True)
class SupportBlock:
    """A block of equal-size support pairs ``(I, J)`` and the square systems they index.

    Attributes
    ----------
    rows, columns : ndarray of int, shape (N, K)
        The pairs, padded to ``K`` (see :func:`support_pairs`).
    a : ndarray, shape (..., K, K, N)
        The submatrices ``A[I, J]`` (identity on the padding), batch axes first.
    b_t : ndarray, shape (..., K, K, N)
        The transposed submatrices ``B[I, J]^T``.
    """

    rows: IntArray
    columns: IntArray
    a: FloatArray
    b_t: FloatArray

    def row_vectors(self, part: FloatArray, m: int, which: IntArray | None = None) -> FloatArray:
        """Vectors over the ``m`` rows holding ``part`` (..., N, K) on ``I``, zero elsewhere.

        With ``which``, ``part`` holds only the pairs ``which`` (..., len(which), K).
        """
        return _spread(part, self.rows if which is None else self.rows[which], m)

    def column_vectors(self, part: FloatArray, n: int, which: IntArray | None = None) -> FloatArray:
        """Vectors over the ``n`` columns holding ``part`` (..., N, K) on ``J``, zero elsewhere."""
        return _spread(part, self.columns if which is None else self.columns[which], n)

    def row_products(self, part: FloatArray, matrix: FloatArray) -> FloatArray:
        """``x @ matrix`` (..., N, c) for the vectors ``x`` of :meth:`row_vectors`.

        Only the ``K`` rows of ``matrix`` (..., m, c) in ``I`` are read: ``K`` products
        per entry instead of ``m``, and no dense vectors are built.
        """
        return _products(part, self.rows, matrix)

    def column_products(self, part: FloatArray, matrix: FloatArray) -> FloatArray:
        """``y @ matrix`` (..., N, c) for the vectors ``y`` of :meth:`column_vectors`."""
        return _products(part, self.columns, matrix)

    def row_zeros(self, part: FloatArray, m: int, tol: float) -> IntArray:
        """How many of the ``m`` entries of each vector of :meth:`row_vectors` are ``<= tol``."""
        return m - ((part > tol) & (self.rows < m)).sum(axis=-1)  # type: ignore[no-any-return]

    def column_zeros(self, part: FloatArray, n: int, tol: float) -> IntArray:
        """How many of the ``n`` entries of each vector of :meth:`column_vectors` are ``<= tol``."""
        return n - ((part > tol) & (self.columns < n)).sum(axis=-1)  # type: ignore[no-any-return]


def _spread(part: FloatArray, positions: IntArray, length: int) -> FloatArray:
    count, k = positions.shape
    out = np.zeros((*part.shape[:-2], count, length + k))
    out[..., np.arange(count)[:, None], positions] = part
    return out[..., :length]  # padding positions (length and beyond) dropped


def _products(part: FloatArray, positions: IntArray, matrix: FloatArray) -> FloatArray:
    """``sum_t part[..., s, t] * matrix[..., positions[s, t], :]``; padding positions read zeros."""
    k = positions.shape[1]
    zeros = np.zeros((*matrix.shape[:-2], k, matrix.shape[-1]))
    gathered = np.concatenate([matrix, zeros], axis=-2)[..., positions, :]  # (..., N, K, c)
    products: FloatArray = np.matmul(part[..., None, :], gathered)[..., 0, :]
    return products


def support_blocks(
    a: FloatArray,
    b: FloatArray,
    *,
    one_pass_limit: int,
    per_block: int,
    limit: int | None = None,
) -> Iterator[SupportBlock]:
    """Every equal-size support pair of games ``(A, B)``, shape (..., m, n), in blocks.

    The one support-pair loop of support and vertex enumeration. When the
    bases (``C(m + n, m)`` times the games) are at most ``one_pass_limit``, all
    sizes share one padded pass (fewer numpy calls, which is what small games
    cost); otherwise each size has its own. Each block holds at most
    ``per_block`` systems over all games, and fewer for wide games (bounding the
    working memory). With ``limit``, only the first ``limit`` pairs (by size, then
    row set, then column set) are given: :func:`count_support_pairs` says how
    many there are in all.
    """
    *lead, m, n = a.shape
    games = int(np.prod(lead))
    smallest = min(m, n)
    left = count_support_pairs(m, n) if limit is None else limit
    if comb(m + n, m) * games <= one_pass_limit:
        groups = [tuple(range(1, smallest + 1))]
    else:
        groups = [(k,) for k in range(1, smallest + 1)]
    for sizes in groups:
        if left <= 0:
            return
        k = max(sizes)
        step = max(1, min(per_block, _BLOCK_ENTRIES // ((m + n) * k)) // games)
        a_flat = padded(a, k).reshape(*lead, -1)  # the layout support_pairs indexes
        b_flat = padded(b, k).reshape(*lead, -1)
        for rows, columns in _pair_blocks(m, n, sizes, step, left):
            left -= len(rows)
            part = rows.T[:, None, :] * (n + k) + columns.T[None, :, :]
            yield SupportBlock(
                rows, columns, a_flat[..., part], b_flat[..., part.transpose(1, 0, 2)]
            )


#: Entries (systems times ``(m + n) * K``) of one block's products: bounds the working memory.
_BLOCK_ENTRIES = 4_000_000
#: Groups of at most this many support pairs are built at once and cached.
_CACHED_PAIRS = 1_000_000


def count_support_pairs(m: int, n: int) -> int:
    """Number of equal-size support pairs of an ``m x n`` game: ``C(m + n, m) - 1``.

    >>> count_support_pairs(2, 2)  # 4 pairs of size 1, 1 of size 2
    5
    """
    return comb(m + n, m) - 1


def _pair_blocks(
    m: int, n: int, sizes: tuple[int, ...], step: int, limit: int
) -> Iterator[tuple[IntArray, IntArray]]:
    """The first ``limit`` support pairs of ``sizes``, padded, ``step`` at a time."""
    top = max(sizes)
    if sum(comb(m, k) * comb(n, k) for k in sizes) <= _CACHED_PAIRS:
        rows, columns = support_pairs(m, n, sizes)
        for start in range(0, min(len(rows), limit), step):
            stop = min(start + step, limit)
            yield rows[start:stop], columns[start:stop]
        return
    # Too many to build at once (C(100, 50)**2 pairs of size 50): generated lazily.
    (k,) = sizes
    lazy = ((r, c) for r in combinations(range(m), k) for c in combinations(range(n), k))
    while limit > 0:
        chunk = list(islice(lazy, min(step, limit)))
        if not chunk:
            return
        limit -= len(chunk)
        rows = np.array([r for r, _ in chunk], dtype=np.intp).reshape(-1, top)
        columns = np.array([c for _, c in chunk], dtype=np.intp).reshape(-1, top)
        yield rows, columns


def pack_labels(tight: BoolArray) -> MaskArray:
    """Pack boolean label sets, shape ``(..., L)``, into ``uint64`` words, shape ``(..., W)``.

    Bit ``l % 64`` of word ``l // 64`` is label ``l``; ``W = ceil(L / 64)``.
    """
    words = max(1, -(-tight.shape[-1] // 64))
    packed = np.packbits(tight, axis=-1, bitorder="little")
    padding = words * 8 - packed.shape[-1]
    if padding:
        packed = np.concatenate(
            [packed, np.zeros((*packed.shape[:-1], padding), dtype=np.uint8)], axis=-1
        )
    return np.ascontiguousarray(packed).view(np.dtype("<u8")).astype(np.uint64)


def all_labels(count: int) -> MaskArray:
    """The mask of labels ``0..count-1``, shape ``(W,)``."""
    return pack_labels(np.ones(count, dtype=bool))


def components(pairs: IntArray) -> int:
    """Number of connected components of the bipartite graph of completely labelled pairs.

    Each component of this graph is one (topological) component of the
    equilibrium set (Avis, Rosenberg, Savani & von Stengel 2010, sect. 4).

    >>> components(np.array([[0, 0], [0, 1], [2, 3]]))
    2
    """
    if len(pairs) > _UNION_FIND_PAIRS:
        return _sparse_components(pairs)
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs.tolist():
        root_a, root_b = find((0, a)), find((1, b))
        if root_a != root_b:
            parent[root_a] = root_b
    return len({find(node) for node in list(parent)})


#: Up to this many pairs a union-find in Python (cheap per call, for a batch of small games);
#: beyond, scipy's connected components (10,000 pairs of an all-ties 100 x 100 game and more).
_UNION_FIND_PAIRS = 5_000


def _sparse_components(pairs: IntArray) -> int:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    left, left_id = np.unique(pairs[:, 0], return_inverse=True)
    right, right_id = np.unique(pairs[:, 1], return_inverse=True)
    size = len(left) + len(right)
    graph = coo_matrix(
        (np.ones(len(pairs)), (left_id.ravel(), len(left) + right_id.ravel())), shape=(size, size)
    )
    return int(connected_components(graph, directed=False)[0])


def sort_key(equilibrium: Equilibrium) -> tuple[float, ...]:
    """Descending lexicographic order of the strategies (pure options in index order first)."""
    return tuple(-round(float(v), 9) for s in equilibrium.strategies for v in s)


def finish(
    game: Game,
    method: str,
    candidates: Iterable[MixedProfile],
    tol: float,
    warnings: Iterable[str] = (),
    parameters: Mapping[str, Any] | None = None,
    *,
    limit: int | None = None,
    found: int | None = None,
    exhaustive: bool = True,
) -> SolverResult:
    """Verify candidates (:func:`verify`, at most ``limit`` kept), sort them and build the result.

    ``found`` is how many candidates the search found in all (the result's ``count``
    when ``limit`` cut the list); ``exhaustive`` whether the search ran to its end.
    """
    checked = verify(game, candidates, tol, limit=limit)
    ordered = tuple(sorted(checked.equilibria, key=sort_key))
    notes = [*warnings, *checked.warnings]
    count = max(found or 0, len(ordered))
    if limit is not None and (checked.stopped or count > limit):
        notes.append(limit_warning(count, limit, "in the order of the search"))
    return SolverResult(
        game,
        method,
        ordered,
        tol,
        tuple(notes),
        parameters=dict(parameters or {}),
        count=count,
        exhaustive=exhaustive,
    )


def budget_warning(method: str, examined: int, total: int, budget: str) -> str:
    """The warning of a search stopped by a work budget.

    >>> budget_warning("support_enumeration", 10, 20, "max_support_pairs=10")
    'support_enumeration: stopped after 10 of 20 support pairs (max_support_pairs=10); the equilibria listed may be incomplete'
    """
    of = str(total) if total < 10**12 else f"about {float(total):.3g}"
    return (
        f"{method}: stopped after {examined} of {of} support pairs ({budget}); "
        "the equilibria listed may be incomplete"
    )
