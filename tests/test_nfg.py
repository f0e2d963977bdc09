"""Gambit .nfg files: round trips, pygambit both ways, Gambit's sample games, bad files, the CLI.

The sample games in ``tests/data/nfg/`` (``e02.nfg``, ``pd.nfg``, ``2x2x2.nfg``) ship with Gambit
(``contrib/games/`` of https://github.com/gambitproject/gambit); see ``tests/data/nfg/SOURCES.md``.
"""

from __future__ import annotations

import math
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation_sim import Game, ScenarioError, load_scenario, read_nfg, solve, write_nfg
from negotiation_sim.cli import main
from negotiation_sim.errors import GameError, InputError
from negotiation_sim.interop import format_nfg, parse_nfg, parse_nfg_file, read_nfg_file
from negotiation_sim.interop.nfg import GAMBIT_LABEL
from tests.strategies import games

pygambit = pytest.importorskip("pygambit")

DATA = Path(__file__).parent / "data" / "nfg"
VERSIONS = ["payoff", "outcome"]

# Names with quotes, spaces, braces, commas and non-ASCII letters; no backslash (see below).
_NAME_CHARS = st.sampled_from(list('ab Z9"{},.-_éЖ\t\n'))
names = st.text(_NAME_CHARS, min_size=1, max_size=8)
# Names Gambit 16 accepts as labels: printable ASCII, no leading, trailing or double spaces.
gambit_names = st.text(st.sampled_from(list('ab Z9"{},.-_~')), min_size=1, max_size=8).filter(
    lambda name: GAMBIT_LABEL.fullmatch(name) is not None
)
texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\\\r"))


@st.composite
def named_games(draw: st.DrawFn, *, gambit: bool = False) -> Game:
    """Games of 2-4 actors with drawn actor and option names (ones Gambit 16 takes, if ``gambit``)."""
    names = gambit_names if gambit else globals()["names"]
    game = draw(games(max_profiles=64))
    actors = draw(st.lists(names, min_size=game.n_actors, max_size=game.n_actors, unique=True))
    options = [draw(st.lists(names, min_size=k, max_size=k, unique=True)) for k in game.shape]
    return Game(game.payoffs, actors, options)


def assert_same_game(read: Game, game: Game) -> None:
    assert read.actors == game.actors
    assert read.options == game.options
    assert read.payoffs.shape == game.payoffs.shape
    assert np.array_equal(read.payoffs, game.payoffs)
    # Exactly, bit for bit (also the sign of zero).
    assert read.payoffs.tobytes() == game.payoffs.tobytes()


def gambit_payoffs(gbt_game: Any) -> tuple[list[str], list[list[str]], np.ndarray]:
    """Player labels, strategy labels and the payoff tensor (n, k_1, ..., k_n) of a pygambit game.

    ``Any``: pygambit ships no type information.
    """
    players = list(gbt_game.players)
    shape = tuple(len(player.strategies) for player in players)
    tensor = np.empty((len(players), *shape))
    for profile in gbt_game.contingencies:
        for i, player in enumerate(players):
            tensor[(i, *profile)] = float(gbt_game[profile][player])
    return (
        [player.label for player in players],
        [[strategy.label for strategy in player.strategies] for player in players],
        tensor,
    )


# -- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@given(game=games(), title=texts, comment=texts)
def test_round_trip_keeps_payoffs_labels_title_and_comment(version, game, title, comment):
    nfg = parse_nfg_file(format_nfg(game, title=title, comment=comment, version=version))
    assert_same_game(nfg.game, game)
    assert (nfg.title, nfg.comment, nfg.version) == (title, comment, version)
    assert nfg.players == game.actors and nfg.strategies == game.options


@pytest.mark.parametrize("version", VERSIONS)
@given(game=named_games())
def test_round_trip_with_quoted_names(version, game):
    assert_same_game(parse_nfg(format_nfg(game, version=version, strict=False)), game)


EXTREME = [
    0.1,
    -0.30000000000000004,
    1e-7,
    -2.5e-300,
    5e-324,
    1e20,
    -1.7976931348623157e308,
    2.0**53 + 2,
    123456789.125,
    1 / 3,
    -0.0,
    math.pi,
]


