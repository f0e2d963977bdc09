"""The ``negotiation-sim`` command line: parses, calls the API, prints."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .errors import InputError, NegotiationSimError

EXAMPLES = """\
examples:
  negotiation-sim demo                               the built-in example games, every method
  negotiation-sim validate scenarios/alaska_2025_reduced.toml
  negotiation-sim solve scenarios/alaska_2025_reduced.toml --format bilateral
  negotiation-sim solve scenarios/alaska_2025_reduced.toml --set trust=0.8 --set verification=0.7
  negotiation-sim solve scenarios/inspection.toml --method vertex_enumeration --json
  negotiation-sim plot-bargaining scenarios/alaska_2025_reduced.toml --actors russia,ukraine \\
      --set trust=0.8 --set verification=0.8 -o bargaining.png
  negotiation-sim export scenarios/alaska_2025_reduced.toml --to nfg --set trust=0.8 -o alaska.nfg
  negotiation-sim sweep experiments/trust_verification.toml -o results/tv
  negotiation-sim sweep experiments/trust_verification.toml -o results/tv --resume
  negotiation-sim sweep experiments/battlefield.toml --workers 2
  negotiation-sim sweep experiments/trust_verification.toml --set rho=0.5 -o results/tv_rho
  negotiation-sim sweep experiments/relative_gains.toml --dask local:2
  negotiation-sim plot results/tv -o landscape.png
  negotiation-sim plot results/tv --metric surplus --actor ukraine -o surplus.png
  negotiation-sim plot results/tv --html landscape.html
  negotiation-sim sweep experiments/alaska_uncertainty.toml -o results/au
  negotiation-sim plot results/au -o p_deal.png
  negotiation-sim sensitivity experiments/alaska_uncertainty.toml --plots results/au_sensitivity
  negotiation-sim sensitivity experiments/alaska_uncertainty.toml --metric surplus --actor russia
