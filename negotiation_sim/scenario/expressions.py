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
* names of declared parameters;
* unary ``+`` and ``-``; binary ``+``, ``-``, ``*``, ``/`` and ``**``; parentheses;
* ``min(a, b, ...)`` and ``max(a, b, ...)`` with at least two arguments (elementwise),
  ``clip(x, lo, hi)`` (:func:`numpy.clip`), and
  ``assurance(R, P, S, trust, verification)`` = ``trust * R + (1 - trust) *
  (verification * P + (1 - verification) * S)``, the value of entering a deal
  under trust and verification (docs/models.md §4: R the deal kept, P no deal,
  S the deal broken by the other side), with positional arguments only.

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
finite; for all others the *caller* checks the finiteness of the result and
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
"""

from __future__ import annotations

import ast
import difflib
import functools
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import Problem, ScenarioError

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "Expression",
    "check_expression",
    "parse_expression",
]

#: Longest accepted expression text, in characters.
MAX_LENGTH = 2000
#: Deepest accepted nesting of operations, calls and operands.
MAX_DEPTH = 40
#: Largest accepted absolute value of a constant exponent.
MAX_EXPONENT = 16
#: The functions an expression may call, with their signatures.
FUNCTIONS = {
    "min": "min(a, b, ...)",
    "max": "max(a, b, ...)",
    "clip": "clip(x, lo, hi)",
    "assurance": "assurance(R, P, S, trust, verification)",
}
#: Functions with a fixed number of arguments.
_ARITY = {"clip": 3, "assurance": 5}

FloatArray: TypeAlias = NDArray[np.float64]
_Values: TypeAlias = Mapping[str, FloatArray]
_Node: TypeAlias = Callable[[_Values], FloatArray]

_CALLABLE = (
    "min(a, b, ...), max(a, b, ...), clip(x, lo, hi) and assurance(R, P, S, trust, verification)"
)
_ALLOWED = f"expressions may use numbers, parameter names, + - * / **, parentheses, {_CALLABLE}"
_NO_VALUES: _Values = {}

_BINARY: dict[type[ast.operator], tuple[str, np.ufunc | None]] = {
    ast.Add: ("+", np.add),
    ast.Sub: ("-", np.subtract),
    ast.Mult: ("*", np.multiply),
    ast.Div: ("/", np.true_divide),
    ast.Pow: ("**", np.power),
    ast.FloorDiv: ("//", None),
    ast.Mod: ("%", None),
    ast.MatMult: ("@", None),
    ast.LShift: ("<<", None),
    ast.RShift: (">>", None),
    ast.BitAnd: ("&", None),
    ast.BitOr: ("|", None),
    ast.BitXor: ("^", None),
}
_UNARY: dict[type[ast.unaryop], str] = {
    ast.UAdd: "+",
    ast.USub: "-",
    ast.Not: "not",
    ast.Invert: "~",
}
_COMPARISONS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.IfExp: "conditional expression (... if ... else ...)",
    ast.NamedExpr: "assignment expression (:=)",
    ast.Starred: "starred expression",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class _Compiled(NamedTuple):
    """A checked sub-expression: its closure, and its value if it has no parameters."""

    node: _Node
    constant: float | None


@dataclass(frozen=True)
class Expression:
    """A checked arithmetic expression of named parameters.

    Create it with :func:`parse_expression` (or :func:`check_expression`), not
    directly. Two expressions are equal when their texts and parameters are.
    Expressions are immutable, safe to share between threads, and pickle (by
    their text, which is parsed again on unpickling) for process pools.

    Attributes
    ----------
    text : str
        The expression as written (surrounding whitespace removed); a number
        given as a number is written with :func:`repr`.
    parameters : frozenset of str
        The parameters the expression uses (a subset of the declared ones).

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
    _node: _Node = field(repr=False, compare=False)
    _constant: float | None = field(repr=False, compare=False)

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
            raise ScenarioError(
                "", [Problem("", f"expression {self.text!r} is not constant: it uses {names}")]
            )
        return self._constant

    def __reduce__(self) -> tuple[Callable[..., Expression], tuple[str, ...]]:
        # Closures do not pickle: rebuild from the text (for process pools and Dask).
        return _rebuild, (self.text, *sorted(self.parameters))

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
        missing = sorted(name for name in self.parameters if name not in values)
        if missing:
            names = ", ".join(repr(name) for name in missing)
            raise ScenarioError(
                "", [Problem("", f"expression {self.text!r}: no value given for {names}")]
            )
        arrays: dict[str, FloatArray] = {}
        for name in sorted(self.parameters):
            try:
                arrays[name] = np.asarray(values[name], dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise ScenarioError(
                    "",
                    [
                        Problem(
                            "",
                            f"expression {self.text!r}: parameter {name!r} needs a number or "
                            f"an array of numbers, got {values[name]!r} ({exc})",
                        )
                    ],
                ) from exc
        try:
            with np.errstate(all="ignore"):
                result = np.asarray(self._node(arrays), dtype=np.float64)
        except ValueError as exc:
            shapes = ", ".join(f"{name} {array.shape}" for name, array in arrays.items())
            raise ScenarioError(
                "",
                [
                    Problem(
                        "",
                        f"expression {self.text!r}: the shapes of the parameter values do not "
                        f"broadcast together: {shapes}",
                    )
                ],
            ) from exc
        if any(result is array for array in arrays.values()):
            result = result.copy()  # a bare parameter: never hand back the caller's array
        return result


def parse_expression(
    text: str | int | float, *, parameters: Collection[str], location: str = ""
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
    expression, problems = check_expression(text, parameters=parameters, location=location)
    if expression is None:
        raise ScenarioError("", problems)
    return expression


def check_expression(
    text: str | int | float, *, parameters: Collection[str], location: str = ""
) -> tuple[Expression | None, list[Problem]]:
    """Parse and check a payoff expression without raising.

    Same as :func:`parse_expression`, for callers that collect the problems of
    a whole file before raising one :class:`ScenarioError`.

    Returns
    -------
    expression : Expression or None
        The expression, or ``None`` if there are problems.
    problems : list of Problem
        Empty if and only if ``expression`` is not ``None``; each at ``location``.

    Raises
    ------
    TypeError
        Only if ``parameters`` is a single string (a bug of the caller).

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
    """
    if isinstance(parameters, str):
        raise TypeError(
            f"parameters: expected a collection of names, got the string {parameters!r}"
        )
    declared = frozenset(parameters)

    def problem(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(location, message)]

    if isinstance(text, (bool, np.bool_)):
        return problem(f"expected a number or an expression, got the boolean {text}")
    if isinstance(text, (int, float, np.integer, np.floating)):
        try:
            value = float(text)
        except OverflowError:  # an int: str() of one over 4300 digits raises, so say its size
            return problem(
                f"number of {int(text).bit_length()} bits is too large for a 64-bit float"
            )
        if not math.isfinite(value):
            return problem(f"expected a finite number, got {value}")
        written = str(text) if isinstance(text, (int, np.integer)) else repr(value)
        return Expression(written, frozenset(), _constant_node(value), value), []
    if not isinstance(text, str):
        return problem(
            f"expected a number or an expression string, got {type(text).__name__} "
            f"{_shorten(repr(text))}"
        )
    if len(text) > MAX_LENGTH:
        return problem(
            f"expression is too long: {len(text):,} characters, at most {MAX_LENGTH:,} allowed"
        )
    stripped = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not stripped:
        return problem("expected a number or an expression, got an empty string")
    if "#" in stripped:
        return problem(f"comments ('#') are not allowed in an expression: {_shorten(stripped)!r}")
    # Line breaks count as spaces; the replacement keeps every character's index.
    source = stripped.replace("\n", " ")
    try:
        tree = ast.parse(source + "\n", mode="eval")
    except SyntaxError as exc:
        return problem(f"syntax error in {_shorten(stripped)!r}{_where(stripped, exc)}: {exc.msg}")
    except ValueError as exc:  # null bytes, in older Pythons
        return problem(f"invalid expression {_shorten(stripped)!r}: {exc}")
    except (RecursionError, MemoryError):
        return problem(
            f"expression {_shorten(stripped)!r} is nested too deeply "
            f"(at most {MAX_DEPTH} levels allowed)"
        )
    if _depth(tree, MAX_DEPTH) > MAX_DEPTH:
        return problem(
            f"expression {_shorten(stripped)!r} is nested more than {MAX_DEPTH} levels deep "
            f"(each operation and call is a level, so a sum or product of more than "
            f"{MAX_DEPTH} terms is too deep too): simplify it"
        )
    compiler = _Compiler(source, declared, location)
    with np.errstate(all="ignore"):
        compiled = compiler.compile(tree.body)
    if compiled is None or compiler.problems:
        return None, compiler.problems
    if compiled.constant is not None and not math.isfinite(compiled.constant):
        return problem(
            f"expression {_shorten(stripped)!r} evaluates to {compiled.constant} "
            "(division by zero, overflow or a fractional power of a negative number)"
        )
    return Expression(stripped, frozenset(compiler.used), compiled.node, compiled.constant), []


def _rebuild(text: str, *parameters: str) -> Expression:
    return parse_expression(text, parameters=parameters)


# -- parsing helpers ------------------------------------------------------------------------


def _shorten(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to about ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _where(text: str, exc: SyntaxError) -> str:
    """Where in ``text`` a syntax error is: ``" at column 5"``, ``" at line 2, column 1"``."""
    if exc.offset is None or exc.offset < 1:
        return "" if exc.offset is None else " at the end"
    index = exc.offset - 1  # the parsed source is ``text`` on one line, index for index
    if index >= len(text):
        return " at the end"
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f" at column {column}" if line == 1 else f" at line {line}, column {column}"


def _depth(tree: ast.AST, limit: int) -> int:
    """Deepest nesting of expression nodes, without recursion; stops once past ``limit``."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _did_you_mean(name: str, candidates: Collection[str]) -> str:
    matches = difflib.get_close_matches(name, sorted(candidates), n=1)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


class _Compiler:
    """Checks an expression tree against the whitelist and builds its closures.

    Problems are collected, not raised; a forbidden node is reported once and
    not descended into, so independent defects are all reported.
    """

    def __init__(self, source: str, declared: frozenset[str], location: str) -> None:
        self.source = source
        self.declared = declared
        self.location = location
        self.problems: list[Problem] = []
        self.used: set[str] = set()

    def fail(self, message: str) -> None:
        self.problems.append(Problem(self.location, message))

    def snippet(self, node: ast.AST) -> str:
        return _shorten(ast.get_source_segment(self.source, node) or ast.unparse(node))

    def forbid(self, construct: str, node: ast.AST) -> None:
        self.fail(f"{construct} is not allowed: {self.snippet(node)!r}; {_ALLOWED}")

    def compile(self, node: ast.expr) -> _Compiled | None:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare):
            symbol = _COMPARISONS.get(type(node.ops[0]), "?")
            self.forbid(f"comparison '{symbol}'", node)
        elif isinstance(node, ast.BoolOp):
            self.forbid(
                f"boolean operator '{'and' if isinstance(node.op, ast.And) else 'or'}'", node
            )
        else:
            self.forbid(_CONSTRUCTS.get(type(node), f"{type(node).__name__} expression"), node)
        return None

    def constant(self, node: ast.Constant) -> _Compiled | None:
        value = node.value
        if isinstance(value, bool):
            self.fail(f"boolean {value} is not allowed; use 1 or 0")
        elif isinstance(value, (int, float)):
            try:
                number = float(value)
            except OverflowError:
                self.fail(f"number {self.snippet(node)!r} is too large for a 64-bit float")
                return None
            if math.isfinite(number):
                return _Compiled(_constant_node(number), number)
            self.fail(f"number {self.snippet(node)!r} is too large for a 64-bit float")
        elif isinstance(value, complex):
            self.fail(f"complex number {self.snippet(node)!r} is not allowed; {_ALLOWED}")
        elif isinstance(value, (str, bytes)):
            kind = "string" if isinstance(value, str) else "bytes"
            self.fail(f"{kind} {self.snippet(node)!r} is not allowed; expected a number")
        else:
            self.fail(f"constant {self.snippet(node)!r} is not allowed; {_ALLOWED}")
        return None

    def name(self, node: ast.Name) -> _Compiled | None:
        name = node.id
        if name in self.declared:
            self.used.add(name)
            return _Compiled(_parameter_node(name), None)
        if name in FUNCTIONS:
            self.fail(f"{name!r} is a function: call it as {FUNCTIONS[name]}")
        elif hint := _did_you_mean(name, self.declared):
            self.fail(f"undefined parameter {name!r}{hint}")
        elif self.declared and len(self.declared) <= 12:
            names = ", ".join(repr(n) for n in sorted(self.declared))
            self.fail(f"undefined parameter {name!r} (declared parameters: {names})")
        elif self.declared:
            self.fail(f"undefined parameter {name!r}")
        else:
            self.fail(f"undefined parameter {name!r} (no parameters are declared)")
        return None

    def binary(self, node: ast.BinOp) -> _Compiled | None:
        symbol, ufunc = _BINARY.get(type(node.op), ("?", None))
        if ufunc is None:
            self.fail(f"operator '{symbol}' is not allowed in {self.snippet(node)!r}; {_ALLOWED}")
            return None
        left = self.compile(node.left)
        right = self.compile(node.right)
        if left is None or right is None:
            return None
        if (
            isinstance(node.op, ast.Pow)
            and right.constant is not None
            and not abs(right.constant) <= MAX_EXPONENT
        ):
            self.fail(
                f"exponent {_number(right.constant)} in {self.snippet(node)!r} is too large: "
                f"constant exponents must be between -{MAX_EXPONENT} and {MAX_EXPONENT}"
            )
            return None
        return _fold(_binary_node(ufunc, left.node, right.node), left, right)

    def unary(self, node: ast.UnaryOp) -> _Compiled | None:
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            symbol = _UNARY.get(type(node.op), "?")
            self.fail(f"operator '{symbol}' is not allowed in {self.snippet(node)!r}; {_ALLOWED}")
            return None
        operand = self.compile(node.operand)
        if operand is None:
            return None
        if isinstance(node.op, ast.UAdd):
            return operand
        return _fold(_negative_node(operand.node), operand)

    def call(self, node: ast.Call) -> _Compiled | None:
        only = f"only {_CALLABLE} can be called"
        if not isinstance(node.func, ast.Name):
            kind = {
                ast.Attribute: "an attribute",
                ast.Lambda: "a lambda",
                ast.Call: "the result of a call",
                ast.Subscript: "a subscript",
            }.get(type(node.func), "an expression")
            self.fail(f"call of {kind} {self.snippet(node.func)!r} is not allowed; {only}")
            return None
        name = node.func.id
        if name not in FUNCTIONS:
            hint = _did_you_mean(name, FUNCTIONS)
            self.fail(f"call of {name!r} is not allowed{hint}; {only}")
            return None
        ok = True
        for keyword in node.keywords:
            what = (
                f"keyword argument '{keyword.arg}='" if keyword.arg else "argument unpacking '**'"
            )
            self.fail(
                f"{what} in {self.snippet(node)!r} is not allowed; pass arguments by position"
            )
            ok = False
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                self.fail(
                    f"starred argument {self.snippet(argument)!r} in {self.snippet(node)!r} "
                    "is not allowed; pass arguments one by one"
                )
                ok = False
        if not ok:
            return None
        count = len(node.args)
        if name in _ARITY and count != _ARITY[name]:
            self.fail(
                f"{FUNCTIONS[name]} needs exactly {_ARITY[name]} arguments, got {count}: "
                f"{self.snippet(node)!r}"
            )
            return None
        if name not in _ARITY and count < 2:
            self.fail(
                f"{FUNCTIONS[name]} needs at least 2 arguments, got {count}: {self.snippet(node)!r}"
            )
            return None
        compiled = [self.compile(argument) for argument in node.args]
        arguments = [c for c in compiled if c is not None]
        if len(arguments) < len(compiled):
            return None
        nodes = [argument.node for argument in arguments]
        if name == "clip":
            low, high = arguments[1].constant, arguments[2].constant
            if low is not None and high is not None and low > high:
                self.fail(
                    f"clip(x, lo, hi) needs lo <= hi, got lo = {_number(low)} and "
                    f"hi = {_number(high)}: {self.snippet(node)!r}"
                )
                return None
            return _fold(_clip_node(*nodes), *arguments)
        if name == "assurance":
            for k, what in ((3, "trust"), (4, "verification")):
                value = arguments[k].constant
                if value is not None and not 0.0 <= value <= 1.0:
                    self.fail(
                        f"assurance(R, P, S, trust, verification) needs {what} in [0, 1], got "
                        f"{_number(value)}: {self.snippet(node)!r}"
                    )
                    return None
            return _fold(_assurance_node(*nodes), *arguments)
        ufunc = np.minimum if name == "min" else np.maximum
        return _fold(_reduce_node(ufunc, nodes), *arguments)


# -- closures -------------------------------------------------------------------------------


def _fold(node: _Node, *operands: _Compiled) -> _Compiled:
    """``node``, computed now if all its operands are constant (inside ``np.errstate``)."""
    if all(operand.constant is not None for operand in operands):
        value = float(node(_NO_VALUES))
        return _Compiled(_constant_node(value), value)
    return _Compiled(node, None)


def _constant_node(value: float) -> _Node:
    array = np.array(value, dtype=np.float64)
    array.setflags(write=False)

    def constant(values: _Values) -> FloatArray:
        return array

    return constant


def _parameter_node(name: str) -> _Node:
    def parameter(values: _Values) -> FloatArray:
        return values[name]

    return parameter


def _binary_node(ufunc: np.ufunc, left: _Node, right: _Node) -> _Node:
    def binary(values: _Values) -> FloatArray:
        result: FloatArray = ufunc(left(values), right(values))
        return result

    return binary


def _negative_node(operand: _Node) -> _Node:
    def negative(values: _Values) -> FloatArray:
        return np.negative(operand(values))

    return negative


def _reduce_node(ufunc: np.ufunc, operands: Sequence[_Node]) -> _Node:
    def reduce(values: _Values) -> FloatArray:
        result: FloatArray = functools.reduce(ufunc, [operand(values) for operand in operands])
        return result

    return reduce


def _assurance_node(r: _Node, p: _Node, s: _Node, trust: _Node, verification: _Node) -> _Node:
    """The value of entering a deal (docs/models.md §4, trust as belief with verification)."""

    def assurance(values: _Values) -> FloatArray:
        mu, pi = trust(values), verification(values)
        result: FloatArray = mu * r(values) + (1 - mu) * (pi * p(values) + (1 - pi) * s(values))
        return result

    return assurance


def _clip_node(x: _Node, low: _Node, high: _Node) -> _Node:
    def clip(values: _Values) -> FloatArray:
        return np.clip(x(values), low(values), high(values))

    return clip
