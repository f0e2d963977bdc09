"""Tests of negotiation_sim.solvers.lemke_howson.

Independent checks: every end is an equilibrium by the regret test and an
extreme equilibrium (in Gambit's exact list / vertex enumeration's list); on
small nondegenerate games the end of the path from each label is the one
nashpy's textbook implementation reaches; paths terminate on large random and
on degenerate integer games.
"""

from __future__ import annotations

import warnings

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, GameError, SolverResult, UnsupportedGameError, solve
from negotiation_sim.solvers.lemke_howson import solve_lemke_howson
from negotiation_sim.solvers.vertex import solve_vertex_enumeration
from tests import strategies as gs
from tests.known_games import TWO_ACTOR, KnownGame, close, found, subset
from tests.oracles import brute_force_regret, gambit_extreme


def check_equilibria(game: Game, result: SolverResult) -> None:
    assert result.warnings == ()
    assert len(result.equilibria) >= 1
    for eq in result.equilibria:
        assert brute_force_regret(game.payoffs, eq.strategies) <= 1e-9


@settings(max_examples=120, deadline=None)
@given(gs.tie_heavy_games(max_options=5))
def test_ends_are_extreme_equilibria_even_in_degenerate_games(game: Game) -> None:
    """The lexicographic rule makes every path end at a vertex pair, degenerate or not."""
    result = solve_lemke_howson(game)
    check_equilibria(game, result)
    assert subset(found(result), found(solve_vertex_enumeration(game)))


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_generic_games_subset_of_gambit(m: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    exact = rng.integers(-(10**6), 10**6, size=(2, m, n)).astype(np.float64)
    real = Game.from_bimatrix(exact[0] * 1e-3, exact[1] / 3.0 + 11)
    result = solve_lemke_howson(real)
    check_equilibria(real, result)
    assert subset(found(result), gambit_extreme(Game(exact)))


@pytest.mark.parametrize("known", TWO_ACTOR, ids=lambda k: k.name)
def test_known_games(known: KnownGame) -> None:
    result = solve_lemke_howson(known.game)
    check_equilibria(known.game, result)
    assert subset(found(result), list(known.extreme))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.integers(0, 2**32 - 1))
def test_each_label_ends_where_nashpy_ends(m: int, n: int, seed: int) -> None:
    """In a nondegenerate game the path of each label is unique: compare its end."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(m, n))
    b = rng.normal(size=(m, n))
    game = Game.from_bimatrix(a, b)
    reference = nashpy.Game(a, b)
    for label in range(m + n):
        (mine,) = solve_lemke_howson(game, labels=[label]).equilibria
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = reference.lemke_howson(initial_dropped_label=label)
        assert close(mine.strategies, theirs)


@pytest.mark.parametrize("size", [15, 20])
def test_terminates_on_large_random_games(size: int) -> None:
    """nashpy 0.0.43 overflows or never stops here."""
    rng = np.random.default_rng(size)
    game = Game(rng.normal(size=(2, size, size)))
    check_equilibria(game, solve_lemke_howson(game))


@pytest.mark.parametrize(("size", "low", "high"), [(20, 0, 0), (20, 0, 1), (15, -1, 1)])
def test_terminates_on_degenerate_integer_games(size: int, low: int, high: int) -> None:
    rng = np.random.default_rng(size + high)
    game = Game(rng.integers(low, high + 1, size=(2, size, size)))
    check_equilibria(game, solve_lemke_howson(game))


def test_labels_and_parameters() -> None:
    bos = Game.from_bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    result = solve(bos, "lemke_howson", labels=[3, 1, 3])
    assert result.method == "lemke_howson"
    assert [eq.profile for eq in result.equilibria] == [(1, 1)]
    assert dict(result.parameters) == {"labels": (3, 1), "max_pivots": 100_000}
    with pytest.raises(GameError, match=r"labels: expected integers in \[0, 4\)"):
        solve_lemke_howson(bos, labels=[4])
    with pytest.raises(GameError, match="labels"):
        solve_lemke_howson(bos, labels=[])
    with pytest.raises(GameError, match="max_pivots"):
        solve_lemke_howson(bos, max_pivots=0)


def test_max_pivots_ends_a_path_with_a_warning() -> None:
    # Every path needs at least two pivots (one in each polytope).
    bos = Game.from_bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    result = solve_lemke_howson(bos, max_pivots=1)
    assert result.equilibria == ()
    assert len(result.warnings) == 4
    assert "the path from label 0 stopped after 1 pivots" in result.warnings[0]


def test_rejects_other_than_two_actors() -> None:
    with pytest.raises(UnsupportedGameError, match="expected a two-actor game, got 3 actors"):
        solve_lemke_howson(Game(np.zeros((3, 2, 2, 2))))


def test_refreshing_the_tableau_every_pivot_changes_nothing() -> None:
    from negotiation_sim.solvers import lemke_howson

    game = Game(np.random.default_rng(4).integers(-2, 3, size=(2, 8, 8)).astype(float))
    plain = solve_lemke_howson(game)
    saved = lemke_howson.REFRESH_EVERY
    lemke_howson.REFRESH_EVERY = 1
    try:
        refreshed = solve_lemke_howson(game)
    finally:
        lemke_howson.REFRESH_EVERY = saved
    assert len(plain.equilibria) == len(refreshed.equilibria)
    for a, b in zip(plain.equilibria, refreshed.equilibria, strict=True):
        assert a.close_to(b, 1e-9)
