"""Pure Nash equilibria of games with any number of actors, one game or a batch.

A pure profile ``s`` is an equilibrium iff for every actor ``i``,
``u_i(s) >= max_j u_i(j, s_-i) - tol``. On a payoff tensor this is a max over
actor ``i``'s own axis compared with ``u_i`` itself, so a whole batch of games
(leading axes, e.g. a parameter grid) is checked in one vectorised pass.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import GameError
from ..game import DEFAULT_TOL, Game
from ._checks import check_count, check_tol
from .result import MAX_EQUILIBRIA, SolverResult, limit_warning, verified_equilibria

__all__ = ["node_pure_equilibria", "pure_equilibria", "solve_pure"]


def pure_equilibria(
    payoffs: ArrayLike,
    *,
    n_actors: int | None = None,
    tol: float = DEFAULT_TOL,
    threads: int | None = None,
    batch_axis: Literal["first", "last"] = "first",
) -> NDArray[np.bool_]:
    """Which pure profiles are Nash equilibria, for one game or a batch.

    Parameters
    ----------
    payoffs : array_like
        Payoff tensor(s) of one shape, laid out as ``batch_axis`` says.
    n_actors : int, optional
        Number of actors. Batch-first, it is by default inferred as the unique
        ``n`` with ``payoffs.shape[-n-1] == n``; when batch axes make that
        ambiguous (e.g. shape ``(B, 4, 3, 3, 3, 3)`` reads as 3 or 4 actors) it
        must be given. Batch-last, it is ``payoffs.shape[0]``.
    tol : float
        An option is a best reply if within ``tol`` of the best.
    threads : int, optional
        Threads for large batches (default: the cores, at most 4). Pass 1
        when the caller already runs one process per core.
    batch_axis : {"first", "last"}
        Where the batch axes are. ``"first"``: shape ``(..., n, k_1, ..., k_n)``,
        any number of leading batch axes (none for one game); returns
        ``(..., k_1, ..., k_n)``. ``"last"``: shape ``(n, k_1, ..., k_n, ...)``,
        at least one trailing batch axis; returns ``(k_1, ..., k_n, ...)``.
        Sweeps build their games batch-last (each payoff a contiguous row over
        the grid), and solving them in that layout needs no transposing copy.

    Returns
    -------
    ndarray of bool
        True where the profile is a pure equilibrium, the batch axes where
        ``batch_axis`` says.

    Examples
    --------
    The coordination game has two pure equilibria; a batch of two games is
    solved at once:

    >>> coordination = [[[2, 0], [0, 1]], [[2, 0], [0, 1]]]
    >>> matching = [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]
    >>> pure_equilibria([coordination, matching], n_actors=2).astype(int).tolist()
    [[[1, 0], [0, 1]], [[0, 0], [0, 0]]]

    The same batch laid out batch-last:

    >>> import numpy as np
    >>> last = np.moveaxis(np.array([coordination, matching], dtype=float), 0, -1)
    >>> mask = pure_equilibria(last, batch_axis="last")
    >>> np.moveaxis(mask, -1, 0).astype(int).tolist()
    [[[1, 0], [0, 1]], [[0, 0], [0, 0]]]
    """
    tensor = np.asarray(payoffs, dtype=np.float64)
    tol = check_tol(tol)
    if batch_axis == "last":
        return _pure_mask_last(tensor, n_actors, tol, threads)
    if batch_axis != "first":
        raise GameError(f"batch_axis: expected 'first' or 'last', got {batch_axis!r}")
    n = _infer_actors(tensor.shape) if n_actors is None else int(n_actors)
    if n < 2 or tensor.ndim < n + 1 or tensor.shape[-n - 1] != n:
        raise GameError(
            f"payoffs: expected shape (..., n, k_1, ..., k_n) with n = {n} actors, got {tensor.shape}"
        )
    return _pure_mask(tensor, n, tol, threads)


def node_pure_equilibria(
    node: ArrayLike, payoffs: ArrayLike, rows: Sequence[int], *, tol: float = DEFAULT_TOL
) -> NDArray[np.bool_]:
    """:func:`pure_equilibria` of a batch of games given in *node form*.

    A scenario's games reach few distinct payoff vectors: many profiles lead to the same
    outcome on the same terms. In node form, ``node[s]`` names the node profile ``s`` leads
    to and ``payoffs[:, v, b]`` is every actor's payoff at node ``v`` in game ``b``; the
    game's actors are ``rows`` of ``payoffs``. The test is the same, bit for bit, as
    :func:`pure_equilibria` on the expanded games (``u_i(s) >= max_j u_i(j, s_-i) - tol``),
    but actor ``i``'s test depends only on the node at ``s`` and the tuple of nodes along
    its own axis, so each distinct tuple's best payoff and each distinct (node, tuple) test
    is computed once, for the whole batch.

    Parameters
    ----------
    node : array_like of int, shape (k_1, ..., k_c)
    payoffs : array_like, shape (n, V, B)
    rows : sequence of int
        The row of ``payoffs`` of each of the game's ``c`` actors, in axis order.
    tol : float

    Returns
    -------
    ndarray of bool, shape (k_1, ..., k_c, B)

    Examples
    --------
    A coordination game whose off-diagonal profiles share one node (0, 0), in two games:

    >>> import numpy as np
    >>> node = [[1, 0], [0, 2]]
    >>> payoffs = np.array([[[0, 0], [2, 2], [1, 3]], [[0, 0], [2, 2], [1, 3]]], dtype=float)
    >>> mask = node_pure_equilibria(node, payoffs, (0, 1))
    >>> mask[..., 0].astype(int).tolist(), mask[..., 1].astype(int).tolist()
    ([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    """
    tol = check_tol(tol)
    nodes = np.asarray(node, dtype=np.intp)
    table = np.asarray(payoffs, dtype=np.float64)
    if table.ndim != 3 or nodes.ndim != len(rows) or nodes.size == 0:
        raise GameError(
            f"node form: expected node (k_1..k_c) with c = len(rows) = {len(rows)} axes and "
            f"payoffs (n, V, B), got node {nodes.shape} and payoffs {table.shape}"
        )
    tests = [_node_tests(nodes, table[row], axis, tol) for axis, row in enumerate(rows)]
    # A profile is an equilibrium iff every actor's test passes: one AND per distinct
    # combination of tests, then laid out per profile.
    keys = np.stack([pair.ravel() for pair, _ in tests], 1)
    combos, combo_of = np.unique(keys, axis=0, return_inverse=True)
    passed = np.empty((len(combos), table.shape[-1]), dtype=bool)
    for k, combo in enumerate(combos.tolist()):
        np.copyto(passed[k], tests[0][1][combo[0]])
        for (_, ok), p in zip(tests[1:], combo[1:], strict=True):
            np.logical_and(passed[k], ok[p], out=passed[k])
    return np.take(passed, combo_of.reshape(nodes.shape), axis=0)


def _node_tests(
    node: NDArray[np.intp], own: NDArray[np.float64], axis: int, tol: float
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """One actor's best-reply test in node form: (test index per profile, tests (T, B))."""
    size = own.shape[-1]
    moved = np.moveaxis(node, axis, -1)
    along = moved.reshape(-1, moved.shape[-1])
    tuples, which = np.unique(along, axis=0, return_inverse=True)
    best = np.empty((len(tuples), size))
    for u, candidates in enumerate(tuples.tolist()):
        distinct = list(dict.fromkeys(candidates))
        np.copyto(best[u], own[distinct[0]])
        for v in distinct[1:]:
            np.maximum(best[u], own[v], out=best[u])
    best -= tol
    keys = np.stack([along.ravel(), np.repeat(which.ravel(), along.shape[1])], 1)
    pairs, pair_of = np.unique(keys, axis=0, return_inverse=True)
    ok = np.empty((len(pairs), size), dtype=bool)
    for p, (v, u) in enumerate(pairs.tolist()):
        np.greater_equal(own[v], best[u], out=ok[p])
    return np.moveaxis(pair_of.reshape(moved.shape), -1, axis), ok


def _pure_mask_last(
    tensor: NDArray[np.float64], n_actors: int | None, tol: float, threads: int | None
) -> NDArray[np.bool_]:
    """:func:`pure_equilibria` batch-last: payoffs ``(n, k_1..k_n, ...)`` -> ``(k_1..k_n, ...)``."""
    n = (tensor.shape[0] if tensor.ndim else 0) if n_actors is None else int(n_actors)
    if n < 2 or tensor.ndim < n + 2 or tensor.shape[0] != n:
        raise GameError(
            "payoffs: expected batch-last shape (n, k_1, ..., k_n, B, ...) with at least one "
            f"batch axis, got {tensor.shape}"
        )
    shape = tensor.shape[1 : n + 1]
    batch = tensor.shape[n + 1 :]
    # The comparisons run over slices of one batch axis; a grid of them is flattened into it
    # (a view when the grid axes are contiguous, as sweeps build them).
    flat = tensor.reshape(n, *shape, -1)
    job = _Job(flat, shape, tol, np.empty((*shape, flat.shape[-1]), dtype=bool))
    _in_threads(_pure_blocks_last, job, flat.shape[-1], threads)
    return job.out.reshape(*shape, *batch)


def _mark_block(
    payoffs: NDArray[np.float64],
    tol: float,
    result: NDArray[np.bool_],
    ok: NDArray[np.bool_],
) -> None:
    """Pure-equilibrium mask of one batch-last block ``payoffs`` (n, k_1..k_n, w) into ``result``.

    ``ok`` (k_1..k_n, w) is a scratch buffer.
    """
    n = payoffs.shape[0]
    for i in range(n):
        own = payoffs[i]
        option: list[slice] = [slice(None)] * (n + 1)
        option[i] = slice(0, 1)
        # The best over actor i's options, axis i kept with length 1; a fresh contiguous array
        # (a view into a full-size buffer would make every maximum a strided write: 15% slower).
        reduced = own[tuple(option)].copy()
        for j in range(1, own.shape[i]):
            option[i] = slice(j, j + 1)
            np.maximum(reduced, own[tuple(option)], out=reduced)
        reduced -= tol
        np.greater_equal(own, reduced, out=result if i == 0 else ok)
        if i:
            np.logical_and(result, ok, out=result)


def _not_finite(block: NDArray[np.float64], first_game: int, note: str = "") -> None:
    """Raise for the first game of a batch-last block holding a non-finite payoff."""
    if not np.isfinite(block).all():
        game = first_game + int(np.argwhere(~np.isfinite(block))[0][-1])
        raise GameError(
            f"payoffs: values must be finite, got a non-finite value in game {game}{note}"
        )


@dataclass(frozen=True)
class _Job:
    """A batch being solved: ``payoffs`` in either layout, the profile ``shape``, ``out``."""

    payoffs: NDArray[np.float64]
    shape: tuple[int, ...]
    tol: float
    out: NDArray[np.bool_]


def _pure_blocks_last(job: _Job, lo: int, hi: int) -> None:
    """Mask of games ``lo:hi`` of batch-last payoffs (n, k_1..k_n, B) into ``out`` (k.., B)."""
    width = min(_BLOCK, max(hi - lo, 1))
    ok = np.empty((*job.shape, width), dtype=bool)
    for start in range(lo, hi, _BLOCK):
        w = min(hi, start + _BLOCK) - start
        payoffs = job.payoffs[..., start : start + w]
        _not_finite(payoffs, start)
        _mark_block(payoffs, job.tol, job.out[..., start : start + w], ok[..., :w])


#: Games per block: a block, transposed so the batch axis is last, stays in cache.
_BLOCK = 512


def _pure_mask(
    tensor: NDArray[np.float64], n: int, tol: float, threads: int | None = None
) -> NDArray[np.bool_]:
    shape = tensor.shape[-n:]
    profiles = int(np.prod(shape))
    flat = tensor.reshape(-1, n * profiles)
    job = _Job(flat, shape, tol, np.empty((flat.shape[0], profiles), dtype=bool))
    _in_threads(_pure_blocks, job, flat.shape[0], threads)
    return job.out.reshape(*tensor.shape[: -n - 1], *shape)


def _in_threads(
    blocks: Callable[[_Job, int, int], None], job: _Job, games: int, threads: int | None
) -> None:
    """Run ``blocks(job, lo, hi)`` over ``games``, split across threads."""
    workers = _workers(games, threads)
    if workers == 1:
        blocks(job, 0, games)
        return
    # numpy releases the GIL in these loops: blocks on two cores run ~1.5x faster.
    cuts = [games * w // workers // _BLOCK * _BLOCK for w in range(workers)] + [games]
    with ThreadPoolExecutor(workers) as pool:
        parts = [pool.submit(blocks, job, lo, hi) for lo, hi in itertools.pairwise(cuts)]
        for part in parts:
            part.result()


def _workers(games: int, threads: int | None) -> int:
    if threads is None:
        threads = min(os.cpu_count() or 1, 4)
    if threads < 1:
        raise GameError(f"threads: expected a positive number of threads, got {threads}")
    return max(1, min(threads, games // (4 * _BLOCK)))


def _pure_blocks(job: _Job, lo: int, hi: int) -> None:
    """Mask of games ``lo:hi`` of batch-first payoffs (games, n * profiles) into ``out``."""
    # Each block is copied to a (n, k_1..k_n, games) buffer so every comparison runs over
    # long contiguous rows of games; in the (games, n, k..) layout the inner loops would be
    # a handful of options long (measured 3x slower on 100,000 four-actor games).
    shape, flat, out = job.shape, job.payoffs, job.out
    n = len(shape)
    profiles = int(np.prod(shape))
    width = min(_BLOCK, max(hi - lo, 1))
    buffer = np.empty((n * profiles, width))
    result_buffer = np.empty((profiles, width), dtype=bool)
    ok_buffer = np.empty((profiles, width), dtype=bool)
    for start in range(lo, hi, _BLOCK):
        stop = min(hi, start + _BLOCK)
        block = buffer[:, : stop - start]
        np.copyto(block, flat[start:stop].T)
        # Checked here, in cache, not in a pass of its own over the whole batch.
        _not_finite(block, start, " (flat index over the batch axes)")
        width = stop - start
        result = result_buffer[:, :width].reshape(*shape, width)
        _mark_block(
            block.reshape(n, *shape, width),
            job.tol,
            result,
            ok_buffer[:, :width].reshape(*shape, width),
        )
        out[start:stop] = result.reshape(profiles, width).T


def _infer_actors(shape: tuple[int, ...]) -> int:
    candidates = [n for n in range(2, len(shape)) if shape[-n - 1] == n]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise GameError(f"payoffs: cannot read shape {shape} as (..., n, k_1, ..., k_n)")
    raise GameError(
        f"payoffs: shape {shape} reads as n = {' or '.join(map(str, candidates))} actors; "
        "pass n_actors="
    )


def solve_pure(
    game: Game, *, tol: float = DEFAULT_TOL, max_equilibria: int = MAX_EQUILIBRIA
) -> SolverResult:
    """All pure Nash equilibria of ``game`` (any number of actors).

    Parameters
    ----------
    game : Game
    tol : float
        An option is a best reply if within ``tol`` of the best (compared exactly,
        in payoff units: no arithmetic, so nothing can overflow).
    max_equilibria : int
        List (and verify) at most this many, the first in profile order (C order).
        ``count`` is the exact number of pure equilibria, from the vectorised test
        of every profile (an all-ties game of 16 actors with two options has 65,536).

    Examples
    --------
    >>> from negotiation_sim import Game
    >>> stag_hunt = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> [eq.profile for eq in solve_pure(stag_hunt).equilibria]
    [(0, 0), (1, 1)]
    >>> ties = solve_pure(Game(np.zeros((3, 2, 2, 2))), max_equilibria=2)
    >>> [eq.profile for eq in ties.equilibria], ties.count
    ([(0, 0, 0), (0, 0, 1)], 8)
    """
    tol = check_tol(tol)
    limit = check_count(max_equilibria, "max_equilibria")
    mask = pure_equilibria(game.payoffs, n_actors=game.n_actors, tol=tol)
    found = np.flatnonzero(mask)
    listed = np.unravel_index(found[:limit], game.shape)
    candidates = (
        tuple(np.eye(k)[s] for k, s in zip(game.shape, profile, strict=True))
        for profile in zip(*listed, strict=True)
    )
    equilibria, warnings = verified_equilibria(game, candidates, tol)
    if len(found) > limit:
        warnings = (*warnings, limit_warning(len(found), limit, "in profile order"))
    return SolverResult(game, "pure", equilibria, tol, warnings, count=len(found))
