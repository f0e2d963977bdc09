"""Tests of negotiation_sim.analysis.enforcement (docs/models.md §4, trust and verification).

Every closed-form threshold is checked against a direct computation that does
not use it: a fine sweep of the value of entering the assurance deal, the value
recursion of the repeated game iterated to its fixed point, the equilibria of
the inspection game found by vertex enumeration, and the separate thresholds
of linked tracks.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from negotiation_sim import GameError, solve
from negotiation_sim.analysis.enforcement import (
    Frontier,
    assurance_frontier,
    assurance_gain,
    assurance_threshold,
    assurance_value,
    inspection_detection_threshold,
    inspection_deters,
    inspection_game,
    inspection_payoffs,
    inspection_rate,
    link_tracks,
    linked_threshold,
    repeated_frontier,
    repeated_threshold,
    repeated_values,
    track_thresholds,
)

# -- strategies --------------------------------------------------------------------------------

gaps = st.floats(0.05, 10.0)
probabilities = st.floats(0.0, 1.0)


@st.composite
def assurance_payoffs(draw: st.DrawFn) -> tuple[float, float, float, float]:
    """``(R, T, P, S)`` with ``R > T > P > S``."""
    s = draw(st.floats(-10.0, 10.0))
    p = s + draw(gaps)
    t = p + draw(gaps)
    r = t + draw(gaps)
    return r, t, p, s


@st.composite
def stage_payoffs(draw: st.DrawFn) -> tuple[float, float, float]:
    """``(T, R, P)`` with ``T > R > P``."""
    p = draw(st.floats(-10.0, 10.0))
    r = p + draw(gaps)
    t = r + draw(gaps)
    return t, r, p


# -- 1. assurance ------------------------------------------------------------------------------


@given(assurance_payoffs(), probabilities)
def test_assurance_threshold_is_where_entering_and_staying_out_are_equal(
    payoffs: tuple[float, float, float, float], verification: float
) -> None:
    # The definition (docs/models.md §4), written out here: entering is worth
    # mu R + (1 - mu)(pi P + (1 - pi) S), staying out mu T + (1 - mu) P.
    r, t, p, s = payoffs
    mu = float(assurance_threshold(r, t, p, s, verification))
    enter = mu * r + (1 - mu) * (verification * p + (1 - verification) * s)
    stay_out = mu * t + (1 - mu) * p
    assert enter == pytest.approx(stay_out, rel=1e-9, abs=1e-9)
    assert float(assurance_threshold(r, t, p, s, 1.0)) == 0.0  # full verification: no trust needed


@given(assurance_payoffs(), probabilities, probabilities)
def test_assurance_threshold_in_unit_interval_and_decreasing(
    payoffs: tuple[float, float, float, float], a: float, b: float
) -> None:
    low, high = sorted((a, b))
    mu_low, mu_high = assurance_threshold(*payoffs, [low, high])
    assert 0.0 <= mu_high <= mu_low < 1.0
    if high > low + 1e-6:
        assert mu_high < mu_low


@given(assurance_payoffs(), probabilities, probabilities)
def test_entering_pays_iff_trust_reaches_threshold(
    payoffs: tuple[float, float, float, float], trust: float, verification: float
) -> None:
    r, t, p, s = payoffs
    mu_star = float(assurance_threshold(r, t, p, s, verification))
    assume(abs(trust - mu_star) > 1e-6)
    enter = float(assurance_value(r, p, s, trust, verification))
    stay_out = trust * t + (1 - trust) * p
    gain = float(assurance_gain(r, t, p, s, trust, verification))
    assert gain == pytest.approx(enter - stay_out, abs=1e-9)
    assert (enter >= stay_out) == (trust >= mu_star)
    assert (gain >= 0) == (trust >= mu_star)


def test_value_is_compared_with_staying_out_not_with_t() -> None:
    """``value >= T`` is a different (higher) threshold: ``(T - S_pi) / (R - S_pi)``."""
    r, t, p, s = 4.0, 3.0, 2.0, 0.0
    trust = 0.7  # above mu*(0) = 2/3, below (T - S)/(R - S) = 3/4
    assert trust > float(assurance_threshold(r, t, p, s, 0.0))
    assert float(assurance_gain(r, t, p, s, trust, 0.0)) > 0
    assert float(assurance_value(r, p, s, trust, 0.0)) < t


@settings(max_examples=30)
@given(assurance_payoffs(), probabilities)
def test_assurance_threshold_matches_fine_sweep(
    payoffs: tuple[float, float, float, float], verification: float
) -> None:
    r, t, p, s = payoffs
    trust = np.linspace(0, 1, 20001)
    enter = assurance_value(r, p, s, trust, verification)
    stay_out = trust * t + (1 - trust) * p
    crossing = trust[np.argmax(enter >= stay_out - 1e-12)]
    assert crossing == pytest.approx(float(assurance_threshold(r, t, p, s, verification)), abs=1e-4)


def test_assurance_broadcasts_over_a_grid() -> None:
    trust = np.linspace(0, 1, 7)[:, None]
    verification = np.linspace(0, 1, 5)[None, :]
    assert assurance_value(4, 2, 0, trust, verification).shape == (7, 5)
    assert assurance_gain(4, 3, 2, 0, trust, verification).shape == (7, 5)
    mu = assurance_threshold(4, 3, 2, 0, verification)
    assert mu.shape == (1, 5)
    accepted = assurance_gain(4, 3, 2, 0, trust, verification) >= -1e-12
    np.testing.assert_array_equal(accepted, trust >= mu - 1e-12)
    assert assurance_threshold(4, 3, 2, 0, 0.5).shape == ()
    # payoffs may vary too: one threshold per scenario
    assert assurance_threshold([4, 5], [3, 3], [2, 2], [0, 1], [[0.0], [0.5]]).shape == (2, 2)


def test_assurance_frontier() -> None:
    frontier = assurance_frontier(4, 3, 2, 0, np.linspace(0, 1, 5))
    assert isinstance(frontier, Frontier)
    assert (frontier.x_name, frontier.y_name) == ("verification", "trust")
    np.testing.assert_allclose(frontier.y, assurance_threshold(4, 3, 2, 0, frontier.x))
    with pytest.raises(ValueError, match="read-only"):
        frontier.y[0] = 1.0
    assert frontier.above(frontier.y).all()


def test_assurance_validation_reports_first_offending_index() -> None:
    with pytest.raises(GameError, match=r"R > T >= P >= S.*index \(1,\)"):
        assurance_threshold([4, 3], [3, 3], 2, 0, 0.5)
    with pytest.raises(
        GameError, match=r"verification: expected a probability in \[0, 1\].*1\.5.*index \(0, 2\)"
    ):
        assurance_threshold(4, 3, 2, 0, [[0.0, 0.5, 1.5, 2.0]])
    with pytest.raises(GameError, match="trust: expected a probability"):
        assurance_value(4, 2, 0, -0.1, 0.5)
    with pytest.raises(GameError, match="finite"):
        assurance_threshold(np.nan, 3, 2, 0, 0.5)
    with pytest.raises(GameError, match="broadcast"):
        assurance_value(4, 2, 0, np.zeros(2), np.zeros(3))


# -- 2. repeated game --------------------------------------------------------------------------


def recursion_values(
    t: float, r: float, p: float, delta: np.ndarray, pi: float, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(V_coop, V_dev)`` by iterating the value recursion to its fixed point.

    V_punish = P / (1 - delta)
    V_coop   = R + delta ((1 - alpha) V_coop + alpha V_punish)
    V_dev    = T + delta ((1 - pi) V_coop + pi V_punish)
    """
    v_punish = p / (1 - delta)
    v_coop = np.zeros_like(delta)
    for _ in range(100_000):
        new = r + delta * ((1 - alpha) * v_coop + alpha * v_punish)
        done = np.max(np.abs(new - v_coop)) <= 1e-12 * max(1.0, float(np.max(np.abs(new))))
        v_coop = new
        if done:
            break
    v_dev = t + delta * ((1 - pi) * v_coop + pi * v_punish)
    return v_coop, v_dev