"""


def _demo(_: argparse.Namespace) -> int:
    from . import examples, solve
    from .report import format_game, format_result

    cases = [
        (
            "Arms race (prisoner's dilemma)",
            examples.arms_race(),
            ["pure", "dominance", "vertex_enumeration"],
        ),
        (
            "Ceasefire inspection game",
            examples.inspection(),
            ["pure", "vertex_enumeration", "lemke_howson", "logit"],
        ),
        (
            "Ceasefire talks, four actors (illustrative)",
            examples.ceasefire_talks(),
            ["pure", "dominance", "logit"],
        ),
    ]
    for title, game, methods in cases:
        print(format_game(game, title))
        for method in methods:
            print(format_result(solve(game, method)))
        print()
    return 0


def _validate(args: argparse.Namespace) -> int:
    from ._checking import parse_toml, read_text
    from .errors import ScenarioError
    from .resources import find_experiment, find_scenario
    from .scenario import load_scenario

    try:  # a path, or the name of a shipped scenario or experiment
        path = find_scenario(args.scenario)
    except ScenarioError:
        try:
            path = find_experiment(args.scenario)
        except ScenarioError:
            from .errors import Problem
            from .resources import shipped_experiments, shipped_scenarios

            names = ", ".join([*shipped_scenarios(), *shipped_experiments()])
            message = "cannot read the file: No such file or directory"
            raise ScenarioError(
                args.scenario, [Problem("", f"{message} (shipped: {names})" if names else message)]
            ) from None
    if "experiment" in parse_toml(read_text(path), args.scenario):
        from .sweep import load_experiment

        spec = load_experiment(args.scenario)
        parts = [f"{a.name} ({a.values.size})" for a in spec.axes]
        design = spec.design
        if design.sampled:
            parts.append(f"{design.rows:,} {design.kind} rows of {len(design.names)} parameters")
        print(
            f"{args.scenario}: ok: experiment {spec.title!r} on {spec.scenario_path}, "
            f"{'axes ' if spec.axes else ''}{' x '.join(parts)} = "
            f"{spec.n_points:,} points, "
            + (
                f"ceasefires simulated over {spec.dynamics.rounds} rounds, "
                if spec.dynamics is not None
                else f"formats: {', '.join(spec.formats)}, "
            )
            + f"{len(spec.frontiers)} frontiers"
        )
        return 0
    scenario = load_scenario(args.scenario)
    profiles = 1
    for actor in scenario.actors:
        profiles *= len(actor.options)
    formats = ", ".join(scenario.formats) or "none (all actors choose)"
    print(
        f"{args.scenario}: ok: {scenario.title!r}, {len(scenario.actors)} actors, "
        f"{profiles} profiles, {len(scenario.outcomes)} outcomes, "
        f"{len(scenario.parameters)} parameters, formats: {formats}"
    )
    return 0


def _parse_settings(settings: list[str], source: str) -> dict[str, float]:
    """``NAME=NUMBER`` arguments; names and ranges are checked by the scenario or experiment."""
    import math

    from ._checking import Problems

    values: dict[str, float] = {}
    problems = Problems(source)
    for item in settings:
        name, sep, text = item.partition("=")
        try:
            number = float(text) if sep and name.strip() else None
        except ValueError:
            number = None
        if number is None:
            problems.add(f"--set {item}", "expected NAME=NUMBER")
        elif not math.isfinite(number):
            problems.add(f"--set {item}", "expected a finite number")
        else:
            values[name.strip()] = number
    problems.raise_if_any()
    return values


def _solve(args: argparse.Namespace) -> int:
    import json

    from . import solve
    from .report import scenario_report, scenario_summary
    from .report_selection import check_rules, selection_summary
    from .scenario import load_scenario

    rules = check_rules(args.select_rule)
    scenario = load_scenario(args.scenario)
    params = _parse_settings(args.set or [], args.scenario)
    if scenario.types:
        if args.select_rule is not None:
            raise InputError.at(
                "negotiation-sim solve",
                "--select-rule",
                "selection rules are reported for games of complete information; this "
                "scenario's actors have types (its report lists every Bayes-Nash equilibrium)",
            )
        return _solve_typed(args, scenario, params)
    formats: list[str | None] = [args.format] if args.format else (list(scenario.formats) or [None])
    summaries = []
    for name in formats:
        game = scenario.game(params, format=name)
        result = solve(game, args.method)  # "auto": solvers.auto_method's policy
        summary = scenario_summary(scenario, name, params, result)
        summary["selection"] = selection_summary(scenario, name, params, rules)
        summaries.append(summary)
    from .analysis.scenario import analyse_scenario

    analysis = analyse_scenario(scenario, params)
    if args.json:
        report = {
            "scenario": args.scenario,
            "title": scenario.title,
            "formats": summaries,
            "analysis": analysis,
        }
        print(json.dumps(report, indent=2))
    else:
        print(scenario_report(scenario, params, summaries, analysis))
    return 0


def _solve_typed(args: argparse.Namespace, scenario: Any, params: dict[str, float]) -> int:
    """A scenario with actor types: its Bayes–Nash equilibria (through the agent normal form)."""
    import json

    from .bayesian import solve_bayesian
    from .report_bayesian import bayesian_report, bayesian_summary

    chosen = scenario.format(args.format)  # an unknown format: a located error
    if chosen.signalling:
        return _solve_signalling(args, scenario, params, chosen)
    game = scenario.bayesian_game(params, format=args.format)
    reach = None
    if chosen.others:  # a format: what its outcomes are, over every actor's types
        from .scenario.typed_formats import format_bayesian

        reach = format_bayesian(scenario, chosen.id, scenario.values(params))
    result = solve_bayesian(game, args.method)
    if args.json:
        summary = bayesian_summary(scenario, game, result, reach)
        report = {"scenario": args.scenario, "title": scenario.title, "format": chosen.id}
        print(json.dumps({**report, **summary}, indent=2))
        return 0
    if chosen.others:
        print(f"Format: {chosen.id} ({chosen.description})")
    print(bayesian_report(scenario, params, game, result, reach))
    return 0


def _solve_signalling(
    args: argparse.Namespace, scenario: Any, params: dict[str, float], chosen: Any
) -> int:
    """A signalling format: its perfect Bayesian equilibria in pure strategies."""
    import json

    from .report_signalling import signalling_report, signalling_summary
    from .scenario.signalling_format import format_signalling
    from .signalling import perfect_bayesian_equilibria

    if args.method not in ("auto", "pure"):
        raise InputError.at(
            "negotiation-sim solve",
            "--method",
            f"format {chosen.id!r} is a signalling game, solved for its perfect Bayesian "
            f"equilibria in pure strategies: use --method pure or auto, not {args.method}",
        )
    game = scenario.signalling_game(params, format=chosen.id)
    equilibria = perfect_bayesian_equilibria(game)
    reach = format_signalling(scenario, chosen.id, scenario.values(params))
    if args.json:
        summary = signalling_summary(scenario, game, equilibria, reach)
        report = {"scenario": args.scenario, "title": scenario.title, "format": chosen.id}
        print(json.dumps({**report, **summary}, indent=2))
        return 0
    print(f"Format: {chosen.id} ({chosen.description})")
    print(signalling_report(scenario, params, game, equilibria, reach))
    return 0


def _plot_bargaining(args: argparse.Namespace) -> int:
    from .plotting._output import picture_target
    from .plotting.bargaining import bargaining_picture, save_bargaining
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario)
    # The output rule is checked before any work; the scenario is an input, never replaced.
    picture_target(args.output, overwrite=args.overwrite, inputs=[args.scenario, scenario.source])
    params = _parse_settings(args.set or [], args.scenario)
    actors = args.actors.split(",") if args.actors else None
    picture = bargaining_picture(scenario, actors, params)
    written = save_bargaining(picture, args.output, title=scenario.title, overwrite=args.overwrite)
    print(f"wrote {written}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from ._files import check_output_file
    from .interop.nfg import write_nfg
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario)
    # The scenario is an input: never replaced, even with --overwrite.
    check_output_file(
        args.output, overwrite=args.overwrite, inputs=[args.scenario, scenario.source]
    )
    params = _parse_settings(args.set or [], args.scenario)
    chosen = scenario.format(args.format)
    values = {**scenario.defaults(), **params}
    settings = ", ".join(f"{name}={float(value)!r}" for name, value in values.items())
    if scenario.types:  # Harsanyi: the agent normal form, one player per actor and type
        from .bayesian import agent_normal_form

        game = agent_normal_form(scenario.bayesian_game(params, format=args.format))
        kind = "Agent normal form: one player per actor and type, interim payoffs"
        title = f"{scenario.title} (agent normal form)"
    else:
        game = scenario.game(params, format=args.format)
        kind = f"Format {chosen.id}: {chosen.description}"
        title = f"{scenario.title} ({chosen.id})" if scenario.formats else scenario.title
    comment = (  # write_nfg's first comment line names negotiation_sim and its version
        f"Exported from {args.scenario}.\n{kind}\nParameters: {settings or 'none'}"
    )
    path = write_nfg(
        game,
        args.output,
        title=title,
        comment=comment,
        version=args.nfg_version,
        overwrite=args.overwrite,
    )
    shape = " x ".join(str(k) for k in game.shape)
    print(
        f"wrote {path} (Gambit .nfg, {args.nfg_version} version: {shape} options, "
        + ("the agent normal form)" if scenario.types else f"format {chosen.id})")
    )
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _sweep(args: argparse.Namespace) -> int:
    from .sweep import load_experiment, run_experiment
    from .sweep.executors import open_executor

    spec = load_experiment(args.experiment)
    if args.set:
        spec = spec.with_fixed(_parse_settings(args.set, args.experiment))
    if args.select_rule is not None:
        spec = spec.with_selection(args.select_rule)
    out = Path(args.output) if args.output else Path("results") / Path(args.experiment).stem
    previous = signal.signal(signal.SIGTERM, _interrupt)  # kill <pid>: stop like Ctrl-C
    started = time.perf_counter()
    try:
        with ExitStack() as stack:
            executor, workers = open_executor(stack, workers=args.workers, dask=args.dask)
            dataset = run_experiment(
                spec,
                out,
                executor=executor,
                workers=workers,
                resume=args.resume,
                overwrite=args.overwrite,
                progress=args.progress,
            )
    except KeyboardInterrupt:
        done = len(list((out / "chunks").glob("*.done"))) if (out / "chunks").exists() else 0
        print(
            f"negotiation-sim: interrupted; {done} finished chunks are saved in {out}. "
            f"Finish with: negotiation-sim sweep {args.experiment} -o {out} --resume",
            file=sys.stderr,
        )
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    elapsed = time.perf_counter() - started
    what = (
        f"{spec.dynamics.trajectories:,} ceasefires each"
        if spec.dynamics is not None
        else f"{len(spec.formats)} formats"
    )
    print(f"wrote {out / 'results.nc'} ({spec.n_points:,} points x {what}, {elapsed:.1f} s)")
    for line in _dynamics_summary(dataset) or _sweep_summary(dataset, spec.formats):
        print(f"  {line}")
    print(f"plot it: negotiation-sim plot {out} -o {out / 'landscape.png'}")
    return 0


def _dynamics_summary(dataset: Any) -> list[str]:
    """A dynamics sweep's ranges over the grid: holding to the end, expected duration."""
    if "p_holding" not in dataset:
        return []
    rounds = int(dataset["round"].values[-1])
    holding, duration = dataset["p_holding"], dataset["expected_duration"]
    return [
        f"P(the deal holds {rounds} rounds) from {float(holding.min()):.1%} to "
        f"{float(holding.max()):.1%} over the grid",
        f"expected duration from {float(duration.min()):.1f} to {float(duration.max()):.1f} rounds",
    ]


