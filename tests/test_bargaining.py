"""Bargaining solutions: axioms (Nash 1950; Kalai & Smorodinsky 1975; Kalai 1977), oracles, Rubinstein, Fearon."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from negotiation_sim.analysis.bargaining import (
    BargainingSolution,
    egalitarian,
    fearon_range,
    kalai_smorodinsky,
    nash_bargaining,
    rubinstein,
)
from negotiation_sim.errors import GameError
from tests.oracles import dominating_gain

from .strategies import affine_maps, bargaining_problems, payoff_point_sets

SOLUTIONS = (nash_bargaining, kalai_smorodinsky, egalitarian)
FAST = settings(max_examples=40, deadline=None)
LOTTERY = settings(max_examples=15, deadline=None)


def _consistent(solution: BargainingSolution, points: np.ndarray) -> None:
    """Weights form a lottery whose expected payoff is the reported one."""
    w = np.array(solution.weights)
    assert w.shape == (points.shape[0],)
    if not solution.feasible:
        assert solution.payoffs == solution.disagreement
        assert solution.index is None
        return
    assert (w >= 0).all() and math.isclose(w.sum(), 1.0, abs_tol=1e-9)
    np.testing.assert_allclose(w @ points, solution.payoffs, atol=1e-9)
    if solution.index is not None:
        assert w[solution.index] == 1.0
        assert solution.payoffs == tuple(points[solution.index])
    assert min(solution.gains) >= -1e-7


def _nash_pair_oracle(points: np.ndarray, d: np.ndarray) -> float:
    """Two actors: the best Nash product over all segments between two points, in closed form."""
    g = points - d
    best = -math.inf
    for p, q in itertools.product(g, repeat=2):
        b = q - p
        ts = [0.0, 1.0]
        if b[0] * b[1] != 0:
            ts.append(-(b[0] * p[1] + b[1] * p[0]) / (2 * b[0] * b[1]))
        for t in ts:
            if 0 <= t <= 1:
                x = p + t * b
                if (x > 0).all():
                    best = max(best, float(x[0] * x[1]))
    return best


# -- shapes and basic behaviour -----------------------------------------------------------------


@pytest.mark.parametrize("solve", SOLUTIONS)
@pytest.mark.parametrize("lotteries", [False, True])
def test_no_gain_for_everyone_returns_disagreement(solve, lotteries):
    points = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 3.0]])
    solution = solve(points, [0.5, 0.5] if not lotteries else [0.6, 0.6], lotteries=lotteries)
    assert not solution.feasible
    assert solution.payoffs == solution.disagreement
    assert sum(solution.weights) == 0.0


@pytest.mark.parametrize("solve", SOLUTIONS)
@pytest.mark.parametrize(
    ("points", "d"),
    [
        ([1, 2], [0, 0]),
        ([[1, 2, 3]], [0]),
        ([[1]], [0]),
        ([[1, np.nan]], [0, 0]),
        ([[1, 2]], [0, 0, 0]),
    ],
)
def test_malformed_input_raises(solve, points, d):
    with pytest.raises(GameError):
        solve(points, d)


@pytest.mark.parametrize("solve", SOLUTIONS)
@given(problem=bargaining_problems())
@FAST
def test_pure_solutions_are_feasible_points(solve, problem):
    points, d = problem
    solution = solve(points, d)
    _consistent(solution, points)
    gains = points - d
    assert solution.feasible == bool((gains > 0).all(axis=1).any())
    if solution.feasible:
        assert solution.index is not None


@pytest.mark.parametrize("solve", SOLUTIONS)
@given(problem=bargaining_problems(max_actors=3, max_points=6))
@LOTTERY
def test_lottery_solutions_are_consistent_and_pareto(solve, problem):
    points, d = problem
    solution = solve(points, d, lotteries=True)
    _consistent(solution, points)
    if solution.feasible:
        # No lottery weakly dominates the solution with a positive total gain.
        assert dominating_gain(points, np.array(solution.payoffs)) <= 1e-6 * max(
            1.0, float(np.abs(points).max())
        )


# -- Nash bargaining ------------------------------------------------------------------------


@given(problem=bargaining_problems(), data=st.data())
@FAST
def test_nash_pure_is_affine_invariant(problem, data):
    points, d = problem
    scales, shifts = data.draw(affine_maps(n_actors=points.shape[1]))
    base = nash_bargaining(points, d)
    moved = nash_bargaining(points * scales + shifts, d * scales + shifts)
    assert moved.feasible == base.feasible
    assert moved.index == base.index
    if base.feasible:
        np.testing.assert_allclose(moved.payoffs, np.array(base.payoffs) * scales + shifts)


@given(problem=bargaining_problems(max_actors=3, max_points=6), data=st.data())
@LOTTERY
def test_nash_lottery_is_affine_invariant(problem, data):
    points, d = problem
    scales, shifts = data.draw(affine_maps(n_actors=points.shape[1]))
    base = nash_bargaining(points, d, lotteries=True)
    moved = nash_bargaining(points * scales + shifts, d * scales + shifts, lotteries=True)
    assert moved.feasible == base.feasible
    if base.feasible:
        expected = np.array(base.payoffs) * scales + shifts
        np.testing.assert_allclose(moved.payoffs, expected, atol=1e-5 * scales.max() * 10)


@given(problem=bargaining_problems())
@FAST
def test_nash_pure_maximises_product_and_is_pareto(problem):
    points, d = problem
    solution = nash_bargaining(points, d)
    if not solution.feasible:
        return
    gains = points - d
    products = np.where((gains > 0).all(axis=1), gains.prod(axis=1), -1.0)
    assert math.isclose(float(np.prod(solution.gains)), float(products.max()), rel_tol=1e-9)
    assert solution.index == int(np.flatnonzero(np.isclose(products, products.max()))[0])
    u = np.array(solution.payoffs)
    dominated = (points >= u).all(axis=1) & (points > u).any(axis=1)
    assert not dominated.any()


@given(problem=bargaining_problems(min_actors=2, max_actors=2, max_points=6, real=True))
@settings(max_examples=30, deadline=None)
def test_nash_lottery_matches_closed_form_for_two_actors(problem):
    points, d = problem
    solution = nash_bargaining(points, d, lotteries=True)
    oracle = _nash_pair_oracle(points, d)
    if oracle == -math.inf:
        assert not solution.feasible
        return
    assert solution.feasible
    assert math.isclose(float(np.prod(solution.gains)), oracle, rel_tol=1e-6)


@given(points=payoff_point_sets(min_actors=2, max_actors=3, max_points=4), c=st.integers(-2, 1))
@LOTTERY
def test_lottery_solutions_are_symmetric(points, c):
    n = points.shape[1]
    symmetric = np.array(
        [row[list(perm)] for row in points for perm in itertools.permutations(range(n))]
    )
    d = np.full(n, float(c))
    for solve in SOLUTIONS:
        solution = solve(symmetric, d, lotteries=True)
        if solution.feasible:
            np.testing.assert_allclose(solution.payoffs, solution.payoffs[0], atol=1e-6)


def test_nash_lottery_kkt_three_actors() -> None:
    # Split of a unit surplus among three (the hull contains the simplex face): 1/3 each.
    solution = nash_bargaining(np.eye(3), np.zeros(3), lotteries=True)
    np.testing.assert_allclose(solution.payoffs, [1 / 3] * 3, atol=1e-7)
    # With a better disagreement point for actor 0 it gets more: gains equal (Nash 1950).
    solution = nash_bargaining(np.eye(3), [0.1, 0.0, 0.0], lotteries=True)
    np.testing.assert_allclose(solution.gains, [0.3, 0.3, 0.3], atol=1e-7)


def _nash_barter() -> tuple[np.ndarray, np.ndarray]:
    """Nash (1950, Econometrica 18, p. 161): Bill and Jack barter nine goods, 2^9 = 512 trades.

    Utilities (Bill, Jack): Bill's book (2, 4), whip (2, 2), ball (2, 1), bat (2, 2),
    box (4, 1); Jack's pen (10, 1), toy (4, 1), knife (6, 2), hat (2, 2). A trade says who
    ends up with each good; without a deal each keeps his own: d = (12, 6).
    """
    bill = np.array([2, 2, 2, 2, 4, 10, 4, 6, 2], dtype=float)
    jack = np.array([4, 2, 1, 2, 1, 1, 1, 2, 2], dtype=float)
    owners = np.array(list(itertools.product([0, 1], repeat=9)))  # 0: Bill holds the good
    points = np.stack([(owners == 0) @ bill, (owners == 1) @ jack], axis=1)
    return points, np.array([bill[:5].sum(), jack[5:].sum()])


def test_nash_barter_over_lotteries_equals_its_distinct_points() -> None:
    points, d = _nash_barter()
    distinct = np.array(sorted(set(map(tuple, points.tolist()))))
    assert len(points) == 512 and len(distinct) == 126
    solution = nash_bargaining(points, d, lotteries=True)
    on_distinct = nash_bargaining(distinct, d, lotteries=True)
    _consistent(solution, points)
    np.testing.assert_allclose(solution.payoffs, on_distinct.payoffs, atol=1e-9)
    # The closed-form oracle over all segments; Nash's answer: Bill gives book, whip, ball and
    # bat for pen, toy and knife, gains (12, 5).
    assert math.isclose(float(np.prod(solution.gains)), _nash_pair_oracle(distinct, d))
    np.testing.assert_allclose(solution.gains, [12.0, 5.0], atol=1e-9)
    # Named by an original trade: the first of the trades with those payoffs.
    assert solution.index == int(np.flatnonzero((points == solution.payoffs).all(axis=1))[0])


@st.composite
def _with_repeats(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A problem, and its points with some rows repeated and all rows shuffled."""
    points, d = draw(bargaining_problems(max_actors=3, max_points=5))
    copies = draw(st.lists(st.integers(1, 3), min_size=len(points), max_size=len(points)))
    repeated = np.repeat(points, copies, axis=0)
    order = draw(st.permutations(range(len(repeated))))
    return points, d, repeated[list(order)]