def test_repeated_threshold_perfect_monitoring_is_textbook() -> None:
    t, r, p = 5.0, 3.0, 1.0
    assert float(repeated_threshold(t, r, p, 1.0, 0.0)) == (t - r) / (t - p)
    tt, rr, pp = np.array([5, 7, 2.5]), np.array([3, 2, 2]), np.array([1, 0, -1])
    np.testing.assert_allclose(repeated_threshold(tt, rr, pp, 1, 0), (tt - rr) / (tt - pp))


@settings(max_examples=40, deadline=None)
@given(stage_payoffs(), probabilities, st.floats(0.0, 0.5))
def test_repeated_threshold_equalises_the_recursions_values(
    payoffs: tuple[float, float, float], pi: float, alpha: float
) -> None:
    # At delta*, the value recursion (iterated here, not the module's closed form) leaves
    # cooperating and deviating worth the same.
    t, r, p = payoffs
    delta_star = float(repeated_threshold(t, r, p, pi, alpha))
    assume(np.isfinite(delta_star) and delta_star < 0.95)
    v_coop, v_dev = recursion_values(t, r, p, np.array([delta_star]), pi, alpha)
    scale = max(1.0, abs(float(v_coop[0])))
    assert float(v_coop[0]) == pytest.approx(float(v_dev[0]), abs=1e-7 * scale)


