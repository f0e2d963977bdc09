"""Experiment files: which scenario, which formats, which grid, which metrics.

An experiment file (TOML, documented in ``docs/experiment-format.md``) is
data, validated like a scenario: every problem of the file is reported at once
with its location (``axes.trust.points: expected a whole number >= 1, got
the number 0``), unknown keys get a did-you-mean, and the scenario it names is
loaded and checked too (its own problems are reported with its own path).

Checking uses the one toolkit, :mod:`negotiation_sim._checking`; the axes and the
frontiers have their own modules (:mod:`.axes`, :mod:`.frontiers`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any

from .._checking import Problems, join, parse_toml, read_text, show, suggest
from ..analysis.selection import DEFAULT_RULE, RULES
from ..errors import ScenarioError
from ..resources import find_scenario
from ..scenario import Scenario
from ..scenario._check_meta import check_parameters
from ..scenario.expressions import Expression
from ..scenario.load import parse_scenario
from ..scenario.model import FrozenMapping
from ..scenario.priors import Prior
from .axes import MAX_POINTS, Axis, check_axes
from .dynamics_check import check_at_defaults, check_dynamics, check_dynamics_settings
from .dynamics_spec import DynamicsSpec
from .frontiers import FRONTIER_MODELS, FrontierSpec, check_frontiers
from .qre_spec import QRE_METRICS, check_qre
from .sampling import Design, check_design

__all__ = [
    "FRONTIER_MODELS",
    "MAX_SEED",
    "METRICS",
    "SOLVERS",
    "Axis",
    "Design",
    "Experiment",
    "FrontierSpec",
    "load_experiment",
    "parse_experiment",
]

FORMAT_VERSION = 1

#: The metrics with one number per format and grid point.
SCALAR_METRICS: tuple[str, ...] = (
    "equilibrium_set",
    "outcome",
    "deal_is_equilibrium",
    "no_deal_is_equilibrium",
    "n_equilibria",
    "deal_probability",
    "welfare",
    "qre_deal_probability",
)
#: The metrics with one number per format, grid point and actor.
ACTOR_METRICS: tuple[str, ...] = ("payoff", "surplus")
#: The metrics with one number per format, grid point and outcome.
OUTCOME_METRICS: tuple[str, ...] = ("outcome_probability", "qre_outcome_probability")
#: Metrics a sweep can record (``metrics = [...]``).
#: ``zero_sum_share`` records two variables: the raw and the strategic share.
METRICS: tuple[str, ...] = (*SCALAR_METRICS, *ACTOR_METRICS, *OUTCOME_METRICS, "zero_sum_share")
#: What a sweep records when ``metrics`` is not given: all but the outcome probabilities (one
#: number per outcome: ask for them).
DEFAULT_METRICS: tuple[str, ...] = tuple(
    m for m in METRICS if m not in OUTCOME_METRICS and m not in QRE_METRICS
)

#: ``solver``: ``"pure"`` finds every pure equilibrium over the whole grid at once;
#: ``"pure+logit"`` also solves, point by point, the games without a pure
#: equilibrium for their logit (tracing) equilibrium, which gives the deal
#: probability and expected payoffs there.
SOLVERS: tuple[str, ...] = ("pure", "pure+logit")

DEFAULT_CHUNK_SIZE = 50_000
#: The largest seed: the results file stores it as a 32-bit signed integer.
MAX_SEED = 2**31 - 1

_TOP_KEYS = (
    "format_version",
    "experiment",
    "parameters",
    "axes",
    "fixed",
    "frontiers",
    "design",
    "priors",
    "dynamics",
)
_EXPERIMENT_KEYS = (
    "title",
    "description",
    "scenario",
    "formats",
    "solver",
    "selection",
    "metrics",
    "qre_lambda",
    "seed",
    "chunk_size",
)


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
        The scenario file as read (stored with the results, part of the fingerprint).
    formats : tuple of str
    axes : tuple of Axis
    fixed : mapping of str to float
        Parameters held at a value other than their default.
    solver : str
    metrics : tuple of str
    selection : str
        The equilibrium selection rule (``[experiment] selection``, one of
        :data:`~negotiation_sim.analysis.selection.RULES`; default ``"welfare"``).
    qre_lambda : Expression or None
        The logit precision of the QRE metrics (:mod:`.qre_spec`), when they are asked for.
    seed : int
        In ``[0, MAX_SEED]``: the seed of a sampled design (the solvers are deterministic).
        Recorded with the results.
    chunk_size : int
        Points (grid points times sampled rows) per checkpointed chunk.
    frontiers : tuple of FrontierSpec
    design : Design
        How the parameters that are neither swept nor fixed are sampled (a grid samples none).
    priors : mapping of str to Prior
        Every parameter's prior: the scenario's, overridden by the file's ``[priors]``
        (parameters without one are absent). What sensitivity analyses draw from.
    dynamics : DynamicsSpec or None
        A dynamics experiment's ``[dynamics]`` table (:mod:`.dynamics_spec`): it simulates
        ceasefires at every point instead of solving games, and has no formats and no metrics
        (``formats`` and ``metrics`` are empty).
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
    design: Design = field(default_factory=Design)
    priors: Mapping[str, Prior] = field(default_factory=lambda: FrozenMapping({}))
    dynamics: DynamicsSpec | None = None
    selection: str = DEFAULT_RULE
    qre_lambda: Expression | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape, one length per axis (the sampled rows not included)."""
        return tuple(axis.values.size for axis in self.axes)

    @property
    def n_points(self) -> int:
        """The number of points computed: grid points times the design's rows at each."""
        return math.prod(self.shape) * self.design.rows

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the experiment and scenario texts and the fixed values: what a resumed
        run must match."""
        digest = hashlib.sha256()
        fixed = json.dumps(sorted(self.fixed.items()))
        parts = [self.text, self.scenario_text, fixed]
        if self.selection != DEFAULT_RULE:  # the default adds nothing: old runs resume
            parts.append(f"selection={self.selection}")
        for part in parts:
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()

    def with_fixed(self, overrides: Mapping[str, float]) -> Experiment:
        """This experiment with more parameters fixed (``negotiation-sim sweep --set``).

        A sampled parameter that is fixed is no longer sampled.

        Raises
        ------
        ScenarioError
            Every bad override at once: an unknown parameter, a swept axis, a value
            outside the parameter's range or not finite, or nothing left to sample; for a
            dynamics experiment, a number of ``[dynamics]`` that the values make wrong.

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
        problems = Problems(self.source)
        axes = [axis.name for axis in self.axes]
        for name, value in overrides.items():
            where = f"--set {name}"
            if name in axes:
                problems.add(where, f"{name!r} is a swept axis of this experiment")
            else:
                _fixed_value(problems, self.scenario, name, value, where)
        design = self.design
        if design.sampled:
            kept = [k for k, name in enumerate(design.names) if name not in overrides]
            if not kept:
                problems.add("--set", "every sampled parameter would be fixed: nothing to sample")
            names = tuple(design.names[k] for k in kept)
            design = replace(design, names=names, priors=tuple(design.priors[k] for k in kept))
        problems.raise_if_any()
        fixed = {**self.fixed, **{k: float(v) for k, v in overrides.items()}}
        if self.dynamics is not None:  # the model at the new defaults, as when it was read
            check_at_defaults(problems, self.dynamics, self.scenario, fixed, self.source)
            problems.raise_if_any()
        return replace(self, fixed=fixed, design=design)

    def with_selection(self, rule: str, where: str = "--select-rule") -> Experiment:
        """This experiment with another equilibrium selection rule (``sweep --select-rule``).

        Examples
        --------
        >>> spec = load_experiment("experiments/trust_verification.toml")
        >>> spec.with_selection("risk_dominance").selection
        'risk_dominance'
        >>> spec.with_selection("risk")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        negotiation_sim.errors.ScenarioError: ...: --select-rule: unknown selection rule 'risk' ...
        """
        problems = Problems(self.source)
        _check_selection(problems, rule, where, self.scenario, self.dynamics is not None)
        problems.raise_if_any()
        return replace(self, selection=rule)


