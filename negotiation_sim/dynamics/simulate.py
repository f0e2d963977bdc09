"""Monte Carlo over many ceasefires at once, by event skipping (MODEL.md §8).

Design. At a point and a type profile (a *stratum*) the probability that round t passes with
no *event* (an alarm about either side, or an escalation) is known, p_t (:mod:`._tables`), and
does not depend on the history (the behaviour rules depend on the round only). So a
trajectory's next event after round r is drawn at once by inverse CDF on the cumulative
log-probabilities (``np.searchsorted``, one exponential draw), and which of the 15 joint
outcomes it is by a second uniform. Under grim trigger every event ends the deal: a trajectory
is one or two draws. Under a forgiving rule the loop runs over events (at most a few per
trajectory), vectorised over the trajectories still running, counting each side's alarms in
the window.

Clean rounds hide undetected, non-escalating violations: they change neither survival nor
signals, so their payoff is taken in expectation given a clean round (and an event round's
given its outcome): Rao-Blackwellisation. The estimator of every mean stays unbiased, and its
standard error comes from the per-trajectory values of that estimator.

Conventions. A round of the deal pays by what the sides did: both kept it, ``kept``; one
violated, ``caught[i]`` if the alarm about it sounded, else ``violated[i]``; both violated,
``war`` (each side's alarm and escalation drawn as usual). The round in which the deal breaks
is played under the deal; war is paid from the next round on. Monitoring costs are paid in
every round the deal is in force (not scaled by the stakes). A breakdown's cause is the kind of
the alarm that ended the deal (a detected violation first when both sides' alarms did), else
the escalation.

Reproducible per point: point ``b`` draws from ``np.random.SeedSequence(seed,
spawn_key=(first_point + b,))``, so any chunking of the points gives bit-identical results.
Stratified: ``trajectories`` are split over the 4 type profiles, ``trajectories // 4`` each and
one more for the first ``trajectories % 4`` (in the order (0, 0), (0, 1), (1, 0), (1, 1)); a
stratum of prior 0 is simulated too (its conditional values are reported). Memory: the tables
of at most :data:`BLOCK` points (and :data:`TABLE_BYTES`) and one stratum's trajectories at
a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import GameError
from ..game import DEFAULT_TOL
from ._tables import AV, DETECTED, ESCALATION, FA, FALSE_ALARM, HELD, E, Tables, make_tables
from .behaviour import behaviour_probabilities
from .model import Dynamics
from .results import QUANTILES, DynamicsResult, summarise, weighted_quantiles

__all__ = ["BLOCK", "TRUST_SAMPLE", "simulate", "stratum_sizes"]

#: Points whose tables are built at once (fewer when one point's tables are large).
BLOCK = 16
#: The bytes of tables built at once, beyond one point's (long horizons, many actors).
TABLE_BYTES = 64 * 2**20
#: Trajectories per stratum whose trust paths make the trust quantiles.
TRUST_SAMPLE = 256
#: The largest number of trajectories per point (one stratum's arrays are in memory at once).
MAX_TRAJECTORIES = 10**7


@dataclass
class _Stratum:
    """One stratum's trajectories at one point: breakdown round (N + 1: held), cause, payoffs
    per actor, and the alarms about each side of the trust subsample (M, N, 2)."""

    ended: np.ndarray
    cause: np.ndarray
    payoff: np.ndarray
    alarms: np.ndarray


def stratum_sizes(trajectories: int) -> np.ndarray:
    """Trajectories per stratum: ``trajectories // 4``, one more for the first ``% 4``.

    >>> stratum_sizes(10).tolist()
    [3, 3, 2, 2]
    """
    base, extra = divmod(trajectories, 4)
    return np.array([base + (s < extra) for s in range(4)], dtype=np.int64)


def simulate(
    dynamics: Dynamics,
    trajectories: int,
    seed: int,
    *,
    first_point: int = 0,
    tol: float = DEFAULT_TOL,
) -> DynamicsResult:
    """Simulate ``trajectories`` ceasefires at every point of ``dynamics`` (see the module).

    Parameters
    ----------
    dynamics : Dynamics
    trajectories : int
        Per point, at least 8 (two per stratum, for the standard errors) and at most
        :data:`MAX_TRAJECTORIES`.
    seed : int
        The run's seed (>= 0).
    first_point : int
        The index of the first point in the whole run (for chunks: the generators are keyed
        by the global index).
    tol : float
        For the incentive rule (:func:`behaviour_probabilities`).

    Returns
    -------
    DynamicsResult

    Examples
    --------
    Two trustworthy sides (trust 1) with false alarms 0.1 hold t rounds with probability
    0.81^t:

    >>> from negotiation_sim.dynamics.examples import two_sided
    >>> result = simulate(two_sided(trust=1.0, false_alarm=0.1, rounds=3), 4000, seed=1)
    >>> result.survival[:, 0].round(2).tolist(), (0.81 ** np.arange(4)).round(2).tolist()
    ([1.0, 0.81, 0.65, 0.51], [1.0, 0.81, 0.66, 0.53])
    >>> bool(abs(result.survival[3, 0] - 0.81**3) < 4 * result.survival_se[3, 0])
    True
    """
    _check_arguments(trajectories, seed, first_point)
    sizes = stratum_sizes(trajectories)
    rows = []
    # event_gain, the largest table: 4 strata x N rounds x 16 outcomes x n actors per point.
    per_point = 4 * dynamics.rounds * 16 * len(dynamics.actors) * 8
    step = max(1, min(BLOCK, TABLE_BYTES // per_point))
    for start in range(0, dynamics.size, step):
        block = dynamics.select(slice(start, start + step))
        tables = make_tables(block, behaviour_probabilities(block, tol=tol))
        for b in range(block.size):
            key = np.random.SeedSequence(seed, spawn_key=(first_point + start + b,))
            rows.append(_point(block, tables, b, sizes, np.random.default_rng(key)))
    return summarise(dynamics, rows, sizes, min(TRUST_SAMPLE, int(sizes.min())))


def _check_arguments(trajectories: int, seed: int, first_point: int) -> None:
    for name, value, low, high in (
        ("trajectories", trajectories, 8, MAX_TRAJECTORIES),
        ("seed", seed, 0, 2**128),
        ("first_point", first_point, 0, 2**63),
    ):
        whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        if not whole or not low <= value <= high:
            raise GameError(f"{name}: expected a whole number in [{low}, {high}], got {value!r}")


def _point(
    dynamics: Dynamics, tables: Tables, b: int, sizes: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Every stratum of point ``b`` of the block: its per-stratum summaries."""
    response = dynamics.response
    strata = [
        _run_stratum(tables, b, s, int(sizes[s]), rng, response.alarms, response.window)
        for s in range(4)
    ]
    n = dynamics.rounds
    survival = np.empty((4, n + 1))
    for s, stratum in enumerate(strata):
        ended = np.bincount(stratum.ended, minlength=n + 2)[1:]  # rounds 1..N+1
        survival[s] = 1 - np.concatenate([[0], np.cumsum(ended[:-1])]) / stratum.ended.size
    duration = [np.minimum(st.ended, n).astype(np.float64) for st in strata]
    prior = dynamics.prior[..., b].reshape(4)
    return {
        "survival": survival,
        "duration_mean": np.array([d.mean() for d in duration]),
        "duration_var": np.array([d.var(ddof=1) for d in duration]),
        "causes": np.stack([np.bincount(st.cause, minlength=4) / st.cause.size for st in strata]),
        "payoff_mean": np.stack([st.payoff.mean(axis=0) for st in strata]),
        "payoff_var": np.stack([st.payoff.var(axis=0, ddof=1) for st in strata]),
        "trust": _trust_quantiles(
            tables, b, strata, prior, survival if response.alarms == 1 else None
        ),
    }


