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

import dataclasses
import itertools
from dataclasses import dataclass
from math import comb
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import GameError, UnsupportedGameError
from ..game import DEFAULT_TOL, FloatArray, Game
from ._bimatrix import (
    DEGENERATE_PREFIX,
    MAX_SUPPORT_PAIRS,
    BoolArray,
    IntArray,
    MaskArray,
    all_labels,
    bimatrix,
    budget_warning,
    components,
    count_support_pairs,
    finish,
    label_tolerance,
    pack_labels,
    rescale,
)
from ._checks import check_count, check_tol
from ._polytope import Points, brute_force, qhull_fits, qhull_vertices, stack_points
from .result import (
    MAX_EQUILIBRIA,
    EquilibriumBatch,
    SolverResult,
    dropped_warning,
    verify_bimatrix_batch,
)

__all__ = ["BRUTE_FORCE_LIMIT", "solve_vertex_enumeration", "vertex_enumeration_batch"]

METHOD = "vertex_enumeration"

#: Polytopes with at most this many candidate bases (``C(m + n, m)``) have
#: their vertices found by solving every basis; larger ones go through qhull.
#: Measured crossover: brute force wins up to 5x5 (252 bases), qhull from 6x6
#: (924) on; both give the same equilibria (tested).
BRUTE_FORCE_LIMIT = 500


def solve_vertex_enumeration(
    game: Game,
    *,
    tol: float = DEFAULT_TOL,
    max_equilibria: int = MAX_EQUILIBRIA,
    max_bases: int = MAX_SUPPORT_PAIRS,
) -> SolverResult:
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
    max_equilibria : int
        List (and verify) at most this many extreme equilibria: the first
        completely labelled vertex pairs (in the order of the vertices found).
        ``count`` is the number of pairs found, each an extreme equilibrium.
    max_bases : int
        Work budget (default one million). Brute force solves at most this many
        of the ``C(m + n, m) - 1`` support pairs (bases); qhull is used only when
        McMullen's upper bound on the vertices of each polytope is within it (every
        16 x 16 game; a game with all payoffs tied has few vertices whatever its
        size). Otherwise brute force stops at the budget: ``exhaustive`` is False
        and a warning says the list may be incomplete.

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
    limit = check_count(max_equilibria, "max_equilibria")
    budget = check_count(max_bases, "max_bases")
    (found,) = _enumerate(np.stack([a, b])[None], tol, budget, keep=2 * limit).split()
    warnings = []
    if found.degenerate:
        warnings.append(_degenerate_warning(found.count, found.components))
    if found.examined is not None:
        total = count_support_pairs(*game.shape)
        warnings.append(budget_warning(METHOD, found.examined, total, f"max_bases={budget}"))
    candidates = zip(found.x, found.y, strict=True)
    return finish(
        game,
        METHOD,
        candidates,
        tol,
        warnings,
        limit=limit,
        found=found.count,
        exhaustive=found.examined is None,
    )


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
    found = _enumerate(flat, tol, MAX_SUPPORT_PAIRS)
    ok, x, y, expected, regret = verify_bimatrix_batch(flat, found.game, found.x, found.y, tol)
    # Same order as the per-game results: by game, then descending lexicographic strategies.
    keys = [-np.round(column, 9) for column in np.concatenate([x, y], axis=1).T[::-1]]
    order = np.lexsort([*keys, found.game])
    order = order[ok[order]]
    warnings: dict[int, tuple[str, ...]] = {}
    bounds = found.bounds()
    for g in np.flatnonzero(found.degenerate).tolist():
        warnings[g] = (_degenerate_warning(bounds[g + 1] - bounds[g], int(found.parts[g])),)
    if found.examined is not None:
        stopped = budget_warning(
            METHOD, found.examined, count_support_pairs(m, n), f"max_bases={MAX_SUPPORT_PAIRS}"
        )
        for g in range(len(flat)):
            warnings[g] = (*warnings.get(g, ()), stopped)
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

    x: FloatArray
    y: FloatArray
    count: int  # pairs found (x and y may hold fewer: the first ones)
    degenerate: bool
    components: int
    examined: int | None  # support pairs examined, when the budget stopped the search


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


# -- the algorithm on a stack of games ----------------------------------------------------------


