"""Gambit strategic-form (``.nfg``) files: read them into a :class:`Game`, write a game as one.

The format (Gambit's ``doc/formats.nfg.rst``; the reader is ``src/games/file.cc``) is a header

.. code-block:: text

    NFG 1 R "title" { "Player 1" "Player 2" } { 3 2 } "optional comment"

(``R`` or ``D``; the strategies are given by their numbers, named ``"1"``, ``"2"``, ... as in
Gambit, or by name lists ``{ { "a" "b" "c" } { "x" "y" } }``), then a body in one of two versions:

* payoff version: one payoff per player per profile, the profiles listed with **player 1's
  strategy changing fastest**, then player 2's, and so on;
* outcome version: an outcome list ``{ { "name" 1 2 } { "" 3, 4 } ... }`` (commas between payoffs
  optional), then one outcome index per profile in the same order; ``0`` is the null outcome,
  whose payoffs are all 0.

Whitespace is not significant. Numbers are integers, decimals (``-1.5``, ``.5``), exponent
notation (``2.5e-3``) or rationals (``3/4``); they are converted to the nearest 64-bit float.
(Gambit 16 itself rejects ``+3`` and exponents with a ``+`` sign; this reader accepts them, and
the writer never produces them.) Strings are in double quotes, with ``\\"`` for a quote; as in
Gambit's reader, a backslash before any other character is kept with that character. Gambit 16
accepts as player, strategy and outcome labels only printable ASCII without leading, trailing or
double spaces (:data:`GAMBIT_LABEL`); the writer checks that unless told otherwise.

A :class:`Game` needs at least 2 actors and non-empty, distinct names: an empty player name
becomes ``Player i``, an empty strategy name its number, and repeated names get Gambit's
``_1``, ``_2`` suffixes. The names as written in the file stay in :class:`NfgFile`.

Examples
--------
>>> game = parse_nfg('NFG 1 R "Matching pennies" { "A" "B" } { 2 2 } 1 -1 -1 1 -1 1 1 -1')
>>> game.actors, game.options
(('A', 'B'), (('1', '2'), ('1', '2')))
>>> game.payoffs[0].tolist()  # A's payoffs: rows are A's strategies
[[1.0, -1.0], [-1.0, 1.0]]
>>> print(format_nfg(game, title="Matching pennies"))
NFG 1 R "Matching pennies" { "A" "B" }
<BLANKLINE>
{ { "1" "2" }
{ "1" "2" }
}
""
<BLANKLINE>
1 -1
-1 1
-1 1
1 -1
<BLANKLINE>
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from os import PathLike
from pathlib import Path
from typing import Literal, NoReturn

import numpy as np

from ..errors import GameError, Problem, ScenarioError
from ..game import Game
from ..scenario.load import read_bytes

__all__ = [
    "GAMBIT_LABEL",
    "MAX_PAYOFFS",
    "NfgFile",
    "format_nfg",
    "parse_nfg",
    "parse_nfg_file",
    "read_nfg",
    "read_nfg_file",
    "write_nfg",
]

#: Payoff entries (profiles x players) a file may have: the game is built in memory.
MAX_PAYOFFS = 10_000_000
#: Number problems reported one by one before the rest are only counted.
_MAX_REPORTED = 10
DEFAULT_TITLE = "Untitled strategic game"

NfgVersion = Literal["payoff", "outcome"]

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+/\d+")
_INTEGER = re.compile(r"[+-]?\d+")
_TOKEN = re.compile(r'\s+|(?P<punct>[{},])|(?P<quote>")|(?P<word>[^\s{},"]+)')
_NON_FINITE = {"nan", "inf", "infinity"}
#: Player, strategy and outcome labels Gambit 16 reads: printable ASCII, no leading, trailing
#: or double spaces (the title and comment may hold anything).
GAMBIT_LABEL = re.compile(r"(?:[!-~]+(?: [!-~]+)*)?")


@dataclass(frozen=True)
class NfgFile:
    """A Gambit ``.nfg`` file: the game and what else the file says.

    Attributes
    ----------
    game : Game
        The game, its actors and options named after the file's players and strategies.
    title : str
        The title from the header.
    comment : str
        The optional comment after the strategies (``""`` when absent).
    version : {"payoff", "outcome"}
        Which body the file has.
    players : tuple of str
        The player names exactly as in the file (``game.actors`` may differ: see the module).
    strategies : tuple of tuples of str
        The strategy names as in the file (``"1"``, ``"2"``, ... when only counts are given).
    outcomes : tuple of str
        The outcome names of the outcome version (``()`` for the payoff version).
    """

    game: Game
    title: str
    comment: str
    version: NfgVersion
    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    outcomes: tuple[str, ...] = ()


# -- reading ----------------------------------------------------------------------------------


def read_nfg(path: str | PathLike[str]) -> Game:
    """Read a Gambit ``.nfg`` file (either version) into a :class:`Game`.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    Game
        See :func:`read_nfg_file` for the title, comment and names as written.

    Raises
    ------
    ScenarioError
        When the file cannot be read or is not a valid ``.nfg`` file: every problem found,
        each with its ``line L, column C``.

    Examples
    --------
    >>> game = read_nfg("tests/data/nfg/pd.nfg")  # doctest: +SKIP
    """
    return read_nfg_file(path).game


def read_nfg_file(path: str | PathLike[str]) -> NfgFile:
    """Read a Gambit ``.nfg`` file with its title, comment and names (see :class:`NfgFile`).

    Files are decoded as UTF-8, or as Latin-1 when they are not UTF-8 (older Gambit files).

    Raises
    ------
    ScenarioError
        As :func:`read_nfg`.
    """
    source = str(path)
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return parse_nfg_file(text, source=source)


def parse_nfg(text: str, source: str = "<nfg>") -> Game:
    """Parse the text of a Gambit ``.nfg`` file into a :class:`Game`.

    Parameters
    ----------
    text : str
        The file's text.
    source : str
        What to call it in error messages.

    Raises
    ------
    ScenarioError
        Listing the problems of the text, each located as ``line L, column C``.

    Examples
    --------
    The outcome version; outcome 0 is the null outcome (all payoffs 0):

    >>> text = '''NFG 1 R "Chicken" { "Row" "Column" } { { "swerve" "straight" }
    ... { "swerve" "straight" } } "a comment"
    ... { { "tie" 0 0 } { "Row wins" 1, -1 } { "Column wins" -1, 1 } { "crash" -10 -10 } }
    ... 1 2 3 4'''
    >>> game = parse_nfg(text)
    >>> game.options[0], game.payoff((1, 0)).tolist(), game.payoff((1, 1)).tolist()
    (('swerve', 'straight'), [1.0, -1.0], [-10.0, -10.0])

    Errors name the place:

    >>> parse_nfg('NFG 1 R "x" { "A" "B" } { 2 1 } 1 2 3')
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: <nfg>: line 1, column 38: expected 4 payoffs (2 profiles x 2 players), got 3
    """
    return parse_nfg_file(text, source).game


def parse_nfg_file(text: str, source: str = "<nfg>") -> NfgFile:
    """Parse the text of a Gambit ``.nfg`` file into an :class:`NfgFile`.

    Raises
    ------
    ScenarioError
        As :func:`parse_nfg`.

    Examples
    --------
    >>> nfg = parse_nfg_file('NFG 1 D "PD" { "1" "2" } { { "C" "D" } { "C" "D" } } '
    ...                      '"Axelrod" 3 3 5 0 0 5 1 1')
    >>> nfg.title, nfg.comment, nfg.version, nfg.game.payoff((1, 0)).tolist()
    ('PD', 'Axelrod', 'payoff', [5.0, 0.0])
    """
    return _Parser(text, source).parse()


class _Fatal(Exception):
    """Parsing cannot go on; the problems gathered so far are reported."""


@dataclass(frozen=True)
class _Token:
    kind: Literal["{", "}", ",", "string", "word", "eof"]
    text: str
    offset: int
    end: int

    def describe(self) -> str:
        if self.kind == "eof":
            return "the end of the file"
        if self.kind == "string":
            return f'the string "{_shorten(self.text)}"'
        return repr(_shorten(self.text))


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.problems: list[Problem] = []
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens: list[_Token] = []
        self.position = 0

    # -- errors -------------------------------------------------------------------------------
    def where(self, offset: int) -> str:
        line = bisect.bisect_right(self.line_starts, offset)
        return f"line {line}, column {offset - self.line_starts[line - 1] + 1}"

    def problem(self, token: _Token, message: str) -> None:
        self.problems.append(Problem(self.where(token.offset), message))

    def end_of(self, tokens: Sequence[_Token]) -> _Token:
        """Where the last of ``tokens`` (or the token before them) ends."""
        last = tokens[-1] if tokens else self.tokens[self.position - 1]
        return _Token("eof", "", last.end, last.end)

    def fail(self, token: _Token, message: str) -> NoReturn:
        self.problem(token, message)
        raise _Fatal

    # -- lexing -------------------------------------------------------------------------------
    def lex(self) -> None:
        text, offset = self.text, 0
        while offset < len(text):
            match = _TOKEN.match(text, offset)
            assert match is not None  # the last alternative matches any other character
            if match.group("punct"):
                self.tokens.append(
                    _Token(match.group("punct"), match.group(), offset, offset + 1)  # type: ignore[arg-type]
                )
            elif match.group("word"):
                self.tokens.append(_Token("word", match.group(), offset, match.end()))
            elif match.group("quote"):
                token, offset = self.string(offset)
                self.tokens.append(token)
                continue
            offset = match.end()
        self.tokens.append(_Token("eof", "", len(text), len(text)))

    def string(self, start: int) -> tuple[_Token, int]:
        """The quoted string at ``start``, decoded as Gambit's reader does, and where it ends."""
        chars: list[str] = []
        after_backslash = False
        text = self.text
        index = start + 1
        while True:
            if index >= len(text):
                self.fail(
                    _Token("eof", "", start, start),
                    'unterminated string: no closing " before the end of the file',
                )
            char = text[index]
            if char == '"' and not after_backslash:
                break
            if after_backslash:
                chars.append('"' if char == '"' else "\\" + char)
            elif char != "\\":
                chars.append(char)
            after_backslash = char == "\\"
            index += 1
        return _Token("string", "".join(chars), start, index + 1), index + 1

    # -- token stream -------------------------------------------------------------------------
    def peek(self) -> _Token:
        return self.tokens[self.position]

    def next(self) -> _Token:
        token = self.tokens[self.position]
        if token.kind != "eof":
            self.position += 1
        return token

    def expect(self, kind: str, what: str) -> _Token:
        token = self.next()
        if token.kind != kind:
            self.fail(token, f"expected {what}, got {token.describe()}")
        return token

    # -- grammar ------------------------------------------------------------------------------
    def parse(self) -> NfgFile:
        try:
            self.lex()
            result = self.file()
        except _Fatal:
            result = None
        if self.problems or result is None:
            raise ScenarioError(self.source, self.problems)
        return result

    def file(self) -> NfgFile | None:
        title = self.header()
        players = self.players()
        strategies = self.strategies(players)
        comment = ""
        if self.peek().kind == "string":
            comment = self.next().text
        shape = tuple(len(names) for names in strategies)
        n = len(players)
        profiles = math.prod(shape)
        if profiles * n > MAX_PAYOFFS:
            self.fail(
                self.peek(),
                f"the game has {profiles:,} profiles x {n} players = {profiles * n:,} payoffs; "
                f"at most {MAX_PAYOFFS:,} are supported",
            )
        start = self.peek()
        version: NfgVersion
        outcome_names: tuple[str, ...] = ()
        if start.kind == "{":
            version = "outcome"
            flat, outcome_names = self.outcome_body(players, shape)
        elif start.kind == "word":
            version = "payoff"
            flat = self.payoff_body(n, shape)
        else:
            self.fail(
                start,
                "expected the payoffs (numbers) or an outcome list ('{') after the header, "
                f"got {start.describe()}",
            )
        if flat is None or self.problems:
            return None
        tensor = flat.reshape((*reversed(shape), n)).T  # Gambit: player 1's strategy fastest
        actors = _unique([name or f"Player {i + 1}" for i, name in enumerate(players)])
        options = [
            _unique([name or str(j + 1) for j, name in enumerate(names)]) for names in strategies
        ]
        return NfgFile(
            game=Game(tensor, actors, options),
            title=title,
            comment=comment,
            version=version,
            players=tuple(players),
            strategies=tuple(tuple(names) for names in strategies),
            outcomes=outcome_names,
        )

    def header(self) -> str:
        token = self.next()
        if token.kind == "eof":
            self.fail(token, "empty file: expected a Gambit strategic-form file ('NFG 1 R ...')")
        if token.text != "NFG" or token.kind != "word":
            if token.kind == "word" and token.text == "EFG":
                self.fail(
                    token,
                    "this is a Gambit extensive-form (EFG) file; only strategic-form (NFG) "
                    "files can be read",
                )
            self.fail(
                token,
                "expected the header 'NFG 1 R \"title\"' of a Gambit strategic-form file, "
                f"got {token.describe()}",
            )
        token = self.next()
        if token.kind != "word" or token.text != "1":
            self.fail(token, f"unsupported NFG version {token.describe()}: expected 1")
        token = self.next()
        if token.kind != "word" or token.text not in ("R", "D"):
            self.fail(token, f"expected the data type R (or D), got {token.describe()}")
        return self.expect("string", "the game title in double quotes").text

    def players(self) -> list[str]:
        self.expect("{", "'{' opening the list of player names")
        names: list[str] = []
        while (token := self.next()).kind == "string":
            names.append(token.text)
        if token.kind != "}":
            self.fail(
                token, f"expected a player name in double quotes or '}}', got {token.describe()}"
            )
        if len(names) < 2:
            self.fail(token, f"a game needs at least 2 players, got {len(names)}")
        return names

    def strategies(self, players: Sequence[str]) -> list[list[str]]:
        opening = self.expect("{", "'{' opening the strategies (counts or name lists)")
        result: list[list[str]] = []
        if self.peek().kind == "{":
            while (token := self.next()).kind == "{":
                names: list[str] = []
                while (item := self.next()).kind == "string":
                    names.append(item.text)
                if item.kind != "}":
                    self.fail(
                        item,
                        f"expected a strategy name in double quotes or '}}', got {item.describe()}",
                    )
                if not names:
                    who = players[len(result)] if len(result) < len(players) else len(result) + 1
                    self.problem(item, f"player {who!r} needs at least one strategy, got none")
                result.append(names)
            if token.kind != "}":
                self.fail(token, f"expected '{{' (a strategy list) or '}}', got {token.describe()}")
        else:
            while (token := self.next()).kind == "word":
                who = players[len(result)] if len(result) < len(players) else len(result) + 1
                if not _INTEGER.fullmatch(token.text):
                    count = 0
                    message = "a whole number" if _NUMBER.fullmatch(token.text) else "a number"
                    self.problem(
                        token,
                        f"expected the number of strategies of player {who!r}, {message} >= 1, "
                        f"got {token.text!r}",
                    )
                else:
                    count = int(token.text)
                    if count < 1:
                        self.problem(
                            token,
                            f"player {who!r} needs at least one strategy, got {token.text}",
                        )
                    elif count > MAX_PAYOFFS:
                        self.problem(
                            token,
                            f"player {who!r} has {count:,} strategies; at most "
                            f"{MAX_PAYOFFS:,} payoffs are supported",
                        )
                        count = 1
                result.append([str(j + 1) for j in range(count)])
            if token.kind != "}":
                self.fail(token, f"expected a number of strategies or '}}', got {token.describe()}")
        if len(result) != len(players):
            self.fail(
                opening,
                f"expected the strategies of {len(players)} players (one entry per player), "
                f"got {len(result)}",
            )
        if self.problems:
            raise _Fatal
        return result

    def number(self, token: _Token, what: str) -> float | None:
        """The token's value, or ``None`` after reporting why it is not a finite number."""
        text = token.text
        if token.kind != "word" or not _NUMBER.fullmatch(text):
            if token.kind == "word" and text.lower().lstrip("+-") in _NON_FINITE:
                self.problem(token, f"a {what} must be a finite number, got {text!r}")
            else:
                self.problem(token, f"expected a {what} (a number), got {token.describe()}")
            return None
        try:
            value = float(Fraction(text)) if "/" in text else float(text)
        except ZeroDivisionError:
            self.problem(token, f"{what} {text!r} divides by zero")
            return None
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            self.problem(token, f"{what} {text!r} is too large for a 64-bit float")
            return None
        return value

    def numbers(self, tokens: Sequence[_Token], what: str) -> list[float | None]:
        values: list[float | None] = []
        reported = len(self.problems)
        for token in tokens:
            value = self.number(token, what)
            values.append(value)
            if value is None and len(self.problems) - reported > _MAX_REPORTED:
                self.problems.pop()
        bad = sum(value is None for value in values)
        if bad > _MAX_REPORTED:
            self.problems.append(Problem("", f"... and {bad - _MAX_REPORTED} more bad {what}s"))
        return values

    def payoff_body(self, n: int, shape: tuple[int, ...]) -> np.ndarray | None:
        tokens = self.tokens[self.position : -1]
        values = self.numbers(tokens, "payoff")
        profiles = math.prod(shape)
        expected = profiles * n
        if len(values) != expected:
            where = tokens[expected] if len(values) > expected else self.end_of(tokens)
            self.problem(
                where,
                f"expected {expected} payoffs ({profiles} profiles x {n} players), "
                f"got {len(values)}",
            )
        if self.problems:
            return None
        return np.array(values, dtype=np.float64)

    def outcome_body(
        self, players: Sequence[str], shape: tuple[int, ...]
    ) -> tuple[np.ndarray | None, tuple[str, ...]]:
        n = len(players)
        self.expect("{", "'{' opening the outcome list")
        names: list[str] = []
        payoffs: list[list[float] | None] = [[0.0] * n]  # outcome 0: the null outcome
        while (token := self.next()).kind == "{":
            number = len(names) + 1
            name = self.next()
            if name.kind != "string":
                self.fail(
                    name,
                    f"expected the name of outcome {number} in double quotes, got {name.describe()}",
                )
            names.append(name.text)
            items: list[_Token] = []
            while (item := self.next()).kind in ("word", ","):
                if item.kind == "word":
                    items.append(item)
            if item.kind != "}":
                self.fail(
                    item, f"expected a payoff or '}}' in outcome {number}, got {item.describe()}"
                )
            values = self.numbers(items, "payoff")
            if len(values) != n:
                self.problem(
                    name,
                    f"outcome {number} ({name.text!r}) has {len(values)} payoff(s), expected {n} "
                    "(one per player)",
                )
            clean = [value for value in values if value is not None]
            payoffs.append(clean if len(clean) == n else None)
        if token.kind != "}":
            self.fail(
                token,
                f"expected '{{' (an outcome) or '}}' ending the outcome list, got {token.describe()}",
            )
        tokens = self.tokens[self.position : -1]
        profiles = math.prod(shape)
        indices: list[int] = []
        bad = 0
        for token in tokens:
            if token.kind != "word" or not _INTEGER.fullmatch(token.text):
                message = f"expected an outcome index (a whole number), got {token.describe()}"
            elif not 0 <= int(token.text) <= len(names):
                message = (
                    f"outcome index {int(token.text)} is out of range: the file defines "
                    f"{len(names)} outcomes (0 is the null outcome, all payoffs 0)"
                )
            else:
                indices.append(int(token.text))
                continue
            bad += 1
            indices.append(0)
            if bad <= _MAX_REPORTED:
                self.problem(token, message)
        if bad > _MAX_REPORTED:
            self.problems.append(
                Problem("", f"... and {bad - _MAX_REPORTED} more bad outcome indices")
            )
        if len(indices) != profiles:
            where = tokens[profiles] if len(indices) > profiles else self.end_of(tokens)
            self.problem(
                where,
                f"expected {profiles} outcome indices (one per profile), got {len(indices)}",
            )
        if self.problems:
            return None, tuple(names)
        table = np.array(payoffs, dtype=np.float64)  # every outcome is complete here
        return table[np.array(indices, dtype=np.intp)].reshape(-1), tuple(names)


