"""Equilibrium selection rules (negotiation_sim.analysis.selection) against independent oracles:
brute force over profiles (itertools), Harsanyi and Selten's closed-form inequality on random
2x2 games, the stag hunt, and games where no equilibrium payoff-dominates."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from negotiation_sim import Game, load_scenario, solve
from negotiation_sim.analysis.selection import (
    EQUILIBRIUM_SETS,
    RULES,
    equilibrium_set,
    explain_selection,
    logit_select,
    select_pure,
)
from negotiation_sim.sweep.measure import landscape
from tests.oracles import format_path, scenario_table

STAG_HUNT = Game.from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])


# --- brute-force oracles: the definitions, one profile at a time ----------------------------


def brute_equilibria(u: np.ndarray) -> list[tuple[int, ...]]:
    """Every pure equilibrium of payoffs ``u`` (n, k...), by every unilateral deviation."""
    n, shape = u.shape[0], u.shape[1:]
    found = []
    for p in itertools.product(*map(range, shape)):
        if all(
            u[(i, *p)] >= u[(i, *p[:i], o, *p[i + 1 :])] - 1e-9
            for i in range(n)
            for o in range(shape[i])
        ):
            found.append(p)
    return found


def brute_select(rule: str, u: np.ndarray) -> tuple[int, ...] | None:
    """The profile ``rule`` selects, straight from its definition."""
    eqs = brute_equilibria(u)
    if not eqs:
        return None
    last = np.moveaxis(u, 0, -1)
    pay = {p: last[p] for p in eqs}
    if rule == "welfare":
        totals = [pay[p].sum() for p in eqs]
        return eqs[totals.index(max(totals))]

    def same(p: tuple[int, ...], q: tuple[int, ...]) -> bool:
        return bool(np.all(np.abs(pay[p] - pay[q]) <= 1e-9))

    def beats(p: tuple[int, ...], q: tuple[int, ...]) -> bool:
        if rule == "payoff_dominance":
            return bool(np.all(pay[p] >= pay[q]) and np.any(pay[p] > pay[q]))
        differ = [i for i in range(len(p)) if p[i] != q[i]]

        def product(a: tuple[int, ...], b: tuple[int, ...]) -> float:
            value = 1.0
            for i in differ:
                moved = list(a)
                moved[i] = b[i]
                value *= u[(i, *a)] - u[(i, *moved)]
            return value

        ours, theirs = product(p, q), product(q, p)
        return ours - theirs > 1e-9 * max(abs(ours) + abs(theirs), 1.0)

    for p in eqs:
        if all(q == p or same(p, q) or beats(p, q) for q in eqs):
            return p
    return None


def random_games(rng: np.random.Generator, shape: tuple[int, ...], count: int) -> np.ndarray:
    """``count`` games with small whole payoffs (ties and several equilibria are common)."""
    return rng.integers(0, 4, size=(len(shape), *shape, count)).astype(float)


def selected(rule: str, u: np.ndarray) -> list[tuple[int, ...] | None]:
    mask = np.zeros(u.shape[1:], dtype=bool)
    for b in range(u.shape[-1]):
        for p in brute_equilibria(u[..., b]):
            mask[(*p, b)] = True
    flat = select_pure(rule, u, mask)
    shape = u.shape[1:-1]
    return [None if f < 0 else tuple(int(i) for i in np.unravel_index(f, shape)) for f in flat]


# --- the batched rules ----------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES[:3])
@pytest.mark.parametrize("shape", [(2, 2), (3, 2), (2, 2, 2), (2, 3, 2)])
def test_batched_rules_equal_brute_force(rule, shape):
    rng = np.random.default_rng([RULES.index(rule), *shape])
    u = random_games(rng, shape, 300)
    got = selected(rule, u)
    expected = [brute_select(rule, u[..., b]) for b in range(u.shape[-1])]
    assert got == expected
    assert any(g is None for g in got) or rule == "welfare"  # the "none" case is exercised


def test_risk_dominance_is_harsanyi_selten_on_random_2x2_coordination_games():
    """Two strict equilibria (top, left) and (bottom, right): MODEL §10's inequality."""
    rng = np.random.default_rng(15)
    checked = 0
    for _ in range(500):
        a, b = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
        a[0, 0], a[1, 1] = a[1, 0] + rng.uniform(0.1, 2), a[0, 1] + rng.uniform(0.1, 2)
        b[0, 0], b[1, 1] = b[0, 1] + rng.uniform(0.1, 2), b[1, 0] + rng.uniform(0.1, 2)
        first = (a[0, 0] - a[1, 0]) * (b[0, 0] - b[0, 1])
        second = (a[1, 1] - a[0, 1]) * (b[1, 1] - b[1, 0])
        if abs(first - second) < 1e-6:
            continue
        u = np.stack([a, b])[..., None]
        mask = np.array([[True, False], [False, True]])[..., None]
        assert int(select_pure("risk_dominance", u, mask)[0]) == (0 if first > second else 3)
        checked += 1
    assert checked > 450


