"""Solvers never overflow, never hang, and never silently lose equilibria (issue 11, item 8).

* Payoffs near the largest float (matching pennies times 1.7e308) are solved like
  any other game: every solver divides payoffs by a power of two first (exact).
* Scaling a game by a power of two changes no method's equilibria (hypothesis,
  exponents up to 1000); the oracle is the same method on the unscaled game.
* Degenerate games with huge equilibrium sets (all payoffs tied) finish within
  documented limits: at most ``max_equilibria`` listed, ``count`` saying how many
  there are (exactly, by an independent count), budgets that stop a search with a
  warning and ``exhaustive=False``. Each case is bounded in work by construction.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import METHODS, Game, GameError, solve
from negotiation_sim.solvers import _bimatrix, _polytope
from negotiation_sim.solvers.dominance import iterated_dominance, solve_dominance
from negotiation_sim.solvers.result import MAX_EQUILIBRIA, verify
from tests import strategies as gs
from tests.known_games import KNOWN, same_profile_sets
from tests.oracles import brute_force_regret

LARGEST = 1.7e308
#: Methods whose equilibrium set does not depend on each actor's payoff unit.
PER_ACTOR = ("pure", "vertex_enumeration", "support_enumeration", "lemke_howson", "dominance")


def pennies(scale: float) -> Game:
    return Game.zero_sum(np.array([[1.0, -1.0], [-1.0, 1.0]]) * scale)


def strategies_of(result) -> list[tuple[np.ndarray, ...]]:
    return [eq.strategies for eq in result.equilibria]


# -- 1. overflow ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", [*sorted(METHODS), "auto"])
def test_matching_pennies_at_the_largest_floats(method: str) -> None:
    """Payoff differences of 3.4e308 overflow; the solvers never compute them."""
    game = pennies(LARGEST)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no overflow anywhere
        result = solve(game, method)
    if method == "pure":
        assert result.equilibria == () and result.count == 0 and result.complete
        return
    assert not result.warnings
    assert same_profile_sets(strategies_of(result), [(np.full(2, 0.5), np.full(2, 0.5))])
    # Zero, up to the rounding of strategies of 1/2 (about 1e-16) times payoffs of 1.7e308.
    assert np.abs(result.equilibria[0].payoffs).max() <= 1e-12 * LARGEST
    if method == "minimax":
        assert result.value == (0.0, 0.0)


def test_three_actor_pennies_at_the_largest_floats() -> None:
    """Jordan's (1993) three-actor matching pennies: one equilibrium, everyone mixing 1/2."""
    (jordan,) = [k.game for k in KNOWN if k.name.startswith("jordan")]
    huge = jordan.with_payoffs(np.ldexp(jordan.payoffs, 1022))
    for method in ("auto", "logit", "dominance"):
        result = solve(huge, method)
        assert same_profile_sets(strategies_of(result), strategies_of(solve(jordan, method)))


def _scaled(game: Game, exponents: list[int]) -> Game:
    """``game`` with actor i's payoffs times 2**exponents[i] (exact)."""
    shape = (-1,) + (1,) * game.n_actors
    return game.with_payoffs(np.ldexp(game.payoffs, np.array(exponents).reshape(shape)))


#: Games each method accepts, with integer payoffs in [-3, 3] (max |u| <= 3: 2**1000 * 3 is finite).
SCALED_GAMES = {
    "pure": gs.games(real=False, max_profiles=64),
    "vertex_enumeration": gs.bimatrix_games(real=False),
    "support_enumeration": gs.bimatrix_games(real=False),
    "lemke_howson": gs.bimatrix_games(real=False),
    "minimax": gs.zero_sum_games(real=False),
    "logit": gs.games(max_actors=3, max_options=3, real=False, max_profiles=27),
    "dominance": gs.games(max_actors=3, max_options=3, real=False, max_profiles=27),
}


def test_every_method_is_scaled() -> None:
    assert set(SCALED_GAMES) == set(METHODS)


