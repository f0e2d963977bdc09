"""Shapley values: the four axioms (Shapley 1953) and known values from the literature."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import load_scenario
from negotiation_sim.analysis import analyse_scenario, blocking_actors, who_must_agree
from negotiation_sim.analysis.coalitions import (
    shapley_value,
    unanimity_game,
    veto_game,
    weighted_majority,
)
from negotiation_sim.errors import GameError
from negotiation_sim.scenario import parse_scenario

Value = Callable[[frozenset[str]], float]
#: A coalition game: its actors and the value of every coalition.
TUGame = tuple[list[str], dict[frozenset[str], float]]
FOUR = ["US", "Russia", "Ukraine", "EU"]


def _coalitions(actors: list[str]) -> list[frozenset[str]]:
    return [frozenset(c) for k in range(len(actors) + 1) for c in itertools.combinations(actors, k)]


@st.composite
def tu_games(draw: st.DrawFn, *, max_actors: int = 5) -> TUGame:
    """A coalition game with integer values on 1..max_actors actors (v(empty) arbitrary)."""
    n = draw(st.integers(1, max_actors))
    actors = [f"a{i}" for i in range(n)]
    table = {s: float(draw(st.integers(-5, 10))) for s in _coalitions(actors)}
    return actors, table


def _by_permutations(actors: list[str], value: Value) -> dict[str, Fraction]:
    """Oracle: average marginal contribution over all n! orders, in exact arithmetic."""
    totals = dict.fromkeys(actors, Fraction(0))
    orders = list(itertools.permutations(actors))
    for order in orders:
        before: frozenset[str] = frozenset()
        for actor in order:
            totals[actor] += Fraction(value(before | {actor})) - Fraction(value(before))
            before = before | {actor}
    return {a: t / len(orders) for a, t in totals.items()}


# -- axioms ---------------------------------------------------------------------------------


@given(game=tu_games())
@settings(max_examples=60, deadline=None)
def test_efficiency_and_permutation_formula(game):
    actors, table = game
    phi = shapley_value(actors, table.__getitem__)
    assert list(phi) == actors
    everyone = frozenset(actors)
    assert math.isclose(sum(phi.values()), table[everyone] - table[frozenset()], abs_tol=1e-9)
    oracle = _by_permutations(actors, table.__getitem__)
    for a in actors:
        assert math.isclose(phi[a], float(oracle[a]), abs_tol=1e-9)


@given(game=tu_games(max_actors=4))
@settings(max_examples=40, deadline=None)
def test_null_actor_gets_zero(game):
    actors, table = game
    phi = shapley_value([*actors, "dummy"], lambda s: table[s - {"dummy"}])
    assert abs(phi["dummy"]) <= 1e-12
    base = shapley_value(actors, table.__getitem__)
    for a in actors:
        assert math.isclose(phi[a], base[a], abs_tol=1e-9)


@given(game=tu_games(max_actors=4))
@settings(max_examples=40, deadline=None)
def test_symmetric_actors_get_equal_values(game: TUGame):
    actors, table = game
    actors = [*actors, "twin"]  # "twin" plays the same role as actors[0]
    first = actors[0]

    def swap(s: frozenset[str]) -> frozenset[str]:
        out = set(s)
        if (first in s) != ("twin" in s):
            out ^= {first, "twin"}
        return frozenset(out)

    def value(s: frozenset[str]) -> float:
        # Symmetrised: v(S) depends on how many of {first, twin} are in S, not which.
        canonical = swap(s) if "twin" in s and first not in s else s
        return table[canonical - {"twin"}] + (2.0 if {first, "twin"} <= s else 0.0)

    assert value(frozenset({"twin"})) == value(frozenset({first}))
    phi = shapley_value(actors, value)
    assert math.isclose(phi[first], phi["twin"], abs_tol=1e-9)


@given(a=tu_games(max_actors=4), data=st.data())
@settings(max_examples=40, deadline=None)
def test_additivity(a, data):
    actors, table_a = a
    table_b = {s: float(data.draw(st.integers(-5, 10))) for s in table_a}
    phi_a = shapley_value(actors, table_a.__getitem__)
    phi_b = shapley_value(actors, table_b.__getitem__)
    phi_sum = shapley_value(actors, lambda s: table_a[s] + table_b[s])
    for x in actors:
        assert math.isclose(phi_sum[x], phi_a[x] + phi_b[x], abs_tol=1e-9)


# -- known values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "required", [{"US"}, {"US", "Russia"}, {"US", "Russia", "Ukraine"}, set(FOUR)]
)
def test_unanimity_game_gives_one_over_t(required):
    # Shapley (1953): in the unanimity game u_T each member of T gets 1/|T|, others 0.
    phi = shapley_value(FOUR, unanimity_game(required))
    for actor in FOUR:
        expected = 1 / len(required) if actor in required else 0.0
        assert math.isclose(phi[actor], expected, abs_tol=1e-12)


def test_models_md_formats() -> None:
    # models.md §5: who must agree.
    bilateral = shapley_value(FOUR, unanimity_game({"US", "Russia"}))
    assert bilateral == pytest.approx({"US": 0.5, "Russia": 0.5, "Ukraine": 0, "EU": 0})
    ukraine_veto = shapley_value(FOUR, veto_game({"US", "Russia", "Ukraine"}))
    assert ukraine_veto == pytest.approx({"US": 1 / 3, "Russia": 1 / 3, "Ukraine": 1 / 3, "EU": 0})
    either = shapley_value(FOUR, veto_game({"US", "Russia"}, {"Ukraine", "EU"}, at_least=1))
    assert either == pytest.approx(
        {"US": 5 / 12, "Russia": 5 / 12, "Ukraine": 1 / 12, "EU": 1 / 12}
    )


def test_three_player_majority() -> None:
    # Any two of three win: 1/3 each (Shapley & Shubik 1954, APSR 48).
    phi = shapley_value(["a", "b", "c"], weighted_majority({"a": 1, "b": 1, "c": 1}, 2))
    assert phi == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})


def test_glove_game() -> None:
    # One left glove, two right gloves (Maschler, Solan & Zamir 2013, Game Theory, on the Shapley value):
    # the scarce left glove gets 2/3, each right glove 1/6.
    def gloves(s: frozenset[str]) -> float:
        return float(min(len(s & {"L"}), len(s & {"R1", "R2"})))

    assert shapley_value(["L", "R1", "R2"], gloves) == pytest.approx(
        {"L": 2 / 3, "R1": 1 / 6, "R2": 1 / 6}
    )


def test_un_security_council_1954() -> None:
    # Shapley & Shubik (1954), APSR 48: the 11-member Council (5 permanent with veto, 6 elected,
    # 7 votes to pass) gives each permanent member .1974 and each elected one .0022 — 98.7% of
    # the power to the permanent five.
    permanent = [f"P{i}" for i in range(5)]
    elected = [f"E{i}" for i in range(6)]
    phi = shapley_value([*permanent, *elected], veto_game(permanent, elected, at_least=2))
    assert all(round(phi[p], 4) == 0.1974 for p in permanent)
    assert all(round(phi[e], 4) == 0.0022 for e in elected)
    assert round(sum(phi[p] for p in permanent), 3) == 0.987


def test_un_security_council_since_1965() -> None:
    # 15 members, 9 votes with no permanent veto: 421/2145 ~ .1963 and 4/2145 ~ .00186 each
    # (e.g. Straffin 1993, Game Theory and Strategy, on power indices). An elected member is pivotal only
    # as the 9th voter after all five permanent and 3 of the other 9 elected:
    # C(9, 3) 8! 6! / 15! = 4/2145.
    permanent = [f"P{i}" for i in range(5)]
    elected = [f"E{i}" for i in range(10)]
    phi = shapley_value(
        [*permanent, *elected], veto_game(permanent, elected, at_least=4), max_actors=15
    )
    pivotal = Fraction(math.comb(9, 3) * math.factorial(8) * math.factorial(6), math.factorial(15))
    assert pivotal == Fraction(4, 2145)
    assert all(math.isclose(phi[e], 4 / 2145, rel_tol=1e-9) for e in elected)
    assert all(math.isclose(phi[p], 421 / 2145, rel_tol=1e-9) for p in permanent)


def test_weighted_majority_small_party_is_pivotal() -> None:
    phi = shapley_value(["A", "B", "C"], weighted_majority({"A": 49, "B": 49, "C": 2}, 51))
    assert phi == pytest.approx({"A": 1 / 3, "B": 1 / 3, "C": 1 / 3})
    phi = shapley_value(["A", "B", "C"], weighted_majority({"A": 50, "B": 30, "C": 20}, 51))
    assert phi == pytest.approx({"A": 2 / 3, "B": 1 / 6, "C": 1 / 6})


# -- errors ---------------------------------------------------------------------------------


def test_bad_inputs_raise() -> None:
    with pytest.raises(GameError, match="max_actors"):
        shapley_value([f"a{i}" for i in range(13)], lambda s: 0.0)
    with pytest.raises(GameError, match="distinct"):
        shapley_value(["a", "a"], lambda s: 0.0)
    with pytest.raises(GameError):
        shapley_value("ab", lambda s: 0.0)
    with pytest.raises(GameError, match="finite"):
        shapley_value(["a"], lambda s: math.nan)
    with pytest.raises(GameError):
        unanimity_game(set())
    with pytest.raises(GameError):
        veto_game({"a"}, {"a", "b"})
    with pytest.raises(GameError):
        veto_game({"a"}, {"b"}, at_least=2)
    with pytest.raises(GameError):
        weighted_majority({"a": -1.0}, 1)
    with pytest.raises(GameError):
        weighted_majority({"a": 1.0}, 0)
    assert shapley_value([], lambda s: 1.0) == {}


# -- who must agree, read off a scenario -------------------------------------------------------

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

#: Three actors and no Ukraine: a deal needs north's yes and the yes of south or west.
NORTH_NEEDS_ONE = """
format_version = 1
[scenario]
title = "north needs one partner"
no_deal = "none"
default_format = "pair"
[[actors]]
id = "north"
name = "North"
options = [{ id = "yes", description = "d" }, { id = "no", description = "d" }]
[[actors]]
id = "south"
name = "South"
options = [{ id = "yes", description = "d" }, { id = "no", description = "d" }]
[[actors]]
id = "west"
name = "West"
options = [{ id = "yes", description = "d" }, { id = "no", description = "d" }]
[outcomes.none]
label = "no deal"
payoffs = { north = 0, south = 0, west = 0 }
[outcomes.deal]
label = "deal"
payoffs = { north = 1, south = 1, west = 1 }
[[profiles]]
north = "no"
south = "*"
west = "*"
outcome = "none"
[[profiles]]
north = "yes"
south = "no"
west = "no"
outcome = "none"
[[profiles]]
north = "*"
south = "*"
west = "*"
outcome = "deal"
[formats.pair]
choosers = ["north", "south"]
others = { west = "best_reply" }
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # US: pressure and engage are war whatever the others do; Russia: escalate; Ukraine:
        # refuse. The EU cannot: its hold_out still lets a front-line truce through.
        ("alaska_2025_reduced", ("us", "russia", "ukraine")),
        # Only (arm, arm) is "no deal"; either actor's arm still leaves the other's restrain.
        ("arms_race", ()),
        # Only an undetected violation is "no deal"; the inspector's inspect rules it out.
        ("inspection", ()),
    ],
)
def test_blocking_actors_of_the_shipped_scenarios(name, expected):
    assert blocking_actors(load_scenario(SCENARIOS / f"{name}.toml")) == expected