def _unique(names: Sequence[str]) -> list[str]:
    """Repeated names get Gambit's suffixes ``_1``, ``_2``, ... (skipping names in use)."""
    counts = Counter(names)
    used = set(names)
    seen: Counter[str] = Counter()
    result = []
    for name in names:
        if counts[name] == 1:
            result.append(name)
            continue
        while True:
            seen[name] += 1
            candidate = f"{name}_{seen[name]}"
            if candidate not in used:
                break
        used.add(candidate)
        result.append(candidate)
    return result


# -- writing ----------------------------------------------------------------------------------


def format_nfg(
    game: Game,
    *,
    title: str | None = None,
    comment: str = "",
    version: NfgVersion = "payoff",
    strict: bool = True,
) -> str:
    """The text of a Gambit ``.nfg`` file for ``game``.

    Parameters
    ----------
    game : Game
        The game; its actors and options become the players and named strategies.
    title : str, optional
        The title; default ``"Untitled strategic game"`` (Gambit's).
    comment : str
        The comment written after the strategies (may span lines).
    version : {"payoff", "outcome"}
        ``"payoff"`` lists every payoff; ``"outcome"`` writes one outcome per distinct payoff
        vector, named after the first profile (options joined by ``", "``) that reaches it,
        then one outcome index per profile.
    strict : bool
        Refuse actor and option names that Gambit 16 does not accept as labels (see
        ``GAMBIT_LABEL``: printable ASCII, no leading, trailing or double spaces). With
        ``strict=False`` they are written as they are: this module and older Gambits read them.

    Returns
    -------
    str
        The file's text. Payoffs are written exactly: integers as integers, other values in the
        shortest decimal that reads back as the same float (``repr``), never with an ``e+``
        exponent, which Gambit does not read.

    Raises
    ------
    GameError
        For an unknown ``version``, a name no Gambit reads back (a backslash before a quote,
        before another backslash, or at the end), or with ``strict``, a name Gambit 16 refuses.

    Examples
    --------
    >>> from negotiation_sim import Game
    >>> game = Game.from_bimatrix([[0.1, 2], [3, 4]], [[1e-7, 0], [0, 1]], actors=("US", "RU"))
    >>> print(format_nfg(game, title='The "deal"', version="outcome"))
    NFG 1 R "The \\"deal\\"" { "US" "RU" }
    <BLANKLINE>
    { { "0" "1" }
    { "0" "1" }
    }
    ""
    <BLANKLINE>
    {
    { "0, 0" 0.1 1e-07 }
    { "1, 0" 3 0 }
    { "0, 1" 2 0 }
    { "1, 1" 4 1 }
    }
    1 2
    3 4
    <BLANKLINE>
    >>> parse_nfg(format_nfg(game)).payoffs.tolist() == game.payoffs.tolist()
    True
    """
    if version not in ("payoff", "outcome"):
        raise GameError(f"version: expected 'payoff' or 'outcome', got {version!r}")
    if strict:
        for what, labels in [("actor", game.actors), *(("option", o) for o in game.options)]:
            for label in labels:
                if not GAMBIT_LABEL.fullmatch(label):
                    raise GameError(
                        f"{what} name {label!r}: Gambit 16 accepts only printable ASCII labels "
                        "without leading, trailing or double spaces; rename it, or pass "
                        "strict=False to write it anyway"
                    )
    players = " ".join(_quote(name) for name in game.actors)
    lines = [f"NFG 1 R {_quote(DEFAULT_TITLE if title is None else title)} {{ {players} }}", ""]
    lists = [" ".join(_quote(name) for name in names) for names in game.options]
    lines.append(f"{{ {{ {lists[0]} }}")
    lines.extend(f"{{ {names} }}" for names in lists[1:])
    lines += ["}", _quote(comment), ""]
    n = game.n_actors
    rows = np.asarray(game.payoffs.T).reshape(-1, n)  # player 1's option fastest
    texts = [[_number(float(value)) for value in row] for row in rows]
    if version == "payoff":
        lines.extend(" ".join(row) for row in texts)
    else:
        profiles = np.array(list(np.ndindex(*reversed(game.shape))))[:, ::-1]
        outcomes: dict[tuple[str, ...], int] = {}
        lines.append("{")
        indices = []
        for profile, row in zip(profiles, texts, strict=True):
            key = tuple(row)
            if key not in outcomes:
                outcomes[key] = len(outcomes) + 1
                name = ", ".join(game.options[i][int(s)] for i, s in enumerate(profile))
                lines.append(f"{{ {_quote(name)} {' '.join(row)} }}")
            indices.append(str(outcomes[key]))
        lines.append("}")
        width = game.shape[0]
        lines.extend(" ".join(indices[i : i + width]) for i in range(0, len(indices), width))
    return "\n".join(lines) + "\n"


