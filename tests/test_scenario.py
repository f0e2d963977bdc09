"""Scenario files: the documented example, games vs grids, formats vs brute force, errors."""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_sim import ScenarioError, load_scenario, pure_equilibria, solve
from negotiation_sim.scenario import parse_scenario

DOCS = Path(__file__).resolve().parent.parent / "docs" / "scenario-format.md"


def documented_example() -> str:
    """The complete example of docs/scenario-format.md, so the docs cannot rot."""
    section = DOCS.read_text().split("## A complete example", 1)[1]
    return section.split("```toml\n")[1].split("```")[0]


def test_the_documented_example_loads_and_solves(tmp_path):
    path = tmp_path / "arms.toml"
    path.write_text(documented_example())
    scenario = load_scenario(path)
    game = scenario.game()
    assert game.actors == ("a", "b")
    assert game.options == (("restrain", "arm"), ("restrain", "arm"))
    (equilibrium,) = solve(game, "pure").equilibria
    assert equilibrium.profile is not None
    assert scenario.outcome_of(None, equilibrium.profile) == scenario.no_deal == "arms_race"
    # gain = 2 by default: A arming on a restrained B gets 3 + 2.
    assert game.payoff((1, 0)).tolist() == [5.0, 0.0]
    assert scenario.game({"gain": 0.5}).payoff((1, 0)).tolist() == [3.5, 0.0]


def row_scenario(payoffs: np.ndarray, others: str) -> str:
    """A scenario with one explicit row per profile (the 'one row per profile' form)."""
    n = payoffs.shape[0]
    lines = ["format_version = 1", "[scenario]", 'title = "t"', 'no_deal = "o"']
    lines += ["[outcomes.o]", 'label = "any"']
    for i in range(n):
        options = ", ".join(
            f'{{ id = "x{j}", description = "d" }}' for j in range(payoffs.shape[1 + i])
        )
        lines += ["[[actors]]", f'id = "a{i}"', f'name = "A{i}"', f"options = [{options}]"]
    for profile in itertools.product(*[range(k) for k in payoffs.shape[1:]]):
        values = ", ".join(f"a{i} = {payoffs[(i, *profile)]:g}" for i in range(n))
        lines += ["[[profiles]]"] + [f'a{i} = "x{s}"' for i, s in enumerate(profile)]
        lines += ['outcome = "o"', f"payoffs = {{ {values} }}"]
    lines += ["[formats.first]", 'choosers = ["a0", "a1"]', f"others = {others}"]
    return "\n".join(lines)


def backward_induction(
    payoffs: np.ndarray,
) -> tuple[np.ndarray, dict[tuple[int, int], tuple[int, ...]]]:
    """a0 and a1 choose; a2 replies anticipating a3; a3 replies last. Ties to the first option."""
    k0, k1, k2, k3 = payoffs.shape[1:]
    game = np.zeros((2, k0, k1))
    paths: dict[tuple[int, int], tuple[int, ...]] = {}
    for s0, s1 in itertools.product(range(k0), range(k1)):

        def reply3(s2: int, s0: int = s0, s1: int = s1) -> int:
            return int(np.argmax([payoffs[3, s0, s1, s2, s3] for s3 in range(k3)]))

        s2 = int(np.argmax([payoffs[2, s0, s1, s2, reply3(s2)] for s2 in range(k2)]))
        s3 = reply3(s2)
        game[:, s0, s1] = payoffs[:2, s0, s1, s2, s3]
        paths[(s0, s1)] = (s0, s1, s2, s3)
    return game, paths


@settings(max_examples=30, deadline=None)
@given(st.tuples(*[st.integers(1, 3)] * 4), st.integers(0, 2**32 - 1))
def test_best_replies_follow_backward_induction(shape, seed):
    payoffs = np.random.default_rng(seed).integers(-3, 4, size=(4, *shape)).astype(float)
    scenario = parse_scenario(row_scenario(payoffs, '{ a2 = "best_reply", a3 = "best_reply" }'))
    game = scenario.game(format="first")
    expected, paths = backward_induction(payoffs)
    assert game.actors == ("a0", "a1")
    assert np.array_equal(game.payoffs, expected)
    for profile, path in paths.items():
        assert scenario.profile_of("first", profile) == path


