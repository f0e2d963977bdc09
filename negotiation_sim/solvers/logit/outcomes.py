"""What a batch of mixed strategies predicts: the probability of every profile and outcome.

Used with :func:`~.batch.logit_qre_batch` (the QRE over a grid: "how likely is a deal
under noisy play"), but it takes any mixed strategies laid out per point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from ..._checking import shorten
from ...errors import GameError
from ...game import FloatArray, float_array
from .._checks import check_count
from ._batch_games import outer

__all__ = ["outcome_probabilities", "profile_probabilities"]


def profile_probabilities(strategies: Sequence[ArrayLike]) -> FloatArray:
    """The probability of every pure profile when each actor plays its mixed strategy.

    Parameters
    ----------
    strategies : sequence of array_like
        One array ``(B, k_i)`` per actor (as in :attr:`QreBatch.strategies`).

    Returns
    -------
    ndarray, shape (B, k_1, ..., k_n)
        The product of the actors' probabilities.

    Examples
    --------
    >>> p = profile_probabilities([[[0.5, 0.5]], [[0.2, 0.8]]])
    >>> p.shape, p[0].tolist()
    ((1, 2, 2), [[0.1, 0.4], [0.1, 0.4]])
    """
    arrays = [float_array(s, "strategies", "arrays of shape (B, k_i)") for s in strategies]
    if not arrays or any(a.ndim != 2 or a.shape[0] != arrays[0].shape[0] for a in arrays):
        shapes = [a.shape for a in arrays]
        raise GameError(f"strategies: expected one array (B, k_i) per actor, got shapes {shapes}")
    count = arrays[0].shape[0]
    return outer(arrays, count).reshape(count, *(a.shape[1] for a in arrays))


def outcome_probabilities(
    strategies: Sequence[ArrayLike], outcomes: ArrayLike, n_outcomes: int
) -> FloatArray:
    """The probability of every outcome when each actor plays its mixed strategy.

    Parameters
    ----------
    strategies : sequence of array_like
        One array ``(B, k_i)`` per actor (as in :attr:`QreBatch.strategies`).
    outcomes : array_like of int, shape (k_1, ..., k_n, B) or (k_1, ..., k_n, 1)
        The outcome each profile leads to at each point, or at every point
        (:meth:`Scenario.resolve`'s ``outcomes``).
    n_outcomes : int
        Number of outcomes; ``outcomes`` are in ``0 .. n_outcomes - 1``.

    Returns
    -------
    ndarray, shape (B, n_outcomes)
        Each row sums to one (NaN where the strategies are NaN). The probability of
        a deal is the sum over the deal outcomes' columns.

    Examples
    --------
    Two actors who each say yes (option 0) with probability 0.9 and 0.6; only
    (yes, yes) is a deal (outcome 1):

    >>> deal = np.array([[1, 0], [0, 0]])[..., None]
    >>> outcome_probabilities([[[0.9, 0.1]], [[0.6, 0.4]]], deal, 2).round(2).tolist()
    [[0.46, 0.54]]
    """
    probabilities = profile_probabilities(strategies)
    count, shape = probabilities.shape[0], probabilities.shape[1:]
    n_outcomes = check_count(n_outcomes, "n_outcomes")
    try:
        labels = np.asarray(outcomes)
        ok = labels.dtype.kind in "iu" and labels.shape in ((*shape, 1), (*shape, count))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise GameError(
            f"outcomes: expected integers of shape {(*shape, count)} or {(*shape, 1)}, "
            f"got {shorten(repr(outcomes))}"
        )
    if labels.size and not (int(labels.min()) >= 0 and int(labels.max()) < n_outcomes):
        raise GameError(f"outcomes: expected integers in 0..{n_outcomes - 1}")
    flat = probabilities.reshape(count, -1)
    profiles = labels.reshape(flat.shape[1], -1).T  # (1 or B, P)
    if profiles.shape[0] == 1:
        return cast(FloatArray, flat @ np.eye(n_outcomes)[profiles[0]])
    index = (np.arange(count)[:, None] * n_outcomes + profiles).ravel()
    total = np.bincount(index, weights=flat.ravel(), minlength=count * n_outcomes)
    return cast(FloatArray, total.reshape(count, n_outcomes).astype(np.float64))
