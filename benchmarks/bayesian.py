"""Bayes-Nash benchmark: every pure Bayes-Nash equilibrium of a typed four-actor scenario over
a grid, through the runner, against the per-point pygambit loop (issue 13, item 7).

Run with ``.venv/bin/python benchmarks/bayesian.py [--quick]`` (about 1 minute; ``--quick``
about 15 s: no 10^6 grid, one run per case, 50 loop points; ``make bench`` runs it, ``make
bench QUICK=1`` quick). The scenario is ``benchmarks/data/typed_four.toml``: the US (2
options), Russia (security seeker or revisionist, 3 options), Ukraine (keeps or rearms, 2
options) and the EU (3 options); its agent normal form has 6 agents and 216 agent profiles. The
experiment sweeps trust x verification (sanction at its default), every metric of a typed
sweep. It prints Markdown tables (to paste into a note) of:

1. The runner (``run_experiment`` on an experiment written to a temporary directory: chunks,
   checkpoints, netCDF) over grids of 100 x 100, 317 x 317 (100,489 points: the target) and,
   without ``--quick``, 1000 x 1000, at chunks of 5,000 and 20,000 points, each run a fresh
   process: wall seconds (the 10^5 cases the median of ``--repeat`` runs), compute seconds (the
   chunks' own, from the dataset's ``timings``), peak RSS above the RSS after imports and a
   warm-up (``VmHWM`` after ``clear_refs``, as in ``benchmarks/sweep.py``), the same peak read
   after the last chunk (before results.nc is written: scipy's netCDF writer copies the
   results), the results' size in memory, and what the whole grid's agent normal form and
   payoff tensor u(s; theta) would take if built at once. Both chunk sizes must give identical
   results.
2. The loop a Gambit user writes, on a seeded subsample of the 10^5-point grid: per point
   ``scenario.bayesian_game(point)``, ``agent_normal_form``, then pygambit's ``enumpure_solve``
   on ``pygambit.Game.from_arrays(*payoffs)`` and on the ``.nfg`` file ``write_nfg`` writes
   (``pygambit.read_nfg``); median milliseconds per step, the faster whole loop extrapolated
   to the grid and its ratio to the runner (and pygambit's solve alone). Agreement: pygambit's
   pure equilibria (both paths) equal ``pure_bayes_nash``'s at every subsampled point, and
   ``solve_bayesian``'s number of them (each once: what a type of probability 0 plays does not
   multiply them) equals the runner's ``n_equilibria`` there (0 disagreements expected).

Targets (issue 13, item 7): the 10^5-point grid through the runner in < 10 s wall on this
2-core machine; the agent normal form not materialised beyond one chunk: at a fixed chunk the
peak through the chunks, above the results, does not grow with the grid (10^4 to 10^5 at
chunks of 5,000; to 10^6 for both chunk sizes without ``--quick``), and the whole run's peak
stays far below the whole grid's agent normal form. The ratio to the per-point loop is
reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
from sweep import digest, gambit_set, peak_rss, reset_peak_rss, timed

from negotiation_sim import load_scenario
from negotiation_sim.bayesian import agent_normal_form, pure_bayes_nash, solve_bayesian
from negotiation_sim.interop import write_nfg
from negotiation_sim.sweep import parse_experiment, run_experiment

SEED = 20250815
ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "benchmarks" / "data" / "typed_four.toml"
#: Grid sides: 317^2 = 100,489 points (10^5, the target's grid), 100^2 = 10^4 and, outside
#: ``--quick``, 1000^2 = 10^6 (so that chunks of 20,000 are compared on two grids too).
MAIN, SIDES, FULL_SIDE = 317, (100, 317), 1000
CHUNKS = (5_000, 20_000)
TARGET_SECONDS = 10.0
#: Results compared across runs (the digest).
COMPARED = ("outcome", "n_equilibria", "deal_is_equilibrium", "deal_probability", "welfare")


def experiment_text(side: int, chunk: int) -> str:
    """A ``side x side`` trust x verification grid of the typed scenario, every metric."""
    axes = "".join(
        f"[axes.{name}]\nrange = [0.0, 1.0]\npoints = {side}\n"
        for name in ("trust", "verification")
    )
    return (
        f'format_version = 1\n[experiment]\nscenario = "{SCENARIO}"\nchunk_size = {chunk}\n{axes}'
    )


def run(side: int, chunk: int) -> Any:
    """The runner in this process, into a temporary directory; the dataset (in memory)."""
    experiment = parse_experiment(experiment_text(side, chunk))
    with tempfile.TemporaryDirectory() as directory:
        return run_experiment(experiment, Path(directory) / "run", overwrite=True, progress=False)


def picks(side: int, sample: int) -> np.ndarray:
    """The seeded subsample of flat grid indices (trust slow, verification fast) the loop runs on."""
    rng = np.random.default_rng(SEED)
    return np.sort(rng.choice(side * side, size=min(sample, side * side), replace=False))


def child(side: int, chunk: int, sample: int) -> None:
    """One runner call in this (fresh) process; print one JSON line of what was measured."""
    run(4, 8)  # imports xarray and the netCDF writer, first calls out of the timing
    chunks_peak = watch_chunks()
    baseline = reset_peak_rss()
    start = time.perf_counter()
    ds = run(side, chunk)
    wall = time.perf_counter() - start
    # VmHWM is synced lazily, so a later read may be a little lower than one taken mid-run.
    peak = max(peak_rss(), *chunks_peak)
    out: dict[str, Any] = {
        "wall": wall,
        "peak_mb": (peak - baseline) / 1024,
        "chunks_peak_mb": (max(chunks_peak) - baseline) / 1024,
        "timings": json.loads(ds.attrs["timings"]),
        "points": side * side,
        "dataset_mb": ds.nbytes / 2**20,
        "digest": digest({name: ds[name].values for name in COMPARED}),
        "p_deal": float(ds["deal_is_equilibrium"].mean()),
    }
    if sample:
        counts = ds["n_equilibria"].isel(format=0).transpose("trust", "verification").values.ravel()
        out["n_equilibria"] = counts[picks(side, sample)].tolist()
    print(json.dumps(out))


def watch_chunks() -> list[int]:
    """Peak RSS (KiB) read after each chunk the runner computes, so the peak through the chunks
    (results arrays and one chunk's working set) is told from the peak of writing results.nc
    afterwards (scipy's netCDF writer copies the results). Wraps ``_timed`` where the runner
    looks it up, as ``benchmarks/uncertainty.py`` does to trace its phases."""
    import negotiation_sim.sweep.run as runner

    seen: list[int] = []
    compute = runner._timed

    def timed_chunk(task: Any) -> Any:
        value = compute(task)
        seen.append(peak_rss())
        return value

    runner._timed = timed_chunk
    return seen


def run_child(side: int, chunk: int, sample: int = 0) -> dict[str, Any]:
    """One measurement in a fresh subprocess, so runs don't share their peak memory."""
    command = [sys.executable, __file__, "--child", str(side), str(chunk), str(sample)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def repeated(side: int, chunk: int, sample: int, repeat: int) -> dict[str, Any]:
    """``repeat`` fresh runs: the first's results, the median wall and compute seconds (the
    machine is shared), every wall time, and whether all runs agree."""
    runs = [run_child(side, chunk, sample if k == 0 else 0) for k in range(repeat)]
    out = dict(runs[0])
    out["walls"] = [r["wall"] for r in runs]
    out["wall"] = statistics.median(out["walls"])
    compute = statistics.median(r["timings"]["compute_seconds"] for r in runs)
    out["timings"] = {**out["timings"], "compute_seconds": compute}
    for key in ("peak_mb", "chunks_peak_mb"):
        out[key] = max(r[key] for r in runs)
    if len({r["digest"] for r in runs}) > 1:
        out["digest"] = "runs disagree"
    return out


@cache
def point_bytes() -> tuple[int, int]:
    """Bytes of one point's agent normal form and of its payoff tensor u(s; theta)."""
    game = load_scenario(SCENARIO).bayesian_game()
    return agent_normal_form(game).payoffs.nbytes, game.payoffs.nbytes


def whole_grid_mb(points: int) -> tuple[float, float]:
    """What the whole grid's agent normal form and payoff tensor would take at once (MB)."""
    anf, tensor = point_bytes()
    return anf * points / 2**20, tensor * points / 2**20


def gambit_loop(side: int, sample: int, runner_counts: list[int]) -> dict[str, Any]:
    """The per-point loop on the seeded subsample: median seconds per step, and disagreements."""
    import pygambit as gbt

    scenario = load_scenario(SCENARIO)
    axis = np.linspace(0.0, 1.0, side)
    steps = ("game", "anf", "from_arrays", "enumpure", "nfg_io", "enumpure_nfg", "ours")
    times: dict[str, list[float]] = {key: [] for key in steps}
    disagree = {"arrays": 0, "nfg": 0, "runner": 0}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "anf.nfg"
        for flat, runner_count in zip(picks(side, sample), runner_counts, strict=True):
            i, j = divmod(int(flat), side)
            point = {"trust": float(axis[i]), "verification": float(axis[j])}
            t_game, game = timed(partial(scenario.bayesian_game, point))
            t_anf, anf = timed(partial(agent_normal_form, game))
            t_arrays, g_arrays = timed(partial(gbt.Game.from_arrays, *anf.payoffs))
            t_solve, result = timed(partial(gbt.nash.enumpure_solve, g_arrays))
            t_io, g_nfg = timed(partial(write_read, gbt, anf, path))
            t_solve_nfg, result_nfg = timed(partial(gbt.nash.enumpure_solve, g_nfg))
            t_ours, mask = timed(
                partial(pure_bayes_nash, game.payoffs[..., None], game.prior[..., None])
            )
            ours = {tuple(int(v) for v in p) for p in np.argwhere(mask[..., 0])}
            disagree["arrays"] += ours != gambit_set(g_arrays, result)
            disagree["nfg"] += ours != gambit_set(g_nfg, result_nfg)
            disagree["runner"] += len(solve_bayesian(game, "pure")) != runner_count
            for key, value in zip(
                steps, (t_game, t_anf, t_arrays, t_solve, t_io, t_solve_nfg, t_ours), strict=True
            ):
                times[key].append(value)
    med = {key: statistics.median(values) for key, values in times.items()}
    build = [g + a for g, a in zip(times["game"], times["anf"], strict=True)]
    loops = {
        "from_arrays": added(build, times["from_arrays"], times["enumpure"]),
        "nfg file": added(build, times["nfg_io"], times["enumpure_nfg"]),
    }
    loop = {key: statistics.median(values) for key, values in loops.items()}
    fastest = min(loop, key=loop.__getitem__)
    return {**med, "loop": loop, "fastest": fastest, **disagree, "points": len(runner_counts)}


def added(*series: list[float]) -> list[float]:
    """Per point, the sum of the steps' seconds."""
    return [sum(values) for values in zip(*series, strict=True)]


def write_read(gbt: Any, anf: Any, path: Path) -> Any:
    """The agent normal form through a ``.nfg`` file: written by us, read by pygambit."""
    return gbt.read_nfg(str(write_nfg(anf, path, overwrite=True)))


def print_runner(runs: list[tuple[int, int, dict[str, Any]]]) -> None:
    """Table 1: the runner at both grid sizes and chunk sizes."""
    print("\n### 1. Pure Bayes-Nash equilibria through the runner (trust x verification)\n")
    print(
        "| grid | points | chunk | wall s | compute s | peak MB | through the chunks MB "
        "| results MB | chunks' peak - results MB | whole-grid agent form MB "
        "| whole-grid u(s; theta) MB | same as other chunk |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for side, chunk, r in runs:
        other = [o for s, c, o in runs if s == side and c != chunk]
        same = "yes" if all(o["digest"] == r["digest"] for o in other) else "NO"
        anf_mb, tensor_mb = whole_grid_mb(r["points"])
        walls = r.get("walls", [])
        shown = f" ({', '.join(f'{w:.2f}' for w in walls)})" if len(walls) > 1 else ""
        whole = " (one chunk)" if chunk >= r["points"] else ""
        print(
            f"| {side} x {side} | {r['points']:,} | {chunk:,}{whole} | {r['wall']:.2f}{shown} "
            f"| {r['timings']['compute_seconds']:.2f} | {r['peak_mb']:.0f} | {r['chunks_peak_mb']:.0f} "
            f"| {r['dataset_mb']:.1f} | {r['chunks_peak_mb'] - r['dataset_mb']:.0f} | {anf_mb:,.0f} | {tensor_mb:,.0f} | {same} |"
        )


def print_loop(loop: dict[str, Any], wall: float, points: int) -> dict[str, float]:
    """Table 2: the per-point loop; returns the ratios to the runner of the faster whole loop
    and of pygambit's solve alone."""
    print(f"\n### 2. The per-point loop a Gambit user writes ({loop['points']} seeded points)\n")
    print(
        "| bayesian_game() ms | agent_normal_form ms | Game.from_arrays ms | enumpure_solve ms "
        "| write_nfg + read_nfg ms | enumpure_solve (nfg) ms | ours pure_bayes_nash ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    keys = ("game", "anf", "from_arrays", "enumpure", "nfg_io", "enumpure_nfg", "ours")
    print("| " + " | ".join(f"{loop[k] * 1e3:.3f}" for k in keys) + " |")
    print("\n| loop (per point: game + agent form + pygambit) | ms per point | for the grid s |")
    print("|---|---:|---:|")
    for name, seconds in loop["loop"].items():
        print(f"| via {name} | {seconds * 1e3:.2f} | {seconds * points:,.0f} |")
    fastest = float(loop["loop"][loop["fastest"]]) * points
    solve = min(loop["enumpure"], loop["enumpure_nfg"]) * points
    print(
        f"\nDisagreements with ``pure_bayes_nash`` at the same points: pygambit from_arrays "
        f"{loop['arrays']}, pygambit .nfg {loop['nfg']}; equilibria counted by the runner "
        f"(n_equilibria) {loop['runner']}. Over {points:,} points the faster loop "
        f"({loop['fastest']}) takes about {fastest:,.0f} s ({fastest / 60:.0f} min); "
        f"the runner {wall:.2f} s: {fastest / wall:,.0f}x. pygambit's enumpure_solve alone "
        f"(given each point's agent form) would take {solve:,.0f} s: {solve / wall:,.0f}x."
    )
    return {"loop": fastest / wall, "solve": solve / wall}


def print_targets(runs: list[tuple[int, int, dict[str, Any]]], ratio: dict[str, float]) -> None:
    """Targets, met or not."""
    by = {(side, chunk): r for side, chunk, r in runs}
    walls = {chunk: by[(MAIN, chunk)]["wall"] for chunk in CHUNKS}
    print("\n### Targets\n")
    print("| target | measured | |")
    print("|---|---|---|")
    shown = ", ".join(f"{wall:.2f} s (chunks of {chunk:,})" for chunk, wall in walls.items())
    goal = "met" if max(walls.values()) < TARGET_SECONDS else "NOT met"
    print(
        f"| {MAIN**2:,} points through the runner < {TARGET_SECONDS:g} s wall | {shown} | {goal} |"
    )
    for chunk in CHUNKS:
        print(f"| agent form not built beyond a chunk ({chunk:,}) | {memory_check(runs, chunk)}")
    print(
        f"| ratio to the per-point pygambit loop | {ratio['loop']:,.0f}x (game + agent form + "
        f"pygambit); {ratio['solve']:,.0f}x (pygambit's solve alone) | reported |"
    )


def memory_check(runs: list[tuple[int, int, dict[str, Any]]], chunk: int) -> str:
    """The peak through the chunks above the results, on the grids at least one chunk large: it
    must not grow with the grid (10% + 10 MB of slack), and the whole run's peak must stay far
    below the whole grid's agent form."""
    mine = sorted((r["points"], r) for _, c, r in runs if c == chunk and r["points"] >= chunk)
    if len(mine) < 2:
        return "only one grid holds a whole chunk (run without --quick) | n/a |"
    (_, small), (_, large) = mine[0], mine[-1]
    work = [r["chunks_peak_mb"] - r["dataset_mb"] for r in (small, large)]
    anf_mb = whole_grid_mb(large["points"])[0]
    flat = work[1] <= 1.1 * work[0] + 10 and large["peak_mb"] < anf_mb / 4
    return (
        f"chunks' peak - results {work[0]:.0f} MB at {small['points']:,} points, {work[1]:.0f} MB "
        f"at {large['points']:,}; whole run's peak {large['peak_mb']:.0f} MB there, that grid's "
        f"whole agent form {anf_mb:,.0f} MB "
        f"| {'met' if flat else 'NOT met'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="no 10^6 grid, one run per case, 50 loop points"
    )
    parser.add_argument("--sample", type=int, help="points in the per-point loop (default 200)")
    parser.add_argument("--repeat", type=int, help="runs of the first case (median; default 3)")
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "CHUNK", "SAMPLE"))
    args = parser.parse_args()
    if args.child:
        side, chunk, sample = map(int, args.child)
        child(side, chunk, sample)
        return
    sample = args.sample or (50 if args.quick else 200)
    repeat = args.repeat or (1 if args.quick else 3)
    started = time.perf_counter()
    print(
        f"negotiation_sim Bayes-Nash benchmark: {SCENARIO.relative_to(ROOT)}, every pure "
        f"Bayes-Nash equilibrium per point; each runner call in a fresh process; wall-clock runs "
        f"on this shared {os.cpu_count()}-core machine (load average {os.getloadavg()[0]:.2f} at "
        f"the start), the first case the median of {repeat}"
    )
    runs = [
        (MAIN, chunk, repeated(MAIN, chunk, sample if k == 0 else 0, repeat))
        for k, chunk in enumerate(CHUNKS)
    ]
    sides = [side for side in SIDES if side != MAIN] + ([] if args.quick else [FULL_SIDE])
    runs += [(side, chunk, run_child(side, chunk)) for side in sides for chunk in CHUNKS]
    runs.sort(key=lambda run: (run[0], run[1]))
    print_runner(runs)
    main_run = next(r for side, chunk, r in runs if (side, chunk) == (MAIN, CHUNKS[0]))
    print(
        f"\nP(some pure Bayes-Nash equilibrium reaches a deal) over the grid: {main_run['p_deal']:.3f}"
    )
    loop = gambit_loop(MAIN, sample, main_run["n_equilibria"])
    ratio = print_loop(loop, main_run["wall"], main_run["points"])
    print_targets(runs, ratio)
    print(f"\n(benchmark total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
