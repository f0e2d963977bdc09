"""negotiation_sim: a game-theory simulator of international negotiations."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    GameError,
    InputError,
    NegotiationSimError,
    RunError,
    ScenarioError,
    UnsupportedGameError,
)
from .game import DEFAULT_TOL, Game
from .interop.nfg import read_nfg, write_nfg
from .scenario import Scenario, load_scenario
from .solvers import METHODS, Equilibrium, Reduction, SolverResult, pure_equilibria, solve
from .solvers.result import EquilibriumBatch

if TYPE_CHECKING:
    from .solvers.dominance import iterated_dominance
    from .solvers.logit import LogitPath, logit_path, logit_qre

# Imported on first use: they pull in scipy (~0.7 s), which `import negotiation_sim` should not.
_LAZY = {
    "iterated_dominance": "negotiation_sim.solvers.dominance",
    "LogitPath": "negotiation_sim.solvers.logit",
    "logit_path": "negotiation_sim.solvers.logit",
    "logit_qre": "negotiation_sim.solvers.logit",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'negotiation_sim' has no attribute {name!r}")


__version__ = "0.2.0"

__all__ = [
    "DEFAULT_TOL",
    "METHODS",
    "Equilibrium",
    "EquilibriumBatch",
    "Game",
    "GameError",
    "InputError",
    "LogitPath",
    "NegotiationSimError",
    "Reduction",
    "RunError",
    "Scenario",
    "ScenarioError",
    "SolverResult",
    "UnsupportedGameError",
    "__version__",
    "iterated_dominance",
    "load_scenario",
    "logit_path",
    "logit_qre",
    "pure_equilibria",
    "read_nfg",
    "solve",
    "write_nfg",
]