def test_fixed_options_are_indexed_out():
    payoffs = np.random.default_rng(3).integers(-3, 4, size=(4, 2, 2, 3, 2)).astype(float)
    scenario = parse_scenario(row_scenario(payoffs, '{ a2 = "x2", a3 = "best_reply" }'))
    game = scenario.game(format="first")
    for s0, s1 in itertools.product(range(2), range(2)):
        s3 = int(np.argmax(payoffs[3, s0, s1, 2, :]))
        assert np.array_equal(game.payoffs[:, s0, s1], payoffs[:2, s0, s1, 2, s3])
        assert scenario.profile_of("first", (s0, s1)) == (s0, s1, 2, s3)


def test_grid_batch_equals_game_by_game(tmp_path):
    path = tmp_path / "arms.toml"
    path.write_text(documented_example())
    scenario = load_scenario(path)
    gains = np.linspace(0, 10, 7)
    payoffs, outcomes, everyone = scenario.resolve(None, scenario.values({"gain": gains}))
    assert payoffs.shape == everyone.shape == (2, 2, 2, 7) and outcomes.shape == (2, 2, 1)
    for k, gain in enumerate(gains):
        assert np.array_equal(payoffs[..., k], scenario.game({"gain": gain}).payoffs)
        # By hand (docs/scenario-format.md): arming on a restrained rival gets 3 + gain.
        assert payoffs[0, 1, 0, k] == payoffs[1, 0, 1, k] == 3 + gain


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        (('id = "b"', 'id = "a"'), "actors[1].id", "duplicate actor id"),
        (
            ('outcome = "treaty"', 'outcome = "treaty"\ncolour = 1'),
            "profiles[0].colour",
            "unknown key",
        ),
        (
            ('b = "restrain"\noutcome', 'b = "restrian"\noutcome'),
            "profiles[0].b",
            "did you mean 'restrain'",
        ),
        (('"3 + gain"', '"3 + gian"'), "outcomes.a_ahead.payoffs.a", "did you mean 'gain'"),
        (("default = 2.0", "default = 20.0"), "parameters.gain.default", "outside its range"),
        (
            ('no_deal = "arms_race"', 'no_deal = "arms race"'),
            "scenario.no_deal",
            "did you mean 'arms_race'",
        ),
        (('"3 + gain"', '"__import__(1)"'), "outcomes.a_ahead.payoffs.a", "not allowed"),
    ],
)
def test_defects_are_reported_with_their_location(change, location, message):
    old, new = change
    text = documented_example()
    assert old in text
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.replace(old, new, 1), source="x.toml")
    assert any(p.location == location and message in p.message for p in caught.value.problems), str(
        caught.value
    )
    assert str(caught.value).startswith("x.toml: ")


def test_every_problem_is_reported_at_once():
    text = (
        documented_example()
        .replace('"3 + gain"', '"3 + gian"')
        .replace("default = 2.0", "default = 20.0")
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="x.toml")
    assert len(caught.value.problems) >= 2


def test_missing_profiles_and_syntax_errors_are_located():
    text = documented_example()
    last_rule = text.index('[[profiles]]\na = "*"')
    with pytest.raises(ScenarioError, match=r"no rule matches profile\(s\) \(restrain, arm\)"):
        parse_scenario(text[:last_rule])
    with pytest.raises(ScenarioError, match="line 2"):
        parse_scenario("format_version = 1\n[scenario\n")


def test_parameter_values_are_checked_when_building():
    scenario = parse_scenario(documented_example(), source="x.toml")
    with pytest.raises(ScenarioError, match="outside its range"):
        scenario.game({"gain": 11})
    with pytest.raises(ScenarioError, match="did you mean 'gain'"):
        scenario.game({"gian": 1})
    with pytest.raises(ScenarioError, match="unknown format"):
        scenario.game(format="bilateral")


#: The shipped scenarios of complete information (those with actor types are Bayesian games:
#: tests/test_typed_scenarios.py).
SCENARIOS = [
    path
    for path in sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.toml"))
    if not load_scenario(path).types
]