@pytest.mark.parametrize("solve", SOLUTIONS)
@given(case=_with_repeats())
@LOTTERY
def test_repeated_points_change_no_lottery_solution(solve, case):
    points, d, repeated = case
    base = solve(points, d, lotteries=True)
    solution = solve(repeated, d, lotteries=True)
    _consistent(solution, repeated)
    assert solution.feasible == base.feasible
    if base.feasible:
        scale = max(1.0, float(np.abs(points).max()))
        np.testing.assert_allclose(solution.payoffs, base.payoffs, atol=1e-6 * scale)
        # Weight only on the first copy of each point.
        for j in np.flatnonzero(np.array(solution.weights) > 0):
            assert not (repeated[:j] == repeated[j]).all(axis=1).any()


# -- Kalai–Smorodinsky ----------------------------------------------------------------------


@pytest.mark.parametrize("lotteries", [False, True])
@given(problem=bargaining_problems(max_actors=3, max_points=6), data=st.data())
@LOTTERY
def test_kalai_smorodinsky_is_scale_invariant(lotteries, problem, data):
    points, d = problem
    scales, shifts = data.draw(affine_maps(n_actors=points.shape[1]))
    base = kalai_smorodinsky(points, d, lotteries=lotteries)
    moved = kalai_smorodinsky(points * scales + shifts, d * scales + shifts, lotteries=lotteries)
    assert moved.feasible == base.feasible
    if not lotteries:
        assert moved.index == base.index
    if base.feasible:
        expected = np.array(base.payoffs) * scales + shifts
        np.testing.assert_allclose(moved.payoffs, expected, atol=1e-5 * scales.max() * 10)


