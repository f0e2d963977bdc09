"""The contract every solver method keeps, checked independently of its code.

Whatever a method returns is an equilibrium by the brute-force regret check,
its probabilities are valid, its payoffs are the expected payoffs, and the
result has the one shared shape. Set-valued methods also return the same set
after positive affine transforms of each actor's payoffs.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation_sim import METHODS, Equilibrium, Game, SolverResult, solve
from tests import strategies as gs
from tests.known_games import KNOWN, same_profile_sets
from tests.oracles import brute_force_regret, is_probability_profile

TWO_ACTOR_ONLY = {"vertex_enumeration", "support_enumeration", "lemke_howson", "minimax"}

# Games each method accepts, kept small so the whole contract runs in seconds.
GAMES = {
    "pure": gs.games(),
    "vertex_enumeration": gs.bimatrix_games(),
    "support_enumeration": gs.bimatrix_games(),
    "lemke_howson": gs.bimatrix_games(),
    "minimax": gs.zero_sum_games(),
    "logit": gs.games(max_actors=3, max_options=3, real=True, max_profiles=27),
    "dominance": gs.games(max_actors=3, max_options=3, max_profiles=27),
}


def test_every_method_is_in_the_contract():
    assert set(GAMES) == set(METHODS)


def check_contract(game: Game, result: SolverResult, method: str) -> None:
    assert isinstance(result, SolverResult)
    assert result.method == method
    assert result.game is game
    assert isinstance(result.equilibria, tuple)
    assert isinstance(result.warnings, tuple)
    assert all(isinstance(w, str) and w for w in result.warnings)
    for eq in result.equilibria:
        assert isinstance(eq, Equilibrium)
        assert eq.tol == result.tol  # is_pure, profile and supports read the result's tol
        assert isinstance(eq.strategies, tuple)
        assert is_probability_profile(game, eq.strategies)
        assert brute_force_regret(game.payoffs, eq.strategies) <= result.tol + 1e-12
        expected = [
            sum(
                game.payoffs[(i, *s)]
                * np.prod([eq.strategies[j][s[j]] for j in range(game.n_actors)])
                for s in np.ndindex(*game.shape)
            )
            for i in range(game.n_actors)
        ]
        assert np.allclose(eq.payoffs, expected, atol=1e-9)
    for a in range(len(result.equilibria)):
        for b in range(a):
            assert not result.equilibria[a].close_to(result.equilibria[b], 1e-9), "duplicates"


@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_contract_on_random_games(method, data):
    game = data.draw(GAMES[method])
    result = solve(game, method)
    check_contract(game, result, method)
    if method != "pure" and not (method == "support_enumeration" and result.warnings):
        # Every game has a (mixed) equilibrium and these methods must find one; support
        # enumeration may only warn instead, on degenerate games.
        assert result.equilibria, result.warnings


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("known", KNOWN, ids=lambda k: k.name)
def test_contract_on_known_games(method, known):
    if method in TWO_ACTOR_ONLY and known.game.n_actors != 2:
        pytest.skip("two-actor method")
    if method == "minimax" and known.value is None:
        pytest.skip("not zero-sum")
    result = solve(known.game, method)
    check_contract(known.game, result, method)
    then = result.parameters.get("then")
    if method == "pure" or then == "pure":
        # Dominance on n actors solves the reduced game by "auto": all its pure equilibria
        # if it has any, and strictly dominated options are in no equilibrium.
        assert {eq.profile for eq in result.equilibria} == set(known.pure)
    elif method == "logit" or (method == "dominance" and known.game.n_actors > 2):
        # A selection method: one equilibrium, and the unique one where there is just one.
        assert len(result.equilibria) == 1
        if known.complete and len(known.extreme) == 1 and not known.pure:
            assert same_profile_sets([result.equilibria[0].strategies], known.extreme)
    elif method in {"vertex_enumeration", "dominance"} or (
        method == "support_enumeration" and not known.degenerate
    ):
        assert same_profile_sets([eq.strategies for eq in result.equilibria], known.extreme)
    else:
        assert result.equilibria


@pytest.mark.parametrize("known", [k for k in KNOWN if k.game.n_actors == 2], ids=lambda k: k.name)
def test_vertex_enumeration_finds_the_known_extreme_equilibria(known):
    found = [eq.strategies for eq in solve(known.game, "vertex_enumeration").equilibria]
    assert same_profile_sets(found, known.extreme)


def _affine(game: Game, scales: np.ndarray, shifts: np.ndarray) -> Game:
    expand = (-1,) + (1,) * game.n_actors
    return game.with_payoffs(game.payoffs * scales.reshape(expand) + shifts.reshape(expand))


@pytest.mark.parametrize("method", ["pure", "vertex_enumeration", "dominance"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_equilibrium_sets_invariant_under_positive_affine_maps(method, data):
    game = data.draw(GAMES[method] if method != "dominance" else gs.bimatrix_games())
    scales, shifts = data.draw(gs.affine_maps(n_actors=game.n_actors))
    before = [eq.strategies for eq in solve(game, method).equilibria]
    after = [eq.strategies for eq in solve(_affine(game, scales, shifts), method).equilibria]
    assert same_profile_sets(after, tuple(before), tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(gs.bimatrix_games(real=True), st.data())
def test_support_enumeration_invariant_on_generic_games(game, data):
    scales, shifts = data.draw(gs.affine_maps(n_actors=2))
    before = [eq.strategies for eq in solve(game, "support_enumeration").equilibria]
    after = [
        eq.strategies
        for eq in solve(_affine(game, scales, shifts), "support_enumeration").equilibria
    ]
    assert same_profile_sets(after, tuple(before), tol=1e-6)
