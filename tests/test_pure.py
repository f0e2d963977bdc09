"""Pure equilibria, one game and batched, against brute force and pygambit."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, GameError, pure_equilibria, solve
from tests import strategies as gs
from tests.known_games import KNOWN
from tests.oracles import brute_force_regret, gambit_pure


def _brute_force_pure(game: Game) -> set[tuple[int, ...]]:
    found = set()
    for s in itertools.product(*[range(k) for k in game.shape]):
        profile = [np.eye(k)[j] for k, j in zip(game.shape, s, strict=True)]
        if brute_force_regret(game.payoffs, profile) <= 1e-9:
            found.add(s)
    return found


@pytest.mark.parametrize("known", [k for k in KNOWN if k.pure], ids=lambda k: k.name)
def test_known_pure_equilibria(known):
    found = {eq.profile for eq in solve(known.game, "pure").equilibria}
    assert found == set(known.pure)


@settings(max_examples=200, deadline=None)
@given(gs.games())
def test_pure_equals_brute_force(game):
    assert {eq.profile for eq in solve(game, "pure").equilibria} == _brute_force_pure(game)


@settings(max_examples=60, deadline=None)
@given(gs.games(min_actors=3, max_actors=4, max_options=3))
def test_pure_equals_gambit_enumpure(game):
    assert {eq.profile for eq in solve(game, "pure").equilibria} == gambit_pure(game)


@settings(max_examples=20, deadline=None)
@given(
    st.integers(3, 4).flatmap(
        lambda n: st.lists(gs.payoff_tensors(shape=(2,) * n), min_size=1, max_size=5)
    )
)
def test_batched_pure_equals_gambit_per_game(tensors):
    batch = np.stack(tensors)
    n = batch.shape[1]
    mask = pure_equilibria(batch, n_actors=n)
    assert mask.shape == (len(tensors), *batch.shape[2:])
    for b, tensor in enumerate(tensors):
        assert {tuple(int(v) for v in s) for s in np.argwhere(mask[b])} == gambit_pure(Game(tensor))


@settings(max_examples=50, deadline=None)
@given(gs.shapes(max_actors=3, max_options=3), st.integers(0, 2**32 - 1))
def test_batch_axes_equal_per_game_loop(shape, seed):
    rng = np.random.default_rng(seed)
    batch = rng.integers(-2, 3, size=(3, 2, len(shape), *shape)).astype(float)
    mask = pure_equilibria(batch, n_actors=len(shape))
    for index in np.ndindex(3, 2):
        assert np.array_equal(mask[index], pure_equilibria(batch[index], n_actors=len(shape)))


@settings(max_examples=100, deadline=None)
@given(gs.games().flatmap(lambda g: st.tuples(st.just(g), gs.affine_maps(n_actors=g.n_actors))))
def test_pure_equilibria_invariant_under_positive_affine_maps(case):
    game, (scales, shifts) = case
    moved = game.payoffs * scales.reshape((-1,) + (1,) * len(game.shape)) + shifts.reshape(
        (-1,) + (1,) * len(game.shape)
    )
    n = game.n_actors
    assert np.array_equal(
        pure_equilibria(game.payoffs, n_actors=n), pure_equilibria(moved, n_actors=n)
    )


def test_shape_errors():
    with pytest.raises(GameError, match="pass n_actors"):
        pure_equilibria(np.zeros((10, 4, 3, 3, 3, 3)))
    with pytest.raises(GameError, match="expected shape"):
        pure_equilibria(np.zeros((2, 3, 3)), n_actors=3)
    with pytest.raises(GameError, match="finite"):
        pure_equilibria(np.full((2, 2, 2), np.nan))


def test_threaded_blocks_equal_one_thread_and_name_bad_games():
    rng = np.random.default_rng(11)
    batch = rng.integers(-2, 3, size=(5000, 3, 2, 3, 2)).astype(float)
    assert np.array_equal(
        pure_equilibria(batch, n_actors=3, threads=1), pure_equilibria(batch, n_actors=3, threads=3)
    )
    batch[4321, 2, 1, 0, 1] = -np.inf
    with pytest.raises(GameError, match="game 4321"):
        pure_equilibria(batch, n_actors=3, threads=2)
    with pytest.raises(GameError, match="threads"):
        pure_equilibria(batch, n_actors=3, threads=0)


@settings(max_examples=40, deadline=None)
@given(
    gs.shapes(max_actors=4, max_options=3),
    st.integers(1, 1500),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_batch_last_layout_equals_batch_first(shape, games, seed, ties):
    """Batch-last on (n, k.., B) = batch-first on (B, n, k..), threads or not."""
    rng = np.random.default_rng(seed)
    n = len(shape)
    batch = (
        rng.integers(-2, 3, size=(games, n, *shape))
        if ties
        else rng.normal(size=(games, n, *shape))
    )
    batch = batch.astype(float)
    expected = pure_equilibria(batch, n_actors=n, threads=1)
    last = np.moveaxis(batch, 0, -1)  # a strided view, as sweeps pass transposed profile axes
    for threads in (1, 2):
        got = pure_equilibria(last, threads=threads, batch_axis="last")
        assert np.array_equal(np.moveaxis(got, -1, 0), expected)


def test_batch_last_layout_names_bad_games_and_shapes():
    rng = np.random.default_rng(12)
    many = rng.integers(-2, 3, size=(3, 2, 3, 2, 5000)).astype(float)  # threads split it
    assert np.array_equal(
        pure_equilibria(many, threads=1, batch_axis="last"),
        pure_equilibria(many, threads=2, batch_axis="last"),
    )
    batch = np.zeros((2, 2, 2, 700))
    batch[1, 0, 1, 611] = np.nan
    with pytest.raises(GameError, match="game 611"):
        pure_equilibria(batch, batch_axis="last")
    with pytest.raises(GameError, match="batch-last shape"):
        pure_equilibria(np.zeros((2, 2, 2)), batch_axis="last")
    with pytest.raises(GameError, match="batch-last shape"):
        pure_equilibria(np.zeros((2, 2, 2, 5)), n_actors=3, batch_axis="last")
    with pytest.raises(GameError, match="batch_axis"):
        # Not a batch axis: wrong on purpose.
        pure_equilibria(np.zeros((2, 2, 2, 5)), batch_axis="middle")  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(gs.shapes(max_actors=3, max_options=3), st.integers(0, 2**32 - 1))
def test_batch_last_grid_axes_equal_per_game_loop(shape, seed):
    """Several trailing batch axes: each game's mask is its own, checked game by game."""
    rng = np.random.default_rng(seed)
    n = len(shape)
    grid = rng.integers(-2, 3, size=(n, *shape, 3, 4)).astype(float)
    mask = pure_equilibria(grid, batch_axis="last")
    assert mask.shape == (*shape, 3, 4)
    for index in np.ndindex(3, 4):
        game = Game(grid[(Ellipsis, *index)])
        assert {tuple(int(v) for v in s) for s in np.argwhere(mask[(Ellipsis, *index)])} == (
            _brute_force_pure(game)
        )


