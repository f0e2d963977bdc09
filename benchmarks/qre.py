"""Logit QRE benchmark: the QRE at one lambda of the Alaska multilateral game over a trust x
verification grid, batched, against per-point loops of pygambit and of the per-game tracer
(issue 15, item 3).

Run with ``.venv/bin/python benchmarks/qre.py [--quick]`` (about 2 minutes; ``--quick`` about
20 s: a 101 x 101 grid, one run, smaller loop samples; ``make bench`` runs it, ``make bench
QUICK=1`` quick). The game is ``scenarios/alaska_2025_reduced.toml`` in its multilateral format (the
US, Russia, Ukraine and the EU choose at once: 3 x 4 x 4 x 3 options, 144 profiles), every
parameter at its default but trust and verification, each on ``side`` points in [0, 1] (317 x
317 = 100,489 points: the target's 10^5), as ``experiments/trust_verification.toml`` sweeps
them. The games are built once (``Scenario.resolve``) and not timed.

Lambda = 30 (per unit of payoff: the value of the contested land). Why 30: an actor then picks
an option worth 0.1 more (a tenth of the land) e^3 = 20 times as often, so play is noisy but
payoff-driven, and over the grid P(deal) runs from about 0.02 (no trust, no verification) to
0.99 (high trust): the smooth "how likely is a deal under noisy play" landscape. At lambda <= 3
P(deal) is 0.10-0.17 everywhere (play is near uniform), and from lambda = 100 on the QRE is close
to pure play and turning points appear (some points fall back to the per-game tracer).

It prints Markdown tables of:

1. ``logit_qre_batch`` on the whole grid: wall seconds (median of ``--repeat`` runs), points
   per second, accepted steps per point (mean and largest), points redone by the per-game tracer,
   largest residual ``|sigma - softmax(lam U)|``, all verified; and P(deal) at a few cells.
2. Per-point loops on a seeded subsample: pygambit 16.7's ``pygambit.qre.logit_solve_lambda``
   (the QRE at a given lambda; ``logit_solve`` traces to the limit instead), from
   ``Game.from_arrays``, and this project's per-game tracer ``logit_qre``: median seconds per
   point, extrapolated to the grid, the batch's speedup, and the largest absolute difference of
   any strategy from the batch's at the same points.

Target (issue 15, item 3): the 10^5-point grid in < 30 s wall on this 2-core machine; the ratio
to the per-point pygambit loop is reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from negotiation_sim import Game, load_scenario
from negotiation_sim.solvers.logit import logit_qre, logit_qre_batch, outcome_probabilities

SEED = 20250815
ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "alaska_2025_reduced.toml"
LAM = 30.0
TARGET_SECONDS = 30.0


def grid_games(side: int) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """The multilateral games over the side x side grid (trust slow, verification fast)."""
    scenario = load_scenario(SCENARIO)
    axis = np.linspace(0.0, 1.0, side)
    values = scenario.values({"trust": axis[:, None], "verification": axis[None, :]})
    payoffs, outcomes, _ = scenario.resolve("multilateral", values)
    is_deal = np.array([scenario.outcomes[o].is_deal for o in scenario.outcome_ids])
    return scenario, np.ascontiguousarray(payoffs), outcomes, is_deal


def run_batch(payoffs: np.ndarray, repeat: int) -> tuple[Any, list[float]]:
    """``logit_qre_batch`` on every point, ``repeat`` times: the last result and the times."""
    logit_qre_batch(payoffs[..., :64], LAM)  # first calls out of the timing
    walls, batch = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        batch = logit_qre_batch(payoffs, LAM)
        walls.append(time.perf_counter() - start)
    return batch, walls


def picks(count: int, sample: int) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    return np.sort(rng.choice(count, size=min(sample, count), replace=False))


def gambit_loop(payoffs: np.ndarray, points: np.ndarray) -> tuple[list[float], list[Any]]:
    """pygambit's QRE at LAM, point by point (building its game included)."""
    import pygambit as gbt

    times, profiles = [], []
    for point in points.tolist():
        start = time.perf_counter()
        game = gbt.Game.from_arrays(*payoffs[..., point])
        (qre,) = gbt.qre.logit_solve_lambda(game, [LAM])
        times.append(time.perf_counter() - start)
        profiles.append([[float(qre.profile[s]) for s in p.strategies] for p in game.players])
    return times, profiles


def tracer_loop(payoffs: np.ndarray, points: np.ndarray) -> tuple[list[float], list[Any]]:
    """This project's per-game tracer, point by point (building the Game included)."""
    times, profiles = [], []
    for point in points.tolist():
        start = time.perf_counter()
        profiles.append(logit_qre(Game(payoffs[..., point]), LAM))
        times.append(time.perf_counter() - start)
    return times, profiles