def _sweep_summary(dataset: Any, formats: tuple[str, ...]) -> list[str]:
    """One line per format: where a deal is an equilibrium (a grid), or how likely (sampled)."""
    lines = []
    for format in formats:
        if "p_deal" in dataset:
            share = dataset["p_deal"].sel(format=format)
            if share.ndim:
                low, high = float(share.min()), float(share.max())
                lines.append(
                    f"{format}: P(a deal is a pure equilibrium) from {low:.1%} to {high:.1%} "
                    f"over the grid ({dataset.sizes['sample']:,} draws per point)"
                )
            else:
                low, high = (
                    float(dataset[f"p_deal_{e}"].sel(format=format)) for e in ("low", "high")
                )
                lines.append(
                    f"{format}: P(a deal is a pure equilibrium) = {float(share):.1%} "
                    f"(95% interval {low:.1%} to {high:.1%})"
                )
        elif "deal_is_equilibrium" in dataset:
            share = float(dataset["deal_is_equilibrium"].sel(format=format).mean())
            lines.append(f"{format}: a deal is a pure equilibrium at {share:.1%} of the grid")
    return lines


def _plot(args: argparse.Namespace) -> int:
    from .plotting.landscape import save_landscape
    from .sweep import check_output

    path = check_output(args.results)
    results = _results(path)
    _check_plot_outputs(args, path, results)
    if results.kind == "sampled" or args.intervals:  # a grid sweep's file refuses --intervals
        return _plot_sampled(args, path)
    select = _parse_settings(args.select or [], str(path))
    given = [flag for flag, value in (("--by", args.by), ("--side", args.side)) if value]
    if results.kind == "dynamics" and args.metric in ("survival", "posterior_trust"):
        from .plotting.dynamics import save_dynamics

        written = save_dynamics(
            path,
            args.output,
            args.metric,
            by=args.by,
            side=args.side,
            select=select or None,
            overwrite=args.overwrite,
        )
        print(f"wrote {written}")
        return 0
    if given:
        raise InputError.at(
            str(path),
            given[0],
            f"{given[0]} is for a dynamics sweep's --metric survival or posterior_trust",
        )
    options: Any = {"x": args.x, "y": args.y, "facet": args.facet, "actor": args.actor}
    options.update(format=args.format, select=select or None, overwrite=args.overwrite)
    metric = args.metric or results.default_metric
    if args.output:
        written = save_landscape(path, args.output, metric, **options)
        print(f"wrote {written}")
    if args.html:
        from .plotting.interactive import save_interactive

        print(f"wrote {save_interactive(path, args.html, metric, **options)}")
    return 0


