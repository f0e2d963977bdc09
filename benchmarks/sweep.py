"""Sweep benchmark: the Alaska 2025 landscape over a trust x verification grid.

Run with ``.venv/bin/python benchmarks/sweep.py [--quick] [--chunk 50000]`` (needs the
``bench`` extra: ``make bench`` installs it; ``--profile multilateral`` only profiles
the chunked loop over 10^5 points). For grids of 10^4, 10^5 and 10^6 points
(``--quick`` stops at 10^5) and each format of ``scenarios/alaska_2025_reduced.toml`` it prints:

* the batched path as the experiment runner runs it: ``landscape_points`` over
  consecutive chunks of the flattened grid, keeping only the small per-point
  results; the whole runner (``run_experiment``: chunk checkpoints, netCDF file);
  and the one-call ``landscape()`` where it fits in memory. Each run is a
  fresh subprocess, so its peak memory (peak RSS, ``VmHWM`` else ``ru_maxrss``,
  minus the RSS after imports and a warm-up) is its own; both paths must give identical results;
* the per-point anchor loop on a seeded random subsample of the same grid:
  ``scenario.game(...)`` per point, solved by quantecon's ``pure_nash_brute`` and
  pygambit's ``enumpure_solve``; the solve alone is timed (the speedup is against
  the faster anchor), and separately the loop a user would write (game building +
  conversion + solve). The anchors' equilibrium sets must agree with our
  ``pure_equilibria`` mask and with the batched ``n_equilibria`` (0 disagreements);
* the speedup: (median anchor solve time per point x points) / batched time, i.e. vs
  the faster anchor's solve alone ("loop est." is that loop's estimated total); "vs
  user loop" uses the faster anchor's game() + conversion + solve time instead.

Targets (sweep issue): the 10^6-point bilateral landscape in < 10 s (multilateral
reported as measured); >= 1,000x the per-point anchor loop; peak memory growing no
faster than the grid (chunked: MB per 10^5 points not rising with the grid).

Against a baseline commit (issue 10: ``--baseline 05084e8``, the default; ``--baseline none``
skips it, ``--compare-only`` runs only this): the 10^6-point multilateral landscape through
the runner, timed in fresh processes for the baseline's package (``git archive`` of the commit,
first on ``PYTHONPATH``) and this tree's, alternating, ``--repeat`` times each, both on the
baseline's scenario file so the results must be identical; it prints the median seconds, the
ratio (target: >= 2x) and whether the results agree::

    .venv/bin/python benchmarks/sweep.py --compare-only
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from negotiation_sim import Scenario, load_scenario, pure_equilibria
from negotiation_sim.game import DEFAULT_TOL
from negotiation_sim.sweep import Landscape, landscape, landscape_points

SEED = 20250815
ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "alaska_2025_reduced.toml"
FORMATS = ("bilateral", "multilateral", "over_their_heads")
TARGET_SECONDS = 10.0
TARGET_SPEEDUP = 1_000.0
#: The runner against the baseline commit (issue 10): at least this many times faster.
BASELINE = "05084e8"
TARGET_RATIO = 2.0
#: A one-call run goes ahead only if its predicted peak is below available memory / this
#: (the machine is shared; the full payoff tensor alone is ~4.6 KB per point).
ONE_CALL_SAFETY = 2.0


def grid_axes(points: int) -> tuple[np.ndarray, np.ndarray]:
    """Trust and verification values of a square-ish grid of exactly ``points`` points."""
    rows = max(d for d in range(1, int(points**0.5) + 1) if points % d == 0)
    return np.linspace(0.0, 1.0, rows), np.linspace(0.0, 1.0, points // rows)


def flat_grid(points: int) -> tuple[np.ndarray, np.ndarray]:
    """The grid's points in ``landscape()``'s C order: trust slow, verification fast."""
    trust, verification = grid_axes(points)
    return np.repeat(trust, verification.size), np.tile(verification, trust.size)


def summary(view: Landscape) -> dict[str, np.ndarray]:
    """The small per-point results a sweep keeps."""
    return {
        "outcome": view.outcome.ravel(),
        "n_equilibria": view.n_equilibria.ravel(),
        "deal": view.deal_is_equilibrium.ravel(),
        "welfare": view.welfare.ravel(),
    }


def digest(results: dict[str, np.ndarray]) -> str:
    """A short hash of the results, to check two paths agree exactly."""
    h = hashlib.sha256()
    for key in sorted(results):
        h.update(np.ascontiguousarray(results[key]).tobytes())
    return h.hexdigest()[:12]


def chunked(scenario: Scenario, points: int, format: str, chunk: int) -> dict[str, np.ndarray]:
    """The runner's loop: ``landscape_points`` over consecutive slices of the flat grid."""
    trust, verification = flat_grid(points)
    parts = [
        summary(
            landscape_points(
                scenario,
                {"trust": trust[lo : lo + chunk], "verification": verification[lo : lo + chunk]},
                format,
            )
        )
        for lo in range(0, points, chunk)
    ]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def one_call(scenario: Scenario, points: int, format: str) -> dict[str, np.ndarray]:
    """The whole grid in one ``landscape()`` call."""
    trust, verification = grid_axes(points)
    return summary(landscape(scenario, {"trust": trust, "verification": verification}, format))


