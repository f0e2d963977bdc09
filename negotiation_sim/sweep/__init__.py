"""Parameter sweeps: a whole grid of games solved in one vectorised pass."""

from .metrics import Landscape, landscape

__all__ = ["Landscape", "landscape"]