def test_who_must_agree_in_alaska_by_hand():
    """The three games of models.md §5: unanimity of 2, unanimity of 3, veto + one of two."""
    section = analyse_scenario(load_scenario(SCENARIOS / "alaska_2025_reduced.toml"))
    games = section["who_must_agree"]
    third = Fraction(1, 3)
    expected: dict[str, list[Fraction | int]] = {
        "us and russia decide": [Fraction(1, 2), Fraction(1, 2), 0, 0],
        "us, russia and ukraine can each block a deal alone": [third, third, third, 0],
        # Ukraine or the EU is pivotal in 2 of 24 orders: 1/12 each; 5/12 to each principal.
        "us, russia and one of ukraine, eu": [
            Fraction(5, 12),
            Fraction(5, 12),
            Fraction(1, 12),
            Fraction(1, 12),
        ],
    }
    assert list(games) == list(expected)
    for name, values in expected.items():
        assert list(games[name]) == ["us", "russia", "ukraine", "eu"]
        assert list(games[name].values()) == pytest.approx([float(v) for v in values])


def test_who_must_agree_without_ukraine_follows_the_data():
    scenario = parse_scenario(NORTH_NEEDS_ONE)
    assert blocking_actors(scenario) == ("north",)
    games = analyse_scenario(scenario)["who_must_agree"]
    assert games == {
        "north and south decide": {"north": 0.5, "south": 0.5, "west": 0.0},
        "north can block a deal alone": {"north": 1.0, "south": 0.0, "west": 0.0},
        # north, south and west all needed: 1/3 each by symmetry and efficiency.
        "north, south and one of west": pytest.approx(
            {"north": 1 / 3, "south": 1 / 3, "west": 1 / 3}
        ),
    }
    # Without principals (every actor chooses) only the blockers' game is left.
    assert list(who_must_agree(scenario.actor_ids, ("north",))) == ["north can block a deal alone"]
    assert who_must_agree(scenario.actor_ids, ()) == {}
