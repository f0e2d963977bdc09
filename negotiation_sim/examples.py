"""Small built-in games used by the demo, the docs and the tests.

They are textbook structures with labels from arms control and ceasefire
talks; their numbers are illustrative orderings, not calibrated estimates.

>>> arms_race().actors
('state A', 'state B')
"""

from __future__ import annotations

import numpy as np

from .game import Game

__all__ = ["arms_race", "ceasefire_talks", "inspection"]


def arms_race() -> Game:
    """Arms race as a prisoner's dilemma (Schelling 1960; Jervis 1978).

    Ordering T=5 > R=3 > P=1 > S=0: arming is dominant, mutual restraint is
    better for both than the unique equilibrium.
    """
    restraint = [[3, 0], [5, 1]]
    return Game.from_bimatrix(
        restraint,
        np.transpose(restraint),
        actors=("state A", "state B"),
        options=(("restrain", "arm"), ("restrain", "arm")),
    )


def inspection(
    gain: float = 1.0, penalty: float = 3.0, cost: float = 0.5, loss: float = 2.0
) -> Game:
    """Inspection game (Avenhaus, von Stengel & Zamir 2002, Handbook of GT vol. 3, ch. 51).

    The inspectee gains ``gain`` from an undetected violation and pays
    ``penalty`` when caught; the inspector pays ``cost`` to inspect and loses
    ``loss`` when a violation goes undetected. No pure equilibrium: the
    inspectee violates with probability ``cost / loss`` and the inspector
    inspects with probability ``gain / (gain + penalty)``.
    """
    inspectee = [
        [0.0, 0.0],
        [gain, -penalty],
    ]  # rows: comply, violate; columns: no inspection, inspect
    inspector = [[0.0, -cost], [-loss, -cost]]
    return Game.from_bimatrix(
        inspectee,
        inspector,
        actors=("inspectee", "inspector"),
        options=(("comply", "violate"), ("trust", "inspect")),
    )


def ceasefire_talks() -> Game:
    """An illustrative four-actor ceasefire game (uncalibrated orderings).

    US: engage / pressure; Russia: truce / fight; Ukraine: accept / resist;
    EU: underwrite / hold out. A truce holds only if Ukraine accepts; the EU's
    underwriting raises everyone's value of a truce.
    """
    payoffs = np.zeros((4, 2, 2, 2, 2))
    for us, russia, ukraine, eu in np.ndindex(2, 2, 2, 2):
        truce = russia == 0 and ukraine == 0
        guaranteed = truce and eu == 0
        war = not truce
        payoffs[:, us, russia, ukraine, eu] = [
            2.0 * truce + 1.0 * guaranteed - 0.5 * us - 1.0 * war + 0.5 * (us == 1 and war),
            1.5 * truce - 1.0 * (us == 1) * war + 0.8 * war * (ukraine == 0) - 0.3 * guaranteed,
            1.0 * truce + 1.5 * guaranteed - 2.0 * war + 0.7 * (ukraine == 1) * war,
            1.0 * truce + 0.5 * guaranteed - 0.4 * (eu == 0) - 1.0 * war,
        ]
    return Game(
        payoffs,
        actors=("US", "Russia", "Ukraine", "EU"),
        options=(
            ("engage", "pressure"),
            ("truce", "fight"),
            ("accept", "resist"),
            ("underwrite", "hold out"),
        ),
    )