def test_stag_hunt_payoff_dominant_stag_risk_dominant_hare():
    record = explain_selection(STAG_HUNT)
    assert record["profiles"] == [[0, 0], [1, 1]]
    chosen = {rule: record["rules"][rule]["selected"] for rule in RULES}
    assert chosen == {"welfare": 0, "payoff_dominance": 0, "risk_dominance": 1, "logit": 1}
    # Losses: (stag, stag) -> 1 each; (hare, hare) -> 3 each.
    assert record["rules"]["risk_dominance"]["pairs"][0]["products"] == [1.0, 9.0]


def test_no_equilibrium_payoff_dominates_in_the_battle_of_the_sexes():
    sexes = Game.from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    record = explain_selection(sexes)
    assert record["rules"]["payoff_dominance"]["selected"] is None
    assert record["rules"]["payoff_dominance"]["pairs"] == [
        {"pair": [0, 1], "relation": "incomparable"}
    ]
    assert record["rules"]["welfare"]["selected"] == 0  # a tie (3 each): the first profile
    assert record["rules"]["risk_dominance"]["selected"] is None  # 2 x 1 = 1 x 2: a tie


def test_logit_select_matches_the_tracer_directly():
    rng = np.random.default_rng(4)
    for _ in range(5):
        u = random_games(rng, (2, 3), 1)[..., 0] + rng.uniform(0, 0.01, size=(2, 2, 3))
        game = Game(u)
        eqs = brute_equilibria(u)
        if len(eqs) < 2:
            continue
        sigma = solve(game, "logit").equilibria[0].strategies
        weights = [sigma[0][p[0]] * sigma[1][p[1]] for p in eqs]
        index, record = logit_select(game, eqs)
        assert index == int(np.argmax(weights))
        assert record["probabilities"] == pytest.approx(weights, abs=1e-9)


def test_equilibrium_set_codes():
    deal = np.array([True, True, False, False])
    no_deal = np.array([False, True, True, False])
    assert equilibrium_set(deal, no_deal).tolist() == [0, 1, 2, 3]
    assert EQUILIBRIUM_SETS[3] == "no_pure_equilibrium"


# --- the sweep's metric: every rule against brute force over the scenario -------------------


def scenario_select(scenario, format, params, rule):
    """The selected outcome id at one point: the format's game by brute force (tests.oracles),
    then the rule's definition on it."""
    chosen = scenario.format(format)
    table = scenario_table(scenario, params)
    path = format_path(scenario, format, table)
    ids = list(scenario.actor_ids)
    rows = [ids.index(a) for a in chosen.choosers]
    shape = tuple(len(scenario.actors[i].options) for i in rows)
    u = np.empty((len(rows), *shape))
    totals = np.empty(shape)
    last = np.moveaxis(u, 0, -1)  # a view: writes reach u
    for profile, full in path.items():
        last[profile] = [table[full][i] for i in rows]
        totals[profile] = sum(table[full])
    pick: tuple[int, ...] | None
    if rule == "welfare":
        eqs = brute_equilibria(u)
        if not eqs:
            return None
        best = [totals[p] for p in eqs]
        pick = eqs[best.index(max(best))]
    else:
        pick = brute_select(rule, u)
    if pick is None:
        return None
    return scenario.outcome_ids[int(scenario.profile_outcomes[path[pick]])]