@settings(max_examples=25, deadline=None)
@given(stage_payoffs(), probabilities, st.floats(0.0, 0.5))
def test_repeated_threshold_matches_value_recursion(
    payoffs: tuple[float, float, float], pi: float, alpha: float
) -> None:
    t, r, p = payoffs
    delta_star = float(repeated_threshold(t, r, p, pi, alpha))
    delta = np.linspace(0, 0.99, 991)
    v_coop, v_dev = recursion_values(t, r, p, delta, pi, alpha)
    scale = max(1.0, float(np.max(np.abs(v_coop))))
    margin = v_coop - v_dev
    clear = np.abs(margin) > 1e-7 * scale  # away from ties
    enforced = margin >= 0
    np.testing.assert_array_equal(enforced[clear], (delta >= delta_star)[clear])
    # the module's own values agree with the recursion
    values = repeated_values(t, r, p, delta, pi, alpha)
    np.testing.assert_allclose(values.cooperate, v_coop, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(values.deviate, v_dev, rtol=1e-9, atol=1e-9)
    if np.isfinite(delta_star) and delta_star < 0.99:
        # at the threshold the two values are equal
        at = repeated_values(t, r, p, delta_star, pi, alpha)
        assert float(at.cooperate) == pytest.approx(float(at.deviate), rel=1e-9, abs=1e-9)
        assert bool(at.self_enforcing)


@given(stage_payoffs(), probabilities, probabilities, probabilities)
def test_repeated_threshold_monotone(
    payoffs: tuple[float, float, float], a: float, b: float, alpha: float
) -> None:
    low, high = sorted((a, b))
    d_low, d_high = repeated_threshold(*payoffs, [low, high], alpha)
    assert d_high <= d_low  # non-increasing in detection
    assert d_high == np.inf or 0 < d_high < 1
    a_low, a_high = repeated_threshold(*payoffs, high, [low, high])
    assert a_low <= a_high  # non-decreasing in false alarms


@given(stage_payoffs(), probabilities, probabilities)
def test_repeated_threshold_infinite_iff_never_self_enforcing(
    payoffs: tuple[float, float, float], pi: float, alpha: float
) -> None:
    t, r, p = payoffs
    delta_star = float(repeated_threshold(t, r, p, pi, alpha))
    if pi <= alpha:
        assert delta_star == np.inf
    # inf iff even delta -> 1 fails: V_coop - V_dev at delta = 1 - eps stays negative
    limit = (pi - alpha) * (r - p) - alpha * (t - r)
    assume(abs(limit) > 1e-6)
    assert (delta_star == np.inf) == (limit < 0)


def test_repeated_broadcast_and_frontier() -> None:
    pi = np.linspace(0, 1, 6)[None, :]
    alpha = np.array([0.0, 0.1, 0.2])[:, None]
    assert repeated_threshold(5, 3, 1, pi, alpha).shape == (3, 6)
    values = repeated_values(5, 3, 1, np.linspace(0, 0.9, 4)[:, None, None], pi, alpha)
    assert values.cooperate.shape == values.deviate.shape == (4, 3, 6)
    frontier = repeated_frontier(5, 3, 1, np.linspace(0, 1, 5))
    assert (frontier.x_name, frontier.y_name) == ("detection", "discount")
    assert frontier.y[0] == np.inf and frontier.y[-1] == 0.5


def test_repeated_validation() -> None:
    with pytest.raises(GameError, match=r"T > R > P.*T=3\.0, R=3\.0.*index \(2,\)"):
        repeated_threshold([5, 5, 3], 3, 1, 1, 0)
    with pytest.raises(GameError, match="false_alarm: expected a probability"):
        repeated_threshold(5, 3, 1, 1, 1.2)
    with pytest.raises(GameError, match=r"discount: expected a number in \[0, 1\)"):
        repeated_values(5, 3, 1, 1.0, 1, 0)


# -- 3. inspection game ------------------------------------------------------------------------


@given(st.floats(0.1, 10), st.floats(0, 10), probabilities, probabilities, st.floats(0, 10))
def test_inspection_deters_iff_complying_pays(
    d: float, b: float, beta: float, alpha: float, f: float
) -> None:
    # From the model's parts (docs/models.md §4): an undetected violation (probability beta)
    # gains d, a caught one pays b; a complying inspectee pays f on a false alarm (alpha).
    violate = beta * d - (1 - beta) * b
    comply = -alpha * f
    assume(abs(comply - violate) > 1e-9)
    assert bool(inspection_deters(d, b, beta, alpha, f)) == (comply > violate)
    module_comply, module_violate = inspection_payoffs(d, b, beta, alpha, f)
    assert float(module_comply) == pytest.approx(comply, abs=1e-12)
    assert float(module_violate) == pytest.approx(violate, abs=1e-9)
    # Detecting every violation (beta = 0) with no false alarms always deters.
    assert bool(inspection_deters(d, b, 0.0, 0.0, f))


@given(st.floats(0.1, 10), st.floats(0, 10), probabilities, probabilities, st.floats(0, 10))
def test_inspection_detection_threshold_is_smallest_deterring(
    d: float, b: float, beta: float, alpha: float, f: float
) -> None:
    threshold = float(inspection_detection_threshold(d, b, alpha, f))
    detection = 1 - beta
    if threshold == np.inf:
        assert f * alpha > b
        assume(detection < 1 - 1e-6)
        assert not inspection_deters(d, b, beta, alpha, f)
        return
    assert 0 < threshold <= 1
    assert bool(inspection_deters(d, b, 1 - threshold, alpha, f))
    assume(abs(detection - threshold) > 1e-6)
    assert bool(inspection_deters(d, b, beta, alpha, f)) == (detection > threshold)


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.1, 5),
    st.floats(0, 5),
    st.floats(0, 0.9),
    probabilities,
    st.floats(0, 5),
    st.floats(0.01, 0.99),
)
def test_inspection_game_equilibrium_matches_closed_forms(
    d: float, b: float, beta: float, alpha: float, f: float, cost_share: float
) -> None:
    margin = (1 - beta) * (b + d) - (d + f * alpha)
    assume(abs(margin) > 1e-3)
    loss = 2.0
    cost = cost_share * (1 - beta) * loss
    game = inspection_game(d, b, beta, alpha, f, loss=loss, cost=cost)
    equilibria = solve(game, "vertex_enumeration").equilibria
    assert len(equilibria) == 1
    inspectee, inspector = equilibria[0].strategies
    if bool(inspection_deters(d, b, beta, alpha, f)):
        assert margin > 0
        assert inspectee[0] > 0  # compliance with positive probability
        assert inspector[1] == pytest.approx(float(inspection_rate(d, b, beta, alpha, f)), abs=1e-6)
        assert inspectee[1] == pytest.approx(cost / ((1 - beta) * loss), abs=1e-6)
    else:
        assert margin < 0
        assert float(inspection_rate(d, b, beta, alpha, f)) == np.inf
        np.testing.assert_allclose(inspectee, [0, 1], atol=1e-9)  # violate
        np.testing.assert_allclose(inspector, [0, 1], atol=1e-9)  # inspect


