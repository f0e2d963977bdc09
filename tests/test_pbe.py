"""Perfect Bayesian equilibria of random small signalling games against a brute force.

The brute force tries every pure strategy pair and looks for supporting off-path beliefs on a
grid of the belief simplex. With two types and integer payoffs in [0, 4], every boundary of a
best-reply region is ``P(type 0) = b / (b - a)`` with ``|b - a| <= 8``, a multiple of 1/840:
the grid of step 1/840 contains every such region's endpoints, so "some belief supports the
response" is decided exactly. With three types a coarser grid can only miss beliefs, so
there every pair it finds must be returned (and every returned one is checked directly).
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from negotiation_sim.signalling import (
    PerfectBayesianEquilibrium,
    SignallingGame,
    equilibria_over_priors,
    perfect_bayesian_equilibria,
)

TOL = 1e-9
Pair = tuple[tuple[int, ...], tuple[int, ...]]


@st.composite
def signalling_games(draw: st.DrawFn, *, types: tuple[int, int] = (2, 2)) -> SignallingGame:
    """Games with 2–3 messages and responses, integer payoffs in [0, 4] (many ties)."""
    t = draw(st.integers(*types))
    m = draw(st.integers(2, 3))
    r = draw(st.integers(2, 3))
    weights = draw(st.lists(st.integers(0, 4), min_size=t, max_size=t).filter(any))
    payoffs = hnp.arrays(np.int64, (t, m, r), elements=st.integers(0, 4))
    prior = np.array(weights, dtype=float) / sum(weights)
    return SignallingGame(prior, draw(payoffs), draw(payoffs))


@functools.cache
def belief_grid(n_types: int, support: tuple[int, ...], steps: int) -> np.ndarray:
    """Beliefs over ``support`` whose entries are multiples of ``1 / steps`` (read-only)."""
    points = []
    for counts in itertools.product(range(steps + 1), repeat=len(support) - 1):
        if sum(counts) <= steps:
            belief = np.zeros(n_types)
            belief[list(support)] = [*counts, steps - sum(counts)]
            points.append(belief / steps)
    grid = np.array(points)
    grid.setflags(write=False)
    return grid


def best(values: np.ndarray) -> np.ndarray:
    """Which responses are best (within TOL) in each row of expected payoffs."""
    result: np.ndarray = values >= values.max(axis=-1, keepdims=True) - TOL
    return result


class BruteForce:
    """Every pure PBE of a game by trying all pairs, beliefs from a grid."""

    def __init__(self, game: SignallingGame, steps: int) -> None:
        self.game = game
        self.steps = steps
        self.support = tuple(int(t) for t in np.flatnonzero(game.prior > 0))
        self.seen: dict[tuple[int, tuple[int, ...]], set[int]] = {}

    def credible(self, message: int, types: tuple[int, ...]) -> set[int]:
        """Responses best for some grid belief over ``types``."""
        if (message, types) not in self.seen:
            grid = belief_grid(self.game.shape[0], types, self.steps)
            values = grid @ self.game.receiver[:, message, :]
            self.seen[message, types] = {int(r) for r in np.flatnonzero(best(values).any(axis=0))}
        return self.seen[message, types]

    def is_pbe(self, message: tuple[int, ...], response: tuple[int, ...]) -> bool:
        game = self.game
        values = np.array([[game.sender[t, m, response[m]] for m in range(game.shape[1])]
                           for t in range(game.shape[0])])  # fmt: skip
        if any(values[t, message[t]] < values[t].max() - TOL for t in range(game.shape[0])):
            return False
        for m in range(game.shape[1]):
            senders = [t for t in self.support if message[t] == m]
            if senders:
                belief = np.zeros(game.shape[0])
                belief[senders] = game.prior[senders] / game.prior[senders].sum()
                if not best(belief @ game.receiver[:, m, :])[response[m]]:
                    return False
            elif response[m] not in self.credible(m, self.support):
                return False
        return True

    def all_pbe(self) -> set[Pair]:
        t, m, r = self.game.shape
        return {
            (s, a)
            for s in itertools.product(range(m), repeat=t)
            for a in itertools.product(range(r), repeat=m)
            if self.is_pbe(s, a)
        }

    def intuitive(self, message: tuple[int, ...], response: tuple[int, ...]) -> bool:
        """Cho–Kreps by the book, with credible responses from the grid."""
        sender = self.game.sender
        value = {t: sender[t, message[t], response[message[t]]] for t in self.support}
        for m in set(range(self.game.shape[1])) - {message[t] for t in self.support}:
            everything = sorted(self.credible(m, self.support))
            dominated = {t for t in self.support if sender[t, m, everything].max() < value[t] - TOL}
            rest = tuple(t for t in self.support if t not in dominated)
            if not rest:
                continue
            replies = sorted(self.credible(m, rest))
            if any(sender[t, m, replies].min() > value[t] + TOL for t in rest):
                return False
        return True


def check_equilibrium(game: SignallingGame, eq: PerfectBayesianEquilibrium) -> None:
    """Sequential rationality with the returned beliefs, Bayes' rule on the path."""
    n_types, n_messages, _ = game.shape
    support = [t for t in range(n_types) if game.prior[t] > 0]
    values = game.sender[np.arange(n_types)[:, None], np.arange(n_messages), list(eq.response)]
    chosen = values[np.arange(n_types), list(eq.message)]
    assert np.all(chosen >= values.max(axis=1) - TOL)
    assert np.allclose(eq.payoffs, chosen)
    for m in range(n_messages):
        belief = eq.beliefs[m]
        assert abs(belief.sum() - 1) < 1e-9 and belief.min() >= 0
        assert not belief[[t for t in range(n_types) if t not in support]].any()
        assert best(belief @ game.receiver[:, m, :])[eq.response[m]]
        senders = [t for t in support if eq.message[t] == m]
        if senders:
            bayes = np.where([t in senders for t in range(n_types)], game.prior, 0.0)
            np.testing.assert_allclose(belief, bayes / bayes.sum(), atol=1e-12)
            assert m not in eq.off_path
        else:
            assert eq.off_path[m].contains(belief)
            assert eq.off_path[m].response == eq.response[m]
            vertices = eq.off_path[m].vertices
            assert vertices is not None and len(vertices)
            assert best(vertices @ game.receiver[:, m, :])[:, eq.response[m]].all()
    assert eq.regret <= TOL