def test_kalai_smorodinsky_on_the_ray_to_the_ideal_point() -> None:
    # Hull of (0,0), (1,0), (0.5,1), (0,1) with d = 0: ideal (1,1); KS is on u1 = u2.
    points = np.array([[0, 0], [1, 0], [0.5, 1], [0, 1]], dtype=float)
    solution = kalai_smorodinsky(points, [0, 0], lotteries=True)
    # Edge (1,0)-(0.5,1): u2 = 2(1 - u1) = u1 -> u = (2/3, 2/3).
    np.testing.assert_allclose(solution.payoffs, [2 / 3, 2 / 3], atol=1e-8)
    # Nash on the same set differs: maximise u1 * 2(1 - u1) on the edge -> (0.5, 1).
    np.testing.assert_allclose(
        nash_bargaining(points, [0, 0], lotteries=True).payoffs, [0.5, 1.0], atol=1e-6
    )


# -- huge but finite payoffs --------------------------------------------------------------------

#: Scale of the payoffs below: gains between them and sums of them overflow to inf.
HUGE = 1.6e308

#: (solution, points, disagreement, lotteries, expected payoffs over HUGE): closed forms of the
#: docstrings' examples (the dollar split; KS half-way to the ideal point; equal gains).
HUGE_CASES = [
    (nash_bargaining, [[1, 0], [0.5, 0.5], [0.8, 0.1]], [0, 0], False, [0.5, 0.5]),
    (nash_bargaining, [[1, 0], [0, 1]], [0, 0], True, [0.5, 0.5]),
    (kalai_smorodinsky, [[1, 0], [0.6, 0.5], [0.5, 0.9]], [0, 0], False, [0.6, 0.5]),
    (kalai_smorodinsky, [[1, 0], [0, 0.5]], [0, 0], True, [0.5, 0.25]),
    (egalitarian, [[1, 0.25], [0.5, 0.5], [0.75, 0.5]], [0, 0], False, [0.75, 0.5]),
    (egalitarian, [[1, 0], [0, 0.5]], [0, 0], True, [1 / 3, 1 / 3]),
    # The disagreement point on the far side: every gain is about 1.6 * HUGE, beyond float range.
    (egalitarian, [[1, 0], [0.5, 0.5], [0.3, 0.8]], [-1, -1], False, [0.5, 0.5]),
    (nash_bargaining, [[1, -1], [0, 0], [-1, 1]], [-1, -1], False, [0, 0]),
]