def _check_plot_outputs(args: argparse.Namespace, path: Path, results: _Results) -> None:
    """``plot`` writes a picture (``-o``), an interactive page (``--html``) or both; the page
    shows a landscape, not a sampled sweep's map or a dynamics sweep's curves."""
    if not args.output and not args.html:
        raise InputError.at(
            str(path),
            "-o",
            "name a picture to write (-o FILE), an interactive page (--html FILE) or both",
        )
    if args.html and args.output and Path(args.html).absolute() == Path(args.output).absolute():
        raise InputError.at(str(path), "--html", "the page and the picture need different files")
    curves = results.kind == "dynamics" and args.metric in ("survival", "posterior_trust")
    if args.html and (curves or results.kind == "sampled"):
        raise InputError.at(
            str(path),
            "--html",
            "an interactive page shows a grid sweep's landscape; draw this one as a picture (-o)",
        )


class _Results(NamedTuple):
    """What a results file holds, read once from its header."""

    #: ``"grid"``, ``"sampled"`` (a sampled game sweep) or ``"dynamics"``.
    kind: str
    #: The landscape drawn when ``--metric`` is not given.
    default_metric: str


def _results(path: Path) -> _Results:
    """The kind of sweep in ``path`` and its default landscape (read lazily: the header only).
    A file that cannot be read is taken as a grid sweep's: the landscape says why, located."""
    import stat

    import xarray as xr

    from .plotting.dynamics import is_dynamics

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block the reader forever
            return _Results("grid", "outcome")
        with xr.open_dataset(path, engine="scipy") as dataset:
            if is_dynamics(dataset):
                return _Results("dynamics", "expected_duration")
            if "sample" in dataset.dims and "design" in dataset.attrs:
                return _Results("sampled", "p_deal")
            # results older than the equilibrium set default to the selected outcome
            metric = "equilibrium_set" if "equilibrium_set" in dataset.data_vars else "outcome"
            return _Results("grid", metric)
    except Exception:  # any unreadable file: the landscape reports it, located
        return _Results("grid", "outcome")