@settings(max_examples=60, deadline=None)
@given(
    gs.shapes(max_actors=3, max_options=3),
    st.integers(1, 6),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.0, 1e-9, 1.0]),
)
def test_node_form_equals_brute_force_on_the_expanded_games(shape, n_nodes, games, seed, tol):
    # Node form: profile s leads to node[s]; small integer payoffs so ties are common. The
    # oracle expands every game to its payoff table and checks each unilateral deviation.
    from negotiation_sim.solvers.pure import node_pure_equilibria

    rng = np.random.default_rng(seed)
    n = len(shape) + 1  # one bystander row the game's actors do not read
    rows = tuple(int(r) for r in rng.permutation(n)[: len(shape)])
    node = rng.integers(0, n_nodes, size=shape)
    payoffs = rng.integers(-2, 3, size=(n, n_nodes, games)).astype(float)
    mask = node_pure_equilibria(node, payoffs, rows, tol=tol)
    assert mask.shape == (*shape, games)
    for b in range(games):
        for s in itertools.product(*[range(k) for k in shape]):
            stable = all(
                payoffs[row, node[s], b]
                >= max(payoffs[row, node[(*s[:i], j, *s[i + 1 :])], b] for j in range(shape[i]))
                - tol
                for i, row in enumerate(rows)
            )
            assert bool(mask[(*s, b)]) == stable


def test_node_form_shape_errors():
    from negotiation_sim.solvers.pure import node_pure_equilibria

    with pytest.raises(GameError, match="node form"):
        node_pure_equilibria([[0, 1]], np.zeros((2, 2, 1)), (0,))
    with pytest.raises(GameError, match="tol"):
        node_pure_equilibria([[0, 1]], np.zeros((2, 2, 1)), (0, 1), tol=-1.0)