def _run_stratum(
    tables: Tables, b: int, s: int, size: int, rng: np.random.Generator, k: int, window: int
) -> _Stratum:
    """The event loop of one stratum (see the module)."""
    log_s = tables.log_survival[b, s]
    rising = -log_s[1:]  # non-decreasing
    cdf, gain = tables.event_cdf[b, s], tables.event_gain[b, s]
    n = rising.size
    sample = min(size, TRUST_SAMPLE)
    out = _Stratum(
        ended=np.full(size, n + 1, dtype=np.int64),
        cause=np.full(size, HELD, dtype=np.int64),
        payoff=np.zeros((size, gain.shape[-1])),
        alarms=np.zeros((sample, n, 2), dtype=bool),
    )
    # The last k - 1 alarm rounds about each side (oldest first), for the forgiving window.
    recent = np.full((2, size, k - 1), -(2**40), dtype=np.int64)
    last = np.zeros(size, dtype=np.int64)
    active = np.arange(size)
    while active.size:
        wait = -np.log1p(-rng.random(active.size))
        t = np.searchsorted(rising, wait - log_s[last[active]], side="left") + 1
        t = np.maximum(t, last[active] + 1)
        keep = t <= n
        active, t = active[keep], t[keep]
        if not active.size:
            break
        drawn = np.searchsorted(cdf, t - rng.random(active.size), side="left")
        outcome = drawn - 16 * (t - 1)
        out.payoff[active] += gain[t - 1, outcome]
        broke = _update(out, recent, active, t, outcome, window)
        last[active] = t
        active = active[~broke]
    rounds = np.minimum(out.ended, n)
    out.payoff += tables.clean_sum[b, s, rounds] + tables.war_tail[b, s, rounds]
    return out


