"""Scenario files: loading TOML into validated scenarios and building games from them."""

from .expressions import Expression, check_expression, parse_expression
from .load import load_scenario, parse_scenario
from .model import Actor, Format, Issue, Option, Outcome, Parameter, Scenario
from .priors import Prior, parse_prior

__all__ = [
    "Actor",
    "Expression",
    "Format",
    "Issue",
    "Option",
    "Outcome",
    "Parameter",
    "Prior",
    "Scenario",
    "check_expression",
    "load_scenario",
    "parse_expression",
    "parse_prior",
    "parse_scenario",
]