def write_nfg(
    game: Game,
    path: str | PathLike[str],
    *,
    title: str | None = None,
    comment: str = "",
    version: NfgVersion = "payoff",
    strict: bool = True,
) -> Path:
    """Write ``game`` as a Gambit ``.nfg`` file (see :func:`format_nfg`); returns the path.

    The file is UTF-8 with ``\\n`` line ends. ``pygambit.read_nfg(path)`` reads it.

    Examples
    --------
    >>> write_nfg(game, "game.nfg", title="Alaska 2025")  # doctest: +SKIP
    PosixPath('game.nfg')
    """
    text = format_nfg(game, title=title, comment=comment, version=version, strict=strict)
    target = Path(path)
    with target.open("w", encoding="utf-8", newline="") as stream:
        stream.write(text)
    return target


def _number(value: float) -> str:
    """Exact text of a payoff: integers as integers, else the shortest round-trip decimal."""
    if value.is_integer():
        return "-0.0" if value == 0 and math.copysign(1.0, value) < 0 else str(int(value))
    return repr(value)  # |value| < 2**52 here, so never an "e+" exponent


def _quote(text: str) -> str:
    """``text`` in double quotes, as Gambit's reader reads it back."""
    for index, char in enumerate(text):
        if char == "\\" and (index + 1 == len(text) or text[index + 1] in '\\"'):
            raise GameError(
                f"name {text!r}: Gambit cannot read a backslash before a quote, before another "
                "backslash or at the end of a name"
            )
    return '"' + text.replace('"', '\\"') + '"'
