"""Uncertainty benchmark: sampled designs and Sobol' indices of the Alaska scenario (issue 12).

Run with ``.venv/bin/python benchmarks/uncertainty.py [--quick]`` (needs the ``bench`` extra:
``make bench`` installs it; about 2.5 minutes, ``--quick`` about 30 s: 10^5 rows and N = 2^12;
``--profile KIND`` only cProfiles one runner call of that design kind). Every parameter of
``scenarios/alaska_2025_reduced.toml`` with a prior (all d = 17) is drawn from it, no axes, formats
``bilateral`` and ``multilateral``, the metrics of ``experiments/alaska_uncertainty.toml``
(``zero_sum_share`` left out: a property of the game, not of the deal, and ten times the cost of
the rest). It prints Markdown tables (to paste into a note) of:

1. 10^6 Monte Carlo rows through the runner (``run_experiment``: chunks, checkpoints, netCDF) at
   chunks of 50,000 and 100,000, and 10^6 Latin hypercube rows: wall seconds, compute seconds
   (the chunks' own, from the dataset's ``timings``), peak RSS above the baseline (each run a
   fresh process: ``VmHWM`` after ``clear_refs``, as in ``benchmarks/sweep.py``), the results'
   size in memory, P(deal) with its Wilson interval. Both chunk sizes must give identical results.
2. A Sobol' analysis: a Saltelli design with N = 2^14 base rows (N (d + 2) = 311,296 rows per
   format) through the runner, then ``sobol_indices`` (1,000 bootstrap resamples) on "a deal is
   a pure equilibrium" in each format; at chunks of 50,000 and 100,000 (identical results) and
   at N = 2^13, to show which part of the peak grows with the chunk and which with the rows.
   The rows' Saltelli layout (A, B, A_B^i in the order of ``sampled``) is checked on the inputs.
   Memory: every run's peak against its results' size, and where the peak is (each phase's own
   peak, traced with tracemalloc in one more Monte Carlo run).
3. The loop a SALib or EMA Workbench user writes: per row ``scenario.game(params, format)``, the
   faster of quantecon's ``pure_nash_brute`` (with its conversion) and our ``pure_equilibria``
   on the one game, and ``scenario.outcome_of`` to ask whether an equilibrium is a deal; on a
   seeded subsample of the Monte Carlo rows (the runner's own inputs), median seconds per row
   extrapolated to 10^6 rows and both formats. The loop's "a deal is an equilibrium" must agree
   with the runner's on every row, and quantecon's equilibria with ours (0 disagreements).

Targets (issue 12, item 9): 10^6 Monte Carlo rows, both formats, < 15 s wall; the Sobol'
analysis (N = 2^14, runner + indices) < 30 s; peak memory bounded by the chunk size (apart from
the results themselves, which grow with the rows); the ratio to the per-row loop is reported.
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
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sweep import digest, peak_rss, qe_game, reset_peak_rss, timed

from negotiation_sim import Scenario, load_scenario, pure_equilibria
from negotiation_sim.game import DEFAULT_TOL
from negotiation_sim.sensitivity import sobol_indices
from negotiation_sim.sweep import parse_experiment, run_experiment

SEED = 20250815
ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "alaska_2025_reduced.toml"
FORMATS = ("bilateral", "multilateral")
METRICS = (
    "outcome",
    "deal_is_equilibrium",
    "no_deal_is_equilibrium",
    "n_equilibria",
    "welfare",
    "payoff",
    "surplus",
)
TARGET_MC_SECONDS = 15.0
TARGET_SOBOL_SECONDS = 30.0
N_BOOTSTRAP = 1000


def experiment_text(kind: str, samples: int, chunk: int) -> str:
    """An experiment with no axes: every parameter with a prior sampled, ``samples`` rows."""
    return (
        f'format_version = 1\n[experiment]\nscenario = "{SCENARIO}"\n'
        f"formats = {json.dumps(list(FORMATS))}\nmetrics = {json.dumps(list(METRICS))}\n"
        f"seed = {SEED}\nchunk_size = {chunk}\n"
        f'[design]\nkind = "{kind}"\nsamples = {samples}\n'
    )


def run(kind: str, samples: int, chunk: int) -> Any:
    """The runner in this process, into a temporary directory; the dataset (in memory)."""
    experiment = parse_experiment(experiment_text(kind, samples, chunk))
    with tempfile.TemporaryDirectory() as directory:
        return run_experiment(experiment, Path(directory) / "run", overwrite=True, progress=False)


def picks(rows: int, sample: int) -> np.ndarray:
    """The seeded subsample of rows the per-row loop runs on."""
    return np.sort(np.random.default_rng(SEED).choice(rows, size=min(sample, rows), replace=False))


def indices(ds: Any, format: str) -> tuple[float, Any]:
    """``sobol_indices`` on "a deal is an equilibrium" of ``format``: seconds and the result."""
    n, names = int(ds.attrs["samples"]), json.loads(ds.attrs["sampled"])
    f = ds["deal_is_equilibrium"].sel(format=format).values.astype(np.float64)
    ab = f[2 * n :].reshape(len(names), n)
    return timed(
        lambda: sobol_indices(f[:n], f[n : 2 * n], ab, n_bootstrap=N_BOOTSTRAP, names=names)
    )


def saltelli_layout_ok(ds: Any) -> bool:
    """Rows A_B^i equal A but in column i, which is B's (the layout ``indices`` relies on)."""
    n, names = int(ds.attrs["samples"]), json.loads(ds.attrs["sampled"])
    x = np.stack([ds[f"input_{name}"].values for name in names], axis=1)
    a, b = x[:n], x[n : 2 * n]
    for i in range(len(names)):
        block = x[(2 + i) * n : (3 + i) * n]
        others = np.arange(len(names)) != i
        if not (
            np.array_equal(block[:, i], b[:, i]) and np.array_equal(block[:, others], a[:, others])
        ):
            return False
    return True


