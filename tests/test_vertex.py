"""Tests of negotiation_sim.solvers.vertex (all extreme equilibria of two-actor games).

The oracle is Gambit's exact ``enummixed`` (rational arithmetic): its list of
extreme equilibria must equal ours as a set, within 1e-6, on small integer
games (where ties and degeneracy are common) and on generic games.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, GameError, SolverResult, UnsupportedGameError, solve
from negotiation_sim.solvers import _polytope, vertex
from negotiation_sim.solvers.result import EquilibriumBatch
from negotiation_sim.solvers.vertex import solve_vertex_enumeration, vertex_enumeration_batch
from tests import strategies as gs
from tests.known_games import TWO_ACTOR, KnownGame, found, is_degenerate, same_profile_sets
from tests.oracles import brute_force_regret, gambit_extreme, is_probability_profile

# -- helpers -----------------------------------------------------------------------------------


@st.composite
def generic_games(draw: st.DrawFn, *, max_options: int = 4) -> tuple[Game, Game]:
    """A generic game with integer payoffs in +-10^6 (exact for Gambit) and an affine image
    of it with real payoffs (same equilibria)."""
    shape = (2, draw(st.integers(1, max_options)), draw(st.integers(1, max_options)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    exact = rng.integers(-(10**6), 10**6, size=shape).astype(np.float64)
    real = (
        exact * np.array([1 / 997, 1.3e-3])[:, None, None] + np.array([-0.31, 2.7])[:, None, None]
    )
    return Game(exact), Game(real)


# -- oracle tests ------------------------------------------------------------------------------


def check_equilibria(game: Game, result: SolverResult) -> None:
    assert not any("failed verification" in w for w in result.warnings)
    for eq in result.equilibria:
        assert is_probability_profile(game, eq.strategies, tol=1e-12)
        assert brute_force_regret(game.payoffs, eq.strategies) <= 1e-9


@settings(max_examples=80, deadline=None)
@given(gs.tie_heavy_games())
def test_equals_gambit_on_small_integer_games(game: Game) -> None:
    """Ties and degeneracy are the rule here; nothing may be missed or added."""
    result = solve_vertex_enumeration(game)
    assert same_profile_sets(found(result), tuple(gambit_extreme(game)))
    check_equilibria(game, result)


@settings(max_examples=40, deadline=None)
@given(gs.bimatrix_games())
def test_equals_gambit_on_shared_strategy_games(game: Game) -> None:
    result = solve_vertex_enumeration(game)
    assert same_profile_sets(found(result), tuple(gambit_extreme(game)))
    check_equilibria(game, result)


@settings(max_examples=50, deadline=None)
@given(generic_games())
def test_equals_gambit_on_generic_games(games: tuple[Game, Game]) -> None:
    exact, real = games
    result = solve_vertex_enumeration(real)
    assert same_profile_sets(found(result), tuple(gambit_extreme(exact)))
    assert not is_degenerate(result)
    assert len(result.equilibria) % 2 == 1  # a nondegenerate game has an odd number


@settings(max_examples=50, deadline=None)
@given(gs.tie_heavy_games(max_options=3))
def test_qhull_path_agrees_with_brute_force(game: Game) -> None:
    brute = solve_vertex_enumeration(game)
    saved = vertex.BRUTE_FORCE_LIMIT
    vertex.BRUTE_FORCE_LIMIT = 0  # every polytope of dimension >= 2 goes through qhull
    try:
        hull = solve_vertex_enumeration(game)
    finally:
        vertex.BRUTE_FORCE_LIMIT = saved
    assert same_profile_sets(found(hull), tuple(found(brute)))
    assert is_degenerate(hull) == is_degenerate(brute)


def test_qhull_path_on_a_larger_game_against_gambit() -> None:
    # C(18, 9) = 48620 bases > BRUTE_FORCE_LIMIT: qhull. Payoffs in {0, 1}: degenerate.
    game = Game(np.random.default_rng(3).integers(0, 2, size=(2, 9, 9)).astype(float))
    result = solve_vertex_enumeration(game)
    assert is_degenerate(result)
    check_equilibria(game, result)
    # Gambit's exact enummixed takes ~5 s on 9x9; compare the set with the brute force path.
    saved = vertex.BRUTE_FORCE_LIMIT
    vertex.BRUTE_FORCE_LIMIT = 10**6
    try:
        brute = solve_vertex_enumeration(game)
    finally:
        vertex.BRUTE_FORCE_LIMIT = saved
    assert same_profile_sets(found(result), tuple(found(brute)))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.lists(st.data(), min_size=1, max_size=6))
def test_batch_equals_per_game(m: int, n: int, draws: list[st.DataObject]) -> None:
    payoffs = np.stack(
        [
            d.draw(
                gs.payoff_tensors(shape=(m, n), low=-1, high=1)
                | gs.payoff_tensors(shape=(m, n), real=True)
            )
            for d in draws
        ]
    )
    batch = vertex_enumeration_batch(payoffs)
    assert batch.n_games == len(payoffs)
    assert batch.counts().shape == (len(payoffs),)
    for index, tensor in enumerate(payoffs):
        result = batch.result(Game(tensor), index)
        single = solve_vertex_enumeration(Game(tensor))
        assert len(result.equilibria) == len(single.equilibria)
        for x, y in zip(result.equilibria, single.equilibria, strict=True):
            assert x.close_to(y, 0.0)
        assert result.warnings == single.warnings


def assert_same_results(first: list[SolverResult], second: list[SolverResult]) -> None:
    assert len(first) == len(second)
    for one, other in zip(first, second, strict=True):
        assert len(one.equilibria) == len(other.equilibria)
        for x, y in zip(one.equilibria, other.equilibria, strict=True):
            assert x.close_to(y, 1e-12)
        assert one.warnings == other.warnings


def results_of(batch: EquilibriumBatch, payoffs: np.ndarray) -> list[SolverResult]:
    return [batch.result(Game(p), i) for i, p in enumerate(payoffs)]


def test_batch_blocks_and_support_size_groups_change_nothing() -> None:
    rng = np.random.default_rng(5)
    small = rng.integers(-1, 2, size=(12, 2, 4, 4)).astype(float)
    reference = [solve_vertex_enumeration(Game(p)) for p in small]
    saved = _polytope._SYSTEMS_PER_BLOCK, _polytope._ONE_PASS_LIMIT
    _polytope._SYSTEMS_PER_BLOCK, _polytope._ONE_PASS_LIMIT = 7, 0  # many blocks, one per size
    try:
        blocked = results_of(vertex_enumeration_batch(small), small)
    finally:
        _polytope._SYSTEMS_PER_BLOCK, _polytope._ONE_PASS_LIMIT = saved
    assert_same_results(blocked, reference)
    # 6x6 games (924 bases) go through qhull, one by one, in the batch too.
    large = rng.integers(-2, 3, size=(3, 2, 6, 6)).astype(float)
    assert_same_results(
        results_of(vertex_enumeration_batch(large), large),
        [solve_vertex_enumeration(Game(p)) for p in large],
    )


def test_batch_keeps_leading_axes_in_c_order_and_accepts_empty() -> None:
    rng = np.random.default_rng(7)
    grid = rng.normal(size=(2, 3, 2, 3, 2))
    batch = vertex_enumeration_batch(grid)
    assert batch.batch_shape == (2, 3)
    assert batch.counts().shape == (2, 3)
    single = solve_vertex_enumeration(Game(grid[1, 1]))
    for batched, expected in zip(batch.equilibria((1, 1)), single.equilibria, strict=True):
        assert batched.close_to(expected, 0.0)
    assert len(batch.equilibria(4)) == len(single.equilibria)  # flat index 4 is (1, 1)
    empty = vertex_enumeration_batch(np.zeros((0, 2, 2, 2)))
    assert empty.n_games == 0 and empty.counts().shape == (0,)


def test_batch_rejects_non_finite_payoffs_naming_the_game() -> None:
    grid = np.zeros((2, 3, 2, 2, 2))
    grid[1, 2, 0, 1, 1] = np.inf
    with pytest.raises(GameError, match=r"game \(1, 2\)"):
        vertex_enumeration_batch(grid)


def test_scale_invariance() -> None:
    """Payoffs in millions or in millionths: the same equilibria (tolerances scale)."""
    a = np.array([[3.0, 0.0, 1.0], [0.0, 2.0, 1.0], [1.0, 1.0, 1.0]])
    b = np.array([[2.0, 0.0, 1.0], [0.0, 3.0, 1.0], [1.0, 0.0, 2.0]])
    base = solve_vertex_enumeration(Game.from_bimatrix(a, b))
    for factor in (1e6, 1e-6):
        game = Game.from_bimatrix(a * factor + 5, b * factor - 3)
        scaled = solve_vertex_enumeration(game, tol=1e-9 * factor)
        assert same_profile_sets(found(scaled), tuple(found(base)))
        assert is_degenerate(scaled) == is_degenerate(base)


@settings(max_examples=40, deadline=None)
@given(
    gs.tie_heavy_games(max_options=3),
    st.sampled_from([1e6, 1e-6]),
    st.integers(-5, 5),
    st.integers(-5, 5),
)
def test_scale_invariance_on_random_games(game: Game, factor: float, shift_a: int, shift_b: int):
    """Any game rescaled to millions or millionths (tol with it): the same equilibria."""
    a, b = game.payoffs
    base = solve_vertex_enumeration(game)
    moved = Game.from_bimatrix((a + shift_a) * factor, (b + shift_b) * factor)
    scaled = solve_vertex_enumeration(moved, tol=1e-9 * factor)
    assert same_profile_sets(found(scaled), tuple(found(base)))
    assert is_degenerate(scaled) == is_degenerate(base)


# -- known games -------------------------------------------------------------------------------


@pytest.mark.parametrize("known", TWO_ACTOR, ids=lambda k: k.name)
def test_known_games(known: KnownGame) -> None:
    """tests/known_games.py: cited or hand-derived extreme equilibria, degenerate or not."""
    result = solve_vertex_enumeration(known.game)
    assert same_profile_sets(found(result), known.extreme)
    assert is_degenerate(result) == known.degenerate


def _p(*vectors: list[float]) -> tuple[np.ndarray, ...]:
    return tuple(np.array(v, dtype=np.float64) for v in vectors)


THIRD = 1.0 / 3.0

MORE_KNOWN = [
    pytest.param(
        # By hand: one row option; the column actor's best responses are options 0 and 1.
        Game.from_bimatrix([[1, 2, 3]], [[1, 1, 0]]),
        (_p([1], [1, 0, 0]), _p([1], [0, 1, 0])),
        "2 extreme equilibria in 1 component(s)",
        id="1x3-tie",
    ),
    pytest.param(
        # By hand. The column actor wants to match the row actor (B = I); rows 0 and 1 of A
        # are equal (1, 1, 0), row 2 is (0, 0, 1). Pure equilibria (e_i, e_i).
        # x = (1/2, 1/2, 0) makes columns 0 and 1 tie, and rows 0, 1 are best against any
        # y on {0, 1}: extreme points (x, e_0) and (x, e_1), joined to (e_0, e_0) and
        # (e_1, e_1) by x = (t, 1 - t, 0), t >= 1/2 resp. t <= 1/2 -- one component.
        # y = (1/2, 0, 1/2) makes all rows tie, and columns 0 and 2 tie against
        # x = (s, 1 - 2s, s) iff 1/3 <= s <= 1/2; likewise y = (0, 1/2, 1/2): a second
        # component with four extreme points. (e_2, e_2) is isolated: 3 components.
        Game.from_bimatrix([[1, 1, 0], [1, 1, 0], [0, 0, 1]], np.eye(3)),
        (
            _p([1, 0, 0], [1, 0, 0]),
            _p([0.5, 0.5, 0], [1, 0, 0]),
            _p([0.5, 0.5, 0], [0, 1, 0]),
            _p([0, 1, 0], [0, 1, 0]),
            _p([THIRD, THIRD, THIRD], [0.5, 0, 0.5]),
            _p([0.5, 0, 0.5], [0.5, 0, 0.5]),
            _p([THIRD, THIRD, THIRD], [0, 0.5, 0.5]),
            _p([0, 0.5, 0.5], [0, 0.5, 0.5]),
            _p([0, 0, 1], [0, 0, 1]),
        ),
        "9 extreme equilibria in 3 component(s)",
        id="3x3-two-continua",
    ),
    pytest.param(
        # By hand. Degenerate (against row 0 both columns are best; against y = (1/2, 1/2)
        # all three rows are) but both equilibria are isolated: row 0 is best only at
        # y = (1/2, 1/2) (rows 1 and 2 pay y_0 - y_1 and y_1 - y_0), and column 1 is best
        # only against x = e_0 (column 0 pays x_0 + 2 x_1 + 3 x_2, column 1 pays x_0).
        Game.from_bimatrix([[0, 0], [1, -1], [-1, 1]], [[1, 1], [2, 0], [3, 0]]),
        (_p([1, 0, 0], [0.5, 0.5]), _p([0, 1, 0], [1, 0])),
        "isolated",
        id="degenerate-isolated",
    ),
]


@pytest.mark.parametrize(("game", "extreme", "message"), MORE_KNOWN)
def test_degenerate_examples_and_their_components(
    game: Game, extreme: tuple[tuple[np.ndarray, ...], ...], message: str
) -> None:
    result = solve_vertex_enumeration(game)
    assert same_profile_sets(found(result), extreme)
    assert same_profile_sets(gambit_extreme(game), extreme)  # the oracle agrees
    assert is_degenerate(result)
    assert message in result.warnings[0]


def test_all_zero_game_has_four_extreme_equilibria_in_one_component() -> None:
    # nashpy 0.0.43's vertex_enumeration raises TypeError on this game.
    result = solve_vertex_enumeration(Game(np.zeros((2, 2, 2))))
    assert len(result.equilibria) == 4
    assert "equilibria form components" in result.warnings[0]
    assert "4 extreme equilibria in 1 component(s)" in result.warnings[0]


def test_sorted_and_dispatched() -> None:
    game = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])  # stag hunt
    result = solve(game, "vertex_enumeration")
    assert result.method == "vertex_enumeration"
    assert [eq.profile for eq in result.equilibria] == [(0, 0), None, (1, 1)]
    many = solve_vertex_enumeration(
        Game.from_bimatrix([[1, 1, 0], [1, 1, 0], [0, 0, 1]], np.eye(3))
    )
    keys = [tuple(-np.round(np.concatenate(eq.strategies), 9)) for eq in many.equilibria]
    assert keys == sorted(keys)


def test_larger_random_game_against_gambit() -> None:
    rng = np.random.default_rng(11)
    game = Game(rng.integers(-50, 50, size=(2, 6, 6)).astype(float))
    result = solve_vertex_enumeration(game)
    assert same_profile_sets(found(result), tuple(gambit_extreme(game)))


def test_rejects_other_than_two_actors() -> None:
    three = Game(np.zeros((3, 2, 2, 2)))
    with pytest.raises(UnsupportedGameError, match="expected a two-actor game, got 3 actors"):
        solve_vertex_enumeration(three)
    with pytest.raises(UnsupportedGameError, match=r"\(\.\.\., 2, m, n\)"):
        vertex_enumeration_batch(np.zeros((4, 3, 2, 2)))