@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_power_of_two_scaling_changes_no_equilibrium(method: str, data: st.DataObject) -> None:
    """The same equilibria (to 1e-12) after scaling by 2**k, k up to 1000.

    Per actor where the method's answer is per-actor invariant; one exponent for all
    actors for minimax (the game must stay zero-sum) and logit (the path's precision is
    shared by all actors), and for dominance on more than two actors (it may end in logit).
    """
    game = data.draw(SCALED_GAMES[method])
    draw_k = st.integers(0, 1000)
    if method in PER_ACTOR and not (method == "dominance" and game.n_actors > 2):
        ks = [data.draw(draw_k) for _ in range(game.n_actors)]
    else:
        ks = [data.draw(draw_k)] * game.n_actors
    before = solve(game, method)
    after = solve(_scaled(game, ks), method)
    assert same_profile_sets(strategies_of(after), strategies_of(before), tol=1e-12)
    assert after.count == before.count
    for low, high in zip(before.equilibria, after.equilibria, strict=True):
        assert high.payoffs.tolist() == np.ldexp(low.payoffs, ks).tolist()
    assert not any("failed verification" in w for w in after.warnings)


@settings(max_examples=30, deadline=None)
@given(gs.bimatrix_games(real=True), st.integers(0, 1000), st.integers(0, 1000))
def test_generic_games_keep_their_equilibria_at_huge_scales(game: Game, k0: int, k1: int) -> None:
    """Real payoffs: mixed equilibria are inexact, yet none fails verification when scaled.

    Rounding makes the regret about 1e-16 times the payoffs, far above tol = 1e-9 at
    2**1000: each actor's tolerance is at least 2**-40 times its payoff scale.
    """
    before = solve(game, "vertex_enumeration")
    after = solve(_scaled(game, [k0, k1]), "vertex_enumeration")
    assert same_profile_sets(strategies_of(after), strategies_of(before), tol=1e-9)
    for eq in after.equilibria:
        top = np.abs(after.game.payoffs).max(axis=(1, 2))
        assert np.all(np.isfinite(eq.payoffs))
        assert brute_force_regret(np.ldexp(game.payoffs, 0), eq.strategies) <= 1e-9
        assert eq.regret <= max(1e-9, 2.0**-40 * float(top.max()))
        assert after.game.is_nash(eq.strategies)  # the same tolerances as the solvers'


# -- 2. degenerate games: bounded sample, exact count, budgets --------------------------------


ALL_TIES = Game(np.zeros((2, 100, 100)))


@pytest.mark.parametrize(
    ("method", "options"),
    [
        ("pure", {}),
        ("vertex_enumeration", {}),
        ("support_enumeration", {"max_support_pairs": 20_000}),
        ("dominance", {}),
        ("auto", {}),
    ],
)
def test_all_ties_100x100_listed_within_the_limit(method: str, options: dict[str, int]) -> None:
    """10,000 pure profiles, every one an equilibrium (and an extreme one): a sample of
    ``max_equilibria``, the exact count, and a warning; the support search stops at its
    budget."""
    result = solve(ALL_TIES, method, **options)
    assert len(result.equilibria) == MAX_EQUILIBRIA
    assert result.count == 100 * 100
    assert not result.complete
    assert any(
        "10000 equilibria found, more than max_equilibria=1000" in w for w in result.warnings
    )
    assert all(eq.is_pure for eq in result.equilibria)
    assert len({eq.profile for eq in result.equilibria}) == MAX_EQUILIBRIA
    if method == "support_enumeration":
        assert not result.exhaustive
        assert any("stopped after 20000 of about" in w for w in result.warnings)
    else:
        assert result.exhaustive


def test_all_ties_by_the_methods_that_return_few() -> None:
    """Bounded by their own caps (m + n paths of at most max_pivots; max_steps; one LP)."""
    ties = Game(np.zeros((2, 40, 40)))
    for method in ("lemke_howson", "minimax", "logit"):
        result = solve(ties, method)
        assert result.complete and 1 <= len(result.equilibria) <= 80, method
        assert all(brute_force_regret(ties.payoffs, s) == 0 for s in strategies_of(result))