@settings(max_examples=80, deadline=None)
@given(signalling_games(types=(2, 2)))
def test_two_types_exactly_the_brute_force_equilibria(game):
    oracle = BruteForce(game, steps=840)
    found = perfect_bayesian_equilibria(game)
    assert {(e.message, e.response) for e in found} == oracle.all_pbe()
    for eq in found:
        check_equilibrium(game, eq)
        assert eq.intuitive == oracle.intuitive(eq.message, eq.response)
        for m, beliefs in eq.off_path.items():
            if len(oracle.support) < 2:
                continue
            # The interval is exactly the grid beliefs supporting the response.
            grid = belief_grid(2, (0, 1), 840)
            supported = best(grid @ game.receiver[:, m, :])[:, eq.response[m]]
            assert beliefs.interval is not None
            lo, hi = beliefs.interval
            inside = (grid[:, 0] >= lo - 1e-9) & (grid[:, 0] <= hi + 1e-9)
            assert np.array_equal(supported, inside)


@settings(max_examples=30, deadline=None)
@given(signalling_games(types=(3, 3)))
def test_three_types_sound_and_no_grid_equilibrium_missed(game):
    found = perfect_bayesian_equilibria(game)
    for eq in found:
        check_equilibrium(game, eq)
        assert eq.kind == (
            "pooling"
            if len({eq.message[t] for t in game.support}) == 1
            else "separating"
            if len({eq.message[t] for t in game.support}) == len(game.support)
            else "semi-separating"
        )
    assert BruteForce(game, steps=12).all_pbe() <= {(e.message, e.response) for e in found}


@settings(max_examples=30, deadline=None)
@given(signalling_games(types=(2, 3)), st.randoms(use_true_random=False))
def test_relabelling_types_changes_nothing(game, random):
    order = list(range(game.shape[0]))
    random.shuffle(order)
    relabelled = SignallingGame(game.prior[order], game.sender[order], game.receiver[order])
    original = {(e.message, e.response, e.intuitive) for e in perfect_bayesian_equilibria(game)}
    permuted = {
        (tuple(e.message[order.index(t)] for t in range(len(order))), e.response, e.intuitive)
        for e in perfect_bayesian_equilibria(relabelled)
    }
    assert permuted == original


@settings(max_examples=30, deadline=None)
@given(
    signalling_games(types=(2, 2)),
    st.lists(st.tuples(st.integers(1, 9), st.integers(1, 9)), min_size=1, max_size=4),
)
def test_a_batch_of_priors_gives_each_prior_s_brute_force_equilibria(game, weights):
    priors = np.array(weights, dtype=float) / np.sum(weights, axis=1, keepdims=True)
    batch = equilibria_over_priors(game, priors.reshape(1, -1, 2))
    assert batch.holds.shape == (1, len(priors), len(batch.message))
    for point, prior in enumerate(priors):
        oracle = BruteForce(SignallingGame(prior, game.sender, game.receiver), steps=840)
        holds = batch.holds[0, point]
        found = {(tuple(batch.message[k]), tuple(batch.response[k])) for k in np.flatnonzero(holds)}
        assert found == oracle.all_pbe()
        for k in np.flatnonzero(holds):
            pair = (tuple(batch.message[k]), tuple(batch.response[k]))
            assert bool(batch.intuitive[k]) == oracle.intuitive(*pair)
    assert batch.holds.any(axis=(0, 1)).all()  # only pairs that are an equilibrium somewhere