@pytest.mark.parametrize("version", VERSIONS)
def test_extreme_floats_are_written_exactly_and_gambit_agrees(version, tmp_path):
    values = np.array(EXTREME).reshape(2, 3, 2)
    game = Game(values)
    text = format_nfg(game, version=version)
    assert "e+" not in text and "inf" not in text.lower()
    assert_same_game(parse_nfg(text), game)
    path = write_nfg(game, tmp_path / "extreme.nfg", version=version)
    _, _, tensor = gambit_payoffs(pygambit.read_nfg(str(path)))
    assert np.array_equal(tensor, values)


def test_numbers_in_every_notation():
    text = 'NFG 1 R "" { "A" "B" } { 2 3 } 3/4 .5 -1.5e-3 1E2 +3 -0 12. 7 -2/8 1e+2 0.0 1'
    game = parse_nfg(text)
    # player 1 fastest: profile (s1, s2) is entry 2 * (s1 + 2 * s2)
    flat = [0.75, 0.5, -0.0015, 100.0, 3.0, -0.0, 12.0, 7.0, -0.25, 100.0, 0.0, 1.0]
    expected = np.array(flat).reshape(3, 2, 2).transpose(2, 1, 0)
    assert np.array_equal(game.payoffs, expected)


def test_outcome_version_null_outcome_and_commas():
    text = """NFG 1 R "t" { "A" "B" } { { "a1" "a2" } { "b1" "b2" } }
    { { "x" 1, 2 } { "y" 3 4 } }
    1 0
    2 1"""
    nfg = parse_nfg_file(text)
    assert nfg.version == "outcome" and nfg.outcomes == ("x", "y") and nfg.comment == ""
    assert nfg.game.payoff((0, 0)).tolist() == [1.0, 2.0]
    assert nfg.game.payoff((1, 0)).tolist() == [0.0, 0.0]  # outcome 0: the null outcome
    assert nfg.game.payoff((0, 1)).tolist() == [3.0, 4.0]
    assert nfg.game.payoff((1, 1)).tolist() == [1.0, 2.0]


def test_outcome_version_has_one_named_outcome_per_distinct_payoff_vector():
    game = Game.from_bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]], options=(("U", "D"), ("L", "R")))
    nfg = parse_nfg_file(format_nfg(game, version="outcome"))
    assert nfg.outcomes == ("U, L", "D, L")
    assert_same_game(nfg.game, game)


def test_names_gambit_style_when_missing_empty_or_repeated():
    text = 'NFG 1 R "t" { "" "x" "x" } { { "" "a" } { "s" "s" "s_1" } { "q" } } ""\n' + " 0" * 18
    nfg = parse_nfg_file(text)
    assert nfg.game.actors == ("Player 1", "x_1", "x_2")
    assert nfg.game.options == (("1", "a"), ("s_2", "s_3", "s_1"), ("q",))
    assert nfg.players == ("", "x", "x")  # as in the file
    assert nfg.strategies[1] == ("s", "s", "s_1")
    counted = parse_nfg('NFG 1 R "t" { "A" "B" } { 2 3 }' + " 1" * 12)
    assert counted.options == (("1", "2"), ("1", "2", "3"))


def test_strings_follow_gambits_reader():
    nfg = parse_nfg_file('NFG 1 R "say \\"hi\\"\nthere" { "a\\b" "c d" } { 1 1 } "\\"" 1 2')
    assert nfg.title == 'say "hi"\nthere'
    assert nfg.game.actors == ("a\\b", "c d")
    assert nfg.comment == '"'
    assert_same_game(parse_nfg(format_nfg(nfg.game)), nfg.game)


