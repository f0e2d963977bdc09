"""The scenarios and experiments shipped with negotiation_sim, found by name.

The repository keeps them at its top level, in ``scenarios/*.toml`` and
``experiments/*.toml``; the wheel carries copies as package data in
``negotiation_sim/_data/scenarios`` and ``negotiation_sim/_data/experiments``
(siblings, as in the repository: an experiment names its scenario as
``../scenarios/alaska_2025_reduced.toml``). The installed copies are found with
:func:`importlib.resources.files`; running from a source checkout (or an
editable install), the checkout's own directories are used.

Lookup rules of :func:`find_scenario` and :func:`find_experiment`:

1. a path that exists is used as it is;
2. otherwise a bare name (``alaska_2025_reduced`` or ``alaska_2025_reduced.toml``) or a
   relative path in a directory named like the shipped one
   (``scenarios/alaska_2025_reduced.toml``, ``../scenarios/alaska_2025_reduced.toml``,
   ``experiments/trust_verification.toml``) is the shipped file of that name;
3. otherwise the error is the one of an unreadable file, listing the shipped
   names: ``cannot read the file: No such file or directory (shipped
   scenarios: alaska_2025_reduced, ...)``.

So ``negotiation-sim solve alaska_2025_reduced`` and ``negotiation-sim solve
scenarios/alaska_2025_reduced.toml`` work from any directory once the package is
installed.
"""

from __future__ import annotations

import errno
import os
from importlib.resources import files
from os import PathLike
from pathlib import Path
from typing import Literal

from .errors import Problem, ScenarioError

__all__ = [
    "find_experiment",
    "find_scenario",
    "shipped_dir",
    "shipped_experiments",
    "shipped_scenarios",
]

Kind = Literal["scenarios", "experiments"]

_CHECKOUT = Path(__file__).resolve().parent.parent


def shipped_dir(kind: Kind) -> Path | None:
    """The directory of the shipped ``"scenarios"`` or ``"experiments"``.

    The installed package's data directory when there is one, else the source
    checkout's top-level directory; ``None`` when neither is on the file
    system (a zipped install).

    Examples
    --------
    >>> shipped_dir("scenarios").name
    'scenarios'
    >>> shipped_dir("experiments").parent == shipped_dir("scenarios").parent
    True
    """
    packaged = files("negotiation_sim").joinpath("_data").joinpath(kind)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    checkout = _CHECKOUT / kind
    if checkout.is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return checkout
    return None


def _shipped(kind: Kind) -> dict[str, Path]:
    directory = shipped_dir(kind)
    if directory is None:
        return {}
    return {path.stem: path for path in sorted(directory.glob("*.toml")) if path.is_file()}


def shipped_scenarios() -> dict[str, Path]:
    """Every shipped scenario file: name (the file's stem) -> path, sorted by name.

    Examples
    --------
    >>> scenarios = shipped_scenarios()
    >>> "alaska_2025_reduced" in scenarios, scenarios["alaska_2025_reduced"].name
    (True, 'alaska_2025_reduced.toml')
    """
    return _shipped("scenarios")


def shipped_experiments() -> dict[str, Path]:
    """Every shipped experiment file: name (the file's stem) -> path, sorted by name.

    Examples
    --------
    >>> experiments = shipped_experiments()
    >>> experiments["trust_verification"].name
    'trust_verification.toml'
    """
    return _shipped("experiments")


def find_scenario(
    name_or_path: str | PathLike[str], *, relative_to: str | PathLike[str] | None = None
) -> Path:
    """The scenario file meant by a path or a shipped scenario's name.

    Parameters
    ----------
    name_or_path
        A path to a scenario file, a shipped scenario's name (``alaska_2025_reduced``,
        ``alaska_2025_reduced.toml``) or a relative path in a ``scenarios`` directory
        (``scenarios/alaska_2025_reduced.toml``).
    relative_to
        The directory a relative path is relative to (default: the current
        directory); an experiment's scenario is relative to the experiment.
        The joined path is normalised (``experiments/../scenarios/x.toml``
        reads as ``scenarios/x.toml``).

    Returns
    -------
    pathlib.Path
        The path as given (joined to ``relative_to``) when it exists, else the
        shipped file.

    Raises
    ------
    ScenarioError
        ``cannot read the file: No such file or directory``, with the shipped
        names when the argument could have been one.

    Examples
    --------
    >>> find_scenario("alaska_2025_reduced") == shipped_scenarios()["alaska_2025_reduced"]
    True
    >>> elsewhere = "elsewhere/scenarios/alaska_2025_reduced.toml"
    >>> find_scenario("alaska_2025_reduced.toml") == find_scenario(elsewhere)
    True
    >>> find_scenario("no_such_scenario")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: no_such_scenario: cannot read the file: No such file or directory (shipped scenarios: alaska_2025, ...)
    """
    return _find(name_or_path, "scenarios", relative_to)


def find_experiment(
    name_or_path: str | PathLike[str], *, relative_to: str | PathLike[str] | None = None
) -> Path:
    """The experiment file meant by a path or a shipped experiment's name.

    The rules are those of :func:`find_scenario`, with the shipped experiments
    and a relative path in an ``experiments`` directory.

    Examples
    --------
    >>> find_experiment("trust_verification").name
    'trust_verification.toml'
    >>> str(find_experiment("experiments/trust_verification.toml"))  # exists here: as it is
    'experiments/trust_verification.toml'
    >>> find_experiment("/no/such/dir/trust_verification.toml")
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: /no/such/dir/trust_verification.toml: cannot read the file: No such file or directory
    """
    return _find(name_or_path, "experiments", relative_to)


def _find(given: str | PathLike[str], kind: Kind, relative_to: str | PathLike[str] | None) -> Path:
    path = Path(given)
    if relative_to is not None and not path.is_absolute():
        path = Path(os.path.normpath(Path(relative_to) / path))  # experiments/../scenarios/x
    try:
        if path.exists():
            return path
    except (OSError, ValueError):  # a name too long, a NUL byte: the reader reports it
        return path
    name = _shipped_name(Path(given), kind)
    shipped = _shipped(kind) if name is not None else {}
    if name is not None and name in shipped:
        return shipped[name]
    message = f"cannot read the file: {os.strerror(errno.ENOENT)}"
    if shipped:
        message += f" (shipped {kind}: {', '.join(shipped)})"
    source = str(path) if relative_to is not None else str(given)
    raise ScenarioError(source, [Problem("", message)])


def _shipped_name(path: Path, kind: Kind) -> str | None:
    """The shipped name a missing relative path may stand for, or None."""
    if path.is_absolute() or (path.parent != Path() and path.parent.name != kind):
        return None
    if path.suffix == ".toml":
        return path.stem
    return path.name if not path.suffix and path.name else None
