"""The ``negotiation-sim`` command line: parses, calls the API, prints."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .errors import NegotiationSimError

EXAMPLES = """\
examples:
  negotiation-sim demo                               the built-in example games, every method
  negotiation-sim validate scenarios/alaska_2025.toml
  negotiation-sim solve scenarios/alaska_2025.toml --format bilateral
  negotiation-sim solve scenarios/alaska_2025.toml --set trust=0.8 --set verification=0.7
  negotiation-sim solve scenarios/inspection.toml --method vertex_enumeration --json
  negotiation-sim plot-bargaining scenarios/alaska_2025.toml --actors russia,ukraine \\
      --set trust=0.8 --set verification=0.8 -o bargaining.png
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
    from .scenario import load_scenario

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
    from .errors import Problem, ScenarioError

    values: dict[str, float] = {}
    problems = []
    for item in settings:
        name, sep, text = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            values[name.strip()] = float(text)
        except ValueError:
            problems.append(Problem(f"--set {item}", "expected NAME=NUMBER"))
    if problems:
        raise ScenarioError(source, problems)
    return values


def _solve(args: argparse.Namespace) -> int:
    import json

    from . import solve
    from .report import scenario_report, scenario_summary
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario)
    params = _parse_settings(args.set or [], args.scenario)
    formats: list[str | None] = [args.format] if args.format else (list(scenario.formats) or [None])
    summaries = []
    for name in formats:
        game = scenario.game(params, format=name)
        method = args.method
        if method == "auto" and game.n_actors > 2:
            # All pure equilibria say more about an n-actor negotiation than one selected by
            # the logit path; logit only when there is no pure equilibrium.
            method = "pure" if solve(game, "pure").equilibria else "logit"
        result = solve(game, method)
        summaries.append(scenario_summary(scenario, name, params, result))
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


def _plot_bargaining(args: argparse.Namespace) -> int:
    from .plotting.bargaining import bargaining_picture, save_bargaining
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario)
    params = _parse_settings(args.set or [], args.scenario)
    actors = args.actors.split(",") if args.actors else None
    picture = bargaining_picture(scenario, actors, params)
    save_bargaining(picture, args.output, title=scenario.title)
    print(f"wrote {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="negotiation-sim",
        description="Game-theory simulator of international negotiations.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="solve the built-in example games")
    demo.set_defaults(run=_demo)
    validate = commands.add_parser("validate", help="check a scenario file; report every problem")
    validate.add_argument("scenario", help="a scenario TOML file")
    validate.set_defaults(run=_validate)
    solver = commands.add_parser(
        "solve",
        help="solve a scenario and report its equilibria",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    solver.add_argument("scenario", help="a scenario TOML file")
    solver.add_argument("--format", help="a format of the scenario (default: every format)")
    solver.add_argument(
        "--set", action="append", metavar="NAME=VALUE", help="set a parameter (repeatable)"
    )
    solver.add_argument(
        "--method",
        default="auto",
        help="solver method (default: auto; see negotiation_sim.METHODS)",
    )
    solver.add_argument("--json", action="store_true", help="print JSON instead of text")
    solver.set_defaults(run=_solve)
    picture = commands.add_parser(
        "plot-bargaining", help="draw outcomes, Pareto frontier, no deal and bargaining solutions"
    )
    picture.add_argument("scenario", help="a scenario TOML file")
    picture.add_argument("-o", "--output", required=True, help="PNG file to write")
    picture.add_argument("--actors", help="two actor ids, comma-separated (default: the first two)")
    picture.add_argument("--set", action="append", metavar="NAME=VALUE", help="set a parameter")
    picture.set_defaults(run=_plot_bargaining)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (2 for a bad input, with one message)."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except NegotiationSimError as error:
        print(f"negotiation-sim: error: {error}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