def test_inspection_broadcast_and_validation() -> None:
    beta = np.linspace(0, 1, 4)[:, None]
    alpha = np.linspace(0, 0.5, 3)[None, :]
    assert inspection_deters(1, 3, beta, alpha, 2).shape == (4, 3)
    assert inspection_deters(1, 3, beta, alpha, 2).dtype == np.bool_
    assert inspection_rate(1, 3, beta, alpha, 2).shape == (4, 3)
    assert inspection_detection_threshold(1, 3, alpha, 2).shape == (1, 3)
    with pytest.raises(GameError, match=r"beta: expected a probability.*index \(1,\)"):
        inspection_deters(1, 3, [0.5, -0.5], 0.1, 2)
    with pytest.raises(GameError, match="d: expected a positive gain"):
        inspection_deters(0, 3, 0.5, 0.1, 2)
    with pytest.raises(GameError, match="cost < "):
        inspection_game(1, 3, 0.5, 0.1, 2, loss=1, cost=0.6)
    with pytest.raises(GameError, match="scalar"):
        inspection_game(1, 3, [0.5, 0.6], 0.1, 2)  # type: ignore[arg-type]  # wrong on purpose


def test_inspection_game_labels() -> None:
    game = inspection_game(1, 3, 0.5, 0.1, 2)
    assert game.actors == ("inspectee", "inspector")
    assert game.options == (("comply", "violate"), ("trust", "inspect"))
    comply, violate = inspection_payoffs(1, 3, 0.5, 0.1, 2)
    assert game.payoffs[0, 0, 1] == comply and game.payoffs[0, 1, 1] == violate


