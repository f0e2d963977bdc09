"""What Gambit ``.nfg`` files are made of, shared by the reader and the writer.

The format itself is described in :mod:`negotiation_sim.interop.nfg`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..game import Game

#: Payoff entries (profiles x players) a file may have: the game is built in memory.
MAX_PAYOFFS = 10_000_000
#: Players a file may have (as many as a scenario's actors).
MAX_PLAYERS = 32
#: The largest file read: room for MAX_PAYOFFS payoffs written in full (about 25 bytes each).
MAX_NFG_BYTES = 256 * 2**20
#: Tokens lexed past the expected end of a body, to say how many there are (no more are read).
MAX_EXTRA = 1000
#: Number problems reported one by one before the rest are only counted.
MAX_REPORTED = 10
DEFAULT_TITLE = "Untitled strategic game"

NfgVersion = Literal["payoff", "outcome"]

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+/\d+")
INTEGER = re.compile(r"[+-]?\d+")
NON_FINITE = {"nan", "inf", "infinity"}
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
        The player names exactly as in the file (``game.actors`` may differ:
        see :mod:`negotiation_sim.interop.nfg`).
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