def test_the_scenarios_folder_is_not_empty():
    assert len(SCENARIOS) >= 3


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_shipped_scenario_loads_and_solves_in_every_format(path):
    scenario = load_scenario(path)
    for name in [*scenario.formats, None]:
        game = scenario.game(format=name)
        result = solve(game, "pure" if game.n_actors > 2 else "vertex_enumeration")
        for eq in result.equilibria:
            assert game.is_nash(eq.strategies, tol=result.tol)
            if eq.profile is not None:  # a pure equilibrium
                assert scenario.outcome_of(name, eq.profile) in scenario.outcomes
        # A grid over the first parameter builds as one batch consistent with game().
        if scenario.parameters:
            first = next(iter(scenario.parameters.values()))
            grid = np.linspace(first.low, first.high, 3)
            payoffs, _, _ = scenario.resolve(name, scenario.values({first.name: grid}))
            assert np.array_equal(
                payoffs[..., 2], scenario.game({first.name: grid[2]}, format=name).payoffs
            )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_a_pickled_scenario_resolves_the_same_games(path):
    """Sweeps ship the validated scenario to worker processes: it must survive pickling."""
    scenario = load_scenario(path)
    copy = pickle.loads(pickle.dumps(scenario))
    assert copy.actor_ids == scenario.actor_ids and dict(copy.outcomes) == dict(scenario.outcomes)
    rng = np.random.default_rng(7)
    grid = {name: rng.uniform(p.low, p.high, size=6) for name, p in scenario.parameters.items()}
    for name in [None, *scenario.formats]:
        assert np.array_equal(copy.game(format=name).payoffs, scenario.game(format=name).payoffs)
        for mine, theirs in zip(
            scenario.resolve(name, scenario.values(grid)),
            copy.resolve(name, copy.values(grid)),
            strict=True,
        ):
            assert np.array_equal(mine, theirs)


def test_matrices_give_the_same_game_as_outcome_payoffs():
    text = documented_example()
    matrices = '\n[matrices]\na = [[3, 0], ["3 + gain", 1]]\nb = [[3, "3 + gain"], [0, 1]]\n'
    stripped = "\n".join(line for line in text.splitlines() if not line.startswith("payoffs = "))
    with_matrices = parse_scenario(stripped + matrices)
    original = parse_scenario(text)
    for gain in (0.0, 2.0, 7.5):
        assert np.array_equal(
            with_matrices.game({"gain": gain}).payoffs, original.game({"gain": gain}).payoffs
        )


@pytest.mark.parametrize(
    ("matrices", "location", "message"),
    [
        ("a = [[3, 0], [1]]\nb = [[3, 5], [0, 1]]", "matrices.a", "expected 2 rows"),
        ('a = [[3, 0], [5, "1 +"]]\nb = [[3, 5], [0, 1]]', "matrices.a[1][1]", "syntax error"),
        ("c = [[3, 0], [5, 1]]", "matrices.c", "unknown actor"),
    ],
)
def test_bad_matrices_are_located(matrices, location, message):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(documented_example() + "\n[matrices]\n" + matrices + "\n")
    assert any(p.location == location and message in p.message for p in caught.value.problems), str(
        caught.value
    )


def test_relative_gains_parameter_transforms_every_game():
    text = documented_example()
    text = text.replace('no_deal = "arms_race"', 'no_deal = "arms_race"\nrelative_gains = "rho"')
    text = text.replace(
        "[parameters.gain]",
        '[parameters.rho]\ndefault = 0.0\nrange = [0.0, 1.0]\ndescription = "relative gains"\n\n'
        "[parameters.gain]",
    )
    scenario = parse_scenario(text)
    base = scenario.game().payoffs
    for rho in (0.0, 0.4, 1.0):
        moved = scenario.game({"rho": rho}).payoffs
        assert np.allclose(moved[0], base[0] - rho * base[1])
        assert np.allclose(moved[1], base[1] - rho * base[0])
    # rho = 1 makes a two-actor game zero-sum... up to a constant: u_a - u_b and u_b - u_a.
    assert np.allclose(scenario.game({"rho": 1.0}).payoffs.sum(axis=0), 0)
    payoffs, _, _ = scenario.resolve(None, scenario.values({"rho": [0.0, 0.5, 1.0]}))
    assert np.array_equal(payoffs[..., 1], scenario.game({"rho": 0.5}).payoffs)
    with pytest.raises(ScenarioError, match="relative_gains"):
        parse_scenario(text.replace('relative_gains = "rho"', 'relative_gains = "rh"'))


