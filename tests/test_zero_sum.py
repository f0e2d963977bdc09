"""Zero-sum vs positive-sum structure (docs/models.md §2): shares, coco value, relative gains."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, GameError, UnsupportedGameError, solve
from negotiation_sim.analysis.zero_sum import (
    coco_value,
    relative_gains,
    sum_structure,
    zero_sum_shares,
)
from negotiation_sim.solvers.minimax import maximin
from tests import strategies as gs
from tests.known_games import KNOWN
from tests.oracles import zero_sum_shares_reference

PD = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])  # Axelrod (1984): R=3, S=0, T=5, P=1
MATCHING_PENNIES = Game.zero_sum([[1, -1], [-1, 1]])


def _double_centred(a):
    return a - a.mean(axis=0, keepdims=True) - a.mean(axis=1, keepdims=True) + a.mean()


def _non_strategic(game, rng_tensor):
    """Per-actor terms g_i(s_-i): actor i's slice of ``rng_tensor`` averaged over its own axis."""
    return np.stack(
        [
            np.broadcast_to(rng_tensor[i].mean(axis=i, keepdims=True), game.shape)
            for i in range(game.n_actors)
        ]
    )


# -- sum_structure: definitions -------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(gs.games())
def test_split_adds_up_and_shares_are_shares(game):
    split = sum_structure(game)
    u = game.payoffs
    assert np.allclose(split.common + split.zero_sum_part, u)
    assert np.allclose(split.zero_sum_part.sum(axis=0), 0, atol=1e-12)
    assert np.allclose(split.common, u.mean(axis=0))
    assert 0.0 <= split.zero_sum_share <= 1.0
    assert 0.0 <= split.strategic_zero_sum_share <= 1.0
    totals = u.sum(axis=0)
    assert split.constant_sum == bool(np.ptp(totals) <= 1e-9 * max(1.0, np.abs(u).max()))
    assert not split.common.flags.writeable
    assert not split.zero_sum_part.flags.writeable


@settings(max_examples=50, deadline=None)
@given(gs.games(), st.data())
def test_shares_invariant_under_per_actor_constants(game, data):
    scales, shifts = data.draw(gs.affine_maps(n_actors=game.n_actors))
    scale = float(scales[0])  # a common positive scale; per-actor scales change the split
    moved = game.with_payoffs(scale * game.payoffs + shifts.reshape((-1,) + (1,) * game.n_actors))
    before, after = sum_structure(game), sum_structure(moved)
    assert after.zero_sum_share == pytest.approx(before.zero_sum_share, abs=1e-9)
    assert after.strategic_zero_sum_share == pytest.approx(
        before.strategic_zero_sum_share, abs=1e-9
    )


@settings(max_examples=50, deadline=None)
@given(gs.games(), st.data())
def test_strategic_share_ignores_non_strategic_terms(game, data):
    # Adding g_i(s_-i) to u_i changes no best response, so it must not change the strategic share.
    noise = data.draw(gs.payoff_tensors(shape=game.shape, real=True))
    moved = game.with_payoffs(game.payoffs + 5 * _non_strategic(game, noise))
    assert sum_structure(moved).strategic_zero_sum_share == pytest.approx(
        sum_structure(game).strategic_zero_sum_share, abs=1e-9
    )


@settings(max_examples=50, deadline=None)
@given(gs.games(), st.data())
def test_common_interest_plus_non_strategic_has_strategic_share_zero(game, data):
    # u_i = c(s) + g_i(s_-i): the only thing that differs between actors cannot drive a choice.
    common = game.payoffs[0]
    noise = data.draw(gs.payoff_tensors(shape=game.shape, real=True))
    moved = game.with_payoffs(common + _non_strategic(game, noise))
    assert sum_structure(moved).strategic_zero_sum_share == 0.0
    # Without the non-strategic terms it is also a common-interest game in the raw sense.
    shifts = np.arange(game.n_actors, dtype=np.float64).reshape((-1,) + (1,) * game.n_actors)
    pure_common = sum_structure(
        game.with_payoffs(np.broadcast_to(common, game.payoffs.shape) + shifts)
    )
    assert pure_common.zero_sum_share == 0.0
    assert pure_common.strategic_zero_sum_share == 0.0


