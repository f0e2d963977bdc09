"""Input checks shared by solvers: say what was expected and what was found."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .._checking import outside_range
from ..errors import GameError, UnsupportedGameError
from ..game import Game

__all__ = ["check_count", "check_tol", "require_two_actors"]


def check_tol(tol: Any) -> float:
    """The tolerance as a float; a negative, NaN, infinite or non-numeric one raises GameError.

    Every solver entry point (and :func:`~negotiation_sim.solvers.pure_equilibria`)
    checks its ``tol`` here.

    >>> check_tol(1e-9)
    1e-09
    >>> check_tol(-1)
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: tol: expected a finite number >= 0, got -1
    """
    try:
        value = float(tol)
    except (TypeError, ValueError):
        value = float("nan")
    if isinstance(tol, bool) or outside_range(value, 0.0, sys.float_info.max) is not None:
        raise GameError(f"tol: expected a finite number >= 0, got {tol!r}")
    return value


def check_count(value: Any, name: str) -> int:
    """``value`` as a positive int (a limit or a budget); anything else raises GameError.

    >>> check_count(1000, "max_equilibria")
    1000
    >>> check_count(0, "max_equilibria")
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: max_equilibria: expected a positive integer, got 0
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise GameError(f"{name}: expected a positive integer, got {value!r}")
    return int(value)


def require_two_actors(game: Game, method: str) -> None:
    """Raise :class:`UnsupportedGameError` unless ``game`` has exactly two actors."""
    if game.n_actors != 2:
        raise UnsupportedGameError(
            f"{method}: expected a two-actor game, got {game.n_actors} actors "
            "(use method='pure', 'logit' or 'dominance' for n actors)"
        )
