"""Iterated strict dominance by pure and mixed strategies."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings

from negotiation_sim import Game, solve
from negotiation_sim.solvers.dominance import iterated_dominance
from tests import strategies as gs
from tests.known_games import KNOWN, pure_profiles


def test_prisoners_dilemma_reduces_to_defection():
    result = solve(KNOWN[0].game, "dominance")
    assert result.reduction is not None
    assert result.reduction.kept == ((1,), (1,))
    assert [eq.profile for eq in result.equilibria] == [(1, 1)]


def test_gibbons_iterated_example():
    # Gibbons (1992), Game Theory for Applied Economists, Fig. 1.1.1: Right is dominated by
    # Middle; then Down by Up; then Left by Middle, leaving (Up, Middle).
    game = Game.from_bimatrix([[1, 1, 0], [0, 0, 2]], [[0, 2, 1], [3, 1, 0]])
    reduction = iterated_dominance(game, mixed=False)
    assert reduction.kept == ((0,), (1,))
    assert [(i, j) for i, j, _ in reduction.removed] == [(1, 2), (0, 1), (1, 0)]


def test_mixed_dominance_needs_the_linear_program():
    # Option 2 (payoffs 1, 1) is beaten by no pure option but by (1/2, 1/2, 0): 1.5 > 1.
    game = Game.from_bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]])
    assert iterated_dominance(game, mixed=False).kept == ((0, 1, 2), (0, 1))
    reduction = iterated_dominance(game, mixed=True)
    assert reduction.kept == ((0, 1), (0, 1))
    assert np.allclose(reduction.removed[0][2], [0.5, 0.5, 0.0])


def test_weak_dominance_is_not_removed():
    game = Game.from_bimatrix([[1, 1], [1, 0]], [[1, 1], [1, 0]])
    assert iterated_dominance(game).kept == ((0, 1), (0, 1))


def _dominates(game, i, j, sigma, kept) -> bool:
    others = [range(k) if a == i else kept[a] for a, k in enumerate(game.shape)]
    for s in itertools.product(*[kept[a] if a != i else [0] for a in range(game.n_actors)]):
        rest = list(s)
        value_j = game.payoffs[(i, *rest[:i], j, *rest[i + 1 :])]
        value_sigma = sum(
            sigma[o] * game.payoffs[(i, *rest[:i], o, *rest[i + 1 :])] for o in others[i]
        )
        if not value_sigma > value_j:
            return False
    return True


@settings(max_examples=120, deadline=None)
@given(gs.games(max_actors=3))
def test_every_removal_is_a_strict_domination(game):
    reduction = iterated_dominance(game)
    for i, j, sigma in reduction.removed:
        assert sigma[j] == 0
        assert np.isclose(sigma.sum(), 1)
        assert _dominates(game, i, j, sigma, reduction.kept)
    assert all(len(k) >= 1 for k in reduction.kept)


@settings(max_examples=120, deadline=None)
@given(gs.games(max_actors=3))
def test_pure_equilibria_survive_elimination(game):
    reduction = iterated_dominance(game)
    original = {eq.profile for eq in solve(game, "pure").equilibria}
    reduced = {
        tuple(reduction.kept[i][j] for i, j in enumerate(profile))
        for profile in pure_profiles(solve(reduction.game, "pure"))
    }
    assert original == reduced


@pytest.mark.parametrize("known", [k for k in KNOWN if k.game.n_actors > 2], ids=lambda k: k.name)
def test_no_option_is_dominated_in_coordination_games(known):
    # Each option is a best reply to something in these games, so nothing is strictly dominated.
    assert iterated_dominance(known.game).removed == ()