def _sequential_oracle(payoffs, choosers, others, chooser_profile):
    """Backward induction by plain recursion: repliers in order, each anticipating the later ones."""
    n = payoffs.shape[0]
    fixed = {a: o for a, o in others if o is not None}
    repliers = [a for a, o in others if o is None]

    def play(assigned: dict[int, int], remaining: list[int]) -> dict[int, int]:
        if not remaining:
            return assigned
        actor, rest = remaining[0], remaining[1:]
        best, best_value = None, None
        for option in range(payoffs.shape[1 + actor]):
            outcome = play({**assigned, actor: option}, rest)
            value = payoffs[(actor, *[outcome[i] for i in range(n)])]
            if best_value is None or value > best_value:  # ties: first option
                best, best_value = outcome, value
        assert best is not None
        return best

    start = dict(zip(choosers, chooser_profile, strict=True)) | fixed
    final = play(start, repliers)
    return tuple(final[i] for i in range(n))


@settings(max_examples=30, deadline=None)
@given(st.tuples(*[st.integers(1, 3)] * 4), st.integers(0, 2**32 - 1))
def test_formats_with_choosers_out_of_order_match_the_sequential_oracle(shape, seed):
    payoffs = np.random.default_rng(seed).integers(-3, 4, size=(4, *shape)).astype(float)
    text = row_scenario(payoffs, '{ a2 = "best_reply", a0 = "best_reply" }').replace(
        'choosers = ["a0", "a1"]', 'choosers = ["a3", "a1"]'
    )
    scenario = parse_scenario(text)
    game = scenario.game(format="first")
    assert game.actors == ("a3", "a1")
    _, outcomes, everyone = scenario.resolve("first", scenario.values())
    for s3, s1 in itertools.product(range(shape[3]), range(shape[1])):
        full = _sequential_oracle(payoffs, [3, 1], [(2, None), (0, None)], (s3, s1))
        assert scenario.profile_of("first", (s3, s1)) == full
        assert np.array_equal(game.payoffs[:, s3, s1], payoffs[[3, 1], *full])
        assert np.array_equal(everyone[:, s3, s1, 0], payoffs[(slice(None), *full)])
        assert outcomes[s3, s1, 0] == scenario.profile_outcomes[full]


def test_resolve_over_a_grid_equals_point_by_point():
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    trust, verification = np.linspace(0, 1, 4), np.linspace(0, 1, 3)
    values = scenario.values({"trust": trust[:, None], "verification": verification[None, :]})
    payoffs, outcomes, everyone = scenario.resolve("bilateral", values)
    assert payoffs.shape[-1] == outcomes.shape[-1] == everyone.shape[-1] == 12  # grid-last
    for i, j in itertools.product(range(4), range(3)):
        b = 3 * i + j  # the grid flattened in C order
        params = {"trust": trust[i], "verification": verification[j]}
        game = scenario.game(params, format="bilateral")
        assert np.array_equal(payoffs[..., b], game.payoffs)
        for profile in np.ndindex(*game.shape):
            expected = scenario.outcome_of("bilateral", profile, params)
            assert scenario.outcome_ids[outcomes[(*profile, b)]] == expected
            full = scenario.profile_of("bilateral", profile, params)
            point = scenario.full_payoffs(scenario.values(params))
            every_actor: tuple[slice | int, ...] = (slice(None), *full)
            assert np.array_equal(everyone[(slice(None), *profile, b)], point[every_actor])


