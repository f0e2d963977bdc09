"""A chunk of games of one shape, laid out for the batched logit path.

The batched path works in *logit coordinates*: for each actor ``i`` and option
``j >= 1``, ``z_ij = log(sigma_ij / sigma_i0)``, so that ``sigma_i`` is the
softmax of ``(0, z_i)`` and the per-game tracer's equations (:mod:`._path`:
``log sigma_ij - log sigma_i0 - lam (U_ij - U_i0) = 0`` with probabilities summing
to one) become ``F(z, lam) = z - lam * dU(sigma(z)) = 0``, where
``dU_ij = U_ij - U_i0``. Its Jacobian is ``I - lam * A`` with the block of actors
``(i, l)``, ``i != l``,

    A_il = (D_il[1:] - D_il[0]) @ S_l,    S_l = (diag(sigma_l) - sigma_l sigma_l^T)[:, 1:],

``D_il[j, m]`` being the derivative of ``U_ij`` with respect to ``sigma_lm``: actor
``i``'s payoffs contracted with every strategy but ``i``'s and ``l``'s (the blocks of
:class:`._layout.Layout`).

Points come first (``C`` of them) so that the linear algebra is batched. Every
contraction is one batched matrix-vector product on a copy of the payoffs laid out
once per chunk: for each ordered pair of actors, the payoff differences
``u_i[j] - u_i[0]`` with ``i``'s and ``l``'s axes first and the others' flattened
last, times the outer product of the others' strategies.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from ...game import FloatArray


def outer(vectors: list[FloatArray], count: int) -> FloatArray:
    """Per point, the outer product of ``vectors`` (each ``(C, k)``), flattened: ``(C, prod k)``."""
    if not vectors:
        return np.ones((count, 1))
    product = vectors[0]
    for vector in vectors[1:]:
        product = (product[:, :, None] * vector[:, None, :]).reshape(count, -1)
    return product


def softmax(z: FloatArray, offsets: list[int], shape: tuple[int, ...]) -> list[FloatArray]:
    """Every actor's strategy ``(C, k_i)``, the softmax of ``(0, z_i)``."""
    out = []
    for start, k in zip(offsets, shape, strict=True):
        logits = np.concatenate([np.zeros((z.shape[0], 1)), z[:, start : start + k - 1]], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        out.append(weights / weights.sum(axis=1, keepdims=True))
    return out


class BatchGames:
    """``C`` games of shape ``(n, k_1, ..., k_n)`` (every ``k_i >= 2``) in path units.

    Parameters
    ----------
    payoffs : ndarray, shape (n, k_1, ..., k_n, C)
        Normalised payoffs, points last (as sweeps build them).
    """

    def __init__(self, payoffs: FloatArray) -> None:
        n = payoffs.shape[0]
        self.n = n
        self.shape = tuple(int(k) for k in payoffs.shape[1:-1])
        self.count = int(payoffs.shape[-1])
        self.size = sum(k - 1 for k in self.shape)  # N, the number of logit coordinates
        self.offsets = [sum(k - 1 for k in self.shape[:i]) for i in range(n)]
        count = self.count
        # Actor i's payoff differences against its option 0: points last for the option
        # payoffs (outer products of the strategies are much faster with the points last),
        # points first, i's and m's axes next, for the Jacobian's blocks (batched matmul).
        self.own: list[FloatArray] = []
        self.pair: dict[tuple[int, int], FloatArray] = {}
        for i in range(n):
            first = np.moveaxis(payoffs[i], i, 0)
            diff = first[1:] - first[:1]
            self.own.append(np.ascontiguousarray(diff.reshape(self.shape[i] - 1, -1, count)))
            for m in range(n):
                if m != i:
                    ordered = np.moveaxis(payoffs[i], [-1, i, m], [0, 1, 2])
                    diff = ordered[:, 1:] - ordered[:, :1]
                    rows = (self.shape[i] - 1) * self.shape[m]
                    self.pair[i, m] = np.ascontiguousarray(diff.reshape(count, rows, -1))

    def take(self, rows: np.ndarray) -> BatchGames:
        """The games at ``rows`` (a new object sharing nothing writable with this one)."""
        taken = object.__new__(BatchGames)
        taken.__dict__.update(self.__dict__)
        taken.count = int(rows.size)
        taken.own = [array[..., rows] for array in self.own]
        taken.pair = {key: array[rows] for key, array in self.pair.items()}
        return taken

    def gains(self, sigma: list[FloatArray]) -> FloatArray:
        """``dU`` at ``sigma``: ``U_ij - U_i0`` for ``j >= 1``, shape ``(C, N)``."""
        out = np.empty((self.size, self.count))
        last = [np.ascontiguousarray(s.T) for s in sigma]
        for i in range(self.n):
            weights = np.ones((1, self.count))
            for m in range(self.n):
                if m != i:
                    weights = (weights[:, None, :] * last[m][None, :, :]).reshape(-1, self.count)
            start = self.offsets[i]
            out[start : start + self.shape[i] - 1] = np.einsum("jrZ,rZ->jZ", self.own[i], weights)
        return cast(FloatArray, out.T)

    def jacobian(self, sigma: list[FloatArray], lam: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(dU, J)`` at ``sigma`` and ``lam``: the gains and ``I - lam * A``, ``(C, N, N)``.

        With ``dD_il = D_il[1:] - D_il[0]``, ``dU_i = dD_il @ sigma_l`` for any ``l``, so
        ``A_il[j, m] = sigma_lm (dD_il[j, m] - dU_ij)`` for ``m >= 1``.
        """
        count, n = self.count, self.n
        matrix = np.zeros((count, self.size, self.size))
        if n == 1:
            return self.gains(sigma), matrix + np.eye(self.size)
        gains = np.empty((count, self.size))
        rest: dict[tuple[int, int], FloatArray] = {}
        for i in range(n):
            rows = slice(self.offsets[i], self.offsets[i] + self.shape[i] - 1)
            own: FloatArray | None = None
            for m in range(n):
                if m == i:
                    continue
                key = (min(i, m), max(i, m))
                if key not in rest:
                    rest[key] = outer([sigma[o] for o in range(n) if o not in key], count)
                block = np.matmul(self.pair[i, m], rest[key][:, :, None])
                block = block.reshape(count, -1, self.shape[m])
                if own is None:
                    own = np.matmul(block, sigma[m][:, :, None])
                    gains[:, rows] = own[:, :, 0]
                cols = slice(self.offsets[m], self.offsets[m] + self.shape[m] - 1)
                matrix[:, rows, cols] = (block[:, :, 1:] - own) * sigma[m][:, None, 1:]
        matrix *= -lam[:, None, None]
        diagonal = np.arange(self.size)
        matrix[:, diagonal, diagonal] += 1.0
        return gains, matrix