def test_names_gambit_cannot_read_back_are_refused():
    for name in ("ends with \\", 'a \\" b', "two \\\\ backslashes"):
        game = Game(np.zeros((2, 1, 1)), actors=(name, "B"))
        with pytest.raises(GameError, match="backslash"):
            format_nfg(game)
    for name in ("é", " lead", "trail ", "two  spaces", "tab\t"):
        game = Game(np.zeros((2, 1, 1)), options=(("a",), (name,)))
        with pytest.raises(GameError, match="Gambit 16 accepts only printable ASCII"):
            format_nfg(game)
        assert parse_nfg(format_nfg(game, strict=False)).options[1] == (name,)
    with pytest.raises(GameError, match="version"):
        # Versions that do not exist: wrong on purpose.
        format_nfg(Game(np.zeros((2, 1, 1))), version="tree")  # type: ignore[arg-type]
    with pytest.raises(GameError, match=r"got 'payof' \(did you mean 'payoff'\?\)"):
        format_nfg(Game(np.zeros((2, 1, 1))), version="payof")  # type: ignore[arg-type]


def test_unwritable_path_is_an_input_error_naming_the_file(tmp_path):
    target = tmp_path / "no" / "such" / "game.nfg"
    with pytest.raises(InputError) as caught:
        write_nfg(Game(np.zeros((2, 1, 1))), target)
    assert caught.value.source == str(target)
    (problem,) = caught.value.problems
    assert problem.location == "" and problem.message.startswith("cannot write the file: ")


def test_a_misspelt_header_gets_a_hint():
    with pytest.raises(ScenarioError) as caught:
        parse_nfg('NGF 1 R "t" { "A" "B" } { 1 1 } 1 2')
    (problem,) = caught.value.problems
    assert problem.location == "line 1, column 1"
    assert problem.message.endswith("got 'NGF' (did you mean 'NFG'?)")


def test_latin1_file_and_unreadable_file(tmp_path):
    path = tmp_path / "latin1.nfg"
    path.write_bytes('NFG 1 R "Caf\xe9" { "A" "B" } { 1 1 } 1 2'.encode("latin-1"))
    assert read_nfg_file(path).title == "Café"
    with pytest.raises(ScenarioError, match="cannot read the file"):
        read_nfg(tmp_path / "missing.nfg")


# -- pygambit, both directions ------------------------------------------------------------------

_slow = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("version", VERSIONS)
@_slow
@given(game=named_games(gambit=True), title=gambit_names)  # pygambit decodes titles as ASCII
def test_pygambit_reads_our_files(version, game, title):
    with tempfile.TemporaryDirectory() as folder:
        path = write_nfg(game, Path(folder) / "game.nfg", title=title, version=version)
        gbt_game = pygambit.read_nfg(str(path))
    actors, options, tensor = gambit_payoffs(gbt_game)
    assert gbt_game.title == title
    assert tuple(actors) == game.actors
    assert tuple(tuple(o) for o in options) == game.options
    assert np.array_equal(tensor, game.payoffs)


@_slow
@given(game=named_games(gambit=True), title=gambit_names, comment=gambit_names)
def test_we_read_files_pygambit_writes(game, title, comment):
    arrays = [
        np.vectorize(lambda x: Fraction(float(x)), otypes=[object])(game.payoffs[i])
        for i in range(game.n_actors)
    ]
    gbt_game = pygambit.Game.from_arrays(*arrays, title=title)
    gbt_game.description = comment
    for player, actor, options in zip(gbt_game.players, game.actors, game.options, strict=True):
        player.label = actor
        for strategy, option in zip(player.strategies, options, strict=True):
            strategy.label = option
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gambit.nfg"
        gbt_game.to_nfg(str(path))  # pygambit writes the outcome version
        nfg = read_nfg_file(path)
    assert (nfg.title, nfg.comment, nfg.version) == (title, comment, "outcome")
    assert_same_game(nfg.game, game)


def test_we_read_pygambit_payoff_version_input_like_pygambit(tmp_path):
    # pygambit only writes the outcome version; a payoff-version file both read the same way.
    path = tmp_path / "p.nfg"
    path.write_text('NFG 1 R "p" { "A" "B" "C" } { 2 1 3 } "c"\n' + " ".join(map(str, range(18))))
    actors, options, tensor = gambit_payoffs(pygambit.read_nfg(str(path)))
    game = read_nfg(path)
    assert list(game.actors) == actors and [list(o) for o in game.options] == options
    assert np.array_equal(game.payoffs, tensor)