@settings(max_examples=50, deadline=None)
@given(gs.zero_sum_games(), st.data())
def test_zero_sum_games_have_share_one(game, data):
    split = sum_structure(game)
    assert split.constant_sum
    varies = np.ptp(game.payoffs[0]) > 0
    assert split.zero_sum_share == (1.0 if varies else 0.0)
    # Strategic share: 1 unless the game has no interaction at all (only own-option effects),
    # in which case a common-interest game explains it as well and the share is 0 by definition.
    interacts = np.abs(_double_centred(game.payoffs[0])).max() > 1e-9
    assert split.strategic_zero_sum_share == (1.0 if interacts else 0.0)
    # Still 1 after adding non-strategic terms, which make the game general-sum.
    noise = data.draw(gs.payoff_tensors(shape=game.shape, real=True))
    moved = game.with_payoffs(game.payoffs + _non_strategic(game, noise))
    assert sum_structure(moved).strategic_zero_sum_share == (1.0 if interacts else 0.0)


@settings(max_examples=50, deadline=None)
@given(gs.games(min_options=2, real=True, max_profiles=64))
def test_n_actor_constant_sum_games_have_share_one(game):
    zero_sum = relative_gains(game, 1.0)
    split = sum_structure(zero_sum)
    assert split.constant_sum
    assert split.zero_sum_share == 1.0
    assert split.strategic_zero_sum_share == 1.0


@settings(max_examples=50, deadline=None)
@given(gs.bimatrix_games(min_options=2, max_options=2))
def test_two_by_two_strategic_share_closed_form(game):
    # For 2x2 games each actor's interaction part is k_i [[1, -1], [-1, 1]] with
    # k_1 = (a11 - a12 - a21 + a22) / 4 (same for B), so the share is
    # (k_1 - k_2)^2 / ((k_1 - k_2)^2 + (k_1 + k_2)^2).
    a, b = game.payoffs
    k1 = (a[0, 0] - a[0, 1] - a[1, 0] + a[1, 1]) / 4
    k2 = (b[0, 0] - b[0, 1] - b[1, 0] + b[1, 1]) / 4
    share = sum_structure(game).strategic_zero_sum_share
    if abs(k1 - k2) < 1e-9:
        assert share == 0.0
    elif abs(k1 + k2) < 1e-9:
        assert share == 1.0
    else:
        assert share == pytest.approx((k1 - k2) ** 2 / ((k1 - k2) ** 2 + (k1 + k2) ** 2))


# -- sum_structure: known games --------------------------------------------------------------


def test_prisoners_dilemma_raw_mostly_zero_sum_strategic_not():
    # By hand (PD of Axelrod 1984): centred payoffs give ||z||^2 = 25, n ||c||^2 = 4.5.
    # Strategic: both actors' interaction parts are (R - S - T + P)/4 [[1,-1],[-1,1]] = -1/4 [...],
    # identical, so a common-interest game explains them: the PD is a potential game
    # (Monderer & Shapley 1996, Games Econ. Behav. 14, 124-143).
    split = sum_structure(PD)
    assert not split.constant_sum
    assert split.zero_sum_share == pytest.approx(25 / 29.5)
    assert split.strategic_zero_sum_share == 0.0


def test_donation_game_strategic_share_zero():
    # Equal-gains-from-switching PD (T - R = P - S = c; the "donation game", Sigmund 2010,
    # The Calculus of Selfishness, ch. 1): u_i = b [other cooperates] - c [i cooperates],
    # each actor's own-option effect is the same whatever the other does: no interaction at all.
    b, c = 3.0, 1.0
    a = np.array([[b - c, -c], [b, 0.0]])
    split = sum_structure(Game.from_bimatrix(a, a.T))
    assert split.zero_sum_share > 0.5
    assert split.strategic_zero_sum_share == 0.0


