"""Solver benchmarks: negotiation_sim against nashpy, pygambit and quantecon, in one process.

Run with ``make bench`` (installs the ``bench`` extra) or
``.venv/bin/python benchmarks/solvers.py [--quick]``. Prints a table of median times
and ratios on the same seeded games:

(a) all equilibria of random 3x3, 5x5 and 8x8 bimatrix games, one by one and as a
    batch, with the number of equilibria each library misses against Gambit's exact
    ``enummixed_solve(rational=True)``;
(b) pure equilibria of a batch of 100,000 four-actor, 3-option games, against each
    anchor's per-game loop (timed on a subsample);
(c) one equilibrium (logit) of four-actor, 3-option games, against pygambit's
    ``logit_solve``.

Targets (issue 2): (b) >= 1,000x the fastest anchor loop and >= 1e6 games/s; (a) no
equilibrium missed, batch throughput >= quantecon's per-game loop; (c) per game no
slower than pygambit.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from negotiation_sim import Game, pure_equilibria, solve
from negotiation_sim.solvers.vertex import vertex_enumeration_batch

SEED = 20250815


def median_time(function: Callable[[], Any], repeat: int = 1) -> float:
    """Median wall time of ``repeat`` calls (seconds)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_game(function: Callable[[Any], Any], games: Sequence[Any]) -> tuple[float, list[Any]]:
    """Median per-game time of a loop, and the outputs."""
    times, outputs = [], []
    for game in games:
        start = time.perf_counter()
        outputs.append(function(game))
        times.append(time.perf_counter() - start)
    return statistics.median(times), outputs


def count_missed(
    found: list[list[tuple[np.ndarray, ...]]], oracle: list[list[tuple[np.ndarray, ...]]]
) -> int:
    """Equilibria of the oracle not found (within 1e-6), summed over games."""
    missed = 0
    for mine, truth in zip(found, oracle, strict=True):
        for eq in truth:
            if not any(
                all(np.allclose(a, b, atol=1e-6) for a, b in zip(eq, f, strict=True)) for f in mine
            ):
                missed += 1
    return missed


def row(
    name: str, seconds: float, reference: float | None, missed: int | str = "", extra: str = ""
) -> str:
    ratio = f"{reference / seconds:10.1f}x" if reference else " " * 11
    return f"  {name:<44}{seconds * 1e3:12.4f} ms {ratio}  {missed!s:>7}  {extra}"


def header(title: str) -> None:
    print(f"\n{title}")
    print(f"  {'solver':<44}{'median/game':>15} {'speedup':>11}  {'missed':>7}")


def gambit_profiles(g: Any, result: Any) -> list[tuple[np.ndarray, ...]]:
    return [
        tuple(np.array([float(eq[s]) for s in player.strategies]) for player in g.players)
        for eq in result.equilibria
    ]


def bench_bimatrix(sizes: Sequence[int], count: dict[int, int]) -> None:
    import nashpy
    import pygambit as gbt
    import quantecon.game_theory as qe

    rng = np.random.default_rng(SEED)
    for m in sizes:
        n_games = count[m]
        payoffs = rng.normal(size=(n_games, 2, m, m))
        games = [Game(p) for p in payoffs]
        gambit_games = [gbt.Game.from_arrays(p[0], p[1]) for p in payoffs]
        oracle_time, oracle_results = per_game(
            lambda g: gambit_profiles(g, gbt.nash.enummixed_solve(g, rational=True)), gambit_games
        )
        gambit_float, gambit_results = per_game(
            lambda g: gambit_profiles(g, gbt.nash.enummixed_solve(g, rational=False)), gambit_games
        )
        qe_games = [qe.NormalFormGame((qe.Player(p[0]), qe.Player(p[1].T))) for p in payoffs]
        qe.support_enumeration(qe_games[0])  # compile numba code before timing
        qe.vertex_enumeration(qe_games[0])
        qe_support, qe_s_results = per_game(qe.support_enumeration, qe_games)
        qe_vertex, qe_v_results = per_game(qe.vertex_enumeration, qe_games)
        nash_games = [nashpy.Game(p[0], p[1]) for p in payoffs]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nashpy_support, nashpy_s = per_game(lambda g: list(g.support_enumeration()), nash_games)
            nashpy_vertex, nashpy_v = per_game(lambda g: list(g.vertex_enumeration()), nash_games)
        ours_vertex, ours_v = per_game(lambda g: solve(g, "vertex_enumeration").equilibria, games)
        ours_support, ours_s = per_game(lambda g: solve(g, "support_enumeration").equilibria, games)
        batch_total = median_time(lambda p=payoffs: vertex_enumeration_batch(p), repeat=3)
        batch = vertex_enumeration_batch(payoffs)
        batch_results = [batch.equilibria(i) for i in range(n_games)]
        reference = min(qe_support, qe_vertex)  # quantecon's faster per-game loop: the target

        def strat(results: list[Any]) -> list[list[tuple[np.ndarray, ...]]]:
            return [[tuple(np.asarray(s) for s in eq) for eq in r] for r in results]

        header(
            f"(a) all equilibria, {m}x{m} random normal games, {n_games} games (speedup vs the faster quantecon loop)"
        )
        print(row("pygambit enummixed_solve(rational=True)", oracle_time, reference, 0, "oracle"))
        print(
            row(
                "pygambit enummixed_solve(rational=False)",
                gambit_float,
                reference,
                count_missed(gambit_results, oracle_results),
            )
        )
        print(
            row(
                "quantecon support_enumeration",
                qe_support,
                reference,
                count_missed(strat(qe_s_results), oracle_results),
            )
        )
        print(
            row(
                "quantecon vertex_enumeration",
                qe_vertex,
                reference,
                count_missed(strat(qe_v_results), oracle_results),
            )
        )
        print(
            row(
                "nashpy support_enumeration",
                nashpy_support,
                reference,
                count_missed(strat(nashpy_s), oracle_results),
            )
        )
        print(
            row(
                "nashpy vertex_enumeration",
                nashpy_vertex,
                reference,
                count_missed(strat(nashpy_v), oracle_results),
            )
        )
        print(
            row(
                "ours vertex_enumeration, per game",
                ours_vertex,
                reference,
                count_missed([[e.strategies for e in r] for r in ours_v], oracle_results),
            )
        )
        print(
            row(
                "ours support_enumeration, per game",
                ours_support,
                reference,
                count_missed([[e.strategies for e in r] for r in ours_s], oracle_results),
            )
        )
        print(
            row(
                "ours vertex_enumeration_batch (total / games)",
                batch_total / n_games,
                reference,
                count_missed([[e.strategies for e in r] for r in batch_results], oracle_results),
            )
        )


