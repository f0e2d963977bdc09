"""Outcome analysis (docs/models.md §2, outcome level) and Pareto frontiers (§3)."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, GameError, solve
from negotiation_sim.analysis.outcomes import (
    analyse_equilibrium,
    analyse_result,
    pareto_frontier,
    pure_outcome_points,
)
from tests import strategies as gs

# Axelrod (1984), The Evolution of Cooperation: R=3, S=0, T=5, P=1; option 0 = C, 1 = D.
PD = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], actors=("us", "them"))


def _dominates(q, p, tol=1e-9):
    return bool(np.all(q >= p - tol) and np.any(q > p + tol))


def _best_lottery_excess_2d(points, p):
    """Largest total excess sum(q - p) over lotteries q >= p, brute force for two actors.

    In the plane the region {q in hull, q >= p} is a polygon whose vertices lie on segments
    between two points, and the objective is linear, so checking every segment's feasible
    interval at its ends is exact. Returns -inf if no lottery is weakly above p.
    """
    best = -np.inf
    for q, r in itertools.product(points, repeat=2):
        # t q + (1 - t) r >= p  <=>  t (q - r) >= p - r, componentwise, t in [0, 1].
        lo, hi = 0.0, 1.0
        for d, need in zip(q - r, p - r, strict=True):
            if d > 0:
                lo = max(lo, need / d)
            elif d < 0:
                hi = min(hi, need / d)
            elif need > 0:
                lo, hi = 1.0, 0.0
        if lo <= hi:
            for t in (lo, hi):
                best = max(best, float(np.sum(t * q + (1 - t) * r - p)))
    return best


# -- pure outcomes and frontiers -------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(gs.games(max_profiles=64))
def test_pure_outcome_points_are_the_profiles_payoffs(game):
    points = pure_outcome_points(game)
    assert points.shape == (game.n_profiles, game.n_actors)
    for row, profile in zip(points, np.ndindex(*game.shape), strict=True):
        assert np.array_equal(row, game.payoff(profile))
    assert not points.flags.writeable


@settings(max_examples=100, deadline=None)
@given(gs.payoff_point_sets(max_points=10))
def test_pure_frontier_is_exactly_the_non_dominated_points(points):
    frontier = pareto_frontier(points)
    kept = set(frontier.indices)
    for j, p in enumerate(points):
        dominated = any(_dominates(q, p) for q in points)
        assert (j in kept) == (not dominated)
    assert np.array_equal(frontier.points, points[list(frontier.indices)])
    assert kept  # a finite set always has a non-dominated point


@settings(max_examples=40, deadline=None)
@given(gs.payoff_point_sets(max_points=8), st.data())
def test_lottery_frontier_is_a_subset_and_contains_weighted_maximisers(points, data):
    pure = set(pareto_frontier(points).indices)
    lottery = set(pareto_frontier(points, lotteries=True).indices)
    assert lottery <= pure
    # Any maximiser of a strictly positive weighted sum is efficient in the convex hull.
    weights = np.array(
        data.draw(st.lists(st.integers(1, 5), min_size=points.shape[1], max_size=points.shape[1]))
    )
    totals = points @ weights
    for j in np.flatnonzero(totals >= totals.max() - 1e-12):
        if j in pure:  # duplicates of a maximiser may be dominated within tol by nothing else
            assert j in lottery


@settings(max_examples=40, deadline=None)
@given(gs.payoff_point_sets(min_actors=2, max_actors=2, max_points=8))
def test_lottery_frontier_matches_brute_force_in_the_plane(points):
    lottery = set(pareto_frontier(points, lotteries=True).indices)
    for j in pareto_frontier(points).indices:
        excess = _best_lottery_excess_2d(points, points[j])
        if excess > 1e-5:
            assert j not in lottery
        elif excess <= 1e-12:
            assert j in lottery


def test_lottery_frontier_known_example():
    # Two extreme deals and a poor compromise: tossing a coin between the extremes gives
    # (1/2, 1/2) > (0.4, 0.4). The exact midpoint (0.5, 0.5) is not strictly beaten: it stays.
    points = np.array([[0, 1], [1, 0], [0.4, 0.4], [0, 0]])
    assert pareto_frontier(points).indices == (0, 1, 2)
    assert pareto_frontier(points, lotteries=True).indices == (0, 1)
    with_midpoint = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]  # a plain list, not an array
    assert pareto_frontier(with_midpoint, lotteries=True).indices == (0, 1, 2)


def test_duplicates_are_all_kept():
    points = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]])
    assert pareto_frontier(points).indices == (0, 1)
    assert pareto_frontier(points, lotteries=True).indices == (0, 1)


@pytest.mark.parametrize("bad", [[], [1, 2], [[1, np.inf]], [["a", "b"]]])
def test_bad_points(bad):
    with pytest.raises((GameError, ValueError)):
        pareto_frontier(bad)


# -- analyse_equilibrium -----------------------------------------------------------------------


def test_prisoners_dilemma_outcomes():
    # Mutual defection, the unique equilibrium, is Pareto dominated by mutual cooperation,
    # which is efficient (Luce & Raiffa 1957, Games and Decisions, §5.4).
    (equilibrium,) = solve(PD, "vertex_enumeration").equilibria
    dd = analyse_equilibrium(PD, equilibrium, [1, 1], lotteries=True)
    assert dd.payoffs.tolist() == [1.0, 1.0]
    assert not dd.pareto_efficient
    assert not dd.positive_sum
    assert dd.pareto_improvement  # no one loses against no deal at (P, P)
    assert dd.gainers == () and dd.losers == ()
    for lotteries in (False, True):
        cc = analyse_equilibrium(PD, (0, 0), [1, 1], lotteries=lotteries)
        assert cc.pareto_efficient
        assert cc.positive_sum and cc.total_surplus == 4.0
        assert cc.gainers == ("us", "them")
    # Against a war that is better for "them" than mutual cooperation, the deal has a loser.
    cc = analyse_equilibrium(PD, (0, 0), [0, 4])
    assert cc.losers == ("them",) and cc.gainers == ("us",)
    assert not cc.pareto_improvement
    assert cc.total_surplus == pytest.approx(2.0)


def test_mixed_equilibrium_of_battle_of_the_sexes_is_inefficient():
    # Luce & Raiffa (1957), §5.3: the mixed equilibrium gives (2/3, 2/3), below both pure ones.
    bos = Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    analyses = analyse_result(solve(bos, "vertex_enumeration"), [0, 0])
    mixed = next(a for a in analyses if not np.allclose(np.max(a.strategies[0]), 1))
    assert mixed.payoffs == pytest.approx([2 / 3, 2 / 3])
    assert not mixed.pareto_efficient
    assert sum(a.pareto_efficient for a in analyses) == 2


@settings(max_examples=60, deadline=None)
@given(gs.games(max_profiles=64), st.data())
def test_analysis_is_consistent(game, data):
    profile = data.draw(gs.mixed_profiles(shape=game.shape))
    w = np.array(
        data.draw(st.lists(st.integers(-3, 3), min_size=game.n_actors, max_size=game.n_actors)),
        dtype=np.float64,
    )
    analysis = analyse_equilibrium(game, profile, w)
    assert np.allclose(analysis.payoffs, game.expected_payoffs(profile))
    assert np.allclose(analysis.surplus, analysis.payoffs - w)
    assert analysis.total_surplus == pytest.approx(analysis.surplus.sum())
    assert analysis.positive_sum == (analysis.total_surplus > 1e-9)
    assert analysis.pareto_improvement == (not analysis.losers)
    assert not set(analysis.gainers) & set(analysis.losers)
    assert set(analysis.gainers) | set(analysis.losers) <= set(game.actors)
    if analysis.pareto_efficient:  # efficient: no pure outcome dominates it
        assert not any(_dominates(q, analysis.payoffs) for q in pure_outcome_points(game))


@settings(max_examples=25, deadline=None)
@given(gs.games(max_profiles=16), st.data())
def test_pure_profile_efficiency_matches_the_frontier(game, data):
    points = pure_outcome_points(game)
    flat = data.draw(st.integers(0, game.n_profiles - 1))
    profile = np.unravel_index(flat, game.shape)
    zero = np.zeros(game.n_actors)
    for lotteries in (False, True):
        frontier = pareto_frontier(points, lotteries=lotteries).indices
        analysis = analyse_equilibrium(
            game, tuple(int(s) for s in profile), zero, lotteries=lotteries
        )
        assert analysis.pareto_efficient == (flat in frontier)


def test_analyse_result_uses_the_results_tolerance_and_every_equilibrium():
    result = solve(PD, "vertex_enumeration")
    analyses = analyse_result(result, [0, 0])
    assert len(analyses) == len(result.equilibria)
    assert all(a.tol == result.tol for a in analyses)
    assert analyse_result(result, [0, 0], tol=0.5)[0].tol == 0.5


@pytest.mark.parametrize("bad", [[0], [0, 0, 0], [0, np.nan], "war"])
def test_bad_disagreement(bad):
    with pytest.raises(GameError, match="disagreement"):
        analyse_equilibrium(PD, (0, 0), bad)


def test_many_equal_rows_are_judged_once():
    """60,000 rows, 3 distinct (a scenario's profiles leading to a few outcomes): the frontier
    is every copy of the 2 efficient rows, found in bounded work."""
    rows = np.array([[0.0, 1.0], [1.0, 0.0], [0.4, 0.4]])
    points = rows[np.arange(60_000) % 3]
    assert pareto_frontier(points).indices == tuple(range(60_000))
    frontier = pareto_frontier(points, lotteries=True)
    assert frontier.indices == tuple(i for i in range(60_000) if i % 3 != 2)