def _plot_sampled(args: argparse.Namespace, path: Path) -> int:
    """A sampled sweep's probability map, or with ``--intervals`` its probability with its
    interval per cell (``p_deal`` unless ``--metric`` names another)."""
    from dataclasses import replace

    from .errors import InputError
    from .plotting.intervals import save_probability_intervals
    from .plotting.uncertainty import save_probability_map

    landscape_only = {"--actor": args.actor, "-x": args.x, "-y": args.y, "--facet": args.facet}
    landscape_only["--select"] = args.select
    given = [flag for flag, value in landscape_only.items() if value]
    if given:
        drawn = "its cells' intervals" if args.intervals else "a probability map over its two axes"
        raise InputError.at(
            str(path),
            given[0],
            f"a sampled sweep is drawn as {drawn}; "
            f"{given[0]} is for landscapes (choose the probability with --metric, "
            "the format with --format)",
        )
    try:
        variable = args.metric or "p_deal"
        if args.intervals:
            formats = [args.format] if args.format else None
            written = save_probability_intervals(
                path, args.output, variable, formats=formats, overwrite=args.overwrite
            )
        else:
            written = save_probability_map(
                path, args.output, variable, format=args.format, overwrite=args.overwrite
            )
    except InputError as error:  # the function's arguments are the command's options
        flags = {"variable": "--metric", "format": "--format", "formats[0]": "--format"}
        flags["dataset"] = "--intervals"
        problems = [replace(p, location=flags.get(p.location, p.location)) for p in error.problems]
        raise InputError(error.source, problems) from None
    print(f"wrote {written}")
    return 0


#: The arguments of ``sensitivity.analysis.sobol`` and the options that set them.
_SENSITIVITY_FLAGS = {
    "metric": "--metric",
    "actor": "--actor",
    "format": "--format",
    "samples": "--samples",
    "n_bootstrap": "--bootstrap",
}


def _sensitivity(args: argparse.Namespace) -> int:
    from .errors import InputError, Problem
    from .plotting._output import picture_target
    from .sensitivity.analysis import describe, sobol
    from .sweep import check_output, load_experiment
    from .sweep.executors import open_executor

    spec = load_experiment(args.experiment)
    pictures = {}
    if args.plots:  # checked before the run: the output rule, then the pictures
        folder = Path(args.plots)
        if folder.exists() and not folder.is_dir():
            raise InputError.at(args.plots, "--plots", "expected a directory, found a file")
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("sobol", "tornado", "prim", *(("p_deal_prim",) if args.map else ())):
            pictures[name] = picture_target(
                folder / f"{name}.png", overwrite=args.overwrite, inputs=[args.experiment]
            )
    map_results = None
    if args.map:
        if not args.plots:
            raise InputError.at(
                args.experiment, "--map", "draws into the --plots directory: give it"
            )
        map_results = check_output(args.map)
    try:
        with ExitStack() as stack:
            executor, workers = open_executor(stack, workers=args.workers)
            result = sobol(
                spec,
                metric=args.metric,
                actor=args.actor,
                format=args.format,
                samples=args.samples,
                n_bootstrap=args.bootstrap,
                out=args.output,
                executor=executor,
                workers=workers,
                resume=args.resume,
                overwrite=args.overwrite,
                progress=args.progress,
            )
    except InputError as error:  # the call's arguments are this command's options
        problems = [
            Problem(_SENSITIVITY_FLAGS.get(p.location, p.location), p.message)
            for p in error.problems
        ]
        raise type(error)(error.source or args.experiment, problems) from None
    print(describe(result))
    if args.output:
        print(f"\nthe run (checkpoints, results.nc) is in {args.output}")
    _sensitivity_pictures(result, pictures, map_results)
    return 0