def bench_pure_batch(n_games: int, subsample: int) -> None:
    import pygambit as gbt
    import quantecon.game_theory as qe

    rng = np.random.default_rng(SEED + 1)
    batch = rng.integers(-5, 6, size=(n_games, 4, 3, 3, 3, 3)).astype(np.float64)
    ours = median_time(lambda: pure_equilibria(batch, n_actors=4), repeat=5)
    mask = pure_equilibria(batch, n_actors=4)
    sample = batch[:subsample]

    def gambit_pure(p: np.ndarray) -> set[tuple[int, ...]]:
        g = gbt.Game.from_arrays(*p)
        return {
            tuple(int(np.argmax(s)) for s in eq)
            for eq in gambit_profiles(g, gbt.nash.enumpure_solve(g))
        }

    def qe_pure(p: np.ndarray) -> set[tuple[int, ...]]:
        g = qe.NormalFormGame(np.moveaxis(p, 0, -1))
        return set(qe.pure_nash_brute(g))

    qe_pure(sample[0])
    gambit_time, gambit_sets = per_game(gambit_pure, list(sample))
    qe_time, qe_sets = per_game(qe_pure, list(sample))
    ours_sets = [{tuple(int(v) for v in s) for s in np.argwhere(mask[b])} for b in range(subsample)]
    disagree_g = sum(a != b for a, b in zip(ours_sets, gambit_sets, strict=True))
    disagree_q = sum(a != b for a, b in zip(ours_sets, qe_sets, strict=True))
    fastest = min(gambit_time, qe_time)
    per = ours / n_games
    header(
        f"(b) pure equilibria, {n_games:,} four-actor 3-option games (anchors timed on {subsample}; speedup vs fastest anchor loop)"
    )
    print(row("pygambit enumpure_solve, per game", gambit_time, fastest, f"{disagree_g} diff"))
    print(row("quantecon pure_nash_brute, per game", qe_time, fastest, f"{disagree_q} diff"))
    print(
        row(
            "ours pure_equilibria, batched (total / games)",
            per,
            fastest,
            "",
            f"{n_games / ours:,.0f} games/s",
        )
    )


def bench_logit(n_games: int) -> None:
    import pygambit as gbt

    rng = np.random.default_rng(SEED + 2)
    payoffs = rng.normal(size=(n_games, 4, 3, 3, 3, 3))
    gambit_time, gambit_results = per_game(
        lambda p: gambit_profiles(g := gbt.Game.from_arrays(*p), gbt.nash.logit_solve(g)),
        list(payoffs),
    )
    ours_time, ours_results = per_game(lambda p: solve(Game(p), "logit"), list(payoffs))
    gambit_bad = sum(
        Game(p).max_regret(r[0]) > 1e-6 if r else 1
        for p, r in zip(payoffs, gambit_results, strict=True)
    )
    ours_missing = sum(not r.equilibria for r in ours_results)
    agree = sum(
        bool(r.equilibria)
        and bool(g)
        and all(
            np.allclose(a, b, atol=1e-4)
            for a, b in zip(r.equilibria[0].strategies, g[0], strict=True)
        )
        for r, g in zip(ours_results, gambit_results, strict=True)
    )
    header(
        f"(c) logit limit, {n_games} four-actor 3-option random normal games (speedup vs pygambit)"
    )
    print(
        row(
            "pygambit logit_solve",
            gambit_time,
            gambit_time,
            f"{gambit_bad} bad",
            "bad = regret > 1e-6",
        )
    )
    print(
        row(
            "ours solve(method='logit')",
            ours_time,
            gambit_time,
            f"{ours_missing} none",
            f"same equilibrium as pygambit on {agree}/{n_games}",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer games, for a smoke run")
    args = parser.parse_args()
    quick = args.quick
    count = {3: 50, 5: 20, 8: 3} if quick else {3: 300, 5: 100, 8: 10}
    print(f"negotiation_sim solver benchmarks (seed {SEED}); times are medians")
    bench_bimatrix([3, 5, 8], count)
    bench_pure_batch(10_000 if quick else 100_000, 50 if quick else 300)
    bench_logit(5 if quick else 30)


if __name__ == "__main__":
    main()
