"""Parameter sweeps: a whole grid of games solved in one vectorised pass."""

from .metrics import Landscape, landscape, landscape_points

__all__ = ["Landscape", "landscape", "landscape_points"]
