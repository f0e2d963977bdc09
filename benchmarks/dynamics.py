"""Dynamics benchmark: many ceasefires at once (issue 14, item 8).

Run with ``.venv/bin/python benchmarks/dynamics.py [--quick]`` (about 1 minute; ``--quick``
about 10 s: 10^4 trajectories, one run per case, a smaller loop sample). The model is
:func:`negotiation_sim.dynamics.two_sided` over 100 parameter points (prior trust x detection,
10 x 10), 50 rounds, delta = 0.95, false alarms 0.02, escalation 0.1, a monitoring cost; the
cases are grim trigger with a constant q = 0.1, grim trigger with the incentive rule, and a
forgiving rule (2 alarms within 5 rounds) with q = 0.1. It prints Markdown tables of:

1. :func:`~negotiation_sim.dynamics.simulate` at 10^5 trajectories x 50 rounds x 100 points
   per case: wall seconds (median of ``--repeat`` runs), nanoseconds per trajectory-round, and
   whether the target (< 10 s on this 2-core machine) is met.
2. Memory: the traced peak (``tracemalloc``, numpy's allocations included) of one call at 10
   and at 100 points (and the results' own size): the working set is one block of points'
   tables and one stratum's trajectories, so the peak above the results does not grow with
   the points.
3. The plain per-trajectory, per-round loop (:func:`~negotiation_sim.dynamics.
   reference_simulation`) on a subsample (10^3 trajectories at 2 points), scaled to the whole
   run, its ratio to :func:`simulate`, and the agreement of the two at those points (largest
   |difference| / combined standard error of the survival curve and the payoffs).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from typing import Any

import numpy as np

from negotiation_sim.dynamics import (
    Dynamics,
    DynamicsResult,
    Response,
    reference_simulation,
    simulate,
    two_sided,
)

SEED = 20261206
ROUNDS = 50
SIDE = 10  # 10 x 10 = 100 points
TARGET_SECONDS = 10.0
CASES: dict[str, dict[str, Any]] = {
    "grim, constant q": {"rule": "constant", "q": 0.1},
    "grim, incentive": {"rule": "incentive"},
    "forgiving 2 in 5, constant q": {
        "rule": "constant",
        "q": 0.1,
        "response": Response("forgiving", alarms=2, window=5),
    },
}


def model(case: str, side: int = SIDE) -> Dynamics:
    """The case's model over a ``side x side`` grid of prior trust x detection."""
    trust, detection = np.meshgrid(np.linspace(0.05, 0.95, side), np.linspace(0.2, 0.9, side))
    return two_sided(
        rounds=ROUNDS,
        discount=0.95,
        trust=trust.ravel(),
        detection=detection.ravel(),
        false_alarm=0.02,
        escalation=0.1,
        cost=0.05,
        **CASES[case],
    )


def timed_runs(case: str, trajectories: int, repeat: int) -> tuple[list[float], DynamicsResult]:
    """Wall seconds of ``repeat`` calls; the last result."""
    dynamics = model(case)
    simulate(dynamics.select(slice(0, 1)), 64, SEED)  # first calls out of the timing
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = simulate(dynamics, trajectories, SEED)
        walls.append(time.perf_counter() - start)
    return walls, result


def traced_peak(case: str, trajectories: int, points: int) -> tuple[float, float]:
    """The traced peak of one call at ``points`` points, and the results' size (MB)."""
    dynamics = model(case).select(slice(0, points))
    tracemalloc.start()
    result = simulate(dynamics, trajectories, SEED)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(value.nbytes for value in vars(result).values() if isinstance(value, np.ndarray))
    return peak / 2**20, size / 2**20


def loop(case: str, result: DynamicsResult, trajectories: int) -> dict[str, float]:
    """The plain loop at 2 points: seconds per trajectory, and the agreement with ``result``."""
    dynamics = model(case)
    seconds, worst = 0.0, 0.0
    for point in (0, dynamics.size - 1):
        start = time.perf_counter()
        ref = reference_simulation(dynamics, point, trajectories, SEED)
        seconds += time.perf_counter() - start
        # The loop's binomial error at the simulator's (far more precise) survival: the
        # loop's own estimate is 0 where it saw no breakdown of a rare kind.
        held = result.survival[:, point]
        s_ref = np.sqrt(held * (1 - held) / trajectories)
        gaps = [
            (result.survival[:, point] - ref.survival)
            / np.maximum(np.hypot(result.survival_se[:, point], s_ref), 1e-12),
            (result.payoff[:, point] - ref.payoff)
            / np.hypot(result.payoff_se[:, point], ref.payoff_se),
        ]
        worst = max(worst, *(float(np.abs(g).max()) for g in gaps))
    return {"per_trajectory": seconds / (2 * trajectories), "worst_z": worst}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^4 trajectories, one run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    args = parser.parse_args()
    trajectories = 10**4 if args.quick else 10**5
    repeat = 1 if args.quick else args.repeat
    sample = 200 if args.quick else 1_000
    points = SIDE * SIDE
    rows = []
    for case in CASES:
        walls, result = timed_runs(case, trajectories, repeat)
        peaks = [traced_peak(case, trajectories, p) for p in (10, points)]
        rows.append((case, walls, peaks, loop(case, result, sample), result))
    print(f"\n### 1. simulate: {trajectories:,} trajectories x {ROUNDS} rounds x {points} points\n")
    print("| case | wall s (median) | runs s | ns per trajectory-round | < 10 s | held at N |")
    print("|---|---:|---|---:|---|---:|")
    for case, walls, _, _, result in rows:
        wall = statistics.median(walls)
        per = wall / (trajectories * ROUNDS * points) * 1e9
        runs = ", ".join(f"{w:.2f}" for w in walls)
        ok = "yes" if wall < TARGET_SECONDS else "NO"
        held = float(result.survival[-1].mean())
        print(f"| {case} | {wall:.2f} | {runs} | {per:.2f} | {ok} | {held:.3f} (mean) |")
    print("\n### 2. Memory (tracemalloc peak of one call)\n")
    print("| case | peak MB, 10 points | peak MB, 100 points | results MB, 100 points |")
    print("|---|---:|---:|---:|")
    for case, _, peaks, _, _ in rows:
        print(f"| {case} | {peaks[0][0]:.1f} | {peaks[1][0]:.1f} | {peaks[1][1]:.2f} |")
    print(f"\n### 3. The plain per-round loop ({sample:,} trajectories at 2 points, scaled)\n")
    print("| case | loop ms per trajectory | loop s, whole run (scaled) | ratio | max abs z |")
    print("|---|---:|---:|---:|---:|")
    for case, walls, _, ref, _ in rows:
        whole = ref["per_trajectory"] * trajectories * points
        ratio = whole / statistics.median(walls)
        print(
            f"| {case} | {ref['per_trajectory'] * 1e3:.3f} | {whole:,.0f} | {ratio:,.0f} "
            f"| {ref['worst_z']:.2f} |"
        )


if __name__ == "__main__":
    main()