def load_experiment(path: str | PathLike[str]) -> Experiment:
    """Read and validate an experiment file (and the scenario it names).

    The scenario path is relative to the experiment file; when no such file
    exists, a shipped scenario's name or path (``../scenarios/alaska_2025_reduced.toml``)
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
    """Validate experiment TOML text; the scenario path is relative to ``base``.

    Examples
    --------
    >>> head = '[experiment]\\nscenario = "alaska_2025_reduced"\\n'
    >>> parse_experiment(head + '[axes.trst]\\nvalues = [0]\\n')
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: <experiment>: axes.trst: unknown parameter 'trst' (did you mean 'trust'?)
    """
    data = parse_toml(text, source)
    problems = Problems(source)
    problems.known_keys(data, _TOP_KEYS, "")
    version = data.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        problems.add("format_version", f"expected {FORMAT_VERSION}, got {show(version)}")
    head = problems.table(data.get("experiment", {}), "experiment", optional=_EXPERIMENT_KEYS)
    head = head or {}
    settings = _settings(problems, head)
    scenario, scenario_path, scenario_text = _scenario(problems, head, Path(base))
    if scenario is not None and "parameters" in data:
        scenario = with_parameters(problems, data["parameters"], scenario)
    dynamics = _simulation(problems, data, head, scenario, settings)
    formats = () if "dynamics" in data else _formats(problems, head, scenario)
    fixed = _fixed(problems, data.get("fixed", {}), scenario)
    table = problems.table(data.get("axes", {}), "axes", free_keys=True) or {}
    sampled = isinstance(data.get("design"), dict) and data["design"].get("kind", "grid") != "grid"
    axes = check_axes(problems, table, scenario, fixed, required=not sampled)
    names = None if axes is None else tuple(axis.name for axis in axes)
    _check_dimension_names(problems, names or (), dynamics is not None)
    shown = None if "dynamics" in data else formats  # a frontier's formats: refused above
    frontiers = check_frontiers(problems, data.get("frontiers", []), scenario, names, shown)
    held = (*table, *fixed)
    sampling = check_design(
        problems, data.get("design", {}), data.get("priors", {}), scenario, held
    )
    if axes is not None and sampling is not None:
        _check_points(problems, axes, sampling.design)
    if dynamics is not None and scenario is not None and not problems:
        check_at_defaults(problems, dynamics, scenario, fixed, source)
    given = head.get("selection", DEFAULT_RULE)
    _check_selection(problems, given, "experiment.selection", scenario, dynamics is not None)
    settings["selection"] = given
    qre_lambda = check_qre(problems, head, settings["metrics"], scenario, dynamics is not None)
    problems.raise_if_any()
    # Each of these is None only with a problem recorded, raised just above.
    assert scenario is not None and formats is not None and axes is not None
    assert frontiers is not None and sampling is not None
    return Experiment(
        source=source,
        text=text,
        title=settings["title"] or scenario.title,
        description=settings["description"],
        scenario=scenario,
        scenario_path=scenario_path,
        scenario_text=scenario_text,
        formats=formats,
        axes=axes,
        fixed=fixed,
        solver=settings["solver"],
        metrics=settings["metrics"],
        seed=settings["seed"],
        chunk_size=settings["chunk_size"],
        frontiers=frontiers,
        design=sampling.design,
        priors=FrozenMapping(sampling.priors),
        dynamics=dynamics,
        selection=settings["selection"],
        qre_lambda=qre_lambda,
    )


def _check_selection(
    problems: Problems, rule: Any, where: str, scenario: Scenario | None, dynamics: bool
) -> None:
    """A known selection rule; for a scenario with actor types only ``welfare`` (the rules of
    :mod:`~negotiation_sim.analysis.selection` are for complete-information games)."""
    if rule not in RULES:
        known = suggest(str(rule), RULES, listing=True)
        problems.add(where, f"unknown selection rule {show(rule)}{known}")
    elif dynamics and rule != DEFAULT_RULE:
        problems.add(where, "a dynamics experiment simulates ceasefires: it selects no equilibrium")
    elif scenario is not None and scenario.types and rule != DEFAULT_RULE:
        problems.add(
            where,
            f"{rule!r} is for games of complete information; this scenario's actors have types: "
            f'use "{DEFAULT_RULE}" (the largest ex-ante total payoff)',
        )


def with_parameters(problems: Problems, table: Any, scenario: Scenario) -> Scenario:
    """The scenario with the experiment's own ``[parameters.NAME]`` added to its parameters.

    Each is checked as a scenario's parameter is (default, range, description, optional prior;
    :func:`~negotiation_sim.scenario._check_meta.check_parameters`), and its name must be new:
    not a parameter nor a definition of the scenario. Everything that reads the scenario's
    parameters (values, axes, ``[fixed]``, ``--set``, priors, designs) then takes them.

    Examples
    --------
    >>> from negotiation_sim import load_scenario
    >>> problems = Problems("x.toml")
    >>> arms = load_scenario("scenarios/arms_race.toml")
    >>> table = {"discount": {"default": 0.9, "range": [0, 0.99], "description": "delta"}}
    >>> sorted(with_parameters(problems, table, arms).parameters)
    ['cost', 'discount', 'temptation']
    >>> _ = with_parameters(problems, {"cost": table["discount"]}, arms)
    >>> print(problems.problems[0])
    parameters.cost: 'cost' is already a parameter of the scenario: hold it with [fixed] or sweep it in [axes]
    """
    found = check_parameters(table, problems)
    added = {}
    for name, parameter in found.found.items():
        where = join("parameters", name)
        if name in scenario.parameters:
            problems.add(
                where,
                f"{name!r} is already a parameter of the scenario: hold it with [fixed] or "
                "sweep it in [axes]",
            )
        elif name in scenario.definitions:
            problems.add(where, f"{name!r} is a definition of the scenario: choose another name")
        else:
            added[name] = parameter
    if not added:
        return scenario
    merged = FrozenMapping({**scenario.parameters, **added})
    typed = tuple(replace(one, parameters=merged) for one in scenario.typed)
    return replace(scenario, parameters=merged, typed=typed)


#: The results' own dimensions: a swept parameter cannot take one of these names.
RESULT_DIMENSIONS = ("format", "actor", "outcome_id", "sample", "quantile")
#: A dynamics experiment's too (:mod:`.dynamics_data`).
DYNAMICS_DIMENSIONS = ("round", "cause", "side", "type_0", "type_1")


def _check_dimension_names(problems: Problems, names: tuple[str, ...], dynamics: bool) -> None:
    """A swept parameter's name must not be one of the results' dimensions."""
    taken = RESULT_DIMENSIONS + (DYNAMICS_DIMENSIONS if dynamics else ())
    for name in names:
        if name in taken:
            problems.add(
                join("axes", name),
                f"{name!r} names a dimension of the results ({', '.join(taken)}): "
                "sweep a parameter of another name",
            )


def _check_points(problems: Problems, axes: tuple[Axis, ...], design: Design) -> None:
    """Grid points times the design's rows at each at most ``MAX_POINTS``, counted with Python
    integers before anything is drawn (the axes alone were checked by :func:`.axes.check_axes`)."""
    grid = math.prod(axis.values.size for axis in axes)
    points = grid * design.rows
    if points <= MAX_POINTS:
        return
    rows = f"{design.rows:,} rows"
    if design.kind == "saltelli":
        rows += f" (N x (2 + d), N = {design.samples:,}, d = {len(design.names)} sampled)"
    problems.add(
        "design.samples",
        f"{grid:,} grid points x {rows} = {points:,} points; "
        f"at most {MAX_POINTS:,} in one experiment",
    )


def _settings(problems: Problems, head: Mapping[str, Any]) -> dict[str, Any]:
    """``[experiment]``'s plain settings: title, description, solver, metrics, seed, chunk size."""
    out: dict[str, Any] = {}
    for key in ("title", "description"):
        value = head.get(key, "")
        if not isinstance(value, str):
            problems.add(join("experiment", key), f"expected a string, got {show(value)}")
        out[key] = value if isinstance(value, str) else ""
    solver = head.get("solver", "pure")
    if solver not in SOLVERS:
        known = suggest(str(solver), SOLVERS, listing=True)
        problems.add("experiment.solver", f"unknown solver {show(solver)}{known}")
    out["solver"] = solver
    out["metrics"] = DEFAULT_METRICS
    if "metrics" in head:
        out["metrics"] = problems.names(head["metrics"], "experiment.metrics", METRICS, "metric")
    out["seed"] = problems.whole(head.get("seed", 0), "experiment.seed", low=0, high=MAX_SEED)
    out["chunk_size"] = problems.whole(
        head.get("chunk_size", DEFAULT_CHUNK_SIZE), "experiment.chunk_size", low=1, high=MAX_POINTS
    )
    return out


