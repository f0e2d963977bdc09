"""The checks a :class:`~negotiation_sim.dynamics.Dynamics` runs when it is made.

Each raises a :class:`~negotiation_sim.errors.GameError` naming the field and what is wrong: a
wrong shape or dtype, a NaN, a value out of range, an unknown rule (with a did-you-mean), a
prior that does not sum to 1, ``alarms > window``. The ``[dynamics]`` file parser locates
its own problems before it builds the model; these checks guard every other caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checking import MAX_MAGNITUDE, range_message, suggest
from ..errors import GameError

__all__ = [
    "MAX_ROUNDS",
    "check_array",
    "check_dynamics",
    "check_rule",
    "check_whole",
    "require",
    "same_points",
]

#: The most rounds a model may have (the simulator's tables are (rounds x 16) per point).
MAX_ROUNDS = 10_000


def require(condition: bool, message: str) -> None:
    """Raise ``GameError(message)`` unless ``condition``."""
    if not condition:
        raise GameError(message)


def check_array(
    value: Any,
    name: str,
    shape: tuple[int | None, ...],
    low: float = -MAX_MAGNITUDE,
    high: float = MAX_MAGNITUDE,
    *,
    integer: bool = False,
) -> int | None:
    """Check ``value`` is a numpy array of ``shape`` (None: any length; the last axis's length
    is returned) with every entry in ``[low, high]`` (NaN is out of range).

    >>> check_array(np.array([0.2, 0.5]), "detection", (None,), 0.0, 1.0)
    2
    >>> check_array(np.array([0.2, np.nan]), "detection", (None,), 0.0, 1.0)
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: detection: value nan at index (1,) is outside its range [0, 1]
    """
    if not isinstance(value, np.ndarray):
        raise GameError(f"{name}: expected a numpy array, got {type(value).__name__}")
    want = "integer" if integer else "real"
    kind = "iu" if integer else "iuf"
    require(value.dtype.kind in kind, f"{name}: expected {want} numbers, got dtype {value.dtype}")
    ok = len(value.shape) == len(shape) and all(
        n is None or n == m for n, m in zip(shape, value.shape, strict=True)
    )
    shown = tuple("B" if n is None else n for n in shape)
    require(ok, f"{name}: expected shape {shown}, got {value.shape}")
    array = value.astype(np.float64)
    bad = ~((array >= low) & (array <= high))
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"{name}: value {array[index]:g} at index {index} is outside its range"
        raise GameError(f"{where} [{low:g}, {high:g}]")
    return int(value.shape[-1]) if value.shape else None


def check_whole(value: Any, name: str, low: int, high: int) -> None:
    """Check ``value`` is an int in ``[low, high]``.

    >>> check_whole(0, "rounds", 1, 10)
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: rounds: value 0 is outside its range [1, 10]
    """
    whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    require(whole, f"{name}: expected a whole number, got {value!r}")
    require(low <= value <= high, f"{name}: {range_message(value, low, high)}")


def check_rule(rule: Any, known: Sequence[str], name: str) -> None:
    """Check ``rule`` is one of ``known`` (with a did-you-mean).

    >>> check_rule("grimm", ("grim", "forgiving"), "response.rule")
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.GameError: response.rule: unknown rule 'grimm' (did you mean 'grim'?)
    """
    if rule not in known:
        hint = suggest(str(rule), known, listing=True)
        raise GameError(f"{name}: unknown rule {rule!r}{hint}")


def same_points(sizes: dict[str, int | None], points: int) -> None:
    """Check every array's last axis has ``points`` entries."""
    for name, size in sizes.items():
        require(size == points, f"{name}: expected {points} points (the last axis), got {size}")


def check_dynamics(model: Any) -> None:
    """Every check of a :class:`~negotiation_sim.dynamics.Dynamics` (see the module)."""
    actors, sides = model.actors, model.sides
    ok = isinstance(actors, tuple) and all(isinstance(a, str) for a in actors)
    require(
        ok and len(set(actors)) == len(actors), f"actors: expected distinct names, got {actors}"
    )
    require(
        isinstance(sides, tuple) and len(sides) == 2 and sides[0] != sides[1],
        f"sides: expected two different actors, got {sides!r}",
    )
    for i, side in enumerate(sides):
        require(side in actors, f"sides[{i}]: {side!r} is not an actor{suggest(side, actors)}")
    check_whole(model.rounds, "rounds", 1, MAX_ROUNDS)
    check_whole(model.phase_rounds, "phase_rounds", 1, MAX_ROUNDS)
    points = check_array(model.discount, "discount", (None,), 0.0, 1.0)
    require(bool(np.all(model.discount < 1)), "discount: expected values below 1 (delta in [0, 1))")
    assert points is not None
    sizes = {
        "prior": check_array(model.prior, "prior", (2, 2, None), 0.0, 1.0),
        "phases": check_array(model.phases, "phases", (None,), 1, MAX_ROUNDS, integer=True),
    }
    totals = model.prior.sum(axis=(0, 1))
    worst = int(np.argmax(np.abs(totals - 1)))
    require(
        bool(abs(totals[worst] - 1) <= 1e-9),
        f"prior: expected each point's probabilities to sum to 1, got {totals[worst]!r} "
        f"at point {worst}",
    )
    for name in ("monitoring", "behaviour"):
        pair = getattr(model, name)
        require(isinstance(pair, tuple) and len(pair) == 2, f"{name}: expected one per side")
    for i in range(2):
        sizes.update(_side_sizes(model, i))
    n = len(actors)
    stage = model.stage
    for name in ("kept", "war"):
        sizes[f"stage.{name}"] = check_array(getattr(stage, name), f"stage.{name}", (n, 2, 2, None))
    for name in ("violated", "caught"):
        pair = getattr(stage, name)
        require(len(pair) == 2, f"stage.{name}: expected two arrays, one per side")
        for i in range(2):
            where = f"stage.{name}[{i}]"
            sizes[where] = check_array(pair[i], where, (n, 2, 2, None))
    same_points(sizes, points)
    rules = {b.rule for b in model.behaviour}
    require(
        not ("incentive" in rules and model.response.rule != "grim"),
        "behaviour: the incentive rule is defined against grim trigger; "
        f"it cannot be used with the {model.response.rule!r} response",
    )


def _side_sizes(model: Any, i: int) -> dict[str, int | None]:
    """Check side ``i``'s monitoring and behaviour; the lengths of their arrays."""
    monitoring, behaviour = model.monitoring[i], model.behaviour[i]
    sizes: dict[str, int | None] = {}
    for name, low, high in (
        ("detection", 0.0, 1.0),
        ("false_alarm", 0.0, 1.0),
        ("cost", 0.0, MAX_MAGNITUDE),
    ):
        where = f"monitoring[{i}].{name}"
        sizes[where] = check_array(getattr(monitoring, name), where, (None,), low, high)
    for name in ("violation_probability", "escalation"):
        where = f"behaviour[{i}].{name}"
        sizes[where] = check_array(getattr(behaviour, name), where, (None,), 0.0, 1.0)
    where = f"behaviour[{i}].strike_round"
    sizes[where] = check_array(behaviour.strike_round, where, (None,), 1, 2**62, integer=True)
    return sizes
