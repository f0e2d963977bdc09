"""docs/api.md lists the whole public API, generated from the code, so it cannot drift.

The page is generated from each public module's ``__all__``: every name with its signature and
the first line of its docstring. When the API changes, regenerate it with
``python tests/test_api_docs.py`` and review the diff.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "api.md"

MODULES = (
    ("negotiation_sim", "Games, solvers, scenarios: the top level"),
    (
        "negotiation_sim.analysis",
        "Analysis: zero-sum vs positive-sum, bargaining, formats, enforcement",
    ),
    ("negotiation_sim.scenario", "Scenario files"),
    ("negotiation_sim.bayesian", "Bayesian games: types, priors, Bayes-Nash equilibria"),
    ("negotiation_sim.signalling", "Signalling games: perfect Bayesian equilibria"),
    ("negotiation_sim.dynamics", "Dynamics: ceasefires over time, Bayesian trust, timetables"),
    ("negotiation_sim.sweep", "Sweeps: experiment files, runs and landscapes"),
    ("negotiation_sim.sensitivity", "Uncertainty: intervals, Sobol' indices, scenario discovery"),
    ("negotiation_sim.plotting", "Pictures"),
    ("negotiation_sim.interop", "Interoperability: Gambit files"),
    ("negotiation_sim.resources", "Shipped scenarios and experiments"),
)

HEADER = """# API reference

The public API of negotiation_sim: every name exported by a public module (its `__all__`),
with its signature and the first line of its documentation. Each name's full docstring, in
numpydoc style with examples, is available with `help(name)` in Python. This page is generated
from the code by `python tests/test_api_docs.py`, and the tests check that it is up to date.

The conventions throughout:

- Solvers are free functions over an immutable `Game`.
- Every solver returns a `SolverResult` of frozen dataclasses; sequences are tuples.
- Every returned equilibrium is verified: its regret is at most `tol`, `DEFAULT_TOL = 1e-9`
  unless you pass another.
- Bad input raises an error from `negotiation_sim.errors`: `GameError`,
  `UnsupportedGameError`, or `ScenarioError`, which carries the located problems of a file.
"""


def _first_line(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _signature(obj: object) -> str:
    if not callable(obj):
        return ""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return ""
    full = str(signature).replace("'", "")
    if len(full) <= 100:
        return full
    # Too long for a table: the parameters by name (help() shows the types and defaults).
    shown, star = [], False
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            shown.append(f"*{parameter.name}")
            star = True
        elif parameter.kind is parameter.VAR_KEYWORD:
            shown.append(f"**{parameter.name}")
        else:
            if parameter.kind is parameter.KEYWORD_ONLY and not star:
                shown.append("*")
                star = True
            shown.append(parameter.name)
    return f"({', '.join(shown)})"


def render() -> str:
    parts = [HEADER]
    for module_name, title in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        names = list(getattr(module, "__all__", ()))
        if not names:
            continue
        parts.append(f"\n## {title}: `{module_name}`\n\n| name | what it is |\n|---|---|")
        for name in names:
            obj = getattr(module, name)
            if inspect.isclass(obj):
                kind = "class"
                shown = f"`{name}`"
            elif callable(obj):
                kind = "function"
                shown = f"`{name}{_signature(obj)}`"
            else:
                kind = "constant"
                shown = f"`{name}`"
            if kind == "constant":
                shown = f"`{name} = {obj!r}`" if isinstance(obj, (int, float, str)) else shown
                line = {"METHODS": "solver method names and where each solver lives"}.get(
                    name, type(obj).__name__
                )
            else:
                line = _first_line(obj)
            cells = [shown.replace("|", "\\|"), f"{kind}: {line}".replace("|", "\\|")]
            parts.append(f"| {cells[0]} | {cells[1]} |")
    return "\n".join(parts) + "\n"


def test_api_page_is_up_to_date():
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "docs/api.md is out of date: run `python tests/test_api_docs.py` and review the diff"
    )


def test_every_public_name_has_a_docstring():
    missing = []
    for module_name, _ in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (inspect.isclass(obj) or callable(obj)) and not _first_line(obj):
                missing.append(f"{module_name}.{name}")
    assert not missing, missing


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}", file=sys.stderr)