# -- Gambit's sample games ----------------------------------------------------------------------


def test_e02_selten_figure_2():
    nfg = read_nfg_file(DATA / "e02.nfg")
    assert nfg.title == "Selten (IJGT, 75), Figure 2, normal form"
    game = nfg.game
    assert game.actors == ("Player 1", "Player 2") and game.shape == (3, 2)
    assert game.payoffs[0].tolist() == [[1, 1], [0, 0], [0, 2]]
    assert game.payoffs[1].tolist() == [[1, 1], [2, 3], [2, 0]]
    ours = solve(game, "vertex_enumeration").equilibria
    gbt_game = pygambit.read_nfg(str(DATA / "e02.nfg"))
    theirs = pygambit.nash.enummixed_solve(gbt_game, rational=True).equilibria
    assert len(ours) == len(theirs) == 2
    expected = sorted(
        [float(eq[s]) for p in gbt_game.players for s in p.strategies] for eq in theirs
    )
    found = sorted(np.concatenate(eq.strategies).tolist() for eq in ours)
    assert np.allclose(found, expected, atol=1e-9)


def test_pd_prisoners_dilemma():
    game = read_nfg(DATA / "pd.nfg")
    assert game.payoffs[0].tolist() == [[9, 0], [10, 1]]
    assert game.payoffs[1].tolist() == [[9, 10], [0, 1]]
    (equilibrium,) = solve(game, "vertex_enumeration").equilibria
    assert [s.tolist() for s in equilibrium.strategies] == [[0.0, 1.0], [0.0, 1.0]]
    gbt_game = pygambit.read_nfg(str(DATA / "pd.nfg"))
    (theirs,) = pygambit.nash.enummixed_solve(gbt_game, rational=True).equilibria
    assert [float(theirs[s]) for p in gbt_game.players for s in p.strategies] == [0, 1, 0, 1]


def test_2x2x2_mckelvey_mclennan():
    game = read_nfg(DATA / "2x2x2.nfg")
    assert game.shape == (2, 2, 2)
    assert game.payoff((0, 0, 0)).tolist() == [9, 8, 12]
    assert game.payoff((1, 1, 0)).tolist() == [9, 8, 2]
    assert game.payoff((1, 0, 1)).tolist() == [3, 4, 6]
    ours = {
        tuple(int(np.argmax(s)) for s in eq.strategies) for eq in solve(game, "pure").equilibria
    }
    gbt_game = pygambit.read_nfg(str(DATA / "2x2x2.nfg"))
    theirs = {
        tuple(int(np.argmax([float(eq[s]) for s in p.strategies])) for p in gbt_game.players)
        for eq in pygambit.nash.enumpure_solve(gbt_game).equilibria
    }
    assert ours == theirs and len(ours) == 4
    _, _, tensor = gambit_payoffs(gbt_game)
    assert np.array_equal(tensor, game.payoffs)


# -- bad files ----------------------------------------------------------------------------------

