"""Read a scenario file: TOML -> every problem found, or a frozen :class:`Scenario`.

Validation is hand-written and collects problems instead of stopping at the
first: a user fixes a file in one pass. Each problem names its location as a
path into the file's data (``profiles[3].russia``); a TOML syntax error keeps
tomllib's line and column. The format is documented in
``docs/scenario-format.md``.
"""

from __future__ import annotations

import difflib
import itertools
import keyword
import math
import re
import sys
import tomllib
from collections.abc import Collection, Mapping
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import Problem, ScenarioError
from .expressions import Expression, check_expression
from .model import (
    BEST_REPLY,
    Actor,
    Format,
    Issue,
    Option,
    Outcome,
    Parameter,
    Scenario,
    frozen_mapping,
)

__all__ = ["load_scenario", "parse_scenario"]

FORMAT_VERSION = 1
WILDCARD = "*"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # with fullmatch: "$" would allow a final "\n"
_RESERVED = {"min", "max", "clip"}
#: The keys of a profiles rule besides the actor ids: no actor can have these ids.
_RULE_KEYS = ("outcome", "payoffs")
#: Profiles a scenario may have (the payoff tensor is built in memory).
MAX_PROFILES = 100_000
#: Actors a scenario may have (each is an axis of the payoff arrays; numpy allows 64).
MAX_ACTORS = 32


def load_scenario(path: str | PathLike[str]) -> Scenario:
    """Read and validate a scenario file.

    A path that exists is read as it is; otherwise a shipped scenario's name
    (``alaska_2025``) or repository-relative path (``scenarios/alaska_2025.toml``)
    reads the shipped file (see :func:`negotiation_sim.resources.find_scenario`).

    Raises
    ------
    ScenarioError
        Listing every problem of the file, each with its location.

    Examples
    --------
    >>> scenario = load_scenario("scenarios/arms_race.toml")  # doctest: +SKIP
    >>> load_scenario("alaska_2025").title == load_scenario("scenarios/alaska_2025.toml").title
    True
    """
    from ..resources import find_scenario

    found = find_scenario(path)
    return parse_scenario(read_text(found), source=str(path if found == Path(path) else found))


def read_bytes(path: str | PathLike[str]) -> bytes:
    """A data file's bytes; an unreadable file raises a :class:`ScenarioError` naming it."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ScenarioError(
            str(path), [Problem("", f"cannot read the file: {exc.strerror}")]
        ) from None


def read_text(path: str | PathLike[str]) -> str:
    """A data file's text; unreadable or non-UTF-8 files raise a located :class:`ScenarioError`."""
    source = str(path)
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            source, [Problem(f"line {line}", f"the file is not UTF-8 text (byte {exc.start})")]
        ) from None


