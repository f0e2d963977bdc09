"""Outcome shares of Bayes–Nash equilibria: one computation for the report (one point) and the
sweep (a batch), checked against sums over every type profile and option profile by loops."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import load_scenario
from negotiation_sim.bayesian import BayesianEquilibrium, BayesianResult, solve_bayesian
from negotiation_sim.bayesian.shares import outcome_shares
from negotiation_sim.report_bayesian import bayesian_report, bayesian_summary
from negotiation_sim.scenario import parse_scenario
from negotiation_sim.scenario.typed_formats import format_bayesian
from tests.test_typed_scenarios import TYPED, with_bystander


def brute_shares(strategies, choosers, prior, outcomes, payoffs, n_outcomes):
    """P(outcome) and ex-ante payoffs at each point, over every type and option profile."""
    types, points = prior.shape[:-1], prior.shape[-1]
    options = [s.shape[1] for s in strategies]
    shares = np.zeros((n_outcomes, points))
    ex_ante = np.zeros((payoffs.shape[0], points))
    for b in range(points):
        for theta in itertools.product(*map(range, types)):
            for s in itertools.product(*map(range, options)):
                chance = prior[(*theta, b)]
                for c, a in enumerate(choosers):
                    chance *= strategies[c][theta[a], s[c]]
                at = min(b, outcomes.shape[-1] - 1)
                shares[outcomes[(*theta, *s, at)], b] += chance
                ex_ante[:, b] += chance * payoffs[(slice(None), *theta, *s, at)]
    return shares, ex_ante


def random_mix(rng: np.random.Generator, rows: int, options: int, pure: bool) -> np.ndarray:
    if pure:
        return np.eye(options)[rng.integers(0, options, rows)]
    mix = rng.dirichlet(np.ones(options), rows)
    mix[rng.random(rows) < 0.3] = np.eye(options)[0]  # some types pure
    return mix


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    types=st.lists(st.integers(1, 3), min_size=2, max_size=3),
    points=st.integers(1, 4),
    pure=st.booleans(),
    shared=st.booleans(),
)
def test_outcome_shares_are_the_sums_over_every_profile(seed, types, points, pure, shared):
    rng = np.random.default_rng(seed)
    n = len(types)
    choosers = sorted(rng.choice(n, size=rng.integers(1, n + 1), replace=False).tolist())
    options = [int(rng.integers(1, 4)) for _ in choosers]
    prior = rng.random((*types, points)) * (rng.random((*types, 1)) < 0.7)  # some profiles 0
    prior[(0,) * n] += 0.1
    prior /= prior.sum(axis=tuple(range(n)))
    last = 1 if shared else points
    outcomes = rng.integers(0, 4, size=(*types, *options, last))
    payoffs = rng.normal(size=(n, *types, *options, last))
    strategies = [
        random_mix(rng, types[a], k, pure) for a, k in zip(choosers, options, strict=True)
    ]
    found = outcome_shares(strategies, choosers, prior, outcomes, payoffs, 4)
    shares, ex_ante = brute_shares(strategies, choosers, prior, outcomes, payoffs, 4)
    np.testing.assert_allclose(found.probability, shares, rtol=0, atol=1e-12)
    np.testing.assert_allclose(found.ex_ante, ex_ante, rtol=0, atol=1e-12)
    np.testing.assert_allclose(found.probability.sum(axis=0), 1.0, rtol=0, atol=1e-12)
    # a batch is its points: point b alone gives the same numbers, bit for bit (the report
    # computes one point, the sweep a batch)
    for b in range(points):
        one = outcome_shares(
            strategies,
            choosers,
            prior[..., b : b + 1],
            outcomes[..., min(b, last - 1) : min(b, last - 1) + 1],
            payoffs[..., min(b, last - 1) : min(b, last - 1) + 1],
            4,
        )
        assert np.array_equal(one.probability[:, 0], found.probability[:, b])
        assert np.array_equal(one.ex_ante[:, 0], found.ex_ante[:, b])


def mixed_result(game, rng: np.random.Generator) -> BayesianResult:
    """A result holding one mixed type-contingent profile (the report reads it; whether it is an
    equilibrium does not matter to the shares)."""
    strategies = tuple(
        rng.dirichlet(np.ones(k), t) for t, k in zip(game.type_counts, game.shape, strict=True)
    )
    positive = tuple(tuple(bool(p > 0) for p in game.marginal(i)) for i in range(game.n_actors))
    interim = tuple(np.zeros(t) for t in game.type_counts)
    eq = BayesianEquilibrium(strategies, interim, np.zeros(game.n_actors), 0.0, positive)
    return BayesianResult((eq,), "pure", True)


@pytest.mark.parametrize("format", [None, "sequential"])
def test_the_report_s_outcome_shares_of_a_mixed_profile_are_the_sums_by_loops(format):
    scenario = parse_scenario(with_bystander(TYPED.read_text(encoding="utf-8")), source="s.toml")
    point = {"trust": 0.7, "verification": 0.2}
    game = scenario.bayesian_game(point, format=format)
    result = mixed_result(game, np.random.default_rng(3))
    (eq,) = result.equilibria
    reach = None if format is None else format_bayesian(scenario, format, scenario.values(point))
    summary = bayesian_summary(scenario, game, result, reach)
    expected: dict[str, float] = dict.fromkeys(scenario.outcome_ids, 0.0)
    if reach is None:
        for theta in np.ndindex(*game.type_counts):
            for s in np.ndindex(*game.shape):
                chance = float(game.prior[theta]) * math.prod(
                    [float(eq.strategies[i][theta[i], s[i]]) for i in range(game.n_actors)]
                )
                expected[scenario.outcome_ids[scenario.profile_outcomes[s]]] += chance
    else:
        choosers = [scenario.actor_ids.index(a) for a in reach.choosers]
        for theta in np.ndindex(*reach.everyone.shape[:-1]):
            for s in np.ndindex(*game.shape):
                chance = float(reach.everyone[(*theta, 0)]) * math.prod(
                    [float(eq.strategies[c][theta[a], s[c]]) for c, a in enumerate(choosers)]
                )
                expected[scenario.outcome_ids[reach.outcomes[(*theta, *s, 0)]]] += chance
    (listed,) = summary["equilibria"]
    assert listed["outcomes"] == pytest.approx({o: p for o, p in expected.items() if p > 0})
    assert sum(listed["outcomes"].values()) == pytest.approx(1.0)


def test_the_report_lists_an_equilibrium_once_whatever_a_type_of_probability_0_plays():
    scenario = load_scenario(TYPED)
    game = scenario.bayesian_game({"trust": 0.0, "verification": 0.1})
    text = bayesian_report(scenario, {"trust": 0.0}, game, solve_bayesian(game, "pure"))
    assert "Bayes-Nash equilibria (pure): 1\n" in text + "\n"
    assert text.count("if trustworthy (probability 0): any option") == 2
    assert "no deal 100.0%" in text


# Equivalent equilibria (the same outcomes and payoffs) are folded into classes by welfare.

CLASS_LINE = re.compile(r"^  (.*); all actors' welfare (\S+); (\d+) equilibri(?:um|a): (.*)$")
ENTRY = re.compile(r"^(\d+)\. (?:\(and (\d+) more like it: (.*)\))?")


def expand(numbers: str) -> list[int]:
    """ "1-3, 5" -> [1, 2, 3, 5]."""
    found: list[int] = []
    for part in numbers.split(", "):
        first, _, last = part.partition("-")
        found += range(int(first), int(last or first) + 1)
    return found


def rounded_groups(summary) -> list[list[int]]:
    """Equilibria (numbered from 1) grouped by their outcome shares and payoffs, rounded."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for k, eq in enumerate(summary["equilibria"]):
        key = (
            tuple((o, round(p, 6)) for o, p in sorted(eq["outcomes"].items())),
            tuple(
                (a, round(f["ex_ante"], 6), tuple(round(v, 6) for v in f["interim"].values()))
                for a, f in eq["actors"].items()
            ),
        )
        groups.setdefault(key, []).append(k + 1)
    return list(groups.values())