@pytest.mark.parametrize("name", ["matching_pennies", "rock_paper_scissors", "zero_sum_2x2"])
def test_zero_sum_literature_games(name):
    # Sources in tests/known_games.py: zero-sum games are fully zero-sum, raw and strategic.
    known = next(k for k in KNOWN if k.name == name)
    split = sum_structure(known.game)
    assert split.constant_sum
    assert split.zero_sum_share == 1.0
    assert split.strategic_zero_sum_share == 1.0


@pytest.mark.parametrize(
    "name", ["battle_of_the_sexes", "stag_hunt", "chicken", "prisoners_dilemma"]
)
def test_two_by_two_symmetric_or_coordination_games_are_strategically_common(name):
    # Symmetric 2x2 games and battle of the sexes have equal interaction terms k_1 = k_2:
    # they are potential games (Monderer & Shapley 1996), strategic share 0.
    known = next(k for k in KNOWN if k.name == name)
    assert sum_structure(known.game).strategic_zero_sum_share == 0.0


def test_pure_coordination_game_has_share_zero():
    game = Game.from_bimatrix([[2, 0], [0, 1]], [[2, 0], [0, 1]])
    split = sum_structure(game)
    assert split.zero_sum_share == 0.0
    assert split.strategic_zero_sum_share == 0.0


def test_three_actor_zero_sum_game_with_a_bystander():
    # u = (-h(s2, s3), h(s2, s3), 0): zero-sum; actor 1 cannot affect anything. By the
    # definition the (2, 3) interaction is balanced by actor 1, who does not feel it: share 1.
    h = np.array([[1.0, -2.0], [0.0, 3.0]])
    u = np.zeros((3, 2, 2, 2))
    u[0] = -h[None, :, :]
    u[1] = h[None, :, :]
    split = sum_structure(Game(u))
    assert split.constant_sum
    assert split.strategic_zero_sum_share == 1.0


def test_constant_game_shares_are_zero():
    split = sum_structure(Game(np.stack([np.full((2, 3), 1.0), np.full((2, 3), -4.0)])))
    assert split.constant_sum
    assert split.zero_sum_share == 0.0
    assert split.strategic_zero_sum_share == 0.0


# -- coco value ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(gs.bimatrix_games())
def test_coco_sums_to_twice_max_cooperative(game):
    coco = coco_value(game)
    a, b = game.payoffs
    assert coco.value[0] + coco.value[1] == pytest.approx(2 * ((a + b) / 2).max())
    assert coco.cooperative_value == pytest.approx(coco.cooperative.max())
    assert np.allclose(coco.cooperative + coco.competitive, a)
    assert np.allclose(coco.cooperative - coco.competitive, b)
    # Playing the profile and settling with the transfer gives both their coco values.
    assert a[coco.profile] + coco.transfer == pytest.approx(coco.value[0])
    assert b[coco.profile] - coco.transfer == pytest.approx(coco.value[1])
    # Individually rational: val(A) = val(C + Z) <= max C + val Z (value is monotone).
    assert coco.value[0] >= maximin(a)[0] - 1e-9
    assert coco.value[1] >= maximin(b.T)[0] - 1e-9
    # The threat strategy guarantees val Z in the competitive game.
    assert (coco.competitive.T @ coco.competitive_strategy).min() >= coco.competitive_value - 1e-9