def child(kind: str, samples: int, chunk: int, sample: int) -> None:
    """One runner call in this (fresh) process; print one JSON line of what was measured."""
    if kind == "phases":
        print(json.dumps(phases(samples, chunk)))
        return
    run(kind, 4 if kind == "saltelli" else 64, 32)  # imports xarray, scipy.stats, the writer
    if kind == "saltelli":
        indices(run(kind, 4, 32), FORMATS[0])
    baseline = reset_peak_rss()
    start = time.perf_counter()
    ds = run(kind, samples, chunk)
    runner_seconds = time.perf_counter() - start
    out: dict[str, Any] = {
        "runner_seconds": runner_seconds,
        "peak_mb": (peak_rss() - baseline) / 1024,
        "timings": json.loads(ds.attrs["timings"]),
        "rows": ds.sizes["sample"],
        "dataset_mb": ds.nbytes / 2**20,
        "digest": digest({n: ds[n].values for n in ("outcome", "deal_is_equilibrium", "welfare")}),
        "p_deal": {
            f: [float(ds[v].sel(format=f)) for v in ("p_deal", "p_deal_low", "p_deal_high")]
            for f in FORMATS
        },
    }
    if kind == "saltelli":
        out["indices_seconds"], out["sobol"] = 0.0, {}
        held = reset_peak_rss()  # the indices' own peak, above the dataset they read
        for format in FORMATS:
            seconds, result = indices(ds, format)
            out["indices_seconds"] += seconds
            out["sobol"][format] = {
                "names": list(result.names),
                "first": result.first.tolist(),
                "total": result.total.tolist(),
                "total_interval": result.total_interval.tolist(),
            }
        out["indices_peak_mb"] = (peak_rss() - held) / 1024
        out["layout_ok"] = saltelli_layout_ok(ds)
    if sample:
        at = picks(ds.sizes["sample"], sample)
        names = json.loads(ds.attrs["sampled"])
        out["picks"] = {
            "inputs": {n: ds[f"input_{n}"].values[at].tolist() for n in names},
            "deal": {
                f: ds["deal_is_equilibrium"].sel(format=f).values[at].tolist() for f in FORMATS
            },
        }
    print(json.dumps(out))


#: The runner's phases whose peaks ``phases`` traces: (module, function, what it is).
PHASES = (
    ("run", "_timed", "one chunk's compute (compute_chunk), largest"),
    ("run", "_allocate", "the run's result arrays, every row (run._allocate)"),
    ("dataset", "_inputs", "input_* from the rows the chunks drew (dataset._inputs)"),
    ("dataset", "summarise", "P(deal), means, quantiles (summary.summarise)"),
    ("run", "write_atomically", "results.nc (scipy's netCDF writer)"),
)