def _enumerate(payoffs: FloatArray, tol: float, budget: int, *, keep: int | None = None) -> _Pairs:
    """Completely labelled vertex pairs of every game in ``payoffs``, shape (G, 2, m, n).

    Brute force for small polytopes, qhull for those whose vertices McMullen's bound
    keeps within ``budget``, else brute force over the first ``budget`` support pairs.
    At most ``keep`` pairs of each game are kept (all are counted).
    """
    count, _, m, n = payoffs.shape
    a, scale_a = rescale(payoffs[:, 0])
    b, scale_b = rescale(payoffs[:, 1])
    eps_p = label_tolerance(tol, scale_b)  # P's constraints are the column actor's payoffs
    eps_q = label_tolerance(tol, scale_a)
    small = comb(m + n, m) <= BRUTE_FORCE_LIMIT or min(m, n) == 1
    if small and count_support_pairs(m, n) <= budget:
        p_points, q_points = brute_force(a, b, eps_p, eps_q)
    elif min(m, n) > 1 and qhull_fits(a, b, budget):
        p_points = stack_points(
            [qhull_vertices(b[g].T, eps_p[g], m, n, side=0, limit=budget) for g in range(count)],
            m,
            m + n,
        )
        q_points = stack_points(
            [qhull_vertices(a[g], eps_q[g], m, n, side=1, limit=budget) for g in range(count)],
            n,
            m + n,
        )
    else:
        p_points, q_points = brute_force(a, b, eps_p, eps_q, limit=budget)
    pairs = _pair_all(_distinct(p_points), _distinct(q_points), count, m, n, keep)
    stops = [found.examined for found in (p_points, q_points) if found.examined is not None]
    return dataclasses.replace(pairs, examined=min(stops)) if stops else pairs


@dataclass(frozen=True)
class _Vertices:
    """Distinct vertices grouped by game (ascending), with label masks and label counts."""

    game: IntArray
    points: FloatArray
    masks: MaskArray
    labels: IntArray


def _keys(game: IntArray, masks: MaskArray) -> NDArray[np.void]:
    """One opaque sortable key per (game, label set)."""
    table = np.concatenate([game.astype(np.uint64)[:, None], masks], axis=1)
    return np.ascontiguousarray(table).view(np.dtype((np.void, 8 * table.shape[1]))).ravel()


def _distinct(found: Points) -> _Vertices:
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


def _pair_all(
    p: _Vertices, q: _Vertices, count: int, m: int, n: int, keep: int | None = None
) -> _Pairs:
    """Completely labelled pairs of every game, as candidate equilibria.

    A vertex of ``P`` with exactly ``m`` labels is completely labelled only
    with the vertex of ``Q`` carrying exactly the other ``n`` labels (or with
    a degenerate one carrying more): those pairs come from one sorted join on
    (game, labels) over all games. Pairs involving a degenerate vertex are
    tested exhaustively within their game. Only the first ``keep`` pairs of each
    game become candidates (an all-ties 100 x 100 game has 10,000 pairs).
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
    game = p.game[found[:, 0]]
    bounds = np.searchsorted(game, np.arange(count + 1))
    totals = np.diff(bounds)
    parts = totals.copy()
    for g in np.flatnonzero(degenerate).tolist():
        parts[g] = components(found[bounds[g] : bounds[g + 1]])
    if keep is not None:
        kept = np.arange(len(found)) - bounds[game] < keep
        found, game = found[kept], game[kept]
    x = p.points[found[:, 0]]
    y = q.points[found[:, 1]]
    return _Pairs(
        game=game,
        x=x / x.sum(axis=1, keepdims=True),
        y=y / y.sum(axis=1, keepdims=True),
        degenerate=degenerate,
        totals=totals,
        parts=parts,
    )


@dataclass(frozen=True)
class _Pairs:
    """Completely labelled vertex pairs of a stack of games, as flat arrays (games ascending).

    ``totals`` and ``parts`` are, per game, the pairs found (``x`` and ``y`` may hold
    only the first ones) and the components they form; ``examined`` the support pairs
    examined when a budget stopped the search.
    """

    game: IntArray
    x: FloatArray
    y: FloatArray
    degenerate: BoolArray
    totals: IntArray
    parts: IntArray
    examined: int | None = None

    def bounds(self) -> list[int]:
        return np.searchsorted(self.game, np.arange(len(self.degenerate) + 1)).tolist()  # type: ignore[no-any-return]

    def split(self) -> list[_Found]:
        """Per-game candidates, for results built game by game."""
        results = []
        for g, (lo, hi) in enumerate(itertools.pairwise(self.bounds())):
            results.append(
                _Found(
                    self.x[lo:hi],
                    self.y[lo:hi],
                    int(self.totals[g]),
                    bool(self.degenerate[g]),
                    int(self.parts[g]),
                    self.examined,
                )
            )
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