def runner_api() -> tuple[Any, Any]:
    """``parse_experiment`` and ``run_experiment`` of the package on the path."""
    try:
        from negotiation_sim.sweep import parse_experiment, run_experiment
    except ImportError:  # a baseline commit before the one sweep package (0.2: .experiment)
        from negotiation_sim.experiment import parse_experiment, run_experiment
    return parse_experiment, run_experiment


def runner(
    points: int, format: str, chunk: int, scenario: Path = SCENARIO
) -> dict[str, np.ndarray]:
    """The whole product path: ``run_experiment`` in this process, checkpoints and netCDF included."""
    parse_experiment, run_experiment = runner_api()
    trust, verification = grid_axes(points)
    text = (
        f'format_version = 1\n[experiment]\nscenario = "{scenario}"\nformats = ["{format}"]\n'
        'metrics = ["outcome", "deal_is_equilibrium", "no_deal_is_equilibrium", "n_equilibria", '
        '"deal_probability", "welfare", "payoff", "surplus"]\n'
        f"chunk_size = {chunk}\n"
        f"[axes.trust]\nrange = [0.0, 1.0]\npoints = {trust.size}\n"
        f"[axes.verification]\nrange = [0.0, 1.0]\npoints = {verification.size}\n"
    )
    with tempfile.TemporaryDirectory() as directory:
        ds = run_experiment(parse_experiment(text), Path(directory) / "run", progress=False)
    picked = ds.isel(format=0)
    return {
        "outcome": picked["outcome"].values.ravel().astype(np.intp),
        "n_equilibria": picked["n_equilibria"].values.ravel().astype(np.intp),
        "deal": picked["deal_is_equilibrium"].values.ravel(),
        "welfare": picked["welfare"].values.ravel(),
    }


def child(format: str, points: int, mode: str, chunk: int, path: Path = SCENARIO) -> None:
    """Run one path in this (fresh) process; print seconds, peak MB above baseline, digest."""
    scenario = load_scenario(path)
    chunked(scenario, 100, format, 100)  # warm-up: first-call costs out of the timing
    if mode == "runner":
        runner(100, format, 100, path)  # imports xarray and the netCDF writer (about 1 s, once)
    baseline = reset_peak_rss()
    start = time.perf_counter()
    if mode == "chunked":
        results = chunked(scenario, points, format, chunk)
    elif mode == "runner":
        results = runner(points, format, chunk, path)
    else:
        results = one_call(scenario, points, format)
    seconds = time.perf_counter() - start
    peak = peak_rss()
    print(
        json.dumps(
            {"seconds": seconds, "peak_mb": (peak - baseline) / 1024, "digest": digest(results)}
        )
    )