def phases(rows: int, chunk: int) -> dict[str, Any]:
    """Each phase's peak above what was held before it (tracemalloc, numpy's arrays included),
    for one Monte Carlo run; the phases are wrapped where the runner looks them up."""
    import functools
    import tracemalloc

    import negotiation_sim.sweep.dataset
    import negotiation_sim.sweep.run

    modules = {"run": negotiation_sim.sweep.run, "dataset": negotiation_sim.sweep.dataset}
    run("monte_carlo", 64, 32)
    peaks: dict[str, float] = {}

    def traced(name: str, function: Any) -> Any:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            held = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            try:
                return function(*args, **kwargs)
            finally:
                extra = (tracemalloc.get_traced_memory()[1] - held) / 2**20
                peaks[name] = max(peaks.get(name, 0.0), extra)

        return wrapper

    for module, name, _ in PHASES:
        setattr(modules[module], name, traced(name, getattr(modules[module], name)))
    tracemalloc.start()
    ds = run("monte_carlo", rows, chunk)
    return {
        "peaks": peaks,
        "whole": tracemalloc.get_traced_memory()[1] / 2**20,
        "results": ds.nbytes / 2**20,
    }


def repeated(kind: str, samples: int, chunk: int, sample: int, repeat: int) -> dict[str, Any]:
    """``repeat`` runs in fresh processes: the first run's results with the median wall and
    compute seconds (the machine is shared), every wall time, and whether all runs agree."""
    runs = [run_child(kind, samples, chunk, sample if k == 0 else 0) for k in range(repeat)]
    out = dict(runs[0])
    out["walls"] = [r["runner_seconds"] for r in runs]
    out["runner_seconds"] = statistics.median(out["walls"])
    compute = statistics.median(r["timings"]["compute_seconds"] for r in runs)
    out["timings"] = {**out["timings"], "compute_seconds": compute}
    if len({r["digest"] for r in runs}) > 1:
        out["digest"] = "runs disagree"
    return out