def _sensitivity_pictures(
    result: Any, pictures: dict[str, tuple[Path, str]], map_results: Path | None
) -> None:
    """The sensitivity command's pictures (targets already checked): Sobol' bars, tornado, PRIM
    trade-off and, with ``--map``, the sweep's P(deal) map with the PRIM box over it."""
    if not pictures:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .plotting._output import write_picture
    from .plotting.landscape import load_results
    from .plotting.sensitivity import plot_prim_tradeoff, plot_sobol, plot_tornado
    from .plotting.uncertainty import plot_probability_map

    def on_map(box: Any, ax: Any) -> None:
        assert map_results is not None
        plot_probability_map(
            load_results(map_results), format=result.format, box=box, box_names=result.names, ax=ax
        )

    drawn: dict[str, tuple[Callable[..., Any], Any]] = {
        "sobol": (plot_sobol, result.sobol),
        "tornado": (plot_tornado, result.tornado),
        "prim": (plot_prim_tradeoff, result.prim),
        "p_deal_prim": (on_map, result.prim if result.metric == "deal_is_equilibrium" else None),
    }
    for name, (out, format) in pictures.items():
        draw, what = drawn[name]
        if what is None:
            why = {
                "tornado": result.tornado_note,
                "prim": "PRIM needs a yes/no metric",
                "p_deal_prim": "the P(deal) map goes with the metric deal_is_equilibrium",
            }[name]
            print(f"no {out}: {why}")
            continue
        size = (7.0, 6.0) if name == "p_deal_prim" else (7.0, 2.0 + 0.3 * len(result.names))
        figure = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(figure)
        draw(what, ax=figure.add_subplot())
        print(f"wrote {write_picture(figure, out, format, dpi=120)}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="negotiation-sim",
        description="Game-theory simulator of international negotiations.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _command(commands, "demo", "solve the built-in example games", _demo)
    validate = _command(
        commands, "validate", "check a scenario or experiment file; report every problem", _validate
    )
    validate.add_argument("scenario", help="a scenario or experiment TOML file, or a shipped name")
    _add_solve(commands)
    _add_plot_bargaining(commands)
    _add_export(commands)
    _add_sweep(commands)
    _add_plot(commands)
    _add_sensitivity(commands)
    return parser


def _command(
    commands: Any, name: str, help: str, run: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    """A subcommand that shows the examples after its options."""
    command: argparse.ArgumentParser = commands.add_parser(
        name, help=help, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    command.set_defaults(run=run)
    return command


def _scenario_arguments(command: argparse.ArgumentParser, format_help: str | None) -> None:
    """The scenario file, its format (if the command takes one) and ``--set``."""
    command.add_argument("scenario", help="a scenario TOML file")
    if format_help:
        command.add_argument("--format", help=format_help)
    command.add_argument(
        "--set", action="append", metavar="NAME=VALUE", help="set a parameter (repeatable)"
    )


def _add_solve(commands: Any) -> None:
    solver = _command(commands, "solve", "solve a scenario and report its equilibria", _solve)
    _scenario_arguments(solver, "a format of the scenario (default: every format)")
    solver.add_argument(
        "--method",
        default="auto",
        help="solver method (default: auto; see negotiation_sim.METHODS)",
    )
    solver.add_argument(
        "--select-rule",
        metavar="RULE",
        help="report only this equilibrium selection rule: welfare, payoff_dominance, "
        "risk_dominance or logit (default: all four)",
    )
    solver.add_argument("--json", action="store_true", help="print JSON instead of text")


def _add_plot_bargaining(commands: Any) -> None:
    picture = _command(
        commands,
        "plot-bargaining",
        "draw outcomes, Pareto frontier, no deal and bargaining solutions",
        _plot_bargaining,
    )
    _scenario_arguments(picture, None)
    picture.add_argument(
        "-o", "--output", required=True, help="image file to write (.png, .svg, .pdf)"
    )
    picture.add_argument("--actors", help="two actor ids, comma-separated (default: the first two)")
    picture.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the output file even if negotiation_sim did not write it (never an input)",
    )


def _add_export(commands: Any) -> None:
    export = _command(
        commands, "export", "write a scenario's game for another program (Gambit .nfg)", _export
    )
    _scenario_arguments(export, "a format of the scenario (default: its default format)")
    export.add_argument(
        "--to", choices=["nfg"], default="nfg", help="the file format (default: nfg, Gambit's)"
    )
    export.add_argument(
        "--version",
        dest="nfg_version",
        choices=["payoff", "outcome"],
        default="payoff",
        help="the .nfg body: every payoff (default), or an outcome list and outcome indices",
    )
    export.add_argument("-o", "--output", required=True, help="the file to write")
    export.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the output file even if negotiation_sim did not write it (never an input)",
    )


def _add_sweep(commands: Any) -> None:
    sweep = _command(
        commands,
        "sweep",
        "run an experiment file: a parameter grid, chunked, checkpointed, resumable",
        _sweep,
    )
    sweep.add_argument("experiment", help="an experiment TOML file (see experiments/)")
    sweep.add_argument(
        "-o", "--output", help="output directory (default: results/<experiment name>)"
    )
    where = sweep.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=_count, default=1, metavar="N", help="run chunks in N processes"
    )
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run chunks on a Dask cluster: a scheduler address (tcp://host:8786), or "
        "local[:N] for a LocalCluster of N worker processes on this machine",
    )
    sweep.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="hold a parameter at a value (repeatable; recorded with the results)",
    )
    sweep.add_argument(
        "--select-rule",
        metavar="RULE",
        help="the equilibrium selection rule, overriding the file's [experiment] selection: "
        "welfare, payoff_dominance, risk_dominance or logit (recorded with the results)",
    )
    again = sweep.add_mutually_exclusive_group()
    again.add_argument(
        "--resume", action="store_true", help="finish an interrupted sweep in the output directory"
    )
    again.add_argument(
        "--overwrite", action="store_true", help="replace a previous sweep in the output directory"
    )
    _add_progress(sweep)