def proc_status(field: str) -> int | None:
    """A ``/proc/self/status`` field in KiB (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss() -> int:
    """Reset the peak-RSS mark (Linux ``clear_refs``) and return the RSS now (KiB).

    Without the reset, a transient peak while importing would hide small runs; where it
    is not possible the baseline is the peak so far.
    """
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return proc_status("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss() -> int:
    """Peak RSS of this process (KiB): ``VmHWM``, else ``ru_maxrss``.

    ``ru_maxrss`` is not enough on Linux: exec keeps the forking parent's peak as a floor
    (here ~220 MB: the parent holds pygambit and quantecon), and ``clear_refs`` does not
    reset it; ``VmHWM`` is this process's own high-water mark.
    """
    return proc_status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_child(
    format: str,
    points: int,
    mode: str,
    chunk: int,
    scenario: Path = SCENARIO,
    package: Path | None = None,
) -> dict[str, Any]:
    """One measurement in a fresh subprocess, so sizes don't contaminate each other.

    ``package``: a directory whose ``negotiation_sim`` the child imports instead of this tree's.
    """
    command = [sys.executable, __file__, "--child", format, str(points), mode, str(chunk)]
    command += ["--scenario", str(scenario)]
    env = dict(os.environ)
    if package is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package), env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def baseline_tree(revision: str) -> Path | None:
    """The files of ``revision`` (``git archive``), extracted once into the temporary directory."""
    target = Path(tempfile.gettempdir()) / f"negotiation_sim_bench_{revision}"
    if (target / "negotiation_sim" / "__init__.py").exists():
        return target
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        print(f"baseline {revision}: git archive failed: {archive.stderr.decode().strip()}")
        return None
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python >= 3.11.4
        tar.extractall(partial, **safe)  # type: ignore[arg-type]
    partial.rename(target)
    return target


def compare(revision: str, repeat: int, chunk: int, points: int = 10**6) -> None:
    """The multilateral landscape through the runner: the baseline's package against this tree's."""
    tree = baseline_tree(revision)
    if tree is None:
        return
    scenario = tree / "scenarios" / SCENARIO.name  # the baseline reads only its own format
    print(
        f"\nRunner against {revision}: {points:,}-point multilateral landscape, chunks of "
        f"{chunk:,}, {scenario.name} as of {revision}, fresh processes, {repeat} runs each"
    )
    runs: dict[str, list[dict[str, Any]]] = {revision: [], "this tree": []}
    for _ in range(repeat):  # alternating, so a busy machine slows both alike
        runs[revision].append(run_child("multilateral", points, "runner", chunk, scenario, tree))
        runs["this tree"].append(run_child("multilateral", points, "runner", chunk, scenario))
    medians = {}
    for name, results in runs.items():
        medians[name] = statistics.median(r["seconds"] for r in results)
        shown = ", ".join(f"{r['seconds']:.2f}" for r in results)
        peak = max(r["peak_mb"] for r in results)
        print(f"  {name:<12} median {medians[name]:7.2f} s   ({shown})   peak {peak:5.0f} MB")
    digests = {r["digest"] for results in runs.values() for r in results}
    ratio = medians[revision] / medians["this tree"]
    goal = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(
        f"  ratio {ratio:.2f}x (target >= {TARGET_RATIO:g}x: {goal}); identical results: "
        f"{'yes' if len(digests) == 1 else 'NO'}"
    )


@dataclass
class Anchor:
    """Per-point anchor loop on a subsample: median seconds per point, and agreement."""

    qe_solve: float
    gambit_solve: float
    qe_loop: float
    gambit_loop: float
    ours_loop: float
    disagree_qe: int
    disagree_gambit: int
    disagree_batched: int
    sample: int

    @property
    def fastest_solve(self) -> float:
        return min(self.qe_solve, self.gambit_solve)

    @property
    def fastest_loop(self) -> float:
        return min(self.qe_loop, self.gambit_loop)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def qe_game(payoffs: np.ndarray) -> Any:
    """quantecon's game: player i's array has its own action first, then i+1, ..., i-1."""
    import quantecon.game_theory as qe

    n = payoffs.shape[0]
    return qe.NormalFormGame(
        [qe.Player(np.transpose(payoffs[i], [(i + j) % n for j in range(n)])) for i in range(n)]
    )


def gambit_set(game: Any, result: Any) -> set[tuple[int, ...]]:
    return {
        tuple(
            next(k for k, s in enumerate(player.strategies) if float(eq[s]) == 1.0)
            for player in game.players
        )
        for eq in result.equilibria
    }


def anchors(scenario: Scenario, points: int, format: str, sample: int) -> Anchor:
    """Per-point loop on ``sample`` random points of the ``points`` grid, with both anchors."""
    import pygambit as gbt
    import quantecon.game_theory as qe

    rng = np.random.default_rng(SEED)
    trust, verification = flat_grid(points)
    picks = np.sort(rng.choice(points, size=sample, replace=False))
    batched = chunked_at(scenario, trust[picks], verification[picks], format)
    qe.pure_nash_brute(qe_game(scenario.game(format=format).payoffs))  # compile numba code
    times: dict[str, list[float]] = {k: [] for k in ("build", "qe", "qe_c", "gb", "gb_c", "ours")}
    disagree = {"qe": 0, "gambit": 0, "batched": 0}
    for k, p in enumerate(picks):
        params = {"trust": float(trust[p]), "verification": float(verification[p])}
        build, game = timed(partial(scenario.game, params=params, format=format))
        payoffs = game.payoffs
        qe_convert, qe_g = timed(partial(qe_game, payoffs))
        qe_time, qe_eq = timed(partial(qe.pure_nash_brute, qe_g, tol=DEFAULT_TOL))
        gb_convert, gb_g = timed(partial(gbt.Game.from_arrays, *payoffs))
        gb_time, gb_result = timed(partial(gbt.nash.enumpure_solve, gb_g))
        ours_time, mask = timed(partial(pure_equilibria, payoffs, n_actors=payoffs.shape[0]))
        ours = {tuple(int(v) for v in s) for s in np.argwhere(mask)}
        disagree["qe"] += ours != {tuple(int(a) for a in eq) for eq in qe_eq}
        disagree["gambit"] += ours != gambit_set(gb_g, gb_result)
        disagree["batched"] += len(ours) != int(batched[k])
        for key, value in zip(
            times,
            (build, qe_time, qe_convert + qe_time, gb_time, gb_convert + gb_time, ours_time),
            strict=True,
        ):
            times[key].append(value)
    med = {key: statistics.median(values) for key, values in times.items()}
    return Anchor(
        qe_solve=med["qe"],
        gambit_solve=med["gb"],
        qe_loop=statistics.median(
            b + s for b, s in zip(times["build"], times["qe_c"], strict=True)
        ),
        gambit_loop=statistics.median(
            b + s for b, s in zip(times["build"], times["gb_c"], strict=True)
        ),
        ours_loop=statistics.median(
            b + s for b, s in zip(times["build"], times["ours"], strict=True)
        ),
        disagree_qe=disagree["qe"],
        disagree_gambit=disagree["gambit"],
        disagree_batched=disagree["batched"],
        sample=sample,
    )


def chunked_at(
    scenario: Scenario, trust: np.ndarray, verification: np.ndarray, format: str
) -> np.ndarray:
    """Batched ``n_equilibria`` at given points."""
    view = landscape_points(scenario, {"trust": trust, "verification": verification}, format)
    return view.n_equilibria


def available_mb() -> float:
    """Memory available to a child process (MB), from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) / 2**20


