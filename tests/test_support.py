"""Tests of negotiation_sim.solvers.support (support enumeration).

Oracle: Gambit's exact ``enummixed``. On generic games support enumeration
must find exactly its equilibria; on degenerate games a subset, with a
warning. Degeneracy detection is checked against vertex enumeration's.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, UnsupportedGameError, solve
from negotiation_sim.solvers.support import solve_support_enumeration
from negotiation_sim.solvers.vertex import solve_vertex_enumeration
from tests import strategies as gs
from tests.known_games import (
    TWO_ACTOR,
    KnownGame,
    found,
    is_degenerate,
    same_profile_sets,
    subset,
)
from tests.oracles import brute_force_regret, gambit_extreme


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_equals_gambit_on_generic_games(m: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    exact = rng.integers(-(10**6), 10**6, size=(2, m, n)).astype(np.float64)
    # Real-valued payoffs with the same equilibria (positive affine map per actor).
    real = Game.from_bimatrix(exact[0] / 991.0 + 0.17, exact[1] * 7e-4 - 1.9)
    result = solve_support_enumeration(real)
    assert same_profile_sets(found(result), tuple(gambit_extreme(Game(exact))))
    assert result.warnings == ()


@settings(max_examples=60, deadline=None)
@given(gs.bimatrix_games(real=True, min_options=2, max_options=3))
def test_random_normal_games_equal_vertex_enumeration(game: Game) -> None:
    """Float payoffs: nashpy's strict ``>= 0`` test misses equilibria in ~17% of 3x3 ones."""
    result = solve_support_enumeration(game)
    reference = solve_vertex_enumeration(game)
    assert same_profile_sets(found(result), tuple(found(reference)))
    assert result.warnings == ()


@settings(max_examples=100, deadline=None)
@given(gs.tie_heavy_games())
def test_degenerate_games_give_a_verified_subset_and_a_warning(game: Game) -> None:
    result = solve_support_enumeration(game)
    oracle = gambit_extreme(game)
    assert subset(found(result), oracle)
    for eq in result.equilibria:
        assert brute_force_regret(game.payoffs, eq.strategies) <= 1e-9
    # Degeneracy is detected exactly as vertex enumeration detects it ...
    assert is_degenerate(result) == is_degenerate(solve_vertex_enumeration(game))
    # ... so whatever is missed is announced.
    if not same_profile_sets(found(result), tuple(oracle)):
        assert is_degenerate(result)
        assert "vertex_enumeration finds all extreme equilibria" in result.warnings[0]


@pytest.mark.parametrize("known", TWO_ACTOR, ids=lambda k: k.name)
def test_known_games(known: KnownGame) -> None:
    result = solve_support_enumeration(known.game)
    assert is_degenerate(result) == known.degenerate
    if known.degenerate:
        assert subset(found(result), list(known.extreme))
    else:
        assert same_profile_sets(found(result), known.extreme)


def test_unequal_supports_in_the_degenerate_von_stengel_game() -> None:
    # x = (1, 0, 0) against y = (2/3, 1/3) has supports of sizes 1 and 2. It is found
    # from the support pair ({0, 1}, {0, 1}) because x_1 = 0 >= -tol is accepted; nashpy
    # 0.0.43 returns only the other two extreme equilibria. The warning is still given.
    (known,) = [k for k in TWO_ACTOR if k.name == "von_stengel_3x2_degenerate"]
    result = solve_support_enumeration(known.game)
    assert is_degenerate(result)
    assert same_profile_sets(found(result), known.extreme)


def test_all_zero_game() -> None:
    zero = solve_support_enumeration(Game(np.zeros((2, 2, 2))))
    assert is_degenerate(zero) and len(zero.equilibria) == 4


def test_order_dispatch_and_one_option_actor() -> None:
    bos = solve(Game.from_bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]]), "support_enumeration")
    assert bos.method == "support_enumeration"
    assert [eq.profile for eq in bos.equilibria] == [(0, 0), None, (1, 1)]
    assert np.allclose(bos.equilibria[1].strategies[0], [0.6, 0.4])
    single = solve_support_enumeration(Game.from_bimatrix([[1, 2, 3]], [[0, 2, 1]]))
    assert [eq.profile for eq in single.equilibria] == [(0, 1)]
    assert single.warnings == ()


def test_rejects_other_than_two_actors() -> None:
    with pytest.raises(UnsupportedGameError, match="expected a two-actor game, got 3 actors"):
        solve_support_enumeration(Game(np.zeros((3, 2, 2, 2))))


@settings(max_examples=40, deadline=None)
@given(gs.tie_heavy_games() | gs.bimatrix_games(real=True))
def test_blocks_and_support_size_groups_change_nothing(game: Game) -> None:
    from negotiation_sim.solvers import support

    reference = solve_support_enumeration(game)
    saved = support._SYSTEMS_PER_BLOCK, support._ONE_PASS_LIMIT
    support._SYSTEMS_PER_BLOCK, support._ONE_PASS_LIMIT = 5, 0  # many blocks, one group per size
    try:
        blocked = solve_support_enumeration(game)
    finally:
        support._SYSTEMS_PER_BLOCK, support._ONE_PASS_LIMIT = saved
    assert len(blocked.equilibria) == len(reference.equilibria)
    for x, y in zip(blocked.equilibria, reference.equilibria, strict=True):
        assert x.close_to(y, 1e-12)
    assert blocked.warnings == reference.warnings