@pytest.mark.parametrize("rule", ["welfare", "payoff_dominance", "risk_dominance"])
@pytest.mark.parametrize("format", ["bilateral", "multilateral"])
def test_landscape_selection_equals_brute_force_on_alaska(rule, format):
    alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    trust = np.linspace(0, 1, 7)
    verification = np.linspace(0, 1, 5)
    view = landscape(alaska, {"trust": trust, "verification": verification}, format, selection=rule)
    assert view.selection == rule
    for i, t in enumerate(trust):
        for j, v in enumerate(verification):
            params = {"trust": float(t), "verification": float(v)}
            expected = scenario_select(alaska, format, params, rule)
            code = int(view.outcome[i, j])
            assert (alaska.outcome_ids[code] if code >= 0 else None) == expected, params
            assert np.isnan(view.welfare[i, j]) == (expected is None)


def test_landscape_logit_is_the_tracer_where_there_are_several_equilibria():
    alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    trust, verification = [0.3, 0.8], [0.2, 0.8]
    view = landscape(
        alaska, {"trust": trust, "verification": verification}, "multilateral", selection="logit"
    )
    for i, t in enumerate(trust):
        for j, v in enumerate(verification):
            game = alaska.game({"trust": t, "verification": v}, format="multilateral")
            eqs = brute_equilibria(np.asarray(game.payoffs))
            sigma = solve(game, "logit").equilibria[0].strategies
            weights = [float(np.prod([s[o] for s, o in zip(sigma, p, strict=True)])) for p in eqs]
            pick = eqs[int(np.argmax(weights))] if len(eqs) > 1 else eqs[0]
            full = alaska.profile_of("multilateral", pick, {"trust": t, "verification": v})
            expected = alaska.outcome_ids[int(alaska.profile_outcomes[tuple(full)])]
            assert alaska.outcome_ids[int(view.outcome[i, j])] == expected
    # The audit of issue 15: at trust = verification = 0.8 logit picks the Donetsk deal, the
    # welfare rule the front-line deal.
    assert alaska.outcome_ids[int(view.outcome[1, 1])] == "deal_donetsk"
    welfare = landscape(alaska, {"trust": [0.8], "verification": [0.8]}, "multilateral")
    assert alaska.outcome_ids[int(welfare.outcome[0, 0])] == "deal_front_line"


def test_landscape_equilibrium_set_is_the_brute_force_set():
    alaska = load_scenario("scenarios/alaska_2025_reduced.toml")
    trust = np.linspace(0, 1, 6)
    view = landscape(alaska, {"trust": trust, "verification": [0.0, 0.9]}, "bilateral")
    for i, t in enumerate(trust):
        for j, v in enumerate([0.0, 0.9]):
            table = scenario_table(alaska, {"trust": float(t), "verification": v})
            path = format_path(alaska, "bilateral", table)
            chosen = alaska.format("bilateral")
            rows = [list(alaska.actor_ids).index(a) for a in chosen.choosers]
            shape = tuple(len(alaska.actors[r].options) for r in rows)
            u = np.empty((len(rows), *shape))
            last = np.moveaxis(u, 0, -1)  # a view: writes reach u
            for profile, full in path.items():
                last[profile] = [table[full][r] for r in rows]
            deals = [
                alaska.outcomes[alaska.outcome_ids[int(alaska.profile_outcomes[path[p]])]].is_deal
                for p in brute_equilibria(u)
            ]
            expected = (
                3
                if not deals
                else (1 if any(deals) and not all(deals) else (0 if all(deals) else 2))
            )
            assert int(view.equilibrium_set[i, j]) == expected


def test_risk_dominance_refuses_more_candidates_than_it_compares_pairwise():
    from negotiation_sim.analysis.selection import MAX_PAIRWISE
    from negotiation_sim.errors import GameError

    k = int(np.ceil(np.sqrt(MAX_PAIRWISE + 1)))
    u = np.zeros((2, k, k, 1))  # all ties: every profile is an equilibrium
    mask = np.ones((k, k, 1), dtype=bool)
    with pytest.raises(GameError, match="compares equilibria pairwise"):
        select_pure("risk_dominance", u, mask)
    assert select_pure("payoff_dominance", u, mask).tolist() == [0]  # all the same: the first
