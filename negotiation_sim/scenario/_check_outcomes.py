"""Checking a scenario file, step 4: ``[issues]`` and ``[outcomes]`` with their default payoffs."""

from __future__ import annotations

from typing import Any, NamedTuple

from .._checking import Problems, join, show, suggest
from ._check_expressions import Payoffs, Scope, check_payoffs
from .model import Issue, frozen_mapping


class Issues(NamedTuple):
    """The valid issues, and every declared name."""

    found: dict[str, Issue]
    names: frozenset[str]


class OutcomeDraft(NamedTuple):
    """An outcome as written: its label, terms and default payoffs (an outcome once checked)."""

    label: str
    terms: dict[str, str]
    payoffs: Payoffs


class Outcomes(NamedTuple):
    """The outcomes whose tables could be read, and every declared name."""

    found: dict[str, OutcomeDraft]
    names: frozenset[str]


def check_issues(value: Any, problems: Problems) -> Issues:
    """``[issues.NAME]``: a description and the possible terms."""
    found: dict[str, Issue] = {}
    names: set[str] = set()
    for name, spec in (problems.table(value, "issues", free_keys=True) or {}).items():
        names.add(name)
        where = join("issues", name)
        table = problems.table(spec, where, ("description", "values"))
        if table is None:
            continue
        description = (
            problems.string(table["description"], f"{where}.description")
            if "description" in table
            else None
        )
        values = (
            problems.table(table["values"], f"{where}.values", free_keys=True)
            if "values" in table
            else None
        )
        clean = {
            k: v for k, v in (values or {}).items() if problems.string(v, f"{where}.values.{k}")
        }
        if values == {}:
            problems.add(f"{where}.values", "expected at least one value")
        if description:
            found[name] = Issue(name, description, frozen_mapping(clean))
    return Issues(found, frozenset(names))


def check_outcomes(
    value: Any,
    issues: Issues,
    actor_ids: tuple[str, ...] | None,
    scope: Scope,
    problems: Problems,
) -> Outcomes | None:
    """``[outcomes.NAME]``: a label, terms on the issues, default payoffs."""
    if value is None:
        return None  # reported as a missing key
    section = problems.table(value, "outcomes", free_keys=True)
    if section is None:
        return None
    if not section:
        problems.add("outcomes", "expected at least one outcome")
    found: dict[str, OutcomeDraft] = {}
    for name, spec in section.items():
        where = join("outcomes", name)
        table = problems.table(spec, where, ("label",), ("terms", "payoffs"))
        if table is None:
            continue
        label = problems.string(table["label"], f"{where}.label") if "label" in table else None
        terms = _check_terms(table.get("terms", {}), f"{where}.terms", issues, problems)
        payoffs = check_payoffs(
            table.get("payoffs", {}), f"{where}.payoffs", actor_ids, scope, problems
        )
        found[name] = OutcomeDraft(label or "", terms, payoffs)
    return Outcomes(found, frozenset(section))


def _check_terms(value: Any, where: str, issues: Issues, problems: Problems) -> dict[str, str]:
    """An outcome's ``terms``: ``issue = term``, each a value of its issue."""
    terms: dict[str, str] = {}
    for issue, term in (problems.table(value, where, free_keys=True) or {}).items():
        at = join(where, issue)
        if issue not in issues.names:
            problems.add(at, f"unknown issue{suggest(issue, issues.names)}")
        elif issue not in issues.found:
            continue  # the issue's own problems are reported
        elif not isinstance(term, str) or term not in issues.found[issue].values:
            problems.add(
                at,
                f"unknown term {show(term)} "
                f"(expected one of {', '.join(issues.found[issue].values)})",
            )
        else:
            terms[issue] = term
    return terms
