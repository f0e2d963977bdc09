"""negotiation_sim: a game-theory simulator of international negotiations."""

from .errors import GameError, NegotiationSimError, UnsupportedGameError
from .game import DEFAULT_TOL, Game
from .solvers import METHODS, Equilibrium, Reduction, SolverResult, pure_equilibria, solve
from .solvers.dominance import iterated_dominance
from .solvers.logit import LogitPath, logit_path, logit_qre

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_TOL",
    "METHODS",
    "Equilibrium",
    "Game",
    "GameError",
    "LogitPath",
    "NegotiationSimError",
    "Reduction",
    "SolverResult",
    "UnsupportedGameError",
    "__version__",
    "iterated_dominance",
    "logit_path",
    "logit_qre",
    "pure_equilibria",
    "solve",
]
