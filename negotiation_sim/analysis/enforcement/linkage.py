"""Issue linkage: pooling negotiation tracks under one grim trigger.

*Issue linkage* (Lohmann 1997, 'Linkage politics', J. Conflict Resolut. 41).
Pooling tracks ``k`` under one grim trigger (perfect monitoring) gives
``delta*_linked = sum_k (T_k - R_k) / sum_k (T_k - P_k)``, a weighted mean of
the separate thresholds ``(T_k - R_k) / (T_k - P_k)`` with weights
``T_k - P_k``: a slack track carries a tight one.

"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...errors import GameError
from ...game import FloatArray
from ._common import arrays, require

__all__ = [
    "link_tracks",
    "linked_threshold",
    "track_thresholds",
]


def _track_arrays(T: ArrayLike, R: ArrayLike, P: ArrayLike) -> tuple[FloatArray, ...]:
    t, r, p = arrays(T=T, R=R, P=P)
    require(
        (t >= r) & (r > p),
        "linked tracks: expected T >= R > P on every track",
        T=t,
        R=r,
        P=p,
    )
    return t, r, p


def track_thresholds(T: ArrayLike, R: ArrayLike, P: ArrayLike) -> FloatArray:
    """Separate (unlinked) thresholds ``(T_k - R_k) / (T_k - P_k)``, elementwise.

    ``T_k = R_k`` (no temptation, a slack track) gives 0.

    Examples
    --------
    >>> track_thresholds([5, 4], [3, 4], [1, 0]).tolist()
    [0.5, 0.0]
    """
    t, r, p = _track_arrays(T, R, P)
    return np.asarray((t - r) / (t - p), dtype=np.float64)


def link_tracks(
    T: ArrayLike, R: ArrayLike, P: ArrayLike, axis: int = -1
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The payoff transformation of linkage: the pooled stage game ``(sum T, sum R, sum P)``.

    Tracks run along ``axis`` (after broadcasting); ``T_k >= R_k > P_k``.

    Examples
    --------
    >>> [float(v) for v in link_tracks([5, 4], [3, 4], [1, 0])]
    [9.0, 7.0, 1.0]
    """
    t, r, p = _track_arrays(T, R, P)
    if t.ndim == 0:
        raise GameError("linked tracks: expected an array of tracks, got scalars")
    try:
        pooled = tuple(np.asarray(v.sum(axis=axis), dtype=np.float64) for v in (t, r, p))
    except np.exceptions.AxisError as exc:
        raise GameError(
            f"axis: expected an axis of the {t.ndim}-d track arrays, got {axis}"
        ) from exc
    return pooled[0], pooled[1], pooled[2]


def linked_threshold(T: ArrayLike, R: ArrayLike, P: ArrayLike, axis: int = -1) -> FloatArray:
    """Discount threshold of the linked deal: ``sum_k (T_k - R_k) / sum_k (T_k - P_k)``.

    Perfect monitoring, one grim trigger over all tracks (Lohmann 1997). It is
    the ``(T_k - P_k)``-weighted mean of :func:`track_thresholds`, so it lies
    between their minimum and maximum.

    Parameters
    ----------
    T, R, P : array_like
        Per-track stage payoffs, tracks along ``axis``; ``T_k >= R_k > P_k``.
    axis : int
        The track axis; the result has the broadcast shape without it.

    Examples
    --------
    A tight security track (threshold 0.9) linked with a slack economic track
    (threshold 0.1) needs only delta >= 0.5:

    >>> track_thresholds([10, 10], [1, 9], [0, 0]).tolist()
    [0.9, 0.1]
    >>> float(linked_threshold([10, 10], [1, 9], [0, 0]))
    0.5
    """
    t, r, p = link_tracks(T, R, P, axis)
    return np.asarray((t - r) / (t - p), dtype=np.float64)
