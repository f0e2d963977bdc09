"""Payoff expressions: arithmetic of named parameters, parsed safely, evaluated on grids.

A scenario file gives each payoff as a number or as a string such as
``"trust * R + (1 - trust) * (verification * P + (1 - verification) * S) - c_war"``.
The string is parsed with :func:`ast.parse` and its tree is checked against a
whitelist; it is never passed to :func:`eval` or compiled to Python code. The
checked tree is turned once, at parse time, into a tree of small closures over
numpy functions, so one call of :meth:`Expression.evaluate` evaluates the
expression on a whole parameter grid by broadcasting.

Grammar (everything else is rejected, with a message naming the construct):

* numbers: integer and float literals (not booleans, complex numbers or strings);
* names of declared parameters, and names of *definitions*: checked expressions
  passed as ``definitions=`` (a scenario's ``[definitions]`` table), whose trees
  are inlined where their names appear, so evaluating needs parameter values only;
* unary ``+`` and ``-``; binary ``+``, ``-``, ``*``, ``/`` and ``**``; parentheses;
* ``min(a, b, ...)`` and ``max(a, b, ...)`` with at least two arguments (elementwise),
  ``clip(x, lo, hi)`` (:func:`numpy.clip`), and
  ``assurance(R, P, S, trust, verification)`` = ``trust * R + (1 - trust) *
  (verification * P + (1 - verification) * S)``, the value of entering a deal
  under trust and verification (docs/models.md §4: R the deal kept, P no deal,
  S the deal broken by the other side), with positional arguments only.

Text is ASCII only, checked before parsing: Python reads identifiers NFKC-normalised,
so a look-alike such as a full-width ``ｔrust`` would silently become ``trust``; it is
refused with a message saying so.

Limits: at most :data:`MAX_LENGTH` characters, at most :data:`MAX_DEPTH` levels of
nesting (each operation is a level, so a sum of more than 40 terms is too deep
too), and constant exponents of absolute value at most :data:`MAX_EXPONENT`
(``x ** 99`` and ``2 ** 1000`` are rejected; ``x ** y`` with a parameter ``y`` is
allowed). Line breaks count as spaces, so a long expression may span several
lines of a TOML multi-line string; comments (``#``) are not allowed.

Arithmetic follows IEEE floating point (float64) with numpy's rules and no
warnings: division by zero, overflow and powers of negative numbers with
fractional exponents give ``inf``, ``-inf`` or ``nan`` in the result instead of
raising. Only sub-expressions without parameters are computed at parse time
(constant folding), and an expression that is constant as a whole must be
finite and, like every number in it, at most
:data:`~negotiation_sim._checking.MAX_MAGNITUDE` (1e150) in magnitude; for all others the *caller* checks the finiteness of the result and
reports the location with the offending parameter values.

Examples
--------
>>> payoff = parse_expression("trust * R - (1 - trust) * c_war",
...                           parameters={"trust", "R", "c_war", "unused"})
>>> sorted(payoff.parameters)
['R', 'c_war', 'trust']
>>> float(payoff.evaluate({"trust": 0.5, "R": 4, "c_war": 2}))
1.0
>>> parse_expression("trsut * R", parameters={"trust", "R"}, location="outcomes.deal.payoffs.russia")
Traceback (most recent call last):
    ...
negotiation_sim.errors.ScenarioError: outcomes.deal.payoffs.russia: undefined parameter 'trsut' (did you mean 'trust'?)

A definition is used by name:

>>> war = parse_expression("p - c_war", parameters={"p", "c_war"})
>>> deal = parse_expression("assurance(0.5, war, war - 0.2, trust, 0)",
...                         parameters={"p", "c_war", "trust"}, definitions={"war": war})
>>> sorted(deal.parameters)
['c_war', 'p', 'trust']
>>> float(deal.evaluate({"p": 0.6, "c_war": 0.2, "trust": 1.0}))
0.5
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..errors import Problem, ScenarioError
from ._compiler import Inlined, compile_expression
from ._grammar import FUNCTIONS, MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, referenced_names
from ._nodes import Compiled, FloatArray, Node

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "Expression",
    "check_expression",
    "parse_expression",
    "referenced_names",
]


@dataclass(frozen=True)
class Expression:
    """A checked arithmetic expression of named parameters.

    Create it with :func:`parse_expression` (or :func:`check_expression`), not
    directly. Two expressions are equal when their texts, parameters and
    definitions are. Expressions are immutable, safe to share between threads,
    and pickle (by their text, which is parsed again on unpickling) for process
    pools.

    Attributes
    ----------
    text : str
        The expression as written (surrounding whitespace removed); a number
        given as a number is written with :func:`repr`.
    parameters : frozenset of str
        The parameters the expression uses (a subset of the declared ones),
        through the definitions it uses too.
    definitions : tuple of (str, Expression)
        The definitions the text names, sorted by name (their trees are inlined).

    Examples
    --------
    A whole grid in one call, by broadcasting:

    >>> import numpy as np
    >>> e = parse_expression("clip(trust - verification, 0, 1) ** 2",
    ...                      parameters=["trust", "verification"])
    >>> trust = np.linspace(0, 1, 50)[:, None]
    >>> verification = np.linspace(0, 1, 40)[None, :]
    >>> e.evaluate({"trust": trust, "verification": verification}).shape
    (50, 40)

    Expressions without parameters are folded at parse time:

    >>> c = parse_expression("max(2, 3) * (1 - 1 / 4)", parameters=[])
    >>> c.is_constant, c.constant_value
    (True, 2.25)
    """

    text: str
    parameters: frozenset[str]
    _node: Node = field(repr=False, compare=False)
    _constant: float | None = field(repr=False, compare=False)
    definitions: tuple[tuple[str, Expression], ...] = field(default=(), repr=False)

    @property
    def is_constant(self) -> bool:
        """Whether the expression uses no parameter (its value is :attr:`constant_value`)."""
        return self._constant is not None

    @property
    def constant_value(self) -> float:
        """The value of a constant expression; raises :class:`ScenarioError` if it uses parameters.

        >>> parse_expression("-2 ** 2", parameters=[]).constant_value
        -4.0
        """
        if self._constant is None:
            names = ", ".join(repr(name) for name in sorted(self.parameters))
            raise ScenarioError.at(
                "", "", f"expression {self.text!r} is not constant: it uses {names}"
            )
        return self._constant

    def __reduce__(self) -> tuple[Callable[..., Expression], tuple[object, ...]]:
        # Closures do not pickle: rebuild from the text (for process pools and Dask).
        return _rebuild, (self.text, tuple(sorted(self.parameters)), self.definitions)

    def evaluate(self, values: Mapping[str, ArrayLike]) -> FloatArray:
        """Evaluate the expression, elementwise and with numpy broadcasting.

        Parameters
        ----------
        values : mapping of str to array_like
            A value for every parameter in :attr:`parameters` (others are
            ignored): scalars or arrays of broadcast-compatible shapes, for
            example ``trust`` of shape ``(50, 1)`` and ``verification`` of shape
            ``(1, 40)``.

        Returns
        -------
        numpy.ndarray of float64
            A new array whose shape is the broadcast shape of the values of the
            parameters used (0-d for scalars and for constant expressions; use
            :func:`numpy.broadcast_to` to expand it to a full grid). ``min`` and
            ``max`` are :func:`numpy.minimum` and :func:`numpy.maximum` reduced
            over their arguments, ``clip`` is :func:`numpy.clip` (which gives
            ``hi`` where ``lo > hi``). Division by zero, overflow and invalid
            powers give ``inf``, ``-inf`` or ``nan`` without a warning, and
            ``nan`` propagates through ``min``, ``max`` and ``clip``: check the
            result with :func:`numpy.isfinite`.

        Raises
        ------
        ScenarioError
            If a parameter has no value, a value is not numeric, or the shapes
            of the values do not broadcast together.

        Examples
        --------
        >>> e = parse_expression("min(a, b) / c", parameters=["a", "b", "c"])
        >>> e.evaluate({"a": [1, 5, 3], "b": 2, "c": [[1], [2]]}).tolist()
        [[1.0, 2.0, 2.0], [0.5, 1.0, 1.0]]
        >>> e.evaluate({"a": 1, "b": 2, "c": 0})
        array(inf)
        """
        if self._constant is not None:
            return np.array(self._constant, dtype=np.float64)
        arrays = self._arrays(values)
        try:
            with np.errstate(all="ignore"):
                result = np.asarray(self._node(arrays), dtype=np.float64)
        except ValueError as exc:
            shapes = ", ".join(f"{name} {array.shape}" for name, array in arrays.items())
            raise ScenarioError.at(
                "",
                "",
                f"expression {self.text!r}: the shapes of the parameter values do not "
                f"broadcast together: {shapes}",
            ) from exc
        if any(result is array for array in arrays.values()):
            result = result.copy()  # a bare parameter: never hand back the caller's array
        return result

    def _arrays(self, values: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
        """The values of the parameters used, as float arrays (missing or bad ones raise)."""
        missing = sorted(name for name in self.parameters if name not in values)
        if missing:
            names = ", ".join(repr(name) for name in missing)
            raise ScenarioError.at("", "", f"expression {self.text!r}: no value given for {names}")
        arrays: dict[str, FloatArray] = {}
        for name in sorted(self.parameters):
            try:
                arrays[name] = np.asarray(values[name], dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise ScenarioError.at(
                    "",
                    "",
                    f"expression {self.text!r}: parameter {name!r} needs a number or "
                    f"an array of numbers, got {values[name]!r} ({exc})",
                ) from exc
        return arrays


def parse_expression(
    text: str | int | float,
    *,
    parameters: Collection[str],
    location: str = "",
    definitions: Mapping[str, Expression] | None = None,
) -> Expression:
    """Parse and check a payoff expression; raise every problem found.

    Parameters
    ----------
    text : str or int or float
        The expression, or a plain number (which becomes a constant
        expression; booleans, ``nan`` and ``inf`` are rejected).
    parameters : collection of str
        The declared parameter names the expression may use (not a single
        string).
    location : str, optional
        Where the expression is in its file, for example
        ``"outcomes.deal.payoffs.russia"``; every problem carries it.
    definitions : mapping of str to Expression, optional
        Named expressions (of the same parameters) the text may use by name,
        for example a scenario's :attr:`~negotiation_sim.scenario.Scenario.definitions`.
        Their names must differ from the parameters'.

    Returns
    -------
    Expression

    Raises
    ------
    ScenarioError
        With source ``""`` and one :class:`~negotiation_sim.errors.Problem`
        per defect found (usually one), each at ``location``; the caller adds
        the file name by collecting the problems (see :func:`check_expression`).

    Examples
    --------
    >>> parse_expression("2 * x ** 2 - 1", parameters={"x"}).evaluate({"x": [0, 1, 2]})
    array([-1.,  1.,  7.])
    >>> parse_expression(3, parameters={"x"}).constant_value
    3.0
    >>> parse_expression("__import__('os').system('ls')", parameters={"x"}, location="p")
    Traceback (most recent call last):
        ...
    negotiation_sim.errors.ScenarioError: p: call of an attribute "__import__('os').system" is not allowed; only min(a, b, ...), max(a, b, ...), clip(x, lo, hi) and assurance(R, P, S, trust, verification) can be called
    """
    expression, problems = check_expression(
        text, parameters=parameters, location=location, definitions=definitions
    )
    if expression is None:
        raise ScenarioError("", problems)
    return expression


def check_expression(
    text: str | int | float,
    *,
    parameters: Collection[str],
    location: str = "",
    definitions: Mapping[str, Expression | None] | None = None,
) -> tuple[Expression | None, list[Problem]]:
    """Parse and check a payoff expression without raising.

    Same as :func:`parse_expression`, for callers that collect the problems of
    a whole file before raising one :class:`ScenarioError`. A definition may be
    ``None``: a name declared with problems, reported where it is declared, so
    a use of it is not reported again.

    Returns
    -------
    expression : Expression or None
        The expression, or ``None`` if there are problems (or if it uses a
        definition given as ``None``).
    problems : list of Problem
        Empty if ``expression`` is not ``None``; each at ``location``.

    Raises
    ------
    TypeError
        Only if ``parameters`` is a single string, or shares a name with
        ``definitions`` (bugs of the caller).

    Examples
    --------
    >>> expression, problems = check_expression("1 + (x * ", parameters={"x"}, location="a.b")
    >>> expression is None, [str(p) for p in problems]
    (True, ["a.b: syntax error in '1 + (x *' at column 5: '(' was never closed"])
    >>> _, problems = check_expression("a % b + c", parameters={"a", "b"}, location="a.b")
    >>> for problem in problems:
    ...     print(problem)
    a.b: operator '%' is not allowed in 'a % b'; expressions may use numbers, parameter names, + - * / **, parentheses, min(a, b, ...), max(a, b, ...), clip(x, lo, hi) and assurance(R, P, S, trust, verification)
    a.b: undefined parameter 'c' (declared parameters: 'a', 'b')
    >>> check_expression("2 * q", parameters={"a"}, definitions={"q": None})
    (None, [])
    """
    if isinstance(parameters, str):
        raise TypeError(
            f"parameters: expected a collection of names, got the string {parameters!r}"
        )
    declared = frozenset(parameters)
    definitions = definitions or {}
    if clash := sorted(declared & set(definitions)):
        raise TypeError(f"definitions: {', '.join(clash)} is also a parameter")
    inlined: dict[str, Inlined] = {
        name: None if e is None else (Compiled(e._node, e._constant), e.parameters)
        for name, e in definitions.items()
    }
    result, problems = compile_expression(text, declared, location, inlined)
    if result is None:
        return None, problems
    used = tuple(
        (name, definition)
        for name in sorted(result.definitions)
        if (definition := definitions[name]) is not None
    )
    node, constant = result.compiled
    return Expression(result.text, result.parameters, node, constant, used), []


def _rebuild(
    text: str, parameters: tuple[str, ...], definitions: tuple[tuple[str, Expression], ...]
) -> Expression:
    return parse_expression(text, parameters=parameters, definitions=dict(definitions))