def pure_welfare(scenario, game, eq, reach) -> float:
    """Every actor's ex-ante payoff summed (actors who do not choose too), by loops over the type
    profiles (the equilibrium is pure: each chooser's type plays one option)."""
    if reach is None:
        everyone, payoffs, choosers = game.prior[..., None], game.payoffs[..., None], None
    else:
        everyone, payoffs = reach.everyone, reach.payoffs_all
        choosers = [scenario.actor_ids.index(a) for a in reach.choosers]
    choosers = choosers or list(range(game.n_actors))
    total = 0.0
    for theta in np.ndindex(*everyone.shape[:-1]):
        s = [int(np.argmax(eq.strategies[c][theta[a]])) for c, a in enumerate(choosers)]
        total += float(everyone[(*theta, 0)]) * float(payoffs[(slice(None), *theta, *s, 0)].sum())
    return total


def parse_report(text: str) -> tuple[list[tuple[str, float, int, list[int]]], list[str]]:
    """The class lines (outcomes, welfare, count, numbers) and the numbered entries' lines."""
    lines = text.splitlines()
    classes = [
        (m[1], float(m[2]), int(m[3]), expand(m[4]))
        for m in map(CLASS_LINE.match, lines)
        if m is not None
    ]
    return classes, [line for line in lines if ENTRY.match(line)]