def _brute_force_table(scenario, values, b):
    """Every actor's payoff at every profile at flat grid point ``b``, profile by profile.

    Each profile's own expression is evaluated, and the relative-gains transform is
    written out here (u_i - rho * mean of the others), sharing nothing with the cells.
    """
    shape = np.broadcast_shapes(*(np.shape(v) for v in values.values()))
    n = len(scenario.actors)
    table = np.empty((n, *scenario.shape))
    for profile in np.ndindex(*scenario.shape):
        for i in range(n):
            expression = scenario.expressions[i][scenario.expression_index[i][profile]]
            table[(i, *profile)] = np.broadcast_to(expression.evaluate(values), shape).flat[b]
    if scenario.relative_gains is not None and np.any(values[scenario.relative_gains] != 0):
        rho = np.broadcast_to(values[scenario.relative_gains], shape).flat[b]
        table = table - rho * ((table.sum(axis=0) - table) / (n - 1))
    return table


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_resolve_equals_the_brute_force_oracle_bit_for_bit(path, seed, absolute):
    """Every format on a random grid: the table profile by profile, then backward induction."""
    scenario = load_scenario(path)
    rng = np.random.default_rng(seed)
    grid = {n: rng.uniform(p.low, p.high, size=(3, 1)) for n, p in scenario.parameters.items()}
    if scenario.parameters:
        first = next(iter(scenario.parameters.values()))
        grid[first.name] = rng.uniform(first.low, first.high, size=(1, 4))
    if absolute and scenario.relative_gains is not None:
        grid[scenario.relative_gains] = np.zeros(1)
    values = scenario.values(grid)
    ids = scenario.actor_ids
    tables = [_brute_force_table(scenario, values, b) for b in range(12 if grid else 1)]
    for name in [None, *scenario.formats]:
        chosen = scenario.format(name)
        choosers = [ids.index(a) for a in chosen.choosers]
        others = [
            (ids.index(a), None if o == "best_reply" else scenario.option_index(a, o))
            for a, o in chosen.others
        ]
        payoffs, outcomes, everyone = scenario.resolve(name, values)
        for b, table in enumerate(tables):
            for profile in np.ndindex(*payoffs.shape[1:-1]):
                full = _sequential_oracle(table, choosers, others, profile)
                assert np.array_equal(
                    everyone[(slice(None), *profile, b)], table[(slice(None), *full)]
                )
                assert np.array_equal(payoffs[(slice(None), *profile, b)], table[(choosers, *full)])
                at = b if outcomes.shape[-1] > 1 else 0
                assert outcomes[(*profile, at)] == scenario.profile_outcomes[full]


@settings(max_examples=30, deadline=None)
@given(
    st.tuples(*[st.integers(1, 3)] * 4),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.0, 1e-9, 1.0]),
)
def test_format_games_find_the_solvers_pure_equilibria(shape, seed, tol):
    """Small integer payoffs (many ties): the compact test equals pure_equilibria bit for bit."""
    payoffs = np.random.default_rng(seed).integers(-3, 4, size=(4, *shape)).astype(float)
    scenario = parse_scenario(row_scenario(payoffs, '{ a2 = "best_reply", a3 = "best_reply" }'))
    for name in (None, "first"):
        games = scenario.format_games(name, scenario.values())
        expanded, _, _ = games.expand()
        expected = pure_equilibria(expanded, tol=tol, batch_axis="last")
        assert np.array_equal(games.pure_equilibria(tol), expected)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_format_games_of_shipped_scenarios_on_a_grid(path):
    scenario = load_scenario(path)
    rng = np.random.default_rng(5)
    grid = {n: rng.uniform(p.low, p.high, size=40) for n, p in scenario.parameters.items()}
    for trust_zero in (False, True):  # trust 0: Alaska's exact ties (every deal worth P)
        if trust_zero and "trust" in grid:
            grid["trust"] = np.zeros(40)
        values = scenario.values(grid)
        full = scenario.full_payoffs(values)
        for name in [None, *scenario.formats]:
            games = scenario.format_games(name, values)
            expanded, outcomes, everyone = games.expand()
            expected = pure_equilibria(expanded, batch_axis="last")
            assert np.array_equal(games.pure_equilibria(), expected)
            # Read off a prebuilt full table: the same games, bit for bit.
            for mine, theirs in zip(
                scenario.resolve(name, values, full=full),
                (expanded, outcomes, everyone),
                strict=True,
            ):
                assert np.array_equal(mine, theirs)


# -- loading: [definitions] and the reference of the format ----------------------------------


def with_definitions(text: str, definitions: str) -> str:
    return text.replace("[[actors]]", f"[definitions]\n{definitions}\n[[actors]]", 1)


def test_definitions_are_inlined_in_payoffs_and_matrices_in_any_order():
    text = with_definitions(documented_example(), 'bonus = "2 * edge"\nedge = "gain + 1"\n')
    scenario = parse_scenario(text.replace('a = "3 + gain"', 'a = "3 + bonus"'))
    assert list(scenario.definitions) == ["edge", "bonus"]  # what a definition uses comes first
    assert scenario.definitions["bonus"].parameters == {"gain"}
    matrices = parse_scenario(text + '\n[matrices]\na = [[3, 0], ["3 + bonus", 1]]\n')
    for gain in (0.0, 2.0, 7.5):
        # By hand: A arming on a restrained B gets 3 + 2 * (gain + 1).
        expected = [3 + 2 * (gain + 1), 0.0]
        assert scenario.game({"gain": gain}).payoff((1, 0)).tolist() == expected
        assert matrices.game({"gain": gain}).payoff((1, 0)).tolist() == expected