@settings(max_examples=40, deadline=None)
@given(gs.symmetric_bimatrix_games())
def test_coco_of_symmetric_games_is_max_cooperative_each(game):
    coco = coco_value(game)
    best = ((game.payoffs[0] + game.payoffs[1]) / 2).max()
    assert coco.value[0] == pytest.approx(best, abs=1e-9)
    assert coco.value[1] == pytest.approx(best, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(gs.zero_sum_games())
def test_coco_of_zero_sum_games_is_the_value(game):
    coco = coco_value(game)
    value = solve(game, "minimax").value
    assert value is not None
    v = value[0]
    assert coco.value[0] == pytest.approx(v, abs=1e-9)
    assert coco.value[1] == pytest.approx(-v, abs=1e-9)


def test_coco_known_values():
    # By hand from the definition of Kalai & Kalai (2013), 'Cooperation in strategic games
    # revisited', QJE 128(2): C = [[2, .5], [1, 3]], max 3 at (1, 1); Z = [[1, .5], [-1, -1]]
    # has a saddle point at (0, 1), val Z = 1/2; coco = (3.5, 2.5), column pays 1.5.
    coco = coco_value(Game.from_bimatrix([[3, 1], [0, 2]], [[1, 0], [2, 4]]))
    assert coco.value == pytest.approx((3.5, 2.5))
    assert coco.profile == (1, 1)
    assert coco.transfer == pytest.approx(1.5)
    # Prisoner's dilemma (symmetric): both get R = 3 by cooperating, no transfer.
    pd = coco_value(PD)
    assert pd.value == pytest.approx((3.0, 3.0))
    assert pd.profile == (0, 0)
    assert pd.transfer == pytest.approx(0.0)
    # Matching pennies: no common interest, value 0 (von Neumann & Morgenstern 1944).
    assert coco_value(MATCHING_PENNIES).value == pytest.approx((0.0, 0.0))


def test_coco_needs_two_actors():
    three = next(k for k in KNOWN if k.name == "jordan_matching_pennies").game
    with pytest.raises(UnsupportedGameError, match="two-actor"):
        coco_value(three)


# -- relative gains --------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(gs.games(), st.sampled_from([0.0, 0.25, 0.5, 1.0]))
def test_relative_gains_formula_and_labels(game, rho):
    moved = relative_gains(game, rho)
    u, n = game.payoffs, game.n_actors
    for i in range(n):
        others = np.mean([u[j] for j in range(n) if j != i], axis=0)
        assert np.allclose(moved.payoffs[i], u[i] - rho * others)
    assert moved.actors == game.actors
    assert moved.options == game.options


@settings(max_examples=50, deadline=None)
@given(gs.games())
def test_rho_one_makes_any_game_zero_sum(game):
    split = sum_structure(relative_gains(game, 1.0))
    assert split.constant_sum
    assert np.allclose(relative_gains(game, 1.0).payoffs.sum(axis=0), 0, atol=1e-9)
    assert np.array_equal(relative_gains(game, 0.0).payoffs, game.payoffs)


@settings(max_examples=50, deadline=None)
@given(gs.bimatrix_games())
def test_rho_one_two_actor_game_is_the_competitive_part_doubled(game):
    # u'_1 = A - B = 2 Z: relative gains at rho = 1 keep only Kalai & Kalai's competitive part.
    moved = relative_gains(game, 1.0)
    assert np.allclose(moved.payoffs[0], 2 * coco_value(game).competitive)


def test_relative_gains_removes_the_deal_in_the_prisoners_dilemma():
    # Powell (1991): with rho = 1 the PD is zero-sum; mutual cooperation gives no one a gain.
    moved = relative_gains(PD, 1.0)
    assert moved.payoffs[:, 0, 0].tolist() == [0.0, 0.0]
    assert solve(moved, "minimax").value == (0.0, 0.0)


@pytest.mark.parametrize("rho", [-0.1, 1.5, float("nan"), "a lot"])
def test_rho_out_of_range(rho):
    with pytest.raises(GameError, match="rho"):
        relative_gains(PD, rho)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), batch=st.integers(1, 4))
