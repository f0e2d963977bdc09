"""Plain-text reports of games and solver results, for people.

>>> from negotiation_sim import solve
>>> from negotiation_sim.examples import arms_race
>>> print(format_result(solve(arms_race(), "pure")))
pure: 1 equilibrium
  1. state A: arm | state B: arm  ->  payoffs state A 1, state B 1
"""

from __future__ import annotations

import numpy as np

from .game import Game
from .solvers.result import Equilibrium, SolverResult

__all__ = ["format_equilibrium", "format_game", "format_result"]


def _number(value: float) -> str:
    return f"{value:.4g}" if abs(value) >= 1e-12 else "0"


#: What a method's list of equilibria is, where that is not "all of them".
_KIND = {
    "logit": " (selected by the logit QRE path)",
    "lemke_howson": " (ends of the Lemke-Howson paths)",
    "minimax": " (optimal strategies)",
    "support_enumeration": " (all, if the game is non-degenerate)",
}


def format_equilibrium(game: Game, equilibrium: Equilibrium) -> str:
    """One line: each actor's options with their probabilities, then payoffs."""
    parts = []
    for actor, options, sigma in zip(
        game.actors, game.options, equilibrium.strategies, strict=True
    ):
        played = [j for j in np.argsort(-sigma, kind="stable") if sigma[j] > 1e-9]
        if len(played) == 1:
            parts.append(f"{actor}: {options[played[0]]}")
        else:
            mix = ", ".join(f"{options[j]} {sigma[j]:.3f}" for j in played)
            parts.append(f"{actor}: {mix}")
    payoffs = ", ".join(
        f"{actor} {_number(v)}" for actor, v in zip(game.actors, equilibrium.payoffs, strict=True)
    )
    return " | ".join(parts) + f"  ->  payoffs {payoffs}"


def format_result(result: SolverResult) -> str:
    """Method, equilibria, value (zero-sum), removed options (dominance), warnings."""
    count = len(result.equilibria)
    kind = _KIND.get(result.method, "")
    lines = [f"{result.method}: {count} equilibri{'um' if count == 1 else 'a'}{kind}"]
    lines += [
        f"  {k}. {format_equilibrium(result.game, eq)}" for k, eq in enumerate(result.equilibria, 1)
    ]
    if result.value is not None:
        lines.append(
            "  value: "
            + ", ".join(
                f"{a} {_number(v)}" for a, v in zip(result.game.actors, result.value, strict=True)
            )
        )
    if result.reduction is not None:
        then = result.parameters.get("then")
        lines.append(f"  the game left after elimination was solved with {then}")
    if result.reduction is not None and result.reduction.removed:
        removed = ", ".join(
            f"{result.game.actors[i]}: {result.game.options[i][j]}"
            for i, j, _ in result.reduction.removed
        )
        lines.append(f"  removed as strictly dominated: {removed}")
    lines += [f"  warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def format_game(game: Game, title: str | None = None) -> str:
    """Actors with their options, and for two actors the payoff bimatrix."""
    lines = [title] if title else []
    lines += [
        f"  {actor}: {', '.join(options)}"
        for actor, options in zip(game.actors, game.options, strict=True)
    ]
    if game.n_actors == 2:
        width = max(len(o) for o in game.options[0])
        header = " " * (width + 4) + "  ".join(f"{o:>12}" for o in game.options[1])
        lines.append(header)
        for i, option in enumerate(game.options[0]):
            cells = "  ".join(
                f"{_number(game.payoffs[0, i, j]) + ', ' + _number(game.payoffs[1, i, j]):>12}"
                for j in range(game.shape[1])
            )
            lines.append(f"    {option:<{width}}{cells}")
    return "\n".join(lines)