def parse_scenario(text: str, *, source: str = "<scenario>") -> Scenario:
    """Validate scenario TOML text (see :func:`load_scenario`)."""
    data = parse_toml(text, source)
    checker = _Checker()
    scenario = checker.scenario(data, source)
    if checker.problems or scenario is None:
        raise ScenarioError(source, checker.problems)
    return scenario


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """TOML text -> data; syntax errors raise a :class:`ScenarioError` with tomllib's line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib (3.11) puts the position in the message: "... (at line 3, column 7)".
        message = str(exc)
        where = re.search(r"\s*\(at (line \d+, column \d+|end of document)\)$", message)
        location = where.group(1) if where else ""
        text_part = message[: where.start()] if where else message
        raise ScenarioError(source, [Problem(location, f"TOML syntax error: {text_part}")]) from exc
    except ValueError as exc:  # tomllib lets int()'s limit through: over 4300 digits
        digits = sys.get_int_max_str_digits()
        long = re.search(rf"[0-9][0-9_]{{{digits},}}", text) if digits else None
        raise ScenarioError(
            source,
            [
                Problem(
                    _line(text, long.start()) if long else "",
                    f"TOML value error: an integer has more than {digits} digits"
                    if long
                    else f"TOML value error: {exc}",
                )
            ],
        ) from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ScenarioError(
            source,
            [
                Problem(
                    _deepest_line(text),
                    "TOML nesting is too deep: arrays or inline tables nested hundreds of levels",
                )
            ],
        ) from None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"  # str() refuses > 4300 digits
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {_shorten(value)!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


_Payoffs = dict[str, Expression | None]  # None: given, but with problems (already reported)
_Outcomes = dict[str, tuple[str, dict[str, str], _Payoffs]]


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Names the file declares, including those whose definitions have problems: a
        # reference to one is not reported again as unknown. ``actor_ids`` is None when
        # there is no usable actor list (then references to actors are not checked).
        self.actor_ids: list[str] | None = None
        self.actors_complete = False
        self.parameter_names: set[str] = set()
        self.issue_names: set[str] = set()
        self.outcome_names: set[str] = set()
        self.format_names: set[str] = set()

    def fail(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    # -- generic checks -------------------------------------------------------------------
    def table(
        self,
        value: Any,
        location: str,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        *,
        free_keys: bool = False,
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(location, f"expected a table, got {_kind(value)}")
            return None
        for key in required:
            if key not in value:
                self.fail(_join(location, key), "required key is missing")
        if not free_keys:
            known = (*required, *optional)
            for key in value:
                if key not in known:
                    close = difflib.get_close_matches(key, known, n=1)
                    hint = (
                        f" (did you mean {close[0]!r}?)"
                        if close
                        else f" (expected one of {', '.join(known)})"
                    )
                    self.fail(_join(location, key), f"unknown key{hint}")
        return value

    def string(self, value: Any, location: str, *, name: bool = False) -> str | None:
        if not isinstance(value, str) or (not value.strip()):
            self.fail(location, f"expected a non-empty string, got {_kind(value)}")
            return None
        if name and not _NAME.fullmatch(value):
            self.fail(location, f"expected a name of letters, digits and _, got {_show(value)}")
            return None
        return value

    def number(self, value: Any, location: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(location, f"expected a number, got {_kind(value)}")
            return None
        try:
            number = float(value)
        except OverflowError:
            self.fail(
                location,
                f"expected a finite number, got {_kind(value)}: too large for a 64-bit float",
            )
            return None
        if not math.isfinite(number):
            self.fail(location, f"expected a finite number, got {value}")
            return None
        return number

    def strings(self, value: Any, location: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(location, f"expected a list of strings, got {_kind(value)}")
            return ()
        return tuple(s for k, v in enumerate(value) if (s := self.string(v, f"{location}[{k}]")))

    # -- sections -------------------------------------------------------------------------
    def scenario(self, data: dict[str, Any], source: str) -> Scenario | None:
        top = self.table(
            data,
            "",
            ("format_version", "scenario", "actors", "outcomes", "profiles"),
            ("parameters", "issues", "formats", "matrices"),
        )
        if top is None:
            return None
        version = top.get("format_version")
        if "format_version" in top and (type(version) is not int or version != FORMAT_VERSION):
            self.fail("format_version", f"expected {FORMAT_VERSION}, got {_kind(version)}")
        meta = (
            self.table(
                top["scenario"],
                "scenario",
                ("title", "no_deal"),
                ("date", "description", "sources", "default_format", "relative_gains"),
            )
            if "scenario" in top
            else None
        ) or {}
        title = self.string(meta.get("title"), "scenario.title") if "title" in meta else ""
        when = meta.get("date", "")
        if isinstance(when, date):
            when = when.isoformat()
        elif not isinstance(when, str):
            self.fail("scenario.date", f"expected a date or a string, got {_kind(when)}")
            when = ""
        description = meta.get("description", "")
        if not isinstance(description, str):
            self.fail("scenario.description", f"expected a string, got {_kind(description)}")
            description = ""
        sources = self.strings(meta["sources"], "scenario.sources") if "sources" in meta else ()

        parameters = self.parameters(top.get("parameters", {}))
        actors = self.actors(top.get("actors"))
        issues = self.issues(top.get("issues", {}))
        outcomes = self.outcomes(top.get("outcomes"), issues)
        no_deal = meta.get("no_deal")
        if (
            "no_deal" in meta
            and self.string(no_deal, "scenario.no_deal")
            and outcomes is not None
            and no_deal not in self.outcome_names
        ):
            self.fail(
                "scenario.no_deal",
                f"unknown outcome {_show(no_deal)}{_hint(str(no_deal), self.outcome_names)}",
            )
        formats = self.formats(top.get("formats", {}), actors)
        default_format = meta.get("default_format")
        if default_format is not None and (
            self.string(default_format, "scenario.default_format")
            and default_format not in self.format_names
        ):
            self.fail(
                "scenario.default_format",
                f"unknown format {_show(default_format)}{_hint(default_format, self.format_names)}",
            )
        relative = meta.get("relative_gains")
        if relative is not None and (
            self.string(relative, "scenario.relative_gains")
            and relative not in self.parameter_names
        ):
            self.fail(
                "scenario.relative_gains",
                f"expected the name of a parameter (rho in [0, 1]), got {_show(relative)}"
                f"{_hint(relative, self.parameter_names)}",
            )
        elif (
            isinstance(relative, str)
            and relative in parameters
            and not (0 <= parameters[relative].low <= parameters[relative].high <= 1)
        ):
            self.fail(
                f"parameters.{relative}.range", "a relative-gains parameter must lie in [0, 1]"
            )
        built = None
        if self.actor_ids is not None and outcomes is not None and "profiles" in top:
            matrices = self.matrices(top.get("matrices", {}), actors)
            built = self.profiles(top["profiles"], actors, outcomes, matrices)
        if self.problems or built is None or not isinstance(no_deal, str) or outcomes is None:
            return None
        profile_outcomes, expressions, index, locations = built
        outcome_map = {
            oid: Outcome(oid, label, frozen_mapping(terms), oid != no_deal, frozen_mapping(payoffs))
            for oid, (label, terms, payoffs) in outcomes.items()
        }
        return Scenario(
            source=source,
            title=title or "",
            date=when,
            description=description,
            sources=sources,
            no_deal=no_deal,
            default_format=default_format,
            relative_gains=relative if isinstance(relative, str) else None,
            parameters=frozen_mapping(parameters),
            actors=tuple(actors),
            issues=frozen_mapping(issues),
            outcomes=frozen_mapping(outcome_map),
            formats=frozen_mapping(formats),
            profile_outcomes=profile_outcomes,
            expressions=expressions,
            expression_index=index,
            expression_locations=locations,
        )

    def parameters(self, value: Any) -> dict[str, Parameter]:
        found: dict[str, Parameter] = {}
        section = self.table(value, "parameters", free_keys=True)
        for name, spec in (section or {}).items():
            where = f"parameters.{name}"
            if not _NAME.fullmatch(name) or name in _RESERVED or keyword.iskeyword(name):
                self.fail(
                    where,
                    "a parameter name is letters, digits and _, and not min, max, clip "
                    "or a Python keyword",
                )
                continue
            self.parameter_names.add(name)
            table = self.table(spec, where, ("default", "range", "description"))
            if table is None:
                continue
            default = (
                self.number(table.get("default"), f"{where}.default")
                if "default" in table
                else None
            )
            bounds = table.get("range")
            low = high = None
            if "range" in table:
                if not isinstance(bounds, list) or len(bounds) != 2:
                    self.fail(f"{where}.range", f"expected [low, high], got {_kind(bounds)}")
                else:
                    low = self.number(bounds[0], f"{where}.range[0]")
                    high = self.number(bounds[1], f"{where}.range[1]")
                    if low is not None and high is not None and low > high:
                        self.fail(f"{where}.range", f"low {low:g} is above high {high:g}")
            if (
                default is not None
                and low is not None
                and high is not None
                and not low <= default <= high
            ):
                self.fail(
                    f"{where}.default",
                    f"value {default:g} is outside its range [{low:g}, {high:g}]",
                )
            description = table.get("description")
            if "description" in table:
                self.string(description, f"{where}.description")
            if None not in (default, low, high) and isinstance(description, str):
                found[name] = Parameter(name, float(default), float(low), float(high), description)  # type: ignore[arg-type]
        return found

    def actors(self, value: Any) -> list[Actor]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(
                "actors", f"expected a list of actors ([[actors]] tables), got {_kind(value)}"
            )
            return []
        start = len(self.problems)
        if len(value) < 2:
            self.fail("actors", f"expected at least two actors, got {len(value)}")
        if len(value) > MAX_ACTORS:
            self.fail("actors", f"at most {MAX_ACTORS} actors are supported, got {len(value)}")
        actors: list[Actor] = []
        seen: list[str] = []
        for k, item in enumerate(value):
            where = f"actors[{k}]"
            table = self.table(item, where, ("id", "name", "options"))
            if table is None:
                continue
            actor_id = (
                self.string(table.get("id"), f"{where}.id", name=True) if "id" in table else None
            )
            name = self.string(table.get("name"), f"{where}.name") if "name" in table else None
            usable = actor_id not in seen and actor_id not in _RULE_KEYS
            if actor_id in seen:
                self.fail(f"{where}.id", f"duplicate actor id {actor_id!r}")
            elif actor_id in _RULE_KEYS:
                self.fail(
                    f"{where}.id", f"{actor_id!r} is reserved: profiles rules use it as a key"
                )
            if actor_id and actor_id not in seen:
                seen.append(actor_id)
            options = (
                self.options(table.get("options"), f"{where}.options") if "options" in table else ()
            )
            if actor_id and name and options and usable:
                actors.append(Actor(actor_id, name, options))
        if value:
            self.actor_ids = seen
        self.actors_complete = len(self.problems) == start and len(actors) == len(value)
        return actors

    def options(self, value: Any, where: str) -> tuple[Option, ...]:
        if not isinstance(value, list) or not value:
            self.fail(
                where, f"expected a non-empty list of {{ id, description }}, got {_kind(value)}"
            )
            return ()
        options: list[Option] = []
        seen: set[str] = set()
        for k, item in enumerate(value):
            table = self.table(item, f"{where}[{k}]", ("id", "description"))
            if table is None:
                continue
            option_id = (
                self.string(table.get("id"), f"{where}[{k}].id", name=True)
                if "id" in table
                else None
            )
            description = (
                self.string(table.get("description"), f"{where}[{k}].description")
                if "description" in table
                else None
            )
            if option_id in seen:
                self.fail(f"{where}[{k}].id", f"duplicate option id {option_id!r}")
                continue
            if option_id and description:
                seen.add(option_id)
                options.append(Option(option_id, description))
        return tuple(options) if len(options) == len(value) else ()

    def issues(self, value: Any) -> dict[str, Issue]:
        found: dict[str, Issue] = {}
        for name, spec in (self.table(value, "issues", free_keys=True) or {}).items():
            self.issue_names.add(name)
            where = f"issues.{name}"
            table = self.table(spec, where, ("description", "values"))
            if table is None:
                continue
            description = (
                self.string(table.get("description"), f"{where}.description")
                if "description" in table
                else None
            )
            values = (
                self.table(table["values"], f"{where}.values", free_keys=True)
                if "values" in table
                else None
            )
            clean = {
                k: v for k, v in (values or {}).items() if self.string(v, f"{where}.values.{k}")
            }
            if values == {}:
                self.fail(f"{where}.values", "expected at least one value")
            if description:
                found[name] = Issue(name, description, frozen_mapping(clean))
        return found

    def outcomes(self, value: Any, issues: dict[str, Issue]) -> _Outcomes | None:
        if value is None:
            return None  # reported as a missing key
        section = self.table(value, "outcomes", free_keys=True)
        if section is None:
            return None
        if not section:
            self.fail("outcomes", "expected at least one outcome")
        self.outcome_names.update(section)
        found: _Outcomes = {}
        for name, spec in section.items():
            where = f"outcomes.{name}"
            table = self.table(spec, where, ("label",), ("terms", "payoffs"))
            if table is None:
                continue
            label = self.string(table.get("label"), f"{where}.label") if "label" in table else None
            terms: dict[str, str] = {}
            for issue, term in (
                self.table(table.get("terms", {}), f"{where}.terms", free_keys=True) or {}
            ).items():
                if issue not in self.issue_names:
                    self.fail(
                        f"{where}.terms.{issue}", f"unknown issue{_hint(issue, self.issue_names)}"
                    )
                elif issue not in issues:
                    continue  # the issue's own problems are reported
                elif not isinstance(term, str) or term not in issues[issue].values:
                    self.fail(
                        f"{where}.terms.{issue}",
                        f"unknown term {_show(term)} "
                        f"(expected one of {', '.join(issues[issue].values)})",
                    )
                else:
                    terms[issue] = term
            payoffs = self.payoffs(table.get("payoffs", {}), f"{where}.payoffs")
            found[name] = (label or "", terms, payoffs)
        return found

    def payoffs(self, value: Any, where: str) -> _Payoffs:
        ids = self.actor_ids
        table = self.table(value, where, free_keys=True)
        if table is None:  # counts as given (with problems) for every actor
            return dict.fromkeys(ids or ())
        found: _Payoffs = {}
        for actor, text in table.items():
            if ids is not None and actor not in ids:
                self.fail(f"{where}.{actor}", f"unknown actor{_hint(actor, ids)}")
                continue
            expression, problems = check_expression(
                text, parameters=self.parameter_names, location=f"{where}.{actor}"
            )
            self.problems.extend(problems)
            found[actor] = expression
        return found

    def formats(self, value: Any, actors: list[Actor]) -> dict[str, Format]:
        found: dict[str, Format] = {}
        by_id = {a.id: a for a in actors}
        ids = self.actor_ids
        for name, spec in (self.table(value, "formats", free_keys=True) or {}).items():
            self.format_names.add(name)
            where = f"formats.{name}"
            table = self.table(spec, where, ("choosers",), ("description", "others"))
            if table is None:
                continue
            choosers = self.strings(table.get("choosers", []), f"{where}.choosers")
            ok = len(choosers) >= 2
            if not ok:
                self.fail(f"{where}.choosers", f"expected at least two actors, got {len(choosers)}")
            for k, actor in enumerate(choosers):
                if ids is not None and actor not in ids:
                    self.fail(
                        f"{where}.choosers[{k}]", f"unknown actor {_show(actor)}{_hint(actor, ids)}"
                    )
                    ok = False
            if len(set(choosers)) != len(choosers):
                self.fail(f"{where}.choosers", "an actor is listed twice")
                ok = False
            others: list[tuple[str, str]] = []
            for actor, what in (
                self.table(table.get("others", {}), f"{where}.others", free_keys=True) or {}
            ).items():
                if ids is not None and actor not in ids:
                    self.fail(f"{where}.others.{actor}", f"unknown actor{_hint(actor, ids)}")
                    ok = False
                elif actor in choosers:
                    self.fail(f"{where}.others.{actor}", "this actor is already a chooser")
                    ok = False
                elif not isinstance(what, str) or (
                    actor in by_id and what != BEST_REPLY and what not in by_id[actor].option_ids
                ):
                    listed = f" ({', '.join(by_id[actor].option_ids)})" if actor in by_id else ""
                    self.fail(
                        f"{where}.others.{actor}",
                        f"expected {BEST_REPLY!r} or one of {actor}'s options{listed}, "
                        f"got {_kind(what)}",
                    )
                    ok = False
                else:
                    others.append((actor, what))
            missing = [a for a in ids or () if a not in choosers and a not in dict(others)]
            if ok and missing:
                self.fail(
                    f"{where}.others",
                    f"say what {', '.join(missing)} do(es): an option or {BEST_REPLY!r}",
                )
                ok = False
            description = table.get("description", "")
            if not isinstance(description, str):
                self.fail(f"{where}.description", f"expected a string, got {_kind(description)}")
            if ok:
                found[name] = Format(name, str(description), tuple(choosers), tuple(others))
        return found

    def matrices(self, value: Any, actors: list[Actor]) -> dict[str, list[list[Expression | None]]]:
        """Per-actor payoff matrices of a two-actor scenario (rows: first actor's options)."""
        table = self.table(value, "matrices", free_keys=True)
        if not table:
            return {}
        if len(actors) != 2 or not self.actors_complete:
            if len(actors) != 2:
                self.fail(
                    "matrices",
                    f"payoff matrices are for two actors, this scenario has {len(actors)}",
                )
            return {}
        rows, columns = (len(a.options) for a in actors)
        ids = [a.id for a in actors]
        found: dict[str, list[list[Expression | None]]] = {}
        for actor, matrix in table.items():
            where = f"matrices.{actor}"
            if actor not in ids:
                self.fail(where, f"unknown actor{_hint(actor, ids)}")
                continue
            shape_ok = (
                isinstance(matrix, list)
                and len(matrix) == rows
                and all(isinstance(row, list) and len(row) == columns for row in matrix)
            )
            if not shape_ok:
                self.fail(
                    where,
                    f"expected {rows} rows ({ids[0]}'s options) of {columns} entries "
                    f"({ids[1]}'s options), got {_kind(matrix)}",
                )
                continue
            entries: list[list[Expression | None]] = []
            for r, row in enumerate(matrix):
                entries.append([])
                for c, text in enumerate(row):
                    expression, problems = check_expression(
                        text, parameters=self.parameter_names, location=f"{where}[{r}][{c}]"
                    )
                    self.problems.extend(problems)
                    entries[-1].append(expression)
            found[actor] = entries
        return found

    def profiles(
        self,
        value: Any,
        actors: list[Actor],
        outcomes: _Outcomes,
        matrices: dict[str, list[list[Expression | None]]] | None = None,
    ) -> tuple[Any, ...] | None:
        if not isinstance(value, list) or not value:
            self.fail("profiles", f"expected a list of [[profiles]] rules, got {_kind(value)}")
            return None
        shape = tuple(len(a.options) for a in actors)
        if self.actors_complete and math.prod(shape) > MAX_PROFILES:
            self.fail(
                "actors",
                f"{math.prod(shape):,} profiles: at most {MAX_PROFILES:,} are supported",
            )
            return None
        ids = [a.id for a in actors]
        # Actors whose definitions have problems: their keys are accepted, not checked.
        broken = tuple(a for a in self.actor_ids or () if a not in ids)
        start = len(self.problems)
        rules: list[tuple[list[list[int]], str, _Payoffs, str]] = []
        for k, item in enumerate(value):
            where = f"profiles[{k}]"
            table = self.table(item, where, (*ids, "outcome"), ("payoffs", *broken))
            if table is None:
                continue
            matches: list[list[int]] = []
            ok = True
            for actor in actors:
                choice = table.get(actor.id)
                if actor.id not in table:
                    ok = False
                elif choice == WILDCARD:
                    matches.append(list(range(len(actor.options))))
                elif isinstance(choice, str) and choice in actor.option_ids:
                    matches.append([actor.option_ids.index(choice)])
                else:
                    hint = _hint(choice, actor.option_ids) if isinstance(choice, str) else ""
                    self.fail(
                        f"{where}.{actor.id}",
                        f"unknown option {_show(choice)}{hint} "
                        f"(expected one of {', '.join(actor.option_ids)} or '*')",
                    )
                    ok = False
            outcome = table.get("outcome")
            if "outcome" not in table:
                ok = False
            elif not isinstance(outcome, str):
                self.fail(
                    f"{where}.outcome", f"expected the name of an outcome, got {_kind(outcome)}"
                )
                ok = False
            elif outcome not in self.outcome_names:
                self.fail(
                    f"{where}.outcome",
                    f"unknown outcome {_show(outcome)}{_hint(outcome, self.outcome_names)}",
                )
                ok = False
            elif outcome not in outcomes:
                ok = False  # the outcome's own problems are reported
            overrides = self.payoffs(table.get("payoffs", {}), f"{where}.payoffs")
            if ok:
                rules.append((matches, str(outcome), overrides, where))
        if not self.actors_complete or len(self.problems) > start:
            return None  # matching would only add consequences of these problems
        outcome_ids = list(outcomes)
        profile_outcomes = np.full(shape, -1, dtype=np.intp)
        expressions: list[dict[str, int]] = [{} for _ in actors]
        expression_list: list[list[Expression]] = [[] for _ in actors]
        locations: list[list[str]] = [[] for _ in actors]
        index = [np.full(shape, -1, dtype=np.intp) for _ in actors]
        unpaid: set[tuple[str, str]] = set()  # (rule, actor) reported without a payoff
        for matches, outcome, overrides, where in rules:
            for profile in itertools.product(*matches):
                if profile_outcomes[profile] >= 0:
                    continue  # an earlier rule decided it
                profile_outcomes[profile] = outcome_ids.index(outcome)
                defaults = outcomes[outcome][2]
                for i, actor in enumerate(actors):
                    if matrices and actor.id in matrices:
                        r, c = profile
                        expression = matrices[actor.id][r][c]
                        location = f"matrices.{actor.id}[{r}][{c}]"
                    elif actor.id in overrides:
                        expression, location = overrides[actor.id], f"{where}.payoffs.{actor.id}"
                    elif actor.id in defaults:
                        expression, location = (
                            defaults[actor.id],
                            f"outcomes.{outcome}.payoffs.{actor.id}",
                        )
                    else:
                        if (where, actor.id) not in unpaid:  # once per rule, not per profile
                            unpaid.add((where, actor.id))
                            self.fail(
                                where,
                                f"no payoff for {actor.id} at profile "
                                f"({', '.join(a.option_ids[s] for a, s in zip(actors, profile, strict=True))}): "
                                f"give one in outcomes.{outcome}.payoffs or in this rule's payoffs",
                            )
                        continue
                    if expression is None:
                        continue  # its problems are reported
                    key = location
                    if key not in expressions[i]:
                        expressions[i][key] = len(expression_list[i])
                        expression_list[i].append(expression)
                        locations[i].append(location)
                    index[i][profile] = expressions[i][key]
        missing = np.argwhere(profile_outcomes < 0)
        if len(missing):
            named = [
                "(" + ", ".join(a.option_ids[s] for a, s in zip(actors, row, strict=True)) + ")"
                for row in missing[:5]
            ]
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            self.fail(
                "profiles",
                f"no rule matches profile(s) {', '.join(named)}{more}; add a rule or a catch-all with '*'",
            )
        if self.problems:
            return None
        return (
            profile_outcomes,
            tuple(tuple(e) for e in expression_list),
            tuple(index),
            tuple(tuple(loc) for loc in locations),
        )


def _show(value: Any) -> str:
    """A value for a message: a string quoted (and cut), anything else by its kind."""
    return repr(_shorten(value)) if isinstance(value, str) else _kind(value)


def _line(text: str, index: int) -> str:
    return f"line {text.count(chr(10), 0, index) + 1}"


def _deepest_line(text: str) -> str:
    """The line where brackets and braces nest deepest (a hint: strings are not skipped)."""
    depth = deepest = 0
    line = where = 1
    for char in text:
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, line
        elif char in "]}":
            depth -= 1
        elif char == "\n":
            line += 1
    return f"line {where}"


def _join(location: str, key: str) -> str:
    return f"{location}.{key}" if location else key


def _hint(name: str, known: Mapping[str, Any] | Collection[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