@pytest.mark.parametrize(("solve", "points", "d", "lotteries", "expected"), HUGE_CASES)
def test_huge_finite_payoffs_give_the_closed_form(solve, points, d, lotteries, expected):
    with np.errstate(all="raise"):  # no overflow anywhere, not even silently
        solution = solve(np.array(points) * HUGE, np.array(d) * HUGE, lotteries=lotteries)
    assert solution.feasible
    np.testing.assert_allclose(np.array(solution.payoffs) / HUGE, expected, atol=1e-7)


# -- egalitarian ----------------------------------------------------------------------------


@given(problem=bargaining_problems())
@FAST
def test_egalitarian_pure_matches_brute_force(problem):
    points, d = problem
    solution = egalitarian(points, d)
    if not solution.feasible:
        return
    gains = points - d
    acceptable = (gains >= 0).all(axis=1)
    assert min(solution.gains) == gains[acceptable].min(axis=1).max()


@given(problem=bargaining_problems(max_actors=3, max_points=6))
@LOTTERY
def test_egalitarian_lottery_has_a_dual_certificate(problem):
    points, d = problem
    solution = egalitarian(points, d, lotteries=True)
    if not solution.feasible:
        return
    gains = points - d
    n = gains.shape[1]
    # Dual (minimax theorem): min over actor weights y of max_j (G y)_j equals the max-min gain.
    result = linprog(
        np.r_[np.zeros(n), 1.0],
        A_ub=np.hstack([gains, -np.ones((gains.shape[0], 1))]),
        b_ub=np.zeros(gains.shape[0]),
        A_eq=np.r_[np.ones(n), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * n + [(None, None)],
    )
    assert result.status == 0
    assert math.isclose(min(solution.gains), result.fun, abs_tol=1e-7)
    assert min(solution.gains) >= min(egalitarian(points, d).gains) - 1e-7


# -- Rubinstein -----------------------------------------------------------------------------

discounts = st.floats(0.0, 0.999)


@given(d1=discounts, d2=discounts)
def test_rubinstein_shares_sum_to_one(d1, d2):
    split = rubinstein(d1, d2)
    assert math.isclose(split.proposer + split.responder, 1.0)
    assert split.binding == (False, False)
    # Stationary subgame-perfect offers (Rubinstein 1982): each responder is indifferent
    # between accepting and proposing next round; x (y) is what actor 1 (2) keeps proposing.
    # Two linear equations with one solution, so they pin the split down.
    x, y = split.proposer, rubinstein(d2, d1).proposer
    assert math.isclose(1 - x, d2 * y, abs_tol=1e-12)
    assert math.isclose(1 - y, d1 * x, abs_tol=1e-12)


@given(d=discounts)
def test_rubinstein_equal_discounts(d):
    assert math.isclose(rubinstein(d, d).proposer, 1 / (1 + d))


def test_rubinstein_limits() -> None:
    assert rubinstein(0.5, 0.0).proposer == 1.0  # an impatient responder takes anything
    assert rubinstein(0.0, 0.5).proposer == 0.5  # proposer impatient: responder gets d2
    # Patience: as d -> 1 the split tends to 1/2, and to log d2 / (log d1 + log d2) in general.
    assert abs(rubinstein(0.99999, 0.99999).proposer - 0.5) < 1e-5
    d1, d2 = 1 - 1e-6, 1 - 2e-6
    assert abs(rubinstein(d1, d2).proposer - math.log(d2) / (math.log(d1) + math.log(d2))) < 1e-5


@given(d1=discounts, d2=discounts, w2=st.floats(0.0, 1.0))
def test_rubinstein_outside_option_principle(d1, d2, w2):
    plain = rubinstein(d1, d2)
    split = rubinstein(d1, d2, outside_options=(0.0, w2))
    assert math.isclose(split.responder, max(plain.responder, w2), abs_tol=1e-12)
    assert math.isclose(split.proposer + split.responder, 1.0)
    assert split.binding[1] == (w2 > plain.responder + 1e-12)


def test_rubinstein_outside_option_binding_and_not() -> None:
    plain = rubinstein(0.9, 0.9)  # responder gets 9/19 ~ 0.474
    assert rubinstein(0.9, 0.9, outside_options=(0.0, 0.3)) == plain
    binding = rubinstein(0.9, 0.9, outside_options=(0.0, 0.6))
    assert (binding.proposer, binding.responder, binding.binding) == (0.4, 0.6, (False, True))
    # A proposer's outside option binds through its turn as responder: y = 1 - w1, x = 1 - d2 (1 - w1).
    both = rubinstein(0.5, 0.5, outside_options=(0.9, 0.0))
    assert math.isclose(both.proposer, 1 - 0.5 * 0.1) and both.binding == (True, False)


@pytest.mark.parametrize(
    ("d1", "d2", "options"),
    [
        (1.0, 0.5, (0, 0)),
        (-0.1, 0.5, (0, 0)),
        (0.5, math.nan, (0, 0)),
        (0.5, 0.5, (0.6, 0.6)),
        (0.5, 0.5, (0, 1.5)),
        (0.5, 0.5, (0, -0.1)),
    ],
)
def test_rubinstein_rejects_bad_inputs(d1, d2, options):
    with pytest.raises(GameError):
        rubinstein(d1, d2, outside_options=options)


# -- Fearon ---------------------------------------------------------------------------------


@given(p=st.floats(0.0, 1.0), cost_a=st.floats(0.0, 1.0), cost_b=st.floats(0.0, 1.0))
def test_fearon_range_contains_p(p, cost_a, cost_b):
    low, high = fearon_range(p, cost_a, cost_b)
    assert 0.0 <= low <= p <= high <= 1.0
    if p - cost_a >= 0 and p + cost_b <= 1:
        assert math.isclose(high - low, cost_a + cost_b, abs_tol=1e-12)
    # Every split in the range beats war for both: x >= p - c_A and 1 - x >= 1 - p - c_B.
    for x in (low, high, 0.5 * (low + high)):
        assert x >= p - cost_a - 1e-12 and 1 - x >= 1 - p - cost_b - 1e-12


@pytest.mark.parametrize(
    ("p", "a", "b"), [(1.2, 0.1, 0.1), (0.5, -0.1, 0.1), (0.5, 0.1, math.inf), (math.nan, 0, 0)]
)
def test_fearon_rejects_bad_inputs(p, a, b):
    with pytest.raises(GameError):
        fearon_range(p, a, b)