def test_batched_shares_equal_the_plain_definition_game_by_game(data, batch):
    """zero_sum_shares over a batch = the definition written out per game (ties included),
    and sum_structure reports the same shares."""
    shape = data.draw(gs.shapes(max_actors=4, max_options=3))
    real = data.draw(st.booleans())
    stack = np.stack([data.draw(gs.payoff_tensors(shape=shape, real=real)) for _ in range(batch)])
    raw, strategic = zero_sum_shares(stack, n_actors=len(shape))
    assert raw.shape == strategic.shape == (batch,)
    for k in range(batch):
        expected_raw, expected_strategic = zero_sum_shares_reference(stack[k])
        assert raw[k] == pytest.approx(expected_raw, abs=1e-12)
        assert strategic[k] == pytest.approx(expected_strategic, abs=1e-12)
        single = sum_structure(Game(stack[k]))
        assert single.zero_sum_share == pytest.approx(raw[k], abs=1e-12)
        assert single.strategic_zero_sum_share == pytest.approx(strategic[k], abs=1e-12)


def test_batched_shares_keep_the_batch_shape_and_need_the_actor_count():
    rng = np.random.default_rng(5)
    with pytest.raises(GameError, match="pass n_actors"):
        zero_sum_shares(rng.normal(size=(3, 5, 2, 3, 3)))  # a batch: n must be given
    raw, strategic = zero_sum_shares(rng.normal(size=(4, 5, 2, 3, 3)), n_actors=2)
    assert raw.shape == strategic.shape == (4, 5)
    # Removing each profile's mean payoff leaves a zero-sum game: share 1 everywhere.
    games = rng.normal(size=(6, 3, 2, 2, 2))
    zero = games - games.mean(axis=1, keepdims=True)
    assert np.allclose(zero_sum_shares(zero, n_actors=3)[0], 1.0)


@settings(max_examples=10, deadline=None)
@given(st.integers(5, 7), st.integers(0, 2**32 - 1))
def test_many_actor_shares_equal_the_plain_definition(n, seed):
    """Up to 7 actors (120 interactions the definition visits one by one), the one transform."""
    u = np.random.default_rng(seed).integers(-2, 3, size=(n,) + (2,) * n).astype(float)
    raw, strategic = zero_sum_shares(u)
    expected_raw, expected_strategic = zero_sum_shares_reference(u)
    assert raw == pytest.approx(expected_raw, abs=1e-12)
    assert strategic == pytest.approx(expected_strategic, abs=1e-12)


def test_sixteen_actor_shares_are_one_transform_not_two_to_the_n_subsets():
    """A 16-actor game (65,536 profiles, 65,519 interactions of two or more actors) in one pass:
    all ties, then a zero-sum game (each profile's mean payoff removed), shares 0 and 1."""
    ties = np.zeros((16,) + (2,) * 16)
    assert [float(v) for v in zero_sum_shares(ties)] == [0.0, 0.0]
    rng = np.random.default_rng(16)
    u = rng.normal(size=(16,) + (2,) * 16)
    zero = u - u.mean(axis=0)
    assert [round(float(v), 9) for v in zero_sum_shares(zero)] == [1.0, 1.0]


@pytest.mark.parametrize("exponent", [0, 500, 1020])
def test_shares_and_coco_do_not_overflow_at_huge_payoffs(exponent):
    """Shares are ratios and coco a pair of values: a power-of-two scale changes neither
    (up to the scale), even where squares and sums of payoffs would overflow."""
    base = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    huge = base.with_payoffs(np.ldexp(base.payoffs, exponent))
    with np.errstate(over="raise", invalid="raise"):
        scaled = sum_structure(huge)
        coco = coco_value(huge)
    plain = sum_structure(base)
    assert scaled.zero_sum_share == plain.zero_sum_share
    assert scaled.strategic_zero_sum_share == plain.strategic_zero_sum_share
    assert coco.value == tuple(float(np.ldexp(v, exponent)) for v in coco_value(base).value)
