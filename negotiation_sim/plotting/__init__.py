"""Pictures: data preparation is separate from drawing, and every drawing function takes ``ax=``.

matplotlib is imported only when something is drawn.
"""

from .bargaining import BargainingPicture, bargaining_picture, plot_bargaining, save_bargaining
from .landscape import LandscapePanel, landscape_panels, plot_landscape, save_landscape
from .uncertainty import plot_prim_tradeoff, plot_probability_map, plot_sobol, plot_tornado

__all__ = [
    "BargainingPicture",
    "LandscapePanel",
    "bargaining_picture",
    "landscape_panels",
    "plot_bargaining",
    "plot_landscape",
    "plot_prim_tradeoff",
    "plot_probability_map",
    "plot_sobol",
    "plot_tornado",
    "save_bargaining",
    "save_landscape",
]
