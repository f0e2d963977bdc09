"""Errors raised by negotiation_sim, written for people.

Every error names what was expected and what was found. Solvers raise
:class:`UnsupportedGameError` when a game is outside their domain (for example
``minimax`` on a general-sum game); invalid inputs raise :class:`GameError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["GameError", "NegotiationSimError", "Problem", "ScenarioError", "UnsupportedGameError"]


class NegotiationSimError(Exception):
    """Base class of every error raised on purpose by negotiation_sim."""


class GameError(NegotiationSimError, ValueError):
    """A game, profile or solver argument is malformed (shape, values, labels)."""


class UnsupportedGameError(NegotiationSimError, ValueError):
    """A solver was asked for a game outside its domain."""


@dataclass(frozen=True)
class Problem:
    """One problem of an input file: where it is and what is wrong.

    ``location`` is a dotted path into the file's data (``payoffs[12].russia``),
    or ``line 3, column 7`` for syntax errors.
    """

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ScenarioError(NegotiationSimError, ValueError):
    """Every problem found in one scenario (or experiment) file, reported at once.

    >>> error = ScenarioError("scenarios/x.toml", [Problem("actors[0].id", "expected a name, got 3")])
    >>> print(error)
    scenarios/x.toml: actors[0].id: expected a name, got 3
    """

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = [f"{source}: {problem}" if source else str(problem) for problem in self.problems]
        super().__init__("\n".join(lines) if lines else f"{source}: invalid")
