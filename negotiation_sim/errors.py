"""Errors raised by negotiation_sim, written for people: one family, three kinds.

============================  ===========================================================
error                         raised when
============================  ===========================================================
:class:`InputError`           a file or argument a person wrote is wrong: every problem
                              found, each with its location (``parameters.trust.range``)
:class:`ScenarioError`        the same, for a scenario, experiment or ``.nfg`` file
:class:`GameError`            a game, profile or solver argument is malformed
:class:`UnsupportedGameError` a solver is asked for a game outside its domain
                              (``minimax`` on a general-sum game)
:class:`RunError`             a sweep cannot start, resume or finish
============================  ===========================================================

All derive from :class:`NegotiationSimError`; the command line prints any of them
as one message and exits with status 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "GameError",
    "InputError",
    "NegotiationSimError",
    "Problem",
    "RunError",
    "ScenarioError",
    "UnsupportedGameError",
]


class NegotiationSimError(Exception):
    """Base class of every error raised on purpose by negotiation_sim."""


@dataclass(frozen=True)
class Problem:
    """One problem of an input: where it is and what is wrong.

    ``location`` is a dotted path into the file's data (``payoffs[12].russia``),
    ``line 3, column 7`` for syntax errors, or the argument (``--set trust``).
    """

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InputError(NegotiationSimError, ValueError):
    """Every problem found in one input (a file, or the arguments of a call), reported at once.

    ``source`` names the input (a file's path; empty for arguments of a call).

    >>> error = InputError("", [Problem("select", "'rho' is not a swept parameter")])
    >>> print(error)
    select: 'rho' is not a swept parameter
    >>> InputError.at("plot.png", "", "cannot write the file").problems
    (Problem(location='', message='cannot write the file'),)
    """

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = [f"{source}: {problem}" if source else str(problem) for problem in self.problems]
        super().__init__("\n".join(lines) if lines else f"{source}: invalid")

    @classmethod
    def at(cls, source: str, location: str, message: str) -> InputError:
        """The error of one problem."""
        return cls(source, [Problem(location, message)])


class ScenarioError(InputError):
    """Every problem found in one scenario, experiment or ``.nfg`` file, reported at once.

    >>> error = ScenarioError("scenarios/x.toml", [Problem("actors[0].id", "expected a name, got 3")])
    >>> print(error)
    scenarios/x.toml: actors[0].id: expected a name, got 3
    """


class GameError(NegotiationSimError, ValueError):
    """A game, profile or solver argument is malformed (shape, values, labels)."""


class UnsupportedGameError(GameError):
    """A solver was asked for a game outside its domain."""


class RunError(NegotiationSimError, RuntimeError):
    """A sweep cannot start, resume or finish (e.g. its output directory holds another run)."""
