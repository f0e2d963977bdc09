"""Signalling games from the literature: Beer–Quiche, Kydd's costly verification, Spence.

Every expected set is derived by hand in the comments (or written out in tests/known_games.py);
the search is never its own oracle.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from negotiation_sim.errors import GameError
from negotiation_sim.signalling import (
    SignallingGame,
    belief_set,
    credible_responses,
    equilibria_over_priors,
    intuitive_criterion,
    perfect_bayesian_equilibria,
)
from tests.known_games import KNOWN_SIGNALLING, beer_quiche_game, kydd_verification_game

Pair = tuple[tuple[int, ...], tuple[int, ...]]


def pairs(game: SignallingGame, only_intuitive: bool = False) -> set[Pair]:
    return {
        (e.message, e.response)
        for e in perfect_bayesian_equilibria(game)
        if e.intuitive or not only_intuitive
    }


@pytest.mark.parametrize("known", KNOWN_SIGNALLING, ids=lambda k: k.name)
def test_known_signalling_games(known):
    assert pairs(known.game) == set(known.pbe)
    assert pairs(known.game, only_intuitive=True) == set(known.intuitive)


def test_beer_quiche_pooling_equilibria_and_their_off_path_beliefs():
    game = beer_quiche_game()
    beer, quiche = perfect_bayesian_equilibria(game)
    assert (beer.kind, quiche.kind) == ("pooling", "pooling")
    # Beer-pooling: on the path (beer) the belief is the prior; off it (quiche) the receiver
    # duels, which needs P(weak | quiche) >= 1/2, i.e. P(strong | quiche) in [0, 1/2].
    assert beer.on_path == (0,)
    np.testing.assert_allclose(beer.beliefs[0], [0.9, 0.1])
    assert set(beer.off_path) == {1}
    assert beer.off_path[1].interval == pytest.approx((0.0, 0.5))
    assert beer.off_path[1].contains(beer.beliefs[1])
    # Quiche-pooling: duel after beer, P(weak | beer) >= 1/2.
    assert quiche.off_path[0].interval == pytest.approx((0.0, 0.5))
    np.testing.assert_allclose(quiche.beliefs[1], [0.9, 0.1])
    # Equilibrium payoffs: strong 1 + 2 = 3 with beer, 0 + 2 = 2 with quiche; weak the reverse.
    np.testing.assert_allclose(beer.payoffs, [3, 2])
    np.testing.assert_allclose(quiche.payoffs, [2, 3])
    assert beer.regret == 0 and quiche.regret == 0
    # Which message and type break quiche-pooling: beer, the strong type; D(beer) = {weak}.
    verdict = intuitive_criterion(game, quiche)
    assert verdict.breaks == ((0, 0),) and dict(verdict.dominated) == {0: (1,)}
    assert "strong would send beer" in verdict.describe(game)
    assert intuitive_criterion(game, beer).breaks == ()


@pytest.mark.parametrize("strong", [0.6, 0.9, 0.99])
def test_beer_quiche_needs_only_a_strong_majority(strong):
    # Pooling on m needs not-duelling after m at the prior: P(strong) >= 1/2. Above 1/2 the
    # answer is the same two equilibria whatever the prior.
    assert pairs(beer_quiche_game(strong)) == set(KNOWN_SIGNALLING[0].pbe)


def test_beer_quiche_with_a_weak_majority_has_no_pure_equilibrium():
    # P(strong) = 0.3: pooling is duelled on the path, so the weak type sends quiche and the
    # strong type beer (each gets its breakfast, duelled anyway); then the receiver separates
    # and stops duelling beer, and the weak type mimics: no pure PBE (a mixed one exists).
    assert pairs(beer_quiche_game(0.3)) == set()


def test_beer_quiche_over_a_grid_of_priors():
    # Both pooling equilibria hold iff P(strong) >= 1/2 (not duelling on the path), none below.
    strong = np.linspace(0.05, 0.95, 19)
    batch = equilibria_over_priors(beer_quiche_game(), np.stack([strong, 1 - strong], axis=-1))
    assert batch.message.tolist() == [[0, 0], [1, 1]]
    assert batch.response.tolist() == [[1, 0], [0, 1]]
    assert batch.kind == ("pooling", "pooling") and batch.intuitive.tolist() == [True, False]
    np.testing.assert_array_equal(batch.counts(), np.where(strong >= 0.5 - 1e-12, 2, 0))
    with pytest.raises(GameError, match=r"at point \(1,\)"):
        equilibria_over_priors(beer_quiche_game(), [[0.5, 0.5], [1.0, 0.0]])
    with pytest.raises(GameError, match=r"shape \(\.\.\., 2\)"):
        equilibria_over_priors(beer_quiche_game(), [[0.2, 0.3, 0.5]])


def kydd_expected(trust: float, c_s: float, c_e: float, gain: float = 1.0) -> dict[Pair, bool]:
    """All pure PBE of the Kydd game and their intuitive verdicts, derived by hand.

    Messages 0 refuse, 1 accept; responses 0 no trust, 1 cooperate; trust != 1/2, c_e > c_s >= 0.
    - Separating (seeker accepts, expansionist refuses; cooperate after accept, not after
      refuse): the seeker needs gain - c_s >= 0, the expansionist 0 >= gain - c_e. No off-path
      message: it passes the criterion. The reverse separation would need -c_e >= gain: never.
    - Pooling on refusal: answered by cooperate iff trust > 1/2. Acceptance, off the path, may get
      no trust (then -c_t <= the pooling payoff, always fine) or cooperate (then gain - c_t <=
      the pooling payoff: always when trusted, else iff gain <= c_s). Trusted (payoff gain),
      acceptance is dominated for any type with c_t > 0, and a seeker with c_s = 0 gains nothing:
      passes. Not trusted (payoff 0): the seeker is dominated iff gain < c_s, the expansionist
      iff gain < c_e; with c_s < gain < c_e only the seeker is left, who is then trusted and
      gains gain - c_s > 0: fails; otherwise passes.
    - Pooling on acceptance: needs cooperation after acceptance (trust > 1/2), refusal answered
      by no trust, and gain - c_t >= 0 for both types (c_e <= gain). Passes: refusal would give
      at most gain, and no trust gives 0 <= gain - c_t.
    """
    expected: dict[Pair, bool] = {}
    if c_s <= gain <= c_e:
        expected[(1, 0), (0, 1)] = True
    trusted = trust > 0.5
    on_refusal = 1 if trusted else 0
    fails = not trusted and c_s < gain < c_e
    expected[(0, 0), (on_refusal, 0)] = not fails
    if trusted or gain <= c_s:
        expected[(0, 0), (on_refusal, 1)] = not fails
    if trusted and c_e <= gain:
        expected[(1, 1), (0, 1)] = True
    return expected


KYDD_GRID = [
    (trust, c_s, c_e)
    for trust in (0.2, 0.45, 0.55, 0.8)
    for c_s in (0.0, 0.5, 1.0, 1.5)
    for c_e in (0.25, 1.0, 1.25, 2.5)
    if c_e > c_s
]


@pytest.mark.parametrize(("trust", "c_s", "c_e"), KYDD_GRID)
def test_kydd_costly_verification_on_a_grid(trust, c_s, c_e):
    game = kydd_verification_game(trust, c_s, c_e)
    found = {(e.message, e.response): e.intuitive for e in perfect_bayesian_equilibria(game)}
    assert found == kydd_expected(trust, c_s, c_e)
    # The brief's region: a separating PBE exists iff c_s <= gain from being trusted <= c_e.
    separating = any(e.kind == "separating" for e in perfect_bayesian_equilibria(game))
    assert separating == (c_s <= 1.0 <= c_e)


# Spence's job market, discretised. Types low (productivity 1) and high (2), equally likely;
# education e in {0, ..., 4} costs 0.6 e to the low type, 0.2 e to the high one; the employer
# pays a wage in {1, 1.5, 2} and loses (wage - productivity)^2, so it pays the wage nearest the
# expected productivity 1 + P(high): 1 up to P(high) = 1/4, 1.5 up to 3/4, then 2.
EDUCATION = np.arange(5)
WAGES = np.array([1.0, 1.5, 2.0])
COST = np.array([0.6, 0.2])
PRODUCTIVITY = np.array([1.0, 2.0])


def spence_game() -> SignallingGame:
    sender = WAGES[None, None, :] - COST[:, None, None] * EDUCATION[None, :, None]
    receiver = np.broadcast_to(
        -((WAGES[None, :] - PRODUCTIVITY[:, None]) ** 2)[:, None, :], (2, 5, 3)
    )
    return SignallingGame([0.5, 0.5], sender, receiver)


def spence_expected() -> dict[Pair, bool]:
    """The pure PBE by hand, with the intuitive verdicts.

    The low type's education is 0 in any PBE (at 0 it gets a wage >= 1 > 1 - 0.6 e). Separating
    with the high type at k: the low type must not mimic, 2 - 0.6 k <= 1 (k >= 5/3), and the high
    type must not drop to 0, 2 - 0.2 k >= 1 (k <= 5): k in {2, 3, 4}. Pooling needs e = 0
    (else the low type drops to 0) at the prior's wage 1.5. Off the path any wage w is credible
    (each is best for some belief) and allowed at e iff no type gains: w - cost_t e <= u*_t.

    Intuitive criterion: separating at k > 2 fails at e = 2 (the low type would get at most
    2 - 1.2 < 1, the high one 2 - 0.4 > 2 - 0.2 k and is paid 2 once known); pooling fails at
    e = 2 (low: 0.8 < 1.5, high: 1.6 > 1.5); separating at k = 2 (Riley's least-cost outcome)
    passes: at e = 1 neither type is dominated and the wage 1 deters both, at e >= 3 both are.
    """
    outcomes = {(0, 2): 2, (0, 3): 3, (0, 4): 4, (0, 0): None}  # message -> high type's level
    expected: dict[Pair, bool] = {}
    for message, k in outcomes.items():
        on_path = {message[0]: 0 if k else 1, message[1]: 2 if k else 1}  # wage index
        value = np.array([WAGES[on_path[message[t]]] - COST[t] * message[t] for t in range(2)])
        allowed = [
            [on_path[e]]
            if e in on_path
            else [w for w in range(3) if np.all(WAGES[w] - COST * e <= value + 1e-9)]
            for e in range(len(EDUCATION))
        ]
        for response in itertools.product(*allowed):
            expected[message, tuple(response)] = k == 2
    return expected


def test_spence_job_market_and_the_riley_outcome():
    game = spence_game()
    found = {(e.message, e.response): e.intuitive for e in perfect_bayesian_equilibria(game)}
    assert found == spence_expected()
    kinds = {e.message: e.kind for e in perfect_bayesian_equilibria(game)}
    assert kinds == {(0, 0): "pooling", (0, 2): "separating", (0, 3): "separating",
                     (0, 4): "separating"}  # fmt: skip
    # The criterion keeps exactly the least-cost separating outcome.
    assert {m for (m, _), ok in found.items() if ok} == {(0, 2)}


def test_belief_sets_with_three_types_list_vertices_and_inequalities():
    # Three types, one message, responses "safe" (0 for all) and "bet" (+1 for types 0 and 1,
    # -2 for type 2): bet is best iff mu0 + mu1 - 2 mu2 >= 0, i.e. mu2 <= 1/3.
    receiver = np.zeros((3, 1, 2))
    receiver[:, 0, 1] = [1, 1, -2]
    game = SignallingGame([0.2, 0.3, 0.5], np.zeros((3, 1, 2)), receiver)
    bet = belief_set(game, 0, 1)
    np.testing.assert_allclose(bet.inequalities, [[-1, -1, 2]])
    assert bet.vertices is not None
    corners = [(1, 0, 0), (0, 1, 0), (2 / 3, 0, 1 / 3), (0, 2 / 3, 1 / 3)]
    assert {tuple(np.round(v, 9)) for v in bet.vertices} == {tuple(np.round(c, 9)) for c in corners}
    assert bet.interval is None
    assert bet.contains([0.4, 0.3, 0.3]) and not bet.contains([0.3, 0.3, 0.4])


@pytest.mark.parametrize("unit", [2.0**-30, 1e-6, 1e6, 1e250])
def test_the_payoffs_unit_changes_nothing(unit):
    # Beer–quiche with both actors' payoffs in another unit: the same equilibria, the same
    # off-path intervals, the same verdicts. ``tol`` is in payoff units: for tiny payoffs it
    # shrinks with them (else everything ties); for huge ones the payoffs' rounding sets it.
    game = beer_quiche_game()
    tol = 1e-9 * min(unit, 1.0)
    scaled = SignallingGame(game.prior, game.sender * unit, game.receiver * unit, types=game.types)
    for ours, theirs in zip(
        perfect_bayesian_equilibria(game), perfect_bayesian_equilibria(scaled, tol=tol), strict=True
    ):
        assert (ours.message, ours.response, ours.intuitive) == (
            theirs.message,
            theirs.response,
            theirs.intuitive,
        )
        assert [s.interval for s in ours.off_path.values()] == [
            s.interval for s in theirs.off_path.values()
        ]
    assert len(perfect_bayesian_equilibria(scaled, tol=tol)) == 2


def test_zero_prior_types_are_ignored_by_beliefs():
    # Beer–quiche with a strong sender for sure: the weak type cannot happen, so beliefs put
    # no weight on it, and its message does not put a message on the path. Whatever the
    # receiver answers after quiche must be credible for a strong sender: not duelling.
    game = beer_quiche_game(1.0)
    assert game.support == (0,)
    found = perfect_bayesian_equilibria(game)
    # Strong sends beer (3 > 2 at any answer pair that is credible: not after both); the weak
    # type best-replies with quiche (3 > 2).
    assert [(e.message, e.response) for e in found] == [((0, 1), (1, 1))]
    assert found[0].kind == "pooling" and found[0].off_path.keys() == {1}
    np.testing.assert_allclose(found[0].beliefs, [[1, 0], [1, 0]])


@pytest.mark.parametrize(
    ("prior", "sender", "message"),
    [
        ([0.5, 0.6], np.zeros((2, 2, 2)), "summing to 1"),
        ([1.5, -0.5], np.zeros((2, 2, 2)), "summing to 1"),
        ([[1.0]], np.zeros((1, 2, 2)), "vector of probabilities"),
        ([np.nan, 1.0], np.zeros((2, 2, 2)), "finite"),
        ("half", np.zeros((2, 2, 2)), "expected a vector"),
        ([0.5, 0.5], np.zeros((2, 2)), "shape (T, M, R)"),
        ([0.5, 0.5], np.zeros((3, 2, 2)), "T=2"),
        ([0.5, 0.5], np.zeros((2, 0, 2)), "shape (T, M, R)"),
        ([0.5, 0.5], np.full((2, 2, 2), np.inf), "at type 0, message 0, response 0"),
    ],
)
def test_malformed_games_raise_game_errors(prior, sender, message):
    receiver = np.zeros((2, 2, 2))
    with pytest.raises(GameError, match=message.replace("(", r"\(").replace(")", r"\)")):
        SignallingGame(prior, sender, receiver)


def test_bad_labels_and_arguments_raise_game_errors():
    zeros = np.zeros((2, 2, 2))
    with pytest.raises(GameError, match="types: expected 2 names"):
        SignallingGame([0.5, 0.5], zeros, zeros, types=("a",))
    with pytest.raises(GameError, match="unique"):
        SignallingGame([0.5, 0.5], zeros, zeros, messages=("a", "a"))
    game = SignallingGame([0.5, 0.5], zeros, zeros)
    with pytest.raises(GameError, match="tol"):
        perfect_bayesian_equilibria(game, tol=-1)
    with pytest.raises(GameError, match="max_pairs=10"):
        perfect_bayesian_equilibria(game, max_pairs=10)  # 2**2 responses x 2**2 messages
    with pytest.raises(GameError, match="tol"):
        intuitive_criterion(game, perfect_bayesian_equilibria(game)[0], tol=float("nan"))
    bogus = perfect_bayesian_equilibria(beer_quiche_game())[0]
    with pytest.raises(GameError, match="a message for each of 3 types"):
        intuitive_criterion(SignallingGame([0.2, 0.3, 0.5], *[np.zeros((3, 2, 2))] * 2), bogus)
    with pytest.raises(
        GameError, match=r"equilibrium.response\[0\]: expected an index in \[0, 1\)"
    ):
        intuitive_criterion(SignallingGame([0.5, 0.5], *[np.zeros((2, 2, 1))] * 2), bogus)
    with pytest.raises(GameError, match="response: expected an index"):
        belief_set(game, 0, 2)
    with pytest.raises(GameError, match="types: expected an index"):
        credible_responses(game, 0, [0, 5])
    with pytest.raises(GameError, match="belief: expected 2 probabilities"):
        belief_set(game, 0, 0).contains([1.0])


def test_games_and_equilibria_are_immutable():
    game = beer_quiche_game()
    equilibrium = perfect_bayesian_equilibria(game)[0]
    for array in (game.prior, game.sender, game.receiver, equilibrium.beliefs):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0
    with pytest.raises(TypeError):
        equilibrium.off_path[0] = equilibrium.off_path[1]  # type: ignore[index]