@pytest.mark.parametrize("format", ["monitors", "no_regime"])
def test_equivalent_equilibria_are_shown_once_per_class_by_welfare(format):
    scenario = load_scenario("alaska_2025")
    game = scenario.bayesian_game({}, format=format)
    reach = format_bayesian(scenario, format, scenario.values({}))
    result = solve_bayesian(game, "pure")
    summary = bayesian_summary(scenario, game, result, reach)
    text = bayesian_report(scenario, {}, game, result, reach)
    count = len(result.equilibria)
    welfare = [pure_welfare(scenario, game, eq, reach) for eq in result.equilibria]
    groups = sorted(rounded_groups(summary), key=lambda g: (-round(welfare[g[0] - 1], 6), g[0]))
    assert len(groups) < count  # some are folded here
    classes, entries = parse_report(text)
    assert (
        f"Bayes-Nash equilibria (pure): {count}\nClasses (same outcomes and payoffs): "
        + str(len(groups))
        in text
    )
    assert f"(--json lists all {count}):" in text
    assert [numbers for *_, numbers in classes] == groups  # by welfare, largest first
    assert sum(n for _, _, n, _ in classes) == count
    assert all(n == len(numbers) for _, _, n, numbers in classes)
    for (_, shown, *_), group in zip(classes, groups, strict=True):
        assert shown == pytest.approx(welfare[group[0] - 1], abs=5e-3 * max(1, abs(shown)))
    # each class once, in full, by its first equilibrium, with the numbers of the others
    assert len(entries) == len(groups)
    for entry, group in zip(entries, groups, strict=True):
        m = ENTRY.match(entry)
        assert m is not None and int(m[1]) == group[0]
        assert (expand(m[3]) if m[3] else []) == group[1:]
        assert int(m[2] or 0) == len(group) - 1
    # --json keeps every equilibrium and says which class each is in
    assert len(summary["equilibria"]) == count
    for c, group in enumerate(groups):
        assert [summary["equilibria"][k - 1]["class"] for k in group] == [c] * len(group)


def test_the_monitors_class_that_matters_comes_first():
    scenario = load_scenario("alaska_2025")
    game = scenario.bayesian_game({}, format="monitors")
    reach = format_bayesian(scenario, "monitors", scenario.values({}))
    text = bayesian_report(scenario, {}, game, solve_bayesian(game, "pure"), reach)
    classes, entries = parse_report(text)
    assert [outcomes for outcomes, *_ in classes] == [
        "Donetsk withdrawal and truce, kept 100.0%",
        "no deal: the war goes on 100.0%",
    ]
    assert entries[0].startswith("14. russia, if keeps: donetsk_keep")
    assert entries[1] == "1. (and 28 more like it: 2-13, 15-30)"


