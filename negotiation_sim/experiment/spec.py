"""Experiment files: which scenario, which formats, which grid, which metrics.

An experiment file (TOML, documented in ``docs/experiment-format.md``) is
data, validated like a scenario: every problem of the file is reported at once
with its location (``axes.trust.points: expected a whole number >= 1, got
0.5``), unknown keys get a did-you-mean, and the scenario it names is loaded
and checked too (its own problems are reported with its own path).

Validation is hand-written, in the style of :mod:`negotiation_sim.scenario.load`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import Problem, ScenarioError
from ..game import FloatArray, frozen_array
from ..resources import find_scenario
from ..scenario import Scenario
from ..scenario.expressions import Expression, check_expression
from ..scenario.load import _hint, _show, parse_scenario, parse_toml, read_text

__all__ = [
    "FRONTIER_MODELS",
    "METRICS",
    "SOLVERS",
    "Axis",
    "Experiment",
    "FrontierSpec",
    "load_experiment",
    "parse_experiment",
]

FORMAT_VERSION = 1

#: The metrics with one number per format and grid point.
SCALAR_METRICS: tuple[str, ...] = (
    "outcome",
    "deal_is_equilibrium",
    "no_deal_is_equilibrium",
    "n_equilibria",
    "deal_probability",
    "welfare",
)
#: Metrics a sweep can record (``metrics = [...]``; default: all of them).
METRICS: tuple[str, ...] = (*SCALAR_METRICS, "payoff", "surplus", "zero_sum_share")

#: ``solver``: ``"pure"`` finds every pure equilibrium over the whole grid at once;
#: ``"pure+logit"`` also solves, point by point, the games without a pure
#: equilibrium for their logit (tracing) equilibrium, which gives the deal
#: probability and expected payoffs there.
SOLVERS: tuple[str, ...] = ("pure", "pure+logit")

#: Analytic frontiers (docs/models.md §4): model -> (its coefficients, what its x and y are).
FRONTIER_MODELS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "assurance": (("R", "T", "P", "S"), "verification (pi)", "trust (mu)"),
    "repeated": (("T", "R", "P", "false_alarm"), "detection (pi)", "discount factor (delta)"),
    "inspection": (("d", "b", "f"), "false-alarm rate (alpha)", "detection (1 - beta)"),
}

#: Grid points an experiment may have (the results of every point are kept in memory).
MAX_POINTS = 50_000_000
DEFAULT_CHUNK_SIZE = 50_000

_TOP_KEYS = ("format_version", "experiment", "axes", "fixed", "frontiers")
_EXPERIMENT_KEYS = (
    "title",
    "description",
    "scenario",
    "formats",
    "solver",
    "metrics",
    "seed",
    "chunk_size",
)
_AXIS_KEYS = ("values", "range", "points", "description")
_FRONTIER_KEYS = ("id", "label", "model", "x", "y", "formats", "coefficients")


@dataclass(frozen=True, eq=False)
class Axis:
    """One swept parameter.

    Attributes
    ----------
    name : str
        A parameter of the scenario.
    values : ndarray
        Strictly increasing grid values (read-only).
    """

    name: str
    values: FloatArray


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


@dataclass(frozen=True, eq=False)
class Experiment:
    """A validated experiment file.

    Attributes
    ----------
    source : str
        The file's path (or ``"<experiment>"``).
    text : str
        The file as written (stored with the results).
    title, description : str
    scenario : Scenario
    scenario_path : str
    scenario_text : str
        The scenario file as read (workers re-parse it; stored with the results).
    formats : tuple of str
    axes : tuple of Axis
    fixed : mapping of str to float
        Parameters held at a value other than their default.
    solver : str
    metrics : tuple of str
    seed : int
        Recorded with the results. The solvers used by sweeps are
        deterministic; the seed is there for stochastic ones and for
        reproducible subsampling.
    chunk_size : int
        Grid points per checkpointed chunk.
    frontiers : tuple of FrontierSpec
    """

    source: str
    text: str
    title: str
    description: str
    scenario: Scenario
    scenario_path: str
    scenario_text: str
    formats: tuple[str, ...]
    axes: tuple[Axis, ...]
    fixed: Mapping[str, float]
    solver: str
    metrics: tuple[str, ...]
    seed: int
    chunk_size: int
    frontiers: tuple[FrontierSpec, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape, one length per axis."""
        return tuple(axis.values.size for axis in self.axes)

    @property
    def n_points(self) -> int:
        """The number of grid points."""
        return math.prod(self.shape)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the experiment and scenario texts and the fixed values: what a resumed
        run must match."""
        digest = hashlib.sha256()
        fixed = json.dumps(sorted(self.fixed.items()))
        for part in (self.text, self.scenario_text, fixed):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()

    def with_fixed(self, overrides: Mapping[str, float]) -> Experiment:
        """This experiment with more parameters fixed (``negotiation-sim sweep --set``).

        Raises
        ------
        ScenarioError
            Every bad override at once: an unknown parameter, a swept axis, a value
            outside the parameter's range or not finite.

        Examples
        --------
        >>> spec = load_experiment("experiments/trust_verification.toml")
        >>> dict(spec.with_fixed({"rho": 0.5}).fixed)
        {'rho': 0.5}
        >>> spec.with_fixed({"trust": 0.5})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        negotiation_sim.errors.ScenarioError: ...: --set trust: 'trust' is a swept axis of this experiment
        """
        problems = []
        axes = [axis.name for axis in self.axes]
        parameters = self.scenario.parameters
        for name, value in overrides.items():
            where = f"--set {name}"
            if name in axes:
                problems.append(Problem(where, f"{name!r} is a swept axis of this experiment"))
            elif name not in parameters:
                problems.append(
                    Problem(where, f"unknown parameter of the scenario{_hint(name, parameters)}")
                )
            elif not math.isfinite(value):
                problems.append(Problem(where, "expected a finite number"))
            elif not parameters[name].low <= value <= parameters[name].high:
                spec = parameters[name]
                problems.append(
                    Problem(
                        where,
                        f"value {value:g} is outside the range of {name!r}, "
                        f"[{spec.low:g}, {spec.high:g}]",
                    )
                )
        if problems:
            raise ScenarioError(self.source, problems)
        fixed = {**self.fixed, **{k: float(v) for k, v in overrides.items()}}
        return replace(self, fixed=fixed)


def load_experiment(path: str | PathLike[str]) -> Experiment:
    """Read and validate an experiment file (and the scenario it names).

    The scenario path is relative to the experiment file; when no such file
    exists, a shipped scenario's name or path (``../scenarios/alaska_2025.toml``)
    reads the shipped scenario. A missing experiment path falls back to the
    shipped experiments the same way (see :mod:`negotiation_sim.resources`).

    Raises
    ------
    ScenarioError
        Every problem of the file, each with its location; problems of the
        scenario file are reported with the scenario's path.

    Examples
    --------
    >>> spec = load_experiment("experiments/trust_verification.toml")
    >>> [axis.name for axis in spec.axes], spec.formats, spec.n_points
    (['trust', 'verification'], ('bilateral', 'multilateral'), 10201)
    """
    from ..resources import find_experiment

    found = find_experiment(path)
    source = str(path if found == Path(path) else found)
    return parse_experiment(read_text(found), source=source, base=found.parent)


def parse_experiment(
    text: str, *, source: str = "<experiment>", base: str | PathLike[str] = "."
) -> Experiment:
    """Validate experiment TOML text; the scenario path is relative to ``base``."""
    data = parse_toml(text, source)
    checker = _Checker(source, Path(base))
    experiment = checker.experiment(data, text)
    if checker.problems or experiment is None:
        raise ScenarioError(source, checker.problems)
    return experiment


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Checker:
    def __init__(self, source: str, base: Path) -> None:
        self.source = source
        self.base = base
        self.problems: list[Problem] = []

    def problem(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    def keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], location: str) -> None:
        for key in table:
            if key not in allowed:
                where = f"{location}.{key}" if location else key
                self.problem(where, f"unknown key{_hint(key, allowed)}")

    def table(self, data: Mapping[str, Any], key: str, location: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(location, f"expected a table, got {_show(value)}")
            return {}
        return value

    def string(self, table: Mapping[str, Any], key: str, location: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.problem(f"{location}.{key}", f"expected a string, got {_show(value)}")
            return default
        return value

    def whole(
        self, table: Mapping[str, Any], key: str, location: str, default: int, low: int
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.problem(
                f"{location}.{key}", f"expected a whole number >= {low}, got {_show(value)}"
            )
            return default
        return value

    def names(
        self, value: Any, location: str, known: tuple[str, ...], what: str
    ) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not value:
            self.problem(location, f"expected a non-empty list of {what}s, got {_show(value)}")
            return None
        good: list[str] = []
        for k, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(f"{location}[{k}]", f"expected a {what}, got {_show(item)}")
            elif item not in known:
                self.problem(
                    f"{location}[{k}]",
                    f"unknown {what} {item!r}{_hint(item, known)}; known: {', '.join(known)}",
                )
            elif item in good:
                self.problem(f"{location}[{k}]", f"{what} {item!r} is listed twice")
            else:
                good.append(item)
        return tuple(good) if len(good) == len(value) else None

    # -- the file ----------------------------------------------------------------------------

    def experiment(self, data: dict[str, Any], text: str) -> Experiment | None:
        self.keys(data, _TOP_KEYS, "")
        version = data.get("format_version", FORMAT_VERSION)
        if version != FORMAT_VERSION or isinstance(version, bool):
            self.problem("format_version", f"expected {FORMAT_VERSION}, got {_show(version)}")
        head = self.table(data, "experiment", "experiment")
        self.keys(head, _EXPERIMENT_KEYS, "experiment")
        title = self.string(head, "title", "experiment", "")
        description = self.string(head, "description", "experiment", "")
        solver = self.string(head, "solver", "experiment", "pure")
        if solver not in SOLVERS:
            self.problem(
                "experiment.solver",
                f"unknown solver {solver!r}{_hint(solver, SOLVERS)}; known: {', '.join(SOLVERS)}",
            )
        metrics: tuple[str, ...] | None = METRICS
        if "metrics" in head:
            metrics = self.names(head["metrics"], "experiment.metrics", METRICS, "metric")
        seed = self.whole(head, "seed", "experiment", 0, 0)
        chunk_size = self.whole(head, "chunk_size", "experiment", DEFAULT_CHUNK_SIZE, 1)
        scenario, scenario_path, scenario_text = self.scenario(head)
        formats: tuple[str, ...] | None = None
        if scenario is not None:
            known_formats = tuple(scenario.formats)
            formats = (
                self.names(head["formats"], "experiment.formats", known_formats, "format")
                if "formats" in head
                else (scenario.format(None).id,)
            )
        elif "formats" in head and not isinstance(head["formats"], list):
            self.problem("experiment.formats", f"expected a list, got {_show(head['formats'])}")
        fixed = self.fixed(self.table(data, "fixed", "fixed"), scenario)
        axes = self.axes(self.table(data, "axes", "axes"), scenario, fixed)
        frontiers = self.frontiers(data.get("frontiers", []), scenario, axes, formats)
        if (
            self.problems
            or scenario is None
            or formats is None
            or axes is None
            or metrics is None
            or frontiers is None
        ):
            return None
        return Experiment(
            source=self.source,
            text=text,
            title=title or scenario.title,
            description=description,
            scenario=scenario,
            scenario_path=scenario_path,
            scenario_text=scenario_text,
            formats=formats,
            axes=axes,
            fixed=fixed,
            solver=solver,
            metrics=metrics,
            seed=seed,
            chunk_size=chunk_size,
            frontiers=frontiers,
        )

    def scenario(self, head: Mapping[str, Any]) -> tuple[Scenario | None, str, str]:
        if "scenario" not in head:
            self.problem("experiment.scenario", "missing: the path of the scenario file")
            return None, "", ""
        given = head["scenario"]
        if not isinstance(given, str) or not given:
            self.problem("experiment.scenario", f"expected a file path, got {_show(given)}")
            return None, "", ""
        # normpath: experiments/../scenarios/x.toml reads as scenarios/x.toml in messages
        path = (
            Path(given) if Path(given).is_absolute() else Path(os.path.normpath(self.base / given))
        )
        try:
            path = find_scenario(given, relative_to=self.base)  # path if it exists, else shipped
            text = read_text(path)
            return parse_scenario(text, source=str(path)), str(path), text
        except ScenarioError as error:
            for problem in error.problems:
                where = f"{error.source}: {problem.location}" if problem.location else error.source
                self.problem("experiment.scenario", f"{where}: {problem.message}")
            return None, str(path), ""

    def value_in_range(self, scenario: Scenario, name: str, value: float, location: str) -> bool:
        spec = scenario.parameters[name]
        if not spec.low <= value <= spec.high:
            self.problem(
                location,
                f"value {value:g} is outside the range of {name!r}, [{spec.low:g}, {spec.high:g}]",
            )
            return False
        return True

    def parameter(self, scenario: Scenario | None, name: str, location: str) -> bool:
        if scenario is None:
            return False
        if name not in scenario.parameters:
            self.problem(
                location,
                f"unknown parameter {name!r} of the scenario{_hint(name, scenario.parameters)}",
            )
            return False
        return True

    def fixed(self, table: Mapping[str, Any], scenario: Scenario | None) -> dict[str, float]:
        fixed: dict[str, float] = {}
        for name, value in table.items():
            location = f"fixed.{name}"
            if not _is_number(value) or not math.isfinite(value):
                self.problem(location, f"expected a finite number, got {_show(value)}")
                continue
            if (
                scenario is not None
                and self.parameter(scenario, name, location)
                and self.value_in_range(scenario, name, float(value), location)
            ):
                fixed[name] = float(value)
        return fixed

    def axes(
        self, table: Mapping[str, Any], scenario: Scenario | None, fixed: Mapping[str, float]
    ) -> tuple[Axis, ...] | None:
        if not table:
            self.problem("axes", "missing: at least one swept parameter, e.g. [axes.trust]")
            return None
        axes: list[Axis] = []
        for name, spec in table.items():
            location = f"axes.{name}"
            if not isinstance(spec, dict):
                self.problem(location, f"expected a table, got {_show(spec)}")
                continue
            self.keys(spec, _AXIS_KEYS, location)
            known = self.parameter(scenario, name, location)
            if name in fixed:
                self.problem(location, f"{name!r} is also in [fixed]: sweep it or fix it")
            values = self.axis_values(spec, location)
            if values is None:
                continue
            if known and scenario is not None:
                bad = [
                    v
                    for v in (values[0], values[-1])
                    if not self.value_in_range(scenario, name, float(v), location)
                ]
                if bad:
                    continue
            axes.append(Axis(name, frozen_array(values)))
        if len(axes) != len(table):
            return None
        points = math.prod(axis.values.size for axis in axes)
        if points > MAX_POINTS:
            self.problem(
                "axes", f"{points:,} grid points; at most {MAX_POINTS:,} in one experiment"
            )
            return None
        return tuple(axes)

    def axis_values(self, spec: Mapping[str, Any], location: str) -> FloatArray | None:
        if "values" in spec:
            if "range" in spec or "points" in spec:
                self.problem(location, "give either values or range and points, not both")
                return None
            given = spec["values"]
            if not isinstance(given, list) or not given:
                self.problem(
                    f"{location}.values",
                    f"expected a non-empty list of numbers, got {_show(given)}",
                )
                return None
            bad = [k for k, v in enumerate(given) if not _is_number(v) or not math.isfinite(v)]
            if bad:
                self.problem(
                    f"{location}.values[{bad[0]}]",
                    f"expected a finite number, got {_show(given[bad[0]])}",
                )
                return None
            values = np.asarray(given, dtype=np.float64)
            if values.size > 1 and not np.all(np.diff(values) > 0):
                self.problem(f"{location}.values", "expected strictly increasing values")
                return None
            return values
        if "range" not in spec or "points" not in spec:
            missing = "range" if "range" not in spec else "points"
            self.problem(location, f"missing {missing!r}: give values, or range and points")
            return None
        bounds = spec["range"]
        if (
            not isinstance(bounds, list)
            or len(bounds) != 2
            or not all(_is_number(b) and math.isfinite(b) for b in bounds)
            or bounds[0] > bounds[1]
        ):
            self.problem(
                f"{location}.range", f"expected [low, high] with low <= high, got {_show(bounds)}"
            )
            return None
        points = self.whole(spec, "points", location, 0, 1)
        if points < 1:
            return None
        if points > 1 and bounds[0] == bounds[1]:
            self.problem(f"{location}.points", "a range of zero width holds one point")
            return None
        return np.linspace(float(bounds[0]), float(bounds[1]), points)

    def frontiers(
        self,
        given: Any,
        scenario: Scenario | None,
        axes: tuple[Axis, ...] | None,
        formats: tuple[str, ...] | None,
    ) -> tuple[FrontierSpec, ...] | None:
        if not isinstance(given, list):
            self.problem("frontiers", f"expected [[frontiers]] tables, got {_show(given)}")
            return None
        axis_names = tuple(axis.name for axis in axes or ())
        out: list[FrontierSpec] = []
        seen: set[str] = set()
        for k, item in enumerate(given):
            location = f"frontiers[{k}]"
            if not isinstance(item, dict):
                self.problem(location, f"expected a table, got {_show(item)}")
                continue
            count = len(self.problems)
            self.keys(item, _FRONTIER_KEYS, location)
            for key in ("id", "model", "x", "y", "coefficients"):
                if key not in item:
                    self.problem(location, f"missing {key!r}")
            ident = self.string(item, "id", location, "")
            if ident and (not ident.isidentifier() or ident in seen):
                self.problem(
                    f"{location}.id",
                    f"{ident!r} is used twice"
                    if ident in seen
                    else "expected a name like kyiv_donetsk",
                )
            seen.add(ident)
            label = self.string(item, "label", location, ident)
            model = self.string(item, "model", location, "")
            if model and model not in FRONTIER_MODELS:
                self.problem(
                    f"{location}.model",
                    f"unknown model {model!r}{_hint(model, FRONTIER_MODELS)}; known: "
                    + ", ".join(FRONTIER_MODELS),
                )
            x = self.string(item, "x", location, "")
            y = self.string(item, "y", location, "")
            for key, name in (("x", x), ("y", y)):
                if name and axes is not None and name not in axis_names:
                    self.problem(
                        f"{location}.{key}",
                        f"{name!r} is not a sweep axis{_hint(name, axis_names)}; axes: "
                        + ", ".join(axis_names),
                    )
            if x and x == y:
                self.problem(location, "x and y must be different axes")
            shown: tuple[str, ...] = ()
            if "formats" in item and formats is not None:
                shown = self.names(item["formats"], f"{location}.formats", formats, "format") or ()
            coefficients = self.coefficients(
                item.get("coefficients", {}), f"{location}.coefficients", model, scenario, (x, y)
            )
            if len(self.problems) == count and coefficients is not None:
                out.append(FrontierSpec(ident, label, model, x, y, shown, coefficients))
        return tuple(out) if len(out) == len(given) else None

    def coefficients(
        self,
        table: Any,
        location: str,
        model: str,
        scenario: Scenario | None,
        plotted: tuple[str, str],
    ) -> dict[str, Expression] | None:
        if not isinstance(table, dict):
            self.problem(location, f"expected a table, got {_show(table)}")
            return None
        if model not in FRONTIER_MODELS or scenario is None:
            return None
        needed = FRONTIER_MODELS[model][0]
        self.keys(table, needed, location)
        out: dict[str, Expression] = {}
        for name in needed:
            if name not in table:
                self.problem(
                    location, f"missing {name!r}: the {model} model needs {', '.join(needed)}"
                )
                continue
            expression, problems = check_expression(
                table[name], parameters=tuple(scenario.parameters), location=f"{location}.{name}"
            )
            self.problems.extend(problems)
            if expression is None:
                continue
            used = [p for p in plotted if p and p in expression.parameters]
            if used:
                self.problem(
                    f"{location}.{name}",
                    f"uses {used[0]!r}, an axis of the picture: the threshold must not depend on it",
                )
                continue
            out[name] = expression
        return out if len(out) == len(needed) else None