def _add_sensitivity(commands: Any) -> None:
    command = _command(
        commands,
        "sensitivity",
        "rank what decides a metric over the priors: Sobol' indices, tornado, PRIM boxes",
        _sensitivity,
    )
    command.add_argument("experiment", help="an experiment TOML file (its priors are sampled)")
    command.add_argument(
        "--metric",
        default="deal_is_equilibrium",
        help="deal_is_equilibrium (default), no_deal_is_equilibrium, deal_probability, welfare, "
        "surplus, payoff",
    )
    command.add_argument("--actor", help="the actor, for surplus and payoff")
    command.add_argument("--format", help="the format measured (default: the experiment's first)")
    command.add_argument(
        "--samples",
        type=_count,
        metavar="N",
        help="Saltelli base rows, a power of two (default: the experiment's, else 4096); "
        "N x (parameters + 2) runs",
    )
    command.add_argument(
        "--bootstrap", type=_count, default=1000, metavar="B", help="bootstrap resamples"
    )
    command.add_argument(
        "-o", "--output", help="keep the run here (checkpoints, results.nc; resumable)"
    )
    command.add_argument(
        "--workers", type=_count, default=1, metavar="N", help="run chunks in N processes"
    )
    again = command.add_mutually_exclusive_group()
    again.add_argument(
        "--resume", action="store_true", help="finish an interrupted run in the output directory"
    )
    again.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a previous run in the output directory and pictures not written by "
        "negotiation_sim",
    )
    command.add_argument("--plots", metavar="DIR", help="write sobol.png, tornado.png, prim.png")
    command.add_argument(
        "--map",
        metavar="RESULTS",
        help="a sampled sweep of this experiment (negotiation-sim sweep): with --plots, also "
        "write p_deal_prim.png, its P(deal) map with the PRIM box",
    )
    _add_progress(command)