def profile(format: str, chunk: int, points: int = 100_000) -> None:
    """cProfile of the runner's chunked loop (after a warm-up), top functions by own time."""
    import cProfile
    import pstats

    scenario = load_scenario(SCENARIO)
    chunked(scenario, 100, format, 100)
    profiler = cProfile.Profile()
    profiler.runcall(chunked, scenario, points, format, chunk)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="grids up to 10^5 points only")
    parser.add_argument("--chunk", type=int, default=50_000, help="points per landscape_points")
    parser.add_argument("--sample", type=int, default=200, help="points in the anchor loop")
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="comma-separated formats to measure"
    )
    parser.add_argument(
        "--profile",
        metavar="FORMAT",
        help="only cProfile the chunked loop over 10^5 points of FORMAT (top 15 by own time)",
    )
    parser.add_argument(
        "--baseline",
        default=BASELINE,
        help=f"commit to compare the runner with (default {BASELINE}; 'none' skips it)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side in --baseline")
    parser.add_argument(
        "--compare-only", action="store_true", help="only the runner against --baseline"
    )
    parser.add_argument("--child", nargs=4, metavar=("FORMAT", "POINTS", "MODE", "CHUNK"))
    parser.add_argument("--scenario", type=Path, default=SCENARIO, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        format, points, mode, chunk = args.child
        child(format, int(points), mode, int(chunk), args.scenario)
        return
    if args.profile:
        profile(args.profile, args.chunk)
        return
    if args.compare_only:
        compare(args.baseline, args.repeat, args.chunk)
        return
    sizes = [10**4, 10**5] if args.quick else [10**4, 10**5, 10**6]
    formats = [f for f in args.formats.split(",") if f]
    scenario = load_scenario(SCENARIO)
    budget = available_mb() / ONE_CALL_SAFETY  # for one-call runs
    print(
        f"negotiation_sim sweep benchmark: {SCENARIO.name}, trust x verification grids, "
        f"chunks of {args.chunk:,} points, anchors on {args.sample} seeded random points"
    )
    print("  (each batched run in a fresh process; times are single wall-clock runs)")
    summary_rows: list[tuple[str, int, float, float, float]] = []
    for format in formats:
        anchor = anchors(scenario, sizes[-1], format, args.sample)
        print(f"\n{format}: per-point anchor loop on {anchor.sample} points (median per point)")
        print(
            f"  {'quantecon pure_nash_brute: solve':<46}{anchor.qe_solve * 1e3:10.4f} ms"
            f"   {anchor.disagree_qe} disagreements"
        )
        print(
            f"  {'pygambit enumpure_solve: solve':<46}{anchor.gambit_solve * 1e3:10.4f} ms"
            f"   {anchor.disagree_gambit} disagreements"
        )
        print(
            f"  {'game() + quantecon (the loop a user writes)':<46}{anchor.qe_loop * 1e3:10.4f} ms"
        )
        print(f"  {'game() + pygambit':<46}{anchor.gambit_loop * 1e3:10.4f} ms")
        print(
            f"  {'game() + ours pure_equilibria, per point':<46}{anchor.ours_loop * 1e3:10.4f} ms"
            f"   {anchor.disagree_batched} disagreements (batched n_equilibria)"
        )
        print(
            f"  {'points':>9} {'grid':>11} {'path':<9}{'seconds':>9} {'points/s':>11} "
            f"{'peak MB':>9} {'MB/1e5 pt':>10} {'speedup':>9} {'loop est.':>10} {'vs user loop':>12}  same"
        )
        chunk_digest = ""
        one_call_mb = 0.0
        for points in sizes:
            trust, verification = grid_axes(points)
            shape = f"{trust.size}x{verification.size}"
            loop_estimate = anchor.fastest_solve * points
            measured = run_child(format, points, "chunked", args.chunk)
            chunk_digest = measured["digest"]
            runs = [
                ("chunked", measured),
                ("runner", run_child(format, points, "runner", args.chunk)),
            ]
            # Predicted one-call peak: from the last one-call run, else from a chunk's peak.
            per_point_mb = one_call_mb or measured["peak_mb"] / min(points, args.chunk)
            if per_point_mb * points < budget:
                runs.append(("one-call", run_child(format, points, "one-call", args.chunk)))
                one_call_mb = runs[-1][1]["peak_mb"] / points
            else:
                runs.append(("one-call", {}))
            for path, result in runs:
                if not result:
                    print(
                        f"  {points:>9,} {shape:>11} {path:<9}{'skipped':>9}  (predicted "
                        f"{per_point_mb * points:,.0f} MB > budget {budget:,.0f} MB)"
                    )
                    continue
                seconds = result["seconds"]
                print(
                    f"  {points:>9,} {shape:>11} {path:<9}{seconds:9.3f} {points / seconds:11,.0f} "
                    f"{result['peak_mb']:9.1f} {result['peak_mb'] / points * 1e5:10.1f} "
                    f"{loop_estimate / seconds:8,.0f}x {loop_estimate:9,.0f}s "
                    f"{anchor.fastest_loop * points / seconds:11,.0f}x  "
                    f"{'yes' if result['digest'] == chunk_digest else 'NO'}"
                )
            summary_rows.append(
                (format, points, measured["seconds"], measured["peak_mb"], loop_estimate)
            )
    print_targets(summary_rows, sizes)
    if args.baseline != "none":
        compare(args.baseline, args.repeat, args.chunk, 10**5 if args.quick else 10**6)


def print_targets(rows: list[tuple[str, int, float, float, float]], sizes: list[int]) -> None:
    """Targets, met or not, from the chunked runs."""
    largest = sizes[-1]
    print(f"\nTargets (chunked path, {largest:,} points):")
    for format, points, seconds, _, loop in rows:
        if points != largest:
            continue
        if format == "bilateral" or largest == 10**6:
            goal = "met" if seconds < TARGET_SECONDS else "NOT met"
            label = f"{format} landscape < {TARGET_SECONDS:g} s"
            note = "" if format == "bilateral" else "  (reported, target is bilateral)"
            print(f"  {label:<44}{seconds:9.2f} s   {goal}{note}")
        speedup = loop / seconds
        goal = "met" if speedup >= TARGET_SPEEDUP else "NOT met"
        print(f"  {f'{format} >= {TARGET_SPEEDUP:,.0f}x anchor loop':<44}{speedup:9,.0f}x   {goal}")
    for format in dict.fromkeys(r[0] for r in rows):
        mine = [(p, mb) for f, p, _, mb, _ in rows if f == format]
        (p0, mb0), (p1, mb1) = mine[0], mine[-1]
        # Memory grows no faster than the grid: peak/points does not rise from the smallest grid.
        ok = mb1 / p1 <= 1.1 * mb0 / p0
        print(
            f"  {f'{format} memory no faster than the grid':<44}"
            f"{mb0:7.0f} -> {mb1:,.0f} MB for {p1 // p0:,}x points   {'met' if ok else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
