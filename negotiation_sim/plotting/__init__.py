"""Pictures: data preparation is separate from drawing, and every drawing function takes ``ax=``.

matplotlib is imported only when something is drawn.
"""

from .bargaining import BargainingPicture, bargaining_picture, plot_bargaining, save_bargaining
from .dynamics import plot_survival, plot_trust_fan, save_dynamics
from .interactive import interactive_landscape, save_interactive
from .intervals import plot_probability_intervals, save_probability_intervals
from .landscape import LandscapePanel, landscape_panels, plot_landscape, save_landscape
from .sensitivity import plot_prim_tradeoff, plot_sobol, plot_tornado
from .uncertainty import plot_probability_map, save_probability_map

__all__ = [
    "BargainingPicture",
    "LandscapePanel",
    "bargaining_picture",
    "interactive_landscape",
    "landscape_panels",
    "plot_bargaining",
    "plot_landscape",
    "plot_prim_tradeoff",
    "plot_probability_intervals",
    "plot_probability_map",
    "plot_sobol",
    "plot_survival",
    "plot_tornado",
    "plot_trust_fan",
    "save_bargaining",
    "save_dynamics",
    "save_interactive",
    "save_landscape",
    "save_probability_intervals",
    "save_probability_map",
]