def run_child(kind: str, samples: int, chunk: int, sample: int = 0) -> dict[str, Any]:
    """One measurement in a fresh subprocess, so runs don't share their peak memory."""
    command = [sys.executable, __file__, "--child", kind, str(samples), str(chunk), str(sample)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def loop(picked: dict[str, Any], format: str) -> dict[str, Any]:
    """The per-row loop on the runner's own inputs: median seconds per row, and disagreements."""
    import quantecon.game_theory as qe

    scenario = load_scenario(SCENARIO)
    names = list(picked["inputs"])
    rows = list(zip(*picked["inputs"].values(), strict=True))
    qe.pure_nash_brute(qe_game(scenario.game(format=format).payoffs))  # compile numba code
    times: dict[str, list[float]] = {k: [] for k in ("build", "quantecon", "ours", "deal")}
    disagree = {"deal_vs_runner": 0, "quantecon_vs_ours": 0}
    for row, runner_deal in zip(rows, picked["deal"][format], strict=True):
        params = dict(zip(names, row, strict=True))
        build, game = timed(partial(scenario.game, params, format))
        qe_time, qe_eq = timed(partial(qe_solve, game.payoffs))
        ours_time, mask = timed(partial(pure_equilibria, game.payoffs, n_actors=len(game.actors)))
        profiles = [tuple(int(v) for v in s) for s in np.argwhere(mask)]
        deal_time, deal = timed(partial(any_deal, scenario, format, profiles, params))
        disagree["quantecon_vs_ours"] += set(profiles) != {tuple(int(a) for a in e) for e in qe_eq}
        disagree["deal_vs_runner"] += deal != runner_deal
        for key, value in zip(times, (build, qe_time, ours_time, deal_time), strict=True):
            times[key].append(value)
    med = {key: statistics.median(values) for key, values in times.items()}
    fastest = min(("quantecon", "ours"), key=med.__getitem__)
    solve = [b + t for b, t in zip(times["build"], times[fastest], strict=True)]
    return {
        **med,
        "fastest": fastest,
        "solve_loop": statistics.median(solve),
        "full_loop": statistics.median(s + d for s, d in zip(solve, times["deal"], strict=True)),
        **disagree,
        "rows": len(rows),
    }


def qe_solve(payoffs: np.ndarray) -> Any:
    """quantecon's pure equilibria of one game, its conversion included (the user's loop)."""
    import quantecon.game_theory as qe

    return qe.pure_nash_brute(qe_game(payoffs), tol=DEFAULT_TOL)


def any_deal(
    scenario: Scenario, format: str, profiles: list[tuple[int, ...]], params: dict[str, float]
) -> bool:
    """Whether some equilibrium profile of the format's game leads to a deal outcome."""
    return any(scenario.outcomes[scenario.outcome_of(format, s, params)].is_deal for s in profiles)


def fmt_p(p: list[float]) -> str:
    return f"{p[0]:.4f} [{p[1]:.4f}, {p[2]:.4f}]"


def print_sampled(runs: list[tuple[str, int, dict[str, Any]]]) -> None:
    """Table 1: sampled designs through the runner."""
    print("\n### 1. Sampled designs through the runner (both formats, d = 17, no axes)\n")
    print(
        "| design | rows per format | chunk | wall s | compute s "
        "| P(deal) bilateral [95%] | P(deal) multilateral [95%] | same as first |"
    )
    print("|---|---:|---:|---:|---:|---|---|---|")
    first = runs[0][2]["digest"]
    for kind, chunk, r in runs:
        same = "yes" if r["digest"] == first else ("NO" if kind == runs[0][0] else "n/a")
        walls = r.get("walls", [])
        runs_shown = f" ({', '.join(f'{w:.2f}' for w in walls)})" if len(walls) > 1 else ""
        print(
            f"| {kind} | {r['rows']:,} | {chunk:,} | {r['runner_seconds']:.2f}{runs_shown} "
            f"| {r['timings']['compute_seconds']:.2f} "
            f"| {fmt_p(r['p_deal']['bilateral'])} | {fmt_p(r['p_deal']['multilateral'])} | {same} |"
        )


def print_sobol(runs: list[tuple[int, int, dict[str, Any]]]) -> None:
    """Table 2: Saltelli designs through the runner, then the indices."""
    print(f"\n### 2. Sobol' analysis: runner + sobol_indices (n_bootstrap = {N_BOOTSTRAP:,})\n")
    print(
        "| N | rows per format | chunk | runner s | compute s | indices s | total s "
        "| same as first | Saltelli layout |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    first = runs[0][2]
    for n, chunk, r in runs:
        same = "yes" if r["digest"] == first["digest"] else ("NO" if n == runs[0][0] else "n/a")
        total = r["runner_seconds"] + r["indices_seconds"]
        print(
            f"| 2^{n.bit_length() - 1} | {r['rows']:,} | {chunk:,} | {r['runner_seconds']:.2f} "
            f"| {r['timings']['compute_seconds']:.2f} | {r['indices_seconds']:.2f} | {total:.2f} "
            f"| {same} "
            f"| {'ok' if r['layout_ok'] else 'WRONG'} |"
        )
    print("\nWhat decides whether a deal is an equilibrium (first run; top 6 by total index):\n")
    print(
        "| parameter | S1 bilateral | ST bilateral [95%] | S1 multilateral | ST multilateral [95%] |"
    )
    print("|---|---:|---:|---:|---:|")
    sobol = first["sobol"]
    names = sobol["bilateral"]["names"]
    order = np.argsort([-max(sobol[f]["total"][i] for f in FORMATS) for i in range(len(names))])
    for i in order[:6]:
        cells = []
        for f in FORMATS:
            low, high = sobol[f]["total_interval"][i]
            cells.append(
                f"{sobol[f]['first'][i]:.3f} | {sobol[f]['total'][i]:.3f} [{low:.3f}, {high:.3f}]"
            )
        print(f"| {names[i]} | {' | '.join(cells)} |")


def print_loop(loops: dict[str, dict[str, Any]], wall: float, rows: int) -> float:
    """Table 3: the per-row loop; returns its ratio to the runner (game() + solve only)."""
    sample = next(iter(loops.values()))["rows"]
    print(f"\n### 3. The per-row loop a SALib / EMA Workbench user writes ({sample} seeded rows)\n")
    print(
        "| format | game() ms | quantecon ms | ours ms | outcome_of ms | game() + fastest ms "
        "| + outcome_of ms | deal: loop vs runner | equilibria: quantecon vs ours |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for format, r in loops.items():
        print(
            f"| {format} | {r['build'] * 1e3:.3f} | {r['quantecon'] * 1e3:.3f} "
            f"| {r['ours'] * 1e3:.3f} | {r['deal'] * 1e3:.3f} "
            f"| {r['solve_loop'] * 1e3:.3f} ({r['fastest']}) | {r['full_loop'] * 1e3:.3f} "
            f"| {r['deal_vs_runner']} disagreements | {r['quantecon_vs_ours']} disagreements |"
        )
    solve: float = sum(r["solve_loop"] for r in loops.values()) * rows
    full = sum(r["full_loop"] for r in loops.values()) * rows
    print(
        f"\nMedian ms per row. Over {rows:,} rows in both formats the loop takes about "
        f"{solve:,.0f} s ({solve / 3600:.1f} h) for game() + the fastest solver alone, "
        f"{full:,.0f} s ({full / 3600:.1f} h) with outcome_of to tell a deal; the runner "
        f"{wall:.2f} s: {solve / wall:,.0f}x and {full / wall:,.0f}x."
    )
    return solve / wall


def print_memory(
    sampled: list[tuple[str, int, dict[str, Any]]], sobol: list[tuple[int, int, dict[str, Any]]]
) -> None:
    """The memory table: every run's peak, against its results' size."""
    print("\n### Memory (peak RSS above the RSS after imports, each run a fresh process)\n")
    print(
        "| run | rows per format | chunk | results in memory MB | runner peak MB "
        "| peak - results MB | peak MB per 10^5 rows | sobol_indices' own peak MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    runs = [(k, c, r) for k, c, r in sampled] + [
        (f"saltelli N = 2^{n.bit_length() - 1}", c, r) for n, c, r in sobol
    ]
    for name, chunk, r in runs:
        extra = f"{r['indices_peak_mb']:.0f}" if "indices_peak_mb" in r else ""
        print(
            f"| {name} | {r['rows']:,} | {chunk:,} | {r['dataset_mb']:.0f} | {r['peak_mb']:.0f} "
            f"| {r['peak_mb'] - r['dataset_mb']:.0f} | {r['peak_mb'] / r['rows'] * 1e5:.1f} "
            f"| {extra} |"
        )


def print_phases(traced: dict[str, Any], rows: int, chunk: int) -> None:
    """Where the runner's peak is: each phase's own peak above what was held before it."""
    print(
        f"\nWhere the peak is (tracemalloc, {rows:,} Monte Carlo rows, chunks of {chunk:,}; "
        f"whole run's traced peak {traced['whole']:.0f} MB, results {traced['results']:.0f} MB):\n"
    )
    print("| phase | its peak above what was held, MB | per 10^5 rows |")
    print("|---|---:|---:|")
    for _, name, what in PHASES:
        mb = traced["peaks"].get(name, float("nan"))
        print(f"| {what} | {mb:.0f} | {mb / rows * 1e5:.1f} |")


def print_targets(
    mc: dict[str, Any], sobol: list[tuple[int, int, dict[str, Any]]], ratio: float
) -> None:
    """Targets, met or not."""
    print("\n### Targets\n")
    print("| target | measured | |")
    print("|---|---|---|")
    wall = mc["runner_seconds"]
    print(
        f"| {mc['rows']:,} Monte Carlo rows, both formats, runner < {TARGET_MC_SECONDS:g} s wall "
        f"| {wall:.2f} s | {'met' if wall < TARGET_MC_SECONDS else 'NOT met'} |"
    )
    n, _, first = sobol[0]
    total = first["runner_seconds"] + first["indices_seconds"]
    print(
        f"| Sobol' N = 2^{n.bit_length() - 1}, runner + indices < {TARGET_SOBOL_SECONDS:g} s "
        f"| {total:.2f} s | {'met' if total < TARGET_SOBOL_SECONDS else 'NOT met'} |"
    )
    (_, c0, a), (_, c1, b), (n2, _, c) = sobol
    # Bounded by the chunk: beyond the results (every row is kept, by design), the peak must not
    # grow with the rows; doubling the chunk may add the chunk's working set.
    work = {key: r["peak_mb"] - r["dataset_mb"] for key, r in (("a", a), ("b", b), ("c", c))}
    bounded = work["a"] <= 1.1 * work["c"] + 10
    print(
        f"| runner's peak bounded by the chunk (beyond the results) | peak - results "
        f"{work['c']:.0f} MB at N = 2^{n2.bit_length() - 1}, {work['a']:.0f} MB at "
        f"2^{n.bit_length() - 1} (chunks of {c0:,}); {work['b']:.0f} MB at chunks of {c1:,} "
        f"| {'met' if bounded else 'NOT met: grows with the rows'} |"
    )
    print(
        f"| sobol_indices' peak | {c['indices_peak_mb']:.0f} MB at N = 2^{n2.bit_length() - 1}, "
        f"{a['indices_peak_mb']:.0f} MB at 2^{n.bit_length() - 1} | reported |"
    )
    print(f"| ratio to the per-row loop (game() + fastest solver) | {ratio:,.0f}x | reported |")


def print_inputs(rows: int, wall: float, compute: float) -> None:
    """Where the sampled runs' time goes: the inverse CDFs of the inputs, timed once here."""
    experiment = parse_experiment(experiment_text("monte_carlo", rows, 50_000))
    design = experiment.design
    design.inputs(seed=SEED, stop=16)  # scipy's first calls out of the timing
    unit_seconds, unit = timed(partial(design.unit, seed=SEED))
    families: dict[str, float] = {}
    for j, prior in enumerate(design.priors):
        family = str(prior).split("(")[0]
        families[family] = families.get(family, 0.0) + timed(partial(prior.ppf, unit[:, j]))[0]
    ppf = sum(families.values())
    shown = ", ".join(f"{f} {t:.2f} s" for f, t in sorted(families.items(), key=lambda x: -x[1]))
    print(
        f"\nWhere the Monte Carlo time goes: drawing the {rows:,} x {len(design.names)} inputs "
        f"once costs {unit_seconds + ppf:.2f} s here ({unit_seconds:.2f} s uniforms, inverse CDFs "
        f"by prior family: {shown}). The runner draws them once, in the chunks (within compute "
        f"s), and keeps them for the results' input_* variables; wall - compute = "
        f"{wall - compute:.2f} s is the checkpoints, the summaries and the netCDF file "
        f"(--profile monte_carlo for the whole profile)."
    )


def profile(kind: str, samples: int, chunk: int) -> None:
    """cProfile of one runner call (after a warm-up), top functions by cumulative time."""
    import cProfile
    import pstats

    run(kind, 64, 32)
    profiler = cProfile.Profile()
    profiler.runcall(run, kind, samples, chunk)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10^5 rows and N = 2^12 (and 2^11)")
    parser.add_argument("--sample", type=int, default=500, help="rows in the per-row loop")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the first Monte Carlo case (median)"
    )
    parser.add_argument(
        "--profile", metavar="KIND", help="only cProfile one runner call of this design kind"
    )
    parser.add_argument("--child", nargs=4, metavar=("KIND", "SAMPLES", "CHUNK", "SAMPLE"))
    args = parser.parse_args()
    if args.child:
        kind, samples, chunk, sample = args.child
        child(kind, int(samples), int(chunk), int(sample))
        return
    rows, n = (10**5, 2**12) if args.quick else (10**6, 2**14)
    if args.profile:
        profile(args.profile, n if args.profile == "saltelli" else rows, 50_000)
        return
    started = time.perf_counter()
    print(
        f"negotiation_sim uncertainty benchmark: {SCENARIO.name}, formats {', '.join(FORMATS)}, "
        f"every parameter with a prior sampled (d = 17), metrics {', '.join(METRICS)} "
        "(zero_sum_share left out: ten times the cost of the rest); each runner call in a fresh "
        f"process; wall-clock runs on this shared {os.cpu_count()}-core machine (load average "
        f"{os.getloadavg()[0]:.2f} at the start), the first Monte Carlo run the median of "
        f"{args.repeat}"
    )
    sampled = [
        ("monte_carlo", 50_000, repeated("monte_carlo", rows, 50_000, args.sample, args.repeat)),
        ("monte_carlo", 100_000, run_child("monte_carlo", rows, 100_000)),
        ("latin_hypercube", 50_000, run_child("latin_hypercube", rows, 50_000)),
    ]
    print_sampled(sampled)
    mc = sampled[0][2]
    print_inputs(rows, mc["runner_seconds"], mc["timings"]["compute_seconds"])
    sobol = [
        (n, 50_000, run_child("saltelli", n, 50_000)),
        (n, 100_000, run_child("saltelli", n, 100_000)),
        (n // 2, 50_000, run_child("saltelli", n // 2, 50_000)),
    ]
    print_sobol(sobol)
    print_memory(sampled, sobol)
    print_phases(run_child("phases", rows, 50_000), rows, 50_000)
    loops = {format: loop(mc["picks"], format) for format in FORMATS}
    ratio = print_loop(loops, mc["runner_seconds"], rows)
    print_targets(mc, sobol, ratio)
    print(
        f"\n(benchmark took {time.perf_counter() - started:.0f} s; load average "
        f"{os.getloadavg()[0]:.2f} at the end)"
    )


if __name__ == "__main__":
    main()
