"""Checking a scenario file, step 1: the top level, ``[scenario]`` and ``[parameters]``.

Each step of :mod:`negotiation_sim.scenario.load` records its problems in one
:class:`~negotiation_sim._checking.Problems` collector and returns a named result,
so the later steps can check their references against what was declared.
"""

from __future__ import annotations

import keyword
from datetime import date
from typing import Any, NamedTuple

from .._checking import NAME, Problems, describe, join, show, suggest
from .model import Parameter
from .priors import Prior, parse_prior

#: The version of the format this reader understands.
FORMAT_VERSION = 1
#: The sections of a scenario file.
SECTIONS = ("format_version", "scenario", "actors", "outcomes", "profiles")
OPTIONAL_SECTIONS = ("parameters", "definitions", "issues", "formats", "matrices", "type_prior")
#: The keys of ``[scenario]``.
META_KEYS = ("title", "no_deal")
OPTIONAL_META_KEYS = ("date", "description", "sources", "default_format", "relative_gains")
#: Function names a parameter cannot have (``assurance`` came later: a parameter may have it).
RESERVED = ("min", "max", "clip")


class Meta(NamedTuple):
    """The ``[scenario]`` table: its text fields, and the table for the names it refers to."""

    title: str
    date: str
    description: str
    sources: tuple[str, ...]
    table: dict[str, Any]


class Parameters(NamedTuple):
    """The valid parameters, and every declared name (valid or not: not reported again)."""

    found: dict[str, Parameter]
    names: frozenset[str]


def check_top(data: Any, problems: Problems) -> dict[str, Any] | None:
    """The file's top-level table, with its ``format_version`` checked."""
    top = problems.table(data, "", SECTIONS, OPTIONAL_SECTIONS)
    if top is None:
        return None
    version = top.get("format_version")
    if "format_version" in top and (type(version) is not int or version != FORMAT_VERSION):
        problems.add("format_version", f"expected {FORMAT_VERSION}, got {describe(version)}")
    return top


def check_meta(top: dict[str, Any], problems: Problems) -> Meta:
    """The ``[scenario]`` table's text fields (its names are checked by the steps below)."""
    table = (
        problems.table(top["scenario"], "scenario", META_KEYS, OPTIONAL_META_KEYS)
        if "scenario" in top
        else None
    ) or {}
    title = problems.string(table.get("title"), "scenario.title") if "title" in table else ""
    when = table.get("date", "")
    if isinstance(when, date):
        when = when.isoformat()
    elif not isinstance(when, str):
        problems.add("scenario.date", f"expected a date or a string, got {describe(when)}")
        when = ""
    description = table.get("description", "")
    if not isinstance(description, str):
        problems.add("scenario.description", f"expected a string, got {describe(description)}")
        description = ""
    sources = problems.strings(table["sources"], "scenario.sources") if "sources" in table else ()
    return Meta(title or "", when, description, sources, table)


def check_parameters(value: Any, problems: Problems) -> Parameters:
    """``[parameters.NAME]``: a default in a range, and a description."""
    found: dict[str, Parameter] = {}
    names: set[str] = set()
    for name, spec in (problems.table(value, "parameters", free_keys=True) or {}).items():
        where = join("parameters", name)
        if not usable_name(name, where, "parameter", RESERVED, problems):
            continue
        names.add(name)
        table = problems.table(spec, where, ("default", "range", "description"), ("prior",))
        if table is None:
            continue
        default = (
            problems.number(table["default"], f"{where}.default") if "default" in table else None
        )
        bounds = _check_range(table, where, problems)
        if default is not None and bounds is not None:
            problems.in_range(default, *bounds, f"{where}.default")
        description = table.get("description")
        if "description" in table:
            problems.string(description, f"{where}.description")
        prior = _check_prior(table, where, bounds, problems)
        if default is not None and bounds is not None and isinstance(description, str):
            found[name] = Parameter(name, default, *bounds, description, prior)
    return Parameters(found, frozenset(names))


def usable_name(
    name: str, where: str, what: str, reserved: tuple[str, ...], problems: Problems
) -> bool:
    """Whether expressions can use ``name``: letters, digits and _, not reserved nor a keyword."""
    if NAME.fullmatch(name) and name not in reserved and not keyword.iskeyword(name):
        return True
    problems.add(
        where,
        f"a {what} name is letters, digits and _, and not {', '.join(reserved)} "
        "or a Python keyword",
    )
    return False


def _check_range(
    table: dict[str, Any], where: str, problems: Problems
) -> tuple[float, float] | None:
    """A parameter's ``range = [low, high]`` (``None`` if missing or bad, reported)."""
    if "range" not in table:
        return None
    bounds = table["range"]
    if not isinstance(bounds, list) or len(bounds) != 2:
        problems.add(f"{where}.range", f"expected [low, high], got {describe(bounds)}")
        return None
    low = problems.number(bounds[0], f"{where}.range[0]")
    high = problems.number(bounds[1], f"{where}.range[1]")
    if low is None or high is None:
        return None
    if low > high:
        problems.add(f"{where}.range", f"low {low:g} is above high {high:g}")
        return None
    return low, high


def _check_prior(
    table: dict[str, Any], where: str, bounds: tuple[float, float] | None, problems: Problems
) -> Prior | None:
    """A parameter's optional ``prior`` (``None`` if absent, or bad and reported)."""
    if "prior" not in table or bounds is None:
        return None
    prior = parse_prior(table["prior"], *bounds)
    if isinstance(prior, str):
        problems.add(f"{where}.prior", prior)
        return None
    return prior


# -- names [scenario] refers to -------------------------------------------------------------


def check_no_deal(
    meta: Meta, outcome_names: frozenset[str] | None, problems: Problems
) -> str | None:
    """``no_deal``: an outcome (checked when the outcomes could be read)."""
    if "no_deal" not in meta.table:
        return None  # reported as a missing key
    no_deal = problems.string(meta.table["no_deal"], "scenario.no_deal")
    if no_deal is not None and outcome_names is not None and no_deal not in outcome_names:
        problems.add(
            "scenario.no_deal",
            f"unknown outcome {show(no_deal)}{suggest(no_deal, outcome_names)}",
        )
    return no_deal


def check_default_format(
    meta: Meta, format_names: frozenset[str], problems: Problems
) -> str | None:
    """``default_format``: a key of ``[formats]``, or absent."""
    value = meta.table.get("default_format")
    if value is None:
        return None
    name = problems.string(value, "scenario.default_format")
    if name is not None and name not in format_names:
        problems.add(
            "scenario.default_format",
            f"unknown format {show(name)}{suggest(name, format_names)}",
        )
    return name


def check_relative_gains(meta: Meta, parameters: Parameters, problems: Problems) -> str | None:
    """``relative_gains``: a parameter whose range lies in [0, 1], or absent."""
    value = meta.table.get("relative_gains")
    if value is None:
        return None
    name = problems.string(value, "scenario.relative_gains")
    if name is not None and name not in parameters.names:
        problems.add(
            "scenario.relative_gains",
            f"expected the name of a parameter (rho in [0, 1]), got {show(name)}"
            f"{suggest(name, parameters.names)}",
        )
    elif name in parameters.found and not (
        0 <= parameters.found[name].low <= parameters.found[name].high <= 1
    ):
        problems.add(f"parameters.{name}.range", "a relative-gains parameter must lie in [0, 1]")
    return name