BAD = [
    ("bad_unterminated_string.nfg", "line 2, column 21", 'unterminated string: no closing "'),
    ("bad_payoff_count.nfg", "line 4, column 10", "expected 12 payoffs (6 profiles x 2 players), got 11"),
    ("bad_header_efg.nfg", "line 1, column 1", "extensive-form (EFG) file"),
    ("bad_version.nfg", "line 1, column 5", "unsupported NFG version '2'"),
    ("bad_missing_title.nfg", "line 1, column 9", "expected the game title in double quotes, got '{'"),
    ("bad_non_numeric.nfg", "line 3, column 3", "expected a payoff (a number), got 'four'"),
    ("bad_nan.nfg", "line 3, column 1", "a payoff must be a finite number, got 'nan'"),
    ("bad_overflow.nfg", "line 3, column 3", "payoff '1e400' is too large for a 64-bit float"),
    ("bad_division_by_zero.nfg", "line 3, column 1", "payoff '3/0' divides by zero"),
    ("bad_outcome_index.nfg", "line 12, column 5", "outcome index 5 is out of range: the file defines 4 outcomes"),
    ("bad_outcome_payoffs.nfg", "line 8, column 3", "outcome 2 ('x') has 1 payoff(s), expected 2"),
    ("bad_zero_strategies.nfg", "line 1, column 41", "player 'B' needs at least one strategy, got 0"),
    ("bad_negative_strategies.nfg", "line 1, column 45", "player 'A' needs at least one strategy, got -1"),
    ("bad_one_player.nfg", "line 1, column 32", "a game needs at least 2 players, got 1"),
    ("bad_too_many_players.nfg", "line 1, column 273", "at most 32 players are supported, got 40"),
    ("bad_too_many_payoffs.nfg", "line 2, column 273", "the game has 1e+210 profiles x 30 players = 3e+211 payoffs; at most 10,000,000 are supported"),
    ("bad_long_strategy_count.nfg", "line 2, column 3", "player 'A' has 99999999999999999999... (5,000 digits) strategies"),
    ("bad_long_rational.nfg", "line 3, column 1", "has a part of more than 4,300 digits"),
    ("bad_long_outcome_index.nfg", "line 3, column 1", "outcome index 99999999999999999999... (5,000 digits) is out of range"),
]  # fmt: skip


#: Valid for Gambit (exact rationals, one-player games), not for a float :class:`Game`; and
#: files over our size limits, never given to Gambit (it would try to build the game).
ONLY_WE_REFUSE = {
    "bad_overflow.nfg",
    "bad_one_player.nfg",
    "bad_too_many_players.nfg",
    "bad_too_many_payoffs.nfg",
    "bad_long_strategy_count.nfg",
    "bad_long_rational.nfg",
    "bad_long_outcome_index.nfg",
}


def test_every_bad_file_is_tested():
    assert {name for name, _, _ in BAD} == {path.name for path in DATA.glob("bad_*.nfg")}


@pytest.mark.parametrize(("name", "location", "fragment"), BAD)
def test_bad_file_names_the_place_and_the_problem(name, location, fragment):
    with pytest.raises(ScenarioError) as caught:
        read_nfg(DATA / name)
    (problem,) = caught.value.problems
    assert caught.value.source == str(DATA / name)
    assert problem.location == location
    assert fragment in problem.message
    if name in ONLY_WE_REFUSE:
        return
    with pytest.raises(ValueError):  # Gambit refuses them too
        pygambit.read_nfg(str(DATA / name))


def test_several_problems_are_reported_at_once():
    text = 'NFG 1 R "t" { "A" "B" } { 2 1 }\n1 x\ny 4 5'
    with pytest.raises(ScenarioError) as caught:
        parse_nfg(text, source="many.nfg")
    assert [str(p) for p in caught.value.problems] == [
        "line 2, column 3: expected a payoff (a number), got 'x'",
        "line 3, column 1: expected a payoff (a number), got 'y'",
        "line 3, column 5: expected 4 payoffs (2 profiles x 2 players), got 5",
    ]
    assert str(caught.value).startswith("many.nfg: line 2, column 3: ")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty file"),
        ('NFG 1 X "t"', "expected the data type R (or D), got 'X'"),
        ('NFG 1 R "t" { "A" 3 }', "expected a player name in double quotes or '}', got '3'"),
        ('NFG 1 R "t" { "A" "B" } { 2 }', "expected the strategies of 2 players"),
        ('NFG 1 R "t" { "A" "B" } { 2 2.5 }', "a whole number >= 1, got '2.5'"),
        ('NFG 1 R "t" { "A" "B" } { { "a" } { } } 1 2', "player 'B' needs at least one strategy"),
        ('NFG 1 R "t" { "A" "B" } { 1 1 }', "expected the payoffs (numbers) or an outcome list"),
        ('NFG 1 R "t" { "A" "B" } { 1 1 } { { "o" 1 2 }', "got the end of the file"),
        ('NFG 1 R "t" { "A" "B" } { 1 1 } { { 1 2 } } 1', "expected the name of outcome 1"),
        ('NFG 1 R "t" { "A" "B" } { 1 1 } { { "o" 1 2 } } -1', "outcome index -1 is out of range"),
        ('NFG 1 R "t" { "A" "B" } { 1 1 } { { "o" 1 2 } } 1 1', "expected 1 outcome indices"),
        ('NFG 1 R "t" { "A" "B" } { 1 1 } { { "o" 1 inf } } 1', "must be a finite number"),
        ('NFG 1 R "t" { "A" "B" } { 100000 100000 }', "at most 10,000,000 are supported"),
    ],
)
def test_more_bad_texts(text, fragment):
    with pytest.raises(ScenarioError) as caught:
        parse_nfg(text)
    assert any(fragment in p.message for p in caught.value.problems), caught.value.problems
    assert all(p.location.startswith("line ") for p in caught.value.problems)