@pytest.mark.parametrize("actors", [14, 16])
def test_all_ties_many_actors_pure_counts_exactly(actors: int) -> None:
    """2**n profiles, all equilibria: the count is exact, the sample the first in C order."""
    game = Game(np.zeros((actors,) + (2,) * actors))
    result = solve(game, "pure", max_equilibria=50)
    assert result.count == 2**actors
    assert [eq.profile for eq in result.equilibria] == list(
        itertools.islice(itertools.product(range(2), repeat=actors), 50)
    )
    assert result.exhaustive and not result.complete
    assert solve(game).method == "pure"  # auto: the mask, not a solve per profile


def test_a_limit_that_is_not_reached_changes_nothing() -> None:
    game = Game(np.zeros((2, 3, 3)))
    full = solve(game, "vertex_enumeration")
    assert (
        full.complete and full.count == 9 and not any("max_equilibria" in w for w in full.warnings)
    )
    cut = solve(game, "vertex_enumeration", max_equilibria=4)
    assert len(cut.equilibria) == 4 and cut.count == 9 and not cut.complete


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "10"])
def test_max_equilibria_is_checked(method: str, bad: object) -> None:
    with pytest.raises(GameError, match="max_equilibria: expected a positive integer"):
        solve(pennies(1.0), method, max_equilibria=bad)


@pytest.mark.parametrize(
    ("method", "option"),
    [("support_enumeration", "max_support_pairs"), ("vertex_enumeration", "max_bases")],
)
def test_budgets_are_checked(method: str, option: str) -> None:
    with pytest.raises(GameError, match=f"{option}: expected a positive integer"):
        solve(pennies(1.0), method, **{option: 0})


def test_vertex_enumeration_budget_stops_brute_force_with_a_warning() -> None:
    """A generic 9 x 9 game needs more than 100 bases (McMullen's bound too): brute force
    stops at the budget; what it lists is verified, and a subset of the full answer."""
    game = Game(np.random.default_rng(3).normal(size=(2, 9, 9)))
    full = solve(game, "vertex_enumeration")
    cut = solve(game, "vertex_enumeration", max_bases=100)
    assert full.exhaustive and not cut.exhaustive and not cut.complete
    assert any(
        "stopped after 100 of 48619 support pairs (max_bases=100)" in w for w in cut.warnings
    )
    assert all(any(eq.close_to(f) for f in full.equilibria) for eq in cut.equilibria)


def test_support_pairs_examined_are_exactly_the_budget() -> None:
    """Oracle: the pairs of equal-size subsets, listed by itertools in the documented order."""
    a = np.ones((1, 5, 4))
    pairs = [
        (r, c)
        for k in range(1, 5)
        for r in itertools.combinations(range(5), k)
        for c in itertools.combinations(range(4), k)
    ]
    assert _bimatrix.count_support_pairs(5, 4) == len(pairs) == math.comb(9, 4) - 1
    for budget in (1, 7, 50, len(pairs), 10**6):
        got = [
            (tuple(r[r < 5]), tuple(c[c < 4]))
            for block in _bimatrix.support_blocks(a, a, one_pass_limit=0, per_block=3, limit=budget)
            for r, c in zip(block.rows, block.columns, strict=True)
        ]
        assert got == [(tuple(r), tuple(c)) for r, c in pairs[:budget]]


def test_lazy_support_pairs_follow_the_same_order() -> None:
    """Beyond the cached size the pairs are generated lazily, in the same order."""
    saved = _bimatrix._CACHED_PAIRS
    _bimatrix._CACHED_PAIRS = 0
    try:
        a = np.ones((1, 4, 4))
        lazy = [
            (r.tolist(), c.tolist())
            for block in _bimatrix.support_blocks(a, a, one_pass_limit=0, per_block=5, limit=40)
            for r, c in zip(block.rows, block.columns, strict=True)
        ]
    finally:
        _bimatrix._CACHED_PAIRS = saved
    cached = [
        (r.tolist(), c.tolist())
        for block in _bimatrix.support_blocks(a, a, one_pass_limit=0, per_block=5, limit=40)
        for r, c in zip(block.rows, block.columns, strict=True)
    ]
    assert lazy == cached and len(lazy) == 40