def test_a_scenario_without_definitions_has_none():
    assert dict(parse_scenario(documented_example()).definitions) == {}


def test_problems_of_definitions_are_located_and_not_repeated_where_they_are_used():
    text = with_definitions(
        documented_example().replace('a = "3 + gain"', 'a = "3 + loop_a + fine"'),
        'loop_a = "loop_b"\nloop_b = "1 + loop_a"\nfine = "gain"\nbroken = "1 +"\nuser = "broken"\n',
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="x.toml")
    assert [str(p) for p in caught.value.problems] == [
        "definitions.loop_a: definitions form a cycle: loop_a -> loop_b -> loop_a",
        "definitions.broken: syntax error in '1 +' at the end: invalid syntax",
    ]


def _documented_keys(heading: str) -> set[str]:
    """The keys listed in the first table under ``heading`` of docs/scenario-format.md."""
    import re

    section = DOCS.read_text().split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `\[*([a-z_]+)", section, re.MULTILINE))


def test_the_reference_lists_every_key_the_loader_accepts():
    from negotiation_sim.scenario import _check_meta

    top = {*_check_meta.SECTIONS, *_check_meta.OPTIONAL_SECTIONS}
    assert _documented_keys("## Top level") == top
    assert _documented_keys("## `[scenario]`") == {
        *_check_meta.META_KEYS,
        *_check_meta.OPTIONAL_META_KEYS,
    }
    for section in top - {"format_version", "scenario"}:
        assert f"\n## `[{section}" in DOCS.read_text() or f"\n## `[[{section}" in DOCS.read_text()


# -- profile rules: first match wins ------------------------------------------------------------


@st.composite
def rule_sets(draw):
    """A scenario text of 2-3 actors and random rules (a catch-all last), and the rules."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))
    actors = [f"p{i}" for i in range(len(sizes))]
    rules: list[tuple[dict[str, str], str, dict[str, str]]] = []
    for _ in range(draw(st.integers(0, 8))):
        choice = {
            a: draw(st.sampled_from(["*", *[f"o{j}" for j in range(k)]]))
            for a, k in zip(actors, sizes, strict=True)
        }
        outcome = draw(st.sampled_from(["x", "y", "z"]))
        paid = draw(st.lists(st.sampled_from(actors), unique=True, max_size=len(actors)))
        rules.append((choice, outcome, {a: f"{len(rules)} + 0.25" for a in paid}))
    rules.append(({a: "*" for a in actors}, "x", {}))
    text = 'format_version = 1\n[scenario]\ntitle = "t"\nno_deal = "x"\n'
    for a, k in zip(actors, sizes, strict=True):
        options = ", ".join(f'{{ id = "o{j}", description = "d" }}' for j in range(k))
        text += f'[[actors]]\nid = "{a}"\nname = "{a}"\noptions = [{options}]\n'
    for o in ("x", "y", "z"):
        payoffs = ", ".join(f"{a} = {ord(o)}" for a in actors)
        text += f'[outcomes.{o}]\nlabel = "{o}"\npayoffs = {{ {payoffs} }}\n'
    for choice, outcome, paid in rules:
        text += "[[profiles]]\n" + "".join(f'{a} = "{c}"\n' for a, c in choice.items())
        text += f'outcome = "{outcome}"\n'
        if paid:
            text += "payoffs = { " + ", ".join(f'{a} = "{e}"' for a, e in paid.items()) + " }\n"
    return text, actors, sizes, rules


@given(case=rule_sets())
@settings(max_examples=60, deadline=None)
def test_rules_decide_every_profile_as_a_loop_over_profiles_would(case):
    text, actors, sizes, rules = case
    scenario = parse_scenario(text, source="rules.toml")
    for profile in itertools.product(*(range(k) for k in sizes)):
        # The oracle: the first rule whose every choice is '*' or the profile's option.
        outcome, paid = next(
            (o, p)
            for c, o, p in rules
            if all(c[a] in ("*", f"o{s}") for a, s in zip(actors, profile, strict=True))
        )
        assert scenario.outcome_ids[scenario.profile_outcomes[profile]] == outcome
        for i, actor in enumerate(actors):
            expression = scenario.expressions[i][scenario.expression_index[i][profile]]
            assert expression.text == paid.get(actor, str(ord(outcome)))
