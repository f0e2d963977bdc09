"""negotiation_sim: a game-theory simulator of international negotiations."""

from .errors import GameError, NegotiationSimError, UnsupportedGameError
from .game import DEFAULT_TOL, Game
from .solvers import METHODS, Equilibrium, Reduction, SolverResult, pure_equilibria, solve

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_TOL",
    "METHODS",
    "Equilibrium",
    "Game",
    "GameError",
    "NegotiationSimError",
    "Reduction",
    "SolverResult",
    "UnsupportedGameError",
    "__version__",
    "pure_equilibria",
    "solve",
]