def test_copies_within_the_tolerance_fold_and_a_payoff_difference_does_not():
    scenario = load_scenario(TYPED)
    point = {"trust": 0.7, "verification": 0.2}
    game = scenario.bayesian_game(point)
    rng = np.random.default_rng(5)
    (low,) = mixed_result(game, rng).equilibria
    (high,) = mixed_result(game, rng).equilibria

    def shifted(eq: BayesianEquilibrium, by: float) -> BayesianEquilibrium:
        interim = tuple(v + by for v in eq.interim)
        return BayesianEquilibrium(eq.strategies, interim, eq.ex_ante, eq.regret, eq.positive)

    def welfare(eq: BayesianEquilibrium) -> float:  # every actor's ex-ante payoff, by loops
        total = 0.0
        for theta in np.ndindex(*game.type_counts):
            for s in np.ndindex(*game.shape):
                chance = float(game.prior[theta]) * math.prod(
                    [float(eq.strategies[i][theta[i], s[i]]) for i in range(game.n_actors)]
                )
                total += chance * float(game.payoffs[(slice(None), *theta, *s)].sum())
        return total

    if welfare(low) > welfare(high):
        low, high = high, low
    listed = (low, shifted(low, 1e-12), high, shifted(low, 1e-6), high)
    result = BayesianResult(listed, "pure", True)
    summary = bayesian_summary(scenario, game, result)
    assert [eq["class"] for eq in summary["equilibria"]] == [1, 1, 0, 2, 0]
    classes, entries = parse_report(bayesian_report(scenario, {}, game, result))
    assert [(n, numbers) for _, _, n, numbers in classes] == [(2, [3, 5]), (2, [1, 2]), (1, [4])]
    assert entries[:2] == ["3. (and 1 more like it: 5)", "1. (and 1 more like it: 2)"]
    assert entries[2].startswith("4. a, if trustworthy: ")
    # low and its copy 1e-6 higher have the same welfare: the order found breaks the tie
    assert classes[1][1] == classes[2][1] == pytest.approx(welfare(low), abs=5e-3)


#: The report of typed_assurance at trust 0.8, verification 0.5 before classes were added: three
#: equilibria, no two equivalent, so it must not change.
THREE_DISTINCT = """\
Two-sided assurance with types, verification and a snapback sanction
Parameters: trust=0.8, verification=0.5, sanction=0.4
Types (prior): a: trustworthy 0.8, opportunist 0.2; b: trustworthy 0.8, opportunist 0.2
Bayes-Nash equilibria (pure): 3
1. a, if trustworthy: cooperate; if opportunist: cooperate
   b, if trustworthy: cooperate; if opportunist: cooperate
   a pools; interim payoffs: trustworthy 1, opportunist 0.6
   b pools; interim payoffs: trustworthy 1, opportunist 0.6
   ex-ante payoffs: a 0.92, b 0.92
   outcomes: deal kept by both 100.0%
2. a, if trustworthy: cooperate; if opportunist: defect
   b, if trustworthy: cooperate; if opportunist: defect
   a separates; interim payoffs: trustworthy 0.78, opportunist 0.5
   b separates; interim payoffs: trustworthy 0.78, opportunist 0.5
   ex-ante payoffs: a 0.724, b 0.724
   outcomes: deal kept by both 64.0%, A exploits B (caught in time with probability \
verification) 16.0%, B exploits A (caught in time with probability verification) 16.0%, \
no deal 4.0%
3. a, if trustworthy: defect; if opportunist: defect
   b, if trustworthy: defect; if opportunist: defect
   a pools; interim payoffs: trustworthy 0.3, opportunist 0.3
   b pools; interim payoffs: trustworthy 0.3, opportunist 0.3
   ex-ante payoffs: a 0.3, b 0.3
   outcomes: no deal 100.0%"""


def test_a_report_with_no_two_equivalent_equilibria_is_unchanged():
    scenario = load_scenario(TYPED)
    params = {"trust": 0.8, "verification": 0.5}
    game = scenario.bayesian_game(params)
    result = solve_bayesian(game, "pure")
    assert bayesian_report(scenario, params, game, result) == THREE_DISTINCT
    summary = bayesian_summary(scenario, game, result)
    assert len(rounded_groups(summary)) == 3
    # in the order found, whatever the welfare; classes still numbered by welfare in --json
    assert [eq["class"] for eq in summary["equilibria"]] == [0, 1, 2]
