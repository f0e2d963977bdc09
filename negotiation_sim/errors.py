"""Errors raised by negotiation_sim, written for people.

Every error names what was expected and what was found. Solvers raise
:class:`UnsupportedGameError` when a game is outside their domain (for example
``minimax`` on a general-sum game); invalid inputs raise :class:`GameError`.
"""

from __future__ import annotations

__all__ = ["GameError", "NegotiationSimError", "UnsupportedGameError"]


class NegotiationSimError(Exception):
    """Base class of every error raised on purpose by negotiation_sim."""


class GameError(NegotiationSimError, ValueError):
    """A game, profile or solver argument is malformed (shape, values, labels)."""


class UnsupportedGameError(NegotiationSimError, ValueError):
    """A solver was asked for a game outside its domain."""