def _simulation(
    problems: Problems,
    data: Mapping[str, Any],
    head: Mapping[str, Any],
    scenario: Scenario | None,
    settings: dict[str, Any],
) -> DynamicsSpec | None:
    """A dynamics experiment's ``[dynamics]`` (no formats, solver or metrics; its own default
    chunk size), or a game sweep's settings for a scenario with types."""
    if "dynamics" not in data:
        if scenario is not None and scenario.types:
            _typed_settings(problems, head, settings)
        return None
    dynamics = check_dynamics(problems, data["dynamics"], scenario)
    chunk = check_dynamics_settings(problems, data, dynamics)
    settings["chunk_size"] = chunk or settings["chunk_size"]
    settings["metrics"] = ()
    return dynamics


def _typed_settings(problems: Problems, head: Mapping[str, Any], settings: dict[str, Any]) -> None:
    """A scenario with actor types is swept for its pure Bayes–Nash equilibria: no zero-sum
    share (a property of complete-information games), no logit."""
    if "metrics" not in head:
        settings["metrics"] = tuple(m for m in settings["metrics"] if m != "zero_sum_share")
    elif "zero_sum_share" in settings["metrics"]:
        problems.add(
            "experiment.metrics",
            "the zero-sum share is a property of games of complete information; this "
            "scenario's actors have types",
        )
    if settings["solver"] != "pure":
        problems.add(
            "experiment.solver",
            f"{settings['solver']!r} is not available for a scenario with actor types: use "
            '"pure" (every pure Bayes-Nash equilibrium)',
        )