def largest_gap(batch: Any, points: np.ndarray, profiles: list[Any]) -> float:
    """Largest absolute difference of any strategy from the batch's, over the points."""
    return max(
        float(np.abs(np.asarray(mine) - theirs[point]).max())
        for point, profile in zip(points.tolist(), profiles, strict=True)
        for mine, theirs in zip(profile, batch.strategies, strict=True)
    )


def print_batch(side: int, batch: Any, walls: list[float], deal: np.ndarray) -> None:
    """Table 1, and P(deal) at a few cells."""
    wall = statistics.median(walls)
    points = side * side
    print(f"\n### 1. logit_qre_batch at lambda = {LAM:g}, {side} x {side} = {points:,} points\n")
    print(
        "| wall s (runs) | points/s | steps per point (mean, max) | redone by the tracer "
        "| largest residual | all verified |"
    )
    print("|---:|---:|---|---:|---:|---|")
    runs = ", ".join(f"{w:.2f}" for w in walls)
    print(
        f"| {wall:.2f} ({runs}) | {points / wall:,.0f} | {batch.steps.mean():.1f}, "
        f"{int(batch.steps.max())} | {int(batch.fallback.sum())} | {batch.residual.max():.1e} "
        f"| {'yes' if batch.verified.all() else 'NO'} |"
    )
    shown = [0.0, 0.2, 0.5, 0.8, 1.0]
    axis = np.linspace(0.0, 1.0, side)
    index = [int(np.argmin(np.abs(axis - v))) for v in shown]
    grid = deal.reshape(side, side)
    print(f"\nP(deal) under QRE(lambda = {LAM:g}) (rows: trust; columns: verification)\n")
    print("| trust \\ verification | " + " | ".join(f"{axis[j]:.2f}" for j in index) + " |")
    print("|---" * (len(index) + 1) + "|")
    for i in index:
        print(f"| {axis[i]:.2f} | " + " | ".join(f"{grid[i, j]:.3f}" for j in index) + " |")
    print(f"\nOver the grid P(deal) runs from {deal.min():.3f} to {deal.max():.3f}.")


def print_loops(
    batch: Any, wall: float, loops: dict[str, tuple[np.ndarray, list[float], float]]
) -> None:
    """Table 2: the per-point loops against the batch."""
    points = len(batch)
    print("\n### 2. Per-point loops on seeded subsamples, against the batch\n")
    print(
        "| per-point loop | points timed | median ms per point | for the grid s "
        "| batch speedup | largest abs difference from the batch |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, (sample, times, gap) in loops.items():
        per = statistics.median(times)
        print(
            f"| {name} | {sample.size} | {per * 1e3:.2f} | {per * points:,.0f} "
            f"| {per * points / wall:,.0f}x | {gap:.1e} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="101 x 101 grid, one run, small samples"
    )
    parser.add_argument("--side", type=int, help="grid side (default 317; quick 101)")
    parser.add_argument("--repeat", type=int, help="batch runs (median; default 3, quick 1)")
    args = parser.parse_args()
    side = args.side or (101 if args.quick else 317)
    repeat = args.repeat or (1 if args.quick else 3)
    gambit_sample, tracer_sample = (10, 50) if args.quick else (50, 300)
    started = time.perf_counter()
    print(
        f"negotiation_sim logit QRE benchmark: {SCENARIO.relative_to(ROOT)}, multilateral format, "
        f"trust x verification; this shared {os.cpu_count()}-core machine (load average "
        f"{os.getloadavg()[0]:.2f} at the start)"
    )
    _, payoffs, outcomes, is_deal = grid_games(side)
    batch, walls = run_batch(payoffs, repeat)
    wall = statistics.median(walls)
    deal = outcome_probabilities(batch.strategies, outcomes, is_deal.size)[:, is_deal].sum(axis=1)
    print_batch(side, batch, walls, deal)
    loops = {}
    for name, loop, sample in (
        ("pygambit 16.7 qre.logit_solve_lambda", gambit_loop, gambit_sample),
        ("ours logit_qre (per-game tracer)", tracer_loop, tracer_sample),
    ):
        chosen = picks(side * side, sample)
        times, profiles = loop(payoffs, chosen)
        loops[name] = (chosen, times, largest_gap(batch, chosen, profiles))
    print_loops(batch, wall, loops)
    print("\n### Target\n")
    print("| target | measured | |")
    print("|---|---|---|")
    if side * side >= 100_000:
        goal = "met" if wall < TARGET_SECONDS else "NOT met"
        print(f"| {side * side:,} points < {TARGET_SECONDS:g} s wall | {wall:.2f} s | {goal} |")
    else:
        print(
            f"| 10^5 points < {TARGET_SECONDS:g} s wall | {side * side:,} points only (--quick) | n/a |"
        )
    print(f"\n(benchmark total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
