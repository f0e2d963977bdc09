"""Pictures: data preparation is separate from drawing, and every drawing function takes ``ax=``.

matplotlib is imported only when something is drawn.
"""

from .bargaining import BargainingPicture, bargaining_picture, plot_bargaining

__all__ = ["BargainingPicture", "bargaining_picture", "plot_bargaining"]