def _scenario(
    problems: Problems, head: Mapping[str, Any], base: Path
) -> tuple[Scenario | None, str, str]:
    """The scenario the experiment names, its path and its text (its problems relocated)."""
    if "scenario" not in head:
        problems.add("experiment.scenario", "missing: the path of the scenario file")
        return None, "", ""
    given = head["scenario"]
    if not isinstance(given, str) or not given:
        problems.add("experiment.scenario", f"expected a file path, got {show(given)}")
        return None, "", ""
    # normpath: experiments/../scenarios/x.toml reads as scenarios/x.toml in messages
    path = Path(given) if Path(given).is_absolute() else Path(os.path.normpath(base / given))
    try:
        path = find_scenario(given, relative_to=base)  # the path if it exists, else shipped
        text = read_text(path)
        return parse_scenario(text, source=str(path)), str(path), text
    except ScenarioError as error:
        for problem in error.problems:
            where = f"{error.source}: {problem.location}" if problem.location else error.source
            problems.add("experiment.scenario", f"{where}: {problem.message}")
        return None, str(path), ""


def _formats(
    problems: Problems, head: Mapping[str, Any], scenario: Scenario | None
) -> tuple[str, ...] | None:
    """The formats to sweep: listed, or the scenario's default."""
    if scenario is None:
        if "formats" in head and not isinstance(head["formats"], list):
            problems.add("experiment.formats", f"expected a list, got {show(head['formats'])}")
        return None
    if "formats" not in head:
        return (scenario.format(None).id,)
    return problems.names(head["formats"], "experiment.formats", tuple(scenario.formats), "format")


def _fixed(problems: Problems, table: Any, scenario: Scenario | None) -> dict[str, float]:
    """``[fixed]``: parameters held at a value, each a finite number in its range."""
    fixed: dict[str, float] = {}
    for name, value in (problems.table(table, "fixed", free_keys=True) or {}).items():
        held = _fixed_value(problems, scenario, name, value, join("fixed", name))
        if held is not None:
            fixed[name] = held
    return fixed


def _fixed_value(
    problems: Problems, scenario: Scenario | None, name: str, value: Any, location: str
) -> float | None:
    """One held parameter: a finite number, a parameter of the scenario, in its range."""
    number = problems.number(value, location)
    if number is None or scenario is None:
        return None
    if not problems.known(name, scenario.parameters, location, "parameter"):
        return None
    parameter = scenario.parameters[name]
    if not problems.in_range(number, parameter.low, parameter.high, location, name=name):
        return None
    return number
