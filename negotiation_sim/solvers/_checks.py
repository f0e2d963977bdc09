"""Input checks shared by solvers: say what was expected and what was found."""

from __future__ import annotations

from ..errors import UnsupportedGameError
from ..game import Game


def require_two_actors(game: Game, method: str) -> None:
    """Raise :class:`UnsupportedGameError` unless ``game`` has exactly two actors."""
    if game.n_actors != 2:
        raise UnsupportedGameError(
            f"{method}: expected a two-actor game, got {game.n_actors} actors "
            "(use method='pure', 'logit' or 'dominance' for n actors)"
        )
