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

Limits, checked before anything is built (each a located error): at most :data:`MAX_PLAYERS`
(32) players and :data:`MAX_PAYOFFS` (10,000,000) payoffs, profiles x players, computed from
the header as Python integers; integers of at most 4,300 digits in rationals (Python's limit);
a regular file of at most :data:`MAX_NFG_BYTES` (256 MiB). A body of plain decimal numbers is
read in one pass; any other body token by token.

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

from os import PathLike

from .._checking import read_bytes
from ..game import Game
from ._nfg_file import GAMBIT_LABEL, MAX_NFG_BYTES, MAX_PAYOFFS, MAX_PLAYERS, NfgFile
from ._nfg_reader import Parser
from ._nfg_writer import format_nfg, write_nfg

__all__ = [
    "GAMBIT_LABEL",
    "MAX_NFG_BYTES",
    "MAX_PAYOFFS",
    "MAX_PLAYERS",
    "NfgFile",
    "format_nfg",
    "parse_nfg",
    "parse_nfg_file",
    "read_nfg",
    "read_nfg_file",
    "write_nfg",
]


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
    raw = read_bytes(path, limit=MAX_NFG_BYTES)
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
    return Parser(text, source).parse()