def test_qhull_is_chosen_by_mcmullens_bound() -> None:
    """All ties: each polytope is a simplex (few vertices, any size); generic 20 x 20: not."""
    ties = np.ones((1, 100, 100))
    assert _polytope.qhull_fits(ties, ties, 10**6)
    generic = 1 + np.random.default_rng(0).random((1, 20, 20))
    assert not _polytope.qhull_fits(generic, generic, 10**6)
    # The bound is attained by a simplex: d + 1 vertices from d + 1 facets.
    assert _polytope.vertex_bound(100, 101) == 101


def test_dominance_program_budget_keeps_every_equilibrium() -> None:
    """Option 2 is dominated only by a mix; with no program allowed it stays, and the
    equilibria are those of the full game all the same (vertex enumeration the oracle)."""
    game = Game.from_bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]])
    assert iterated_dominance(game).kept == ((0, 1), (0, 1))
    assert iterated_dominance(game, max_programs=1).kept == ((0, 1), (0, 1))
    # Rows 2 and 3 are each dominated by (1/2, 1/2, 0, 0) only: two programs; one is allowed.
    two = Game.from_bimatrix(
        np.array([[3, 0], [0, 3], [1, 1], [1.2, 0.9]]), [[1, 0], [0, 1], [0, 0], [0, 0]]
    )
    assert iterated_dominance(two).kept == ((0, 1), (0, 1))
    assert iterated_dominance(two, max_programs=1).kept == ((0, 1, 3), (0, 1))
    full = solve(two, "vertex_enumeration")
    cut = solve_dominance(two, max_programs=1)
    assert any("max_programs=1" in w for w in cut.warnings)
    assert same_profile_sets(strategies_of(cut), strategies_of(full))


# -- duplicate removal: sub-quadratic, the same answer as comparing every pair ---------------


def _naive_distinct(profiles: list[tuple[np.ndarray, ...]], same: float) -> list[int]:
    kept: list[int] = []
    for i, p in enumerate(profiles):
        if not any(
            all(np.abs(a - b).max() <= same for a, b in zip(p, profiles[j], strict=True))
            for j in kept
        ):
            kept.append(i)
    return kept


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1e-9, 1e-3, 0.2]))
def test_duplicates_are_those_of_the_pairwise_test(seed: int, same: float) -> None:
    """Candidates near each other (some within ``same``, some just outside) in an all-ties
    game, so all verify: the kept ones are exactly those the quadratic loop keeps."""
    rng = np.random.default_rng(seed)
    game = Game(np.zeros((2, 3, 2)))
    base = [tuple(v / v.sum() for v in (rng.random(3), rng.random(2))) for _ in range(5)]
    profiles = []
    for _ in range(40):
        p = base[rng.integers(5)]
        jitter = rng.choice([0.0, 0.5, 0.99, 1.5]) * same
        moved = tuple(np.clip(v + rng.uniform(-jitter, jitter, v.shape), 0, None) for v in p)
        profiles.append(tuple(v / v.sum() for v in moved))
    cleaned = [tuple(np.where(v / v.sum() < 1e-15, 0.0, v / v.sum()) for v in p) for p in profiles]
    kept = verify(game, profiles, 1e-9, dedupe_tol=same).equilibria
    expected = _naive_distinct(cleaned, same)
    assert len(kept) == len(expected)
    for eq, i in zip(kept, expected, strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(eq.strategies, cleaned[i], strict=True))


def test_many_distinct_candidates_are_kept_fast() -> None:
    """10,000 distinct pure profiles of a 3-actor all-ties game: all kept, in order."""
    game = Game(np.zeros((3, 10, 20, 50)))
    eye = [np.eye(k) for k in game.shape]
    candidates = [(eye[0][i], eye[1][j], eye[2][k]) for i, j, k in np.ndindex(*game.shape)]
    kept = verify(game, candidates, 1e-9).equilibria
    assert [eq.profile for eq in kept] == list(np.ndindex(*game.shape))