def _update(
    out: _Stratum,
    recent: np.ndarray,
    active: np.ndarray,
    t: np.ndarray,
    outcome: np.ndarray,
    window: int,
) -> np.ndarray:
    """Record the events at rounds ``t``; which trajectories broke down."""
    sides = np.divmod(outcome, 4)
    triggered = []
    for i in range(2):
        alarm = sides[i] <= FA  # AV or FA
        hit = alarm.copy()
        if recent.shape[2]:
            hit &= recent[i, active, 0] > t - window
            moved = active[alarm]
            recent[i, moved] = np.concatenate([recent[i, moved, 1:], t[alarm, np.newaxis]], axis=1)
        sampled = alarm & (active < out.alarms.shape[0])
        out.alarms[active[sampled], t[sampled] - 1, i] = True
        triggered.append(hit)
    any_hit = triggered[0] | triggered[1]
    escalated = (sides[0] == E) | (sides[1] == E)
    detected = (triggered[0] & (sides[0] == AV)) | (triggered[1] & (sides[1] == AV))
    broke = any_hit | escalated
    # The triggering alarm's kind (a detected violation first), else the escalation.
    cause = np.where(detected, DETECTED, np.where(any_hit, FALSE_ALARM, ESCALATION))
    out.ended[active[broke]] = t[broke]
    out.cause[active[broke]] = cause[broke]
    return np.asarray(broke)


def _trust_quantiles(
    tables: Tables,
    b: int,
    strata: list[_Stratum],
    prior: np.ndarray,
    survival: np.ndarray | None,
) -> np.ndarray:
    """Quantiles of each side's trust per round among the holding trajectories, shape
    (2, N + 1, 5): the sampled trajectories' paths, or under grim trigger (``survival`` given:
    every alarm ends the deal, so a holding ceasefire saw only clean signals) the one clean path
    per stratum, weighted by the prior and the stratum's survival over all its trajectories."""
    clean, jump, initial = tables.trust_clean[b], tables.trust_jump[b], tables.initial_logit[b]
    rounds = np.arange(jump.shape[1] + 1)
    no_alarm = np.zeros((1, jump.shape[1]), dtype=bool)
    out = np.empty((2, rounds.size, len(QUANTILES)))
    for i in range(2):
        j = 1 - i
        values, weights = [], []
        for s, stratum in enumerate(strata):
            own = (s >> 1) if i == 0 else (s & 1)
            # Under grim trigger the clean path: no alarm.
            alarms = stratum.alarms[:, :, j] if survival is None else no_alarm
            jumps = np.cumsum(alarms * jump[j], axis=1)
            logits = initial[i, own] + clean[j] + np.pad(jumps, ((0, 0), (1, 0)))
            values.append(_expit(logits))
            if survival is None:
                holding = stratum.ended[: alarms.shape[0], np.newaxis] > rounds
                weights.append(holding * (prior[s] / max(alarms.shape[0], 1)))
            else:
                weights.append(prior[s] * survival[s][np.newaxis, :])
        out[i] = weighted_quantiles(np.concatenate(values), np.concatenate(weights), QUANTILES)
    return out


def _expit(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow warnings (+-inf allowed)."""
    with np.errstate(over="ignore"):
        return np.asarray(1.0 / (1.0 + np.exp(-x)))
