"""How a landscape metric is coloured: categories with fixed colours, or a colour scale.

Colourblind-safe throughout: Okabe & Ito's palette for categories, with a fixed colour
per outcome code so that panels and figures agree and light grey for "no pure
equilibrium"; ``cividis`` for continuous metrics; and the diverging ``RdBu``
(ColorBrewer: colourblind safe), centred at 0, for the signed ``surplus``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

#: Okabe & Ito's palette without black (frontier lines are black).
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: The outcomes' colours: Okabe & Ito's, then Paul Tol's "muted" colours that differ from them
#: (also colourblind-safe), so that a scenario with up to 16 outcomes (the Alaska second
#: edition has 9) never shows two outcomes in one colour; outcome code k gets
#: ``OUTCOME_COLOURS[k % 16]``.
OUTCOME_COLOURS = (
    *OKABE_ITO,
    "#332288",
    "#882255",
    "#999933",
    "#44AA99",
    "#CC6677",
    "#117733",
    "#AA4499",
    "#DDCC77",
    "#88CCEE",
)
NO_EQUILIBRIUM_COLOUR = "#DDDDDD"
NO_EQUILIBRIUM_NAME = "no pure equilibrium"
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "RdBu"

_BOOLEAN = {
    "deal_is_equilibrium": ("the deal is not an equilibrium", "the deal is an equilibrium"),
    "no_deal_is_equilibrium": ("no deal is not an equilibrium", "no deal is an equilibrium"),
}
_BOOLEAN_COLOURS = ("#E69F00", "#0072B2")  # False: orange, True: blue
#: The equilibrium set's codes (0 deal only, 1 deal and no deal, 2 no deal only, 3 no pure
#: equilibrium): Okabe & Ito's bluish green, yellow and vermillion, and the grey of "none".
EQUILIBRIUM_SET_COLOURS = ("#009E73", "#F0E442", "#D55E00", NO_EQUILIBRIUM_COLOUR)
EQUILIBRIUM_SET_NAMES = ("deal only", "deal and no deal", "no deal only", NO_EQUILIBRIUM_NAME)
_SIGNED = frozenset({"surplus"})
_UNIT_INTERVAL = frozenset(
    {"deal_probability", "qre_deal_probability", "zero_sum_share", "strategic_zero_sum_share"}
)
#: How a sampled design and a sampled sweep's probabilities are named in pictures.
DESIGN_NAMES = {"sobol": "Sobol'", "saltelli": "Saltelli", "monte_carlo": "Monte Carlo"}
PROBABILITY_LABELS = {
    "p_deal": "P(a deal is an equilibrium)",
    "p_no_deal_only": "P(no deal is the only equilibrium)",
}
_LABELS = {
    "equilibrium_set": "which outcomes are pure equilibria",
    "outcome": "selected equilibrium outcome",
    "deal_probability": "deal probability",
    "n_equilibria": "number of equilibria",
    "zero_sum_share": "zero-sum share",
    "strategic_zero_sum_share": "strategic zero-sum share",
}


@dataclass(frozen=True)
class Colouring:
    """The colours of one metric, shared by all panels of a call.

    Attributes
    ----------
    categorical : bool
        Outcome codes (or 0/1 for a boolean metric) rather than numbers.
    names, colours : mapping of int to str
        A categorical metric's category names and colours by code.
    cmap : str or None
        A continuous metric's colormap.
    vmin, vmax : float
        A continuous metric's colour range.
    """

    categorical: bool
    names: Mapping[int, str] = field(default_factory=dict)
    colours: Mapping[int, str] = field(default_factory=dict)
    cmap: str | None = None
    vmin: float = 0.0
    vmax: float = 1.0

    def name(self, code: int) -> str:
        """A category's name (``outcome k`` for a code the dataset does not name)."""
        return self.names.get(code, f"outcome {code}")

    def colour(self, code: int) -> str:
        """A category's colour."""
        return self.colours.get(code, outcome_colour(code))


def is_categorical(metric: str) -> bool:
    """Whether ``metric`` is drawn as categories.

    >>> is_categorical("outcome"), is_categorical("deal_is_equilibrium"), is_categorical("welfare")
    (True, True, False)
    """
    return metric in ("outcome", "equilibrium_set") or metric in _BOOLEAN


def metric_label(metric: str, attrs: Mapping[str, Any]) -> str:
    """The metric as a colourbar or legend title; a selected metric names its selection rule
    (its ``selection`` attribute).

    >>> metric_label("outcome", {}), metric_label("welfare", {"long_name": "total welfare"})
    ('selected equilibrium outcome', 'total welfare')
    >>> metric_label("outcome", {"selection": "risk_dominance"})
    'selected equilibrium outcome (selection: risk_dominance)'
    """
    label = _LABELS.get(metric, str(attrs.get("long_name", metric.replace("_", " "))))
    rule = attrs.get("selection")
    if rule and f"selection: {rule}" not in label:
        label = f"{label} (selection: {rule})"
    return label


