"""Bayes–Nash equilibria: games from the literature, Kydd's and Fearon's closed forms (MODEL.md
§7), Gambit's exact equilibria, brute-force interim regret, and invariances under hypothesis."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation_sim import GameError, UnsupportedGameError
from negotiation_sim.bayesian import (
    BayesianGame,
    agent_normal_form,
    pure_bayes_nash,
    solve_bayesian,
)
from negotiation_sim.interop import write_nfg
from tests import strategies as gs
from tests.known_games import KNOWN_BAYESIAN, KnownBayesianGame, same_profile_sets
from tests.test_bayesian_game import brute_interim, brute_interim_regret


def agent_profile(eq) -> tuple[int | None, ...]:
    """The agent profile (actor-major) of a pure Bayesian equilibrium."""
    return tuple(
        eq.pure_option(i, t) for i, s in enumerate(eq.strategies) for t in range(s.shape[0])
    )


def complete_pure(u: np.ndarray) -> set[tuple[int, ...]]:
    """Pure Nash equilibria of a complete-information game (n, k_1..k_n), by loops."""
    n = u.shape[0]
    found = set()
    for s in itertools.product(*map(range, u.shape[1:])):
        if all(
            u[(i, *s)] >= max(u[(i, *s[:i], o, *s[i + 1 :])] for o in range(u.shape[1 + i]))
            for i in range(n)
        ):
            found.add(s)
    return found


# -- known games -----------------------------------------------------------------------------------


@pytest.mark.parametrize("known", KNOWN_BAYESIAN, ids=lambda k: k.name)
def test_known_pure_equilibria(known: KnownBayesianGame):
    result = solve_bayesian(known.game, "pure")
    assert sorted(agent_profile(eq) for eq in result.equilibria) == sorted(known.pure)
    assert result.complete and result.method == "pure"


def test_osborne_bos_reads_as_the_book_says():
    (known,) = [k for k in KNOWN_BAYESIAN if k.name == "osborne_bos_uncertain_preferences"]
    (eq,) = solve_bayesian(known.game, "pure").equilibria
    assert eq.describe(known.game) == "player 1: B\nplayer 2, if meet: B; if avoid: S"
    assert eq.separating(1) and not eq.pooling(1)
    # Player 1 meets the "meet" type at B (2) half the time; the types get 1 and 2.
    assert eq.ex_ante.tolist() == [1.0, 1.5]
    assert [v.tolist() for v in eq.interim] == [[1.0], [1.0, 2.0]]
    assert eq.regret == 0.0


# -- Kydd's assurance with types and verification (MODEL.md §7) -------------------------------------

#: Both types: P (no deal) 1, S (a sucker's payoff) 0, sanction k 1. R and T per type
#: (trustworthy, opportunist): trustworthy R 4 > T 3; opportunist T 4 > R 3.
P, S, K = 1.0, 0.0, 1.0
R, T = (4.0, 3.0), (3.0, 4.0)
KEEP, CHEAT = 0, 1


def kydd_payoffs(pi: np.ndarray) -> np.ndarray:
    """Two-sided assurance, types (trustworthy, opportunist), options (keep, cheat), batch-last.

    Cheating on a deal the other keeps is caught with probability ``pi``: the victim gets P
    instead of S (S_pi), the cheat P - k instead of T (T_pi). Both cheating (or staying out,
    which pays the same) is no deal, P to each.
    """
    u = np.zeros((2, 2, 2, 2, 2, pi.size))
    for me, (own_type, other_type) in itertools.product(
        range(2), itertools.product(range(2), range(2))
    ):
        table: dict[tuple[int, int], float | np.ndarray] = {
            (KEEP, KEEP): R[own_type],
            (KEEP, CHEAT): pi * P + (1 - pi) * S,
            (CHEAT, KEEP): pi * (P - K) + (1 - pi) * T[own_type],
            (CHEAT, CHEAT): P,
        }
        for (mine, theirs), value in table.items():
            types = (own_type, other_type) if me == 0 else (other_type, own_type)
            options = (mine, theirs) if me == 0 else (theirs, mine)
            u[(me, *types, *options)] = value
    return u


def test_kydd_deterrence_and_trust_thresholds():
    mus = np.linspace(0.01, 0.99, 99)
    pis = np.linspace(0.0, 0.6, 61)
    mu, pi = (a.ravel() for a in np.meshgrid(mus, pis, indexing="ij"))
    marginal = np.stack([mu, 1 - mu])
    prior = marginal[:, None, :] * marginal[None, :, :]
    mask = pure_bayes_nash(kydd_payoffs(pi), prior)  # agents: (a trustworthy, a opp, b t, b o)
    pi_d = (T[1] - R[1]) / (T[1] - P + K)
    assert pi_d == 0.25
    # No deal is always an equilibrium; everyone keeping the deal iff opportunists are deterred.
    assert mask[CHEAT, CHEAT, CHEAT, CHEAT].all()
    assert np.array_equal(mask[KEEP, KEEP, KEEP, KEEP], pi >= pi_d - 1e-12)
    # Below pi_d: the trustworthy enter and opportunists cheat iff mu >= mu*(pi).
    S_pi = pi * P + (1 - pi) * S
    T_pi = pi * (P - K) + (1 - pi) * T[0]  # the trustworthy's, as they decide to enter
    mu_star = (P - S_pi) / ((R[0] - T_pi) + (P - S_pi))
    entering = mask[KEEP, CHEAT, KEEP, CHEAT]
    cell = mus[1] - mus[0]
    below = pi < pi_d - 1e-12
    clear = np.abs(mu - mu_star) > cell
    assert np.array_equal(entering[below & clear], (mu >= mu_star)[below & clear])
    for p in pis[pis < pi_d - 1e-12]:
        column = (pi == p) & entering
        boundary = mu[column].min()  # the numeric frontier: the lowest mu on the grid
        assert abs(boundary - mu_star[pi == p][0]) <= cell
    assert not entering[below & (mu < mu_star - cell)].any()


# -- Fearon's risk–return trade-off with cost types (MODEL.md §7) ------------------------------------


def fearon_war_probabilities(types: int, p: float, c_a: float, cbar: float) -> list[float]:
    """War probability at each of A's equilibrium offers, B's cost types on a grid in [0, cbar].

    B's type c accepts x iff x <= p + c (its best reply at any offer, folded into A's payoffs:
    B is a typed actor with that one sequentially rational reply). A's offers: one just below
    each type's limit p + c_j (a tie would let B's reply at the limit go either way), one all
    accept, one all reject.
    """
    costs = np.linspace(0.0, cbar, types)
    offers = np.concatenate([[p - 1.0], p + costs - 1e-7, [p + cbar + 1.0]])
    u = np.zeros((2, 1, types, offers.size, 1))
    for j, c in enumerate(costs):
        accepted = offers <= p + c
        u[0, 0, j, :, 0] = np.where(accepted, offers, p - c_a)
        u[1, 0, j, :, 0] = np.where(accepted, 1 - offers, 1 - p - c)
    game = BayesianGame.independent(u, [[1.0], np.full(types, 1 / types)])
    result = solve_bayesian(game, "pure")
    assert result.complete and result.equilibria
    return [
        float(np.mean(offers[int(np.argmax(eq.strategies[0][0]))] > p + costs))
        for eq in result.equilibria
    ]


@pytest.mark.parametrize("p", [0.3, 0.5])
@pytest.mark.parametrize("c_a", [0.0, 0.1, 0.3, 0.5])
def test_fearon_war_probability_converges(p, c_a):
    cbar = 0.4
    closed = max(cbar - c_a, 0.0) / (2 * cbar)
    errors = []
    for types in (5, 11, 41):
        found = fearon_war_probabilities(types, p, c_a, cbar)
        worst = max(abs(w - closed) for w in found)
        assert worst <= 1.5 / types + 1e-9  # the grid's resolution in probability
        errors.append(worst)
    assert errors[-1] <= 0.04


def test_fearon_war_probability_does_not_depend_on_p():
    answers = {p: fearon_war_probabilities(21, p, 0.1, 0.4) for p in (0.2, 0.35, 0.6)}
    assert len({tuple(a) for a in answers.values()}) == 1


def test_fearon_by_backward_induction_over_a_batch_of_offers():
    """B's types reply by Bayes–Nash equilibrium at each offer (a batch over offers); A then
    picks its best offer against those replies: the war probability of the folded game."""
    types, p, c_a, cbar = 11, 0.3, 0.1, 0.4
    costs = np.linspace(0.0, cbar, types)
    offers = np.concatenate([[p - 1.0], p + costs - 1e-7, [p + cbar + 1.0]])
    u = np.zeros((2, 1, types, 1, 2, offers.size))  # B's options: accept, reject
    for j, c in enumerate(costs):
        u[0, 0, j, 0, 0] = offers
        u[0, 0, j, 0, 1] = p - c_a
        u[1, 0, j, 0, 0] = 1 - offers
        u[1, 0, j, 0, 1] = 1 - p - c
    prior = np.full((1, types, offers.size), 1 / types)
    mask = pure_bayes_nash(u, prior)[0]  # (2,) * types + (offers,): A has one option
    replies = []
    for m in range(offers.size):
        (profile,) = np.argwhere(mask[..., m])  # unique: no type is indifferent
        replies.append(profile)
        assert np.array_equal(profile == 0, offers[m] <= p + costs)
    value = [np.mean(np.where(r == 0, x, p - c_a)) for r, x in zip(replies, offers, strict=True)]
    best = int(np.argmax(value))
    war = float(np.mean(replies[best] == 1))
    assert [war] == fearon_war_probabilities(types, p, c_a, cbar)
    assert abs(war - (cbar - c_a) / (2 * cbar)) <= 1.5 / types


# -- against Gambit's exact mixed equilibria and brute-force interim regret -------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(game=gs.bayesian_games(max_actors=2, max_types=1, max_options=4))
def test_two_agent_forms_have_gambits_exact_equilibria(game, tmp_path):
    pygambit = pytest.importorskip("pygambit")
    path = write_nfg(agent_normal_form(game), tmp_path / "anf.nfg", overwrite=True)
    gbt = pygambit.read_nfg(str(path))
    ours = [
        tuple(s[0] for s in eq.strategies)
        for eq in solve_bayesian(game, "vertex_enumeration").equilibria
    ]

    def profiles(result):
        return [
            tuple(np.array([float(eq[s]) for s in player.strategies]) for player in gbt.players)
            for eq in result.equilibria
        ]

    assert same_profile_sets(ours, profiles(pygambit.nash.enummixed_solve(gbt, rational=True)))
    (lcp,) = profiles(pygambit.nash.lcp_solve(gbt, rational=True, stop_after=1))
    assert any(
        all(np.allclose(a, b, atol=1e-9) for a, b in zip(lcp, mine, strict=True)) for mine in ours
    )


@settings(max_examples=60, deadline=None)
@given(game=gs.bayesian_games(), method=st.sampled_from(["pure", "logit"]))
def test_every_equilibrium_passes_the_brute_force_interim_check(game, method):
    result = solve_bayesian(game, method)
    reached = [
        [
            any(game.prior[th] > 0 for th in np.ndindex(*game.type_counts) if th[i] == t)
            for t in range(T)
        ]
        for i, T in enumerate(game.type_counts)
    ]
    for eq in result.equilibria:
        strategies = [np.asarray(s) for s in eq.strategies]
        regret = brute_interim_regret(game, strategies)
        assert regret <= 1e-6 if method == "logit" else regret <= 1e-9
        assert eq.regret == pytest.approx(regret, abs=1e-9)
        values = brute_interim(np.asarray(game.payoffs), np.asarray(game.prior), strategies)
        for i in range(game.n_actors):
            assert np.allclose(eq.interim[i], (values[i] * strategies[i]).sum(axis=1), atol=1e-12)
            marginal = [
                sum(game.prior[th] for th in np.ndindex(*game.type_counts) if th[i] == t)
                for t in range(game.type_counts[i])
            ]
            assert eq.ex_ante[i] == pytest.approx(float(np.dot(marginal, eq.interim[i])), abs=1e-12)
        assert eq.positive == tuple(tuple(r) for r in reached)
        joint = eq.distribution(game)
        for th in np.ndindex(*game.type_counts):
            for s in np.ndindex(*game.shape):
                chance = game.prior[th] * np.prod(
                    [strategies[i][th[i]][s[i]] for i in range(game.n_actors)]
                )
                assert joint[(*th, *s)] == pytest.approx(chance, abs=1e-15)
        assert joint.sum() == pytest.approx(1.0, abs=1e-12)


def test_a_candidate_failing_the_interim_check_is_dropped(monkeypatch):
    from negotiation_sim.solvers import solve as real

    game = KNOWN_BAYESIAN[0].game

    def lying(anf, method, **kwargs):  # reports a non-equilibrium as an equilibrium
        result = real(anf, method, **kwargs)
        bad = type(result.equilibria[0])(tuple(np.eye(2)[[1, 1, 1]]), np.zeros(3), 0.0)
        return type(result)(result.game, result.method, (*result.equilibria, bad), result.tol)

    monkeypatch.setattr("negotiation_sim.bayesian.solve.solve", lying)
    result = solve_bayesian(game, "pure")
    assert len(result.equilibria) == 1 and not result.complete
    assert "1 candidate(s) failed verification" in result.warnings[-1]


# -- invariances -------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(game=gs.bayesian_games(), data=st.data())
def test_a_prior_on_one_type_profile_gives_the_complete_information_game(game, data):
    theta = data.draw(st.tuples(*(st.integers(0, t - 1) for t in game.type_counts)))
    prior = np.zeros(game.type_counts)
    prior[theta] = 1.0
    mask = pure_bayes_nash(game.payoffs[..., None], prior[..., None])[..., 0]
    offsets = np.cumsum([0, *game.type_counts])[:-1]
    positive = [int(offsets[i] + t) for i, t in enumerate(theta)]
    projected = {tuple(int(p[a]) for a in positive) for p in np.argwhere(mask)}
    assert projected == complete_pure(np.asarray(game.payoffs)[(slice(None), *theta)])
    # Every agent of probability 0 may play anything: the mask is a product with them.
    assert int(mask.sum()) == len(projected) * int(
        np.prod([mask.shape[a] for a in range(mask.ndim) if a not in positive])
    )


@settings(max_examples=60, deadline=None)
@given(game=gs.bayesian_games(), data=st.data())
def test_relabelling_types_permutes_the_equilibria(game, data):
    actor = data.draw(st.integers(0, game.n_actors - 1))
    order = data.draw(st.permutations(range(game.type_counts[actor])))
    payoffs = np.take(game.payoffs, order, axis=1 + actor)
    prior = np.take(game.prior, order, axis=actor)
    relabelled = BayesianGame(payoffs, prior)
    offsets = np.cumsum([0, *game.type_counts])
    agents = list(range(int(offsets[-1])))
    agents[offsets[actor] : offsets[actor + 1]] = [int(offsets[actor]) + o for o in order]
    mine = pure_bayes_nash(game.payoffs[..., None], game.prior[..., None])[..., 0]
    theirs = pure_bayes_nash(payoffs[..., None], prior[..., None])[..., 0]
    assert np.array_equal(theirs, np.transpose(mine, agents))
    before = {agent_profile(eq): eq for eq in solve_bayesian(game, "pure").equilibria}
    after = {agent_profile(eq): eq for eq in solve_bayesian(relabelled, "pure").equilibria}
    assert set(after) == {tuple(p[a] for a in agents) for p in before}
    for profile, eq in before.items():
        other = after[tuple(profile[a] for a in agents)]
        # the same sums in another order: equal up to rounding
        np.testing.assert_allclose(
            other.interim[actor], eq.interim[actor][list(order)], rtol=0, atol=1e-12
        )
        np.testing.assert_allclose(other.ex_ante, eq.ex_ante, rtol=0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(game=gs.bayesian_games())
def test_types_that_do_not_matter_pool_on_the_complete_information_equilibria(game):
    n = game.n_actors
    base = game.payoffs.reshape(n, -1, *game.shape)[:, 0]  # the payoffs at type profile 0
    payoffs = np.broadcast_to(base[(slice(None), *([None] * n))], game.payoffs.shape)
    mask = pure_bayes_nash(payoffs[..., None], game.prior[..., None])[..., 0]
    offsets = np.cumsum([0, *game.type_counts])
    pooled = set()
    for s in itertools.product(*map(range, game.shape)):
        agents = tuple(s[i] for i in range(n) for _ in range(game.type_counts[i]))
        if mask[agents]:
            pooled.add(s)
    assert pooled == complete_pure(base)
    assert offsets[-1] == mask.ndim


# -- the solver's arguments ---------------------------------------------------------------------------


def test_two_agent_methods_need_a_two_agent_form():
    with pytest.raises(UnsupportedGameError, match="agent normal form has 3 agents"):
        solve_bayesian(KNOWN_BAYESIAN[0].game, "vertex_enumeration")
    with pytest.raises(GameError, match="game: expected a BayesianGame"):
        solve_bayesian(np.zeros(2))  # type: ignore[arg-type]
    (eq,) = solve_bayesian(KNOWN_BAYESIAN[0].game).equilibria
    with pytest.raises(GameError, match="not one of this game's"):
        eq.distribution(BayesianGame(np.zeros((2, 1, 1, 2, 2)), [[1.0]]))
    with pytest.raises(GameError, match="unknown method 'psychic'"):
        solve_bayesian(KNOWN_BAYESIAN[0].game, "psychic")


def test_auto_lists_the_pure_equilibria_and_logit_selects_a_verified_one():
    game = KNOWN_BAYESIAN[0].game
    auto = solve_bayesian(game)
    assert auto.method == "pure" and [agent_profile(eq) for eq in auto.equilibria] == [(0, 0, 1)]
    # The logit path selects a mixed equilibrium here (the game has mixed ones besides the pure):
    # player 1 mixes, the "meet" type plays S, the "avoid" type mixes.
    (eq,) = solve_bayesian(game, "logit").equilibria
    assert agent_profile(eq) == (None, 1, None)
    # By hand: "avoid" is indifferent iff 1 - q = 2 q (q = P(player 1 plays B) = 1/3); player 1
    # iff r = 1/2 + (1 - r)/2 (r = P(avoid plays B) = 2/3); "meet" plays S as 2 (1 - q) > q.
    assert np.allclose(eq.strategies[0][0], [1 / 3, 2 / 3], atol=1e-6)
    assert np.allclose(eq.strategies[1][1], [2 / 3, 1 / 3], atol=1e-6)
    assert brute_interim_regret(game, [np.asarray(s) for s in eq.strategies]) <= 1e-6
    assert not eq.pooling(1) and not eq.separating(1)
    assert "player 2, if meet: S; if avoid: 0." in eq.describe(game)
