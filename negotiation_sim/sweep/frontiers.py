"""Analytic frontiers of an experiment file: ``[[frontiers]]`` checked, and their thresholds.

A frontier is a closed-form threshold of one of the models of docs/models.md §4,
drawn over a landscape: its coefficients are expressions of the scenario's
parameters and of its ``[definitions]`` (so a frontier can name the very
sub-expressions the payoffs use, and cannot drift from them), and must not
depend on the two axes of the picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checking import Problems, join, show, suggest
from ..game import FloatArray
from ..scenario import Scenario
from ..scenario.expressions import Expression, check_expression

__all__ = ["FRONTIER_MODELS", "FrontierSpec", "check_frontiers", "threshold"]

#: Analytic frontiers (docs/models.md §4): model -> (its coefficients, what its x and y are).
FRONTIER_MODELS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "assurance": (("R", "T", "P", "S"), "verification (pi)", "trust (mu)"),
    "repeated": (("T", "R", "P", "false_alarm"), "detection (pi)", "discount factor (delta)"),
    "inspection": (("d", "b", "f"), "false-alarm rate (alpha)", "detection (1 - beta)"),
    "typed_assurance": (("R", "T", "P", "S", "k", "R_o", "T_o"), "verification (pi)", "trust (mu)"),
    "deterrence": (("R_o", "T_o", "P", "k"), "any axis (e.g. trust)", "verification (pi_d)"),
    "level": (("value",), "any axis", "the value (a threshold that is one expression)"),
}

_FRONTIER_KEYS = ("id", "label", "model", "x", "y", "formats", "coefficients")
_REQUIRED = ("id", "model", "x", "y", "coefficients")


@dataclass(frozen=True)
class FrontierSpec:
    """An analytic threshold to draw over the landscape (docs/models.md §4).

    Attributes
    ----------
    id, label : str
    model : str
        One of :data:`FRONTIER_MODELS`.
    x, y : str
        The sweep axes the model's x and y stand for (e.g. ``verification``
        and ``trust`` for the assurance model).
    formats : tuple of str
        The formats whose panels show it (all when empty).
    coefficients : mapping of str to Expression
        The model's coefficients as expressions of the scenario's parameters.
    """

    id: str
    label: str
    model: str
    x: str
    y: str
    formats: tuple[str, ...]
    coefficients: Mapping[str, Expression]


def threshold(frontier: FrontierSpec, values: Mapping[str, FloatArray], x: FloatArray) -> Any:
    """The frontier's y threshold at ``x`` (``inf`` where none exists), coefficients at ``values``.

    Examples
    --------
    The assurance threshold (1 - pi)(P - S) / ((R - T) + (1 - pi)(P - S)):

    >>> from negotiation_sim.scenario.expressions import parse_expression
    >>> numbers = {k: parse_expression(v, parameters=()) for k, v in
    ...            {"R": 3, "T": 1, "P": 1, "S": -1}.items()}
    >>> north = FrontierSpec("north", "", "assurance", "verification", "trust", (), numbers)
    >>> threshold(north, {}, np.array([0.0, 1.0])).tolist()
    [0.5, 0.0]
    """
    from ..analysis import enforcement

    c = {name: expression.evaluate(values) for name, expression in frontier.coefficients.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        if frontier.model == "assurance":
            return enforcement.assurance_threshold(c["R"], c["T"], c["P"], c["S"], x)
        if frontier.model == "deterrence":  # a constant: a line across the x axis
            pi_d = enforcement.deterrence_threshold(c["R_o"], c["T_o"], c["P"], c["k"])
            return np.broadcast_to(pi_d, np.broadcast_shapes(np.shape(pi_d), np.shape(x)))
        if frontier.model == "level":  # a line across the x axis at an expression's value
            level = c["value"]
            return np.broadcast_to(level, np.broadcast_shapes(np.shape(level), np.shape(x)))
        if frontier.model == "typed_assurance":
            return enforcement.typed_assurance_threshold(
                c["R"], c["T"], c["P"], c["S"], c["k"], c["R_o"], c["T_o"], x
            )
        if frontier.model == "repeated":
            return enforcement.repeated_threshold(c["T"], c["R"], c["P"], x, c["false_alarm"])
        # inspection: detection needed as a function of the false-alarm rate
        return enforcement.inspection_detection_threshold(c["d"], c["b"], x, c["f"])


def check_frontiers(
    problems: Problems,
    given: Any,
    scenario: Scenario | None,
    axis_names: tuple[str, ...] | None,
    formats: tuple[str, ...] | None,
) -> tuple[FrontierSpec, ...] | None:
    """The ``[[frontiers]]`` array (``None`` if any is wrong; the problems are recorded).

    ``axis_names`` are the experiment's axes (``None`` when they have problems of
    their own: then x and y are not checked against them).
    """
    if not isinstance(given, list):
        problems.add("frontiers", f"expected [[frontiers]] tables, got {show(given)}")
        return None
    out: list[FrontierSpec] = []
    seen: set[str] = set()
    for k, item in enumerate(given):
        frontier = _frontier(problems, item, join("frontiers", k), scenario, axis_names, formats)
        if frontier is not None:
            if frontier.id in seen:
                problems.add(join(join("frontiers", k), "id"), f"{frontier.id!r} is used twice")
                continue
            seen.add(frontier.id)
            out.append(frontier)
    return tuple(out) if len(out) == len(given) else None


def _frontier(
    problems: Problems,
    item: Any,
    location: str,
    scenario: Scenario | None,
    axis_names: tuple[str, ...] | None,
    formats: tuple[str, ...] | None,
) -> FrontierSpec | None:
    """One ``[[frontiers]]`` table."""
    count = len(problems.problems)
    if problems.table(item, location, optional=_FRONTIER_KEYS) is None:
        return None
    for key in _REQUIRED:
        if key not in item:
            problems.add(location, f"missing {key!r}")
    ident = problems.string(item["id"], join(location, "id"), name=True) if "id" in item else ""
    label = item.get("label", ident or "")
    if not isinstance(label, str):
        problems.add(join(location, "label"), f"expected a string, got {show(label)}")
    model = ""
    if "model" in item:
        model = problems.string(item["model"], join(location, "model")) or ""
    if model and model not in FRONTIER_MODELS:
        problems.add(
            join(location, "model"),
            f"unknown model {model!r}{suggest(model, FRONTIER_MODELS, listing=True)}",
        )
    x, y = (_axis(problems, item, key, location, axis_names) for key in ("x", "y"))
    if x and x == y:
        problems.add(location, "x and y must be different axes")
    shown: tuple[str, ...] = ()
    if "formats" in item and formats is not None:
        shown = problems.names(item["formats"], join(location, "formats"), formats, "format") or ()
    coefficients = _coefficients(
        problems,
        item.get("coefficients", {}),
        join(location, "coefficients"),
        model,
        scenario,
        (x, y),
    )
    if len(problems.problems) != count or coefficients is None or not ident:
        return None
    return FrontierSpec(ident, str(label), model, x, y, shown, coefficients)


def _axis(
    problems: Problems,
    item: Mapping[str, Any],
    key: str,
    location: str,
    axis_names: tuple[str, ...] | None,
) -> str:
    """A frontier's ``x`` or ``y``: one of the sweep axes."""
    if key not in item:
        return ""
    name = problems.string(item[key], join(location, key)) or ""
    if name and axis_names is not None and name not in axis_names:
        problems.add(
            join(location, key),
            f"{name!r} is not a sweep axis{suggest(name, axis_names)}; axes: "
            + ", ".join(axis_names),
        )
    return name


def _coefficients(
    problems: Problems,
    table: Any,
    location: str,
    model: str,
    scenario: Scenario | None,
    plotted: tuple[str, str],
) -> dict[str, Expression] | None:
    """The model's coefficients, each an expression that does not use the picture's axes."""
    known = model in FRONTIER_MODELS
    needed = FRONTIER_MODELS[model][0] if known else ()
    if problems.table(table, location, optional=needed, free_keys=not known) is None:
        return None
    if not known or scenario is None:
        return None
    out: dict[str, Expression] = {}
    for name in needed:
        if name not in table:
            problems.add(location, f"missing {name!r}: the {model} model needs {', '.join(needed)}")
            continue
        expression, found = check_expression(
            table[name],
            parameters=tuple(scenario.parameters),
            location=join(location, name),
            definitions=scenario.definitions,  # a frontier names what the payoffs name
        )
        problems.extend(found)
        if expression is None:
            continue
        used = [p for p in plotted if p and p in expression.parameters]
        if used:
            problems.add(
                join(location, name),
                f"uses {used[0]!r}, an axis of the picture: the threshold must not depend on it",
            )
            continue
        out[name] = expression
    return out if len(out) == len(needed) else None
