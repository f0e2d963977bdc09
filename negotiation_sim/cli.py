"""The ``negotiation-sim`` command line: parses, calls the API, prints."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .errors import NegotiationSimError

EXAMPLES = """\
examples:
  negotiation-sim demo                 solve the built-in example games with every method
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
