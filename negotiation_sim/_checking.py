"""The one toolkit for checking what people write: files, TOML, names, numbers, ranges.

Every input reader (scenario files, experiment files, ``.nfg`` files, the command
line's ``--set``, plotting arguments) checks with these functions, so the same
mistake gets the same message everywhere:

* :func:`read_bytes`, :func:`read_text`, :func:`parse_toml`: a file to data, or a
  located :class:`~negotiation_sim.errors.ScenarioError`;
* :func:`suggest`: the did-you-mean hint;
* :func:`describe`, :func:`show`, :func:`shorten`, :func:`join`: values and
  locations in messages;
* :func:`outside_range`, :func:`range_message`: the range check; :func:`magnitude_message`
  for numbers beyond :data:`MAX_MAGNITUDE`;
* :class:`Problems`: a collector of located problems with typed readers
  (``table``, ``string``, ``number``, ``whole``, ``strings``, ``names``,
  ``in_range``, ``float_array``), raised all at once by :meth:`Problems.raise_if_any`.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
import sys
import tomllib
from collections.abc import Collection, Iterable, Mapping
from os import PathLike
from typing import Any, NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InputError, Problem, ScenarioError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_MAGNITUDE",
    "NAME",
    "Problems",
    "describe",
    "join",
    "magnitude_message",
    "outside_range",
    "parse_toml",
    "range_message",
    "read_bytes",
    "read_text",
    "shorten",
    "show",
    "suggest",
]

#: The largest input file read (scenario and experiment TOML files; ``.nfg`` files have their own).
MAX_FILE_BYTES = 16 * 2**20
#: The largest magnitude of a number in an input file (parameter ranges and defaults, payoffs,
#: grid values): sums and products of two such numbers stay finite in 64-bit floats.
MAX_MAGNITUDE = 1e150
#: A name: letters, digits and ``_``, not starting with a digit (use with ``fullmatch``).
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# -- messages ---------------------------------------------------------------------------------


def suggest(name: str, known: Collection[str] | Mapping[str, Any], *, listing: bool = False) -> str:
    """The did-you-mean hint for an unknown ``name``: ``" (did you mean 'x'?)"`` or ``""``.

    With ``listing``, an unknown name with no close match lists what is known.

    >>> suggest("trsut", ["trust", "verification"])
    " (did you mean 'trust'?)"
    >>> suggest("zzz", ["trust", "verification"], listing=True)
    ' (expected one of trust, verification)'
    >>> suggest("zzz", ["trust"])
    ''
    """
    names = [str(k) for k in known]
    close = difflib.get_close_matches(name, sorted(names), n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (expected one of {', '.join(names)})" if listing and names else ""


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with ``...``.

    >>> shorten("a" * 10, 8)
    'aaaaa...'
    """
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """What a value is, for a message: ``the number 3``, ``a list of 2``, ``a table``.

    >>> describe(True), describe(3), describe([1, 2]), describe({"a": 1}), describe("x")
    ('a boolean', 'the number 3', 'a list of 2', 'a table', "the string 'x'")
    """
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"  # str() refuses > 4300 digits
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {shorten(value)!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def show(value: Any) -> str:
    """A value for a message: a string quoted (and cut), anything else by its kind.

    >>> show("trust"), show(2)
    ("'trust'", 'the number 2')
    """
    return repr(shorten(value)) if isinstance(value, str) else describe(value)


def join(location: str, key: str | int) -> str:
    """A location one step deeper: ``join("actors", 0)`` is ``actors[0]``.

    >>> join("", "title"), join("experiment", "title"), join("actors", 0)
    ('title', 'experiment.title', 'actors[0]')
    """
    if isinstance(key, int):
        return f"{location}[{key}]"
    return f"{location}.{key}" if location else key


def is_number(value: Any) -> bool:
    """A TOML number (int or float), not a boolean."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- ranges -----------------------------------------------------------------------------------


def outside_range(values: ArrayLike, low: float, high: float) -> float | None:
    """The first value outside ``[low, high]`` (NaN counts as outside), or ``None``.

    >>> outside_range([0.2, 1.5, 2.0], 0.0, 1.0)
    1.5
    >>> outside_range(0.5, 0.0, 1.0) is None
    True
    """
    array = np.asarray(values, dtype=np.float64)
    bad = ~((array >= low) & (array <= high))
    return float(array[bad].ravel()[0]) if bad.any() else None


def range_message(value: float, low: float, high: float, name: str | None = None) -> str:
    """The one message for a value outside a parameter's range.

    >>> range_message(1.5, 0.0, 1.0, "trust")
    "value 1.5 is outside the range of 'trust', [0, 1]"
    >>> range_message(-1, 0, 1)
    'value -1 is outside its range [0, 1]'
    """
    if name is None:
        return f"value {value:g} is outside its range [{low:g}, {high:g}]"
    return f"value {value:g} is outside the range of {name!r}, [{low:g}, {high:g}]"


def magnitude_message(value: float) -> str:
    """The one message for a finite number beyond :data:`MAX_MAGNITUDE`.

    >>> print(magnitude_message(-1e308))  # doctest: +NORMALIZE_WHITESPACE
    value -1e+308 is too large: numbers are at most 1e+150 in magnitude
    (so that sums and products of two stay finite)
    """
    return (
        f"value {value:g} is too large: numbers are at most {MAX_MAGNITUDE:g} in magnitude "
        "(so that sums and products of two stay finite)"
    )


# -- files and TOML ---------------------------------------------------------------------------


def read_bytes(path: str | PathLike[str], *, limit: int = MAX_FILE_BYTES) -> bytes:
    """A data file's bytes, at most ``limit`` of them; a located :class:`ScenarioError` otherwise.

    Only regular files are read: a directory, a FIFO, a socket or a device (``/dev/zero``)
    is refused before it is opened, and again on the opened descriptor (opened without
    blocking, so a FIFO swapped in meanwhile cannot hang the reader). A file larger than
    ``limit`` is refused without reading more than ``limit + 1`` bytes.

    >>> read_bytes("/dev/null")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: /dev/null: cannot read the file: it is a character device, not a regular file
    >>> len(read_bytes("pyproject.toml")) > 0
    True
    """
    source = str(path)
    try:
        _require_regular(source, os.stat(path), limit)
        descriptor = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise ScenarioError.at(source, "", f"cannot read the file: {exc.strerror}") from None
    try:
        with os.fdopen(descriptor, "rb") as handle:  # closes the descriptor
            _require_regular(source, os.fstat(handle.fileno()), limit)
            data = handle.read(limit + 1)  # a size can lie (/proc) or grow meanwhile
    except OSError as exc:
        raise ScenarioError.at(source, "", f"cannot read the file: {exc.strerror}") from None
    if len(data) > limit:
        _too_large(source, limit)
    return data


#: Open for reading without blocking (a FIFO), in binary mode, not inherited by children.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _require_regular(source: str, status: os.stat_result, limit: int) -> None:
    """Raise the located error for anything but a regular file of at most ``limit`` bytes."""
    mode = status.st_mode
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a file")
        raise ScenarioError.at(
            source, "", f"cannot read the file: it is {kind}, not a regular file"
        )
    if status.st_size > limit:
        _too_large(source, limit)


def _too_large(source: str, limit: int) -> NoReturn:
    raise ScenarioError.at(
        source, "", f"the file is larger than {limit:,} bytes, the most this reader accepts"
    )


def read_text(path: str | PathLike[str]) -> str:
    """A data file's text; unreadable or non-UTF-8 files raise a located :class:`ScenarioError`."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError.at(
            str(path), f"line {line}", f"the file is not UTF-8 text (byte {exc.start})"
        ) from None


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """TOML text -> data; syntax errors raise a :class:`ScenarioError` with the line and column.

    >>> parse_toml("a = 1", "x.toml")
    {'a': 1}
    >>> parse_toml("a = ]", "x.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: x.toml: line 1, column 5: TOML syntax error: ...
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib (3.11) puts the position in the message: "... (at line 3, column 7)".
        message = str(exc)
        where = re.search(r"\s*\(at (line \d+, column \d+|end of document)\)$", message)
        location = where.group(1) if where else ""
        text_part = message[: where.start()] if where else message
        raise ScenarioError.at(source, location, f"TOML syntax error: {text_part}") from exc
    except ValueError as exc:  # tomllib lets int()'s limit through: over 4300 digits
        digits = sys.get_int_max_str_digits()
        long = re.search(rf"[0-9][0-9_]{{{digits},}}", text) if digits else None
        if long:
            location = f"line {text.count(chr(10), 0, long.start()) + 1}"
            message = f"TOML value error: an integer has more than {digits} digits"
        else:
            location, message = "", f"TOML value error: {exc}"
        raise ScenarioError.at(source, location, message) from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ScenarioError.at(
            source,
            _deepest_line(text),
            "TOML nesting is too deep: arrays or inline tables nested hundreds of levels",
        ) from None


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


# -- the collector ----------------------------------------------------------------------------


class Problems:
    """Located problems of one input, collected so a person fixes them in one pass.

    The typed readers check a value, record a problem when it is wrong and return
    ``None`` (or an empty value), so checking goes on past the first mistake.

    >>> problems = Problems("x.toml")
    >>> problems.number("high", "parameters.trust.default")
    >>> problems.in_range(1.5, 0.0, 1.0, "fixed.trust", name="trust")
    False
    >>> problems.raise_if_any()  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    negotiation_sim.errors.ScenarioError: x.toml: parameters.trust.default: expected a number,
    got the string 'high'
    x.toml: fixed.trust: value 1.5 is outside the range of 'trust', [0, 1]
    """

    def __init__(self, source: str = "", error: type[InputError] = ScenarioError) -> None:
        self.source = source
        self.error = error
        self.problems: list[Problem] = []

    def __bool__(self) -> bool:
        return bool(self.problems)

    def add(self, location: str, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(location, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record problems found elsewhere (e.g. by an expression parser)."""
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        """Raise every recorded problem at once."""
        if self.problems:
            raise self.error(self.source, self.problems)

    # -- typed readers ------------------------------------------------------------------------
    def table(
        self,
        value: Any,
        location: str,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        *,
        free_keys: bool = False,
    ) -> dict[str, Any] | None:
        """A TOML table with ``required`` keys and no key outside ``required + optional``."""
        if not isinstance(value, dict):
            self.add(location, f"expected a table, got {describe(value)}")
            return None
        for key in required:
            if key not in value:
                self.add(join(location, key), "required key is missing")
        if not free_keys:
            self.known_keys(value, (*required, *optional), location)
        return value

    def known_keys(self, table: Mapping[str, Any], known: tuple[str, ...], location: str) -> None:
        """Record every key of ``table`` outside ``known``, with a hint."""
        for key in table:
            if key not in known:
                self.add(join(location, key), f"unknown key{suggest(key, known, listing=True)}")

    def string(self, value: Any, location: str, *, name: bool = False) -> str | None:
        """A non-empty string (with ``name``: letters, digits and ``_``)."""
        if not isinstance(value, str) or not value.strip():
            self.add(location, f"expected a non-empty string, got {describe(value)}")
            return None
        if name and not NAME.fullmatch(value):
            self.add(location, f"expected a name of letters, digits and _, got {show(value)}")
            return None
        return value

    def strings(self, value: Any, location: str) -> tuple[str, ...]:
        """A list of non-empty strings (the good ones, when some are bad)."""
        if not isinstance(value, list):
            self.add(location, f"expected a list of strings, got {describe(value)}")
            return ()
        return tuple(s for k, v in enumerate(value) if (s := self.string(v, join(location, k))))

    def number(self, value: Any, location: str) -> float | None:
        """A finite number of magnitude at most :data:`MAX_MAGNITUDE` (an int too large for a
        float is refused, not overflowed)."""
        if not is_number(value):
            self.add(location, f"expected a number, got {describe(value)}")
            return None
        try:
            number = float(value)
        except OverflowError:
            self.add(
                location,
                f"expected a finite number, got {describe(value)}: too large for a 64-bit float",
            )
            return None
        if not math.isfinite(number):
            self.add(location, f"expected a finite number, got {value}")
            return None
        if abs(number) > MAX_MAGNITUDE:
            self.add(location, magnitude_message(number))
            return None
        return number

    def whole(
        self, value: Any, location: str, *, low: int = 0, high: int | None = None
    ) -> int | None:
        """A whole number in ``[low, high]``."""
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok or value < low or (high is not None and value > high):
            upper = f" and <= {high}" if high is not None else ""
            self.add(location, f"expected a whole number >= {low}{upper}, got {show(value)}")
            return None
        return int(value)

    def names(
        self, value: Any, location: str, known: Collection[str], what: str
    ) -> tuple[str, ...] | None:
        """A non-empty list of distinct names out of ``known`` (``None`` if any is bad)."""
        if not isinstance(value, list) or not value:
            self.add(location, f"expected a non-empty list of {what}s, got {show(value)}")
            return None
        good: list[str] = []
        for k, item in enumerate(value):
            where = join(location, k)
            if not isinstance(item, str):
                self.add(where, f"expected a {what}, got {show(item)}")
            elif item not in known:
                listed = ", ".join(known)
                self.add(where, f"unknown {what} {item!r}{suggest(item, known)}; known: {listed}")
            elif item in good:
                self.add(where, f"{what} {item!r} is listed twice")
            else:
                good.append(item)
        return tuple(good) if len(good) == len(value) else None

    def known(self, name: str, known: Collection[str], location: str, what: str) -> bool:
        """Whether ``name`` is one of ``known``; records ``unknown <what> 'x' (did you mean ...)``."""
        if name in known:
            return True
        self.add(location, f"unknown {what} {name!r}{suggest(name, known)}")
        return False

    def in_range(
        self, values: ArrayLike, low: float, high: float, location: str, *, name: str | None = None
    ) -> bool:
        """Whether every value lies in ``[low, high]``; records the range message if not."""
        bad = outside_range(values, low, high)
        if bad is None:
            return True
        self.add(location, range_message(bad, low, high, name))
        return False

    def float_array(
        self, value: Any, location: str, *, ndim: int | None = None, finite: bool = True
    ) -> NDArray[np.float64] | None:
        """Numbers as a float array (of ``ndim`` dimensions), finite unless told otherwise."""
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            self.add(location, f"expected numbers, got {show(value)}")
            return None
        if ndim is not None and array.ndim != ndim:
            shape = "one number" if ndim == 0 else f"an array of {ndim} dimension(s)"
            self.add(location, f"expected {shape}, got shape {array.shape}")
            return None
        if finite and not np.isfinite(array).all():
            self.add(location, "expected finite values")
            return None
        return array
