"""The simulator's answer (:class:`DynamicsResult`) and how per-stratum summaries become it.

Trajectories are stratified by type profile (stratum ``s = 2 theta_0 + theta_1``); every
statistic is the prior-weighted sum of the strata's means, sum_s p_s m_s, and its Monte Carlo
standard error sqrt(sum_s p_s^2 v_s / n_s) with v_s the stratum's sample variance (ddof 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..game import FloatArray
from .model import Dynamics

__all__ = [
    "CAUSES",
    "QUANTILES",
    "DynamicsResult",
    "summarise",
    "trust_needed",
    "weighted_quantiles",
]

#: The fates of a ceasefire: broken by an alarm after a violation, by a false alarm, by an
#: undetected violation that became war, or held through the last round.
CAUSES = ("detected_violation", "false_alarm", "escalation", "held")
#: The quantiles of posterior trust reported per round.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True, eq=False)
class DynamicsResult:
    """Monte Carlo results at ``B`` points (points last, as in :class:`Dynamics`).

    Attributes
    ----------
    survival, survival_se : ndarray, shape (N + 1, B)
        S(t) = P(the deal holds after round t), t = 0..N (S(0) = 1), and its standard error.
    survival_by_type : ndarray, shape (2, 2, N + 1, B)
        S(t) given the type profile (each stratum's own estimate; prior-0 strata included).
    hazard, hazard_se : ndarray, shape (N, B)
        h(t) = 1 - S(t) / S(t - 1), t = 1..N (NaN where S(t - 1) = 0); delta-method error.
    expected_duration, expected_duration_se : ndarray, shape (B,)
        E[rounds the deal was in force] = sum_{t=0}^{N-1} S(t): a deal broken in round t was in
        force t rounds; one that held, N.
    causes, causes_se : ndarray, shape (4, B)
        The shares of :data:`CAUSES` (summing to 1).
    trust : ndarray, shape (2, N + 1, 5, B)
        Side i's posterior that the other is trustworthy after round t (t = 0: the prior) among
        the ceasefires still holding then: the :data:`QUANTILES` (NaN where none holds). Under
        grim trigger from every trajectory (a holding ceasefire saw only clean signals: one
        path per stratum, weighted by prior x survival); under a forgiving rule from a fixed
        subsample, the first ``trust_sample`` trajectories of each stratum, each weighted by
        its stratum's prior / ``trust_sample``.
    payoff, payoff_se : ndarray, shape (n, B)
        Every actor's expected discounted payoff sum_{t=1}^N delta^(t-1) u_t.
    payoff_by_type, payoff_by_type_se : ndarray, shape (n, 2, 2, B)
        The same given the type profile.
    trust_needed : ndarray, shape (2, B)
        The prior probability that the other side is trustworthy at which side i, trustworthy,
        expects from the deal what the war payoff stream gives it (:func:`trust_needed`).
    trajectories : ndarray of int, shape (4,)
        Trajectories per stratum (the same at every point).
    trust_sample : int
        Trajectories per stratum behind ``trust`` (at most).
    """

    survival: FloatArray
    survival_se: FloatArray
    survival_by_type: FloatArray
    hazard: FloatArray
    hazard_se: FloatArray
    expected_duration: FloatArray
    expected_duration_se: FloatArray
    causes: FloatArray
    causes_se: FloatArray
    trust: FloatArray
    payoff: FloatArray
    payoff_se: FloatArray
    payoff_by_type: FloatArray
    payoff_by_type_se: FloatArray
    trust_needed: FloatArray
    trajectories: np.ndarray
    trust_sample: int


def stratified(
    mean: FloatArray, var: FloatArray, weight: FloatArray, count: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The weighted mean over strata (axis 1 of ``mean``, shape (B, 4, ...)) and its error."""
    shape = weight.shape + (1,) * (mean.ndim - 2)
    w, n = weight.reshape(shape), count.reshape(shape)
    total = (w * mean).sum(axis=1)
    return total, np.sqrt((w * w * var / n).sum(axis=1))


def proportion_var(p: FloatArray, count: FloatArray) -> FloatArray:
    """The sample variance (ddof 1) of indicators with mean ``p`` (axis 1: strata)."""
    n = count.reshape(count.shape + (1,) * (p.ndim - 2))
    return np.asarray(np.clip(p * (1 - p), 0.0, None) * n / (n - 1), dtype=np.float64)


def hazard(
    survival: FloatArray, by_stratum: FloatArray, weight: FloatArray, count: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """h(t) and its delta-method error from the overall (B, N + 1) and per-stratum (B, 4, N + 1)
    survival: h = 1 - S(t)/S(t-1), var from the residual 1{D > t} - (1 - h) 1{D > t - 1}."""
    before, after = survival[:, :-1], survival[:, 1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        h = np.where(before > 0, 1 - after / before, np.nan)
    hs = h[:, np.newaxis, :]
    held, ended = by_stratum[:, :, 1:], by_stratum[:, :, :-1] - by_stratum[:, :, 1:]
    mean = held * hs - ended * (1 - hs)
    second = held * hs**2 + ended * (1 - hs) ** 2
    n = count[:, :, np.newaxis]
    var = np.clip(second - mean**2, 0.0, None) * n / (n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt((weight[:, :, np.newaxis] ** 2 * var / n).sum(axis=1)) / before
    return h, np.where(before > 0, se, np.nan)


def trust_needed(dynamics: Dynamics, payoff_by_type: FloatArray) -> FloatArray:
    """The trust each side needs to start, from its conditional values when trustworthy.

    With g_t (g_o) the trustworthy side's expected discounted payoff minus the war stream
    sum_t delta^(t-1) W when the other side is trustworthy (an opportunist), entering is worth
    it iff mu g_t + (1 - mu) g_o >= 0: the threshold is -g_o / (g_t - g_o); 0 where g_o >= 0
    (worth it even against an opportunist), NaN where g_o < 0 and g_t <= 0 (never).

    Parameters
    ----------
    dynamics : Dynamics
    payoff_by_type : ndarray, shape (n, 2, 2, B)

    Returns
    -------
    ndarray, shape (2, B)

    Examples
    --------
    One round, R = 3, P = 1, S = 0, the cheat caught half the time (victim insured: P):
    mu* = (P - S_pi) / (R - S_pi) with S_pi = 0.5 P + 0.5 S = 0.5, so 0.5 / 2.5 = 0.2.

    >>> from negotiation_sim.dynamics.examples import two_sided
    >>> model = two_sided(rounds=1, caught=(1.0, 1.0))
    >>> values = np.zeros((2, 2, 2, 1))
    >>> values[0, 0, 0], values[0, 0, 1] = 3.0, 0.5
    >>> values[1, 0, 0], values[1, 1, 0] = 3.0, 0.5
    >>> trust_needed(model, values).round(12).tolist()
    [[0.2], [0.2]]
    """
    out = np.empty((2, dynamics.size))
    stream = dynamics.stage.war * _discount_sum(dynamics)
    for i in range(2):
        actor = dynamics.actors.index(dynamics.sides[i])
        other = (0, 1) if i == 0 else (1, 0)
        g_t = payoff_by_type[actor, 0, 0] - stream[actor, 0, 0]
        g_o = payoff_by_type[(actor, *other)] - stream[(actor, *other)]
        with np.errstate(invalid="ignore", divide="ignore"):
            mid = -g_o / (g_t - g_o)
        out[i] = np.where(g_o >= 0, 0.0, np.where(g_t > 0, mid, np.nan))
    return out


def _discount_sum(dynamics: Dynamics) -> FloatArray:
    """sum_{t=1}^N delta^(t-1), shape (B,)."""
    t = np.arange(dynamics.rounds)[:, np.newaxis]
    return np.asarray((dynamics.discount[np.newaxis, :] ** t).sum(axis=0), dtype=np.float64)


def weighted_quantiles(
    values: FloatArray, weights: FloatArray, levels: tuple[float, ...]
) -> FloatArray:
    """Weighted quantiles along axis 0 (the smallest value whose cumulative weight reaches
    the level's share of the total); NaN where every weight is 0.

    >>> v = np.array([[1.0], [2.0], [3.0]])
    >>> weighted_quantiles(v, np.array([[1.0], [1.0], [2.0]]), (0.25, 0.5, 0.75)).tolist()
    [[1.0, 2.0, 3.0]]
    """
    order = np.argsort(values, axis=0, kind="stable")
    ranked = np.take_along_axis(values, order, axis=0)
    cum = np.cumsum(np.take_along_axis(weights, order, axis=0), axis=0)
    total = cum[-1]
    out = np.empty((values.shape[1], len(levels)))
    for k, level in enumerate(levels):
        # A relative slack so a level landing on a cumulative weight picks that value.
        index = (cum < level * total * (1 - 1e-12)).sum(axis=0)
        index = np.minimum(index, values.shape[0] - 1)
        out[:, k] = np.where(total > 0, ranked[index, np.arange(values.shape[1])], np.nan)
    return out


def summarise(
    dynamics: Dynamics, rows: list[dict[str, np.ndarray]], sizes: np.ndarray, trust_sample: int
) -> DynamicsResult:
    """The result from each point's per-stratum summaries (``rows``, in point order)."""
    per = {name: np.stack([row[name] for row in rows]) for name in rows[0]}
    weight = dynamics.prior.reshape(4, -1).T  # (B, 4), stratum 2 theta_0 + theta_1
    count = np.broadcast_to(sizes.astype(np.float64), weight.shape)
    by_stratum = per["survival"]  # (B, 4, N + 1)
    survival, survival_se = stratified(by_stratum, proportion_var(by_stratum, count), weight, count)
    h, h_se = hazard(survival, by_stratum, weight, count)
    duration, duration_se = stratified(per["duration_mean"], per["duration_var"], weight, count)
    causes, causes_se = stratified(
        per["causes"], proportion_var(per["causes"], count), weight, count
    )
    payoff, payoff_se = stratified(per["payoff_mean"], per["payoff_var"], weight, count)
    n_actors = len(dynamics.actors)

    def by_type(array: FloatArray) -> FloatArray:  # (B, 4, n) -> (n, 2, 2, B)
        return np.moveaxis(array, 0, -1).reshape(2, 2, n_actors, -1).transpose(2, 0, 1, 3)

    payoff_by_type = by_type(per["payoff_mean"])
    payoff_by_type_se = by_type(np.sqrt(per["payoff_var"] / sizes[np.newaxis, :, np.newaxis]))
    return DynamicsResult(
        survival=survival.T,
        survival_se=survival_se.T,
        survival_by_type=np.moveaxis(by_stratum, 0, -1).reshape(2, 2, -1, weight.shape[0]),
        hazard=h.T,
        hazard_se=h_se.T,
        expected_duration=duration,
        expected_duration_se=duration_se,
        causes=causes.T,
        causes_se=causes_se.T,
        trust=np.moveaxis(per["trust"], 0, -1),
        payoff=payoff.T,
        payoff_se=payoff_se.T,
        payoff_by_type=payoff_by_type,
        payoff_by_type_se=payoff_by_type_se,
        trust_needed=trust_needed(dynamics, payoff_by_type),
        trajectories=sizes.copy(),
        trust_sample=trust_sample,
    )