def _add_progress(parser: Any) -> None:
    """``--progress/--no-progress`` of the commands that run a sweep."""
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: when standard error is a terminal)",
    )


def _count(text: str) -> int:
    """A whole number >= 1 (``--workers``)."""
    count = int(text) if text.strip().isdigit() else 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return count


def _add_plot(commands: Any) -> None:
    plot = _command(
        commands,
        "plot",
        "draw a sweep's landscape (outcome map, welfare, surplus, ...) with its frontiers",
        _plot,
    )
    plot.add_argument("results", help="a sweep's output directory or its results.nc")
    plot.add_argument("-o", "--output", help="image file to write (.png, .svg, .pdf)")
    plot.add_argument(
        "--html",
        metavar="OUT",
        help="write an interactive page (one HTML file, opens offline; hover a cell to see its "
        "equilibria and payoffs); needs pip install 'negotiation_sim[interactive]'",
    )
    plot.add_argument(
        "--metric",
        help="equilibrium_set (the default of a grid sweep: deal only, deal and no deal, no deal "
        "only, no pure equilibrium), outcome (the selected equilibrium's, its rule named), "
        "deal_is_equilibrium, no_deal_is_equilibrium, "
        "n_equilibria, deal_probability, welfare, payoff, surplus, zero_sum_share, "
        "strategic_zero_sum_share; for a sampled sweep p_deal (its default) or p_no_deal_only; "
        "for a dynamics sweep expected_duration (its default), p_holding, trust_needed, payoff "
        "(landscapes), survival (curves) or posterior_trust (a fan chart)",
    )
    plot.add_argument("--by", help="survival: one curve per value of this axis")
    plot.add_argument("--side", help="posterior_trust: whose trust (default: the first side)")
    plot.add_argument("--actor", help="the actor, for payoff and surplus")
    plot.add_argument("--format", help="only this format (default: one panel per format)")
    plot.add_argument(
        "-x", help="the axis across (default: the frontiers' x, else the second axis)"
    )
    plot.add_argument("-y", help="the axis up (default: the frontiers' y, else the first axis)")
    plot.add_argument("--facet", help="one panel per value of this axis")
    plot.add_argument(
        "--intervals",
        action="store_true",
        help="a sampled sweep of a few cells (mechanisms compared): the probability with its "
        "95%% interval, one row per cell, one colour per format (instead of the map)",
    )
    plot.add_argument(
        "--select", action="append", metavar="NAME=VALUE", help="fix another axis at a value"
    )
    plot.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the output file even if negotiation_sim did not write it (never an input)",
    )


#: The exit status after a closed pipe (``negotiation-sim solve S | head -1``): 128 + SIGPIPE,
#: what the shell reports for a program the signal stopped (as ``seq 100000 | head -1``).
BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status.

    0 on success; 2 for a bad input or a file that cannot be read or written, with one
    message; 130 for an interrupted sweep; :data:`BROKEN_PIPE` (141), quietly, when the
    reader of the output goes away (``| head``).
    """
    try:
        try:
            return _run(build_parser(), argv)
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not as a warning at exit
    except BrokenPipeError:
        _discard_output()
        return BROKEN_PIPE


def _run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Run a command; the error family and stray file errors become one message and 2."""
    from ._files import disk_error

    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except NegotiationSimError as error:
        message = str(error)
    except BrokenPipeError:
        raise
    except OSError as exc:
        if exc.filename is None:  # not a file's fault: a bug or the system's, keep the traceback
            raise
        message = str(disk_error(exc.filename, exc, "access"))
    else:
        return status
    print(f"negotiation-sim: error: {message}", file=sys.stderr)
    return 2


def _discard_output() -> None:
    """Point standard output and error at the null device, so that Python's flush at exit
    finds no closed pipe (the recipe of the ``signal`` module's documentation)."""
    null = os.open(os.devnull, os.O_WRONLY)
    for stream, real in ((sys.stdout, sys.__stdout__), (sys.stderr, sys.__stderr__)):
        if stream is real and stream is not None:  # not a test's captured stream
            with suppress(OSError, ValueError):
                os.dup2(null, stream.fileno())
    os.close(null)


if __name__ == "__main__":
    sys.exit(main())
