"""Pure Nash equilibria of games with any number of actors, one game or a batch.

A pure profile ``s`` is an equilibrium iff for every actor ``i``,
``u_i(s) >= max_j u_i(j, s_-i) - tol``. On a payoff tensor this is a max over
actor ``i``'s own axis compared with ``u_i`` itself, so a whole batch of games
(leading axes, e.g. a parameter grid) is checked in one vectorised pass.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import GameError
from ..game import DEFAULT_TOL, Game
from .result import SolverResult, verified_equilibria

__all__ = ["pure_equilibria", "solve_pure"]


def pure_equilibria(
    payoffs: ArrayLike, *, n_actors: int | None = None, tol: float = DEFAULT_TOL
) -> NDArray[np.bool_]:
    """Which pure profiles are Nash equilibria, for one game or a batch.

    Parameters
    ----------
    payoffs : array_like, shape (..., n, k_1, ..., k_n)
        Payoff tensor(s); leading axes index a batch of games of one shape.
    n_actors : int, optional
        Number of actors. By default inferred as the unique ``n`` with
        ``payoffs.shape[-n-1] == n``; when batch axes make that ambiguous
        (e.g. shape ``(B, 4, 3, 3, 3, 3)`` reads as 3 or 4 actors) it must be
        given.
    tol : float
        An option is a best reply if within ``tol`` of the best.

    Returns
    -------
    ndarray of bool, shape (..., k_1, ..., k_n)

    Examples
    --------
    The coordination game has two pure equilibria; a batch of two games is
    solved at once:

    >>> coordination = [[[2, 0], [0, 1]], [[2, 0], [0, 1]]]
    >>> matching = [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]
    >>> pure_equilibria([coordination, matching], n_actors=2).astype(int).tolist()
    [[[1, 0], [0, 1]], [[0, 0], [0, 0]]]
    """
    tensor = np.asarray(payoffs, dtype=np.float64)
    n = _infer_actors(tensor.shape) if n_actors is None else int(n_actors)
    if n < 2 or tensor.ndim < n + 1 or tensor.shape[-n - 1] != n:
        raise GameError(
            f"payoffs: expected shape (..., n, k_1, ..., k_n) with n = {n} actors, got {tensor.shape}"
        )
    return _pure_mask(tensor, n, tol)


#: Games per block: a block, transposed so the batch axis is last, stays in cache.
_BLOCK = 512


def _pure_mask(tensor: NDArray[np.float64], n: int, tol: float) -> NDArray[np.bool_]:
    # Each block is copied to a (n, k_1..k_n, games) buffer so every comparison runs over
    # long contiguous rows of games; in the (games, n, k..) layout the inner loops would be
    # a handful of options long (measured 3x slower on 100,000 four-actor games).
    shape = tensor.shape[-n:]
    profiles = int(np.prod(shape))
    flat = tensor.reshape(-1, n * profiles)
    games = flat.shape[0]
    out = np.empty((games, profiles), dtype=bool)
    buffer = np.empty((n * profiles, min(_BLOCK, max(games, 1))))
    for start in range(0, games, _BLOCK):
        stop = min(games, start + _BLOCK)
        block = buffer[:, : stop - start]
        np.copyto(block, flat[start:stop].T)
        if not np.isfinite(block).all():  # checked here, in cache, not in a pass of its own
            game = start + int(np.argwhere(~np.isfinite(block))[0, 1])
            where = tuple(int(v) for v in np.unravel_index(game, tensor.shape[: -n - 1]))
            raise GameError(
                f"payoffs: values must be finite, got a non-finite value in game {where}"
            )
        payoffs = block.reshape(n, *shape, stop - start)
        result: NDArray[np.bool_] | None = None
        for i in range(n):
            own = payoffs[i]
            option = [slice(None)] * (n + 1)

            def take(
                j: int, own: NDArray[np.float64] = own, option: list[slice] = option, i: int = i
            ) -> NDArray[np.float64]:
                option[i] = slice(j, j + 1)
                return own[tuple(option)]

            best = take(0).copy()
            for j in range(1, shape[i]):
                np.maximum(best, take(j), out=best)
            best -= tol
            ok = own >= best
            result = ok if result is None else np.logical_and(result, ok, out=result)
        assert result is not None
        out[start:stop] = result.reshape(profiles, stop - start).T
    return out.reshape(*tensor.shape[: -n - 1], *shape)


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


def solve_pure(game: Game, *, tol: float = DEFAULT_TOL) -> SolverResult:
    """All pure Nash equilibria of ``game`` (any number of actors).

    >>> from negotiation_sim import Game
    >>> stag_hunt = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> [eq.profile for eq in solve_pure(stag_hunt).equilibria]
    [(0, 0), (1, 1)]
    """
    mask = pure_equilibria(game.payoffs, n_actors=game.n_actors, tol=tol)
    candidates = (
        tuple(np.eye(k)[s] for k, s in zip(game.shape, profile, strict=True))
        for profile in np.argwhere(mask)
    )
    equilibria, warnings = verified_equilibria(game, candidates, tol)
    return SolverResult(game, "pure", equilibria, tol, warnings)