# -- 4. issue linkage --------------------------------------------------------------------------


@st.composite
def tracks(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(T, R, P)`` per track, ``T_k >= R_k > P_k``, 1 to 5 tracks."""
    k = draw(st.integers(1, 5))
    p = np.array(draw(st.lists(st.floats(-10, 10), min_size=k, max_size=k)))
    r = p + np.array(draw(st.lists(gaps, min_size=k, max_size=k)))
    t = r + np.array(draw(st.lists(st.floats(0, 10), min_size=k, max_size=k)))
    return t, r, p


@given(tracks())
def test_linked_threshold_between_separate_thresholds(
    payoffs: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    t, r, p = payoffs
    separate = track_thresholds(t, r, p)
    linked = float(linked_threshold(t, r, p))
    assert separate.min() - 1e-12 <= linked <= separate.max() + 1e-12
    weights = t - p
    assert linked == pytest.approx(float(np.sum(weights * separate) / np.sum(weights)), abs=1e-12)
    pooled = link_tracks(t, r, p)
    if pooled[0] > pooled[1]:
        assert linked == pytest.approx(float(repeated_threshold(*pooled, 1.0, 0.0)), abs=1e-12)


def test_slack_track_carries_tight_track() -> None:
    t, r, p = [10, 10], [1, 9], [0, 0]
    np.testing.assert_allclose(track_thresholds(t, r, p), [0.9, 0.1])
    delta = 0.6
    assert delta < 0.9  # the security track alone is not self-enforcing
    assert delta >= float(linked_threshold(t, r, p))  # linked, both are


def test_linkage_axis_and_broadcast() -> None:
    rng = np.random.default_rng(0)
    p = rng.normal(size=(4, 3))
    r = p + rng.uniform(0.1, 1, size=(4, 3))
    t = r + rng.uniform(0, 1, size=(4, 3))
    assert linked_threshold(t, r, p).shape == (4,)
    assert linked_threshold(t, r, p, axis=0).shape == (3,)
    np.testing.assert_allclose(linked_threshold(t, r, p, axis=0), linked_threshold(t.T, r.T, p.T))
    with pytest.raises(GameError, match="axis"):
        linked_threshold(t, r, p, axis=2)
    with pytest.raises(GameError, match=r"T >= R > P.*index \(1,\)"):
        linked_threshold([5, 2], [3, 3], [1, 1])
    with pytest.raises(GameError, match="array of tracks"):
        linked_threshold(5, 3, 1)
