"""Expressions compiled: the grammar's whitelist applied to a syntax tree, which becomes closures.

:func:`compile_expression` checks a text (or a number) and builds its closure tree
(:mod:`._nodes`); every defect is collected as a located problem. The public
interface is :mod:`negotiation_sim.scenario.expressions`.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any, NamedTuple, TypeAlias

import numpy as np

from .._checking import MAX_MAGNITUDE, magnitude_message, suggest
from ..errors import Problem
from ._grammar import (
    ALLOWED,
    ARITY,
    BINARY,
    CALLABLE,
    COMPARISONS,
    CONSTRUCTS,
    FUNCTIONS,
    MAX_EXPONENT,
    UNARY,
    flat,
    parse_text,
    written,
)
from ._nodes import (
    Compiled,
    assurance_node,
    binary_node,
    clip_node,
    constant_node,
    fold,
    negative_node,
    parameter_node,
    reduce_node,
)

#: A definition ready to inline: its compiled tree and the parameters it uses; ``None`` for a
#: definition with problems (reported where it is defined, not again where it is used).
Inlined: TypeAlias = tuple[Compiled, frozenset[str]] | None


class Result(NamedTuple):
    """A checked expression: its text, tree, and the parameters and definitions it uses."""

    text: str
    compiled: Compiled
    parameters: frozenset[str]
    definitions: frozenset[str]


def compile_expression(
    text: object,
    declared: frozenset[str],
    location: str,
    definitions: Mapping[str, Inlined],
) -> tuple[Result | None, list[Problem]]:
    """Check ``text`` (a number or an expression string) and compile it.

    Returns the result and no problems, or ``None`` and every problem found (none
    when the only defect is the use of a definition mapped to ``None``).

    >>> result, problems = compile_expression("2 * x", frozenset({"x"}), "here", {})
    >>> result.parameters, problems
    (frozenset({'x'}), [])
    >>> compile_expression("2 * y", frozenset({"x"}), "here", {})[1]
    [Problem(location='here', message="undefined parameter 'y' (declared parameters: 'x')")]
    """
    if isinstance(text, (bool, np.bool_, int, float, np.integer, np.floating)):
        return _number(text, location)
    if not isinstance(text, str):
        return None, [
            Problem(
                location,
                f"expected a number or an expression string, got {type(text).__name__} "
                f"{flat(repr(text))}",
            )
        ]
    parsed = parse_text(text)
    if isinstance(parsed, str):
        return None, [Problem(location, parsed)]
    stripped, tree = parsed
    compiler = _Compiler(stripped.replace("\n", " "), declared, location, definitions)
    with np.errstate(all="ignore"):
        compiled = compiler.compile(tree.body)
    if compiled is None or compiler.problems:
        return None, compiler.problems
    if compiled.constant is not None and not math.isfinite(compiled.constant):
        message = (
            f"expression {flat(stripped)!r} evaluates to {compiled.constant} "
            "(division by zero, overflow or a fractional power of a negative number)"
        )
        return None, [Problem(location, message)]
    if compiled.constant is not None and abs(compiled.constant) > MAX_MAGNITUDE:
        message = f"expression {flat(stripped)!r}: {magnitude_message(compiled.constant)}"
        return None, [Problem(location, message)]
    used = frozenset(compiler.used_definitions)
    return Result(stripped, compiled, frozenset(compiler.used), used), []


# -- text to tree ---------------------------------------------------------------------------


def _number(
    text: float | np.bool_ | np.integer[Any] | np.floating[Any], location: str
) -> tuple[Result | None, list[Problem]]:
    """A number given as a number: a constant expression (not a boolean, nan or inf)."""

    def problem(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(location, message)]

    if isinstance(text, (bool, np.bool_)):
        return problem(f"expected a number or an expression, got the boolean {text}")
    try:
        value = float(text)
    except OverflowError:  # an int: str() of one over 4300 digits raises, so say its size
        return problem(f"number of {int(text).bit_length()} bits is too large for a 64-bit float")
    if not math.isfinite(value):
        return problem(f"expected a finite number, got {value}")
    if abs(value) > MAX_MAGNITUDE:
        return problem(magnitude_message(value))
    written = str(text) if isinstance(text, (int, np.integer)) else repr(value)
    return Result(written, Compiled(constant_node(value), value), frozenset(), frozenset()), []


# -- tree to closures -----------------------------------------------------------------------


class _Compiler:
    """Checks an expression tree against the whitelist and builds its closures.

    Problems are collected, not raised; a forbidden node is reported once and
    not descended into, so independent defects are all reported.
    """

    def __init__(
        self,
        source: str,
        declared: frozenset[str],
        location: str,
        definitions: Mapping[str, Inlined],
    ) -> None:
        self.source = source
        self.declared = declared
        self.definitions = definitions
        self.location = location
        self.problems: list[Problem] = []
        self.used: set[str] = set()
        self.used_definitions: set[str] = set()

    def fail(self, message: str) -> None:
        self.problems.append(Problem(self.location, message))

    def snippet(self, node: ast.AST) -> str:
        return flat(ast.get_source_segment(self.source, node) or ast.unparse(node))

    def forbid(self, construct: str, node: ast.AST) -> None:
        self.fail(f"{construct} is not allowed: {self.snippet(node)!r}; {ALLOWED}")

    def compile(self, node: ast.expr) -> Compiled | None:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare):
            symbol = COMPARISONS.get(type(node.ops[0]), "?")
            self.forbid(f"comparison '{symbol}'", node)
        elif isinstance(node, ast.BoolOp):
            self.forbid(
                f"boolean operator '{'and' if isinstance(node.op, ast.And) else 'or'}'", node
            )
        else:
            self.forbid(CONSTRUCTS.get(type(node), f"{type(node).__name__} expression"), node)
        return None

    def constant(self, node: ast.Constant) -> Compiled | None:
        value = node.value
        if isinstance(value, bool):
            self.fail(f"boolean {value} is not allowed; use 1 or 0")
        elif isinstance(value, (int, float)):
            try:
                number = float(value)
            except OverflowError:
                number = math.inf
            if math.isfinite(number) and abs(number) <= MAX_MAGNITUDE:
                return Compiled(constant_node(number), number)
            if math.isfinite(number):
                self.fail(f"number {self.snippet(node)!r}: {magnitude_message(number)}")
            else:
                self.fail(f"number {self.snippet(node)!r} is too large for a 64-bit float")
        elif isinstance(value, complex):
            self.fail(f"complex number {self.snippet(node)!r} is not allowed; {ALLOWED}")
        elif isinstance(value, (str, bytes)):
            kind = "string" if isinstance(value, str) else "bytes"
            self.fail(f"{kind} {self.snippet(node)!r} is not allowed; expected a number")
        else:
            self.fail(f"constant {self.snippet(node)!r} is not allowed; {ALLOWED}")
        return None

    def name(self, name: str) -> Compiled | None:
        if name in self.declared:
            self.used.add(name)
            return Compiled(parameter_node(name), None)
        if name in self.definitions:
            inlined = self.definitions[name]
            if inlined is None:
                return None  # the definition's problems are reported where it is defined
            self.used_definitions.add(name)
            self.used.update(inlined[1])
            return inlined[0]
        if name in FUNCTIONS:
            self.fail(f"{name!r} is a function: call it as {FUNCTIONS[name]}")
        else:
            self.fail(f"undefined {self.undefined(name)}")
        return None

    def undefined(self, name: str) -> str:
        """``parameter 'x'`` with a did-you-mean or the names in scope, for a message."""
        what = "parameter or definition" if self.definitions else "parameter"
        known = [*self.declared, *self.definitions]
        if hint := suggest(name, known):
            return f"{what} {name!r}{hint}"
        if not known:
            return f"{what} {name!r} (no parameters are declared)"
        if len(known) > 12:
            return f"{what} {name!r}"
        listed = [
            f"{kind}: {', '.join(repr(n) for n in sorted(names))}"
            for kind, names in (
                ("declared parameters", self.declared),
                ("definitions", self.definitions),
            )
            if names
        ]
        return f"{what} {name!r} ({'; '.join(listed)})"

    def binary(self, node: ast.BinOp) -> Compiled | None:
        symbol, ufunc = BINARY.get(type(node.op), ("?", None))
        if ufunc is None:
            self.fail(f"operator '{symbol}' is not allowed in {self.snippet(node)!r}; {ALLOWED}")
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
                f"exponent {written(right.constant)} in {self.snippet(node)!r} is too large: "
                f"constant exponents must be between -{MAX_EXPONENT} and {MAX_EXPONENT}"
            )
            return None
        return fold(binary_node(ufunc, left.node, right.node), left, right)

    def unary(self, node: ast.UnaryOp) -> Compiled | None:
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            symbol = UNARY.get(type(node.op), "?")
            self.fail(f"operator '{symbol}' is not allowed in {self.snippet(node)!r}; {ALLOWED}")
            return None
        operand = self.compile(node.operand)
        if operand is None:
            return None
        if isinstance(node.op, ast.UAdd):
            return operand
        return fold(negative_node(operand.node), operand)

    def call(self, node: ast.Call) -> Compiled | None:
        name = self.callee(node)
        if name is None or not self.arguments_ok(name, node):
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
                    f"clip(x, lo, hi) needs lo <= hi, got lo = {written(low)} and "
                    f"hi = {written(high)}: {self.snippet(node)!r}"
                )
                return None
            return fold(clip_node(*nodes), *arguments)
        if name == "assurance":
            for k, what in ((3, "trust"), (4, "verification")):
                value = arguments[k].constant
                if value is not None and not 0.0 <= value <= 1.0:
                    self.fail(
                        f"assurance(R, P, S, trust, verification) needs {what} in [0, 1], got "
                        f"{written(value)}: {self.snippet(node)!r}"
                    )
                    return None
            return fold(assurance_node(*nodes), *arguments)
        ufunc = np.minimum if name == "min" else np.maximum
        return fold(reduce_node(ufunc, nodes), *arguments)

    def callee(self, node: ast.Call) -> str | None:
        """The name of an allowed function called by ``node``, or ``None`` (reported)."""
        only = f"only {CALLABLE} can be called"
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
            self.fail(f"call of {name!r} is not allowed{suggest(name, FUNCTIONS)}; {only}")
            return None
        return name

    def arguments_ok(self, name: str, node: ast.Call) -> bool:
        """Whether ``node`` passes ``name`` the right number of positional arguments."""
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
            return False
        count = len(node.args)
        if name in ARITY and count != ARITY[name]:
            self.fail(
                f"{FUNCTIONS[name]} needs exactly {ARITY[name]} arguments, got {count}: "
                f"{self.snippet(node)!r}"
            )
            return False
        if name not in ARITY and count < 2:
            self.fail(
                f"{FUNCTIONS[name]} needs at least 2 arguments, got {count}: {self.snippet(node)!r}"
            )
            return False
        return True