def outcome_colour(code: int) -> str:
    """The fixed colour of outcome ``code`` (grey for -1, no pure equilibrium).

    >>> outcome_colour(-1), outcome_colour(0) == OKABE_ITO[0], outcome_colour(7)
    ('#DDDDDD', True, '#332288')
    >>> len({outcome_colour(k) for k in range(16)}), outcome_colour(16) == outcome_colour(0)
    (16, True)
    """
    return NO_EQUILIBRIUM_COLOUR if code < 0 else OUTCOME_COLOURS[code % len(OUTCOME_COLOURS)]


def outcome_names(attrs: Mapping[str, Any]) -> dict[int, str]:
    """Outcome names by code, from CF ``flag_values``/``flag_meanings`` and ``outcome_labels``.

    >>> outcome_names({"flag_values": [-1, 0], "flag_meanings": "none deal_signed"})
    {-1: 'no pure equilibrium', 0: 'deal signed'}
    >>> outcome_names({"outcome_labels": '["war", "peace"]'})
    {-1: 'no pure equilibrium', 0: 'war', 1: 'peace'}
    """
    names: dict[int, str] = {-1: NO_EQUILIBRIUM_NAME}
    meanings = str(attrs.get("flag_meanings", "")).split()
    values = np.ravel(attrs.get("flag_values", []))
    if values.dtype.kind not in "iu" and not (
        values.dtype.kind == "f" and np.isfinite(values).all() and (values == values.round()).all()
    ):
        raise InputError.at(
            "", "outcome.flag_values", "expected whole-number outcome codes (CF flag_values)"
        )
    for code, meaning in zip((int(v) for v in values), meanings, strict=False):
        names[code] = NO_EQUILIBRIUM_NAME if meaning == "none" else meaning.replace("_", " ")
    labels = attrs.get("outcome_labels")
    if labels:
        try:
            decoded = json.loads(str(labels))
        except ValueError:
            decoded = None
        if not isinstance(decoded, list):
            raise InputError.at(
                "", "metric", "the outcome's outcome_labels attribute is not a JSON list of names"
            )
        names.update((code, str(label)) for code, label in enumerate(decoded))
    return names


def colouring(metric: str, attrs: Mapping[str, Any], grids: Sequence[NDArray[Any]]) -> Colouring:
    """How to colour ``metric``, whose values in all panels are ``grids``.

    A continuous metric gets one colour range over all ``grids`` (NaN ignored):
    symmetric around 0 for a signed metric, [0, 1] for a share.

    >>> colouring("surplus", {}, [np.array([[-2.0, 1.0]])])
    Colouring(categorical=False, names={}, colours={}, cmap='RdBu', vmin=-2.0, vmax=2.0)
    >>> colouring("welfare", {}, [np.array([[3.0, np.nan]])]).vmin
    2.5
    """
    if metric == "equilibrium_set":
        return Colouring(
            True, dict(enumerate(EQUILIBRIUM_SET_NAMES)), dict(enumerate(EQUILIBRIUM_SET_COLOURS))
        )
    if metric == "outcome":
        names = outcome_names(attrs)
        rule = str(attrs.get("selection", "welfare"))
        if rule != "welfare":  # -1 is also where the rule selects none of several equilibria
            names[-1] = f"no pure equilibrium, or none selected by {rule.replace('_', ' ')}"
        return Colouring(True, names, {c: outcome_colour(c) for c in names})
    if metric in _BOOLEAN:
        return Colouring(True, dict(enumerate(_BOOLEAN[metric])), dict(enumerate(_BOOLEAN_COLOURS)))
    finite = np.concatenate([np.ravel(g[np.isfinite(g)]) for g in grids])
    if metric in _SIGNED:
        bound = float(np.abs(finite).max()) if finite.size else 1.0
        return Colouring(False, cmap=DIVERGING_CMAP, vmin=-(bound or 1.0), vmax=bound or 1.0)
    vmin, vmax = 0.0, 1.0
    if metric not in _UNIT_INTERVAL and finite.size:
        vmin, vmax = float(finite.min()), float(finite.max())
        if vmin == vmax:
            vmin, vmax = vmin - 0.5, vmax + 0.5
    return Colouring(False, cmap=SEQUENTIAL_CMAP, vmin=vmin, vmax=vmax)
