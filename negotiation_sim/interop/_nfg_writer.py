"""Writing a :class:`Game` as a Gambit ``.nfg`` file (the format: :mod:`negotiation_sim.interop.nfg`)."""

from __future__ import annotations

import math
from os import PathLike
from pathlib import Path

import numpy as np

from .._checking import suggest
from .._files import check_output_file, disk_error, signature, write_atomically
from ..errors import GameError
from ..game import Game
from ._nfg_file import DEFAULT_TITLE, GAMBIT_LABEL, NfgVersion

__all__ = ["format_nfg", "write_nfg"]


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
    >>> from negotiation_sim.interop import parse_nfg
    >>> parse_nfg(format_nfg(game)).payoffs.tolist() == game.payoffs.tolist()
    True
    """
    if version not in ("payoff", "outcome"):
        hint = suggest(version, ("payoff", "outcome")) if isinstance(version, str) else ""
        raise GameError(f"version: expected 'payoff' or 'outcome', got {version!r}{hint}")
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
    overwrite: bool = False,
) -> Path:
    """Write ``game`` as a Gambit ``.nfg`` file (see :func:`format_nfg`); returns the path.

    The file is UTF-8 with ``\\n`` line ends. ``pygambit.read_nfg(path)`` reads it. Its
    comment starts with the line ``Written by negotiation_sim <version>``, then ``comment``:
    that mark is how the project recognises its own files. An existing file is replaced only
    if negotiation_sim wrote it or ``overwrite`` is given; the file is written atomically (a
    failed write leaves the old file, or none).

    Raises
    ------
    GameError
        As :func:`format_nfg`.
    InputError
        Naming the file: it exists and negotiation_sim did not write it (without
        ``overwrite``), it is a directory, or it cannot be written (``cannot write the
        file: ...``: a missing or read-only directory, a full disk).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from negotiation_sim import Game
    >>> from negotiation_sim.interop import read_nfg_file
    >>> game = Game.from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> path = write_nfg(game, pathlib.Path(tempfile.mkdtemp()) / "pd.nfg", comment="Axelrod")
    >>> read_nfg_file(path).comment.splitlines()[1:]
    ['Axelrod']
    >>> write_nfg(game, path) == path  # its own file is replaced
    True
    """
    mark = f"Written by {signature()}"
    text = format_nfg(
        game,
        title=title,
        comment=f"{mark}\n{comment}" if comment else mark,
        version=version,
        strict=strict,
    )
    target = check_output_file(path, overwrite=overwrite)
    try:
        write_atomically(target, lambda handle: handle.write(text.encode("utf-8")))
    except OSError as exc:
        raise disk_error(target, exc) from None
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