def test_many_bad_payoffs_are_summarised():
    text = 'NFG 1 R "t" { "A" "B" } { 20 1 }' + " x" * 40
    with pytest.raises(ScenarioError) as caught:
        parse_nfg(text)
    assert len(caught.value.problems) == 11
    assert caught.value.problems[-1].message == "... and 30 more bad payoffs"


# -- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_cli_export_writes_a_file_pygambit_reads(version, tmp_path, capsys):
    out = tmp_path / "alaska.nfg"
    argv = ["export", "scenarios/alaska_2025_reduced.toml", "--to", "nfg", "--format", "bilateral"]
    argv += ["--set", "trust=0.8", "--version", version, "-o", str(out)]
    assert main(argv) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    scenario = load_scenario("scenarios/alaska_2025_reduced.toml")
    game = scenario.game({"trust": 0.8}, format="bilateral")
    gbt_game = pygambit.read_nfg(str(out))
    actors, _, tensor = gambit_payoffs(gbt_game)
    assert tuple(actors) == game.actors and np.array_equal(tensor, game.payoffs)
    assert gbt_game.title.startswith(scenario.title)
    assert "trust=0.8" in gbt_game.description and "verification=" in gbt_game.description
    nfg = read_nfg_file(out)
    assert nfg.version == version
    assert_same_game(nfg.game, game)


def test_cli_export_bad_setting_exits_2_with_one_message(tmp_path, capsys):
    out = tmp_path / "x.nfg"
    path = "scenarios/alaska_2025_reduced.toml"
    assert main(["export", path, "--set", "trust=high", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"negotiation-sim: error: {path}: --set trust=high: expected NAME=NUMBER"
    ]
    assert not out.exists()
    assert main(["export", path, "--format", "nope", "-o", str(out)]) == 2
    assert "unknown format 'nope'" in capsys.readouterr().err
    assert main(["export", path, "-o", str(tmp_path / "no" / "x.nfg")]) == 2
    assert "cannot write the file" in capsys.readouterr().err


# -- the writer's mark and the output-file rule -------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_gambit_reads_the_mark_as_the_first_line_of_the_comment(version, tmp_path):
    from negotiation_sim import __version__
    from negotiation_sim._files import written_by_us

    game = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], actors=("A", "B"))
    path = write_nfg(game, tmp_path / "pd.nfg", comment="two lines\nof notes", version=version)
    gbt_game = pygambit.read_nfg(str(path))
    assert gbt_game.description == f"Written by negotiation_sim {__version__}\ntwo lines\nof notes"
    assert np.array_equal(gambit_payoffs(gbt_game)[2], game.payoffs)
    assert written_by_us(path)


def test_a_file_gambit_wrote_is_replaced_only_with_overwrite(tmp_path):
    from negotiation_sim._files import written_by_us

    game = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    gbt_game = pygambit.Game.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="theirs")
    path = tmp_path / "gambit.nfg"
    gbt_game.to_nfg(str(path))
    before = path.read_bytes()
    assert not written_by_us(path)
    with pytest.raises(InputError) as caught:
        write_nfg(game, path)
    assert caught.value.source == str(path) and "pass --overwrite" in str(caught.value)
    assert path.read_bytes() == before
    assert write_nfg(game, path, overwrite=True) == path
    assert written_by_us(path) and read_nfg(path).payoffs.tolist() == game.payoffs.tolist()
